-- Intake speed (issue 2): SQLite's FTS5 index is fed once per group commit (see the SQLite
-- migration). PostgreSQL's complaint_terms trigger is per row already; nothing changes here.

-- dialect: begin (SQLite only)
-- dialect: end
