"""Files people send, fetched from their platform only when a handler asks, never past a limit.

Each adapter turns a received file into a `bot.pipeline.types.IncomingFile` whose `fetch(max_bytes)`
downloads it: the size the platform declares is checked first (nothing is downloaded for a
file declared too large), then the bytes are counted as they stream in and the download is
dropped at the limit (a server that lies about the size cannot make us read more). The
platforms: Telegram's `getFile` and its file URL (also a self-hosted Bot API server or the
emulator), Matrix media downloads with the access token (an encrypted attachment is
decrypted and its hash checked), and the console's local files. No error message names a
URL: Telegram's file URLs hold the bot token.
"""

from __future__ import annotations

import asyncio
import os
import re
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bot.pipeline.types import IncomingFile

DOWNLOAD_TIMEOUT = 60.0  # seconds for one file
_CHUNK = 64 * 1024


class FileTooLarge(Exception):
    """The file is (or is declared) larger than allowed; nothing of it was kept."""

    def __init__(self, size: int | None, limit: int) -> None:
        self.size = size  # None: unknown, the download passed the limit
        self.limit = limit
        super().__init__(f"file too large ({size or 'over'} bytes, limit {limit})")


class FileUnavailable(Exception):
    """The file could not be fetched (gone, refused, the network); the reason names no URL.
    `status`: the HTTP status when the server answered, else None."""

    def __init__(self, reason: str, status: int | None = None) -> None:
        super().__init__(reason)
        self.status = status


def check_declared(size: int | None, max_bytes: int) -> None:
    if size is not None and size > max_bytes:
        raise FileTooLarge(size, max_bytes)


async def download(url: str, max_bytes: int, *, headers: dict[str, str] | None = None) -> bytes:
    """GET `url`, refusing a Content-Length over `max_bytes` before reading and stopping the
    download as soon as the bytes received pass it. aiohttp (a base dependency: both
    platforms have it), which logs no request URL; imported only when a file is fetched.
    `trust_env`: HTTP(S)_PROXY and NO_PROXY count, as they do for httpx (python-telegram-bot)."""
    import aiohttp

    try:
        async with aiohttp.ClientSession(
                timeout=aiohttp.ClientTimeout(total=DOWNLOAD_TIMEOUT), trust_env=True) as session, \
                session.get(url, headers=headers) as response:
            if response.status != 200:
                raise FileUnavailable(f"HTTP {response.status}", response.status)
            try:
                declared = response.content_length
            except ValueError:  # a malformed Content-Length: only the counting decides
                declared = None
            check_declared(declared, max_bytes)
            chunks: list[bytes] = []
            received = 0
            async for chunk in response.content.iter_chunked(_CHUNK):
                received += len(chunk)
                if received > max_bytes:
                    raise FileTooLarge(None, max_bytes)
                chunks.append(chunk)
    except (aiohttp.ClientError, TimeoutError) as error:
        raise FileUnavailable(type(error).__name__) from None
    return b"".join(chunks)


# -- Telegram ----------------------------------------------------------------------------------


def telegram_file(bot: Any, document: Any) -> IncomingFile:
    """A Telegram `Document` (PTB): `getFile` is called, and the file fetched from the Bot API
    server's file URL, only by `fetch`."""

    async def fetch(max_bytes: int) -> bytes:
        check_declared(document.file_size, max_bytes)
        try:
            info = await bot.get_file(document.file_id)
        except Exception as error:  # PTB's TelegramError and network errors alike
            raise FileUnavailable(type(error).__name__) from None
        check_declared(info.file_size, max_bytes)
        if not info.file_path:
            raise FileUnavailable("no file path")
        # PTB gives the full URL (its base_file_url and the token) unless in local mode.
        url = info.file_path if "://" in info.file_path else \
            f"{bot.base_file_url}/{info.file_path}"
        return await download(url, max_bytes)

    return IncomingFile(document.file_name or "", document.file_size,
                        document.mime_type or "application/octet-stream", fetch)


