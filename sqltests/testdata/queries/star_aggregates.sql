-- dataset: star
-- Aggregations over the fact table and its dimensions, as dashboards send
-- them.

-- query: count_facts
SELECT count(*), count(product_id), count(DISTINCT product_id), count(DISTINCT customer_id), count(note) FROM sales;

-- query: totals
SELECT sum(quantity), sum(unit_price), sum(amount), sum(revenue), sum(discount) FROM sales;

-- query: averages
SELECT avg(quantity), avg(unit_price), avg(amount), avg(revenue), avg(discount) FROM sales;

-- query: min_max_facts
SELECT min(sale_id), max(sale_id), min(sold_at), max(sold_at), min(amount), max(revenue), min(channel), max(note) FROM sales;

-- query: stddev_variance_facts
SELECT stddev(quantity), variance(quantity), stddev_pop(unit_price), var_samp(amount), stddev(amount) FROM sales;

-- query: group_by_channel
SELECT channel, count(*), sum(quantity), sum(revenue), avg(amount) FROM sales GROUP BY channel;

-- query: group_by_date_key
SELECT date_key, count(*), sum(revenue) FROM sales GROUP BY date_key;

-- query: group_by_month_of_sold_at
SELECT date_trunc('month', sold_at) AS month, count(*), sum(amount) FROM sales GROUP BY 1;

-- query: group_by_year_quarter
SELECT d.year, d.quarter, count(*), sum(s.revenue) FROM sales s JOIN d_date d ON s.date_key = d.date_key GROUP BY d.year, d.quarter;

-- query: group_by_month_name
SELECT d.year, d.month, d.month_name, sum(s.quantity) FROM sales s JOIN d_date d ON s.date_key = d.date_key GROUP BY 1, 2, 3;

-- query: group_by_weekend
SELECT d.is_weekend, count(*), avg(s.amount) FROM sales s JOIN d_date d ON s.date_key = d.date_key GROUP BY d.is_weekend;

-- query: group_by_holiday
SELECT d.holiday, count(*), sum(s.revenue) FROM sales s JOIN d_date d ON s.date_key = d.date_key GROUP BY d.holiday;

-- query: group_by_category
SELECT p.category, count(*), sum(s.revenue), count(DISTINCT s.customer_id) FROM sales s JOIN d_product p ON s.product_id = p.product_id GROUP BY p.category;

-- query: group_by_category_left_join
SELECT p.category, count(*), sum(s.quantity) FROM sales s LEFT JOIN d_product p ON s.product_id = p.product_id GROUP BY p.category;

-- query: group_by_brand_category
SELECT p.brand, p.category, count(*), min(s.unit_price), max(s.unit_price) FROM sales s JOIN d_product p ON s.product_id = p.product_id GROUP BY p.brand, p.category;

-- query: group_by_country_segment
SELECT c.country, c.segment, count(*), sum(s.amount) FROM sales s JOIN d_customer c ON s.customer_id = c.customer_id GROUP BY c.country, c.segment;

-- query: group_by_city_unicode
SELECT c.city, count(DISTINCT c.customer_id), sum(s.revenue) FROM sales s JOIN d_customer c USING (customer_id) GROUP BY c.city;

-- query: group_by_vip
SELECT c.vip, count(*), avg(s.revenue) FROM sales s JOIN d_customer c ON s.customer_id = c.customer_id GROUP BY c.vip;

-- query: group_by_four_way_join
SELECT d.year, p.category, c.country, count(*), sum(s.revenue) FROM sales s JOIN d_date d ON s.date_key = d.date_key JOIN d_product p ON s.product_id = p.product_id JOIN d_customer c ON s.customer_id = c.customer_id GROUP BY d.year, p.category, c.country;

-- query: group_by_comma_join_star
SELECT d.month, p.brand, sum(s.quantity) FROM sales s, d_date d, d_product p WHERE s.date_key = d.date_key AND s.product_id = p.product_id AND d.year = 2023 GROUP BY d.month, p.brand;

-- query: filtered_aggregate_by_date_range
SELECT count(*), sum(revenue) FROM sales WHERE date_key BETWEEN 20231201 AND 20240131;

