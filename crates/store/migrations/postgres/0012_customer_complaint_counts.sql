-- How many complaints each customer has, kept on the customer's row (issue 2). The intake
-- writer needs it for every complaint's risk score, and counting the customer's complaints
-- visited one heap page per earlier complaint: on PostgreSQL, once the complaints outgrew the
-- buffer cache, that count was most of the writer's transaction and intake fell to half
-- (BENCHMARKS.md, "The writer, eleventh pass", "Over 60 s"). The writer reads the count with
-- the customer and adds each batch's complaints in the same transaction. (SQLite counts from
-- its index, which needs no visit to the table: see its migration.)

-- dialect: begin (PostgreSQL only)
ALTER TABLE customers ADD COLUMN complaint_count BIGINT NOT NULL DEFAULT 0;
UPDATE customers SET complaint_count = (SELECT COUNT(*) FROM complaints c WHERE c.customer_id = customers.id);
-- dialect: end
