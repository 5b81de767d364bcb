package exec

import (
	"sync"

	"github.com/apache/arrow-go/v18/parquet/metadata"

	"github.com/lattice-olap/lattice/metastore"
	"github.com/lattice-olap/lattice/types"
)

// ColumnStats is what a Parquet row group records about one column.
type ColumnStats struct {
	Min, Max types.Datum // nil when the row group records none
	Nulls    int64
	Rows     int64
}

// RowGroupFilter decides, from the statistics of a row group's columns,
// whether any of its rows can pass the scan's filter. stats(col) returns
// false when the column has no usable statistics. A scan also asks it
// about runs of consecutive row groups, with statistics that cover the
// run's (the widest range, the summed counts): it must reject those only
// when no row of the run can pass, as a test of whether any row may pass
// does.
type RowGroupFilter func(stats func(col int) (ColumnStats, bool)) bool

// groupRun is how many consecutive row groups a scan asks its row-group
// filter about at once, in files of at least four runs: a large cuboid
// has thousands of groups, and a filter on its leading dimensions passes
// a few runs of them.
const groupRun = 32

// WithRowGroupFilter makes the scan skip the row groups keep rejects.
// Cuboid files are sorted by their dimensions and written in small row
// groups, so a filter on a leading dimension reads a few of them.
func (s *Scan) WithRowGroupFilter(keep RowGroupFilter) *Scan {
	s.keep = keep
	return s
}

// WithRowWindow makes the scan read only the row groups whose first row,
// counting the rows of its files in order, is in [from, to): one slice of
// a table read in several, each row in exactly one.
func (s *Scan) WithRowWindow(from, to int64) *Scan {
	s.window = [2]int64{from, to}
	return s
}

// rowGroups lists the row groups of file i, whose footer is md, that this
// scan reads: its partition's share in its window, without those the
// filter rejects.
func (s *Scan) rowGroups(i int, md *metadata.FileMetaData) []int {
	path := s.files[i].Path
	var row int64 // the next group's first row
	if s.window[1] > 0 {
		if s.starts == nil {
			s.starts = make([]int64, len(s.files))
			for k := 1; k < len(s.files); k++ {
				s.starts[k] = s.starts[k-1] + s.files[k-1].Rows
			}
		}
		row = s.starts[i]
	}
	st := s.statsOf(path, md)
	var out []int
	n := md.NumRowGroups()
	for g := 0; g < n; g++ {
		if g%groupRun == 0 && s.keep != nil && s.window[1] == 0 && n >= 4*groupRun {
			st.run = g / groupRun
			if !s.keep(st.runFn) {
				g += groupRun - 1 // no row of the run can pass
				continue
			}
		}
		if s.window[1] > 0 {
			first := row
			row += md.RowGroup(g).NumRows() // builds a metadata object: only for windows
			if first < s.window[0] || first >= s.window[1] {
				continue
			}
		}
		if s.parts > 1 && g%s.parts != s.part {
			continue
		}
		if s.keep != nil {
			st.g = g
			if !s.keep(st.fn) {
				continue
			}
		}
		out = append(out, g)
	}
	return out
}

// ImpliedConds decides, from the statistics of a row group's columns,
// which conjuncts of the filter above the scan every row of the group
// satisfies: bit i for conjunct i. A cuboid file is sorted by its
// dimensions, so in the few row groups a filter on its leading dimensions
// reads, those dimensions mostly hold one value, and the filter need not
// test them row by row.
type ImpliedConds func(stats func(col int) (ColumnStats, bool)) uint64

// WithImpliedConds makes the scan report, for each batch read through the
// column cache, the conjuncts that implied proves for its row group
// (Implied); a Filter over the scan leaves those out.
func (s *Scan) WithImpliedConds(implied ImpliedConds) *Scan {
	s.implies = implied
	return s
}

// Implied returns the conjuncts proved for every row of the batch Next
// returned last (see WithImpliedConds).
func (s *Scan) Implied() uint64 { return s.implied }

// scanStats answers the statistics of one file's row group g, or of its
// run of groups run, column by column, through rgStats: one closure each
// for the whole file (a cuboid can have thousands of groups), each column
// looked up once per file.
type scanStats struct {
	path  string
	g     int // the group fn answers about
	fn    func(col int) (ColumnStats, bool)
	run   int // the run of groupRun groups runFn answers about
	runFn func(col int) (ColumnStats, bool)
}

