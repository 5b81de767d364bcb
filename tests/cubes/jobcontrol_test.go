package cubes_test

import (
	"context"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/lattice-olap/lattice/internal/testenv"
	"github.com/lattice-olap/lattice/ssb"
)

// TestPauseResumeCancel drives a build with PAUSE JOB, RESUME JOB and
// CANCEL JOB while it derives cuboids (side by side, siblings sharing a
// read of their parent): a paused job stops writing and keeps its state,
// resumes where it stopped and finishes with the answers PostgreSQL gives;
// a job statement that does not apply to the job's state fails with 55000;
// a cancelled REFRESH ends DISCARDED, its BUILDING segment gone, while
// queries go on reading the segment it would have replaced.
func TestPauseResumeCancel(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dataDir := t.TempDir()
	data := ssbData(t, ssbSF)
	pg := connectPG(t)
	loadSSB(t, pg, data)

	n := testenv.StartNode(t, append(slices.Clone(nodeSets), "lattice.storage.data-dir="+dataDir)...)
	logTailOnFailure(t, n)
	c := createProject(t, n, "ssb")
	loadSSB(t, c, data)
	mustExec(t, c, killCubeSQL())
	id, err := startBuild(t, c, "BUILD CUBE "+ssb.CubeName)
	require.NoError(t, err)

	watch := n.Connect(t, "ssb")
	awaitCuboidsStep(t, watch, id)
	require.Equal(t, "PAUSE JOB", jobStatement(t, c, "PAUSE JOB '"+id+"'"))
	// The attempt notices at its next save (about once a second) and
	// stops: the log says so, and nothing moves after.
	require.Eventually(t, func() bool {
		return strings.Contains(n.Log(), `msg="job stopped" component=jobs job=`+id)
	}, 30*time.Second, 50*time.Millisecond, "the paused job's attempt never stopped")
	st, step, _ := jobStatus(t, watch, id)
	require.Equal(t, "PAUSED", st)
	require.Equal(t, "cuboids", step)
	segDir := filepath.Join("cubes", "ssb", ssb.CubeName)
	files, progress := filesUnder(t, dataDir, segDir), jobProgress(t, watch, id)
	time.Sleep(1500 * time.Millisecond)
	assert.Equal(t, files, filesUnder(t, dataDir, segDir), "files written while the job was paused")
	assert.Equal(t, progress, jobProgress(t, watch, id), "progress while the job was paused")

	r := run(ctx, c, "PAUSE JOB '"+id+"'")
	require.Equal(t, "55000", r.code(), "PAUSE of a paused job: %v", r.err)
	require.Equal(t, "RESUME JOB", jobStatement(t, c, "RESUME JOB '"+id+"'"))
	require.Equal(t, "FINISHED", waitJob(t, watch, id, buildTimeout))
	r = run(ctx, c, "RESUME JOB '"+id+"'")
	require.Equal(t, "55000", r.code(), "RESUME of a finished job: %v", r.err)

	meta := openMeta(t, dataDir)
	segs := readySegments(t, meta, "ssb", ssb.CubeName)
	require.Len(t, segs, 1)
	assert.Equal(t, segs[0].listedFiles(), filesUnder(t, dataDir, filepath.Join(segDir, segs[0].id)), "the segment's directory holds exactly its listed files")
	assert.Len(t, segs[0].stats.Cuboids, 16)
	want := ssbAnswers(t, pg)
	mustExec(t, c, "SET lattice.route = 'cube'")
	checkAnswers := func(when string) {
		got := ssbAnswers(t, c)
		for _, q := range ssb.Queries {
			require.NoError(t, want[q.Name].err, q.Name)
			if d := same(want[q.Name], got[q.Name], false); d != "" {
				t.Errorf("SSB %s on the cube route %s differs from PostgreSQL:\n%s", q.Name, when, d)
			}
		}
	}
	checkAnswers("after the resumed build")

	// A REFRESH cancelled while it derives cuboids.
	id2, err := startBuild(t, c, "REFRESH CUBE "+ssb.CubeName)
	require.NoError(t, err)
	awaitCuboidsStep(t, watch, id2)
	require.Equal(t, "CANCEL JOB", jobStatement(t, c, "CANCEL JOB '"+id2+"'"))
	require.Equal(t, "DISCARDED", waitJob(t, watch, id2, buildTimeout))
	_, _, e := jobStatus(t, watch, id2)
	assert.Contains(t, e, "cancelled by admin")
	r = run(ctx, watch, "SELECT id, status FROM lattice.segments WHERE cube = '"+ssb.CubeName+"'")
	require.NoError(t, r.err)
	require.Len(t, r.rows, 1, "segments after the cancelled refresh: %v", r)
	assert.Equal(t, segs[0].id+"|READY", rowText(r.rows[0]))
	r = run(ctx, c, "CANCEL JOB '"+id2+"'")
	require.Equal(t, "55000", r.code(), "CANCEL of a discarded job: %v", r.err)
	checkAnswers("after the cancelled refresh")
}

// awaitCuboidsStep polls until job id is RUNNING its cuboids step.
func awaitCuboidsStep(t *testing.T, c *pgx.Conn, id string) {
	t.Helper()
	deadline := time.Now().Add(3 * time.Minute)
	for {
		st, step, _ := jobStatus(t, c, id)
		require.NotContains(t, []string{"FINISHED", "ERROR", "DISCARDED"}, st, "job %s ended before its cuboids step could be caught; make it bigger", id)
		if st == "RUNNING" && step == "cuboids" {
			return
		}
		require.True(t, time.Now().Before(deadline), "job %s never reached its cuboids step: %s %s", id, st, step)
		time.Sleep(10 * time.Millisecond)
	}
}

// jobStatement runs PAUSE, RESUME or CANCEL JOB and returns its tag.
func jobStatement(t *testing.T, c *pgx.Conn, sql string) string {
	t.Helper()
	tag, err := c.PgConn().Exec(context.Background(), sql).ReadAll()
	require.NoError(t, err, sql)
	require.Len(t, tag, 1)
	require.NoError(t, tag[0].Err, sql)
	return tag[0].CommandTag.String()
}

// jobProgress reads a job's progress from lattice.jobs.
func jobProgress(t *testing.T, c *pgx.Conn, id string) string {
	t.Helper()
	r := run(context.Background(), c, "SELECT progress FROM lattice.jobs WHERE id = '"+id+"'")
	require.NoError(t, r.err)
	require.Len(t, r.rows, 1)
	return rowText(r.rows[0])
}
