"""Issue #16 on Telegram, through the real adapter and the Bot API emulator: flood control
counted on arrival, one lane per group member, a prompt stop that loses nothing, a revoked
token that ends the process, sends whose outcome is unknown never sent twice, webhook bodies
that are not updates, and webhook redeliveries handled once."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from pathlib import Path

import httpx
import pytest

from bot.adapters.telegram import Limits, TelegramAdapter
from bot.app import App
from bot.pipeline.types import Reply
from tests.conftest import free_port, run_cli
from tests.telegram_emulator.harness import (
    TelegramEmulator,
    telegram_emulator,  # noqa: F401  (fixture)
    telegram_emulator_session,  # noqa: F401  (fixture)
)
from tests.test_telegram_adapter import ANA, GROUP, QUICK, running, telegram_config, wait_for

pytestmark = pytest.mark.filterwarnings(
    "ignore:Deprecated since version v22.2:telegram.warnings.PTBDeprecationWarning"
)

BEA = 5102
HELP = "Ask me a question"
SLOW_DOWN = "You are sending messages faster than I can read them"


@pytest.fixture
def emu(telegram_emulator: TelegramEmulator) -> TelegramEmulator:  # noqa: F811
    return telegram_emulator


async def texts(emu: TelegramEmulator, chat: int) -> list[str]:
    return [m.text or "" for m in await emu.bot_messages(chat)]


# -- 2. flood control on arrival, lanes, a prompt stop ---------------------------------------


async def test_a_burst_is_judged_on_arrival_not_at_its_turn(tmp_path: Path, emu: TelegramEmulator):
    """With Telegram's real pace of one message a second per chat, each queued message used
    to reach the flood guard after its bucket refilled: every one of 30 was answered."""
    config = telegram_config(tmp_path, emu, flood_burst="3")
    async with running(config, emu, limits=Limits()):
        for _ in range(30):
            await emu.send_text(ANA, ANA, "/help")
        await wait_for(lambda: _has(emu, ANA, SLOW_DOWN), timeout=10)
        await asyncio.sleep(2.5)  # more than time enough for more answers at 1/s
        answers = await texts(emu, ANA)
    assert sum(a.startswith(HELP) for a in answers) == 3
    assert sum(a.startswith(SLOW_DOWN) for a in answers) == 1
    assert len(answers) == 4


async def _has(emu: TelegramEmulator, chat: int, prefix: str) -> bool:
    return any(t.startswith(prefix) for t in await texts(emu, chat))


async def test_one_members_burst_does_not_hold_up_the_group(tmp_path: Path, emu: TelegramEmulator):
    async with running(telegram_config(tmp_path, emu), emu, limits=Limits()):
        for _ in range(10):
            await emu.send_text(ANA, GROUP, "/help", chat_type="supergroup")
        asked = await emu.send_text(BEA, GROUP, "/help", chat_type="supergroup")
        began = time.monotonic()
        bea_message = asked["message_id"]

        async def bea_answered() -> bool:
            messages = await emu.bot_messages(GROUP)
            return any(m.reply_to_message_id == bea_message for m in messages)

        await wait_for(bea_answered, timeout=20)
        waited = time.monotonic() - began
        answered_before = len(await emu.bot_messages(GROUP)) - 1
    # One chat lane made her wait for all ten of his (ten seconds at Telegram's pace).
    assert waited < 4.0 and answered_before < 5, (waited, answered_before)


async def test_a_stop_with_a_queue_is_prompt_and_the_queue_is_answered_after(
    tmp_path: Path, emu: TelegramEmulator
):
    config = telegram_config(tmp_path, emu, flood_burst="100")
    async with running(config, emu, limits=Limits()) as bot:
        for _ in range(16):
            await emu.send_text(ANA, ANA, "/help")
        await emu.wait_for_bot_messages(ANA, 1, timeout=10)
        began = time.monotonic()
        await bot.adapter.stop()
        stopping = time.monotonic() - began
        answered = len(await emu.bot_messages(ANA))
    assert stopping < 7.0, stopping  # it used to answer the whole queue first (16 s)
    assert answered < 16
    async with running(config, emu, limits=Limits(chat_interval=0.2)):
        await emu.wait_for_bot_messages(ANA, 16, timeout=20)
        await asyncio.sleep(1.0)
        assert len(await emu.bot_messages(ANA)) == 16  # each once: none lost, none twice


# -- 3. a token revoked while running --------------------------------------------------------


def test_a_token_refused_by_getupdates_ends_the_process_with_one_line(
    tmp_path: Path, emu: TelegramEmulator
):
    emu.run(emu.inject_fault("getUpdates", 401, times=-1, description="Unauthorized"))
    began = time.monotonic()
    result = run_cli(
        ["run"],
        tmp_path,
        timeout=60,
        CIVICBOT_TELEGRAM_TOKEN=emu.token,
        CIVICBOT_TELEGRAM_API_URL=emu.api_base_url,
    )
    assert result.returncode == 1, result.stderr
    assert time.monotonic() - began < 30
    lines = [line for line in result.stderr.strip().splitlines() if "civicbot:" in line]
    assert lines == [lines[-1]] and "Telegram refused CIVICBOT_TELEGRAM_TOKEN" in lines[-1]
    assert "Traceback" not in result.stderr and emu.token not in result.stderr


# -- 5. a send whose outcome is unknown ---------------------------------------------------------


async def test_a_slow_api_is_waited_for_and_answers_once(tmp_path: Path, emu: TelegramEmulator):
    """Telegram answering after 6 s: python-telegram-bot's default (5 s) called it a network
    error and sent the reply again."""
    async with running(telegram_config(tmp_path, emu), emu) as bot:
        await emu.inject_fault("sendMessage", "delay", chat_id=ANA, delay_ms=6000)
        (answer,) = await bot.say(ANA, "/help", count=1)
        assert answer.text.startswith(HELP)
        await asyncio.sleep(1.0)
        assert len(await emu.bot_messages(ANA)) == 1
        assert len(await emu.calls("sendMessage", ANA, brief=True)) == 1


async def test_a_timed_out_reply_or_outbox_message_is_never_sent_twice(
    tmp_path: Path, emu: TelegramEmulator, caplog: pytest.LogCaptureFixture
):
    caplog.set_level(logging.INFO)
    config = telegram_config(tmp_path, emu)
    adapter = TelegramAdapter(config, poll_interval=0.02, limits=QUICK, send_timeout=1.0)
    app = await App.create(config, [adapter])
    task = asyncio.create_task(app.run())
    try:
        await asyncio.wait_for(adapter.receiving.wait(), 15)
        await emu.inject_fault("sendMessage", "delay", chat_id=ANA, delay_ms=2500)
        await emu.send_text(ANA, ANA, "/start")
        await emu.wait_for_bot_messages(ANA, 1, timeout=10)
        await asyncio.sleep(2.0)  # a retry would have come by now
        assert len(await emu.bot_messages(ANA)) == 1
        assert "it may have arrived, so it is not sent again" in caplog.text

        person = await app.core.store.find_person("telegram", str(ANA))
        assert person is not None
        await emu.inject_fault("sendMessage", "delay", chat_id=ANA, delay_ms=2500)
        await app.core.notify(
            person.id, lambda t: [Reply.of("Reminder")], kind="reminder", dedupe_key="slow:1"
        )

        async def settled() -> bool:
            return (await app.core.store.outbox_counts()).get("unknown", 0) == 1

        await wait_for(settled, timeout=15)
        await asyncio.sleep(2.0)
        assert [m.text for m in await emu.bot_messages(ANA)][1:] == ["Reminder"]
        counts = await app.core.store.outbox_counts()
        assert counts.get("unknown") == 1 and not counts.get("pending"), counts
    finally:
        await adapter.stop()
        await asyncio.wait_for(task, 30)
        await emu.aclose_client()


# -- 13 and 6: webhook bodies, redeliveries --------------------------------------------------


async def test_webhook_bodies_that_are_not_updates_get_400_and_one_line(
    tmp_path: Path, emu: TelegramEmulator, caplog: pytest.LogCaptureFixture
):
    port = free_port()
    url = f"http://127.0.0.1:{port}/hook"
    secret = "civic-Secret_2"
    config = telegram_config(
        tmp_path, emu, telegram_webhook_url=url, telegram_webhook_listen=f"127.0.0.1:{port}",
        telegram_webhook_secret=secret,
    )
    headers = {"X-Telegram-Bot-Api-Secret-Token": secret, "Content-Type": "application/json"}
    deep = "[" * 100_000 + "]" * 100_000
    async with running(config, emu), httpx.AsyncClient(trust_env=False) as client:
        for body in ("null", "[1,2,3]", '"hello"', deep, '{"update_id": "x"}', "{", "42"):
            answer = await client.post(url, content=body, headers=headers)
            assert answer.status_code == 400, body[:20]

        update = {
            "update_id": 777001,
            "message": {
                "message_id": 1, "date": int(time.time()), "text": "/help",
                "chat": {"id": ANA, "type": "private"},
                "from": {"id": ANA, "is_bot": False, "first_name": "Ana"},
                "entities": [{"type": "bot_command", "offset": 0, "length": 5}],
            },
        }
        first = await client.post(url, content=json.dumps(update), headers=headers)
        again = await client.post(url, content=json.dumps(update), headers=headers)
        assert (first.status_code, again.status_code) == (200, 200)
        await asyncio.sleep(0.5)
        answers = await texts(emu, ANA)
    assert len(answers) == 1 and answers[0].startswith(HELP)  # the redelivery changed nothing
    assert "Traceback" not in caplog.text
    assert caplog.text.count("a webhook call whose body is not an update was refused") == 7


async def test_readyz_tells_the_truth_while_polling_fails(tmp_path: Path, emu: TelegramEmulator):
    ops = free_port()
    config = telegram_config(tmp_path, emu, ops_listen=f"127.0.0.1:{ops}")

    async def ready() -> tuple[int, dict]:
        async with httpx.AsyncClient(trust_env=False) as client:
            answer = await client.get(f"http://127.0.0.1:{ops}/readyz")
            return answer.status_code, answer.json()["checks"]

    async with running(config, emu):
        assert (await ready())[0] == 200
        await emu.inject_fault("getUpdates", 502, times=-1)

        async def not_ready() -> bool:
            return (await ready()) == (503, {"database": "ok", "telegram": "not connected"})

        await wait_for(not_ready, timeout=20)
        await emu.clear_faults()

        async def ready_again() -> bool:
            return (await ready())[0] == 200

        await wait_for(ready_again, timeout=40)
