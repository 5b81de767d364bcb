package exec

import (
	"context"
	"errors"
	"math/rand/v2"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/stretchr/testify/require"

	"github.com/lattice-olap/lattice/types"
)

// TestShared reads one input through several taps consumed side by side:
// each sees every row in order, a tap closed part way does not hold up the
// others, and an input's error reaches every open tap.
func TestShared(t *testing.T) {
	cols := []Column{{"k", types.Int4}, {"s", types.Text}, {"f", types.Float8}}
	r := rand.New(rand.NewPCG(11, 12))
	recs := randomBatches(t, r, cols, 20000)
	defer releaseBatches(recs)
	want := drain(t, &batchesOp{cols: cols, recs: retained(recs)})
	before := runtime.NumGoroutine()

	t.Run("every tap sees every row", func(t *testing.T) {
		src := &batchesOp{cols: cols, recs: retained(recs)}
		s := NewShared(context.Background(), src, 3)
		got := consumeTaps(s, 3, -1)
		s.Close()
		for i, g := range got {
			require.NoError(t, g.err, "tap %d", i)
			require.Equal(t, want, g.rows, "tap %d", i)
		}
		require.Equal(t, 1, src.closed)
	})

	t.Run("a tap closed early", func(t *testing.T) {
		s := NewShared(context.Background(), &batchesOp{cols: cols, recs: retained(recs)}, 3)
		got := consumeTaps(s, 3, 1) // tap 1 stops after one batch
		s.Close()
		require.Equal(t, want, got[0].rows)
		require.Equal(t, want, got[2].rows)
		require.Less(t, len(got[1].rows), len(want))
	})

	t.Run("the input fails", func(t *testing.T) {
		boom := errors.New("boom")
		src := &failingOp{Operator: &batchesOp{cols: cols, recs: retained(recs)}, after: 2, err: boom}
		s := NewShared(context.Background(), src, 2)
		for _, g := range consumeTaps(s, 2, -1) {
			require.ErrorIs(t, g.err, boom)
		}
		s.Close()
	})

	t.Run("closed before any read", func(t *testing.T) {
		src := &batchesOp{cols: cols, recs: retained(recs)}
		s := NewShared(context.Background(), src, 2)
		s.Tap(0).Close()
		s.Close()
		require.Equal(t, 1, src.closed)
	})

	t.Run("closed while taps wait", func(t *testing.T) {
		s := NewShared(context.Background(), &batchesOp{cols: cols, recs: retained(recs)}, 2)
		rec, err := s.Tap(0).Next(context.Background()) // tap 1 never reads: the pump blocks on it
		require.NoError(t, err)
		require.NotNil(t, rec)
		s.Close()
		s.Tap(0).Close()
		s.Tap(1).Close()
	})

	// Not require.Eventually: it polls on a goroutine of its own.
	for deadline := time.Now().Add(5 * time.Second); runtime.NumGoroutine() > before && time.Now().Before(deadline); {
		time.Sleep(10 * time.Millisecond)
	}
	require.LessOrEqual(t, runtime.NumGoroutine(), before, "the pumps ended")
}

type tapResult struct {
	rows [][]string
	err  error
}

// consumeTaps reads n taps of s to the end on their own goroutines and
// closes them; tap stop (when not -1) is closed after its first batch.
func consumeTaps(s *Shared, n, stop int) []tapResult {
	out := make([]tapResult, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			tap := s.Tap(i)
			defer tap.Close()
			ctx := context.Background()
			for {
				rec, err := tap.Next(ctx)
				if err != nil || rec == nil {
					out[i].err = err
					return
				}
				out[i].rows = append(out[i].rows, batchText(tap.Columns(), rec)...)
				if i == stop {
					return
				}
			}
		})
	}
	wg.Wait()
	return out
}

// batchText formats rec's rows as drain does.
func batchText(cols []Column, rec arrow.RecordBatch) [][]string {
	var out [][]string
	for r := range int(rec.NumRows()) {
		row := make([]string, len(cols))
		for c := range cols {
			v := Value(rec.Column(c), r, cols[c].Type)
			row[c] = "NULL"
			if v != nil {
				row[c], _ = types.FormatText(cols[c].Type, v, &types.DefaultFormat)
			}
		}
		out = append(out, row)
	}
	return out
}

// failingOp returns err after its first after batches.
type failingOp struct {
	Operator
	after int
	err   error
}

func (o *failingOp) Next(ctx context.Context) (arrow.RecordBatch, error) {
	if o.after == 0 {
		return nil, o.err
	}
	o.after--
	return o.Operator.Next(ctx)
}
