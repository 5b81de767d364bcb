-- dataset: basic
-- Dates, timestamps and timestamptz: arithmetic across month ends, year
-- ends and leap days, date_trunc, extract, date_part, to_char and
-- intervals. The session TimeZone is UTC.

-- query: date_plus_int
SELECT id, d + 1, d - 1, d + 365 FROM alltypes;

-- query: date_minus_date
SELECT id, d - DATE '2024-01-01', DATE '2024-03-01' - DATE '2024-02-01', DATE '2023-03-01' - DATE '2023-02-01' FROM alltypes;

-- query: date_plus_interval_month
SELECT id, d + INTERVAL '1 month', d - INTERVAL '1 month', d + INTERVAL '1 year' FROM alltypes;

-- query: month_end_arithmetic
SELECT DATE '2024-01-31' + INTERVAL '1 month', DATE '2023-01-31' + INTERVAL '1 month', DATE '2024-02-29' + INTERVAL '1 year', DATE '2024-03-31' - INTERVAL '1 month';

-- query: timestamp_plus_interval
SELECT id, ts + INTERVAL '1 day', ts + INTERVAL '1 hour 30 minutes', ts - INTERVAL '1 second', ts + INTERVAL '1.5 seconds' FROM alltypes;

-- query: timestamptz_plus_interval
SELECT id, tz + INTERVAL '1 day', tz - INTERVAL '2 hours', tz + INTERVAL '1 month' FROM alltypes;

-- query: timestamp_minus_timestamp
SELECT id, ts - TIMESTAMP '2024-01-01 00:00:00', tz - TIMESTAMPTZ '2024-01-01 00:00:00+00' FROM alltypes;

-- query: date_minus_timestamp
SELECT id, d - TIMESTAMP '2024-02-28 12:00:00' FROM alltypes;

-- query: interval_literals
SELECT INTERVAL '1 day', INTERVAL '2 hours', INTERVAL '1 year 2 months', INTERVAL '-3 days', INTERVAL '90 minutes', INTERVAL '1 day 01:02:03.5', INTERVAL '36 hours';

-- query: interval_arithmetic
SELECT INTERVAL '1 day' * 3, INTERVAL '1 hour' / 2, INTERVAL '1 day' + INTERVAL '25 hours', INTERVAL '1 month' - INTERVAL '1 day', -INTERVAL '2 days';

-- query: interval_comparison
SELECT INTERVAL '1 day' = INTERVAL '24 hours', INTERVAL '1 month' > INTERVAL '29 days', INTERVAL '30 days' = INTERVAL '1 month';

-- query: date_trunc_timestamp
SELECT id, date_trunc('year', ts), date_trunc('quarter', ts), date_trunc('month', ts), date_trunc('week', ts) FROM alltypes;

-- query: date_trunc_small_units
SELECT id, date_trunc('day', ts), date_trunc('hour', ts), date_trunc('minute', ts), date_trunc('second', ts), date_trunc('milliseconds', ts) FROM alltypes;

-- query: date_trunc_timestamptz
SELECT id, date_trunc('month', tz), date_trunc('day', tz), date_trunc('hour', tz) FROM alltypes;

-- query: date_trunc_date
SELECT id, date_trunc('month', d), date_trunc('year', d) FROM alltypes;

-- query: extract_date_fields
SELECT id, extract(year FROM d), extract(month FROM d), extract(day FROM d), extract(quarter FROM d) FROM alltypes;

-- query: extract_dow_doy_week
SELECT id, extract(dow FROM d), extract(isodow FROM d), extract(doy FROM d), extract(week FROM d), extract(isoyear FROM d) FROM alltypes;

-- query: extract_timestamp_fields
SELECT id, extract(hour FROM ts), extract(minute FROM ts), extract(second FROM ts), extract(microseconds FROM ts), extract(milliseconds FROM ts) FROM alltypes;

-- query: extract_epoch
SELECT id, extract(epoch FROM ts), extract(epoch FROM tz), extract(epoch FROM d) FROM alltypes;

-- query: extract_timestamptz_fields
SELECT id, extract(year FROM tz), extract(hour FROM tz), extract(timezone FROM tz) FROM alltypes;

-- query: extract_century_decade
SELECT id, extract(century FROM d), extract(decade FROM d), extract(millennium FROM d) FROM alltypes;

-- query: extract_interval
SELECT extract(day FROM INTERVAL '3 days 4 hours'), extract(hour FROM INTERVAL '3 days 4 hours'), extract(epoch FROM INTERVAL '1 day 1 second'), extract(month FROM INTERVAL '14 months');

