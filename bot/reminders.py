"""Reminders: registration deadlines and events coming up, and notices when an event changes
or is cancelled. Planning, claiming and rendering; docs/ARCHITECTURE.md, "Reminders", says
which guarantee holds where.

- Planning: every reminder is a row of `reminders` (who, what, when due, state), derived from
  events, registrations and subscriptions (`plan_reminders`). Triggers mark what changed, so a
  pass re-plans only that; a moved event moves its unsent rows.
- Dispatching: a job claims due rows atomically, checks them again (opted out, unsubscribed,
  registered meanwhile, too late), renders them in the recipient's locale and hands them to the
  outbox with a deterministic dedupe key, marking them sent in the same transaction.
- Time: offsets are ISO 8601 durations before the moment. Weeks and days count on the event's
  local calendar (P1D before 09:00 is 09:00 the day before, whatever the clocks did overnight),
  hours, minutes and seconds on absolute time (PT2H is two real hours).
"""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from icalendar.prop import vDuration

from bot.events.formatting import LIST, REGISTER, SHOW, when
from bot.events.model import EventSpec, localized
from bot.i18n.translator import Translator
from bot.pipeline.router import payload
from bot.pipeline.types import Button, Reply, Rich, Segment, bold, fmt, join, replies_to_json
from storage.base import (
    DueReminder,
    EventCancellation,
    EventChange,
    EventRecord,
    ReminderDelivery,
    ReminderRule,
)

if TYPE_CHECKING:
    from bot.pipeline.context import Services

log = logging.getLogger(__name__)

DEFAULT_OFFSETS: dict[str, tuple[str, ...]] = {"deadline": ("P3D", "P1D"),
                                               "event": ("P1D", "PT2H")}
OUTBOX_KINDS = {"deadline": "deadline-reminder", "event": "event-reminder",
                "change": "event-change", "cancelled": "event-cancelled"}
TIMED = ("deadline", "event")
ACTIVE = ("confirmed", "waiting")
REMINDERS = "rem"  # button prefix: rem (the list), rem:off (stop), rem:on (resume)
TICK_SECONDS = 5  # how often the job plans, announces and dispatches
BATCH = 500  # reminders claimed at once
LEASE = timedelta(minutes=5)  # a claim older than this belongs to a dispatcher that died


# -- time ----------------------------------------------------------------------------------


def split_offset(offset: str) -> tuple[int, timedelta]:
    """'P1DT2H' -> (1, 2 hours): calendar days (weeks count 7) and the clock part."""
    text = offset.strip().upper()
    if not text.startswith("P") or text in ("P", "PT"):
        raise ValueError(f"not an ISO 8601 duration: {offset!r}")
    date_part, has_time, time_part = text.partition("T")
    days = vDuration.from_ical(date_part).days if date_part != "P" else 0
    clock = vDuration.from_ical("PT" + time_part) if has_time else timedelta(0)
    return days, clock


def due_before(moment: datetime, offset: str, timezone: str) -> datetime:
    """When a reminder `offset` before `moment` is due, in UTC.

    Days are taken off the local wall time and re-localised (aware arithmetic in Python keeps
    the wall time; zoneinfo gives the offset of the new day), then the clock part off absolute
    time. A wall time that does not exist (the hour the clocks skip) reads with the offset
    before the change, i.e. an hour later on the wall; a repeated one is its first occurrence.
    """
    days, clock = split_offset(offset)
    if days:  # (not for 0: that would lose the fold of a moment in a repeated hour)
        moment = moment.astimezone(ZoneInfo(timezone)) - timedelta(days=days)
    return moment.astimezone(UTC) - clock


def offsets_for(event: EventRecord, kind: str) -> list[str]:
    """The event's own offsets of a kind (an empty list: none), else the defaults."""
    chosen = event.reminders.get(kind)
    return list(dict.fromkeys(DEFAULT_OFFSETS[kind] if chosen is None else chosen))


def rules_for(event: EventRecord) -> list[ReminderRule]:
    rules = []
    for kind, moment in (("deadline", event.registration_deadline),
                         ("event", event.starts_at)):
        for offset in offsets_for(event, kind):
            try:
                rules.append(ReminderRule(kind, offset, moment,
                                          due_before(moment, offset, event.timezone)))
            except ValueError:
                log.warning("event %s: reminder offset %r ignored", event.id, offset)
    return rules


