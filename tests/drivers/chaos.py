"""Chaos: a scripted load through a real bot process that is killed with SIGKILL again and
again, then the invariants. Shared by tests/test_reliability_chaos.py (bounded) and
bench/chaos.py (longer).

The bot process (`python -m tests.drivers.chaos bot DB SCRIPT PROGRESS OUT`) is the real App:
storage, core, router, handlers, scheduler and delivery worker. Its adapter reads the scripted
messages (people registering with a form, unregistering, subscribing) and records every
proactive message it delivers as one line in OUT. It keeps its place in the script in PROGRESS,
written after each message is handled: after a kill the last message may come again, as a chat
platform redelivers an update that was not acknowledged (at-least-once input).
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
EVENT = "chaos-summit"
ADMIN = "admin"
NEWS = "Chaos summit: the programme is online."
ANNOUNCEMENT = [
    {"user": ADMIN, "text": "/broadcast"},
    {"user": ADMIN, "payload": "f:broadcast:one"},
    {"user": ADMIN, "text": NEWS},
    {"user": ADMIN, "payload": "f:broadcast:all"},
    {"user": ADMIN, "payload": "f:broadcast:send"},
]


# -- the scripted load ---------------------------------------------------------------------


def write_script(path: Path, people: int, leavers: int, seed: int) -> list[dict[str, Any]]:
    """Interleaved conversations: everybody subscribes and registers (name, e-mail, consent,
    confirm); some leave again later, which promotes the first on the waiting list."""
    rng = random.Random(seed)
    conversations: list[list[dict[str, Any]]] = []
    for i in range(people):
        user = f"p{i:03d}"
        steps = [
            {"user": user, "text": "/subscribe"},
            {"user": user, "text": f"/register {EVENT}"},
            {"user": user, "text": f"Person {i:03d}"},
            {"user": user, "text": f"person{i:03d}@example.org"},
            {"user": user, "payload": "f:reg:yes"},  # the consent
            {"user": user, "payload": "f:reg:yes"},
        ]  # the summary
        conversations.append(steps)
    for i in rng.sample(range(people), leavers):
        conversations[i] += [{"user": f"p{i:03d}", "payload": f"unreg:{EVENT}:yes"}]
    script = []
    while any(conversations):  # interleave: people talk at the same time
        conversation = rng.choice([c for c in conversations if c])
        script.append(conversation.pop(0))
        if len(script) == people * 3:
            script += ANNOUNCEMENT  # an admin broadcasts to whoever subscribed so far
    path.write_text("\n".join(json.dumps(line) for line in script) + "\n", encoding="utf-8")
    return script


def event_yaml(capacity: int, starts_in: timedelta) -> dict[str, Any]:
    starts = datetime.now(UTC) + starts_in
    return {
        "events": [
            {
                "id": EVENT,
                "title": "Chaos summit",
                "description": "Registrations under fire.",
                "starts_at": starts.isoformat(),
                "timezone": "Europe/Ljubljana",
                "location": "Ljubljana",
                "registration_deadline": (starts - timedelta(hours=1)).isoformat(),
                "capacity": capacity,
                "fields": ["name", "email"],
                "consent": "I agree that my name and e-mail are kept for this event.",
            }
        ]
    }


# -- the bot process -------------------------------------------------------------------------


class ScriptAdapter:
    """Feeds the script to the core; records proactive deliveries."""

    platform = "console"

    def __init__(self, script: Path, progress: Path, out: Path) -> None:
        self.lines = script.read_text(encoding="utf-8").splitlines()
        self.progress = progress
        self.out = out.open("a", encoding="utf-8")

    def outbox_scope(self) -> str | None:
        return None

    def messages_per_second(self) -> float:
        return 400.0

    async def send(self, address: Any, replies: list[Any], *, key: str | None = None) -> None:
        self.out.write(
            json.dumps({"chat": address.chat_id, "key": key, "text": replies[0].text.plain[:60]})
            + "\n"
        )
        self.out.flush()  # in the kernel now: survives SIGKILL of this process

    async def run(self, core: Any) -> None:
        from bot.pipeline.types import Incoming

        done = int(self.progress.read_text()) if self.progress.exists() else 0
        for number, line in enumerate(self.lines[done:], start=done):
            item = json.loads(line)
            await core.handle(
                Incoming(
                    "console", item["user"], item["user"], item.get("text", ""), item.get("payload")
                )
            )
            staging = self.progress.with_suffix(".tmp")
            staging.write_text(str(number + 1))
            os.replace(staging, self.progress)  # atomic: the old place or the new one
            await asyncio.sleep(0.02)  # people type slower than a loop

    async def stop(self) -> None:
        self.out.flush()


async def run_bot(database: str, script: str, progress: str, out: str) -> None:
    from bot.app import App
    from bot.config import load_config

    config = load_config(
        {
            "CIVICBOT_DATABASE_URL": database,
            "CIVICBOT_ADMINS": f"console:{ADMIN}",
            "CIVICBOT_DELIVERY_INTERVAL_SECONDS": "0.05",
        }
    )
    adapter = ScriptAdapter(Path(script), Path(progress), Path(out))
    app = await App.create(config, [adapter], worker_id="chaos-bot")
    await app.start_workers()
    await adapter.run(app.core)
    for _ in range(5):  # the script is done: let every job (promotion sweeps ...) run once more
        for job in app.scheduler.get_jobs():
            job.modify(next_run_time=datetime.now(UTC))
        await asyncio.sleep(0.5)
        counts = await app.store.outbox_counts()
        if not counts.get("pending", 0) and not counts.get("claimed", 0):
            break
    await app.shutdown()


# -- the run ---------------------------------------------------------------------------------


@dataclass
class ChaosReport:
    kills: int = 0
    operations: int = 0
    confirmed: int = 0
    waiting: int = 0
    capacity: int = 0
    deliveries: int = 0
    unknown: int = 0
    problems: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"{self.kills} SIGKILLs survived, {self.operations} scripted operations, "
            f"{self.confirmed}/{self.capacity} seats confirmed, {self.waiting} waiting, "
            f"{self.deliveries} proactive messages delivered, {self.unknown} in doubt; "
            + (
                "no invariant broken"
                if not self.problems
                else f"{len(self.problems)} problems: " + "; ".join(self.problems[:5])
            )
        )


def start_bot(folder: Path, database: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tests.drivers.chaos",
            "bot",
            database,
            str(folder / "script"),
            str(folder / "progress"),
            str(folder / "out"),
        ],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=open(folder / "bot.log", "ab"),
    )


async def prepare(
    folder: Path, database: str, people: int, capacity: int, leavers: int, seed: int
) -> int:
    from bot.events.loader import import_events, parse_events_yaml
    from storage import open_store

    store = await open_store(database)
    specs = parse_events_yaml(event_yaml(capacity, timedelta(days=5)), "chaos.yaml")
    await import_events(store, specs, datetime.now(UTC))
    await store.close()
    return len(write_script(folder / "script", people, leavers, seed))


async def check(folder: Path, database: str, capacity: int) -> ChaosReport:
    from storage import open_store

    report = ChaosReport(capacity=capacity)
    store = await open_store(database)
    registrations = await store.event_registrations(EVENT)
    script = [json.loads(line) for line in (folder / "script").read_text().splitlines()]
    leavers = {s["user"] for s in script if s.get("payload", "").startswith("unreg:")}
    registered = {s["user"] for s in script} - leavers - {ADMIN}
    by_name = {r.fields.get("name"): r for r in registrations}
    report.confirmed = sum(1 for r in registrations if r.status == "confirmed")
    report.waiting = sum(1 for r in registrations if r.status == "waiting")
    if report.confirmed > capacity:
        report.problems.append(f"oversold: {report.confirmed} > {capacity}")
    if report.waiting and report.confirmed < capacity:
        report.problems.append("a seat is free while people wait")
    waiting_seq = [r.seq for r in registrations if r.status == "waiting"]
    if waiting_seq != sorted(waiting_seq):
        report.problems.append("waiting list out of order")
    for user in sorted(registered):
        number = user[1:]
        row = by_name.get(f"Person {number}")
        if row is None or row.fields.get("email") != f"person{number}@example.org":
            report.problems.append(f"{user}'s registration or a form answer was lost")
    lines = (
        [json.loads(line) for line in (folder / "out").read_text().splitlines()]
        if (folder / "out").exists()
        else []
    )
    report.deliveries = len(lines)
    doubled = [key for key, n in Counter(line["key"] for line in lines).items() if n > 1]
    if doubled:
        report.problems.append(f"{len(doubled)} messages delivered twice")
    counts = await store.outbox_counts()
    report.unknown = counts.get("unknown", 0)
    left = counts.get("pending", 0) + counts.get("claimed", 0) + counts.get("sending", 0)
    if left:
        report.problems.append(f"{left} outbox messages never delivered")
    # every broadcast recipient: exactly one copy (or the one message in doubt at a kill)
    for broadcast in await store.recent_broadcasts(10):
        got = Counter(line["chat"] for line in lines if line["text"].startswith(NEWS[:40]))
        if max(got.values(), default=0) > 1:
            report.problems.append("a broadcast recipient got two copies")
        if sum(got.values()) + report.unknown < broadcast.recipients:
            report.problems.append("a broadcast recipient got nothing")
    # every promoted person: exactly one notice
    promoted = {
        row[0]
        for row in await store._all(  # type: ignore[attr-defined]
            "SELECT person_id FROM registrations WHERE promoted_at IS NOT NULL "
            "AND status = 'confirmed'"
        )
    }
    notices = await store._all(  # type: ignore[attr-defined]
        "SELECT person_id, COUNT(*) FROM outbox WHERE kind = 'promotion' "
        "AND state IN ('sent', 'unknown') GROUP BY person_id"
    )
    noticed = {row[0]: row[1] for row in notices}
    if any(noticed.get(person, 0) != 1 for person in promoted):
        report.problems.append("a promoted person was not told exactly once")
    await store.close()
    return report


def chaos(
    folder: Path,
    database: str,
    *,
    people: int,
    capacity: int,
    leavers: int,
    kills: int,
    seed: int = 7,
    max_uptime: float = 1.5,
) -> ChaosReport:
    """Run the script with `kills` SIGKILLs at random moments, then once to the end."""
    rng = random.Random(seed)
    operations = asyncio.run(prepare(folder, database, people, capacity, leavers, seed))
    done_kills = 0
    while done_kills < kills:
        bot = start_bot(folder, database)
        time.sleep(rng.uniform(0.3, max_uptime))
        if bot.poll() is not None:
            break  # it finished the whole script before we could kill it again
        bot.send_signal(signal.SIGKILL)
        bot.wait()
        done_kills += 1
    final = start_bot(folder, database)
    if final.wait(timeout=300) != 0:
        raise RuntimeError(f"the bot failed: see {folder / 'bot.log'}")
    report = asyncio.run(check(folder, database, capacity))
    report.kills, report.operations = done_kills, operations
    if report.unknown > report.kills:
        report.problems.append("more messages in doubt than kills")
    return report


if __name__ == "__main__":
    if sys.argv[1] == "bot":
        asyncio.run(run_bot(*sys.argv[2:6]))
