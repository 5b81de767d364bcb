package planner

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/lattice-olap/lattice/metastore"
	"github.com/lattice-olap/lattice/pgerr"
)

// TestRouteMemo routes the same statement text again and again: a repeat
// replays the memo, and whatever the outcome depends on (the tables'
// files, the cubes, the session's search_path and lattice.route) makes a
// new entry. The cube has no segment, so on lattice.route = 'cube' its
// blocks are rewritten into a union of the (empty) cuboid and the raw rows.
func TestRouteMemo(t *testing.T) {
	ctx := context.Background()
	p, store := newTestPlanner(t)
	_, err := store.StartCache(ctx, metastore.CacheOptions{}) // Store.Close stops it
	require.NoError(t, err)
	s1, err := p.NewSession("admin", "lattice", true, 1, nil)
	require.NoError(t, err)
	s2, err := p.NewSession("admin", "lattice", true, 2, nil)
	require.NoError(t, err)
	ok := func(s *Session, q string) {
		t.Helper()
		_, err := runSQL(t, s, q)
		require.NoError(t, err, q)
	}
	for _, q := range []string{
		"CREATE SCHEMA a", "CREATE SCHEMA b",
		"CREATE TABLE a.f (k int, v int)", "CREATE TABLE b.f (k int, v int)",
		"INSERT INTO a.f VALUES (1, 10), (1, 5), (2, 7)", "INSERT INTO b.f VALUES (9, 99)",
		"CREATE CUBE ca ON a.f DIMENSIONS (k) MEASURES (SUM(v) AS v)",
	} {
		ok(s1, q)
	}
	ok(s1, "SET lattice.route = 'cube'; SET search_path = a")
	ok(s2, "SET lattice.route = 'cube'; SET search_path = b")

	const q = "SELECT k, sum(v) FROM f GROUP BY k ORDER BY k"
	rows := func(s *Session) [][]string { return resultRows(t, mustExecute(t, s, q)) }
	hits := p.routes.hitCount()
	require.Equal(t, [][]string{{"1", "15"}, {"2", "7"}}, rows(s1))
	require.Equal(t, hits, p.routes.hitCount(), "first run: routed afresh")
	require.Equal(t, [][]string{{"1", "15"}, {"2", "7"}}, rows(s1))
	require.Equal(t, hits+1, p.routes.hitCount(), "second run: from the memo")
	plan := strings.Join(queryColumn(t, s1, "EXPLAIN "+q), "\n")
	require.Equal(t, plan, strings.Join(queryColumn(t, s1, "EXPLAIN "+q), "\n"), "a replayed route explains the same")
	require.Contains(t, plan, "cube ca")

	// The same text where f is b.f, which no cube covers.
	_, err = s2.Prepare(ctx, q, nil)
	require.Equal(t, pgerr.FeatureNotSupported, pgerr.CodeOf(err), "b.f has no cube")
	ok(s2, "SET lattice.route = 'auto'")
	require.Equal(t, [][]string{{"9", "99"}}, rows(s2))

	// New rows in a.f: the metastore's generation moved on.
	ok(s1, "INSERT INTO a.f VALUES (2, 1), (3, 3)")
	hits = p.routes.hitCount()
	require.Equal(t, [][]string{{"1", "15"}, {"2", "8"}, {"3", "3"}}, rows(s1))
	require.Equal(t, hits, p.routes.hitCount(), "after the insert: routed afresh")
	require.Equal(t, [][]string{{"1", "15"}, {"2", "8"}, {"3", "3"}}, rows(s1))
	require.Equal(t, hits+1, p.routes.hitCount())

	// A dropped cube is not matched from the memo.
	gen, _ := store.Generation()
	ok(s1, "DROP CUBE ca")
	now, _ := store.Generation()
	require.NotEqual(t, gen, now, "dropping a cube moves the generation")
	_, err = s1.Prepare(ctx, q, nil)
	require.Equal(t, pgerr.FeatureNotSupported, pgerr.CodeOf(err))
}
