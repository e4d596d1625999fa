"""When a reminder is due: days on the event's local calendar, hours on absolute time.

Clocks change on the last Sunday of March (28 March 2027) and of October (31 October 2027)
in both Belgrade and Warsaw.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.reminders import due_before, rules_for, split_offset
from storage.base import EventRecord


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


@pytest.mark.parametrize(("event", "offset", "zone", "due"), [
    # the day before, same wall time, although the night between was an hour shorter
    ("2027-03-28T10:00:00+02:00", "P1D", "Europe/Belgrade", "2027-03-27T10:00:00+01:00"),
    ("2027-03-29T09:00:00+02:00", "P2D", "Europe/Belgrade", "2027-03-27T09:00:00+01:00"),
    ("2027-03-29T09:00:00+02:00", "P1W", "Europe/Belgrade", "2027-03-22T09:00:00+01:00"),
    # autumn: the night was an hour longer
    ("2027-10-31T10:00:00+01:00", "P1D", "Europe/Warsaw", "2027-10-30T10:00:00+02:00"),
    ("2027-11-01T09:00:00+01:00", "P3D", "Europe/Warsaw", "2027-10-29T09:00:00+02:00"),
    # hours are real hours, also across the change
    ("2027-03-28T04:00:00+02:00", "PT2H", "Europe/Belgrade", "2027-03-28T01:00:00+01:00"),
    ("2027-10-31T02:30:00+01:00", "PT2H", "Europe/Warsaw", "2027-10-31T01:30:00+02:00"),
    ("2027-03-01T10:00:00+01:00", "PT45S", "Europe/Warsaw", "2027-03-01T09:59:15+01:00"),
    # days first on the calendar, then the hours: 09:00 the day before, minus two hours
    ("2027-03-29T09:00:00+02:00", "P1DT2H", "Europe/Belgrade", "2027-03-28T07:00:00+02:00"),
    # a wall time the clocks skip (02:30 on 28 March) reads an hour later on the wall
    ("2027-03-29T02:30:00+02:00", "P1D", "Europe/Belgrade", "2027-03-28T03:30:00+02:00"),
])
def test_due_time_keeps_the_local_wall_time_for_days(event: str, offset: str, zone: str,
                                                     due: str) -> None:
    assert due_before(at(event), offset, zone) == at(due)
    assert due_before(at(event), offset, zone).tzinfo == UTC


def test_offsets_split_into_calendar_days_and_clock_time() -> None:
    assert split_offset("P3D") == (3, split_offset("PT0S")[1])
    assert split_offset("p1w") == (7, split_offset("PT0S")[1])
    days, clock = split_offset("P1DT2H30M")
    assert days == 1 and clock.total_seconds() == 2.5 * 3600
    for bad in ("", "3D", "P", "PT", "P1Y", "yesterday"):
        with pytest.raises(ValueError):
            split_offset(bad)


def record(reminders: dict[str, list[str]]) -> EventRecord:
    return EventRecord(
        id="e", spec={}, starts_at=at("2027-03-29T09:00:00+02:00"), ends_at=None,
        timezone="Europe/Belgrade", location={}, capacity=None, reminders=reminders,
        registration_deadline=at("2027-03-26T16:00:00+01:00"))


def test_defaults_unless_the_event_says_otherwise() -> None:
    assert [(r.kind, r.ref) for r in rules_for(record({}))] == [
        ("deadline", "P3D"), ("deadline", "P1D"), ("event", "P1D"), ("event", "PT2H")]
    assert [(r.kind, r.ref) for r in rules_for(record({"deadline": ["PT45S"], "event": []}))] \
        == [("deadline", "PT45S")]
