-- Full-text search (DESIGN §13 "Search"): per complaint its searchable text and the index tokens
-- crates/nlp makes of it (character bigrams of Chinese, Latin words whole; see
-- cloop_nlp::segment::index_text). Filled at intake; the store rebuilds it from the complaints
-- and their notes when it is new or its tokenisation changes (settings: search_index_version).
CREATE TABLE complaint_search (
    complaint_id BIGINT PRIMARY KEY REFERENCES complaints(id),
    body         TEXT NOT NULL,
    notes        TEXT NOT NULL DEFAULT '',
    body_tokens  TEXT NOT NULL,
    notes_tokens TEXT NOT NULL DEFAULT ''
);

-- The lists search complaint_search now; the old lower-cased copy of the text goes.
ALTER TABLE complaints DROP COLUMN search_text;

-- dialect: begin (the index itself: tsvector + GIN here, FTS5 on SQLite)
-- 'simple' splits the space-separated tokens back into exactly themselves (no stemming, no stop
-- words); the body outranks notes.
ALTER TABLE complaint_search ADD COLUMN tsv tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('simple', body_tokens), 'A') || setweight(to_tsvector('simple', notes_tokens), 'B')
) STORED;
CREATE INDEX complaint_search_tsv ON complaint_search USING gin (tsv);
-- dialect: end
