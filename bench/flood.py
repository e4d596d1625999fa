"""Flood control: 50 normal people's latency with and without one flooder beside them.

    .venv/bin/python -m bench.flood [--seconds 10]

Normal people send a command every 250 ms each (200 messages/s together); the flooder sends
--flood-rate messages a second (default 500: far beyond "dozens a second"). Everybody goes
through Core.handle on a real SQLite file. The figure that matters: normal people's p99
latency with the flooder vs without (aim: less than 20% worse).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
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

NORMAL_PEOPLE = 50
NORMAL_INTERVAL = 0.25
FLOOD_TEXT = "when is the registration deadline for the conference"  # a real question: QA work


async def normal_person(core: Core, user: str, until: float, latencies: list[float]) -> None:
    while time.monotonic() < until:
        started = time.perf_counter()
        await core.handle(Incoming("telegram", user, user, "/help"))
        latencies.append(time.perf_counter() - started)
        await asyncio.sleep(NORMAL_INTERVAL)


async def flooder(core: Core, until: float, counter: list[int], rate: float) -> None:
    while time.monotonic() < until:
        await core.handle(Incoming("telegram", "flood", "flood", FLOOD_TEXT))
        counter[0] += 1
        await asyncio.sleep(1 / rate)


async def run(seconds: float, flood_rate: float,
              guard: bool = True) -> tuple[list[float], int]:
    with tempfile.TemporaryDirectory() as folder:
        config = load_config({"CIVICBOT_DATA_DIR": folder,
                              "CIVICBOT_FLOOD_BURST": "15" if guard else "100000000"})
        store = await SqliteStore.open(str(Path(folder) / "bench.db"))
        core = Core(config, store, Catalogs(config.locales_dir), SystemClock(),
                    Routes(handlers.routers()))
        for i in range(NORMAL_PEOPLE):  # warm: people exist already
            await core.handle(Incoming("telegram", str(i), str(i), "/start"))
        latencies: list[float] = []
        flood_count = [0]
        until = time.monotonic() + seconds
        tasks = [normal_person(core, str(i), until, latencies) for i in range(NORMAL_PEOPLE)]
        if flood_rate:
            tasks.append(flooder(core, until, flood_count, flood_rate))
        await asyncio.gather(*tasks)
        await store.close()
    return latencies, flood_count[0]


def p99(values: list[float]) -> float:
    return statistics.quantiles(values, n=100)[98]


def main() -> None:
    from bot.qa.textnorm import build_language_data

    build_language_data()  # the running bot opens the language data at start; so do we
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--flood-rate", type=float, default=500)
    args = parser.parse_args()
    calm, _ = asyncio.run(run(args.seconds, 0))
    stormy, flood = asyncio.run(run(args.seconds, args.flood_rate))
    unguarded, _ = asyncio.run(run(args.seconds, args.flood_rate, guard=False))
    change = (p99(stormy) - p99(calm)) / p99(calm) * 100
    print(f"normal people: {len(calm)} messages, p50 {statistics.median(calm) * 1000:.2f} ms, "
          f"p99 {p99(calm) * 1000:.2f} ms without a flooder")
    print(f"with a flooder sending {flood / args.seconds:,.0f} messages/s: {len(stormy)} "
          f"messages, p50 {statistics.median(stormy) * 1000:.2f} ms, "
          f"p99 {p99(stormy) * 1000:.2f} ms ({change:+.1f}% p99)")
    print(f"the same flood with flood control off: p99 {p99(unguarded) * 1000:.2f} ms "
          f"({(p99(unguarded) - p99(calm)) / p99(calm) * 100:+.1f}% p99)")


if __name__ == "__main__":
    main()
