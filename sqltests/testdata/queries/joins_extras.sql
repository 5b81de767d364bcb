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
