"""Storage: the repository interface and its backends, chosen by CIVICBOT_DATABASE_URL."""

from __future__ import annotations

import sqlite3

from storage.base import Store, StoreUnavailable
from storage.url import DatabaseUrl, parse_database_url


async def open_store(url: str | DatabaseUrl) -> Store:
    """Open (and migrate) the database the URL names; a database that cannot be opened or
    migrated (not a database, read-only, disk full, refused) is a StoreUnavailable naming it,
    with nothing left open."""
    parsed = parse_database_url(url) if isinstance(url, str) else url
    if parsed.scheme == "sqlite":
        from storage.sqlite import SqliteStore

        try:
            return await SqliteStore.open(parsed.path)
        except (sqlite3.Error, OSError) as error:
            raise StoreUnavailable(parsed.redacted, error) from error
    import asyncpg

    from storage.postgres import PostgresStore

    try:
        return await PostgresStore.open(parsed.path, redacted=parsed.redacted)
    except (asyncpg.PostgresError, asyncpg.InterfaceError, OSError) as error:
        raise StoreUnavailable(parsed.redacted, error) from error


__all__ = ["DatabaseUrl", "Store", "StoreUnavailable", "open_store", "parse_database_url"]
