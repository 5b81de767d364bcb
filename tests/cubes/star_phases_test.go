package cubes_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lattice-olap/lattice/internal/testenv"
)

// openProject connects the three route connections of project name.
func openProject(t *testing.T, n *testenv.Node, name, cube string, pg *pgx.Conn, part func(lo, hi string) string, bounds []string, dims string) *project {
	p := &project{name: name, cube: cube, pg: pg, partition: part, bounds: bounds, dims: strings.Split(dims, ", "),
		cubeC: n.Connect(t, name), rawC: n.Connect(t, name), autoC: n.Connect(t, name)}
	mustExec(t, p.cubeC, "SET lattice.route = 'cube'")
	mustExec(t, p.rawC, "SET lattice.route = 'raw'")
	return p
}

// segments returns the cube's segments as "range_start-range_end:status"
// with their ids, from lattice.segments.
func segments(t testing.TB, c *pgx.Conn, cube string) (desc []string, ids map[string]string) {
	t.Helper()
	r := run(context.Background(), c, "SELECT id, range_start, range_end, status FROM lattice.segments WHERE cube = '"+cube+"' ORDER BY range_start, range_end, status")
	require.NoError(t, r.err)
	ids = map[string]string{}
	for _, row := range r.rows {
		k := *row[1] + "-" + *row[2] + ":" + *row[3]
		desc = append(desc, k)
		ids[k] = *row[0]
	}
	return desc, ids
}

func isoDay(s string) string { return s[:4] + "-" + s[4:6] + "-" + s[6:] }

