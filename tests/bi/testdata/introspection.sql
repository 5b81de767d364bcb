-- Introspection queries that BI tools and drivers send, as found in their
-- sources (Grafana's PostgreSQL data source, Metabase's and DBeaver's
-- PostgreSQL drivers, Tableau's and Npgsql's type and relation loading),
-- adapted only where marked: the schema is fixed to bi_check so that other
-- objects of the reference database do not show. TestIntrospection runs
-- each query on Lattice and on PostgreSQL 15 with binary results for every
-- column, as Npgsql asks, and requires the same raw values. "-- ignore:"
-- names columns that legitimately differ (OIDs, owners: see
-- docs/catalog.md).

-- query: grafana/tables
SELECT quote_ident(table_name) AS table_name FROM information_schema.tables
 WHERE table_schema IN (
   SELECT CASE WHEN trim(s[i]) = '"$user"' THEN user ELSE trim(s[i]) END
     FROM generate_series(array_lower(string_to_array(current_setting('search_path'), ','), 1),
                          array_upper(string_to_array(current_setting('search_path'), ','), 1)) AS i,
          string_to_array(current_setting('search_path'), ',') s)
 ORDER BY table_name;

-- query: grafana/columns
SELECT quote_ident(column_name) AS "column", data_type AS "type" FROM information_schema.columns
 WHERE CASE WHEN array_length(parse_ident('bi_check.sales'), 1) = 2
            THEN quote_ident(table_schema) = (parse_ident('bi_check.sales'))[1]
             AND quote_ident(table_name) = (parse_ident('bi_check.sales'))[2]
            ELSE quote_ident(table_name) = 'bi_check.sales' AND table_schema = ANY(current_schemas(false)) END
 ORDER BY column_name;

-- query: metabase/schemas (adapted: bi_check only)
SELECT nspname AS "schema" FROM pg_catalog.pg_namespace
 WHERE nspname !~ '^pg_' AND nspname <> 'information_schema' AND nspname = 'bi_check'
   AND has_schema_privilege(nspname, 'USAGE');

-- query: metabase/tables
SELECT n.nspname AS "schema", c.relname AS "name",
       CASE c.relkind WHEN 'r' THEN 'TABLE' WHEN 'p' THEN 'PARTITIONED TABLE' WHEN 'v' THEN 'VIEW'
                      WHEN 'f' THEN 'FOREIGN TABLE' WHEN 'm' THEN 'MATERIALIZED VIEW' ELSE NULL END AS "type",
       d.description AS "description", pg_catalog.has_table_privilege(c.oid, 'SELECT') AS can_select
  FROM pg_catalog.pg_class c
  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
  LEFT JOIN pg_catalog.pg_description d ON d.objoid = c.oid AND d.objsubid = 0 AND d.classoid = 'pg_class'::regclass
 WHERE c.relnamespace = 'bi_check'::regnamespace AND c.relkind IN ('r', 'p', 'v', 'f', 'm')
 ORDER BY 1, 2;

-- query: metabase/columns
SELECT c.column_name, c.data_type, c.udt_name, c.is_nullable, c.ordinal_position, c.column_default,
       c.character_maximum_length, c.numeric_precision, c.numeric_scale, col_description(
         (quote_ident(c.table_schema) || '.' || quote_ident(c.table_name))::regclass::oid, c.ordinal_position) AS comment
  FROM information_schema.columns c
 WHERE c.table_schema = 'bi_check' AND c.table_name = 'sales'
 ORDER BY c.ordinal_position;

-- query: dbeaver/namespaces
-- ignore: oid,nspowner
SELECT n.oid, n.*, d.description FROM pg_catalog.pg_namespace n
  LEFT OUTER JOIN pg_catalog.pg_description d ON d.objoid = n.oid AND d.objsubid = 0 AND d.classoid = 'pg_namespace'::regclass
 WHERE n.nspname = 'bi_check'
 ORDER BY nspname;

-- query: dbeaver/tables (adapted: the columns that describe the relation, not its storage)
SELECT c.relname, c.relkind, c.relnatts, c.relhasindex, c.relhasrules, c.relhastriggers, c.relpersistence,
       c.relispartition, c.relrowsecurity, d.description,
       pg_catalog.pg_get_expr(c.relpartbound, c.oid) AS partition_expr, pg_catalog.pg_get_partkeydef(c.oid) AS partition_key
  FROM pg_catalog.pg_class c
  LEFT OUTER JOIN pg_catalog.pg_description d ON d.objoid = c.oid AND d.objsubid = 0 AND d.classoid = 'pg_class'::regclass
 WHERE c.relnamespace = (SELECT oid FROM pg_catalog.pg_namespace WHERE nspname = 'bi_check') AND c.relkind NOT IN ('i', 'I', 'c')
 ORDER BY c.relname;

