"""Storage: the repository interface and its backends, chosen by CIVICBOT_DATABASE_URL."""

from __future__ import annotations

from storage.base import Store
from storage.url import DatabaseUrl, parse_database_url


async def open_store(url: str | DatabaseUrl) -> Store:
    """Open (and migrate) the database the URL names."""
    parsed = parse_database_url(url) if isinstance(url, str) else url
    if parsed.scheme == "sqlite":
        from storage.sqlite import SqliteStore

        return await SqliteStore.open(parsed.path)
    from storage.postgres import PostgresStore

    return await PostgresStore.open(parsed.path, redacted=parsed.redacted)


__all__ = ["DatabaseUrl", "Store", "open_store", "parse_database_url"]