# -- the job -------------------------------------------------------------------------------


@dataclass
class Dispatched:
    sent: int = 0  # handed to the outbox
    skipped: int = 0
    moved: int = 0  # their event moved after they were planned: due again later


async def plan_reminders(core: Services, *, full: bool = False) -> int:
    """Re-derive reminder rows for what changed (everything upcoming with `full`)."""
    return await core.store.plan_reminders(core.clock.now(), rules_for, full=full)


async def announce_changes(core: Services) -> int:
    """Plan a notice to every registrant of an event whose time or place changed."""
    return await core.store.announce_event_changes(core.clock.now())


async def recover_reminders(core: Services, worker: str) -> int:
    """Claims left by an earlier run of this worker, or older than the lease: planned again."""
    recovered = await core.store.recover_reminders(worker, core.clock.now() - LEASE)
    if recovered:
        log.warning("%d reminders claimed by a dispatcher that stopped: planned again",
                    recovered)
    return recovered


async def dispatch_reminders(core: Services, worker: str, *, batch: int = BATCH) -> Dispatched:
    """Hand every due reminder to the outbox (or skip it, saying why); batch by batch."""
    result = Dispatched()
    renderer = Renderer(core)
    while True:
        now = core.clock.now()
        claimed = await core.store.claim_due_reminders(worker, now, batch)
        if not claimed:
            break
        plan = await decide(claimed, now, renderer)
        await core.store.settle_reminders(worker, now, sent=plan.sent, skipped=plan.skipped,
                                          moved=plan.moved, released=plan.released)
        if plan.sent:
            core.on_enqueue()  # delivery starts on this batch while we prepare the next
        result.sent += len(plan.sent)
        result.skipped += len(plan.skipped)
        result.moved += len(plan.released)
        if len(claimed) < batch:
            break
    if result.sent or result.skipped:
        log.info("reminders: %d handed to the outbox, %d skipped", result.sent, result.skipped)
    return result


async def run_reminders(core: Services, worker: str, *, full: bool = False) -> Dispatched:
    """One tick of the job: recover, plan, announce changes, dispatch what is due."""
    await recover_reminders(core, worker)
    await plan_reminders(core, full=full)
    await announce_changes(core)
    return await dispatch_reminders(core, worker)


class ReminderJob:
    """The periodic job; its first run re-plans everything (catching up after down time).
    After each run it asks `wake` to run it again when the next reminder is due, when that
    comes before the next tick (so reminders go out on the second)."""

    def __init__(self, core: Services, worker: str,
                 wake: Callable[[datetime], None] | None = None) -> None:
        self.core = core
        self.worker = worker
        self.wake = wake
        self.full = True

    async def __call__(self) -> Dispatched:
        result = await run_reminders(self.core, self.worker, full=self.full)
        self.full = False
        upcoming = await self.core.store.next_reminder_due()
        if upcoming is not None and self.wake is not None:
            self.wake(upcoming)
        return result


async def cancel_event(core: Services, event_id: str, actor: str) -> EventCancellation:
    """Cancel an event (status on its row), drop its reminders and tell everyone registered
    (confirmed and waiting) at once, each exactly once; recorded in the audit log.

    `result` is cancelled, already (nothing done), over (the event has ended; nothing done) or
    unknown-event. `actor` is who did it, as in the audit log (e.g. "telegram:1234")."""
    now = core.clock.now()
    outcome = await core.store.cancel_event(event_id, now)
    if outcome.result == "cancelled":
        await core.store.audit(actor, "cancel-event", event_id, now)
        log.info("event %s cancelled; %d registrants to tell", event_id, outcome.notified)
        await dispatch_reminders(core, f"{socket.gethostname()}:{os.getpid()}:cancel")
    return outcome


# -- deciding ------------------------------------------------------------------------------


@dataclass
class Settlement:
    sent: list[ReminderDelivery]
    skipped: list[tuple[int, str]]
    moved: list[tuple[int, datetime, datetime]]  # id, the new moment, the new due time
    released: list[int]  # moved to a later time: planned again


