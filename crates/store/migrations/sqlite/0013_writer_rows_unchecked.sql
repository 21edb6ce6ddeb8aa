-- PostgreSQL drops the per-row reference checks of the intake writer's rows (see its
-- migration). SQLite keeps them: each is one B-tree probe inside the engine, not a query.

-- dialect: begin (SQLite only)
-- dialect: end
