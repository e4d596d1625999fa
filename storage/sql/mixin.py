"""What a capability's storage mixin uses of `SqliteStore` (and so of `PostgresStore`, which
runs the same SQL), declared once for the type checker."""

from __future__ import annotations

from contextlib import AbstractAsyncContextManager
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import aiosqlite


class SqliteMixin:
    if TYPE_CHECKING:
        db: aiosqlite.Connection

        def transaction(self) -> AbstractAsyncContextManager[aiosqlite.Connection]: ...
        async def _write(self, sql: str, params: tuple[object, ...] = ()) -> int: ...
        async def _one(self, sql: str, params: tuple[object, ...] = ()) -> Any: ...
        async def _all(self, sql: str, params: tuple[object, ...] = ()) -> list[Any]: ...