-- query: date_part
SELECT id, date_part('year', d), date_part('month', ts), date_part('dow', ts), date_part('epoch', ts), date_part('hour', tz) FROM alltypes;

-- query: date_part_second_fraction
SELECT id, date_part('second', ts), date_part('milliseconds', ts) FROM alltypes;

-- query: to_char_date_patterns
SELECT id, to_char(d, 'YYYY-MM-DD'), to_char(d, 'DD/MM/YYYY'), to_char(d, 'YYYYMMDD'), to_char(d, 'YY-Mon-DD') FROM alltypes;

-- query: to_char_month_day_names
SELECT id, to_char(d, 'Month'), to_char(d, 'FMMonth'), to_char(d, 'Mon'), to_char(d, 'MON'), to_char(d, 'Day'), to_char(d, 'FMDay'), to_char(d, 'Dy') FROM alltypes;

-- query: to_char_time_patterns
SELECT id, to_char(ts, 'HH24:MI:SS'), to_char(ts, 'HH12:MI AM'), to_char(ts, 'HH:MI:SS.MS'), to_char(ts, 'YYYY-MM-DD"T"HH24:MI:SS.US') FROM alltypes;

-- query: to_char_other_fields
SELECT id, to_char(d, 'Q'), to_char(d, 'WW'), to_char(d, 'IW'), to_char(d, 'DDD'), to_char(d, 'D'), to_char(d, 'FMDD'), to_char(d, 'FMMM') FROM alltypes;

-- query: to_char_timestamptz
SELECT id, to_char(tz, 'YYYY-MM-DD HH24:MI:SS TZ'), to_char(tz, 'YYYY-MM-DD HH24:MI:SSOF') FROM alltypes;

-- query: to_char_numbers
SELECT id, to_char(n12, '999,999,999.99'), to_char(n12, 'FM999999990.00'), to_char(i4, '00000'), to_char(i4, 'FM9999') FROM alltypes WHERE id NOT IN (7, 8);

-- query: to_char_number_sign_patterns
SELECT to_char(-12.5, '999.99'), to_char(12.5, 'S999.99'), to_char(-12.5, 'FM999.99'), to_char(0.5, '0.00'), to_char(1234567.891, '9,999,999.9');

-- query: date_comparison_across_types
SELECT id, d = ts::date, d < ts, ts < tz FROM alltypes;

-- query: leap_day_checks
SELECT id, d, extract(day FROM (date_trunc('month', d) + INTERVAL '1 month' - INTERVAL '1 day')) AS days_in_month FROM alltypes;

-- query: last_day_of_month
SELECT id, (date_trunc('month', d) + INTERVAL '1 month - 1 day')::date AS month_end FROM alltypes;

-- query: timestamp_literal_microseconds
SELECT TIMESTAMP '2024-02-29 23:59:59.999999' + INTERVAL '1 microsecond', TIMESTAMP '1999-12-31 23:59:59.5' + INTERVAL '0.5 second';

-- query: date_order_across_years
SELECT id, d FROM alltypes WHERE d IS NOT NULL ORDER BY d;

-- query: timestamp_order_desc
SELECT id, ts FROM alltypes WHERE ts IS NOT NULL ORDER BY ts DESC;

-- query: timestamptz_order
SELECT id, tz FROM alltypes ORDER BY tz NULLS FIRST, id;

-- query: interval_equal_values_group_together
-- '1 mon', '30 days' and '720 hours' are equal: one group, one distinct
-- value, one match (they once hashed apart).
SELECT count(*), count(DISTINCT v), (SELECT count(*) FROM (SELECT DISTINCT v FROM (VALUES (INTERVAL '1 mon'), (INTERVAL '30 days'), (INTERVAL '720 hours')) s(v)) d) FROM (VALUES (INTERVAL '1 mon'), (INTERVAL '30 days'), (INTERVAL '720 hours'), (INTERVAL '1 day')) t(v) GROUP BY v = INTERVAL '1 day';

-- query: interval_equal_values_set_ops
SELECT v FROM (VALUES (INTERVAL '1 mon'), (INTERVAL '2 days')) a(v) INTERSECT SELECT v FROM (VALUES (INTERVAL '30 days'), (INTERVAL '48 hours')) b(v);

-- query: interval_scaled
-- Fractions cascade down as PostgreSQL's interval_mul/interval_div do.
SELECT INTERVAL '14 months' / 3, INTERVAL '1 mon' / 9, INTERVAL '1 year' / 365, INTERVAL '1 day 3 hours' * 2.7, INTERVAL '-14 months 3 days' / 7, 3.3 * INTERVAL '5 mons 4 days 00:00:01.5', INTERVAL '2 days' / -3;

