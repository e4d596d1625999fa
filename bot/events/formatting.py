"""How events and registrations look to a person, in their language.

Everything takes a `Translator` (not a Context) so that proactive notices rendered for the
outbox (`Core.notify(render=...)`) look exactly like replies. Dates are shown in the event's
time zone, in the reader's locale (babel). Texts from organisers and people are segment
content, never markup.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from babel.dates import format_time

from bot.events.ics import ics_attachment
from bot.events.model import EventSpec
from bot.i18n.translator import Translator, babel_locale
from bot.pipeline.router import payload
from bot.pipeline.types import Button, Reply, Rich, Segment, bold, fmt, join
from storage.base import EventRecord, Registration

# Button prefixes (handlers/events.py and handlers/registration.py register them).
SHOW = "ev"  # ev:<event>: the event's card
LIST = "events"  # the list of upcoming events
REGISTER = "reg"  # reg:<event>: start the registration form
UNREGISTER = "unreg"  # unreg:<event>[:yes|no]: cancel a registration (asks first)
MINE = "my"  # the person's registrations

MAX_LISTED = 20  # events in one list (buttons)
MAX_LABEL = 60  # characters of a title on a button


def when(t: Translator, event: EventSpec) -> str:
    """'Friday, 19 March 2027, 10:00 – 16:00' in the event's zone, in the reader's locale."""
    start = t.datetime(event.starts_at, event.timezone)
    if event.ends_at is None:
        return start
    zone = ZoneInfo(event.timezone)
    if event.ends_at.astimezone(zone).date() == event.starts_at.astimezone(zone).date():
        end = format_time(event.ends_at.astimezone(zone), "short", locale=babel_locale(t.locale))
        return f"{start} – {end}"
    return f"{start} – {t.datetime(event.ends_at, event.timezone)}"


def short_when(t: Translator, event: EventSpec) -> str:
    return t.date(event.starts_at, event.timezone, "medium")


def seats_line(t: Translator, record: EventRecord) -> str | None:
    left = record.seats_left
    if left is None:
        return None
    if left == 0:
        if record.waiting:
            return fmt(t.ngettext(
                "Fully booked; {n} person is on the waiting list.",
                "Fully booked; {n} people are on the waiting list.", record.waiting),
                n=t.number(record.waiting)).plain
        return t.gettext("Fully booked; you can join the waiting list.")
    return fmt(t.ngettext("{n} seat left", "{n} seats left", left), n=t.number(left)).plain


def is_open(event: EventSpec, now: datetime) -> bool:
    return not event.cancelled and now <= event.registration_deadline and now < event.starts_at


def status_line(t: Translator, registration: Registration) -> str:
    if registration.status == "confirmed":
        return t.gettext("You are registered.")
    return fmt(t.gettext("You are on the waiting list: number {position} in the queue."),
               position=t.number(registration.position or 0)).plain


def event_card(t: Translator, record: EventRecord, registration: Registration | None,
               now: datetime) -> Reply:
    event = EventSpec.from_record(record)
    lines: list[Rich | Segment | str] = [
        bold(event.title_for(t.locale)),
        fmt(t.gettext("When: {when}"), when=when(t, event)),
        fmt(t.gettext("Where: {place}"), place=event.location_for(t.locale)),
    ]
    seats = seats_line(t, record)
    if seats:
        lines.append(seats)
    if event.cancelled:
        lines.append(bold(t.gettext("This event is cancelled.")))
    elif is_open(event, now):
        lines.append(fmt(t.gettext("Registration is open until {deadline}."),
                         deadline=t.datetime(event.registration_deadline, event.timezone)))
    elif registration is None:
        lines.append(t.gettext("Registration is closed."))
    lines += ["", event.description_for(t.locale)]
    buttons: list[list[Button]] = []
    if registration is not None:
        lines += ["", bold(status_line(t, registration))]
        buttons.append([Button(t.gettext("Cancel my registration"),
                               payload(UNREGISTER, event.id))])
    elif is_open(event, now):
        buttons.append([Button(t.gettext("Register"), payload(REGISTER, event.id))])
    buttons.append([Button(t.gettext("All events"), payload(LIST))])
    return Reply.of(join(*lines, sep="\n"), buttons)


def events_list(t: Translator, records: list[EventRecord], now: datetime) -> Reply:
    if not records:
        return Reply.of(t.gettext("There are no upcoming events at the moment. Send /subscribe "
                                  "to hear about new ones."))
    lines: list[Rich | Segment | str] = [t.gettext("Upcoming events:")]
    buttons = []
    for record in records[:MAX_LISTED]:
        event = EventSpec.from_record(record)
        title = event.title_for(t.locale)
        note = "" if is_open(event, now) else " (" + (
            t.gettext("cancelled") if event.cancelled else t.gettext("registration closed")) + ")"
        lines.append(join("• ", bold(title), f" — {short_when(t, event)}{note}"))
        buttons.append([Button(_button_label(title), payload(SHOW, event.id))])
    lines.append(t.gettext("Choose an event to see the details and to register."))
    return Reply.of(join(*lines, sep="\n"), buttons)


def my_registrations(t: Translator, items: list[tuple[EventRecord, Registration]]) -> Reply:
    if not items:
        return Reply.of(t.gettext("You are not registered for any upcoming event. Send /events "
                                  "to see them."))
    lines: list[Rich | Segment | str] = [t.gettext("Your registrations:")]
    buttons = []
    for record, registration in items:
        event = EventSpec.from_record(record)
        title = event.title_for(t.locale)
        lines.append(join("• ", bold(title), f" — {short_when(t, event)}: ",
                          status_line(t, registration)))
        buttons.append([Button(fmt(t.gettext("Cancel: {title}"),
                                   title=_button_label(title, 40)).plain,
                               payload(UNREGISTER, event.id))])
    return Reply.of(join(*lines, sep="\n"), buttons)


def confirmed_text(t: Translator, event: EventSpec) -> Rich:
    return fmt(t.gettext("You are registered for {title} on {when}. The calendar file is "
                         "attached. To cancel, send /my."),
               title=bold(event.title_for(t.locale)), when=when(t, event))


def waiting_text(t: Translator, event: EventSpec, position: int) -> Rich:
    return fmt(t.gettext("{title} is fully booked, so I have put you on the waiting list: you "
                         "are number {position} in the queue. I will write to you as soon as a "
                         "seat frees up."),
               title=bold(event.title_for(t.locale)), position=bold(t.number(position)))


def promotion_notice(t: Translator, event: EventSpec, now: datetime) -> list[Reply]:
    text = fmt(t.gettext("Good news: a seat has freed up for {title} on {when}, and it is yours. "
                         "You are now registered; the calendar file is attached. If you cannot "
                         "come, please send /my and cancel, so that the next person gets "
                         "the seat."),
               title=bold(event.title_for(t.locale)), when=when(t, event))
    return [Reply.of(text, attachment=ics_attachment(event, t.locale, now))]


def _button_label(title: str, limit: int = MAX_LABEL) -> str:
    return title if len(title) <= limit else title[: limit - 1].rstrip() + "…"
