-- dataset: joins
-- Join kinds and their edge cases: no matches, many-to-many, NULL keys
-- (which never match), empty and one-row tables, multi-column keys, join
-- conditions that are not equalities, and USING/NATURAL.

-- query: inner_join
SELECT l.id, r.id, l.k FROM l JOIN r ON l.k = r.k;

-- query: inner_join_keyword
SELECT l.id, r.id FROM l INNER JOIN r ON l.k = r.k;

-- query: left_join
SELECT l.id, l.k, r.id, r.rv FROM l LEFT JOIN r ON l.k = r.k;

-- query: left_outer_join_keyword
SELECT l.id, r.id FROM l LEFT OUTER JOIN r ON l.k = r.k;

-- query: right_join
SELECT l.id, r.id, r.k FROM l RIGHT JOIN r ON l.k = r.k;

-- query: full_join
SELECT l.id, l.k, r.id, r.k FROM l FULL JOIN r ON l.k = r.k;

-- query: full_outer_join_keyword
SELECT l.id, r.id FROM l FULL OUTER JOIN r ON l.k = r.k;

-- query: cross_join
SELECT l.id, r.id FROM l CROSS JOIN r;

-- query: comma_join_with_where
SELECT l.id, r.id FROM l, r WHERE l.k = r.k;

-- query: comma_join_cartesian
SELECT l.id, one.v FROM l, one;

-- query: comma_join_three_tables
SELECT l.id, r.id, one.v FROM l, r, one WHERE l.k = r.k AND r.k = one.k;

-- query: join_null_keys_never_match
SELECT l.id, r.id FROM l JOIN r ON l.k = r.k WHERE l.k IS NULL OR r.k IS NULL;

-- query: join_is_not_distinct_from_matches_nulls
SELECT l.id, r.id FROM l JOIN r ON l.k IS NOT DISTINCT FROM r.k;

-- query: many_to_many_count
SELECT l.k, count(*) FROM l JOIN r ON l.k = r.k GROUP BY l.k;

-- query: multi_column_key
SELECT l.id, r.id FROM l JOIN r ON l.k = r.k AND l.k2 = r.k2;

-- query: multi_column_key_left
SELECT l.id, r.id FROM l LEFT JOIN r ON l.k = r.k AND l.k2 = r.k2;

-- query: join_select_star
SELECT * FROM l JOIN r ON l.k = r.k;

-- query: left_join_star_qualified
SELECT r.*, l.lv FROM l LEFT JOIN r ON l.k = r.k;

-- query: join_non_equi
SELECT l.id, r.id FROM l JOIN r ON l.k < r.k;

-- query: join_between
SELECT l.id, r.id FROM l JOIN r ON r.k BETWEEN l.k - 1 AND l.k + 1;

-- query: join_or_condition
SELECT l.id, r.id FROM l JOIN r ON l.k = r.k OR l.k2 = r.k2;

-- query: join_with_filter_in_on
SELECT l.id, r.id FROM l LEFT JOIN r ON l.k = r.k AND r.rv > 0;

-- query: join_with_filter_in_where
SELECT l.id, r.id FROM l LEFT JOIN r ON l.k = r.k WHERE r.rv > 0;

-- query: left_join_anti_pattern
SELECT l.id FROM l LEFT JOIN r ON l.k = r.k WHERE r.id IS NULL;

-- query: right_join_anti_pattern
SELECT r.id FROM l RIGHT JOIN r ON l.k = r.k WHERE l.id IS NULL;

-- query: full_join_unmatched_both_sides
SELECT l.id, r.id FROM l FULL JOIN r ON l.k = r.k WHERE l.id IS NULL OR r.id IS NULL;

-- query: join_empty_inner
SELECT l.id, e.v FROM l JOIN empty e ON l.k = e.k;

-- query: join_empty_left
SELECT l.id, e.v FROM l LEFT JOIN empty e ON l.k = e.k;

-- query: join_empty_right
SELECT l.id, e.v FROM l RIGHT JOIN empty e ON l.k = e.k;

-- query: join_empty_full
SELECT l.id, e.id FROM l FULL JOIN empty e ON l.k = e.k;

-- query: empty_left_join_table
SELECT e.id, l.id FROM empty e LEFT JOIN l ON l.k = e.k;

-- query: cross_join_empty
SELECT l.id FROM l CROSS JOIN empty;

-- query: join_on_true
SELECT one.id, dup.k FROM one JOIN dup ON true;

-- query: join_on_false_left
SELECT l.id, r.id FROM l LEFT JOIN r ON false;

-- query: self_join
SELECT a.id, b.id FROM l a JOIN l b ON a.k = b.k AND a.id < b.id;

-- query: three_way_left_joins
SELECT l.id, r.id, d.v FROM l LEFT JOIN r ON l.k = r.k LEFT JOIN dup d ON d.k = r.k;

-- query: mixed_inner_left_chain
SELECT l.id, r.id, o.v FROM l JOIN r ON l.k = r.k LEFT JOIN one o ON o.k = l.k;

-- query: parenthesized_join
SELECT l.id, x.rid FROM l LEFT JOIN (SELECT r.id AS rid, r.k FROM r JOIN one ON one.k = r.k) x ON x.k = l.k;

-- query: join_duplicates
SELECT d1.v, d2.v FROM dup d1 JOIN dup d2 ON d1.k = d2.k;

-- query: join_duplicates_count
SELECT d1.k, count(*) FROM dup d1 JOIN dup d2 ON d1.k = d2.k GROUP BY d1.k;

