package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lattice-olap/lattice/internal/testenv"
	"github.com/lattice-olap/lattice/ssb"
)

func sampleArgs(n *testenv.Node, extra ...string) []string {
	return append([]string{"sample", "ssb", "--sf", "0.01", "--host", n.Host, "--port", fmt.Sprint(n.Port),
		"--user", n.User, "--password", n.Password}, extra...)
}

// cubeSF is the cube test's scale factor: building all 87 cuboids takes
// minutes at SF 0.01 under -race, a fifth of that here (12,000 order lines).
const cubeSF = 0.002

// loadPostgres loads the same SSB data into a fresh database of the real
// PostgreSQL, the reference for every answer.
func loadPostgres(t *testing.T, sf float64) *pgx.Conn {
	t.Helper()
	ctx := context.Background()
	pg, err := pgx.Connect(ctx, testenv.PostgresDatabase(t))
	require.NoError(t, err)
	t.Cleanup(func() { pg.Close(context.Background()) })
	gen, err := ssb.New(sf, 1)
	require.NoError(t, err)
	for i, tab := range ssb.Tables {
		_, err := pg.Exec(ctx, ssb.DDL[i])
		require.NoError(t, err)
		var buf bytes.Buffer
		_, err = gen.WriteTable(ctx, &buf, tab.Name)
		require.NoError(t, err)
		_, err = pg.PgConn().CopyFrom(ctx, &buf, "COPY "+tab.Name+" FROM STDIN")
		require.NoError(t, err)
	}
	return pg
}

// answer runs sql and returns its rows in text form, sorted, so that Q3.x's
// ties on revenue compare equal in any order.
func answer(t *testing.T, c *pgx.Conn, sql string) []string {
	t.Helper()
	out, err := tryAnswer(c, sql)
	require.NoError(t, err, sql)
	return out
}

func tryAnswer(c *pgx.Conn, sql string) ([]string, error) {
	rows, err := c.Query(context.Background(), sql, pgx.QueryExecModeSimpleProtocol)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var f []string
		for _, v := range rows.RawValues() {
			if v == nil {
				f = append(f, "NULL")
			} else {
				f = append(f, string(v))
			}
		}
		out = append(out, strings.Join(f, "|"))
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	slices.Sort(out)
	return out, nil
}

// checkQueries runs the 13 queries on Lattice and on PostgreSQL and checks
// the answers are equal. Every query is tried, each on a new connection
// made by open, so one report lists all that differ even if one of them
// ends its session.
func checkQueries(t *testing.T, open func() *pgx.Conn, pg *pgx.Conn, minNonEmpty int) {
	t.Helper()
	nonEmpty := 0
	for _, q := range ssb.Queries {
		want := answer(t, pg, q.SQL)
		got, err := tryAnswer(open(), q.SQL)
		if assert.NoError(t, err, q.Name) {
			assert.Equal(t, want, got, q.Name)
		}
		if len(want) > 0 && want[0] != "NULL" {
			nonEmpty++
		}
	}
	require.GreaterOrEqual(t, nonEmpty, minNonEmpty, "SSB queries with answers")
}

// TestSampleSSB loads SF 0.01 into a real node with `lattice sample ssb
// --no-cube`, checks the row counts, and checks the 13 queries answer on the
// raw route as the real PostgreSQL does on the same data. It also checks that a second run
// stops because the project exists, and that --force reloads it.
func TestSampleSSB(t *testing.T) {
	n := testenv.StartNode(t)
	var out, errb bytes.Buffer
	require.Equal(t, 0, run(sampleArgs(n, "--no-cube"), &out, &errb), "stderr: %s\nnode:\n%s", errb.String(), n.Log())
	require.Contains(t, out.String(), "lineorder")
	require.Contains(t, out.String(), "rows/s")

	c := n.Connect(t, "ssb")
	gen, err := ssb.New(0.01, 1)
	require.NoError(t, err)
	counts := gen.Counts()
	var loRows int64
	loRows, err = gen.WriteTable(context.Background(), io.Discard, "lineorder")
	require.NoError(t, err)
	for table, want := range map[string]int64{"dates": ssb.DateCount, "customer": int64(counts.Customers),
		"supplier": int64(counts.Suppliers), "part": int64(counts.Parts), "lineorder": loRows} {
		var got int64
		require.NoError(t, c.QueryRow(context.Background(), "SELECT count(*) FROM "+table).Scan(&got))
		require.Equal(t, want, got, table)
	}

	checkQueries(t, func() *pgx.Conn { return n.Connect(t, "ssb") }, loadPostgres(t, 0.01), 8)

	out.Reset()
	errb.Reset()
	require.Equal(t, 1, run(sampleArgs(n, "--no-cube"), &out, &errb))
	require.Contains(t, errb.String(), "already there")
	require.Contains(t, errb.String(), "--force")

	out.Reset()
	errb.Reset()
	require.Equal(t, 0, run(sampleArgs(n, "--if-missing"), &out, &errb), errb.String())
	require.Empty(t, out.String(), "--if-missing does nothing when the project exists")

	out.Reset()
	errb.Reset()
	require.Equal(t, 0, run(sampleArgs(n, "--no-cube", "--force"), &out, &errb), errb.String())
	require.Contains(t, out.String(), "dropping project ssb")
}

func TestSampleUsage(t *testing.T) {
	var out, errb bytes.Buffer
	require.Equal(t, 1, run([]string{"sample", "tpch"}, &out, &errb))
	require.Contains(t, errb.String(), "usage: lattice sample ssb")
	require.Equal(t, 1, run([]string{"sample", "ssb", "--sf", "0"}, &out, &errb))
	require.Contains(t, errb.String(), "scale factor")
	errb.Reset()
	// Nothing listens on port 1, even after waiting for it.
	for _, wait := range []string{"0s", "1s"} {
		errb.Reset()
		require.Equal(t, 1, run([]string{"sample", "ssb", "--port", "1", "--wait", wait}, &out, &errb))
		require.Contains(t, errb.String(), "is `lattice serve` running?")
	}
}

// TestSampleSSBCube runs the whole sample, cube included: CREATE CUBE and
// BUILD CUBE ... WAIT with the contract syntax, then the 13 queries with
// lattice.route = 'cube' must answer as PostgreSQL does. It needs the cube
// statements of the cube issue; until they land it fails with SQLSTATE 0A000.
func TestSampleSSBCube(t *testing.T) {
	n := testenv.StartNode(t)
	var out, errb bytes.Buffer
	require.Equal(t, 0, run(sampleArgs(n, "--sf", fmt.Sprint(cubeSF)), &out, &errb), "stdout: %s\nstderr: %s", out.String(), errb.String())
	require.Contains(t, out.String(), "cube ssb_cube built")
	checkQueries(t, func() *pgx.Conn {
		c := n.Connect(t, "ssb")
		_, err := c.Exec(context.Background(), "SET lattice.route = 'cube'")
		require.NoError(t, err)
		return c
	}, loadPostgres(t, cubeSF), 4)
}
