-- The rows the intake writer inserts for a new complaint no longer have their references
-- checked one by one (issue 2). PostgreSQL checks a foreign key with a query of its own for
-- every inserted row: five per complaint (its company, intake unit and customer; its first
-- event; its search row), about a fifth of the writer backend's CPU, on the one serial stage
-- of intake (BENCHMARKS.md, "The writer, twelfth pass").
--
-- What the checks guarded cannot happen: the writer inserts the complaint, its events and its
-- search row in one transaction, with the ids the inserts returned, and takes the company,
-- intake unit and customer from rows it has just read or created; nothing deletes complaints,
-- customers or organisation units. `cloop verify` checks that every event and search row
-- belongs to a complaint and every complaint to its customer and units, so a row that breaks
-- this (a hand edit of the database) is found.
--
-- The references set later by a person (department, handler, category) keep their checks: they
-- come from requests, and an update checks them only when they change. SQLite keeps all of its
-- checks: each is one B-tree probe inside the engine, not a query.

-- dialect: begin (PostgreSQL only)
ALTER TABLE complaints DROP CONSTRAINT IF EXISTS complaints_company_id_fkey;
ALTER TABLE complaints DROP CONSTRAINT IF EXISTS complaints_intake_unit_id_fkey;
ALTER TABLE complaints DROP CONSTRAINT IF EXISTS complaints_customer_id_fkey;
ALTER TABLE complaint_events DROP CONSTRAINT IF EXISTS complaint_events_complaint_id_fkey;
ALTER TABLE complaint_search DROP CONSTRAINT IF EXISTS complaint_search_complaint_id_fkey;
-- dialect: end
