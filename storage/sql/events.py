"""Events and registrations on SQLite: a mixin of `SqliteStore` (storage/sqlite.py).

Seats are claimed inside one `BEGIN IMMEDIATE` transaction that counts the confirmed rows and
inserts the new one: SQLite's write lock makes that atomic between coroutines *and* between
processes sharing the file, and UNIQUE (event_id, person_id) refuses a second registration.
When a confirmed seat frees up, the first of the waiting list takes it in the same transaction;
`promotion_pending` marks that person until their notice is in the outbox.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import aiosqlite

from storage.base import (
    CancelOutcome,
    EventChange,
    EventRecord,
    EventSaved,
    Registration,
    RegistrationOutcome,
    from_db_time,
    to_db_time,
)
from storage.sql.mixin import SqliteMixin

ACTIVE = ("confirmed", "waiting")
PERSONAL_COLUMNS = ("name", "email", "phone", "organisation")
_EVENT_COLUMNS = ("starts_at", "ends_at", "timezone", "location", "registration_deadline",
                  "capacity", "reminders", "spec")

_IDS_PER_QUERY = 500  # under SQLite's limit of bound parameters
ForgetHook = Callable[[aiosqlite.Connection, int], Awaitable[None]]


class SqliteEventsMixin(SqliteMixin):
    if TYPE_CHECKING:
        _event_records: dict[str, tuple[tuple[int, str], EventRecord]]

    # -- events ----------------------------------------------------------------------------

    async def save_events(self, events: list[EventRecord], now: datetime) -> list[EventSaved]:
        """Create or update events in place, all in one transaction; notices moves in time or
        space (an `event_changes` row each) and fills seats a raised capacity freed."""
        results = []
        async with self.transaction() as db:
            for event in events:
                old = await _fetch_one(db, "SELECT * FROM events WHERE id = ?", (event.id,))
                if old is None:
                    await _insert_event(db, event, now)
                    results.append(EventSaved(event.id, "created"))
                    continue
                if _event_values(event) == {c: old[c] for c in _EVENT_COLUMNS}:
                    results.append(EventSaved(event.id, "unchanged"))
                    continue
                await _update_event(db, event, now)
                changes = _time_and_place_changes(old, event)
                for change in changes:
                    await _record_change(db, change, now)
                promoted = await _promote(db, event.id, now)
                results.append(EventSaved(event.id, "updated", changes, promoted))
        return results

    async def get_event(self, event_id: str) -> EventRecord | None:
        rows = await self._event_rows("WHERE e.id = ?", (event_id,))
        return rows[0] if rows else None

    async def list_events(self, *, ending_after: datetime | None = None) -> list[EventRecord]:
        """Events in order of their start; with `ending_after`, only those not over by then
        and not cancelled (what people can still go to)."""
        if ending_after is None:
            return await self._event_rows("", ())
        return await self._event_rows(
            "WHERE COALESCE(e.ends_at, e.starts_at) > ? AND e.status != 'cancelled'",
            (to_db_time(ending_after),))

    async def _event_rows(self, where: str, params: tuple[Any, ...]) -> list[EventRecord]:
        """The events as records, counts and status read now. Every question reads all events
        (bot.events.questions): a row whose revision and update time are those of a record
        parsed before (in this process) reuses it, so only what changed is parsed again; an
        edit anywhere (another replica too) bumps both."""
        rows = await self.db.execute_fetchall(
            "SELECT e.id, e.revision, e.updated_at, e.status, "
            "(SELECT COUNT(*) FROM registrations r WHERE r.event_id = e.id "
            " AND r.status = 'confirmed') AS n_confirmed, "
            "(SELECT COUNT(*) FROM registrations r WHERE r.event_id = e.id "
            f" AND r.status = 'waiting') AS n_waiting FROM events e {where} "
            "ORDER BY e.starts_at, e.id",
            params,
        )
        parsed = self._event_records
        stale = [row["id"] for row in rows
                 if parsed.get(row["id"], (None,))[0] != (row["revision"], row["updated_at"])]
        for start in range(0, len(stale), _IDS_PER_QUERY):
            ids = stale[start:start + _IDS_PER_QUERY]
            marks = ", ".join("?" * len(ids))
            for row in await self.db.execute_fetchall(
                f"SELECT * FROM events WHERE id IN ({marks})", tuple(ids)
            ):
                parsed[row["id"]] = ((row["revision"], row["updated_at"]), _event(row))
        return [
            dataclasses.replace(parsed[row["id"]][1], confirmed=row["n_confirmed"],
                                waiting=row["n_waiting"], cancelled=row["status"] == "cancelled")
            for row in rows
        ]

    async def event_changes(self, *, unannounced: bool = True) -> list[EventChange]:
        rows = await self.db.execute_fetchall(
            "SELECT * FROM event_changes WHERE (? = 0 OR announced_at IS NULL) ORDER BY id",
            (int(unannounced),),
        )
        return [EventChange(r["event_id"], r["what"], json.loads(r["old_value"]),
                            json.loads(r["new_value"]), r["id"], from_db_time(r["changed_at"]))
                for r in rows]

    async def mark_event_change_announced(self, change_id: int, now: datetime) -> None:
        async with self.transaction() as db:
            await db.execute("UPDATE event_changes SET announced_at = ? WHERE id = ?",
                             (to_db_time(now), change_id))

    # -- registrations ---------------------------------------------------------------------

    async def register(
        self, event_id: str, person_id: int, fields: dict[str, Any], *, locale: str | None,
        consented: bool, now: datetime,
    ) -> RegistrationOutcome:
        """Claim a seat, or a place on the waiting list, atomically (see the module doc)."""
        async with self.transaction() as db:
            event = await _fetch_one(
                db, "SELECT capacity, registration_deadline, status FROM events WHERE id = ?",
                (event_id,))
            if event is None:
                return RegistrationOutcome("unknown-event")
            if to_db_time(now) > event["registration_deadline"]:  # fixed-width UTC text
                return RegistrationOutcome("closed")
            if event["status"] == "cancelled":  # reminders: cancel_event (migration 0005)
                return RegistrationOutcome("closed")
            existing = await _registration_of(db, event_id, person_id)
            if existing is not None and existing.status in ACTIVE:
                return RegistrationOutcome("already", existing)
            if existing is not None:  # cancelled earlier: keep that row anonymous, start anew
                await db.execute("UPDATE registrations SET person_id = NULL WHERE id = ?",
                                 (existing.id,))
            await _promote(db, event_id, now)  # nobody may jump a queue that has free seats
            status = "confirmed" if await _has_free_seat(db, event_id, event["capacity"]) \
                else "waiting"
            registration_id = await _insert_registration(
                db, event_id, person_id, status, fields, locale, consented, now)
            registration = await _registration_by_id(db, registration_id)
        assert registration is not None
        return RegistrationOutcome(status, registration)

    async def get_registration(self, event_id: str, person_id: int) -> Registration | None:
        """The person's active (confirmed or waiting) registration for the event."""
        registration = await _registration_of(self.db, event_id, person_id)
        return registration if registration and registration.status in ACTIVE else None

    async def person_registrations(self, person_id: int) -> list[Registration]:
        rows = await self.db.execute_fetchall(
            "SELECT r.id FROM registrations r JOIN events e ON e.id = r.event_id "
            "WHERE r.person_id = ? AND r.status IN ('confirmed', 'waiting') "
            "ORDER BY e.starts_at, e.id",
            (person_id,),
        )
        found = [await _registration_by_id(self.db, row["id"]) for row in rows]
        return [r for r in found if r is not None]

    async def event_registrations(
        self, event_id: str, statuses: tuple[str, ...] = ACTIVE
    ) -> list[Registration]:
        """Registrations in order: confirmed first, then the waiting list; each by arrival."""
        marks = ", ".join("?" * len(statuses))
        rows = await self.db.execute_fetchall(
            f"SELECT * FROM registrations WHERE event_id = ? AND status IN ({marks}) "
            "ORDER BY CASE status WHEN 'confirmed' THEN 0 WHEN 'waiting' THEN 1 ELSE 2 END, seq",
            (event_id, *statuses),
        )
        registrations = []
        position = 0
        for row in rows:
            registration = _registration(row)
            if registration.status == "waiting":
                position += 1
                registration.position = position
            registrations.append(registration)
        return registrations

    async def cancel_registration(
        self, event_id: str, person_id: int, now: datetime
    ) -> CancelOutcome:
        """Cancel the person's registration; a freed seat goes to the first on the waiting list
        in the same transaction."""
        async with self.transaction() as db:
            registration = await _registration_of(db, event_id, person_id)
            if registration is None or registration.status not in ACTIVE:
                return CancelOutcome(None)
            await _withdraw(db, registration.id, "person", now)
            promoted = await _promote(db, event_id, now)
        return CancelOutcome(registration, promoted)

    async def pending_promotion_notices(self, limit: int = 100) -> list[Registration]:
        rows = await self.db.execute_fetchall(
            "SELECT * FROM registrations WHERE promotion_pending = 1 ORDER BY id LIMIT ?",
            (limit,),
        )
        return [_registration(row) for row in rows]

    async def mark_promotion_noticed(self, registration_id: int) -> None:
        async with self.transaction() as db:
            await db.execute("UPDATE registrations SET promotion_pending = 0 WHERE id = ?",
                             (registration_id,))

    # -- /forgetme -------------------------------------------------------------------------

    def forget_hooks(self) -> list[ForgetHook]:
        parent = getattr(super(), "forget_hooks", list)
        return [*parent(), _forget_registrations]


