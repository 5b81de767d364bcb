package cubes_test

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lattice-olap/lattice/internal/testenv"
	"github.com/lattice-olap/lattice/ssb"

	_ "modernc.org/sqlite" // reads the node's SQLite metastore
)

// ssbSF is the scale factor of the kill test: about 12,000 lineorder
// rows.
const ssbSF = 0.002

// killCubeSQL is the SSB cube's join graph, dimensions, measures and
// partition with one aggregation group of four joints (date and line
// attributes, customer, supplier, part): 16 cuboids, each derived in a
// second or more under -race, so the build spends tens of seconds in the
// cuboids step, and every SSB query is covered. ssb.CubeSQL's 87 cuboids
// take many minutes to build twice under -race on a shared two-core machine.
func killCubeSQL() string {
	sql := ssb.CubeSQL()
	sql = sql[:strings.Index(sql, "\n  AGGREGATION GROUP")]
	return sql + "\n  AGGREGATION GROUP (" + strings.Join(ssb.CubeDimensions, ", ") + ")" +
		" JOINT (d_year, d_yearmonthnum, d_yearmonth, d_weeknuminyear, lo_discount, lo_quantity)" +
		" JOINT (c_region, c_nation, c_city) JOINT (s_region, s_nation, s_city) JOINT (p_mfgr, p_category, p_brand1)"
}

// ssbData generates the SSB tables at sf in COPY text.
func ssbData(t testing.TB, sf float64) map[string][]byte {
	t.Helper()
	gen, err := ssb.New(sf, 1)
	require.NoError(t, err)
	out := map[string][]byte{}
	for _, tab := range ssb.Tables {
		var b bytes.Buffer
		_, err := gen.WriteTable(context.Background(), &b, tab.Name)
		require.NoError(t, err)
		out[tab.Name] = b.Bytes()
	}
	return out
}

func loadSSB(t testing.TB, c *pgx.Conn, data map[string][]byte) {
	t.Helper()
	for i, tab := range ssb.Tables {
		mustExec(t, c, ssb.DDL[i])
		copyRows(t, c, tab.Name, data[tab.Name])
	}
}

// segmentRecord is a READY segment as the metastore holds it.
type segmentRecord struct {
	id    string
	files map[string][]struct {
		Path string `json:"path"`
		Rows int64  `json:"rows"`
	}
	stats struct {
		FactRows int64            `json:"fact_rows"`
		Cuboids  map[string]int64 `json:"cuboids"`
	}
}

// openMeta opens the node's SQLite metastore for reading.
func openMeta(t testing.TB, dataDir string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+filepath.Join(dataDir, "meta.db")+"?mode=ro&_pragma=busy_timeout(10000)")
	require.NoError(t, err)
	t.Cleanup(func() { db.Close() })
	return db
}

// readySegments reads the READY segments of project's cube straight from
// the metastore (the list of files is the truth).
func readySegments(t testing.TB, meta *sql.DB, project, cube string) []segmentRecord {
	t.Helper()
	rows, err := meta.Query("SELECT id, files, stats FROM segments WHERE project = ? AND cube = ? AND status = 'READY' ORDER BY range_start", project, cube)
	require.NoError(t, err)
	defer rows.Close()
	var out []segmentRecord
	for rows.Next() {
		var s segmentRecord
		var files, stats string
		require.NoError(t, rows.Scan(&s.id, &files, &stats))
		require.NoError(t, json.Unmarshal([]byte(files), &s.files), files)
		require.NoError(t, json.Unmarshal([]byte(stats), &s.stats), stats)
		out = append(out, s)
	}
	require.NoError(t, rows.Err())
	return out
}

// listedFiles returns the paths of the segment's files, sorted, as
// filesUnder gives them.
func (s segmentRecord) listedFiles() []string {
	var out []string
	for _, fs := range s.files {
		for _, f := range fs {
			out = append(out, filepath.Clean(f.Path))
		}
	}
	slices.Sort(out)
	return out
}

// filesUnder lists the regular files under dir, relative to base.
func filesUnder(t testing.TB, base, dir string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(filepath.Join(base, dir), func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			rel, err := filepath.Rel(base, p)
			if err != nil {
				return err
			}
			out = append(out, rel)
		}
		return nil
	})
	require.NoError(t, err)
	slices.Sort(out)
	return out
}

// ssbAnswers runs the 13 SSB queries on c and returns their answers.
func ssbAnswers(t testing.TB, c *pgx.Conn) map[string]result {
	t.Helper()
	out := map[string]result{}
	for _, q := range ssb.Queries {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		out[q.Name] = run(ctx, c, q.SQL)
		cancel()
	}
	return out
}

