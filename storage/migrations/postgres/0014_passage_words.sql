-- PostgreSQL twin of ../0014_passage_words.sql.
ALTER TABLE passages ADD COLUMN words TEXT;
