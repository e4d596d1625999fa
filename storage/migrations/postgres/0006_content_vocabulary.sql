-- PostgreSQL twin of ../0006_content_vocabulary.sql: how many passages hold each index term
-- (FTS5's fts5vocab 'row' counts) and the corpus totals BM25 needs, kept in step with the
-- passages by statement triggers, so the search reads them instead of scanning the matches.
CREATE TABLE passage_vocabulary (
    term      TEXT PRIMARY KEY,
    passages  BIGINT NOT NULL
);

CREATE TABLE passage_totals (
    id        INTEGER PRIMARY KEY CHECK (id = 1),
    passages  BIGINT NOT NULL,
    terms     BIGINT NOT NULL
);

INSERT INTO passage_totals
SELECT 1, COUNT(*), COALESCE(SUM(term_count), 0) FROM passages;

INSERT INTO passage_vocabulary
SELECT lexeme, COUNT(*) FROM passages CROSS JOIN LATERAL unnest(tsvector_to_array(tsv)) AS lexeme
GROUP BY lexeme;

CREATE FUNCTION passage_vocabulary_added() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO passage_vocabulary AS v (term, passages)
    SELECT lexeme, COUNT(*) FROM added CROSS JOIN LATERAL unnest(tsvector_to_array(tsv)) AS lexeme
    GROUP BY lexeme
    ON CONFLICT (term) DO UPDATE SET passages = v.passages + EXCLUDED.passages;
    UPDATE passage_totals SET passages = passages + (SELECT COUNT(*) FROM added),
                              terms = terms + (SELECT COALESCE(SUM(term_count), 0) FROM added);
    RETURN NULL;
END $$;

CREATE FUNCTION passage_vocabulary_removed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    WITH gone AS (
        SELECT lexeme, COUNT(*) AS n
        FROM removed CROSS JOIN LATERAL unnest(tsvector_to_array(tsv)) AS lexeme GROUP BY lexeme
    )
    UPDATE passage_vocabulary v SET passages = v.passages - gone.n FROM gone
    WHERE v.term = gone.lexeme;
    DELETE FROM passage_vocabulary v
    USING (SELECT DISTINCT lexeme FROM removed CROSS JOIN LATERAL unnest(tsvector_to_array(tsv))
           AS lexeme) AS g
    WHERE v.term = g.lexeme AND v.passages <= 0;
    UPDATE passage_totals SET passages = passages - (SELECT COUNT(*) FROM removed),
                              terms = terms - (SELECT COALESCE(SUM(term_count), 0) FROM removed);
    RETURN NULL;
END $$;

CREATE TRIGGER passages_vocabulary_insert AFTER INSERT ON passages
    REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION passage_vocabulary_added();
CREATE TRIGGER passages_vocabulary_delete AFTER DELETE ON passages
    REFERENCING OLD TABLE AS removed FOR EACH STATEMENT EXECUTE FUNCTION passage_vocabulary_removed();
