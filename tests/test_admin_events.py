"""Event management by chat: the same validation and saving as a YAML import."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.pipeline.core import Core
from storage.base import Person
from tests.test_foundation_core import msg, text_of

ADMIN = "99"
EVENT_ID = "delavnica-o-odprtih-podatkih-2027"


async def admin_says(core: Core, *steps: str) -> str:
    replies = []
    for step in steps:
        if step.startswith("button:"):
            replies = await core.handle(msg(payload=step.removeprefix("button:"), user=ADMIN))
        else:
            replies = await core.handle(msg(step, user=ADMIN))
    return text_of(replies)


async def publish(core: Core, title: str = "Delavnica o odprtih podatkih") -> str:
    done = await admin_says(
        core,
        "/newevent",
        title,
        "Praktična delavnica za nevladne organizacije.",
        "button:f:newevent:tz:0",
        "2027-05-20 10:00",
        "button:f:newevent:noend",  # the end-time step (#19)
        "Ljubljana, Tivolska 30",
        "2027-05-18 16:00",
        "30",
        "button:f:newevent:fields:default",
        "button:f:newevent:publish",
    )
    return done


async def registers(core: Core, user: str, name: str = "Ana") -> Person:
    """A person with the given console id registers directly through the store."""
    person = await core.store.person_for_identity("console", user, user, core.clock.now())
    await core.store.register(
        EVENT_ID,
        person.id,
        {"name": name, "email": "ana@example.org"},
        locale="sl",
        consented=True,
        now=core.clock.now(),
    )
    return person


async def test_non_admins_cannot_manage_events(core: Core) -> None:
    for command in ("/newevent", "/editevent x", "/cancelevent x", "/registrations x"):
        assert "only the organisation's admins" in text_of(await core.handle(msg(command)))


async def test_newevent_publishes_an_event_like_an_import(core: Core) -> None:
    done = await publish(core)
    assert "Saved delavnica-o-odprtih-podatkih-2027." in done
    record = await core.store.get_event("delavnica-o-odprtih-podatkih-2027")
    assert record is not None and record.capacity == 30
    assert record.starts_at == datetime(2027, 5, 20, 8, 0, tzinfo=UTC)  # 10:00 CEST
    assert record.timezone == "Europe/Ljubljana"
    assert "Delavnica o odprtih podatkih" in text_of(await core.handle(msg("/events")))
    actions = [e.action for e in await core.store.audit_entries()]
    assert actions == ["event.create"]


async def test_bad_answers_are_asked_again(core: Core) -> None:
    await admin_says(core, "/newevent", "Title", "Description", "button:f:newevent:tz:1")
    again = await admin_says(core, "next Friday")
    assert "could not read that date" in again and "2027-05-20 10:00" in again
    assert "When does it end?" in await admin_says(core, "20.05.2027 10:00")
    assert "end must be after the start" in await admin_says(core, "09:00")
    assert "Where is it?" in await admin_says(core, "16:00")
    await admin_says(core, "Beograd")
    assert "How many seats" in await admin_says(core, "2027-05-18 16:00")
    assert "whole number" in await admin_says(core, "many")


async def test_edit_moves_the_event_and_registrants_are_told(core: Core) -> None:
    await publish(core)
    event_id = EVENT_ID
    await registers(core, "5")
    done = await admin_says(
        core, f"/editevent {event_id}", "button:f:editevent:starts_at", "2027-05-21 09:00"
    )
    assert "Registrants will be told of the change" in done
    record = await core.store.get_event(event_id)
    assert record is not None and record.starts_at == datetime(2027, 5, 21, 7, 0, tzinfo=UTC)
    changes = await core.store.event_changes(unannounced=True)
    assert [c.what for c in changes] == ["time"]


async def test_registrations_come_as_a_csv_file(core: Core) -> None:
    await publish(core)
    event_id = EVENT_ID
    await registers(core, "5", '=HYPERLINK("x")')
    [reply] = await core.handle(msg(f"/registrations {event_id}", user=ADMIN))
    assert "1 confirmed, 0 on the waiting list" in reply.text.plain
    assert reply.attachment is not None
    csv_text = reply.attachment.content.decode("utf-8-sig")
    assert csv_text.splitlines()[0].startswith("name,email,status,position,registered_at")
    assert "'=HYPERLINK" in csv_text  # Excel-safe
    assert "no such event" in text_of(await core.handle(msg("/registrations nope", user=ADMIN)))


async def test_cancelevent_tells_registrants(core: Core) -> None:
    await publish(core)
    event_id = EVENT_ID
    await registers(core, "5")
    done = await admin_says(core, f"/cancelevent {event_id}")
    assert "1 registrant will be told" in done
    assert "already cancelled" in await admin_says(core, f"/cancelevent {event_id}")
    assert (await core.store.outbox_counts()).get("pending", 0) >= 1


async def test_a_cancelled_event_is_no_longer_listed_and_promotes_nobody(core: Core) -> None:
    await publish(core)
    event_id = EVENT_ID
    await admin_says(core, f"/editevent {event_id}", "button:f:editevent:capacity", "1")
    people = [await registers(core, user) for user in ("5", "6")]
    await admin_says(core, f"/cancelevent {event_id}")
    assert "Delavnica o odprtih" not in text_of(await core.handle(msg("/events")))
    await core.store.cancel_registration(event_id, people[0].id, core.clock.now())
    waiting = await core.store.get_registration(event_id, people[1].id)
    assert waiting is not None and waiting.status == "waiting"  # nobody promoted into nothing
