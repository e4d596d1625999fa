"""The Telegram adapter, on python-telegram-bot 22 (asyncio).

Updates come by long polling (our own getUpdates loop), or by webhook when
CIVICBOT_TELEGRAM_WEBHOOK_URL is set (the secret-token header is checked, so several replicas
can sit behind a load balancer). Each update is recorded in the inbox (bot/pipeline/inbox.py) before
Telegram is told it arrived, with flood control counted there and then; it is then handled in
its lane (a private chat, or one member of a group), lanes concurrently, as an `Incoming` for
`Core.handle`. A button press is answered at once (no endless spinner) and its replies follow
up as new messages; stale or forged button data is the core's to judge.

Sending is one path, `_deliver`, for replies and for the outbox (`send`): neutral `Rich` text
becomes Telegram HTML with every piece escaped, texts over 4,096 characters are split on
paragraph boundaries, buttons become inline keyboards and an attachment a document. Telegram's
limits are kept here per chat (one message a second, 20 a minute in a group) and overall (30 a
second, shared by replies and the outbox). A 429 is honoured: the outbox gets `RetryLater`, a
direct reply waits and tries again; a 403 makes the person unreachable until they write again.
A send that timed out after it reached Telegram may have been delivered: it is never sent again
(`OutcomeUnknown`, the outbox's `unknown`), for replies too; the timeouts allow Telegram's real
latency.

The token is part of every Bot API URL, so it must never reach a log: httpx's request log is
kept at WARNING, PTB's debug log (it prints message texts) at INFO, and our own messages carry
exception types and Telegram's descriptions, never URLs or texts.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import html
import json
import logging
import os
import re
import socket
import time
import warnings
from collections import OrderedDict
from collections.abc import AsyncIterator, Awaitable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import httpx
from aiohttp import web
from telegram import (
    BotCommand,
    BotCommandScopeDefault,
    CallbackQuery,
    ChatMemberUpdated,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputFile,
    Message,
    MessageEntity,
    ReplyParameters,
    Update,
)
from telegram.constants import ChatMemberStatus, ChatType, ParseMode
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)
from telegram.ext import Application

from bot.adapters.base import DeliveryError, OutcomeUnknown, RetryLater, Unreachable
from bot.adapters.files import telegram_file
from bot.config import LOCALES, Config, ConfigError
from bot.i18n.translator import N_, Translator
from bot.pipeline.flood import Verdict
from bot.pipeline.inbox import Inbox
from bot.pipeline.router import MAX_PAYLOAD_BYTES
from bot.pipeline.types import (
    Address,
    Attachment,
    Button,
    Incoming,
    Reply,
    Rich,
    Segment,
    Style,
    link,
    replies_from_json,
    replies_to_json,
)
from storage.base import InboxItem

if TYPE_CHECKING:
    from bot.pipeline.core import Core

log = logging.getLogger(__name__)

PLATFORM = "telegram"
DEFAULT_API_URL = "https://api.telegram.org/bot"
MAX_MESSAGE = 4096  # characters (UTF-16 code units) of a message's text
MAX_CAPTION = 1024
ALLOWED_UPDATES = ("message", "callback_query", "my_chat_member")
# Telegram has no language_code for Serbian Latin; Croatian and Bosnian readers get it.
TELEGRAM_LANGUAGES: dict[str, tuple[str, ...]] = {"sr_Latn": ("hr", "bs")}
REPLY_RETRIES = 4  # network errors and 5xx while replying: tries after the first
MAX_FLOOD_WAIT = 60.0  # seconds a direct reply may wait in total for flood control
START_RETRY_MAX = 30.0  # seconds between tries when Telegram is unreachable
SEND_TIMEOUT = 30.0  # seconds for a send's answer: Telegram can take several under load
_COMMAND_NAME = re.compile(r"^[a-z0-9_]{1,32}$")
_SECRET_TOKEN = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
_LINK_SCHEMES = ("http://", "https://", "tg://", "mailto:")

OPEN_PRIVATE_CHAT = N_("Open a private chat with me")


def protect_logs(token: str) -> None:
    """httpx logs every request URL (which holds the token); PTB logs texts at DEBUG."""
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)
    telegram_logger = logging.getLogger("telegram")
    if telegram_logger.getEffectiveLevel() < logging.INFO:
        telegram_logger.setLevel(logging.INFO)
    redact = RedactToken(token)
    for handler in logging.getLogger().handlers:
        if not any(isinstance(f, RedactToken) and f.token == token for f in handler.filters):
            handler.addFilter(redact)


# -- rendering -------------------------------------------------------------------------------


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def render_html(text: Rich) -> str:
    """Telegram HTML; every piece of text is escaped, so content can never become markup."""
    parts = []
    for segment in text.segments:
        body = html.escape(segment.text, quote=False)
        if segment.style is Style.BOLD:
            body = f"<b>{body}</b>"
        elif segment.style is Style.ITALIC:
            body = f"<i>{body}</i>"
        elif segment.style is Style.CODE:
            body = f"<code>{body}</code>"
        elif segment.style is Style.LINK and segment.url:
            if segment.url.startswith(_LINK_SCHEMES):
                body = f'<a href="{html.escape(segment.url, quote=True)}">{body}</a>'
            elif segment.url != segment.text:
                body += html.escape(f" ({segment.url})", quote=False)
        parts.append(body)
    return "".join(parts)


def slice_rich(text: Rich, start: int, end: int) -> Rich:
    """The part of `text` between two offsets of its plain text, styles kept."""
    segments = []
    position = 0
    for segment in text.segments:
        low, high = max(start, position), min(end, position + len(segment.text))
        if low < high:
            piece = segment.text[low - position : high - position]
            segments.append(Segment(piece, segment.style, segment.url))
        position += len(segment.text)
    return Rich(tuple(segments))


def split_rich(text: Rich, limit: int = MAX_MESSAGE) -> list[Rich]:
    """Pieces of at most `limit` characters, cut at paragraphs, else lines, else words."""
    plain = text.plain
    pieces: list[Rich] = []
    start = 0
    while True:
        while start < len(plain) and plain[start].isspace():
            start += 1
        if start >= len(plain):
            return pieces
        end = _furthest_end(plain, start, limit)
        cut = end if end == len(plain) else _best_cut(plain, start, end)
        stop = cut
        while stop > start and plain[stop - 1].isspace():
            stop -= 1
        pieces.append(slice_rich(text, start, stop))
        start = cut


def _furthest_end(plain: str, start: int, limit: int) -> int:
    units = 0
    for index in range(start, len(plain)):
        units += 2 if ord(plain[index]) > 0xFFFF else 1
        if units > limit:
            return index
    return len(plain)


def _best_cut(plain: str, start: int, end: int) -> int:
    for separator in ("\n\n", "\n", " "):
        cut = plain.rfind(separator, start, end)
        if cut > start:
            return cut
    return end


# -- limits ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Limits:
    """Telegram's flood limits, kept before each send (None or 0 = no limit)."""

    per_second: float | None = 30.0  # messages overall, replies and outbox together
    chat_interval: float | None = 1.0  # seconds between two messages to one chat
    group_per_minute: int | None = 20
    margin: float = 0.005  # seconds added to every window (Telegram counts in milliseconds)


