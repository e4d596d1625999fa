"""`civicbot db copy --from URL --to URL`: move a deployment between databases, e.g. from its
SQLite file to PostgreSQL, losing nothing.

Both ends are migrated to the current schema first; the target must be empty. The copy itself
is storage's (storage/copy.py).
"""

from __future__ import annotations

import argparse

from bot.cli.errors import CliError
from bot.config import Config
from storage import open_store
from storage.copy import CopyRefused, copy_all
from storage.postgres import PostgresStore
from storage.sqlite import SqliteStore
from storage.url import DatabaseUrlError, parse_database_url


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("action", choices=("copy",))
    parser.add_argument("--from", dest="source", required=True, metavar="URL")
    parser.add_argument("--to", dest="target", required=True, metavar="URL")


async def main(args: argparse.Namespace, config: Config) -> int:
    try:
        source_url, target_url = parse_database_url(args.source), parse_database_url(args.target)
    except DatabaseUrlError as error:
        raise CliError(f"db copy: {error}") from None
    if source_url.scheme != "sqlite":
        raise CliError("db copy: the source must be a SQLite database (sqlite:///...)")
    source = await open_store(source_url)
    target = await open_store(target_url)
    try:
        if await source.schema_version() != await target.schema_version():
            raise CliError(
                "db copy: the two databases are at different schema versions; "
                "upgrade civicbot so both migrate to the same version"
            )
        if not isinstance(source, SqliteStore) or not isinstance(target, PostgresStore):
            raise CliError("db copy: the target must be a PostgreSQL database (postgresql://...)")
        try:
            counts = await copy_all(source, target)
        except CopyRefused as error:
            raise CliError(f"db copy: {error}") from None
    finally:
        await source.close()
        await target.close()
    total = sum(counts.values())
    print(
        f"copied {total} rows from {source_url.redacted} to {target_url.redacted}: "
        + ", ".join(f"{table} {count}" for table, count in counts.items())
    )
    return 0
