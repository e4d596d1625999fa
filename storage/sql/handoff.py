"""Storage of "ask the team" (bot/handoff.py): unanswered questions, tickets, the staff chat's
reachability and the FAQ entries saved from answered tickets. Portable SQL: the PostgreSQL
backend runs the same statements (migration 0009_handoff in both dialects).

A ticket and its staff-chat message are inserted in one transaction (the message through the
outbox, dedupe key `ticket:<id>`, batch `ticket:<id>`); an answer closes the ticket and queues
the citizen's message in one transaction too, conditional on the ticket being open, so two
staff replies (or a reply repeated after a restart) deliver one answer.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import TYPE_CHECKING, Any

from storage.base import (
    FaqRecord,
    Ticket,
    TicketOpened,
    TicketRender,
    UnansweredQuestion,
    from_db_time,
    returned_row,
    to_db_time,
)
from storage.sql.mixin import SqliteMixin

STAFF_FAQ_DOCUMENT = "staff-answers"  # the document that holds FAQ entries saved from tickets
TICKET_COLUMNS = (
    "id, person_id, question, locale, display_name, state, staff_chat, staff_message_id, "
    "answer, answered_by, faq_key, created_at, closed_at"
)


def _ticket(row: Any) -> Ticket:
    return Ticket(
        id=int(row["id"]), person_id=row["person_id"], question=row["question"],
        locale=row["locale"], display_name=row["display_name"], state=row["state"],
        staff_chat=row["staff_chat"], staff_message_id=row["staff_message_id"],
        answer=row["answer"], answered_by=row["answered_by"], faq_key=row["faq_key"],
        created_at=from_db_time(row["created_at"]),
        closed_at=from_db_time(row["closed_at"]),
    )


def _question(row: Any) -> UnansweredQuestion:
    return UnansweredQuestion(int(row["id"]), row["person_id"], row["text"], row["locale"],
                              from_db_time(row["asked_at"]))


class SqliteHandoffMixin(SqliteMixin):
    if TYPE_CHECKING:
        async def faq_entries(self) -> list[FaqRecord]: ...  # SqliteContentMixin

    # -- unanswered questions --------------------------------------------------------------

    async def record_unanswered(self, person_id: int, text: str, locale: str,
                                now: datetime) -> int:
        async with self.transaction() as db:
            cursor = await db.execute(
                "INSERT INTO unanswered_questions (person_id, text, locale, asked_at) "
                "VALUES (?, ?, ?, ?) RETURNING id", (person_id, text, locale, to_db_time(now)))
            return int((await returned_row(cursor))[0])

    async def get_unanswered(self, question_id: int) -> UnansweredQuestion | None:
        row = await self._one(
            "SELECT * FROM unanswered_questions WHERE id = ?", (question_id,))
        return None if row is None else _question(row)

    async def unanswered_since(self, since: datetime, *,
                               person_id: int | None = None) -> list[UnansweredQuestion]:
        rows = await self._all(
            "SELECT * FROM unanswered_questions WHERE asked_at >= ? "
            "AND (CAST(? AS BIGINT) IS NULL OR person_id = ?) ORDER BY id",
            (to_db_time(since), person_id, person_id))
        return [_question(row) for row in rows]

    # -- tickets ---------------------------------------------------------------------------

    async def open_ticket(self, *, person_id: int, question: str, locale: str,
                          display_name: str, question_id: int | None, staff_chat: str,
                          max_open: int, render: TicketRender, now: datetime) -> TicketOpened:
        platform, _, chat_id = staff_chat.partition(":")
        stamp = to_db_time(now)
        async with self.transaction() as db:
            if question_id is not None:
                cursor = await db.execute(
                    f"SELECT {TICKET_COLUMNS} FROM tickets WHERE question_id = ?",
                    (question_id,))
                found = await cursor.fetchone()
                if found is not None:
                    return TicketOpened("exists", _ticket(found))
            cursor = await db.execute(
                "SELECT COUNT(*) FROM tickets WHERE person_id = ? AND state = 'open'",
                (person_id,))
            if int((await returned_row(cursor))[0]) >= max_open:
                return TicketOpened("too-many")
            cursor = await db.execute(
                "INSERT INTO tickets (person_id, question_id, question, locale, display_name, "
                "staff_chat, created_at) VALUES (?, ?, ?, ?, ?, ?, ?) "
                f"RETURNING {TICKET_COLUMNS}",
                (person_id, question_id, question, locale, display_name, staff_chat, stamp))
            ticket = _ticket(await cursor.fetchone())
            await db.execute(
                "INSERT INTO outbox (dedupe_key, kind, person_id, platform, chat_id, body, "
                "not_before, created_at, batch, priority) VALUES (?, ?, NULL, ?, ?, ?, ?, ?, ?, 1) "
                "ON CONFLICT (dedupe_key) DO NOTHING",
                (f"ticket:{ticket.id}", "staff-ticket", platform, chat_id,
                 json.dumps(render(ticket)), stamp, stamp, f"ticket:{ticket.id}"))
        return TicketOpened("opened", ticket)

    async def get_ticket(self, ticket_id: int) -> Ticket | None:
        row = await self._one(
            f"SELECT {TICKET_COLUMNS} FROM tickets WHERE id = ?", (ticket_id,))
        return None if row is None else _ticket(row)

    async def ticket_by_message(self, staff_chat: str, message_id: str) -> Ticket | None:
        row = await self._one(
            f"SELECT {TICKET_COLUMNS} FROM tickets WHERE staff_chat = ? "
            "AND staff_message_id = ?", (staff_chat, message_id))
        return None if row is None else _ticket(row)

    async def set_ticket_message(self, ticket_id: int, message_id: str | None) -> None:
        await self._write(
            "UPDATE tickets SET staff_message_id = ? WHERE id = ?", (message_id, ticket_id))

    async def tickets(self, *, open_only: bool = False) -> list[Ticket]:
        where = "WHERE state = 'open' " if open_only else ""
        rows = await self._all(
            f"SELECT {TICKET_COLUMNS} FROM tickets {where}ORDER BY created_at, id")
        return [_ticket(row) for row in rows]

    async def person_tickets(self, person_id: int) -> list[Ticket]:
        rows = await self._all(
            f"SELECT {TICKET_COLUMNS} FROM tickets WHERE person_id = ? ORDER BY id",
            (person_id,))
        return [_ticket(row) for row in rows]

    async def answer_ticket(self, ticket_id: int, *, answer: str, answered_by: str,
                            outbox: dict[str, Any], now: datetime) -> bool:
        """Close an open ticket and queue the citizen's answer, in one transaction; False when
        it was not open (answered already, unreachable, forgotten)."""
        stamp = to_db_time(now)
        async with self.transaction() as db:
            cursor = await db.execute(
                "UPDATE tickets SET state = 'answered', answer = ?, answered_by = ?, "
                "closed_at = ?, person_id = NULL, display_name = NULL "
                "WHERE id = ? AND state = 'open' RETURNING id",
                (answer, answered_by, stamp, ticket_id))
            if await cursor.fetchone() is None:
                return False
            await db.execute(
                "INSERT INTO outbox (dedupe_key, kind, person_id, platform, chat_id, body, "
                "not_before, created_at, priority) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1) "
                "ON CONFLICT (dedupe_key) DO NOTHING",
                (f"ticket-answer:{ticket_id}", "ticket-answer", outbox["person_id"],
                 outbox["platform"], outbox["chat_id"], json.dumps(outbox["body"]), stamp,
                 stamp))
        return True

    async def mark_ticket_unreachable(self, ticket_id: int, now: datetime) -> int | None:
        """The staff chat refused the ticket: it is closed; returns the person to tell."""
        async with self.transaction() as db:
            cursor = await db.execute(
                "UPDATE tickets SET state = 'unreachable', closed_at = ? "
                "WHERE id = ? AND state = 'open' RETURNING person_id",
                (to_db_time(now), ticket_id))
            row = await cursor.fetchone()
        return None if row is None else row[0]

    # -- FAQ entries from answers ----------------------------------------------------------

    async def save_ticket_faq(self, ticket_id: int, key: str, now: datetime) -> bool:
        """The answered ticket's question and answer as a FAQ entry in its language; False
        when the ticket is not answered or was saved before."""
        async with self.transaction() as db:
            cursor = await db.execute(
                "UPDATE tickets SET faq_key = ? WHERE id = ? AND state = 'answered' "
                "AND faq_key IS NULL RETURNING question, answer, locale",
                (key, ticket_id))
            row = await cursor.fetchone()
            if row is None:
                return False
            cursor = await db.execute(
                "SELECT id FROM documents WHERE name = ?", (STAFF_FAQ_DOCUMENT,))
            found = await cursor.fetchone()
            if found is None:
                cursor = await db.execute(
                    "INSERT INTO documents (name, kind, title, lang, checksum, indexer, "
                    "imported_at) VALUES (?, 'faq', ?, '', '', '', ?) RETURNING id",
                    (STAFF_FAQ_DOCUMENT, STAFF_FAQ_DOCUMENT, to_db_time(now)))
                found = await returned_row(cursor)
            locale = row["locale"]
            await db.execute(
                "INSERT INTO faq_entries (document_id, key, questions, answers, source) "
                "VALUES (?, ?, ?, ?, ?)",
                (found[0], key, json.dumps({locale: row["question"]}, ensure_ascii=False),
                 json.dumps({locale: row["answer"]}, ensure_ascii=False), STAFF_FAQ_DOCUMENT))
        return True

    async def staff_faq_entries(self) -> list[FaqRecord]:
        return [record for record in await self.faq_entries()
                if record.source == STAFF_FAQ_DOCUMENT]

    async def remove_faq_entry(self, key: str) -> str | None:
        """Remove a FAQ entry saved from a ticket; returns 'removed', the source file of an
        imported entry (which stays: it is removed from its file), or None if unknown."""
        async with self.transaction() as db:
            cursor = await db.execute("SELECT source FROM faq_entries WHERE key = ?", (key,))
            row = await cursor.fetchone()
            if row is None:
                return None
            if row[0] != STAFF_FAQ_DOCUMENT:
                return str(row[0])
            await db.execute("DELETE FROM faq_entries WHERE key = ?", (key,))
            await db.execute("UPDATE tickets SET faq_key = NULL WHERE faq_key = ?", (key,))
        return "removed"

    # -- the staff chat's health -----------------------------------------------------------

    async def set_staff_chat_status(self, chat: str, reachable: bool, error: str | None,
                                    now: datetime) -> None:
        await self._write(
            "INSERT INTO staff_chat_status (chat, reachable, error, checked_at) "
            "VALUES (?, ?, ?, ?) ON CONFLICT (chat) DO UPDATE SET reachable = excluded.reachable, "
            "error = excluded.error, checked_at = excluded.checked_at",
            (chat, int(reachable), error, to_db_time(now)))

    async def staff_chat_status(self, chat: str) -> tuple[bool, str | None] | None:
        row = await self._one(
            "SELECT reachable, error FROM staff_chat_status WHERE chat = ?", (chat,))
        return None if row is None else (bool(row[0]), row[1])

    # -- privacy ---------------------------------------------------------------------------

    async def forget_handoff_older_than(self, cutoff: datetime) -> int:
        """Retention: unanswered questions asked, and tickets closed, before the cutoff."""
        stamp = to_db_time(cutoff)
        async with self.transaction() as db:
            cursor = await db.execute(
                "DELETE FROM unanswered_questions WHERE asked_at < ?", (stamp,))
            removed = cursor.rowcount
            cursor = await db.execute(
                "DELETE FROM tickets WHERE state <> 'open' AND closed_at < ?", (stamp,))
            return removed + cursor.rowcount

    def forget_hooks(self) -> list:
        parent = getattr(super(), "forget_hooks", list)
        return [*parent(), _forget_tickets]


async def _forget_tickets(db: Any, person_id: int) -> None:
    """A forgotten person's open tickets go, and so does their message to the staff chat
    (its text holds the question and the name): a pending one is never sent. Inside
    forget_person's transaction; the rows themselves go with the person (ON DELETE CASCADE)."""
    rows = await db.execute_fetchall(
        "SELECT id FROM tickets WHERE person_id = ?", (person_id,))
    for row in rows:
        key = f"ticket:{row[0]}"
        await db.execute(
            "UPDATE outbox SET state = CASE WHEN state = 'pending' THEN 'skipped' ELSE state END, "
            "body = '[]', dedupe_key = 'forgotten:' || CAST(id AS TEXT), batch = NULL "
            "WHERE dedupe_key = ?", (key,))