class _Window:
    """At most `count` sends in any `seconds`, counted like Telegram counts them.

    A send is stamped when its request *completes* (it reached Telegram before that), so the
    next one cannot arrive inside Telegram's window however long the requests take."""

    __slots__ = ("count", "seconds", "stamps")

    def __init__(self, count: int, seconds: float) -> None:
        self.count = count
        self.seconds = seconds
        self.stamps: list[list[float]] = []  # [time]: mutable, restamped on completion

    def delay(self, now: float) -> float:
        self.stamps = [s for s in self.stamps if s[0] > now - self.seconds]
        if len(self.stamps) < self.count:
            return 0.0
        return min(s[0] for s in self.stamps) + self.seconds - now

    def take(self, now: float) -> list[float]:
        stamp = [now]
        self.stamps.append(stamp)
        return stamp

    def idle(self, now: float) -> bool:
        return all(s[0] <= now - self.seconds for s in self.stamps)


class SendLimiter:
    """Waits until one more message may go to a chat; holds a chat after a 429. Senders to one
    chat are served in the order they asked (a FIFO turn per chat): one group member's stream
    of replies cannot keep overtaking another member's one reply."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self._global: _Window | None = None
        if limits.per_second:
            count = max(1, round(limits.per_second))
            self._global = _Window(count, count / limits.per_second + limits.margin)
        self._chats: dict[int, list[_Window]] = {}
        self._holds: dict[int, float] = {}
        self._turns: dict[int, tuple[asyncio.Lock, list[int]]] = {}  # chat -> (turn, waiting)
        self._taken = 0

    def _windows(self, chat_id: int) -> list[_Window]:
        windows = self._chats.get(chat_id)
        if windows is None:
            windows = []
            if self.limits.chat_interval:
                windows.append(_Window(1, self.limits.chat_interval + self.limits.margin))
            if self.limits.group_per_minute and chat_id < 0:
                windows.append(_Window(self.limits.group_per_minute, 60 + self.limits.margin))
            self._chats[chat_id] = windows
        return windows

    def hold(self, chat_id: int, seconds: float) -> None:
        self._holds[chat_id] = max(self._holds.get(chat_id, 0.0), time.monotonic() + seconds)

    @contextlib.asynccontextmanager
    async def slot(self, chat_id: int) -> AsyncIterator[None]:
        """Wait for room, hold it while the request runs, stamp it when the request ends."""
        stamps = await self._take_turn(chat_id)
        try:
            yield
        finally:
            done = time.monotonic()
            for stamp in stamps:
                stamp[0] = done
            self._taken += 1
            if self._taken % 1000 == 0:
                self._forget_idle(done)

    async def _take_turn(self, chat_id: int) -> list[list[float]]:
        """Wait, first come first served, until this chat's windows have room; take it."""
        turn, waiting = self._turns.setdefault(chat_id, (asyncio.Lock(), [0]))
        waiting[0] += 1
        try:
            async with turn:  # asyncio.Lock wakes its waiters in order
                while True:
                    now = time.monotonic()
                    windows = self._windows(chat_id)
                    if self._global is not None:
                        windows = [*windows, self._global]
                    wait = max([self._holds.get(chat_id, 0.0) - now]
                               + [w.delay(now) for w in windows])
                    if wait <= 0:
                        break
                    await asyncio.sleep(wait)
                self._holds.pop(chat_id, None)
                return [window.take(now) for window in windows]
        finally:
            waiting[0] -= 1
            if not waiting[0]:
                del self._turns[chat_id]

    def _forget_idle(self, now: float) -> None:
        for chat_id in [c for c, ws in self._chats.items() if all(w.idle(now) for w in ws)]:
            del self._chats[chat_id]


