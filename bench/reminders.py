"""Reminders planned and dispatched per second for one event with many registrants (SQLite).

    .venv/bin/python -m bench.reminders [--registrants 100000]

Setup (not timed): that many people in six languages, each with a private chat, confirmed for
one event with the default event reminders (P1D and PT2H before the start), so planning makes
two rows per registrant. Then, on a real SQLite file (WAL):

- planned: the planning pass after the event and its registrants arrived (rows written per
  second);
- idle pass: a planning pass with nothing changed, and one after one person changed;
- moved: the event moves a week later, its unsent rows move with it;
- dispatched: the P1D reminders come due and `dispatch_reminders` claims them, checks them,
  renders them per locale and hands them to the outbox (rows per second); the delivery worker
  and the platforms' pace are not part of it.
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import handlers
from bot.clock import ManualClock
from bot.config import LOCALES, load_config
from bot.events import import_events, parse_events_yaml
from bot.i18n.translator import Catalogs
from bot.pipeline.core import Core
from bot.pipeline.router import Routes
from bot.reminders import dispatch_reminders, plan_reminders
from storage.base import to_db_time
from storage.sqlite import SqliteStore

START = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)
EVENT = {
    "id": "bench", "title": {"en": "Benchmark conference", "sl": "Konferenca"},
    "description": "A big one.", "timezone": "Europe/Belgrade", "location": "Belgrade",
    "starts_at": "2027-04-16T10:00:00+02:00", "registration_deadline": "2027-04-10T17:00:00+02:00",
    "fields": ["name"],
}


async def populate(store: SqliteStore, registrants: int) -> None:
    """People, identities and confirmed registrations, written directly (setup, not timed)."""
    stamp = to_db_time(START)
    async with store.transaction() as db:
        await db.executemany(
            "INSERT INTO people (id, hint_locale, created_at, last_seen_at) VALUES (?, ?, ?, ?)",
            [(i, LOCALES[i % len(LOCALES)], stamp, stamp) for i in range(1, registrants + 1)])
        await db.executemany(
            "INSERT INTO identities (platform, user_id, person_id, chat_id) VALUES (?, ?, ?, ?)",
            [("telegram", str(i), i, str(i)) for i in range(1, registrants + 1)])
        await db.executemany(
            "INSERT INTO registrations (event_id, person_id, status, seq, registered_at, "
            "updated_at) VALUES ('bench', ?, 'confirmed', ?, ?, ?)",
            [(i, i, stamp, stamp) for i in range(1, registrants + 1)])


async def timed(label: str, rows_label: str, work) -> float:  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    rows = await work
    elapsed = time.perf_counter() - started
    rate = f", {rows / elapsed:,.0f} rows/s" if rows else ""
    print(f"{label:<34} {rows:>8,} {rows_label:<10} in {elapsed:6.2f} s{rate}")
    return elapsed


async def measure(registrants: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        config = load_config({"CIVICBOT_DATA_DIR": folder})
        store = await SqliteStore.open(str(Path(folder) / "bench.db"))
        clock = ManualClock(START)
        core = Core(config, store, Catalogs(config.locales_dir), clock,
                    Routes(handlers.routers()))
        await plan_reminders(core)  # the planner's first pass (empty) notes the time
        clock.advance(timedelta(seconds=5))
        specs = parse_events_yaml({"events": [EVENT]}, "bench.yaml")
        await import_events(store, specs, clock.now())
        await populate(store, registrants)

        await timed("planned (new event, its registrants)", "rows", plan_reminders(core))
        clock.advance(timedelta(seconds=5))
        await timed("planning pass, nothing changed", "rows", plan_reminders(core))
        await store.set_subscribed(1, True)
        await timed("planning pass, one person changed", "rows", plan_reminders(core))
        moved = parse_events_yaml({"events": [{**EVENT, "starts_at": "2027-04-23T10:00:00+02:00"}]},
                                  "bench.yaml")
        await import_events(store, moved, clock.now())
        await timed("moved (event a week later)", "rows", plan_reminders(core))

        clock.set(datetime(2027, 4, 22, 8, 0, tzinfo=UTC))  # P1D before the new start
        result = dispatch_reminders(core, "bench")

        async def dispatched() -> int:
            return (await result).sent

        await timed("dispatched (handed to the outbox)", "reminders", dispatched())
        counts = await store.outbox_counts()
        assert counts == {"pending": registrants}, counts
        await store.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--registrants", type=int, default=100_000)
    args = parser.parse_args()
    print(f"{args.registrants:,} registrants of one event, SQLite (WAL), one process")
    asyncio.run(measure(args.registrants))


if __name__ == "__main__":
    main()
