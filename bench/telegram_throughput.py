"""Telegram adapter throughput, end to end, against the Bot API emulator.

    .venv/bin/python -m bench.telegram_throughput [--messages 2000] [--limited 450]
                                                  [--people 200] [--broadcast 600]

1. Messages handled: people write commands on the emulator's user side; the real App with the
   Telegram adapter long-polls them through python-telegram-bot, runs Core.handle on a real
   SQLite file and replies through the one send path. Reported: replies per second (from the
   emulator's call log); with the adapter's limits off (its own capacity, `--messages` from
   `--people`) and with Telegram's limits kept (`--limited` people writing once, the emulator
   enforcing 30/s: the figure is the limit, the busiest second must not exceed 30).
2. Broadcast: subscribers get one broadcast each through Core.notify, the outbox and the
   delivery worker, while the emulator enforces Telegram's flood limits (30/s overall, 1/s per
   chat). Reported from the emulator's call log: the sustained sendMessage rate, the 429s, and
   per chat how many copies arrived (lost = 0, doubled = more than 1).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from bot.adapters.telegram import Limits, TelegramAdapter
from bot.app import App
from bot.config import load_config
from bot.pipeline.types import Reply

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests" / "telegram_emulator"))
from harness import TelegramEmulator

COMMANDS = ["/start", "/help", "/language sl", "/subscribe", "/unsubscribe", "/help", "/cancel"]
NO_LIMITS = Limits(per_second=None, chat_interval=None, group_per_minute=None)


async def running_app(emu: TelegramEmulator, folder: str, limits: Limits
                      ) -> tuple[App, TelegramAdapter, asyncio.Task[None]]:
    config = load_config({"CIVICBOT_DATA_DIR": folder, "CIVICBOT_TELEGRAM_TOKEN": emu.token,
                          "CIVICBOT_TELEGRAM_API_URL": emu.api_base_url,
                          "CIVICBOT_DELIVERY_INTERVAL_SECONDS": "0.5"})
    adapter = TelegramAdapter(config, poll_interval=0.01, limits=limits)
    app = await App.create(config, [adapter])
    task = asyncio.create_task(app.run())
    await asyncio.wait_for(adapter.receiving.wait(), 30)
    return app, adapter, task


async def stop(adapter: TelegramAdapter, task: asyncio.Task[None]) -> None:
    await adapter.stop()
    await asyncio.wait_for(task, 60)


async def sent_ok(emu: TelegramEmulator) -> int:
    stats = (await emu.stats()).get("sendMessage") or {}
    return stats.get("ok", 0)


async def handled(emu: TelegramEmulator, messages: int, people: int, limits: Limits
                  ) -> dict[str, float]:
    """Messages are written first (the emulator holds them as Telegram would while the bot is
    down), then the bot starts: the figure is the bot's pace, not the user side's."""
    await emu.reset()
    if limits.per_second:
        await emu.set_rate_limit(per_chat_per_second=1, global_per_second=30)
    gate = asyncio.Semaphore(16)

    async def write(i: int) -> None:
        user = 100_000 + i % people
        async with gate:
            await emu.send_text(user, user, COMMANDS[(i // people) % len(COMMANDS)],
                                language_code="en")

    await asyncio.gather(*(write(i) for i in range(messages)))
    with tempfile.TemporaryDirectory() as folder:
        started = time.time()
        _, adapter, task = await running_app(emu, folder, limits)
        while (await sent_ok(emu)) < messages:
            await asyncio.sleep(0.05)
        await stop(adapter, task)
    calls = await emu.calls("sendMessage", brief=True)
    times = [c["ts"] for c in calls if c["ok"]]
    return {
        "with_start": len(times) / (times[-1] - started),  # start-up: getMe, setMyCommands...
        "replying": (len(times) - 1) / (times[-1] - times[0]),
        "busiest_second": busiest_second(times),
        "flood_429": sum(1 for c in calls if c["status"] == 429),
    }


def busiest_second(times: list[float]) -> int:
    """The most messages in any one-second window: what Telegram's 30/s limit counts."""
    most, first = 0, 0
    for last, moment in enumerate(times):
        while moment - times[first] >= 1.0:
            first += 1
        most = max(most, last - first + 1)
    return most
async def broadcast(emu: TelegramEmulator, subscribers: int) -> dict[str, float]:
    await emu.reset()
    await emu.set_rate_limit(per_chat_per_second=1, global_per_second=30)
    with tempfile.TemporaryDirectory() as folder:
        app, adapter, task = await running_app(emu, folder, Limits())
        store, core = app.store, app.core
        users = [200_000 + i for i in range(subscribers)]
        ids = []
        for user in users:
            person = await store.person_for_identity("telegram", str(user), str(user),
                                                     core.clock.now())
            await store.set_subscribed(person.id, True)
            ids.append(person.id)
        for person_id in ids:
            await core.notify(person_id, lambda t: [Reply.of("Announcement")],
                              kind="broadcast", dedupe_key=f"bench:{person_id}", batch="bench")
        while (await store.outbox_counts("bench")).get("sent", 0) < subscribers:
            await asyncio.sleep(0.2)
        await stop(adapter, task)
    calls = await emu.calls("sendMessage", brief=True)
    ok = [c for c in calls if c["ok"]]
    copies = Counter(c["chat_id"] for c in ok)
    span = ok[-1]["ts"] - ok[0]["ts"]
    return {
        "sent": len(ok),
        "seconds": span,
        "rate": (len(ok) - 1) / span,
        "flood_429": sum(1 for c in calls if c["status"] == 429),
        "lost": sum(1 for u in users if copies[u] == 0),
        "doubled": sum(1 for u in users if copies[u] > 1),
    }


async def main_async(args: argparse.Namespace) -> None:
    async with TelegramEmulator() as emu:
        free = await handled(emu, args.messages, args.people, NO_LIMITS)
        print(f"handled end to end, adapter limits off: {args.messages} messages from "
              f"{args.people} people: {free['replying']:,.0f} messages/s "
              f"({free['with_start']:,.0f}/s counting the bot's start-up)")
        kept = await handled(emu, args.limited, args.limited, Limits())
        print(f"handled end to end, Telegram's limits kept (the emulator enforcing them): "
              f"{args.limited} people writing once: {kept['replying']:.1f} messages/s; "
              f"busiest second: {kept['busiest_second']} messages; 429s: {kept['flood_429']}")
        result = await broadcast(emu, args.broadcast)
        print(f"broadcast to {args.broadcast} subscribers, emulator enforcing 30/s and 1/s per "
              f"chat: {result['rate']:.2f} messages/s sustained over {result['seconds']:.1f} s "
              f"({result['rate'] / 30:.1%} of the limit); 429s: {result['flood_429']}; "
              f"lost: {result['lost']}; doubled: {result['doubled']}")
        await emu.aclose_client()


def main() -> None:
    logging.basicConfig(level=logging.WARNING)
    logging.getLogger("apscheduler").setLevel(logging.ERROR)  # "skipped: already running"
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--messages", type=int, default=2000)
    parser.add_argument("--limited", type=int, default=450, help="people, limits kept")
    parser.add_argument("--people", type=int, default=200)
    parser.add_argument("--broadcast", type=int, default=600)
    asyncio.run(main_async(parser.parse_args()))


if __name__ == "__main__":
    main()
