-- dataset: star
-- Set-returning functions in the select list (run as a lateral ROWS FROM),
-- and generate_series over dates and timestamps.

-- query: srf_without_from
SELECT generate_series(1, 4);

-- query: srf_without_from_ordered_desc
SELECT generate_series(1, 5) AS g, 'x' AS c ORDER BY g DESC;

-- query: srf_unnest_per_row
SELECT c.customer_id, unnest(ARRAY[c.city, c.segment]) FROM d_customer c WHERE c.customer_id <= 6;

-- query: srf_series_per_row_drops_empty
SELECT customer_id, generate_series(1, customer_id % 4) AS k FROM d_customer WHERE customer_id <= 12;

-- query: srf_two_in_lockstep_padded
SELECT customer_id, generate_series(1, customer_id % 3) AS a, generate_series(1, 2) AS b FROM d_customer WHERE customer_id <= 9;

-- query: srf_star_and_srf
SELECT *, generate_series(1, 2) FROM d_date WHERE date_key % 200 = 0;

-- query: srf_distinct_order
SELECT DISTINCT unnest(ARRAY[3, 1, 3, NULL, 2]) ORDER BY 1;

-- query: srf_limit
SELECT generate_series(1, 1000000) LIMIT 3;

-- query: srf_inside_expressions
SELECT upper(unnest(ARRAY['a', 'b'])), unnest(ARRAY[1, 2, 3]) + 1 AS plus, unnest(ARRAY[1.5, 2.5])::int;

-- query: srf_generate_subscripts
SELECT p.product_id, generate_subscripts(ARRAY[p.sku, p.name, p.brand], 1) AS i FROM d_product p WHERE p.product_id <= 3;

-- query: srf_counted_in_subquery
SELECT count(*), sum(g) FROM (SELECT generate_series(1, customer_id) AS g FROM d_customer) s;

-- query: srf_with_where_and_join
SELECT s.sale_id, unnest(ARRAY[s.quantity, s.quantity * 2]) AS q FROM sales s JOIN d_customer c ON c.customer_id = s.customer_id WHERE c.customer_id = 3;

-- query: srf_date_series_is_timestamptz
SELECT generate_series(DATE '2024-01-30', DATE '2024-02-02', INTERVAL '1 day');

-- query: srf_month_steps_accumulate
SELECT * FROM generate_series(TIMESTAMP '2024-01-31 10:00', TIMESTAMP '2024-07-01', INTERVAL '1 month');

-- query: srf_month_steps_backwards
SELECT * FROM generate_series(TIMESTAMP '2024-05-31', TIMESTAMP '2023-12-01', INTERVAL '-1 month');

-- query: rows_from_zips
SELECT * FROM ROWS FROM (generate_series(1, 3), unnest(ARRAY['a', 'b'])) WITH ORDINALITY AS r(n, s, o);

-- query: rows_from_lateral
SELECT c.customer_id, r.* FROM d_customer c, ROWS FROM (generate_series(1, c.customer_id % 3), unnest(ARRAY[c.city])) r WHERE c.customer_id <= 6;

-- query: srf_in_case_refused
-- error 0A000
SELECT CASE WHEN 1 > 0 THEN 1 ELSE generate_series(1, 2) END;

-- query: srf_in_coalesce_refused
-- error 0A000
SELECT COALESCE(1, generate_series(1, 2));

-- query: srf_in_where_refused
-- error 0A000
SELECT customer_id FROM d_customer WHERE customer_id = generate_series(1, 3);

-- query: long_series_streams_under_limit
-- ordered
SELECT g FROM generate_series(1, 5000000) g LIMIT 3;

-- query: long_series_counted
SELECT count(*), sum(g) FROM generate_series(1, 300000) g;

-- query: series_with_ordinality_streams
SELECT * FROM generate_series(10, 1, -3) WITH ORDINALITY AS s(v, n);

-- query: srf_in_grouped_query
SELECT channel, count(*), generate_series(1, 2) AS k FROM sales GROUP BY channel;

-- query: srf_over_aggregates
SELECT channel, generate_series(1, count(*)::int % 4) AS k, min(quantity) FROM sales GROUP BY channel ORDER BY channel, k;

-- query: srf_unnest_of_array_agg
SELECT unnest(array_agg(DISTINCT channel ORDER BY channel DESC)) FROM sales;

-- query: srf_grouped_lockstep_distinct_limit
SELECT DISTINCT c.segment, generate_series(1, 3) AS a, unnest(ARRAY[count(*), max(c.customer_id)]) AS b FROM d_customer c GROUP BY c.segment HAVING count(*) > 1 ORDER BY 1, 2, 3 LIMIT 7;

-- query: srf_grouped_order_by_ordinal
SELECT s.channel, generate_series(1, 2) FROM sales s GROUP BY s.channel ORDER BY 1 DESC, 2;
