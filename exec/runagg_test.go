package exec

import (
	"context"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/stretchr/testify/require"
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
