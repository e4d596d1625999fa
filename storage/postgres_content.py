"""Content search on PostgreSQL: a mixin placed first in `PostgresStore`'s bases.

Everything else of the content capability runs the portable SQL of storage/sqlite_content.py.
Only the ranking differs in dialect: passages are found through the GIN index on their
generated tsvector, then ranked with the formula of FTS5's bm25() (k1 = 1.2, b = 0.75, the
same idf with the same floor, term frequency from the tsvector's positions, length = number
of terms), over the same normalised terms. ts_rank would order passages differently; with
the same formula both backends hand the same candidates to the answering and so give the
same answers (bench/qa_eval.py --postgres checks it on the question sets).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from storage.base import PassageHit

_BM25 = """
WITH stats AS (
    SELECT COUNT(*)::float8 AS total, COALESCE(AVG(term_count), 0)::float8 AS avgdl
    FROM passages
), hits AS (
    SELECT p.id, p.term_count, t.lexeme, cardinality(t.positions)::float8 AS tf
    FROM passages p CROSS JOIN LATERAL unnest(p.tsv) AS t(lexeme, positions, weights)
    WHERE p.tsv @@ to_tsquery('simple', CAST(? AS TEXT)) AND t.lexeme = ANY(CAST(? AS TEXT[]))
), df AS (
    SELECT lexeme, COUNT(*)::float8 AS n FROM hits GROUP BY lexeme
), ranked AS (
    SELECT h.id,
           SUM(GREATEST(ln((s.total - df.n + 0.5) / (df.n + 0.5)), 1e-6)
               * h.tf * 2.2 / (h.tf + 1.2 * (0.25 + 0.75 * h.term_count / s.avgdl))) AS score
    FROM hits h JOIN df USING (lexeme) CROSS JOIN stats s
    GROUP BY h.id
    ORDER BY score DESC, h.id
    LIMIT ?
)
SELECT d.name, d.title, p.heading, p.text, p.lang, r.score, p.position
FROM ranked r JOIN passages p ON p.id = r.id JOIN documents d ON d.id = p.document_id
ORDER BY r.score DESC, r.id
"""


class PostgresContentMixin:
    if TYPE_CHECKING:

        async def _all(self, sql: str, params: tuple[object, ...] = ()) -> list[Any]: ...

    async def search_passages(self, terms: list[str], limit: int) -> list[PassageHit]:
        """The `limit` passages that rank best for any of `terms` (BM25), best first."""
        unique = list(dict.fromkeys(terms))
        if not unique or limit <= 0:
            return []
        rows = await self._all(_BM25, (" | ".join(unique), unique, int(limit)))
        return [
            PassageHit(
                document=row[0], title=row[1], heading=row[2], text=row[3], lang=row[4],
                score=float(row[5]), position=int(row[6]),
            )
            for row in rows
        ]
