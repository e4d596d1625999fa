-- People, their platform identities, conversation state and the outbox.
-- Times are UTC ISO-8601 strings (they sort as text).

CREATE TABLE people (
    id            INTEGER PRIMARY KEY,
    locale        TEXT,                      -- explicit choice; NULL = not chosen
    hint_locale   TEXT,                      -- last platform hint / detected writing
    subscribed    INTEGER NOT NULL DEFAULT 0,
    unreachable   INTEGER NOT NULL DEFAULT 0,
    created_at    TEXT NOT NULL,
    last_seen_at  TEXT NOT NULL
);

CREATE TABLE identities (
    platform      TEXT NOT NULL,
    user_id       TEXT NOT NULL,
    person_id     INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    chat_id       TEXT,                      -- private chat: where proactive messages go
    display_name  TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (platform, user_id)
);
CREATE INDEX identities_person ON identities(person_id);

CREATE TABLE conversations (
    person_id     INTEGER PRIMARY KEY REFERENCES people(id) ON DELETE CASCADE,
    form          TEXT NOT NULL,
    step          TEXT NOT NULL,
    data          TEXT NOT NULL DEFAULT '{}',
    updated_at    TEXT NOT NULL
);

CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY,
    dedupe_key      TEXT NOT NULL UNIQUE,     -- one row per intended delivery, ever
    kind            TEXT NOT NULL,
    person_id       INTEGER REFERENCES people(id) ON DELETE SET NULL,
    platform        TEXT NOT NULL,
    chat_id         TEXT NOT NULL,
    body            TEXT NOT NULL,            -- JSON replies, already in the recipient's locale
    state           TEXT NOT NULL DEFAULT 'pending',  -- pending|sending|sent|failed|skipped|unknown
    attempts        INTEGER NOT NULL DEFAULT 0,
    not_before      TEXT NOT NULL,
    claimed_by      TEXT,
    claimed_at      TEXT,
    last_error      TEXT,
    created_at      TEXT NOT NULL,
    finished_at     TEXT,
    batch           TEXT                      -- e.g. a broadcast id, for progress reports
);
CREATE INDEX outbox_due ON outbox(state, platform, not_before);
CREATE INDEX outbox_batch ON outbox(batch, state);
