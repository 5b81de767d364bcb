// Package ssb generates the Star Schema Benchmark (SSB) data set: the
// lineorder fact table and the customer, supplier, part and dates
// dimensions, for any scale factor, deterministically from a seed.
//
// Generation streams: each table is written row by row in PostgreSQL's COPY
// text format to an io.Writer, so memory stays constant at any scale factor
// (an order's at most seven lines are the only rows held at once). The same
// bytes come out for the same (scale factor, seed) on every machine and Go
// release: the random streams are a self-contained splitmix64, one per table,
// so a table's rows do not depend on which other tables were generated.
//
// Cardinalities follow the SSB specification (O'Neil et al., revision 3):
//
//	lineorder  1,500,000 × SF orders of 1–7 lines (≈ 6,000,000 × SF rows)
//	customer   30,000 × SF
//	supplier   2,000 × SF
//	part       200,000 × ⌊1 + log2 SF⌋ for SF ≥ 1
//	dates      2,557 days, 1992-01-01 .. 1998-12-31
//
// Fractional scale factors: the specification's part formula gives zero or
// a negative count below SF 1. ssb-dbgen (like TPC-H's dbgen, which it is
// derived from) scales every table linearly by a fractional SF, so part has
// 200,000 × SF rows for SF < 1 (2,000 at SF 0.01); this package does the same.
// Counts are rounded down, with a minimum of one row.
//
// Deliberate differences from ssb-dbgen, none of which the 13 queries can
// see: order keys are dense (1..orders) rather than sparse; dbgen's date
// table stops one day short (2,556 rows, ending 1998-12-30) and this one
// covers the full seven years; d_date is a SQL date rather than the text
// "December 31, 1998"; customer keys are drawn uniformly from all customers.
// Prices are integers in cents as dbgen writes them: a part's retail price is
// 90,000 + (partkey/10 mod 20,001) + 100 × (partkey mod 1,000) cents,
// lo_extendedprice = lo_quantity × retail price, lo_revenue =
// lo_extendedprice × (100 − lo_discount) / 100, lo_supplycost = 6 × retail
// price / 10 and lo_ordtotalprice is the order's sum of revenue with tax
// (integer division throughout).
//
// DDL holds the CREATE TABLE statements; the sample loader (cmd/lattice
// sample ssb) and the bench/ harness use them for Lattice, DuckDB and
// PostgreSQL alike, so the three engines hold identical tables. Queries are
// the 13 SSB queries; CubeSQL is the SSB cube's CREATE CUBE statement and
// Cuboids the cuboids its aggregation groups yield (cube.go explains the
// groups).
//
// ssb imports only the standard library.
package ssb
