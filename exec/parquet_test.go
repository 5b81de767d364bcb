package exec

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/stretchr/testify/require"

	"github.com/lattice-olap/lattice/metastore"
	"github.com/lattice-olap/lattice/types"
)

// TestAlignRowGroups writes rows sorted by (a, b), in batches of random
// sizes, with row groups aligned on both: every group but the last holds
// 2,048 to 4,096 rows and, when it lies within one batch, ends at the most
// significant change its second half offers; the rows read back unchanged.
func TestAlignRowGroups(t *testing.T) {
	cols := []Column{{"a", types.Int4}, {"b", types.Text}, {"v", types.Int8}}
	r := rand.New(rand.NewPCG(7, 8))
	const n = 50_000
	// a changes every 1,000 to 6,000 rows, b every 1 to 700 (and with a).
	as, bs := make([]int64, n), make([]string, n)
	for i, a, b := 0, int64(0), 0; i < n; {
		runA := 1000 + r.IntN(5000)
		for j := 0; j < runA && i < n; {
			runB := 1 + r.IntN(700)
			for k := 0; k < runB && j < runA && i < n; k, j, i = k+1, j+1, i+1 {
				as[i], bs[i] = a, fmt.Sprintf("b%05d", b)
			}
			b++
		}
		a++
		b = 0
	}
	dir := t.TempDir()
	fw, err := NewFileWriterRowGroups(dir, "w", cols, 4096, CodecSnappy)
	require.NoError(t, err)
	fw.AlignRowGroups(2)
	batchStart := map[int]bool{}
	for done := 0; done < n; {
		batchStart[done] = true
		size := min(n-done, 1+r.IntN(20000))
		bld := NewBuilder(cols)
		for i := done; i < done+size; i++ {
			require.NoError(t, bld.Add([]types.Datum{as[i], bs[i], int64(i)}))
		}
		rec := bld.Batch()
		require.NoError(t, fw.Write(rec))
		rec.Release()
		bld.Release()
		done += size
	}
	tf, err := fw.Finish()
	require.NoError(t, err)

	pf, err := file.OpenParquetFile(filepath.Join(dir, tf.Path), false)
	require.NoError(t, err)
	defer pf.Close()
	changeAt := func(i int) int { // the earliest column changing at row i
		switch {
		case as[i] != as[i-1]:
			return 0
		case bs[i] != bs[i-1]:
			return 1
		}
		return 2
	}
	start, checked := 0, 0
	groups := pf.NumRowGroups()
	require.Greater(t, groups, 12)
	for g := range groups {
		rows := int(pf.MetaData().RowGroup(g).NumRows())
		end := start + rows
		if g == groups-1 {
			require.Equal(t, n, end)
			break
		}
		require.GreaterOrEqual(t, rows, 2048, "group %d", g)
		require.LessOrEqual(t, rows, 4096, "group %d", g)
		oneBatch := true
		for i := start + 1; i <= min(start+4096, n-1); i++ {
			oneBatch = oneBatch && !batchStart[i]
		}
		best := 2
		for i := start + 2048; i <= min(start+4096, n-1); i++ {
			best = min(best, changeAt(i))
		}
		if oneBatch {
			checked++
			if best < 2 {
				require.Equal(t, best, changeAt(end), "group %d ends at row %d", g, end)
			}
		}
		start = end
	}
	require.Greater(t, checked, 5)

	s := NewScan(dir, []metastore.TableFile{tf}, cols, []int{0, 1, 2})
	defer s.Close()
	i := 0
	for {
		rec, err := s.Next(context.Background())
		require.NoError(t, err)
		if rec == nil {
			break
		}
		for k := 0; k < int(rec.NumRows()); k, i = k+1, i+1 {
			require.Equal(t, as[i], Value(rec.Column(0), k, cols[0].Type))
			require.Equal(t, bs[i], Value(rec.Column(1), k, cols[1].Type))
			require.Equal(t, int64(i), Value(rec.Column(2), k, cols[2].Type))
		}
	}
	require.Equal(t, n, i)
}

