"""The SQLite backend of the repository (the embedded default), on aiosqlite: a `SqlStore`
(storage/sql/store.py, the queries) on one SQLite file.

One connection per process, WAL mode so readers never wait for the writer; a write of several
statements is an explicit transaction whose `BEGIN IMMEDIATE` takes the write lock up front,
which makes claims (outbox rows, seats) atomic even between several processes on one file.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from importlib import resources
from pathlib import Path

import aiosqlite

from storage.files import create_private_file, make_private, private_dir
from storage.sql.store import SqlStore

log = logging.getLogger(__name__)
MIGRATIONS_PACKAGE = "storage.migrations"
LAST_SEEN_PRECISION = timedelta(hours=1)  # last_seen_at is for retention, not for the second


def sqlite_migrations() -> list[tuple[int, str, str]]:
    """(version, name, sql) of every migration file, in order."""
    found = []
    for entry in resources.files(MIGRATIONS_PACKAGE).iterdir():
        name = entry.name
        if name.endswith(".sql") and name[:4].isdigit():
            found.append((int(name[:4]), name, entry.read_text(encoding="utf-8")))
    return sorted(found)


class SqliteStore(SqlStore):
    """The repository on one SQLite file: what only SQLite does (opening, WAL, the write lock,
    migrations, the backup API, scrubbing deleted rows out of the files)."""

    @classmethod
    async def open(cls, path: str) -> SqliteStore:
        if path != ":memory:":
            private_dir(Path(path).parent)
            if not Path(path).exists():
                create_private_file(Path(path))  # SQLite gives its -wal and -shm its mode
        # isolation_level=None: we issue BEGIN/COMMIT ourselves, nothing implicit.
        db = await aiosqlite.connect(path, isolation_level=None, timeout=30)
        try:
            db.row_factory = aiosqlite.Row
            await db.execute("PRAGMA journal_mode=WAL")
            await db.execute("PRAGMA synchronous=NORMAL")
            await db.execute("PRAGMA foreign_keys=ON")
            await db.execute("PRAGMA busy_timeout=30000")
            await db.execute("PRAGMA secure_delete=ON")  # deleted personal data is zeroed
            store = cls(db, path)
            await store.migrate()
            await store._check_writable()
            store._make_files_private()
        except BaseException:
            # Not a database, read-only, disk full: the connection's thread must end too, or
            # the process never exits.
            await db.close()
            raise
        return store

    async def close(self) -> None:
        await self.db.close()

    def _make_files_private(self) -> None:
        """A database created by an older version under umask 022 is world-readable: its
        files (and their journals) become the owner's alone."""
        if self.path == ":memory:":
            return
        for suffix in ("", "-wal", "-shm"):
            if make_private(Path(self.path + suffix)):
                log.info("made %s readable by its owner only", Path(self.path + suffix).name)

    async def _check_writable(self) -> None:
        """Fail at start, not at the first message, when the file is read-only: rewrite the
        header's user_version (unused) in a transaction that is rolled back."""
        if self.path == ":memory:":
            return
        async with self._write_lock:
            await self.db.execute("BEGIN IMMEDIATE")
            try:
                row = await self._one("PRAGMA user_version")
                await self.db.execute(f"PRAGMA user_version = {int(row[0]) if row else 0}")
            finally:
                await self.db.execute("ROLLBACK")

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        """A write transaction holding SQLite's write lock from its first statement."""
        async with self._write_lock:
            await self.db.execute("BEGIN IMMEDIATE")
            try:
                yield self.db
            except BaseException:
                await self.db.execute("ROLLBACK")
                raise
            else:
                await self.db.execute("COMMIT")

    async def _write(self, sql: str, params: tuple[object, ...] = ()) -> int:
        """One statement in its own (implicit) transaction: one trip to the database thread.
        The lock keeps it out of another coroutine's open transaction on this connection."""
        async with self._write_lock:
            cursor = await self.db.execute(sql, params)
            return cursor.rowcount

    async def migrate(self) -> list[str]:
        """Apply migrations not applied yet, each in its own transaction; returns their names."""
        await self.db.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations "
            "(version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
        )
        applied = []
        for version, name, sql in sqlite_migrations():
            async with self._write_lock:
                await self.db.execute("BEGIN IMMEDIATE")
                try:
                    cursor = await self.db.execute(
                        "SELECT 1 FROM schema_migrations WHERE version = ?", (version,)
                    )
                    if await cursor.fetchone():
                        await self.db.execute("ROLLBACK")
                        continue
                    for statement in _split_sql(sql):
                        await self.db.execute(statement)
                    await self.db.execute(
                        "INSERT INTO schema_migrations VALUES (?, ?, datetime('now'))",
                        (version, name),
                    )
                except BaseException:
                    await self.db.execute("ROLLBACK")
                    raise
                await self.db.execute("COMMIT")
                applied.append(name)
        return applied

    async def backup(self, target: str) -> None:
        """A consistent online copy of the whole database (SQLite's backup API), in a new
        file only its owner can read."""
        create_private_file(Path(target), exclusive=True)
        destination = await aiosqlite.connect(target)
        try:
            await self.db.backup(destination)
        finally:
            await destination.close()

    async def _scrub_files(self) -> None:
        """Deleted rows must not live on in the files: secure_delete (set at open) zeroes
        them in the database's pages; a TRUNCATE checkpoint copies the pages back and empties
        the WAL, which held the old versions. A reader in another process can hold the
        checkpoint back; it then completes at a later forget or checkpoint."""
        if self.path == ":memory:":
            return
        async with self._write_lock:
            await self.db.execute("PRAGMA busy_timeout=2000")  # wait for readers, not long
            try:
                row = await self._one("PRAGMA wal_checkpoint(TRUNCATE)")
            finally:
                await self.db.execute("PRAGMA busy_timeout=30000")
        if row is not None and row[0]:
            log.info("forget: the WAL could not be emptied now (a reader is busy)")


def _split_sql(script: str) -> list[str]:
    """Statements of a migration file, cut where sqlite itself says a statement is complete
    (so trigger bodies with inner semicolons stay whole)."""
    statements, buffer = [], ""
    for line in script.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            if buffer.strip():
                statements.append(buffer.strip())
            buffer = ""
    if buffer.strip() and not all(
        ln.strip().startswith("--") or not ln.strip() for ln in buffer.splitlines()
    ):
        statements.append(buffer.strip())
    return statements
