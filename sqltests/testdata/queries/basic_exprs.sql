-- dataset: basic
-- Conditional expressions, casts, arithmetic rules (integer division,
-- numeric scale, type promotion) and math functions.

-- query: case_searched
SELECT id, CASE WHEN i4 < 0 THEN 'neg' WHEN i4 = 0 THEN 'zero' WHEN i4 > 0 THEN 'pos' END FROM alltypes;

-- query: case_searched_else
SELECT id, CASE WHEN i4 > 15 THEN 'big' ELSE 'small or null' END AS size FROM alltypes;

-- query: case_simple
SELECT id, CASE grp WHEN 'x' THEN 1 WHEN 'y' THEN 2 ELSE 0 END FROM alltypes;

-- query: case_simple_null_operand
SELECT id, CASE k WHEN NULL THEN 'never' ELSE 'else' END FROM alltypes;

-- query: case_mixed_numeric_types
SELECT id, CASE WHEN b THEN i4 ELSE n12 END FROM alltypes;

-- query: case_int_and_float
SELECT id, CASE WHEN b THEN i2 ELSE f8 END FROM alltypes;

-- query: case_no_else_null
SELECT id, CASE WHEN b THEN t END FROM alltypes;

-- query: case_in_where
SELECT id FROM alltypes WHERE CASE WHEN i4 > 10 THEN b ELSE NOT b END;

-- query: case_nested
SELECT id, CASE WHEN i4 IS NULL THEN 'null' ELSE CASE WHEN i4 % 2 = 0 THEN 'even' ELSE 'odd' END END FROM alltypes;

-- query: coalesce_two
SELECT id, COALESCE(k, -1) FROM alltypes;

-- query: coalesce_many
SELECT id, COALESCE(vc, c, t, 'none') FROM alltypes;

-- query: coalesce_mixed_types
SELECT id, COALESCE(i2, i4, n12) FROM alltypes;

-- query: coalesce_all_null
SELECT COALESCE(NULL, NULL, 3), COALESCE(NULL::int, NULL);

-- query: nullif
SELECT id, NULLIF(i4, 0), NULLIF(t, ''), NULLIF(k, 1) FROM alltypes;

-- query: cast_int_to_text
SELECT id, CAST(i4 AS text), i8::text, i2::varchar FROM alltypes;

-- query: cast_text_to_int
SELECT CAST('42' AS integer), '  -7 '::int, '123456789012'::bigint, '12'::smallint;

-- query: cast_numeric_to_int_rounds
SELECT n::int, n12::integer, n12::bigint FROM alltypes WHERE id IN (1, 2, 3, 5, 6, 12, 13, 14, 24);

-- query: cast_half_values_to_int
SELECT 0.5::int, 1.5::int, 2.5::int, -0.5::int, -1.5::int, 2.5::float8::int, 3.5::float8::int, -2.5::float8::int;

-- query: cast_float_to_numeric
SELECT id, f8::numeric, r4::numeric FROM alltypes WHERE id <> 9;

-- query: cast_to_numeric_typmod
SELECT id, n::numeric(10,3), f8::numeric(12,1), i4::numeric(8,2) FROM alltypes WHERE id IN (1, 2, 3, 5, 6, 12, 13);

-- query: cast_numeric_round_half_away
SELECT 1.005::numeric(10,2), 1.015::numeric(10,2), -1.005::numeric(10,2), 2.5::numeric(10,0), -2.5::numeric(10,0);

-- query: cast_int_to_float
SELECT id, i4::real, i8::double precision, i2::float8 FROM alltypes;

-- query: cast_text_to_numeric
SELECT '3.14159'::numeric, '-0.000'::numeric, '1e5'::numeric, ' 12.50 '::numeric(6,2);

-- query: cast_bool
SELECT 'true'::boolean, 'f'::bool, 'yes'::bool, 'off'::bool, 1::bool, 0::bool, true::int, false::text;

-- query: cast_bool_to_text_column
SELECT id, b::text, b::int FROM alltypes;

-- query: cast_text_to_date
SELECT '2024-02-29'::date, DATE '2000-01-01', CAST('1999-12-31' AS date), '20240301'::date;

-- query: cast_timestamp_to_date
SELECT id, ts::date, tz::date, d::timestamp, d::timestamptz FROM alltypes;

-- query: cast_timestamptz_to_timestamp
SELECT id, tz::timestamp, ts::timestamptz FROM alltypes;

-- query: cast_to_varchar_truncates
SELECT id, t::varchar(3), t::char(3), vc::char(2) FROM alltypes;

-- query: cast_char_to_text_trims
SELECT id, c::text, c::varchar, length(c::text) FROM alltypes;

-- query: cast_date_to_text
SELECT id, d::text, ts::text, tz::text FROM alltypes;

-- query: cast_float_to_text
SELECT id, f8::text, r4::text FROM alltypes;

-- query: cast_numeric_to_text
SELECT id, n::text, n12::text FROM alltypes;

