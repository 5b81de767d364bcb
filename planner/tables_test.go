package planner

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/lattice-olap/lattice/pgerr"
)

// TestFilePruning loads three files with disjoint ranges and checks that
// a scan keeps exactly the files whose min/max admit the condition, while
// the answers stay those of a full scan.
func TestFilePruning(t *testing.T) {
	ctx := context.Background()
	p, store := newTestPlanner(t)
	s, err := p.NewSession("admin", "lattice", true, 1, nil)
	require.NoError(t, err)
	for _, q := range []string{
		"CREATE TABLE r (k integer, d date, v text)",
		"INSERT INTO r VALUES (1, '2024-01-01', 'a'), (9, '2024-01-31', 'b')",
		"INSERT INTO r VALUES (10, '2024-02-01', NULL), (19, '2024-02-28', NULL)",
		"INSERT INTO r VALUES (20, '2024-03-01', 'c'), (NULL, '2024-03-31', 'd')",
	} {
		_, err := runSQL(t, s, q)
		require.NoError(t, err, q)
	}
	files, err := store.TableFiles(ctx, "lattice", "public", "r")
	require.NoError(t, err)
	require.Len(t, files, 3)

	for _, tc := range []struct {
		where string
		files int
		count int64
	}{
		{"k = 15", 1, 0},
		{"k = 19", 1, 1},
		{"k < 10", 1, 2},
		{"k <= 10", 2, 3},
		{"k > 19", 1, 1},
		{"k >= 9 AND k <= 10", 2, 2},
		{"d = '2024-02-28'", 1, 1},
		{"v = 'b'", 1, 1},    // the all-NULL file of v goes too
		{"k + 0 = 19", 3, 1}, // not column-op-constant: no pruning
	} {
		text := "SELECT count(*) FROM r WHERE " + tc.where
		stmts, err := p.parse(text)
		require.NoError(t, err)
		// The scan's pruning sees the pushed-down conditions.
		b := newBinder(s, text, nil)
		b.ctx = ctx
		plan, err := b.fromWhere(ctx, stmts[0].stmt.GetSelectStmt().FromClause, stmts[0].stmt.GetSelectStmt().WhereClause)
		require.NoError(t, err)
		kept := findScan(plan).prune(files)
		require.Len(t, kept, tc.files, tc.where)
		got, err := runSQL(t, s, "SELECT count(*) FROM r WHERE "+tc.where)
		require.NoError(t, err)
		require.Equal(t, "SELECT", got)
		var n int64
		stmts2, _ := s.Prepare(ctx, "SELECT count(*) FROM r WHERE "+tc.where, nil)
		res, err := s.Execute(ctx, stmts2[0], nil)
		require.NoError(t, err)
		require.True(t, res.Next(ctx))
		n = res.Row()[0].(int64)
		res.Close()
		require.Equal(t, tc.count, n, tc.where)
	}
}

// findScan returns the scanInfo of a single-table plan.
func findScan(p relPlan) *scanInfo { return p.scan }

// TestSchemas covers CREATE/DROP SCHEMA and search_path resolution, with
// the SQLSTATEs PostgreSQL gives.
func TestSchemas(t *testing.T) {
	p, _ := newTestPlanner(t)
	s, err := p.NewSession("admin", "lattice", true, 1, nil)
	require.NoError(t, err)
	ok := func(q string) {
		t.Helper()
		_, err := runSQL(t, s, q)
		require.NoError(t, err, q)
	}
	code := func(q string) pgerr.Code {
		t.Helper()
		_, err := runSQL(t, s, q)
		return pgerr.CodeOf(err)
	}
	ok("CREATE SCHEMA sales")
	require.Equal(t, pgerr.DuplicateSchema, code("CREATE SCHEMA sales"))
	ok("CREATE SCHEMA IF NOT EXISTS sales")
	ok("CREATE TABLE sales.orders (id integer)")
	ok("INSERT INTO sales.orders VALUES (1)")
	require.Equal(t, pgerr.UndefinedTable, code("SELECT * FROM orders"))
	ok("SET search_path = sales, public")
	ok("SELECT * FROM orders")
	ok("CREATE TABLE items (x integer)") // lands in sales
	ok("SELECT * FROM sales.items")
	require.Equal(t, pgerr.DependentObjectsStillExist, code("DROP SCHEMA sales"))
	ok("DROP SCHEMA sales CASCADE")
	require.Equal(t, pgerr.InvalidSchemaName, code("DROP SCHEMA sales"))
	ok("DROP SCHEMA IF EXISTS sales")
	require.Equal(t, pgerr.InvalidSchemaName, code("CREATE TABLE nope.t (a integer)"))
	require.Equal(t, pgerr.ReservedName, code("CREATE SCHEMA pg_x"))
}
