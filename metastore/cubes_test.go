package metastore

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/lattice-olap/lattice/pgerr"
)

// TestCubesSegmentsJobs runs the cube, segment, job and history API on
// every backend: placeholders, clocks and the fenced commit of a build.
func TestCubesSegmentsJobs(t *testing.T) {
	forEachBackend(t, func(t *testing.T, backend, url string) {
		ctx := context.Background()
		s := open(t, url)
		require.NoError(t, s.CreateCube(ctx, Cube{Project: "p", Name: "c", Definition: `{"name":"c"}`}))
		err := s.CreateCube(ctx, Cube{Project: "p", Name: "c", Definition: `{}`})
		require.Equal(t, pgerr.DuplicateObject, pgerr.CodeOf(err))
		cubes, err := s.Cubes(ctx, "p")
		require.NoError(t, err)
		require.Len(t, cubes, 1)
		require.Equal(t, `{"name":"c"}`, cubes[0].Definition)

		l, err := s.AcquireLease(ctx, "p", "n1", time.Minute)
		require.NoError(t, err)
		seg := Segment{Project: "p", Cube: "c", ID: "s1", Start: "19920101", End: "19930101", Status: SegmentBuilding, Stats: "{}", Files: "{}"}
		job := Job{ID: "j1", Project: "p", Cube: "c", Type: "BUILD", Status: JobPending, Node: "n1", Epoch: l.Epoch, Params: "{}"}
		require.NoError(t, s.Fenced(ctx, "p", "n1", l.Epoch, func(tx *Tx) error {
			if err := tx.InsertSegment(seg); err != nil {
				return err
			}
			return tx.InsertJob(job, []JobStep{{Seq: 1, Name: "flat", Status: StepPending, Detail: "{}"}, {Seq: 2, Name: "commit", Status: StepPending, Detail: "{}"}})
		}))
		active, err := s.ActiveJobs(ctx, "p")
		require.NoError(t, err)
		require.Len(t, active, 1)
		got, steps, err := s.Job(ctx, "j1")
		require.NoError(t, err)
		require.Equal(t, JobPending, got.Status)
		require.Len(t, steps, 2)

		// Another epoch commits nothing.
		err = s.Fenced(ctx, "p", "n1", l.Epoch+1, func(tx *Tx) error { return tx.UpdateJob(got) })
		require.ErrorIs(t, err, ErrLeaseLost)

		// The commit: step, segment and job in one fenced transaction.
		require.NoError(t, s.Fenced(ctx, "p", "n1", l.Epoch, func(tx *Tx) error {
			steps[1].Status = StepFinished
			if err := tx.UpdateStep(steps[1]); err != nil {
				return err
			}
			seg.Status, seg.Stats = SegmentReady, `{"fact_rows":3}`
			if err := tx.UpdateSegment(seg); err != nil {
				return err
			}
			got.Status, got.Progress = JobFinished, 1
			return tx.UpdateJob(got)
		}))
		segs, err := s.Segments(ctx, "p", "c")
		require.NoError(t, err)
		require.Len(t, segs, 1)
		require.Equal(t, SegmentReady, segs[0].Status)
		state, err := s.CubeState(ctx, "p")
		require.NoError(t, err)
		require.Len(t, state.Segments, 1)
		jobs, err := s.Jobs(ctx, "p")
		require.NoError(t, err)
		require.Equal(t, JobFinished, jobs[0].Status)
		_, steps, err = s.Job(ctx, "j1")
		require.NoError(t, err)
		require.False(t, steps[1].FinishedAt.IsZero())
		active, err = s.ActiveJobs(ctx, "p")
		require.NoError(t, err)
		require.Empty(t, active)

		// Retired segments become collectable after their age.
		require.NoError(t, s.Fenced(ctx, "p", "n1", l.Epoch, func(tx *Tx) error {
			seg.Status = SegmentRetired
			return tx.UpdateSegment(seg)
		}))
		old, err := s.RetiredSegments(ctx, time.Hour)
		require.NoError(t, err)
		require.Empty(t, old)
		old, err = s.RetiredSegments(ctx, -time.Second)
		require.NoError(t, err)
		require.Len(t, old, 1)
		require.NoError(t, s.DeleteRetiredSegment(ctx, old[0]))

		dropped, err := s.DropCube(ctx, "p", "c")
		require.NoError(t, err)
		require.Empty(t, dropped)
		_, err = s.DropCube(ctx, "p", "c")
		require.ErrorIs(t, err, ErrNotFound)

		require.NoError(t, s.InsertHistory(ctx, []HistoryEntry{
			{Project: "p", User: "u", Query: "SELECT 1", Route: "raw", Duration: 3 * time.Millisecond, Rows: 1, StartedAt: time.Now()},
			{Project: "p", User: "u", Query: "SELECT 2", Route: "cube", Cube: "c", Cuboid: "a,b", Rows: 2, StartedAt: time.Now()},
		}))
		h, err := s.History(ctx, "p", 10)
		require.NoError(t, err)
		require.Len(t, h, 2)
		require.Equal(t, "cube", h[0].Route, "newest first")
		require.Equal(t, "a,b", h[0].Cuboid)
	})
}

// TestHistoryRetention checks that a batch of history entries lands whole
// and that a trim keeps only the newest entries, none older than the
// cutoff, on every backend.
func TestHistoryRetention(t *testing.T) {
	forEachBackend(t, func(t *testing.T, _, url string) {
		ctx := context.Background()
		s := open(t, url)
		n, err := s.TrimHistory(ctx, 10, time.Now().Add(-time.Hour))
		require.NoError(t, err)
		require.Zero(t, n, "an empty history trims nothing")

		old := time.Now().Add(-48 * time.Hour)
		var batch []HistoryEntry
		for i := range 300 {
			started := time.Now()
			if i < 5 {
				started = old // the first five are two days old
			}
			batch = append(batch, HistoryEntry{Project: "p", User: "u", Query: fmt.Sprintf("SELECT %d", i), Route: "raw", Rows: int64(i), StartedAt: started})
		}
		require.NoError(t, s.InsertHistory(ctx, batch))
		h, err := s.History(ctx, "p", 1000)
		require.NoError(t, err)
		require.Len(t, h, 300)
		require.Equal(t, "SELECT 299", h[0].Query)

		// Keep a day: the five old entries go.
		n, err = s.TrimHistory(ctx, 1000, time.Now().Add(-24*time.Hour))
		require.NoError(t, err)
		require.Equal(t, int64(5), n)
		// Keep the newest 100.
		n, err = s.TrimHistory(ctx, 100, time.Now().Add(-24*time.Hour))
		require.NoError(t, err)
		require.Equal(t, int64(195), n)
		h, err = s.History(ctx, "p", 1000)
		require.NoError(t, err)
		require.Len(t, h, 100)
		require.Equal(t, "SELECT 299", h[0].Query)
		require.Equal(t, "SELECT 200", h[99].Query)
	})
}
