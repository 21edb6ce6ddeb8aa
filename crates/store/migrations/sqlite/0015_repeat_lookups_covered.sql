-- The repeat look-ups of routed intake (`repeats::newest`) read, per customer and per order, the
-- newest three complaints in the window: their id, case number, customer, order, fingerprint,
-- received time and company. The indexes held only the key and the received time, so each of
-- the three rows was a visit to the complaints table: about 2 KB a row, two to a page, on pages
-- scattered over the whole file. Past the writer's page cache (a 60 s benchmark run writes
-- 700 MB) those visits were reads from the operating system, and the look-up grew to an eighth
-- of the writer's time (BENCHMARKS.md, "The writer, fourteenth pass"). With every column the
-- look-up reads in the index, a customer's newest complaints sit side by side in one index page
-- and the table is not visited. The id follows the received time so the index gives the
-- look-up's order and it stops at the third row; counting a customer's complaints for the risk
-- score (`sla::customer_counts`) still reads this index alone.

-- dialect: begin (SQLite only; PostgreSQL keeps its indexes, see its migration)
DROP INDEX complaints_customer_received;
CREATE INDEX complaints_customer_received
    ON complaints(customer_id, received_at, id, company_id, case_no, order_ref, fingerprint);
DROP INDEX complaints_order_ref;
CREATE INDEX complaints_order_ref
    ON complaints(order_ref, received_at, id, company_id, case_no, customer_id, fingerprint)
    WHERE order_ref IS NOT NULL;
-- dialect: end
