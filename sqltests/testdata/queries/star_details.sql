-- dataset: star
-- Row-level queries over the fact table and dimensions: filters with every
-- kind of predicate, projections of expressions, and ordering with limits.

-- query: filter_eq_channel
SELECT sale_id, quantity FROM sales WHERE channel = 'phone' AND customer_id < 30;

-- query: filter_null_channel
SELECT sale_id FROM sales WHERE channel IS NULL;

-- query: filter_returns
SELECT sale_id, quantity, revenue FROM sales WHERE quantity < 0;

-- query: filter_price_range
SELECT sale_id, unit_price FROM sales WHERE unit_price BETWEEN 100.00 AND 100.99;

-- query: filter_discount_numeric
SELECT sale_id, discount FROM sales WHERE discount = 0.125 AND customer_id < 40;

-- query: filter_amount_float
SELECT sale_id, amount FROM sales WHERE amount > 7999.5;

-- query: filter_notes_like
SELECT sale_id, note FROM sales WHERE note LIKE '%ift%';

-- query: filter_notes_ilike
SELECT sale_id, note FROM sales WHERE note ILIKE 'gift%';

-- query: filter_notes_special_chars
SELECT sale_id, note FROM sales WHERE note LIKE '%\\%' OR note LIKE '%"%' OR note LIKE '%''%' OR note = '';

-- query: filter_timestamp_range
SELECT sale_id, sold_at FROM sales WHERE sold_at >= '2024-02-29' AND sold_at < '2024-03-01';

-- query: filter_year_end
SELECT sale_id, sold_at FROM sales WHERE sold_at BETWEEN '2023-12-31 12:00:00' AND '2024-01-01 12:00:00';

-- query: filter_microseconds
SELECT count(*) FROM sales WHERE extract(microseconds FROM sold_at)::bigint % 1000000 <> 0;

-- query: filter_in_list_products
SELECT sale_id, product_id FROM sales WHERE product_id IN (1, 2, 3) AND channel = 'web';

-- query: filter_orphans
SELECT sale_id, product_id, customer_id FROM sales WHERE product_id = 9999 OR customer_id = 0;

-- query: filter_date_key_function
SELECT count(*) FROM sales WHERE date_key % 100 = 29 AND date_key / 100 % 100 = 2;

-- query: projection_expressions
SELECT sale_id, quantity * unit_price AS gross, round(quantity * unit_price * (1 - COALESCE(discount, 0)), 2) AS net, amount / 8 FROM sales WHERE customer_id = 17;

-- query: projection_date_functions
SELECT sale_id, sold_at::date, date_trunc('month', sold_at), extract(dow FROM sold_at), to_char(sold_at, 'YYYY-MM-DD HH24:MI') FROM sales WHERE customer_id = 18;

-- query: projection_string_functions
SELECT customer_id, upper(name), length(name), split_part(name, ' ', 2), position(' ' IN name), substr(name, 1, 3) FROM d_customer WHERE customer_id <= 30;

-- query: projection_case_labels
SELECT sale_id, CASE WHEN quantity < 0 THEN 'return' WHEN revenue IS NULL THEN 'unknown' WHEN revenue > 2000 THEN 'big' ELSE 'normal' END FROM sales WHERE customer_id = 19;

-- query: dimension_d_date_leap_year
SELECT date_key, full_date, iso_dow, holiday FROM d_date WHERE month = 2 AND day_of_month >= 28;

-- query: dimension_d_date_year_boundary
SELECT * FROM d_date WHERE full_date BETWEEN '2022-12-30' AND '2023-01-02';

-- query: dimension_product_nulls
SELECT product_id, sku, category, brand, list_price, weight_kg, launched, discontinued FROM d_product WHERE category IS NULL OR brand IS NULL OR list_price IS NULL OR weight_kg IS NULL OR launched IS NULL;

-- query: dimension_customer_timestamptz
SELECT customer_id, signup_at, signup_at::date, extract(hour FROM signup_at) FROM d_customer WHERE customer_id <= 25;

-- query: dimension_customer_char_country
SELECT customer_id, country, country || '|', length(country) FROM d_customer WHERE customer_id <= 25;

-- query: order_by_revenue_limit
SELECT sale_id, revenue FROM sales ORDER BY revenue DESC NULLS LAST, sale_id LIMIT 10;

