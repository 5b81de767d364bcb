package planner

import (
	"context"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/lattice-olap/lattice/types"
)

// copyRows loads rows lines of COPY text, row(i) each, into table.
func copyRows(t *testing.T, s *Session, table string, rows int, row func(i int) string) {
	t.Helper()
	ctx := context.Background()
	pr, pw := io.Pipe()
	go func() {
		var sb strings.Builder
		for i := range rows {
			sb.WriteString(row(i))
		}
		pw.Write([]byte(sb.String()))
		pw.Close()
	}()
	stmts, err := s.Prepare(ctx, "COPY "+table+" FROM STDIN", nil)
	require.NoError(t, err)
	_, err = stmts[0].Copy.Load(ctx, pr)
	require.NoError(t, err)
}

// TestRuntimeKeyFilter checks joins whose probe side is a scan large enough
// for parallel workers, where inner joins hand their build keys down to the
// scan (exec.KeySet) and inner and left joins probe in the workers
// (exec.SharedBuild): the answers must be those of the joins alone.
func TestRuntimeKeyFilter(t *testing.T) {
	p, _ := newTestPlanner(t)
	s, err := p.NewSession("admin", "lattice", true, 1, nil)
	require.NoError(t, err)
	ctx := context.Background()
	for _, stmt := range []string{
		"CREATE TABLE fact (id bigint, k integer, j integer, v bigint)",
		"CREATE TABLE dim (k integer, name text)",
		"CREATE TABLE dim2 (j bigint, tag text)",
	} {
		_, err := runSQL(t, s, stmt)
		require.NoError(t, err)
	}
	const n = 300_000
	load := func(table string, rows int, row func(i int) string) { copyRows(t, s, table, rows, row) }
	// k: 0..999 (NULL every 97th row); j: 0..49; dim has k 0..199, dim2 j 0..9.
	load("fact", n, func(i int) string {
		k := fmt.Sprint(i % 1000)
		if i%97 == 0 {
			k = `\N`
		}
		return fmt.Sprintf("%d\t%s\t%d\t%d\n", i, k, i%50, i)
	})
	load("dim", 200, func(i int) string { return fmt.Sprintf("%d\tname%03d\n", i, i) })
	load("dim2", 10, func(i int) string { return fmt.Sprintf("%d\ttag%d\n", i, i%3) })

	// The expected answers, computed here from the generating rules.
	type agg struct{ count, sum int64 }
	want := func(keep func(i int, k int, hasK bool) bool) agg {
		var a agg
		for i := 0; i < n; i++ {
			k, hasK := i%1000, i%97 != 0
			if keep(i, k, hasK) {
				a.count++
				a.sum += int64(i)
			}
		}
		return a
	}
	for _, tc := range []struct {
		sql  string
		want agg
	}{
		{"SELECT count(*), sum(v) FROM fact f JOIN dim d ON f.k = d.k WHERE d.name < 'name050'",
			want(func(_ int, k int, hasK bool) bool { return hasK && k < 50 })},
		{"SELECT count(*), sum(v) FROM fact f, dim d, dim2 e WHERE f.k = d.k AND f.j = e.j AND d.name >= 'name150' AND e.tag = 'tag1'",
			want(func(i int, k int, hasK bool) bool { return hasK && k >= 150 && k < 200 && i%50 < 10 && (i%50)%3 == 1 })},
		// A LEFT join keeps the rows without a match: no filter below it.
		{"SELECT count(*), sum(v) FROM fact f LEFT JOIN dim d ON f.k = d.k AND d.name < 'name010'",
			want(func(int, int, bool) bool { return true })},
		// An inner join above a LEFT join still filters the scan.
		{"SELECT count(*), sum(f.v) FROM fact f LEFT JOIN dim d ON f.k = d.k JOIN dim2 e ON f.j = e.j WHERE e.tag = 'tag2'",
			want(func(i int, _ int, _ bool) bool { return i%50 < 10 && (i%50)%3 == 2 })},
		// No matching key at all.
		{"SELECT count(*), sum(v) FROM fact f JOIN dim d ON f.k = d.k WHERE d.name = 'none'", agg{}},
		// A LEFT join's unmatched rows carry NULLs up from the workers.
		{"SELECT count(*), sum(v) FROM fact f LEFT JOIN dim d ON f.k = d.k WHERE d.name IS NULL",
			want(func(_ int, k int, hasK bool) bool { return !hasK || k >= 200 })},
		// A join with a residual condition runs above the workers.
		{"SELECT count(*), sum(v) FROM fact f JOIN dim d ON f.k = d.k AND f.v % 2 = 0",
			want(func(i int, k int, hasK bool) bool { return hasK && k < 200 && i%2 == 0 })},
	} {
		stmts, err := s.Prepare(ctx, tc.sql, nil)
		require.NoError(t, err, tc.sql)
		for run := 0; run < 2; run++ { // a prepared statement runs again with fresh sets
			res, err := s.Execute(ctx, stmts[0], nil)
			require.NoError(t, err, tc.sql)
			require.True(t, res.Next(ctx), tc.sql)
			row := res.Row()
			var sum int64
			switch v := row[1].(type) {
			case nil:
			default:
				str, ok := types.FormatText(types.Numeric, v, &types.DefaultFormat)
				require.True(t, ok)
				fmt.Sscan(str, &sum)
			}
			require.Equal(t, tc.want, agg{row[0].(int64), sum}, tc.sql)
			require.False(t, res.Next(ctx))
			require.NoError(t, res.Err())
			res.Close()
		}
	}

	// EXPLAIN ANALYZE counts the rows of joins run by the workers.
	matched := want(func(_ int, k int, hasK bool) bool { return hasK && k < 200 }).count
	plan := queryColumn(t, s, "EXPLAIN ANALYZE SELECT count(*) FROM fact f JOIN dim d ON f.k = d.k")
	require.Contains(t, strings.Join(plan, "\n"), fmt.Sprintf("Hash Join (actual rows=%d ", matched))

	// A query that stops early closes the workers and the shared build.
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	for range 3 {
		stmts, err := s.Prepare(ctx, "SELECT f.id, d.name FROM fact f JOIN dim d ON f.k = d.k LIMIT 5", nil)
		require.NoError(t, err)
		res, err := s.Execute(ctx, stmts[0], nil)
		require.NoError(t, err)
		rows := 0
		for res.Next(ctx) {
			rows++
		}
		require.NoError(t, res.Err())
		require.Equal(t, 5, rows)
		res.Close()
	}
}
