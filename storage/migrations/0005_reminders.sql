-- Reminders: one row per intended reminder or notice (who, what, when due, state), derived from
-- events, registrations and subscriptions by the planner (bot/reminders.py). Owned by the
-- reminders capability. Times are UTC ISO-8601 strings (they sort as text).

CREATE TABLE reminders (
    id           INTEGER PRIMARY KEY,
    kind         TEXT NOT NULL CHECK (kind IN ('deadline', 'event', 'change', 'cancelled')),
    event_id     TEXT NOT NULL REFERENCES events(id) ON DELETE CASCADE,
    person_id    INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    ref          TEXT NOT NULL,              -- deadline|event: the ISO 8601 offset (P1D);
                                             -- change: the event_changes ids ("4,5"); else ''
    moment       TEXT NOT NULL,              -- what it is about: the deadline or the start
                                             -- it was planned for; notices: when decided
    due_at       TEXT NOT NULL,
    state        TEXT NOT NULL DEFAULT 'planned'
                 CHECK (state IN ('planned', 'claimed', 'sent', 'skipped')),
    claimed_by   TEXT,
    claimed_at   TEXT,
    reason       TEXT,                       -- why it was skipped
    finished_at  TEXT,
    UNIQUE (kind, event_id, person_id, ref)
);
CREATE INDEX reminders_due ON reminders(state, due_at);
CREATE INDEX reminders_person ON reminders(person_id, state);

-- "Stop reminders" (/reminders): no deadline or event reminders for this person.
ALTER TABLE people ADD COLUMN reminders_off INTEGER NOT NULL DEFAULT 0;

-- A cancelled event keeps its row (and its registrations) but gets no reminders.
ALTER TABLE events ADD COLUMN status TEXT NOT NULL DEFAULT 'scheduled'
    CHECK (status IN ('scheduled', 'cancelled'));
ALTER TABLE events ADD COLUMN cancelled_at TEXT;

-- What the planner must look at again. Triggers mark every change that can add, move or
-- remove a reminder, whoever makes it (chat, CLI import, another process), so a planning pass
-- touches only what changed; the pass reads and clears the marks in its own transaction.
-- (No unique keys: a mark may repeat, and `civicbot db copy` can copy the tables as they are.)
-- `reminder_planner.planned_until` is the moment up to which every reminder that should exist
-- does: one due earlier that is not a row was never owed (they subscribed or registered later).
CREATE TABLE reminder_dirty_events (event_id TEXT NOT NULL);
CREATE TABLE reminder_dirty_people (person_id INTEGER NOT NULL);
CREATE TABLE reminder_planner (
    name           TEXT PRIMARY KEY,             -- 'planner'
    planned_until  TEXT NOT NULL
);
INSERT INTO reminder_dirty_events (event_id) SELECT id FROM events;

CREATE TRIGGER reminders_event_added AFTER INSERT ON events
BEGIN
    INSERT INTO reminder_dirty_events (event_id) VALUES (NEW.id);
END;

CREATE TRIGGER reminders_event_changed AFTER UPDATE ON events
BEGIN
    INSERT INTO reminder_dirty_events (event_id) VALUES (NEW.id);
END;

CREATE TRIGGER reminders_person_changed AFTER UPDATE OF subscribed, reminders_off, unreachable
ON people
WHEN OLD.subscribed IS NOT NEW.subscribed OR OLD.reminders_off IS NOT NEW.reminders_off
     OR OLD.unreachable IS NOT NEW.unreachable
BEGIN
    INSERT INTO reminder_dirty_people (person_id) VALUES (NEW.id);
END;

CREATE TRIGGER reminders_registration_added AFTER INSERT ON registrations
WHEN NEW.person_id IS NOT NULL
BEGIN
    INSERT INTO reminder_dirty_people (person_id) VALUES (NEW.person_id);
END;

CREATE TRIGGER reminders_registration_changed AFTER UPDATE OF status, person_id ON registrations
WHEN OLD.status IS NOT NEW.status OR OLD.person_id IS NOT NEW.person_id
BEGIN
    INSERT INTO reminder_dirty_people (person_id)
        SELECT NEW.person_id WHERE NEW.person_id IS NOT NULL;
    INSERT INTO reminder_dirty_people (person_id)
        SELECT OLD.person_id WHERE OLD.person_id IS NOT NULL;
END;
