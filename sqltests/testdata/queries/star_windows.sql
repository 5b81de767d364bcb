-- dataset: star
-- Window functions. Every window ORDER BY ends with a unique key, so
-- row_number and running sums are determined.

-- query: row_number_global
SELECT sale_id, row_number() OVER (ORDER BY sold_at NULLS LAST, sale_id) FROM sales WHERE customer_id < 20;

-- query: row_number_partitioned
SELECT sale_id, customer_id, row_number() OVER (PARTITION BY customer_id ORDER BY sale_id) FROM sales WHERE customer_id <= 30;

-- query: rank_dense_rank
SELECT sale_id, quantity, rank() OVER (ORDER BY quantity DESC), dense_rank() OVER (ORDER BY quantity DESC) FROM sales WHERE date_key BETWEEN 20240201 AND 20240229;

-- query: rank_partitioned
SELECT sale_id, channel, quantity, rank() OVER (PARTITION BY channel ORDER BY quantity), dense_rank() OVER (PARTITION BY channel ORDER BY quantity) FROM sales WHERE customer_id BETWEEN 40 AND 60;

-- query: sum_over_partition
SELECT sale_id, customer_id, revenue, sum(revenue) OVER (PARTITION BY customer_id) FROM sales WHERE customer_id <= 25;

-- query: avg_over_partition
SELECT sale_id, channel, amount, avg(amount) OVER (PARTITION BY channel) FROM sales WHERE product_id = 3;

-- query: count_over_partition
SELECT sale_id, product_id, count(*) OVER (PARTITION BY product_id), count(note) OVER (PARTITION BY product_id) FROM sales WHERE customer_id < 15;

-- query: running_sum
SELECT sale_id, quantity, sum(quantity) OVER (ORDER BY sale_id) FROM sales WHERE customer_id = 7;

-- query: running_sum_partitioned
SELECT sale_id, channel, revenue, sum(revenue) OVER (PARTITION BY channel ORDER BY sale_id) FROM sales WHERE date_key BETWEEN 20231220 AND 20240110;

-- query: running_sum_with_peers
SELECT date_key, sale_id, sum(quantity) OVER (ORDER BY date_key) FROM sales WHERE date_key BETWEEN 20240225 AND 20240302;

-- query: window_min_max
SELECT sale_id, customer_id, unit_price, min(unit_price) OVER (PARTITION BY customer_id), max(unit_price) OVER (PARTITION BY customer_id ORDER BY sale_id) FROM sales WHERE customer_id BETWEEN 100 AND 110;

-- query: window_over_empty
SELECT sale_id, sum(quantity) OVER (), count(*) OVER () FROM sales WHERE customer_id = 3;

-- query: window_over_aggregate
SELECT channel, sum(revenue) AS rev, rank() OVER (ORDER BY sum(revenue) DESC) FROM sales GROUP BY channel;

-- query: window_share_of_total
SELECT p.category, sum(s.revenue) AS rev, sum(s.revenue) * 100 / sum(sum(s.revenue)) OVER () AS pct FROM sales s JOIN d_product p ON s.product_id = p.product_id GROUP BY p.category;

-- query: top_n_per_group
SELECT customer_id, sale_id, revenue FROM (SELECT customer_id, sale_id, revenue, row_number() OVER (PARTITION BY customer_id ORDER BY revenue DESC NULLS LAST, sale_id) AS rn FROM sales) x WHERE rn <= 2 AND customer_id <= 40;

-- query: window_ordered_output
SELECT sale_id, customer_id, row_number() OVER (PARTITION BY customer_id ORDER BY sale_id DESC) AS rn FROM sales WHERE customer_id BETWEEN 1 AND 5 ORDER BY customer_id, rn;

-- query: multiple_windows
SELECT sale_id, sum(quantity) OVER (PARTITION BY channel), sum(quantity) OVER (PARTITION BY customer_id), row_number() OVER (ORDER BY sale_id DESC) FROM sales WHERE product_id = 10;

