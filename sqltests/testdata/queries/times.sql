-- dataset: times
-- The time type: input, output, comparison, arithmetic, casts, grouping,
-- joins and the functions that take it.

-- query: select_all
SELECT * FROM shifts ORDER BY id;

-- query: order_by_time
SELECT id, starts FROM shifts ORDER BY starts DESC NULLS LAST, id;

-- query: group_by_time
SELECT starts, count(*), min(ends), max(ends) FROM shifts GROUP BY starts;

-- query: distinct_times
SELECT DISTINCT starts FROM shifts;

-- query: filter_by_time
SELECT id FROM shifts WHERE starts >= '08:00' AND starts < time '10:00';

-- query: filter_between_and_in
SELECT id FROM shifts WHERE ends BETWEEN '12:00' AND '18:00' OR starts IN ('00:00', '23:59:59.999999');

-- query: join_on_time
SELECT a.id, b.id FROM shifts a JOIN shifts b ON a.starts = b.starts AND a.id < b.id;

-- query: time_minus_time
SELECT id, ends - starts FROM shifts;

-- query: time_plus_interval_wraps
SELECT id, starts + interval '20 hours', starts - interval '9 hours', interval '3 days 1 hour' + starts FROM shifts;

-- query: date_plus_time
SELECT id, d + starts, starts + d FROM shifts;

-- query: time_times_number_is_interval
SELECT id, starts * 2, starts / 4 FROM shifts;

-- query: casts
SELECT id, ts::time, ts::time(0), starts::interval, (ends - starts)::time, starts::time(1), starts::text FROM shifts;

-- query: timestamptz_to_time_in_session_zone
SELECT id, (ts::timestamptz AT TIME ZONE 'Asia/Tokyo')::time, ts::timestamptz::time FROM shifts;

-- query: extract_and_date_part
SELECT id, extract(hour from starts), extract(minute from starts), extract(second from starts), extract(epoch from starts), extract(microseconds from ends), date_part('second', ends) FROM shifts;

-- query: to_char_and_date_trunc
SELECT id, to_char(starts, 'HH12:MI:SS AM'), date_trunc('hour', starts) FROM shifts;

-- query: aggregates
SELECT grp, min(starts), max(starts), count(starts), array_agg(starts ORDER BY id) FROM shifts GROUP BY grp;

-- query: time_literals
SELECT time '24:00', '10:00 pm'::time, '12:30 am'::time, '2024-01-02 03:04:05'::time, '03:04:05+02'::time, 'allballs'::time, time(2) '10:11:12.345', '10:11:12.345678'::time(3), '12:00:60'::time;

-- query: time_literal_out_of_range
-- error 22008
SELECT '24:00:01'::time;

-- query: time_literal_minutes_out_of_range
-- error 22008
SELECT '10:61'::time;

-- query: time_literal_bad
-- error 22007
SELECT 'noon'::time;

-- query: time_unknown_operands
SELECT time '10:00' + '1 hour', '1 hour' + time '10:00', time '10:00' - '09:00';

-- query: localtime_types
SELECT pg_typeof(localtime), pg_typeof(localtime(2)), localtime(0) <= localtime;

-- query: time_with_window
SELECT id, starts, lag(starts) OVER (ORDER BY id), max(starts) OVER (PARTITION BY grp) FROM shifts;

-- query: time_in_union_and_case
SELECT starts FROM shifts WHERE id < 3 UNION SELECT CASE WHEN id = 3 THEN ends ELSE NULL END FROM shifts;

-- query: extract_calendar_unit_from_time
-- error 0A000
SELECT extract(day FROM starts) FROM shifts;

-- query: date_minus_time_and_make_time
SELECT id, d - starts, make_time(extract(hour FROM starts)::int, 30, 1.5) FROM shifts WHERE starts IS NOT NULL AND starts < '23:00';

-- query: make_time_out_of_range
-- error 22008
SELECT make_time(25, 0, 0);

-- query: more_time_inputs
SELECT '10:00:00.1234565'::time, '10:00:00.0000005'::time, '1:2:3'::time, '0:0'::time, '010203'::time, '1234'::time, '102030.5'::time, 'T10:00'::time;

-- query: time_input_with_bad_date
-- error 22008
SELECT '2024-13-01 10:00'::time;

-- query: generate_series_nan_stop
-- error 22023
SELECT * FROM generate_series(1::numeric, 'NaN'::numeric);

-- query: generate_series_step_zero_as_interval
-- error 22023
SELECT * FROM generate_series('2024-01-01'::timestamp, '2024-01-03', '1 day -24 hours');

-- query: generate_series_mixed_sign_step
SELECT * FROM generate_series('2024-01-03'::timestamp, '2024-01-01', '-1 day 1 hour');

-- query: iso_interval_with_spaces
-- error 22007
SELECT ' P1D'::interval;
