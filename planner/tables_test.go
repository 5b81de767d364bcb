package planner

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/cockroachdb/apd/v3"
	"go.uber.org/goleak"

	"github.com/stretchr/testify/require"

	"github.com/lattice-olap/lattice/exec"
	"github.com/lattice-olap/lattice/pgerr"
	"github.com/lattice-olap/lattice/types"
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
		// The scan's pruning sees the pushed-down conditions.
		kept := pushedScan(t, p, s, "SELECT count(*) FROM r WHERE "+tc.where).prune(files)
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

// TestLongTextPruning filters a table whose file holds a text longer than
// Parquet keeps in statistics (4 KB): its row group records no greatest
// value, and neither the file's statistics nor the row group's may then
// rule out a short value below it.
func TestLongTextPruning(t *testing.T) {
	p, _ := newTestPlanner(t)
	s, err := p.NewSession("admin", "lattice", true, 1, nil)
	require.NoError(t, err)
	for _, q := range []string{
		"CREATE TABLE l (s text, m text)",
		"INSERT INTO l VALUES ('b', 'b'), (repeat('z', 5000), repeat('a', 5000)), (NULL, 'c')",
	} {
		_, err := runSQL(t, s, q)
		require.NoError(t, err, q)
	}
	for where, want := range map[string]string{
		"s = 'b'": "1", "s > 'a'": "2", "s < 'c'": "1", "s IN ('b', 'y')": "1",
		"m = 'b'": "1", "m < 'b'": "1", "m >= 'a'": "3",
	} {
		require.Equal(t, []string{want}, queryText(t, s, "SELECT count(*) FROM l WHERE "+where), where)
	}
}

// TestCrossTypeJoinKeys checks which equalities between columns of
// different types hash on their values (sqltests compares the answers with
// PostgreSQL's): integers of any widths, and text against varchar or
// char(n) (compared as text); varchar against char(n) compares as char(n),
// which the hash join's keys do not, and stays a join filter.
func TestCrossTypeJoinKeys(t *testing.T) {
	p, _ := newTestPlanner(t)
	s, err := p.NewSession("admin", "lattice", true, 1, nil)
	require.NoError(t, err)
	for _, q := range []string{
		"CREATE TABLE a (x integer, x2 integer, t text)",
		"CREATE TABLE b (y bigint, y2 smallint, v varchar(5), c char(4))",
		"INSERT INTO a VALUES (1, 1, 'a'), (2, 2, 'b'), (1, 3, 'b ')",
		"INSERT INTO b VALUES (1, 1, 'a', 'a'), (4294967297, 1, 'b', 'b'), (2, 5, 'b ', 'b ')",
	} {
		_, err := runSQL(t, s, q)
		require.NoError(t, err, q)
	}
	for _, tc := range []struct {
		q, count string
		hash     bool
	}{
		{"SELECT count(*) FROM a JOIN b ON x = y", "3", true},
		{"SELECT count(*) FROM a, b WHERE y = x AND y2 = x2", "1", true},
		{"SELECT count(*) FROM b LEFT JOIN a ON y = x", "4", true},
		{"SELECT count(*) FROM a JOIN b ON x::bigint = y AND x2 = y2", "1", true},
		{"SELECT count(*) FROM a JOIN b ON x = y + 0", "3", false}, // an expression: no key
		{"SELECT count(*) FROM a JOIN b ON t = v", "3", true},
		{"SELECT count(*) FROM a JOIN b ON c = t", "3", true},
		{"SELECT count(*) FROM b b1 JOIN b b2 ON b1.v = b2.c", "5", false},
	} {
		require.Equal(t, []string{tc.count}, queryText(t, s, tc.q), tc.q)
		plan := strings.Join(queryColumn(t, s, "EXPLAIN "+tc.q), "\n")
		if !tc.hash {
			require.Contains(t, plan, "Nested Loop", tc.q)
			continue
		}
		require.Contains(t, plan, "Hash Cond", tc.q)
		require.NotContains(t, plan, "Nested Loop", tc.q)
	}
}

// pushedScan binds the FROM and WHERE of text, a SELECT over one table,
// and returns its scan with the conditions pushed down to it.
func pushedScan(t *testing.T, p *Planner, s *Session, text string) *scanInfo {
	t.Helper()
	ctx := context.Background()
	stmts, err := p.parse(text)
	require.NoError(t, err)
	b := newBinder(s, text, nil)
	b.ctx = ctx
	sel := stmts[0].stmt.GetSelectStmt()
	plan, err := b.fromWhere(ctx, sel.FromClause, sel.WhereClause)
	require.NoError(t, err)
	return plan.scan
}

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

