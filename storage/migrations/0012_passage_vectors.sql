-- What each passage means, for the search by meaning (bot/qa/semantic.py): the passage's
-- vector and its sentences' vectors (float16 rows), NULL where it was indexed without the
-- encoder. PostgreSQL twin: postgres/0012_passage_vectors.sql.
ALTER TABLE passages ADD COLUMN vector BLOB;
ALTER TABLE passages ADD COLUMN sentence_vectors BLOB;
