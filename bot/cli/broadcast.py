"""`civicbot broadcast`: plan an announcement from the command line; the running bot sends it.

    civicbot broadcast --audience all --text-file news.txt [--text-file sl=novice.txt] [--yes]
    civicbot broadcast status [ID]

The broadcast goes into the outbox of the database the bot uses; its delivery worker sends it.
On a terminal it asks to confirm; in scripts `--yes` confirms.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path

from bot.broadcast import (
    EVERYONE,
    check_audience,
    plan_broadcast,
    progress_counts,
    validate_audience,
)
from bot.cli.errors import EXIT_USAGE, CliError
from bot.clock import SystemClock
from bot.config import LOCALES, Config
from bot.i18n.translator import Catalogs
from storage import open_store

MAX_TEXT = 3500


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "action",
        nargs="?",
        choices=("send", "status"),
        default="send",
        help="send (default) or status",
    )
    parser.add_argument("id", nargs="?", type=int, help="with status: one broadcast")
    parser.add_argument(
        "--audience", default="all", help="all (subscribers), locale:CODE, event:ID or waitlist:ID"
    )
    parser.add_argument(
        "--text-file",
        action="append",
        default=[],
        metavar="[LOCALE=]PATH",
        help="the text (UTF-8); LOCALE=PATH for one language; repeatable",
    )
    parser.add_argument("--yes", action="store_true", help="confirm without asking")


async def main(args: argparse.Namespace, config: Config) -> int:
    store = await open_store(config.database)
    try:
        if args.action == "status":
            return await status(store, args.id)
        return await send(store, args, config)
    finally:
        await store.close()


def read_texts(specs: list[str]) -> dict[str, str]:
    if not specs:
        raise CliError("broadcast: give the text with --text-file PATH")
    texts = {}
    for spec in specs:
        locale, sep, path = spec.partition("=")
        if not sep:
            locale, path = EVERYONE, spec
        elif locale not in LOCALES:
            raise CliError(f"broadcast: unknown locale {locale!r} in --text-file")
        try:
            text = Path(path).read_text(encoding="utf-8").strip()
        except FileNotFoundError:
            raise CliError(f"broadcast: no such file {path!r}") from None
        except (UnicodeDecodeError, IsADirectoryError):
            raise CliError(f"broadcast: {path!r} is not a UTF-8 text file") from None
        if not text:
            raise CliError(f"broadcast: {path!r} is empty")
        if len(text) > MAX_TEXT:
            raise CliError(f"broadcast: {path!r} is longer than {MAX_TEXT} characters")
        texts[locale] = text
    return texts


async def send(store, args: argparse.Namespace, config: Config) -> int:
    problem = validate_audience(args.audience)
    if problem:
        raise CliError(f"broadcast: {problem}", EXIT_USAGE)
    texts = read_texts(args.text_file)
    refused, count = await check_audience(store, args.audience, config.default_locale)
    if refused == "unknown-event":
        event_id = args.audience.partition(":")[2]
        raise CliError(f"broadcast: no event {event_id!r} (see: civicbot events list)",
                       EXIT_USAGE)
    if refused == "empty":
        raise CliError(f"broadcast: nobody to send to: {args.audience} has no recipients; "
                       "nothing was queued", EXIT_USAGE)
    if not args.yes:
        if not sys.stdin.isatty():
            raise CliError("broadcast: not confirmed (use --yes when not on a terminal)")
        answer = input(f"Send to {count} recipient(s) ({args.audience})? [y/N] ")
        if answer.strip().lower() not in ("y", "yes"):
            print("Nothing was sent.")
            return 1
    record = await plan_broadcast(
        store,
        Catalogs(config.locales_dir),
        created_by=f"cli:{getpass.getuser()}",
        report_to=None,
        audience=args.audience,
        texts=texts,
        default_locale=config.default_locale,
        now=SystemClock().now(),
    )
    print(
        f"broadcast #{record.id} queued for {record.recipients} recipient(s); "
        "the running bot delivers it"
    )
    return 0


async def status(store, broadcast_id: int | None) -> int:
    if broadcast_id is not None:
        record = await store.get_broadcast(broadcast_id)
        if record is None:
            raise CliError(f"broadcast: no broadcast #{broadcast_id}")
        records = [record]
    else:
        records = await store.recent_broadcasts(10)
    if not records:
        print("no broadcasts yet")
    for record in records:
        sent, failed, left = progress_counts(
            await store.outbox_counts(batch=f"broadcast:{record.id}")
        )
        state = "finished" if record.finished_at else ("sending" if left else "sent")
        print(
            f"#{record.id} {record.created_at:%Y-%m-%d %H:%M} {record.audience}: "
            f"{record.recipients} recipients, {sent} sent, {failed} not delivered, "
            f"{left} left ({state})"
        )
    return 0
