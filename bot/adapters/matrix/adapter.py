"""The Matrix adapter: matrix-nio with end-to-end encryption (`civicbot run` with Matrix set up).

`MatrixAdapter` is the platform adapter (run, stop, send) and what the bot does with rooms;
the rest lives beside it: session.py (login, device, crypto store), sync.py (the sync loop and
its worker), inbound.py (events into Incoming) and outbound.py (replies into Matrix content),
both pure, and state.py (what the adapter keeps between runs).

- Invites: a direct chat is joined, a group room only with CIVICBOT_MATRIX_GROUP_ROOMS; a room
  nobody else is in any more is left and forgotten.
- Sending is one path, `send`, for replies and for the outbox: every event gets a transaction id
  derived from the caller's key and the reply itself, so a retried send is a no-op for Synapse.
  Nothing is ever sent in clear into an encrypted room.
- Buttons become a numbered list (answer with the number or the label) and, for up to ten
  options, keycap reactions (1️⃣ 2️⃣ ...) the person can tap; the options of each room persist.
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections import deque
from typing import TYPE_CHECKING, Any

import nio
from nio.api import Api

from bot.adapters.base import DeliveryError, RetryLater, Unreachable
from bot.adapters.matrix.inbound import PLATFORM, Seen, incoming, is_private
from bot.adapters.matrix.outbound import (
    choice_hint,
    file_content,
    message_content,
    reaction_content,
    transaction_id,
    with_reactions,
)
from bot.adapters.matrix.session import NETWORK_ERRORS, Session
from bot.adapters.matrix.sync import Sync, Work
from bot.config import Config
from bot.i18n.translator import N_, Translator
from bot.pipeline.types import (
    Address,
    Attachment,
    Button,
    Incoming,
    Reply,
    Rich,
    link,
)

if TYPE_CHECKING:
    from bot.pipeline.core import Core

# One logger for the whole adapter, named as before it was a package.
log = logging.getLogger("bot.adapters.matrix")

MAX_REPLY_ATTEMPTS = 5
READY_TIMEOUT = 30.0
HINT_INTERVAL = 60.0  # at most one "could not decrypt" hint per room and minute
SENT_REMEMBERED = 20  # per room: the bot's messages a reply to which counts as addressed
UNDECRYPTABLE = N_(
    "I could not decrypt your last message, so I could not read it. Please send "
    "it again. If this keeps happening, start a new direct chat with me."
)
OPEN_PRIVATE_CHAT = N_("Open a private chat with me")


class PlaintextRefused(DeliveryError):
    """The room is encrypted but the crypto store is not loaded: we never send in clear."""


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
        self.sync = Sync(self.session)
        self._finished = asyncio.Event()
        self._running = False
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
            await self.session.open()
            first = await self.sync.connect()
            if first is None:
                return  # stopped while starting
            worker = asyncio.create_task(self.sync.work(self._handle), name="matrix-worker")
            await self.sync.hand_over(first)
            await self.sync.loop()
        finally:
            await self._finish(worker)

    async def wait_until_ready(self) -> None:
        """Until logged in and the first sync is in (for tests, benchmarks, health checks)."""
        await self.sync.ready.wait()

    async def stop(self) -> None:
        self.sync.stop()
        if self._running:
            await self._finished.wait()

    def _private_chat_link(self, t: Translator, command: str) -> Rich:
        return Rich((link(t.gettext(OPEN_PRIVATE_CHAT), f"https://matrix.to/#/{self.user_id}"),))

    # -- what a sync brought ------------------------------------------------------------

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
            if self.sync.stopping.is_set() and attempt > 1:
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
        if self.sync.ready.is_set() and not self._finished.is_set():
            return
        if self._finished.is_set() or self.sync.stopping.is_set():
            raise DeliveryError("the Matrix adapter is not running")
        waiter = asyncio.ensure_future(self.sync.ready.wait())
        stopper = asyncio.ensure_future(self.sync.stopping.wait())
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
                await self.sync.finish_work(worker)
        finally:
            self.sync.ready.clear()
            try:
                if self.session.client is not None:
                    await self.session.client.close()
                if self.session.state is not None:
                    await self.session.state.close()
            finally:
                self._finished.set()
