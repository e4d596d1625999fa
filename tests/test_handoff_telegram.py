"""Ask the team end to end on Telegram: the real App and adapter against the emulator, a
citizen's private chat and a staff supergroup (replies with reply_to_message), a real SQLite
file, and a restart of the bot between every step: nothing is lost and nothing comes twice."""

from __future__ import annotations

import asyncio
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.config import Config
from bot.content.importer import import_paths
from storage import open_store
from tests.test_qa_cli import CONFERENCE
from tests.test_telegram_adapter import running, telegram_config, wait_for

sys.path.insert(0, str(Path(__file__).resolve().parent / "telegram_emulator"))
from harness import (
    TelegramEmulator,
    telegram_emulator,  # noqa: F401  (fixture)
    telegram_emulator_session,  # noqa: F401  (fixture)
)

pytestmark = pytest.mark.filterwarnings(
    "ignore:Deprecated since version v22.2:telegram.warnings.PTBDeprecationWarning"
)

ANA, BORIS, MOJCA = 5201, 5202, 7301
STAFF = -100_777
QUESTION = "Kje lahko podaljšam osebno izkaznico?"
ANSWER = "Na upravni enoti, vsak delavnik od 8. do 15. ure."
SUPERGROUP = {"chat_type": "supergroup", "chat_title": "Ekipa"}


@pytest.fixture
def emu(telegram_emulator: TelegramEmulator) -> TelegramEmulator:  # noqa: F811
    return telegram_emulator


async def with_content(config: Config) -> None:
    path = config.data_dir / "poziv.md"
    path.write_text(CONFERENCE, encoding="utf-8")
    store = await open_store(config.database)
    try:
        await import_paths(store, [path], datetime.now(UTC))
    finally:
        await store.close()


async def messages_with(emu: TelegramEmulator, chat: int, text: str) -> list:
    return [m for m in await emu.bot_messages(chat) if text in (m.text or "")]


async def test_question_to_the_team_and_back_with_restarts(tmp_path: Path, emu: TelegramEmulator):
    config = telegram_config(tmp_path, emu, staff_chat=f"telegram:{STAFF}")
    await with_content(config)

    async with running(config, emu) as bot:
        # The bot is in the staff supergroup; nothing is open yet.
        (empty,) = await bot.say(MOJCA, "/tickets", chat=STAFF, language_code="sl",
                                 **SUPERGROUP)
        assert empty.text == "Ni odprtih zahtevkov."
        (dont_know,) = await bot.say(ANA, QUESTION, language_code="sl", first_name="Ana")
        assert "Vprašaj našo ekipo" in [b["text"] for b in dont_know.buttons]
        handoff_data = next(d for d in dont_know.callback_data if d.startswith("handoff:"))

    async with running(config, emu) as bot:  # restart: the button still works
        after = await emu.last_message_id()
        await emu.press_button(ANA, ANA, dont_know, handoff_data, first_name="Ana")
        (told,) = await emu.wait_for_bot_messages(ANA, 1, timeout=10, after=after)
        assert told.text.startswith("Vaše vprašanje sem posredoval naši ekipi kot zahtevek #1.")
        await wait_for(lambda: messages_with(emu, STAFF, "#1"))
        (ticket,) = await messages_with(emu, STAFF, "#1")
        assert QUESTION in ticket.text and "Ana" in ticket.text and str(ANA) not in ticket.text

    async with running(config, emu) as bot:  # restart: a reply to the ticket answers it
        (relayed,) = await bot.say(MOJCA, ANSWER, chat=STAFF, reply_to=ticket.message_id,
                                   first_name="Mojca", language_code="sl", **SUPERGROUP)
        assert relayed.text.startswith("Na zahtevek #1 je odgovoril(a) Mojca.")
        assert relayed.reply_to_message_id is not None
        await wait_for(lambda: messages_with(emu, ANA, ANSWER))
        # The same reply again (a second staff member, or a repeated update): once only.
        (again,) = await bot.say(7302, "Drugače: pokličite nas.", chat=STAFF,
                                 reply_to=ticket.message_id, language_code="sl", **SUPERGROUP)
        assert again.text == "Zahtevek #1 je že zaprt; nič ni bilo poslano."
        # A reply to another message of the bot in the staff chat changes nothing.
        (not_ticket,) = await bot.say(MOJCA, "hvala", chat=STAFF, reply_to=empty.message_id,
                                      language_code="sl", **SUPERGROUP)
        assert not_ticket.text.startswith("To sporočilo ni zahtevek.")

    async with running(config, emu) as bot:  # restart: Save as FAQ from the staff chat
        after = await emu.last_message_id()
        await emu.press_button(MOJCA, STAFF, relayed, "faq:1")
        (saved,) = await emu.wait_for_bot_messages(STAFF, 1, timeout=10, after=after)
        assert saved.text.startswith("Shranjeno kot pogosto vprašanje ticket-1")

    async with running(config, emu) as bot:  # restart: the next person is answered at once
        (direct,) = await bot.say(BORIS, QUESTION, language_code="sl")
        assert ANSWER in direct.text
        assert not [d for d in direct.callback_data if d.startswith("handoff:")]
        await asyncio.sleep(0.5)  # anything queued twice would have gone out by now

    (answer,) = await messages_with(emu, ANA, ANSWER)
    assert answer.text.startswith("Naša ekipa je odgovorila na vaše vprašanje:")
    assert QUESTION in answer.text
    assert len(await messages_with(emu, STAFF, "Reply to this message")) == 1  # one ticket
    assert len(await messages_with(emu, ANA, "Naša ekipa je odgovorila")) == 1


async def test_a_staff_chat_that_refuses_tells_the_citizen(tmp_path: Path, emu: TelegramEmulator):
    config = telegram_config(tmp_path, emu, staff_chat=f"telegram:{STAFF}")
    await with_content(config)
    async with running(config, emu) as bot:
        (dont_know,) = await bot.say(ANA, QUESTION, language_code="sl")
        handoff_data = next(d for d in dont_know.callback_data if d.startswith("handoff:"))
        await emu.inject_fault("sendMessage", "403", chat_id=STAFF, times=-1,
                               description="Forbidden: bot was kicked from the supergroup chat")
        _, (told,) = await bot.press(ANA, dont_know, handoff_data)
        assert "#1" in told.text
        await wait_for(lambda: messages_with(emu, ANA, "ni mogoče doseči"))
        (notice,) = await messages_with(emu, ANA, "ni mogoče doseči")
        assert notice.text.startswith("Žal naše ekipe trenutno ni mogoče doseči")
        from bot.ops.health import readiness

        ready, checks = await readiness(bot.app)
        assert checks["staff_chat"].startswith("unreachable")
        assert ready  # the citizens are still served
