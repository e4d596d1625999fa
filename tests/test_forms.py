"""Forms as a new user meets them: an answer a step cannot take asks the same question again
with the same buttons; a typed number or label counts wherever a button does, except that a
typed number answers a question that asks for a number; nothing a person types crashes."""

from __future__ import annotations

import time
from pathlib import Path

from bot.pipeline.core import Core
from tests.conftest import run_cli
from tests.test_events_support import buttons_of, event, load, msg, press, say, text_of
from tests.test_registration_console import after, write_events

ADMIN = "99"  # console:99 is an admin in the core fixture


def chat(tmp_path: Path, user: str, *lines: str, **env: str):  # type: ignore[no-untyped-def]
    result = run_cli(["chat", "--user", user], tmp_path, "\n".join(lines) + "\n",
                     CIVICBOT_ADMINS="console:1", **env)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    return result


# -- asked again, with the same buttons ------------------------------------------------------


def test_free_text_instead_of_a_button_asks_again_with_the_buttons(tmp_path: Path) -> None:
    out = chat(tmp_path, "1", "/broadcast", "hello?", "1", "News").stdout
    again = after(out, "Please answer with one of the buttons, or send /cancel.")
    assert "[1] One text for everyone" in again and "[2] A text per language" in again
    # and the number works again
    assert "Send the text of the announcement." in after(again, "[2] A text per language")
    assert "Who should get it?" in out


async def test_every_form_asks_again_with_its_buttons(core: Core) -> None:
    await load(core)
    # /broadcast, at the choice of the audience
    for step in ("/broadcast", "One text for everyone", "News", "nobody in particular"):
        replies = await say(core, step, user=ADMIN)
    assert "Please answer with one of the buttons" in text_of(replies)
    assert [label for label, _ in buttons_of(replies)][:2] == ["All subscribers",
                                                               "Subscribers of one language"]
    # /forgetme
    await say(core, "/forgetme", user="5")
    replies = await say(core, "what?", user="5")
    assert [label for label, _ in buttons_of(replies)] == ["Yes, delete my data", "No, keep it"]
    # the registration's consent and summary
    await say(core, "/register forum", user="6")
    for answer in ("Ana Novak", "ana@example.org", "+386 41 123 456", "Skip", "Law", "Skip"):
        replies = await say(core, answer, user="6")
    replies = await say(core, "sure", user="6")
    assert "We keep your data until the forum is over." in text_of(replies)
    assert [label for label, _ in buttons_of(replies)] == ["I agree", "I do not agree"]
    replies = await say(core, "1", user="6")  # typed: the first button
    replies = await say(core, "looks fine", user="6")
    assert "Please check your registration" in text_of(replies)
    assert buttons_of(replies)[0][0] == "Confirm registration"
    # /editevent's first question
    await say(core, "/editevent forum", user=ADMIN)
    replies = await say(core, "the date", user=ADMIN)
    assert [label for label, _ in buttons_of(replies)][:2] == ["Title", "Start time"]


async def test_typed_labels_and_numbers_count_without_the_adapter(core: Core) -> None:
    """Telegram sends typed text as text: the core maps it to the form's buttons."""
    await load(core)
    await say(core, "/subscribe", user="7")
    replies = await say(core, "/broadcast", user=ADMIN)
    replies = await say(core, "one text for everyone", user=ADMIN)
    assert "Send the text of the announcement." in text_of(replies)
    await say(core, "News", user=ADMIN)
    replies = await say(core, "1", user=ADMIN)  # All subscribers
    assert "This goes to 1 person. Send it?" in text_of(replies)
    replies = await say(core, "Send", user=ADMIN)
    assert "Broadcast #1 is on its way to 1 person" in text_of(replies)


def test_an_event_id_typed_instead_of_its_button(tmp_path: Path) -> None:
    run_cli(["events", "import", str(write_events(tmp_path))], tmp_path)
    chat(tmp_path, "2", "/register forum", "Ana Novak", "ana@example.org", "+386 41 123 456",
         "Skip", "Law", "Skip", "I agree", "Confirm registration")
    out = chat(tmp_path, "1", "/broadcast", "1", "News", "Registrants of an event",
               "forum", "1").stdout
    assert "This goes to 1 person. Send it?" in out
    assert "Broadcast #1 is on its way to 1 person" in out