-- query: cast_text_to_bytea
SELECT 'abc'::bytea, '\x0102'::bytea, 'é'::bytea;

-- query: cast_bytea_to_text
SELECT id, bin::text FROM alltypes;

-- query: integer_division
SELECT 7 / 2, -7 / 2, 7 / -2, -7 / -2, 1 / 3, 0 / 5;

-- query: integer_division_columns
SELECT id, i4 / 3, i8 / 4, i2 / 2 FROM alltypes;

-- query: integer_modulo
SELECT 7 % 3, -7 % 3, 7 % -3, mod(-7, 3), mod(7, -3), mod(10, 5);

-- query: modulo_columns
SELECT id, i4 % 7, mod(i8, 5), n12 % 3, mod(n, 2) FROM alltypes WHERE id NOT IN (7, 8);

-- query: numeric_division_scale
SELECT 1::numeric / 3, 2.0 / 3, 10.00 / 4, 1 / 3.0, 100::numeric / 7, 1.000000000 / 3;

-- query: numeric_division_columns
SELECT id, n12 / 3, n / 7 FROM alltypes WHERE id NOT IN (7, 8);

-- query: numeric_multiplication_scale
SELECT 1.10 * 2.5, 0.01 * 0.01, 1.000 * 1.00, -2.5 * 4;

-- query: numeric_addition_scale
SELECT 1.1 + 2.25, 1.000 - 1, 0.1 + 0.2, 10.50 - 0.5;

-- query: numeric_column_arithmetic
SELECT id, n12 * n12, n12 + 0.001, n - n12, n12 * 1.5 FROM alltypes WHERE id NOT IN (7, 8);

-- query: float_arithmetic
SELECT id, f8 * 2, f8 / 4, r4 * r4, r4 + f8 FROM alltypes;

-- query: float_division
SELECT 1.0::float8 / 3, 2::real / 3, 1::float8 / 1e308, -5::float8 / 2;

-- query: mixed_int_types_arithmetic
SELECT 1::smallint + 1::smallint, 1::smallint + 1, 1 + 1::bigint, 1 + 1.5, 1 + 1.5::float8, 1::real + 1, 1::real + 1::real, 2::smallint * 3::smallint;

-- query: literal_types
SELECT 2147483647 + 0 AS i4max, 2147483648 AS becomes_bigint, 9223372036854775808 AS becomes_numeric, 1.0 AS num, 1e0 AS num_exp;

-- query: round
SELECT round(2.5), round(-2.5), round(3.14159, 2), round(1234.5678, -2), round(0.5::float8), round(1.5::float8), round(2.5::float8), round(-0.5::float8);

-- query: round_columns
SELECT id, round(n12), round(n, 3), round(f8), round(n12, 1) FROM alltypes WHERE id NOT IN (7, 8, 9);

-- query: floor_ceil
SELECT id, floor(n12), ceil(n12), ceiling(f8), floor(f8), floor(r4) FROM alltypes WHERE id <> 9;

-- query: abs
SELECT id, abs(i2), abs(i4), abs(i8), abs(n12), abs(f8), abs(r4) FROM alltypes;

-- query: power
SELECT power(2, 10), power(2.0, 0.5), power(-2, 3), 2 ^ 3, power(10::numeric, -2), power(4::float8, 0.5), power(0, 0);

-- query: math_on_nulls
SELECT round(NULL::numeric), abs(NULL::int), power(NULL::float8, 2), mod(NULL::int, 3), floor(NULL::float8);

-- query: float_specials_arithmetic
SELECT id, label, f8 + 1, f8 * 0, -f8, f8 * f8 FROM specials WHERE id NOT IN (8, 9);

-- query: numeric_specials_arithmetic
SELECT id, label, n + 1, n * 2, -n FROM specials;

-- query: width_of_numeric_output
SELECT 123456789012345678901234567890.123456789012345678901234567890 AS big, -0.00000000000000000001 AS small;

-- query: bool_comparison_ops
SELECT true > false, true AND NULL, false AND NULL, true OR NULL, false OR NULL, NOT NULL::bool;

-- query: comparison_results_as_columns
SELECT id, i4 > 10 AS gt, t = 'alpha' AS eq, d < '2024-01-01' AS before_2024 FROM alltypes;

-- query: numeric_scale_of_sum_expression
SELECT n12 + n12, n12 * 0, n12 - n12 FROM alltypes WHERE id = 1;

-- query: case_oid_and_integer
-- Integers convert to oid implicitly and not back: CASE meets at oid
-- whichever branch, ELSE (resolved first) or THEN, holds the integer.
SELECT CASE WHEN id > 2 THEN 1::oid ELSE 0 END, CASE WHEN id > 2 THEN 0 ELSE 2::oid END,
  pg_typeof(CASE WHEN id > 2 THEN 1::oid ELSE 0 END)::text, COALESCE(NULL::oid, id)
FROM alltypes ORDER BY id;