async def decide(claimed: list[DueReminder], now: datetime, renderer: Renderer) -> Settlement:
    settlement = Settlement([], [], [], [])
    ready: list[DueReminder] = []
    for claimed_row in claimed:
        row = follow_moved_event(claimed_row, now, settlement)
        if row is None:
            continue
        reason = skip_reason(row, now)
        if reason:
            settlement.skipped.append((row.id, reason))
        else:
            ready.append(row)
    for row, superseded in latest_only(ready):
        if superseded:
            settlement.skipped.append((row.id, "superseded"))
            continue
        delivery = await renderer.delivery(row)
        if delivery is None:
            settlement.skipped.append((row.id, "unknown event"))
        else:
            settlement.sent.append(delivery)
    return settlement


def follow_moved_event(row: DueReminder, now: datetime,
                       settlement: Settlement) -> DueReminder | None:
    """A timed reminder claimed after its event moved but before the planner saw it: its due
    time follows the event (None: due later, back to the planner)."""
    if row.kind not in TIMED:
        return row
    current = row.registration_deadline if row.kind == "deadline" else row.starts_at
    if row.moment == current:
        return row
    due = due_before(current, row.ref, row.timezone)
    settlement.moved.append((row.id, current, due))
    if due > now:
        settlement.released.append(row.id)
        return None
    return replace(row, moment=current, due_at=due)


def skip_reason(row: DueReminder, now: datetime) -> str | None:
    """Why this reminder must not go out now (checked again at claiming: things change)."""
    if row.kind != "cancelled" and row.event_status == "cancelled":
        return "event cancelled"
    if row.unreachable:
        return "unreachable"
    if row.platform is None or row.chat_id is None:
        return "no private chat"
    if row.kind in TIMED and row.reminders_off:
        return "reminders off"
    if row.kind == "deadline":
        if not row.subscribed:
            return "unsubscribed"
        if row.registration in ACTIVE:
            return "registered"
        return "too late" if now >= row.registration_deadline else None
    if row.kind == "event":
        if row.registration != "confirmed":
            return "not registered"
        return "too late" if now >= row.starts_at else None
    if row.kind == "change":
        if row.registration not in ACTIVE:
            return "not registered"
        return "too late" if now >= (row.ends_at or row.starts_at) else None
    return None


def latest_only(rows: list[DueReminder]) -> Iterable[tuple[DueReminder, bool]]:
    """(row, superseded): of several timed reminders due together for the same person and
    event (after down time: P3D and P1D), only the latest goes out."""
    latest: dict[tuple[str, str, int], DueReminder] = {}
    for row in rows:
        if row.kind in TIMED:
            key = (row.kind, row.event_id, row.person_id)
            if key not in latest or row.due_at > latest[key].due_at:
                latest[key] = row
    for row in rows:
        superseded = row.kind in TIMED and latest[(row.kind, row.event_id, row.person_id)] \
            is not row
        yield row, superseded


def dedupe_key(row: DueReminder) -> str:
    """Once per intended delivery: a timed reminder per offset *and* moment (an event that
    moves is reminded of again), a change notice per set of changes, a cancellation once."""
    key = f"reminder:{row.kind}:{row.event_id}:{row.person_id}"
    if row.kind in TIMED:
        return f"{key}:{row.ref}:{row.moment.astimezone(UTC):%Y%m%dT%H%M%SZ}"
    if row.kind == "change":
        return f"{key}:{row.ref}"
    return key


# -- rendering -----------------------------------------------------------------------------


