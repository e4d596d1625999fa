"""Reminders on SQLite: a mixin of `SqliteStore` (storage/sqlite.py).

Rows of `reminders` are planned set-wise (one INSERT ... SELECT per event, kind and offset, so
100k registrants are one statement), claimed with one `UPDATE ... RETURNING` inside
`BEGIN IMMEDIATE` (two dispatchers never take the same row, even in two processes) and settled
in one transaction that also inserts their outbox rows: a reminder is `sent` exactly when its
outbox row exists. The planner only looks at what the triggers of migration 0005 marked dirty.
The SQL is shared with the PostgreSQL backend: `?` placeholders, no SQLite-only functions.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

import aiosqlite

from storage.base import (
    DueReminder,
    EventCancellation,
    EventChange,
    EventRecord,
    PlannedReminder,
    ReminderDelivery,
    ReminderRule,
    from_db_time,
    to_db_time,
)
from storage.sql.mixin import SqliteMixin

ACTIVE = "('confirmed', 'waiting')"
TIMED_KINDS = ("deadline", "event")

# Who is owed a reminder of each kind for the event (the one parameter), everybody or only the
# people marked dirty (then driven by the few marks, never by the whole audience). Deadline:
# subscribers not registered (the waiting list counts as registered); event: confirmed
# registrants. Nobody who stopped reminders or is unreachable.
_DIRTY_PEOPLE = "(SELECT DISTINCT person_id FROM reminder_dirty_people) d"
_DEADLINE_AUDIENCE = (
    "SELECT p.id AS person_id FROM people p WHERE p.subscribed = 1 "
    "AND p.reminders_off = 0 AND p.unreachable = 0 {only} "
    "AND EXISTS (SELECT 1 FROM identities i WHERE i.person_id = p.id "
    "            AND i.chat_id IS NOT NULL) "
    "AND NOT EXISTS (SELECT 1 FROM registrations g WHERE g.event_id = ? "
    f"               AND g.person_id = p.id AND g.status IN {ACTIVE})"
)
_EVENT_AUDIENCE = (
    "SELECT g.person_id AS person_id FROM {source} JOIN people p ON p.id = g.person_id "
    "WHERE {link} g.event_id = ? AND g.status = 'confirmed' AND p.reminders_off = 0 "
    "AND p.unreachable = 0"
)


def _audience(kind: str, whole: bool) -> str:
    if kind == "deadline":
        return _DEADLINE_AUDIENCE.format(
            only="" if whole else "AND p.id IN (SELECT person_id FROM reminder_dirty_people)")
    if whole:
        return _EVENT_AUDIENCE.format(source="registrations g", link="")
    # (CROSS JOIN: SQLite then loops over the few marks, not over the event's registrations)
    return _EVENT_AUDIENCE.format(source=f"{_DIRTY_PEOPLE} CROSS JOIN registrations g",
                                  link="g.person_id = d.person_id AND")


def _planned_rows(whole: bool) -> str:
    """The ids of an event's planned rows of a kind (parameters: kind, event), all of them or
    those of the people marked dirty."""
    if whole:
        return "SELECT id FROM reminders WHERE kind = ? AND event_id = ? AND state = 'planned'"
    return (f"SELECT r.id FROM {_DIRTY_PEOPLE} CROSS JOIN reminders r "
            "WHERE r.person_id = d.person_id AND r.kind = ? AND r.event_id = ? "
            "AND r.state = 'planned'")


_DUE_DETAILS = (
    "SELECT r.id, r.kind, r.event_id, r.person_id, r.ref, r.moment, r.due_at, "
    "p.locale, p.hint_locale, p.subscribed, p.reminders_off, p.unreachable, "
    "i.platform, i.chat_id, e.status AS event_status, e.timezone, e.starts_at, e.ends_at, "
    "e.registration_deadline, "
    "(SELECT g.status FROM registrations g WHERE g.event_id = r.event_id "
    " AND g.person_id = r.person_id) AS registration "
    "FROM reminders r JOIN people p ON p.id = r.person_id JOIN events e ON e.id = r.event_id "
    "LEFT JOIN identities i ON i.rowid = (SELECT MAX(rowid) FROM identities "
    "     WHERE person_id = p.id AND chat_id IS NOT NULL) "
    "WHERE r.id IN ({ids}) ORDER BY r.due_at, r.id"
)

CHUNK = 1000  # rows per multi-row statement (well under both databases' parameter limits)


class SqliteRemindersMixin(SqliteMixin):
    if TYPE_CHECKING:
        async def list_events(
            self, *, ending_after: datetime | None = None) -> list[EventRecord]: ...

    # -- planning --------------------------------------------------------------------------

    async def plan_reminders(
        self, now: datetime, rules: Callable[[EventRecord], list[ReminderRule]], *,
        full: bool = False,
    ) -> int:
        """Bring the reminder rows of upcoming events in line with events, registrations and
        subscriptions: whole events that changed (or all, with `full`), and the people whose
        subscription, opt-out, reachability or registrations changed. Returns rows written.

        One write transaction: the dirty marks read are the ones cleared, and a change made
        meanwhile waits for the write lock and marks again for the next pass."""
        stamp = to_db_time(now)
        written = 0
        async with self.transaction() as db:
            rows = list(await db.execute_fetchall(
                "SELECT planned_until FROM reminder_planner WHERE name = 'planner'"))
            since = rows[0][0] if rows else stamp
            dirty_events = {row[0] for row in await db.execute_fetchall(
                "SELECT DISTINCT event_id FROM reminder_dirty_events")}
            dirty_people = bool(await db.execute_fetchall(
                "SELECT 1 FROM reminder_dirty_people LIMIT 1"))
            if full or dirty_events or dirty_people:
                cancelled = {row[0] for row in await db.execute_fetchall(
                    "SELECT id FROM events WHERE status = 'cancelled'")}
                for event in await self.list_events(ending_after=now):
                    whole = full or event.id in dirty_events
                    if event.id in cancelled or not (whole or dirty_people):
                        continue
                    written += await _plan_event(db, event, rules(event), whole, since, stamp)
                await db.execute("DELETE FROM reminder_dirty_events")
                await db.execute("DELETE FROM reminder_dirty_people")
            await db.execute(
                "INSERT INTO reminder_planner (name, planned_until) VALUES ('planner', ?) "
                "ON CONFLICT (name) DO UPDATE SET planned_until = excluded.planned_until "
                "WHERE reminder_planner.planned_until < excluded.planned_until", (stamp,))
        return written

    async def announce_event_changes(self, now: datetime) -> int:
        """Turn unannounced time/place changes into one notice row per registrant (confirmed
        and waiting) and set announced_at, in one transaction. Returns the notices planned.
        Changes of a cancelled or finished event are marked announced without a notice."""
        stamp = to_db_time(now)
        planned = 0
        async with self.transaction() as db:
            rows = await db.execute_fetchall(
                "SELECT c.id, c.event_id, e.status, COALESCE(e.ends_at, e.starts_at) AS ends "
                "FROM event_changes c JOIN events e ON e.id = c.event_id "
                "WHERE c.announced_at IS NULL ORDER BY c.id")
            by_event: dict[str, list[int]] = {}
            for row in rows:
                if row["status"] == "scheduled" and row["ends"] > stamp:
                    by_event.setdefault(row["event_id"], []).append(row["id"])
            for event_id, ids in by_event.items():
                cursor = await db.execute(
                    "INSERT INTO reminders (kind, event_id, person_id, ref, moment, due_at) "
                    "SELECT 'change', event_id, person_id, ?, ?, ? FROM registrations "
                    f"WHERE event_id = ? AND status IN {ACTIVE} AND person_id IS NOT NULL "
                    "ON CONFLICT DO NOTHING",
                    (",".join(map(str, ids)), stamp, stamp, event_id))
                planned += max(cursor.rowcount, 0)
            for chunk in _chunks([row["id"] for row in rows]):
                await db.execute(f"UPDATE event_changes SET announced_at = ? "
                                 f"WHERE id IN ({_marks(chunk)})", (stamp, *chunk))
        return planned

    async def cancel_event(self, event_id: str, now: datetime) -> EventCancellation:
        """Mark the event cancelled, drop its planned reminders and plan one notice per
        registrant (confirmed and waiting), all in one transaction."""
        stamp = to_db_time(now)
        async with self.transaction() as db:
            rows = await db.execute_fetchall(
                "SELECT status, COALESCE(ends_at, starts_at) AS ends FROM events WHERE id = ?",
                (event_id,))
            event = next(iter(rows), None)
            if event is None:
                return EventCancellation("unknown-event")
            if event["status"] == "cancelled":
                return EventCancellation("already")
            if event["ends"] <= stamp:
                return EventCancellation("over")
            await db.execute("UPDATE events SET status = 'cancelled', cancelled_at = ? "
                             "WHERE id = ?", (stamp, event_id))
            await db.execute("DELETE FROM reminders WHERE event_id = ? AND state = 'planned'",
                             (event_id,))
            cursor = await db.execute(
                "INSERT INTO reminders (kind, event_id, person_id, ref, moment, due_at) "
                "SELECT 'cancelled', event_id, person_id, '', ?, ? FROM registrations "
                f"WHERE event_id = ? AND status IN {ACTIVE} AND person_id IS NOT NULL "
                "ON CONFLICT DO NOTHING", (stamp, stamp, event_id))
            return EventCancellation("cancelled", max(cursor.rowcount, 0))

    async def event_status(self, event_id: str) -> str | None:
        rows = list(await self.db.execute_fetchall("SELECT status FROM events WHERE id = ?",
                                              (event_id,)))
        return rows[0][0] if rows else None

    # -- dispatching -----------------------------------------------------------------------

    async def claim_due_reminders(self, worker: str, now: datetime,
                                  limit: int) -> list[DueReminder]:
        """Atomically move due rows to 'claimed' for this worker, earliest first, and read
        what deciding and rendering them needs (in the same transaction)."""
        stamp = to_db_time(now)
        async with self.transaction() as db:
            cursor = await db.execute(
                "UPDATE reminders SET state = 'claimed', claimed_by = ?, claimed_at = ? "
                "WHERE id IN (SELECT id FROM reminders WHERE state = 'planned' AND due_at <= ? "
                "ORDER BY due_at, id LIMIT ?) RETURNING id",
                (worker, stamp, stamp, limit))
            ids = [row[0] for row in await cursor.fetchall()]
            rows: list[Any] = []
            for chunk in _chunks(ids):
                rows += await db.execute_fetchall(_DUE_DETAILS.format(ids=_marks(chunk)), chunk)
        return sorted((_due(row) for row in rows), key=lambda r: (r.due_at, r.id))

    async def settle_reminders(
        self, worker: str, now: datetime, *, sent: list[ReminderDelivery],
        skipped: list[tuple[int, str]], moved: list[tuple[int, datetime, datetime]],
        released: list[int],
    ) -> int:
        """In one transaction: queue the deliveries in the outbox (a dedupe key seen before is
        a no-op) and mark them sent; mark the skipped with their reason; give rows whose event
        moved their new moment and due time, and the released back to 'planned'. Only rows
        this worker still holds are touched. Returns the outbox rows added."""
        stamp = to_db_time(now)
        bodies: dict[int, str] = {}  # one JSON text per rendered body, shared by many rows
        queued = 0
        held = "AND state = 'claimed' AND claimed_by = ?"
        async with self.transaction() as db:
            for chunk in _chunks(sent):
                values: list[Any] = []
                for d in chunk:
                    values += [d.dedupe_key, d.kind, d.person_id, d.platform, d.chat_id,
                               bodies.setdefault(id(d.body), json.dumps(d.body)), stamp, stamp]
                cursor = await db.execute(
                    "INSERT INTO outbox (dedupe_key, kind, person_id, platform, chat_id, body, "
                    "not_before, created_at) VALUES "
                    + ", ".join(["(?, ?, ?, ?, ?, ?, ?, ?)"] * len(chunk))
                    + " ON CONFLICT (dedupe_key) DO NOTHING", values)
                queued += max(cursor.rowcount, 0)
            for reminder_id, moment, due in moved:
                await db.execute(f"UPDATE reminders SET moment = ?, due_at = ? WHERE id = ? "
                                 f"{held}", (to_db_time(moment), to_db_time(due), reminder_id,
                                             worker))
            await _set_state(db, "state = 'sent', finished_at = ?", (stamp,),
                             [d.reminder_id for d in sent], worker)
            for reason in {reason for _, reason in skipped}:
                await _set_state(db, "state = 'skipped', reason = ?, finished_at = ?",
                                 (reason, stamp), [i for i, r in skipped if r == reason], worker)
            await _set_state(db, "state = 'planned', claimed_by = NULL, claimed_at = NULL", (),
                             released, worker)
        return queued

    async def next_reminder_due(self) -> datetime | None:
        rows = list(await self.db.execute_fetchall(
            "SELECT MIN(due_at) FROM reminders WHERE state = 'planned'"))
        return from_db_time(rows[0][0]) if rows else None

    async def recover_reminders(self, worker: str, stale_before: datetime) -> int:
        """Claims of a dispatcher that stopped (an earlier run of this worker, or any claim
        older than the lease) go back to 'planned'; re-handing them is a no-op in the outbox."""
        async with self.transaction() as db:
            cursor = await db.execute(
                "UPDATE reminders SET state = 'planned', claimed_by = NULL, claimed_at = NULL "
                "WHERE state = 'claimed' AND (claimed_by = ? OR claimed_at < ?)",
                (worker, to_db_time(stale_before)))
            return max(cursor.rowcount, 0)

    # -- a person's reminders --------------------------------------------------------------

    async def person_reminders(self, person_id: int) -> list[PlannedReminder]:
        """Deadline and event reminders still to come for the person, soonest first."""
        rows = await self.db.execute_fetchall(
            "SELECT kind, event_id, ref, moment, due_at FROM reminders WHERE person_id = ? "
            "AND state IN ('planned', 'claimed') AND kind IN ('deadline', 'event') "
            "ORDER BY due_at, id", (person_id,))
        return [PlannedReminder(r["kind"], r["event_id"], r["ref"], _time(r["moment"]),
                                _time(r["due_at"])) for r in rows]

    async def reminders_off(self, person_id: int) -> bool:
        rows = list(await self.db.execute_fetchall(
            "SELECT reminders_off FROM people WHERE id = ?", (person_id,)))
        return bool(rows and rows[0][0])

    async def set_reminders_off(self, person_id: int, off: bool) -> None:
        """Stop (or resume) deadline and event reminders; stopping drops the planned ones at
        once, resuming lets the planner plan them again (the trigger marks the person)."""
        async with self.transaction() as db:
            await db.execute("UPDATE people SET reminders_off = ? WHERE id = ?",
                             (int(off), person_id))
            if off:
                await db.execute(
                    "DELETE FROM reminders WHERE person_id = ? AND state = 'planned' "
                    "AND kind IN ('deadline', 'event')", (person_id,))

    async def event_changes_by_id(self, ids: list[int]) -> list[EventChange]:
        if not ids:
            return []
        rows = await self.db.execute_fetchall(
            f"SELECT * FROM event_changes WHERE id IN ({_marks(ids)}) ORDER BY id", ids)
        return [EventChange(r["event_id"], r["what"], json.loads(r["old_value"]),
                            json.loads(r["new_value"]), r["id"], from_db_time(r["changed_at"]))
                for r in rows]

    async def reminder_counts(self, event_id: str | None = None) -> dict[str, int]:
        """'kind:state' -> rows (for reports, tests and the benchmark)."""
        where, params = ("WHERE event_id = ?", (event_id,)) if event_id else ("", ())
        rows = await self.db.execute_fetchall(
            f"SELECT kind, state, COUNT(*) FROM reminders {where} GROUP BY kind, state", params)
        return {f"{row[0]}:{row[1]}": row[2] for row in rows}


# -- helpers (inside a transaction) --------------------------------------------------------


def _marks(values: Sequence[object]) -> str:
    return ", ".join("?" * len(values))


def _chunks(values: list[Any]) -> list[list[Any]]:
    return [values[i:i + CHUNK] for i in range(0, len(values), CHUNK)]


async def _set_state(db: aiosqlite.Connection, assignments: str, values: tuple[object, ...],
                     ids: list[int], worker: str) -> None:
    """Update rows this worker still holds (a claim taken over after its lease is not ours)."""
    for chunk in _chunks(ids):
        await db.execute(f"UPDATE reminders SET {assignments} WHERE id IN ({_marks(chunk)}) "
                         "AND state = 'claimed' AND claimed_by = ?", (*values, *chunk, worker))


async def _plan_event(db: aiosqlite.Connection, event: EventRecord, rules: list[ReminderRule],
                      whole: bool, since: str, now: str) -> int:
    """Plan one event's timed reminders for its whole audience, or only for dirty people.

    A rule due after `since` (the previous pass) is owed to everyone in the audience: missing
    rows are added, rows planned for another moment move (a sent one is due again: the event
    moved, that is a new reminder). A rule due earlier adds nobody (they joined after its
    time) but still moves rows that wait for it."""
    written = 0
    for kind in TIMED_KINDS:
        kind_rules = [rule for rule in rules if rule.kind == kind]
        moment = event.registration_deadline if kind == "deadline" else event.starts_at
        if to_db_time(moment) <= now:
            continue  # what is left is skipped at dispatch as too late
        audience = _audience(kind, whole)
        offsets = [rule.ref for rule in kind_rules]
        unwanted_offset = f"ref NOT IN ({_marks(offsets)}) OR " if offsets else "TRUE OR "
        cursor = await db.execute(
            f"DELETE FROM reminders WHERE id IN ({_planned_rows(whole)}) "
            f"AND ({unwanted_offset}person_id NOT IN ({audience}))",
            (kind, event.id, *offsets, event.id))
        written += max(cursor.rowcount, 0)
        for rule in kind_rules:
            written += await _apply_rule(db, event.id, rule, audience, whole, since)
    return written


async def _apply_rule(db: aiosqlite.Connection, event_id: str, rule: ReminderRule,
                      audience: str, whole: bool, since: str) -> int:
    moment, due = to_db_time(rule.moment), to_db_time(rule.due_at)
    if due > since:
        cursor = await db.execute(
            "INSERT INTO reminders (kind, event_id, person_id, ref, moment, due_at) "
            f"SELECT ?, ?, a.person_id, ?, ?, ? FROM ({audience}) a WHERE TRUE "
            "ON CONFLICT (kind, event_id, person_id, ref) DO UPDATE SET "
            "moment = excluded.moment, due_at = excluded.due_at, state = 'planned', "
            "reason = NULL, finished_at = NULL, claimed_by = NULL, claimed_at = NULL "
            "WHERE reminders.state != 'claimed' AND reminders.moment != excluded.moment",
            (rule.kind, event_id, rule.ref, moment, due, event_id))
    else:
        cursor = await db.execute(
            f"UPDATE reminders SET moment = ?, due_at = ? WHERE id IN ({_planned_rows(whole)}) "
            "AND ref = ? AND moment != ?", (moment, due, rule.kind, event_id, rule.ref, moment))
    return max(cursor.rowcount, 0)


def _time(value: str) -> datetime:
    moment = from_db_time(value)
    assert moment is not None
    return moment


def _due(row: aiosqlite.Row) -> DueReminder:
    return DueReminder(
        id=row["id"], kind=row["kind"], event_id=row["event_id"], person_id=row["person_id"],
        ref=row["ref"], moment=_time(row["moment"]), due_at=_time(row["due_at"]),
        locale=row["locale"] or row["hint_locale"], subscribed=bool(row["subscribed"]),
        reminders_off=bool(row["reminders_off"]), unreachable=bool(row["unreachable"]),
        platform=row["platform"], chat_id=row["chat_id"], registration=row["registration"],
        event_status=row["event_status"], timezone=row["timezone"],
        starts_at=_time(row["starts_at"]), ends_at=from_db_time(row["ends_at"]),
        registration_deadline=_time(row["registration_deadline"]))


__all__ = ["SqliteRemindersMixin"]