-- query: window_on_join
SELECT s.sale_id, p.category, dense_rank() OVER (PARTITION BY p.category ORDER BY s.unit_price DESC, s.sale_id) FROM sales s JOIN d_product p ON s.product_id = p.product_id WHERE s.customer_id < 10;

-- query: month_over_month
SELECT y, m, rev, rev - lag(rev) OVER (ORDER BY y, m) AS delta FROM (SELECT d.year AS y, d.month AS m, sum(s.revenue) AS rev FROM sales s JOIN d_date d ON s.date_key = d.date_key GROUP BY 1, 2) t;

-- query: window_aggregate_filter
-- FILTER leaves rows out of each frame (it was once ignored).
SELECT sale_id, count(*) FILTER (WHERE quantity > 2) OVER (), sum(quantity) FILTER (WHERE channel = 'web') OVER (PARTITION BY customer_id ORDER BY sale_id), avg(revenue) FILTER (WHERE revenue > 100) OVER (ORDER BY sale_id ROWS BETWEEN 2 PRECEDING AND CURRENT ROW), string_agg(channel, ',') FILTER (WHERE quantity < 3) OVER (PARTITION BY customer_id ORDER BY sale_id) FROM sales WHERE customer_id BETWEEN 3 AND 6;

-- query: window_filter_on_non_aggregate
-- error 0A000
SELECT row_number() FILTER (WHERE quantity > 2) OVER () FROM sales;

-- query: lag_default_of_another_type
-- lag/lead with a default of another type are of the common type, the
-- default not cast to the column's typmod (0, not 0.00).
SELECT product_id, lag(list_price, 1, 0) OVER (ORDER BY product_id), lead(list_price, 2, 9.5) OVER (ORDER BY product_id) FROM d_product WHERE product_id < 10;

-- query: running_aggregates_over_whole_table
-- Running frames over all 2,000 rows: numeric sums that go on growing
-- after each row's result is taken, avg, min/max, variance and FILTER.
SELECT sale_id, sum(revenue) OVER w, avg(unit_price) OVER w, count(note) OVER w, min(amount) OVER w, max(channel) OVER w, stddev(quantity) OVER w, sum(quantity) FILTER (WHERE channel = 'web') OVER w FROM sales WINDOW w AS (ORDER BY sale_id);

-- query: running_aggregates_range_peers
-- RANGE frames: peers (equal quantity) share the running result.
SELECT sale_id, quantity, sum(revenue) OVER (PARTITION BY channel ORDER BY quantity), count(*) OVER (PARTITION BY channel ORDER BY quantity), bool_and(quantity > 2) OVER (PARTITION BY channel ORDER BY quantity) FROM sales WHERE customer_id < 40;

-- query: whole_partition_frames
SELECT sale_id, sum(revenue) OVER (PARTITION BY product_id), sum(revenue) OVER (), avg(amount) OVER (PARTITION BY channel ORDER BY sale_id ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING), var_pop(revenue) OVER (PARTITION BY date_key / 100) FROM sales;

-- query: growing_frames_ending_before_or_after_row
SELECT sale_id, sum(revenue) OVER (ORDER BY sale_id ROWS BETWEEN UNBOUNDED PRECEDING AND 2 PRECEDING), count(*) OVER (ORDER BY sale_id ROWS BETWEEN UNBOUNDED PRECEDING AND 3 FOLLOWING), string_agg(channel, ',') OVER (ORDER BY sale_id ROWS UNBOUNDED PRECEDING) FROM sales WHERE customer_id < 12;

-- query: sliding_frames
SELECT sale_id, sum(revenue) OVER (ORDER BY sale_id ROWS BETWEEN 3 PRECEDING AND 1 FOLLOWING), avg(quantity) OVER (PARTITION BY channel ORDER BY sale_id ROWS BETWEEN 1 FOLLOWING AND 4 FOLLOWING), max(sold_at) OVER (ORDER BY sale_id ROWS BETWEEN CURRENT ROW AND 2 FOLLOWING) FROM sales WHERE customer_id < 30;