async def _forget_registrations(db: aiosqlite.Connection, person_id: int) -> None:
    """Null the person's data and detach their registrations (anonymous rows stay, so counts
    stay); a confirmed seat is released to the waiting list: a person who asked to be forgotten
    will not attend. Runs inside forget_person's transaction."""
    now = datetime.now(UTC)  # the hook gets no clock; this only stamps the rows
    rows = await db.execute_fetchall(
        "SELECT id, event_id, status FROM registrations WHERE person_id = ?", (person_id,))
    for row in rows:
        if row["status"] in ACTIVE:
            await _withdraw(db, row["id"], "forgotten", now)
    await db.execute(
        "UPDATE registrations SET person_id = NULL, name = NULL, email = NULL, phone = NULL, "
        "organisation = NULL, answers = NULL, locale = NULL, promotion_pending = 0 "
        "WHERE person_id = ?", (person_id,))
    for event_id in {row["event_id"] for row in rows if row["status"] == "confirmed"}:
        await _promote(db, event_id, now)


# -- helpers (inside a transaction) --------------------------------------------------------


async def _fetch_one(db: aiosqlite.Connection, sql: str,
                     params: tuple[Any, ...]) -> aiosqlite.Row | None:
    rows = await db.execute_fetchall(sql, params)
    return next(iter(rows), None)


