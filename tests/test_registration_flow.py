"""The registration conversation through Core.handle, as a person experiences it."""

from __future__ import annotations

import json
from datetime import timedelta

import icalendar

from bot.clock import ManualClock
from bot.pipeline.core import Core
from bot.pipeline.types import Segment, Style, replies_from_json
from handlers.registration import send_pending_promotions
from tests.test_events_support import buttons_of, event, load, press, register, say, text_of


async def outbox_rows(core: Core) -> list[dict]:
    rows = await core.store.db.execute_fetchall(  # type: ignore[attr-defined]
        "SELECT kind, dedupe_key, person_id, body FROM outbox ORDER BY id"
    )
    return [dict(row) for row in rows]


async def test_a_whole_registration_with_a_retried_email(core: Core) -> None:
    await load(core)
    replies = await say(core, "/register forum")
    assert "I will ask you 6 questions" in text_of(replies)
    assert "(1/6) What is your full name?" in text_of(replies)
    replies = await say(core, "Ana Novak")
    assert "(2/6) What is your e-mail address?" in text_of(replies)

    replies = await say(core, "ana.novak(at)example.org")
    assert "An e-mail address needs an @" in text_of(replies)
    assert "(2/6) What is your e-mail address?" in text_of(replies)  # asked again
    replies = await say(core, "ana@example")
    assert "does not look like a valid e-mail address" in text_of(replies)
    replies = await say(core, "Ana@Example.org")
    assert "(3/6) What is your phone number?" in text_of(replies)
    assert "For example: +386 31 234 567" in text_of(replies)  # the event is in Slovenia

    replies = await say(core, "12")
    assert "not valid" in text_of(replies) or "does not look like" in text_of(replies)
    replies = await say(core, "041 123 456")  # national format: the event's country
    assert "(4/6) Which organisation" in text_of(replies) and "(optional)" in text_of(replies)
    replies = await press(core, "Skip", replies)
    assert "(5/6) Which track?" in text_of(replies)
    assert [label for label, _ in buttons_of(replies)] == ["Open data", "Law"]
    replies = await say(core, "law")  # typed instead of pressed
    replies = await say(core, "7")
    assert "at most 3" in text_of(replies)
    replies = await say(core, "2")
    assert "We keep your data until the forum is over." in text_of(replies)
    assert [label for label, _ in buttons_of(replies)] == ["I agree", "I do not agree"]
    replies = await press(core, "I agree", replies)

    summary = text_of(replies)
    assert "Please check your registration for Civic tech forum:" in summary
    for line in (
        "Name: Ana Novak",
        "E-mail: Ana@example.org",
        "Phone: +386 41 123 456",
        "Organisation: —",
        "Which track?: Law",
        "How many guests?: 2",
    ):
        assert line in summary
    assert buttons_of(replies)[0][0] == "Confirm registration"

    replies = await press(core, "Confirm registration", replies)
    assert "You are registered for Civic tech forum on Friday, April 16, 2027" in text_of(replies)
    attachment = replies[-1].attachment
    assert attachment is not None and attachment.mime_type == "text/calendar"
    calendar = icalendar.Calendar.from_ical(attachment.content)
    entry = calendar.walk("VEVENT")[0]
    assert str(entry["uid"]) == "forum@events.civicbot"
    assert entry.decoded("dtstart").isoformat() == "2027-04-16T10:00:00+02:00"
    assert entry["dtstart"].params["TZID"] == "Europe/Ljubljana"
    assert calendar.walk("VTIMEZONE")

    registrations = await core.store.event_registrations("forum")
    assert [(r.status, r.fields) for r in registrations] == [
        (
            "confirmed",
            {
                "name": "Ana Novak",
                "email": "Ana@example.org",
                "phone": "+38641123456",
                "track": "law",
                "guests": 2,
            },
        )
    ]
    assert await core.store.get_conversation(registrations[0].person_id) is None  # form closed


async def test_the_ics_uid_is_stable_and_the_sequence_follows_changes(core: Core) -> None:
    await load(core)
    first = (await register(core, "1"))[-1].attachment
    await load(core, event(starts_at="2027-04-16T11:00:00+02:00"))
    second = (await register(core, "2"))[-1].attachment
    assert first is not None and second is not None
    one = icalendar.Calendar.from_ical(first.content).walk("VEVENT")[0]
    two = icalendar.Calendar.from_ical(second.content).walk("VEVENT")[0]
    assert str(one["uid"]) == str(two["uid"])
    assert (one["sequence"], two["sequence"]) == (0, 1)


