"""Files sent in a chat by an admin: imported as `civicbot content import` imports them, and
undone on request.

The same readers, limits and validation as the command (bot.content readers, the FAQ and
events loaders, bot.qa.service's indexing): a bad file changes nothing and comes back as one problem
(`UploadOutcome.problem`, a key the chat translates) with the readers' own line as detail.
What an import replaced is kept with its `uploads` row (storage/sql/uploads.py), so
`undo_upload` can remove what it added and put back what it replaced.

`file_text(file)` is the one call for a capability that wants the text of a sent file
(drafting an event from an invitation): the same download limit and readers, no import.
"""

from __future__ import annotations

import asyncio
import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from bot.adapters.files import FileTooLarge, FileUnavailable
from bot.content import DOCUMENT_SUFFIXES, FAQ_SUFFIXES, ContentError, read_document
from bot.content.faq import load_yaml_safely, parse_faq
from bot.content.readers import DEFAULT_MAX_BYTES, decode_text
from bot.events.loader import (
    EventFileError,
    ImportResult,
    import_events,
    is_events_document,
    parse_events_yaml,
)
from bot.pipeline.types import IncomingFile
from bot.qa.service import document_content, faq_content, indexer, service_for
from storage.base import ContentConflict, EventRecord, from_db_time, to_db_time

SUFFIXES = DOCUMENT_SUFFIXES | FAQ_SUFFIXES
MAX_NAME = 120  # characters of a file name kept (the name is the document's key)

# What a refused file's problem is, by the readers' own reason (their messages are the
# command line's, in English; the chat says it in the admin's language).
_PROBLEMS: list[tuple[str, str]] = [
    (r"^unsupported file type|is structured content", "unsupported"),
    (r"^the file is empty", "empty"),
    (r"^too large", "too-large"),
    (r"zip bomb|unpacks to more than|paragraphs: refused", "too-much-inside"),
    (r"^took longer than", "too-slow"),
    (r"password-protected", "password"),
    (r"no text layer", "scan"),
    (r"^no text found", "no-text"),
    (r"binary file|not text in a known encoding|^not valid \S+ text", "not-text"),
    (r"^not a readable|^not a Word|^could not be read", "damaged"),
    (r"YAML|^expected a mapping|^'faq:'|^FAQ ", "bad-yaml"),
]


class UploadRefused(Exception):
    """A sent file that cannot be used: `problem` is a key of the translated lines
    (handlers.documents), `detail` the readers' own line, if any."""

    def __init__(self, problem: str, detail: str = "", *, limit: int = 0) -> None:
        super().__init__(f"{problem}: {detail}" if detail else problem)
        self.problem = problem
        self.detail = detail
        self.limit = limit


@dataclass
class UploadOutcome:
    name: str
    status: str  # created | updated | unchanged
    kind: str  # document | faq | events
    title: str = ""
    lang: str = ""
    items: int = 0  # passages, or FAQ entries
    events: ImportResult | None = None
    upload_id: int | None = None  # None: nothing to undo (unchanged)


@dataclass
class UndoOutcome:
    result: str  # undone | already | changed | unknown
    name: str = ""
    removed_events: list[str] = field(default_factory=list)
    restored_events: list[str] = field(default_factory=list)
    kept_events: list[str] = field(default_factory=list)  # created, but people registered


def safe_name(name: str) -> str:
    """The file's base name as a document name: no folders, no control characters, at
    most MAX_NAME characters (the suffix kept)."""
    base = Path(name.replace("\\", "/")).name
    cleaned = "".join(c for c in base if unicodedata.category(c)[0] != "C").strip(" .")
    cleaned = re.sub(r"\s+", " ", cleaned)
    suffix = Path(cleaned).suffix[:10]
    return cleaned[: MAX_NAME - len(suffix)].rstrip(" .") + suffix if len(cleaned) > MAX_NAME \
        else cleaned


