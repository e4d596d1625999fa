"""An event as an iCalendar file (RFC 5545), attached to a confirmed registration.

The UID is stable per event, and SEQUENCE is the event's revision, so a calendar that imports a
later file (after the event moved) updates the entry instead of adding a second one. Times carry
the event's time zone (TZID plus its VTIMEZONE).
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event

from bot.events.model import EventSpec
from bot.types import Attachment

PRODID = "-//civicbot//events//EN"
UID_DOMAIN = "events.civicbot"


def event_uid(event_id: str) -> str:
    return f"{event_id}@{UID_DOMAIN}"


def event_ics(event: EventSpec, locale: str, now: datetime) -> bytes:
    zone = ZoneInfo(event.timezone)
    entry = Event()
    entry.add("uid", event_uid(event.id))
    entry.add("dtstamp", now)
    entry.add("sequence", event.revision)
    entry.add("dtstart", event.starts_at.astimezone(zone))
    if event.ends_at is not None:
        entry.add("dtend", event.ends_at.astimezone(zone))
    entry.add("summary", event.title_for(locale))
    entry.add("description", event.description_for(locale))
    entry.add("location", event.location_for(locale))
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    calendar.add_component(entry)
    # The VTIMEZONE needs to cover only the event's own years (a smaller file).
    first = event.starts_at.astimezone(zone).date()
    last = (event.ends_at or event.starts_at).astimezone(zone).date()
    calendar.add_missing_timezones(date(first.year, 1, 1), date(last.year + 2, 1, 1))
    return calendar.to_ical()


def ics_attachment(event: EventSpec, locale: str, now: datetime) -> Attachment:
    return Attachment(f"{event.id}.ics", event_ics(event, locale, now), "text/calendar")
