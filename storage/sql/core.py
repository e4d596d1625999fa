"""The core queries of the repository: people, conversation state, the outbox (portable SQL,
the same on SQLite and PostgreSQL)."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from storage.base import Conversation, OutboxItem, Person, from_db_time, returned_row, to_db_time
from storage.sql.mixin import SqliteMixin

LAST_SEEN_PRECISION = timedelta(hours=1)  # last_seen_at is for retention, not for the second


def _person(row: Any) -> Person:
    return Person(
        id=row["id"],
        locale=row["locale"],
        hint_locale=row["hint_locale"],
        subscribed=bool(row["subscribed"]),
        unreachable=bool(row["unreachable"]),
        admin=bool(row["admin"]) if "admin" in row.keys() else False,  # noqa: SIM118 (Row)
    )


class CoreQueries(SqliteMixin):
    if TYPE_CHECKING:
        async def _scrub_files(self) -> None: ...  # each backend's own

    # -- people ------------------------------------------------------------------------------

    async def person_for_identity(
        self, platform: str, user_id: str, chat_id: str | None, now: datetime
    ) -> Person:
        """The person behind a platform identity, created on first contact.

        A person who writes again is reachable again (they may have unblocked the bot). The
        common case (known, reachable, same chat, seen lately) is one read and no write.
        """
        row = await self._one(
            "SELECT p.*, i.chat_id AS known_chat, "
            "EXISTS (SELECT 1 FROM admin_roles a WHERE a.platform = i.platform "
            "        AND a.user_id = i.user_id) AS admin "
            "FROM identities i JOIN people p ON p.id = i.person_id "
            "WHERE i.platform = ? AND i.user_id = ?",
            (platform, user_id),
        )
        if row is not None and not self._needs_touch(row, chat_id, now):
            return _person(row)
        person = await self._create_or_touch(platform, user_id, chat_id, now)
        if row is not None:
            person.admin = bool(row["admin"])
        else:  # first contact: the role may have been granted before they ever wrote
            granted = await self._one(
                "SELECT 1 FROM admin_roles WHERE platform = ? AND user_id = ?",
                (platform, user_id))
            person.admin = granted is not None
        return person

    @staticmethod
    def _needs_touch(row: Any, chat_id: str | None, now: datetime) -> bool:
        last_seen = from_db_time(row["last_seen_at"])
        return bool(
            row["unreachable"]
            or (chat_id is not None and row["known_chat"] != chat_id)
            or last_seen is None
            or now - last_seen > LAST_SEEN_PRECISION
        )

    async def _create_or_touch(
        self, platform: str, user_id: str, chat_id: str | None, now: datetime
    ) -> Person:
        stamp = to_db_time(now)
        async with self.transaction() as db:
            cursor = await db.execute(
                "SELECT p.id FROM identities i JOIN people p ON p.id = i.person_id "
                "WHERE i.platform = ? AND i.user_id = ?",
                (platform, user_id),
            )
            found = await cursor.fetchone()
            if found is None:
                cursor = await db.execute(
                    "INSERT INTO people (created_at, last_seen_at) VALUES (?, ?) RETURNING *",
                    (stamp, stamp),
                )
                row = await returned_row(cursor)
                await db.execute(
                    "INSERT INTO identities (platform, user_id, person_id, chat_id) "
                    "VALUES (?, ?, ?, ?)",
                    (platform, user_id, row["id"], chat_id),
                )
                return _person(row)
            cursor = await db.execute(
                "UPDATE people SET last_seen_at = ?, unreachable = 0 WHERE id = ? RETURNING *",
                (stamp, found["id"]),
            )
            row = await returned_row(cursor)
            if chat_id is not None:
                await db.execute(
                    "UPDATE identities SET chat_id = ? WHERE platform = ? AND user_id = ?",
                    (chat_id, platform, user_id),
                )
            return _person(row)

    async def find_person(self, platform: str, user_id: str) -> Person | None:
        row = await self._one(
            "SELECT p.* FROM identities i JOIN people p ON p.id = i.person_id "
            "WHERE i.platform = ? AND i.user_id = ?",
            (platform, user_id),
        )
        return None if row is None else _person(row)

    async def get_person(self, person_id: int) -> Person | None:
        row = await self._one("SELECT * FROM people WHERE id = ?", (person_id,))
        return None if row is None else _person(row)

    async def _update_person(self, person_id: int, column: str, value: object) -> None:
        await self._write(f"UPDATE people SET {column} = ? WHERE id = ?", (value, person_id))

    async def set_locale(self, person_id: int, locale: str | None) -> None:
        await self._update_person(person_id, "locale", locale)

    async def set_hint_locale(self, person_id: int, locale: str | None) -> None:
        await self._update_person(person_id, "hint_locale", locale)

    async def set_subscribed(self, person_id: int, subscribed: bool) -> None:
        await self._update_person(person_id, "subscribed", int(subscribed))

    async def set_unreachable(self, person_id: int, unreachable: bool) -> None:
        await self._update_person(person_id, "unreachable", int(unreachable))

    async def private_address(self, person_id: int) -> tuple[str, str] | None:
        row = await self._one(
            "SELECT platform, chat_id FROM identities WHERE person_id = ? AND chat_id IS NOT NULL "
            "ORDER BY rowid DESC LIMIT 1",
            (person_id,),
        )
        return None if row is None else (row["platform"], row["chat_id"])

    async def forget_person(self, person_id: int) -> None:
        """Delete the person and everything that cascades from them.

        Capabilities that keep anonymous counts (registrations) null their personal columns
        in their own `forget` hooks, run in the same transaction (see `forget_hooks`). The
        outbox keeps anonymous rows (a broadcast's counts stay): their pending messages are
        skipped, and every row of theirs loses its chat, its text and a dedupe key that named
        them or their registration (`promotion:<registration>`). Then nothing of theirs is
        left in the database's files either (`_scrub_files`).
        """
        async with self.transaction() as db:
            for hook in self.forget_hooks():
                await hook(db, person_id)
            await db.execute(
                "UPDATE outbox SET state = 'skipped', last_error = 'forgotten' "
                "WHERE person_id = ? AND state = 'pending'",
                (person_id,),
            )
            # Rows of people forgotten before outbox rows were anonymised go as well.
            await db.execute(
                "UPDATE outbox SET chat_id = '', body = '[]', "
                "dedupe_key = 'forgotten:' || CAST(id AS TEXT), "
                "last_error = CASE WHEN last_error = 'forgotten' THEN last_error END "
                "WHERE person_id = ? OR (person_id IS NULL AND chat_id <> '' "
                "AND kind NOT LIKE 'staff-%')",  # staff chat messages belong to nobody
                (person_id,),
            )
            await db.execute("DELETE FROM people WHERE id = ?", (person_id,))
        await self._scrub_files()

    async def person_export(self, person_id: int) -> dict[str, Any]:
        """Everything stored about a person in the core tables (for /mydata)."""
        person = await self._one("SELECT * FROM people WHERE id = ?", (person_id,))
        if person is None:
            return {}
        identities = await self._all(
            "SELECT i.platform, i.user_id, i.chat_id, i.display_name, "
            "EXISTS (SELECT 1 FROM admin_roles a WHERE a.platform = i.platform "
            "AND a.user_id = i.user_id) AS admin FROM identities i WHERE person_id = ?",
            (person_id,))
        conversation = await self.get_conversation(person_id)
        messages = await self._all(
            "SELECT kind, state, created_at, finished_at FROM outbox WHERE person_id = ? "
            "ORDER BY id", (person_id,))
        return {
            "person": {key: person[key] for key in person.keys() if key != "id"},  # noqa: SIM118
            "identities": [dict(zip(row.keys(), tuple(row), strict=True)) for row in identities],
            "form_in_progress": None if conversation is None else {
                "form": conversation.form, "step": conversation.step,
                "answers": conversation.data},
            "messages_sent_to_you": [dict(zip(row.keys(), tuple(row), strict=True))
                                     for row in messages],
        }

    def forget_hooks(self) -> list:
        """Extra clean-up per capability; mixins extend this list."""
        return [*getattr(super(), "forget_hooks", list)()]  # the mixins' hooks (cooperative)

    # -- conversation state ---------------------------------------------------------------------

    async def get_conversation(self, person_id: int) -> Conversation | None:
        row = await self._one("SELECT * FROM conversations WHERE person_id = ?", (person_id,))
        if row is None:
            return None
        return Conversation(
            row["form"], row["step"], json.loads(row["data"]), from_db_time(row["updated_at"])
        )

    async def save_conversation(self, person_id: int, conv: Conversation, now: datetime) -> None:
        await self._write(
            "INSERT INTO conversations (person_id, form, step, data, updated_at) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT (person_id) DO UPDATE SET "
            "form = excluded.form, step = excluded.step, data = excluded.data, "
            "updated_at = excluded.updated_at",
            (person_id, conv.form, conv.step, json.dumps(conv.data), to_db_time(now)),
        )

    async def clear_conversation(self, person_id: int) -> None:
        await self._write("DELETE FROM conversations WHERE person_id = ?", (person_id,))

    async def expired_conversations(self, older_than: datetime) -> list[int]:
        rows = await self._all(
            "SELECT person_id FROM conversations WHERE updated_at < ?", (to_db_time(older_than),)
        )
        return [row[0] for row in rows]

    # -- outbox ---------------------------------------------------------------------------------

    async def enqueue(
        self,
        *,
        dedupe_key: str,
        kind: str,
        person_id: int | None,
        platform: str,
        chat_id: str,
        body: list[dict],
        not_before: datetime,
        now: datetime,
        batch: str | None = None,
        priority: int = 0,
    ) -> bool:
        """Add one delivery; False when that dedupe key was enqueued before (never twice)."""
        inserted = await self._write(
            "INSERT INTO outbox (dedupe_key, kind, person_id, platform, chat_id, body, "
            "not_before, created_at, batch, priority) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (dedupe_key) DO NOTHING",
            (dedupe_key, kind, person_id, platform, chat_id, json.dumps(body),
             to_db_time(not_before), to_db_time(now), batch, priority),
        )
        return inserted == 1

    async def claim_outbox(
        self, platform: str, chat_id: str | None, worker: str, now: datetime, limit: int
    ) -> list[OutboxItem]:
        """Atomically move due rows to 'claimed' for this worker, most urgent and oldest first.

        Claimed is not yet sending: `begin_send` marks the one row actually going out, so a
        crash leaves at most one row per worker in doubt."""
        stamp = to_db_time(now)
        async with self.transaction() as db:
            cursor = await db.execute(
                "UPDATE outbox SET state = 'claimed', claimed_by = ?, claimed_at = ?, "
                "attempts = attempts + 1 WHERE id IN ("
                "  SELECT id FROM outbox WHERE state = 'pending' AND platform = ? "
                "  AND (CAST(? AS TEXT) IS NULL OR chat_id = ?) AND not_before <= ? "
                "  ORDER BY priority DESC, id LIMIT ?"
                ") RETURNING id, kind, person_id, platform, chat_id, body, attempts, batch, "
                "priority",
                (worker, stamp, platform, chat_id, chat_id, stamp, limit),
            )
            rows = await cursor.fetchall()
        rows = sorted(rows, key=lambda r: (-r["priority"], r["id"]))  # RETURNING has no order
        return [
            OutboxItem(r["id"], r["kind"], r["person_id"], r["platform"], r["chat_id"],
                       json.loads(r["body"]), r["attempts"], r["batch"])
            for r in rows
        ]

    async def finish_outbox(
        self, item_id: int, state: str, now: datetime, error: str | None = None
    ) -> None:
        await self._write(
            "UPDATE outbox SET state = ?, finished_at = ?, last_error = ? WHERE id = ?",
            (state, to_db_time(now), error, item_id),
        )

    async def retry_outbox(self, item_id: int, not_before: datetime, error: str) -> None:
        await self._write(
            "UPDATE outbox SET state = 'pending', not_before = ?, last_error = ?, "
            "claimed_by = NULL, claimed_at = NULL WHERE id = ?",
            (to_db_time(not_before), error, item_id),
        )

    async def begin_send(self, item_id: int) -> None:
        await self._write("UPDATE outbox SET state = 'sending' WHERE id = ?", (item_id,))

    async def recover_outbox(
        self, worker: str, stale_before: datetime, resend_platforms: tuple[str, ...] = ()
    ) -> int:
        """Settle rows of a worker that died: an earlier run of this same worker, or any
        worker whose lease ran out. Claimed rows were never attempted: pending again. A row
        caught mid-send may or may not have reached the platform: it becomes 'unknown' and is
        not sent again (a copy is the failure we refuse), unless its platform deduplicates
        sends itself (Matrix transaction ids), then it is simply sent again."""
        stale = (to_db_time(stale_before), worker)
        marks = ",".join("?" * len(resend_platforms)) or "NULL"
        async with self.transaction() as db:
            cursor = await db.execute(
                "UPDATE outbox SET state = 'pending', claimed_by = NULL, claimed_at = NULL "
                "WHERE (state = 'claimed' OR (state = 'sending' AND platform IN "
                f"({marks}))) AND (claimed_at < ? OR claimed_by = ?)",
                (*resend_platforms, *stale))
            requeued = cursor.rowcount
            cursor = await db.execute(
                "UPDATE outbox SET state = 'unknown', last_error = 'worker died mid-send' "
                "WHERE state = 'sending' AND (claimed_at < ? OR claimed_by = ?)", stale)
            return requeued + cursor.rowcount

    async def outbox_counts(self, batch: str | None = None) -> dict[str, int]:
        rows = await self._all(
            "SELECT state, COUNT(*) FROM outbox WHERE (CAST(? AS TEXT) IS NULL OR batch = ?) "
            "GROUP BY state",
            (batch, batch),
        )
        return {row[0]: row[1] for row in rows}
