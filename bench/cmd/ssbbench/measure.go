package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/lattice-olap/lattice/ssb"
)

// loadAll creates the SSB tables on e and loads each data file with the
// engine's own bulk path (COPY FROM STDIN through the client for Lattice and
// PostgreSQL, COPY FROM file for DuckDB).
func loadAll(ctx context.Context, e engine, files map[string]string) (LoadResult, error) {
	res := LoadResult{Engine: e.name()}
	for i, t := range ssb.Tables {
		if err := e.exec(ctx, ssb.DDL[i]); err != nil {
			return res, err
		}
		start := time.Now()
		n, err := e.copyFile(ctx, t.Name, files[t.Name])
		if err != nil {
			return res, fmt.Errorf("%s: %w", t.Name, err)
		}
		d := time.Since(start).Seconds()
		res.Tables = append(res.Tables, TableLoad{Table: t.Name, Rows: n, Seconds: d})
		res.Rows += n
		res.Seconds += d
	}
	res.RowsPerSec = float64(res.Rows) / res.Seconds
	logf("%s loaded %d rows in %.1fs (%.0f rows/s)", e.name(), res.Rows, res.Seconds, res.RowsPerSec)
	return res, nil
}

// cuboidQuery is one GROUP BY GROUPING SETS over the star join that computes
// every cuboid of the SSB cube, with the cube's measures.
func cuboidQuery() string {
	var sets []string
	for _, c := range ssb.Cuboids() {
		sets = append(sets, "("+strings.Join(c, ", ")+")")
	}
	return "SELECT " + strings.Join(ssb.CubeDimensions, ", ") + ", " + strings.Join(ssb.CubeMeasures, ", ") +
		" FROM lineorder JOIN dates ON lo_orderdate = d_datekey JOIN customer ON lo_custkey = c_custkey" +
		" JOIN supplier ON lo_suppkey = s_suppkey JOIN part ON lo_partkey = p_partkey" +
		" GROUP BY GROUPING SETS (" + strings.Join(sets, ", ") + ")"
}

// buildCubes times Lattice's BUILD CUBE, DuckDB materializing the same
// cuboids with GROUPING SETS, and PostgreSQL refreshing a materialized view
// of that query.
func buildCubes(ctx context.Context, timeout time.Duration, lat *lattice, duck *duck, pg *postgres) []BuildResult {
	var out []BuildResult
	timed := func(engine, what string, setup, work string, e engine) {
		r := BuildResult{Engine: engine, What: what, Cuboids: len(ssb.Cuboids())}
		if setup != "" {
			if err := e.exec(ctx, setup); err != nil {
				r.Error = err.Error()
				out = append(out, r)
				logf("%s: %v", engine, err)
				return
			}
		}
		start := time.Now()
		wctx, cancel := context.WithTimeout(ctx, timeout)
		defer cancel()
		if err := e.exec(wctx, work); err != nil {
			r.Error = err.Error()
			if wctx.Err() != nil && ctx.Err() == nil {
				r.Error = fmt.Sprintf("did not finish in %v (-build-timeout)", timeout)
				if engine == "Lattice" {
					// Cancelling BUILD ... WAIT leaves the job running.
					cancelJobs(ctx, lat)
				}
			}
			logf("%s: %v", engine, r.Error)
		} else {
			r.Seconds = time.Since(start).Seconds()
			logf("%s: %s in %.2fs", engine, what, r.Seconds)
		}
		out = append(out, r)
	}
	timed("Lattice", "BUILD CUBE ssb_cube WAIT", ssb.CubeSQL(), "BUILD CUBE "+ssb.CubeName+" WAIT", lat)
	timed("DuckDB", "CREATE TABLE AS ... GROUPING SETS", "", "CREATE TABLE ssb_cuboids AS "+cuboidQuery(), duck)
	timed("PostgreSQL", "REFRESH MATERIALIZED VIEW (GROUPING SETS)",
		"CREATE MATERIALIZED VIEW ssb_cuboids AS "+cuboidQuery()+" WITH NO DATA",
		"REFRESH MATERIALIZED VIEW ssb_cuboids", pg)
	return out
}

// cancelJobs cancels Lattice's unfinished jobs, so that a build past
// -build-timeout does not go on beside the measurements.
func cancelJobs(ctx context.Context, lat *lattice) {
	rows, err := lat.query(ctx, "SELECT id FROM lattice.jobs WHERE status IN ('PENDING', 'RUNNING', 'PAUSED')")
	if err != nil {
		logf("Lattice: listing jobs to cancel: %v", err)
		return
	}
	for _, r := range rows {
		if err := lat.exec(ctx, "CANCEL JOB '"+r[0]+"'"); err != nil {
			logf("Lattice: CANCEL JOB %s: %v", r[0], err)
		}
	}
}