-- query: array_agg_over_frames
SELECT sale_id, array_agg(quantity) OVER (ORDER BY sale_id ROWS BETWEEN 2 PRECEDING AND CURRENT ROW), array_agg(channel) OVER (ORDER BY sale_id) FROM sales WHERE customer_id < 25;

-- query: distinct_window_aggregate
-- error 0A000
SELECT sale_id, count(DISTINCT quantity) OVER (PARTITION BY channel) FROM sales;

-- query: range_offset_integer_key
SELECT sale_id, quantity, sum(revenue) OVER (ORDER BY quantity RANGE BETWEEN 2 PRECEDING AND 1 FOLLOWING), count(*) OVER (ORDER BY quantity RANGE BETWEEN 1 FOLLOWING AND 3 FOLLOWING), count(*) OVER (ORDER BY quantity RANGE BETWEEN UNBOUNDED PRECEDING AND 2 PRECEDING) FROM sales WHERE customer_id < 60 ORDER BY sale_id;

-- query: range_offset_descending_partitioned
SELECT sale_id, channel, quantity, sum(quantity) OVER (PARTITION BY channel ORDER BY quantity DESC RANGE BETWEEN 1 PRECEDING AND 3 FOLLOWING), min(sale_id) OVER (PARTITION BY channel ORDER BY quantity DESC RANGE 2 PRECEDING) FROM sales WHERE customer_id < 80 ORDER BY sale_id;

-- query: range_offset_numeric_key
SELECT sale_id, unit_price, count(*) OVER (ORDER BY unit_price RANGE BETWEEN 5.5 PRECEDING AND CURRENT ROW), sum(quantity) OVER (ORDER BY unit_price RANGE BETWEEN CURRENT ROW AND 10 FOLLOWING) FROM sales WHERE customer_id < 50 ORDER BY sale_id;

-- query: range_offset_float_key_with_nulls
SELECT sale_id, amount, count(*) OVER (ORDER BY amount RANGE BETWEEN 50 PRECEDING AND 50 FOLLOWING), count(*) OVER (ORDER BY amount NULLS FIRST RANGE BETWEEN 20 PRECEDING AND 5 PRECEDING), max(sale_id) OVER (ORDER BY amount DESC RANGE BETWEEN UNBOUNDED PRECEDING AND 30 FOLLOWING) FROM sales WHERE customer_id < 70 ORDER BY sale_id;

-- query: range_offset_timestamp_key
SELECT sale_id, sold_at, count(*) OVER (ORDER BY sold_at RANGE BETWEEN INTERVAL '1 day' PRECEDING AND CURRENT ROW), sum(quantity) OVER (ORDER BY sold_at RANGE BETWEEN '12 hours' FOLLOWING AND '7 days' FOLLOWING), min(sale_id) OVER (ORDER BY sold_at DESC NULLS LAST RANGE BETWEEN '2 days' PRECEDING AND UNBOUNDED FOLLOWING) FROM sales WHERE customer_id < 60 ORDER BY sale_id;

-- query: range_offset_date_key
SELECT date_key, full_date, count(*) OVER (ORDER BY full_date RANGE BETWEEN INTERVAL '1 month' PRECEDING AND INTERVAL '1 month' FOLLOWING), last_value(date_key) OVER (ORDER BY full_date RANGE BETWEEN CURRENT ROW AND '3 days' FOLLOWING) FROM d_date ORDER BY date_key;

-- query: range_offset_timestamptz_key
SELECT customer_id, signup_at, count(*) OVER (ORDER BY signup_at RANGE BETWEEN '30 days' PRECEDING AND '1 day' FOLLOWING) FROM d_customer ORDER BY customer_id;

-- query: range_offset_two_order_keys
-- error 42P20
SELECT sale_id, sum(quantity) OVER (ORDER BY quantity, sale_id RANGE BETWEEN 1 PRECEDING AND CURRENT ROW) FROM sales;

-- query: range_offset_text_key
-- error 0A000
SELECT sale_id, count(*) OVER (ORDER BY channel RANGE BETWEEN 1 PRECEDING AND CURRENT ROW) FROM sales;

