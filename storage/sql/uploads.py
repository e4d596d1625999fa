"""Files admins sent in a chat, on SQLite (and PostgreSQL, same SQL): a mixin of `SqliteStore`.

A document sent is saved with its `uploads` row in one transaction, and that row keeps what
the save replaced (the previous passages and FAQ entries), so that Undo can put it back; an
Undo that finds the document changed since (another import) refuses rather than lose that.
Table in migrations/0010_uploads.sql.
"""

from __future__ import annotations

import base64
import json
from datetime import datetime
from typing import TYPE_CHECKING, Any

from storage.base import (
    ContentDocument,
    ContentPassage,
    FaqRecord,
    UploadRecord,
    from_db_time,
    returned_row,
    to_db_time,
)
from storage.sql.content import _save
from storage.sql.mixin import SqliteMixin

if TYPE_CHECKING:
    pass

_IDS_PER_QUERY = 500


class SqliteUploadsMixin(SqliteMixin):
    if TYPE_CHECKING:
        def _forget_term_counts(self) -> None: ...

    async def save_uploaded_document(
        self, document: ContentDocument, uploaded_by: str, checksum: str, now: datetime
    ) -> tuple[str, int]:
        """Save a document (or FAQ file) sent in a chat and its upload row, one transaction:
        ('created' | 'updated', upload id). ContentConflict as `save_document`."""
        async with self.transaction() as db:
            previous = await _snapshot(db, document.name)
            status = await _save(db, document, now)
            cursor = await db.execute(
                "INSERT INTO uploads (uploaded_by, document, kind, status, checksum, previous, "
                "created_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
                (uploaded_by, document.name, document.kind, status, checksum,
                 None if previous is None else json.dumps(previous, ensure_ascii=False),
                 to_db_time(now)),
            )
            upload_id = int((await returned_row(cursor))[0])
        self._forget_term_counts()
        return status, upload_id

    async def record_upload(
        self, *, uploaded_by: str, document: str, kind: str, status: str, checksum: str,
        events_created: list[str], events_previous: list[dict[str, Any]], now: datetime,
    ) -> int:
        """The upload row of a file whose events were imported (they are saved by the events
        capability); its id."""
        async with self.transaction() as db:
            cursor = await db.execute(
                "INSERT INTO uploads (uploaded_by, document, kind, status, checksum, "
                "events_created, events_previous, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
                "RETURNING id",
                (uploaded_by, document, kind, status, checksum, json.dumps(events_created),
                 json.dumps(events_previous, ensure_ascii=False), to_db_time(now)),
            )
            return int((await returned_row(cursor))[0])

    async def add_upload_events(
        self, upload_id: int, events_created: list[str], events_previous: list[dict[str, Any]]
    ) -> None:
        """The events a file's import created and replaced, beside its FAQ part's row."""
        async with self.transaction() as db:
            await db.execute(
                "UPDATE uploads SET events_created = ?, events_previous = ? WHERE id = ?",
                (json.dumps(events_created), json.dumps(events_previous, ensure_ascii=False),
                 upload_id),
            )

    async def get_upload(self, upload_id: int) -> UploadRecord | None:
        rows = await self._all(
            "SELECT id, uploaded_by, document, kind, status, checksum, previous, "
            "events_created, events_previous, created_at, undone_at FROM uploads WHERE id = ?",
            (upload_id,),
        )
        if not rows:
            return None
        row = rows[0]
        return UploadRecord(
            id=int(row[0]), uploaded_by=row[1], document=row[2], kind=row[3], status=row[4],
            checksum=row[5], previous=None if row[6] is None else json.loads(row[6]),
            events_created=json.loads(row[7]), events_previous=json.loads(row[8]),
            created_at=from_db_time(row[9]), undone_at=from_db_time(row[10]),
        )

    async def undo_document_upload(self, upload: UploadRecord, now: datetime) -> str:
        """Put back what the upload's document replaced (or remove the document it created),
        one transaction: 'undone', 'already' (undone before), or 'changed' (the document
        is no longer the one sent: another import or a removal came after)."""
        async with self.transaction() as db:
            cursor = await db.execute(
                "SELECT undone_at FROM uploads WHERE id = ?", (upload.id,))
            row = await cursor.fetchone()
            if row is None or row[0] is not None:
                return "already"
            cursor = await db.execute(
                "SELECT checksum FROM documents WHERE name = ?", (upload.document,))
            current = await cursor.fetchone()
            if current is None or current[0] != upload.checksum:
                return "changed"
            if upload.previous is None:
                await db.execute("DELETE FROM documents WHERE name = ?", (upload.document,))
            else:
                await _save(db, _document_from(upload.document, upload.previous), now)
            await db.execute(
                "UPDATE uploads SET undone_at = ? WHERE id = ?", (to_db_time(now), upload.id))
        self._forget_term_counts()
        return "undone"

    async def delete_unregistered_events(self, event_ids: list[str]) -> list[str]:
        """Delete the events nobody registered for (ever: a cancelled registration counts
        too, its person was told about the event); the ids of those kept, which have."""
        kept: list[str] = []
        async with self.transaction() as db:
            for start in range(0, len(event_ids), _IDS_PER_QUERY):
                batch = event_ids[start : start + _IDS_PER_QUERY]
                marks = ", ".join("?" * len(batch))
                cursor = await db.execute(
                    f"SELECT DISTINCT event_id FROM registrations WHERE event_id IN ({marks})",
                    tuple(batch),
                )
                kept += [str(row[0]) for row in await cursor.fetchall()]
                free = [event_id for event_id in batch if event_id not in kept]
                if free:
                    await db.execute(
                        f"DELETE FROM events WHERE id IN ({', '.join('?' * len(free))})",
                        tuple(free),
                    )
        return kept

    async def mark_upload_undone(self, upload_id: int, now: datetime) -> bool:
        """Compare-and-set: True for the one call that marks it."""
        async with self.transaction() as db:
            cursor = await db.execute(
                "UPDATE uploads SET undone_at = ? WHERE id = ? AND undone_at IS NULL",
                (to_db_time(now), upload_id),
            )
        return cursor.rowcount > 0


