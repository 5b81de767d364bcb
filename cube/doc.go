// Package cube is the cube model shared by the planner (definitions, the cube
// matcher) and the job engine (builds): a cube's definition as it is stored
// in the metastore, the cuboid lattice its aggregation groups allow, segment
// ranges on the partition column, and what a build records about each
// segment. It does no I/O.
//
// A cuboid is a set of dimensions, written as a bit mask over the cube's
// dimension list (bit i = dimension i), so a cube has at most 63 dimensions.
// The base cuboid holds every dimension.
//
// cube imports only pgerr and types from Lattice.
package cube
