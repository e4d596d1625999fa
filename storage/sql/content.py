"""Content for question answering on SQLite: a mixin of `SqliteStore` (storage/sqlite.py).

A document (a file, or an event's description) is saved whole in one transaction: its row,
then its passages and FAQ entries replace the old ones, so a failure half-way leaves the
previous version. Passages carry their normalised index terms; the FTS5 table
`passage_index` indexes them (external content, kept in step by triggers) and ranks with
BM25. Everything but the search query is portable SQL that PostgreSQL runs too
(storage/postgres_content.py overrides the search).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from storage.base import (
    ContentConflict,
    ContentDocument,
    ContentPassage,
    FaqRecord,
    PassageHit,
    PassageVector,
    from_db_time,
    to_db_time,
)
from storage.sql.mixin import SqliteMixin

if TYPE_CHECKING:
    pass

# Rows per multi-row INSERT: few round trips, far below either database's parameter limit.
_INSERT_BATCH = 200
# The search's bound on work (selective_terms): terms in its OR query, and passages holding
# them (counted once per term) that BM25 scores.
MAX_QUERY_TERMS = 24
POSTING_BUDGET = 5000


# Passages read whole (score 0), with what the answering reads of them besides the text.
_READ_WHOLE = (
    "SELECT d.name, d.title, p.heading, p.text, p.lang, 0.0, p.position, p.sentence_vectors, "
    "p.words FROM documents d JOIN passages p ON p.document_id = d.id"
)

# A term held by this many passages has its count kept between questions (term_counts).
COMMON_TERM_PASSAGES = 1000


class SqliteContentMixin(SqliteMixin):
    async def content_checksums(self, kind: str | None = None) -> dict[str, tuple[str, str]]:
        """name -> (checksum, indexer) of the saved documents (of one kind)."""
        rows = await self._all(
            "SELECT name, checksum, indexer FROM documents "
            "WHERE CAST(? AS TEXT) IS NULL OR kind = ?",
            (kind, kind),
        )
        return {row[0]: (row[1], row[2]) for row in rows}

    async def save_document(self, document: ContentDocument, now: datetime) -> str:
        """Create or replace a document with its passages and FAQ entries (one transaction);
        'created' or 'updated'. ContentConflict when another document owns a FAQ key."""
        async with self.transaction() as db:
            outcome = await _save(db, document, now)
        self._forget_term_counts()
        return outcome

    async def sync_documents(
        self, kind: str, documents: list[ContentDocument], keep: set[str], now: datetime
    ) -> int:
        """Make the documents of `kind` exactly `keep` plus `documents` (saved anew); the
        others of that kind go. Returns how many were saved or removed."""
        wanted = keep | {document.name for document in documents}
        changed = 0
        async with self.transaction() as db:
            cursor = await db.execute("SELECT name FROM documents WHERE kind = ?", (kind,))
            for row in await cursor.fetchall():
                if row[0] not in wanted:
                    await db.execute("DELETE FROM documents WHERE name = ?", (row[0],))
                    changed += 1
            for document in documents:
                await _save(db, document, now)
                changed += 1
        self._forget_term_counts()
        return changed

    async def remove_document(self, name: str) -> bool:
        """Remove a document with its passages and FAQ entries; False if there is none."""
        async with self.transaction() as db:
            cursor = await db.execute("DELETE FROM documents WHERE name = ?", (name,))
        self._forget_term_counts()
        return cursor.rowcount > 0

    async def list_documents(self) -> list[ContentDocument]:
        """Every document without its passages; `passage_count` counts passages (FAQ files:
        entries)."""
        rows = await self._all(
            "SELECT d.name, d.title, d.lang, d.kind, d.checksum, d.indexer, d.imported_at, "
            "(SELECT COUNT(*) FROM passages p WHERE p.document_id = d.id) "
            "+ (SELECT COUNT(*) FROM faq_entries f WHERE f.document_id = d.id) AS items "
            "FROM documents d ORDER BY d.kind, d.name"
        )
        return [
            ContentDocument(
                name=row[0], title=row[1], lang=row[2], kind=row[3], checksum=row[4],
                indexer=row[5], imported_at=from_db_time(row[6]), passage_count=int(row[7]),
            )
            for row in rows
        ]

    async def _chosen_terms(
        self, terms: list[str], limit: int
    ) -> tuple[list[str], dict[str, int]]:
        """The distinct terms worth searching for (selective_terms) and every term's passage
        count; no terms when nothing is worth it. Both backends choose alike."""
        unique = list(dict.fromkeys(terms))
        if not unique or limit <= 0:
            return [], {}
        counts = await self.term_counts(unique)
        return selective_terms(unique, counts), counts

    async def search_passages(self, terms: list[str], limit: int) -> list[PassageHit]:
        """The `limit` passages that rank best for any of `terms` (BM25), best first.

        The OR query holds only the most selective terms (selective_terms): BM25 over them
        is exact, and the work stays bounded however large the corpus grows.
        """
        chosen, _ = await self._chosen_terms(terms, limit)
        if not chosen:
            return []
        rows = await self._all(
            "WITH top AS (SELECT rowid AS id, bm25(passage_index) AS rank FROM passage_index "
            "             WHERE passage_index MATCH ? ORDER BY rank, rowid LIMIT ?) "
            "SELECT d.name, d.title, p.heading, p.text, p.lang, -top.rank, p.position, NULL, "
            "p.words "
            "FROM top JOIN passages p ON p.id = top.id JOIN documents d ON d.id = p.document_id "
            "ORDER BY top.rank, top.id",
            (match_expression(chosen), int(limit)),
        )
        return [_hit(row) for row in rows]

    async def document_passages(self, names: list[str], most: int = 40) -> list[PassageHit]:
        """Every passage of those named documents that have at most `most` passages, in
        document order (score 0): the answer may sit in a passage the search did not return.
        A longer document (a report of hundreds of pages) is left to the search."""
        if not names:
            return []
        marks = ", ".join("?" for _ in names)
        rows = await self._all(
            f"{_READ_WHOLE} WHERE d.name IN ({marks}) AND (SELECT MAX(q.position) FROM passages q "
            "WHERE q.document_id = d.id) < ? ORDER BY d.name, p.position",
            (*names, int(most)),
        )
        return [_hit(row) for row in rows]

    async def passages_at(self, places: list[tuple[str, int]]) -> list[PassageHit]:
        """The passages at those (document, position) places (score 0), in document order:
        those nearest in meaning of a document too long to be read whole."""
        if not places:
            return []
        where = " OR ".join("(d.name = ? AND p.position = ?)" for _ in places)
        rows = await self._all(
            f"{_READ_WHOLE} WHERE {where} ORDER BY d.name, p.position",
            tuple(value for place in places for value in place),
        )
        return [_hit(row) for row in rows]

    async def vectors_version(self) -> int:
        """Changes with every write to the passages (migration 0013): the in-memory vectors
        are read again when it does."""
        rows = await self._all("SELECT value FROM content_generation")
        return int(rows[0][0])

    async def passage_vectors(self) -> list[PassageVector]:
        """Every passage's vector (those indexed with the encoder), for the search by meaning."""
        rows = await self._all(
            "SELECT p.id, d.name, p.position, p.vector FROM passages p "
            "JOIN documents d ON d.id = p.document_id WHERE p.vector IS NOT NULL ORDER BY p.id"
        )
        return [PassageVector(int(row[0]), row[1], int(row[2]), bytes(row[3])) for row in rows]

    async def remember_answer(self, person_id: int, document: str, now: datetime) -> None:
        """The document the person's last answer came from (a follow-up is asked of it)."""
        await self._write(
            "INSERT INTO qa_context (person_id, document, answered_at) VALUES (?, ?, ?) "
            "ON CONFLICT (person_id) DO UPDATE SET document = excluded.document, "
            "answered_at = excluded.answered_at",
            (person_id, document, to_db_time(now)),
        )

    async def last_answer(self, person_id: int, since: datetime) -> str | None:
        """The document of the person's last answer, if it came after `since`."""
        rows = await self._all(
            "SELECT document FROM qa_context WHERE person_id = ? AND answered_at >= ?",
            (person_id, to_db_time(since)),
        )
        return str(rows[0][0]) if rows else None

    async def term_counts(self, terms: list[str]) -> dict[str, int]:
        """How many passages hold each of `terms` (absent: none).

        fts5vocab counts a term by reading its whole posting list: a common term (a glossary
        concept, a cognate key) costs milliseconds at 100k passages, and every question asks
        for the same few. Their counts are kept until this store writes content or another
        connection commits (PRAGMA data_version).
        """
        kept = await self._kept_term_counts()
        counts = {term: kept[term] for term in terms if term in kept}
        missing = [term for term in terms if term not in kept]
        if missing:
            marks = ", ".join("?" * len(missing))
            rows = await self._all(
                f"SELECT term, doc FROM passage_vocabulary WHERE term IN ({marks})",
                tuple(missing),
            )
            for term, count in rows:
                counts[term] = int(count)
                if count >= COMMON_TERM_PASSAGES:
                    kept[term] = int(count)
        return counts

    async def _kept_term_counts(self) -> dict[str, int]:
        [(version,)] = await self._all("PRAGMA data_version")
        if getattr(self, "_term_counts_version", None) != version:
            self._term_counts_version = version
            self._term_counts: dict[str, int] = {}
        return self._term_counts

    def _forget_term_counts(self) -> None:
        self._term_counts_version = None

    async def faq_entries(self) -> list[FaqRecord]:
        rows = await self._all(
            "SELECT key, questions, answers, source FROM faq_entries ORDER BY id"
        )
        return [FaqRecord(row[0], json.loads(row[1]), json.loads(row[2]), row[3]) for row in rows]


