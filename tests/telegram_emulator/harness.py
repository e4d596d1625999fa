"""Python harness around the patched ``telegram-test-api`` Bot API emulator.

Usage::

    async with TelegramEmulator() as emu:
        bot = telegram.Bot(emu.token, base_url=emu.api_base_url,
                           base_file_url=emu.file_base_url)
        await emu.send_text(42, 42, "/start", first_name="Ana", language_code="sl")
        updates = await bot.get_updates()
        ...
        msgs = await emu.wait_for_bot_messages(42, count=1)

or as a pytest fixture (see :func:`telegram_emulator_session`).

The emulator process is started with :mod:`subprocess` (not asyncio), so one
instance can be shared by tests that each run their own event loop
(``asyncio.run``); the async HTTP client is created per running loop.

Only the standard library and ``httpx`` (a dependency of python-telegram-bot)
are used.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import dataclasses
import fcntl
import os
import re
import secrets
import select
import shutil
import subprocess
import tempfile
import time
import weakref
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import httpx

HERE = Path(__file__).resolve().parent

__all__ = [
    "BotMessage",
    "EmulatorError",
    "TelegramEmulator",
    "ensure_node_modules",
    "telegram_emulator",
    "telegram_emulator_session",
]


class EmulatorError(RuntimeError):
    """The emulator could not be installed/started or a control call failed."""


# ---------------------------------------------------------------------------
# installation
# ---------------------------------------------------------------------------
def ensure_node_modules(folder: Path = HERE, *, quiet: bool = True) -> None:
    """Runs ``npm ci`` (or ``npm install`` without a lock file) in *folder* if
    ``node_modules/telegram-test-api`` is missing.  Idempotent and safe to call
    from several processes at once (file lock)."""
    marker = folder / "node_modules" / "telegram-test-api" / "package.json"
    if marker.exists():
        return
    npm = shutil.which("npm")
    if npm is None:
        raise EmulatorError("npm is not installed; it is needed for the Telegram emulator")
    lock_path = folder / ".npm-install.lock"
    with open(lock_path, "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            if marker.exists():
                return
            cmd = [npm, "ci" if (folder / "package-lock.json").exists() else "install"]
            cmd += ["--no-audit", "--no-fund", "--loglevel=error"]
            proc = subprocess.run(
                cmd,
                cwd=folder,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE if quiet else None,
                stderr=subprocess.STDOUT if quiet else None,
                text=True,
                timeout=600,
            )
            if proc.returncode != 0 or not marker.exists():
                raise EmulatorError(
                    f"{' '.join(cmd)} failed in {folder} (exit {proc.returncode}):\n"
                    f"{proc.stdout or ''}"
                )
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
    with contextlib.suppress(OSError):
        lock_path.unlink()


# ---------------------------------------------------------------------------
# bot message view
# ---------------------------------------------------------------------------
@dataclasses.dataclass
class BotMessage:
    """A message the bot sent, as the emulator stores it (latest version)."""

    message_id: int
    chat_id: int
    text: str | None
    caption: str | None
    #: entities (or caption entities) after parse_mode was applied
    entities: list[dict]
    #: parse_mode the bot used (None for plain text)
    parse_mode: str | None
    #: text/caption exactly as the bot sent it (before parse_mode was applied)
    raw_text: str | None
    #: any reply markup the bot sent (inline keyboard, reply keyboard, remove, force reply)
    reply_markup: dict | None
    reply_to_message_id: int | None
    document: dict | None
    photo: list | None
    date: int
    edit_date: int | None
    #: how many times the message was edited
    edits: int
    #: the full control record, including ``message`` (the Bot API Message object)
    raw: dict

    @classmethod
    def from_record(cls, rec: dict) -> BotMessage:
        return cls(
            message_id=rec["message_id"],
            chat_id=rec["chat_id"],
            text=rec.get("text"),
            caption=rec.get("caption"),
            entities=rec.get("entities") or [],
            parse_mode=rec.get("parse_mode"),
            raw_text=rec.get("raw_text"),
            reply_markup=rec.get("reply_markup"),
            reply_to_message_id=rec.get("reply_to_message_id"),
            document=rec.get("document"),
            photo=rec.get("photo"),
            date=rec.get("date"),
            edit_date=rec.get("edit_date"),
            edits=rec.get("edits", 0),
            raw=rec,
        )

    @property
    def buttons(self) -> list[dict]:
        """Inline keyboard buttons, row by row, flattened."""
        rm = self.reply_markup or {}
        return [b for row in rm.get("inline_keyboard", []) for b in row]

    @property
    def callback_data(self) -> list[str]:
        return [b["callback_data"] for b in self.buttons if "callback_data" in b]

    @property
    def keyboard(self) -> list[list[str]]:
        """Texts of a reply keyboard (``ReplyKeyboardMarkup``), if any."""
        rm = self.reply_markup or {}
        return [
            [b if isinstance(b, str) else b.get("text") for b in row]
            for row in rm.get("keyboard", [])
        ]

    def button(self, text_or_data: str) -> dict:
        """The inline button whose text or callback_data equals *text_or_data*."""
        for b in self.buttons:
            if b.get("text") == text_or_data or b.get("callback_data") == text_or_data:
                return b
        raise KeyError(f"no button {text_or_data!r} in message {self.message_id}: {self.buttons}")


# ---------------------------------------------------------------------------
# entities for user messages
# ---------------------------------------------------------------------------
def _u16(s: str) -> int:
    return len(s.encode("utf-16-le")) // 2


_MENTION_RE = re.compile(r"(?<![\w@])@([A-Za-z][A-Za-z0-9_]{3,31})\b")


def user_entities(text: str) -> list[dict]:
    """``bot_command`` entity for a leading ``/command[@bot]`` and ``mention``
    entities for ``@username``; offsets and lengths in UTF-16 code units."""
    entities: list[dict] = []
    cmd_end = 0
    m = re.match(r"/[A-Za-z0-9_]{1,32}(@[A-Za-z][A-Za-z0-9_]{3,31})?", text)
    if m:
        cmd_end = m.end()
        entities.append({"type": "bot_command", "offset": 0, "length": _u16(m.group(0))})
    for mm in _MENTION_RE.finditer(text):
        if mm.start() < cmd_end:
            continue
        entities.append(
            {"type": "mention", "offset": _u16(text[: mm.start()]), "length": _u16(mm.group(0))}
        )
    return entities


def _message_id_of(message: Any) -> int:
    if isinstance(message, int):
        return message
    if isinstance(message, BotMessage):
        return message.message_id
    if isinstance(message, dict):
        return int(message["message_id"])
    mid = getattr(message, "message_id", None)  # telegram.Message
    if mid is None:
        raise TypeError(f"cannot get a message_id from {message!r}")
    return int(mid)


# ---------------------------------------------------------------------------
# the emulator
# ---------------------------------------------------------------------------
class TelegramEmulator:
    """Runs ``node server.js`` and talks to it.

    * ``api_base_url`` -> ``Bot(token, base_url=emu.api_base_url)``
    * ``file_base_url`` -> ``Bot(..., base_file_url=emu.file_base_url)``
    * user side: :meth:`send_text`, :meth:`send_message`, :meth:`press_button`,
      :meth:`block_bot`
    * bot side view: :meth:`bot_messages`, :meth:`wait_for_bot_messages`,
      :meth:`commands`, :meth:`callback_answers`, :meth:`download_file`, ...
    * control: :meth:`inject_fault`, :meth:`calls`, :meth:`stats`,
      :meth:`set_rate_limit`, :meth:`reset`

    State lives in the node process and is shared by everything that uses it;
    :meth:`reset` clears it (message and update ids keep counting up so a
    running poller is never confused).
    """

    def __init__(
        self,
        *,
        token: str | None = None,
        bot_username: str = "CivicTestBot",
        bot_first_name: str = "Civic Test Bot",
        port: int = 0,
        host: str = "127.0.0.1",
        store_timeout: int = 3600,
        startup_timeout: float = 30.0,
        node: str | None = None,
        debug: bool = False,
    ) -> None:
        # shaped like BotFather's tokens (35 characters after the colon), so configs accept it
        self.token = token or f"{secrets.randbelow(9 * 10**9) + 10**9}:AA{secrets.token_hex(16)}X"
        self.bot_id = int(self.token.split(":", 1)[0])
        self.bot_username = bot_username
        self.bot_first_name = bot_first_name
        self.host = host
        self._requested_port = port
        self.port: int | None = None
        self._store_timeout = store_timeout
        self._startup_timeout = startup_timeout
        self._node = node or shutil.which("node") or "node"
        self._debug = debug
        self._proc: subprocess.Popen | None = None
        self._stderr_file: Any = None
        self._clients: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, httpx.AsyncClient] = (
            weakref.WeakKeyDictionary()
        )

    # --- urls ------------------------------------------------------------------
    @property
    def base_url(self) -> str:
        if self.port is None:
            raise EmulatorError("emulator is not running")
        return f"http://{self.host}:{self.port}"

    @property
    def api_base_url(self) -> str:
        """What to give PTB as ``base_url`` (PTB appends the token)."""
        return f"{self.base_url}/bot"

    @property
    def file_base_url(self) -> str:
        """What to give PTB as ``base_file_url``."""
        return f"{self.base_url}/file/bot"

    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    # --- lifecycle (synchronous, usable from any thread/loop) --------------------
    def start_sync(self) -> TelegramEmulator:
        if self.running:
            return self
        ensure_node_modules(HERE)
        cmd = [
            self._node,
            str(HERE / "server.js"),
            "--port",
            str(self._requested_port),
            "--host",
            self.host,
            "--store-timeout",
            str(self._store_timeout),
            "--bot-username",
            self.bot_username,
            "--bot-first-name",
            self.bot_first_name,
            "--exit-on-stdin-close",
        ]
        env = dict(os.environ)
        if self._debug:
            env["TG_EMULATOR_DEBUG"] = "1"
        # closed in stop_sync(); it outlives this method on purpose
        self._stderr_file = tempfile.TemporaryFile(prefix="tg-emulator-", suffix=".log")  # noqa: SIM115
        self._proc = subprocess.Popen(
            cmd,
            cwd=HERE,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._stderr_file,
            env=env,
        )
        deadline = time.monotonic() + self._startup_timeout
        buf = b""
        fd = self._proc.stdout.fileno()
        while b"\n" not in buf:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or self._proc.poll() is not None:
                self._fail_start("did not print READY in time" if remaining <= 0 else "exited")
            ready, _, _ = select.select([fd], [], [], min(remaining, 0.5))
            if ready:
                chunk = os.read(fd, 4096)
                if not chunk:
                    self._fail_start("closed stdout")
                buf += chunk
        line = buf.split(b"\n", 1)[0].decode().strip()
        m = re.fullmatch(r"READY (\d+)", line)
        if not m:
            self._fail_start(f"printed {line!r} instead of READY <port>")
        self.port = int(m.group(1))
        self._control_sync(
            "POST",
            "/control/bot",
            json={
                "token": self.token,
                "username": self.bot_username,
                "first_name": self.bot_first_name,
            },
        )
        return self

    def _fail_start(self, why: str) -> None:
        log = self.server_log()
        self.stop_sync()
        raise EmulatorError(f"Telegram emulator {why}. stderr:\n{log}")

    def server_log(self) -> str:
        """What the node process wrote to stderr so far."""
        if self._stderr_file is None:
            return ""
        with contextlib.suppress(Exception):
            self._stderr_file.seek(0)
            return self._stderr_file.read().decode(errors="replace")
        return ""

    def stop_sync(self) -> None:
        proc, self._proc = self._proc, None
        if proc is not None:
            with contextlib.suppress(Exception):
                proc.stdin.close()  # server exits on stdin EOF
            try:
                proc.wait(timeout=3)
            except subprocess.TimeoutExpired:
                proc.terminate()
                try:
                    proc.wait(timeout=3)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()
            with contextlib.suppress(Exception):
                proc.stdout.close()
        if self._stderr_file is not None:
            with contextlib.suppress(Exception):
                self._stderr_file.close()
            self._stderr_file = None
        self.port = None

    def reset_sync(self) -> None:
        self._control_sync("POST", "/control/reset")

    def _control_sync(self, method: str, path: str, **kw: Any) -> Any:
        with httpx.Client(base_url=self.base_url, timeout=30, trust_env=False) as c:
            return self._unwrap(c.request(method, path, **kw))

    def __enter__(self) -> TelegramEmulator:
        return self.start_sync()

    def __exit__(self, *exc: Any) -> None:
        self.stop_sync()

    # --- lifecycle (async) ---------------------------------------------------------
    async def start(self) -> TelegramEmulator:
        await asyncio.get_running_loop().run_in_executor(None, self.start_sync)
        return self

    async def stop(self) -> None:
        await self.aclose_client()
        await asyncio.get_running_loop().run_in_executor(None, self.stop_sync)

    async def __aenter__(self) -> TelegramEmulator:
        return await self.start()

    async def __aexit__(self, *exc: Any) -> None:
        await self.stop()

    async def aclose_client(self) -> None:
        """Closes the HTTP client of the running loop (call before the loop ends
        if you share one emulator between several ``asyncio.run`` calls)."""
        with contextlib.suppress(RuntimeError):
            client = self._clients.pop(asyncio.get_running_loop(), None)
            if client is not None:
                await client.aclose()

    def run(self, coro: Any) -> Any:
        """``asyncio.run(coro)`` that also closes this loop's HTTP client; for
        plain (non-async) tests sharing one emulator."""

        async def main() -> Any:
            try:
                return await coro
            finally:
                await self.aclose_client()

        return asyncio.run(main())

    # --- http ------------------------------------------------------------------------
    def _client(self) -> httpx.AsyncClient:
        loop = asyncio.get_running_loop()
        client = self._clients.get(loop)
        if client is None or client.is_closed:
            client = httpx.AsyncClient(base_url=self.base_url, timeout=30, trust_env=False)
            self._clients[loop] = client
        return client

    @staticmethod
    def _unwrap(resp: httpx.Response) -> Any:
        try:
            body = resp.json()
        except ValueError as exc:
            raise EmulatorError(
                f"{resp.request.method} {resp.request.url}: HTTP {resp.status_code} "
                f"{resp.text[:500]}"
            ) from exc
        if resp.status_code != 200 or not body.get("ok"):
            why = body.get("description") or body
            raise EmulatorError(f"{resp.request.method} {resp.request.url.path}: {why}")
        return body.get("result")

    async def _control(self, method: str, path: str, **kw: Any) -> Any:
        if not self.running:
            raise EmulatorError("emulator is not running")
        resp = await self._client().request(method, path, **kw)
        return self._unwrap(resp)

    # --- user side -------------------------------------------------------------------
    @staticmethod
    def _user(
        user_id: int,
        first_name: str,
        last_name: str | None,
        username: str | None,
        language_code: str | None,
    ) -> dict:
        user: dict[str, Any] = {"id": int(user_id), "is_bot": False, "first_name": first_name}
        if last_name:
            user["last_name"] = last_name
        if username:
            user["username"] = username
        if language_code:
            user["language_code"] = language_code
        return user

    async def send_text(
        self,
        user_id: int,
        chat_id: int,
        text: str,
        *,
        first_name: str = "Tester",
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = None,
        chat_type: str = "private",
        chat_title: str | None = None,
        reply_to: Any = None,
        entities: list[dict] | None = None,
    ) -> dict:
        """A user sends *text*.  Adds a ``bot_command`` entity for a leading
        ``/command`` and ``mention`` entities for ``@username`` (unless
        *entities* is given).  ``chat_type`` is ``private``, ``group`` or
        ``supergroup``; *reply_to* is a message id or a message object.

        Returns ``{"update_id", "message_id", "update", "webhook"}``; with a
        webhook set, ``webhook`` tells whether the delivery succeeded."""
        user = self._user(user_id, first_name, last_name, username, language_code)
        if chat_type == "private":
            chat = {k: v for k, v in user.items() if k in ("first_name", "last_name", "username")}
            chat.update(id=int(chat_id), type="private")
        elif chat_type in ("group", "supergroup"):
            chat = {
                "id": int(chat_id),
                "type": chat_type,
                "title": chat_title or f"Test group {chat_id}",
            }
        else:
            raise ValueError(f"unsupported chat_type {chat_type!r}")
        message: dict[str, Any] = {"from": user, "chat": chat, "text": text}
        ents = user_entities(text) if entities is None else entities
        if ents:
            message["entities"] = ents
        if reply_to is not None:
            message["reply_to_message_id"] = _message_id_of(reply_to)
        return await self.send_message(message)

    async def send_message(self, message: dict) -> dict:
        """Sends an arbitrary user message (``from`` and ``chat`` required;
        ``message_id`` and ``date`` are filled in; ``reply_to_message_id`` is
        resolved to ``reply_to_message``)."""
        return await self._control(
            "POST", "/sendMessage", json={"botToken": self.token, "message": message}
        )

    async def send_document(
        self,
        user_id: int,
        chat_id: int,
        data: bytes,
        file_name: str,
        *,
        mime_type: str = "application/octet-stream",
        file_size: int | None = None,
        caption: str | None = None,
        first_name: str = "Tester",
        language_code: str | None = None,
    ) -> dict:
        """A user sends a file (a ``document``); the bot gets it with ``getFile`` and the file
        URL. *file_size* declares another size than the bytes have (a lying or huge file)."""
        body: dict[str, Any] = {"botToken": self.token, "file_name": file_name,
                                "mime_type": mime_type,
                                "data": base64.b64encode(data).decode()}
        if file_size is not None:
            body["file_size"] = file_size
        document = await self._control("POST", "/control/userFile", json=body)
        user = self._user(user_id, first_name, None, None, language_code)
        chat = {"id": int(chat_id), "type": "private", "first_name": first_name}
        message: dict[str, Any] = {"from": user, "chat": chat, "document": document}
        if caption:
            message["caption"] = caption
        return await self.send_message(message)

    async def press_button(
        self,
        user_id: int,
        chat_id: int,
        message: Any,
        callback_data: str,
        *,
        first_name: str = "Tester",
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = None,
        strict: bool = True,
    ) -> str:
        """A user presses the inline button with *callback_data* under the bot
        message *message* (id, :class:`BotMessage`, dict or ``telegram.Message``;
        ``None`` = the newest bot message in the chat with such a button).
        With *strict*, the button must exist.  Returns the callback query id."""
        body: dict[str, Any] = {
            "botToken": self.token,
            "from": self._user(user_id, first_name, last_name, username, language_code),
            "chat_id": int(chat_id),
            "data": callback_data,
            "strict": strict,
        }
        if message is not None:
            body["message_id"] = _message_id_of(message)
        result = await self._control("POST", "/sendCallback", json=body)
        return result["callback_query_id"]

    async def block_bot(
        self, user_id: int, *, blocked: bool = True, emit_update: bool = True
    ) -> dict:
        """The user blocks (or unblocks) the bot: later ``send*`` calls to that
        private chat answer 403 and a ``my_chat_member`` update is queued."""
        return await self._control(
            "POST",
            "/control/block",
            json={
                "token": self.token,
                "chat_id": int(user_id),
                "blocked": blocked,
                "emit_update": emit_update,
            },
        )

    # --- bot side view ---------------------------------------------------------------
    async def bot_messages(self, chat_id: int | None = None, *, after: int = 0) -> list[BotMessage]:
        """Messages the bot sent (to *chat_id*, or everywhere), oldest first,
        each in its latest (edited) version; deleted ones are gone."""
        params: dict[str, Any] = {"token": self.token, "after": after}
        if chat_id is not None:
            params["chat_id"] = chat_id
        recs = await self._control("GET", "/control/botMessages", params=params)
        return [BotMessage.from_record(r) for r in recs]

    async def wait_for_bot_messages(
        self, chat_id: int | None, count: int = 1, timeout: float = 5.0, *, after: int = 0
    ) -> list[BotMessage]:
        """Waits until the bot has sent at least *count* messages to *chat_id*
        (with ``message_id > after``) and returns all of them."""
        deadline = time.monotonic() + timeout
        while True:
            msgs = await self.bot_messages(chat_id, after=after)
            if len(msgs) >= count:
                return msgs
            if time.monotonic() >= deadline:
                raise TimeoutError(
                    f"bot sent {len(msgs)} of {count} expected messages to chat {chat_id} "
                    f"within {timeout}s: "
                    f"{[m.text or m.caption for m in msgs]}"
                )
            await asyncio.sleep(0.02)

    async def last_message_id(self) -> int:
        """Highest bot message id so far (use as ``after=`` for "the next reply")."""
        msgs = await self.bot_messages()
        return msgs[-1].message_id if msgs else 0

    async def download_file(self, file_id: str) -> bytes:
        """Bytes the bot uploaded (sendDocument, sendPhoto, ...)."""
        resp = await self._client().get(f"/control/files/{file_id}")
        if resp.status_code != 200:
            raise EmulatorError(f"file {file_id}: HTTP {resp.status_code}")
        return resp.content

    async def commands(self, language_code: str | None = None, scope: dict | None = None) -> Any:
        """Commands set with setMyCommands.  Without arguments: all records
        ``[{"scope", "language_code", "commands"}]``; with *language_code*
        (``""`` = no language) and/or *scope*: that command list, or ``None``."""
        recs = await self._control("GET", "/control/commands", params={"token": self.token})
        if language_code is None and scope is None:
            return recs
        scope = scope or {"type": "default"}
        for r in recs:
            if r["language_code"] == (language_code or "") and r["scope"] == scope:
                return r["commands"]
        return None

    async def callback_answers(self, callback_query_id: str | None = None) -> list[dict]:
        """Callback queries and how the bot answered them (``answer`` is
        ``None`` while unanswered)."""
        params = {"token": self.token}
        if callback_query_id is not None:
            params["id"] = callback_query_id
        return await self._control("GET", "/control/callbackAnswers", params=params)

    async def callback_answer(self, callback_query_id: str) -> dict | None:
        recs = await self.callback_answers(callback_query_id)
        return recs[0]["answer"] if recs else None

    async def chat_actions(self, chat_id: int | None = None) -> list[dict]:
        recs = await self._control("GET", "/control/chatActions", params={"token": self.token})
        return [r for r in recs if chat_id is None or r["chat_id"] == chat_id]

    async def pending_updates(self) -> list[dict]:
        """Updates not yet confirmed by the bot (getUpdates offset) or not yet
        delivered to the webhook."""
        return await self._control("GET", "/control/pendingUpdates", params={"token": self.token})

    async def webhook_info(self) -> dict:
        """getWebhookInfo plus ``secret_token_set`` and ``deliveries`` (one
        record per POST: update_id, url, status, error, ms)."""
        return await self._control("GET", "/control/webhook", params={"token": self.token})

    async def set_webhook(
        self, url: str | None, *, secret_token: str | None = None, retry_ms: int | None = None
    ) -> dict:
        """Sets/clears the webhook from the test side (as the bot's setWebhook
        would); *retry_ms* is the pause before a failed delivery is retried."""
        body: dict[str, Any] = {"token": self.token}
        if url is not None or secret_token is not None:
            body["url"] = url or ""
            body["secret_token"] = secret_token
        if retry_ms is not None:
            body["retry_ms"] = retry_ms
        return await self._control("POST", "/control/webhook", json=body)

    # --- faults & metrics ----------------------------------------------------------
    async def inject_fault(
        self,
        method: str,
        kind: str | int = "429",
        *,
        chat_id: int | None = None,
        retry_after: int = 1,
        times: int = 1,
        description: str | None = None,
        parameters: dict | None = None,
        delay_ms: int = 0,
        token: str | None = None,
    ) -> dict:
        """The next *times* calls (``-1`` = all) of Bot API *method* (``"*"`` =
        any), optionally only for *chat_id*, answer like Telegram with *kind*:
        an HTTP error code (``429`` with ``retry_after``, ``403`` "bot was
        blocked by the user", ``400``, ``500``, ``502``, ...), ``"delay"``
        (answer normally after *delay_ms*) or ``"disconnect"`` (drop the
        connection).  Faulted calls have no side effects.  *token* targets
        another bot token than this harness's (e.g. a token to reject)."""
        body: dict[str, Any] = {
            "method": method,
            "kind": str(kind),
            "retry_after": retry_after,
            "times": times,
            "token": token or self.token,
            "delay_ms": delay_ms,
        }
        if chat_id is not None:
            body["chat_id"] = chat_id
        if description:
            body["description"] = description
        if parameters:
            body["parameters"] = parameters
        return await self._control("POST", "/control/faults", json=body)

    async def faults(self) -> list[dict]:
        return await self._control("GET", "/control/faults")

    async def clear_faults(self) -> None:
        await self._control("DELETE", "/control/faults")

    async def set_rate_limit(
        self,
        *,
        per_chat_per_second: int | None = None,
        global_per_second: int | None = None,
        per_group_per_minute: int | None = None,
    ) -> None:
        """Automatic flood control: over the limit, ``send*``/``edit*`` calls
        answer 429 with a computed retry_after.  No arguments = off.
        (Telegram's documented limits are about 1/s per chat, 20/min per group
        and 30/s overall.)"""
        body = {
            k: v
            for k, v in {
                "per_chat_per_second": per_chat_per_second,
                "global_per_second": global_per_second,
                "per_group_per_minute": per_group_per_minute,
            }.items()
            if v
        }
        await self._control("POST", "/control/ratelimit", json=body)

    async def calls(
        self,
        method: str | None = None,
        chat_id: int | None = None,
        *,
        since: int = 0,
        brief: bool = False,
    ) -> list[dict]:
        """Bot API calls received for this token, oldest first: ``seq``, ``ts``
        (epoch seconds, float), ``method``, ``chat_id``, ``status``, ``ok``,
        ``fault`` (None or the injected kind), ``params`` (unless *brief*) and
        ``unsupported`` for methods the emulator does not implement."""
        params: dict[str, Any] = {"token": self.token}
        if method:
            params["method"] = method
        if chat_id is not None:
            params["chat_id"] = chat_id
        if since:
            params["since"] = since
        if brief:
            params["brief"] = "1"
        return await self._control("GET", "/control/calls", params=params)

    async def stats(self) -> dict:
        """Per method: count, ok, errors, first_ts, last_ts."""
        return await self._control("GET", "/control/stats", params={"token": self.token})

    async def reset(self) -> None:
        """Clears messages, updates, faults, calls, commands, webhooks, files,
        rate limits and blocks (ids keep increasing)."""
        await self._control("POST", "/control/reset")


# ---------------------------------------------------------------------------
# pytest fixtures (import them into a conftest.py or a test module)
# ---------------------------------------------------------------------------
try:  # pragma: no cover - pytest is optional for the harness itself
    import pytest
except ImportError:  # pragma: no cover
    pytest = None  # type: ignore[assignment]

if pytest is not None:

    @pytest.fixture(scope="session")
    def telegram_emulator_session() -> Iterable[TelegramEmulator]:
        """One emulator process for the whole test session."""
        if shutil.which("node") is None:
            pytest.fail("node is not installed: the Telegram tests need it")
        with TelegramEmulator() as emu:
            yield emu

    @pytest.fixture
    def telegram_emulator(
        telegram_emulator_session: TelegramEmulator,
    ) -> Iterable[TelegramEmulator]:
        """The session emulator, reset before each test."""
        telegram_emulator_session.reset_sync()
        yield telegram_emulator_session
else:  # pragma: no cover
    telegram_emulator_session = telegram_emulator = None  # type: ignore[assignment]
