package exec

import (
	"context"
	"math/rand/v2"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/stretchr/testify/require"

	"github.com/lattice-olap/lattice/types"
)

// TestMerge checks Merge against a stable Sort of its inputs one after
// another: equal keys keep input order, so the two agree row for row. The
// keys mix normalized columns with an unbounded numeric, compared as
// Datums, and the inputs come in batches of random sizes, some empty.
func TestMerge(t *testing.T) {
	cols := []Column{{"k1", types.Int4}, {"k2", types.Text}, {"k3", types.Numeric}, {"f", types.Float8}, {"payload", types.Int8}}
	r := rand.New(rand.NewPCG(7, 8))
	for _, tc := range []struct {
		name   string
		inputs int
		keys   []SortKey
	}{
		{"one input", 1, []SortKey{{Col: 0}, {Col: 1}}},
		{"normalized keys", 5, []SortKey{{Col: 0}, {Col: 1}, {Col: 3}}},
		{"numeric key", 3, []SortKey{{Col: 2}, {Col: 0}}},
		{"numeric between", 4, []SortKey{{Col: 1}, {Col: 2}, {Col: 0, Desc: true, NullsFirst: true}}},
		{"many inputs", 17, []SortKey{{Col: 0}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var all, ins [][]arrow.RecordBatch
			for range tc.inputs {
				recs := randomBatches(t, r, cols, r.IntN(3000))
				all = append(all, recs)
				ins = append(ins, sortedSlices(t, r, cols, recs, tc.keys))
			}
			var concat []arrow.RecordBatch
			ops := make([]Operator, len(ins))
			for i, in := range ins {
				concat = append(concat, in...)
				ops[i] = &batchesOp{cols: cols, recs: retained(in)}
			}
			want := drain(t, NewSort(&batchesOp{cols: cols, recs: retained(concat)}, tc.keys))
			got := drain(t, NewMerge(ops, tc.keys))
			require.Equal(t, want, got)
			for i := range ins {
				releaseBatches(all[i])
				releaseBatches(ins[i])
			}
		})
	}
}

// TestMergeCloses checks that closing a merge part way closes every input.
func TestMergeCloses(t *testing.T) {
	cols := []Column{{"k", types.Int4}}
	r := rand.New(rand.NewPCG(9, 10))
	var ops []*batchesOp
	var ins []Operator
	for range 3 {
		recs := randomBatches(t, r, cols, 5000)
		in := sortedSlices(t, r, cols, recs, []SortKey{{Col: 0}})
		releaseBatches(recs)
		op := &batchesOp{cols: cols, recs: in}
		ops, ins = append(ops, op), append(ins, op)
	}
	m := NewMerge(ins, []SortKey{{Col: 0}})
	rec, err := m.Next(context.Background())
	require.NoError(t, err)
	require.NotNil(t, rec)
	m.Close()
	for _, op := range ops {
		require.Equal(t, 1, op.closed)
	}
}
