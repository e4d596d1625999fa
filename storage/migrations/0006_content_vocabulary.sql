-- How many passages hold each index term, for the search to leave out of its OR query the
-- terms that would make it score most of the corpus (storage/sql/content.py). FTS5 keeps
-- these counts already; fts5vocab reads them.
CREATE VIRTUAL TABLE passage_vocabulary USING fts5vocab(passage_index, 'row');
