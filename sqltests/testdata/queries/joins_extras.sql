-- dataset: joins
-- Join syntax beyond the list in issue 4: USING and NATURAL joins.

-- query: join_using
SELECT k, l.id, r.id FROM l JOIN r USING (k);

-- query: join_using_two_columns
SELECT k, k2, l.lv, r.rv FROM l JOIN r USING (k, k2);

-- query: full_join_using_coalesces_key
SELECT k, l.id, r.id FROM l FULL JOIN r USING (k);

-- query: natural_join
SELECT * FROM one NATURAL JOIN dup;

-- query: full_join_using_merged_type
-- The merged column is of both sides' common type (integer with bigint
-- is bigint; numeric(6,2) with numeric is numeric, each value keeping its
-- scale).
SELECT k, pg_typeof(k), rv FROM (SELECT k, rv FROM r) a FULL JOIN (SELECT k, k::numeric / 4 AS rv FROM wide) b USING (k, rv);

-- query: right_join_using_int_bigint
SELECT k, l.id, wide.id FROM l RIGHT JOIN wide USING (k);

-- query: join_alias_qualifies_merged_column
SELECT j.k, j.lv, j.rv FROM (l FULL JOIN r USING (k)) AS j;

-- query: join_alias_star
SELECT j.* FROM (l FULL JOIN r USING (k2, k)) AS j;

-- query: join_alias_column_aliases
SELECT * FROM (l LEFT JOIN r USING (k)) AS j(kk, lid, lk2, llv);

-- query: join_alias_column_aliases_on
SELECT a, b, e FROM (l JOIN r ON l.k = r.k) AS j(a, b, c, d, e);

-- query: join_alias_hides_table_names
-- error 42P01
SELECT l.id FROM (l JOIN r USING (k)) AS j;

-- query: join_alias_too_many_column_aliases
-- error 42P10
SELECT * FROM (l JOIN one USING (id, k)) AS j(a, b, c, d, e, f, g, h, i);

-- query: join_alias_joined_again
SELECT j.k, d.v FROM (l JOIN r USING (k)) AS j JOIN dup d USING (k);

-- query: qualified_star_keeps_using_column
SELECT r.*, l.* FROM l JOIN r USING (k);

-- query: qualified_star_keeps_using_columns_full_join
SELECT r.* FROM l FULL JOIN r USING (k2, k);

-- query: subquery_reads_merged_using_column
SELECT k, (SELECT k + 100), (SELECT count(*) FROM dup d WHERE d.k = k) FROM l FULL JOIN r USING (k);

-- query: subquery_reads_join_alias_merged_column
SELECT (SELECT j.k) FROM (l FULL JOIN r USING (k)) AS j;

-- query: lateral_reads_merged_using_column
SELECT l.id, x.v FROM l FULL JOIN r USING (k), LATERAL (SELECT k * 2 AS v) x;
