"""End to end: the real App with the real Telegram adapter, through python-telegram-bot's own
HTTP client, against the telegram-test-api emulator (tests/telegram_emulator), with a real
SQLite file. One emulator process serves the module; it is reset before each test."""

from __future__ import annotations

import asyncio
import itertools
import logging
import sys
import time
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from bot.adapters.telegram import Limits, TelegramAdapter
from bot.app import App
from bot.config import Config, load_config
from bot.content.importer import import_paths
from bot.pipeline.types import Attachment, Reply, bold, fmt, join
from tests.conftest import free_port, run_cli

sys.path.insert(0, str(Path(__file__).resolve().parent / "telegram_emulator"))
from harness import (
    BotMessage,
    TelegramEmulator,
    telegram_emulator,  # noqa: F401  (fixture)
    telegram_emulator_session,  # noqa: F401  (fixture)
)

pytestmark = pytest.mark.filterwarnings(
    "ignore:Deprecated since version v22.2:telegram.warnings.PTBDeprecationWarning"
)

ANA = 5101
GROUP = -100_555
# The production limits, except one message a second per chat: a simulated person answers in
# milliseconds, a real one does not. The broadcast test keeps all production limits.
QUICK = Limits(chat_interval=None)
PRIVATE_WORDS = "my secret question about the deadline"  # must never reach a log


@pytest.fixture
def emu(telegram_emulator: TelegramEmulator) -> TelegramEmulator:  # noqa: F811
    return telegram_emulator


@pytest.fixture(autouse=True)
def logs_keep_secrets(caplog: pytest.LogCaptureFixture, emu: TelegramEmulator):
    """Everything is logged at DEBUG; afterwards neither the token nor a text may be there."""
    caplog.set_level(logging.DEBUG)
    logging.getLogger("aiosqlite").setLevel(logging.WARNING)  # as the CLI does
    yield
    assert emu.token not in caplog.text
    assert emu.token.split(":")[1] not in caplog.text
    assert PRIVATE_WORDS not in caplog.text
    assert "<token>" not in caplog.text  # nothing even needed the redacting filter


def telegram_config(tmp_path: Path, emu: TelegramEmulator, **settings: str) -> Config:
    env = {
        "CIVICBOT_DATA_DIR": str(tmp_path),
        "CIVICBOT_TELEGRAM_TOKEN": emu.token,
        "CIVICBOT_TELEGRAM_API_URL": emu.api_base_url,
        "CIVICBOT_DELIVERY_INTERVAL_SECONDS": "0.2",
        "CIVICBOT_ORG_NAME": "Civic <Lab> & Co",
    }
    env.update({f"CIVICBOT_{k.upper()}": v for k, v in settings.items()})
    return load_config(env)


@dataclass
class Running:
    app: App
    adapter: TelegramAdapter
    emu: TelegramEmulator

    @property
    def core(self):
        return self.app.core

    async def say(
        self, user: int, text: str, *, chat: int | None = None, count: int = 1, **kw: object
    ) -> list[BotMessage]:
        """The person writes; returns the bot's next `count` messages in that chat."""
        chat = user if chat is None else chat
        after = await self.emu.last_message_id()
        await self.emu.send_text(user, chat, text, **kw)  # type: ignore[arg-type]
        return await self.emu.wait_for_bot_messages(chat, count, timeout=10, after=after)

    async def press(
        self, user: int, message: BotMessage | int, data: str, *, strict: bool = True
    ) -> tuple[str, list[BotMessage]]:
        after = await self.emu.last_message_id()
        query = await self.emu.press_button(user, user, message, data, strict=strict)
        return query, await self.emu.wait_for_bot_messages(user, 1, timeout=10, after=after)

    def t(self, locale: str):
        return self.core.translator(locale)


@asynccontextmanager
async def running(
    config: Config, emu: TelegramEmulator, *, limits: Limits = QUICK
) -> AsyncIterator[Running]:
    adapter = TelegramAdapter(config, poll_interval=0.02, limits=limits)
    app = await App.create(config, [adapter])
    task = asyncio.create_task(app.run())
    try:
        await asyncio.wait_for(adapter.receiving.wait(), 15)
        yield Running(app, adapter, emu)
    finally:
        await adapter.stop()
        await asyncio.wait_for(task, 30)
        await emu.aclose_client()


