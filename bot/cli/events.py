"""`civicbot events ...` and `civicbot registrations ...`: what organisers do from a shell.

    civicbot events import FILE...        validate every file, then create/update in one go
    civicbot events draft FILE             an invitation (.txt .md .html .pdf .docx) as the
                                           YAML `events import` takes, for review
    civicbot events list                   events with seats taken and waiting
    civicbot registrations list EVENT_ID
    civicbot registrations export EVENT_ID [--format csv|json] [--output FILE]

Problems (a bad file, an unknown event) end with clear lines on stderr and exit code 1.
Every list or export of registrations is written to the audit log (cli:<login name>).
"""

from __future__ import annotations

import argparse
import getpass
import sys
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from bot.clock import SystemClock
from bot.config import Config
from bot.events.export import export_csv, export_json
from bot.events.loader import EventFileError, ImportResult, import_event_files
from bot.events.model import EventSpec
from storage.base import EventRecord, Registration, Store
from storage.files import write_private


def add_arguments(parser: argparse.ArgumentParser) -> None:
    # One module serves two top-level commands; argparse names the one being built in `prog`.
    if parser.prog.split()[-1] == "registrations":
        _registrations_arguments(parser)
    else:
        _events_arguments(parser)


def _events_arguments(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="action", metavar="ACTION")
    actions.required = True
    load = actions.add_parser("import", help="import or update events from YAML files",
                              description="Checks every file first; with any problem nothing "
                                          "is written. Events are updated in place by id.")
    load.add_argument("files", nargs="+", type=Path, metavar="FILE")
    actions.add_parser("list", help="all events with their seats")
    draft = actions.add_parser("draft", help="an invitation drafted as an event (YAML)",
                               description="Reads the invitation as content import reads "
                                           "documents and prints the proposed event as YAML "
                                           "for civicbot events import; what it could not "
                                           "read is listed at the top, to fill in.")
    draft.add_argument("file", type=Path, metavar="FILE")
    draft.add_argument("--today", help="resolve year-less dates from this day (YYYY-MM-DD; "
                                       "default: the invitation's own date, else today)")


def _registrations_arguments(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="action", metavar="ACTION")
    actions.required = True
    show = actions.add_parser("list", help="who registered for an event")
    show.add_argument("event_id", metavar="EVENT_ID")
    export = actions.add_parser("export", help="registrations as CSV (Excel-safe) or JSON")
    export.add_argument("event_id", metavar="EVENT_ID")
    export.add_argument("--format", choices=("csv", "json"), default="csv")
    export.add_argument("--output", type=Path, help="write to this file (default: stdout)")


async def main(args: argparse.Namespace, config: Config) -> int:
    from storage import open_store

    if args.command == "events" and args.action == "draft":
        return draft_command(args.file, config, args.today)
    store = await open_store(config.database)
    try:
        if args.command == "events" and args.action == "import":
            return await import_command(store, args.files)
        if args.command == "events":
            return await list_events(store)
        record = await store.get_event(args.event_id.strip().lower())
        if record is None:
            print(f"civicbot: no event {args.event_id!r} (see: civicbot events list)",
                  file=sys.stderr)
            return 1
        registrations = await store.event_registrations(record.id)
        # Personal data leaves the database: audited like the chat's /registrations.
        await store.audit(cli_actor(), f"registrations.{args.action}", record.id,
                          SystemClock().now())
        if args.action == "list":
            print_registrations(record, registrations)
            return 0
        text = export_json(record, registrations) if args.format == "json" \
            else export_csv(record, registrations)
        if args.output:
            write_private(args.output, text)  # names and e-mails: the owner's eyes only
            print(f"{len(registrations)} registrations written to {args.output}",
                  file=sys.stderr)
        else:
            sys.stdout.write(text)
        return 0
    finally:
        await store.close()


