package planner

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/lattice-olap/lattice/pgerr"
)

// TestLateralPlans checks how LATERAL items join (sqltests compares their
// answers with PostgreSQL's): an item that reads the left columns joins by
// nested loop and runs once per distinct left value; one that reads none
// joins as any derived table does.
func TestLateralPlans(t *testing.T) {
	s := sessionWith(t,
		"CREATE TABLE a (k integer, n integer)",
		"INSERT INTO a VALUES (1, 10), (1, 20), (2, 30), (2, 40), (3, 50)")
	q := "SELECT a.n, x.m FROM a LEFT JOIN LATERAL (SELECT max(b.n) AS m FROM a b WHERE b.k = a.k AND b.n < 45) x ON x.m > 20"
	plan := strings.Join(queryColumn(t, s, "EXPLAIN "+q), "\n")
	require.Contains(t, plan, "Nested Loop Left Join")
	require.Contains(t, plan, "Join Filter: (x.m > 20)")
	require.Contains(t, plan, "(b.k = a.k)", "the outer reference is named as written")

	// Five left rows, three distinct values of a.k: three runs.
	plan = strings.Join(queryColumn(t, s, "EXPLAIN ANALYZE "+q), "\n")
	require.Contains(t, plan, "Nested Loop Left Join (actual rows=5 ")
	require.Contains(t, plan, "Subquery Scan on x (actual rows=3 ")
	require.Contains(t, plan, "HashAggregate (actual rows=3 ", "the right side's operators, built per run, are instrumented")

	plan = strings.Join(queryColumn(t, s, "EXPLAIN SELECT a.n, x.k FROM a, LATERAL (SELECT k FROM a b WHERE b.n = 30) x WHERE x.k = a.k"), "\n")
	require.Contains(t, plan, "Hash Cond", "a LATERAL item that reads no left column joins by hash")

	plan = strings.Join(queryColumn(t, s, "EXPLAIN SELECT a.n, g FROM a, generate_series(1, a.n) g"), "\n")
	require.Contains(t, plan, "Nested Loop")
	require.Contains(t, plan, "Function Scan on generate_series")
}

// TestOuterOnlyAggregateRefused checks that an aggregate of only the
// enclosing query's columns, which PostgreSQL computes in the enclosing
// query, is refused rather than computed once per outer row.
func TestOuterOnlyAggregateRefused(t *testing.T) {
	s := sessionWith(t, "CREATE TABLE o (x integer)", "INSERT INTO o VALUES (1), (2)")
	_, err := runSQL(t, s, "SELECT (SELECT sum(o.x)) FROM o")
	require.Equal(t, pgerr.FeatureNotSupported, pgerr.CodeOf(err))
	_, err = runSQL(t, s, "SELECT o.x, l.c FROM o, LATERAL (SELECT count(o.x) AS c) l")
	require.Equal(t, pgerr.FeatureNotSupported, pgerr.CodeOf(err))
	// Mixed with the subquery's own columns, the aggregate is the subquery's.
	require.Equal(t, []string{"1", "5"}, queryText(t, s, "SELECT o.x, (SELECT sum(o.x + u.x) FROM o u) FROM o ORDER BY 1 LIMIT 1"))
}

// TestSeriesStreams checks that generate_series alone in FROM streams: a
// series of 2^63 values under LIMIT answers at once, where holding it
// would exhaust the memory budget.
func TestSeriesStreams(t *testing.T) {
	s := sessionWith(t)
	require.Equal(t, []string{"3"}, queryText(t, s, "SELECT count(*) FROM (SELECT g FROM generate_series(1, 9223372036854775807) g LIMIT 3) x"))
	require.Equal(t, []string{"6"}, queryText(t, s, "SELECT sum(g) FROM (SELECT generate_series(1, 9223372036854775807) AS g LIMIT 3) x"))
}

// sessionWith starts a session on a new test planner and runs stmts in it.
func sessionWith(t *testing.T, stmts ...string) *Session {
	t.Helper()
	p, _ := newTestPlanner(t)
	s, err := p.NewSession("admin", "lattice", true, 1, nil)
	require.NoError(t, err)
	for _, q := range stmts {
		_, err := runSQL(t, s, q)
		require.NoError(t, err, q)
	}
	return s
}

// TestLateralBudget checks that the rows a lateral join holds are charged
// to the query's memory budget, and given back when its memo starts over:
// a right side larger than the budget fails with 53200, and many small
// ones, together past it, do not.
func TestLateralBudget(t *testing.T) {
	p, _ := newTestPlanner(t)
	s, err := p.NewSession("admin", "lattice", true, 1, nil)
	require.NoError(t, err)
	for _, q := range []string{
		"CREATE TABLE big (g integer, v integer)",
		"INSERT INTO big SELECT i % 100000, i FROM generate_series(1, 200000) i",
		"CREATE TABLE small (g integer)",
		"INSERT INTO small VALUES (1)",
	} {
		_, err := runSQL(t, s, q)
		require.NoError(t, err, q)
	}
	p.maxMemory = 4 << 20
	// As the wire runs a statement: under the session's memory budget.
	count := func(q string) (string, error) {
		ctx := s.StatementContext(context.Background())
		stmts, err := s.Prepare(ctx, q, nil)
		require.NoError(t, err, q)
		res, err := s.Execute(ctx, stmts[0], nil)
		if err != nil {
			return "", err
		}
		defer res.Close()
		var out string
		for res.Next(ctx) {
			out = fmt.Sprint(res.Row()[0])
		}
		return out, res.Err()
	}
	_, err = count("SELECT count(*) FROM small, LATERAL (SELECT v FROM big WHERE big.g >= small.g) x")
	require.Equal(t, pgerr.OutOfMemory, pgerr.CodeOf(err))
	// 100,000 distinct left values of three rows each: 12 MB in all,
	// more than the budget, never more than the memo at once.
	p.maxMemory = 8 << 20
	n, err := count("SELECT count(*) FROM (SELECT DISTINCT g FROM big) d, LATERAL (SELECT d.g * 2 AS a UNION ALL SELECT d.g UNION ALL SELECT 1) x")
	require.NoError(t, err)
	require.Equal(t, "300000", n)
}