// TestStarCubes is the correctness suite over the star schema: two cubes,
// hundreds of queries compared across route cube, route raw and
// PostgreSQL, with part of sales_cube's range left unbuilt (partial
// coverage), then MERGE, REFRESH under concurrent queries, DROP SEGMENT and
// the error cases, in that order on one node (each phase starts from the
// segments the previous one left).
func TestStarCubes(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	// Small slices: each segment's base cuboid is aggregated in slices of
	// the fact table and merged (jobs.baseSlices); TestKillResume builds in
	// one pass.
	n := testenv.StartNode(t, append(slices.Clone(nodeSets), "lattice.cube.build-slice-rows=500")...)
	logTailOnFailure(t, n)
	pg := connectPG(t)
	data := genStar(42, 4000)
	loadStar(t, pg, data)

	star := createProject(t, n, "star")
	loadStar(t, star, data)
	mustExec(t, star, fullCubeSQL)
	for i := 0; i < 2; i++ {
		mustBuild(t, star, fmt.Sprintf("BUILD CUBE sales_cube SEGMENT FROM '%s' TO '%s' WAIT", bounds[i], bounds[i+1]))
	}
	grp := createProject(t, n, "grp")
	loadStar(t, grp, data)
	mustExec(t, grp, groupCubeSQL)
	mustBuild(t, grp, fmt.Sprintf("BUILD CUBE grp_cube SEGMENT FROM '%s' TO '%s' WAIT", isoDay(grpBounds[0]), isoDay(grpBounds[1])))
	t.Logf("cubes built")
	ps := openProject(t, n, "star", "sales_cube", pg, intPartition, bounds, starDims)
	pgr := openProject(t, n, "grp", "grp_cube", pg, datePartition, grpBounds, allDims)

	t.Run("catalog", func(t *testing.T) {
		// Base cuboids, and roll-ups that do not stream from a parent of
		// more than 500 rows, were aggregated in slices.
		sliced := map[string]bool{}
		for _, m := range regexp.MustCompile(`cuboid aggregated in slices.*cuboid=(\w+) slices=(\d+)`).FindAllStringSubmatch(n.Log(), -1) {
			sliced[m[1]] = true
		}
		assert.True(t, sliced["1f"] && sliced["7f"], "base cuboids in slices: %v", sliced)
		assert.Greater(t, len(sliced), 2, "roll-ups in slices: %v", sliced)
		assert.Equal(t, "32", scalar(t, star, "SELECT cuboids FROM lattice.cubes WHERE name = 'sales_cube'"))
		// Group 1: s_channel × {∅, r_name, r_name+n_name} × {∅, p_cat+p_brand} × {∅, c_segment} = 12;
		// group 2: {∅, c_segment} × {∅, pr_name} = 4; plus the base cuboid.
		assert.Equal(t, "17", scalar(t, grp, "SELECT cuboids FROM lattice.cubes WHERE name = 'grp_cube'"))
		desc, _ := segments(t, star, "sales_cube")
		assert.Equal(t, []string{"20240101-20240301:READY", "20240301-20240501:READY"}, desc)
		var inRange int
		require.NoError(t, pg.QueryRow(ctx, "SELECT count(*) FROM sales WHERE s_date < 20240501").Scan(&inRange))
		assert.Equal(t, fmt.Sprint(inRange), scalar(t, star, "SELECT sum(rows) FROM lattice.segments WHERE cube = 'sales_cube'"))
		// The base cuboid, merged from its slices, holds each group once:
		// as many rows as the segments have distinct dimension values.
		var groups int
		for k := 0; k < 2; k++ {
			var n int
			require.NoError(t, pg.QueryRow(ctx, "SELECT count(*) FROM (SELECT DISTINCT "+starDims+" FROM "+starJoin+
				" WHERE "+intPartition(bounds[k], bounds[k+1])+") AS g").Scan(&n))
			groups += n
		}
		route := ps.check(t, "SELECT "+starDims+", sum(qty) FROM "+starJoin+" WHERE "+intPartition(bounds[0], bounds[2])+
			" GROUP BY "+starDims, false, true)
		assert.Contains(t, route, fmt.Sprintf("cuboid (%s), %d rows;", starDims, groups))
	})

	t.Run("full cube with partial coverage", func(t *testing.T) {
		ps.runQueries(t, 1, 110)
		t.Logf("star: %d queries checked, %d on the cube route", ps.checked, ps.onCube)
		// [20240501, 20240701) has no segment: a query over everything
		// reads it from raw rows, one inside the built range does not.
		route := ps.check(t, "SELECT s_channel, sum(qty), count(*) FROM sales GROUP BY s_channel", false, true)
		assert.Contains(t, route, "[20240501, infinity)", "the unbuilt range comes from raw rows")
		route = ps.check(t, "SELECT s_channel, sum(qty), count(*) FROM sales WHERE "+intPartition(bounds[0], bounds[2])+" GROUP BY s_channel", false, true)
		assert.NotContains(t, route, "from raw rows", "a range the segments cover needs no raw rows")
		route = ps.check(t, "SELECT s_channel, sum(qty), count(*) FROM sales WHERE "+intPartition(bounds[2], bounds[3])+" GROUP BY s_channel", false, true)
		assert.Contains(t, route, "segments used: none", "a range no segment covers")
	})

	t.Run("a view over the cube", func(t *testing.T) {
		// A view's query is bound again where it is read: its block takes
		// the cube route like the same query written out.
		v := "CREATE VIEW channel_qty AS SELECT s_channel, sum(qty) AS qty, count(*) AS n FROM sales WHERE " +
			intPartition(bounds[0], bounds[2]) + " GROUP BY s_channel"
		mustExec(t, star, v)
		_, err := pg.Exec(ctx, v)
		require.NoError(t, err)
		// (lattice.route = cube forces the outermost block, which reads a
		// view and does not aggregate: the default route is checked.)
		sql := "SELECT * FROM channel_qty WHERE n > 1"
		want, got := run(ctx, pg, sql), run(ctx, star, sql)
		require.NoError(t, want.err)
		assert.Empty(t, same(want, got, false), "the view's answer differs from PostgreSQL's")
		plan := run(ctx, star, "EXPLAIN "+sql)
		require.NoError(t, plan.err)
		assert.Contains(t, plan.String(), "Route: cube sales_cube")
	})

	t.Run("aggregation groups", func(t *testing.T) {
		pgr.runQueries(t, 2, 70)
		t.Logf("grp: %d queries checked, %d on the cube route", pgr.checked, pgr.onCube)
		// The smallest cuboid that holds the query's dimensions, as the
		// groups allow them.
		for sql, want := range map[string][]string{
			"SELECT s_channel, count(*) FROM sales GROUP BY s_channel":                                                              {"s_channel"},
			"SELECT n_name, sum(qty) FROM sales JOIN customer ON s_cust = c_key JOIN nation ON c_nationkey = n_key GROUP BY n_name": {"n_name", "r_name", "s_channel"},
			"SELECT p_cat, sum(qty) FROM sales JOIN product ON s_prod = p_key GROUP BY p_cat":                                       {"p_brand", "p_cat", "s_channel"},
			"SELECT pr_name, count(*) FROM sales LEFT JOIN promo ON s_promo = pr_key GROUP BY pr_name":                              {"pr_name"},
		} {
			route := pgr.check(t, sql, false, true)
			cb, dims := cuboidOf(route)
			assert.Equal(t, "grp_cube", cb, route)
			assert.Equal(t, want, dims, "cuboid for %s: %s", sql, route)
		}
	})

	t.Run("cube relation", func(t *testing.T) {
		// The cube as a relation against the same aggregate over the raw
		// tables on PostgreSQL (grp_cube covers the whole range). Only
		// values are compared: summing a SUM measure may widen its type.
		for _, q := range [][2]string{
			{"SELECT r_name, sum(sum_qty), sum(cnt), sum(cnt_amount) FROM grp_cube GROUP BY r_name",
				"SELECT r_name, sum(qty), count(*), count(amount) FROM " + starJoin + " GROUP BY r_name"},
			{"SELECT s_channel, min(min_amount), max(max_qty), sum(sum_amount) FROM grp_cube GROUP BY s_channel",
				"SELECT s_channel, min(amount), max(qty), sum(amount) FROM " + starJoin + " GROUP BY s_channel"},
			{"SELECT p_cat, COUNT(DISTINCT customers) FROM grp_cube GROUP BY p_cat",
				"SELECT p_cat, count(DISTINCT s_cust) FROM " + starJoin + " GROUP BY p_cat"},
			{"SELECT COUNT(DISTINCT customers) FROM grp_cube",
				"SELECT count(DISTINCT s_cust) FROM " + starJoin},
			{"SELECT c_segment, pr_name, sum(sum_price) FROM grp_cube WHERE c_segment IS NOT NULL GROUP BY c_segment, pr_name",
				"SELECT c_segment, pr_name, sum(price) FROM " + starJoin + " WHERE c_segment IS NOT NULL GROUP BY c_segment, pr_name"},
		} {
			want := run(ctx, pg, q[1])
			require.NoError(t, want.err, q[1])
			got := run(ctx, pgr.autoC, q[0])
			if got.err == nil {
				got.oids = want.oids
			}
			if d := same(want, got, false); d != "" {
				t.Errorf("cube relation query\n  %s\ndiffers from PostgreSQL's\n  %s\n%s", q[0], q[1], d)
			}
		}
	})

	t.Run("query history", func(t *testing.T) {
		sql := "SELECT s_channel, count(*) AS history_probe FROM sales GROUP BY s_channel"
		require.NoError(t, run(ctx, ps.autoC, sql).err)
		deadline := time.Now().Add(10 * time.Second)
		for {
			r := run(ctx, ps.autoC, "SELECT route, cube, cuboid FROM lattice.query_history WHERE query = '"+sql+"'")
			require.NoError(t, r.err)
			if len(r.rows) > 0 {
				assert.Equal(t, "cube|sales_cube|s_channel", rowText(r.rows[0]))
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("lattice.query_history has no entry for %q after 10s", sql)
			}
			time.Sleep(200 * time.Millisecond)
		}
		r := run(ctx, ps.autoC, "SELECT count(*) FROM lattice.query_history WHERE route = 'cube' AND cube = 'sales_cube'")
		require.NoError(t, r.err)
		t.Logf("query_history: %s cube-route entries", rowText(r.rows[0]))
	})

	t.Run("merge", func(t *testing.T) {
		mustBuild(t, star, fmt.Sprintf("MERGE CUBE sales_cube SEGMENTS FROM '%s' TO '%s' WAIT", bounds[0], bounds[2]))
		desc, _ := segments(t, star, "sales_cube")
		assert.Equal(t, []string{"20240101-20240301:RETIRED", "20240101-20240501:READY", "20240301-20240501:RETIRED"}, desc)
		r := run(ctx, star, "SHOW SEGMENTS FROM sales_cube")
		require.NoError(t, r.err)
		var ready, retired int
		for _, row := range r.rows {
			ready += strings.Count(rowText(row), "READY")
			retired += strings.Count(rowText(row), "RETIRED")
		}
		assert.Equal(t, 1, ready, "SHOW SEGMENTS: %v", r)
		assert.Equal(t, 2, retired, "SHOW SEGMENTS: %v", r)
		// 20240301 is no longer a segment boundary: filters on the
		// partition column (not a dimension) must fall on the new ones.
		ps.bounds = []string{bounds[0], bounds[2], bounds[3]}
		for _, q := range ps.hand() {
			ps.check(t, q.sql, q.ordered, true)
		}
		g := newGen(3, ps)
		for range 20 {
			q := g.query()
			ps.check(t, q.sql, q.ordered, true)
		}
	})

	t.Run("refresh under queries", func(t *testing.T) { refreshUnderQueries(t, n, ps, star) })

	t.Run("errors", func(t *testing.T) { cubeErrors(t, ps, star) })
	t.Run("drop segment", func(t *testing.T) {
		_, ids := segments(t, star, "sales_cube")
		id := ids[bounds[0]+"-"+bounds[2]+":READY"]
		require.NotEmpty(t, id)
		mustExec(t, star, "DROP SEGMENT "+id+" FROM CUBE sales_cube")
		// No READY segment is left: the cube route answers from raw rows
		// alone.
		for _, q := range ps.hand()[:8] {
			route := ps.check(t, q.sql, q.ordered, true)
			assert.Contains(t, route, "segments used: none", q.sql)
		}
	})

}