# -- Matrix ------------------------------------------------------------------------------------


# A homeserver without authenticated media (before Matrix 1.11) does not know the client-API
# download endpoint: these answers send us to the old media API; anything else is the answer.
_UNKNOWN_ENDPOINT = (400, 404, 405, 501)


def matrix_file(
    homeserver: str, access_token: Callable[[], str], content: dict[str, Any],
    decrypt: Callable[[bytes, str, str, str], bytes] | None = None,
) -> IncomingFile | None:
    """An m.file (or m.image, m.audio, m.video) event's content (plain: `url`; encrypted room:
    `file` with key, iv and hash); None when it names no mxc:// URL it could be fetched from.
    `decrypt`: nio's `decrypt_attachment(ciphertext, key, sha256, iv)`, which checks the
    hash; it runs in a worker thread. `access_token` is asked at download time (a new login
    replaces it)."""
    declared = content.get("info")
    info: dict[str, Any] = declared if isinstance(declared, dict) else {}
    size = info.get("size") if isinstance(info.get("size"), int) else None
    encrypted = content.get("file") if isinstance(content.get("file"), dict) else None
    mxc = (encrypted or content).get("url")
    if not isinstance(mxc, str) or not _MXC.fullmatch(mxc):
        return None
    server, media_id = mxc[len("mxc://"):].split("/")

    async def fetch(max_bytes: int) -> bytes:
        check_declared(size, max_bytes)
        base = homeserver.rstrip("/")
        headers = {"Authorization": f"Bearer {access_token()}"}
        where = f"{server}/{media_id}"  # both checked by _MXC: nothing to escape
        try:
            data = await download(f"{base}/_matrix/client/v1/media/download/{where}",
                                  max_bytes, headers=headers)
        except FileUnavailable as error:
            if error.status not in _UNKNOWN_ENDPOINT:
                raise
            data = await download(f"{base}/_matrix/media/v3/download/{where}", max_bytes,
                                  headers=headers)
        if encrypted is None:
            return data
        return await asyncio.to_thread(_decrypted, data, encrypted, decrypt)

    name = content.get("filename") or content.get("body")
    return IncomingFile(name if isinstance(name, str) else "", size,
                        str(info.get("mimetype") or "application/octet-stream"), fetch)


_MXC = re.compile(r"mxc://[A-Za-z0-9.:\-\[\]]+/[A-Za-z0-9_\-]+")


def _decrypted(data: bytes, file: dict[str, Any],
               decrypt: Callable[[bytes, str, str, str], bytes] | None) -> bytes:
    try:
        key, sha256, iv = file["key"]["k"], file["hashes"]["sha256"], file["iv"]
        if decrypt is None:
            raise FileUnavailable("cannot decrypt attachments here")
        return decrypt(data, key, sha256, iv)
    except FileUnavailable:
        raise
    except Exception as error:  # a wrong key or hash, a malformed `file`
        raise FileUnavailable(f"not decrypted ({type(error).__name__})") from None


# -- console -----------------------------------------------------------------------------------


def local_file(path: Path) -> IncomingFile:
    """A file on the operator's own machine (`/file PATH` in `civicbot chat`)."""
    try:
        size: int | None = path.stat().st_size
    except OSError:
        size = None

    async def fetch(max_bytes: int) -> bytes:
        return await asyncio.to_thread(_read_local, path, max_bytes)

    return IncomingFile(path.name, size, "application/octet-stream", fetch)


def _read_local(path: Path, max_bytes: int) -> bytes:
    try:
        with path.open("rb") as handle:
            status = os.fstat(handle.fileno())
            if not stat.S_ISREG(status.st_mode):
                raise FileUnavailable("not a regular file")
            check_declared(status.st_size, max_bytes)
            data = handle.read(max_bytes + 1)
    except OSError as error:
        raise FileUnavailable(error.strerror or type(error).__name__) from None
    if len(data) > max_bytes:
        raise FileTooLarge(None, max_bytes)
    return data


