"""Three real `civicbot run` replicas on one PostgreSQL database, Telegram in webhook mode
behind a round-robin load balancer (the Bot API emulator posts the updates). People register
for an event with capacity while one replica is killed with SIGKILL, then an announcement goes
out while another is killed: no seat oversold, no form answer lost, every subscriber gets the
announcement exactly once (one message may be left in doubt per kill, never doubled)."""

from __future__ import annotations

import asyncio
import itertools
import json
import signal
import subprocess
import time
from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp import ClientError, ClientSession, web

from storage.postgres import PostgresStore
from tests.conftest import CIVICBOT, ROOT, cli_env, forum_event, free_port, ops_ready, run_cli
from tests.telegram_emulator.harness import TelegramEmulator

PEOPLE = 24
CAPACITY = 8
NEWS = "The forum programme is online."
EVENT = forum_event(capacity=CAPACITY, fields=["name", "email"])


class LoadBalancer:
    """Round robin over the replicas' webhook listeners; a replica that refuses or drops the
    connection is skipped, as a load balancer with health checks does."""

    def __init__(self, ports: list[int]) -> None:
        self.ports = ports
        self.turn = itertools.cycle(range(len(ports)))
        self.port = free_port()
        self.served: Counter[int] = Counter()

    async def forward(self, request: web.Request) -> web.Response:
        body = await request.read()
        headers = {
            k: v
            for k, v in request.headers.items()
            if k.lower() in ("content-type", "x-telegram-bot-api-secret-token")
        }
        for _ in range(len(self.ports)):
            port = self.ports[next(self.turn)]
            try:
                async with (
                    ClientSession() as client,
                    client.post(
                        f"http://127.0.0.1:{port}{request.path}", data=body, headers=headers
                    ) as answer,
                ):
                    self.served[port] += 1
                    return web.Response(status=answer.status)
            except (ClientError, OSError):
                continue
        return web.Response(status=502)

    async def start(self) -> web.AppRunner:
        server = web.Application()
        server.router.add_post("/{path:.*}", self.forward)
        runner = web.AppRunner(server, access_log=None)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", self.port).start()
        return runner


def start_replica(
    folder: Path,
    database: str,
    emulator: TelegramEmulator,
    balancer: int,
    hook: int,
    ops: int,
    **settings: str,
) -> subprocess.Popen[bytes]:
    """`civicbot run` in Telegram webhook mode behind the load balancer, logging to a file."""
    env = cli_env(
        folder / f"replica-{hook}",
        CIVICBOT_DATABASE_URL=database,
        CIVICBOT_TELEGRAM_TOKEN=emulator.token,
        CIVICBOT_TELEGRAM_API_URL=emulator.api_base_url,
        CIVICBOT_TELEGRAM_WEBHOOK_URL=f"http://127.0.0.1:{balancer}/hook",
        CIVICBOT_TELEGRAM_WEBHOOK_LISTEN=f"127.0.0.1:{hook}",
        CIVICBOT_OPS_LISTEN=f"127.0.0.1:{ops}",
        **settings,
    )
    log = (folder / f"replica-{hook}.log").open("wb")
    return subprocess.Popen(
        [*CIVICBOT, "run"], cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=log
    )


@pytest.fixture
async def emulator() -> AsyncIterator[TelegramEmulator]:
    async with TelegramEmulator() as emu:
        yield emu


async def test_three_replicas_one_killed_lose_and_double_nothing(
    tmp_path: Path, database: str, emulator: TelegramEmulator
) -> None:
    events = tmp_path / "events.yaml"
    events.write_text(json.dumps(EVENT), encoding="utf-8")
    assert (
        run_cli(
            ["events", "import", str(events)], tmp_path, CIVICBOT_DATABASE_URL=database
        ).returncode
        == 0
    )
    hooks, ops = [free_port() for _ in range(3)], [free_port() for _ in range(3)]
    balancer = LoadBalancer(hooks)
    runner = await balancer.start()
    replicas = [
        start_replica(
            tmp_path,
            database,
            emulator,
            balancer.port,
            hook,
            op,
            CIVICBOT_DELIVERY_INTERVAL_SECONDS="0.2",
            CIVICBOT_OUTBOX_LEASE_SECONDS="4",
            CIVICBOT_FLOOD_BURST="1000",
        )
        for hook, op in zip(hooks, ops, strict=True)
    ]
    try:
        deadline = time.monotonic() + 60
        while not all(ops_ready(op) for op in ops):
            assert time.monotonic() < deadline, "replicas did not become ready"
            assert all(r.poll() is None for r in replicas), "a replica died at start"
            await asyncio.sleep(0.2)

        users = [1000 + i for i in range(PEOPLE)]
        rounds = [
            lambda u: "/subscribe",
            lambda u: "/register forum",
            lambda u: f"Person {u}",
            lambda u: f"person{u}@example.org",
        ]
        for number, text_of in enumerate(rounds):
            for user in users:
                if number == 2 and user == users[PEOPLE // 2]:
                    replicas[0].send_signal(signal.SIGKILL)  # mid-way through the forms
                await emulator.send_text(user, user, text_of(user))
        for data in ("f:reg:yes", "f:reg:yes"):  # consent (if asked) and the summary
            for user in users:
                await emulator.press_button(user, user, None, data, strict=False)

        store = await PostgresStore.open(database)
        registrations = await store.event_registrations("forum")
        confirmed = [r for r in registrations if r.status == "confirmed"]
        assert len(confirmed) == CAPACITY, "seats oversold or lost"
        assert len(registrations) == PEOPLE, "a registration was lost"
        assert {r.fields["email"] for r in registrations} == {
            f"person{u}@example.org" for u in users
        }, "a form answer was lost"

        news = tmp_path / "news.txt"
        news.write_text(NEWS, encoding="utf-8")
        sent = run_cli(
            ["broadcast", "--text-file", str(news), "--yes"],
            tmp_path,
            CIVICBOT_DATABASE_URL=database,
        )
        assert f"queued for {PEOPLE} recipient(s)" in sent.stdout, sent.stderr
        await asyncio.sleep(0.4)
        replicas[1].send_signal(signal.SIGKILL)  # mid-way through the announcement
        deadline = time.monotonic() + 60
        while True:
            counts = await store.outbox_counts()
            if (
                not counts.get("pending")
                and not counts.get("claimed")
                and not counts.get("sending")
            ):
                break
            assert time.monotonic() < deadline, f"announcement stuck: {counts}"
            await asyncio.sleep(0.3)
        in_doubt = counts.get("unknown", 0)
        await store.close()
        copies = Counter(
            m.chat_id for m in await emulator.bot_messages() if (m.text or "").startswith(NEWS)
        )
        assert max(copies.values()) == 1, "somebody got the announcement twice"
        assert len(copies) + in_doubt >= PEOPLE and in_doubt <= 1, "somebody got nothing"
        assert balancer.served[hooks[0]] and balancer.served[hooks[2]]
    finally:
        for replica in replicas:
            if replica.poll() is None:
                replica.send_signal(signal.SIGTERM)
        for replica in replicas:
            try:
                replica.wait(timeout=20)
            except subprocess.TimeoutExpired:
                replica.kill()
        await runner.cleanup()
