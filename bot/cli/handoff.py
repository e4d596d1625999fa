"""`civicbot tickets [--open]` and `civicbot unanswered [--days N]`: the staff's open tickets
and the questions the bot could not answer (bot/handoff.py), for the operator's terminal."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime, timedelta

from bot.config import Config
from bot.handoff import gaps
from storage import open_store

MAX_DAYS = 3650


def _days(value: str) -> int:
    if not (value.isascii() and value.isdigit()) or not 1 <= int(value[:5]) <= MAX_DAYS:
        raise argparse.ArgumentTypeError(f"expected a number of days from 1 to {MAX_DAYS}")
    return int(value)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    # One module serves two top-level commands; argparse names the one being built in `prog`.
    if parser.prog.split()[-1] == "unanswered":
        parser.add_argument("--days", type=_days, default=None,
                            help="the last N days (default: CIVICBOT_UNANSWERED_DAYS, 30)")
    else:
        parser.add_argument("--open", action="store_true", help="only the open tickets")


async def main(args: argparse.Namespace, config: Config) -> int:
    store = await open_store(config.database)
    now = datetime.now(UTC)
    try:
        if args.command == "unanswered":
            days = args.days or config.unanswered_days
            found = gaps(await store.unanswered_since(now - timedelta(days=days)))
            print(f"{sum(g.count for g in found)} unanswered questions in the last {days} "
                  f"days, {len(found)} different")
            for gap in found:
                print(f"{gap.count:5d}  {','.join(gap.locales):12s}  {gap.sample}")
            return 0
        tickets = await store.tickets(open_only=args.open)
        for ticket in tickets:
            hours = (now - ticket.created_at).total_seconds() / 3600
            who = f" by {ticket.answered_by}" if ticket.answered_by else ""
            print(f"#{ticket.id:<5d} {ticket.state:11s} {ticket.created_at:%Y-%m-%d %H:%M} "
                  f"({hours:.0f} h) {ticket.locale:7s} {ticket.question}{who}")
        if not tickets:
            print("no open tickets" if args.open else "no tickets")
    finally:
        await store.close()
    return 0
