-- SQLite's repeat look-up indexes now hold every column the look-up reads (see its migration).
-- PostgreSQL keeps its own: an index-only scan there needs the heap pages marked all-visible by
-- a vacuum, which the newest complaints, the ones the look-up reads, never are yet.

-- dialect: begin (PostgreSQL only)
-- dialect: end
