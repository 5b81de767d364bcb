-- dataset: star
-- Subqueries in FROM and WHERE (IN, NOT IN, EXISTS, NOT EXISTS, scalar,
-- correlated and not) and CTEs.

-- query: in_subquery
SELECT count(*) FROM sales WHERE product_id IN (SELECT product_id FROM d_product WHERE category = 'Toys');

-- query: not_in_subquery
SELECT count(*) FROM sales WHERE customer_id NOT IN (SELECT customer_id FROM d_customer WHERE vip);

-- query: not_in_subquery_with_null_is_empty
SELECT count(*) FROM d_product WHERE product_id NOT IN (SELECT product_id FROM sales);

-- query: not_in_subquery_nulls_filtered
SELECT product_id FROM d_product WHERE product_id NOT IN (SELECT product_id FROM sales WHERE product_id IS NOT NULL);

-- query: exists_correlated
SELECT c.customer_id, c.name FROM d_customer c WHERE EXISTS (SELECT 1 FROM sales s WHERE s.customer_id = c.customer_id AND s.quantity < 0);

-- query: not_exists_correlated
SELECT c.customer_id FROM d_customer c WHERE NOT EXISTS (SELECT 1 FROM sales s WHERE s.customer_id = c.customer_id AND s.channel = 'partner');

-- query: exists_uncorrelated
SELECT count(*) FROM d_product WHERE EXISTS (SELECT 1 FROM sales WHERE quantity > 100);

-- query: scalar_subquery_in_select
SELECT p.product_id, (SELECT count(*) FROM sales s WHERE s.product_id = p.product_id) AS n FROM d_product p;

-- query: scalar_subquery_uncorrelated
SELECT sale_id, revenue - (SELECT avg(revenue) FROM sales) FROM sales WHERE sale_id <= 20;

-- query: scalar_subquery_in_where
SELECT sale_id, revenue FROM sales WHERE revenue > (SELECT avg(revenue) * 3 FROM sales);

-- query: scalar_subquery_empty_is_null
SELECT (SELECT name FROM d_customer WHERE customer_id = -1) IS NULL AS none;

-- query: correlated_scalar_in_where
SELECT s.sale_id, s.quantity FROM sales s WHERE s.quantity > (SELECT avg(s2.quantity) + 5 FROM sales s2 WHERE s2.customer_id = s.customer_id);

-- query: derived_table
SELECT t.channel, t.n FROM (SELECT channel, count(*) AS n FROM sales GROUP BY channel) AS t WHERE t.n > 400;

-- query: derived_table_column_aliases
SELECT x.a, x.b FROM (SELECT channel, sum(quantity) FROM sales GROUP BY channel) AS x(a, b);

-- query: nested_derived_tables
SELECT max(n) FROM (SELECT customer_id, count(*) AS n FROM (SELECT * FROM sales WHERE channel = 'web') w GROUP BY customer_id) c;

-- query: join_derived_tables
SELECT a.customer_id, a.web, b.store FROM (SELECT customer_id, count(*) AS web FROM sales WHERE channel = 'web' GROUP BY 1) a JOIN (SELECT customer_id, count(*) AS store FROM sales WHERE channel = 'store' GROUP BY 1) b ON a.customer_id = b.customer_id WHERE a.web > 5;

-- query: subquery_in_having
SELECT channel, count(*) FROM sales GROUP BY channel HAVING count(*) > (SELECT count(*) / 5 FROM sales);

-- query: exists_in_select_list
SELECT c.customer_id, EXISTS (SELECT 1 FROM sales s WHERE s.customer_id = c.customer_id AND s.note IS NOT NULL) AS has_note FROM d_customer c;

-- query: cte_simple
WITH web AS (SELECT * FROM sales WHERE channel = 'web') SELECT count(*), sum(revenue) FROM web;