def _event_values(event: EventRecord) -> dict[str, Any]:
    return {
        "starts_at": to_db_time(event.starts_at),
        "ends_at": None if event.ends_at is None else to_db_time(event.ends_at),
        "timezone": event.timezone,
        "location": json.dumps(event.location, ensure_ascii=False, sort_keys=True),
        "registration_deadline": to_db_time(event.registration_deadline),
        "capacity": event.capacity,
        "reminders": json.dumps(event.reminders, sort_keys=True),
        "spec": json.dumps(event.spec, ensure_ascii=False, sort_keys=True),
    }


async def _insert_event(db: aiosqlite.Connection, event: EventRecord, now: datetime) -> None:
    values = _event_values(event)
    columns = ", ".join(values)
    marks = ", ".join("?" * len(values))
    stamp = to_db_time(now)
    await db.execute(
        f"INSERT INTO events (id, {columns}, source, created_at, updated_at) "
        f"VALUES (?, {marks}, ?, ?, ?)",
        (event.id, *values.values(), event.source, stamp, stamp))


async def _update_event(db: aiosqlite.Connection, event: EventRecord, now: datetime) -> None:
    values = _event_values(event)
    assignments = ", ".join(f"{column} = ?" for column in values)
    await db.execute(
        f"UPDATE events SET {assignments}, source = ?, updated_at = ?, revision = revision + 1 "
        "WHERE id = ?",
        (*values.values(), event.source, to_db_time(now), event.id))


def _time_and_place_changes(old: aiosqlite.Row, new: EventRecord) -> list[EventChange]:
    changes = []
    new_values = _event_values(new)
    old_time = {"starts_at": old["starts_at"], "ends_at": old["ends_at"]}
    new_time = {"starts_at": new_values["starts_at"], "ends_at": new_values["ends_at"]}
    if old_time != new_time:
        changes.append(EventChange(new.id, "time", old_time, new_time))
    old_place = json.loads(old["location"])
    if old_place != new.location:
        changes.append(EventChange(new.id, "place", old_place, new.location))
    return changes


async def _record_change(db: aiosqlite.Connection, change: EventChange, now: datetime) -> None:
    cursor = await db.execute(
        "INSERT INTO event_changes (event_id, what, old_value, new_value, changed_at) "
        "VALUES (?, ?, ?, ?, ?) RETURNING id",
        (change.event_id, change.what, json.dumps(change.old, ensure_ascii=False),
         json.dumps(change.new, ensure_ascii=False), to_db_time(now)))
    row = await cursor.fetchone()
    change.id = row["id"] if row else None
    change.changed_at = now


async def _has_free_seat(db: aiosqlite.Connection, event_id: str, capacity: int | None) -> bool:
    if capacity is None:
        return True
    row = await _fetch_one(
        db, "SELECT COUNT(*) FROM registrations WHERE event_id = ? AND status = 'confirmed'",
        (event_id,))
    return row is not None and row[0] < capacity


