-- Search index upkeep (issue 2): PostgreSQL's GIN index gets room for a second of intake between
-- merges (see the PostgreSQL migration). SQLite's FTS5 index is fed once per group commit and
-- merges its own segments; nothing changes here.

-- dialect: begin (SQLite only)
-- dialect: end
