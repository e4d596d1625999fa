"""An event written by chat is a text of the language it was written in."""

from __future__ import annotations

from bot.pipeline.core import Core
from bot.qa.service import service_for
from tests.test_events_support import say, text_of

ADMIN = "99"  # console:99 is an admin in the core fixture


async def new_event(core: Core, title: str, description: str, location: str) -> str:
    steps = ["/newevent", title, description, "1", "2027-05-20 10:00", "16:00", location,
             "2027-05-18 16:00", "30", "Name and e-mail", "Publish"]
    for step in steps:
        replies = await say(core, step, user=ADMIN)
    return text_of(replies)


async def indexed_languages(core: Core) -> dict[str, str]:
    await service_for(core.store).sync_events(core.clock.now(), force=True)
    return {d.name: d.lang for d in await core.store.list_documents()}


async def test_a_slovenian_event_is_listed_as_slovenian(core: Core) -> None:
    saved = await new_event(core, "Delavnica", "Za društva.", "Ljubljana")
    assert "Saved delavnica-2027." in saved
    assert await indexed_languages(core) == {"event:delavnica-2027": "sl"}
    record = await core.store.get_event("delavnica-2027")
    assert record is not None and record.spec["title"] == {"sl": "Delavnica"}
    # everybody still sees it, in whatever language they read
    card = text_of(await say(core, "/events delavnica-2027", hint="pl"))
    assert "Delavnica" in card and "Gdzie: Ljubljana" in card and "Za društva." in card


async def test_serbian_latin_and_an_edit_keep_their_language(core: Core) -> None:
    await new_event(core, "Radionica o otvorenim podacima", "Radionica za udruženja građana.",
                    "Dom omladine, Beograd")
    (event_id,) = await indexed_languages(core)
    record = await core.store.get_event(event_id.removeprefix("event:"))
    assert record is not None and list(record.spec["title"]) == ["sr_Latn"]
    for step in (f"/editevent {record.id}", "Title", "Radionica o javnim podacima"):
        await say(core, step, user=ADMIN)
    record = await core.store.get_event(record.id)
    assert record is not None
    assert record.spec["title"] == {"sr_Latn": "Radionica o javnim podacima"}