# -- what goes out -----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Answer:
    """The replies to one update and where they go: recorded in the inbox before they are
    sent, so that a crash in between sends them rather than handling the update again."""

    chat_id: str
    user_id: str
    private: bool
    reply_to: int | None
    replies: list[Reply]

    @classmethod
    def to(cls, message: Incoming, replies: list[Reply], reply_to: int | None) -> _Answer:
        return cls(message.chat_id, message.user_id, message.is_private, reply_to, replies)

    def to_json(self) -> dict[str, Any]:
        return {"chat": self.chat_id, "user": self.user_id, "private": self.private,
                "reply_to": self.reply_to, "replies": replies_to_json(self.replies)}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> _Answer:
        return cls(str(data["chat"]), str(data["user"]), bool(data["private"]),
                   data.get("reply_to"), replies_from_json(data["replies"]))


@dataclass(frozen=True)
class _Part:
    """One Bot API call: a text message, or a document with an optional caption."""

    html: str
    markup: InlineKeyboardMarkup | None = None
    document: Attachment | None = None


def keyboard(rows: Sequence[Sequence[Button]]) -> InlineKeyboardMarkup | None:
    built = []
    for row in rows:
        buttons = [
            InlineKeyboardButton(b.label, callback_data=b.payload) for b in row if _valid_button(b)
        ]
        if buttons:
            built.append(buttons)
    return InlineKeyboardMarkup(built) if built else None


def _valid_button(button: Button) -> bool:
    valid = bool(button.label.strip()) and 0 < len(button.payload.encode()) <= MAX_PAYLOAD_BYTES
    if not valid:
        log.warning("dropped a button Telegram would refuse (empty label or payload too long)")
    return valid


def parts_of(reply: Reply) -> list[_Part]:
    markup = keyboard(reply.buttons)
    attachment = reply.attachment
    if attachment is not None and utf16_len(reply.text.plain.strip()) <= MAX_CAPTION:
        return [
            _Part(render_html(reply.text) if reply.text.plain.strip() else "", markup, attachment)
        ]
    texts = [render_html(piece) for piece in split_rich(reply.text)]
    if attachment is not None:
        return [*(_Part(t) for t in texts), _Part("", markup, attachment)]
    if not texts:
        if markup is not None:
            log.warning("dropped a reply without text: Telegram needs text under buttons")
        return []
    return [*(_Part(t) for t in texts[:-1]), _Part(texts[-1], markup)]


def retry_seconds(error: RetryAfter) -> float:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # PTB 22 deprecates the int form of this attribute
        value = error.retry_after
    return float(value.total_seconds() if hasattr(value, "total_seconds") else value)


def _chat_gone(error: BadRequest) -> bool:
    text = error.message.lower()
    return "chat not found" in text or "user not found" in text or "peer_id_invalid" in text


def _chat_id(address: Address) -> int:
    try:
        return int(address.chat_id)
    except ValueError:
        raise Unreachable("not a Telegram chat id") from None


def _describe(error: BaseException) -> str:
    """Type and Telegram's description: never a URL, so never the token."""
    name = type(error).__name__
    if isinstance(error, InvalidToken) or not isinstance(error, TelegramError):
        return name  # PTB puts the token itself into some InvalidToken messages
    message = error.message
    return (message if message.lower().startswith(name.lower()) else f"{name}: {message}")[:200]


class RedactToken(logging.Filter):
    """Defence in depth: replaces the token wherever a log record would show it."""

    def __init__(self, token: str) -> None:
        super().__init__()
        self.token = token

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken log call is the handler's to report, not ours
            return True
        if self.token in message:
            record.msg, record.args = message.replace(self.token, "<token>"), ()
        if record.exc_info and not record.exc_text:
            text = logging.Formatter().formatException(record.exc_info)
            record.exc_text = text.replace(self.token, "<token>")
        return True


# -- the adapter -------------------------------------------------------------------------------


