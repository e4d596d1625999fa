-- The document a person's last answer came from, so that a follow-up in the same chat
-- ("and until when?") is answered from it. Only the document's name: never the question.
CREATE TABLE qa_context (
    person_id     BIGINT PRIMARY KEY REFERENCES people(id) ON DELETE CASCADE,
    document      TEXT NOT NULL,
    answered_at   TEXT NOT NULL
);
