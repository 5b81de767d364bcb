-- dataset: basic
-- ORDER BY (ASC/DESC, NULLS FIRST/LAST, ordinals, aliases, expressions),
-- LIMIT/OFFSET and FETCH FIRST. Every ordered query orders by a unique key
-- in the end, so the order is fully determined.

-- query: order_by_int_asc
SELECT id, i4 FROM alltypes ORDER BY i4, id;

-- query: order_by_int_desc
SELECT id, i4 FROM alltypes ORDER BY i4 DESC, id;

-- query: order_by_nulls_first
SELECT id, k FROM alltypes ORDER BY k NULLS FIRST, id;

-- query: order_by_desc_nulls_last
SELECT id, k FROM alltypes ORDER BY k DESC NULLS LAST, id DESC;

-- query: order_by_asc_nulls_last_explicit
SELECT id, b FROM alltypes ORDER BY b ASC NULLS LAST, id;

-- query: order_by_desc_default_nulls_first
SELECT id, b FROM alltypes ORDER BY b DESC, id;

-- query: order_by_text
SELECT id, t FROM alltypes ORDER BY t, id;

-- query: order_by_text_desc
SELECT id, t FROM alltypes ORDER BY t DESC NULLS LAST, id;

-- query: order_by_varchar_char
SELECT id, vc, c FROM alltypes ORDER BY c, vc, id;

-- query: order_by_numeric
SELECT id, n FROM alltypes ORDER BY n, id;

-- query: order_by_numeric12_desc
SELECT id, n12 FROM alltypes ORDER BY n12 DESC, id;

-- query: order_by_real
SELECT id, r4 FROM alltypes ORDER BY r4, id;

-- query: order_by_double
SELECT id, f8 FROM alltypes ORDER BY f8 DESC, id;

-- query: order_by_float_specials
SELECT id, label, f8 FROM specials ORDER BY f8, id;

-- query: order_by_float_specials_desc
SELECT id, label, r4 FROM specials ORDER BY r4 DESC NULLS LAST, id;

-- query: order_by_numeric_specials
SELECT id, label, n FROM specials ORDER BY n, id;

-- query: order_by_bool
SELECT id, b FROM alltypes ORDER BY b, id;

-- query: order_by_date
SELECT id, d FROM alltypes ORDER BY d, id;

-- query: order_by_timestamp_desc
SELECT id, ts FROM alltypes ORDER BY ts DESC, id;

-- query: order_by_bytea
SELECT id, bin FROM alltypes ORDER BY bin, id;

-- query: order_by_ordinal
SELECT grp, id FROM alltypes ORDER BY 1, 2 DESC;

-- query: order_by_alias
SELECT id, i4 * -1 AS neg FROM alltypes ORDER BY neg, id;

-- query: order_by_expression_not_selected
SELECT id FROM alltypes ORDER BY abs(i4) DESC NULLS LAST, id;

-- query: order_by_column_not_selected
SELECT t FROM alltypes ORDER BY id DESC;

-- query: order_by_case
SELECT id, grp FROM alltypes ORDER BY CASE grp WHEN 'z' THEN 0 WHEN 'x' THEN 1 ELSE 2 END, id;

-- query: order_by_mixed_directions
SELECT grp, k, id FROM alltypes ORDER BY grp DESC, k ASC NULLS FIRST, id DESC;

-- query: limit
SELECT id, t FROM alltypes ORDER BY id LIMIT 5;

-- query: limit_offset
SELECT id, t FROM alltypes ORDER BY id LIMIT 5 OFFSET 3;

-- query: offset_only
SELECT id FROM alltypes ORDER BY id OFFSET 20;

-- query: offset_past_end
SELECT id FROM alltypes ORDER BY id OFFSET 100;

-- query: limit_zero
SELECT id FROM alltypes ORDER BY id LIMIT 0;

-- query: limit_null_is_no_limit
SELECT id FROM alltypes ORDER BY id LIMIT NULL;

-- query: limit_all
SELECT id FROM alltypes ORDER BY id LIMIT ALL;

-- query: limit_larger_than_table
SELECT id FROM extremes ORDER BY id LIMIT 100;

-- query: fetch_first
SELECT id, t FROM alltypes ORDER BY id FETCH FIRST 3 ROWS ONLY;

-- query: fetch_first_default_one
SELECT id FROM alltypes ORDER BY id DESC FETCH FIRST ROW ONLY;

-- query: offset_fetch
SELECT id FROM alltypes ORDER BY id OFFSET 2 ROWS FETCH NEXT 4 ROWS ONLY;

