package exec

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestGroupTable checks the group table against a map over many keys,
// empty, repeated and long ones (past a chunk's size, and filling chunks
// to their ends) included, across its growth. The key is built in one
// reused buffer, as HashAgg builds it.
func TestGroupTable(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	tbl := newGroupTable()
	want := map[string]int32{}
	var buf []byte
	for i := 0; i < 100_000; i++ {
		key := fmt.Appendf(buf[:0], "%d", r.IntN(30_000))
		switch {
		case i%1000 == 0:
			key = key[:0]
		case i%997 == 0:
			// A long key: a few hundred bytes up to past a chunk.
			n := []int{300, 5000, keyChunk - 1, keyChunk, keyChunk + 7}[r.IntN(5)]
			for len(key) < n {
				key = append(key, byte('a'+len(key)%26))
			}
		}
		buf = key
		g, h, ok := tbl.find(key)
		if w, seen := want[string(key)]; seen {
			require.True(t, ok)
			require.Equal(t, w, g)
			continue
		}
		require.False(t, ok, "%q", key)
		g = tbl.insert(key, h)
		require.Equal(t, int32(len(want)), g)
		want[string(key)] = g
	}
	for k, g := range want {
		got, _, ok := tbl.find([]byte(k))
		require.True(t, ok)
		require.Equal(t, g, got)
		require.Equal(t, k, string(tbl.key(g)))
	}
}
