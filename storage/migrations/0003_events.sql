-- Events (imported from YAML), the changes of their time or place, and registrations.
-- Times are UTC ISO-8601 strings (they sort as text). Owned by the events capability.

CREATE TABLE events (
    id                     TEXT PRIMARY KEY,          -- the organiser's slug: /register <id>
    spec                   TEXT NOT NULL,             -- JSON: the whole event as imported
    starts_at              TEXT NOT NULL,
    ends_at                TEXT,
    timezone               TEXT NOT NULL,             -- IANA name: times are shown there
    location               TEXT NOT NULL,             -- JSON: locale -> place
    registration_deadline  TEXT NOT NULL,
    capacity               INTEGER,                   -- NULL: no limit
    reminders              TEXT NOT NULL DEFAULT '{}',-- JSON: {"deadline": ["P3D"], "event": ["PT2H"]}
    revision               INTEGER NOT NULL DEFAULT 0,-- +1 on every change (iCalendar SEQUENCE)
    source                 TEXT NOT NULL DEFAULT '',  -- the file it came from
    created_at             TEXT NOT NULL,
    updated_at             TEXT NOT NULL
);
CREATE INDEX events_starts ON events(starts_at);

-- A re-import that moves an event in time or space leaves a row here, so that whoever tells
-- the registrants (reminders) finds it and sets announced_at.
CREATE TABLE event_changes (
    id            INTEGER PRIMARY KEY,
    event_id      TEXT NOT NULL REFERENCES events(id) ON DELETE CASCADE,
    what          TEXT NOT NULL CHECK (what IN ('time', 'place')),
    old_value     TEXT NOT NULL,                      -- JSON
    new_value     TEXT NOT NULL,                      -- JSON
    changed_at    TEXT NOT NULL,
    announced_at  TEXT
);
CREATE INDEX event_changes_pending ON event_changes(announced_at, event_id);

CREATE TABLE registrations (
    id                 INTEGER PRIMARY KEY,
    event_id           TEXT NOT NULL REFERENCES events(id) ON DELETE CASCADE,
    person_id          INTEGER REFERENCES people(id) ON DELETE SET NULL,  -- NULL once forgotten
    status             TEXT NOT NULL CHECK (status IN ('confirmed', 'waiting', 'cancelled')),
    seq                INTEGER NOT NULL,              -- arrival order within the event
    name               TEXT,                          -- personal data: NULL after cancel/forget
    email              TEXT,
    phone              TEXT,
    organisation       TEXT,
    answers            TEXT,                          -- JSON: the custom fields
    locale             TEXT,
    consented_at       TEXT,
    registered_at      TEXT NOT NULL,
    updated_at         TEXT NOT NULL,
    cancelled_reason   TEXT,                          -- 'person' | 'forgotten'
    promoted_at        TEXT,                          -- moved from the waiting list
    promotion_pending  INTEGER NOT NULL DEFAULT 0,    -- 1 until the notice is in the outbox
    UNIQUE (event_id, person_id),
    UNIQUE (event_id, seq)
);
CREATE INDEX registrations_queue ON registrations(event_id, status, seq);
CREATE INDEX registrations_person ON registrations(person_id);
CREATE INDEX registrations_promotions ON registrations(promotion_pending) WHERE promotion_pending = 1;
