-- Catalog checks: psql's describe commands and the catalog dialect. The
-- output must be the same from Lattice and from PostgreSQL 15.
\set VERBOSITY sqlstate
SET client_min_messages = warning;
DROP SCHEMA IF EXISTS catalog_check CASCADE;
RESET client_min_messages;
CREATE SCHEMA catalog_check;
SET search_path = catalog_check;
CREATE TABLE orders (id integer NOT NULL, customer varchar(20), amount numeric(10,2), price double precision,
  qty smallint, big bigint NOT NULL, flag boolean, day date, at timestamp, atz timestamptz, note text,
  code char(3), r real, raw bytea);
CREATE TABLE "Customers" (id int NOT NULL, name text);
\dt
\d orders
\d+ "Customers"
\dt catalog_check.*
\d catalog_check.ord*
\dv
SELECT c.relname, c.relkind, c.relnatts, c.relhasindex, c.relpersistence, pg_catalog.pg_get_userbyid(c.relowner) IS NOT NULL AS owned
  FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
 WHERE n.nspname = 'catalog_check' ORDER BY 1;
SELECT a.attnum, a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod), a.attnotnull, a.attlen, a.attbyval, a.attalign, a.attstorage
  FROM pg_catalog.pg_attribute a
 WHERE a.attrelid = 'catalog_check.orders'::regclass AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum;
SELECT table_name, table_type, is_insertable_into FROM information_schema.tables WHERE table_schema = 'catalog_check' ORDER BY 1;
\x on
SELECT column_name, ordinal_position, is_nullable, data_type, character_maximum_length, numeric_precision,
       numeric_precision_radix, numeric_scale, datetime_precision, udt_name
  FROM information_schema.columns WHERE table_schema = 'catalog_check' AND table_name = 'orders' AND ordinal_position IN (1, 2, 3, 4, 9, 10, 14)
 ORDER BY ordinal_position;
\x off
SELECT schema_name FROM information_schema.schemata WHERE schema_name IN ('catalog_check', 'public', 'pg_catalog', 'information_schema') ORDER BY 1;
SELECT t.oid, t.typname, t.typlen, t.typbyval, t.typtype, t.typcategory, t.typelem, t.typarray, t.typinput, t.typoutput, t.typreceive, t.typsend, t.typalign
  FROM pg_catalog.pg_type t WHERE t.oid IN (16, 17, 18, 19, 20, 21, 23, 25, 26, 700, 701, 1007, 1009, 1042, 1043, 1082, 1114, 1184, 1186, 1700, 2205) ORDER BY 1;
SELECT n.nspname, n.oid FROM pg_catalog.pg_namespace n WHERE n.nspname IN ('pg_catalog', 'public', 'information_schema') ORDER BY 1;
SELECT 'orders'::regclass, 'catalog_check.orders'::regclass::text, 'pg_class'::regclass::oid, 1259::regclass,
       'integer'::regtype, 'int4[]'::regtype::oid, 'public'::regnamespace::oid, to_regclass('nope'),
       pg_catalog.pg_table_is_visible('orders'::regclass), has_table_privilege('orders', 'SELECT'),
       has_schema_privilege('catalog_check', 'USAGE'), pg_typeof(1.5);
-- Arrays
SELECT ARRAY[1, 2, 3] AS a, '{a,"b c",NULL,"",x\,y}'::text[] AS b, (ARRAY[10, 20, 30])[2] AS c, (ARRAY[10, 20, 30])[2:3] AS d,
       (ARRAY[10, 20, 30])[5] AS e, 2 = ANY (ARRAY[1, 2]) AS f, 5 <> ALL ('{1,2}'::int[]) AS g, 3 = ANY ('{1,NULL}'::int[]) AS h,
       array_to_string(ARRAY['x', NULL, 'z'], '-', '?') AS i, array_to_string(ARRAY[1, NULL, 3], ',') AS j,
       array_length(ARRAY[1, 2, 3], 1) AS k, array_upper(ARRAY[1, 2], 1) AS l, array_lower(ARRAY[1, 2], 1) AS m,
       cardinality(ARRAY[]::int[]) AS n, ARRAY['a'] || ARRAY['b'] AS o, ARRAY[1] || 2 AS p, 0 || ARRAY[1] AS q,
       array_position(ARRAY['a', 'b'], 'b') AS r, ARRAY(SELECT 1 UNION ALL SELECT 2) AS s,
       '{1,2}'::int2[]::int4[] AS t, string_to_array('a,b,,c', ',', '') AS u;