def check_name(name: str) -> str:
    """The safe name of a file that can be imported, or UploadRefused('unsupported')."""
    cleaned = safe_name(name)
    if not cleaned or Path(cleaned).suffix.lower() not in SUFFIXES or not Path(cleaned).stem:
        raise UploadRefused("unsupported")
    return cleaned


async def fetch_bounded(file: IncomingFile, max_bytes: int = DEFAULT_MAX_BYTES) -> bytes:
    """The file's bytes from its platform, within the import's size limit."""
    try:
        data = await file.fetch(max_bytes)
    except FileTooLarge:
        raise UploadRefused("too-large", limit=max_bytes) from None
    except FileUnavailable as error:
        raise UploadRefused("unavailable", str(error)) from None
    if not data:
        raise UploadRefused("empty")
    if len(data) > max_bytes:  # an adapter that did not keep to it
        raise UploadRefused("too-large", limit=max_bytes)
    return data


async def file_text(file: IncomingFile, *, max_bytes: int = DEFAULT_MAX_BYTES) -> str:
    """The text of a sent document (.txt .md .html .pdf .docx), read as content import reads
    it, paragraphs separated by blank lines; UploadRefused for a file that cannot be read
    (the same problems as an import)."""
    name = check_name(file.name)
    if Path(name).suffix.lower() in FAQ_SUFFIXES:
        raise UploadRefused("unsupported")
    data = await fetch_bounded(file, max_bytes)
    parsed = await _parsed(name, data)
    parts = [parsed.title] + [passage.text for passage in parsed.passages]
    return "\n\n".join(part for part in dict.fromkeys(parts) if part)


async def import_upload(
    store: Any, name: str, data: bytes, now: datetime, *, uploaded_by: str
) -> UploadOutcome:
    """Import the bytes of a sent file named `name`; UploadRefused for a bad file (nothing
    written). An unchanged file (same bytes, same indexer) is 'unchanged', with no Undo."""
    name = check_name(name)
    if len(data) > DEFAULT_MAX_BYTES:
        raise UploadRefused("too-large", limit=DEFAULT_MAX_BYTES)
    checksum = hashlib.sha256(data).hexdigest()
    try:
        if Path(name).suffix.lower() in FAQ_SUFFIXES:
            return await _import_yaml(store, name, data, checksum, now, uploaded_by)
        return await _import_document(store, name, data, checksum, now, uploaded_by)
    except ContentConflict as error:
        raise UploadRefused("conflict", str(error)) from None
    except EventFileError as error:
        raise UploadRefused("bad-events", "\n".join(error.errors[:5])) from None


async def _unchanged(store: Any, name: str, checksum: str) -> bool:
    saved = (await store.content_checksums()).get(name)
    return saved is not None and saved == (checksum, indexer())


async def _parsed(name: str, data: bytes) -> Any:
    try:
        return await asyncio.to_thread(read_document, name, data=data)  # CPU: off the loop
    except ContentError as error:
        raise _refused(error) from None
    except Exception as error:  # a reader library's own failure on a strange file
        raise UploadRefused("damaged", type(error).__name__) from None


async def _import_document(store: Any, name: str, data: bytes, checksum: str, now: datetime,
                           uploaded_by: str) -> UploadOutcome:
    parsed = await _parsed(name, data)
    outcome = UploadOutcome(name, "unchanged", "document", parsed.title, parsed.lang,
                            len(parsed.passages))
    if await _unchanged(store, name, checksum):
        return outcome
    document = await asyncio.to_thread(document_content, parsed)  # index terms: CPU too
    outcome.status, outcome.upload_id = await store.save_uploaded_document(
        document, uploaded_by, checksum, now)
    outcome.items = len(document.passages)
    return outcome