@pytest.fixture
async def bot(tmp_path: Path, emu: TelegramEmulator) -> AsyncIterator[Running]:
    async with running(telegram_config(tmp_path, emu), emu) as r:
        yield r


async def wait_for(condition, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not await condition():
        assert time.monotonic() < deadline, "condition not met in time"
        await asyncio.sleep(0.05)


# -- conversations ---------------------------------------------------------------------------


DOCUMENT = """# Open Data Forum 2027

The Open Data Forum takes place in Maribor, in the Old Power Station, on 12 May 2027.

Registration closes on 5 May 2027. Participation is free of charge.
"""


async def test_start_menu_a_question_answered_and_language(bot: Running, tmp_path: Path):
    (welcome,) = await bot.say(ANA, "/start", language_code="en")
    assert welcome.parse_mode == "HTML"
    assert welcome.text.startswith("Hello! I am Civic <Lab> & Co")  # escaped, shown as is
    assert {"type": "bold", "offset": 12, "length": 16} in welcome.entities
    assert {"lang", "sub:ask", "help"} <= set(welcome.callback_data)

    document = tmp_path / "open-data-forum.md"
    document.write_text(DOCUMENT, encoding="utf-8")
    await import_paths(bot.core.store, [document], datetime.now(UTC))
    (answer,) = await bot.say(ANA, "Where does the open data forum take place?")
    assert "takes place in Maribor" in answer.text
    title = answer.text.index("Open Data Forum 2027")
    assert {"type": "bold", "offset": title, "length": 20} in answer.entities
    (unknown,) = await bot.say(ANA, PRIVATE_WORDS, language_code="en")
    assert unknown.text  # "I don't know", and the text never reaches a log

    (changed,) = await bot.say(ANA, "/language sl", language_code="en")
    assert changed.text == bot.t("sl").gettext("From now on I will write to you in English.")
    (help_text,) = await bot.say(ANA, "/help", language_code="en")
    assert help_text.text.startswith(
        bot.t("sl").gettext("Ask me a question in your own words, or use a command:")
    )


async def test_language_hint_and_button_menu(bot: Running):
    (welcome,) = await bot.say(ANA, "/start", language_code="uk")
    assert welcome.button("lang")["text"] == bot.t("uk").gettext("Language")
    query, (choices,) = await bot.press(ANA, welcome, "lang")
    assert await bot.emu.callback_answer(query) is not None  # the spinner stopped
    query, (done,) = await bot.press(ANA, choices, "lang:sr_Latn")
    assert done.text == bot.t("sr_Latn").gettext("From now on I will write to you in English.")


async def test_forgetme_with_inline_buttons_and_forged_presses(bot: Running):
    t = bot.t("en")
    await bot.say(ANA, "/subscribe")
    (question,) = await bot.say(ANA, "/forgetme")
    assert question.callback_data == ["f:forgetme:yes", "f:forgetme:no"]
    _, (kept,) = await bot.press(ANA, question, "f:forgetme:no")
    assert kept.text == t.gettext("Nothing was deleted.")

    # The same button again, once the form is closed: polite, and nothing happens.
    _, (late,) = await bot.press(ANA, question, "f:forgetme:yes")
    assert late.text == t.gettext("That button belongs to a form that is no longer open.")
    # A payload the bot never issued.
    _, (odd,) = await bot.press(ANA, question, "admin:grant:1", strict=False)
    assert odd.text == t.gettext("That button is no longer valid. Send /start to begin again.")
    assert all(a["answered"] for a in await bot.emu.callback_answers())
    person = await bot.core.store.find_person("telegram", str(ANA))
    assert person is not None and person.subscribed

    (question,) = await bot.say(ANA, "/forgetme")
    _, (gone,) = await bot.press(ANA, question, "f:forgetme:yes")
    assert gone.text.startswith(t.gettext("Done. I have deleted your data.")[:20])
    assert await bot.core.store.find_person("telegram", str(ANA)) is None


async def settled(emu: TelegramEmulator, chat: int, after: int) -> list[BotMessage]:
    """The bot's messages after `after`, once it has stopped writing for a moment."""
    await emu.wait_for_bot_messages(chat, 1, timeout=10, after=after)
    seen = -1
    while True:
        messages = await emu.bot_messages(chat, after=after)
        if len(messages) == seen:
            return messages
        seen = len(messages)
        await asyncio.sleep(0.25)


async def test_a_whole_registration_with_inline_buttons(
    bot: Running, caplog: pytest.LogCaptureFixture
):
    from tests.test_events_support import event, load

    soon = datetime.now(UTC) + timedelta(days=30)
    await load(
        bot.core,
        event(
            starts_at=soon.isoformat(),
            ends_at=(soon + timedelta(hours=6)).isoformat(),
            registration_deadline=(soon - timedelta(days=2)).isoformat(),
        ),
    )
    emu = bot.emu

    async def write(text: str) -> list[BotMessage]:
        after = await emu.last_message_id()
        await emu.send_text(ANA, ANA, text, language_code="en")
        return await settled(emu, ANA, after)

    async def tap(
        messages: list[BotMessage], label: str, *, data: str | None = None
    ) -> list[BotMessage]:
        after = await emu.last_message_id()
        query = await emu.press_button(
            ANA,
            ANA,
            messages[-1],
            data or messages[-1].button(label)["callback_data"],
            strict=data is None,
        )
        replies = await settled(emu, ANA, after)
        assert await emu.callback_answer(query) is not None
        return replies

    shown = await tap(await write("/events"), "Civic tech forum")
    asked = await tap(shown, "Register")
    assert asked[-1].text == "(1/6) What is your full name?"
    for answer in ("Ana Novak", "ana.novak@example.org", "+386 41 123 456"):
        asked = await write(answer)
    asked = await tap(asked, "Skip")
    # A forged choice in the middle of the form: a polite answer, and the question stays.
    forged = await tap(asked, "", data="f:reg:o9")
    assert forged[-1].text.startswith("(5/6) Which track?")
    asked = await tap(asked, "Open data")
    asked = await write("2")
    summary = await tap(asked, "I agree")
    assert "Name: Ana Novak" in summary[-1].text
    (confirmed,) = await tap(summary, "Confirm registration")
    assert confirmed.caption.startswith("You are registered for Civic tech forum")
    calendar = await emu.download_file(confirmed.document["file_id"])
    assert b"UID:forum@events.civicbot" in calendar

    (again,) = await tap(summary, "Confirm registration")  # the old button, pressed twice
    assert again.text == bot.t("en").gettext(
        "That button belongs to a form that is no longer open."
    )
    registrations = await bot.core.store.event_registrations("forum")
    assert [r.status for r in registrations] == ["confirmed"]
    assert "ana.novak@example.org" not in caplog.text


# -- proactive messages ----------------------------------------------------------------------

ICS = b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n"


async def test_reminder_through_the_outbox_with_a_calendar_file(bot: Running):
    await bot.say(ANA, "/start", language_code="sl")
    person = await bot.core.store.find_person("telegram", str(ANA))
    assert person is not None
    after = await bot.emu.last_message_id()

    def render(t) -> list[Reply]:
        return [
            Reply.of(fmt("Reminder: {event} starts tomorrow.", event=bold("Forum <2027>"))),
            Reply.of(
                "Add it to your calendar:", attachment=Attachment("forum.ics", ICS, "text/calendar")
            ),
        ]

    assert await bot.core.notify(person.id, render, kind="reminder", dedupe_key="r:1")
    text, document = await bot.emu.wait_for_bot_messages(ANA, 2, timeout=10, after=after)
    assert text.text == "Reminder: Forum <2027> starts tomorrow."
    assert document.caption == "Add it to your calendar:"
    assert document.document["file_name"] == "forum.ics"
    assert await bot.emu.download_file(document.document["file_id"]) == ICS
    await wait_for(lambda: _counts(bot, None, {"sent": 1}))


async def _counts(bot: Running, batch: str | None, expected: dict[str, int]) -> bool:
    return await bot.core.store.outbox_counts(batch) == expected


async def test_long_message_is_split_on_paragraphs(bot: Running):
    await bot.say(ANA, "/start")
    person = await bot.core.store.find_person("telegram", str(ANA))
    assert person is not None
    lorem = ("Lorem ipsum dolor sit amet. " * 50).strip()
    paragraphs = [join(bold(f"Section {i} <&>"), "\n", lorem) for i in range(8)]
    long_text = join(*paragraphs, sep="\n\n")
    assert len(long_text) > 2 * 4096
    after = await bot.emu.last_message_id()
    await bot.core.notify(
        person.id, lambda t: [Reply.of(long_text)], kind="reminder", dedupe_key="long:1"
    )
    messages = await bot.emu.wait_for_bot_messages(ANA, 4, timeout=10, after=after)
    assert len(messages) == 4  # sections of ~1,400 characters: two fit in a message
    assert all(len(m.text) <= 4096 and m.text.startswith("Section") for m in messages)
    assert "\n\n".join(m.text for m in messages) == long_text.plain


async def test_broadcast_keeps_the_limits_survives_429_and_marks_a_blocked_person(
    tmp_path: Path, emu: TelegramEmulator
):
    people = [7000 + i for i in range(50)]
    flooded, blocked = people[10], people[20]
    await emu.set_rate_limit(per_chat_per_second=1, global_per_second=30)
    async with running(telegram_config(tmp_path, emu), emu, limits=Limits()) as bot:
        for user in people:
            await emu.send_text(user, user, "/subscribe", language_code="en")
        for user in people:
            await emu.wait_for_bot_messages(user, 1, timeout=20)
        ids = {u: (await bot.core.store.find_person("telegram", str(u))).id for u in people}
        await emu.inject_fault("sendMessage", 429, chat_id=flooded, retry_after=1)
        await emu.block_bot(blocked, emit_update=False)  # learnt only from a 403

        async def broadcast(batch: str) -> int:
            queued = 0
            for user in people:
                queued += await bot.core.notify(
                    ids[user],
                    lambda t: [Reply.of(f"News {batch}")],
                    kind="broadcast",
                    dedupe_key=f"{batch}:{ids[user]}",
                    batch=batch,
                )
            return queued

        assert await broadcast("one") == 50
        await wait_for(lambda: _counts(bot, "one", {"sent": 49, "failed": 1}), timeout=30)
        assert (await bot.core.store.get_person(ids[blocked])).unreachable
        assert await broadcast("two") == 49  # the unreachable person is left out
        await wait_for(lambda: _counts(bot, "two", {"sent": 49}), timeout=30)

    messages = await emu.bot_messages()
    copies = Counter((m.chat_id, m.text) for m in messages if m.text.startswith("News"))
    for user in people:
        expected = 0 if user == blocked else 1
        assert copies[(user, "News one")] == expected and copies[(user, "News two")] == expected
    calls = await emu.calls("sendMessage", brief=True)
    assert [c["fault"] for c in calls if c["chat_id"] == flooded].count("429") == 1
    assert not [c for c in calls if c["fault"] == "flood"]  # our pace kept Telegram's limits
    for user in people:
        times = [c["ts"] for c in calls if c["chat_id"] == user]
        assert all(b - a >= 1.0 for a, b in itertools.pairwise(times))
    assert [c["status"] for c in calls if c["chat_id"] == blocked] == [200, 403]


async def test_blocking_the_bot_marks_the_person_until_they_write_again(bot: Running):
    await bot.say(ANA, "/start")
    person = await bot.core.store.find_person("telegram", str(ANA))
    assert person is not None
    await bot.emu.block_bot(ANA)

    async def unreachable() -> bool:
        return (await bot.core.store.get_person(person.id)).unreachable

    await wait_for(unreachable)
    assert not await bot.core.notify(
        person.id, lambda t: [Reply.of("x")], kind="broadcast", dedupe_key="b:x"
    )
    await bot.emu.block_bot(ANA, blocked=False, emit_update=False)
    await bot.say(ANA, "/help")
    assert not await unreachable()

    # Blocked without the update reaching us: the 403 of a direct reply marks them.
    await bot.emu.block_bot(ANA, emit_update=False)
    await bot.emu.send_text(ANA, ANA, "/help")
    await wait_for(unreachable)
    statuses = [c["status"] for c in await bot.emu.calls("sendMessage", ANA, brief=True)]
    assert statuses[-1] == 403 and statuses.count(403) == 1  # a 403 is not retried


# -- groups ----------------------------------------------------------------------------------


async def test_group_answers_mentions_commands_and_replies_and_ignores_chatter(bot: Running):
    emu, name = bot.emu, bot.emu.bot_username
    group = {"chat": GROUP, "chat_type": "group"}
    await emu.send_text(ANA, GROUP, "hello everyone, lunch?", chat_type="group")
    await emu.send_text(ANA, GROUP, "/help@SomeOtherBot", chat_type="group")
    sent = await emu.send_text(ANA, GROUP, f"@{name} /nonsense", chat_type="group")
    # Updates of one chat are handled in order: by this reply the chatter was ignored.
    messages = await emu.wait_for_bot_messages(GROUP, 1, timeout=10)
    assert len(messages) == 1
    assert messages[0].reply_to_message_id == sent["message_id"]

    (answer,) = await bot.say(ANA, "/help", **group)
    (again,) = await bot.say(ANA, "and in English?", reply_to=answer.message_id, **group)
    assert again.text
    (invite,) = await bot.say(ANA, f"/forgetme@{name}", **group)
    link = [e for e in invite.entities if e["type"] == "text_link"]
    assert link and link[0]["url"] == f"https://t.me/{name}?start=forgetme"
    assert invite.text.endswith(bot.t("en").gettext("Open a private chat with me"))
    (invite_sl,) = await bot.say(5102, "/forgetme", language_code="sl", **group)
    assert invite_sl.text.endswith("Odprite zasebni klepet z mano")
    person = await bot.core.store.find_person("telegram", str(ANA))
    assert person is not None and await bot.core.store.get_conversation(person.id) is None
    await asyncio.sleep(0.3)
    assert len(await emu.bot_messages(GROUP)) == 5

    (welcome,) = await bot.say(ANA, "/start forgetme")  # the deep link, in private
    assert {"lang", "sub:ask", "help"} <= set(welcome.callback_data)


# -- the command list --------------------------------------------------------------------------


async def test_commands_are_published_per_language(tmp_path: Path, emu: TelegramEmulator):
    async with running(telegram_config(tmp_path, emu, default_locale="sl"), emu) as bot:
        listed = bot.core.routes.listed_commands(admin=False)

        def expected(locale: str) -> list[dict]:
            t = bot.t(locale)
            return [{"command": c.name, "description": t.gettext(c.description)} for c in listed]

        assert await emu.commands("") == expected("sl")  # the default: the default locale
        for code, locale in [
            ("en", "en"),
            ("sl", "sl"),
            ("sr", "sr"),
            ("pl", "pl"),
            ("uk", "uk"),
            ("hr", "sr_Latn"),
            ("bs", "sr_Latn"),
        ]:
            assert await emu.commands(code) == expected(locale), code
        assert await emu.commands("sr") != await emu.commands("hr")  # Cyrillic vs Latin
        admin_only = {c.name for c in bot.core.routes.commands.values() if c.admin}
        published = {c["command"] for c in await emu.commands("en")}
        assert not published & admin_only


# -- webhook ---------------------------------------------------------------------------------


async def test_webhook_mode_checks_the_secret(tmp_path: Path, emu: TelegramEmulator):
    port = free_port()
    url = f"http://127.0.0.1:{port}/telegram/hook"
    config = telegram_config(
        tmp_path,
        emu,
        telegram_webhook_url=url,
        telegram_webhook_listen=f"127.0.0.1:{port}",
        telegram_webhook_secret="civic-Secret_1",
    )
    async with running(config, emu) as bot:
        info = await emu.webhook_info()
        assert info["url"] == url and info["secret_token_set"]
        (welcome,) = await bot.say(ANA, "/start")
        assert {"lang", "sub:ask", "help"} <= set(welcome.callback_data)

        async with httpx.AsyncClient(trust_env=False) as client:
            refused = await client.post(
                url, json={"update_id": 1}, headers={"X-Telegram-Bot-Api-Secret-Token": "guess"}
            )
            assert refused.status_code == 403
        # Telegram with a wrong secret is refused and keeps the update; with the right one
        # it is delivered: nothing is lost.
        await emu.set_webhook(url, secret_token="wrong", retry_ms=200)
        sent = await emu.send_text(ANA, ANA, "/help")
        assert sent["webhook"]["status"] == 403
        assert await emu.pending_updates()
        await emu.set_webhook(url, secret_token="civic-Secret_1", retry_ms=200)
        answer = (await emu.wait_for_bot_messages(ANA, 2, timeout=10))[1]
        assert answer.text.startswith("Ask me a question")


# -- failures ----------------------------------------------------------------------------------


async def test_network_loss_and_server_errors_lose_nothing(bot: Running):
    await bot.emu.inject_fault("getUpdates", "disconnect", times=1)
    await bot.emu.inject_fault("sendMessage", 502, times=1)
    await bot.emu.inject_fault("sendMessage", "disconnect", times=1)
    (answer,) = await bot.say(ANA, "/help")
    assert answer.text.startswith("Ask me a question")
    statuses = [c["fault"] for c in await bot.emu.calls("sendMessage", brief=True)]
    assert statuses == ["502", "disconnect", None]
    assert len(await bot.emu.bot_messages(ANA)) == 1


async def test_flood_control_on_a_reply_waits_and_sends_once(bot: Running):
    await bot.emu.inject_fault("sendMessage", 429, chat_id=ANA, retry_after=1)
    began = time.monotonic()
    (answer,) = await bot.say(ANA, "/help")
    assert time.monotonic() - began >= 1.0 and answer.text.startswith("Ask me a question")
    faults = [c["fault"] for c in await bot.emu.calls("sendMessage", ANA, brief=True)]
    assert faults == ["429", None]


async def test_the_outbox_retries_a_server_error_later_and_sends_once(bot: Running):
    await bot.say(ANA, "/start")
    person = await bot.core.store.find_person("telegram", str(ANA))
    assert person is not None
    await bot.emu.inject_fault("sendMessage", 500, chat_id=ANA)
    await bot.core.notify(
        person.id, lambda t: [Reply.of("Reminder")], kind="reminder", dedupe_key="retry:1"
    )
    await wait_for(lambda: _counts(bot, None, {"sent": 1}), timeout=15)
    faults = [c["fault"] for c in await bot.emu.calls("sendMessage", ANA, brief=True)]
    assert faults == [None, "500", None]  # the welcome, the failure, the retry


async def test_telegram_unreachable_at_start_is_waited_for(
    tmp_path: Path, emu: TelegramEmulator, caplog: pytest.LogCaptureFixture
):
    await emu.inject_fault("getMe", 502)
    async with running(telegram_config(tmp_path, emu), emu) as bot:
        (welcome,) = await bot.say(ANA, "/start")
        assert welcome.text
    assert "cannot reach the Bot API" in caplog.text

    # Stopped while still waiting for Telegram: ends quietly.
    nowhere = telegram_config(tmp_path, emu, telegram_api_url=f"http://127.0.0.1:{free_port()}/bot")
    adapter = TelegramAdapter(nowhere, poll_interval=0.02)
    app = await App.create(nowhere, [adapter])
    task = asyncio.create_task(app.run())
    await asyncio.sleep(0.5)
    await adapter.stop()
    await asyncio.wait_for(task, 10)
    assert not adapter.receiving.is_set()


def test_bad_tokens_end_with_one_line(tmp_path: Path, emu: TelegramEmulator):
    malformed = run_cli(["run"], tmp_path, CIVICBOT_TELEGRAM_TOKEN="not-a-token")
    assert malformed.returncode != 0
    assert malformed.stderr.strip().count("\n") == 0 and "Traceback" not in malformed.stderr
    assert "not-a-token" not in malformed.stderr

    rejected_token = "123456789:AAFakeFakeFakeFakeFakeFakeFakeFake1"
    emu.run(emu.inject_fault("*", 401, times=-1, token=rejected_token, description="Unauthorized"))
    rejected = run_cli(
        ["run"],
        tmp_path,
        timeout=60,
        CIVICBOT_TELEGRAM_TOKEN=rejected_token,
        CIVICBOT_TELEGRAM_API_URL=emu.api_base_url,
    )
    assert rejected.returncode == 1, rejected.stderr
    lines = rejected.stderr.strip().splitlines()
    assert lines[-1].startswith("civicbot: Telegram refused CIVICBOT_TELEGRAM_TOKEN")
    assert len([ln for ln in lines if "civicbot:" in ln]) == 1, rejected.stderr
    assert "Traceback" not in rejected.stderr
    assert rejected_token not in rejected.stderr + rejected.stdout
    assert rejected_token.split(":")[1] not in rejected.stderr + rejected.stdout