class TelegramAdapter:
    platform = PLATFORM

    def __init__(
        self,
        config: Config,
        *,
        poll_interval: float = 0.0,
        poll_timeout: float = 10.0,
        limits: Limits | None = None,
        max_concurrent_updates: int = 1024,
        send_timeout: float = SEND_TIMEOUT,
    ) -> None:
        if not config.telegram_token:
            raise ConfigError("CIVICBOT_TELEGRAM_TOKEN is not set")
        self.config = config
        self.poll_interval = poll_interval
        self.poll_timeout = poll_timeout
        self.limits = limits or Limits()
        self.limiter = SendLimiter(self.limits)
        self.max_concurrent_updates = max_concurrent_updates
        self.send_timeout = send_timeout
        self.webhook_secret = self._webhook_secret(config)
        self.core: Core | None = None
        self.username = ""
        self._app: Application | None = None
        self._ready = asyncio.Event()  # set when started, or when starting failed
        self.receiving = asyncio.Event()  # set once updates are being received
        self._failed = False
        self._stop_requested = asyncio.Event()
        self._shutdown_lock = asyncio.Lock()
        self._closed = False
        self._progress: OrderedDict[str, int] = OrderedDict()  # outbox key -> parts sent
        self._webhook: web.AppRunner | None = None
        self._inbox: Inbox | None = None
        self._poller: asyncio.Task[None] | None = None
        self._polling_fails = False  # the last getUpdates failed: /readyz says so
        self._start_trouble = False  # Telegram was unreachable at start: sends fail fast
        protect_logs(config.telegram_token)

    @staticmethod
    def _webhook_secret(config: Config) -> str | None:
        if not config.telegram_webhook_url:
            return None
        secret = config.telegram_webhook_secret
        if secret is None:
            # Every replica derives the same secret from the token: no extra setting needed.
            assert config.telegram_token
            return hashlib.sha256(
                b"civicbot-webhook\0" + config.telegram_token.encode()
            ).hexdigest()
        if not _SECRET_TOKEN.match(secret):
            raise ConfigError(
                "CIVICBOT_TELEGRAM_WEBHOOK_SECRET may only contain A-Z, a-z, 0-9, "
                "_ and - (1 to 256 characters)"
            )
        return secret

    # -- the protocol ------------------------------------------------------------------------

    def outbox_scope(self) -> str | None:
        return None

    def is_ready(self) -> bool:
        """For /readyz: receiving, and (polling) the last getUpdates reached Telegram."""
        return self.receiving.is_set() and not self._failed and not self._polling_fails

    def messages_per_second(self) -> float:
        return self.limits.per_second or 1000.0

    async def run(self, core: Core) -> None:
        self.core = core
        try:
            app = await self._start_application()
        except BaseException:
            self._failed = True
            self._ready.set()
            raise
        if app is None:  # stopped while Telegram was unreachable
            self._failed = True
            self._ready.set()
            return
        try:
            async with self._shutdown_lock:  # a stop meanwhile waits for a whole start
                self._register_with_core(core)
                await self._publish_commands(app)
                await self._start_receiving(app, core)
            self._ready.set()
            self.receiving.set()
            log.info(
                "telegram: receiving as @%s (%s)",
                self.username,
                "webhook" if self.config.telegram_webhook_url else "long polling",
            )
            await self._until_stopped()
        finally:
            await self._shutdown()

    async def _until_stopped(self) -> None:
        """Until stop(); a poller that ended (Telegram refused the token) ends the run."""
        stopped = asyncio.create_task(self._stop_requested.wait())
        waiting: set[asyncio.Future[Any]] = {stopped}
        if self._poller is not None:
            waiting.add(self._poller)
        try:
            await asyncio.wait(waiting, return_when=asyncio.FIRST_COMPLETED)
        finally:
            stopped.cancel()
        if self._poller is not None and self._poller.done() and not self._poller.cancelled():
            self._poller.result()  # re-raises its ConfigError

    async def stop(self) -> None:
        """Stop receiving, finish the updates already taken, close the connections."""
        self._stop_requested.set()
        await self._shutdown()

    async def send(
        self, address: Address, replies: list[Reply], *, key: str | None = None
    ) -> str | None:
        """The outbox's way out: raises RetryLater, DeliveryError or Unreachable. Returns the
        id of the first message sent (a reply to it can be matched to the row)."""
        return await self._deliver(address, replies, patient=False, key=key)

    # -- start and stop ----------------------------------------------------------------------

    def _build_application(self) -> Application:
        api_url = self.config.telegram_api_url or DEFAULT_API_URL
        builder = (
            Application.builder()
            .token(self.config.telegram_token or "")
            .base_url(api_url)
            .base_file_url(_file_url(api_url))
            .updater(None)  # our own polling loop records updates before confirming them
            .job_queue(None)
            .connection_pool_size(16)
            .connect_timeout(10)
            .pool_timeout(10)
            .read_timeout(self.send_timeout)
            .write_timeout(self.send_timeout)
            .media_write_timeout(60)
            .get_updates_connect_timeout(10)
            .get_updates_read_timeout(self.poll_timeout + 10)
        )
        return builder.build()

    async def _start_application(self) -> Application | None:
        """Initialize (getMe), retrying while Telegram cannot be reached (None if stopped
        meanwhile); a refused token is a configuration error: one clear line, no traceback,
        never the token."""
        delay = 1.0
        while True:
            app = self._build_application()
            try:
                await app.initialize()
            except InvalidToken:
                await _quietly(app.bot.shutdown())
                raise ConfigError(self._refused_token_message()) from None
            except (NetworkError, TelegramError) as error:
                await _quietly(app.bot.shutdown())
                if self._stop_requested.is_set():
                    return None
                self._start_trouble = True
                log.warning(
                    "telegram: cannot reach the Bot API (%s); retrying in %.0fs",
                    _describe(error),
                    delay,
                )
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._stop_requested.wait(), delay)
                if self._stop_requested.is_set():
                    return None
                delay = min(delay * 2, START_RETRY_MAX)
                continue
            self._app = app
            self.username = app.bot.username
            return app

    def _refused_token_message(self) -> str:
        message = (
            "Telegram refused CIVICBOT_TELEGRAM_TOKEN (revoked or mistyped? "
            "BotFather's /token shows it)"
        )
        if self.config.telegram_api_url:
            message += "; or CIVICBOT_TELEGRAM_API_URL is not a Bot API server"
        return message

    def _register_with_core(self, core: Core) -> None:
        core.bot_names[PLATFORM] = self.username
        core.private_chat_links[PLATFORM] = self._private_chat_link

    def _private_chat_link(self, t: Translator, command: str) -> Rich:
        start = re.sub(r"[^A-Za-z0-9_-]", "", command)[:64]
        url = f"https://t.me/{self.username}" + (f"?start={start}" if start else "")
        return Rich((link(t.gettext(OPEN_PRIVATE_CHAT), url),))

    async def _start_receiving(self, app: Application, core: Core) -> None:
        self._inbox = Inbox(
            core.store,
            core.clock,
            f"{socket.gethostname()}:{os.getpid()}",
            self._handle_recorded,
            self._send_recorded,
            concurrency=self.max_concurrent_updates,
        )
        if self.config.telegram_webhook_url:
            await self._start_webhook(app)
            return
        with contextlib.suppress(TelegramError):
            await app.bot.delete_webhook(drop_pending_updates=False)  # polling needs none set
        await self._inbox.recover(PLATFORM)
        self._poller = asyncio.create_task(self._poll(app.bot), name="telegram-poll")

    async def _poll(self, bot: Any) -> None:
        """Long polling. A batch is recorded before the next getUpdates confirms it (its
        offset), so updates in hand at a crash are fetched again; the inbox skips repeats."""
        offset: int | None = None
        delay = 1.0
        while True:
            try:
                updates = await bot.get_updates(
                    offset=offset,
                    timeout=int(self.poll_timeout),
                    allowed_updates=list(ALLOWED_UPDATES),
                )
            except InvalidToken:
                # Revoked while running: retrying for ever would be a deaf process that
                # looks alive. One line and a non-zero exit instead.
                raise ConfigError(self._refused_token_message()) from None
            except TelegramError as error:  # network, 5xx, 409 (another poller), timeouts
                self._polling_fails = True
                log.warning("telegram: polling failed (%s); retrying in %.0fs",
                            _describe(error), delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, START_RETRY_MAX)
                continue
            delay = 1.0
            self._polling_fails = False
            if updates:
                await self._arrive(updates)
                offset = updates[-1].update_id + 1
            if self.poll_interval:
                await asyncio.sleep(self.poll_interval)

    async def _arrive(
        self, updates: Sequence[Update]
    ) -> tuple[list[InboxItem], list[asyncio.Future[bool]]]:
        """Record updates in the inbox, flood control counted now; (the items, the futures of
        those that are new and to be handled)."""
        assert self._inbox is not None and self.core is not None
        items, states = [], []
        for update in updates:
            lane, verdict = self._lane_and_verdict(update)
            payload = json.dumps(update.to_dict(), ensure_ascii=False, separators=(",", ":"))
            items.append(InboxItem(PLATFORM, update.update_id, lane, verdict.value, payload))
            states.append("dropped" if verdict is Verdict.DROP else "pending")
        return items, await self._inbox.arrive(items, states)

    def _lane_and_verdict(self, update: Update) -> tuple[str, Verdict]:
        """A private chat is one lane; in a group each member is one (one member's burst
        must not hold up the others)."""
        assert self.core is not None
        incoming = self._incoming(update)
        if incoming is None:
            chat = update.effective_chat
            return str(chat.id if chat is not None else ""), Verdict.ALLOW
        lane = incoming.chat_id if incoming.is_private else f"{incoming.chat_id}:{incoming.user_id}"
        return lane, self.core.admit(incoming)

    async def _handle_recorded(self, item: InboxItem) -> str | None:
        """Handle a recorded update; what to send, for the inbox to record before it goes."""
        assert self._app is not None
        update = Update.de_json(json.loads(item.payload), self._app.bot)
        answer = await self._on_update(update, Verdict(item.verdict))
        return None if answer is None else json.dumps(answer.to_json(), ensure_ascii=False)

    async def _send_recorded(self, item: InboxItem, recorded: str) -> None:
        await self._reply(_Answer.from_json(json.loads(recorded)))

    async def _start_webhook(self, app: Application) -> None:
        """Our own webhook endpoint: an update is answered 200 only once it has been handled,
        so an update in hand when a replica dies is not lost: Telegram delivers it again, and
        behind a load balancer another replica takes it (PTB's built-in endpoint answers at
        once and queues the update in memory)."""
        host, _, port = self.config.telegram_webhook_listen.rpartition(":")
        path = "/" + urlsplit(self.config.telegram_webhook_url or "").path.lstrip("/")
        server = web.Application(client_max_size=1 << 20)
        server.router.add_post(path, partial(self._on_webhook, app))
        self._webhook = web.AppRunner(server, access_log=None)
        await self._webhook.setup()
        await web.TCPSite(self._webhook, host.strip("[]"), int(port)).start()
        await app.bot.set_webhook(
            self.config.telegram_webhook_url or "",
            secret_token=self.webhook_secret,
            allowed_updates=list(ALLOWED_UPDATES),
            drop_pending_updates=False,
        )

    async def _on_webhook(
        self,
        app: Application,
        request: web.Request,
    ) -> web.Response:
        given = request.headers.get("X-Telegram-Bot-Api-Secret-Token", "")
        if not hmac.compare_digest(given.encode(), (self.webhook_secret or "").encode()):
            log.warning("telegram: a webhook call without the right secret was refused")
            return web.Response(status=403)
        update = _update_of(await request.read(), app.bot)
        if update is None:
            log.warning("telegram: a webhook call whose body is not an update was refused")
            return web.Response(status=400)
        items, handling = await self._arrive([update])
        if handling:  # new: answered once handled, so a replica's death loses nothing
            handled = await handling[0]
            return web.Response(status=200 if handled else 503)
        assert self._inbox is not None
        # Recorded before: a redelivery (handled: nothing to do; its replica died: ours now;
        # still in a live replica's hands: Telegram is asked to come back later).
        outcome = await self._inbox.redelivered(items[0])
        return web.Response(status=503 if outcome in ("busy", "abandoned") else 200)

    async def _shutdown(self) -> None:
        async with self._shutdown_lock:
            if self._closed or self._app is None:
                return
            self._closed = True
            app = self._app
            if self._poller is not None:
                self._poller.cancel()  # what it fetched and did not record comes again
                await asyncio.gather(self._poller, return_exceptions=True)
            if self._inbox is not None:
                await self._inbox.stop()  # the updates in hand, briefly; the rest stay recorded
            if self._webhook is not None:
                await _quietly(self._webhook.cleanup())  # the calls in hand answer 503
            await _quietly(app.shutdown())
            self._failed = True  # later sends fail fast; the outbox retries them
            log.info("telegram: stopped")

    async def _bot(self) -> Any:
        if not self._ready.is_set() and not self._start_trouble:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._ready.wait(), 30)
        if self._failed or self._app is None or not self._ready.is_set():
            raise DeliveryError("the Telegram adapter is not running")
        return self._app.bot

    # -- the command list --------------------------------------------------------------------

    def command_lists(self) -> list[tuple[str | None, list[BotCommand]]]:
        """(Telegram language_code or None for the default, commands) to publish."""
        assert self.core is not None
        lists: list[tuple[str | None, list[BotCommand]]] = [
            (None, self._commands(self.config.default_locale))
        ]
        for locale in LOCALES:
            for code in TELEGRAM_LANGUAGES.get(locale, (locale,)):
                lists.append((code, self._commands(locale)))
        return lists

    def _commands(self, locale: str) -> list[BotCommand]:
        assert self.core is not None
        t = self.core.translator(locale)
        commands = []
        for command in self.core.routes.listed_commands(admin=False, config=self.config):
            if not _COMMAND_NAME.match(command.name):
                continue
            description = t.gettext(command.description).strip() or command.name
            commands.append(BotCommand(command.name, description[:256]))
        return commands[:100]

    async def _publish_commands(self, app: Application) -> None:
        for language_code, commands in self.command_lists():
            try:
                await app.bot.set_my_commands(
                    commands, scope=BotCommandScopeDefault(), language_code=language_code
                )
            except TelegramError as error:
                log.warning(
                    "telegram: could not publish the command list for %s (%s)",
                    language_code or "the default language",
                    _describe(error),
                )

    # -- updates in ----------------------------------------------------------------------------

    async def _on_update(self, update: Update, verdict: Verdict) -> _Answer | None:
        try:
            if update.callback_query is not None:
                return await self._on_button(update.callback_query, verdict)
            if update.message is not None:
                return await self._on_message(update.message, verdict)
            if update.my_chat_member is not None:
                await self._on_membership(update.my_chat_member)
        except Exception as error:
            # Never silent: the update id says which one, the type says why; no text, no token.
            log.error(
                "telegram: update %s failed (%s)",
                update.update_id,
                _describe(error),
                exc_info=not isinstance(error, TelegramError),
            )
        return None

    def _incoming(self, update: Update) -> Incoming | None:
        if update.callback_query is not None:
            return self._button_incoming(update.callback_query)
        if update.message is not None:
            return self._message_incoming(update.message)
        return None

    async def _on_message(self, message: Message, verdict: Verdict) -> _Answer | None:
        incoming = self._message_incoming(message)
        if incoming is None:
            return None
        assert self.core is not None
        replies = await self.core.handle(incoming, verdict=verdict)
        private = message.chat.type == ChatType.PRIVATE
        return _Answer.to(incoming, replies, None if private else message.message_id)

    def _message_incoming(self, message: Message) -> Incoming | None:
        user = message.from_user
        if user is None or user.is_bot or message.chat.type == ChatType.CHANNEL:
            return None
        private = message.chat.type == ChatType.PRIVATE
        text = message.text or message.caption or ""
        # A document is fetched (getFile, the file URL) only if a handler takes it.
        file = None if message.document is None else telegram_file(message.get_bot(),
                                                                   message.document)
        addressed = private or self._addressed_to_me(message)
        if not private and addressed:
            text = self._without_my_mentions(text, message.entities)
        return Incoming(
            platform=PLATFORM,
            chat_id=str(message.chat.id),
            user_id=str(user.id),
            text=text,
            language_hint=user.language_code,
            is_private=private,
            addressed_to_bot=addressed,
            display_name=user.full_name,
            message_id=str(message.message_id),
            reply_to=None if message.reply_to_message is None
            else str(message.reply_to_message.message_id),
            file=file,
        )

    async def _on_button(self, query: CallbackQuery, verdict: Verdict) -> _Answer | None:
        # Answer first: the spinner stops even if the rest fails or waits for flood control.
        try:
            await query.answer()
        except TelegramError as error:
            log.info("telegram: could not answer a button press (%s)", _describe(error))
        incoming = self._button_incoming(query)
        if incoming is None:
            return None
        assert self.core is not None
        replies = await self.core.handle(incoming, verdict=verdict)
        return _Answer.to(incoming, replies, None)

    def _button_incoming(self, query: CallbackQuery) -> Incoming | None:
        message = query.message
        if message is None or query.data is None:  # an inline-mode message or a game button
            return None
        return Incoming(
            platform=PLATFORM,
            chat_id=str(message.chat.id),
            user_id=str(query.from_user.id),
            payload=query.data,
            language_hint=query.from_user.language_code,
            is_private=message.chat.type == ChatType.PRIVATE,
            addressed_to_bot=True,
            display_name=query.from_user.full_name,
            message_id=str(message.message_id),
        )

    async def _on_membership(self, change: ChatMemberUpdated) -> None:
        """Blocking the bot in a private chat makes a person unreachable at once."""
        if change.chat.type != ChatType.PRIVATE:
            return
        assert self.core is not None
        status = change.new_chat_member.status
        if status not in (ChatMemberStatus.BANNED, ChatMemberStatus.MEMBER):
            return
        person = await self.core.store.find_person(PLATFORM, str(change.from_user.id))
        if person is not None:
            await self.core.store.set_unreachable(person.id, status == ChatMemberStatus.BANNED)

    def _addressed_to_me(self, message: Message) -> bool:
        """In a group: a command (not one for another bot), a mention, or a reply to us."""
        me = self.username.lower()
        replied = message.reply_to_message
        if (
            replied is not None
            and replied.from_user is not None
            and self._app is not None
            and replied.from_user.id == self._app.bot.id
        ):
            return True
        for entity, value in message.parse_entities().items():
            if entity.type == MessageEntity.BOT_COMMAND and entity.offset == 0:
                _, _, target = value.partition("@")
                return not target or target.lower() == me
            if entity.type == MessageEntity.MENTION and value[1:].lower() == me:
                return True
        return False

    def _without_my_mentions(self, text: str, entities: Sequence[MessageEntity]) -> str:
        """'@CivicBot when is the deadline?' -> 'when is the deadline?' (offsets in UTF-16)."""
        encoded = text.encode("utf-16-le")
        mine = f"@{self.username}".lower()
        for entity in sorted(entities, key=lambda e: e.offset, reverse=True):
            start, end = entity.offset * 2, (entity.offset + entity.length) * 2
            if (
                entity.type == MessageEntity.MENTION
                and encoded[start:end].decode("utf-16-le").lower() == mine
            ):
                encoded = encoded[:start] + encoded[end:]
        return re.sub(r" {2,}", " ", encoded.decode("utf-16-le")).strip()

    # -- replies out ---------------------------------------------------------------------------

    async def _reply(self, answer: _Answer) -> None:
        if not answer.replies:
            return
        try:
            await self._deliver(Address(PLATFORM, answer.chat_id), answer.replies, patient=True,
                                reply_to=answer.reply_to)
        except Unreachable as error:
            log.info("telegram: a reply could not be delivered (%s)", error)
            if answer.private and self.core is not None:
                # Broadcasts and reminders skip them until they write again.
                person = await self.core.store.find_person(PLATFORM, answer.user_id)
                if person is not None:
                    await self.core.store.set_unreachable(person.id, True)
        except OutcomeUnknown:
            log.warning("telegram: no answer to a reply within %.0fs; it may have arrived, so "
                        "it is not sent again", self.send_timeout)
        except DeliveryError as error:
            log.warning("telegram: a reply could not be delivered (%s)", error)

    async def _deliver(
        self,
        address: Address,
        replies: list[Reply],
        *,
        patient: bool,
        key: str | None = None,
        reply_to: int | None = None,
    ) -> str | None:
        """The one send path. `patient`: wait out flood control and retry network errors in
        place (a direct reply); else raise for the outbox to retry the row later. `key`
        remembers how many parts of a multi-part outbox message went out, so that a retry of
        the row sends only the rest."""
        bot = await self._bot()
        chat_id = _chat_id(address)
        parts = [part for reply in replies for part in parts_of(reply)]
        done = self._progress.get(key, 0) if key else 0
        first: str | None = None
        for index in range(done, len(parts)):
            chat_id, sent = await self._send_part(
                bot,
                chat_id,
                parts[index],
                patient=patient,
                reply_to=reply_to if index == 0 else None,
            )
            first = first or str(sent)
            if key:
                self._remember(key, index + 1)
        if key:
            self._progress.pop(key, None)
        return first

    def _remember(self, key: str, sent: int) -> None:
        self._progress[key] = sent
        self._progress.move_to_end(key)
        while len(self._progress) > 10_000:
            self._progress.popitem(last=False)

    async def _send_part(
        self, bot: Any, chat_id: int, part: _Part, *, patient: bool, reply_to: int | None
    ) -> tuple[int, int]:
        """Send one part; returns the chat id it went to (a group may have migrated) and the
        message's id."""
        failures = 0
        waited = 0.0
        while True:
            try:
                async with self.limiter.slot(chat_id):
                    sent = await self._call(bot, chat_id, part, reply_to)
                return chat_id, sent
            except RetryAfter as error:
                seconds = retry_seconds(error)
                self.limiter.hold(chat_id, seconds)
                waited += seconds
                if not patient:
                    raise RetryLater(seconds) from None
                if waited > MAX_FLOOD_WAIT:
                    raise DeliveryError("flood control for too long") from None
                log.info("telegram: flood control, waiting %.0fs before replying", seconds)
            except ChatMigrated as error:
                chat_id = error.new_chat_id
            except Forbidden as error:
                raise Unreachable(_describe(error)) from None
            except BadRequest as error:
                if _chat_gone(error):
                    raise Unreachable(_describe(error)) from None
                log.warning("telegram: Telegram refused a message (%s)", _describe(error))
                raise DeliveryError(_describe(error)) from None
            except (NetworkError, InvalidToken) as error:  # network, timeouts, 5xx
                if isinstance(error, TimedOut) and not _never_sent(error):
                    # Telegram may have taken it: a retry could be a copy, which we refuse.
                    raise OutcomeUnknown(_describe(error)) from None
                failures += 1
                if not patient or failures > REPLY_RETRIES:
                    raise DeliveryError(_describe(error)) from None
                await asyncio.sleep(0.5 * 2 ** (failures - 1))

    async def _call(self, bot: Any, chat_id: int, part: _Part, reply_to: int | None) -> int:
        reply_parameters = (
            ReplyParameters(reply_to, allow_sending_without_reply=True)
            if reply_to is not None
            else None
        )
        if part.document is None:
            message = await bot.send_message(
                chat_id,
                part.html,
                parse_mode=ParseMode.HTML,
                reply_markup=part.markup,
                reply_parameters=reply_parameters,
            )
            return int(message.message_id)
        document = InputFile(part.document.content, filename=part.document.filename)
        message = await bot.send_document(
            chat_id,
            document,
            caption=part.html or None,
            parse_mode=ParseMode.HTML if part.html else None,
            reply_markup=part.markup,
            reply_parameters=reply_parameters,
        )
        return int(message.message_id)


def _file_url(api_url: str) -> str:
    """The file URL that goes with a Bot API URL: .../bot -> .../file/bot."""
    base, _, tail = api_url.rstrip("/").rpartition("/")
    return f"{base}/file/{tail}" if tail == "bot" else f"{api_url.rstrip('/')}/file/bot"


def _never_sent(error: TimedOut) -> bool:
    """A timeout before the request left (no connection, none free): safe to send again."""
    return isinstance(error.__cause__, (httpx.ConnectTimeout, httpx.PoolTimeout))


def _update_of(body: bytes, bot: Any) -> Update | None:
    """A webhook body as an update, or None for anything else (bad JSON, `null`, a list, a
    string, an object without an update id, nesting too deep to parse)."""
    try:
        data = json.loads(body)
        if not isinstance(data, dict) or not isinstance(data.get("update_id"), int):
            return None
        return Update.de_json(data, bot)
    except (ValueError, TypeError, KeyError, AttributeError, RecursionError):
        return None


async def _quietly(step: Awaitable[object]) -> None:
    try:
        await step
    except Exception as error:
        log.warning("telegram: shutdown step failed (%s)", _describe(error))
