"""What a new user or admin notices first: no button that does nothing, nothing said twice, a
command without its argument says how to use it."""

from __future__ import annotations

from bot.pipeline.core import Core
from tests.test_events_support import buttons_of, event, load, register, say, text_of

ADMIN = "99"  # console:99 is an admin in the core fixture


async def test_reminders_with_nothing_planned_offer_no_stop_button(core: Core) -> None:
    replies = await say(core, "/reminders")
    assert "No reminders are planned for you at the moment." in text_of(replies)
    assert buttons_of(replies) == []
    # with something planned, the button is there
    await load(core)
    await register(core, "1")
    replies = await say(core, "/reminders")
    assert "Reminders planned for you:" in text_of(replies)
    assert [label for label, _ in buttons_of(replies)] == ["Stop reminders"]


async def test_already_on_the_waiting_list_is_said_once(core: Core) -> None:
    await load(core, event(capacity=1))
    await register(core, "1")
    await register(core, "2")
    replies = await say(core, "/register forum", user="2")
    assert text_of(replies) == ("You are already on the waiting list for Civic tech forum: "
                                "number 1 in the queue.")
    assert [label for label, _ in buttons_of(replies)] == ["Cancel my registration"]


async def test_admin_commands_without_an_event_say_how_to_use_them(core: Core) -> None:
    await load(core)
    for command in ("registrations", "editevent", "cancelevent"):
        replies = await say(core, f"/{command}", user=ADMIN)
        assert text_of(replies) == (
            f"Which event? Send /{command} EVENT_ID, for example /{command} forum-2027. "
            "Send /events to see the events and their ids.")
        assert "There is no such event" in text_of(await say(core, f"/{command} nope",
                                                             user=ADMIN))
    assert "forum: 0 confirmed" in text_of(await say(core, "/registrations Forum", user=ADMIN))
