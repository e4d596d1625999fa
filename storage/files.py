"""Files that hold personal data are the owner's alone: folders 0700, files 0600.

Modes are set explicitly (the umask may be 022, which would leave them world-readable);
`civicbot` also sets a restrictive umask at start for anything created elsewhere.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

PRIVATE_DIR = 0o700
PRIVATE_FILE = 0o600
PRIVATE_UMASK = 0o077


def private_dir(path: Path) -> None:
    """Create the folder (and missing parents) readable by the owner only. An existing folder
    is left as it is: it may be shared on purpose (the files in it are private)."""
    missing = []
    for folder in (path, *path.parents):
        if folder.exists():
            break
        missing.append(folder)
    path.mkdir(mode=PRIVATE_DIR, parents=True, exist_ok=True)
    for folder in missing:
        os.chmod(folder, PRIVATE_DIR)


def create_private_file(path: Path, *, exclusive: bool = False, truncate: bool = False) -> None:
    """Create `path` as an empty file of mode 0600, or make an existing one 0600 (`exclusive`:
    it must not exist yet; `truncate`: an existing one is emptied)."""
    flags = os.O_WRONLY | os.O_CREAT | (os.O_EXCL if exclusive else 0)
    flags |= os.O_TRUNC if truncate else 0
    descriptor = os.open(path, flags, PRIVATE_FILE)
    try:
        os.fchmod(descriptor, PRIVATE_FILE)
    finally:
        os.close(descriptor)


def write_private(path: Path, text: str) -> None:
    """Write a text file (an export with personal data) that only its owner can read."""
    create_private_file(path, truncate=True)
    with open(path, "w", encoding="utf-8", newline="") as file:
        file.write(text)


def make_private(path: Path) -> bool:
    """Take group and other permissions off an existing file; whether it changed. A file
    that is not ours (or not there) is left alone."""
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
        if not mode & 0o077:
            return False
        os.chmod(path, mode & PRIVATE_DIR)
    except OSError:
        return False
    return True
