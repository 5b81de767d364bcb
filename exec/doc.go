// Package exec is Lattice's executor: operators that pass Arrow record
// batches (github.com/apache/arrow-go/v18) from one to the next, and the
// Parquet files that hold table data.
//
// # Data
//
// A batch is an arrow.RecordBatch; its columns carry PostgreSQL types
// (types.T) in Column, because Arrow alone cannot tell text from
// varchar(10). ArrowType maps each SQL type to its Arrow storage:
//
//	bool Boolean · smallint Int16 · integer Int32 · bigint Int64
//	real Float32 · double precision Float64
//	numeric(p,s) with p <= 38: Decimal128(p,s) · other numeric: String (decimal text)
//	text, varchar, char: String · bytea: Binary · date: Date32
//	timestamp: Timestamp(µs) · timestamptz: Timestamp(µs, UTC)
//
// Value and Append convert between Arrow slots and types.Datum at the edges
// (results, literals).
//
// # Operators
//
// An Operator yields batches with Next(ctx) until it returns nil, checking
// the context once per batch; Close releases it. Scan reads table files;
// Filter and Project evaluate expressions (BatchExpr, implemented by the
// planner) over whole batches; HashJoin, HashAgg (with grouping sets),
// Window and Sort (with top-N) hold rows and charge the query's memory
// Budget (53200 past it); RunAgg aggregates input sorted by some of its
// group columns chunk by chunk of whole runs, each chunk with a small
// HashAgg (and Sort) whose memory goes back to the budget once returned
// (chunks where nearly every row is a group are sorted first and
// aggregated in order, without a hash table);
// Merge interleaves inputs each sorted by the same keys into one sorted
// stream, holding a batch per input (a cuboid's files: a merge's segments,
// a base cuboid's slices); FirstOfGroup keeps the first row of each run
// of equal keys (DISTINCT ON, after a Sort); Limit cuts the stream; Instrument counts rows and time for EXPLAIN
// ANALYZE (summed over the workers that run a stage). Results stream to
// the client as batches arrive.
//
// Parallel runs one scan-and-filter pipeline per core over disjoint row
// groups and merges their batches; a Scan may also be limited to a window
// of its files' rows (WithRowWindow: a build's slice of the fact table); Close cancels and joins its goroutines.
// Shared reads one input once for several consumers, each an operator of
// its own (a Tap) that yields every batch in order: a build derives
// sibling cuboids from one decode of their parent. Its goroutine hands
// each batch to every open tap and ends with the input, when every tap is
// closed, or at Close.
// Scans read through the column cache (decoded row groups of hot files)
// unless their context says WithoutColumnCache, as a cube build's do: a
// build reads each file once, with one reader per file (and a record
// reader per batch's worth of row groups, released after them), and must not
// evict what queries keep hot.
// A scan skips the row groups whose statistics its RowGroupFilter rejects,
// asking first about runs of 32 groups (their statistics' union, cached
// per file and column like the groups') in files of 128 groups or more,
// so that a sorted cuboid of thousands of groups costs a few dozen
// questions for the runs a filter rules out; through the cache it also reports, per batch, the conjuncts of the
// filter above that its row group's statistics prove for every row
// (WithImpliedConds, Implied), and a Filter whose predicate is a
// ConjunctsExpr leaves those out. In the few groups of a sorted cuboid
// that a filter on its leading dimensions reads, those dimensions hold one
// value, so only the other conjuncts are tested row by row.
// Extend adds stages to every worker's pipeline: the planner adds the
// probes of inner and left hash joins, whose build side (SharedBuild) is
// built once by the first worker to need it and then read by all.
// Aggregations, windows, sorts and the other joins run on one goroutine
// above the workers.
//
// The operators work on Arrow arrays, not Datums, on their hot paths:
//
//   - HashAgg hashes group keys straight from the arrays (AppendArrowKey)
//     into a group table whose keys sit in fixed-size chunks (never moved
//     as it grows; grouptable.go), copies each group's key values into
//     Arrow builders and keeps one
//     column of state per aggregate indexed by group number (aggcols.go):
//     typed for counts, integer, decimal and float sums and integer, date
//     and text minimums and maximums; the Datum accumulators
//     (accumulate.go) for the rest, among them DISTINCT aggregates (fed
//     their distinct values sorted, as PostgreSQL does) and the
//     ordered-set aggregates (percentile_cont/disc, mode).
//   - Sort keeps its input batches and sorts rows by memcomparable
//     normalized keys (sortkey.go), comparing as Datums only key columns
//     with no byte encoding (unbounded numeric, arrays), and gathers its
//     output with typed copies.
//   - HashJoin looks a single integer or date key up as int64 straight
//     from the arrays (other keys through AppendArrowKey): in an array
//     indexed by key when the build keys fill most of their range, as a
//     dimension's primary key does, in a hash table otherwise. It gathers
//     output with typed takes (take), as Filter does with the rows that
//     pass.
//   - An inner join on one integer key publishes its build keys (KeySet),
//     as a bitmap over their range when that is small, and a Filter in the
//     scan workers below drops the rows whose key is not among them
//     (WithKeySet): the scan's predicate and every key filter narrow one
//     selection, gathered once.
//   - The planner evaluates comparisons, AND/OR/NOT (on bitmaps, AND only
//     on the rows its earlier arguments leave possible), IN lists of text,
//     and integer arithmetic and casts as kernels over arrays; other
//     expressions run row by row within a batch.
//
// Window still holds Datum rows (about 2-3x PostgreSQL's time for a
// running sum over a million rows). An aggregate over frames that start at
// the partition's first row (running totals, the whole partition) adds
// each row once and reads a running result; sliding frames aggregate
// each row's frame, and peers with the same frame share one result.
// Rows (results) converts to Datums at the
// edge; cube builds take batches from it (NextBatch) and write them to
// files without conversion.
//
// # Files
//
// Table data is Parquet (zstd; cuboids use a Codec, Snappy by default),
// one file per load, written to a temporary
// name and renamed into place; the metastore's list of committed files is
// the truth, so a crash leaves at most an orphan file, never half a table.
// docs/formats.md describes the layout.
//
// exec imports types, pgerr and metastore; it never imports planner or wire.
package exec
