-- Incoming platform updates, recorded before the platform is told they arrived (Telegram's
-- getUpdates offset, or the webhook's 200), handled from here, deduplicated by update id:
-- at-least-once in, one handling per update. The payload (message texts) is emptied once the
-- update is handled; the row stays a day for deduplication (bot/pipeline/inbox.py). The replies are
-- recorded once computed, so that a crash before they went out sends them, not a second handling.
-- PostgreSQL twin: postgres/0011_inbox.sql.
CREATE TABLE inbox (
    platform     TEXT NOT NULL,
    update_id    INTEGER NOT NULL,
    lane         TEXT NOT NULL,             -- updates of one lane are handled in order
    verdict      TEXT NOT NULL,             -- flood control, counted on arrival: allow | warn
    payload      TEXT NOT NULL,             -- the update as the platform sent it (JSON)
    replies      TEXT NOT NULL DEFAULT '',  -- what handling it answered (JSON), until sent
    state        TEXT NOT NULL,             -- pending | handled | done | dropped (flood)
    received_at  TEXT NOT NULL,
    claimed_by   TEXT NOT NULL,             -- the worker handling it (webhook replicas)
    claimed_at   TEXT NOT NULL,
    handled_at   TEXT,
    PRIMARY KEY (platform, update_id)
);
CREATE INDEX inbox_pending ON inbox(platform, state, update_id);
CREATE INDEX inbox_received ON inbox(received_at);
