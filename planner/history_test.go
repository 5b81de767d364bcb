package planner

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/lattice-olap/lattice/metastore"
)

// TestHistoryWriterTrims checks that the history writer applies its
// retention after a flush once trimEvery has passed, and not before.
func TestHistoryWriterTrims(t *testing.T) {
	ctx := context.Background()
	store, err := metastore.Open(ctx, "sqlite://"+filepath.Join(t.TempDir(), "meta.db"))
	require.NoError(t, err)
	defer store.Close()
	h := newHistoryWriter(store, 5, 24*time.Hour)
	record := func(n int) {
		for i := range n {
			h.record(metastore.HistoryEntry{Project: "p", User: "u", Query: fmt.Sprint("SELECT ", i), Route: "raw", StartedAt: time.Now()})
		}
		h.flush()
	}
	count := func() int {
		entries, err := store.History(ctx, "p", 100)
		require.NoError(t, err)
		return len(entries)
	}
	record(20) // the first flush trims (nothing yet); the rest are within trimEvery
	require.Equal(t, 20, count(), "no trim within trimEvery of the last")
	h.trimmed = time.Now().Add(-trimEvery) // as if trimEvery had passed
	record(1)
	require.Equal(t, 5, count(), "the trim keeps the newest five")
}
