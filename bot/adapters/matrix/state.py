"""What the Matrix adapter keeps between runs: `MatrixState`, one small SQLite file next to
nio's crypto store, read into memory once and written in a thread of its own."""

from __future__ import annotations

import asyncio
import json
import os
import sqlite3
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.pipeline.types import Button


class MatrixState:
    """Session, sync position, direct rooms, shown options and the journal of handled events,
    in one small SQLite file next to nio's crypto store (file and folder private to us).

    Nothing here makes the event loop wait for the disk: the file is read once, by `open`,
    into memory (it is small: a session, a token, a row per room, the journal of one batch),
    reads are answered from there, and every write runs in a thread of the state's own, one at
    a time and in order; the caller awaits it, so a write is on disk when its await returns
    (a cancelled caller does not cancel a write already asked for)."""

    def __init__(self, path: Path) -> None:
        """Use `await MatrixState.open(path)`."""
        self.path = path
        self._db: sqlite3.Connection | None = None
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="matrix-state")
        self._kv: dict[str, str] = {}
        self._rooms: dict[str, _Room] = {}
        self._handled: set[str] = set()

    @classmethod
    async def open(cls, path: Path) -> MatrixState:
        state = cls(path)
        try:
            await state._run(state._open)
        except BaseException:
            state._thread.shutdown(wait=False)
            raise
        return state

    def _open(self) -> None:
        db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        self._db = db
        os.chmod(self.path, 0o600)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        db.executescript(
            "CREATE TABLE IF NOT EXISTS kv (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
            "CREATE TABLE IF NOT EXISTS rooms (room_id TEXT PRIMARY KEY,"
            " direct INTEGER NOT NULL DEFAULT 0, peer TEXT, options TEXT, option_events TEXT);"
            "CREATE TABLE IF NOT EXISTS handled (event_id TEXT PRIMARY KEY);"
        )
        self._kv = dict(db.execute("SELECT key, value FROM kv").fetchall())
        self._rooms = {
            room_id: _Room(bool(direct), peer, options, option_events)
            for room_id, direct, peer, options, option_events in db.execute(
                "SELECT room_id, direct, peer, options, option_events FROM rooms"
            )
        }
        self._handled = {row[0] for row in db.execute("SELECT event_id FROM handled")}

    async def _run(self, work: Callable[..., Any], *args: Any) -> Any:
        future = asyncio.get_running_loop().run_in_executor(self._thread, work, *args)
        return await asyncio.shield(future)

    def _sql(self, statement: str, *args: Any) -> None:
        assert self._db is not None
        self._db.execute(statement, args)

    async def close(self) -> None:
        if self._db is not None:
            await self._run(self._db.close)
        self._thread.shutdown(wait=False)

    async def _set(self, key: str, value: str) -> None:
        self._kv[key] = value
        await self._run(self._sql, _SET, key, value)

    def session(self) -> dict[str, str] | None:
        raw = self._kv.get("session")
        return None if raw is None else json.loads(raw)

    async def save_session(self, **session: str) -> None:
        await self._set("session", json.dumps(session))

    @property
    def sync_token(self) -> str | None:
        return self._kv.get("sync_token")

    async def checkpoint(self, token: str) -> None:
        """Everything up to `token` is handled: the journal is no longer needed."""
        self._kv["sync_token"] = token
        self._handled.clear()
        await self._run(self._checkpoint, token)

    def _checkpoint(self, token: str) -> None:
        assert self._db is not None
        with self._db:
            self._db.execute("BEGIN")
            self._db.execute(_SET, ("sync_token", token))
            self._db.execute("DELETE FROM handled")

    def handled(self, event_id: str) -> bool:
        return event_id in self._handled

    async def mark_handled(self, event_id: str) -> None:
        self._handled.add(event_id)
        await self._run(self._sql, "INSERT OR IGNORE INTO handled (event_id) VALUES (?)",
                        event_id)

    async def set_direct(self, room_id: str, peer: str) -> None:
        room = self._rooms.setdefault(room_id, _Room())
        room.direct, room.peer = True, peer
        await self._run(
            self._sql,
            "INSERT INTO rooms (room_id, direct, peer) VALUES (?, 1, ?) "
            "ON CONFLICT (room_id) DO UPDATE SET direct = 1, peer = excluded.peer",
            room_id, peer,
        )

    def direct_peer(self, room_id: str) -> str | None:
        room = self._rooms.get(room_id)
        return room.peer if room is not None and room.direct else None

    def direct_rooms_of(self, peer: str) -> list[str]:
        return [room_id for room_id, room in self._rooms.items()
                if room.direct and room.peer == peer]

    async def forget_room(self, room_id: str) -> None:
        self._rooms.pop(room_id, None)
        await self._run(self._sql, "DELETE FROM rooms WHERE room_id = ?", room_id)

    def options(self, room_id: str) -> tuple[list[Button], list[str]]:
        room = self._rooms.get(room_id)
        if room is None or not room.options:
            return [], []
        return [Button(label, payload) for label, payload in json.loads(room.options)], \
            json.loads(room.option_events or "[]")

    async def set_options(self, room_id: str, options: list[Button], events: list[str]) -> None:
        encoded = json.dumps([[b.label, b.payload] for b in options]) if options else None
        encoded_events = json.dumps(events) if options else None
        room = self._rooms.setdefault(room_id, _Room())
        room.options, room.option_events = encoded, encoded_events
        await self._run(
            self._sql,
            "INSERT INTO rooms (room_id, options, option_events) VALUES (?, ?, ?) "
            "ON CONFLICT (room_id) DO UPDATE SET options = excluded.options, "
            "option_events = excluded.option_events",
            room_id, encoded, encoded_events,
        )


_SET = ("INSERT INTO kv (key, value) VALUES (?, ?) ON CONFLICT (key) "
        "DO UPDATE SET value = excluded.value")


@dataclass(slots=True)
class _Room:
    """A row of the state's `rooms` table, in memory."""

    direct: bool = False
    peer: str | None = None
    options: str | None = None  # JSON [[label, payload], ...]
    option_events: str | None = None  # JSON [event id, ...]
