-- "Ask the team" (bot/handoff.py): questions the bot could not answer, and the tickets that
-- take a question to the staff chat and its answer back. PostgreSQL twin:
-- postgres/0009_handoff.sql.

-- Every "don't know", kept CIVICBOT_UNANSWERED_DAYS (the text is personal: deleted with
-- the person and by retention).
CREATE TABLE unanswered_questions (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    person_id    INTEGER REFERENCES people(id) ON DELETE CASCADE,
    text         TEXT NOT NULL,
    locale       TEXT NOT NULL,
    asked_at     TEXT NOT NULL
);
CREATE INDEX unanswered_questions_asked ON unanswered_questions(asked_at);
CREATE INDEX unanswered_questions_person ON unanswered_questions(person_id);

-- A ticket is open until a staff member answers it (or the staff chat refused it). Its link
-- to the person (person_id, display_name) goes when it closes: the answer is in the outbox.
CREATE TABLE tickets (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,  -- a ticket number is never reused
    person_id        INTEGER REFERENCES people(id) ON DELETE CASCADE,
    question_id      INTEGER UNIQUE REFERENCES unanswered_questions(id) ON DELETE SET NULL,
    question         TEXT NOT NULL,
    locale           TEXT NOT NULL,
    display_name     TEXT,
    state            TEXT NOT NULL DEFAULT 'open'
                     CHECK (state IN ('open', 'answered', 'unreachable')),
    staff_chat       TEXT NOT NULL,     -- platform:chat the ticket went to
    staff_message_id TEXT,              -- its message there (a reply to it answers)
    answer           TEXT,
    answered_by      TEXT,
    faq_key          TEXT,
    created_at       TEXT NOT NULL,
    closed_at        TEXT
);
CREATE INDEX tickets_open ON tickets(state, created_at);
CREATE INDEX tickets_person ON tickets(person_id);
CREATE INDEX tickets_message ON tickets(staff_chat, staff_message_id);

-- The last delivery outcome per staff chat, for /readyz and for telling citizens at once.
CREATE TABLE staff_chat_status (
    chat         TEXT PRIMARY KEY,
    reachable    INTEGER NOT NULL,
    error        TEXT,
    checked_at   TEXT NOT NULL
);