// statsOf returns the scan's statistics view of the file at path, whose
// footer is md; set its g (run) before calling its fn (runFn).
func (s *Scan) statsOf(path string, md *metadata.FileMetaData) *scanStats {
	if st := s.stats; st != nil && st.path == path {
		return st
	}
	st := &scanStats{path: path}
	st.fn = s.statsAt(func(col int) []rgStatsEntry { return s.fileStats(path, md, col) }, &st.g)
	st.runFn = s.statsAt(func(col int) []rgStatsEntry { return s.runStats(path, md, col) }, &st.run)
	s.stats = st
	return st
}

// statsAt returns a function answering column col's statistics at entry
// *at of what load returns for col, loading each column once.
func (s *Scan) statsAt(load func(col int) []rgStatsEntry, at *int) func(col int) (ColumnStats, bool) {
	cols := map[int][]rgStatsEntry{}
	return func(col int) (ColumnStats, bool) {
		if col >= len(s.cols) {
			return ColumnStats{}, false
		}
		e, ok := cols[col]
		if !ok {
			e = load(col)
			cols[col] = e
		}
		return e[*at].stats, e[*at].ok
	}
}

// rgStats keeps the statistics columnStats decoded, by file, column and
// type, for all of a file's row groups: a file's footer never changes, and
// decoding them was much of a cube query's planning. A scan looks a
// column up once per file, not once per row group. Past rgStatsMax row
// groups' entries it starts over.
var rgStats = struct {
	mu sync.Mutex // guards m and n
	m  map[rgStatsKey][]rgStatsEntry
	n  int // entries held
}{m: map[rgStatsKey][]rgStatsEntry{}}

const rgStatsMax = 1 << 20

type rgStatsKey struct {
	dir, path string
	col       int
	typ       types.T
	runs      bool // the entries are of runs of groupRun groups
}

type rgStatsEntry struct {
	stats ColumnStats
	ok    bool
}

// fileStats returns column col's statistics in each row group of the file
// of md, through rgStats.
func (s *Scan) fileStats(path string, md *metadata.FileMetaData, col int) []rgStatsEntry {
	k := rgStatsKey{s.dataDir, path, col, s.cols[col].Type, false}
	if e, hit := k.get(); hit {
		return e
	}
	e := make([]rgStatsEntry, md.NumRowGroups())
	for g := range e {
		e[g].stats, e[g].ok = s.columnStats(md, g, col)
	}
	k.put(e)
	return e
}

func (k rgStatsKey) get() ([]rgStatsEntry, bool) {
	rgStats.mu.Lock()
	defer rgStats.mu.Unlock()
	e, hit := rgStats.m[k]
	return e, hit
}

func (k rgStatsKey) put(e []rgStatsEntry) {
	rgStats.mu.Lock()
	defer rgStats.mu.Unlock()
	if rgStats.n+len(e) > rgStatsMax {
		rgStats.m, rgStats.n = map[rgStatsKey][]rgStatsEntry{}, 0
	}
	if _, dup := rgStats.m[k]; !dup {
		rgStats.m[k] = e
		rgStats.n += len(e)
	}
}

// runStats returns column col's statistics over each run of groupRun
// consecutive row groups of the file of md (the last run may be shorter),
// through rgStats: the smallest minimum and largest maximum, summed NULLs
// and rows; unusable when a group's are, and without a range when a group
// with non-NULL values records none.
func (s *Scan) runStats(path string, md *metadata.FileMetaData, col int) []rgStatsEntry {
	k := rgStatsKey{s.dataDir, path, col, s.cols[col].Type, true}
	if e, hit := k.get(); hit {
		return e
	}
	groups := s.fileStats(path, md, col)
	cmp, ranged := types.CompareFunc(s.cols[col].Type)
	e := make([]rgStatsEntry, (len(groups)+groupRun-1)/groupRun)
	for r := range e {
		run := ColumnStats{}
		ok, noRange := true, !ranged
		for _, g := range groups[r*groupRun : min(len(groups), (r+1)*groupRun)] {
			if !g.ok {
				ok = false
				break
			}
			run.Nulls += g.stats.Nulls
			run.Rows += g.stats.Rows
			switch {
			case g.stats.Min == nil || g.stats.Max == nil:
				noRange = noRange || g.stats.Nulls < g.stats.Rows
			case run.Min == nil:
				run.Min, run.Max = g.stats.Min, g.stats.Max
			case !noRange:
				if cmp(g.stats.Min, run.Min) < 0 {
					run.Min = g.stats.Min
				}
				if cmp(g.stats.Max, run.Max) > 0 {
					run.Max = g.stats.Max
				}
			}
		}
		if noRange {
			run.Min, run.Max = nil, nil
		}
		e[r] = rgStatsEntry{stats: run, ok: ok}
	}
	k.put(e)
	return e
}

