-- Content for question answering (owned by the qa capability): imported documents, their
-- passages with the normalised index terms (bot.textnorm.index_terms), the FTS5 index over
-- those terms, and FAQ entries. PostgreSQL twin: postgres/0002_content.sql.

CREATE TABLE documents (
    id           INTEGER PRIMARY KEY,
    name         TEXT NOT NULL UNIQUE,     -- the imported file's base name; event:<id>
    kind         TEXT NOT NULL DEFAULT 'document' CHECK (kind IN ('document', 'faq', 'event')),
    title        TEXT NOT NULL,
    lang         TEXT NOT NULL,
    checksum     TEXT NOT NULL,            -- sha256 of the source: unchanged -> skipped
    indexer      TEXT NOT NULL DEFAULT '', -- term normalisation version that indexed it
    imported_at  TEXT NOT NULL
);

CREATE TABLE passages (
    id           INTEGER PRIMARY KEY,
    document_id  INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    position     INTEGER NOT NULL,
    heading      TEXT NOT NULL,
    text         TEXT NOT NULL,
    lang         TEXT NOT NULL,
    terms        TEXT NOT NULL,            -- [a-z0-9]+ terms separated by one space
    UNIQUE (document_id, position)
);

-- BM25 over the terms; external content (the terms live once, in passages), kept in step
-- by the triggers below, also when a document's passages go with it (ON DELETE CASCADE).
CREATE VIRTUAL TABLE passage_index USING fts5(terms, content='passages', content_rowid='id');

CREATE TRIGGER passages_index_insert AFTER INSERT ON passages BEGIN
    INSERT INTO passage_index (rowid, terms) VALUES (new.id, new.terms);
END;

CREATE TRIGGER passages_index_delete AFTER DELETE ON passages BEGIN
    INSERT INTO passage_index (passage_index, rowid, terms) VALUES ('delete', old.id, old.terms);
END;

CREATE TRIGGER passages_index_update AFTER UPDATE OF terms ON passages BEGIN
    INSERT INTO passage_index (passage_index, rowid, terms) VALUES ('delete', old.id, old.terms);
    INSERT INTO passage_index (rowid, terms) VALUES (new.id, new.terms);
END;

CREATE TABLE faq_entries (
    id           INTEGER PRIMARY KEY,
    document_id  INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    key          TEXT NOT NULL UNIQUE,
    questions    TEXT NOT NULL,            -- JSON: locale -> question (phrasings, one a line)
    answers      TEXT NOT NULL,            -- JSON: locale -> answer
    source       TEXT NOT NULL             -- the file's base name
);
CREATE INDEX faq_entries_document ON faq_entries(document_id);