async def _insert_registration(
    db: aiosqlite.Connection, event_id: str, person_id: int, status: str,
    fields: dict[str, Any], locale: str | None, consented: bool, now: datetime,
) -> int:
    stamp = to_db_time(now)
    custom = {k: v for k, v in fields.items() if k not in PERSONAL_COLUMNS}
    cursor = await db.execute(
        "INSERT INTO registrations (event_id, person_id, status, seq, name, email, phone, "
        "organisation, answers, locale, consented_at, registered_at, updated_at) VALUES "
        "(?, ?, ?, (SELECT COALESCE(MAX(seq), 0) + 1 FROM registrations WHERE event_id = ?), "
        "?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        (event_id, person_id, status, event_id,
         *(fields.get(column) for column in PERSONAL_COLUMNS),
         json.dumps(custom, ensure_ascii=False), locale, stamp if consented else None,
         stamp, stamp))
    row = await cursor.fetchone()
    assert row is not None
    return int(row["id"])


async def _withdraw(db: aiosqlite.Connection, registration_id: int, reason: str,
                    now: datetime) -> None:
    """Cancel a registration and drop its personal data (nobody needs it any more)."""
    await db.execute(
        "UPDATE registrations SET status = 'cancelled', cancelled_reason = ?, updated_at = ?, "
        "name = NULL, email = NULL, phone = NULL, organisation = NULL, answers = NULL, "
        "promotion_pending = 0 WHERE id = ?",
        (reason, to_db_time(now), registration_id))


async def _promote(db: aiosqlite.Connection, event_id: str, now: datetime) -> list[Registration]:
    """Give free seats to the waiting list in arrival order (not once the event has begun)."""
    event = await _fetch_one(db, "SELECT capacity, starts_at, status FROM events WHERE id = ?",
                             (event_id,))
    if event is None or event["status"] == "cancelled" or to_db_time(now) >= event["starts_at"]:
        return []
    if event["capacity"] is None:
        free = 2**31 - 1  # no limit: everyone waiting gets in (a portable 'no LIMIT')
    else:
        row = await _fetch_one(
            db, "SELECT COUNT(*) FROM registrations WHERE event_id = ? AND status = 'confirmed'",
            (event_id,))
        free = max(event["capacity"] - (row[0] if row else 0), 0)
        if free == 0:
            return []
    stamp = to_db_time(now)
    cursor = await db.execute(
        "UPDATE registrations SET status = 'confirmed', promoted_at = ?, updated_at = ?, "
        "promotion_pending = 1 WHERE id IN (SELECT id FROM registrations WHERE event_id = ? "
        "AND status = 'waiting' ORDER BY seq LIMIT ?) RETURNING *",
        (stamp, stamp, event_id, free))
    rows = await cursor.fetchall()
    return sorted((_registration(row) for row in rows), key=lambda r: r.seq)


async def _registration_of(db: aiosqlite.Connection, event_id: str,
                           person_id: int) -> Registration | None:
    row = await _fetch_one(
        db, "SELECT id FROM registrations WHERE event_id = ? AND person_id = ?",
        (event_id, person_id))
    return None if row is None else await _registration_by_id(db, row["id"])


async def _registration_by_id(db: aiosqlite.Connection,
                              registration_id: int) -> Registration | None:
    row = await _fetch_one(
        db, "SELECT r.*, CASE WHEN r.status = 'waiting' THEN (SELECT COUNT(*) FROM registrations "
        "w WHERE w.event_id = r.event_id AND w.status = 'waiting' AND w.seq <= r.seq) END "
        "AS position FROM registrations r WHERE r.id = ?", (registration_id,))
    if row is None:
        return None
    registration = _registration(row)
    registration.position = row["position"]
    return registration


def _registration(row: aiosqlite.Row) -> Registration:
    fields: dict[str, Any] = {c: row[c] for c in PERSONAL_COLUMNS if row[c] is not None}
    fields.update(json.loads(row["answers"] or "{}"))
    registered_at = from_db_time(row["registered_at"])
    assert registered_at is not None
    return Registration(row["id"], row["event_id"], row["person_id"], row["status"], row["seq"],
                        registered_at, fields, row["locale"])


def _event(row: aiosqlite.Row) -> EventRecord:
    starts_at = from_db_time(row["starts_at"])
    deadline = from_db_time(row["registration_deadline"])
    assert starts_at is not None and deadline is not None
    return EventRecord(
        id=row["id"], spec=json.loads(row["spec"]), starts_at=starts_at,
        ends_at=from_db_time(row["ends_at"]), timezone=row["timezone"],
        location=json.loads(row["location"]), registration_deadline=deadline,
        capacity=row["capacity"], reminders=json.loads(row["reminders"]), source=row["source"],
        revision=row["revision"], cancelled=row["status"] == "cancelled")


__all__ = ["SqliteEventsMixin"]