// Engine labels in the query table, in column order.
const (
	labelCube = "Lattice cube"
	labelRaw  = "Lattice raw"
	labelDuck = "DuckDB"
	labelPG   = "PostgreSQL"
)

func sameAnswer(q ssb.Query, want, got [][]string) bool {
	join := func(rows [][]string) []string {
		out := make([]string, len(rows))
		for i, r := range rows {
			out[i] = strings.Join(r, "|")
		}
		// Q3.x order by (d_year, revenue DESC): ties may come in any order.
		if strings.HasPrefix(q.Name, "Q3") {
			slices.Sort(out)
		}
		return out
	}
	return slices.Equal(join(want), join(got))
}

func median(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}

// runQueries runs each SSB query on every engine: one warm-up run whose
// answer is checked against PostgreSQL's, then o.runs timed runs. Only a
// checked answer's time counts.
func runQueries(ctx context.Context, o options, lat *lattice, duck *duck, pg *postgres) ([]QueryResult, []string) {
	engines := map[string]engine{labelDuck: duck, labelPG: pg}
	unavailable := map[string]string{}
	for label, route := range map[string]string{labelCube: "cube", labelRaw: "raw"} {
		s, err := lat.session(ctx, route)
		if err != nil {
			unavailable[label] = err.Error()
			logf("%s unavailable: %v", label, err)
			continue
		}
		defer s.Close()
		engines[label] = s
	}
	if _, ok := engines[labelRaw]; !ok {
		// Before lattice.route exists every query takes the raw route.
		engines[labelRaw] = lat
		delete(unavailable, labelRaw)
	}
	skip := skipped(o)
	var results []QueryResult
	var mismatches []string
	for _, q := range ssb.Queries {
		qr := QueryResult{Query: q.Name, Engines: map[string]Timing{}}
		want, err := pg.query(ctx, q.SQL)
		if err != nil {
			// Nothing to check the others against: no time counts.
			for _, label := range []string{labelCube, labelRaw, labelDuck, labelPG} {
				qr.Engines[label] = Timing{Error: "PostgreSQL failed: " + err.Error()}
			}
			results = append(results, qr)
			continue
		}
		for _, label := range []string{labelCube, labelRaw, labelDuck, labelPG} {
			e, ok := engines[label]
			if !ok {
				qr.Engines[label] = Timing{Error: "unavailable: " + unavailable[label]}
				continue
			}
			if label == labelRaw && skip[q.Name] {
				qr.Engines[label] = Timing{Error: "not run (-skip-raw)"}
				continue
			}
			if label == labelCube {
				// Only a cube's answer counts as the cube route.
				route, err := routeOf(ctx, e, q.SQL)
				if err != nil {
					qr.Engines[label] = Timing{Error: "EXPLAIN: " + err.Error()}
					continue
				}
				if !strings.HasPrefix(route, "Route: cube") {
					qr.Engines[label] = Timing{Error: fmt.Sprintf("not answered from a cube: EXPLAIN says %q", route)}
					continue
				}
			}
			got, err := e.query(ctx, q.SQL)
			if err != nil {
				qr.Engines[label] = Timing{Error: err.Error()}
				logf("%s %s: %v", label, q.Name, err)
				continue
			}
			if !sameAnswer(q, want, got) {
				msg := fmt.Sprintf("MISMATCH %s on %s: %d rows %v, PostgreSQL %d rows %v", q.Name, label, len(got), head(got), len(want), head(want))
				fmt.Fprintln(os.Stderr, "!!! "+msg)
				mismatches = append(mismatches, msg)
				qr.Engines[label] = Timing{Error: "answer differs from PostgreSQL's"}
				continue
			}
			ds, err := timeRuns(o.runs, o.minTime, func() error {
				_, err := e.query(ctx, q.SQL)
				return err
			})
			if err != nil {
				qr.Engines[label] = Timing{Error: err.Error()}
				continue
			}
			t := Timing{MedianMS: float64(median(ds).Microseconds()) / 1000, Rows: len(got)}
			if len(ds) > o.runs {
				t.Runs = len(ds)
			}
			qr.Engines[label] = t
		}
		logf("%s done", q.Name)
		results = append(results, qr)
	}
	return results, mismatches
}

// maxRuns bounds timeRuns when minTime asks for more than runs.
const maxRuns = 1000

