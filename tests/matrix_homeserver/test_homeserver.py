"""End-to-end proof: a real Synapse on 127.0.0.1 and two matrix-nio clients
chatting in an end-to-end encrypted direct room.

Plain test functions driving ``asyncio.run`` (no pytest-asyncio, no conftest).
Skipped when matrix-nio with e2e support is not installed in the test venv.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib.util
import os
import sys
import time
import urllib.parse
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest

if os.environ.get("CIVICBOT_SKIP_SYNAPSE"):
    pytest.skip("CIVICBOT_SKIP_SYNAPSE is set", allow_module_level=True)

# The [matrix] extra is part of the test install: a missing package fails loudly, never skips.
nio = importlib.import_module("nio")
importlib.import_module("vodozemac")


def _load_harness() -> Any:
    # Loaded by path under a unique name, so it never collides with another
    # tests folder's "harness" module whatever pytest's import mode is.
    name = "civicbot_matrix_homeserver_harness"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, Path(__file__).with_name("harness.py"))
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


Homeserver = _load_harness().Homeserver

PASSWORD = "correct horse battery staple"
# Synapse sends only 10 timeline events per room per sync unless asked for more.
SYNC_FILTER = {"room": {"timeline": {"limit": 100}}}
MEGOLM = "m.megolm.v1.aes-sha2"


@pytest.fixture(scope="module")
def hs():
    with Homeserver() as server:
        yield server


class E2EClient:
    """A matrix-nio client the way a bot should run one, driven step by step."""

    def __init__(self, hs: Any, localpart: str, store: Path) -> None:
        self.hs = hs
        self.user_id = hs.user_id(localpart)
        store.mkdir(parents=True, exist_ok=True)
        self.client = nio.AsyncClient(
            hs.base_url,
            self.user_id,
            store_path=str(store),
            config=nio.AsyncClientConfig(encryption_enabled=True, store_sync_tokens=True),
        )
        self.texts: list[tuple[str, Any]] = []  # (room_id, RoomMessageText)
        self.undecrypted: list[Any] = []
        self.client.add_event_callback(self._on_text, nio.RoomMessageText)
        self.client.add_event_callback(self._on_megolm, nio.MegolmEvent)

    async def _on_text(self, room: Any, event: Any) -> None:
        self.texts.append((room.room_id, event))

    async def _on_megolm(self, room: Any, event: Any) -> None:
        self.undecrypted.append(event)

    async def login(self) -> None:
        # A password login creates a fresh device id (and so a fresh identity
        # key) every run; the crypto store is loaded by nio on login.
        resp = await self.client.login(PASSWORD, device_name="civicbot-e2e-test")
        assert isinstance(resp, nio.LoginResponse), resp
        assert self.client.olm is not None, "encryption not enabled (vodozemac missing?)"
        # Upload device keys + one-time keys *before* anyone encrypts for us.
        if self.client.should_upload_keys:
            up = await self.client.keys_upload()
            assert isinstance(up, nio.KeysUploadResponse), up

    async def sync(self, timeout_ms: int = 0) -> Any:
        resp = await self.client.sync(timeout=timeout_ms, sync_filter=SYNC_FILTER)
        assert isinstance(resp, nio.SyncResponse), resp
        # What sync_forever() does after each sync; a bot using sync_forever
        # gets this for free.
        await self.client.send_to_device_messages()
        if self.client.should_upload_keys:
            await self.client.keys_upload()
        if self.client.should_query_keys:
            await self.client.keys_query()
        if self.client.should_claim_keys:
            await self.client.keys_claim(self.client.get_users_for_key_claiming())
        return resp

    async def sync_until(self, cond: Callable[[], bool], what: str, limit: float = 20) -> None:
        deadline = time.monotonic() + limit
        while not cond():
            if time.monotonic() > deadline:
                raise AssertionError(f"{self.user_id}: timed out waiting for {what}")
            await self.sync(timeout_ms=500)

    async def close(self) -> None:
        try:
            if self.client.logged_in:
                await self.client.logout()  # deletes the device on the server
        finally:
            await self.client.close()


async def _with_clients(
    hs: Any, store: Path, body: Callable[[E2EClient, E2EClient], Awaitable[None]]
) -> None:
    tag = uuid.uuid4().hex[:8]
    a_local, b_local = f"alice{tag}", f"bob{tag}"
    for local in (a_local, b_local):
        user_id, token = await hs.aregister_user(local, PASSWORD)
        assert user_id == hs.user_id(local) and token
    alice = E2EClient(hs, a_local, store / "alice")
    bob = E2EClient(hs, b_local, store / "bob")
    try:
        await alice.login()
        await bob.login()
        await alice.sync()
        await bob.sync()
        await body(alice, bob)
    finally:
        await alice.close()
        await bob.close()


async def _open_encrypted_dm(alice: E2EClient, bob: E2EClient) -> str:
    """Alice opens an encrypted direct chat with Bob the way Element does."""
    resp = await alice.client.room_create(
        is_direct=True,
        invite=[bob.user_id],
        preset=nio.RoomPreset.trusted_private_chat,
        initial_state=[
            {"type": "m.room.encryption", "state_key": "", "content": {"algorithm": MEGOLM}}
        ],
    )
    assert isinstance(resp, nio.RoomCreateResponse), resp
    room_id = resp.room_id
    # Element also records the DM in the creator's m.direct account data.
    path = f"/_matrix/client/v3/user/{urllib.parse.quote(alice.user_id)}/account_data/m.direct"
    status, _ = await alice.hs.arequest(
        "PUT", path, access_token=alice.client.access_token, json_body={bob.user_id: [room_id]}
    )
    assert status == 200

    await bob.sync_until(lambda: room_id in bob.client.invited_rooms, "the invite")
    joined = await bob.client.join(room_id)
    assert isinstance(joined, nio.JoinResponse), joined
    await bob.sync_until(
        lambda: room_id in bob.client.rooms and bob.client.rooms[room_id].encrypted,
        "the joined, encrypted room",
    )
    await alice.sync_until(
        lambda: room_id in alice.client.rooms and bob.user_id in alice.client.rooms[room_id].users,
        "bob's join",
    )
    assert alice.client.rooms[room_id].encrypted
    return room_id


async def _send_text(sender: E2EClient, room_id: str, body: str) -> None:
    resp = await sender.client.room_send(
        room_id,
        "m.room.message",
        {"msgtype": "m.text", "body": body},
        # Nobody verifies test (or bot) devices interactively: without this
        # nio raises OlmUnverifiedDeviceError for the peer's devices.
        ignore_unverified_devices=True,
    )
    assert isinstance(resp, nio.RoomSendResponse), resp


async def _raw_event_types(hs: Any, token: str, room_id: str) -> list[str]:
    path = f"/_matrix/client/v3/rooms/{urllib.parse.quote(room_id)}/messages?dir=b&limit=100"
    status, body = await hs.arequest("GET", path, access_token=token)
    assert status == 200, body
    return [ev["type"] for ev in body["chunk"]]


def test_encrypted_direct_chat_round_trip(hs: Any, tmp_path: Path) -> None:
    async def body(alice: E2EClient, bob: E2EClient) -> None:
        room_id = await _open_encrypted_dm(alice, bob)

        await _send_text(alice, room_id, "hello bob, this is secret")
        await bob.sync_until(
            lambda: any(ev.body == "hello bob, this is secret" for _, ev in bob.texts),
            "alice's message",
        )
        (rid, ev) = next((r, e) for r, e in bob.texts if e.body == "hello bob, this is secret")
        assert rid == room_id
        assert ev.sender == alice.user_id
        assert ev.decrypted, "bob got the message but it was not end-to-end encrypted"
        assert not bob.undecrypted, f"undecryptable events: {bob.undecrypted}"

        await _send_text(bob, room_id, "hi alice, got it")
        await alice.sync_until(
            lambda: any(ev.body == "hi alice, got it" for _, ev in alice.texts),
            "bob's reply",
        )
        (_, reply) = next((r, e) for r, e in alice.texts if e.body == "hi alice, got it")
        assert reply.sender == bob.user_id
        assert reply.decrypted
        assert not alice.undecrypted, f"undecryptable events: {alice.undecrypted}"

        # What the server stored is ciphertext only.
        types = await _raw_event_types(alice.hs, alice.client.access_token, room_id)
        assert types.count("m.room.encrypted") == 2
        assert "m.room.message" not in types

        # The room is a direct chat for Alice.
        dms = await alice.client.list_direct_rooms()
        assert isinstance(dms, nio.DirectRoomsResponse), dms
        assert dms.rooms.get(bob.user_id) == [room_id]

    asyncio.run(_with_clients(hs, tmp_path, body))


def test_sync_filter_returns_30_quick_messages_in_one_sync(hs: Any, tmp_path: Path) -> None:
    count = 30

    async def body(alice: E2EClient, bob: E2EClient) -> None:
        room_id = await _open_encrypted_dm(alice, bob)
        # Let Bob's sync token move past the room creation.
        await bob.sync()
        since = bob.client.next_batch
        bob.texts.clear()

        for i in range(count):
            await _send_text(alice, room_id, f"message {i}")

        # Without a filter Synapse gives only 10 events and "limited": true.
        status, raw = await bob.hs.arequest(
            "GET",
            "/_matrix/client/v3/sync?timeout=0&since=" + urllib.parse.quote(since),
            access_token=bob.client.access_token,
        )
        assert status == 200
        timeline = raw["rooms"]["join"][room_id]["timeline"]
        assert len(timeline["events"]) == 10 and timeline["limited"] is True

        # With timeline limit 100: all 30 in one sync, each decrypted.
        t0 = time.monotonic()
        resp = await bob.sync()
        elapsed = time.monotonic() - t0
        assert resp.rooms.join[room_id].timeline.limited is False
        bodies = [ev.body for rid, ev in bob.texts if rid == room_id]
        assert bodies == [f"message {i}" for i in range(count)]
        assert all(ev.decrypted for _, ev in bob.texts)
        assert not bob.undecrypted
        assert elapsed < 5, f"one sync took {elapsed:.1f}s"

    asyncio.run(_with_clients(hs, tmp_path, body))


def test_bot_style_client_restarts_from_its_store_and_echoes(hs: Any, tmp_path: Path) -> None:
    """The shape a bot adapter needs: log in once, keep device id + token + crypto
    store, restart with restore_login(), run sync_forever(), auto-join invites,
    answer encrypted messages."""

    async def body(alice: E2EClient, bot: E2EClient) -> None:
        # "Previous run": bot logged in (keys uploaded) and stopped without
        # logging out.  A real bot persists these three values.
        session = (bot.user_id, bot.client.device_id, bot.client.access_token)
        await bot.client.close()

        client = nio.AsyncClient(
            hs.base_url,
            bot.user_id,
            store_path=str(tmp_path / "bob"),  # same crypto store as before
            config=nio.AsyncClientConfig(encryption_enabled=True, store_sync_tokens=True),
        )
        client.restore_login(*session)  # also loads the crypto store
        assert client.olm is not None and not client.should_upload_keys

        async def on_invite(room: Any, event: Any) -> None:
            if event.membership == "invite" and event.state_key == client.user_id:
                await client.join(room.room_id)

        async def on_text(room: Any, event: Any) -> None:
            if event.sender != client.user_id:
                await client.room_send(
                    room.room_id,
                    "m.room.message",
                    {"msgtype": "m.text", "body": f"echo: {event.body}"},
                    ignore_unverified_devices=True,
                )

        client.add_event_callback(on_invite, nio.InviteMemberEvent)
        client.add_event_callback(on_text, nio.RoomMessageText)
        runner = asyncio.create_task(
            client.sync_forever(timeout=1000, sync_filter=SYNC_FILTER, loop_sleep_time=50)
        )
        try:
            resp = await alice.client.room_create(
                is_direct=True,
                invite=[bot.user_id],
                preset=nio.RoomPreset.trusted_private_chat,
                initial_state=[
                    {"type": "m.room.encryption", "state_key": "", "content": {"algorithm": MEGOLM}}
                ],
            )
            assert isinstance(resp, nio.RoomCreateResponse), resp
            room_id = resp.room_id
            await alice.sync_until(
                lambda: (
                    room_id in alice.client.rooms
                    and bot.user_id in alice.client.rooms[room_id].users
                ),
                "the bot to join",
            )
            await _send_text(alice, room_id, "ping")
            await alice.sync_until(
                lambda: any(ev.body == "echo: ping" for _, ev in alice.texts),
                "the bot's encrypted echo",
            )
            (_, echo) = next((r, e) for r, e in alice.texts if e.body == "echo: ping")
            assert echo.decrypted and echo.sender == bot.user_id
            assert not alice.undecrypted
        finally:
            runner.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await runner
            bot.client = client  # so _with_clients logs this device out

    asyncio.run(_with_clients(hs, tmp_path, body))


def test_config_overrides_make_rate_limits_reachable() -> None:
    """Harness check: the default config never rate-limits, an override does."""

    async def main() -> None:
        limits = {"rc_message": {"per_second": 0.1, "burst_count": 3}}
        async with Homeserver(config_overrides=limits) as server:
            assert server.config["rc_message"] == limits["rc_message"]
            _, token = await server.aregister_user("limited", PASSWORD)
            status, room = await server.arequest(
                "POST", "/_matrix/client/v3/createRoom", access_token=token, json_body={}
            )
            assert status == 200, room
            path = f"/_matrix/client/v3/rooms/{urllib.parse.quote(room['room_id'])}/send"
            statuses = []
            for i in range(5):
                status, body = await server.arequest(
                    "PUT",
                    f"{path}/m.room.message/txn{i}",
                    access_token=token,
                    json_body={"msgtype": "m.text", "body": str(i)},
                )
                statuses.append(status)
            assert 429 in statuses, statuses
            assert body["errcode"] == "M_LIMIT_EXCEEDED" and body["retry_after_ms"] > 0

    asyncio.run(main())
