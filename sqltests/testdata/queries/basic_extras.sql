-- dataset: basic
-- PostgreSQL functions and syntax beyond the list in issue 4 (more string,
-- math and date/time functions, time zones, regular expressions): what users
-- and BI tools also send. Expected to come after the core list.

-- query: greatest_least
SELECT id, GREATEST(i2, i4, 15), LEAST(i2, i4, 15), GREATEST(d, DATE '2024-01-01') FROM alltypes;

-- query: trunc
SELECT trunc(3.789), trunc(-3.789), trunc(3.789, 1), trunc(1234.5, -2), trunc(-2.5::float8);

-- query: sign
SELECT id, sign(i4), sign(n12), sign(f8) FROM alltypes;

-- query: sqrt_exp_ln
SELECT sqrt(16), sqrt(2::numeric), sqrt(2::float8), exp(1::float8), ln(10::float8), log(100::float8), log(2::numeric, 8::numeric);

-- query: cbrt_pi
SELECT cbrt(27::float8), pi(), degrees(pi()), radians(180);

-- query: div_function
SELECT div(7, 2), div(-7, 2), div(7.5, 2), div(-7.5, 2);

-- query: bit_ops_int
SELECT 12 & 10, 12 | 10, 12 # 10, ~12, 1 << 4, 256 >> 2;

-- query: octet_length
SELECT id, octet_length(t), octet_length(bin), length(bin) FROM alltypes;

-- query: left_right
SELECT id, left(t, 3), right(t, 2), left(t, -2), right(t, -3) FROM alltypes;

-- query: concat_ws
SELECT id, concat_ws(', ', t, vc, c, NULL, n12) FROM alltypes;

-- query: reverse_repeat
SELECT id, reverse(t), repeat(vc, 2) FROM alltypes;

-- query: lpad_rpad
SELECT id, lpad(t, 8, '*'), rpad(t, 8, '.'), lpad(vc, 3), rpad(t, 2) FROM alltypes;

-- query: initcap
SELECT id, initcap(t) FROM alltypes;

-- query: ascii_chr
SELECT id, ascii(t), chr(65), chr(233) FROM alltypes;

-- query: starts_with
SELECT id FROM alltypes WHERE starts_with(t, 'a') OR starts_with(vc, 'ex');

-- query: translate
SELECT id, translate(t, 'ae', 'AE') FROM alltypes;

-- query: md5
SELECT id, md5(t) FROM alltypes;

-- query: quote_functions
SELECT id, quote_literal(t), quote_ident(vc) FROM alltypes WHERE t IS NOT NULL AND vc IS NOT NULL;

-- query: regexp_like_operator
SELECT id FROM alltypes WHERE t ~ '^[a-z]+$';

-- query: regexp_replace
SELECT id, regexp_replace(t, '[aeiou]', '_', 'g') FROM alltypes;

-- query: to_hex_encode
SELECT id, encode(bin, 'hex'), encode(bin, 'base64'), to_hex(i4) FROM alltypes;

-- query: to_date_to_timestamp
SELECT to_date('2024-02-29', 'YYYY-MM-DD'), to_date('29/02/2024', 'DD/MM/YYYY'), to_timestamp('2024-02-29 13:14:15', 'YYYY-MM-DD HH24:MI:SS');

-- query: make_date
SELECT make_date(2024, 2, 29), make_date(2023, 12, 31), make_timestamp(2024, 1, 1, 12, 30, 15.5);

-- query: timestamptz_at_time_zone
SELECT id, tz AT TIME ZONE 'UTC', tz AT TIME ZONE 'America/New_York', ts AT TIME ZONE 'Asia/Tokyo' FROM alltypes;

-- query: dst_transition
SELECT TIMESTAMPTZ '2024-03-10 01:30:00 America/New_York' + INTERVAL '1 hour', TIMESTAMP '2024-03-10 02:30:00' AT TIME ZONE 'America/New_York';