// refreshUnderQueries adds rows to a built segment's range, then refreshes
// it while three connections query that range on the cube route without
// pause. Once the rows are added the segment is stale: the cube route reads
// its range from raw rows (EXPLAIN says so), so every answer, before,
// during and after the refresh's swap, is the new one — never the old one,
// an error or a mix — and afterwards the new segment answers it.
func refreshUnderQueries(t *testing.T, n *testenv.Node, ps *project, star *pgx.Conn) {
	ctx := context.Background()
	q := "SELECT s_channel, count(*), sum(qty), sum(amount), max(qty) FROM sales WHERE " +
		intPartition(bounds[0], bounds[2]) + " GROUP BY s_channel"
	before := run(ctx, ps.pg, q)
	require.NoError(t, before.err)
	got := run(ctx, ps.cubeC, q)
	require.Empty(t, same(before, got, false), "before the change")

	// New rows with large quantities, so that every channel's answer moves.
	extra := genSales(rand.New(rand.NewPCG(9, 9)), 100000, 400, time.Date(2024, 2, 1, 0, 0, 0, 0, time.UTC), 60)
	copyRows(t, ps.pg, "sales", extra)
	copyRows(t, star, "sales", extra)
	after := run(ctx, ps.pg, q)
	require.NoError(t, after.err)
	require.NotEmpty(t, same(before, after, false), "the change must alter the answer")
	// Until the refresh the stale segment's range comes from raw rows.
	got = run(ctx, ps.cubeC, q)
	assert.Empty(t, same(after, got, false), "a stale segment is never answered from")
	assert.Contains(t, ps.explainRoute(t, q), "stale", "EXPLAIN names the stale segment")

	conns := make([]*pgx.Conn, 3)
	for i := range conns {
		conns[i] = n.Connect(t, "star")
		mustExec(t, conns[i], "SET lattice.route = 'cube'")
	}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	var mu sync.Mutex
	var problems []string
	counts := map[string]int{}
	for _, c := range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				r := run(ctx, c, q)
				mu.Lock()
				switch {
				case same(before, r, false) == "":
					counts["before"]++
				case same(after, r, false) == "":
					counts["after"]++
				default:
					if len(problems) < 5 {
						problems = append(problems, r.String())
					}
					counts["other"]++
				}
				mu.Unlock()
			}
		}()
	}
	_, err := startBuild(t, star, fmt.Sprintf("REFRESH CUBE sales_cube SEGMENT FROM '%s' TO '%s' WAIT", bounds[0], bounds[2]))
	// Let the readers see the new segment for a while.
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		mu.Lock()
		a := counts["after"]
		mu.Unlock()
		if a >= 20 {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	close(stop)
	wg.Wait()
	require.NoError(t, err, "REFRESH")
	t.Logf("answers during the refresh: %v", counts)
	assert.Zero(t, counts["other"], "answers that were neither the old nor the new one: %v", problems)
	assert.Zero(t, counts["before"], "the stale segment answered")
	assert.Positive(t, counts["after"])
	got = run(ctx, ps.cubeC, q)
	assert.Empty(t, same(after, got, false), "after the refresh")
	route := ps.explainRoute(t, q)
	assert.NotContains(t, route, "stale", "the refreshed segment is current")
	assert.NotContains(t, route, "from raw rows", "the refreshed segment covers the range")
	desc, _ := segments(t, star, "sales_cube")
	assert.Contains(t, desc, bounds[0]+"-"+bounds[2]+":READY")
	assert.Contains(t, desc, bounds[0]+"-"+bounds[2]+":RETIRED")
	ready := slices.DeleteFunc(slices.Clone(desc), func(s string) bool { return !strings.HasSuffix(s, ":READY") })
	assert.Len(t, ready, 1, "%v", desc)
}