// timeRuns times run at least runs times, and more while the runs add up
// to less than minTime (at most maxRuns): a query of a millisecond
// measured five times gives a median that one slow run can move.
func timeRuns(runs int, minTime time.Duration, run func() error) ([]time.Duration, error) {
	var ds []time.Duration
	var total time.Duration
	for len(ds) < runs || (total < minTime && len(ds) < maxRuns) {
		start := time.Now()
		if err := run(); err != nil {
			return nil, err
		}
		d := time.Since(start)
		ds = append(ds, d)
		total += d
	}
	return ds, nil
}

// routeOf returns the "Route: ..." line of Lattice's EXPLAIN for sql.
func routeOf(ctx context.Context, e engine, sql string) (string, error) {
	rows, err := e.query(ctx, "EXPLAIN "+strings.TrimSuffix(sql, ";"))
	if err != nil {
		return "", err
	}
	for _, r := range rows {
		for _, v := range r {
			if strings.Contains(v, "Route:") {
				return strings.TrimSpace(v), nil
			}
		}
	}
	return "", nil
}

// skipped returns the queries -skip-raw names.
func skipped(o options) map[string]bool {
	m := map[string]bool{}
	for _, q := range strings.Split(o.skipRaw, ",") {
		if q = strings.TrimSpace(q); q != "" {
			m[q] = true
		}
	}
	return m
}

func head(rows [][]string) [][]string { return rows[:min(len(rows), 3)] }

// qps runs work on conns connections for the given time and returns the
// completed calls per second. Each worker stops at the deadline, after its
// call in flight.
func qps(ctx context.Context, conns int, d time.Duration, open func(context.Context) (engine, error), work func(ctx context.Context, e engine, i int) error) (float64, error) {
	es := make([]engine, 0, conns)
	defer func() {
		for _, e := range es {
			e.Close()
		}
	}()
	for range conns {
		e, err := open(ctx)
		if err != nil {
			return 0, err
		}
		es = append(es, e)
	}
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex // guards total and firstErr
		total    int
		firstErr error
	)
	start := time.Now()
	deadline := start.Add(d)
	for w, e := range es {
		wg.Add(1)
		go func() {
			defer wg.Done()
			n := 0
			var err error
			for i := w; time.Now().Before(deadline) && ctx.Err() == nil; i++ {
				if err = work(ctx, e, i); err != nil {
					break
				}
				n++
			}
			mu.Lock()
			total += n
			if err != nil && firstErr == nil {
				firstErr = err
			}
			mu.Unlock()
		}()
	}
	wg.Wait()
	if firstErr != nil {
		return 0, firstErr
	}
	return float64(total) / time.Since(start).Seconds(), nil
}

// throughput measures SSB queries per second on Lattice's cube route and on
// PostgreSQL answering each query from a materialized view of its own
// result, and SELECT 1 per second on both, with 1, 4 and 16 connections.
func throughput(ctx context.Context, o options, n *node, lat *lattice, pg *postgres) []QPSResult {
	d := time.Duration(o.qpsSeconds * float64(time.Second))
	var out []QPSResult
	// The cube route is measured when EXPLAIN shows a cube answering every
	// query; otherwise the auto route is, and the table says so.
	latRoute := "cube"
	if s, err := lat.session(ctx, "cube"); err != nil {
		latRoute = "auto"
	} else {
		for _, q := range ssb.Queries {
			if r, err := routeOf(ctx, s, q.SQL); err != nil || !strings.HasPrefix(r, "Route: cube") {
				latRoute = "auto"
				break
			}
		}
		s.Close()
	}
	openLat := func(route string) func(context.Context) (engine, error) {
		return func(ctx context.Context) (engine, error) {
			if route == "" {
				return connectPG(ctx, "Lattice", n.dsn("ssb"))
			}
			return lat.session(ctx, route)
		}
	}
	openPG := func(ctx context.Context) (engine, error) { return connectPG(ctx, "PostgreSQL", pg.dsn) }
	ssbWork := func(queries []string) func(context.Context, engine, int) error {
		return func(ctx context.Context, e engine, i int) error {
			_, err := e.query(ctx, queries[i%len(queries)])
			return err
		}
	}
	// The cube route runs all 13; the raw route (when there is no cube) runs
	// those -skip-raw leaves.
	// PostgreSQL answers the same queries, each from a materialized view of
	// its own result.
	skip := skipped(o)
	var ssbSQL, mvQueries []string
	for i, q := range ssb.Queries {
		if latRoute != "cube" && skip[q.Name] {
			continue
		}
		ssbSQL = append(ssbSQL, q.SQL)
		name := fmt.Sprintf("ssb_q%d", i)
		if err := pg.exec(ctx, "CREATE MATERIALIZED VIEW "+name+" AS "+strings.TrimSuffix(q.SQL, ";")); err != nil {
			logf("PostgreSQL materialized view for %s: %v", q.Name, err)
		}
		mvQueries = append(mvQueries, "SELECT * FROM "+name)
	}
	select1 := func(ctx context.Context, e engine, _ int) error { _, err := e.query(ctx, "SELECT 1"); return err }
	cells := []qpsCell{
		{"SSB queries", "Lattice (" + latRoute + " route)", func(c int) (float64, error) { return qps(ctx, c, d, openLat(latRoute), ssbWork(ssbSQL)) }},
		{"SSB queries", "PostgreSQL (materialized views)", func(c int) (float64, error) { return qps(ctx, c, d, openPG, ssbWork(mvQueries)) }},
		{"SELECT 1", "Lattice", func(c int) (float64, error) { return qps(ctx, c, d, openLat(""), select1) }},
		{"SELECT 1", "PostgreSQL", func(c int) (float64, error) { return qps(ctx, c, d, openPG, select1) }},
	}
	// pgbench, PostgreSQL's own load driver in C, measures SELECT 1 too: a
	// client that costs little CPU of its own, where the Go client above
	// competes with the servers for the same cores.
	if bin, err := exec.LookPath("pgbench"); err == nil {
		cells = append(cells,
			qpsCell{"SELECT 1 (pgbench)", "Lattice", func(c int) (float64, error) { return pgbenchQPS(ctx, bin, n.dsn("ssb"), c, d) }},
			qpsCell{"SELECT 1 (pgbench)", "PostgreSQL", func(c int) (float64, error) { return pgbenchQPS(ctx, bin, pg.dsn, c, d) }})
	} else {
		logf("pgbench not found; SELECT 1 is measured with the Go client only")
	}
	for _, conns := range []int{1, 4, 16} {
		for _, r := range measureRounds(cells, conns, o.qpsRounds) {
			logf("%s %s ×%d: %.0f qps (rounds %.0f) %s", r.Workload, r.Engine, conns, r.QPS, r.Rounds, r.Error)
			out = append(out, r)
		}
	}
	return out
}

