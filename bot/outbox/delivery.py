"""The delivery worker: the one path by which proactive messages leave the outbox.

It claims due rows atomically (so several workers never take the same row), sends them through
the adapter of their platform at that platform's pace, and records each outcome. See
docs/ARCHITECTURE.md for what is exactly once and why.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from datetime import timedelta

from bot.adapters.base import Adapter, DeliveryError, OutcomeUnknown, RetryLater, Unreachable
from bot.clock import Clock
from bot.ops.metrics import DELIVERY_FAILURES, MESSAGES_OUT
from bot.pipeline.types import Address, replies_from_json
from storage.base import OutboxItem, Store

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
LEASE = timedelta(minutes=5)  # a claim older than this belongs to a worker that died
# Kinds a person only gets while subscribed (checked again at sending time).
SUBSCRIBER_KINDS = {"broadcast", "deadline-reminder"}
# Told how a row of its kind ended: (row, the platform's message id when sent, else None,
# the error when it failed for good, else None).
OutcomeHook = Callable[[OutboxItem, str | None, str | None], Awaitable[None]]


def backoff(attempts: int) -> timedelta:
    return timedelta(seconds=min(2**attempts, 600))


class Pacer:
    """Keeps one platform's overall sending rate (a token bucket of one)."""

    def __init__(self, per_second: float) -> None:
        self.interval = 1.0 / per_second if per_second > 0 else 0.0
        self.next_slot = 0.0

    async def wait(self) -> None:
        now = time.monotonic()
        if self.next_slot > now:
            await asyncio.sleep(self.next_slot - now)
        self.next_slot = max(now, self.next_slot) + self.interval


class DeliveryWorker:
    def __init__(
        self,
        store: Store,
        adapters: list[Adapter],
        clock: Clock,
        worker_id: str,
        lease: timedelta = LEASE,
    ) -> None:
        self.store = store
        self.lease = lease
        self.adapters = adapters
        self.clock = clock
        self.worker_id = worker_id
        self.pacers = {a.platform: Pacer(a.messages_per_second()) for a in adapters}
        self._lock = asyncio.Lock()
        self.outcome_hooks: dict[str, OutcomeHook] = {}  # by kind (capabilities register)

    async def recover(self) -> int:
        """At start: settle rows an earlier run of this worker left half-sent, and rows of any
        worker whose lease ran out."""
        return await self._settle(self.worker_id)

    async def recover_expired(self) -> int:
        """Periodically: settle rows of workers whose lease ran out (a replica that died).
        Never our own rows: this worker may be sending them right now."""
        return await self._settle(worker="")

    async def _settle(self, worker: str) -> int:
        idempotent = tuple(
            a.platform for a in self.adapters if getattr(a, "idempotent_sends", False)
        )
        settled = await self.store.recover_outbox(worker, self.clock.now() - self.lease, idempotent)
        if settled:
            log.warning("settled %d outbox messages left by a worker that stopped", settled)
        return settled

    async def drain(self) -> int:
        """Send everything due now; returns how many rows were handled."""
        async with self._lock:  # one drain at a time per process
            handled = 0
            for adapter in self.adapters:
                handled += await self._drain_adapter(adapter)
            return handled

    async def _drain_adapter(self, adapter: Adapter) -> int:
        handled = 0
        batch_size = max(1, min(100, int(adapter.messages_per_second() * 2)))
        while True:
            items = await self.store.claim_outbox(
                adapter.platform,
                adapter.outbox_scope(),
                self.worker_id,
                self.clock.now(),
                batch_size,
            )
            if not items:
                return handled
            for item in items:
                await self._deliver(adapter, item)
            handled += len(items)

    async def _deliver(self, adapter: Adapter, item: OutboxItem) -> None:
        skip = await self._skip_reason(item)
        if skip:
            await self.store.finish_outbox(item.id, "skipped", self.clock.now(), skip)
            return
        await self.pacers[adapter.platform].wait()
        await self.store.begin_send(item.id)
        try:
            sent_id = await adapter.send(
                Address(item.platform, item.chat_id),
                replies_from_json(item.body),
                key=f"outbox-{item.id}",
            )
        except RetryLater as error:
            DELIVERY_FAILURES.labels(item.platform, "rate-limited").inc()
            await self.store.retry_outbox(
                item.id, self.clock.now() + timedelta(seconds=error.seconds), str(error)
            )
        except OutcomeUnknown as error:
            # It may have arrived: sending it again could make a copy, which we refuse.
            log.warning("outbox message %d on %s: outcome unknown, not sent again",
                        item.id, item.platform)
            DELIVERY_FAILURES.labels(item.platform, "unknown").inc()
            await self.store.finish_outbox(item.id, "unknown", self.clock.now(), str(error)[:200])
        except Unreachable as error:
            log.info("recipient unreachable on %s; marked", item.platform)
            DELIVERY_FAILURES.labels(item.platform, "unreachable").inc()
            if item.person_id is not None:
                await self.store.set_unreachable(item.person_id, True)
            await self.store.finish_outbox(item.id, "failed", self.clock.now(), str(error)[:200])
            await self._tell_outcome(item, None, "unreachable")
        except Exception as error:  # transient or unexpected: retry with backoff, then give up
            if not isinstance(error, DeliveryError):
                log.exception("adapter %s failed to send", item.platform)
            DELIVERY_FAILURES.labels(item.platform, "error").inc()
            if item.attempts >= MAX_ATTEMPTS:
                await self.store.finish_outbox(
                    item.id, "failed", self.clock.now(), type(error).__name__
                )
                await self._tell_outcome(item, None, type(error).__name__)
            else:
                await self.store.retry_outbox(
                    item.id, self.clock.now() + backoff(item.attempts), type(error).__name__
                )
        else:
            await self._tell_outcome(item, sent_id, None)
            await self.store.finish_outbox(item.id, "sent", self.clock.now())
            MESSAGES_OUT.labels(item.platform, item.kind).inc()

    async def _tell_outcome(
        self, item: OutboxItem, sent_id: str | None, error: str | None
    ) -> None:
        hook = self.outcome_hooks.get(item.kind)
        if hook is None:
            return
        try:
            await hook(item, sent_id, error)
        except Exception:  # the row's own state is recorded whatever the hook does
            log.exception("outcome hook for %s failed", item.kind)

    async def _skip_reason(self, item: OutboxItem) -> str | None:
        if item.person_id is None:
            return None if item.kind not in SUBSCRIBER_KINDS else "no person"
        person = await self.store.get_person(item.person_id)
        if person is None:
            return "forgotten"
        if person.unreachable:
            return "unreachable"
        if item.kind in SUBSCRIBER_KINDS and not person.subscribed:
            return "unsubscribed"
        return None