-- query: dbeaver/columns
-- (attoptions: the reference records collation versions there; attmissingval
-- is of type anyarray, which Lattice shows as text)
-- ignore: attrelid,attoptions,attmissingval
SELECT c.relname, a.*, pg_catalog.pg_get_expr(ad.adbin, ad.adrelid, true) AS def_value, dsc.description
  FROM pg_catalog.pg_attribute a
 INNER JOIN pg_catalog.pg_class c ON (a.attrelid = c.oid)
  LEFT OUTER JOIN pg_catalog.pg_attrdef ad ON (a.attrelid = ad.adrelid AND a.attnum = ad.adnum)
  LEFT OUTER JOIN pg_catalog.pg_description dsc ON (c.oid = dsc.objoid AND a.attnum = dsc.objsubid)
 WHERE NOT a.attisdropped AND c.relkind NOT IN ('i', 'I', 'c')
   AND c.relnamespace = (SELECT oid FROM pg_catalog.pg_namespace WHERE nspname = 'bi_check') AND a.attnum > 0
 ORDER BY c.relname, a.attnum;

-- query: dbeaver/constraints
SELECT c.oid, c.*, t.relname AS tabrelname, rt.relnamespace AS refnamespace, d.description
  FROM pg_catalog.pg_constraint c
 INNER JOIN pg_catalog.pg_class t ON t.oid = c.conrelid
  LEFT OUTER JOIN pg_catalog.pg_class rt ON rt.oid = c.confrelid
  LEFT OUTER JOIN pg_catalog.pg_description d ON d.objoid = c.oid AND d.objsubid = 0 AND d.classoid = 'pg_constraint'::regclass
 WHERE t.relnamespace = (SELECT oid FROM pg_catalog.pg_namespace WHERE nspname = 'bi_check')
 ORDER BY c.oid;

-- query: tableau/relations (adapted: bi_check only)
SELECT relname, nspname, relkind FROM pg_catalog.pg_class c, pg_catalog.pg_namespace n
 WHERE relkind IN ('r', 'v', 'm', 'f', 'p') AND nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast', 'pg_temp_1')
   AND n.oid = relnamespace AND nspname = 'bi_check'
 ORDER BY nspname, relname;

-- query: tableau/columns
SELECT a.attname, t.typname, a.attlen, a.atttypmod, a.attnotnull, a.attnum
  FROM pg_catalog.pg_attribute a, pg_catalog.pg_type t
 WHERE a.atttypid = t.oid AND a.attrelid = 'bi_check.sales'::regclass AND a.attnum > 0 AND NOT a.attisdropped
 ORDER BY a.attnum;

-- query: npgsql/types (adapted: the types Lattice supports)
SELECT * FROM (
SELECT ns.nspname, t.oid, t.typname, t.typtype, t.typnotnull, t.elemtypoid
FROM (
    SELECT typ.oid, typ.typnamespace, typ.typname, typ.typtype, typ.typrelid, typ.typnotnull, typ.relkind,
           elemtyp.oid AS elemtypoid, elemtyp.typname AS elemtypname, elemcls.relkind AS elemrelkind,
           CASE WHEN elemproc.proname = 'array_recv' THEN 'a' ELSE elemtyp.typtype END AS elemtyptype
    FROM (
        SELECT typ.oid, typnamespace, typname, typrelid, typnotnull, relkind, typelem AS elemoid,
               CASE WHEN proc.proname = 'array_recv' THEN 'a' ELSE typ.typtype END AS typtype,
               CASE WHEN proc.proname = 'array_recv' THEN typ.typelem
                    WHEN typ.typtype = 'r' THEN rngsubtype
                    WHEN typ.typtype = 'd' THEN typ.typbasetype END AS elemtypoid
        FROM pg_type AS typ
        LEFT JOIN pg_class AS cls ON (cls.oid = typ.typrelid)
        LEFT JOIN pg_proc AS proc ON proc.oid = typ.typreceive
        LEFT JOIN pg_range ON (pg_range.rngtypid = typ.oid)
    ) AS typ
    LEFT JOIN pg_type AS elemtyp ON elemtyp.oid = elemtypoid
    LEFT JOIN pg_class AS elemcls ON (elemcls.oid = elemtyp.typrelid)
    LEFT JOIN pg_proc AS elemproc ON elemproc.oid = elemtyp.typreceive
) AS t
JOIN pg_namespace AS ns ON (ns.oid = typnamespace)
WHERE typtype IN ('b', 'r', 'm', 'e', 'd') OR (typtype = 'c' AND relkind = 'c')
   OR (typtype = 'p' AND typname IN ('record', 'void'))
   OR (typtype = 'a' AND (elemtyptype IN ('b', 'r', 'm', 'e', 'd') OR (elemtyptype = 'p' AND elemtypname IN ('record', 'void'))
                          OR (elemtyptype = 'c' AND elemrelkind = 'c')))
) q WHERE q.typname IN ('bool', 'int2', 'int4', 'int8', 'float4', 'float8', 'numeric', 'text', 'varchar', 'bpchar', 'name',
                        'date', 'timestamp', 'timestamptz', 'interval', 'bytea', 'oid', '_int4', '_text', '_numeric', '_varchar', 'void', 'record')
ORDER BY q.oid;

-- query: superset/select_star
SELECT id, region, amount, sold_at FROM bi_check.sales ORDER BY id LIMIT 100;

-- query: dashboard/aggregate
SELECT region, date_trunc('month', sold_at) AS month, count(*) AS n, sum(amount) AS total, avg(amount) AS mean
  FROM bi_check.sales GROUP BY region, date_trunc('month', sold_at) ORDER BY 1, 2;
