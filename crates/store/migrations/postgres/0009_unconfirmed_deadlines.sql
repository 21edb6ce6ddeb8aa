-- The scheduler asks every pass (15 s) which open complaints have deadlines counted through a
-- year with no holiday schedule. Without an index that was a scan of every complaint, growing
-- with the table forever, to find usually none (BENCHMARKS.md, "The writer, tenth pass"). Such
-- complaints are few and new ones are confirmed, so a partial index costs intake nothing.
CREATE INDEX complaints_unconfirmed ON complaints(due_at) WHERE sla_confirmed = FALSE;
