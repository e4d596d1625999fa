-- A number that changes with every write to the passages, so each process knows, in one
-- indexed read, when to read the passages' vectors again (bot.qa.semantic.MeaningIndex).
-- COUNT(*) and MAX(id) of the passages cost a scan (7 ms at 100k passages) and miss a
-- document replaced by as many passages (SQLite reuses the freed ids).
-- PostgreSQL twin: postgres/0013_content_generation.sql.
CREATE TABLE content_generation (
    id     INTEGER PRIMARY KEY CHECK (id = 1),
    value  INTEGER NOT NULL
);
INSERT INTO content_generation VALUES (1, 0);

CREATE TRIGGER passages_generation_insert AFTER INSERT ON passages BEGIN
    UPDATE content_generation SET value = value + 1;
END;
CREATE TRIGGER passages_generation_update AFTER UPDATE ON passages BEGIN
    UPDATE content_generation SET value = value + 1;
END;
CREATE TRIGGER passages_generation_delete AFTER DELETE ON passages BEGIN
    UPDATE content_generation SET value = value + 1;
END;
