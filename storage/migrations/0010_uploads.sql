-- Files admins sent in a chat and imported (bot/content/upload.py), kept for their Undo: what
-- the import replaced (the document's previous passages and FAQ entries; the events'
-- previous records) and which events it created. PostgreSQL twin: postgres/0010_uploads.sql.
CREATE TABLE uploads (
    id               INTEGER PRIMARY KEY,
    uploaded_by      TEXT NOT NULL,            -- platform:user id of the admin
    document         TEXT NOT NULL,            -- the file's base name (documents.name)
    kind             TEXT NOT NULL,            -- document | faq | events
    status           TEXT NOT NULL,            -- created | updated (what the import did)
    checksum         TEXT NOT NULL,            -- sha256 of the file sent
    previous         TEXT,                     -- JSON: the document it replaced, or NULL
    events_created   TEXT NOT NULL DEFAULT '[]',  -- JSON: ids of events it created
    events_previous  TEXT NOT NULL DEFAULT '[]',  -- JSON: records of events it updated
    created_at       TEXT NOT NULL,
    undone_at        TEXT
);
CREATE INDEX uploads_document ON uploads(document);