-- query: join_text_keys
SELECT l.id, r.id FROM l JOIN r ON l.k2 = r.k2;

-- query: join_on_expression
SELECT l.id, r.id FROM l JOIN r ON l.k + 1 = r.k;

-- query: join_int_numeric_keys
SELECT l.id, r.id FROM l JOIN r ON l.k = r.rv;

-- query: join_aggregate_per_side
SELECT l.k2, count(r.id), sum(r.rv), count(*) FROM l LEFT JOIN r ON l.k = r.k GROUP BY l.k2;

-- query: join_same_column_names_aliased
SELECT l.note AS lnote, r.note AS rnote, l.id AS lid, r.id AS rid FROM l FULL JOIN r ON l.id + 9 = r.id;

-- query: join_ordered
SELECT l.id, r.id FROM l FULL JOIN r ON l.k = r.k ORDER BY l.id NULLS FIRST, r.id NULLS FIRST;

-- query: distinct_over_join
SELECT DISTINCT l.k FROM l JOIN r ON l.k = r.k;

-- query: left_join_coalesce
SELECT l.id, COALESCE(r.rv, 0) FROM l LEFT JOIN r ON l.k = r.k;

-- query: join_lateral_free_subquery_in_from
SELECT x.k, x.n FROM (SELECT k, count(*) AS n FROM dup GROUP BY k) x JOIN one ON true;

-- query: ambiguous_column_in_join
-- error 42702
SELECT k FROM l JOIN r ON l.k = r.k;

-- query: ambiguous_note
-- error 42702
SELECT l.id FROM l JOIN r ON l.id = r.id WHERE note = 'left';

-- query: missing_table_alias
-- error 42P01
SELECT l.id FROM l AS x;

-- query: full_join_non_equi
SELECT l.id, r.id FROM l FULL JOIN r ON l.k = r.k AND l.k2 = r.k2;

-- query: join_count_all_kinds
SELECT (SELECT count(*) FROM l JOIN r ON l.k = r.k) AS inner_n, (SELECT count(*) FROM l LEFT JOIN r ON l.k = r.k) AS left_n, (SELECT count(*) FROM l RIGHT JOIN r ON l.k = r.k) AS right_n, (SELECT count(*) FROM l FULL JOIN r ON l.k = r.k) AS full_n;

-- query: join_int4_int8
-- Integer keys of different widths: a hash join on the values.
SELECT l.id, wide.id FROM l JOIN wide ON l.k = wide.k;

-- query: join_int8_int4_where
SELECT w.id, l.id FROM wide w, l WHERE w.k = l.k AND w.id > 100;

-- query: left_join_int8_int4
SELECT wide.id, l.id FROM wide LEFT JOIN l ON wide.k = l.k;

-- query: full_join_int4_int8
SELECT l.id, w.id FROM l FULL JOIN wide w ON l.k = w.k;

-- query: join_int2_int4_int8_two_keys
SELECT l.id, w.id FROM l JOIN wide w ON l.k = w.k AND w.s = l.k;

-- query: join_int2_int4_two_keys_mixed_types
SELECT l.id, w.id, r.id FROM l JOIN wide w ON w.s = l.k JOIN r ON r.k = w.k AND r.k2 = l.k2;

-- query: join_text_varchar
-- varchar and char(n) keys against text: char(n) compares without its
-- trailing spaces, varchar with them.
SELECT l.id, w.id FROM l JOIN wide w ON l.k2 = w.tv;

-- query: join_text_char
SELECT l.id, w.id FROM l JOIN wide w ON l.k2 = w.tc;

-- query: left_join_varchar_text_two_keys
SELECT w.id, l.id FROM wide w LEFT JOIN l ON w.tv = l.k2 AND w.k = l.k;

-- query: join_varchar_char
SELECT a.id, b.id FROM wide a JOIN wide b ON a.tv = b.tc;

-- query: join_char_varchar
SELECT a.id, b.id FROM wide a JOIN wide b ON a.tc = b.tv;

-- query: join_char_text
SELECT l.id, w.id FROM l JOIN wide w ON w.tc = l.k2;

-- query: compare_string_types_both_orders
-- varchar against char(n) compares as char(n), text against either as
-- text, whichever side each is on.
SELECT id, tv = tc, tc = tv, tv < tc, tc::text = tv::text, tc = tv::text, tv::text = tc, tc > 'a'::text
FROM wide ORDER BY id;

-- query: common_string_type_union_case_coalesce
-- Set operations, CASE and COALESCE meet at the first string type
-- (pg_typeof shows which): varchar and char(n) convert to each other, so
-- neither is preferred, and text, the preferred one, does not win over
-- either.
SELECT pg_typeof(x)::text, x FROM (SELECT tv AS x FROM wide UNION SELECT tc FROM wide) s ORDER BY 2;

-- query: common_string_type_text_wins
SELECT pg_typeof(x)::text, x FROM (SELECT tv AS x FROM wide UNION SELECT k2 FROM l) s ORDER BY 2;

-- query: common_string_type_case_coalesce
-- CASE takes its ELSE result's type first.
SELECT w.id, pg_typeof(CASE WHEN w.id > 103 THEN tv ELSE l.k2 END)::text, CASE WHEN w.id > 103 THEN tv ELSE l.k2 END,
  pg_typeof(CASE WHEN w.id > 103 THEN tv ELSE tc END)::text, CASE WHEN w.id > 103 THEN tv ELSE tc END,
  pg_typeof(coalesce(tc, tv))::text, coalesce(tc, tv)
FROM wide w LEFT JOIN l ON l.id = w.id - 100 ORDER BY w.id;
