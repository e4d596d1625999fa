"""Downloading a sent file over HTTP (what the Telegram and Matrix paths share): a real local
HTTP server; a declared size over the limit is refused before the body, and a body that
passes the limit without declaring it is dropped there."""

from __future__ import annotations

import pytest
from aiohttp import web

from bot.adapters.files import FileTooLarge, FileUnavailable, download
from tests.conftest import free_port

LIMIT = 1024 * 1024


async def chunked_body(request: web.Request) -> web.StreamResponse:
    response = web.StreamResponse()
    response.enable_chunked_encoding()  # no Content-Length: the size is only seen by counting
    await response.prepare(request)
    for _ in range(48):
        await response.write(b"x" * 65536)  # 3 MB
    return response


async def small(request: web.Request) -> web.Response:
    return web.Response(body=b"hello")


async def declared_too_large(request: web.Request) -> web.Response:
    return web.Response(body=b"y" * (2 * LIMIT))


async def served(port: int) -> web.AppRunner:
    app = web.Application()
    app.router.add_get("/small", small)
    app.router.add_get("/declared", declared_too_large)
    app.router.add_get("/chunked", chunked_body)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    return runner


async def test_a_download_keeps_to_the_limit() -> None:
    port = free_port()
    runner = await served(port)
    base = f"http://127.0.0.1:{port}"
    try:
        assert await download(f"{base}/small", LIMIT) == b"hello"
        with pytest.raises(FileTooLarge) as declared:
            await download(f"{base}/declared", LIMIT)
        assert declared.value.size == 2 * LIMIT  # refused by its Content-Length
        with pytest.raises(FileTooLarge) as counted:
            await download(f"{base}/chunked", LIMIT)
        assert counted.value.size is None  # stopped while counting
        with pytest.raises(FileUnavailable) as missing:
            await download(f"{base}/gone", LIMIT)
        assert str(missing.value) == "HTTP 404"
    finally:
        await runner.cleanup()
