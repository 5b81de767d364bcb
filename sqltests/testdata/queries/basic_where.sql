-- dataset: basic
-- WHERE: every comparison operator on every type, NULL logic, IS [NOT]
-- DISTINCT FROM, IN, BETWEEN, LIKE and ILIKE.

-- query: eq_int
SELECT id FROM alltypes WHERE i4 = 42;

-- query: ne_int
SELECT id FROM alltypes WHERE i4 <> 42;

-- query: ne_bang_int
SELECT id FROM alltypes WHERE i4 != 42;

-- query: lt_int
SELECT id FROM alltypes WHERE i4 < 0;

-- query: le_int
SELECT id FROM alltypes WHERE i4 <= 0;

-- query: gt_int
SELECT id FROM alltypes WHERE i4 > 15;

-- query: ge_int
SELECT id FROM alltypes WHERE i4 >= 15;

-- query: smallint_vs_bigint
SELECT id FROM alltypes WHERE i2 = i8;

-- query: int_vs_numeric
SELECT id FROM alltypes WHERE i4 = n12;

-- query: int_vs_float
SELECT id FROM alltypes WHERE i4 < f8;

-- query: bigint_literal
SELECT id FROM alltypes WHERE i8 > 4000000000;

-- query: numeric_eq_scales
SELECT id FROM alltypes WHERE n = 2.5;

-- query: numeric_lt
SELECT id, n FROM alltypes WHERE n < 0;

-- query: numeric12_range
SELECT id FROM alltypes WHERE n12 >= -10.5 AND n12 < 20;

-- query: real_eq
SELECT id FROM alltypes WHERE r4 = 0.25;

-- query: float_gt
SELECT id FROM alltypes WHERE f8 > 100;

-- query: float_eq_decimal_literal
SELECT id FROM alltypes WHERE f8 = 0.1;

-- query: text_eq
SELECT id FROM alltypes WHERE t = 'alpha';

-- query: text_eq_empty
SELECT id FROM alltypes WHERE t = '';

-- query: text_lt
SELECT id, t FROM alltypes WHERE t < 'b';

-- query: text_ge_unicode
SELECT id, t FROM alltypes WHERE t >= 'z';

-- query: text_eq_quote
SELECT id FROM alltypes WHERE t = 'O''Brien';

-- query: text_eq_string_null
SELECT id FROM alltypes WHERE t = 'NULL';

-- query: varchar_eq
SELECT id FROM alltypes WHERE vc = 'short';

-- query: char_eq_ignores_padding
SELECT id, c FROM alltypes WHERE c = 'ab';

-- query: char_eq_padded_literal
SELECT id FROM alltypes WHERE c = 'ab   ';

-- query: char_lt
SELECT id FROM alltypes WHERE c < 'b';

-- query: bool_column
SELECT id FROM alltypes WHERE b;

-- query: not_bool_column
SELECT id FROM alltypes WHERE NOT b;

-- query: bool_eq_false
SELECT id FROM alltypes WHERE b = false;

-- query: is_true
SELECT id FROM alltypes WHERE b IS TRUE;

-- query: is_not_true
SELECT id FROM alltypes WHERE b IS NOT TRUE;

-- query: is_false
SELECT id FROM alltypes WHERE b IS FALSE;

-- query: is_not_false
SELECT id FROM alltypes WHERE b IS NOT FALSE;

-- query: is_unknown
SELECT id FROM alltypes WHERE b IS UNKNOWN;

-- query: is_null_each_type
SELECT id FROM alltypes WHERE i2 IS NULL OR r4 IS NULL OR n IS NULL OR t IS NULL OR d IS NULL OR tz IS NULL OR bin IS NULL;

-- query: is_not_null
SELECT id FROM alltypes WHERE vc IS NOT NULL AND c IS NOT NULL;

-- query: isnull_notnull_keywords
SELECT id FROM alltypes WHERE k ISNULL OR b NOTNULL;

