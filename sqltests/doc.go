// Package sqltests holds Lattice's SQL correctness suites: datasets and
// queries in SQL files, loaded into and run on both a Lattice node and the
// reference PostgreSQL, whose answers must match. Expected results are
// never written by hand: they come from PostgreSQL at test time.
//
// The package has only tests; the protocol-level goldens live in
// wire/testdata/pgtest.
//
// # Layout
//
//	testdata/datasets/<name>.sql   schema and data of one dataset
//	testdata/queries/<name>.sql    queries over one dataset
//	testdata/known_failing.txt     checks allowed to fail for now
//	internal/gen                   generator of datasets/star.sql
//
// The datasets: basic (one row per interesting value of every column type,
// float and numeric specials, integer limits), joins (small tables with
// NULL keys, duplicates, no-match and empty cases), star (a fact table of
// 2,000 generated rows with three dimensions) and times (time of day
// columns). Files named *_extras.sql hold
// PostgreSQL features beyond the core list of issue 4.
//
// # Dataset files
//
// A dataset file is a psql script that `psql -f` also runs: statements end
// with ";" at the end of a line (so no line inside a string literal may end
// with ";"), whole-line "--" comments go between statements, and a
// "COPY t (...) FROM STDIN [WITH (...)];" statement is followed by its data
// lines and a line "\.". The harness runs each statement through pgx, and
// COPY data through pgconn's CopyFrom (both text and CSV formats are used).
// Loading a dataset into Lattice is itself a check, named load/<dataset>: it
// passes when every statement succeeds with PostgreSQL's command tag.
//
// # Query files
//
// A query file starts with "-- dataset: <name>". Entries are separated by
// blank lines; each starts with "-- query: <name>" ([a-z0-9_]+, unique in
// the file), may continue with directive and comment lines, then has the
// SQL (one statement, over any number of lines, with or without a final
// ";"):
//
//	-- query: group_by_channel
//	SELECT channel, count(*) FROM sales GROUP BY channel;
//
//	-- query: fetch_with_ties
//	-- The set is determined, the order within ties is not.
//	-- unordered
//	SELECT k, id FROM alltypes ORDER BY k FETCH FIRST 3 ROWS WITH TIES;
//
//	-- query: div_zero
//	-- error 22012
//	SELECT 1 / 0;
//
// Directives: "-- ordered" compares rows in order; "-- unordered" compares
// them as a multiset even though the query has an ORDER BY; "-- error
// [SQLSTATE]" says PostgreSQL fails the query (with that SQLSTATE when
// given). Without a directive, rows are compared in order exactly when the
// outermost SELECT has an ORDER BY (found with PostgreSQL's parser). A
// query is named <file>/<query>, e.g. star_aggregates/group_by_channel.
//
// The query files are checked against PostgreSQL too: a query that
// PostgreSQL fails without "-- error", or runs despite it, fails the test
// whatever the known-failing list says, and TestQueriesDeterministic
// rejects queries whose answer depends on physical row order or the plan
// (an ORDER BY with ties, a LIMIT without a total order).
//
// # Comparison
//
// Each query runs twice on each server: in the simple protocol (text
// results) and in the extended protocol with every result column in binary.
// Both times the answers must have
//
//   - the same columns: names, type OIDs and type modifiers (numeric(12,2),
//     varchar(10), ... as RowDescription reports them);
//   - the same command tag ("SELECT 24");
//   - the same rows: NULL is distinct from the empty string; values compare
//     as their exact text or binary form, so numeric scale, char padding
//     and timestamp precision count. Rows compare in order for ordered
//     queries, as multisets otherwise;
//   - or, when PostgreSQL fails, an error with the same SQLSTATE (the
//     message may differ).
//
// Floats are the one inexact comparison: float8 values match when
// |a-b| <= 1e-12 * max(|a|,|b|), float4 values within 1e-6 relative; NaN
// matches NaN and infinities must match exactly. The datasets keep floats
// to multiples of 1/8 so that sums are exact in any order.
//
// Both servers get the same session settings in the startup message
// (TimeZone=UTC, DateStyle=ISO, MDY, IntervalStyle=postgres,
// extra_float_digits=1), and the reference database must use the C or
// C.UTF-8 collation, so that text sorts by code point.
//
// # The known-failing list
//
// While the engine is being built, testdata/known_failing.txt lists the
// checks that do not match yet. TestSQL logs their failures instead of
// failing, and fails when a listed check matches, printing the names to
// remove, so the list only shrinks. Every check not on the list must match.
// TestQueryFiles fails when the list names a check that does not exist.
//
//	go test ./sqltests -run TestSQL -update-known-failing   # rewrite the list from this run
//	LATTICE_SQLTESTS_KNOWN_FAILING=none go test ./sqltests   # ignore the list: report every failure
//	LATTICE_SQLTESTS_KNOWN_FAILING=path/to/list go test ...  # use another list
//
// TestSQL ends with a summary line, "N/M queries match PostgreSQL" (shown
// with -v or on failure). Run one dataset, file or query with
// -run TestSQL/<dataset>/<file>/<query>.
//
// # Randomized queries
//
// TestRandomQueries generates 300 SELECT queries over the star schema from a
// seed (100 under -race, where the node runs several times slower): random
// projections, filters with constants drawn from the data's domains, joins
// to the dimensions, GROUP BY with aggregates (with FILTER and HAVING),
// DISTINCT. Each query orders by all its output columns, often with LIMIT
// and OFFSET, so its answer is determined. They are compared in the simple
// protocol. The seed is fixed (20240229) unless -seed is given, and printed;
// every mismatch prints the seed and the query.
//
// Every mismatch fails the test and prints a summary ("N/300 random queries
// match"); LATTICE_SQLTESTS_RANDOM=lenient only logs them, for exploring
// other seeds. A query that PostgreSQL itself rejects is a generator bug and
// always fails.
//
//	LATTICE_SQLTESTS_RANDOM=lenient go test ./sqltests -run TestRandomQueries -seed 7
//
// # Adding queries and datasets
//
// Add an entry to a query file and run `go test ./sqltests -run
// 'TestQueriesDeterministic|TestQueryFiles'` (PostgreSQL only) to check it,
// then TestSQL. The generated dataset is regenerated with
// `go test ./sqltests -run TestGeneratedDatasets -rewrite`; a new dataset
// file is picked up by name, and a query file selects it with
// "-- dataset:". Datasets use only the column types Lattice supports:
// bool, smallint, integer, bigint, real, double precision, numeric(p,s),
// numeric, text, varchar(n), char(n), date, time, timestamp, timestamptz,
// bytea.
package sqltests
