-- dataset: star
-- Features beyond the list in issue 4: more window functions and frames,
-- ANY/ALL, row-valued IN, recursive CTEs, VALUES in FROM, LATERAL,
-- width_bucket.

-- query: group_by_credit_limit_band
SELECT width_bucket(credit_limit, -1000, 20000, 7) AS bucket, count(*) FROM d_customer GROUP BY 1;

-- query: window_rows_frame
SELECT sale_id, amount, sum(amount) OVER (ORDER BY sale_id ROWS BETWEEN 2 PRECEDING AND CURRENT ROW), avg(amount) OVER (ORDER BY sale_id ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING) FROM sales WHERE customer_id = 11;

-- query: lag_lead
SELECT sale_id, quantity, lag(quantity) OVER (ORDER BY sale_id), lead(quantity, 2, 0) OVER (ORDER BY sale_id) FROM sales WHERE customer_id = 9;

-- query: first_last_value
SELECT sale_id, channel, first_value(sale_id) OVER w, last_value(sale_id) OVER (PARTITION BY channel ORDER BY sale_id ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) FROM sales WHERE customer_id = 12 WINDOW w AS (PARTITION BY channel ORDER BY sale_id);

-- query: ntile
SELECT sale_id, ntile(4) OVER (ORDER BY sale_id) FROM sales WHERE customer_id = 5;

-- query: percent_rank_cume_dist
SELECT sale_id, quantity, percent_rank() OVER (ORDER BY quantity), cume_dist() OVER (ORDER BY quantity) FROM sales WHERE customer_id = 21;

-- query: in_subquery_multiple_columns_via_join
SELECT count(*) FROM sales s WHERE (s.customer_id, s.product_id) IN (SELECT customer_id, product_id FROM sales WHERE quantity < 0);

-- query: any_all
SELECT count(*) FROM sales WHERE unit_price > ALL (SELECT list_price FROM d_product WHERE category = 'Books' AND list_price IS NOT NULL);

-- query: any_subquery
SELECT count(*) FROM sales WHERE quantity = ANY (SELECT iso_dow FROM d_date WHERE is_weekend);

-- query: recursive_cte
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 10) SELECT sum(i), count(*) FROM n;

-- query: values_in_from
SELECT v.ch, count(s.sale_id) FROM (VALUES ('web'), ('store'), ('mail')) AS v(ch) LEFT JOIN sales s ON s.channel = v.ch GROUP BY v.ch;

-- query: lateral_join
SELECT c.customer_id, x.sale_id FROM d_customer c, LATERAL (SELECT s.sale_id FROM sales s WHERE s.customer_id = c.customer_id ORDER BY s.sale_id LIMIT 1) x WHERE c.customer_id <= 20;

-- query: recursive_cte_union_dedups_cycles
WITH RECURSIVE t(a, b) AS (VALUES (1, 'x') UNION SELECT a % 3 + 1, b FROM t) SELECT * FROM t ORDER BY a;

-- query: recursive_cte_date_series_joined
WITH RECURSIVE d(day) AS (SELECT date '2024-01-28' UNION ALL SELECT day + 1 FROM d WHERE day < date '2024-02-03') SELECT d.day, count(s.sale_id) FROM d LEFT JOIN d_date dd ON dd.full_date = d.day LEFT JOIN sales s ON s.date_key = dd.date_key GROUP BY d.day ORDER BY d.day;

-- query: recursive_cte_numeric_growth
WITH RECURSIVE f(n, fact) AS (SELECT 1, 1::numeric UNION ALL SELECT n + 1, fact * (n + 1) FROM f WHERE n < 25) SELECT n, fact FROM f ORDER BY n;

-- query: recursive_cte_hierarchy
WITH RECURSIVE chain(id, depth) AS (SELECT customer_id, 0 FROM d_customer WHERE customer_id = 1 UNION ALL SELECT c.customer_id, chain.depth + 1 FROM chain JOIN d_customer c ON c.customer_id = chain.id * 2 WHERE chain.depth < 10) SELECT * FROM chain ORDER BY depth;
