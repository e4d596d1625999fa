"""Broadcasts: the time to plan one to 100,000 people, and the sustained delivery rate against
a platform's limit.

    .venv/bin/python -m bench.broadcast [--people 100000] [--rate 30] [--seconds 20]

Planning renders the announcement once per language and queues one outbox row per recipient
(INSERT ... SELECT per language, one transaction). The rate run drains that outbox through the
real delivery worker with an adapter that accepts every message instantly and keeps the
platform's limit (Telegram: 30 messages a second), so the figure shows how close the worker
stays to the limit (aim: within 5%).
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from bot.broadcast import plan_broadcast
from bot.clock import SystemClock
from bot.config import load_config
from bot.i18n.translator import Catalogs
from bot.outbox.delivery import DeliveryWorker
from storage.sqlite import SqliteStore
from tests.test_admin_broadcast_crash import populate


class CountingAdapter:
    platform = "console"

    def __init__(self, rate: float) -> None:
        self.rate = rate
        self.sent = 0

    def outbox_scope(self) -> str | None:
        return None

    def messages_per_second(self) -> float:
        return self.rate

    async def send(self, address, replies, *, key=None) -> None:  # type: ignore[no-untyped-def]
        self.sent += 1


async def measure(people: int, rate: float, seconds: float) -> None:
    with tempfile.TemporaryDirectory() as folder:
        config = load_config({"CIVICBOT_DATA_DIR": folder})
        store = await SqliteStore.open(str(Path(folder) / "bench.db"))
        await populate(store, people)
        started = time.perf_counter()
        record = await plan_broadcast(store, Catalogs(config.locales_dir), created_by="bench",
                                      report_to=None, audience="all", texts={"*": "News"},
                                      default_locale="en", now=datetime.now(UTC))
        planning = time.perf_counter() - started
        print(f"planned a broadcast to {record.recipients:,} people in {planning:.2f} s "
              f"({record.recipients / planning:,.0f} recipients/s)")
        adapter = CountingAdapter(rate)
        worker = DeliveryWorker(store, [adapter], SystemClock(), "bench")
        started = time.perf_counter()
        task = asyncio.create_task(worker.drain())
        await asyncio.sleep(seconds)
        task.cancel()
        elapsed = time.perf_counter() - started
        achieved = adapter.sent / elapsed
        print(f"sustained {achieved:.2f} messages/s against a limit of {rate:g}/s over "
              f"{elapsed:.0f} s ({(achieved - rate) / rate * 100:+.1f}%), "
              f"{adapter.sent} sent, none twice (one claim per row)")
        await store.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--rate", type=float, default=30)
    parser.add_argument("--seconds", type=float, default=20)
    args = parser.parse_args()
    asyncio.run(measure(args.people, args.rate, args.seconds))


if __name__ == "__main__":
    main()
