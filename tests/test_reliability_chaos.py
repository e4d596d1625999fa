"""Crash safety, proven: a bot process killed with SIGKILL at random moments at least 20 times
under a scripted load of registrations, departures and a broadcast; afterwards nothing is lost,
nothing doubled, no seat oversold (bench/chaos.py runs a longer version)."""

from __future__ import annotations

import asyncio
import signal
import sqlite3
import subprocess
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from pathlib import Path

from bot.adapters.telegram import Limits, TelegramAdapter
from bot.app import App
from bot.config import load_config
from bot.pipeline.types import Reply
from tests.conftest import CIVICBOT, ROOT, cli_env, free_port, ops_ready
from tests.drivers.chaos import chaos
from tests.telegram_emulator.harness import TelegramEmulator

NEWS = "The programme is online."


def test_twenty_sigkills_lose_and_double_nothing(tmp_path: Path) -> None:
    database = f"sqlite:///{tmp_path / 'civicbot.db'}"
    report = chaos(tmp_path, database, people=40, capacity=15, leavers=6, kills=20)
    print(report.summary())
    assert report.kills >= 20, report.summary()
    assert report.problems == [], report.summary()
    assert report.confirmed == 15 and report.waiting == 40 - 6 - 15


# -- Telegram (issue #16): updates in hand at a kill, and a slow Bot API -----------------------


class TelegramBot:
    """`civicbot run` on Telegram (the emulator), as a process that can be killed, logging to
    bot.log in its data folder."""

    def __init__(self, folder: Path, emu: TelegramEmulator) -> None:
        self.folder, self.ops = folder, free_port()
        self.env = cli_env(folder, CIVICBOT_TELEGRAM_TOKEN=emu.token,
                           CIVICBOT_TELEGRAM_API_URL=emu.api_base_url,
                           CIVICBOT_OPS_LISTEN=f"127.0.0.1:{self.ops}")
        self.process: subprocess.Popen[bytes] | None = None

    async def start(self) -> None:
        log = (self.folder / "bot.log").open("ab")
        self.process = subprocess.Popen([*CIVICBOT, "run"], cwd=ROOT, env=self.env,
                                        stdin=subprocess.DEVNULL, stdout=log, stderr=log)
        await self.until(lambda: asyncio.to_thread(ops_ready, self.ops))

    def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            self.process.wait(30)

    async def until(self, condition: Callable[[], Awaitable[bool]], seconds: float = 60) -> None:
        deadline = time.monotonic() + seconds
        while not await condition():
            assert time.monotonic() < deadline, (self.folder / "bot.log").read_text()
            await asyncio.sleep(0.1)


async def test_telegram_updates_in_hand_at_a_sigkill_are_all_answered_after_restart(
    tmp_path: Path,
) -> None:
    """Polling used to confirm updates as soon as they were fetched, while Telegram's pace of
    one message a second per chat held them in memory: killed, they were never answered."""
    people, each = 6, 3
    async with TelegramEmulator() as emu:
        bot = TelegramBot(tmp_path, emu)
        try:
            await bot.start()
            for _ in range(each):
                for person in range(people):
                    await emu.send_text(7000 + person, 7000 + person, "/help")
            await asyncio.sleep(1.5)
            bot.kill()
            before = len(await emu.bot_messages())
            assert before < people * each  # the kill came with updates in hand
            await bot.start()

            async def all_answered() -> bool:
                return len(await emu.bot_messages()) >= people * each

            await bot.until(all_answered, seconds=30)  # else updates were lost in the kill
            await asyncio.sleep(1.5)
            answers = Counter(m.chat_id for m in await emu.bot_messages())
        finally:
            bot.stop()
    # Each answered; at most the one in hand per chat at the kill was answered twice.
    assert all(each <= answers[7000 + p] <= each + 1 for p in range(people)), answers


async def test_telegram_outbox_through_a_slow_bot_api_sends_nothing_twice(
    tmp_path: Path,
) -> None:
    """Telegram answering after the timeout for some sends (it used to retry them as network
    errors: two copies): those rows end 'unknown' (the message may have arrived) and are never
    sent again; the others are sent once."""
    people = 8
    async with TelegramEmulator() as emu:
        config = load_config({
            "CIVICBOT_DATA_DIR": str(tmp_path),
            "CIVICBOT_TELEGRAM_TOKEN": emu.token,
            "CIVICBOT_TELEGRAM_API_URL": emu.api_base_url,
            "CIVICBOT_DELIVERY_INTERVAL_SECONDS": "0.2",
        })
        adapter = TelegramAdapter(config, poll_interval=0.02, limits=Limits(chat_interval=None),
                                  send_timeout=1.0)
        app = await App.create(config, [adapter])
        task = asyncio.create_task(app.run())
        try:
            await asyncio.wait_for(adapter.receiving.wait(), 15)
            for person in range(people):
                await emu.send_text(8000 + person, 8000 + person, "/start")
            await emu.wait_for_bot_messages(None, people, timeout=20)
            for person in (8001, 8004, 8006):
                await emu.inject_fault("sendMessage", "delay", chat_id=person, delay_ms=2000)
            for person in range(people):
                found = await app.core.store.find_person("telegram", str(8000 + person))
                assert found is not None
                await app.core.notify(found.id, lambda t: [Reply.of(NEWS)], kind="reminder",
                                      dedupe_key=f"news:{person}")

            async def settled() -> bool:
                counts = await app.core.store.outbox_counts()
                return counts.get("sent", 0) + counts.get("unknown", 0) == people

            deadline = time.monotonic() + 30
            while not await settled():
                assert time.monotonic() < deadline, await app.core.store.outbox_counts()
                await asyncio.sleep(0.2)
            await asyncio.sleep(3.0)  # a resend would have come by now
            counts = await app.core.store.outbox_counts()
            copies = Counter(m.chat_id for m in await emu.bot_messages()
                             if m.text == NEWS)
        finally:
            await adapter.stop()
            await asyncio.wait_for(task, 30)
    assert counts.get("unknown") == 3 and counts.get("sent") == people - 3, counts
    assert sorted(copies.values()) == [1] * people  # the slow ones arrived, once each


async def test_telegram_replies_recorded_before_a_sigkill_are_sent_not_handled_again(
    tmp_path: Path,
) -> None:
    """Killed after /subscribe was handled and before its reply reached Telegram: handled
    again, it answered "already subscribed" and the confirmation was never seen."""
    async with TelegramEmulator() as emu:
        bot = TelegramBot(tmp_path, emu)
        def handled() -> bool:
            with sqlite3.connect(tmp_path / "civicbot.db") as db:
                return bool(db.execute(
                    "SELECT 1 FROM inbox WHERE state = 'handled' AND replies <> ''").fetchall())

        try:
            await bot.start()
            # Every send fails without effect for a while: the reply waits, recorded.
            await emu.inject_fault("sendMessage", "disconnect", chat_id=9001, times=-1)
            await emu.send_text(9001, 9001, "/subscribe")
            await bot.until(lambda: asyncio.to_thread(handled), seconds=20)
            bot.kill()
            await emu.clear_faults()
            assert await emu.bot_messages(9001) == []
            await bot.start()
            await bot.until(lambda: _count(emu, 9001), seconds=20)
            await asyncio.sleep(1.5)
            texts = [m.text or "" for m in await emu.bot_messages(9001)]
        finally:
            bot.stop()
    assert len(texts) == 1 and texts[0].startswith("Subscribed."), texts


async def _count(emu: TelegramEmulator, chat: int) -> bool:
    return bool(await emu.bot_messages(chat))