// TestKillResume kills a node with SIGKILL while an SSB build is deriving
// cuboids, restarts it on the same data directory and metastore, and checks
// that the job resumes and finishes, that the segment's directory holds
// exactly the files the metastore lists (the dead attempt's are gone), that
// the 13 SSB queries answer on the cube route as on the raw route and on
// PostgreSQL, and that the segment equals an uninterrupted build of the
// same cube in another project.
func TestKillResume(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dataDir := t.TempDir()
	// The metastore is SQLite in the data directory (the default).
	sets := append(slices.Clone(nodeSets),
		"lattice.storage.data-dir="+dataDir,
		"lattice.server.instance-id=kill-resume-node",
		"lattice.query.max-memory=2g")

	data := ssbData(t, ssbSF)
	pg := connectPG(t)
	loadSSB(t, pg, data)

	n1 := testenv.StartNode(t, sets...)
	c1 := createProject(t, n1, "ssb")
	loadSSB(t, c1, data)
	mustExec(t, c1, killCubeSQL())
	id, err := startBuild(t, c1, "BUILD CUBE "+ssb.CubeName)
	require.NoError(t, err)

	// Poll from a second connection until the job derives cuboids and has
	// written some, then kill the node.
	watch := n1.Connect(t, "ssb")
	deadline := time.Now().Add(3 * time.Minute)
	for {
		r := run(ctx, watch, "SELECT status, coalesce(step, ''), progress FROM lattice.jobs WHERE id = '"+id+"'")
		require.NoError(t, r.err)
		require.Len(t, r.rows, 1)
		st, step, progress := *r.rows[0][0], *r.rows[0][1], *r.rows[0][2]
		require.NotEqual(t, "FINISHED", st, "the build finished before it could be killed; make it bigger")
		require.NotContains(t, []string{"ERROR", "DISCARDED"}, st)
		pct, _ := strconv.ParseFloat(progress, 64)
		if st == "RUNNING" && step == "cuboids" && pct > 10 {
			t.Logf("killing the node: job %s %s at step %s, %s%%", id, st, step, progress)
			break
		}
		require.True(t, time.Now().Before(deadline), "job %s never reached the cuboids step: %s %s", id, st, step)
		time.Sleep(20 * time.Millisecond)
	}
	require.NoError(t, n1.Signal(syscall.SIGKILL))
	<-n1.Done()
	segDir := filepath.Join("cubes", "ssb", ssb.CubeName)
	dead := filesUnder(t, dataDir, segDir)
	t.Logf("the dead attempt left %d files", len(dead))
	require.NotEmpty(t, dead, "the killed build should have written cuboid files")
	// A file the dead attempt was writing when it died, recorded by no
	// step: the resumed job must remove it.
	orphan := filepath.Join(filepath.Dir(dead[0]), "cuboid-being-written.parquet")
	require.NoError(t, os.WriteFile(filepath.Join(dataDir, orphan), []byte("PAR1 half a file"), 0o644))
	meta := openMeta(t, dataDir)
	var st string
	require.NoError(t, meta.QueryRow("SELECT status FROM jobs WHERE id = ?", id).Scan(&st))
	require.Equal(t, "RUNNING", st, "after the kill the metastore still shows the job RUNNING")

	// Restart on the same data directory and metastore.
	n2 := testenv.StartNode(t, sets...)
	logTailOnFailure(t, n2)
	c2 := n2.Connect(t, "ssb")
	require.Equal(t, "FINISHED", waitJob(t, c2, id, 4*time.Minute))

	segs := readySegments(t, meta, "ssb", ssb.CubeName)
	require.Len(t, segs, 1)
	assert.Equal(t, segs[0].listedFiles(), filesUnder(t, dataDir, segDir), "the cube's directory must hold exactly the READY segment's files")
	assert.NotContains(t, filesUnder(t, dataDir, segDir), orphan)
	assert.Len(t, segs[0].stats.Cuboids, 16, "cuboids of the resumed segment")

	// The 13 queries: cube route = raw route = PostgreSQL.
	want := ssbAnswers(t, pg)
	mustExec(t, c2, "SET lattice.route = 'cube'")
	onCube := ssbAnswers(t, c2)
	raw := n2.Connect(t, "ssb")
	mustExec(t, raw, "SET lattice.route = 'raw'")
	onRaw := ssbAnswers(t, raw)
	nonEmpty := 0
	for _, q := range ssb.Queries {
		require.NoError(t, want[q.Name].err, q.Name)
		if len(want[q.Name].rows) > 0 && want[q.Name].rows[0][0] != nil {
			nonEmpty++
		}
		if d := same(want[q.Name], onCube[q.Name], false); d != "" {
			t.Errorf("SSB %s on the cube route differs from PostgreSQL:\n%s", q.Name, d)
		}
		if d := same(want[q.Name], onRaw[q.Name], false); d != "" {
			t.Errorf("SSB %s on the raw route differs from PostgreSQL:\n%s", q.Name, d)
		}
	}
	assert.GreaterOrEqual(t, nonEmpty, 5, "SSB queries with answers at SF %v", ssbSF)

	// An uninterrupted build of the same cube over the same rows.
	c3 := createProject(t, n2, "ssb_again")
	loadSSB(t, c3, data)
	mustExec(t, c3, killCubeSQL())
	mustBuild(t, c3, "BUILD CUBE "+ssb.CubeName+" WAIT")
	// The base cuboid's four children (one joint dropped each) are ready
	// together: one worker derives them from one read of it
	// (jobs.rollups), which the answers below check.
	assert.Regexp(t, `msg="cuboid built" .* siblings=3 `, n2.Log())
	again := readySegments(t, meta, "ssb_again", ssb.CubeName)
	require.Len(t, again, 1)
	assert.Equal(t, again[0].stats.Cuboids, segs[0].stats.Cuboids, "row count per cuboid: uninterrupted vs resumed")
	assert.Equal(t, again[0].stats.FactRows, segs[0].stats.FactRows)
	for key, fs := range again[0].files {
		var a, b int64
		for _, f := range fs {
			a += f.Rows
		}
		for _, f := range segs[0].files[key] {
			b += f.Rows
		}
		assert.Equal(t, a, b, "rows of cuboid %s's files", key)
	}
	mustExec(t, c3, "SET lattice.route = 'cube'")
	onAgain := ssbAnswers(t, c3)
	for _, q := range ssb.Queries {
		if d := same(onCube[q.Name], onAgain[q.Name], false); d != "" {
			t.Errorf("SSB %s: the uninterrupted build answers otherwise than the resumed one:\n%s", q.Name, d)
		}
	}
}

