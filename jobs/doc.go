// Package jobs is the job engine: it runs cube builds, refreshes and merges
// as persisted jobs with ordered, idempotent steps, fenced by the project's
// lease epoch, and resumes them after a restart or a takeover.
//
// The planner records a job (BUILD/REFRESH/MERGE CUBE) and its BUILDING
// segment in one fenced transaction and wakes the engine. The cluster
// package tells the engine which projects this node leads (Adopt, Drop);
// each adopted project has one goroutine that runs its PENDING and RUNNING
// jobs one at a time, oldest first. A job's steps (DESIGN.md "Jobs, leases
// and failover"):
//
//  1. flat: fingerprint the tables' files, count the range's fact rows and
//     joined rows and check the joined tables' keys, recording which tables
//     queries may leave out (a segment whose tables change later is stale);
//  2. base: aggregate the base cuboid from the flat rows (for MERGE, from
//     the merged segments' base cuboids, merged as they are read). A range
//     of more flat rows than Config.SliceRows (lattice.cube.build-slice-rows,
//     by default what half of lattice.query.max-memory holds) goes in
//     slices: windows of the fact table's row groups, each aggregated into
//     a sorted file, then merged (exec.Merge) and aggregated run by run, so
//     that memory goes with the slice, not the range;
//  3. cuboids: derive every other cuboid from its smallest built parent,
//     one worker per core side by side (a cuboid starts once every cuboid
//     holding its dimensions is built), recording the files written so far
//     about once a second. The parent's file is sorted by its dimensions:
//     a child that holds the first of them rolls up run by run in little
//     memory (exec.RunAgg); only one roll-up that cannot, from a parent of
//     over a million rows, runs at a time. A roll-up from a parent of
//     more rows than Config.SliceRows that does not stream, or streams in
//     runs longer than that (estimated from the parent's row-group
//     statistics), goes in slices of the parent's rows, as the base step
//     does. A worker takes the ready cuboids of one parent together (up
//     to four) and decodes the parent once for those not sliced
//     (exec.Shared), each rolled up by a query of its own. Each cuboid's
//     parent, rows, siblings and seconds are logged.
//  4. files: move the files from the work directory to their final names;
//  5. commit: the segment becomes READY, replaced segments RETIRED and the
//     job FINISHED in one metastore transaction.
//
// Each step's query writes its rows to Parquet on a second goroutine, a
// batch behind the query, so that a roll-up running alone keeps two cores
// busy.
//
// Every write goes through metastore.Fenced with the epoch the project was
// adopted at, so a node that lost its lease commits nothing. Each step
// records what it did in job_steps.detail; a resumed job starts at the
// first unfinished step, and first removes files in the segment's
// directory that no step recorded (a dead attempt's). Retired segments'
// files are removed after Config.RetiredAge, so that queries that started
// before a REFRESH or MERGE finish reading them.
//
// Segment files live under <data-dir>/cubes/<project>/<cube>/<segment>/,
// one Parquet file per cuboid named by its key, compressed with
// Config.Compression (lattice.cube.compression; docs/formats.md).
//
// jobs imports cube, exec, metastore, pgerr and planner.
package jobs
