package cubes_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/stretchr/testify/require"

	"github.com/lattice-olap/lattice/internal/testenv"
)

// nodeSets are the settings every test node runs with: a one-second
// heart-beat, so that a project created during the test gets its job
// engine within seconds rather than half a minute.
var nodeSets = []string{
	"lattice.server.leader-race.heart-beat-interval=1",
	"lattice.server.leader-race.heart-beat-timeout=3",
}

// result is one statement's answer: column type OIDs and rows of text
// values (nil for NULL), or the error.
type result struct {
	oids []uint32
	rows [][]*string
	err  error
}

func (r result) code() string {
	var pe *pgconn.PgError
	if errors.As(r.err, &pe) {
		return pe.Code
	}
	return ""
}

func (r result) String() string {
	if r.err != nil {
		return "error: " + r.err.Error()
	}
	var b strings.Builder
	for _, row := range r.rows {
		b.WriteString("  " + rowText(row) + "\n")
	}
	return fmt.Sprintf("%d rows, oids %v\n%s", len(r.rows), r.oids, b.String())
}

func rowText(row []*string) string {
	f := make([]string, len(row))
	for i, v := range row {
		if v == nil {
			f[i] = "NULL"
		} else {
			f[i] = *v
		}
	}
	return strings.Join(f, "|")
}

// run executes sql with the simple protocol and returns its text answer.
func run(ctx context.Context, c *pgx.Conn, sql string) result {
	rows, err := c.Query(ctx, sql, pgx.QueryExecModeSimpleProtocol)
	if err != nil {
		return result{err: err}
	}
	defer rows.Close()
	var r result
	for _, fd := range rows.FieldDescriptions() {
		r.oids = append(r.oids, fd.DataTypeOID)
	}
	for rows.Next() {
		raw := rows.RawValues()
		row := make([]*string, len(raw))
		for i, v := range raw {
			if v != nil {
				s := string(v)
				row[i] = &s
			}
		}
		r.rows = append(r.rows, row)
	}
	r.err = rows.Err()
	return r
}

// buildTimeout bounds one BUILD/REFRESH/MERGE ... WAIT.
const buildTimeout = 3 * time.Minute

// logTailOnFailure prints the end of the node's log when the test fails.
func logTailOnFailure(t testing.TB, n *testenv.Node) {
	t.Cleanup(func() {
		if t.Failed() {
			log := n.Log()
			if len(log) > 6000 {
				log = log[len(log)-6000:]
			}
			t.Logf("node log (tail):\n%s", log)
		}
	})
}

// mustExec runs statements and fails the test on the first error.
func mustExec(t testing.TB, c *pgx.Conn, stmts ...string) {
	t.Helper()
	for _, s := range stmts {
		if _, err := c.Exec(context.Background(), s, pgx.QueryExecModeSimpleProtocol); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
}

// scalar runs sql and returns its single text value ("NULL" for NULL).
func scalar(t testing.TB, c *pgx.Conn, sql string) string {
	t.Helper()
	r := run(context.Background(), c, sql)
	require.NoError(t, r.err, sql)
	require.Len(t, r.rows, 1, sql)
	return rowText(r.rows[0][:1])
}

const (
	oidFloat4 = 700
	oidFloat8 = 701
)

// same reports how got differs from want ("" when equal). Rows are
// compared as multisets unless ordered; float columns within a relative
// tolerance of 1e-9, everything else (numeric included) as exact text.
func same(want, got result, ordered bool) string {
	if want.err != nil || got.err != nil {
		if want.err != nil && got.err != nil && want.code() == got.code() {
			return ""
		}
		return fmt.Sprintf("want %v\ngot %v", want, got)
	}
	if !slices.Equal(want.oids, got.oids) {
		return fmt.Sprintf("column types: want %v, got %v\nwant %v\ngot %v", want.oids, got.oids, want, got)
	}
	if len(want.rows) != len(got.rows) {
		return fmt.Sprintf("want %v\ngot %v", want, got)
	}
	w, g := want.rows, got.rows
	if !ordered {
		w, g = sortedRows(want), sortedRows(got)
	}
	for i := range w {
		for j := range w[i] {
			if !cellsMatch(w[i][j], g[i][j], want.oids[j]) {
				return fmt.Sprintf("row %d column %d: want %s, got %s\nwant %v\ngot %v", i, j+1, rowText(w[i]), rowText(g[i]), want, got)
			}
		}
	}
	return ""
}

func isFloat(oid uint32) bool { return oid == oidFloat4 || oid == oidFloat8 }

func cellsMatch(a, b *string, oid uint32) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	if *a == *b {
		return true
	}
	if !isFloat(oid) {
		return false
	}
	x, err1 := strconv.ParseFloat(*a, 64)
	y, err2 := strconv.ParseFloat(*b, 64)
	if err1 != nil || err2 != nil || math.IsNaN(x) || math.IsNaN(y) || math.IsInf(x, 0) || math.IsInf(y, 0) {
		return false
	}
	return math.Abs(x-y) <= 1e-9*math.Max(math.Abs(x), math.Abs(y))
}

