"""The inbox: incoming updates are recorded in the database before the platform is told they
arrived, then handled from there, lane by lane.

At-least-once in, one handling per update: an update is confirmed to the platform (Telegram's
next getUpdates offset, a webhook's 200) only once its row is committed, so a crash loses
nothing; the row's key (platform, update id) makes a second delivery of the same update a
no-op; a row left pending by a crash is handled at the next start (polling) or when the
platform delivers it again (webhook). Handling is two steps: the handler's replies are
recorded with the update (state `handled`), then sent; after a crash between the two the
recorded replies are sent, never a second handling (which would find the form already past
that step and answer "no longer open" instead of the confirmation). A lane (a private chat, or
one member of a group) is handled in arrival order, lanes concurrently, so one busy member
never holds up the others.

Flood control is counted when an update arrives, not when its turn comes: a burst is judged
as the burst it was, and what is over the limit is recorded as dropped, never queued.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import deque
from collections.abc import Awaitable, Callable
from datetime import timedelta

from bot.clock import Clock
from storage.base import InboxItem, InboxStore

log = logging.getLogger(__name__)

KEEP = timedelta(days=1)  # handled rows stay this long: redeliveries come within it
PRUNE_EVERY = 3600.0  # seconds between two prunes
STOP_GRACE = 5.0  # seconds a stop waits for the updates in hand; the rest wait for the next start
TAKE_OVER_AFTER = timedelta(seconds=60)  # a claim this old belongs to a replica that died

# handle(item) -> what to send (JSON, the adapter's shape) or None; deliver(item, that) sends it.
Handler = Callable[[InboxItem], Awaitable[str | None]]
Deliverer = Callable[[InboxItem, str], Awaitable[None]]


class Inbox:
    def __init__(
        self,
        store: InboxStore,
        clock: Clock,
        worker: str,
        handler: Handler,
        deliverer: Deliverer,
        *,
        concurrency: int = 1024,
        stop_grace: float = STOP_GRACE,
    ) -> None:
        self.store = store
        self.clock = clock
        self.worker = worker
        self.handler = handler
        self.deliverer = deliverer
        self.stop_grace = stop_grace
        self._slots = asyncio.Semaphore(concurrency)
        self._lanes: dict[str, deque[tuple[InboxItem, asyncio.Future[bool]]]] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self._stopping = False
        self._pruned_at = 0.0

    async def arrive(
        self, items: list[InboxItem], states: list[str]
    ) -> list[asyncio.Future[bool]]:
        """Record updates (pending, or dropped by flood control) and start handling the new
        pending ones; each future ends True once its update is handled, False if a stop left
        it for the next start. Already recorded ones are skipped."""
        added = set(await self.store.inbox_add(items, states, self.worker, self.clock.now()))
        await self._prune_now_and_then()
        return [
            self.dispatch(item)
            for item, state in zip(items, states, strict=True)
            if item.update_id in added and state == "pending"
        ]

    async def recover(self, platform: str) -> int:
        """At start (polling): what an earlier run recorded and did not handle."""
        items = await self.store.inbox_pending(platform)
        for item in items:
            self.dispatch(item)
        if items:
            log.info("%s: handling %d updates recorded before the restart", platform, len(items))
        return len(items)

    async def redelivered(self, item: InboxItem) -> str:
        """A platform delivered an update again: 'done' (handled or dropped: nothing to do),
        'busy' (a live worker has it: ask again later), 'taken' (its worker died: handled now)
        or 'abandoned' (taken, but a stop came first)."""
        state = await self.store.inbox_state(item.platform, item.update_id)
        if state is None or state[0] not in ("pending", "handled"):
            return "done"
        now = self.clock.now()
        taken = await self.store.inbox_take_over(
            item.platform, item.update_id, self.worker, now, now - TAKE_OVER_AFTER
        )
        if taken is None:
            return "busy"
        return "taken" if await self.dispatch(taken) else "abandoned"

    def dispatch(self, item: InboxItem) -> asyncio.Future[bool]:
        done: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        if self._stopping:
            done.set_result(False)
            return done
        lane = self._lanes.get(item.lane)
        if lane is None:
            lane = self._lanes[item.lane] = deque()
            task = asyncio.create_task(self._run_lane(item.lane, lane))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        lane.append((item, done))
        return done

    async def stop(self) -> None:
        """Take nothing more; wait a little for the updates in hand. The rest stay pending in
        the database for the next start: nothing is lost, and a stop never waits minutes."""
        self._stopping = True
        if not self._tasks:
            return
        _, late = await asyncio.wait(set(self._tasks), timeout=self.stop_grace)
        for task in late:
            task.cancel()
        if late:
            log.info("stopping: the updates of %d chats are left for the next start", len(late))
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.gather(*late, return_exceptions=True)

    async def _run_lane(
        self, key: str, lane: deque[tuple[InboxItem, asyncio.Future[bool]]]
    ) -> None:
        try:
            while lane and not self._stopping:
                item, done = lane.popleft()
                try:
                    async with self._slots:
                        await self._handle(item)
                    done.set_result(True)
                finally:
                    if not done.done():
                        done.set_result(False)
        finally:
            for _, done in lane:
                if not done.done():
                    done.set_result(False)
            if self._lanes.get(key) is lane:
                del self._lanes[key]

    async def _handle(self, item: InboxItem) -> None:
        try:
            replies = item.replies if item.state == "handled" else await self._answer(item)
            if replies:
                await self.deliverer(item, replies)
        except Exception as error:  # the adapter logs its own; a broken update is not retried
            log.error("%s: update %s failed (%s)", item.platform, item.update_id,
                      type(error).__name__)
        await self.store.inbox_done(item.platform, item.update_id, self.clock.now())

    async def _answer(self, item: InboxItem) -> str | None:
        replies = await self.handler(item)
        if replies:
            await self.store.inbox_handled(item.platform, item.update_id, replies)
        return replies

    async def _prune_now_and_then(self) -> None:
        now = time.monotonic()
        if now - self._pruned_at < PRUNE_EVERY:
            return
        self._pruned_at = now
        await self.store.inbox_prune(self.clock.now() - KEEP)