-- query: real_mixed_with_numeric_and_integer
-- real with an integer or numeric computes in double precision (both
-- sides converted to it, neither to real); an IN list of constants
-- compares at their common type, real.
SELECT id, r4 + n12, r4 * i4, r4 = 0.25, r4 < 1.0000001, r4 IN (0.25, 1.5), r4 + 0.1::real FROM alltypes;

-- query: real_equal_to_a_decimal_constant
SELECT count(*) FILTER (WHERE r = 0.1), count(*) FILTER (WHERE r IN (0.1, 3.75)), count(*) FILTER (WHERE r = 0.1::real), count(*) FILTER (WHERE 1::real = 1.0000000001) FROM (VALUES (0.1::real), (0.5::real), (3.75::real)) v(r);

-- query: numeric_infinity_arithmetic
SELECT 'Infinity'::numeric / 7, '-Infinity'::numeric / 7, 7 / '-Infinity'::numeric, 'Infinity'::numeric - 'Infinity'::numeric, 0 * 'Infinity'::numeric, 'Infinity'::numeric % 2, 'Infinity'::numeric / 'Infinity'::numeric, 'Infinity'::numeric + '-Infinity'::numeric, 5 - 'Infinity'::numeric, -2 * 'Infinity'::numeric, 'NaN'::numeric + 1, 5 % 'Infinity'::numeric;

-- query: numeric_infinity_into_typmod
-- error 22003
SELECT 'Infinity'::numeric(10,2);

-- query: numeric_infinity_divided_by_zero
-- error 22012
SELECT 'Infinity'::numeric / 0;

-- query: numeric_variance_with_infinity
SELECT variance(x), var_pop(x), stddev_samp(x), sum(x), avg(x) FROM (VALUES ('-Infinity'::numeric), (1), (NULL)) v(x);

-- query: float_underflow
-- error 22003
SELECT x * 1e-308 FROM (VALUES (1e-308::float8)) v(x);

-- query: float_sum_overflow
-- error 22003
SELECT sum(x) FROM (VALUES (1e308::float8), (1e308)) v(x);

-- query: float_variance_overflow
-- error 22003
SELECT variance(x) FROM (VALUES (1e200::float8), (-1e200)) v(x);

-- query: float_real_literal_underflow
-- error 22003
SELECT 1e-46::real;

-- query: float_specials_without_errors
-- NaN / 0 is NaN; an infinite input makes sums infinite, not an error;
-- sum(real) adds in single precision as PostgreSQL's float4pl.
SELECT 'NaN'::float8 / 0, 5::float8 / 'Infinity', (SELECT sum(x) FROM (VALUES ('Infinity'::float8), (1e308), (1e308)) v(x)), (SELECT sum(x) FROM (VALUES (0.1::real), (0.2), (0.3), (1e7)) v(x)), 1e-40::real;

-- query: numeric_literals_with_exponents
-- A numeric has no negative display scale: 1e5 is 100000.
SELECT 1e5 - 1e5, 1e20 * 0, 1e3 * 1.5, 1e5, -2.5e3, 12e2::numeric(10,2), '1.5e2'::numeric + 0.01, round(1234.5, -2), round(1234.5, -2) + 0.5, n * 1e2 FROM alltypes;

-- query: power_with_untyped_literal
SELECT '2.5' ^ 2, 2 ^ '0.5', i4 ^ '2', 2.0 ^ '3', pg_typeof('2' ^ 2) FROM alltypes WHERE id < 4;

-- query: nullif_result_type
-- NULLIF is of its = operator's left input type: integer with numeric
-- compares as numeric, varchar with text's =; integers and floats have
-- cross-type = and keep theirs.
SELECT nullif(i4, n12), pg_typeof(nullif(i4, n12)), pg_typeof(nullif(vc, vc)), nullif(c, 'ab') || '|', pg_typeof(nullif(i2, i8)), pg_typeof(nullif(r4, i4)) FROM alltypes;

-- query: float_avg_overflow
-- avg(float8) keeps PostgreSQL's sum of squares too, and fails with it.
-- error 22003
SELECT avg(x) FROM (VALUES (1e200::float8), (-1e200)) v(x);

-- query: array_slices_open_bounds
SELECT (ARRAY[1,2,3])[:2], (ARRAY[1,2,3])[2:], (ARRAY[1,2,3])[NULL:2], (ARRAY[1,2,3])[0:5], (ARRAY['a','b'])[3:];

-- query: nullif_cross_type_keeps_left_type
SELECT id, NULLIF(r4, 1.5), NULLIF(d, ts), NULLIF(ts, d), NULLIF(NULL, k), NULLIF(tz, ts), NULLIF(f8, r4) FROM alltypes ORDER BY id;

-- query: prefix_math_operators
SELECT id, @ i4, @ n, @ r4, |/ abs(f8), ||/ i8, |/ abs(n12) FROM alltypes WHERE id <> 9 ORDER BY id;

-- query: min_scale_trim_scale_factorial
SELECT id, min_scale(n), trim_scale(n), min_scale(n12), trim_scale(n12), factorial(abs(i2) % 30) FROM alltypes ORDER BY id;