-- query: filtered_by_dimension
SELECT p.name, sum(s.quantity) FROM sales s JOIN d_product p ON s.product_id = p.product_id WHERE p.category = 'Kitchen' AND s.channel IN ('web', 'store') GROUP BY p.name;

-- query: filter_clause_per_channel
SELECT d.year, count(*) FILTER (WHERE s.channel = 'web') AS web, count(*) FILTER (WHERE s.channel = 'store') AS store, sum(s.revenue) FILTER (WHERE s.quantity < 0) AS returns FROM sales s JOIN d_date d ON s.date_key = d.date_key GROUP BY d.year;

-- query: having_sum
SELECT customer_id, sum(revenue) FROM sales GROUP BY customer_id HAVING sum(revenue) > 30000;

-- query: having_count_and_avg
SELECT product_id, count(*), avg(quantity) FROM sales GROUP BY product_id HAVING count(*) >= 55 AND avg(quantity) > 6;

-- query: having_on_dimension_group
SELECT p.category, count(*) FROM sales s JOIN d_product p ON s.product_id = p.product_id GROUP BY p.category HAVING max(s.unit_price) > 299;

-- query: count_distinct_per_group
SELECT channel, count(DISTINCT customer_id), count(DISTINCT product_id), count(DISTINCT date_key) FROM sales GROUP BY channel;

-- query: multiple_count_distinct_with_filter
SELECT count(DISTINCT customer_id) FILTER (WHERE quantity < 0), count(DISTINCT product_id) FILTER (WHERE channel = 'web') FROM sales;

-- query: revenue_expression_aggregate
SELECT channel, sum(quantity * unit_price), sum(quantity * unit_price * (1 - COALESCE(discount, 0))) FROM sales GROUP BY channel;

-- query: avg_of_int_is_numeric
SELECT channel, avg(quantity), avg(sale_id) FROM sales GROUP BY channel;

-- query: group_by_expression_case
SELECT CASE WHEN quantity < 0 THEN 'return' WHEN quantity < 5 THEN 'small' ELSE 'large' END AS kind, count(*), sum(amount) FROM sales GROUP BY 1;

-- query: group_by_extract
SELECT extract(year FROM sold_at) AS y, extract(month FROM sold_at) AS m, count(*) FROM sales GROUP BY 1, 2;

-- query: group_by_to_char
SELECT to_char(sold_at, 'YYYY-MM') AS ym, count(*), sum(revenue) FROM sales GROUP BY 1;

-- query: group_by_dow
SELECT extract(isodow FROM sold_at) AS dow, count(*) FROM sales GROUP BY 1;

-- query: group_by_date_trunc_week
SELECT date_trunc('week', sold_at)::date AS week, count(*) FROM sales WHERE sold_at >= '2024-02-01' GROUP BY 1;

-- query: group_by_hour
SELECT extract(hour FROM sold_at) AS h, count(*), round(avg(amount)::numeric, 2) FROM sales GROUP BY 1;

-- query: group_by_null_product
SELECT product_id IS NULL AS no_product, count(*) FROM sales GROUP BY 1;

-- query: group_by_discount_numeric
SELECT discount, count(*), sum(revenue) FROM sales GROUP BY discount;

-- query: group_by_many_groups
SELECT customer_id, product_id, count(*), sum(quantity) FROM sales GROUP BY customer_id, product_id;

-- query: group_by_signup_year
SELECT extract(year FROM c.signup_at) AS y, count(DISTINCT c.customer_id) FROM d_customer c GROUP BY 1;

-- query: group_by_price_band
SELECT floor(unit_price / 50) * 50 AS band, count(*) FROM sales GROUP BY 1;

-- query: distinct_channels
SELECT DISTINCT channel FROM sales;

-- query: distinct_two_columns
SELECT DISTINCT channel, quantity < 0 FROM sales;

-- query: count_distinct_expression
SELECT count(DISTINCT date_trunc('month', sold_at)), count(DISTINCT customer_id::text || channel) FROM sales;

-- query: aggregate_orphans
SELECT count(*) FILTER (WHERE p.product_id IS NULL) AS missing_product, count(*) FILTER (WHERE c.customer_id IS NULL) AS missing_customer FROM sales s LEFT JOIN d_product p ON s.product_id = p.product_id LEFT JOIN d_customer c ON s.customer_id = c.customer_id;

