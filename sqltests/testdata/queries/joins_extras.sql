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
