"""The Matrix sync loop, our own (not nio's `sync_forever`), and the worker behind it.

Every sync becomes one `Batch` of `Work` that a separate task handles (Core.handle is never
awaited inside the sync), rooms in parallel and each room in order. The sync position is saved
when a batch is *done*, and each handled event is journalled (`MatrixState`), so a restart
neither answers twice nor skips a message. A device logged out under us means logging in
again (with a password); an unreachable homeserver is waited out.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import nio

from bot.adapters.base import DeliveryError
from bot.adapters.matrix.inbound import fresh_timeline
from bot.adapters.matrix.session import NETWORK_ERRORS, FatalMatrixError, Session

# One logger for the whole adapter, named as before it was a package.
log = logging.getLogger("bot.adapters.matrix")

# Synapse returns only 10 timeline events per room and sync unless asked for more; typing
# notices, read receipts and presence would only wake the sync loop for nothing.
SYNC_FILTER = {
    "room": {"timeline": {"limit": 100}, "ephemeral": {"types": []}},
    "presence": {"types": []},
}
SYNC_TIMEOUT_MS = 30_000
PARALLEL_ROOMS = 8


@dataclass(slots=True)
class Work:
    room_id: str
    kind: str  # event | invite | members | left
    event: Any = None


@dataclass(slots=True)
class Batch:
    """What one sync brought; `token` is saved once all of it is handled."""

    token: str
    items: list[Work] = field(default_factory=list)


class Sync:
    """Syncs with the homeserver through the session's client and queues what each brought
    for `work`; `ready` once logged in and the first sync is in, `stopping` once asked to."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.queue: asyncio.Queue[Batch | None] = asyncio.Queue(maxsize=64)
        self.ready = asyncio.Event()
        self.stopping = asyncio.Event()
        self._task: asyncio.Task[Any] | None = None

    def stop(self) -> None:
        self.stopping.set()
        if self._task is not None:
            self._task.cancel()

    async def hand_over(self, batch: Batch) -> None:
        """The first batch after a login: queued, and sending may begin."""
        await self.queue.put(batch)
        self.ready.set()

    async def connect(self) -> Batch | None:
        """Log in (or restore the session) and sync once; waits out an unreachable server."""
        delay = 1.0
        while not self.stopping.is_set():
            try:
                await self.session.log_in()
                return await self._first_sync()
            except (nio.exceptions.LocalProtocolError, FatalMatrixError):
                raise
            except (*NETWORK_ERRORS, DeliveryError) as error:
                log.warning(
                    "Matrix homeserver not reachable yet (%s); retrying in %.0fs",
                    type(error).__name__,
                    delay,
                )
                await self.session.drop_client()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self.stopping.wait(), delay)
                delay = min(delay * 2, 60)
        return None

    async def _first_sync(self) -> Batch:
        """A full-state sync puts every room into client.rooms (needed before sending). On the
        very first start its timelines are history and ignored; later it is what came while we
        were away."""
        assert self.session.client is not None and self.session.state is not None
        token = self.session.state.sync_token
        answer = await self.session.client.sync(
            timeout=0, sync_filter=SYNC_FILTER, since=token, full_state=True
        )
        if not isinstance(answer, nio.SyncResponse):
            self._check_sync_error(answer)
            raise DeliveryError(f"first sync failed: {answer.status_code}")
        await self._crypto_chores()
        batch = batch_of(answer, self.session.user_id, timelines=token is not None)
        for room_id in list(self.session.client.rooms):  # rooms left empty while we were away
            batch.items.append(Work(room_id, "members"))
        log.info(
            "Matrix: %s as device %s, %d rooms",
            self.session.user_id,
            self.session.client.device_id,
            len(self.session.client.rooms),
        )
        return batch

    async def loop(self) -> None:
        assert self.session.client is not None
        delay = 1.0
        while not self.stopping.is_set():
            self._task = asyncio.create_task(
                self.session.client.sync(timeout=SYNC_TIMEOUT_MS, sync_filter=SYNC_FILTER)
            )
            try:
                answer = await self._task
            except asyncio.CancelledError:
                if self.stopping.is_set():
                    return
                raise
            except (*NETWORK_ERRORS, nio.exceptions.LocalProtocolError) as error:
                answer = error
            finally:
                self._task = None
            if self._revoked(answer) and await self._log_in_again():
                continue
            if not isinstance(answer, nio.SyncResponse):
                log.warning(
                    "Matrix sync failed (%s); retrying in %.0fs", _error_name(answer), delay
                )
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self.stopping.wait(), delay)
                delay = min(delay * 2, 60)
                continue
            delay = 1.0
            await self._crypto_chores()
            await self.queue.put(batch_of(answer, self.session.user_id, timelines=True))

    @staticmethod
    def _revoked(answer: object) -> bool:
        return isinstance(answer, nio.ErrorResponse) and answer.status_code == "M_UNKNOWN_TOKEN"

    def _check_sync_error(self, answer: object) -> None:
        if self._revoked(answer):
            raise FatalMatrixError("the Matrix access token was revoked (the bot's device was "
                                   "logged out); set a new CIVICBOT_MATRIX_ACCESS_TOKEN")

    async def _log_in_again(self) -> bool:
        """The device was logged out under us ("sign out all sessions"): with a password we
        continue as a new device; with only an access token there is nothing we can do."""
        if not self.session.config.matrix_password:
            self._check_sync_error(nio.SyncError("revoked", "M_UNKNOWN_TOKEN"))
        log.warning("the Matrix device was logged out; logging in again")
        self.ready.clear()
        await self.session.drop_client()
        batch = await self.connect()
        if batch is None:
            return False  # stopping
        await self.hand_over(batch)
        return True

    async def _crypto_chores(self) -> None:
        """What sync_forever does between syncs: to-device messages, keys."""
        client = self.session.client
        assert client is not None
        async with self.session.crypto_lock:
            try:
                await client.send_to_device_messages()
                if client.should_upload_keys:
                    await client.keys_upload()
                if client.should_query_keys:
                    await client.keys_query()
                if client.should_claim_keys:
                    await client.keys_claim(client.get_users_for_key_claiming())
            except (*NETWORK_ERRORS, nio.exceptions.LocalProtocolError) as error:
                log.warning(
                    "Matrix key maintenance failed (%s); again after the next sync",
                    type(error).__name__,
                )

    async def work(self, handle: Callable[[Work], Awaitable[None]]) -> None:
        """Handle each batch, rooms in parallel and each room in order, then save its
        position (until `finish_work`)."""
        assert self.session.state is not None
        while True:
            batch = await self.queue.get()
            if batch is None:
                return
            lanes: dict[str, list[Work]] = {}
            for item in batch.items:
                lanes.setdefault(item.room_id, []).append(item)
            limit = asyncio.Semaphore(PARALLEL_ROOMS)
            await asyncio.gather(
                *(self._lane(items, limit, handle) for items in lanes.values())
            )
            try:
                await self.session.state.checkpoint(batch.token)
            except sqlite3.Error as error:  # the journal still keeps us from answering twice
                log.error("Matrix: could not save the sync position (%s)", error)

    async def _lane(
        self, items: list[Work], limit: asyncio.Semaphore, handle: Callable[[Work], Awaitable[None]]
    ) -> None:
        async with limit:
            for item in items:
                try:
                    await handle(item)
                except Exception:  # one bad event never stops the others
                    log.exception("Matrix: handling a %s in %s failed", item.kind, item.room_id)

    async def finish_work(self, worker: asyncio.Task[None]) -> None:
        """Let the worker handle what was already synced (at most 30 s), then end it."""
        await self.queue.put(None)
        try:
            await asyncio.wait_for(asyncio.shield(worker), 30)
        except TimeoutError:
            log.warning(
                "Matrix: stopping before all synced messages were handled; "
                "they are handled after the restart"
            )
            worker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await worker


def batch_of(answer: nio.SyncResponse, bot_id: str, *, timelines: bool) -> Batch:
    """The work a sync brought: the invites of the bot, the new events of others (with
    `timelines`; a first start ignores history), member changes, rooms left."""
    batch = Batch(answer.next_batch)
    for room_id, invited in answer.rooms.invite.items():
        ours = [
            e
            for e in invited.invite_state
            if isinstance(e, nio.InviteMemberEvent)
            and e.state_key == bot_id
            and e.membership == "invite"
        ]
        batch.items.append(Work(room_id, "invite", ours[-1] if ours else None))
    for room_id, info in answer.rooms.join.items():
        events = fresh_timeline(info.timeline.events, bot_id) if timelines else []
        batch.items.extend(
            Work(room_id, "event", e)
            for e in events
            if getattr(e, "sender", None) != bot_id
        )
        if any(isinstance(e, nio.RoomMemberEvent) for e in info.timeline.events):
            batch.items.append(Work(room_id, "members"))
    for room_id in answer.rooms.leave:
        batch.items.append(Work(room_id, "left"))
    return batch


def _error_name(answer: object) -> str:
    if isinstance(answer, nio.ErrorResponse):
        return str(answer.status_code or "error")
    return type(answer).__name__
