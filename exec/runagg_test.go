package exec

import (
	"context"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/cockroachdb/apd/v3"
	"github.com/stretchr/testify/require"

	"github.com/lattice-olap/lattice/types"
)

// sortedSlices sorts recs by keys and cuts the result into batches of
// random sizes (slices, so that the operators read arrays with offsets),
// some of them empty.
func sortedSlices(t *testing.T, r *rand.Rand, cols []Column, recs []arrow.RecordBatch, keys []SortKey) []arrow.RecordBatch {
	t.Helper()
	srt := NewSort(&batchesOp{cols: cols, recs: retained(recs)}, keys)
	defer srt.Close()
	var out []arrow.RecordBatch
	for {
		rec, err := srt.Next(context.Background())
		require.NoError(t, err)
		if rec == nil {
			return out
		}
		for from := int64(0); from < rec.NumRows(); {
			to := min(rec.NumRows(), from+int64(r.IntN(300)))
			out = append(out, rec.NewSlice(from, to))
			from = to
		}
	}
}

// TestRunAgg checks RunAgg against HashAgg then Sort over sorted input, with
// chunks small enough that runs and batches are cut everywhere.
func TestRunAgg(t *testing.T) {
	cols, aggs, div := typedAggCase()
	r := rand.New(rand.NewPCG(3, 4))
	recs := randomBatches(t, r, cols, 20000)
	defer releaseBatches(recs)
	for _, tc := range []struct {
		name   string
		sorted []SortKey // the input's order
		runs   []int
		order  []SortKey // RunAgg's Order
	}{
		{"first column", []SortKey{{Col: 0}}, []int{0}, []SortKey{{Col: 0}, {Col: 1}}},
		{"both columns", []SortKey{{Col: 0}, {Col: 1}}, []int{0, 1}, []SortKey{{Col: 0}, {Col: 1}}},
		{"second column", []SortKey{{Col: 1}}, []int{1}, []SortKey{{Col: 1}, {Col: 0}}},
		{"unordered output", []SortKey{{Col: 0}}, []int{0}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := sortedSlices(t, r, cols, recs, tc.sorted)
			defer releaseBatches(in)
			order := tc.order
			if order == nil {
				order = []SortKey{{Col: 0}, {Col: 1}}
			}
			want := drain(t, NewSort(NewHashAgg(&batchesOp{cols: cols, recs: retained(in)}, 2, aggs, div), order))
			require.Greater(t, len(want), 50)
			for _, chunk := range []int{1, 37, 1000, RunChunkRows} {
				ra := NewRunAgg(&batchesOp{cols: cols, recs: retained(in)}, tc.runs, 2, aggs, div)
				ra.Order, ra.ChunkRows = tc.order, chunk
				got := drain(t, ra)
				if tc.order == nil {
					cmp := func(a, b []string) int { return strings.Compare(strings.Join(a, "\x00"), strings.Join(b, "\x00")) }
					slices.SortFunc(got, cmp)
					w := slices.Clone(want)
					slices.SortFunc(w, cmp)
					require.Equal(t, w, got, "chunk %d", chunk)
					continue
				}
				require.Equal(t, want, got, "chunk %d", chunk)
			}
		})
	}
}

