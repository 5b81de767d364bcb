package cube

import "fmt"

// SegmentStats is what a build records about a segment (the metastore's
// segments.stats).
type SegmentStats struct {
	FactRows int64 `json:"fact_rows"` // fact rows in the range
	FlatRows int64 `json:"flat_rows"` // rows of the join over the inner-joined tables
	// Omittable lists, per table alias, whether a query may leave the table
	// out on this segment: its join keys are unique and, for an inner join,
	// every fact row of the range found its match.
	Omittable map[string]bool `json:"omittable"`
	// Cuboids holds each cuboid's row count, keyed by Key.
	Cuboids map[string]int64 `json:"cuboids"`
	Bytes   int64            `json:"bytes"`
	// Tables holds, per table alias, a fingerprint of the table's committed
	// files when the build read it: a table loaded or truncated since makes
	// the segment stale, and queries read its range from raw rows until a
	// REFRESH.
	Tables map[string]string `json:"tables,omitempty"`
}

// File is one Parquet file of a segment (the metastore's segments.files
// maps cuboid keys to them).
type File struct {
	Path  string `json:"path"` // relative to the data directory
	Rows  int64  `json:"rows"`
	Bytes int64  `json:"bytes"`
	Stats string `json:"stats,omitempty"` // per-column min/max, for pruning
}

// SegmentFiles maps cuboid keys to their files.
type SegmentFiles map[string][]File

// Key is the cuboid's key in segment stats and files: its mask in hex.
func (c Cuboid) Key() string { return fmt.Sprintf("%x", uint64(c)) }
