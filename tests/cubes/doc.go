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
//   - kill_test.go kills a node with SIGKILL in the middle of an SSB build
//     (SF 0.002, 16 cuboids), restarts it on the same data directory and
//     SQLite metastore, and checks that the job resumes, leaves no orphan
//     files and yields the same segment as an uninterrupted build; the 13
//     SSB queries answer on the cube route as on the raw route and on
//     PostgreSQL. TestViewsOnPostgresMetastore reads the job and segment
//     views of a node whose metastore is PostgreSQL.
//   - jobcontrol_test.go pauses an SSB build while it derives cuboids
//     (nothing moves while it is paused), resumes it to the end and checks
//     the answers, cancels a REFRESH at the same step (its segment is gone,
//     the old one still answers), and checks the 55000 of job statements
//     that do not apply to the job's state.
//
// Nodes run with a one-second heart-beat so that a project created by a
// test gets its job engine quickly. Under -race on a two-core machine the
// package takes several minutes: a build derives each cuboid in turn.
//
// Expected answers always come from PostgreSQL over the same rows. With
// CI=true a missing PostgreSQL fails the tests (testenv.Require).
package cubes
