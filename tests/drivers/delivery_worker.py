"""A delivery worker process for crash tests: the real DeliveryWorker and store, with an
adapter that records each delivery as one line `chat_id` appended to a file.

    python -m tests.drivers.delivery_worker DATABASE_FILE OUTPUT_FILE [RATE]

It drains the outbox until nothing is left, then exits 0. Tests kill it with SIGKILL midway
and start it again, as an operator's supervisor would.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from bot.clock import SystemClock
from bot.delivery import DeliveryWorker
from bot.types import Address, Reply
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


async def main(database: str, output: str, rate: float) -> None:
    store = await SqliteStore.open(database)
    worker = DeliveryWorker(store, [FileAdapter(Path(output), rate)], SystemClock(), "crash-w")
    await worker.recover()
    while await worker.drain():
        pass
    await store.close()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2], float(sys.argv[3]) if len(sys.argv) > 3 else 2000))