// writeRows writes rows as one batch to a new file of groupRows-row groups.
func writeRows(t *testing.T, dir string, cols []Column, groupRows int64, rows [][]types.Datum) metastore.TableFile {
	t.Helper()
	return writeRowsCodec(t, dir, cols, groupRows, rows, CodecZstd)
}

func writeRowsCodec(t *testing.T, dir string, cols []Column, groupRows int64, rows [][]types.Datum, codec Codec) metastore.TableFile {
	t.Helper()
	fw, err := NewFileWriterRowGroups(dir, "w", cols, groupRows, codec)
	require.NoError(t, err)
	bld := NewBuilder(cols)
	for _, row := range rows {
		require.NoError(t, bld.Add(row))
	}
	rec := bld.Batch()
	require.NoError(t, fw.Write(rec))
	rec.Release()
	bld.Release()
	tf, err := fw.Finish()
	require.NoError(t, err)
	return tf
}

// TestCodecs writes the same rows with each codec a cuboid may use and
// reads them back: readers take the codec from the file, so segments
// written under different lattice.cube.compression settings mix.
func TestCodecs(t *testing.T) {
	cols := []Column{{"v", types.Int8}, {"s", types.Text}}
	var rows [][]types.Datum
	for i := range 5000 {
		rows = append(rows, []types.Datum{int64(i % 97), fmt.Sprintf("city %d", i%13)})
	}
	dir := t.TempDir()
	sizes := map[Codec]int64{}
	var files []metastore.TableFile
	for _, name := range []string{"snappy", "ZSTD", "lz4", "none"} {
		codec, err := ParseCodec(name)
		require.NoError(t, err)
		tf := writeRowsCodec(t, dir, cols, 1024, rows, codec)
		sizes[codec] = tf.Bytes
		files = append(files, tf)
		seen := scanCounts(t, NewScan(dir, []metastore.TableFile{tf}, cols, []int{0, 1}))
		require.Len(t, seen, 97, name)
		require.Equal(t, 52, seen[0], name)
	}
	require.Less(t, sizes[CodecZstd], sizes[CodecNone])
	require.Less(t, sizes[CodecSnappy], sizes[CodecNone])
	seen := scanCounts(t, NewScan(dir, files, cols, []int{0}))
	require.Equal(t, 4*52, seen[0])
	_, err := ParseCodec("brotli")
	require.ErrorContains(t, err, "snappy, zstd, lz4 or none")
}

// scanCounts reads scan to the end and closes it, counting each value of
// its first (bigint) column.
func scanCounts(t *testing.T, scan *Scan) map[int64]int {
	return scanCountsCtx(context.Background(), t, scan)
}

func scanCountsCtx(ctx context.Context, t *testing.T, scan *Scan) map[int64]int {
	t.Helper()
	defer scan.Close()
	seen := map[int64]int{}
	for {
		rec, err := scan.Next(ctx)
		require.NoError(t, err)
		if rec == nil {
			return seen
		}
		for _, v := range rec.Column(0).(*array.Int64).Int64Values() {
			seen[v]++
		}
	}
}

// TestRowWindow reads three files (row groups of 1,000 rows and a short
// last one) in windows that cut across groups and files: each row comes
// from exactly one window, alone and with the scan split among workers,
// through the column cache and without it.
func TestRowWindow(t *testing.T) {
	cols := []Column{{"v", types.Int8}}
	dir := t.TempDir()
	var files []metastore.TableFile
	next := int64(0)
	for _, n := range []int{2500, 999, 4001} {
		var rows [][]types.Datum
		for range n {
			rows = append(rows, []types.Datum{next})
			next++
		}
		files = append(files, writeRows(t, dir, cols, 1000, rows))
	}
	for _, cached := range []bool{false, true} {
		t.Run(fmt.Sprint("cached=", cached), func(t *testing.T) {
			if !cached {
				SetColumnCacheSize(0)
				defer SetColumnCacheSize(512 << 20)
			}
			seen := make([]int, next)
			bounds := []int64{0, 1, 1700, 2500, 3499, 3500, 6000, next}
			for w := 1; w < len(bounds); w++ {
				for part := range 2 {
					scan := NewScan(dir, files, cols, []int{0}).WithRowWindow(bounds[w-1], bounds[w]).Partition(part, 2)
					for v, n := range scanCounts(t, scan) {
						seen[v] += n
					}
				}
			}
			for v, n := range seen {
				require.Equal(t, 1, n, "row %d", v)
			}
		})
	}
}

