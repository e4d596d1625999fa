"""`civicbot audit [--limit N]`: who did what as an admin, and when (UTC)."""

from __future__ import annotations

import argparse

from bot.config import Config
from storage import open_store


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--limit", type=int, default=100, help="the newest N entries (100)")


async def main(args: argparse.Namespace, config: Config) -> int:
    store = await open_store(config.database)
    try:
        for entry in await store.audit_entries(max(1, args.limit)):
            print(f"{entry.at:%Y-%m-%d %H:%M:%S} {entry.actor} {entry.action} {entry.detail}")
    finally:
        await store.close()
    return 0