// TestParallelScan scans a table large enough for one worker per core:
// results must equal the arithmetic truth, and a LIMIT that stops early
// must leave no worker goroutine behind.
func TestParallelScan(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent(), goleak.IgnoreTopFunction("database/sql.(*DB).connectionOpener"))
	ctx := context.Background()
	p, _ := newTestPlanner(t)
	s, err := p.NewSession("admin", "lattice", true, 1, nil)
	require.NoError(t, err)
	_, err = runSQL(t, s, "CREATE TABLE big (id bigint, grp integer)")
	require.NoError(t, err)
	const n = 300_000
	var sb strings.Builder
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&sb, "%d\t%d\n", i, i%10)
	}
	stmts, err := s.Prepare(ctx, "COPY big FROM STDIN", nil)
	require.NoError(t, err)
	rows, err := stmts[0].Copy.Load(ctx, strings.NewReader(sb.String()))
	require.NoError(t, err)
	require.EqualValues(t, n, rows)

	one := func(q string) []types.Datum {
		t.Helper()
		st, err := s.Prepare(ctx, q, nil)
		require.NoError(t, err, q)
		res, err := s.Execute(ctx, st[0], nil)
		require.NoError(t, err, q)
		defer res.Close()
		require.True(t, res.Next(ctx), q)
		return append([]types.Datum(nil), res.Row()...)
	}
	row := one("SELECT count(*), sum(id) FROM big")
	require.Equal(t, int64(n), row[0])
	require.Equal(t, "45000150000", row[1].(*apd.Decimal).String())
	row = one("SELECT count(*), min(id), max(id) FROM big WHERE grp = 3")
	require.Equal(t, []types.Datum{int64(n / 10), int64(3), int64(n - 7)}, row)
	// Stops after the first rows: the workers must be cancelled and joined.
	st, err := s.Prepare(ctx, "SELECT id FROM big LIMIT 3", nil)
	require.NoError(t, err)
	res, err := s.Execute(ctx, st[0], nil)
	require.NoError(t, err)
	got := 0
	for res.Next(ctx) {
		got++
	}
	require.NoError(t, res.Err())
	res.Close()
	require.Equal(t, 3, got)
}

// TestImpliedConds checks which pushed-down conjuncts a row group's
// statistics prove for all its rows: every value within the bound and no
// NULLs.
func TestImpliedConds(t *testing.T) {
	p, _ := newTestPlanner(t)
	s, err := p.NewSession("admin", "lattice", true, 1, nil)
	require.NoError(t, err)
	_, err = runSQL(t, s, "CREATE TABLE r (k integer, d date, v text)")
	require.NoError(t, err)
	scan := pushedScan(t, p, s, "SELECT count(*) FROM r WHERE k >= 1 AND v = 'a' AND (k = 1 OR k = 2) AND d < '2024-02-01' AND k + 0 = 1")
	require.Len(t, scan.conds, 5)
	implied := scan.impliedConds()
	require.NotNil(t, implied)

	day := func(s string) types.Datum {
		d, err := types.ParseText(types.Date, s, time.UTC)
		require.NoError(t, err)
		return d
	}
	type st = exec.ColumnStats
	for _, tc := range []struct {
		k, d, v st
		want    uint64
	}{
		// All four bounds hold; k + 0 = 1 is never proved.
		{st{Min: int64(1), Max: int64(2)}, st{Min: day("2024-01-01"), Max: day("2024-01-31")}, st{Min: "a", Max: "a"}, 0b1111},
		// k up to 3: k >= 1 holds, the list of 1 and 2 does not.
		{st{Min: int64(1), Max: int64(3)}, st{Min: day("2024-01-01"), Max: day("2024-02-01")}, st{Min: "a", Max: "b"}, 0b0001},
		// NULLs in v and d prove nothing about them.
		{st{Min: int64(2), Max: int64(2)}, st{Min: day("2024-01-01"), Max: day("2024-01-02"), Nulls: 1}, st{Min: "a", Max: "a", Nulls: 3}, 0b0101},
		// No minimum or maximum (all NULL): nothing.
		{st{Nulls: 5}, st{Nulls: 5}, st{Nulls: 5}, 0},
	} {
		got := implied(func(col int) (exec.ColumnStats, bool) {
			return map[int]st{0: tc.k, 1: tc.d, 2: tc.v}[col], true
		})
		require.Equal(t, tc.want, got, "%+v", tc)
	}
	// A column without statistics proves nothing.
	require.Zero(t, implied(func(int) (exec.ColumnStats, bool) { return st{}, false }))
}
