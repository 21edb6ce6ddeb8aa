-- Search terms beside the intake writer (issue 2) is a PostgreSQL change (see its migration):
-- SQLite's FTS5 index is fed in the writer's transaction, once per group commit, and stays so.

-- dialect: begin (SQLite only)
-- dialect: end
