"""Completed registrations per second, end to end: every message through Core.handle on SQLite.

Each simulated person runs the whole conversation a real one would (8 messages):
/register, name, e-mail, phone, a choice button, consent, summary -> confirm, then /my.
People run one after another (one chat at a time) and then many at once (as many chats
arrive on a busy bot). Seats are fewer than people, so the waiting list is exercised too.

    .venv/bin/python bench/registrations.py [--people 400] [--concurrency 1 32]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import handlers
from bot.clock import SystemClock
from bot.config import load_config
from bot.events import import_events, parse_events_yaml
from bot.i18n.translator import Catalogs
from bot.pipeline.core import Core
from bot.pipeline.router import Routes
from bot.pipeline.types import Incoming, Reply
from storage import open_store


def bench_event(capacity: int) -> dict:
    start = datetime.now(UTC).replace(microsecond=0) + timedelta(days=30)
    return {
        "id": "bench", "title": "Benchmark conference", "description": "A conference.",
        "starts_at": start.isoformat(), "timezone": "Europe/Ljubljana",
        "location": "Ljubljana", "country": "SI", "capacity": capacity,
        "registration_deadline": (start - timedelta(days=1)).isoformat(),
        "fields": ["name", "email", "phone",
                   {"id": "track", "type": "choice", "label": "Track?",
                    "options": ["Open data", "Law"]}],
        "consent": "We keep your data until the conference is over.",
    }


async def converse(core: Core, user: str) -> str:
    """One whole registration; returns how it ended (confirmed / waiting / ...)."""
    def message(text: str = "", payload: str | None = None) -> Incoming:
        return Incoming(platform="console", chat_id=user, user_id=user, text=text,
                        payload=payload)

    steps: list[Incoming] = [
        message("/register bench"), message(f"Person {user}"),
        message(f"{user}@example.org"), message("+386 41 123 456"),
        message(payload="f:reg:o1"), message(payload="f:reg:yes"),  # track, consent
        message(payload="f:reg:yes"),  # confirm the summary
    ]
    replies: list[Reply] = []
    for step in steps:
        replies = await core.handle(step)
    outcome = replies[-1].text.plain
    await core.handle(message("/my"))
    if "You are registered" in outcome:
        return "confirmed"
    return "waiting" if "waiting list" in outcome else outcome[:60]


async def run(people: int, concurrency: int, data_dir: Path) -> tuple[float, dict[str, int]]:
    config = load_config({"CIVICBOT_DATA_DIR": str(data_dir), "CIVICBOT_LOG_LEVEL": "WARNING"})
    store = await open_store(config.database)
    core = Core(config, store, Catalogs(config.locales_dir), SystemClock(),
                Routes(handlers.routers()))
    specs = parse_events_yaml({"events": [bench_event(capacity=people // 2)]}, "bench")
    await import_events(store, specs, datetime.now(UTC))
    gate = asyncio.Semaphore(concurrency)

    async def one(index: int) -> str:
        async with gate:
            return await converse(core, f"u{index}")

    started = time.perf_counter()
    outcomes = await asyncio.gather(*(one(i) for i in range(people)))
    elapsed = time.perf_counter() - started
    record = await store.get_event("bench")
    await store.close()
    counts = {o: outcomes.count(o) for o in sorted(set(outcomes))}
    assert record is not None and record.confirmed == people // 2, (record, counts)
    assert counts == {"confirmed": people // 2, "waiting": people - people // 2}, counts
    return elapsed, counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=400)
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 32])
    args = parser.parse_args()
    print(f"{args.people} registrations through Core.handle on SQLite "
          f"(8 messages each; {args.people // 2} seats, the rest wait)")
    for concurrency in args.concurrency:
        with tempfile.TemporaryDirectory() as tmp:
            elapsed, counts = asyncio.run(run(args.people, concurrency, Path(tmp)))
        print(f"  {concurrency:>3} at a time: {args.people / elapsed:7.1f} registrations/s "
              f"({args.people * 8 / elapsed:7.0f} messages/s, {elapsed:.2f} s; {counts})")


if __name__ == "__main__":
    main()
