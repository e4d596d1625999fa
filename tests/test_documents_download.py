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


# -- Matrix media: the homeserver's download endpoints, played by a real local HTTP server --


def media_server(*, authenticated: bool, body: bytes, seen: list[str]) -> web.Application:
    """A homeserver's media API: with authenticated media (Matrix 1.11) or only the old one."""
    async def v1(request: web.Request) -> web.Response:
        seen.append(f"v1 {request.headers.get('Authorization')}")
        if not authenticated:
            return web.json_response({"errcode": "M_UNRECOGNIZED"}, status=404)
        return web.Response(body=body)

    async def v3(request: web.Request) -> web.Response:
        seen.append(f"v3 {request.headers.get('Authorization')}")
        return web.Response(body=body)

    app = web.Application()
    app.router.add_get("/_matrix/client/v1/media/download/example.org/abcDEF", v1)
    app.router.add_get("/_matrix/media/v3/download/example.org/abcDEF", v3)
    return app


async def serve(app: web.Application, port: int) -> web.AppRunner:
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    return runner


def encrypted(data: bytes) -> tuple[bytes, dict]:
    from nio.crypto import encrypt_attachment

    ciphertext, keys = encrypt_attachment(data)
    return ciphertext, keys


async def test_matrix_media_authenticated_else_the_old_api_and_decrypted() -> None:
    from nio.crypto import decrypt_attachment

    from bot.adapters.files import matrix_file

    for authenticated, expected in ((True, ["v1 Bearer tok"]),
                                    (False, ["v1 Bearer tok", "v3 Bearer tok"])):
        seen: list[str] = []
        port = free_port()
        runner = await serve(media_server(authenticated=authenticated, body=b"# Hello",
                                          seen=seen), port)
        try:
            file = matrix_file(f"http://127.0.0.1:{port}", lambda: "tok", {
                "msgtype": "m.file", "body": "hello.md", "url": "mxc://example.org/abcDEF",
                "info": {"size": 7, "mimetype": "text/markdown"}})
            assert file is not None and (file.name, file.size) == ("hello.md", 7)
            assert await file.fetch(LIMIT) == b"# Hello"
            assert seen == expected
        finally:
            await runner.cleanup()

    ciphertext, keys = encrypted(b"secret minutes")
    seen = []
    port = free_port()
    runner = await serve(media_server(authenticated=True, body=ciphertext, seen=seen), port)
    try:
        content = {"msgtype": "m.file", "body": "minutes.txt", "info": {"size": 14},
                   "file": {**keys, "url": "mxc://example.org/abcDEF"}}
        file = matrix_file(f"http://127.0.0.1:{port}", lambda: "tok", content,
                           decrypt_attachment)
        assert file is not None and await file.fetch(LIMIT) == b"secret minutes"
        tampered = {**content, "file": {**content["file"],
                                        "hashes": {"sha256": "A" * 43}}}
        file = matrix_file(f"http://127.0.0.1:{port}", lambda: "tok", tampered,
                           decrypt_attachment)
        assert file is not None
        with pytest.raises(FileUnavailable, match="not decrypted"):
            await file.fetch(LIMIT)
        # declared too large: refused before any request
        seen.clear()
        big = matrix_file(f"http://127.0.0.1:{port}", lambda: "tok",
                          {**content, "info": {"size": 2 * LIMIT}}, decrypt_attachment)
        assert big is not None
        with pytest.raises(FileTooLarge):
            await big.fetch(LIMIT)
        assert seen == []
    finally:
        await runner.cleanup()
    assert matrix_file("http://x", lambda: "t", {"url": "https://evil/x"}) is None
    assert matrix_file("http://x", lambda: "t", {"url": "mxc://a/../../etc"}) is None
