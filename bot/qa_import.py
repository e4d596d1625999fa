"""Content import: files and folders into the store, one transaction per file.

Documents (.txt .md .html .pdf .docx) become passages; YAML files give FAQ entries (`faq:`)
and events (`events:`, through the events capability's loader). A file that cannot be read
gets one line saying why and changes nothing; the others still import. A file whose bytes
(and indexer version) did not change since its last import is skipped.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from bot.content import DOCUMENT_SUFFIXES, FAQ_SUFFIXES, ContentError, read_document
from bot.content.faq import load_yaml_safely, parse_faq
from bot.content.readers import DEFAULT_MAX_BYTES, decode_text, read_bounded
from bot.events.loader import (
    EventFileError,
    ImportResult,
    import_events,
    is_events_document,
    parse_events_yaml,
)
from bot.qa import INDEXER, document_content, faq_content, service_for
from storage.base import ContentConflict

SUFFIXES = DOCUMENT_SUFFIXES | FAQ_SUFFIXES

Progress = Callable[[int, int, str], None]


@dataclass
class FileOutcome:
    name: str  # the path as given or found
    status: str  # created | updated | unchanged | failed
    kind: str = "document"  # document | faq | events
    items: int = 0  # passages, or FAQ entries
    errors: tuple[str, ...] = ()  # one line each
    events: ImportResult | None = None


def discover(paths: Iterable[Path]) -> tuple[list[Path], list[FileOutcome]]:
    """The files to import: files as given, folders walked (hidden entries skipped); a
    missing path is a failed outcome."""
    files: list[Path] = []
    missing: list[FileOutcome] = []
    for path in paths:
        if path.is_dir():
            files.extend(
                found for found in sorted(path.rglob("*"))
                if found.is_file() and not _hidden(found.relative_to(path))
            )
        elif path.is_file():
            files.append(path)
        else:
            missing.append(FileOutcome(str(path), "failed", errors=(f"{path}: no such file",)))
    return list(dict.fromkeys(files)), missing


async def import_paths(
    store: Any, paths: Iterable[Path], now: datetime, *, force: bool = False,
    progress: Progress | None = None,
) -> list[FileOutcome]:
    """Import every file under `paths`; the outcome of each, in order."""
    files, outcomes = discover(paths)
    known = await store.content_checksums()
    events_changed = False
    for number, path in enumerate(files, start=1):
        if progress is not None:
            progress(number, len(files), path.name)
        outcome = await import_file(store, path, now, force=force, known=known)
        events_changed |= outcome.events is not None
        outcomes.append(outcome)
    if events_changed:
        await service_for(store).sync_events(now, force=True)
    return outcomes


async def import_file(
    store: Any, path: Path, now: datetime, *, force: bool = False,
    known: dict[str, tuple[str, str]] | None = None,
) -> FileOutcome:
    """One file in its own transaction(s); never raises for a bad file. `known`: the saved
    documents' checksums (asked of the store when not given)."""
    if known is None:
        known = await store.content_checksums()
    skip = set() if force else {name for name, saved in known.items() if saved[1] == INDEXER}
    unchanged = {name: known[name][0] for name in skip}
    try:
        if path.suffix.lower() in FAQ_SUFFIXES:
            return await _import_yaml(store, path, now, unchanged)
        return await _import_document(store, path, now, unchanged)
    except ContentError as error:
        return FileOutcome(str(path), "failed", errors=(str(error),))
    except EventFileError as error:
        return FileOutcome(str(path), "failed", "events", errors=tuple(error.errors))
    except ContentConflict as error:
        return FileOutcome(str(path), "failed", errors=(f"{path.name}: {error}",))


async def _import_document(
    store: Any, path: Path, now: datetime, unchanged: dict[str, str]
) -> FileOutcome:
    if path.suffix.lower() not in DOCUMENT_SUFFIXES:
        raise ContentError(path, f"unsupported file type {path.suffix or '(none)'!r}; "
                                 f"supported: {', '.join(sorted(SUFFIXES))}")
    checksum = hashlib.sha256(read_bounded(path, DEFAULT_MAX_BYTES)).hexdigest()
    if unchanged.get(path.name) == checksum:
        return FileOutcome(str(path), "unchanged")
    try:
        parsed = read_document(path)
    except ContentError:
        raise
    except Exception as error:  # a reader library's own failure on a strange file
        raise ContentError(path, f"could not be read ({type(error).__name__})") from None
    document = document_content(parsed)
    status = await store.save_document(document, now)
    return FileOutcome(str(path), status, items=len(document.passages))


async def _import_yaml(
    store: Any, path: Path, now: datetime, unchanged: dict[str, str]
) -> FileOutcome:
    """FAQ entries and events of one YAML file: both parts are checked before either is
    written, so a file with a mistake anywhere changes nothing."""
    data = read_bounded(path, DEFAULT_MAX_BYTES)
    content = load_yaml_safely(path, decode_text(path, data))
    if not isinstance(content, dict) or not ({"faq", "events"} & set(content)):
        raise ContentError(path, "expected a mapping with 'faq:' and/or 'events:' at the top")
    entries = parse_faq(path, content["faq"], str(content.get("locale") or "en")) \
        if "faq" in content else None
    specs = parse_events_yaml(content, path.name) if is_events_document(content) else None
    outcome = FileOutcome(str(path), "unchanged", "events")
    if entries is not None:  # first: the store may still refuse it (a FAQ key taken)
        outcome = FileOutcome(str(path), "unchanged", "faq", len(entries))
        checksum = hashlib.sha256(data).hexdigest()
        if unchanged.get(path.name) != checksum:
            document = faq_content(path.name, checksum, entries)
            outcome.status = await store.save_document(document, now)
    if specs is not None:
        outcome.events = await import_events(store, specs, now)
        if entries is None:
            outcome.status = _events_status(outcome.events)
    return outcome


def _events_status(result: ImportResult | None) -> str:
    if result is not None and result.created:
        return "created"
    return "updated" if result is not None and result.updated else "unchanged"


def _hidden(relative: Path) -> bool:
    return any(part.startswith(".") for part in relative.parts)