// TestScanWithoutColumnCache reads a file under WithoutColumnCache, as a
// cube build does: every row, and nothing left in the column cache; the
// same scan under a query's context fills the cache.
func TestScanWithoutColumnCache(t *testing.T) {
	cols := []Column{{"v", types.Int8}}
	var rows [][]types.Datum
	for i := range 5000 {
		rows = append(rows, []types.Datum{int64(i)})
	}
	dir := t.TempDir()
	tf := writeRows(t, dir, cols, 1000, rows)
	cachedGroups := func() int {
		fileCache.mu.Lock()
		defer fileCache.mu.Unlock()
		n := 0
		for k := range fileCache.items {
			if k.path == tf.Path {
				n++
			}
		}
		return n
	}
	seen := scanCountsCtx(WithoutColumnCache(context.Background()), t, NewScan(dir, []metastore.TableFile{tf}, cols, []int{0}))
	require.Len(t, seen, 5000)
	require.Zero(t, cachedGroups())
	seen = scanCounts(t, NewScan(dir, []metastore.TableFile{tf}, cols, []int{0}))
	require.Len(t, seen, 5000)
	require.Equal(t, 5, cachedGroups())
}

// TestUncachedReadersPerBatch reads, without the column cache, a file of
// seven 10,000-row groups, which one record reader per batch's worth of
// groups reads as six groups and then one: every row once, in order, in
// batches of at most BatchRows.
func TestUncachedReadersPerBatch(t *testing.T) {
	cols := []Column{{"v", types.Int8}}
	var rows [][]types.Datum
	for i := range 70000 {
		rows = append(rows, []types.Datum{int64(i)})
	}
	dir := t.TempDir()
	tf := writeRows(t, dir, cols, 10000, rows)
	scan := NewScan(dir, []metastore.TableFile{tf}, cols, []int{0})
	defer scan.Close()
	ctx := WithoutColumnCache(context.Background())
	next, batches := int64(0), 0
	for {
		rec, err := scan.Next(ctx)
		require.NoError(t, err)
		if rec == nil {
			break
		}
		batches++
		require.LessOrEqual(t, rec.NumRows(), int64(BatchRows))
		for _, v := range rec.Column(0).(*array.Int64).Int64Values() {
			require.Equal(t, next, v)
			next++
		}
	}
	require.Equal(t, int64(70000), next)
	require.Equal(t, 2, batches)
}

// TestScratchFile writes a scratch file (a build's slice) and reads it
// back: the same rows, no statistics.
func TestScratchFile(t *testing.T) {
	cols, _, _ := typedAggCase()
	r := rand.New(rand.NewPCG(11, 12))
	recs := randomBatches(t, r, cols, 3000)
	defer releaseBatches(recs)
	dir := t.TempDir()
	fw, err := NewScratchFileWriter(dir, "s", cols)
	require.NoError(t, err)
	for _, rec := range recs {
		require.NoError(t, fw.Write(rec))
	}
	tf, err := fw.Finish()
	require.NoError(t, err)
	require.Equal(t, int64(3000), tf.Rows)
	require.Empty(t, tf.Stats)
	all := make([]int, len(cols))
	for c := range all {
		all[c] = c
	}
	want := drain(t, &batchesOp{cols: cols, recs: retained(recs)})
	require.Equal(t, want, drain(t, NewScan(dir, []metastore.TableFile{tf}, cols, all)))
}

