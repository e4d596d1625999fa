"""Messages per second through the core and SQLite, command traffic, one process (one core).

    .venv/bin/python -m bench.messages [--messages 20000] [--people 500]

Each message goes the whole way a real one goes: person lookup, locale choice, conversation
load, routing, the handler, and the database writes it causes, on a real SQLite file (WAL).
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from pathlib import Path

import handlers
from bot.clock import SystemClock
from bot.config import load_config
from bot.i18n.translator import Catalogs
from bot.pipeline.core import Core
from bot.pipeline.router import Routes
from bot.pipeline.types import Incoming
from storage.sqlite import SqliteStore

COMMANDS = ["/start", "/help", "/language sl", "/subscribe", "/unsubscribe", "/language sr_Latn",
            "/help", "/cancel"]


async def measure(messages: int, people: int) -> float:
    with tempfile.TemporaryDirectory() as folder:
        config = load_config({"CIVICBOT_DATA_DIR": folder})
        store = await SqliteStore.open(str(Path(folder) / "bench.db"))
        core = Core(config, store, Catalogs(config.locales_dir), SystemClock(),
                    Routes(handlers.routers()))
        started = time.perf_counter()
        for i in range(messages):
            user = str(i % people)
            await core.handle(Incoming("console", user, user, COMMANDS[i % len(COMMANDS)]))
        elapsed = time.perf_counter() - started
        await store.close()
    return messages / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--messages", type=int, default=20_000)
    parser.add_argument("--people", type=int, default=500)
    args = parser.parse_args()
    rate = asyncio.run(measure(args.messages, args.people))
    print(f"{args.messages} command messages from {args.people} people: {rate:,.0f} messages/s")


if __name__ == "__main__":
    main()
