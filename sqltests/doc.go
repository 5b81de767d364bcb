// Package sqltests will hold Lattice's SQL correctness suites: SQL files and
// datasets loaded into both Lattice and a real PostgreSQL, whose results must
// match. Expected results always come from PostgreSQL, never by hand.
//
// The protocol-level goldens live in wire/testdata/pgtest and are likewise
// replayed against PostgreSQL. This package fills up with the SQL engine.
package sqltests