-- query: range_offset_negative
-- error 22013
SELECT sale_id, count(*) OVER (ORDER BY quantity RANGE BETWEEN -1 PRECEDING AND CURRENT ROW) FROM sales;

-- query: range_offset_null
-- error 22004
SELECT sale_id, count(*) OVER (ORDER BY quantity RANGE BETWEEN NULL::int PRECEDING AND CURRENT ROW) FROM sales;

-- query: range_offset_interval_on_integer
-- error 0A000
SELECT sale_id, count(*) OVER (ORDER BY quantity RANGE BETWEEN '1 day'::interval PRECEDING AND CURRENT ROW) FROM sales;

-- query: rows_offset_negative
-- error 22013
SELECT sale_id, count(*) OVER (ORDER BY sale_id ROWS BETWEEN 1 PRECEDING AND -1 FOLLOWING) FROM sales;

-- query: untyped_null_window_arguments
SELECT sale_id, ntile(NULL) OVER (ORDER BY sale_id), lag(quantity, NULL) OVER (ORDER BY sale_id), lag(quantity, 1, NULL) OVER (ORDER BY sale_id), lead(quantity, 2, '-1') OVER (ORDER BY sale_id) FROM sales WHERE customer_id < 10 ORDER BY sale_id;

-- query: groups_frame_offsets
SELECT sale_id, quantity, sum(quantity) OVER (ORDER BY quantity GROUPS BETWEEN 1 PRECEDING AND 1 FOLLOWING), count(*) OVER (ORDER BY quantity GROUPS BETWEEN 2 PRECEDING AND CURRENT ROW) FROM sales WHERE customer_id IN (3, 4);

-- query: groups_frame_beyond_partition
SELECT sale_id, channel, quantity, sum(quantity) OVER (PARTITION BY channel ORDER BY quantity GROUPS BETWEEN 5 FOLLOWING AND 9 FOLLOWING), min(quantity) OVER (PARTITION BY channel ORDER BY quantity GROUPS BETWEEN 9 PRECEDING AND 3 PRECEDING) FROM sales WHERE customer_id IN (5, 6);

-- query: groups_frame_first_last_nth
SELECT sale_id, quantity, first_value(quantity) OVER w, last_value(quantity) OVER w, nth_value(quantity, 2) OVER w FROM sales WHERE customer_id = 7 WINDOW w AS (ORDER BY quantity, sale_id GROUPS BETWEEN 1 PRECEDING AND 2 FOLLOWING);

-- query: groups_requires_order_by
-- error 42P20
SELECT sum(quantity) OVER (GROUPS BETWEEN 1 PRECEDING AND CURRENT ROW) FROM sales;

-- query: exclude_current_row
SELECT sale_id, quantity, sum(quantity) OVER (ORDER BY sale_id ROWS BETWEEN 2 PRECEDING AND 2 FOLLOWING EXCLUDE CURRENT ROW), avg(quantity) OVER (ORDER BY sale_id ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW EXCLUDE CURRENT ROW) FROM sales WHERE customer_id = 8;

-- query: exclude_group_and_ties
SELECT sale_id, quantity, sum(quantity) OVER (ORDER BY quantity RANGE BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING EXCLUDE GROUP), count(*) OVER (ORDER BY quantity RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW EXCLUDE TIES), sum(quantity) OVER (ORDER BY quantity GROUPS BETWEEN 1 PRECEDING AND 1 FOLLOWING EXCLUDE TIES) FROM sales WHERE customer_id IN (9, 10);

-- query: exclude_with_value_functions
SELECT sale_id, quantity, first_value(sale_id) OVER w, last_value(sale_id) OVER w, nth_value(sale_id, 2) OVER w FROM sales WHERE customer_id = 11 WINDOW w AS (ORDER BY sale_id ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING EXCLUDE CURRENT ROW);

-- query: exclude_no_others
SELECT sale_id, sum(quantity) OVER (ORDER BY sale_id ROWS BETWEEN 1 PRECEDING AND CURRENT ROW EXCLUDE NO OTHERS) FROM sales WHERE customer_id = 12;
