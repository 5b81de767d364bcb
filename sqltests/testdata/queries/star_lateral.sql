-- dataset: star
-- LATERAL subqueries and functions in FROM that read the items to their
-- left.

-- query: lateral_top_sale_per_customer
SELECT c.customer_id, x.sale_id, x.amount FROM d_customer c, LATERAL (SELECT s.sale_id, s.amount FROM sales s WHERE s.customer_id = c.customer_id ORDER BY s.amount DESC NULLS LAST, s.sale_id LIMIT 2) x WHERE c.customer_id <= 30;

-- query: lateral_cross_join_aggregate
SELECT c.customer_id, c.segment, x.n, x.total FROM d_customer c CROSS JOIN LATERAL (SELECT count(*) AS n, sum(s.revenue) AS total FROM sales s WHERE s.customer_id = c.customer_id AND s.channel = 'web') x WHERE c.customer_id % 7 = 0;

-- query: left_join_lateral_on_true_keeps_unmatched
SELECT c.customer_id, x.sale_id FROM d_customer c LEFT JOIN LATERAL (SELECT s.sale_id FROM sales s WHERE s.customer_id = c.customer_id AND s.quantity > 48 ORDER BY s.sale_id LIMIT 1) x ON true WHERE c.customer_id <= 40;

-- query: left_join_lateral_on_condition
SELECT c.customer_id, x.channel, x.n FROM d_customer c LEFT JOIN LATERAL (SELECT s.channel, count(*) AS n FROM sales s WHERE s.customer_id = c.customer_id GROUP BY s.channel) x ON x.n > c.customer_id % 5 + 3 WHERE c.customer_id <= 25;

-- query: inner_join_lateral_on_condition
SELECT c.customer_id, x.channel, x.n FROM d_customer c JOIN LATERAL (SELECT s.channel, count(*) AS n FROM sales s WHERE s.customer_id = c.customer_id GROUP BY s.channel) x ON x.n > 4 WHERE c.customer_id <= 25;

-- query: lateral_reads_two_left_items
SELECT d.year, c.country, x.n FROM (SELECT DISTINCT year FROM d_date) d, (SELECT DISTINCT country FROM d_customer WHERE country IS NOT NULL) c, LATERAL (SELECT count(*) AS n FROM sales s JOIN d_date dd ON dd.date_key = s.date_key JOIN d_customer cc ON cc.customer_id = s.customer_id WHERE dd.year = d.year AND cc.country = c.country) x;

-- query: lateral_grouped_above
SELECT x.channel, count(*), sum(x.q) FROM d_customer c, LATERAL (SELECT s.channel, s.quantity AS q FROM sales s WHERE s.customer_id = c.customer_id ORDER BY s.sale_id LIMIT 3) x GROUP BY x.channel;

-- query: lateral_using
SELECT customer_id, x.first_sale FROM d_customer c JOIN LATERAL (SELECT c.customer_id, min(s.sale_id) AS first_sale FROM sales s WHERE s.customer_id = c.customer_id) x USING (customer_id) WHERE customer_id < 15;

-- query: lateral_without_left_reference
SELECT c.customer_id, x.m FROM d_customer c, LATERAL (SELECT max(quantity) AS m FROM sales) x WHERE c.customer_id < 4;

-- query: lateral_in_correlated_subquery
SELECT c.customer_id, (SELECT sum(y.q) FROM (SELECT DISTINCT channel FROM sales) ch, LATERAL (SELECT s.quantity AS q FROM sales s WHERE s.channel = ch.channel AND s.customer_id = c.customer_id ORDER BY s.sale_id LIMIT 1) y) AS firsts FROM d_customer c WHERE c.customer_id <= 12;

-- query: lateral_chain
SELECT c.customer_id, x.sale_id, y.name FROM d_customer c, LATERAL (SELECT s.sale_id, s.product_id FROM sales s WHERE s.customer_id = c.customer_id ORDER BY s.sale_id LIMIT 1) x, LATERAL (SELECT p.name FROM d_product p WHERE p.product_id = x.product_id) y WHERE c.customer_id <= 20;

-- query: lateral_nested_in_join_tree
SELECT c.customer_id, d.full_date, x.n FROM d_customer c JOIN sales s0 ON s0.customer_id = c.customer_id AND s0.sale_id % 50 = 0 JOIN d_date d ON d.date_key = s0.date_key LEFT JOIN LATERAL (SELECT count(*) AS n FROM sales s WHERE s.date_key = d.date_key AND s.customer_id <> c.customer_id) x ON true;

-- query: function_generate_series_reads_left
SELECT c.customer_id, g FROM d_customer c, generate_series(1, c.customer_id % 4) AS g WHERE c.customer_id <= 10;

-- query: function_unnest_reads_left
SELECT c.customer_id, u.v, u.ord FROM d_customer c CROSS JOIN LATERAL unnest(ARRAY[c.customer_id, c.customer_id * 10, NULL]) WITH ORDINALITY AS u(v, ord) WHERE c.customer_id <= 5;

-- query: function_left_join_lateral_empty
SELECT c.customer_id, g FROM d_customer c LEFT JOIN LATERAL generate_series(1, c.customer_id % 3) AS g ON true WHERE c.customer_id <= 9;

-- query: function_without_left_reference_joins_by_value
SELECT c.customer_id, g FROM d_customer c, generate_series(1, 5) g WHERE c.customer_id = g;

-- query: lateral_right_join_refused
-- error 42P10
SELECT * FROM d_customer c RIGHT JOIN LATERAL (SELECT c.customer_id) x ON true;

-- query: derived_table_without_lateral_cannot_read_left
-- error 42P01
SELECT * FROM d_customer c, (SELECT c.customer_id) x;

-- query: lateral_with_query_reads_left
SELECT c.customer_id, l.v FROM d_customer c, LATERAL (WITH t AS (SELECT c.customer_id * 10 AS v) SELECT v FROM t) l WHERE c.customer_id <= 5;

-- query: scalar_subquery_with_query_reads_outer
SELECT c.customer_id, (WITH t AS (SELECT count(*) AS n FROM sales s WHERE s.customer_id = c.customer_id) SELECT n FROM t) FROM d_customer c WHERE c.customer_id <= 8;

-- query: nested_subquery_reads_outer_beside_with
SELECT c.customer_id, (WITH t AS (SELECT 5 AS v) SELECT (SELECT v + c.customer_id FROM t)) FROM d_customer c WHERE c.customer_id <= 4;
