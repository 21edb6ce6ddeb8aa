-- The repeat look-ups of routed intake read the newest three complaints of a customer (or an
-- order) in the window, ordered by (received_at, id) (`repeats::newest`). With only
-- (customer_id, received_at) in the index, PostgreSQL read every complaint of the customer in
-- the window and sorted them: a heap row each, 19 per look-up after 60 s of the intake
-- benchmark, so intake slowed as customers came back (BENCHMARKS.md, "The writer, thirteenth
-- pass"). With the id last, a backward scan yields them in the look-up's order and stops at the
-- third. SQLite's indexes end with the rowid (the id) already.

-- dialect: begin (PostgreSQL only)
CREATE INDEX complaints_customer_received_id ON complaints(customer_id, received_at, id);
DROP INDEX complaints_customer_received;
ALTER INDEX complaints_customer_received_id RENAME TO complaints_customer_received;
CREATE INDEX complaints_order_ref_id ON complaints(order_ref, received_at, id) WHERE order_ref IS NOT NULL;
DROP INDEX complaints_order_ref;
ALTER INDEX complaints_order_ref_id RENAME TO complaints_order_ref;
-- dialect: end
