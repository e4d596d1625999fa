"""Wiring: configuration -> storage -> core -> adapters, plus the clock that wakes workers.

APScheduler is only the alarm clock: every job reads its work from the database, so a restart
loses nothing that matters (see docs/ARCHITECTURE.md).
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import socket
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.clock import Clock, SystemClock
from bot.config import Config
from bot.i18n.translator import Catalogs
from bot.outbox.delivery import DeliveryWorker
from bot.pipeline.core import Core
from bot.pipeline.router import Routes
from storage import open_store

if TYPE_CHECKING:
    from bot.adapters.base import Adapter
    from storage.base import Store

log = logging.getLogger(__name__)


class App:
    def __init__(
        self, config: Config, store: Store, core: Core, adapters: list[Adapter], worker_id: str
    ) -> None:
        self.config = config
        self.store = store
        self.core = core
        self.adapters = adapters
        self.delivery = DeliveryWorker(
            store, adapters, core.clock, worker_id, timedelta(seconds=config.outbox_lease_seconds)
        )
        self.scheduler = AsyncIOScheduler(timezone=UTC)
        self._running: set[asyncio.Task[object]] = set()
        self._ops: Any = None  # the operations endpoint's runner, when configured
        core.on_enqueue = self.wake_delivery

    @classmethod
    async def create(
        cls,
        config: Config,
        adapters: list[Adapter],
        *,
        clock: Clock | None = None,
        worker_id: str | None = None,
    ) -> App:
        import handlers

        store = await open_store(config.database)
        try:
            core = Core(
                config,
                store,
                Catalogs(config.locales_dir),
                clock or SystemClock(),
                Routes(handlers.routers()),
            )
            app = cls(
                config, store, core, adapters, worker_id or f"{socket.gethostname()}:{os.getpid()}"
            )
            for setup in handlers.setups():
                await setup(app)
        except BaseException:
            await store.close()  # else its connection's thread keeps the process alive
            raise
        return app

    def add_job(self, job_id: str, func: Callable[[], Awaitable[object]], seconds: float) -> None:
        """A periodic job; never two runs of it at once, missed runs merged into one."""

        async def tracked() -> None:
            # Shutdown waits for running jobs instead of cancelling them half-way.
            task = asyncio.current_task()
            assert task is not None
            self._running.add(task)
            try:
                await func()
            finally:
                self._running.discard(task)

        self.scheduler.add_job(
            tracked,
            "interval",
            seconds=seconds,
            id=job_id,
            max_instances=1,
            coalesce=True,
            next_run_time=datetime.now(UTC),
            misfire_grace_time=None,
        )

    def wake_delivery(self) -> None:
        job = self.scheduler.get_job("deliver") if self.scheduler.running else None
        if job is not None:
            job.modify(next_run_time=datetime.now(UTC))

    async def start_workers(self) -> None:
        await self.delivery.recover()
        self.add_job("deliver", self.delivery.drain, self.config.delivery_interval_seconds)
        self.add_job("expire-forms", self.core.expire_idle_forms, 60)
        self.add_job(
            "recover-outbox",
            self.delivery.recover_expired,
            max(1.0, self.config.outbox_lease_seconds / 2),
        )
        self.scheduler.start()
        if self.config.ops_listen:
            from bot.ops import health

            self._ops = await health.start(self, self.config.ops_listen)

    async def run(self) -> None:
        """Run every adapter until all have finished (console: end of input) or we are stopped."""
        try:
            await self.start_workers()
            self._stop_on_signals()
            tasks = [asyncio.create_task(a.run(self.core), name=a.platform) for a in self.adapters]
            done, _ = await asyncio.wait(tasks, return_when=asyncio.FIRST_EXCEPTION)
            for task in done:
                task.result()  # re-raise an adapter's failure
        finally:
            await self.shutdown()

    def _stop_on_signals(self) -> None:
        """SIGTERM (docker stop, systemd) and SIGINT end the adapters gracefully: updates in
        hand are finished and acknowledged, the delivery worker drains what is due."""
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            try:
                loop.add_signal_handler(signum, self._request_stop)
            except (NotImplementedError, RuntimeError):  # not the main thread / platform
                return

    def _request_stop(self) -> None:
        log.info("stopping on a signal")
        for adapter in self.adapters:
            asyncio.get_running_loop().create_task(adapter.stop())

    async def shutdown(self) -> None:
        """Stop everything that was started, also after a failed start: each step is tried,
        and the store is always closed (its connection's thread would keep us alive)."""
        try:
            if self.scheduler.running:
                self.scheduler.pause()
                await asyncio.gather(*self._running, return_exceptions=True)
                self.scheduler.shutdown(wait=False)
            for step in (self.delivery.drain, *(a.stop for a in self.adapters)):
                try:
                    await step()  # drain: what came due while we finished still goes out
                except Exception as error:  # after a failed start: its cause is reported
                    log.info("shutdown: %s failed (%s)", step.__qualname__, type(error).__name__)
                    log.debug("shutdown step failed", exc_info=True)
            if self._ops is not None:
                await self._ops.cleanup()
        finally:
            await self.store.close()
