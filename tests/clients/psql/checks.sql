-- Run by psql_test.go as: psql -X -v ON_ERROR_STOP=0 -f - < checks.sql
-- stdout must equal checks.out and stderr checks.err, both taken from
-- PostgreSQL 15 running this very script.
\pset null '(null)'
\set SHOW_CONTEXT never

-- A failing statement, then a good one on the same connection.
SELECT 1/0;
\echo sqlstate :LAST_ERROR_SQLSTATE
SELECT 1 AS one;
SELEC 1;
\echo sqlstate :LAST_ERROR_SQLSTATE
SELECT 'after syntax error' AS ok;
SELECT * FROM no_such_table;
\echo sqlstate :LAST_ERROR_SQLSTATE
SELECT 2 AS two;
\echo error :ERROR

-- Values of every supported type in text format.
SET TimeZone = 'UTC';
SHOW TimeZone;
SELECT 32767::int2 AS i2, (-2147483648)::int4 AS i4, 9223372036854775807::int8 AS i8,
       12345.678::numeric AS n, 12345.678::numeric(10,2) AS n2, true AS t, false AS f,
       1.5::float8 AS f8, 0.1::float4 AS f4, 0.1::float8 AS f8b;
SELECT 'it''s ✓ "q" 日本' AS txt, E'back\\slash' AS esc, 'abc'::varchar(5) AS vc, NULL AS nul;
SELECT '2024-02-29'::date AS d, '2024-02-28'::date + 1 AS d1,
       '2024-03-15 13:45:30.123456'::timestamp AS ts,
       '2024-03-15 13:45:30+02'::timestamptz AS tstz,
       '\x00ff27'::bytea AS by;
\x on
SELECT 1 AS a, 'two' AS b;
\x off

-- \gset reads a row into variables; :'v' quotes a variable as a literal.
SELECT 40 + 2 AS answer \gset
\echo answer :answer
\set v 'it''s'
SELECT :'v' || '!' AS quoted;
SELECT current_database() = :'DBNAME' AS same_db;

-- Several statements in one Query message (\;).
SELECT 1 AS a \; SELECT 2 AS b;
SELECT 3 AS c \; SELECT 1/0 \; SELECT 4 AS d;
\echo sqlstate :LAST_ERROR_SQLSTATE
SELECT 5 AS e;

-- Transactions: an error aborts the block until ROLLBACK.
BEGIN;
SELECT 1/0;
SELECT 1;
\echo sqlstate :LAST_ERROR_SQLSTATE
ROLLBACK;
BEGIN;
SELECT 'in transaction' AS tx;
COMMIT;

-- Settings.
SET application_name = 'psql client test';
SHOW application_name;
RESET application_name;
SELECT current_setting('TimeZone') AS tz;
\echo done