class Renderer:
    """Renders each distinct message once per locale (a batch shares a few bodies)."""

    def __init__(self, core: Services) -> None:
        self.core = core
        self.events: dict[str, EventSpec | None] = {}
        self.bodies: dict[tuple[str, str, str, str], list[dict]] = {}

    async def event(self, event_id: str) -> EventSpec | None:
        if event_id not in self.events:
            record = await self.core.store.get_event(event_id)
            self.events[event_id] = None if record is None else EventSpec.from_record(record)
        return self.events[event_id]

    async def delivery(self, row: DueReminder) -> ReminderDelivery | None:
        assert row.platform is not None and row.chat_id is not None
        locale = row.locale or self.core.config.default_locale
        key = (row.kind, row.event_id, row.ref if row.kind == "change" else "", locale)
        if key not in self.bodies:
            event = await self.event(row.event_id)
            if event is None:
                return None
            replies = await self.render(row, event, self.core.translator(locale))
            self.bodies[key] = replies_to_json(replies)
        return ReminderDelivery(row.id, dedupe_key(row), OUTBOX_KINDS[row.kind], row.person_id,
                                row.platform, row.chat_id, self.bodies[key])

    async def render(self, row: DueReminder, event: EventSpec, t: Translator) -> list[Reply]:
        if row.kind == "deadline":
            return deadline_reminder(t, event)
        if row.kind == "event":
            return event_reminder(t, event)
        if row.kind == "change":
            ids = [int(i) for i in row.ref.split(",") if i.isdigit()]
            return change_notice(t, event, await self.core.store.event_changes_by_id(ids))
        return cancellation_notice(t, event)


def stop_button(t: Translator) -> Button:
    return Button(t.gettext("Stop reminders"), payload(REMINDERS, "off"))


def deadline_reminder(t: Translator, event: EventSpec) -> list[Reply]:
    text = join(
        fmt(t.gettext("Reminder: registration for {title} closes on {deadline}."),
            title=bold(event.title_for(t.locale)),
            deadline=bold(t.datetime(event.registration_deadline, event.timezone))),
        fmt(t.gettext("The event: {when}, {place}."), when=when(t, event),
            place=event.location_for(t.locale)),
        sep="\n")
    return [Reply.of(text, [[Button(t.gettext("Register now"), payload(REGISTER, event.id))],
                            [stop_button(t)]])]


def event_reminder(t: Translator, event: EventSpec) -> list[Reply]:
    text = join(
        fmt(t.gettext("Reminder: {title} begins on {start}."),
            title=bold(event.title_for(t.locale)),
            start=bold(t.datetime(event.starts_at, event.timezone))),
        fmt(t.gettext("Place: {place}"), place=event.location_for(t.locale)),
        t.gettext("If you cannot come, please cancel with /my, so that somebody else gets "
                  "your seat."),
        sep="\n")
    return [Reply.of(text, [[Button(t.gettext("About the event"), payload(SHOW, event.id))],
                            [stop_button(t)]])]


def change_notice(t: Translator, event: EventSpec, changes: list[EventChange]) -> list[Reply]:
    lines: list[Rich | Segment | str] = [
        fmt(t.gettext("{title}, which you registered for, has changed."),
            title=bold(event.title_for(t.locale)))]
    times = [c for c in changes if c.what == "time"]
    places = [c for c in changes if c.what == "place"]
    if times:
        old, new = span(t, event, times[0].old), span(t, event, times[-1].new)
        lines.append(fmt(t.gettext("New time: {new} (was: {old})"), new=bold(new), old=old))
    if places:
        old, new = localized(places[0].old, t.locale), localized(places[-1].new, t.locale)
        lines.append(fmt(t.gettext("New place: {new} (was: {old})"), new=bold(new), old=old))
    lines.append(t.gettext("If you can no longer come, please cancel with /my."))
    return [Reply.of(join(*lines, sep="\n"),
                     [[Button(t.gettext("About the event"), payload(SHOW, event.id))]])]


def span(t: Translator, event: EventSpec, value: dict[str, str | None]) -> str:
    """A recorded start/end ('time' change) as the event card shows times."""
    start = value.get("starts_at")
    end = value.get("ends_at")
    if start is None:
        return ""
    return when(t, replace(event, starts_at=datetime.fromisoformat(start),
                           ends_at=None if end is None else datetime.fromisoformat(end)))


def cancellation_notice(t: Translator, event: EventSpec) -> list[Reply]:
    text = fmt(t.gettext("We are sorry: {title} ({when}) has been cancelled. Your registration "
                         "no longer applies; you do not need to do anything."),
               title=bold(event.title_for(t.locale)), when=when(t, event))
    return [Reply.of(text, [[Button(t.gettext("Other events"), payload(LIST))]])]