def selective_terms(terms: Sequence[str], counts: dict[str, int]) -> list[str]:
    """The terms to search for: rarest first, at most MAX_QUERY_TERMS, and only as many as
    keep the passages to score within POSTING_BUDGET (the rarest term always goes in).

    Below the budget nothing is left out, so a small corpus is ranked over every term. On a
    large one the terms left out are the most common: BM25 gives them the least weight (no
    weight at all beyond half the passages), while scoring their passages is most of the
    work. Ties go by the term itself, so both backends choose alike.
    """
    present = sorted((counts[term], term) for term in dict.fromkeys(terms) if counts.get(term))
    chosen: list[str] = []
    postings = 0
    for count, term in present:
        if chosen and (len(chosen) >= MAX_QUERY_TERMS or postings + count > POSTING_BUDGET):
            break
        chosen.append(term)
        postings += count
    return chosen


def match_expression(terms: Sequence[str]) -> str:
    """An FTS5 OR query of the terms, each quoted (terms are [a-z0-9]+, nothing to escape)."""
    return " OR ".join(f'"{term}"' for term in dict.fromkeys(terms))


def _hit(row: Any) -> PassageHit:
    return PassageHit(
        document=row[0], title=row[1], heading=row[2], text=row[3], lang=row[4],
        score=float(row[5]), position=int(row[6]),
        sentence_vectors=bytes(row[7]) if len(row) > 7 and row[7] is not None else None,
        words=row[8] if len(row) > 8 else None,
    )


