"""`civicbot backup PATH` and `civicbot restore PATH`: a consistent copy of the database.

SQLite: an online backup (the bot may keep running), and a restore that checks the file is a
healthy civicbot database before it replaces the current one (stop the bot first).
PostgreSQL: use pg_dump / pg_restore (printed guidance), the tools made for it.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import sys
from pathlib import Path

from bot.cli.errors import CliError
from bot.config import Config
from storage import open_store
from storage.files import create_private_file, private_dir

PG_GUIDANCE = (
    'PostgreSQL: back up with `pg_dump --format=custom --file=civicbot.dump "$URL"` and '
    'restore with `pg_restore --clean --if-exists --dbname="$URL" civicbot.dump`'
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("path", type=Path, help="the backup file")
    parser.add_argument("--yes", action="store_true", help="restore: replace without asking")


async def main(args: argparse.Namespace, config: Config) -> int:
    if config.database.scheme != "sqlite":
        print(PG_GUIDANCE)
        return 2
    if args.command == "backup":
        return await backup(args.path, config)
    return restore(args.path, config, args.yes)


async def backup(path: Path, config: Config) -> int:
    if path.exists():
        raise CliError(f"backup: {path} exists; choose a new file name")
    private_dir(path.parent)
    store = await open_store(config.database)
    try:
        await store.backup(str(path))
    finally:
        await store.close()
    print(f"backed up {config.database.redacted} to {path} ({path.stat().st_size} bytes)")
    return 0


def check_backup(path: Path) -> int:
    """The schema version of a healthy civicbot database file, or a CliError saying why not."""
    if not path.is_file():
        raise CliError(f"restore: no such file {path}")
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
            if db.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                raise CliError(f"restore: {path} is damaged (integrity check failed)")
            return int(db.execute("SELECT MAX(version) FROM schema_migrations").fetchone()[0])
    except sqlite3.DatabaseError:
        raise CliError(f"restore: {path} is not a civicbot database") from None


def restore(path: Path, config: Config, yes: bool) -> int:
    version = check_backup(path)
    target = Path(config.database.path)
    if not yes:
        if not sys.stdin.isatty():
            raise CliError("restore: not confirmed (use --yes when not on a terminal)")
        answer = input(
            f"Replace {target} with {path} (schema {version})? Stop the bot first. [y/N] "
        )
        if answer.strip().lower() not in ("y", "yes"):
            print("Nothing was changed.")
            return 1
    private_dir(target.parent)
    staging = target.with_name(target.name + ".restoring")
    create_private_file(staging, truncate=True)  # os.replace keeps its mode: 0600
    with (
        sqlite3.connect(f"file:{path}?mode=ro", uri=True) as source,
        sqlite3.connect(staging) as copy,
    ):
        source.backup(copy)
    for suffix in ("-wal", "-shm"):  # the old file's journal must not be applied to the new one
        Path(str(target) + suffix).unlink(missing_ok=True)
    os.replace(staging, target)  # atomic: the old database or the new one, never half
    print(f"restored {target} from {path} (schema version {version})")
    return 0
