"""Incoming updates (bot/pipeline/inbox.py), on SQLite and PostgreSQL (same SQL): a mixin of
`SqliteStore`. Table in migrations/0011_inbox.sql.

An update is inserted once per (platform, update id): a second delivery of it (Telegram after a
crash, a webhook redelivery) finds the row and is not handled again. Its payload holds message
texts, so it is emptied as soon as the update is handled.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from storage.base import InboxItem, from_db_time, to_db_time
from storage.sql.mixin import SqliteMixin

if TYPE_CHECKING:

    pass

_COLUMNS = "platform, update_id, lane, verdict, payload"
_READ = f"{_COLUMNS}, state, replies"


def _item(row: Any) -> InboxItem:
    return InboxItem(row["platform"], int(row["update_id"]), row["lane"], row["verdict"],
                     row["payload"], row["state"], row["replies"])


class SqliteInboxMixin(SqliteMixin):
    async def inbox_add(
        self, items: list[InboxItem], states: list[str], worker: str, now: datetime
    ) -> list[int]:
        """Record updates (state pending or dropped), claimed by `worker`, in one transaction;
        returns the ids of those not recorded before."""
        added = []
        at = to_db_time(now)
        async with self.transaction() as db:
            for item, state in zip(items, states, strict=True):
                cursor = await db.execute(
                    f"INSERT INTO inbox ({_COLUMNS}, state, received_at, claimed_by, claimed_at)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
                    " ON CONFLICT (platform, update_id) DO NOTHING RETURNING update_id",
                    (item.platform, item.update_id, item.lane, item.verdict,
                     "" if state == "dropped" else item.payload, state, at, worker, at),
                )
                if await cursor.fetchone() is not None:
                    added.append(item.update_id)
        return added

    async def inbox_state(self, platform: str, update_id: int) -> tuple[str, datetime] | None:
        """(state, when it was claimed) of a recorded update, or None."""
        row = await self._one(
            "SELECT state, claimed_at FROM inbox WHERE platform = ? AND update_id = ?",
            (platform, update_id),
        )
        if row is None:
            return None
        claimed = from_db_time(row["claimed_at"])
        assert claimed is not None
        return row["state"], claimed

    async def inbox_take_over(
        self, platform: str, update_id: int, worker: str, now: datetime, stale_before: datetime
    ) -> InboxItem | None:
        """Claim a pending update whose worker has not finished it since `stale_before` (it
        died); None if it is done, or still in the hands of a live worker."""
        async with self.transaction() as db:
            cursor = await db.execute(
                "UPDATE inbox SET claimed_by = ?, claimed_at = ?"
                " WHERE platform = ? AND update_id = ? AND state IN ('pending', 'handled')"
                f" AND claimed_at < ? RETURNING {_READ}",
                (worker, to_db_time(now), platform, update_id, to_db_time(stale_before)),
            )
            row = await cursor.fetchone()
        return None if row is None else _item(row)

    async def inbox_pending(self, platform: str, limit: int = 1000) -> list[InboxItem]:
        """Updates recorded but not handled, or handled and their replies not sent (a crash,
        or a stop before their turn), oldest first."""
        rows = await self._all(
            f"SELECT {_READ} FROM inbox WHERE platform = ? AND state IN ('pending', 'handled')"
            " ORDER BY update_id LIMIT ?",
            (platform, limit),
        )
        return [_item(row) for row in rows]

    async def inbox_handled(self, platform: str, update_id: int, replies: str) -> None:
        """Handled: what it answered is recorded (the update itself is no longer needed)."""
        await self._write(
            "UPDATE inbox SET state = 'handled', payload = '', replies = ?"
            " WHERE platform = ? AND update_id = ?",
            (replies, platform, update_id),
        )

    async def inbox_done(self, platform: str, update_id: int, now: datetime) -> None:
        await self._write(
            "UPDATE inbox SET state = 'done', payload = '', replies = '', handled_at = ?"
            " WHERE platform = ? AND update_id = ?",
            (to_db_time(now), platform, update_id),
        )

    async def inbox_prune(self, before: datetime) -> int:
        """Forget handled updates received before `before` (past any redelivery)."""
        return await self._write(
            "DELETE FROM inbox WHERE state IN ('done', 'dropped') AND received_at < ?",
            (to_db_time(before),),
        )