// TestRunAggSortFirst checks RunAgg where nearly every row of a chunk is a
// group of its own, so that chunks after the first sort their rows before
// aggregating them: keys that group together without being the same
// value (-0 and 0, NaN, char values differing in trailing blanks) must
// still land in one group, under Orders with descending keys, NULLs
// first, and group columns the Order leaves out.
func TestRunAggSortFirst(t *testing.T) {
	cols := []Column{{"run", types.Int4}, {"f", types.Float8}, {"bp", types.Bpchar}, {"n", types.Numeric}, {"v", types.Int8}}
	aggs := []AggSpec{
		{Func: AggCountStar, Arg: -1, Arg2: -1, Filter: -1, Result: types.Int8},
		{Func: AggSum, Arg: 4, Arg2: -1, Filter: -1, ArgType: types.Int8, Result: types.Numeric},
		{Func: AggMax, Arg: 2, Arg2: -1, Filter: -1, ArgType: types.Bpchar, Result: types.Bpchar},
	}
	_, _, div := typedAggCase()
	r := rand.New(rand.NewPCG(7, 8))
	floats := []float64{0, math.Copysign(0, -1), math.NaN(), math.Inf(-1)}
	var recs []arrow.RecordBatch
	b := NewBuilder(cols)
	for i := range 30000 {
		row := []types.Datum{int64(i / 3000), floats[r.IntN(len(floats))], []string{"x", "x ", "y"}[r.IntN(3)],
			apd.New(int64(r.IntN(2000)), -int32(r.IntN(2))), int64(r.IntN(100))}
		if r.IntN(10) == 0 {
			row[1+r.IntN(3)] = nil
		}
		require.NoError(t, b.Add(row))
		if r.IntN(500) == 0 {
			recs = append(recs, b.Batch())
		}
	}
	recs = append(recs, b.Batch())
	b.Release()
	defer releaseBatches(recs)
	in := sortedSlices(t, r, cols, recs, []SortKey{{Col: 0}})
	defer releaseBatches(in)
	for _, order := range [][]SortKey{
		{{Col: 0}, {Col: 1}, {Col: 2}, {Col: 3}},
		{{Col: 0}, {Col: 3, Desc: true, NullsFirst: true}, {Col: 1, Desc: true}, {Col: 2}},
		{{Col: 0}, {Col: 2, Desc: true}}, // ties come in either order
		{{Col: 0}, {Col: 4, Desc: true}}, // by count(*): the groups must be sorted
	} {
		want := drain(t, NewSort(NewHashAgg(&batchesOp{cols: cols, recs: retained(in)}, 4, aggs, div), order))
		ra := NewRunAgg(&batchesOp{cols: cols, recs: retained(in)}, []int{0}, 4, aggs, div)
		ra.Order, ra.ChunkRows = order, 1000
		got := drain(t, ra)
		require.Greater(t, len(want), 10000) // dense: most rows are groups
		if order[1].Col < 4 {
			require.Equal(t, 9, ra.sortedFirst, "every chunk after the first")
		} else {
			require.Zero(t, ra.sortedFirst, "an order over an aggregate sorts the groups")
		}
		if len(order) < 4 {
			cmp := func(a, b []string) int { return strings.Compare(strings.Join(a, "\x00"), strings.Join(b, "\x00")) }
			slices.SortStableFunc(want, cmp)
			slices.SortStableFunc(got, cmp)
		}
		require.Equal(t, want, got)
	}
}

// TestRunAggEmptyBatch checks that an empty batch in the middle of a run
// does not end a chunk there: the run's groups would then come out twice.
func TestRunAggEmptyBatch(t *testing.T) {
	cols := []Column{{"run", types.Int4}, {"x", types.Int4}}
	batch := func(rows ...int64) arrow.RecordBatch {
		b := NewBuilder(cols)
		defer b.Release()
		for _, v := range rows {
			require.NoError(t, b.Add([]types.Datum{v / 10, v % 10}))
		}
		return b.Batch()
	}
	in := []arrow.RecordBatch{batch(11, 12, 13), batch(), batch(11, 12), batch(21, 22)}
	defer releaseBatches(in)
	aggs := []AggSpec{{Func: AggCountStar, Arg: -1, Arg2: -1, Filter: -1, Result: types.Int8}}
	ra := NewRunAgg(&batchesOp{cols: cols, recs: retained(in)}, []int{0}, 2, aggs, nil)
	ra.Order, ra.ChunkRows = []SortKey{{Col: 0}, {Col: 1}}, 2
	require.Equal(t, [][]string{{"1", "1", "2"}, {"1", "2", "2"}, {"1", "3", "1"}, {"2", "1", "1"}, {"2", "2", "1"}}, drain(t, ra))
}

// TestRunAggBudget checks that each chunk's memory goes back to the
// budget: a RunAgg over many small runs fits a budget that one HashAgg
// over the same rows exceeds.
func TestRunAggBudget(t *testing.T) {
	cols, aggs, div := typedAggCase()
	r := rand.New(rand.NewPCG(5, 6))
	recs := randomBatches(t, r, cols, 20000)
	defer releaseBatches(recs)
	in := sortedSlices(t, r, cols, recs, []SortKey{{Col: 0}})
	defer releaseBatches(in)
	run := func(op Operator, limit int64) error {
		ctx := WithBudget(context.Background(), limit)
		defer op.Close()
		for {
			rec, err := op.Next(ctx)
			if err != nil || rec == nil {
				return err
			}
		}
	}
	const limit = 64 << 10
	require.ErrorContains(t, run(NewHashAgg(&batchesOp{cols: cols, recs: retained(in)}, 2, aggs, div), limit), "out of memory")
	ra := NewRunAgg(&batchesOp{cols: cols, recs: retained(in)}, []int{0}, 2, aggs, div)
	ra.Order, ra.ChunkRows = []SortKey{{Col: 0}, {Col: 1}}, 10
	require.NoError(t, run(ra, limit))
}
