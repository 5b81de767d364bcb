-- dataset: basic
-- Aggregates over every type, with NULLs, empty inputs, DISTINCT and
-- FILTER, and GROUP BY on the small tables.

-- query: count_star_and_columns
SELECT count(*), count(id), count(k), count(b), count(t), count(vc), count(c), count(d), count(tz), count(bin) FROM alltypes;

-- query: count_distinct
SELECT count(DISTINCT k), count(DISTINCT grp), count(DISTINCT b), count(DISTINCT c), count(DISTINCT bin) FROM alltypes;

-- query: sum_each_numeric_type
SELECT sum(i2), sum(i4), sum(i8), sum(r4), sum(f8), sum(n12), sum(n) FROM alltypes;

-- query: sum_result_types
SELECT sum(i2), sum(i4), sum(i8), sum(r4), sum(n12), sum(n) FROM alltypes WHERE id < 4;

-- query: avg_each_numeric_type
SELECT avg(i2), avg(i4), avg(i8), avg(r4), avg(f8), avg(n12), avg(n) FROM alltypes WHERE id NOT IN (7, 8, 9);

-- query: min_max_each_type
SELECT min(i2), max(i2), min(i8), max(i8), min(r4), max(f8), min(n12), max(n), min(t), max(t), min(vc), max(c), min(d), max(d), min(ts), max(tz) FROM alltypes;

-- query: aggregates_on_empty_input
SELECT count(*), count(i4), sum(i4), avg(i4), min(t), max(d), bool_and(b), stddev(f8) FROM alltypes WHERE false;

-- query: aggregates_all_null_input
SELECT count(*), count(i4), sum(i4), avg(n), min(t), max(ts) FROM alltypes WHERE id = 4;

-- query: stddev_variance
SELECT stddev(i4), stddev_samp(i4), stddev_pop(i4), variance(i4), var_samp(i4), var_pop(i4) FROM alltypes WHERE id BETWEEN 11 AND 24;

-- query: stddev_variance_numeric
SELECT stddev(n12), variance(n12), stddev_pop(n), var_pop(n) FROM alltypes WHERE id NOT IN (7, 8);

-- query: stddev_variance_float
SELECT stddev(f8), variance(f8), stddev_pop(r4), var_samp(r4) FROM alltypes WHERE id NOT IN (7, 8, 9, 10);

-- query: stddev_single_row
SELECT stddev(i4), variance(i4), stddev_pop(i4), var_pop(i4) FROM alltypes WHERE id = 1;

-- query: sum_distinct_avg_distinct
SELECT sum(DISTINCT k), avg(DISTINCT k), count(DISTINCT k) FROM alltypes;

-- query: filter_clause
SELECT count(*) FILTER (WHERE b), count(*) FILTER (WHERE NOT b), sum(i4) FILTER (WHERE i4 > 0), avg(n12) FILTER (WHERE grp = 'z') FROM alltypes;

-- query: filter_guards_its_arguments
-- The arguments are computed only for rows that pass the FILTER.
SELECT count(100 / i4) FILTER (WHERE i4 <> 0), sum(100 / i2) FILTER (WHERE i2 <> 0), grp FROM alltypes GROUP BY grp;

-- query: filter_with_distinct
SELECT count(DISTINCT k) FILTER (WHERE grp IN ('x', 'y')), min(t) FILTER (WHERE t <> '') FROM alltypes;

-- query: group_by_text
SELECT grp, count(*), sum(i4), min(d), max(t) FROM alltypes GROUP BY grp;

-- query: group_by_two_columns
SELECT grp, b, count(*), sum(n12) FROM alltypes GROUP BY grp, b;

-- query: group_by_ordinal
SELECT grp, b, count(*) FROM alltypes GROUP BY 1, 2;

-- query: group_by_expression
SELECT i4 % 3, count(*) FROM alltypes GROUP BY i4 % 3;

-- query: group_by_expression_alias
SELECT extract(year FROM d) AS yr, count(*) FROM alltypes GROUP BY yr;

-- query: group_by_column_not_selected
SELECT count(*), sum(i4) FROM alltypes GROUP BY grp;

-- query: group_by_null_group
SELECT k, count(*) FROM alltypes GROUP BY k;

-- query: group_by_bool_and_date
SELECT b, date_trunc('year', d), count(*) FROM alltypes GROUP BY 1, 2;

-- query: group_by_char_padding
SELECT c, count(*) FROM alltypes GROUP BY c;

-- query: group_by_float_zero_signs
SELECT abs(f8), count(*) FROM specials GROUP BY abs(f8);

-- query: group_by_numeric_scales
SELECT count(*), min(n::text), max(n::text) FROM (VALUES (1.0), (1.00), (1), (2.50), (2.5)) AS v(n) GROUP BY n;

-- query: having
SELECT grp, count(*) FROM alltypes GROUP BY grp HAVING count(*) > 5;

