// Package planner is Lattice's SQL front end. It parses statement text with
// PostgreSQL's own grammar (pg_query_go), binds names and types, plans, and
// hands the wire layer Statements that it can describe and execute.
//
// Pipeline:
//
//	text ──parse (cached by text)──▶ []*pg_query.RawStmt
//	     ──bind──▶ typed expressions (Expr) and a plan
//	     ──Execute──▶ Result, a row iterator (Next/Row/Err)
//
// The parse cache (Planner.cache) keeps parsing off the hot path of
// repeated dashboard queries, and the route memo (cube_memo.go) keeps
// matching their blocks against cubes off it: a memo entry is keyed by the
// block, the metastore's generation of tables and cubes, and the session
// settings routing reads. Binding depends on the session (parameter types,
// settings), so it runs per Prepare.
//
// Session holds one connection's state: user, project, settings (SET/SHOW/
// RESET, with PostgreSQL's GUC_REPORT list reported back as ParameterStatus)
// and transaction status. A Session is used by one goroutine at a time, the
// connection's.
//
// Query blocks (block.go) are planned as relPlans: each FROM item (from.go:
// tables, joins, subqueries, CTEs) yields its columns and a function that
// builds its exec operators for one execution. WHERE conjuncts are pushed to
// single tables, equalities between columns of two tables (same type,
// integers of any widths, text against varchar or char(n)) become
// hash-join keys; GROUP BY
// binds the select list against a hash aggregation (aggScope); window calls
// (window.go) are computed before the final projection (RANGE frames with
// offsets bound as per-row key ∓ offset expressions); DISTINCT ON sorts
// and keeps each group's first row; set operations, VALUES and WITH
// [RECURSIVE] are in setops.go (a recursive term runs round by round over
// a work table carried in the context), subqueries in expressions in
// sublink.go; LATERAL items and functions in FROM reading the items to
// their left bind as correlated subqueries of those items and join as a
// nested loop over distinct left values (lateral.go), and set-returning
// functions in a select list move into FROM as a lateral ROWS FROM
// (select_srf.go); a view read in FROM binds its stored query as a derived
// table (views.go); row comparisons are rewritten into their elements'
// comparisons before binding (ops.go rowExpansion). Each
// plan keeps a planNode tree for EXPLAIN (explain.go). Expressions run as
// typed kernels over whole batches where they have one (kernels.go:
// integer arithmetic and casts; boolkernels.go: comparisons, AND/OR/NOT on
// bitmaps, IN lists), row by row otherwise. An inner join on one integer
// key of a scan below it hands that scan a runtime filter of its build
// keys (exec.KeySet), applied by the scan's parallel workers; inner and
// left joins without a residual condition over a parallel scan add their
// probes to its workers (exec.Parallel.Extend, exec.SharedBuild), and
// EXPLAIN ANALYZE instruments such stages per worker. COPY FROM
// parses fields straight into the table's Arrow builders (copyload.go).
//
// Lattice's own statements (CREATE PROJECT, GRANT ... ON PROJECT, CREATE
// CUBE, BUILD, SHOW JOBS, ...) have a small grammar (lattice.go,
// lattice_cube.go). Cube definitions are bound in cube_ddl.go; job
// statements (cube_jobs.go) record jobs fenced by the project's lease, or
// forward them to the lease holder through the Cluster interface. A cube
// build's steps run SELECTs over the tables and over cuboid files
// (cube_build.go, QueryInternal): a file input declared sorted (a parent
// cuboid, sorted by its dimensions) is read in order by one worker, its
// files merged when there are several (exec.Merge), a
// GROUP BY that holds its leading columns aggregates run by run
// (exec.RunAgg, EXPLAIN "HashAggregate (sorted runs)"), and an ORDER BY
// that starts with them sorts each chunk of runs instead of the output. A
// file input may be a window of a table's rows (FactInput, BaseSliceSQL):
// a large range's base cuboid is built in slices.
//
// The cube route (cube_route.go, cube_rewrite.go) sits before a block is
// planned: a block whose join graph, dimensions and aggregates a cube
// covers is rewritten into the same block over the smallest cuboid's files
// (plus the raw rows of ranges no READY segment covers), then planned like
// any query. Parsed cube definitions and segment statistics are cached by
// row version (cube_cache.go). Comma-joined tables are ordered from the largest along WHERE
// equalities first (joinorder.go). System views of schema lattice and the
// catalogs plug into FROM as VirtualRelations (virtual.go); every query
// that reads a table or a cuboid is recorded in lattice.query_history
// (history.go), written in batches off the query's path and trimmed to its
// retention.
//
// The catalogs (docs/catalog.md): catalog.go computes pg_catalog and
// information_schema from a snapshot of the project (schemas, tables,
// cubes, virtual relations) with stable OIDs; catalog_defs.go and
// catalog_static.go hold PostgreSQL 15's columns and fixed rows,
// catalog_rows.go each relation's rows, funcs_catalog.go the catalog
// functions and regex operators, regclass.go the reg* types' input.
// Arrays are in array.go (ARRAY[], subscripts, ANY/ALL, functions) and
// array_from.go (functions in FROM: unnest, generate_series, ...);
// cursor.go has DECLARE/FETCH/MOVE/CLOSE.
//
// planner may import cube, exec, metastore, types and pgerr; it never imports
// wire, cluster or jobs.
package planner
