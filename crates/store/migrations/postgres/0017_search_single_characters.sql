-- SQLite's full-text index gains a one-character prefix index (see its migration).

-- dialect: begin (SQLite only)
-- dialect: end
