"""Round trips through a real Synapse: a citizen writes, the bot (App + MatrixAdapter + SQLite)
answers, the citizen receives the answer. Encrypted direct chats and plain ones.

    .venv/bin/python -m bench.matrix_roundtrip [--messages 200] [--citizens 1 4]

Starts a throw-away Synapse on 127.0.0.1 (tests/matrix_homeserver, installed when missing),
registers a bot and citizens, and for each mode and number of citizens sends `--messages`
commands per citizen, one at a time per citizen, each waiting for its answer. A round trip is
measured from the citizen's send to the answer arriving in the citizen's sync, so it includes
both clients' sync latency and, when encrypted, encryption and decryption on both sides.
Prints round trips per second and the latency p50/p99, and where the time goes: the bot's
own work (Core.handle) and Synapse accepting one event (the bot's room_send). Everything stays
on this machine.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from bot.adapters.matrix import MatrixAdapter
from bot.app import App
from bot.config import load_config
from tests.matrix_homeserver.citizen import PASSWORD, Citizen
from tests.matrix_homeserver.harness import Homeserver


async def start_bot(hs: Any, data_dir: Path) -> tuple[MatrixAdapter, asyncio.Task[None]]:
    user_id, _ = await hs.aregister_user("civicbot", PASSWORD)
    config = load_config({
        "CIVICBOT_DATA_DIR": str(data_dir), "CIVICBOT_MATRIX_HOMESERVER": hs.base_url,
        "CIVICBOT_MATRIX_USER": user_id, "CIVICBOT_MATRIX_PASSWORD": PASSWORD,
        # One citizen sending as fast as the bot answers is no flood here.
        "CIVICBOT_FLOOD_BURST": "1000000", "CIVICBOT_FLOOD_PER_SECOND": "1000000"})
    adapter = MatrixAdapter(config)
    app = await App.create(config, [adapter])
    task = asyncio.create_task(app.run())
    await asyncio.wait_for(adapter.wait_until_ready(), 60)
    return adapter, task


class Stopwatch:
    """Durations of one async method, by wrapping it on its instance."""

    def __init__(self, owner: Any, name: str) -> None:
        self.samples: list[float] = []
        inner = getattr(owner, name)

        async def timed(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return await inner(*args, **kwargs)
            finally:
                self.samples.append(time.perf_counter() - started)

        setattr(owner, name, timed)

    def median_ms(self) -> float:
        return statistics.median(self.samples) * 1000 if self.samples else 0.0


async def converse(citizen: Citizen, room: str, count: int, latencies: list[float]) -> None:
    for _ in range(count):
        started = time.perf_counter()
        await citizen.say(room, "/help")
        await citizen.next_message(room, timeout=60)
        latencies.append(time.perf_counter() - started)


async def run_mode(hs: Any, bot_id: str, store: Path, *, encrypted: bool, citizens: int,
                   messages: int, warmup: int) -> dict[str, float]:
    people = [await Citizen.create(hs, store, "bench") for _ in range(citizens)]
    try:
        rooms = [await p.open_dm(bot_id, encrypted=encrypted) for p in people]
        for person, room in zip(people, rooms, strict=True):
            await person.wait_for_member(room, bot_id)
            await converse(person, room, warmup, [])
        latencies: list[float] = []
        started = time.perf_counter()
        await asyncio.gather(*(converse(p, r, messages, latencies)
                               for p, r in zip(people, rooms, strict=True)))
        elapsed = time.perf_counter() - started
    finally:
        for person in people:
            await person.close()
    ordered = sorted(latencies)
    return {"round_trips": len(latencies), "per_second": len(latencies) / elapsed,
            "p50_ms": statistics.median(ordered) * 1000,
            "p99_ms": ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000}


async def main(messages: int, citizen_counts: list[int], warmup: int) -> None:
    with tempfile.TemporaryDirectory(prefix="civicbot-bench-") as folder:
        root = Path(folder)
        async with Homeserver() as hs:
            adapter, task = await start_bot(hs, root / "bot")
            assert adapter.core is not None and adapter.session.client is not None
            handling = Stopwatch(adapter.core, "handle")
            sending = Stopwatch(adapter.session.client, "room_send")
            try:
                print(f"{'mode':<10} {'citizens':>8} {'round trips':>12} {'per second':>11} "
                      f"{'p50 ms':>7} {'p99 ms':>7}")
                for count in citizen_counts:
                    for encrypted in (True, False):
                        result = await run_mode(hs, adapter.user_id, root / "citizens",
                                                encrypted=encrypted, citizens=count,
                                                messages=messages, warmup=warmup)
                        mode = "encrypted" if encrypted else "plain"
                        print(f"{mode:<10} {count:>8} {result['round_trips']:>12.0f} "
                              f"{result['per_second']:>11.1f} {result['p50_ms']:>7.1f} "
                              f"{result['p99_ms']:>7.1f}", flush=True)
                print(f"medians over the run: Core.handle {handling.median_ms():.1f} ms, "
                      f"Synapse accepting one event (bot's room_send) "
                      f"{sending.median_ms():.1f} ms")
            finally:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=200,
                        help="round trips per citizen and mode (default 200)")
    parser.add_argument("--citizens", type=int, nargs="+", default=[1, 4],
                        help="numbers of citizens writing at once (default: 1 4)")
    parser.add_argument("--warmup", type=int, default=5, help="untimed round trips first")
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    asyncio.run(main(args.messages, args.citizens, args.warmup))
