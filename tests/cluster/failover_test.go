package cluster_test

import (
	"context"
	"fmt"
	"io"
	"os/exec"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/lattice-olap/lattice/internal/testenv"
	"github.com/lattice-olap/lattice/ssb"
)

// failoverSF is the SSB scale of the failover test: large enough that the
// build runs for a while, small enough for a -race build in CI.
const failoverSF = 0.05

// failoverCube is a small cube over SSB flight 1 (one join, five
// dimensions, 32 cuboids), so that the build and its resumption stay short.
const failoverCube = `CREATE CUBE flight1 ON lineorder JOIN dates ON lo_orderdate = d_datekey
  DIMENSIONS (d_year, d_yearmonthnum, d_weeknuminyear, lo_discount, lo_quantity)
  MEASURES (SUM(lo_extendedprice * lo_discount) AS discount_revenue, SUM(lo_revenue) AS lo_revenue, COUNT(*) AS row_count)
  PARTITION BY lo_orderdate FORMAT 'yyyyMMdd'`

// TestFailoverDuringBuild: 1 query + 2 job nodes. BUILD ... WAIT sent to
// the query node runs on the job node holding project ssb; that node is
// SIGKILLed mid-build; the other job node takes the lease over, resumes the
// job and finishes it; the segment is present once, and the SSB flight-1
// queries on the query node, answered from the cube, match PostgreSQL.
func TestFailoverDuringBuild(t *testing.T) {
	for _, backend := range backends {
		t.Run(backend, func(t *testing.T) { testFailoverDuringBuild(t, backend) })
	}
}

func testFailoverDuringBuild(t *testing.T, backend string) {
	zkAddr := testenv.ZooKeeper(t)
	c := StartCluster(t, backend, zkAddr, []NodeSpec{{"q", "query"}, {"j1", "job"}, {"j2", "job"}})
	q := c.Nodes["q"]

	// Load SSB through the query node (every node accepts loading).
	cmd := exec.Command(testenv.Binary(t), "sample", "ssb", "--sf", fmt.Sprint(failoverSF), "--no-cube",
		"--host", "127.0.0.1", "--port", fmt.Sprint(q.Port), "--password", testenv.AdminPassword)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("lattice sample ssb: %v\n%s", err, out)
	}
	t.Log("SSB loaded into lattice")
	ref := loadSSBReference(t)
	t.Log("SSB loaded into postgres")

	q.Query(t, "ssb", failoverCube)
	var holder string
	Eventually(t, 20*time.Second, func() string {
		holder = holdersOf(t, q)["ssb"]
		if holder != "j1" && holder != "j2" {
			return fmt.Sprintf("no job node holds ssb: %v", holdersOf(t, q))
		}
		return ""
	})
	survivor := map[string]string{"j1": "j2", "j2": "j1"}[holder]
	t.Logf("cube created; %s holds ssb", holder)

	// BUILD ... WAIT on the query node, forwarded to the holder.
	done := make(chan error, 1)
	go func() {
		_, err := q.TryQuery("ssb", "BUILD CUBE flight1 WAIT")
		done <- err
	}()
	Eventually(t, 120*time.Second, func() string {
		rows, err := q.TryQuery("ssb", "SELECT status, node FROM lattice.jobs")
		if err != nil {
			return err.Error() + "\n" + tail(q.Log(), 3000) + "\n" + tail(c.Nodes[holder].Log(), 3000)
		}
		if len(rows) != 1 || rows[0][0] != "RUNNING" || rows[0][1] != holder {
			return fmt.Sprintf("jobs = %v", rows)
		}
		return ""
	})
	// Paused at once (so the build cannot finish in between), then killed.
	if err := c.Nodes[holder].Signal(syscall.SIGSTOP); err != nil {
		t.Fatal(err)
	}
	c.Nodes[holder].Kill(t)
	killedAt := time.Now()
	t.Logf("%s killed mid-build", holder)
	// The WAIT client on the query node sees the holder fail: the
	// forwarded connection broke (08006); the job itself goes on.
	select {
	case err := <-done:
		t.Logf("BUILD ... WAIT after the kill: %v", err)
	case <-time.After(60 * time.Second):
		t.Fatal("BUILD ... WAIT did not return after its job node was killed")
	}
	Eventually(t, 30*time.Second, func() string {
		if h := holdersOf(t, q)["ssb"]; h != survivor {
			return fmt.Sprintf("ssb's lease is with %q", h)
		}
		return ""
	})
	t.Logf("takeover after %v", time.Since(killedAt).Round(100*time.Millisecond))
	Eventually(t, 300*time.Second, func() string {
		rows, err := q.TryQuery("ssb", "SELECT status, node FROM lattice.jobs")
		if err != nil {
			return err.Error()
		}
		if len(rows) != 1 || rows[0][0] != "FINISHED" {
			return fmt.Sprintf("jobs = %v\n%s", rows, tail(c.Nodes[survivor].Log(), 4000))
		}
		if rows[0][1] != survivor {
			return fmt.Sprintf("job finished on %s, not on the survivor %s", rows[0][1], survivor)
		}
		return ""
	})
	t.Log("job finished on the survivor")
	segs := q.Query(t, "ssb", "SELECT status FROM lattice.segments WHERE cube = 'flight1'")
	if len(segs) != 1 || segs[0][0] != "READY" {
		t.Fatalf("segments after the takeover = %v", segs)
	}

	// The queries on the query node answer from the cube, as
	// PostgreSQL answers over the same rows.
	queries := append(ssb.Queries[:3:3], ssb.Query{Name: "by year",
		SQL: "select d_year, sum(lo_revenue), count(*) from lineorder join dates on lo_orderdate = d_datekey group by d_year"})
	for _, qu := range queries {
		want := sortedRows(t, ref, qu.SQL)
		got := sortedLattice(t, q, qu.SQL)
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Errorf("%s: lattice (route cube)\n%s\npostgres\n%s", qu.Name, strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
	}
}

