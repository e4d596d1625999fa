-- PostgreSQL twin of ../0013_content_generation.sql: bumped once per statement that writes
-- passages.
CREATE TABLE content_generation (
    id     INTEGER PRIMARY KEY CHECK (id = 1),
    value  BIGINT NOT NULL
);
INSERT INTO content_generation VALUES (1, 0);

CREATE FUNCTION content_generation_bumped() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE content_generation SET value = value + 1;
    RETURN NULL;
END $$;

CREATE TRIGGER passages_generation AFTER INSERT OR UPDATE OR DELETE ON passages
    FOR EACH STATEMENT EXECUTE FUNCTION content_generation_bumped();
