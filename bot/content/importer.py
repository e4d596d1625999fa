"""Content import: files and folders into the store, one transaction per file.

Documents (.txt .md .html .pdf .docx) become passages; YAML files give FAQ entries (`faq:`)
and events (`events:`, through the events capability's loader). A file that cannot be read
gets one line saying why and changes nothing; the others still import. A file whose bytes
(and indexer version) did not change since its last import is skipped.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from bot.content import DOCUMENT_SUFFIXES, FAQ_SUFFIXES, ContentError, read_document
from bot.content.faq import load_yaml_safely, parse_faq
from bot.content.readers import DEFAULT_MAX_BYTES, decode_text, read_bounded
from bot.events.loader import (
    EventFileError,
    ImportResult,
    import_events,
    is_events_document,
    parse_events_yaml,
)
from bot.qa.service import document_content, faq_content, indexer, service_for
from storage.base import ContentConflict

SUFFIXES = DOCUMENT_SUFFIXES | FAQ_SUFFIXES

Progress = Callable[[int, int, str], None]


@dataclass
class FileOutcome:
    name: str  # the path as given or found
    status: str  # created | updated | unchanged | failed
    kind: str = "document"  # document | faq | events
    items: int = 0  # passages, or FAQ entries
    errors: tuple[str, ...] = ()  # one line each
    events: ImportResult | None = None
    notes: tuple[str, ...] = ()  # what the admin should know (a link followed or skipped)


@dataclass(frozen=True)
class Found:
    path: Path
    named: bool  # named on the command line (a link is followed), or found in a folder (not)


def discover(paths: Iterable[Path]) -> tuple[list[Found], list[FileOutcome]]:
    """The files to import: files as given, folders walked (hidden entries skipped). Symbolic
    links inside a folder are not followed (a link to a secret file would be published); a
    link named on the command line is the admin's choice: followed, and said so. A missing
    path is a failed outcome, a link skipped a skipped one."""
    files: dict[Path, Found] = {}
    outcomes: list[FileOutcome] = []
    for path in paths:
        if path.is_dir():
            if path.is_symlink():
                outcomes.append(FileOutcome(str(path), "followed", notes=(_followed(path),)))
            found, links = _walk(path)
            files.update((file, Found(file, named=False)) for file in found)
            outcomes += [FileOutcome(str(link), "skipped", notes=(
                f"{link} is a symbolic link: not followed inside a folder "
                "(name it on the command line to import it)",)) for link in links]
        elif path.is_file():
            files[path] = Found(path, named=True)
        else:
            outcomes.append(FileOutcome(str(path), "failed", errors=(f"{path}: no such file",)))
    return list(files.values()), outcomes


def _walk(folder: Path) -> tuple[list[Path], list[Path]]:
    """The regular files under `folder` and the symbolic links met, neither followed."""
    files: list[Path] = []
    links: list[Path] = []
    for top, dirs, names in os.walk(folder):
        here = Path(top)
        for name in sorted(dirs):
            if name.startswith("."):
                dirs.remove(name)
            elif (here / name).is_symlink():
                links.append(here / name)  # os.walk does not descend into it
        for name in names:
            path = here / name
            if name.startswith("."):
                continue
            if path.is_symlink():
                links.append(path)
            elif path.is_file():
                files.append(path)
    return sorted(files), sorted(links)


def _followed(path: Path) -> str:
    return (f"{path} is a symbolic link to {path.resolve()}: followed, as it was named on "
            "the command line")


async def import_paths(
    store: Any, paths: Iterable[Path], now: datetime, *, force: bool = False,
    progress: Progress | None = None,
) -> list[FileOutcome]:
    """Import every file under `paths`; the outcome of each, in order."""
    files, outcomes = discover(paths)
    known = await store.content_checksums()
    events_changed = False
    for number, found in enumerate(files, start=1):
        if progress is not None:
            progress(number, len(files), found.path.name)
        outcome = await import_file(store, found.path, now, force=force, known=known,
                                    follow_links=found.named)
        if found.named and found.path.is_symlink():
            outcome.notes += (_followed(found.path),)
        events_changed |= outcome.events is not None
        outcomes.append(outcome)
    if events_changed:
        await service_for(store).sync_events(now, force=True)
    return outcomes


async def import_file(
    store: Any, path: Path, now: datetime, *, force: bool = False,
    known: dict[str, tuple[str, str]] | None = None, follow_links: bool = True,
) -> FileOutcome:
    """One file in its own transaction(s); never raises for a bad file. `known`: the saved
    documents' checksums (asked of the store when not given); `follow_links=False`: a file
    that is (or became) a symbolic link is refused."""
    if known is None:
        known = await store.content_checksums()
    skip = set() if force else {name for name, saved in known.items() if saved[1] == indexer()}
    unchanged = {name: known[name][0] for name in skip}
    try:
        if path.suffix.lower() in FAQ_SUFFIXES:
            return await _import_yaml(store, path, now, unchanged, follow_links)
        return await _import_document(store, path, now, unchanged, follow_links)
    except ContentError as error:
        return FileOutcome(str(path), "failed", errors=(str(error),))
    except EventFileError as error:
        return FileOutcome(str(path), "failed", "events", errors=tuple(error.errors))
    except ContentConflict as error:
        return FileOutcome(str(path), "failed", errors=(f"{path.name}: {error}",))


async def _import_document(
    store: Any, path: Path, now: datetime, unchanged: dict[str, str], follow_links: bool
) -> FileOutcome:
    if path.suffix.lower() not in DOCUMENT_SUFFIXES:
        raise ContentError(path, f"unsupported file type {path.suffix or '(none)'!r}; "
                                 f"supported: {', '.join(sorted(SUFFIXES))}")
    data = read_bounded(path, DEFAULT_MAX_BYTES, follow_links=follow_links)
    checksum = hashlib.sha256(data).hexdigest()
    if unchanged.get(path.name) == checksum:
        return FileOutcome(str(path), "unchanged")
    try:
        parsed = await asyncio.to_thread(read_document, path, data=data)  # CPU: off the loop
    except ContentError:
        raise
    except Exception as error:  # a reader library's own failure on a strange file
        raise ContentError(path, f"could not be read ({type(error).__name__})") from None
    document = await asyncio.to_thread(document_content, parsed)  # index terms: CPU too
    status = await store.save_document(document, now)
    return FileOutcome(str(path), status, items=len(document.passages))


async def _import_yaml(
    store: Any, path: Path, now: datetime, unchanged: dict[str, str], follow_links: bool
) -> FileOutcome:
    """FAQ entries and events of one YAML file: both parts are checked before either is
    written, so a file with a mistake anywhere changes nothing."""
    data = read_bounded(path, DEFAULT_MAX_BYTES, follow_links=follow_links)
    content = load_yaml_safely(path, decode_text(path, data))
    if not isinstance(content, dict) or not ({"faq", "events"} & set(content)):
        raise ContentError(path, "expected a mapping with 'faq:' and/or 'events:' at the top")
    entries = parse_faq(path, content["faq"], str(content.get("locale") or "en")) \
        if "faq" in content else None
    specs = parse_events_yaml(content, path.name) if is_events_document(content) else None
    outcome = FileOutcome(str(path), "unchanged", "events")
    if entries is not None:  # first: the store may still refuse it (a FAQ key taken)
        outcome = FileOutcome(str(path), "unchanged", "faq", len(entries))
        checksum = hashlib.sha256(data).hexdigest()
        if unchanged.get(path.name) != checksum:
            document = faq_content(path.name, checksum, entries)
            outcome.status = await store.save_document(document, now)
    if specs is not None:
        outcome.events = await import_events(store, specs, now)
        if entries is None:
            outcome.status = _events_status(outcome.events)
    return outcome


def _events_status(result: ImportResult | None) -> str:
    if result is not None and result.created:
        return "created"
    return "updated" if result is not None and result.updated else "unchanged"

