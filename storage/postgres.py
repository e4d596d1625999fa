"""PostgreSQL implementation of the repository (scale-out: several replicas on one database).

The repository logic is written once, in portable SQL (`storage.sql.store.SqlStore`: the core
queries and the capability mixins); this backend adds what is dialect-specific:

- the connection: an asyncpg pool behind a small aiosqlite-shaped facade (`execute`,
  `execute_fetchall`, cursors with `fetchone`/`fetchall`/`rowcount`), with `?` placeholders
  turned into `$n`;
- write transactions: `BEGIN` plus a transaction-scoped advisory lock, the PostgreSQL
  equivalent of SQLite's `BEGIN IMMEDIATE` (read-modify-write sequences such as seat claims
  are serialised across every replica, exactly as they are across processes on SQLite);
- hot paths where replicas should not wait for each other (the outbox claim) use row locks
  with `FOR UPDATE SKIP LOCKED` instead;
- migrations: storage/migrations/postgres/, kept in step with the SQLite set (a test checks).
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from datetime import datetime
from importlib import resources
from typing import Any

import asyncpg

from storage.base import OutboxItem, to_db_time
from storage.postgres_content import PostgresContentMixin
from storage.sql.store import SqlStore

MIGRATIONS_PACKAGE = "storage.migrations.postgres"
WRITE_LOCK = 0x63697669  # "civi": the advisory lock that serialises write transactions


def to_postgres(sql: str) -> str:
    """`?` placeholders -> `$1, $2, ...`, leaving quoted literals alone."""
    out, number, quoted = [], 0, False
    for char in sql:
        if char == "'":
            quoted = not quoted
        if char == "?" and not quoted:
            number += 1
            out.append(f"${number}")
        else:
            out.append(char)
    return "".join(out)


def _rowcount(status: str) -> int:
    """asyncpg's command status ('UPDATE 3', 'INSERT 0 1') -> affected rows."""
    last = status.rsplit(" ", 1)[-1]
    return int(last) if last.isdigit() else -1


def _returns_rows(sql: str) -> bool:
    head = sql.lstrip().split(None, 1)[0].upper() if sql.strip() else ""
    return head in ("SELECT", "WITH", "VALUES") or " RETURNING " in f" {sql.upper()} "


class PgCursor:
    def __init__(self, rows: list[asyncpg.Record], rowcount: int) -> None:
        self._rows = rows
        self.rowcount = rowcount

    async def fetchone(self) -> asyncpg.Record | None:
        return self._rows[0] if self._rows else None

    async def fetchall(self) -> list[asyncpg.Record]:
        return self._rows


class PgConnection:
    """The aiosqlite-shaped face of an asyncpg pool or connection."""

    def __init__(self, target: asyncpg.Pool | asyncpg.Connection) -> None:
        self.target = target

    async def execute(self, sql: str, params: Sequence[Any] = ()) -> PgCursor:
        query = to_postgres(sql)
        if _returns_rows(sql):
            rows = await self.target.fetch(query, *params)
            return PgCursor(rows, len(rows))
        status = await self.target.execute(query, *params)
        return PgCursor([], _rowcount(status))

    async def execute_fetchall(self, sql: str, params: Sequence[Any] = ()) -> list[Any]:
        return await self.target.fetch(to_postgres(sql), *params)


def postgres_migrations() -> list[tuple[int, str, str]]:
    found = []
    for entry in resources.files(MIGRATIONS_PACKAGE).iterdir():
        if entry.name.endswith(".sql") and entry.name[:4].isdigit():
            found.append((int(entry.name[:4]), entry.name, entry.read_text(encoding="utf-8")))
    return sorted(found)


class PostgresStore(PostgresContentMixin, SqlStore):
    def __init__(self, pool: asyncpg.Pool, dsn_redacted: str) -> None:
        super().__init__(PgConnection(pool), dsn_redacted)
        self.pool = pool

    @classmethod
    async def open(cls, dsn: str, *, schema: str | None = None,
                   redacted: str = "postgresql") -> PostgresStore:
        settings = {"search_path": schema} if schema else {}
        pool = await asyncpg.create_pool(dsn, min_size=1, max_size=10,
                                         server_settings=settings)
        store = cls(pool, redacted)
        try:
            await store.migrate()
        except BaseException:
            await pool.close()
            raise
        return store

    async def close(self) -> None:
        await self.pool.close()

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[PgConnection]:  # type: ignore[override]  # the same subset
        async with self.pool.acquire() as connection, connection.transaction():
            await connection.execute("SELECT pg_advisory_xact_lock($1)", WRITE_LOCK)
            yield PgConnection(connection)

    async def _write(self, sql: str, params: tuple[object, ...] = ()) -> int:
        return (await self.db.execute(sql, params)).rowcount

    async def migrate(self) -> list[str]:
        applied = []
        async with self.pool.acquire() as connection, connection.transaction():
            # One migrator at a time when several replicas start together on a new database:
            # the lock comes before anything is created, and each migration is a savepoint.
            await connection.execute("SELECT pg_advisory_xact_lock($1)", WRITE_LOCK)
            await connection.execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
                "name TEXT NOT NULL, applied_at TEXT NOT NULL)")
            for version, name, sql in postgres_migrations():
                async with connection.transaction():
                    if await connection.fetchval(
                            "SELECT 1 FROM schema_migrations WHERE version = $1", version):
                        continue
                    await connection.execute(sql)
                    await connection.execute(
                        "INSERT INTO schema_migrations VALUES ($1, $2, now()::text)",
                        version, name)
                    applied.append(name)
        return applied

    async def backup(self, target: str) -> None:
        raise NotImplementedError("use pg_dump for PostgreSQL backups")

    async def _scrub_files(self) -> None:
        """No file of ours holds the rows: the server's WAL and vacuum are its operator's."""

    async def claim_outbox(
        self, platform: str, chat_id: str | None, worker: str, now: datetime, limit: int
    ) -> list[OutboxItem]:
        """Like SQLite's claim, but replicas skip rows another replica is claiming instead of
        waiting for it (row locks, SKIP LOCKED), so delivery scales with replicas."""
        stamp = to_db_time(now)
        rows = await self.pool.fetch(
            "UPDATE outbox SET state = 'claimed', claimed_by = $1, claimed_at = $2, "
            "attempts = attempts + 1 WHERE id IN ("
            "  SELECT id FROM outbox WHERE state = 'pending' AND platform = $3 "
            "  AND ($4::text IS NULL OR chat_id = $4) AND not_before <= $2 "
            "  ORDER BY priority DESC, id LIMIT $5 FOR UPDATE SKIP LOCKED"
            ") RETURNING id, kind, person_id, platform, chat_id, body, attempts, batch, priority",
            worker, stamp, platform, chat_id, limit)
        rows = sorted(rows, key=lambda r: (-r["priority"], r["id"]))
        return [OutboxItem(r["id"], r["kind"], r["person_id"], r["platform"], r["chat_id"],
                           json.loads(r["body"]), r["attempts"], r["batch"]) for r in rows]
