"""An event as an iCalendar file (RFC 5545), attached to a confirmed registration.

The UID is stable per event, and SEQUENCE is the event's revision, so a calendar that imports a
later file (after the event moved) updates the entry instead of adding a second one. Times carry
the event's time zone (TZID plus its VTIMEZONE).
"""

from __future__ import annotations

from datetime import date, datetime
from functools import cache
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, Timezone

from bot.events.model import EventSpec
from bot.pipeline.types import Attachment

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
    first = event.starts_at.astimezone(zone).year
    last = (event.ends_at or event.starts_at).astimezone(zone).year
    calendar.add_component(vtimezone(event.timezone, first, last))
    calendar.add_component(entry)
    return calendar.to_ical()


@cache
def vtimezone(tzid: str, first_year: int, last_year: int) -> Timezone:
    """The zone's rules over the event's own years (a small file); building it costs a few
    milliseconds, so each zone is built once per process."""
    return Timezone.from_tzid(tzid, first_date=date(first_year, 1, 1),
                              last_date=date(last_year + 2, 1, 1))


def ics_attachment(event: EventSpec, locale: str, now: datetime) -> Attachment:
    return Attachment(f"{event.id}.ics", event_ics(event, locale, now), "text/calendar")