-- query: null_comparison_is_unknown
SELECT id FROM alltypes WHERE i4 = NULL OR NOT (i4 <> NULL);

-- query: and_or_precedence
SELECT id FROM alltypes WHERE grp = 'x' OR grp = 'y' AND i4 > 20;

-- query: parenthesized_or
SELECT id FROM alltypes WHERE (grp = 'x' OR grp = 'y') AND i4 > 5;

-- query: not_with_nulls
SELECT id FROM alltypes WHERE NOT (i4 > 10);

-- query: is_distinct_from
SELECT id FROM alltypes WHERE k IS DISTINCT FROM 1;

-- query: is_not_distinct_from
SELECT id FROM alltypes WHERE k IS NOT DISTINCT FROM NULL;

-- query: is_distinct_from_columns
SELECT id FROM alltypes WHERE i2 IS DISTINCT FROM i4;

-- query: is_not_distinct_from_columns
SELECT id FROM alltypes WHERE i4 IS NOT DISTINCT FROM i8;

-- query: in_list_int
SELECT id FROM alltypes WHERE i4 IN (1, 5, 7, 42, 1000);

-- query: in_list_text
SELECT id FROM alltypes WHERE t IN ('alpha', 'Beta', 'nope', '');

-- query: in_list_with_null
SELECT id FROM alltypes WHERE k IN (1, NULL);

-- query: not_in_list
SELECT id FROM alltypes WHERE k NOT IN (1, 2, 3);

-- query: not_in_list_with_null
SELECT id FROM alltypes WHERE k NOT IN (1, NULL);

-- query: in_list_dates
SELECT id FROM alltypes WHERE d IN ('2024-02-29', '2000-02-29', DATE '2100-02-28');

-- query: between_int
SELECT id FROM alltypes WHERE i4 BETWEEN 5 AND 20;

-- query: not_between
SELECT id FROM alltypes WHERE i4 NOT BETWEEN 5 AND 20;

-- query: between_reversed_bounds
SELECT id FROM alltypes WHERE i4 BETWEEN 20 AND 5;

-- query: between_symmetric
SELECT id FROM alltypes WHERE i4 BETWEEN SYMMETRIC 20 AND 5;

-- query: between_dates
SELECT id FROM alltypes WHERE d BETWEEN DATE '2024-01-01' AND DATE '2024-03-01';

-- query: between_timestamps
SELECT id FROM alltypes WHERE ts BETWEEN '2023-12-31 23:59:59' AND '2024-01-01 00:00:00';

-- query: between_text
SELECT id FROM alltypes WHERE t BETWEEN 'a' AND 'e';

-- query: like_prefix
SELECT id FROM alltypes WHERE t LIKE 'a%';

-- query: like_suffix
SELECT id FROM alltypes WHERE t LIKE '%a';

-- query: like_contains
SELECT id FROM alltypes WHERE t LIKE '%e%';

-- query: like_underscore
SELECT id FROM alltypes WHERE t LIKE '_eta';

-- query: like_exact
SELECT id FROM alltypes WHERE t LIKE 'zeta';

-- query: like_escaped_percent
SELECT id FROM alltypes WHERE t LIKE '%\%';

-- query: like_escaped_underscore
SELECT id FROM alltypes WHERE t LIKE '%\_%';

-- query: like_custom_escape
SELECT id FROM alltypes WHERE t LIKE '100#%' ESCAPE '#';

-- query: like_unicode
SELECT id FROM alltypes WHERE t LIKE '%ö%';

-- query: like_newline
SELECT id FROM alltypes WHERE t LIKE 'line1_line2';

-- query: not_like
SELECT id FROM alltypes WHERE t NOT LIKE '%a%';

-- query: ilike
SELECT id FROM alltypes WHERE t ILIKE '%GAM%' OR t ILIKE 'beta';

-- query: not_ilike
SELECT id FROM alltypes WHERE t NOT ILIKE '%a%';

