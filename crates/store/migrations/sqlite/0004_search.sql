-- Full-text search (DESIGN §13 "Search"): per complaint its searchable text and the index tokens
-- crates/nlp makes of it (character bigrams of Chinese, Latin words whole; see
-- cloop_nlp::segment::index_text). Filled at intake; the store rebuilds it from the complaints
-- and their notes when it is new or its tokenisation changes (settings: search_index_version).
CREATE TABLE complaint_search (
    complaint_id INTEGER PRIMARY KEY REFERENCES complaints(id),
    body         TEXT NOT NULL,
    notes        TEXT NOT NULL DEFAULT '',
    body_tokens  TEXT NOT NULL,
    notes_tokens TEXT NOT NULL DEFAULT ''
);

-- The lists search complaint_search now; the old lower-cased copy of the text goes.
ALTER TABLE complaints DROP COLUMN search_text;

-- dialect: begin (the index itself: FTS5 here, tsvector + GIN on PostgreSQL)
CREATE VIRTUAL TABLE complaint_fts USING fts5(
    body_tokens, notes_tokens,
    content = 'complaint_search', content_rowid = 'complaint_id',
    tokenize = 'unicode61 remove_diacritics 0'
);
CREATE TRIGGER complaint_search_ai AFTER INSERT ON complaint_search BEGIN
    INSERT INTO complaint_fts (rowid, body_tokens, notes_tokens)
    VALUES (new.complaint_id, new.body_tokens, new.notes_tokens);
END;
CREATE TRIGGER complaint_search_ad AFTER DELETE ON complaint_search BEGIN
    INSERT INTO complaint_fts (complaint_fts, rowid, body_tokens, notes_tokens)
    VALUES ('delete', old.complaint_id, old.body_tokens, old.notes_tokens);
END;
CREATE TRIGGER complaint_search_au AFTER UPDATE OF body_tokens, notes_tokens ON complaint_search BEGIN
    INSERT INTO complaint_fts (complaint_fts, rowid, body_tokens, notes_tokens)
    VALUES ('delete', old.complaint_id, old.body_tokens, old.notes_tokens);
    INSERT INTO complaint_fts (rowid, body_tokens, notes_tokens)
    VALUES (new.complaint_id, new.body_tokens, new.notes_tokens);
END;
-- dialect: end
