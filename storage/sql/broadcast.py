"""Broadcasts: who an audience is, and an announcement queued to all of it in one
transaction (SQLite and PostgreSQL, same SQL; mixed into SqliteStore)."""

from __future__ import annotations

import json
from datetime import datetime

from storage.base import BroadcastRecord, from_db_time, returned_row, to_db_time
from storage.sql.mixin import SqliteMixin

# The address a person gets proactive messages at: their newest private chat.
_PRIVATE_IDENTITY = (
    "JOIN identities i ON i.rowid = (SELECT MAX(rowid) FROM identities "
    "WHERE person_id = p.id AND chat_id IS NOT NULL)"
)
BROADCAST_PRIORITY = -1  # after every other due message


def audience_filter(audience: str) -> tuple[str, tuple[object, ...], str]:
    """(SQL condition on people p, its parameters, outbox kind) for an audience.

    Subscriber audiences are 'broadcast' messages (re-checked against the subscription when
    sent); event audiences concern people's own registrations and need no subscription.
    """
    kind, _, argument = audience.partition(":")
    if audience == "all":
        return "p.subscribed = 1", (), "broadcast"
    if kind == "locale" and argument:
        return "p.subscribed = 1", (), "broadcast"  # the locale itself is chosen per group
    if kind in ("event", "waitlist") and argument:
        status = "confirmed" if kind == "event" else "waiting"
        return ("p.id IN (SELECT person_id FROM registrations WHERE event_id = ? "
                "AND status = ?)", (argument, status), "event-message")
    raise ValueError(f"unknown audience {audience!r}")


class SqliteBroadcastMixin(SqliteMixin):
    async def count_audience(self, audience: str, locales: list[str], default_locale: str) -> int:
        condition, params, _ = audience_filter(audience)
        rows = await self._all(
            f"SELECT COUNT(*) FROM people p {_PRIVATE_IDENTITY} WHERE {condition} "
            "AND p.unreachable = 0 AND COALESCE(p.locale, p.hint_locale, ?) IN "
            f"({','.join('?' * len(locales))})",
            (*params, default_locale, *locales))
        return int(rows[0][0])

    async def create_broadcast(
        self,
        *,
        created_by: str,
        report_to: int | None,
        audience: str,
        texts: dict[str, str],
        bodies: dict[str, list[dict]],
        default_locale: str,
        now: datetime,
    ) -> BroadcastRecord:
        """Record a broadcast and queue one outbox row per recipient, in one transaction.

        `bodies` holds the rendered message per recipient locale; the rows are inserted with
        INSERT ... SELECT per locale, so planning 100k recipients is a few statements.
        """
        condition, params, kind = audience_filter(audience)
        stamp = to_db_time(now)
        async with self.transaction() as db:
            cursor = await db.execute(
                "INSERT INTO broadcasts (created_by, report_to, audience, texts, recipients, "
                "created_at) VALUES (?, ?, ?, ?, 0, ?) RETURNING id",
                (created_by, report_to, audience, json.dumps(texts, ensure_ascii=False), stamp))
            broadcast_id = (await returned_row(cursor))[0]
            total = 0
            for locale, body in bodies.items():
                cursor = await db.execute(
                    "INSERT INTO outbox (dedupe_key, kind, person_id, platform, chat_id, body, "
                    "not_before, created_at, batch, priority) "
                    "SELECT 'broadcast:' || CAST(? AS TEXT) || ':' || CAST(p.id AS TEXT), ?, p.id, "
                    "i.platform, i.chat_id, "
                    f"?, ?, ?, ?, ? FROM people p {_PRIVATE_IDENTITY} WHERE {condition} "
                    "AND p.unreachable = 0 AND COALESCE(p.locale, p.hint_locale, ?) = ? "
                    "ON CONFLICT (dedupe_key) DO NOTHING",
                    (str(broadcast_id), kind, json.dumps(body), stamp, stamp,
                     f"broadcast:{broadcast_id}", BROADCAST_PRIORITY, *params, default_locale,
                     locale))
                total += cursor.rowcount
            await db.execute("UPDATE broadcasts SET recipients = ? WHERE id = ?",
                             (total, broadcast_id))
        return BroadcastRecord(broadcast_id, created_by, report_to, audience, texts, total, now,
                               None)

    async def get_broadcast(self, broadcast_id: int) -> BroadcastRecord | None:
        row = await self._one(
            "SELECT * FROM broadcasts WHERE id = ?", (broadcast_id,))
        return None if row is None else _broadcast(row)

    async def recent_broadcasts(self, limit: int = 5) -> list[BroadcastRecord]:
        rows = await self._all(
            "SELECT * FROM broadcasts ORDER BY id DESC LIMIT ?", (limit,))
        return [_broadcast(r) for r in rows]

    async def unfinished_broadcasts(self) -> list[BroadcastRecord]:
        rows = await self._all(
            "SELECT * FROM broadcasts WHERE finished_at IS NULL ORDER BY id")
        return [_broadcast(r) for r in rows]

    async def finish_broadcast(self, broadcast_id: int, now: datetime) -> bool:
        """Mark it finished; True only for the caller that did (the final report goes once)."""
        return await self._write(
            "UPDATE broadcasts SET finished_at = ? WHERE id = ? AND finished_at IS NULL",
            (to_db_time(now), broadcast_id)) == 1


def _broadcast(row) -> BroadcastRecord:
    return BroadcastRecord(row["id"], row["created_by"], row["report_to"], row["audience"],
                           json.loads(row["texts"]), row["recipients"],
                           from_db_time(row["created_at"]),
                           from_db_time(row["finished_at"]))