// TestViewsOnPostgresMetastore builds a small cube on a node whose
// metastore is the real PostgreSQL and reads lattice.jobs and
// lattice.segments, which go through the metastore's non-transactional
// queries.
func TestViewsOnPostgresMetastore(t *testing.T) {
	t.Parallel()
	n := testenv.StartNode(t, append(slices.Clone(nodeSets), "lattice.metadata.url="+testenv.PostgresDatabase(t))...)
	c := createProject(t, n, "pgmeta")
	mustExec(t, c, starDDL[5], "INSERT INTO sales (s_id, s_date, s_channel, qty) VALUES (1, 20240101, 'web', 2), (2, 20240102, NULL, 3)",
		"CREATE CUBE small ON sales DIMENSIONS (s_channel) MEASURES (SUM(qty) AS q, COUNT(*) AS n) PARTITION BY s_date FORMAT 'yyyyMMdd'")
	id := mustBuild(t, c, "BUILD CUBE small SEGMENT FROM '20240101' TO '20240201' WAIT")
	st, _, _ := jobStatus(t, c, id)
	assert.Equal(t, "FINISHED", st)
	r := run(context.Background(), c, "SELECT range_start, range_end, status, rows FROM lattice.segments WHERE cube = 'small'")
	if assert.NoError(t, r.err) && assert.Len(t, r.rows, 1) {
		assert.Equal(t, "20240101|20240201|READY|2", rowText(r.rows[0]))
	}
	assert.NoError(t, run(context.Background(), c, "SHOW SEGMENTS FROM small").err)
	assert.NoError(t, run(context.Background(), c, "SHOW JOBS").err)
}

