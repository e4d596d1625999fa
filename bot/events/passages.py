"""Event descriptions as passages, for question answering to index ("when is the OGP
conference?"). Nothing calls this yet: the QA capability indexes it when it is ready."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.events.model import ANY_LANGUAGE, EventSpec
from storage.base import Store


@dataclass(frozen=True)
class EventPassage:
    event_id: str
    lang: str  # a locale, or "*" for a text given in one language only
    heading: str  # the title
    text: str  # description, place, start and deadline (ISO, in the event's zone)


async def event_passages(store: Store, *, ending_after: datetime | None = None
                         ) -> list[EventPassage]:
    """One passage per event and language it has a description in."""
    passages = []
    for record in await store.list_events(ending_after=ending_after):
        event = EventSpec.from_record(record)
        for lang in event.description:
            locale = lang if lang != ANY_LANGUAGE else "en"
            facts = [
                event.description[lang],
                event.location_for(locale),
                f"{_local(event.starts_at, event)} ({event.timezone})",
                f"registration_deadline: {_local(event.registration_deadline, event)}",
                f"/register {event.id}",
            ]
            passages.append(EventPassage(event.id, lang, event.title_for(locale),
                                         "\n".join(facts)))
    return passages


def _local(moment: datetime, event: EventSpec) -> str:
    return moment.astimezone(ZoneInfo(event.timezone)).isoformat(timespec="minutes")
