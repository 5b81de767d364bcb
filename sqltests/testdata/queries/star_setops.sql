-- dataset: star
-- UNION [ALL], INTERSECT [ALL] and EXCEPT [ALL], with NULLs (which set
-- operations treat as equal) and type unification.

-- query: union_distinct
SELECT channel FROM sales WHERE quantity < 0 UNION SELECT channel FROM sales WHERE quantity > 11;

-- query: union_all
SELECT customer_id FROM sales WHERE sale_id <= 10 UNION ALL SELECT customer_id FROM sales WHERE sale_id BETWEEN 5 AND 15;

-- query: union_nulls_collapse
SELECT product_id FROM sales WHERE product_id IS NULL UNION SELECT NULL::int;

-- query: union_type_unification
SELECT quantity FROM sales WHERE sale_id = 1 UNION ALL SELECT unit_price FROM sales WHERE sale_id = 1 UNION ALL SELECT 1.5;

-- query: union_int_bigint
SELECT customer_id FROM sales WHERE sale_id < 4 UNION SELECT sale_id FROM sales WHERE sale_id < 4;

-- query: union_text_varchar
SELECT channel FROM sales WHERE sale_id < 50 UNION SELECT category FROM d_product;

-- query: union_column_names_from_first
SELECT customer_id AS who, 'customer' AS kind FROM d_customer WHERE customer_id < 3 UNION ALL SELECT product_id, 'product' FROM d_product WHERE product_id < 3;

-- query: union_ordered
SELECT customer_id AS id FROM d_customer WHERE customer_id < 5 UNION SELECT product_id FROM d_product WHERE product_id BETWEEN 3 AND 8 ORDER BY id DESC;

-- query: union_ordered_limit
SELECT name FROM d_customer UNION SELECT name FROM d_product ORDER BY 1 LIMIT 10;

-- query: intersect
SELECT customer_id FROM sales WHERE channel = 'web' INTERSECT SELECT customer_id FROM sales WHERE channel = 'phone';

-- query: intersect_all
SELECT customer_id FROM sales WHERE channel = 'web' INTERSECT ALL SELECT customer_id FROM sales WHERE channel = 'store';

-- query: except
SELECT customer_id FROM d_customer EXCEPT SELECT customer_id FROM sales;

-- query: except_all
SELECT channel FROM sales WHERE customer_id < 20 EXCEPT ALL SELECT channel FROM sales WHERE customer_id BETWEEN 10 AND 25;

-- query: except_with_nulls
SELECT product_id FROM sales EXCEPT SELECT product_id FROM d_product;

-- query: union_precedence_intersect
SELECT 1 AS x UNION SELECT 2 INTERSECT SELECT 2 UNION SELECT 3;

-- query: set_operation_in_subquery
SELECT count(*) FROM (SELECT customer_id FROM sales UNION SELECT customer_id FROM d_customer) u;

-- query: union_all_aggregates
SELECT 'web' AS channel, sum(revenue) FROM sales WHERE channel = 'web' UNION ALL SELECT 'all', sum(revenue) FROM sales;

-- query: union_dates_and_timestamps
SELECT full_date FROM d_date WHERE date_key = 20240229 UNION ALL SELECT sold_at FROM sales WHERE sale_id = 1;

-- query: union_mismatched_column_count
-- error 42601
SELECT 1, 2 UNION SELECT 1;

-- query: union_mismatched_types
-- error 42804
SELECT full_date FROM d_date UNION SELECT quantity FROM sales;

-- query: setop_untyped_literals
-- Literals of no type take the other branch's type, as BI tools' padded
-- UNIONs need: NULLs of any type, '1' read as an integer.
SELECT date_key, full_date, holiday, is_weekend FROM d_date WHERE month = 1 AND day_of_month < 3 UNION ALL SELECT 0, NULL, NULL, NULL UNION ALL SELECT '1', '2024-02-29', 'leap', 'yes';

-- query: setop_untyped_literal_first
SELECT NULL AS k, 'none' AS label UNION SELECT product_id, category FROM d_product WHERE product_id < 5;

-- query: setop_untyped_literal_bad_input
-- error 22P02
SELECT product_id FROM d_product UNION SELECT 'abc';