// TestUnmatchedFactRows: a fact row whose product does not exist drops out
// of the cube's inner join. A query that leaves product out counts that
// row (on PostgreSQL and on the raw route), so the cube, whose build saw
// the unmatched row, must not answer it from the segment; with route
// 'cube' it may fail with the reason but must never return the cube's
// smaller count.
func TestUnmatchedFactRows(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	n := testenv.StartNode(t, nodeSets...)
	pg := connectPG(t)
	c := createProject(t, n, "unmatched")
	setup := []string{starDDL[3], starDDL[5],
		"INSERT INTO product VALUES (1, 'cat_a', 'b1'), (2, 'cat_b', 'b2')",
		"INSERT INTO sales (s_id, s_date, s_prod, s_channel, qty) VALUES (1, 20240101, 1, 'web', 5), (2, 20240102, 2, 'web', 7), (3, 20240103, 999, 'web', 11), (4, 20240104, 1, NULL, 13)"}
	mustExec(t, pg, setup...)
	mustExec(t, c, setup...)
	mustExec(t, c, "CREATE CUBE um ON sales JOIN product ON s_prod = p_key DIMENSIONS (s_channel, p_cat) MEASURES (SUM(qty) AS q, COUNT(*) AS n) PARTITION BY s_date FORMAT 'yyyyMMdd'")
	mustBuild(t, c, "BUILD CUBE um SEGMENT FROM '20240101' TO '20240201' WAIT")
	p := &project{name: "unmatched", pg: pg, cubeC: n.Connect(t, "unmatched"), rawC: n.Connect(t, "unmatched"), autoC: c}
	mustExec(t, p.cubeC, "SET lattice.route = 'cube'")
	mustExec(t, p.rawC, "SET lattice.route = 'raw'")

	// With product joined, the cube answers (the unmatched row is out on
	// both sides).
	p.check(t, "SELECT p_cat, s_channel, sum(qty), count(*) FROM sales JOIN product ON s_prod = p_key GROUP BY p_cat, s_channel", false, true)
	// Without product, the answer includes row 3.
	for _, sql := range []string{
		"SELECT s_channel, sum(qty), count(*) FROM sales GROUP BY s_channel",
		"SELECT count(*) FROM sales WHERE s_date >= 20240101 AND s_date < 20240201",
	} {
		want := run(ctx, pg, sql)
		require.NoError(t, want.err)
		if d := same(want, run(ctx, p.rawC, sql), false); d != "" {
			t.Errorf("raw route: %s\n%s", sql, d)
		}
		if d := same(want, run(ctx, p.autoC, sql), false); d != "" {
			t.Errorf("route auto must not answer from a segment with unmatched fact rows: %s\n%s", sql, d)
		}
		got := run(ctx, p.cubeC, sql)
		if got.err != nil {
			assert.Equal(t, "0A000", got.code(), "%s: %v", sql, got.err)
		} else if d := same(want, got, false); d != "" {
			t.Errorf("route cube answered wrongly (the segment lost an unmatched fact row): %s\n%s", sql, d)
		}
	}
}

// TestNullPartitionValues checks the cube route on fact rows whose
// partition value is NULL, which no segment's range holds: they come from
// the raw rows (they were once lost), and a filter on the partition column
// not in the output keeps the partition dimension in the cuboid read (it
// once failed with 42703).
func TestNullPartitionValues(t *testing.T) {
	t.Parallel()
	n := testenv.StartNode(t, nodeSets...)
	pg := connectPG(t)
	c := createProject(t, n, "nullpart")
	setup := []string{
		"CREATE TABLE np (d date, n integer, k text, v integer, c char(4))",
		"INSERT INTO np VALUES ('2024-01-05', 20240105, 'a', 1, 'ab'), ('2024-02-05', 20240205, 'b', 2, 'b'), (NULL, NULL, 'a', 4, NULL), ('2024-04-01', 20240401, 'c', 8, 'abc'), (NULL, NULL, NULL, 16, 'z')",
	}
	mustExec(t, pg, setup...)
	mustExec(t, c, setup...)
	mustExec(t, c, "CREATE CUBE np_d ON np DIMENSIONS (d, k) MEASURES (SUM(v) AS sv, COUNT(*) AS cnt) PARTITION BY d")
	mustExec(t, c, "CREATE CUBE np_n ON np DIMENSIONS (k) MEASURES (SUM(v) AS sv, COUNT(*) AS cnt) PARTITION BY n FORMAT 'yyyyMMdd'")
	// MIN/MAX of char(n) are padded bpchar, as in PostgreSQL (they were
	// text).
	mustExec(t, c, "CREATE CUBE np_c ON np DIMENSIONS (k) MEASURES (MIN(c) AS lo, MAX(c) AS hi, COUNT(*) AS cnt)")
	mustBuild(t, c, "BUILD CUBE np_c WAIT")
	mustBuild(t, c, "BUILD CUBE np_d SEGMENT FROM '2024-01-01' TO '2024-03-01' WAIT")
	mustBuild(t, c, "BUILD CUBE np_n SEGMENT FROM '20240101' TO '20240301' WAIT")
	p := &project{name: "nullpart", pg: pg, cubeC: n.Connect(t, "nullpart"), rawC: n.Connect(t, "nullpart"), autoC: c}
	mustExec(t, p.cubeC, "SET lattice.route = 'cube'")
	mustExec(t, p.rawC, "SET lattice.route = 'raw'")
	for _, sql := range []string{
		"SELECT count(*), sum(v) FROM np",
		"SELECT k, sum(v), count(*) FROM np GROUP BY k",
		"SELECT count(*) FROM np WHERE d IS NULL",
		"SELECT k, sum(v) FROM np WHERE d >= '2024-02-01' GROUP BY k",
		"SELECT k, sum(v) FROM np WHERE d < '2024-03-01' GROUP BY k",
		"SELECT k, count(*) FROM np WHERE n >= 20240101 GROUP BY k",
		"SELECT k, min(c), max(c), min(c) || '|', octet_length(max(c)) FROM np GROUP BY k",
	} {
		p.check(t, sql, false, true)
	}
	route := p.explainRoute(t, "SELECT sum(v) FROM np")
	require.Contains(t, route, "NULL", "EXPLAIN says NULL partition values come from raw rows")
}
