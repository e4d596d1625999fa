"""Retention: registrations of events long over lose their personal data; counts stay."""

from __future__ import annotations

from datetime import timedelta

from bot.clock import ManualClock
from bot.events.loader import import_events, parse_events_yaml
from bot.pipeline.core import Core
from handlers.privacy import apply_retention


def event(event_id: str, starts: str) -> dict:
    return {
        "id": event_id,
        "title": "Workshop",
        "description": "d",
        "starts_at": starts,
        "timezone": "Europe/Ljubljana",
        "location": "Ljubljana",
        "registration_deadline": starts,
        "fields": ["name", "email"],
    }


async def test_old_registrations_are_anonymised_recent_ones_kept(
    core: Core, clock: ManualClock
) -> None:
    specs = parse_events_yaml(
        {
            "events": [
                event("old", "2027-03-10T10:00:00+01:00"),
                event("new", "2027-09-10T10:00:00+01:00"),
            ]
        },
        "t.yaml",
    )
    await import_events(core.store, specs, clock.now())
    person = await core.store.person_for_identity("console", "1", "1", clock.now())
    for event_id in ("old", "new"):
        outcome = await core.store.register(
            event_id,
            person.id,
            {"name": "Ana Novak", "email": "ana@example.org"},
            locale="sl",
            consented=True,
            now=clock.now(),
        )
        assert outcome.result == "confirmed"
    clock.advance(timedelta(days=30))
    assert await apply_retention(core) == 0  # 180 days have not passed for either
    clock.set(clock.now() + timedelta(days=170))
    assert await apply_retention(core) == 1
    assert await apply_retention(core) == 0  # done once
    old = await core.store.event_registrations("old")
    new = await core.store.event_registrations("new")
    assert len(old) == 1 and old[0].status == "confirmed"  # the count stays
    assert old[0].person_id is None and not old[0].fields.get("email")
    assert new[0].fields["email"] == "ana@example.org"
