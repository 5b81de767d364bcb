-- dataset: basic
-- Errors: Lattice must fail with the SQLSTATE PostgreSQL gives. The code
-- after "-- error" is checked against PostgreSQL; Lattice is compared with
-- PostgreSQL's actual answer.

-- query: div_zero_int
-- error 22012
SELECT 1 / 0;

-- query: div_zero_column
-- error 22012
SELECT id, 100 / i4 FROM alltypes;

-- query: div_zero_numeric
-- error 22012
SELECT 1.5 / 0;

-- query: div_zero_float
-- error 22012
SELECT 1::float8 / 0;

-- query: div_zero_modulo
-- error 22012
SELECT 5 % 0;

-- query: div_zero_mod_function
-- error 22012
SELECT mod(i4, 0) FROM alltypes;

-- query: div_zero_in_where
-- error 22012
SELECT id FROM alltypes WHERE 10 / (i2 - i2) > 1;

-- query: div_zero_avoided_by_nullif
SELECT id, 100 / NULLIF(i4, 0) FROM alltypes;

-- query: div_zero_avoided_by_case
SELECT id, CASE WHEN i4 = 0 THEN NULL ELSE 100 / i4 END FROM alltypes;

-- query: overflow_smallint_add
-- error 22003
SELECT i2 + 1::smallint FROM extremes;

-- query: overflow_int_mul
-- error 22003
SELECT i4 * 2 FROM extremes;

-- query: overflow_int_add
-- error 22003
SELECT i4 + 1 FROM extremes;

-- query: overflow_bigint
-- error 22003
SELECT i8 + 1 FROM extremes;

-- query: overflow_bigint_mul
-- error 22003
SELECT i8 * 2 FROM extremes;

-- query: overflow_int_negate_min
-- error 22003
SELECT -i4 FROM extremes;

-- query: overflow_abs_min_int
-- error 22003
SELECT abs(i4) FROM extremes;

-- query: overflow_int_div_min_by_minus_one
-- error 22003
SELECT i4 / -1 FROM extremes;

-- query: overflow_int_literal
-- error 22003
SELECT 2147483648::int;

-- query: overflow_cast_to_smallint
-- error 22003
SELECT i4::smallint FROM extremes;

-- query: overflow_cast_numeric_to_int
-- error 22003
SELECT 1e10::int;

-- query: overflow_numeric_typmod
-- error 22003
SELECT n12::numeric(5,2) FROM alltypes;

-- query: overflow_numeric_column_arithmetic
-- error 22003
SELECT (n12 * 10)::numeric(12,2) FROM extremes;

-- query: overflow_float
-- error 22003
SELECT 1e308::float8 * 10;

-- query: overflow_real_cast
-- error 22003
SELECT 1e39::real;

-- query: overflow_sum_not_reached
SELECT sum(i4), sum(i8), sum(i2), avg(i8) FROM extremes;

-- query: overflow_in_aggregate_argument
-- error 22003
SELECT sum(i4 + i4) FROM extremes;

-- query: undefined_table
-- error 42P01
SELECT * FROM no_such_table;

-- query: undefined_table_in_join
-- error 42P01
SELECT * FROM alltypes a JOIN missing m ON a.id = m.id;

-- query: undefined_schema_table
-- error 42P01
SELECT * FROM public.nope;

-- query: undefined_column
-- error 42703
SELECT no_such_column FROM alltypes;

-- query: undefined_column_in_where
-- error 42703
SELECT id FROM alltypes WHERE missing = 1;

-- query: undefined_qualified_column
-- error 42703
SELECT a.nope FROM alltypes a;

-- query: undefined_column_order_by
-- error 42703
SELECT id FROM alltypes ORDER BY nope;

-- query: ambiguous_column
-- error 42702
SELECT id FROM alltypes a JOIN extremes e ON a.id = e.id;

-- query: ambiguous_column_where
-- error 42702
SELECT a.t FROM alltypes a, extremes e WHERE i4 > 0;

-- query: ambiguous_column_group_by
-- error 42702
SELECT count(*) FROM alltypes a JOIN extremes e ON a.id = e.id GROUP BY i2;

-- query: undefined_function
-- error 42883
SELECT no_such_function(1);

-- query: undefined_function_signature
-- error 42883
SELECT lower(42);

-- query: undefined_operator_text_plus_int
-- error 42883
SELECT t + 1 FROM alltypes;

-- query: undefined_operator_date_plus_date
-- error 42883
SELECT d + d FROM alltypes;

-- query: undefined_operator_bool_lt_int
-- error 42883
SELECT id FROM alltypes WHERE b < 1;