// sortedRows orders rows by their text, floats rounded to 8 significant
// digits so that values equal within the tolerance sort alike.
func sortedRows(r result) [][]*string {
	type keyed struct {
		key string
		row []*string
	}
	ks := make([]keyed, len(r.rows))
	for i, row := range r.rows {
		f := make([]string, len(row))
		for j, v := range row {
			switch {
			case v == nil:
				f[j] = "\x00NULL"
			case isFloat(r.oids[j]):
				x, err := strconv.ParseFloat(*v, 64)
				if err == nil {
					f[j] = strconv.FormatFloat(x, 'e', 7, 64)
				} else {
					f[j] = *v
				}
			default:
				f[j] = *v
			}
		}
		ks[i] = keyed{strings.Join(f, "\x01"), row}
	}
	slices.SortStableFunc(ks, func(a, b keyed) int { return strings.Compare(a.key, b.key) })
	out := make([][]*string, len(ks))
	for i, k := range ks {
		out[i] = k.row
	}
	return out
}

// copyRows loads text COPY data into table on c.
func copyRows(t testing.TB, c *pgx.Conn, table string, data []byte) {
	t.Helper()
	_, err := c.PgConn().CopyFrom(context.Background(), bytes.NewReader(data), "COPY "+table+" FROM STDIN")
	require.NoError(t, err, "COPY %s", table)
}

// connectPG opens a connection to a fresh database on the real PostgreSQL.
func connectPG(t testing.TB) *pgx.Conn {
	t.Helper()
	c, err := pgx.Connect(context.Background(), testenv.PostgresDatabase(t))
	testenv.Require(t, "PostgreSQL", err)
	t.Cleanup(func() { c.Close(context.Background()) })
	return c
}

// createProject creates project name on the node and connects to it.
func createProject(t testing.TB, n *testenv.Node, name string) *pgx.Conn {
	t.Helper()
	admin := n.Connect(t, "lattice")
	mustExec(t, admin, "CREATE DATABASE "+name)
	return n.Connect(t, name)
}

// startBuild runs a BUILD/REFRESH/MERGE statement and returns the job id.
// A project created moments ago gets its job engine at the next heart-beat
// or two (the lease race waits before it takes a free project), so the
// statement is retried while it fails with "no live job engine" (55000).
func startBuild(t testing.TB, c *pgx.Conn, stmt string) (string, error) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), buildTimeout)
		r := run(ctx, c, stmt)
		cancel()
		if r.err == nil {
			if len(r.rows) != 1 || len(r.rows[0]) < 1 || r.rows[0][0] == nil {
				return "", fmt.Errorf("%s returned %v, want one row with the job id", stmt, r)
			}
			return *r.rows[0][0], nil
		}
		if r.code() == "55000" && strings.Contains(r.err.Error(), "no live job engine") && time.Now().Before(deadline) {
			time.Sleep(200 * time.Millisecond)
			continue
		}
		return "", r.err
	}
}

// mustBuild runs a job statement with WAIT and fails the test if it fails.
func mustBuild(t testing.TB, c *pgx.Conn, stmt string) string {
	t.Helper()
	id, err := startBuild(t, c, stmt)
	require.NoError(t, err, stmt)
	return id
}

// jobStatus reads a job's status and step from lattice.jobs.
func jobStatus(t testing.TB, c *pgx.Conn, id string) (status, step, errText string) {
	t.Helper()
	r := run(context.Background(), c, "SELECT status, coalesce(step, ''), coalesce(error, '') FROM lattice.jobs WHERE id = '"+id+"'")
	require.NoError(t, r.err)
	if len(r.rows) != 1 {
		return "", "", ""
	}
	return *r.rows[0][0], *r.rows[0][1], *r.rows[0][2]
}

// waitJob polls lattice.jobs until the job ends and returns its status.
func waitJob(t testing.TB, c *pgx.Conn, id string, limit time.Duration) string {
	t.Helper()
	deadline := time.Now().Add(limit)
	for {
		st, step, e := jobStatus(t, c, id)
		switch st {
		case "FINISHED", "ERROR", "DISCARDED":
			if st != "FINISHED" {
				t.Logf("job %s %s at step %q: %s", id, st, step, e)
			}
			return st
		}
		if time.Now().After(deadline) {
			t.Fatalf("job %s still %s (step %q) after %v", id, st, step, limit)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