// TestRowGroupFilter checks that a scan skips the row groups whose
// statistics its filter rejects, in two files, twice (the second time from
// the statistics cache), and reads the others whole.
func TestRowGroupFilter(t *testing.T) {
	cols := []Column{{"g", types.Int8}, {"s", types.Text}}
	dir := t.TempDir()
	var files []metastore.TableFile
	for f := range 2 {
		var rows [][]types.Datum
		for i := range 1000 {
			g := int64(f*10 + i/100) // one value of g per row group
			rows = append(rows, []types.Datum{g, fmt.Sprintf("s%02d", g)})
		}
		files = append(files, writeRows(t, dir, cols, 100, rows))
	}
	// Keep groups that may hold g = 3 or g = 14, and s = "s14".
	keep := func(stats func(col int) (ColumnStats, bool)) bool {
		g, ok := stats(0)
		require.True(t, ok)
		lo, hi := g.Min.(int64), g.Max.(int64)
		if !(lo <= 3 && 3 <= hi) && !(lo <= 14 && 14 <= hi) {
			return false
		}
		s, ok := stats(1)
		require.True(t, ok)
		return s.Min.(string) <= "s14" && "s14" <= s.Max.(string)
	}
	for range 2 {
		scan := NewScan(dir, files, cols, []int{0, 1}).WithRowGroupFilter(keep)
		require.Equal(t, map[int64]int{14: 100}, scanCounts(t, scan))
	}
}

// TestRowGroupRuns checks the runs of row groups a scan asks its filter
// about in a file of 300 groups: sorted, a filter on its leading column
// looks at a few runs' groups; shuffled, or with a run whose groups hold
// only NULLs or values outside the filter, the answer is the same as
// asking group by group.
func TestRowGroupRuns(t *testing.T) {
	cols := []Column{{"g", types.Int8}, {"n", types.Int8}}
	dir := t.TempDir()
	write := func(order []int) metastore.TableFile {
		var rows [][]types.Datum
		for _, g := range order {
			for range 10 {
				var n types.Datum // NULL in groups 64-95, the third run when sorted
				if g < 64 || g >= 96 {
					n = int64(g)
				}
				rows = append(rows, []types.Datum{int64(g), n})
			}
		}
		return writeRows(t, dir, cols, 10, rows)
	}
	sorted := make([]int, 300)
	for i := range sorted {
		sorted[i] = i
	}
	shuffled := slices.Clone(sorted)
	rand.New(rand.NewPCG(3, 3)).Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
	for _, tc := range []struct {
		name    string
		order   []int
		col     int
		vals    []int64
		want    map[int64]int
		maxAsks int
	}{
		{"sorted", sorted, 0, []int64{5, 140, 299}, map[int64]int{5: 10, 140: 10, 299: 10}, 10 + 32 + 32 + 12},
		{"sorted, NULL run", sorted, 1, []int64{70, 100}, map[int64]int{100: 10}, 10 + 32},
		{"shuffled", shuffled, 0, []int64{5, 140, 299}, map[int64]int{5: 10, 140: 10, 299: 10}, 10 + 300},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := write(tc.order)
			asks := 0
			keep := func(stats func(col int) (ColumnStats, bool)) bool {
				asks++
				st, ok := stats(tc.col)
				require.True(t, ok)
				if st.Nulls >= st.Rows {
					return false
				}
				return slices.ContainsFunc(tc.vals, func(v int64) bool { return st.Min.(int64) <= v && v <= st.Max.(int64) })
			}
			scan := NewScan(dir, []metastore.TableFile{f}, cols, []int{0, 1}).WithRowGroupFilter(keep)
			require.Equal(t, tc.want, scanCounts(t, scan))
			require.LessOrEqual(t, asks, tc.maxAsks)
		})
	}
}

// TestLeadingRuns estimates the runs of a sorted file's first column:
// exactly when each run spans row groups, at least one per changing group
// otherwise, and NULLs (sorted last) as one more.
func TestLeadingRuns(t *testing.T) {
	cols := []Column{{"a", types.Int4}}
	dir := t.TempDir()
	write := func(vals []types.Datum) metastore.TableFile {
		rows := make([][]types.Datum, len(vals))
		for i, v := range vals {
			rows[i] = []types.Datum{v}
		}
		return writeRows(t, dir, cols, 100, rows)
	}
	var long, short []types.Datum
	for i := range 1000 {
		long = append(long, int64(i/250))  // 4 runs of 250 rows
		short = append(short, int64(i/10)) // 100 runs of 10 rows
	}
	runs, ok := LeadingRuns(dir, write(long), cols)
	require.True(t, ok)
	require.Equal(t, int64(4), runs)
	runs, ok = LeadingRuns(dir, write(short), cols)
	require.True(t, ok)
	require.Equal(t, int64(20), runs) // two changes seen per group: a low estimate
	runs, ok = LeadingRuns(dir, write(append(long, nil, nil)), cols)
	require.True(t, ok)
	require.Equal(t, int64(5), runs)
}

