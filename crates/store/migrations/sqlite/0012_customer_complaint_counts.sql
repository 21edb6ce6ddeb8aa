-- How many complaints each customer has (issue 2) is kept on the customer's row on PostgreSQL
-- (see its migration). SQLite counts a customer's complaints from the index
-- complaints_customer_received alone, which holds the rowid, so the count costs no visit to the
-- table; a counter would instead add the customers' pages to every group commit's WAL.

-- dialect: begin (SQLite only)
-- dialect: end