async def test_a_command_in_the_middle_keeps_the_form_and_cancel_leaves(core: Core) -> None:
    await load(core)
    await say(core, "/register forum")
    await say(core, "Ana")
    assert "Upcoming events" in text_of(await say(core, "/events"))
    assert "(3/6) What is your phone number?" in text_of(await say(core, "ana@example.org"))
    assert "Cancelled" in text_of(await say(core, "/cancel"))
    after_cancel = text_of(await say(core, "+386 41 123 456"))  # no longer a form answer
    assert "(4/6)" not in after_cancel and "Please check your registration" not in after_cancel
    person = await core.store.find_person("console", "1")
    assert person is not None and await core.store.get_conversation(person.id) is None
    assert await core.store.event_registrations("forum") == []


async def test_forged_buttons_in_the_form_change_nothing(core: Core) -> None:
    await load(core)
    await say(core, "/register forum")
    for forged in (
        "f:reg:o9",
        "f:reg:skip",
        "f:reg:yes",
        "f:reg:",
        "reg:",
        "reg:a:b",
        "reg:../../etc",
        "ev:NOPE",
        "unreg:forum:maybe",
    ):
        replies = await say(core, payload=forged)
        assert replies and "Traceback" not in text_of(replies)
    # still at the first question, nothing stored
    assert "(2/6)" in text_of(await say(core, "Ana"))
    assert await core.store.event_registrations("forum") == []


async def test_declining_consent_saves_nothing(core: Core) -> None:
    await load(core, event(fields=["name"]))
    replies = await say(core, "/register forum")
    replies = await say(core, "Ana")
    replies = await press(core, "I do not agree", replies)
    assert "Without your consent I cannot register you" in text_of(replies)
    assert await core.store.event_registrations("forum") == []


async def test_start_over_asks_everything_again(core: Core) -> None:
    await load(core, event(fields=["name"], consent=None))
    await say(core, "/register forum")
    replies = await say(core, "Ana")
    assert "Name: Ana" in text_of(replies)
    replies = await press(core, "Start over", replies)
    assert "(1/1) What is your full name?" in text_of(replies)
    replies = await press(core, "Confirm registration", await say(core, "Bojana"))
    assert "You are registered" in text_of(replies)
    assert (await core.store.event_registrations("forum"))[0].fields == {"name": "Bojana"}


async def test_already_registered_unknown_event_and_closed(core: Core, clock: ManualClock) -> None:
    await load(core)
    await register(core, "1")
    replies = await say(core, "/register forum")
    assert text_of(replies) == "You are already registered for Civic tech forum."  # once
    assert "I don't know that event" in text_of(await say(core, "/register nosuch"))
    assert "I don't know that event" in text_of(await say(core, "/register ../x"))

    await say(core, "/register forum", user="2")
    await say(core, "Bojan", user="2")
    clock.advance(timedelta(days=50))  # past the deadline, and the form timed out
    replies = await say(core, "/register forum", user="3")
    assert "registration for Civic tech forum closed on Wednesday, April 14, 2027" in text_of(
        replies
    )


async def test_the_deadline_is_checked_again_at_confirmation(
    core: Core, clock: ManualClock
) -> None:
    await load(
        core,
        event(fields=["name"], consent=None, registration_deadline="2027-03-01T10:00:00+01:00"),
    )
    await say(core, "/register forum")
    replies = await say(core, "Ana")
    clock.advance(timedelta(minutes=30))  # 09:30 UTC = 10:30 in Ljubljana: too late
    replies = await press(core, "Confirm registration", replies)
    assert "closed on" in text_of(replies)
    assert await core.store.event_registrations("forum") == []


async def test_waiting_list_then_promotion_through_the_outbox(core: Core) -> None:
    await load(core, event(capacity=1))
    assert "You are registered" in text_of(await register(core, "1"))
    replies = await register(core, "2", name="Bojan")
    assert (
        "fully booked, so I have put you on the waiting list: you are number 1 in the "
        "queue" in text_of(replies)
    )
    assert replies[-1].attachment is None
    assert "number 2 in the queue" in text_of(await register(core, "3"))
    card = text_of(await say(core, "/events forum", user="4"))
    assert "Fully booked; 2 people are on the waiting list." in card

    mine = await say(core, "/my")
    assert "Civic tech forum — Apr 16, 2027: You are registered." in text_of(mine)
    replies = await press(core, "Cancel: Civic tech forum", mine)
    assert "Cancel your registration for Civic tech forum?" in text_of(replies)
    assert [label for label, _ in buttons_of(replies)] == ["Yes, cancel it", "No, keep it"]
    replies = await press(core, "Yes, cancel it", replies)
    assert "Your registration for Civic tech forum is cancelled" in text_of(replies)

    statuses = {
        r.fields.get("name"): (r.status, r.position)
        for r in await core.store.event_registrations("forum")
    }
    assert statuses == {"Bojan": ("confirmed", None), "Ana Novak": ("waiting", 1)}
    rows = await outbox_rows(core)
    bojan = await core.store.find_person("console", "2")
    assert bojan is not None
    promoted = await core.store.get_registration("forum", bojan.id)
    assert promoted is not None
    assert [(r["kind"], r["dedupe_key"], r["person_id"]) for r in rows] == [
        ("promotion", f"promotion:{promoted.id}", bojan.id)
    ]
    notice = replies_from_json(json.loads(rows[0]["body"]))
    assert "a seat has freed up for Civic tech forum on Friday, April 16, 2027" in text_of(notice)
    assert notice[0].attachment is not None and notice[0].attachment.filename == "forum.ics"
    assert await core.store.pending_promotion_notices() == []
    assert "You are registered." in text_of(await say(core, "/my", user="2"))
    assert "You are on the waiting list: number 1" in text_of(await say(core, "/my", user="3"))


