-- Admin roles granted by chat, the audit log of admin actions, broadcasts.

CREATE TABLE admin_roles (
    platform     TEXT NOT NULL,
    user_id      TEXT NOT NULL,
    granted_by   TEXT NOT NULL,
    granted_at   TEXT NOT NULL,
    PRIMARY KEY (platform, user_id)
);

CREATE TABLE audit_log (
    id           INTEGER PRIMARY KEY,
    at           TEXT NOT NULL,
    actor        TEXT NOT NULL,              -- platform:user_id, or cli:<os user>
    action       TEXT NOT NULL,
    detail       TEXT NOT NULL DEFAULT ''    -- never personal data beyond identities
);

CREATE TABLE broadcasts (
    id           INTEGER PRIMARY KEY,
    created_by   TEXT NOT NULL,
    report_to    INTEGER REFERENCES people(id) ON DELETE SET NULL,
    audience     TEXT NOT NULL,              -- all | locale:<code> | event:<id> | waitlist:<id>
    texts        TEXT NOT NULL,              -- JSON {locale: text}; "*" = for everyone else
    recipients   INTEGER NOT NULL,
    created_at   TEXT NOT NULL,
    finished_at  TEXT
);

-- Bulk sends (broadcasts) go after everything else that is due: a reply-like message such as
-- a reminder or a progress report never waits behind ten thousand announcements.
ALTER TABLE outbox ADD COLUMN priority INTEGER NOT NULL DEFAULT 0;
CREATE INDEX outbox_claim ON outbox(state, platform, priority, id);