-- query: age_two_args
SELECT id, age(ts, TIMESTAMP '2000-01-01') FROM alltypes;

-- query: justify_interval
SELECT justify_days(INTERVAL '35 days'), justify_hours(INTERVAL '27 hours'), justify_interval(INTERVAL '1 month -1 hour');

-- query: generate_dates
SELECT d::date FROM generate_series(DATE '2024-02-27', DATE '2024-03-02', INTERVAL '1 day') AS g(d);

-- query: infinite_dates
SELECT 'infinity'::date, '-infinity'::timestamp, 'infinity'::date > DATE '2999-01-01';

-- query: bc_dates
SELECT DATE '0044-03-15 BC', DATE '0001-01-01' - 1, extract(year FROM DATE '0044-03-15 BC');

-- query: bool_aggregates
SELECT bool_and(b), bool_or(b), every(b), bool_and(i4 > -100), count(bin) FROM alltypes;

-- query: string_agg_ordered
SELECT grp, string_agg(t, ',' ORDER BY id) FROM alltypes GROUP BY grp;

-- query: fetch_with_ties
-- The rows within a tie may come in any order; the set is determined.
-- unordered
SELECT k, id FROM alltypes WHERE k IS NOT NULL ORDER BY k FETCH FIRST 3 ROWS WITH TIES;

-- query: log_of_zero
-- error 2201E
SELECT ln(0::float8);

-- query: sqrt_negative
-- error 2201F
SELECT sqrt(-1::float8);

-- query: invalid_regular_expression
-- error 2201B
SELECT 'a' ~ '(';

-- query: at_time_zone_forms
-- Zone names, abbreviations, POSIX offsets (west-positive) and intervals
-- (east-positive); times in a DST gap or overlap resolve as PostgreSQL's.
SELECT id, tz AT TIME ZONE 'PST', tz AT TIME ZONE '+05', tz AT TIME ZONE 'UTC-3', tz AT TIME ZONE INTERVAL '05:30', ts AT TIME ZONE 'Europe/Berlin', timezone('Asia/Tokyo', ts) FROM alltypes;

-- query: timestamptz_input_in_dst_gap_and_overlap
SELECT TIMESTAMPTZ '2024-03-10 02:30 America/New_York', TIMESTAMPTZ '2024-11-03 01:30 America/New_York', TIMESTAMP '2024-11-03 01:30' AT TIME ZONE 'America/New_York', TIMESTAMPTZ '2024-03-31 02:30 Europe/Berlin';

-- query: at_time_zone_unknown_zone
-- error 22023
SELECT TIMESTAMPTZ '2024-01-01 00:00+00' AT TIME ZONE 'nowhere';

-- query: bit_shifts_in_width
-- Shifts keep the left operand's type and lose the bits shifted out.
SELECT i2 << 4, i4 << 31, i8 >> 3, ~i2, i4 # 255 FROM alltypes;

-- query: regexp_replace_flags_and_references
SELECT id, regexp_replace(t, '(.)(.)', '\2\1', 'g'), regexp_replace(t, 'A', '[\&]', 'gi'), regexp_replace(vc, '.', '-', 'gq') FROM alltypes;

-- query: encode_decode_round_trip
SELECT id, encode(bin, 'escape'), decode(encode(bin, 'base64'), 'base64') = bin, decode(encode(bin, 'hex'), 'hex') = bin, quote_nullable(t) FROM alltypes;

-- query: to_date_to_timestamp_templates
SELECT to_date('20240229', 'YYYYMMDD'), to_date('2024-2-9', 'YYYY-MM-DD'), to_date('05 Mar 2021', 'DD Mon YYYY'), to_date('March 5, 2021', 'Month DD, YYYY'), to_date('24-01-02', 'YY-MM-DD'), to_date('2024', 'YYYY'), to_date('2024 060', 'YYYY DDD'), to_timestamp('2024-01-02 03:04:05.678', 'YYYY-MM-DD HH24:MI:SS.MS'), to_timestamp('01/02/2024 11:30 PM', 'MM/DD/YYYY HH:MI AM'), to_timestamp('2024-01-02 10:00 +05:30', 'YYYY-MM-DD HH24:MI TZH:TZM');

