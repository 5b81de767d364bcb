// Package exec will hold Lattice's vectorized executor: operators over
// Arrow record batches (github.com/apache/arrow-go/v18) — scan, filter,
// project, hash join, hash aggregate, sort, top-N, limit, union — and the
// Parquet readers and writers for table and segment files.
//
// It is empty today: the planner answers only statements without FROM. The
// SQL engine issue fills it. exec may import types and pgerr; it never
// imports planner or wire.
package exec
