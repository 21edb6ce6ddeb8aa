-- A one-character word (差, 好, 慢: among the commonest words of a complaint) is searched as the
-- prefix of the index's tokens, which are character bigrams: `"差"*` has FTS5 gather every
-- bigram that starts with 差 (差评, 差劲, 很差 no, 差的 …) from the term index and merge their
-- position lists, 70–170 ms at a million complaints (BENCHMARKS.md, "Search", fifth look). A
-- prefix index of one character keeps those lists merged already: 9–19 ms, for about 8 % more
-- database (225 MB at a million complaints). The index is rebuilt from complaint_search, about
-- a minute per million complaints.

-- dialect: begin (SQLite only; PostgreSQL's GIN index answers prefixes from its own entry tree)
DROP TABLE complaint_fts;
CREATE VIRTUAL TABLE complaint_fts USING fts5(
    body_tokens, notes_tokens,
    content = 'complaint_search', content_rowid = 'complaint_id',
    tokenize = 'unicode61 remove_diacritics 0',
    prefix = '1'
);
INSERT INTO complaint_fts (complaint_fts) VALUES ('rebuild');
-- As migration 0008: the writer merges in small steps, not FTS5 in bursts.
INSERT INTO complaint_fts (complaint_fts, rank) VALUES ('automerge', 0);
-- dialect: end
