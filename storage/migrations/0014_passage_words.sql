-- Each passage's words as the answering reads them (bot.qa.textnorm.index_words of its
-- document's title, its heading and its text): one line a word, its terms separated by
-- spaces. Computed once at import instead of at every question that finds the passage
-- (lemmatising them was two thirds of the answering's time); NULL for a passage indexed
-- before, whose words are computed when asked. PostgreSQL twin: postgres/0014_passage_words.sql.
ALTER TABLE passages ADD COLUMN words TEXT;
