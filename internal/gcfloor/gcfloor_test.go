package gcfloor

import (
	"runtime"
	"runtime/metrics"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestPercent(t *testing.T) {
	require.Equal(t, 100, Percent(256<<20, 200<<20), "live above half the floor")
	require.Equal(t, 100, Percent(256<<20, 128<<20))
	require.Equal(t, 700, Percent(256<<20, 32<<20), "goal = 8 x 32 MB")
	require.Equal(t, 10_000, Percent(256<<20, 1<<10), "bounded")
	require.Equal(t, 100, Percent(0, 32<<20), "no floor")
	require.Equal(t, 100, Percent(256<<20, 0))
}

func gogc() uint64 {
	s := []metrics.Sample{{Name: "/gc/gogc:percent"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

// TestTuner runs collections with a small live heap: GOGC rises so the
// goal reaches the floor; with more live than half the floor it is 100
// again; Stop leaves it at 100.
func TestTuner(t *testing.T) {
	tu := Start(256 << 20)
	defer tu.Stop()
	waitGOGC := func(ok func(uint64) bool) uint64 {
		t.Helper()
		deadline := time.Now().Add(5 * time.Second)
		for {
			runtime.GC()
			if v := gogc(); ok(v) || time.Now().After(deadline) {
				return v
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	v := waitGOGC(func(v uint64) bool { return v > 100 })
	require.Greater(t, v, uint64(100), "a test binary's live heap is far below 128 MB")

	held := make([][]byte, 0, 160)
	for range 160 {
		held = append(held, make([]byte, 1<<20)) // 160 MB live: above half the floor
	}
	v = waitGOGC(func(v uint64) bool { return v == 100 })
	require.Equal(t, uint64(100), v)
	runtime.KeepAlive(held)
	held = nil

	tu.Stop()
	runtime.GC()
	runtime.GC()
	require.Equal(t, uint64(100), gogc(), "Stop puts GOGC back")
}