// columnStats converts a column chunk's statistics to Datums of the
// column's type, for the types whose physical statistics compare like the
// values: integers, dates and text. (Float statistics leave out NaN, which
// PostgreSQL orders above every number, so they cannot prune.)
func (s *Scan) columnStats(md *metadata.FileMetaData, g, col int) (ColumnStats, bool) {
	if col >= len(s.cols) {
		return ColumnStats{}, false
	}
	return groupStats(md, g, col, s.cols[col].Type)
}

// groupStats returns what row group g of a file records about column col,
// of type t, when statsFromGroups(t).
func groupStats(md *metadata.FileMetaData, g, col int, t types.T) (ColumnStats, bool) {
	rg := md.RowGroup(g)
	if col >= rg.NumColumns() {
		return ColumnStats{}, false
	}
	cc, err := rg.ColumnChunk(col)
	if err != nil {
		return ColumnStats{}, false
	}
	st, err := cc.Statistics()
	if err != nil || st == nil {
		return ColumnStats{}, false
	}
	out := ColumnStats{Nulls: st.NullCount(), Rows: rg.NumRows()}
	if !st.HasNullCount() {
		return ColumnStats{}, false
	}
	if !st.HasMinMax() {
		return out, true
	}
	switch x := st.(type) {
	case *metadata.Int32Statistics:
		switch t.Family() {
		case types.IntFamily:
			out.Min, out.Max = int64(x.Min()), int64(x.Max())
		case types.DateFamily:
			out.Min, out.Max = types.DDate(x.Min()), types.DDate(x.Max())
		default:
			return ColumnStats{}, false
		}
	case *metadata.Int64Statistics:
		if t.Family() != types.IntFamily {
			return ColumnStats{}, false
		}
		out.Min, out.Max = x.Min(), x.Max()
	case *metadata.ByteArrayStatistics:
		if !statsFromGroups(t) {
			return ColumnStats{}, false
		}
		// A writer leaves out a bound longer than its limit (4 KB by
		// default) and keeps the other, and the reader reports the missing
		// one as empty: an empty least value still bounds the group, an
		// empty greatest one cannot be told from a missing one.
		if len(x.Max()) == 0 {
			return out, true
		}
		out.Min, out.Max = string(x.Min()), string(x.Max())
	default:
		return ColumnStats{}, false
	}
	return out, true
}

// statsFromGroups reports whether Parquet's statistics of a column of type
// t compare like its values: integers, dates and text other than char(n)
// (whose padding they do not ignore).
func statsFromGroups(t types.T) bool {
	switch t.Family() {
	case types.IntFamily, types.DateFamily:
		return true
	case types.StringFamily:
		return t.Oid != types.OidBpchar
	}
	return false
}

// LeadingRuns estimates how many runs of equal values the first column of
// a file sorted by it has (cols are the file's columns), from its row
// groups' statistics: one more than the changes they show, between groups
// and within those whose minimum and maximum differ. Changes within a
// group are counted once, so the estimate is low when values are many and
// short, and close when each spans row groups: when runs are long, which
// is when it matters. ok is false without usable statistics.
func LeadingRuns(dataDir string, f metastore.TableFile, cols []Column) (runs int64, ok bool) {
	md, err := footer(dataDir, f.Path)
	if err != nil || len(cols) == 0 {
		return 0, false
	}
	cmp, ok := types.CompareFunc(cols[0].Type)
	if !ok {
		return 0, false
	}
	s := &Scan{dataDir: dataDir, files: []metastore.TableFile{f}, cols: cols}
	var last types.Datum
	nulls := false // NULLs sort last: one more run
	for g := 0; g < md.NumRowGroups(); g++ {
		st, ok := s.columnStats(md, g, 0)
		if !ok {
			return 0, false
		}
		nulls = nulls || st.Nulls > 0
		if st.Min == nil || st.Max == nil {
			continue
		}
		if last == nil || cmp(st.Min, last) != 0 {
			runs++
		}
		if cmp(st.Min, st.Max) != 0 {
			runs++
		}
		last = st.Max
	}
	if nulls {
		runs++
	}
	return runs, true
}
