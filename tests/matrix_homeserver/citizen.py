"""A person in a Matrix client, played by matrix-nio: for the adapter's tests and benchmark.

Each citizen registers on the test homeserver, logs in with a fresh device and crypto store of
its own, uploads its keys, and keeps a background sync running that records what others write.
Rooms are opened the way Element opens them. Needs matrix-nio[e2e] (the test venv has it).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
import urllib.parse
import uuid
from pathlib import Path
from typing import Any

import nio

PASSWORD = "correct horse battery staple"
SYNC_FILTER = {"room": {"timeline": {"limit": 100}}}
MEGOLM = "m.megolm.v1.aes-sha2"


class Citizen:
    def __init__(self, hs: Any, localpart: str, store: Path) -> None:
        self.hs = hs
        self.user_id = hs.user_id(localpart)
        store.mkdir(parents=True, exist_ok=True)
        self.client = nio.AsyncClient(
            hs.base_url, self.user_id, store_path=str(store),
            config=nio.AsyncClientConfig(encryption_enabled=True, store_sync_tokens=True))
        self.messages: dict[str, list[Any]] = {}  # room -> messages from others, in order
        self.reactions: dict[str, list[Any]] = {}  # room -> reactions from others
        self.undecrypted: list[Any] = []
        self._read: dict[str, int] = {}  # room -> messages already taken by next_message
        self._changed = asyncio.Condition()
        self._sync: asyncio.Task[Any] | None = None
        self.client.add_event_callback(self._on_message, nio.RoomMessage)
        self.client.add_event_callback(self._on_reaction, nio.ReactionEvent)
        self.client.add_event_callback(self._on_megolm, nio.MegolmEvent)

    @classmethod
    async def create(cls, hs: Any, store_root: Path, name: str = "citizen") -> Citizen:
        localpart = f"{name}{uuid.uuid4().hex[:8]}"
        await hs.aregister_user(localpart, PASSWORD)
        citizen = cls(hs, localpart, store_root / localpart)
        await citizen.start()
        return citizen

    async def start(self) -> None:
        answer = await self.client.login(PASSWORD, device_name="citizen")
        assert isinstance(answer, nio.LoginResponse), answer
        assert self.client.olm is not None, "matrix-nio has no e2e support (vodozemac missing?)"
        if self.client.should_upload_keys:
            assert isinstance(await self.client.keys_upload(), nio.KeysUploadResponse)
        await self.client.sync(timeout=0, sync_filter=SYNC_FILTER)
        self._sync = asyncio.create_task(
            self.client.sync_forever(timeout=5000, sync_filter=SYNC_FILTER))

    async def close(self) -> None:
        if self._sync is not None:
            self._sync.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._sync
        with contextlib.suppress(Exception):
            await self.client.logout()
        await self.client.close()

    # -- what arrives --------------------------------------------------------------------

    async def _on_message(self, room: nio.MatrixRoom, event: Any) -> None:
        if event.sender != self.user_id:
            await self._record(self.messages, room.room_id, event)

    async def _on_reaction(self, room: nio.MatrixRoom, event: Any) -> None:
        if event.sender != self.user_id:
            await self._record(self.reactions, room.room_id, event)

    async def _on_megolm(self, room: nio.MatrixRoom, event: Any) -> None:
        self.undecrypted.append(event)

    async def _record(self, table: dict[str, list[Any]], room_id: str, event: Any) -> None:
        async with self._changed:
            table.setdefault(room_id, []).append(event)
            self._changed.notify_all()

    async def wait_until(self, condition: Any, what: str, timeout: float = 20) -> None:
        deadline = time.monotonic() + timeout
        async with self._changed:
            while not condition():
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"{self.user_id}: timed out waiting for {what}")
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._changed.wait(), min(left, 0.5))

    async def next_message(self, room_id: str, timeout: float = 20) -> Any:
        """The next message from someone else in the room that this method has not returned."""
        def arrived() -> bool:
            return len(self.messages.get(room_id, [])) > self._read.get(room_id, 0)

        await self.wait_until(arrived, f"a message in {room_id}", timeout)
        index = self._read.get(room_id, 0)
        self._read[room_id] = index + 1
        return self.messages[room_id][index]

    def unread(self, room_id: str) -> list[Any]:
        return self.messages.get(room_id, [])[self._read.get(room_id, 0):]

    # -- what the citizen does ---------------------------------------------------------------

    async def open_dm(self, bot_id: str, *, encrypted: bool = True) -> str:
        """A direct chat as Element opens one: is_direct, trusted_private_chat, encryption in
        the initial state, the room in the creator's m.direct."""
        initial = [{"type": "m.room.encryption", "state_key": "",
                    "content": {"algorithm": MEGOLM}}] if encrypted else []
        answer = await self.client.room_create(
            is_direct=True, invite=[bot_id], preset=nio.RoomPreset.trusted_private_chat,
            initial_state=initial)
        assert isinstance(answer, nio.RoomCreateResponse), answer
        path = (f"/_matrix/client/v3/user/{urllib.parse.quote(self.user_id)}"
                "/account_data/m.direct")
        status, _ = await self.hs.arequest("PUT", path, access_token=self.client.access_token,
                                           json_body={bot_id: [answer.room_id]})
        assert status == 200
        await self.wait_until(lambda: answer.room_id in self.client.rooms, "the new room")
        return answer.room_id

    async def open_group(self, bot_id: str, *, name: str = "Volunteers") -> str:
        answer = await self.client.room_create(name=name, invite=[bot_id])
        assert isinstance(answer, nio.RoomCreateResponse), answer
        await self.wait_until(lambda: answer.room_id in self.client.rooms, "the new room")
        return answer.room_id

    async def wait_for_member(self, room_id: str, user_id: str, timeout: float = 20) -> None:
        def joined() -> bool:
            room = self.client.rooms.get(room_id)
            return room is not None and user_id in room.users \
                and user_id not in room.invited_users
        await self.wait_until(joined, f"{user_id} to join {room_id}", timeout)

    async def say(self, room_id: str, text: str, **content: Any) -> str:
        await self.know_member_devices(room_id)
        body = {"msgtype": "m.text", "body": text, **content}
        answer = await self.client.room_send(room_id, "m.room.message", body,
                                             ignore_unverified_devices=True)
        assert isinstance(answer, nio.RoomSendResponse), answer
        return answer.event_id

    async def send_file(self, room_id: str, name: str, data: bytes, *,
                        mimetype: str = "application/octet-stream", msgtype: str = "m.file",
                        declared_size: int | None = None) -> tuple[str, str]:
        """As Element sends a file: uploaded (encrypted, with key, iv and hash in `file`, in
        an encrypted room), then the event. Returns (event id, mxc URL)."""
        await self.know_member_devices(room_id)
        encrypted = self.client.rooms[room_id].encrypted
        upload, keys = await self.client.upload(
            lambda _got_429, _timeouts: data, content_type=mimetype, filename=name,
            encrypt=encrypted, filesize=len(data))
        assert isinstance(upload, nio.UploadResponse), upload
        content: dict[str, Any] = {
            "msgtype": msgtype, "body": name, "filename": name,
            "info": {"mimetype": mimetype,
                     "size": len(data) if declared_size is None else declared_size}}
        if encrypted:
            content["file"] = {**(keys or {}), "url": upload.content_uri, "mimetype": mimetype}
        else:
            content["url"] = upload.content_uri
        answer = await self.client.room_send(room_id, "m.room.message", content,
                                             ignore_unverified_devices=True)
        assert isinstance(answer, nio.RoomSendResponse), answer
        return answer.event_id, upload.content_uri

    async def know_member_devices(self, room_id: str, timeout: float = 20) -> None:
        """As Element does before encrypting: know every member's devices (invited ones too),
        else nio shares the room key with nobody there and the message is unreadable."""
        room = self.client.rooms[room_id]
        if not room.encrypted:
            return
        deadline = time.monotonic() + timeout
        while True:
            missing = [u for u in room.users if u != self.user_id
                       and not list(self.client.device_store.active_user_devices(u))]
            if not missing:
                return
            if time.monotonic() > deadline:
                raise AssertionError(f"{self.user_id}: no device keys of {missing}")
            if self.client.should_query_keys:
                with contextlib.suppress(nio.LocalProtocolError):  # the sync loop was faster
                    await self.client.keys_query()
            await asyncio.sleep(0.05)

    async def react(self, room_id: str, event_id: str, key: str) -> str:
        content = {"m.relates_to": {"rel_type": "m.annotation", "event_id": event_id,
                                    "key": key}}
        room = self.client.rooms[room_id]
        if room.encrypted:  # as Element does: reactions in an encrypted room are encrypted
            event_type, content = self.client.encrypt(room_id, "m.reaction", content)
        else:
            event_type = "m.reaction"
        path = (f"/_matrix/client/v3/rooms/{urllib.parse.quote(room_id)}/send/"
                f"{event_type}/{uuid.uuid4().hex}")
        status, body = await self.hs.arequest("PUT", path, access_token=self.client.access_token,
                                              json_body=content)
        assert status == 200, body
        return body["event_id"]

    async def download(self, url: str) -> bytes:
        answer = await self.client.download(url)
        assert isinstance(answer, nio.MemoryDownloadResponse), answer
        return answer.body

    async def raw_events(self, room_id: str) -> list[dict[str, Any]]:
        """What the server stores for the room (newest first), without decryption."""
        path = (f"/_matrix/client/v3/rooms/{urllib.parse.quote(room_id)}/messages"
                "?dir=b&limit=100")
        status, body = await self.hs.arequest("GET", path, access_token=self.client.access_token)
        assert status == 200, body
        return body["chunk"]