-- query: order_by_sold_at_offset
SELECT sale_id, sold_at FROM sales ORDER BY sold_at NULLS FIRST, sale_id LIMIT 10 OFFSET 20;

-- query: order_by_amount_nulls_first
SELECT sale_id, amount FROM sales ORDER BY amount NULLS FIRST, sale_id FETCH FIRST 15 ROWS ONLY;

-- query: order_by_text_unicode
SELECT customer_id, name, city FROM d_customer ORDER BY city NULLS FIRST, name, customer_id LIMIT 30;

-- query: order_by_two_keys_desc
SELECT sale_id, channel, quantity FROM sales WHERE customer_id < 10 ORDER BY channel DESC NULLS LAST, quantity DESC, sale_id;

-- query: order_by_join_columns
SELECT s.sale_id, p.name, c.name FROM sales s JOIN d_product p ON s.product_id = p.product_id JOIN d_customer c ON s.customer_id = c.customer_id WHERE s.date_key = 20240229 ORDER BY s.sale_id;

-- query: order_by_expression_limit
SELECT sale_id, quantity * unit_price AS gross FROM sales ORDER BY gross DESC, sale_id LIMIT 7;

-- query: order_by_numeric_list_price
SELECT product_id, list_price FROM d_product ORDER BY list_price NULLS FIRST, product_id;

-- query: order_by_real_weight
SELECT product_id, weight_kg FROM d_product ORDER BY weight_kg DESC NULLS LAST, product_id;

-- query: order_by_timestamptz_signup
SELECT customer_id, signup_at FROM d_customer ORDER BY signup_at, customer_id LIMIT 20;

-- query: order_by_bool_vip
SELECT customer_id, vip FROM d_customer ORDER BY vip NULLS FIRST, customer_id DESC LIMIT 25;

-- query: full_table_scan
SELECT * FROM sales;

-- query: full_dimension_scans
SELECT * FROM d_customer;

-- query: distinct_order_limit
SELECT DISTINCT customer_id FROM sales WHERE channel = 'partner' ORDER BY customer_id LIMIT 15;

-- query: select_star_join_limit
SELECT * FROM sales s JOIN d_date d ON s.date_key = d.date_key ORDER BY s.sale_id LIMIT 5;

-- query: filter_bounds_proved
-- Every row satisfies each bound, as the statistics show: the scan proves
-- the conjuncts instead of testing them.
SELECT count(*), sum(quantity) FROM sales WHERE sale_id >= 1 AND date_key > 0 AND customer_id <= 1000000;

-- query: filter_bounds_nullable
-- Bounds that every non-NULL value satisfies: the NULL rows must still go.
SELECT count(*) FROM sales WHERE product_id >= 0 AND channel >= '' AND customer_id >= 0;

-- query: filter_bounds_in_list
SELECT count(*) FROM d_date WHERE (year = 2022 OR year = 2023 OR year = 2024) AND quarter >= 1;

-- query: keyset_pagination_row_comparison
SELECT date_key, sale_id, quantity FROM sales WHERE (date_key, sale_id) > (20240115, 900) ORDER BY date_key, sale_id LIMIT 15;

-- query: keyset_pagination_descending
SELECT date_key, sale_id FROM sales WHERE (date_key, sale_id) < (20240301, 1200) ORDER BY date_key DESC, sale_id DESC LIMIT 10;

-- query: fetch_with_ties_counts
SELECT count(*), count(DISTINCT quantity) FROM (SELECT quantity FROM sales ORDER BY quantity FETCH FIRST 5 ROWS WITH TIES) t;

-- query: fetch_with_ties_across_batches
SELECT count(*), max(sale_id) FROM (SELECT sale_id FROM sales ORDER BY sale_id / 1000 OFFSET 10 FETCH FIRST 20 ROWS WITH TIES) t;

-- query: fetch_with_ties_set_operation
SELECT count(*) FROM (SELECT channel FROM sales UNION ALL SELECT channel FROM sales ORDER BY 1 NULLS FIRST FETCH FIRST 1 ROWS WITH TIES) t;

-- query: fetch_with_ties_hidden_sort_key
-- unordered
SELECT sale_id FROM sales WHERE customer_id < 30 ORDER BY quantity DESC FETCH FIRST 2 ROWS WITH TIES;