# -- the broadcast preview ---------------------------------------------------------------------


def test_the_previews_unsubscribe_button_is_a_picture_not_a_choice(tmp_path: Path) -> None:
    for user in ("1", "2"):
        chat(tmp_path, user, "/subscribe")
    out = chat(tmp_path, "1", "/broadcast", "1", "Delavnica v petek", "1", "1",
               "/subscribe").stdout
    preview = after(out, "Preview, exactly as recipients")
    assert "(under it, a button: [Unsubscribe])" in preview
    summary = after(preview, "This goes to 2 people. Send it?")
    assert summary.split("\n")[1:3] == ["[1] Send", "[2] Cancel"]
    assert "[3]" not in summary
    assert "Broadcast #1 is on its way to 2 people" in summary  # "1" sent it
    assert "You are already subscribed to announcements." in summary  # the admin still is

    # registrants: [1] Send [2] Cancel, and 2 cancels
    run_cli(["events", "import", str(write_events(tmp_path))], tmp_path)
    chat(tmp_path, "2", "/register forum", "Ana Novak", "ana@example.org", "+386 41 123 456",
         "Skip", "Law", "Skip", "I agree", "Confirm registration")
    out = chat(tmp_path, "1", "/broadcast", "1", "Room changed", "3", "1", "2").stdout
    summary = after(out, "This goes to 1 person. Send it?")
    assert summary.split("\n")[1:3] == ["[1] Send", "[2] Cancel"]
    assert "Cancelled. Nothing was sent." in summary


# -- typed numbers ------------------------------------------------------------------------------


def test_a_typed_number_answers_an_optional_number_question(tmp_path: Path) -> None:
    run_cli(["events", "import", str(write_events(tmp_path))], tmp_path)
    out = chat(tmp_path, "3", "/register forum", "Ana Novak", "ana@example.org",
               "+386 41 123 456", "Skip", "Law", "1", "I agree").stdout
    question = after(out, "(6/6) How many guests?")
    assert "[1] Skip" in question
    assert "How many guests?: 1" in after(question, "Please check your registration")


async def test_a_typed_number_is_the_answer_also_when_the_adapter_pressed_a_button(
    core: Core,
) -> None:
    """Matrix and the console send the typed text along with the button it names: `1`
    beside "1️⃣ Skip" answers 1; a tapped Skip (no text) still skips."""
    from bot.pipeline.types import Incoming

    def ana(text: str = "", payload: str | None = None) -> Incoming:
        return Incoming("matrix", "!dm:x", "@ana:x", text=text, payload=payload)

    await load(core)
    await core.handle(ana("/register forum"))
    for answer in ("Ana Novak", "ana@example.org", "+386 41 123 456", "Skip", "Law"):
        replies = await core.handle(ana(answer))
    assert "How many guests?" in text_of(replies)
    replies = await core.handle(ana("1", payload="f:reg:skip"))  # typed 1, matched to Skip
    replies = await core.handle(ana("I agree", payload="f:reg:yes"))
    assert "How many guests?: 1" in text_of(replies)

    await say(core, "/register forum", user="2")
    for answer in ("Bo Novak", "bo@example.org", "+386 41 123 456", "Skip", "Law"):
        await say(core, answer, user="2")
    replies = await say(core, payload="f:reg:skip", user="2")  # tapped
    replies = await press(core, "I agree", replies, user="2")
    assert "How many guests?: —" in text_of(replies)