def draft_command(path: Path, config: Config, today: str | None = None) -> int:
    """Print the event an invitation proposes, as YAML; exit 1 for a file that cannot be
    read. Missing fields are listed as comments (import refuses the file until filled)."""
    from datetime import date

    import yaml

    from bot.content import ContentError, read_document
    from bot.events.draft import draft_event
    from bot.events.loader import EVENT_ID

    try:
        parsed = read_document(path)
    except (ContentError, OSError) as error:
        print(f"civicbot: {path}: {error}", file=sys.stderr)
        return 1
    text = "\n\n".join(dict.fromkeys(p for p in [parsed.title, *(x.text for x in
                                                                    parsed.passages)] if p))
    day = date.fromisoformat(today) if today else \
        SystemClock().now().astimezone(ZoneInfo(config.timezone)).date()
    draft = draft_event(text, day)
    draft.timezone = draft.timezone or config.timezone
    words = "".join(c if c.isascii() and c.isalnum() else "-" for c in
                    (draft.title or "event").lower())
    slug = "-".join(part for part in words.split("-") if part)[:30].strip("-") or "event"
    year = draft.start_date.year if draft.start_date else day.year
    event_id = f"{slug}-{year}"
    entry = draft.entry(event_id if EVENT_ID.match(event_id) else f"event-{year}")
    if draft.contact:
        entry.setdefault("description", {draft.language: ""})
        for language, value in entry["description"].items():
            entry["description"][language] = f"{value}\n\n{draft.contact}".strip()
    for key in draft.missing():
        print(f"# not found in the invitation, please add: {key}")
    if draft.start_date and not draft.start_time:
        print(f"# the start day is {draft.start_date.isoformat()}, its time was not stated")
    sys.stdout.write(yaml.safe_dump({"events": [entry]}, allow_unicode=True, sort_keys=False,
                                    width=100))
    return 0


def cli_actor() -> str:
    """Who runs the command, for the audit log (cli:<login name>)."""
    try:
        return f"cli:{getpass.getuser()}"
    except (OSError, KeyError):  # no login name (some containers)
        return "cli:unknown"


# -- events ----------------------------------------------------------------------------------


async def import_command(store: Store, files: list[Path]) -> int:
    try:
        result = await import_event_files(store, files, SystemClock().now())
    except EventFileError as error:
        for line in error.errors:
            print(f"civicbot: {line}", file=sys.stderr)
        print("civicbot: nothing was imported", file=sys.stderr)
        return 1
    print_import(result)
    return 0


def print_import(result: ImportResult) -> None:
    for event_id in result.created:
        print(f"created   {event_id}")
    for event_id in result.updated:
        print(f"updated   {event_id}")
    for event_id in result.unchanged:
        print(f"unchanged {event_id}")
    for change in result.changes:
        print(f"  {change.event_id}: {change.what} changed: {_shown(change.old)} -> "
              f"{_shown(change.new)}")
    for registration in result.promoted:
        print(f"  {registration.event_id}: a waiting registration got a seat (#{registration.id})")


def _shown(value: Any) -> str:
    if isinstance(value, dict):
        return "; ".join(f"{k}={v}" for k, v in value.items() if v is not None)
    return str(value)


async def list_events(store: Store) -> int:
    records = await store.list_events()
    if not records:
        print("no events (import some: civicbot events import FILE.yaml)")
        return 0
    print(f"{'ID':<28} {'STARTS (local)':<17} {'DEADLINE (local)':<17} {'SEATS':>9} "
          f"{'WAITING':>7}  TITLE")
    for record in records:
        event = EventSpec.from_record(record)
        seats = f"{record.confirmed}/{record.capacity}" if record.capacity else \
            f"{record.confirmed}/-"
        print(f"{record.id:<28} {_local(record.starts_at, record):<17} "
              f"{_local(record.registration_deadline, record):<17} {seats:>9} "
              f"{record.waiting:>7}  {event.title_for('en')}")
    return 0


def _local(moment: datetime, record: EventRecord) -> str:
    return moment.astimezone(ZoneInfo(record.timezone)).strftime("%Y-%m-%d %H:%M")


# -- registrations ---------------------------------------------------------------------------


def print_registrations(record: EventRecord, registrations: list[Registration]) -> None:
    event = EventSpec.from_record(record)
    print(f"{event.title_for('en')} ({record.id}): {record.confirmed} confirmed"
          + (f" of {record.capacity}" if record.capacity else "")
          + f", {record.waiting} waiting")
    for registration in registrations:
        status = "confirmed" if registration.status == "confirmed" \
            else f"waiting #{registration.position}"
        fields = registration.fields
        print(f"  {status:<12} {fields.get('name', '-'):<30} {fields.get('email', '-'):<32} "
              f"{_local(registration.registered_at, record)}")
