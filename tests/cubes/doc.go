// Package cubes holds the correctness and fault tests of cubes (issue 5),
// run against real lattice nodes and the real PostgreSQL:
//
//   - star_test.go loads a star schema with a snowflake dimension, a
//     LEFT-joined dimension and NULLs in dimensions and measures into
//     Lattice and into a fresh PostgreSQL database, builds two cubes (one
//     with every cuboid, one pruned by aggregation groups) and checks
//     hand-written and generated aggregate queries: route 'cube', route
//     'raw' and PostgreSQL must agree. It also covers partial coverage,
//     MERGE, REFRESH under concurrent queries, COUNT(DISTINCT) roll-ups,
//     cube relations and the error cases.
//   - kill_test.go kills a node with SIGKILL in the middle of an SSB build,
//     restarts it on the same data directory and metastore, and checks that
//     the job resumes, leaves no orphan files and yields the same segment as
//     an uninterrupted build; the 13 SSB queries answer as PostgreSQL does.
//
// Expected answers always come from PostgreSQL over the same rows. With
// CI=true a missing PostgreSQL fails the tests (testenv.Require).
package cubes