-- query: to_date_out_of_range
-- error 22008
SELECT to_date('2024-02-30', 'YYYY-MM-DD');

-- query: to_date_not_a_number
-- error 22007
SELECT to_date('abcd-01-01', 'YYYY-MM-DD');

-- query: to_date_without_a_year
-- Without a year the date is in 1 BC, as in PostgreSQL.
SELECT to_date('', 'YYYY-MM-DD'), to_date('12', 'MM'), to_timestamp('10:30', 'HH24:MI');

-- query: quote_literal_of_any_type
SELECT quote_literal(42), quote_literal(1.50::numeric(5,2)), quote_nullable(NULL::int), quote_nullable(DATE '2024-01-02'), quote_literal('it''s'), quote_literal(true), quote_literal(NULL::int) IS NULL;

-- query: concat_without_arguments
-- error 42883
SELECT concat();

-- query: limit_and_offset_round_numbers
SELECT * FROM generate_series(1, 9) LIMIT 2.5 OFFSET 1.5;

-- query: array_subscripts_round_numbers
SELECT (ARRAY[1, 2, 3])[1.7], (ARRAY[1, 2, 3])[1.4:2.6];

-- query: iso_8601_intervals
SELECT 'P1Y2M3DT4H5M6S'::interval, 'PT1.5S'::interval, 'P2W'::interval, 'P1.5M'::interval, 'P-1DT-2H'::interval, 'PT'::interval, 'P1.5Y'::interval, 'P0.5W'::interval;

-- query: iso_8601_interval_lower_case
-- error 22007
SELECT 'p1d'::interval;

-- query: iso_8601_interval_units_out_of_order
-- error 22007
SELECT 'PT1H2D'::interval;

-- query: interval_clock_minutes_out_of_range
-- error 22015
SELECT '25:61:00'::interval;

-- query: interval_clock_hours_unbounded
SELECT '25:59:59.5'::interval, '100:00'::interval;

-- query: rank_with_argument_is_hypothetical_set
-- error 42809
SELECT rank(1) OVER ();

-- query: row_number_with_argument
-- error 42883
SELECT row_number(1) OVER ();

-- query: special_date_inputs
SELECT 'today'::date = current_date, 'tomorrow'::date - 'yesterday'::date, ' TODAY '::date = current_date, 'today'::timestamp = date_trunc('day', localtimestamp), 'tomorrow'::timestamptz = date_trunc('day', now()) + interval '1 day', 'now'::timestamptz - now() < interval '1 minute';

-- query: special_date_input_misspelt
-- error 22007
SELECT 'todays'::date;

-- query: concat_variadic
SELECT concat(VARIADIC ARRAY['a', 'b']), concat(VARIADIC ARRAY[]::text[]), concat(VARIADIC NULL::text[]) IS NULL, concat_ws('-', VARIADIC ARRAY['a', NULL, 'b']), concat(VARIADIC ARRAY[1, 2]), concat_ws(NULL, VARIADIC ARRAY['a']) IS NULL;

-- query: variadic_needs_an_array
-- error 42804
SELECT concat(VARIADIC 1);

-- query: variadic_of_a_function_that_is_not
-- error 42883
SELECT upper(VARIADIC ARRAY['a']);

-- query: format_variadic
SELECT format('%s-%s', VARIADIC ARRAY['a', 'b']), format('%2$s %1$s', VARIADIC ARRAY[1, 2]), format('x', VARIADIC NULL::text[]), format('%L', VARIADIC ARRAY[NULL::date]);

-- query: format_variadic_null_array_has_no_arguments
-- error 22023
SELECT format('%s', VARIADIC NULL::text[]);