// conjunctsPred is a test ConjunctsExpr over a bigint column 0: conjunct
// 0 is "c0 >= 5", conjunct 1 is "c0 % 2 = 0". It counts the rows each
// conjunct is evaluated on.
type conjunctsPred struct{ evals *[2]int }

func (conjunctsPred) Type() types.T { return types.Bool }

func (p conjunctsPred) EvalBatch(ctx context.Context, rec arrow.RecordBatch) (arrow.Array, error) {
	return p.EvalBatchExcept(ctx, rec, 0)
}

func (p conjunctsPred) EvalBatchExcept(_ context.Context, rec arrow.RecordBatch, skip uint64) (arrow.Array, error) {
	if skip == 3 {
		return nil, nil
	}
	vals := rec.Column(0).(*array.Int64)
	b := array.NewBooleanBuilder(memory.DefaultAllocator)
	defer b.Release()
	for i := range vals.Len() {
		ok := true
		if skip&1 == 0 {
			p.evals[0]++
			ok = vals.IsValid(i) && vals.Value(i) >= 5
		}
		if ok && skip&2 == 0 {
			p.evals[1]++
			ok = vals.IsValid(i) && vals.Value(i)%2 == 0
		}
		b.Append(ok)
	}
	return b.NewArray(), nil
}

// TestFilterSkipsImpliedConjuncts scans a file of ten 100-row groups, one
// value each, with NULLs in the last, under a filter of two conjuncts.
// Where a group's statistics prove a conjunct the filter leaves it out, and
// the answer stays that of evaluating both on every row; without the
// column cache nothing is proved.
func TestFilterSkipsImpliedConjuncts(t *testing.T) {
	cols := []Column{{"c0", types.Int8}}
	dir := t.TempDir()
	var rows [][]types.Datum
	for i := range 1000 {
		var v types.Datum = int64(i / 100)
		if i >= 950 {
			v = nil
		}
		rows = append(rows, []types.Datum{v})
	}
	f := writeRows(t, dir, cols, 100, rows)
	// Conjunct 0 holds where the minimum is at least 5; conjunct 1 where
	// the group holds one even value. Groups with NULLs prove nothing.
	implied := func(stats func(col int) (ColumnStats, bool)) uint64 {
		st, ok := stats(0)
		if !ok || st.Nulls > 0 || st.Min == nil {
			return 0
		}
		var m uint64
		if st.Min.(int64) >= 5 {
			m |= 1
		}
		if st.Min == st.Max && st.Min.(int64)%2 == 0 {
			m |= 2
		}
		return m
	}
	want := map[int64]int{6: 100, 8: 100}
	for _, cache := range []bool{true, false} {
		ctx := context.Background()
		if !cache {
			ctx = WithoutColumnCache(ctx)
		}
		var evals [2]int
		scan := NewScan(dir, []metastore.TableFile{f}, cols, []int{0}).WithImpliedConds(implied)
		op := NewFilter(scan, conjunctsPred{&evals})
		seen := map[int64]int{}
		for {
			rec, err := op.Next(ctx)
			require.NoError(t, err)
			if rec == nil {
				break
			}
			for _, v := range rec.Column(0).(*array.Int64).Int64Values() {
				seen[v]++
			}
		}
		op.Close()
		require.Equal(t, want, seen, "cache %v", cache)
		if cache {
			// Conjunct 0 runs on groups 0-4 and the one with NULLs;
			// conjunct 1 on groups 5 and 7 and on the 50 rows of 9 that
			// conjunct 0 passes in the group with NULLs. Groups 6 and 8
			// prove both: no evaluation at all.
			require.Equal(t, [2]int{600, 250}, evals)
		} else {
			require.Equal(t, [2]int{1000, 450}, evals)
		}
	}
}

