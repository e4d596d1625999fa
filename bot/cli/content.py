"""`civicbot content ...` and `civicbot ask ...`: the knowledge base from a shell.

    civicbot content import PATH...          files or folders (.txt .md .html .pdf .docx .yaml)
    civicbot content list                    what is imported
    civicbot content remove DOC              a document (its base name) with its passages
    civicbot ask [--lang CODE] [--json] QUESTION   (QUESTION '-': one per line from stdin)

A bad file gets one line on stderr and the exit code 1; the other files still import.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from bot.clock import SystemClock
from bot.config import LOCALES, Config
from bot.content.importer import FileOutcome, import_paths
from bot.i18n.translator import Catalogs
from bot.qa.service import EVENT_PREFIX, QaResult, plain_answer, service_for

_BAR_WIDTH = 30


def add_arguments(parser: argparse.ArgumentParser) -> None:
    # One module serves two top-level commands; argparse names the one being built in `prog`.
    if parser.prog.split()[-1] == "ask":
        _ask_arguments(parser)
    else:
        _content_arguments(parser)


def _content_arguments(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="action", metavar="ACTION")
    actions.required = True
    load = actions.add_parser(
        "import", help="import documents, FAQ and events from files or folders",
        description="Each file in its own transaction: a bad file is reported and skipped, "
                    "an unchanged file is skipped, a changed one replaces its passages.")
    load.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    load.add_argument("--force", action="store_true",
                      help="import unchanged files again (re-index them)")
    actions.add_parser("list", help="the imported documents")
    remove = actions.add_parser("remove", help="remove a document and its passages")
    remove.add_argument("document", metavar="DOC", help="the document's file name")


def _ask_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--lang", choices=LOCALES, help="the asker's language "
                        "(default: the question's own)")
    parser.add_argument("--json", action="store_true", help="one JSON object per answer")
    parser.add_argument("question", nargs="+", metavar="QUESTION",
                        help="the question; '-' reads one question per line from stdin")


async def main(args: argparse.Namespace, config: Config) -> int:
    from storage import open_store

    store = await open_store(config.database)
    try:
        if args.command == "ask":
            return await ask_command(store, args, config)
        if args.action == "import":
            return await import_command(store, args.paths, force=args.force)
        if args.action == "list":
            return await list_command(store)
        return await remove_command(store, args.document)
    finally:
        await store.close()


# -- content -------------------------------------------------------------------------------------


async def import_command(store: Any, paths: list[Path], *, force: bool = False) -> int:
    progress = _progress_bar if sys.stderr.isatty() else None
    outcomes = await import_paths(store, paths, SystemClock().now(), force=force,
                                  progress=progress)
    if progress is not None:
        sys.stderr.write("\r\033[K")
    for outcome in outcomes:
        _print_outcome(outcome)
    failed = sum(outcome.status == "failed" for outcome in outcomes)
    skipped = sum(outcome.status == "skipped" for outcome in outcomes)
    imported = sum(outcome.status not in ("failed", "skipped", "followed")
                   for outcome in outcomes)
    links = f", {skipped} symbolic link(s) not followed" if skipped else ""
    print(f"{imported} file(s) imported or up to date, {failed} failed{links}", file=sys.stderr)
    return 1 if failed else 0


def _print_outcome(outcome: FileOutcome) -> None:
    for note in outcome.notes:
        print(f"civicbot: note: {note}", file=sys.stderr)
    if outcome.status in ("skipped", "followed"):
        return
    if outcome.status == "failed":
        for line in outcome.errors:
            print(f"civicbot: {line}", file=sys.stderr)
        return
    one, many = {"document": ("passage", "passages"),
                 "faq": ("FAQ entry", "FAQ entries")}.get(outcome.kind, ("", ""))
    what = one if outcome.items == 1 else many
    count = f" ({outcome.items} {what})" if what and outcome.status != "unchanged" else ""
    print(f"{outcome.status:<9} {outcome.name}{count}")
    result = outcome.events
    if result is not None:
        for status in ("created", "updated", "unchanged"):
            for event_id in getattr(result, status):
                print(f"  event {status:<9} {event_id}")


def _progress_bar(number: int, total: int, name: str) -> None:
    done = int(_BAR_WIDTH * number / total)
    bar = "#" * done + "." * (_BAR_WIDTH - done)
    sys.stderr.write(f"\r\033[K[{bar}] {number}/{total} {name[:40]}")
    sys.stderr.flush()


async def list_command(store: Any) -> int:
    documents = await store.list_documents()
    if not documents:
        print("no content (import some: civicbot content import FILE_OR_FOLDER)")
        return 0
    print(f"{'DOCUMENT':<32} {'KIND':<8} {'LANG':<4} {'ITEMS':>5} {'IMPORTED':<16}  TITLE")
    for document in documents:
        imported = document.imported_at.strftime("%Y-%m-%d %H:%M") if document.imported_at \
            else "-"
        print(f"{document.name:<32} {document.kind:<8} {document.lang or '-':<4} "
              f"{document.passage_count:>5} {imported:<16}  {document.title}")
    return 0


async def remove_command(store: Any, name: str) -> int:
    name = Path(name).name if not name.startswith(EVENT_PREFIX) else name
    if name.startswith(EVENT_PREFIX):
        print("civicbot: event descriptions follow the events; cancel or change the event "
              "instead", file=sys.stderr)
        return 1
    if not await store.remove_document(name):
        print(f"civicbot: no document {name!r} (see: civicbot content list)", file=sys.stderr)
        return 1
    print(f"removed {name}")
    return 0


# -- ask -----------------------------------------------------------------------------------------


async def ask_command(store: Any, args: argparse.Namespace, config: Config) -> int:
    service = service_for(store)
    catalogs = Catalogs(config.locales_dir)
    clock = SystemClock()
    questions = sys.stdin if args.question == ["-"] else [" ".join(args.question)]
    for line in questions:
        question = line.rstrip("\r\n").strip()
        result = await service.ask(question, locale=args.lang, now=clock.now())
        text = plain_answer(catalogs.translator(result.locale), result)
        print(json.dumps(as_json(result, text), ensure_ascii=False) if args.json
              else " ".join(text.split()), flush=True)
    return 0


def as_json(result: QaResult, text: str) -> dict[str, Any]:
    return {
        "question": result.question,
        "found": result.found,
        "answer": result.answer.text if result.answer is not None and result.event is None
        else text,
        "lang": result.locale,
        "sources": [{"document": source.document, "title": source.title,
                     "score": source.score} for source in result.sources],
    }