// loadSSBReference loads the same SSB rows into a fresh PostgreSQL database.
func loadSSBReference(t *testing.T) *pgx.Conn {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, testenv.PostgresDatabase(t))
	testenv.Require(t, "PostgreSQL", err)
	t.Cleanup(func() { conn.Close(context.Background()) })
	for _, ddl := range ssb.DDL {
		if _, err := conn.Exec(ctx, ddl); err != nil {
			t.Fatalf("%s: %v", ddl, err)
		}
	}
	g, err := ssb.New(failoverSF, 1)
	if err != nil {
		t.Fatal(err)
	}
	for _, tb := range ssb.Tables {
		pr, pw := io.Pipe()
		go func() {
			_, err := g.WriteTable(ctx, pw, tb.Name)
			pw.CloseWithError(err)
		}()
		if _, err := conn.PgConn().CopyFrom(ctx, pr, "COPY "+tb.Name+" FROM STDIN"); err != nil {
			t.Fatalf("COPY %s: %v", tb.Name, err)
		}
	}
	return conn
}

func sortedRows(t *testing.T, conn *pgx.Conn, sql string) []string {
	t.Helper()
	rs, err := conn.Query(context.Background(), sql, pgx.QueryExecModeSimpleProtocol)
	if err != nil {
		t.Fatalf("postgres: %s: %v", sql, err)
	}
	defer rs.Close()
	var out []string
	for rs.Next() {
		var cols []string
		for _, v := range rs.RawValues() {
			cols = append(cols, string(v))
		}
		out = append(out, strings.Join(cols, "|"))
	}
	if err := rs.Err(); err != nil {
		t.Fatalf("postgres: %s: %v", sql, err)
	}
	sort.Strings(out)
	return out
}

func sortedLattice(t *testing.T, n *Node, sql string) []string {
	t.Helper()
	ctx := context.Background()
	conn := n.Connect(t, "ssb")
	if _, err := conn.Exec(ctx, "SET lattice.route = 'cube'"); err != nil {
		t.Fatal(err)
	}
	rs, err := conn.Query(ctx, sql, pgx.QueryExecModeSimpleProtocol)
	if err != nil {
		t.Fatalf("lattice: %s: %v", sql, err)
	}
	defer rs.Close()
	var out []string
	for rs.Next() {
		var cols []string
		for _, v := range rs.RawValues() {
			cols = append(cols, string(v))
		}
		out = append(out, strings.Join(cols, "|"))
	}
	if err := rs.Err(); err != nil {
		t.Fatalf("lattice: %s: %v", sql, err)
	}
	sort.Strings(out)
	return out
}

func tail(s string, n int) string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}
