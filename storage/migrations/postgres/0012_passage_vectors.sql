-- PostgreSQL twin of ../0012_passage_vectors.sql.
ALTER TABLE passages ADD COLUMN vector BYTEA;
ALTER TABLE passages ADD COLUMN sentence_vectors BYTEA;
