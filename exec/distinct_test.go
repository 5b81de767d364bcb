package exec

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/lattice-olap/lattice/types"
)

// TestFirstOfGroup checks DISTINCT ON's operator over sorted rows cut into
// batches of random sizes (some empty), so runs of equal keys cross batch
// boundaries: it must keep exactly the first row of each run, as a row by
// row pass over the same sorted rows does.
func TestFirstOfGroup(t *testing.T) {
	cols := []Column{{"k1", types.Int4}, {"k2", types.Text}, {"payload", types.Int8}}
	keys := []SortKey{{Col: 0}, {Col: 1, Desc: true}, {Col: 2}}
	r := rand.New(rand.NewPCG(11, 12))
	recs := randomBatches(t, r, cols, 5000)
	defer releaseBatches(recs)
	sorted := sortedSlices(t, r, cols, recs, keys)
	defer releaseBatches(sorted)

	all := drain(t, &batchesOp{cols: cols, recs: retained(sorted)})
	var want [][]string
	for i, row := range all {
		if i == 0 || !slices.Equal(row[:2], all[i-1][:2]) {
			want = append(want, row)
		}
	}
	require.Greater(t, len(all), len(want), "the input has repeated keys")
	got := drain(t, NewFirstOfGroup(&batchesOp{cols: cols, recs: retained(sorted)}, []int{0, 1}))
	require.Equal(t, want, got)
}