-- query: datatype_mismatch_case
-- error 42804
SELECT CASE WHEN b THEN 1 ELSE t END FROM alltypes;

-- query: datatype_mismatch_where_not_bool
-- error 42804
SELECT id FROM alltypes WHERE i4;

-- query: datatype_mismatch_union
-- error 42804
SELECT id FROM alltypes UNION SELECT t FROM alltypes;

-- query: datatype_mismatch_coalesce
-- error 42804
SELECT COALESCE(i4, d) FROM alltypes;

-- query: in_list_unknown_literal_coerces
SELECT id FROM alltypes WHERE i4 IN (1, '2');

-- query: invalid_text_representation_int
-- error 22P02
SELECT 'abc'::int;

-- query: invalid_text_representation_column
-- error 22P02
SELECT t::int FROM alltypes;

-- query: invalid_text_representation_bool
-- error 22P02
SELECT 'maybe'::bool;

-- query: invalid_datetime_format
-- error 22007
SELECT 'not a date'::date;

-- query: datetime_field_out_of_range
-- error 22008
SELECT '2023-02-29'::date;

-- query: explicit_cast_truncates_varchar
SELECT 'abcdef'::varchar(3);

-- query: syntax_error
-- error 42601
SELECT FROM WHERE;

-- query: syntax_error_trailing_comma
-- error 42601
SELECT id, FROM alltypes;

-- query: grouping_error
-- error 42803
SELECT grp, t FROM alltypes GROUP BY grp;

-- query: aggregate_in_where
-- error 42803
SELECT id FROM alltypes WHERE count(*) > 1;

-- query: scalar_subquery_many_rows
-- error 21000
SELECT (SELECT id FROM alltypes) AS x;

-- query: order_by_position_out_of_range
-- error 42P10
SELECT id FROM alltypes ORDER BY 2;

-- query: group_by_position_out_of_range
-- error 42P10
SELECT grp FROM alltypes GROUP BY 3;

-- query: negative_limit
-- error 2201W
SELECT id FROM alltypes LIMIT -1;

-- query: error_after_good_rows_is_still_error
-- error 22012
SELECT id, 1 / (24 - id) FROM alltypes;

-- query: is_distinct_from_without_equality
-- It once closed the connection.
-- error 42883
SELECT 1 IS DISTINCT FROM true;

-- query: like_on_integer
-- error 42883
SELECT 1 LIKE 'a';

-- query: distinct_on_not_leading_order_by
-- error 42P10
SELECT DISTINCT ON (grp) grp, id FROM alltypes ORDER BY id, grp;

-- query: distinct_on_missing_after_other_key
-- error 42P10
SELECT DISTINCT ON (grp, k) grp, id FROM alltypes ORDER BY grp, id;

-- query: distinct_on_position_out_of_range
-- error 42P10
SELECT DISTINCT ON (3) grp, id FROM alltypes ORDER BY 1;

-- query: array_agg_two_arguments
-- error 42883
SELECT array_agg(k, k) FROM alltypes;

-- query: row_comparison_unequal_lengths
-- error 42601
SELECT (1, 2) = (1, 2, 3);

-- query: similar_to_long_escape
-- error 22025
SELECT 'a' SIMILAR TO 'a' ESCAPE 'ab';

-- query: row_in_subquery_too_many_columns
-- error 42601
SELECT 1 FROM alltypes WHERE (k, id) IN (SELECT k, id, grp FROM alltypes);

-- query: recursive_cte_without_union
-- error 42P19
WITH RECURSIVE r(n) AS (SELECT n FROM r) SELECT * FROM r;

-- query: with_ties_without_order_by
-- error 42601
SELECT id FROM alltypes FETCH FIRST 2 ROWS WITH TIES;

-- query: order_by_name_of_two_different_columns
-- error 42702
SELECT id AS k, k FROM alltypes ORDER BY k;

-- query: date_plus_bigint
-- error 42883
SELECT d + i8 FROM alltypes;

-- query: min_of_boolean
-- error 42883
SELECT min(b) FROM alltypes;

-- query: factorial_of_negative
-- error 22003
SELECT factorial(-1);

-- query: square_root_operator_of_text
-- error 42883
SELECT |/ t FROM alltypes;

-- query: age_of_minus_infinity
-- error 22008
SELECT age(d, date '2000-01-01') FROM (SELECT '-infinity'::date AS d) s;

-- query: order_by_string_constant
-- error 42601
SELECT id FROM alltypes ORDER BY 'a';

-- query: distinct_on_non_integer_constant
-- error 42601
SELECT DISTINCT ON (1.5) id FROM alltypes;