async def test_unregister_command_and_leaving_the_waiting_list(core: Core) -> None:
    await load(core, event(capacity=1))
    await register(core, "1")
    await register(core, "2")
    assert "You have left the waiting list" in text_of(
        await say(core, "/unregister forum", user="2")
    )
    assert "You are not registered for Civic tech forum" in text_of(
        await say(core, "/unregister forum", user="2")
    )
    assert await outbox_rows(core) == []  # nobody was promoted
    assert "You are not registered for any upcoming event" in text_of(
        await say(core, "/my", user="2")
    )
    # a cancelled person may register again, at the end of the queue
    assert "number 1 in the queue" in text_of(await register(core, "2"))


async def test_forgetme_releases_the_seat_and_the_next_person_is_told(core: Core) -> None:
    await load(core, event(capacity=1))
    await register(core, "1", name="Ana Secret")
    await register(core, "2", name="Bojan")
    replies = await say(core, "/forgetme")
    await press(core, "Yes, delete my data", replies)

    rows = await core.store.db.execute_fetchall(  # type: ignore[attr-defined]
        "SELECT * FROM registrations ORDER BY seq"
    )
    ana, bojan = (dict(row) for row in rows)
    assert ana["person_id"] is None and ana["status"] == "cancelled"
    assert ana["cancelled_reason"] == "forgotten"
    assert all(ana[c] is None for c in ("name", "email", "phone", "organisation", "answers"))
    assert bojan["status"] == "confirmed" and bojan["promotion_pending"] == 1
    dump = "\n".join(str(tuple(r)) for r in rows)
    assert "Ana Secret" not in dump and "person1@example.org" not in dump

    assert await send_pending_promotions(core) == 1
    assert [r["kind"] for r in await outbox_rows(core)] == ["promotion"]
    assert await send_pending_promotions(core) == 0  # once only
    record = await core.store.get_event("forum")
    assert record is not None and (record.confirmed, record.waiting) == (1, 0)


async def test_personal_forms_stay_out_of_groups(core: Core) -> None:
    await load(core)
    replies = await say(core, "/register forum", private=False)
    assert "private chat" in text_of(replies)
    replies = await say(core, payload="reg:forum", private=False)
    assert "private chat" in text_of(replies)
    assert "private chat" in text_of(await say(core, "/my", private=False))
    card = await say(core, "/events forum", private=False)
    assert "Civic tech forum" in text_of(card)
    assert await core.store.get_conversation(1) is None


async def test_user_text_is_a_segment_never_markup(core: Core) -> None:
    await load(core, event(fields=["name"], consent=None))
    await say(core, "/register forum")
    replies = await say(core, "<b>Ana</b> *bold* [x](http://evil)")
    segments = [s for r in replies for s in r.text.segments]
    assert Segment("<b>Ana</b> *bold* [x](http://evil)", Style.PLAIN) in segments


async def test_state_survives_a_new_core_on_the_same_database(core: Core) -> None:
    """What a restart does: a fresh Core, the same store; the next answer continues."""
    import handlers
    from bot.i18n.translator import Catalogs
    from bot.pipeline.router import Routes

    await load(core)
    await say(core, "/register forum")
    await say(core, "Ana")
    fresh = Core(
        core.config,
        core.store,
        Catalogs(core.config.locales_dir),
        core.clock,
        Routes(handlers.routers()),
    )
    assert "(3/6) What is your phone number?" in text_of(await say(fresh, "ana@example.org"))


async def test_an_idle_form_expires_with_a_message(core: Core, clock: ManualClock) -> None:
    await load(core)
    await say(core, "/register forum")
    await say(core, "Ana")
    clock.advance(timedelta(minutes=core.config.form_timeout_minutes + 1))
    replies = await say(core, "ana@example.org")
    assert "Your unfinished form expired after a long pause" in text_of(replies)
    assert "(3/6)" not in text_of(replies)
    assert await core.store.event_registrations("forum") == []
