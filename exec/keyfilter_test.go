package exec

import (
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/lattice-olap/lattice/types"
)

// TestFilterKeySets checks a Filter with a predicate and runtime key sets
// (a bitmap one, a hashed one and one not ready yet) against the same
// tests row by row.
func TestFilterKeySets(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	cols := []Column{{Name: "a", Type: types.Int4}, {Name: "b", Type: types.Int8}, {Name: "c", Type: types.Text}}
	recs := randomBatches(t, r, cols, 20000)
	set := func(keys ...int64) (*KeySet, map[int64]bool) {
		ks, in := NewKeySet(), map[int64]bool{}
		valid := func(int) bool { return true }
		tbl := newIntTable(keys, valid)
		for i, k := range keys {
			tbl.insert(k, int32(i))
			in[k] = true
		}
		ks.publish(keys, valid, tbl)
		return ks, in
	}
	dense, inDense := set(0, 1, 7, 42, 5, 6)
	sparse, inSparse := set(-1, 42, 1<<40, -1<<50, 0)
	require.Nil(t, sparse.p.Load().bits, "sparse keys are probed in the join's table")
	require.NotNil(t, dense.p.Load().bits, "dense keys are probed in a bitmap")
	for _, withPred := range []bool{false, true} {
		var want [][]string
		for _, rec := range recs {
			for i := 0; i < int(rec.NumRows()); i++ {
				a, b := Value(rec.Column(0), i, types.Int4), Value(rec.Column(1), i, types.Int8)
				if a == nil || b == nil || !inDense[a.(int64)] || !inSparse[b.(int64)] {
					continue
				}
				if withPred && (a.(int64)+b.(int64))%2 != 0 {
					continue
				}
				row := []string{"NULL", "NULL", "NULL"}
				for c, v := range []types.Datum{a, b, Value(rec.Column(2), i, types.Text)} {
					if v != nil {
						row[c], _ = types.FormatText(cols[c].Type, v, &types.DefaultFormat)
					}
				}
				want = append(want, row)
			}
		}
		require.NotEmpty(t, want)
		var pred BatchExpr
		if withPred {
			pred = parityResidual{0, 1}
		}
		f := NewFilter(&batchesOp{cols: cols, recs: retained(recs)}, pred).
			WithKeySet(0, dense).WithKeySet(2, NewKeySet()).WithKeySet(1, sparse)
		got := drain(t, f)
		require.Equal(t, want, got, "predicate %v", withPred)
	}
	for _, rec := range recs {
		rec.Release()
	}
}