-- query: limit_without_order_on_aggregate
SELECT count(*) FROM alltypes LIMIT 1;

-- query: top_n_desc
SELECT id, n12 FROM alltypes WHERE n12 IS NOT NULL ORDER BY n12 DESC, id LIMIT 3;

-- query: order_by_after_where_and_limit
SELECT id, i4 FROM alltypes WHERE grp IN ('x', 'z') ORDER BY i4 DESC NULLS LAST, id LIMIT 4;

-- query: order_by_distinct
SELECT DISTINCT grp FROM alltypes ORDER BY grp NULLS FIRST;

-- query: order_by_group_by_aggregate
SELECT grp, count(*) AS n FROM alltypes GROUP BY grp ORDER BY n DESC, grp;

-- query: order_by_aggregate_not_selected
SELECT grp FROM alltypes GROUP BY grp ORDER BY sum(i4) NULLS FIRST, grp;

-- query: order_by_unicode_text
SELECT t FROM alltypes WHERE t IS NOT NULL ORDER BY t DESC;

-- query: order_by_tz
SELECT id, tz FROM alltypes ORDER BY tz, id;

-- query: order_by_using
SELECT id, i4 FROM alltypes ORDER BY i4 USING >, id USING <;

-- query: order_by_using_not_an_ordering_operator
-- error 42809
SELECT id FROM alltypes ORDER BY i4 USING <=;

-- query: distinct_order_by_select_list_expression
-- An ORDER BY expression written as in the select list is that column.
SELECT DISTINCT lower(t), COALESCE(grp, '-') FROM alltypes ORDER BY COALESCE(grp, '-'), lower(t);

-- query: distinct_order_by_other_expression
-- error 42P10
SELECT DISTINCT i4 FROM alltypes ORDER BY i4 + 1;

-- query: distinct_on_first_per_group
SELECT DISTINCT ON (grp) grp, id, t FROM alltypes ORDER BY grp, id DESC;

-- query: distinct_on_nulls_first_limit_offset
SELECT DISTINCT ON (grp) grp, id FROM alltypes ORDER BY grp NULLS FIRST, id LIMIT 3 OFFSET 1;

-- query: distinct_on_hidden_expression
SELECT DISTINCT ON (k % 3) id, k FROM alltypes WHERE k IS NOT NULL ORDER BY k % 3, id;

-- query: distinct_on_ordinal_and_name
SELECT DISTINCT ON (1, kk) grp, k AS kk, id FROM alltypes ORDER BY 1, kk DESC, id;

-- query: distinct_on_order_by_in_other_order
SELECT DISTINCT ON (grp, b) grp, b, id FROM alltypes ORDER BY b DESC, grp, id;

-- query: distinct_on_without_order_by
SELECT DISTINCT ON (grp) grp FROM alltypes;

-- query: distinct_on_order_by_shorter
SELECT DISTINCT ON (grp, k) grp, k FROM alltypes ORDER BY grp;

-- query: distinct_on_numeric_scales_equal
SELECT DISTINCT ON (n) n, id FROM alltypes WHERE n IN (1, 15, 16, 2.5, -2.5) ORDER BY n, id DESC;

-- query: distinct_on_grouped
SELECT DISTINCT ON (grp) grp, k, count(*) FROM alltypes GROUP BY grp, k ORDER BY grp, count(*) DESC, k;

-- query: distinct_on_with_window
SELECT DISTINCT ON (grp) grp, id, row_number() OVER (PARTITION BY grp ORDER BY id) AS rn FROM alltypes ORDER BY grp, id DESC;

-- query: distinct_on_in_subquery
SELECT count(*), sum(id) FROM (SELECT DISTINCT ON (grp) grp, id FROM alltypes ORDER BY grp, id) s;

-- query: order_by_name_of_repeated_same_column
SELECT id, k, k, id FROM alltypes ORDER BY k, id;

-- query: order_by_star_and_column_again
SELECT *, id FROM alltypes WHERE id < 6 ORDER BY id;

-- query: distinct_on_repeated_column
SELECT DISTINCT ON (grp) grp, grp, id FROM alltypes ORDER BY grp, id;

-- query: distinct_on_qualified_order_by_bare
SELECT DISTINCT ON (a.grp) grp, id FROM alltypes a ORDER BY grp, id DESC;

-- query: distinct_order_by_qualified_output
SELECT DISTINCT grp FROM alltypes a ORDER BY a.grp;
