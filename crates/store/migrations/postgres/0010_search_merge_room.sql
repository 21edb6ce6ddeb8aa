-- Search index upkeep (issue 2): the GIN index of complaint_terms takes new complaints into its
-- pending list, and the store's upkeep merges that list into the index once a second
-- (`db::UPKEEP_INTERVAL`). Merged every 250 ms, as before, the posting lists of the same common
-- character bigrams were rewritten four times as often: at 5,000 complaints/s the merges were
-- 44 % of PostgreSQL's CPU (BENCHMARKS.md, "The writer, eleventh pass").
--
-- A second of intake at 6,000/s fills about 4 MB of pending list, PostgreSQL's default limit, and
-- the insert that passes the limit merges on the spot, inside the intake writer's transaction.
-- The index gets four times that room, so only an upkeep some seconds late lets the writer merge.
-- Searches read the pending list too, so nothing becomes findable later.

-- dialect: begin (PostgreSQL only)
ALTER INDEX complaint_terms_tsv SET (gin_pending_list_limit = 16384);
-- dialect: end