// cubeErrors checks the errors of CREATE CUBE, BUILD and route 'cube'.
func cubeErrors(t *testing.T, ps *project, star *pgx.Conn) {
	ctx := context.Background()
	expect := func(c *pgx.Conn, sql, code string, parts ...string) {
		t.Helper()
		r := run(ctx, c, sql)
		if !assert.Error(t, r.err, sql) {
			return
		}
		assert.Equal(t, code, r.code(), "%s: %v", sql, r.err)
		for _, p := range parts {
			assert.Contains(t, r.err.Error(), p, sql)
		}
		// The connection stays usable.
		assert.NoError(t, run(ctx, c, "SELECT 1").err)
	}
	expect(star, "CREATE CUBE bad ON sales DIMENSIONS (no_such_col) MEASURES (COUNT(*))", "42703", "no_such_col")
	expect(star, "CREATE CUBE bad ON sales DIMENSIONS (s_channel) MEASURES (SUM(no_such_col) AS x)", "42703", "no_such_col")
	expect(star, "CREATE CUBE bad ON sales JOIN customer ON s_cust = c_key DIMENSIONS (s_channel) MEASURES (COUNT(*)) PARTITION BY c_key",
		"42P17", "c_key")
	// 13 dimensions without aggregation groups: 2^13 = 8192 cuboids.
	expect(star, "CREATE CUBE big ON "+starJoin+" DIMENSIONS (r_name, r_key, n_name, n_key, c_segment, c_name, c_key, p_cat, p_brand, p_key, pr_name, pr_key, s_channel) MEASURES (COUNT(*))",
		"54000", "8192")
	// Overlapping segments are refused.
	_, err := startBuild(t, star, "BUILD CUBE sales_cube SEGMENT FROM '20240201' TO '20240601'")
	if assert.Error(t, err) {
		assert.Equal(t, "55000", result{err: err}.code(), "%v", err)
		assert.Contains(t, err.Error(), "overlaps")
	}
	// route = 'cube' names the reason no cube fits.
	expect(ps.cubeC, "SELECT c_name, count(*) FROM sales JOIN customer ON s_cust = c_key GROUP BY c_name", "0A000", "c_name")
	expect(ps.cubeC, "SELECT sum(s_id) FROM sales", "0A000", "s_id")
	expect(ps.cubeC, "SELECT count(*) FROM sales JOIN product ON s_cust = p_key", "0A000", "join")
	expect(ps.cubeC, "SELECT s_channel, count(*) FROM sales WHERE qty > 5 GROUP BY s_channel", "0A000", "qty")
	// Route 'auto' answers those on the raw tables, as PostgreSQL does.
	for _, sql := range []string{
		"SELECT s_channel, count(*) FROM sales WHERE qty > 5 GROUP BY s_channel",
		"SELECT sum(s_id) FROM sales",
		"SELECT s_channel, sum(qty) FROM sales WHERE s_date >= 20240115 AND s_date < 20240301 GROUP BY s_channel",
	} {
		want := run(ctx, ps.pg, sql)
		require.NoError(t, want.err, sql)
		if d := same(want, run(ctx, ps.autoC, sql), false); d != "" {
			t.Errorf("route auto differs from PostgreSQL for %s\n%s", sql, d)
		}
	}
}
