package planner

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/lattice-olap/lattice/exec"
	"github.com/lattice-olap/lattice/metastore"
	"github.com/lattice-olap/lattice/pgerr"
)

// TestSortedRunsAggregate checks aggregations over a file sorted by its
// leading columns, as a cube build's roll-ups read a parent cuboid (one
// file, or several merged as they are read): those
// grouped by a sorted prefix stream run by run (exec.RunAgg) and sort
// their chunks instead of the whole output. Every answer must equal the
// same query's over the unsorted table, which hashes and sorts.
func TestSortedRunsAggregate(t *testing.T) {
	p, _ := newTestPlanner(t)
	s, err := p.NewSession("admin", "lattice", true, 1, nil)
	require.NoError(t, err)
	ctx := context.Background()
	_, err = runSQL(t, s, "CREATE TABLE t (a integer, b text, c integer, v bigint)")
	require.NoError(t, err)
	const n = 200_000 // several RunAgg chunks
	copyRows(t, s, "t", n, func(i int) string {
		a := fmt.Sprint(i % 7)
		if i%101 == 0 {
			a = `\N`
		}
		return fmt.Sprintf("%s\tb%02d\t%d\t%d\n", a, (i*7)%23, i%13, i)
	})

	// Sorted files, written as a build writes a cuboid: all rows in one,
	// and in three whose key ranges overlap, as a base cuboid's slices or
	// a merge's segments are.
	var cols []exec.Column
	sorted := func(where string) metastore.TableFile {
		rows, err := p.QueryInternal(ctx, "lattice", "SELECT a, b, c, v FROM t"+where+" ORDER BY 1, 2, 3", nil)
		require.NoError(t, err)
		defer rows.Close()
		fw, err := exec.NewFileWriterRowGroups(p.dataDir, "work", rows.Columns, 4096, exec.CodecSnappy)
		require.NoError(t, err)
		fw.AlignRowGroups(3)
		for {
			rec, err := rows.NextBatch(ctx)
			require.NoError(t, err)
			if rec == nil {
				break
			}
			require.NoError(t, fw.Write(rec))
		}
		tf, err := fw.Finish()
		require.NoError(t, err)
		cols = rows.Columns
		return tf
	}
	one := []metastore.TableFile{sorted("")}
	three := []metastore.TableFile{sorted(" WHERE v % 3 = 0"), sorted(" WHERE v % 3 = 1"), sorted(" WHERE v % 3 = 2")}

	for _, tc := range []struct {
		sql        string
		runs, sort bool // sorted runs; a Sort node
	}{
		{"SELECT a, b, sum(v), count(*) FROM %s GROUP BY 1, 2 ORDER BY 1, 2", true, false},
		{"SELECT a, c, min(b), max(v) FROM %s GROUP BY 1, 2 ORDER BY 1, 2", true, false},
		{"SELECT c, a, sum(v) FROM %s GROUP BY c, a ORDER BY a, c", true, false},
		{"SELECT a, b, sum(v) FROM %s WHERE c > 3 GROUP BY 1, 2 ORDER BY 1, 2, 3 DESC LIMIT 20", true, false},
		{"SELECT a, b, sum(v) FROM %s GROUP BY 1, 2 HAVING sum(v) > 1000 ORDER BY 1, 2", true, false},
		{"SELECT a, sum(v) FROM %s GROUP BY a ORDER BY a DESC", true, true},
		{"SELECT a, b, sum(v) FROM %s GROUP BY 1, 2 ORDER BY 2, 1", true, true},
		{"SELECT a, b, sum(v) FROM %s GROUP BY 1, 2 ORDER BY 1, 3 DESC", true, true},
		{"SELECT b, sum(v) FROM %s GROUP BY b ORDER BY b", false, true},
		{"SELECT DISTINCT a, sum(v) FROM %s GROUP BY a ORDER BY 1", true, true},
	} {
		t.Run(tc.sql, func(t *testing.T) {
			want := resultRows(t, mustExecute(t, s, fmt.Sprintf(tc.sql, "t")))
			require.NotEmpty(t, want)
			sql := fmt.Sprintf(tc.sql, "parent")
			for _, files := range [][]metastore.TableFile{one, three} {
				inputs := map[string]FileInput{"parent": {Columns: cols, Files: files, Sorted: 3}}
				st, _, err := p.internalStatement(ctx, "lattice", sql, inputs)
				require.NoError(t, err)
				plan := strings.Join(st.plan.lines(false), "\n")
				require.Equal(t, tc.runs, strings.Contains(plan, "sorted runs"), plan)
				require.Equal(t, tc.sort, strings.Contains(plan, "Sort\n") || strings.HasPrefix(plan, "Sort"), plan)
				got, err := p.QueryInternal(ctx, "lattice", sql, inputs)
				require.NoError(t, err)
				require.Equal(t, want, resultRows(t, got), "%d files", len(files))
			}
		})
	}
}

// TestQueryInternalBudget checks that a build query is held to
// lattice.query.max-memory even though its rows are pulled with the job's
// own context: hashing 100,000 groups fails with 53200 under 1 MB.
func TestQueryInternalBudget(t *testing.T) {
	p, _ := newTestPlanner(t)
	s, err := p.NewSession("admin", "lattice", true, 1, nil)
	require.NoError(t, err)
	ctx := context.Background()
	_, err = runSQL(t, s, "CREATE TABLE t (a integer, v bigint)")
	require.NoError(t, err)
	copyRows(t, s, "t", 100_000, func(i int) string { return fmt.Sprintf("%d\t%d\n", i, i) })
	drainErr := func() error {
		rows, err := p.QueryInternal(ctx, "lattice", "SELECT a, sum(v) FROM t GROUP BY a ORDER BY a", nil)
		require.NoError(t, err)
		defer rows.Close()
		for {
			rec, err := rows.NextBatch(context.WithoutCancel(ctx))
			if err != nil || rec == nil {
				return err
			}
		}
	}
	require.NoError(t, drainErr())
	p.maxMemory = 1 << 20
	err = drainErr()
	require.Error(t, err)
	require.Equal(t, pgerr.OutOfMemory, pgerr.CodeOf(err))
}