async def test_a_typed_number_is_the_capacity_not_no_limit(core: Core) -> None:
    steps = ["/newevent", "Delavnica", "Opis.", "1", "2027-05-20 10:00", "16:00", "Ljubljana",
             "2027-05-18 16:00"]
    for step in steps:
        await say(core, step, user=ADMIN)
    # the console matched the typed 1 to "[1] No limit"; the core gets both
    replies = await core.handle(msg("1", user=ADMIN, payload="f:newevent:nolimit"))
    assert "Which details should registrants give?" in text_of(replies)
    await say(core, "Name and e-mail", user=ADMIN)
    replies = await say(core, "yes please", user=ADMIN)  # none of the review's buttons
    assert "Please answer with one of the buttons" in text_of(replies)
    assert [label for label, _ in buttons_of(replies)] == ["Publish", "Edit a field", "Discard"]
    replies = await say(core, "Publish", user=ADMIN)
    assert "Saved" in text_of(replies) and "1 seat left" in text_of(replies)


def test_a_5000_digit_line_is_text_and_the_chat_goes_on(tmp_path: Path) -> None:
    out = chat(tmp_path, "4", "/start", "1" * 5000, "²", "/language", "²", "/help").stdout
    assert "Choose your language:" in out
    assert "/language — Choose your language" in out  # /help answered at the end


# -- sizes and numbers -----------------------------------------------------------------------


def test_a_too_long_answer_is_refused_and_the_question_asked_again(tmp_path: Path) -> None:
    run_cli(["events", "import", str(write_events(tmp_path))], tmp_path)
    out = chat(tmp_path, "5", "/register forum", "x" * 100_000, "Ana Novak").stdout
    again = after(out, "That answer is too long for me. Please write a shorter one.")
    assert "(1/6) What is your full name?" in again
    assert "(2/6) What is your e-mail address?" in again


def test_a_huge_exponent_is_refused_at_once(tmp_path: Path) -> None:
    events = write_events(tmp_path, event(fields=[
        "name", {"id": "guests", "type": "number", "label": "How many guests?"}]))
    run_cli(["events", "import", str(events)], tmp_path)
    started = time.monotonic()
    out = chat(tmp_path, "6", "/register forum", "Ana Novak", "1e1000000", "1e10000000",
               "9" * 3000, "/help").stdout
    assert time.monotonic() - started < 30
    assert out.count("Please answer with a number, like 12.") == 2
    assert "That number is too long. Please write at most 15 digits." in out
    assert "/language — Choose your language" in out


async def test_a_huge_answer_never_holds_up_others(core: Core) -> None:
    import asyncio

    await load(core, event(fields=["name", {"id": "n", "type": "number", "label": "How many?"}]))
    await say(core, "/register forum")
    await say(core, "Ana")
    started = time.monotonic()
    answer, other = await asyncio.gather(say(core, "1e10000000"), say(core, "/help", user="2"))
    assert time.monotonic() - started < 5
    assert "Please answer with a number" in text_of(answer) and "/help" in text_of(other)


async def test_counts_are_whole_numbers_unless_decimals_are_allowed(core: Core) -> None:
    fields = ["name", {"id": "people", "type": "number", "label": "How many people will come?",
                       "min": 1, "max": 5},
              {"id": "km", "type": "number", "label": "How far do you travel (km)?",
               "integer": False}]
    await load(core, event(fields=fields, consent=None))
    await say(core, "/register forum")
    await say(core, "Ana")
    replies = await say(core, "2.5")
    assert "Please answer with a whole number, like 2." in text_of(replies)
    assert "(2/3) How many people will come?" in text_of(replies)
    replies = await say(core, "2")
    assert "(3/3) How far do you travel (km)?" in text_of(replies)
    replies = await say(core, "12,5")
    assert "How far do you travel (km)?: 12.5" in text_of(replies)
    await press(core, "Confirm registration", replies)
    (registration,) = await core.store.event_registrations("forum")
    assert registration.fields["people"] == 2 and registration.fields["km"] == 12.5


def test_integer_is_only_for_number_fields_and_a_boolean() -> None:
    import pytest

    from bot.events.loader import EventFileError, parse_events_yaml

    for field, why in (
        ({"id": "n", "type": "number", "label": "How many?", "integer": "yes"},
         "fields[2] (n).integer: expected true"),
        ({"id": "t", "label": "Why?", "integer": False}, "fields[2] (t).integer: only for type"),
    ):
        with pytest.raises(EventFileError) as error:
            parse_events_yaml({"events": [event(fields=["name", field])]}, "e.yaml")
        assert why in str(error.value)
