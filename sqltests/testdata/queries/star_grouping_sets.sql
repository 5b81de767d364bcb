-- dataset: star
-- GROUPING SETS, ROLLUP and CUBE with grouping(), as BI tools send them
-- for subtotals.

-- query: rollup_year_quarter
SELECT d.year, d.quarter, sum(s.revenue), count(*) FROM sales s JOIN d_date d ON s.date_key = d.date_key GROUP BY ROLLUP (d.year, d.quarter);

-- query: rollup_with_grouping
SELECT d.year, d.quarter, grouping(d.year) AS gy, grouping(d.quarter) AS gq, grouping(d.year, d.quarter) AS g, sum(s.quantity) FROM sales s JOIN d_date d ON s.date_key = d.date_key GROUP BY ROLLUP (d.year, d.quarter);

-- query: cube_channel_category
SELECT s.channel, p.category, count(*), sum(s.amount) FROM sales s JOIN d_product p ON s.product_id = p.product_id GROUP BY CUBE (s.channel, p.category);

-- query: cube_with_grouping_ordered
SELECT s.channel, p.category, grouping(s.channel, p.category) AS g, count(*) FROM sales s JOIN d_product p ON s.product_id = p.product_id GROUP BY CUBE (s.channel, p.category) ORDER BY g, s.channel NULLS FIRST, p.category NULLS FIRST;

-- query: grouping_sets_explicit
SELECT channel, quantity < 0 AS is_return, count(*) FROM sales GROUP BY GROUPING SETS ((channel), (quantity < 0), ());

-- query: grouping_sets_with_empty_set_only
SELECT count(*), sum(quantity) FROM sales GROUP BY GROUPING SETS (());

-- query: grouping_sets_distinguish_null_group
SELECT channel, grouping(channel) AS is_total, count(*) FROM sales GROUP BY GROUPING SETS ((channel), ());

-- query: rollup_three_levels
SELECT c.country, c.city, c.segment, count(*) FROM sales s JOIN d_customer c ON s.customer_id = c.customer_id GROUP BY ROLLUP (c.country, c.city, c.segment);

-- query: rollup_composite_column
SELECT d.year, d.month, p.category, sum(s.revenue) FROM sales s JOIN d_date d ON s.date_key = d.date_key JOIN d_product p ON s.product_id = p.product_id GROUP BY ROLLUP ((d.year, d.month), p.category);

-- query: group_by_plus_rollup
SELECT s.channel, d.year, d.quarter, count(*) FROM sales s JOIN d_date d ON s.date_key = d.date_key GROUP BY s.channel, ROLLUP (d.year, d.quarter);

-- query: cube_three_dims
SELECT d.is_weekend, c.vip, s.channel, count(*), sum(s.quantity) FROM sales s JOIN d_date d ON s.date_key = d.date_key JOIN d_customer c ON s.customer_id = c.customer_id GROUP BY CUBE (d.is_weekend, c.vip, s.channel);

-- query: rollup_having
SELECT channel, date_key / 10000 AS y, sum(revenue) FROM sales GROUP BY ROLLUP (channel, date_key / 10000) HAVING count(*) > 100;

-- query: grouping_in_case_label
SELECT CASE WHEN grouping(p.category) = 1 THEN 'All categories' ELSE COALESCE(p.category, '(none)') END AS category, sum(s.revenue) FROM sales s LEFT JOIN d_product p ON s.product_id = p.product_id GROUP BY ROLLUP (p.category);

-- query: grouping_sets_count_distinct
SELECT channel, d.year, count(DISTINCT s.customer_id) FROM sales s JOIN d_date d ON s.date_key = d.date_key GROUP BY GROUPING SETS ((channel), (d.year), (channel, d.year));

-- query: rollup_ordered_totals_last
SELECT d.year, d.month, sum(s.revenue) AS rev FROM sales s JOIN d_date d ON s.date_key = d.date_key GROUP BY ROLLUP (d.year, d.month) ORDER BY d.year NULLS LAST, d.month NULLS LAST;

-- query: cube_avg_min_max
SELECT p.brand, s.channel, avg(s.unit_price), min(s.sold_at), max(s.sold_at) FROM sales s JOIN d_product p ON s.product_id = p.product_id GROUP BY CUBE (p.brand, s.channel);