-- query: interval_avg
SELECT avg(v), sum(v) FROM (VALUES (INTERVAL '1 mon 2 days'), (INTERVAL '-3 days 5 hours'), (INTERVAL '7 mons'), (INTERVAL '1 day')) t(v);

-- query: infinite_dates_in_arithmetic
-- Infinity plus or minus anything stays infinity.
SELECT DATE 'infinity' - 1, DATE '-infinity' + 5, 3 + DATE 'infinity', DATE 'infinity' + INTERVAL '1 day', 'infinity'::timestamp + INTERVAL '1 day', '-infinity'::timestamptz - INTERVAL '1 mon', INTERVAL '2 days' + DATE '-infinity';

-- query: subtract_infinite_dates
-- error 22008
SELECT DATE 'infinity' - DATE '2020-01-01';

-- query: subtract_infinite_timestamps
-- error 22008
SELECT 'infinity'::timestamp - '2020-01-01'::timestamp;

-- query: date_plus_days_out_of_range
-- error 22008
SELECT DATE '5874897-12-31' + 1;

-- query: interval_plus_date_or_timestamp
-- interval + date is a timestamp, interval + timestamptz a timestamptz
-- (the operands once came swapped and closed the connection).
SELECT INTERVAL '1 day 2 hours' + d, INTERVAL '1 mon' + ts, INTERVAL '1 mon' + tz FROM alltypes WHERE id < 4;

-- query: infinite_timestamps_stored_and_compared
-- Infinite timestamps and dates survive a table and compare and cast as
-- in PostgreSQL (they are past int64 microseconds from 1970).
SELECT id, ts, tz, d, ts > TIMESTAMP '2000-01-01', tz < TIMESTAMPTZ '2000-01-01 00:00+00', ts::date, d::timestamp, d = ts, date_trunc('day', ts) FROM moments ORDER BY id;

-- query: infinite_timestamps_aggregated
SELECT max(ts), min(ts), max(d), min(tz), count(DISTINCT ts) FROM moments;

-- query: infinite_timestamp_filter
SELECT id FROM moments WHERE ts = 'infinity' OR tz = '-infinity' OR d > '9999-12-31';

-- query: infinite_date_casts
SELECT DATE 'infinity'::timestamp, DATE '-infinity'::timestamptz, TIMESTAMP 'infinity'::date, 'infinity'::timestamp(0), DATE 'infinity' = TIMESTAMP 'infinity';

-- query: untyped_literal_beside_dates
-- An untyped literal takes the type PostgreSQL resolves the operator to:
-- the other side's (date - date is an integer), else the one candidate.
SELECT d - '2000-01-01', ts - '2000-01-01', '1 day' + ts, NULL + ts, ts + '1 day', pg_typeof(d - NULL), pg_typeof(ts - NULL), INTERVAL '1 day' + '2 hours', '2000-01-05' - d FROM alltypes;

-- query: untyped_literal_plus_date_is_ambiguous
-- error 42725
SELECT DATE '2024-02-29' + '1';

-- query: interval_input_out_of_range
-- error 22015
SELECT '2562047789 hours'::interval;

-- query: interval_input_nan
-- error 22007
SELECT 'NaN'::interval;

-- query: interval_sum_out_of_range
-- error 22008
SELECT INTERVAL '2147483647 days' + INTERVAL '1 day';

-- query: interval_negation_out_of_range
-- error 22008
SELECT -INTERVAL '-2147483648 days';

-- query: interval_input_near_limits
SELECT INTERVAL '2562047788 hours', '1.5 days'::interval, '-1.5 months'::interval, '3 days ago'::interval, INTERVAL '2147483647 days' - INTERVAL '1 day';

-- query: epoch_and_zone_abbreviations_in_input
SELECT 'epoch'::date, 'epoch'::timestamp, 'epoch'::timestamptz, TIMESTAMPTZ '2024-01-01 10:00 PST', TIMESTAMPTZ '2024-07-01 10:00 CEST', '2024-01-01 10:00 EST'::timestamptz;

-- query: date_input_at_24_00
-- A date keeps its day at 24:00:00; a timestamp rolls over.
SELECT '2024-02-29 24:00:00'::date, '2024-12-31T24:00:00'::date, '2024-02-24 00:00'::date, '2024-02-29 24:00:00'::timestamp;

-- query: interval_times_untyped_literal
SELECT INTERVAL '1 day' * '2', INTERVAL '1 day' / '2', '1.5' * INTERVAL '1 hour', INTERVAL '1 day' * NULL;