-- query: top_customers
SELECT c.name, c.customer_id, sum(s.revenue) AS rev FROM sales s JOIN d_customer c ON s.customer_id = c.customer_id GROUP BY c.name, c.customer_id ORDER BY rev DESC NULLS LAST, c.customer_id LIMIT 10;

-- query: top_products_by_quantity
SELECT p.sku, p.name, sum(s.quantity) AS q FROM sales s JOIN d_product p ON s.product_id = p.product_id GROUP BY p.sku, p.name ORDER BY q DESC, p.sku LIMIT 5;

-- query: monthly_revenue_ordered
SELECT d.year, d.month, sum(s.revenue) FROM sales s JOIN d_date d ON s.date_key = d.date_key GROUP BY d.year, d.month ORDER BY d.year, d.month;

-- query: dimension_only_aggregate
SELECT category, count(*), avg(list_price), sum(weight_kg), min(launched), max(launched) FROM d_product GROUP BY category;

-- query: dimension_bool_aggregates
SELECT segment, bool_or(vip), bool_and(vip), count(*) FILTER (WHERE vip IS NULL) FROM d_customer GROUP BY segment;

-- query: aggregate_real_column
SELECT sum(weight_kg), avg(weight_kg), max(weight_kg), stddev(weight_kg) FROM d_product;

-- query: aggregate_double_dimension
SELECT country, sum(credit_limit), avg(credit_limit), min(credit_limit) FROM d_customer GROUP BY country;

-- query: ordered_set_aggregates
-- percentile_cont interpolates, percentile_disc picks a row, mode is the
-- most frequent value (the first in sort order on a tie).
SELECT channel, percentile_cont(0.5) WITHIN GROUP (ORDER BY quantity), percentile_cont(0.9) WITHIN GROUP (ORDER BY revenue DESC), percentile_disc(0.25) WITHIN GROUP (ORDER BY sold_at), mode() WITHIN GROUP (ORDER BY quantity), mode() WITHIN GROUP (ORDER BY product_id DESC) FROM sales GROUP BY channel;

-- query: median_by_category_with_filter
SELECT p.category, percentile_cont(0.5) WITHIN GROUP (ORDER BY s.unit_price) FILTER (WHERE s.quantity > 2), percentile_disc(0.5) WITHIN GROUP (ORDER BY p.name) FROM sales s JOIN d_product p ON s.product_id = p.product_id GROUP BY p.category;

-- query: string_agg_ordered_by_key
SELECT customer_id, string_agg(channel, ',' ORDER BY sale_id DESC), string_agg(channel, '|' ORDER BY -sale_id), string_agg(note, ';' ORDER BY sale_id NULLS FIRST) FROM sales WHERE customer_id < 8 GROUP BY customer_id;

-- query: percentile_out_of_range
-- error 22003
SELECT percentile_cont(1.5) WITHIN GROUP (ORDER BY quantity) FROM sales;

-- query: string_agg_order_by_two_keys
SELECT c.segment, string_agg(c.name, ', ' ORDER BY c.country DESC NULLS LAST, c.customer_id) FROM d_customer c WHERE c.customer_id <= 40 GROUP BY c.segment;

-- query: array_agg_order_by_three_keys
SELECT s.channel, array_agg(s.sale_id ORDER BY s.quantity, s.amount DESC NULLS FIRST, s.sale_id) FROM sales s WHERE s.customer_id IN (3, 4) GROUP BY s.channel;

-- query: array_agg_distinct_order_by_value
SELECT array_agg(DISTINCT s.quantity ORDER BY s.quantity DESC), array_agg(DISTINCT s.channel ORDER BY s.channel NULLS FIRST) FROM sales s WHERE s.customer_id < 20;

-- query: string_agg_distinct_order_by_value
SELECT c.country, string_agg(DISTINCT c.segment, '/' ORDER BY c.segment DESC) FROM d_customer c GROUP BY c.country;

-- query: distinct_aggregate_order_by_other_expression
-- error 42P10
SELECT array_agg(DISTINCT s.quantity ORDER BY s.sale_id) FROM sales s;
