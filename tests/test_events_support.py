"""Helpers shared by the events and registration tests (this module has no tests itself)."""

from __future__ import annotations

import copy
from datetime import datetime
from typing import Any

from bot.events import import_events, parse_events_yaml
from bot.pipeline.core import Core
from bot.pipeline.types import Incoming, Reply

# The lead's clock fixture starts at 2027-03-01 09:00 UTC; these events lie after it.
EVENT: dict[str, Any] = {
    "id": "forum",
    "title": {"en": "Civic tech forum", "sl": "Forum civilne tehnologije",
              "sr": "Форум грађанске технологије", "pl": "Forum technologii obywatelskich"},
    "description": {"en": "A day about civic tech.", "sl": "Dan o civilni tehnologiji."},
    "starts_at": "2027-04-16T10:00:00+02:00",
    "ends_at": "2027-04-16T16:00:00+02:00",
    "timezone": "Europe/Ljubljana",
    "location": {"en": "City Hall, Ljubljana", "sl": "Mestna hiša, Ljubljana"},
    "country": "SI",
    "registration_deadline": "2027-04-14T17:00:00+02:00",
    "capacity": 50,
    "fields": [
        "name",
        "email",
        {"id": "phone", "required": True},
        {"id": "organisation", "required": False},
        {"id": "track", "type": "choice", "label": {"en": "Which track?", "sl": "Kateri sklop?"},
         "options": [{"id": "data", "label": {"en": "Open data", "sl": "Odprti podatki"}},
                     {"id": "law", "label": {"en": "Law", "sl": "Pravo"}}]},
        {"id": "guests", "type": "number", "label": {"en": "How many guests?"}, "min": 0,
         "max": 3, "required": False},
    ],
    "consent": {"en": "We keep your data until the forum is over.",
                "sl": "Vaše podatke hranimo do konca foruma."},
    "reminders": {"deadline": ["P3D", "P1D"], "event": ["P1D", "PT2H"]},
}


def event(**changes: Any) -> dict[str, Any]:
    data = copy.deepcopy(EVENT)
    for key, value in changes.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    return data


async def load(core_or_store: Any, *events: dict[str, Any], now: datetime | None = None) -> Any:
    store = getattr(core_or_store, "store", core_or_store)
    clock_now = core_or_store.clock.now() if hasattr(core_or_store, "clock") else now
    specs = parse_events_yaml({"events": list(events or [event()])}, "test.yaml")
    return await import_events(store, specs, clock_now or datetime.fromisoformat(
        "2027-03-01T09:00:00+00:00"))


def msg(text: str = "", *, user: str = "1", payload: str | None = None, private: bool = True,
        hint: str | None = None) -> Incoming:
    return Incoming(platform="console", chat_id=user if private else "group-1", user_id=user,
                    text=text, payload=payload, language_hint=hint, is_private=private)


def text_of(replies: list[Reply]) -> str:
    return "\n".join(r.text.plain for r in replies)


def buttons_of(replies: list[Reply]) -> list[tuple[str, str]]:
    return [(b.label, b.payload) for r in replies for b in r.all_buttons]


async def say(core: Core, text: str = "", *, user: str = "1", payload: str | None = None,
              hint: str | None = None, private: bool = True) -> list[Reply]:
    return await core.handle(msg(text, user=user, payload=payload, hint=hint, private=private))


async def press(core: Core, label: str, replies: list[Reply], *, user: str = "1") -> list[Reply]:
    """Press the button with this label among the last replies' buttons."""
    for found, payload in buttons_of(replies):
        if found == label:
            return await say(core, payload=payload, user=user)
    raise AssertionError(f"no button {label!r} in {buttons_of(replies)}")


async def register(core: Core, user: str, *, event_id: str = "forum", name: str = "Ana Novak",
                   hint: str | None = None) -> list[Reply]:
    """A whole registration for the default EVENT's fields, in English."""
    replies = await say(core, f"/register {event_id}", user=user, hint=hint)
    for answer in (name, f"person{user}@example.org", "+386 41 123 456"):
        replies = await say(core, answer, user=user)
    replies = await press(core, "Skip", replies, user=user)  # organisation
    replies = await press(core, "Open data", replies, user=user)
    replies = await say(core, "2", user=user)  # guests
    replies = await press(core, "I agree", replies, user=user)
    return await press(core, "Confirm registration", replies, user=user)
