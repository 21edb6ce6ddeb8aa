-- Intake speed (issue 2): the FTS5 index is fed once per group commit, and merged in small steps.
--
-- The insert trigger fed complaint_fts once per INSERT statement into complaint_search, and the
-- writer inserts a batch's rows in several statements (power-of-two runs). FTS5 writes what it
-- holds in memory out as a new segment whenever a later statement of the transaction opens a
-- savepoint, so a batch of 31 complaints left up to five small segments, and FTS5's automatic
-- merging paid for them in bursts of 15-20 ms inside one batch, stalling every complaint
-- waiting behind it. The store now indexes a batch's new rows with one INSERT ... SELECT as the
-- batch's last intake statement (crate::search::insert_rows), and merges a bounded number of
-- pages after every batch ('merge' command) instead of automerge's bursts. The update and delete
-- triggers stay: notes and text changes are single rows.
-- dialect: begin (SQLite only: FTS5)
DROP TRIGGER complaint_search_ai;
INSERT INTO complaint_fts (complaint_fts, rank) VALUES ('automerge', 0);
-- dialect: end
