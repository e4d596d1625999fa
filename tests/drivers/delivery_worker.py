"""A delivery worker process for crash tests: the real DeliveryWorker and store, with an
adapter that records each delivery as one line `chat_id` appended to a file.

    python -m tests.drivers.delivery_worker DATABASE_FILE OUTPUT_FILE [RATE]
    python -m tests.drivers.delivery_worker DATABASE_FILE --telegram API_URL TOKEN RATE

It drains the outbox until nothing is left, then exits 0. Tests kill it with SIGKILL midway
and start it again, as an operator's supervisor would. With --telegram the real Telegram
adapter sends to a Bot API server (the emulator), at RATE messages a second.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from bot.clock import SystemClock
from bot.outbox.delivery import DeliveryWorker
from bot.pipeline.types import Address, Reply
from storage.sqlite import SqliteStore


class FileAdapter:
    platform = "console"

    def __init__(self, path: Path, rate: float) -> None:
        self.out = path.open("a", encoding="utf-8")
        self.rate = rate

    def outbox_scope(self) -> str | None:
        return None

    def messages_per_second(self) -> float:
        return self.rate

    async def send(self, address: Address, replies: list[Reply], *, key: str | None = None) -> None:
        self.out.write(f"{address.chat_id}\n")
        self.out.flush()  # in the kernel now: survives SIGKILL of this process


async def main(database: str, adapter) -> None:  # type: ignore[no-untyped-def]
    store = await SqliteStore.open(database)
    worker = DeliveryWorker(store, [adapter], SystemClock(), "crash-w")
    await worker.recover()
    while await worker.drain():
        pass
    await store.close()


async def telegram(database: str, api_url: str, token: str, rate: float) -> None:
    from bot.adapters.telegram import Limits, TelegramAdapter
    from bot.config import load_config
    from bot.i18n.translator import Catalogs
    from bot.pipeline.core import Core
    from bot.pipeline.router import Routes

    config = load_config(
        {
            "CIVICBOT_TELEGRAM_TOKEN": token,
            "CIVICBOT_TELEGRAM_API_URL": api_url,
            "CIVICBOT_DATABASE_URL": f"sqlite:///{database}",
        }
    )
    adapter = TelegramAdapter(config, limits=Limits(per_second=rate, chat_interval=None))
    store = await SqliteStore.open(database)
    core = Core(config, store, Catalogs(config.locales_dir), SystemClock(), Routes([]))
    receiving = asyncio.create_task(adapter.run(core))  # starts the bot (getMe); we only send
    try:
        await main(database, adapter)
    finally:
        await adapter.stop()
        await receiving
        await store.close()


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[2] == "--telegram":
        asyncio.run(telegram(sys.argv[1], sys.argv[3], sys.argv[4], float(sys.argv[5])))
    else:
        rate = float(sys.argv[3]) if len(sys.argv) > 3 else 2000
        asyncio.run(main(sys.argv[1], FileAdapter(Path(sys.argv[2]), rate)))
