"""/events and the event card as readers in each language see them."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.clock import ManualClock
from bot.pipeline.core import Core
from tests.test_events_support import buttons_of, event, load, register, say, text_of


async def seats_shown(core: Core, free: int, locale: str) -> str:
    """The card's seats line when `free` seats are left (capacity 20)."""
    await load(core, event(capacity=20))
    for user in range(20 - free):
        await core.store.register(  # straight to storage: only the count matters here
            "forum", (await core.store.person_for_identity(
                "console", f"x{user}", None, core.clock.now())).id,
            {"name": "x"}, locale="en", consented=True, now=core.clock.now())
    card = text_of(await say(core, "/events forum", user="reader", hint=locale))
    return card.splitlines()[3]


@pytest.mark.parametrize(("locale", "free", "expected"), [
    ("en", 1, "1 seat left"), ("en", 5, "5 seats left"),
    ("sl", 1, "1 prosto mesto"), ("sl", 2, "2 prosti mesti"), ("sl", 3, "3 prosta mesta"),
    ("sl", 5, "5 prostih mest"),
    ("pl", 1, "Zostało 1 wolne miejsce"), ("pl", 3, "Zostały 3 wolne miejsca"),
    ("pl", 5, "Zostało 5 wolnych miejsc"),
    ("uk", 2, "Залишилося 2 вільні місця"), ("uk", 11, "Залишилося 11 вільних місць"),
    ("sr", 1, "Још 1 слободно место"), ("sr", 4, "Још 4 слободна места"),
])
async def test_seats_left_in_every_plural_form(core: Core, locale: str, free: int,
                                               expected: str) -> None:
    assert await seats_shown(core, free, locale) == expected


async def test_the_card_in_slovenian_in_the_events_time_zone(core: Core) -> None:
    await load(core)
    replies = await say(core, "/events forum", hint="sl")
    card = text_of(replies)
    assert card.splitlines()[:3] == [
        "Forum civilne tehnologije",
        "Kdaj: petek, 16. april 2027, 10:00 – 16:00",  # Ljubljana time, not UTC
        "Kje: Mestna hiša, Ljubljana",
    ]
    assert "Rok za prijavo: sreda, 14. april 2027, 17:00." in card
    assert "Dan o civilni tehnologiji." in card
    assert [label for label, _ in buttons_of(replies)] == ["Prijavi se", "Vsi dogodki"]


async def test_serbian_latin_readers_get_the_cyrillic_title_transliterated(core: Core) -> None:
    await load(core)
    card = text_of(await say(core, "/events forum", hint="sr-Latn"))
    assert card.startswith("Forum građanske tehnologije\nKada: petak, 16. april 2027.")
    assert not any("\u0400" <= c <= "\u04ff" for c in card)


async def test_the_list_shows_upcoming_events_only(core: Core, clock: ManualClock) -> None:
    await load(core, event(), event(id="later", title="Later meetup",
                                    starts_at="2027-06-01T18:00:00+02:00", ends_at=None,
                                    registration_deadline="2027-05-30"))
    replies = await say(core, "/events")
    assert text_of(replies).splitlines()[:3] == [
        "Upcoming events:", "• Civic tech forum — Apr 16, 2027", "• Later meetup — Jun 1, 2027"]
    assert [payload for _, payload in buttons_of(replies)] == ["ev:forum", "ev:later"]
    clock.set(clock.now() + timedelta(days=50))  # the forum is over; the meetup is closed soon
    clock.set(clock.now().replace(month=5, day=31))
    text = text_of(await say(core, "/events"))
    assert "Civic tech forum" not in text
    assert "Later meetup — Jun 1, 2027 (registration closed)" in text
    clock.set(clock.now() + timedelta(days=30))
    assert "There are no upcoming events at the moment" in text_of(await say(core, "/events"))


async def test_the_card_shows_the_readers_own_registration(core: Core) -> None:
    await load(core, event(capacity=1))
    await register(core, "1")
    mine = await say(core, "/events forum")
    assert "You are registered." in text_of(mine)
    assert [label for label, _ in buttons_of(mine)] == ["Cancel my registration", "All events"]
    theirs = await say(core, "/events forum", user="2")
    assert "Fully booked; you can join the waiting list." in text_of(theirs)
    assert buttons_of(theirs)[0] == ("Register", "reg:forum")
    in_a_group = text_of(await say(core, "/events forum", private=False))
    assert "You are registered" not in in_a_group


async def test_the_start_menu_leads_to_the_events(core: Core) -> None:
    await load(core)
    menu = await say(core, "/start")
    payloads = dict(buttons_of(menu))
    assert payloads.get("Events") == "events"
    assert "Upcoming events:" in text_of(await say(core, payload="events"))
    assert "Dogodki" in dict(buttons_of(await say(core, "/start", user="2", hint="sl")))
