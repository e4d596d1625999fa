"""The console adapter: one person chatting on stdin/stdout (`civicbot chat`).

Each input line is a message from that person. Buttons print as numbered options `[1] Label`;
answering with the number or the label presses the button. Proactive messages for this person
print as they are delivered. Attachments (`/mydata`, calendar files, CSV exports) are written
into a folder of their own (`<data dir>/console-files`, 0700; files 0600) and their path is
printed. `/file PATH` sends a local file as if it were sent in a chat (an admin's document
to import). End of input ends the chat (exit code 0).
"""

from __future__ import annotations

import asyncio
import os
import re
import sys
import threading
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from bot.adapters.files import local_file
from bot.pipeline.router import typed_button
from bot.pipeline.types import Address, Attachment, Button, Incoming, Reply, Rich, Style

if TYPE_CHECKING:
    from bot.pipeline.core import Core


def render_plain(text: Rich) -> str:
    parts = []
    for segment in text.segments:
        if segment.style is Style.LINK and segment.url and segment.url != segment.text:
            parts.append(f"{segment.text} ({segment.url})")
        else:
            parts.append(segment.text)
    return "".join(parts)


class ConsoleAdapter:
    platform = "console"

    def __init__(
        self,
        user_id: str,
        language: str | None = None,
        stdin: TextIO | None = None,
        stdout: TextIO | None = None,
        files_dir: Path | None = None,
    ) -> None:
        self.user_id = user_id
        self.files_dir = files_dir  # None: attachments are only named
        self.language = language
        self.stdin = stdin or sys.stdin
        self.stdout = stdout or sys.stdout
        self.options: list[Button] = []  # the buttons last shown, numbered from 1
        self._print_lock = asyncio.Lock()
        self._lines: asyncio.Queue[str | None] = asyncio.Queue()

    def outbox_scope(self) -> str | None:
        return self.user_id  # this console speaks for one person only

    def messages_per_second(self) -> float:
        return 1000.0

    async def run(self, core: Core) -> None:
        lines = self._lines
        loop = asyncio.get_running_loop()
        # A thread reads stdin: works for pipes, files and terminals alike, never blocks the loop.
        threading.Thread(target=self._read_lines, args=(loop, lines), daemon=True).start()
        while True:
            line = await lines.get()
            if line is None:
                return
            replies = await core.handle(self._incoming(line))
            await self._print(replies)

    async def stop(self) -> None:
        self._lines.put_nowait(None)  # like the end of input

    def _read_lines(
        self, loop: asyncio.AbstractEventLoop, lines: asyncio.Queue[str | None]
    ) -> None:
        try:
            for raw in self.stdin:
                loop.call_soon_threadsafe(lines.put_nowait, raw.rstrip("\r\n"))
        except (OSError, ValueError, UnicodeDecodeError):
            pass  # a closed or broken stdin ends the chat like end of input
        loop.call_soon_threadsafe(lines.put_nowait, None)

    def _incoming(self, line: str) -> Incoming:
        if line.startswith("/file ") and line[6:].strip():
            # The operator's own file: sent as a file, read only if the bot takes it.
            path = Path(line[6:].strip()).expanduser()
            return Incoming(platform=self.platform, chat_id=self.user_id, user_id=self.user_id,
                            language_hint=self.language, file=local_file(path))
        button = typed_button(line, self.options)
        # The typed text goes along with the button it names: a question that asks for a
        # number takes a typed number as the answer, not as the number of its button.
        return Incoming(
            platform=self.platform,
            chat_id=self.user_id,
            user_id=self.user_id,
            text=line,
            payload=button.payload if button else None,
            language_hint=self.language,
        )

    async def send(self, address: Address, replies: list[Reply], *, key: str | None = None) -> None:
        await self._print(replies)

    async def _print(self, replies: list[Reply]) -> None:
        if not replies:
            return
        async with self._print_lock:
            options: list[Button] = []
            out = []
            for reply in replies:
                out.append(render_plain(reply.text))
                for row in reply.buttons:
                    for button in row:
                        options.append(button)
                        out.append(f"[{len(options)}] {button.label}")
                if reply.attachment is not None:
                    out.append(await self._attachment_line(reply.attachment))
            self.options = options
            self.stdout.write("\n".join(out) + "\n\n")
            self.stdout.flush()

    async def _attachment_line(self, attachment: Attachment) -> str:
        named = f"(file: {attachment.filename}, {len(attachment.content)} bytes"
        if self.files_dir is None:
            return named + ")"
        try:
            path = await asyncio.to_thread(save_attachment, self.files_dir, attachment)
        except OSError as error:
            return f"{named}; not saved: {error.strerror or error})"
        return f"{named}, saved as {path})"


_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def save_attachment(folder: Path, attachment: Attachment) -> Path:
    """Write an attachment into `folder` (made 0700) as a new file (0600), never over another
    one: `my-data.json`, then `my-data-2.json`, ... The name keeps only safe characters."""
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    folder.chmod(0o700)
    name = _UNSAFE.sub("_", Path(attachment.filename).name).strip("._")[:100] or "file"
    stem, dot, suffix = name.rpartition(".") if "." in name else (name, "", "")
    for number in range(1, 10_000):
        candidate = folder / (name if number == 1 else f"{stem}-{number}{dot}{suffix}")
        try:
            handle = os.open(candidate, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            continue
        with os.fdopen(handle, "wb") as out:
            out.write(attachment.content)
        return candidate.resolve()
    raise OSError(f"too many files named {name} in {folder}")
