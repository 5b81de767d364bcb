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

// TestHistoryRecordsDataQueries checks which statements the query history
// keeps: queries that read a table, not constant SELECTs or catalog
// queries.
func TestHistoryRecordsDataQueries(t *testing.T) {
	p, _ := newTestPlanner(t)
	s, err := p.NewSession("admin", "lattice", true, 1, nil)
	require.NoError(t, err)
	for _, q := range []string{
		"CREATE TABLE t (a integer)",
		"INSERT INTO t VALUES (1), (2)",
		"SELECT 1",
		"SELECT count(*) FROM pg_catalog.pg_class",
		"SELECT a FROM t WHERE a > (SELECT 1)",
		"SELECT 2 WHERE EXISTS (SELECT 1 FROM t)", // reads t in a subquery
	} {
		_, err := runSQL(t, s, q)
		require.NoError(t, err, q)
	}
	got := queryColumn(t, s, "SELECT query FROM lattice.query_history ORDER BY query")
	require.Equal(t, []string{"SELECT 2 WHERE EXISTS (SELECT 1 FROM t)", "SELECT a FROM t WHERE a > (SELECT 1)"}, got)
}