// qpsCell is one row of the throughput table: a workload on one engine.
type qpsCell struct {
	workload, engine string
	run              func(conns int) (float64, error)
}

// measureRounds measures every cell rounds times and keeps each cell's
// median round. The cells take turns within a round, and odd rounds run
// them in reverse, so that neither engine of a pair always goes first:
// one 3-second sample on a 2-core machine varies by a quarter.
func measureRounds(cells []qpsCell, conns, rounds int) []QPSResult {
	out := make([]QPSResult, len(cells))
	for i, c := range cells {
		out[i] = QPSResult{Workload: c.workload, Engine: c.engine, Conns: conns}
	}
	for r := range max(rounds, 1) {
		for k := range cells {
			i := k
			if r%2 == 1 {
				i = len(cells) - 1 - k
			}
			if out[i].Error != "" {
				continue
			}
			v, err := cells[i].run(conns)
			if err != nil {
				out[i].Error = err.Error()
				continue
			}
			out[i].Rounds = append(out[i].Rounds, v)
		}
	}
	for i := range out {
		if out[i].Error == "" {
			s := slices.Clone(out[i].Rounds)
			slices.Sort(s)
			out[i].QPS = s[len(s)/2]
		}
	}
	return out
}

var pgbenchTPS = regexp.MustCompile(`tps = ([0-9.]+)`)

// pgbenchQPS runs SELECT 1 through pgbench on conns connections, one thread
// each, over the simple protocol, for d (whole seconds, at least one).
func pgbenchQPS(ctx context.Context, bin, dsn string, conns int, d time.Duration) (float64, error) {
	dir, err := os.MkdirTemp("", "ssbbench-pgbench")
	if err != nil {
		return 0, err
	}
	defer os.RemoveAll(dir)
	script := filepath.Join(dir, "select1.sql")
	if err := os.WriteFile(script, []byte("SELECT 1;\n"), 0o644); err != nil {
		return 0, err
	}
	secs := strconv.Itoa(max(1, int(d.Round(time.Second)/time.Second)))
	c := strconv.Itoa(conns)
	out, err := exec.CommandContext(ctx, bin, "-n", "-M", "simple", "-T", secs, "-c", c, "-j", c, "-f", script, dsn).CombinedOutput()
	if err != nil {
		return 0, fmt.Errorf("pgbench: %v: %s", err, firstLine(string(out)))
	}
	m := pgbenchTPS.FindSubmatch(out)
	if m == nil {
		return 0, fmt.Errorf("pgbench printed no tps: %s", firstLine(string(out)))
	}
	return strconv.ParseFloat(string(m[1]), 64)
}