async def _snapshot(db: Any, name: str) -> dict[str, Any] | None:
    """The saved document `name` with its passages and FAQ entries, as JSON-able data."""
    cursor = await db.execute(
        "SELECT id, kind, title, lang, checksum, indexer FROM documents WHERE name = ?", (name,))
    row = await cursor.fetchone()
    if row is None:
        return None
    cursor = await db.execute(
        "SELECT heading, text, lang, terms, vector, sentence_vectors, words FROM passages "
        "WHERE document_id = ? ORDER BY position",
        (row[0],),
    )
    passages = [[*passage[:4], *map(_text_of, passage[4:6]), passage[6]]
                for passage in await cursor.fetchall()]
    cursor = await db.execute(
        "SELECT key, questions, answers FROM faq_entries WHERE document_id = ? ORDER BY id",
        (row[0],),
    )
    faq = [[entry[0], json.loads(entry[1]), json.loads(entry[2])]
           for entry in await cursor.fetchall()]
    return {"kind": row[1], "title": row[2], "lang": row[3], "checksum": row[4],
            "indexer": row[5], "passages": passages, "faq": faq}


def _document_from(name: str, saved: dict[str, Any]) -> ContentDocument:
    return ContentDocument(
        name=name, title=saved["title"], lang=saved["lang"], kind=saved["kind"],
        checksum=saved["checksum"], indexer=saved["indexer"],
        passages=[_passage_from(passage) for passage in saved["passages"]],
        faq=[FaqRecord(key, questions, answers, name) for key, questions, answers in saved["faq"]],
    )


def _passage_from(saved: list[Any]) -> ContentPassage:
    """A snapshot's passage: heading, text, lang, terms, its vectors (base64), its words
    (absent from a snapshot taken before they were kept)."""
    heading, text, lang, terms, vector, sentence_vectors = saved[:6]
    words = saved[6] if len(saved) > 6 else None
    return ContentPassage(heading, text, lang, terms, _bytes_of(vector),
                          _bytes_of(sentence_vectors), words)


def _text_of(data: bytes | None) -> str | None:
    """Vectors in the JSON snapshot: base64 text."""
    return None if data is None else base64.b64encode(bytes(data)).decode("ascii")


def _bytes_of(text: str | None) -> bytes | None:
    return None if text is None else base64.b64decode(text)
