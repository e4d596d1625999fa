"""Content search on PostgreSQL: a mixin placed first in `PostgresStore`'s bases.

Everything else of the content capability runs the portable SQL of storage/sql/content.py.
Only the ranking differs in dialect: passages are found through the GIN index on their
generated tsvector, then ranked with the formula of FTS5's bm25() (k1 = 1.2, b = 0.75, the
same idf with the same floor, term frequency from the tsvector's positions, length = number
of terms), over the same normalised terms. ts_rank would order passages differently; with
the same formula both backends hand the same candidates to the answering and so give the
same answers (bench/qa_eval.py --postgres checks it on the question sets).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from storage.base import PassageHit

# FTS5's bm25() over the chosen terms: the GIN index finds the passages holding any of them,
# the term counts and totals come from passage_vocabulary and passage_totals (the corpus-wide
# figures FTS5 uses); of each found passage's tsvector only the chosen terms are unnested
# (setweight marks them, ts_filter keeps them: in C, not a row per lexeme) for their
# frequencies.
_BM25 = """
WITH query AS (
    SELECT * FROM unnest(CAST(? AS TEXT[]), CAST(? AS FLOAT8[])) AS q(lexeme, idf)
), hits AS (
    SELECT p.id, p.term_count, t.lexeme, cardinality(t.positions)::float8 AS tf
    FROM passages p CROSS JOIN LATERAL unnest(
        ts_filter(setweight(p.tsv, 'A', CAST(? AS TEXT[])), '{a}')
    ) AS t(lexeme, positions, weights)
    WHERE p.tsv @@ to_tsquery('simple', CAST(? AS TEXT))
), ranked AS (
    SELECT h.id,
           SUM(q.idf * h.tf * 2.2
               / (h.tf + 1.2 * (0.25 + 0.75 * h.term_count / CAST(? AS FLOAT8)))) AS score
    FROM hits h JOIN query q USING (lexeme)
    GROUP BY h.id
    ORDER BY score DESC, h.id
    LIMIT ?
)
SELECT d.name, d.title, p.heading, p.text, p.lang, r.score, p.position, p.words
FROM ranked r JOIN passages p ON p.id = r.id JOIN documents d ON d.id = p.document_id
ORDER BY r.score DESC, r.id
"""


class PostgresContentMixin:
    if TYPE_CHECKING:

        async def _all(self, sql: str, params: tuple[object, ...] = ()) -> list[Any]: ...

    async def term_counts(self, terms: list[str]) -> dict[str, int]:
        """How many passages hold each of `terms` (absent: none)."""
        rows = await self._all(
            "SELECT term, passages FROM passage_vocabulary WHERE term = ANY(CAST(? AS TEXT[]))",
            (terms,),
        )
        return {row[0]: int(row[1]) for row in rows}

    async def search_passages(self, terms: list[str], limit: int) -> list[PassageHit]:
        """The `limit` passages that rank best for any of `terms` (BM25), best first; the
        same terms chosen and the same scores as on SQLite (storage/sql/content.py)."""
        chosen, counts = await self._chosen_terms(terms, limit)  # type: ignore[attr-defined]  # SqliteContentMixin's
        if not chosen:
            return []
        [(total, length)] = await self._all("SELECT passages, terms FROM passage_totals")
        average = length / total if total else 1.0
        idf = [_idf(total, counts[term]) for term in chosen]
        rows = await self._all(
            _BM25, (chosen, idf, chosen, " | ".join(chosen), float(average), int(limit))
        )
        return [
            PassageHit(
                document=row[0], title=row[1], heading=row[2], text=row[3], lang=row[4],
                score=float(row[5]), position=int(row[6]), words=row[7],
            )
            for row in rows
        ]


def _idf(total: int, count: int) -> float:
    """FTS5's idf: never below 1e-6, however common the term."""
    return max(math.log((total - count + 0.5) / (count + 0.5)), 1e-6)