async def _save(db: Any, document: ContentDocument, now: datetime) -> str:
    cursor = await db.execute("SELECT id FROM documents WHERE name = ?", (document.name,))
    found = await cursor.fetchone()
    values = (document.kind, document.title, document.lang, document.checksum,
              document.indexer, to_db_time(now))
    if found is None:
        cursor = await db.execute(
            "INSERT INTO documents (kind, title, lang, checksum, indexer, imported_at, name) "
            "VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
            (*values, document.name),
        )
        document_id = int((await cursor.fetchone())[0])
    else:
        document_id = int(found[0])
        await db.execute(
            "UPDATE documents SET kind = ?, title = ?, lang = ?, checksum = ?, indexer = ?, "
            "imported_at = ? WHERE id = ?",
            (*values, document_id),
        )
        await db.execute("DELETE FROM passages WHERE document_id = ?", (document_id,))
        await db.execute("DELETE FROM faq_entries WHERE document_id = ?", (document_id,))
    await _check_faq_keys(db, document)
    await _insert_rows(
        db, "passages",
        ("document_id", "position", "heading", "text", "lang", "terms", "vector",
         "sentence_vectors", "words"),
        [_passage_row(document_id, position, passage)
         for position, passage in enumerate(document.passages)],
    )
    await _insert_rows(
        db, "faq_entries", ("document_id", "key", "questions", "answers", "source"),
        [(document_id, entry.key, _json(entry.questions), _json(entry.answers), document.name)
         for entry in document.faq],
    )
    return "created" if found is None else "updated"


async def _check_faq_keys(db: Any, document: ContentDocument) -> None:
    keys = [entry.key for entry in document.faq]
    for start in range(0, len(keys), _INSERT_BATCH):
        batch = keys[start : start + _INSERT_BATCH]
        marks = ", ".join("?" * len(batch))
        cursor = await db.execute(
            f"SELECT key, source FROM faq_entries WHERE key IN ({marks})", tuple(batch)
        )
        taken = await cursor.fetchone()
        if taken is not None:
            raise ContentConflict(f"FAQ key {taken[0]!r} is already used by {taken[1]}")


def _passage_row(document_id: int, position: int, passage: ContentPassage) -> tuple[Any, ...]:
    return (document_id, position, passage.heading, passage.text, passage.lang, passage.terms,
            passage.vector, passage.sentence_vectors, passage.words)


async def _insert_rows(db: Any, table: str, columns: tuple[str, ...],
                       rows: list[tuple[Any, ...]]) -> None:
    """Multi-row INSERTs: one statement per batch instead of one per row."""
    one = "(" + ", ".join("?" * len(columns)) + ")"
    for start in range(0, len(rows), _INSERT_BATCH):
        batch = rows[start : start + _INSERT_BATCH]
        await db.execute(
            f"INSERT INTO {table} ({', '.join(columns)}) VALUES {', '.join([one] * len(batch))}",
            tuple(value for row in batch for value in row),
        )


def _json(value: dict[str, str]) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)