-- query: cte_multiple
WITH per_customer AS (SELECT customer_id, sum(revenue) AS rev FROM sales GROUP BY customer_id), ranked AS (SELECT customer_id, rev FROM per_customer WHERE rev IS NOT NULL) SELECT count(*), max(rev), min(rev) FROM ranked;

-- query: cte_referenced_twice
WITH m AS (SELECT date_key / 100 AS ym, sum(quantity) AS q FROM sales GROUP BY 1) SELECT a.ym, a.q, b.q AS prev FROM m a LEFT JOIN m b ON b.ym = a.ym - 1;

-- query: cte_with_column_names
WITH t(ch, n) AS (SELECT channel, count(*) FROM sales GROUP BY channel) SELECT ch, n FROM t;

-- query: cte_joined_with_dimension
WITH big AS (SELECT product_id, sum(revenue) AS rev FROM sales GROUP BY product_id HAVING sum(revenue) > 100000) SELECT p.name, big.rev FROM big JOIN d_product p USING (product_id);

-- query: cte_ordered
WITH q AS (SELECT customer_id, count(*) AS n FROM sales GROUP BY customer_id) SELECT customer_id, n FROM q ORDER BY n DESC, customer_id LIMIT 5;

-- query: cte_nested_reference
WITH a AS (SELECT customer_id FROM sales WHERE quantity < 0), b AS (SELECT DISTINCT customer_id FROM a) SELECT count(*) FROM b;

-- query: subquery_returns_more_than_one_row
-- error 21000
SELECT (SELECT sale_id FROM sales WHERE customer_id = 1) FROM d_customer;

-- query: grouped_correlated_scalar
-- A subquery in a grouped select list reads the outer group key from
-- the aggregation's output (it once read another column).
SELECT customer_id, count(*), (SELECT count(*) FROM d_customer c WHERE c.customer_id = s.customer_id AND c.vip) FROM sales s WHERE customer_id < 40 GROUP BY customer_id;

-- query: grouped_correlated_having_exists
SELECT product_id, sum(quantity) FROM sales s GROUP BY product_id HAVING EXISTS (SELECT 1 FROM d_product p WHERE p.product_id = s.product_id AND p.category = 'Books');

-- query: grouped_correlated_rollup_having
SELECT channel, product_id, count(*) FROM sales s WHERE product_id < 30 GROUP BY ROLLUP (channel, product_id) HAVING EXISTS (SELECT 1 FROM d_product p WHERE p.product_id = s.product_id AND p.list_price > 20);

-- query: grouped_correlated_in_aggregate_argument
SELECT channel, sum((SELECT list_price FROM d_product p WHERE p.product_id = s.product_id)) FROM sales s GROUP BY channel;

-- query: grouped_correlated_ungrouped_column
-- error 42803
SELECT channel, (SELECT count(*) FROM d_product p WHERE p.product_id = s.product_id) FROM sales s GROUP BY channel;

-- query: scalar_subquery_column_names
SELECT (SELECT count(*) FROM d_product), (SELECT max(list_price) AS top FROM d_product), (SELECT category FROM d_product ORDER BY product_id LIMIT 1) FROM d_date LIMIT 1;

-- query: correlated_set_operation_branch
-- The branches of a set operation in a subquery may refer to the outer
-- query, as may a derived table inside the subquery.
SELECT product_id, category FROM d_product p WHERE product_id < 40 AND product_id IN (SELECT product_id FROM sales WHERE quantity > 9 UNION ALL SELECT p.product_id WHERE p.category = 'Books');

-- query: correlated_derived_table
SELECT customer_id, (SELECT sum(x) FROM (SELECT quantity * c.customer_id AS x FROM sales s WHERE s.customer_id = c.customer_id) t) FROM d_customer c WHERE customer_id < 30;

-- query: correlated_intersect_in_exists
SELECT product_id FROM d_product p WHERE product_id < 60 AND EXISTS (SELECT channel FROM sales WHERE product_id = p.product_id AND quantity > 5 INTERSECT SELECT channel FROM sales WHERE product_id = p.product_id AND quantity < 3);