-- query: having_on_aggregate_not_selected
SELECT grp FROM alltypes GROUP BY grp HAVING sum(i4) < 100;

-- query: having_without_group_by
SELECT count(*) FROM alltypes HAVING count(*) > 1;

-- query: having_false_without_group_by
SELECT sum(i4) FROM alltypes HAVING false;

-- query: aggregate_of_expression
SELECT sum(i4 * 2), avg(n12 + 1), max(length(t)), min(lower(t)) FROM alltypes;

-- query: expression_of_aggregates
SELECT sum(i4) * 2, count(*) + 1, max(i4) - min(i4), sum(n12) / count(n12) FROM alltypes;

-- query: aggregate_floats_specials
SELECT sum(f8), avg(f8), min(f8), max(f8), count(f8) FROM specials WHERE id <> 9;

-- query: aggregate_numeric_specials
SELECT sum(n), min(n), max(n), count(DISTINCT n) FROM specials;

-- query: max_of_floats_with_nan
SELECT max(f8), min(f8), max(r4) FROM specials;

-- query: count_distinct_floats_zero
SELECT count(DISTINCT f8), count(DISTINCT r4) FROM specials;

-- query: extremes_sum_avg
SELECT sum(i2), sum(i4), sum(i8), avg(i4), avg(i8), sum(n12) FROM extremes;

-- query: distinct_rows
SELECT DISTINCT grp, k FROM alltypes;

-- query: distinct_single_column_nulls
SELECT DISTINCT b FROM alltypes;

-- query: distinct_on_expression
SELECT DISTINCT extract(year FROM d) FROM alltypes;

-- query: distinct_char_padding
SELECT DISTINCT c FROM alltypes;

-- query: distinct_aggregates_see_sorted_input
-- PostgreSQL sorts a DISTINCT aggregate's input: string_agg lists the
-- values in order, and float sums and variances add them in it.
SELECT grp, string_agg(DISTINCT t, ','), sum(DISTINCT f8), variance(DISTINCT f8), count(DISTINCT t) FROM alltypes GROUP BY grp;

-- query: aggregates_without_from
-- A SELECT without FROM has one row to aggregate and window over.
SELECT count(*), max(1), sum(2), string_agg('x', ','), row_number() OVER ();

-- query: aggregates_without_from_filtered
SELECT count(*), max(1) WHERE false;

-- query: zero_column_derived_tables_keep_their_rows
SELECT (SELECT count(*) FROM (SELECT) s), (SELECT count(*) FROM (SELECT FROM alltypes) s), (SELECT count(*) FROM (SELECT FROM alltypes WHERE i4 > 0) s);

-- query: min_max_ties_take_the_later_value
-- Equal values that print differently: the later one wins, as in
-- PostgreSQL's numeric_smaller/larger.
SELECT min(x), max(x), min(i), max(i) FROM (VALUES (2.000::numeric, INTERVAL '1 mon'), (2.0, INTERVAL '30 days'), (3, INTERVAL '720 hours'), (3.00, INTERVAL '1 day')) v(x, i);

-- query: array_agg_ordered_with_nulls
SELECT grp, array_agg(k ORDER BY id), array_agg(id ORDER BY id DESC) FROM alltypes GROUP BY grp ORDER BY grp;

-- query: array_agg_text_quoting
SELECT array_agg(t ORDER BY id), array_agg(vc ORDER BY id) FROM alltypes;

-- query: array_agg_element_types
SELECT array_agg(n12 ORDER BY id), array_agg(c ORDER BY id), array_agg(d ORDER BY id), array_agg(b ORDER BY id DESC), array_agg(i8 ORDER BY id), array_agg(bin ORDER BY id) FROM alltypes WHERE id < 10;

-- query: array_agg_distinct_keeps_one_null
SELECT array_agg(DISTINCT k), array_agg(DISTINCT grp), array_agg(DISTINCT b) FROM alltypes;

-- query: array_agg_empty_input
SELECT array_agg(k), array_agg(k ORDER BY id) FROM alltypes WHERE false;

-- query: array_agg_filter_and_nulls_first
SELECT array_agg(id ORDER BY i4 NULLS FIRST) FILTER (WHERE id < 9) FROM alltypes;

-- query: array_agg_single_row_groups
SELECT id, array_agg(t), array_agg(f8) FROM alltypes GROUP BY id ORDER BY id;

-- query: array_agg_subscript_and_length
SELECT grp, (array_agg(id ORDER BY id))[1], array_length(array_agg(id), 1) FROM alltypes GROUP BY grp ORDER BY grp;

-- query: array_agg_compared_with_untyped_literal
-- Arrays are held as text; they must still compare as arrays (16 > 5).
SELECT grp, array_agg(id ORDER BY id) > '{5}', array_agg(id ORDER BY id) = '{1,2,3}', array_agg(id ORDER BY id) <= '{10,11}' FROM alltypes GROUP BY grp ORDER BY grp;
