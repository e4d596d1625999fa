"""The Matrix adapter: matrix-nio with end-to-end encryption (`civicbot run` with Matrix set up).

- Login once with the password (or take a given access token), then keep device id + access
  token in the adapter's state next to nio's crypto store and `restore_login` on every start:
  the encryption keys belong to that device and that store, together.
- A sync loop of our own (not `sync_forever`): every sync becomes one batch of work that a
  separate task handles (Core.handle is never awaited inside the sync), rooms in parallel and
  each room in order. The sync position is saved when a batch is *done*, and each handled event
  is journalled, so a restart neither answers twice nor skips a message.
- Sending is one path, `send`, for replies and for the outbox: every event gets a transaction id
  derived from the caller's key and the reply itself, so a retried send is a no-op for Synapse.
  Nothing is ever sent in clear into an encrypted room.
- Buttons become a numbered list (answer with the number or the label) and, for up to ten
  options, keycap reactions (1️⃣ 2️⃣ ...) the person can tap; the options of each room persist.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
import time
import uuid
from collections import deque
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import nio
from nio.api import Api

from bot.adapters.base import DeliveryError, RetryLater, Unreachable
from bot.adapters.matrix.inbound import PLATFORM, Seen, fresh_timeline, incoming, is_private
from bot.adapters.matrix.outbound import (
    choice_hint,
    file_content,
    message_content,
    reaction_content,
    transaction_id,
    with_reactions,
)
from bot.adapters.matrix.session import NETWORK_ERRORS, FatalMatrixError, Session
from bot.config import Config
from bot.i18n import N_, Translator
from bot.types import (
    Address,
    Attachment,
    Button,
    Incoming,
    Reply,
    Rich,
    link,
)

if TYPE_CHECKING:
    from bot.core import Core

# One logger for the whole adapter, named as before it was a package.
log = logging.getLogger("bot.adapters.matrix")

# Synapse returns only 10 timeline events per room and sync unless asked for more; typing
# notices, read receipts and presence would only wake the sync loop for nothing.
SYNC_FILTER = {
    "room": {"timeline": {"limit": 100}, "ephemeral": {"types": []}},
    "presence": {"types": []},
}
SYNC_TIMEOUT_MS = 30_000
MAX_REPLY_ATTEMPTS = 5
READY_TIMEOUT = 30.0
HINT_INTERVAL = 60.0  # at most one "could not decrypt" hint per room and minute
PARALLEL_ROOMS = 8
SENT_REMEMBERED = 20  # per room: the bot's messages a reply to which counts as addressed
UNDECRYPTABLE = N_(
    "I could not decrypt your last message, so I could not read it. Please send "
    "it again. If this keeps happening, start a new direct chat with me."
)
OPEN_PRIVATE_CHAT = N_("Open a private chat with me")


class PlaintextRefused(DeliveryError):
    """The room is encrypted but the crypto store is not loaded: we never send in clear."""


# -- the adapter -------------------------------------------------------------------------------


@dataclass(slots=True)
class Work:
    room_id: str
    kind: str  # event | invite | left
    event: Any = None


@dataclass(slots=True)
class Batch:
    """What one sync brought; `token` is saved once all of it is handled."""

    token: str
    items: list[Work] = field(default_factory=list)


class MatrixAdapter:
    platform = PLATFORM
    # Every event carries a transaction id derived from the outbox key: Synapse drops a copy,
    # so the delivery worker may send a row again that a crash left half-sent.
    idempotent_sends = True

    def __init__(self, config: Config) -> None:
        self.session = Session(config)
        self.config = config
        self.homeserver = self.session.homeserver
        self.user_id = self.session.user_id
        self.core: Core | None = None
        self._queue: asyncio.Queue[Batch | None] = asyncio.Queue(maxsize=64)
        self._ready = asyncio.Event()
        self._stopping = asyncio.Event()
        self._finished = asyncio.Event()
        self._running = False
        self._sync_task: asyncio.Task[Any] | None = None
        self._room_locks: dict[str, asyncio.Lock] = {}
        self._last_hint: dict[str, float] = {}
        self._last_sender: dict[str, str] = {}
        # room -> the bot's latest event ids: a reply to one of them is addressed to the bot
        self._sent: dict[str, deque[str]] = {}

    # -- the protocol ------------------------------------------------------------------------

    def outbox_scope(self) -> str | None:
        return None

    def messages_per_second(self) -> float:
        return 10.0  # a homeserver with the bot's rate limit lifted; see README

    async def run(self, core: Core) -> None:
        self.core = core
        core.private_chat_links[PLATFORM] = self._private_chat_link
        self._running = True
        worker: asyncio.Task[None] | None = None
        try:
            first = await self._start()
            if first is None:
                return  # stopped while starting
            worker = asyncio.create_task(self._work(), name="matrix-worker")
            await self._queue.put(first)
            self._ready.set()
            await self._sync_loop()
        finally:
            await self._finish(worker)

    async def wait_until_ready(self) -> None:
        """Until logged in and the first sync is in (for tests, benchmarks, health checks)."""
        await self._ready.wait()

    async def stop(self) -> None:
        self._stopping.set()
        if self._sync_task is not None:
            self._sync_task.cancel()
        if self._running:
            await self._finished.wait()

    def _private_chat_link(self, t: Translator, command: str) -> Rich:
        return Rich((link(t.gettext(OPEN_PRIVATE_CHAT), f"https://matrix.to/#/{self.user_id}"),))

    # -- starting: store, login, keys, first sync -------------------------------------------

    async def _start(self) -> Batch | None:
        await self.session.open()
        return await self._connect()

    async def _connect(self) -> Batch | None:
        """Log in (or restore the session) and sync once; waits out an unreachable server."""
        delay = 1.0
        while not self._stopping.is_set():
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
                    await asyncio.wait_for(self._stopping.wait(), delay)
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
        batch = self._batch(answer, timelines=token is not None)
        for room_id in list(self.session.client.rooms):  # rooms left empty while we were away
            batch.items.append(Work(room_id, "members"))
        log.info(
            "Matrix: %s as device %s, %d rooms",
            self.user_id,
            self.session.client.device_id,
            len(self.session.client.rooms),
        )
        return batch

    # -- the sync loop ---------------------------------------------------------------------

    async def _sync_loop(self) -> None:
        assert self.session.client is not None
        delay = 1.0
        while not self._stopping.is_set():
            self._sync_task = asyncio.create_task(
                self.session.client.sync(timeout=SYNC_TIMEOUT_MS, sync_filter=SYNC_FILTER)
            )
            try:
                answer = await self._sync_task
            except asyncio.CancelledError:
                if self._stopping.is_set():
                    return
                raise
            except (*NETWORK_ERRORS, nio.exceptions.LocalProtocolError) as error:
                answer = error
            finally:
                self._sync_task = None
            if self._revoked(answer) and await self._log_in_again():
                continue
            if not isinstance(answer, nio.SyncResponse):
                log.warning(
                    "Matrix sync failed (%s); retrying in %.0fs", _error_name(answer), delay
                )
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._stopping.wait(), delay)
                delay = min(delay * 2, 60)
                continue
            delay = 1.0
            await self._crypto_chores()
            await self._queue.put(self._batch(answer, timelines=True))

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
        if not self.config.matrix_password:
            self._check_sync_error(nio.SyncError("revoked", "M_UNKNOWN_TOKEN"))
        log.warning("the Matrix device was logged out; logging in again")
        self._ready.clear()
        await self.session.drop_client()
        batch = await self._connect()
        if batch is None:
            return False  # stopping
        await self._queue.put(batch)
        self._ready.set()
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

    def _batch(self, answer: nio.SyncResponse, *, timelines: bool) -> Batch:
        batch = Batch(answer.next_batch)
        for room_id, invited in answer.rooms.invite.items():
            ours = [
                e
                for e in invited.invite_state
                if isinstance(e, nio.InviteMemberEvent)
                and e.state_key == self.user_id
                and e.membership == "invite"
            ]
            batch.items.append(Work(room_id, "invite", ours[-1] if ours else None))
        for room_id, info in answer.rooms.join.items():
            events = fresh_timeline(info.timeline.events, self.user_id) if timelines else []
            batch.items.extend(
                Work(room_id, "event", e)
                for e in events
                if getattr(e, "sender", None) != self.user_id
            )
            if any(isinstance(e, nio.RoomMemberEvent) for e in info.timeline.events):
                batch.items.append(Work(room_id, "members"))
        for room_id in answer.rooms.leave:
            batch.items.append(Work(room_id, "left"))
        return batch

    # -- the worker ------------------------------------------------------------------------

    async def _work(self) -> None:
        assert self.session.state is not None
        while True:
            batch = await self._queue.get()
            if batch is None:
                return
            lanes: dict[str, list[Work]] = {}
            for item in batch.items:
                lanes.setdefault(item.room_id, []).append(item)
            limit = asyncio.Semaphore(PARALLEL_ROOMS)
            await asyncio.gather(*(self._lane(items, limit) for items in lanes.values()))
            try:
                await self.session.state.checkpoint(batch.token)
            except sqlite3.Error as error:  # the journal still keeps us from answering twice
                log.error("Matrix: could not save the sync position (%s)", error)

    async def _lane(self, items: list[Work], limit: asyncio.Semaphore) -> None:
        async with limit:
            for item in items:
                try:
                    await self._handle(item)
                except Exception:  # one bad event never stops the others
                    log.exception("Matrix: handling a %s in %s failed", item.kind, item.room_id)

    async def _handle(self, item: Work) -> None:
        if item.kind == "invite":
            await self._on_invite(item.room_id, item.event)
        elif item.kind == "members":
            await self._leave_if_empty(item.room_id)
        elif item.kind == "left":
            assert self.session.state is not None
            await self.session.state.forget_room(item.room_id)
        else:
            await self._on_event(item.room_id, item.event)

    async def _on_event(self, room_id: str, event: Any) -> None:
        state, client = self.session.state, self.session.client
        assert state is not None and client is not None and self.core is not None
        event_id = getattr(event, "event_id", None)
        room = client.rooms.get(room_id)
        if not event_id or room is None or state.handled(event_id):
            return
        if isinstance(event, nio.MegolmEvent):
            await self._on_undecryptable(room, event)
        else:
            message = self._incoming(room, event)
            if message is not None:
                self._last_sender[room_id] = message.user_id
                replies = await self.core.handle(message)
                if replies:
                    await self._reply(message.address, replies, key=f"re:{event_id}")
        await state.mark_handled(event_id)

    # -- turning events into Incoming ------------------------------------------------------

    def _incoming(self, room: nio.MatrixRoom, event: Any) -> Incoming | None:
        """`inbound.incoming` with what the adapter knows of the room."""
        assert self.session.state is not None and self.core is not None
        options, option_events = self.session.state.options(room.room_id)
        return incoming(room, event, Seen(
            bot_id=self.user_id,
            private=self._is_private(room),
            options=options,
            option_events=option_events,
            sent=self._sent.get(room.room_id, ()),
            commands=self.core.routes.commands,
            homeserver=self.homeserver,
            access_token=self.session.access_token,
        ))

    def _is_private(self, room: nio.MatrixRoom) -> bool:
        assert self.session.state is not None
        return is_private(room, self.user_id, self.session.state.direct_peer(room.room_id))

    # -- rooms: invites, empty rooms ---------------------------------------------------------

    async def _on_invite(self, room_id: str, invite: Any) -> None:
        assert self.session.client is not None and self.session.state is not None
        direct = bool(invite is not None and (invite.content or {}).get("is_direct"))
        if not direct and not self.config.matrix_group_rooms:
            log.info("Matrix: declining the invite to group room %s (group rooms are off)", room_id)
            await self.session.client.room_leave(room_id)
            return
        answer = await self.session.client.join(room_id)
        if isinstance(answer, nio.JoinError):
            log.warning("Matrix: could not join %s (%s)", room_id, answer.status_code)
            return
        if direct:
            await self.session.state.set_direct(room_id, invite.sender)
        log.info("Matrix: joined %s room %s", "direct" if direct else "group", room_id)

    async def _leave_if_empty(self, room_id: str) -> None:
        assert self.session.client is not None and self.session.state is not None
        room = self.session.client.rooms.get(room_id)
        if room is None or any(u != self.user_id for u in room.users):
            return
        log.info("Matrix: leaving room %s, nobody else is in it", room_id)
        await self.session.client.room_leave(room_id)
        await self.session.client.room_forget(room_id)
        await self.session.state.forget_room(room_id)

    # -- undecryptable messages --------------------------------------------------------------

    async def _on_undecryptable(self, room: nio.MatrixRoom, event: nio.MegolmEvent) -> None:
        log.warning(
            "Matrix: could not decrypt a message in %s (session %s, device %s)",
            room.room_id,
            event.session_id,
            event.device_id,
        )
        if not self._is_private(room):
            return
        now = time.monotonic()
        if now - self._last_hint.get(room.room_id, -HINT_INTERVAL) < HINT_INTERVAL:
            return
        self._last_hint[room.room_id] = now
        translator = await self._translator_for(event.sender)
        await self._reply(
            Address(PLATFORM, room.room_id),
            [Reply.of(translator.gettext(UNDECRYPTABLE))],
            key=f"re:{event.event_id}",
        )

    async def _translator_for(self, user_id: str | None) -> Translator:
        assert self.core is not None
        locale = self.config.default_locale
        if user_id:
            person = await self.core.store.find_person(PLATFORM, user_id)
            if person is not None:
                locale = person.locale or person.hint_locale or locale
        return self.core.translator(locale)

    # -- sending -----------------------------------------------------------------------------

    async def _reply(self, address: Address, replies: list[Reply], *, key: str) -> None:
        """Answer an incoming message through `send`, riding out a 429 or a network hiccup
        (the transaction ids make every retry harmless)."""
        for attempt in range(1, MAX_REPLY_ATTEMPTS + 1):
            try:
                await self.send(address, replies, key=key)
                return
            except RetryLater as error:
                wait = min(error.seconds, 30.0)
            except Unreachable:
                log.info("Matrix: could not answer in %s, the room is gone", address.chat_id)
                return
            except DeliveryError as error:
                wait = min(2.0**attempt, 30.0)
                log.warning("Matrix: answering failed (%s), attempt %d", error, attempt)
            if self._stopping.is_set() and attempt > 1:
                break
            await asyncio.sleep(wait)
        log.error("Matrix: gave up answering in %s", address.chat_id)

    async def send(
        self, address: Address, replies: list[Reply], *, key: str | None = None
    ) -> str | None:
        """Returns the event id of the first message sent (a reply to it names it)."""
        await self._wait_ready()
        room_id = self._deliverable_room(address.chat_id)
        key = key or uuid.uuid4().hex
        lock = self._room_locks.setdefault(room_id, asyncio.Lock())
        try:
            async with lock:  # options and reactions of one room stay in step
                return await self._send_replies(room_id, replies, key)
        except (DeliveryError, Unreachable):
            raise
        except Exception as error:  # e.g. the client was replaced under us by a new login
            log.exception("Matrix: unexpected failure while sending")
            raise DeliveryError(type(error).__name__) from None

    async def _send_replies(self, room_id: str, replies: list[Reply], key: str) -> str | None:
        assert self.session.state is not None
        total = sum(len(r.all_buttons) for r in replies)
        hint_index = max((i for i, r in enumerate(replies) if r.buttons), default=-1)
        hint = await self._choice_hint(room_id, total) if total else None
        options: list[Button] = []
        option_events: list[str] = []
        sent = self._sent.setdefault(room_id, deque(maxlen=SENT_REMEMBERED))
        reactions: list[tuple[int, str, int]] = []  # (reply index, event id, option number)
        first: str | None = None
        for index, reply in enumerate(replies):
            content = message_content(
                reply, len(options) + 1, total, hint if index == hint_index else None
            )
            event_id = await self._send_event(
                room_id, "m.room.message", content, transaction_id(key, index, "text", reply)
            )
            sent.append(event_id)
            first = first or event_id
            if reply.attachment is not None:
                await self._send_file(
                    room_id, reply.attachment, transaction_id(key, index, "file", reply)
                )
            for button in reply.all_buttons:
                options.append(button)
                reactions.append((index, event_id, len(options)))
            if reply.buttons:
                option_events.append(event_id)
        await self.session.state.set_options(room_id, options, option_events)
        if with_reactions(total):
            for index, event_id, number in reactions:
                await self._send_event(
                    room_id,
                    "m.reaction",
                    reaction_content(event_id, number),
                    transaction_id(key, index, f"r{number}", replies[index]),
                )
        return first

    async def _choice_hint(self, room_id: str, total: int) -> str:
        assert self.session.state is not None
        person = self.session.state.direct_peer(room_id) or self._last_sender.get(room_id)
        translator = await self._translator_for(person)
        return translator.gettext(choice_hint(total))

    async def _send_file(self, room_id: str, attachment: Attachment, txn: str) -> None:
        assert self.session.client is not None
        encrypted = self._encrypted(room_id)
        data = attachment.content
        try:
            upload, keys = await self.session.client.upload(
                lambda _429, _timeouts: data,
                content_type=attachment.mime_type,
                filename=attachment.filename,
                encrypt=encrypted,
                filesize=len(data),
            )
        except NETWORK_ERRORS as error:
            raise DeliveryError(f"upload failed: {type(error).__name__}") from None
        self._raise_for(upload)
        content = file_content(attachment, upload.content_uri, encrypted=encrypted, keys=keys)
        await self._send_event(room_id, "m.room.message", content, txn)

    async def _send_event(self, room_id: str, event_type: str, content: dict, txn: str) -> str:
        client = self.session.client
        assert client is not None
        try:
            if self._encrypted(room_id):
                await self._prepare_encryption(room_id)
                if event_type == "m.reaction":
                    # nio sends reactions in clear; in an encrypted room we encrypt them too.
                    event_type, content = client.encrypt(room_id, event_type, content)
                    method, path, data = Api.room_send(
                        client.access_token, room_id, event_type, content, txn
                    )
                    answer = await client._send(
                        nio.RoomSendResponse, method, path, data, (room_id,)
                    )
                else:
                    answer = await client.room_send(
                        room_id, event_type, content, tx_id=txn, ignore_unverified_devices=True
                    )
            else:
                answer = await client.room_send(room_id, event_type, content, tx_id=txn)
        except (
            *NETWORK_ERRORS,
            nio.exceptions.LocalProtocolError,
            nio.exceptions.SendRetryError,
            nio.exceptions.EncryptionError,
        ) as error:
            raise DeliveryError(f"sending failed: {type(error).__name__}") from None
        self._raise_for(answer)
        return answer.event_id

    def _encrypted(self, room_id: str) -> bool:
        client = self.session.client
        assert client is not None
        room = client.rooms.get(room_id)
        return bool(room is not None and room.encrypted) or room_id in client.encrypted_rooms

    async def _prepare_encryption(self, room_id: str) -> None:
        """Members, their keys and our Megolm session, once at a time (nio's own checks race
        when several sends run at once)."""
        client = self.session.client
        assert client is not None
        if client.olm is None:
            raise PlaintextRefused("the crypto store is not loaded; refusing to send in clear")
        async with self.session.crypto_lock:
            room = client.rooms[room_id]
            if not room.members_synced:
                self._raise_for(await client.joined_members(room_id))
            if client.should_query_keys:
                await client.keys_query()
            if client.olm.should_share_group_session(room_id):
                await client.share_group_session(room_id, ignore_unverified_devices=True)

    def _raise_for(self, answer: Any) -> None:
        if not isinstance(answer, nio.ErrorResponse):
            return
        status = getattr(getattr(answer, "transport_response", None), "status", None)
        code = answer.status_code
        if code == "M_LIMIT_EXCEEDED" or status == 429:
            raise RetryLater(max(answer.retry_after_ms or 1000, 100) / 1000)
        if code in ("M_FORBIDDEN", "M_NOT_FOUND") or status in (403, 404):
            raise Unreachable(f"Matrix refused: {code or status}")
        raise DeliveryError(f"Matrix error {code or status}")

    def _deliverable_room(self, room_id: str) -> str:
        """The room itself while the person is still in it, else another direct chat with
        them; none left: Unreachable."""
        assert self.session.client is not None and self.session.state is not None
        if self._has_company(room_id):
            return room_id
        peer = self.session.state.direct_peer(room_id)
        if peer is not None:
            for other in self.session.state.direct_rooms_of(peer):
                if other != room_id and self._has_company(other, peer):
                    return other
        raise Unreachable("the person left every room shared with the bot")

    def _has_company(self, room_id: str, person: str | None = None) -> bool:
        assert self.session.client is not None
        room = self.session.client.rooms.get(room_id)
        if room is None:
            return False
        others = [u for u in room.users if u != self.user_id]
        return person in others if person else bool(others)

    async def _wait_ready(self) -> None:
        if self._ready.is_set() and not self._finished.is_set():
            return
        if self._finished.is_set() or self._stopping.is_set():
            raise DeliveryError("the Matrix adapter is not running")
        waiter = asyncio.ensure_future(self._ready.wait())
        stopper = asyncio.ensure_future(self._stopping.wait())
        done, pending = await asyncio.wait(
            {waiter, stopper}, timeout=READY_TIMEOUT, return_when=asyncio.FIRST_COMPLETED
        )
        for task in pending:
            task.cancel()
        if waiter not in done:
            raise DeliveryError("the Matrix adapter is not connected yet")

    # -- stopping ----------------------------------------------------------------------------

    async def _finish(self, worker: asyncio.Task[None] | None) -> None:
        """Handle what was already synced, save the position, close the client."""
        try:
            if worker is not None:
                await self._queue.put(None)
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
        finally:
            self._ready.clear()
            try:
                if self.session.client is not None:
                    await self.session.client.close()
                if self.session.state is not None:
                    await self.session.state.close()
            finally:
                self._finished.set()


def _error_name(answer: object) -> str:
    if isinstance(answer, nio.ErrorResponse):
        return str(answer.status_code or "error")
    return type(answer).__name__
