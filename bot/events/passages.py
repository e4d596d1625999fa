"""Event descriptions as passages, for question answering to index (bot.qa.service.sync_events).

Only the description, the organiser's prose: the facts (time, place, deadline, seats) are
answered from the event's structure (bot.events.questions), never as text extracts of its
fields, so no fact line is indexed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.events.model import ANY_LANGUAGE, EventSpec
from storage.base import Store


@dataclass(frozen=True)
class EventPassage:
    event_id: str
    lang: str  # a locale, or "*" for a text given in one language only
    heading: str  # the title
    text: str  # the description


async def event_passages(store: Store, *, ending_after: datetime | None = None
                         ) -> list[EventPassage]:
    """One passage per event and language it has a description in."""
    passages = []
    for record in await store.list_events(ending_after=ending_after):
        event = EventSpec.from_record(record)
        for lang in event.description:
            locale = lang if lang != ANY_LANGUAGE else "en"
            passages.append(EventPassage(event.id, lang, event.title_for(locale),
                                         event.description[lang]))
    return passages
