package exec

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestGroupTable checks the group table against a map over many keys,
// empty and repeated ones included, across its growth.
func TestGroupTable(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	tbl := newGroupTable()
	want := map[string]int32{}
	for i := 0; i < 100_000; i++ {
		key := []byte(fmt.Sprint(r.IntN(30_000)))
		if i%1000 == 0 {
			key = nil
		}
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
