"""The repository, written once in portable SQL: the core queries and one mixin per
capability. Each backend (storage/sqlite.py, storage/postgres.py) is a `SqlStore` given its
connection, adding only what its database does differently; neither is the other."""

from __future__ import annotations

import asyncio
from typing import Any

from storage.base import EventRecord, returned_row
from storage.sql.admin import SqliteAdminMixin
from storage.sql.broadcast import SqliteBroadcastMixin
from storage.sql.content import SqliteContentMixin
from storage.sql.core import CoreQueries
from storage.sql.events import SqliteEventsMixin
from storage.sql.handoff import SqliteHandoffMixin
from storage.sql.inbox import SqliteInboxMixin
from storage.sql.privacy import SqlitePrivacyMixin
from storage.sql.reminders import SqliteRemindersMixin
from storage.sql.uploads import SqliteUploadsMixin


class SqlStore(
    CoreQueries, SqliteEventsMixin, SqliteAdminMixin, SqliteBroadcastMixin, SqlitePrivacyMixin,
    SqliteRemindersMixin, SqliteContentMixin, SqliteHandoffMixin, SqliteUploadsMixin,
    SqliteInboxMixin,
):
    def __init__(self, db: Any, path: str) -> None:
        self.db = db
        self.path = path
        self._write_lock = asyncio.Lock()
        # Events as parsed, by id, with the revision and update time they were read at.
        self._event_records: dict[str, tuple[tuple[int, str], EventRecord]] = {}

    async def _one(self, sql: str, params: tuple[object, ...] = ()) -> Any | None:
        rows = await self.db.execute_fetchall(sql, params)
        return next(iter(rows), None)

    async def _all(self, sql: str, params: tuple[object, ...] = ()) -> list[Any]:
        return list(await self.db.execute_fetchall(sql, params))

    async def schema_version(self) -> int:
        cursor = await self.db.execute("SELECT COALESCE(MAX(version), 0) FROM schema_migrations")
        return int((await returned_row(cursor))[0])

    async def ping(self) -> bool:
        await self.db.execute("SELECT 1")
        return True