async def _import_yaml(store: Any, name: str, data: bytes, checksum: str, now: datetime,
                       uploaded_by: str) -> UploadOutcome:
    """FAQ entries and events, both checked before either is written (as the command)."""
    path = Path(name)
    try:
        content = load_yaml_safely(path, decode_text(path, data))
        if not isinstance(content, dict) or not ({"faq", "events"} & set(content)):
            raise ContentError(path, "expected a mapping with 'faq:' and/or 'events:' at the top")
        entries = parse_faq(path, content["faq"], str(content.get("locale") or "en")) \
            if "faq" in content else None
    except ContentError as error:
        raise _refused(error) from None
    specs = parse_events_yaml(content, name) if is_events_document(content) else None
    outcome = UploadOutcome(name, "unchanged", "events")
    if entries is not None:
        outcome = UploadOutcome(name, "unchanged", "faq", items=len(entries))
        if not await _unchanged(store, name, checksum):
            document = faq_content(name, checksum, entries)
            outcome.status, outcome.upload_id = await store.save_uploaded_document(
                document, uploaded_by, checksum, now)
    if specs is not None:
        previous = {spec.id: await store.get_event(spec.id) for spec in specs}
        outcome.events = await import_events(store, specs, now)
        replaced = [record_to_json(previous[event_id]) for event_id in outcome.events.updated
                    if previous.get(event_id) is not None]
        created = list(outcome.events.created)
        if outcome.upload_id is not None:
            await store.add_upload_events(outcome.upload_id, created, replaced)
        elif created or replaced:
            outcome.status = "created" if created else "updated"
            outcome.upload_id = await store.record_upload(
                uploaded_by=uploaded_by, document=name, kind=outcome.kind,
                status=outcome.status, checksum=checksum, events_created=created,
                events_previous=replaced, now=now)
        await service_for(store).sync_events(now, force=True)
    return outcome


async def undo_upload(store: Any, upload_id: int, now: datetime) -> UndoOutcome:
    """Remove what the upload added and put back what it replaced. Events it created that
    people registered for are kept (they are cancelled by /cancelevent, which tells them)."""
    upload = await store.get_upload(upload_id)
    if upload is None:
        return UndoOutcome("unknown")
    outcome = UndoOutcome("undone", upload.document)
    if upload.undone_at is not None:
        outcome.result = "already"
        return outcome
    if upload.kind in ("document", "faq"):
        outcome.result = await store.undo_document_upload(upload, now)
        if outcome.result != "undone":
            return outcome
    if upload.events_previous:
        records = [record_from_json(saved) for saved in upload.events_previous]
        await store.save_events(records, now)
        outcome.restored_events = [record.id for record in records]
    if upload.events_created:
        outcome.kept_events = await store.delete_unregistered_events(upload.events_created)
        outcome.removed_events = [event_id for event_id in upload.events_created
                                  if event_id not in outcome.kept_events]
    if upload.kind == "events":
        await store.mark_upload_undone(upload.id, now)
    if upload.events_previous or upload.events_created:
        await service_for(store).sync_events(now, force=True)
    return outcome


def record_to_json(record: EventRecord) -> dict[str, Any]:
    return {
        "id": record.id, "spec": record.spec, "starts_at": to_db_time(record.starts_at),
        "ends_at": None if record.ends_at is None else to_db_time(record.ends_at),
        "timezone": record.timezone, "location": record.location,
        "registration_deadline": to_db_time(record.registration_deadline),
        "capacity": record.capacity, "reminders": record.reminders, "source": record.source,
    }


def record_from_json(saved: dict[str, Any]) -> EventRecord:
    return EventRecord(
        id=saved["id"], spec=saved["spec"], starts_at=from_db_time(saved["starts_at"]),
        ends_at=from_db_time(saved["ends_at"]), timezone=saved["timezone"],
        location=saved["location"],
        registration_deadline=from_db_time(saved["registration_deadline"]),
        capacity=saved["capacity"], reminders=saved["reminders"], source=saved["source"],
    )


def _refused(error: ContentError) -> UploadRefused:
    for pattern, problem in _PROBLEMS:
        if re.search(pattern, error.reason):
            return UploadRefused(problem, error.reason)
    return UploadRefused("damaged", error.reason)
