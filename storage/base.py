"""The repository interface: everything the core and handlers may ask of storage.

SQLite (embedded default) implements it today; PostgreSQL will implement the same methods and
run the same tests. Handlers never see SQL, only these methods and the records below.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol


def to_db_time(moment: datetime) -> str:
    """UTC ISO-8601 with fixed width, so that text order is time order."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime: every stored time is timezone-aware")
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def from_db_time(value: str | None) -> datetime | None:
    return None if value is None else datetime.fromisoformat(value)


@dataclass(slots=True)
class Person:
    id: int
    locale: str | None
    hint_locale: str | None
    subscribed: bool
    unreachable: bool


@dataclass(slots=True)
class Conversation:
    """A running form: which one, at which step, with the answers so far."""

    form: str
    step: str
    data: dict[str, Any] = field(default_factory=dict)
    updated_at: datetime | None = None


@dataclass(slots=True)
class OutboxItem:
    id: int
    kind: str
    person_id: int | None
    platform: str
    chat_id: str
    body: list[dict]
    attempts: int
    batch: str | None


class Store(Protocol):
    """Repository interface (the subset the foundation needs; capabilities add theirs)."""

    async def close(self) -> None: ...

    # people
    async def person_for_identity(
        self, platform: str, user_id: str, chat_id: str | None, now: datetime
    ) -> Person: ...
    async def find_person(self, platform: str, user_id: str) -> Person | None: ...
    async def get_person(self, person_id: int) -> Person | None: ...
    async def set_locale(self, person_id: int, locale: str | None) -> None: ...
    async def set_hint_locale(self, person_id: int, locale: str | None) -> None: ...
    async def set_subscribed(self, person_id: int, subscribed: bool) -> None: ...
    async def set_unreachable(self, person_id: int, unreachable: bool) -> None: ...
    async def private_address(self, person_id: int) -> tuple[str, str] | None: ...
    async def forget_person(self, person_id: int) -> None: ...

    # conversation state
    async def get_conversation(self, person_id: int) -> Conversation | None: ...
    async def save_conversation(
        self, person_id: int, conv: Conversation, now: datetime
    ) -> None: ...
    async def clear_conversation(self, person_id: int) -> None: ...
    async def expired_conversations(self, older_than: datetime) -> list[int]: ...

    # outbox
    async def enqueue(
        self,
        *,
        dedupe_key: str,
        kind: str,
        person_id: int | None,
        platform: str,
        chat_id: str,
        body: list[dict],
        not_before: datetime,
        now: datetime,
        batch: str | None = None,
    ) -> bool: ...
    async def claim_outbox(
        self, platform: str, chat_id: str | None, worker: str, now: datetime, limit: int
    ) -> list[OutboxItem]: ...
    async def finish_outbox(self, item_id: int, state: str, now: datetime,
                            error: str | None = None) -> None: ...
    async def retry_outbox(self, item_id: int, not_before: datetime, error: str) -> None: ...
    async def recover_outbox(self, worker: str, stale_before: datetime) -> int: ...
    async def outbox_counts(self, batch: str | None = None) -> dict[str, int]: ...
