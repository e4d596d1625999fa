"""Replicas: webhook updates handled per second with 1, 2 and 3 `civicbot run` replicas on
PostgreSQL, and SQLite against PostgreSQL on one replica, against the Telegram Bot API emulator.

    .venv/bin/python -m bench.replicas [--seconds 15] [--rate 25]

A load generator plays Telegram: it posts updates (a private `/help` from one of 1,000 people)
to a round-robin load balancer in front of the replicas' webhook listeners, `--rate` updates a
second per replica, each in its own connection as Telegram's parallel webhook connections do.
Every update is answered through the emulator's sendMessage. Each replica keeps Telegram's
30 messages/s limit, so the offered rate stays below it; the figures are the achieved rate and
the webhook round trip (the time until the update is handled and answered 200).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import signal
import statistics
import tempfile
import time
import uuid
from pathlib import Path

import asyncpg
from aiohttp import ClientSession

from tests.conftest import POSTGRES_URL, free_port
from tests.telegram_emulator.harness import TelegramEmulator
from tests.test_replicas import LoadBalancer, ready, start_replica

SECRET = "bench-secret"
PEOPLE = 1000


def update(number: int) -> bytes:
    user = 500_000 + number % PEOPLE
    person = {"id": user, "first_name": "Bench"}
    return json.dumps(
        {
            "update_id": number,
            "message": {
                "message_id": number,
                "date": int(time.time()),
                "from": {**person, "is_bot": False},
                "chat": {**person, "type": "private"},
                "text": "/help",
                "entities": [{"type": "bot_command", "offset": 0, "length": 5}],
            },
        }
    ).encode()


async def fresh_database() -> str:
    name = f"civicbot_bench_{uuid.uuid4().hex[:8]}"
    admin = await asyncpg.connect(POSTGRES_URL)
    await admin.execute(f"CREATE DATABASE {name}")
    await admin.close()
    return POSTGRES_URL.rsplit("/", 1)[0] + f"/{name}"


async def measure(
    replicas: int, database: str, seconds: float, rate: float, folder: Path
) -> tuple[float, float, float]:
    async with TelegramEmulator() as emulator:
        hooks, ops = [free_port() for _ in range(replicas)], [free_port() for _ in range(replicas)]
        balancer = LoadBalancer(hooks)
        runner = await balancer.start()
        processes = [
            start_replica(
                folder,
                database,
                emulator,
                balancer.port,
                hook,
                op,
                CIVICBOT_TELEGRAM_WEBHOOK_SECRET=SECRET,
                CIVICBOT_LOG_LEVEL="WARNING",
            )
            for hook, op in zip(hooks, ops, strict=True)
        ]
        try:
            while not all(ready(op) for op in ops):
                await asyncio.sleep(0.2)
            await load(balancer.port, 5, rate)  # warm: lemmatiser loaded, connections open
            await asyncio.sleep(10)
            return await load(balancer.port, seconds, rate * replicas)
        finally:
            for process in processes:
                process.send_signal(signal.SIGTERM)
            for process in processes:
                process.wait(timeout=30)
            await runner.cleanup()


async def load(port: int, seconds: float, rate: float) -> tuple[float, float, float]:
    latencies: list[float] = []
    async with ClientSession() as client:

        async def post(number: int) -> None:
            started = time.perf_counter()
            async with client.post(
                f"http://127.0.0.1:{port}/hook",
                data=update(number),
                headers={
                    "Content-Type": "application/json",
                    "X-Telegram-Bot-Api-Secret-Token": SECRET,
                },
            ) as answer:
                if answer.status == 200:
                    latencies.append(time.perf_counter() - started)

        tasks = []
        started = time.perf_counter()
        number = 0
        while time.perf_counter() - started < seconds:
            number += 1
            tasks.append(asyncio.create_task(post(number)))
            await asyncio.sleep(max(0.0, started + number / rate - time.perf_counter()))
        await asyncio.gather(*tasks)
        elapsed = time.perf_counter() - started
    p99 = statistics.quantiles(latencies, n=100)[98] if len(latencies) > 1 else 0.0
    return len(latencies) / elapsed, statistics.median(latencies) * 1000, p99 * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--rate", type=float, default=25, help="offered updates/s per replica")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        runs = [("SQLite", 1, f"sqlite:///{folder / 'civicbot.db'}")]
        runs += [("PostgreSQL", n, asyncio.run(fresh_database())) for n in (1, 2, 3)]
        for backend, replicas, database in runs:
            rate, p50, p99 = asyncio.run(
                measure(replicas, database, args.seconds, args.rate, folder)
            )
            print(
                f"{backend:10} {replicas} replica(s): {rate:6.1f} updates/s handled "
                f"(offered {args.rate * replicas:g}/s), round trip p50 {p50:6.1f} ms, "
                f"p99 {p99:6.1f} ms"
            )


if __name__ == "__main__":
    main()
