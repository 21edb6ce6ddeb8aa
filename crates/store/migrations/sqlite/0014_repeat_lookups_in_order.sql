-- PostgreSQL adds the id to the indexes of the repeat look-ups (see its migration). SQLite's
-- indexes end with the rowid, which is the complaint's id, so they are in that order already.

-- dialect: begin (SQLite only)
-- dialect: end