// TestFileStats checks a written file's column statistics (null counts,
// least and greatest values, as text) against the values themselves, for
// columns whose statistics come from the row groups' (integers, dates,
// text) and from every value (the others), in files of one and of many
// row groups, with NULLs, an all-NULL column and text past Parquet's 4 KB
// statistics limit: a greatest value past it leaves the column without
// bounds, a least one with the empty string for its least.
func TestFileStats(t *testing.T) {
	cols := []Column{{"i2", types.Int2}, {"i4", types.Int4}, {"i8", types.Int8}, {"d", types.Date}, {"s", types.Text},
		{"f", types.Float8}, {"bp", types.Bpchar}, {"none", types.Int4}, {"longmax", types.Text}, {"longmin", types.Text}}
	r := rand.New(rand.NewPCG(21, 22))
	words := []string{"", "a", "ab", "b", "zz", "ä", "Z"}
	for _, n := range []int{1, 700, 20000} {
		var rows [][]types.Datum
		for i := range n {
			row := []types.Datum{int64(r.IntN(200) - 100), int64(r.Int32() - 1<<30), r.Int64() - 1<<62, types.DDate(r.IntN(20000) - 10000),
				words[r.IntN(len(words))], r.NormFloat64(), words[r.IntN(len(words))] + "x", nil, "short", "short"}
			for c := range row {
				if r.IntN(10) == 0 {
					row[c] = nil
				}
			}
			if i == n/2 && n > 1 {
				// Past the limit: no greatest value for its group, and
				// no least (an empty one, which still bounds it).
				row[8], row[9] = strings.Repeat("z", 5000), strings.Repeat("a", 5000)
			}
			rows = append(rows, row)
		}
		tf := writeRows(t, t.TempDir(), cols, 1024, rows)
		var got []colStats
		require.NoError(t, json.Unmarshal([]byte(tf.Stats), &got))
		require.Len(t, got, len(cols))
		for c, col := range cols {
			cmp, _ := types.CompareFunc(col.Type)
			var want colStats
			var lo, hi types.Datum
			for _, row := range rows {
				switch v := row[c]; {
				case v == nil:
					want.Nulls++
				case lo == nil:
					lo, hi = v, v
				case cmp(v, lo) < 0:
					lo = v
				case cmp(v, hi) > 0:
					hi = v
				}
			}
			if lo != nil {
				want.Min, _ = types.FormatText(col.Type, lo, &types.DefaultFormat)
				want.Max, _ = types.FormatText(col.Type, hi, &types.DefaultFormat)
			}
			switch {
			case n == 1:
			case col.Name == "longmax":
				want = colStats{} // unbounded
			case col.Name == "longmin":
				want.Min = ""
			}
			require.Equal(t, want, got[c], "%d rows, column %s", n, col.Name)
		}
	}
}

// TestRowGroupLongText reads a file whose first row group's greatest text
// is longer than Parquet keeps in statistics (4 KB), so the group records
// only its least: a filter must not take the missing bound for an empty
// string and skip the group.
func TestRowGroupLongText(t *testing.T) {
	cols := []Column{{"g", types.Int8}, {"s", types.Text}}
	long := strings.Repeat("z", 5000)
	var rows [][]types.Datum
	for i := range 200 {
		s := "b"
		switch {
		case i == 50:
			s = long
		case i >= 100:
			s = "c"
		}
		rows = append(rows, []types.Datum{int64(i / 100), s})
	}
	dir := t.TempDir()
	tf := writeRows(t, dir, cols, 100, rows)
	// Keep the groups that may hold s = 'b', as the planner's bounds do.
	keep := func(stats func(col int) (ColumnStats, bool)) bool {
		s, ok := stats(1)
		if !ok || s.Min == nil || s.Max == nil {
			return true
		}
		return s.Min.(string) <= "b" && "b" <= s.Max.(string)
	}
	scan := NewScan(dir, []metastore.TableFile{tf}, cols, []int{0, 1}).WithRowGroupFilter(keep)
	require.Equal(t, map[int64]int{0: 100}, scanCounts(t, scan))
}
