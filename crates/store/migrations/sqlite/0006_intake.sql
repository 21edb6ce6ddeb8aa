-- Every intake writes every index of `complaints` inside the one serial group-commit writer
-- (issue #2), so an index has to earn its place. These did not:
-- * complaints_customer: complaints_customer_received (customer_id, received_at) answers every
--   look-up by customer, including the risk score's count.
-- * complaints_intake_path and complaints_dept_path: the data scope matches them by prefix with
--   LIKE … ESCAPE, which neither SQLite (BINARY column, case-insensitive LIKE) nor PostgreSQL
--   (a collation other than C) can answer from a plain B-tree; they were written, never read.
DROP INDEX complaints_customer;
DROP INDEX complaints_intake_path;
DROP INDEX complaints_dept_path;
-- Columns a new complaint leaves empty are indexed only once set: the look-ups (handler's queue,
-- category filter, repeats by order number) all name a value.
DROP INDEX complaints_handler;
CREATE INDEX complaints_handler ON complaints(handler_id, state) WHERE handler_id IS NOT NULL;
DROP INDEX complaints_category;
CREATE INDEX complaints_category ON complaints(category_id) WHERE category_id IS NOT NULL;
DROP INDEX complaints_order_ref;
CREATE INDEX complaints_order_ref ON complaints(order_ref, received_at) WHERE order_ref IS NOT NULL;
-- The near-duplicate comparison reads the fingerprints of a company's newest complaints on every
-- routed intake; with the fingerprint in the key the index alone answers it.
DROP INDEX complaints_company_received;
CREATE INDEX complaints_company_received ON complaints(company_id, received_at, fingerprint);
