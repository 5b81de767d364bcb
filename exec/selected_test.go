package exec

import (
	"math/rand/v2"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/stretchr/testify/require"
)

// TestSelected checks the positions of a mask's true slots against a
// slot-by-slot reading, for lengths around the 64-slot words, sparse and
// dense masks, with and without NULLs, and sliced (an offset).
func TestSelected(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for _, n := range []int{0, 1, 7, 8, 63, 64, 65, 127, 128, 1000, 65536, 70001} {
		for _, density := range []float64{0, 0.02, 0.5, 1} {
			for _, nulls := range []bool{false, true} {
				bld := array.NewBooleanBuilder(memory.DefaultAllocator)
				for range n {
					if nulls && r.IntN(7) == 0 {
						bld.AppendNull()
					} else {
						bld.Append(r.Float64() < density)
					}
				}
				mask := bld.NewBooleanArray()
				bld.Release()
				check := func(m *array.Boolean) {
					var want []int32
					for i := range m.Len() {
						if m.IsValid(i) && m.Value(i) {
							want = append(want, int32(i))
						}
					}
					got := selected(m, nil)
					if len(want) == 0 {
						require.Empty(t, got, "n=%d density=%v nulls=%v", n, density, nulls)
					} else {
						require.Equal(t, want, got, "n=%d density=%v nulls=%v", n, density, nulls)
					}
				}
				check(mask)
				if n > 3 {
					sl := array.NewSlice(mask, 3, int64(n)).(*array.Boolean)
					check(sl)
					sl.Release()
				}
				mask.Release()
			}
		}
	}
}

// BenchmarkSelected reads a 64K-slot mask with 2% of its slots true.
func BenchmarkSelected(b *testing.B) {
	r := rand.New(rand.NewPCG(5, 6))
	bld := array.NewBooleanBuilder(memory.DefaultAllocator)
	for range 1 << 16 {
		bld.Append(r.Float64() < 0.02)
	}
	mask := bld.NewBooleanArray()
	defer mask.Release()
	idx := make([]int32, 0, 1<<16)
	for b.Loop() {
		idx = selected(mask, idx)
	}
}
