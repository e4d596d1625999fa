"""The operations endpoint: /healthz (alive), /readyz (database and adapters ready) and
/metrics (Prometheus), on CIVICBOT_OPS_LISTEN (off when unset)."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Protocol

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from bot.adapters.base import Adapter
from bot.config import Config
from bot.ops.metrics import OUTBOX_DEPTH
from storage.base import Store

log = logging.getLogger(__name__)
OUTBOX_STATES = ("pending", "claimed", "sending", "sent", "failed", "skipped", "unknown")


class App(Protocol):
    """What the endpoint reads of the running app (`bot.app.App` provides it)."""

    @property
    def store(self) -> Store: ...
    @property
    def adapters(self) -> Sequence[Adapter]: ...
    @property
    def config(self) -> Config: ...


async def readiness(app: App) -> tuple[bool, dict[str, str]]:
    checks: dict[str, str] = {}
    try:
        await app.store.ping()
        checks["database"] = "ok"
    except Exception as error:  # any failure means not ready; the reason is in the answer
        checks["database"] = type(error).__name__
    for adapter in app.adapters:
        ready = getattr(adapter, "is_ready", None)
        checks[adapter.platform] = "ok" if ready is None or ready() else "not connected"
    all_ready = all(value == "ok" for value in checks.values())
    # Reported, not counted: a staff chat that refuses messages must not take the bot out
    # of service for the citizens it still answers.
    if app.config.staff_chat:
        checks["staff_chat"] = await _staff_chat_check(app)
    return all_ready, checks


async def _staff_chat_check(app: App) -> str:
    try:
        status = await app.store.staff_chat_status(app.config.staff_chat)
    except Exception as error:
        return type(error).__name__
    if status is None:
        return "not used yet"
    return "ok" if status[0] else f"unreachable ({status[1]})"


async def update_outbox_depth(app: App) -> None:
    counts = await app.store.outbox_counts()
    for state in OUTBOX_STATES:
        OUTBOX_DEPTH.labels(state).set(counts.get(state, 0))


def build(app: App) -> web.Application:
    async def healthz(request: web.Request) -> web.Response:
        return web.json_response({"status": "ok"})

    async def readyz(request: web.Request) -> web.Response:
        ready, checks = await readiness(app)
        return web.json_response({"ready": ready, "checks": checks}, status=200 if ready else 503)

    async def metrics(request: web.Request) -> web.Response:
        await update_outbox_depth(app)
        return web.Response(body=generate_latest(), headers={"Content-Type": CONTENT_TYPE_LATEST})

    server = web.Application()
    server.add_routes(
        [web.get("/healthz", healthz), web.get("/readyz", readyz), web.get("/metrics", metrics)]
    )
    return server


async def start(app: App, listen: str) -> web.AppRunner:
    host, _, port = listen.rpartition(":")
    runner = web.AppRunner(build(app), access_log=None)
    await runner.setup()
    await web.TCPSite(runner, host, int(port)).start()
    log.info("operations endpoint on %s (/healthz, /readyz, /metrics)", listen)
    return runner