SELECT * FROM unnest(ARRAY['a', 'b']) WITH ORDINALITY;
SELECT * FROM generate_series(1, 3) s(i);
SELECT * FROM generate_series(10, 1, -4);
SELECT * FROM generate_subscripts(ARRAY['a', 'b', 'c'], 1) s;
SELECT * FROM information_schema._pg_expandarray(ARRAY[7, 8]);
SELECT count(*) > 400 AS many FROM pg_catalog.pg_get_keywords();
SELECT word, catcode, barelabel FROM pg_catalog.pg_get_keywords() WHERE word IN ('select', 'abort', 'between', 'left') ORDER BY 1;
-- Regular expressions and OPERATOR()
SELECT 'abc' ~ '^a' AS a, 'ABC' ~* 'b' AS b, 'abc' !~ 'z' AS c, 'abc' !~* 'A' AS d,
       'orders' OPERATOR(pg_catalog.~) '^(orders)$' COLLATE pg_catalog.default AS e,
       'orders' OPERATOR(pg_catalog.!~) '^(ord)$' AS f, 1 OPERATOR(pg_catalog.+) 2 AS g;
-- Catalog functions
SELECT format_type(1043, 24) AS a, format_type(1700, 655366) AS b, format_type(1007, NULL) AS c, format_type(1042, 7) AS d,
       format_type(18, NULL) AS e, format_type(1114, 3) AS f, format_type(NULL, NULL) AS g, format_type(999999, NULL) AS h,
       quote_ident('Foo') AS i, quote_ident('select') AS j, quote_ident('ok_name') AS k, parse_ident('"A".b') AS l,
       pg_encoding_to_char(6) AS m, pg_size_pretty(10240::bigint) AS n, pg_size_pretty(123456789::bigint) AS o,
       current_schema() AS p, current_schemas(false) AS q, pg_get_expr(NULL, 0) AS r, col_description('orders'::regclass, 1) AS s,
       obj_description('orders'::regclass, 'pg_class') AS t, pg_get_userbyid(999999) AS u, pg_get_viewdef('orders'::regclass) AS v,
       pg_get_indexdef(0) AS w, pg_get_constraintdef(0) AS x, pg_catalog.pg_relation_size('"Customers"'::regclass) AS y;
SELECT current_setting('search_path') AS a, current_setting('nope', true) AS b, pg_backend_pid() > 0 AS c,
       txid_current() > 0 AS d, version() LIKE 'PostgreSQL 15%' AS e;
SELECT format('%s FROM %I: %L %L %% [%-4s] [%3s] %1$s', 'a'::text, 'Tbl'::text, 'it''s'::text, NULL::text, 'x'::text, 'y'::text) AS a,
       format('%s', 'orders'::regclass) AS b;
-- Cursors
BEGIN;
DECLARE c SCROLL CURSOR FOR SELECT * FROM generate_series(1, 5) s(i);
FETCH 2 FROM c;
FETCH BACKWARD 1 FROM c;
MOVE FORWARD 2 IN c;
FETCH ALL FROM c;
FETCH ABSOLUTE -1 FROM c;
FETCH NEXT FROM c;
FETCH PRIOR FROM c;
CLOSE c;
FETCH 1 FROM c;
ROLLBACK;
DECLARE d CURSOR FOR SELECT 1;
DECLARE h CURSOR WITH HOLD FOR SELECT i FROM generate_series(1, 3) s(i);
FETCH 2 FROM h;
CLOSE ALL;
FETCH 1 FROM h;
\set FETCH_COUNT 2
SELECT * FROM generate_series(1, 5) s(i);
\unset FETCH_COUNT
RESET search_path;
DROP SCHEMA catalog_check CASCADE;
