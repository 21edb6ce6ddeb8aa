-- Search speed (issue 5): PostgreSQL moves its tsvector to a narrow table of its own
-- (complaint_terms, see the PostgreSQL migration). SQLite's FTS5 index already keeps its
-- doclists apart from the text, so nothing changes here.

-- dialect: begin (PostgreSQL only)
-- dialect: end