-- query: ilike_unicode
SELECT id FROM alltypes WHERE t ILIKE '%straße%' OR t ILIKE 'ångström';

-- query: like_operators
SELECT id FROM alltypes WHERE t ~~ 'a%' OR t ~~* 'B%';

-- query: like_on_varchar_and_char
SELECT id FROM alltypes WHERE vc LIKE 'a%' OR c LIKE 'a%';

-- query: date_comparisons
SELECT id FROM alltypes WHERE d > '2024-02-28' AND d <= '2024-12-31';

-- query: date_vs_timestamp
SELECT id FROM alltypes WHERE d < TIMESTAMP '2024-02-29 00:00:01';

-- query: timestamp_gt
SELECT id FROM alltypes WHERE ts > '2024-01-01';

-- query: timestamptz_lt
SELECT id FROM alltypes WHERE tz < '2024-01-01 00:00:00+00';

-- query: timestamptz_eq_other_zone
SELECT id FROM alltypes WHERE tz = '2024-02-29 12:00:00+05:30';

-- query: timestamp_vs_timestamptz
SELECT id FROM alltypes WHERE ts = tz;

-- query: bytea_eq
SELECT id FROM alltypes WHERE bin = '\xdeadbeef';

-- query: bytea_lt
SELECT id FROM alltypes WHERE bin < '\x10';

-- query: where_on_expression
SELECT id FROM alltypes WHERE i4 * 2 + 1 > 30;

-- query: where_const_true
SELECT id FROM extremes WHERE 1 = 1;

-- query: where_null
SELECT id FROM extremes WHERE NULL;

-- query: float_nan_eq
SELECT id, label FROM specials WHERE f8 = 'NaN';

-- query: float_gt_infinity_filter
SELECT id, label FROM specials WHERE f8 > 1e300;

-- query: float_zero_eq_minus_zero
SELECT id, label FROM specials WHERE f8 = 0;

-- query: numeric_nan_and_inf
SELECT id, label FROM specials WHERE n > 1000 OR n = 'NaN';

-- query: row_equality_and_in_lists
SELECT id FROM alltypes WHERE (grp, k) = ('x', 1) OR (grp, k) IN (('y', 3), ('z', 5), (NULL, 5)) ORDER BY id;

-- query: row_comparisons_with_nulls
SELECT id, (k, i4) < (3, 0), (k, i4) >= (2, 7), (grp, k) <> ('x', 1), (grp, b) IS DISTINCT FROM ('x', true), ROW(k, t) <= ROW(4, 'delta') FROM alltypes ORDER BY id;

-- query: row_not_in
SELECT id FROM alltypes WHERE (grp, k) NOT IN (('x', 1), ('y', 2)) ORDER BY id;

-- query: row_in_subquery_with_nulls
SELECT id, (grp, k) IN (SELECT grp, k FROM alltypes WHERE id > 10), (grp, k) NOT IN (SELECT grp, k FROM alltypes WHERE id BETWEEN 3 AND 6) FROM alltypes ORDER BY id;

-- query: row_in_subquery_mixed_types
SELECT id FROM alltypes WHERE (k, i8) IN (SELECT i2, i4 FROM alltypes WHERE id < 10) ORDER BY id;

-- query: row_in_correlated_subquery
SELECT id FROM alltypes a WHERE (a.k, a.id) IN (SELECT b.k, b.id FROM alltypes b WHERE b.grp = a.grp) ORDER BY id;

-- query: and_with_all_null_comparison
-- An all-NULL comparison inside AND once read past its bitmap (connection closed).
SELECT count(*) FROM alltypes WHERE i2 < NULL::int AND b;

-- query: or_and_with_all_null_comparison
SELECT count(*) FROM alltypes WHERE (b AND i4 > NULL::int) OR k = 1;

-- query: grouped_subquery_having_outer_column
SELECT id FROM alltypes x WHERE EXISTS (SELECT grp FROM alltypes GROUP BY grp HAVING grp = x.grp) ORDER BY id;
