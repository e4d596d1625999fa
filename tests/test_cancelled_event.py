"""A cancelled event takes no registrations: its card says so, offers no Register button,
and /register refuses before it asks anything."""

from __future__ import annotations

from bot.pipeline.core import Core
from tests.test_events_support import buttons_of, load, say, text_of

ADMIN = "99"  # console:99 is an admin in the core fixture


async def test_a_cancelled_event_takes_no_registrations(core: Core) -> None:
    await load(core)
    await say(core, "/register forum", user="2")  # a form open when the event is cancelled
    assert "Cancelled forum" in text_of(await say(core, "/cancelevent forum", user=ADMIN))

    card = await say(core, "/events forum")
    assert "This event is cancelled." in text_of(card)
    assert "Registration is open" not in text_of(card)
    assert [label for label, _ in buttons_of(card)] == ["All events"]

    for replies in (await say(core, "/register forum"), await say(core, payload="reg:forum")):
        assert text_of(replies) == ("Sorry, Civic tech forum is cancelled: there is no "
                                    "registration for it. Nothing was saved.")
    replies = await say(core, "Ana Novak", user="2")  # the open form's next answer
    assert "is cancelled" in text_of(replies) and "(2/6)" not in text_of(replies)
    assert "There is nothing to cancel." in text_of(await say(core, "/cancel", user="2"))
    assert await core.store.event_registrations("forum") == []
