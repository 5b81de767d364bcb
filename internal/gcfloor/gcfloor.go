// Package gcfloor keeps the Go collector's heap goal at or above a floor.
//
// With GOGC's default of 100 the collector runs whenever the heap has
// grown by as much as is live. A query node's live heap is small (tens of
// MB: Parquet footers, statistics, the metastore cache) while every query
// allocates its batches, hash tables and output afresh, so at that heap
// size it collects every few dozen queries, and each collection marks the
// whole live heap again: a fifth of the CPU of a cube query at SF 10. A
// floor of a few hundred MB makes that several times rarer. When the live
// heap is larger than half the floor (a cube build's hash tables and
// sorts), GOGC stays 100 and the floor changes nothing; the soft memory
// limit the node sets bounds the heap either way.
//
// After every collection (a finalizer re-armed each cycle, so no goroutine
// of its own) the tuner reads the live heap and sets GOGC so that the next
// goal is max(floor, 2 × live).
package gcfloor

import (
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"sync"
	"sync/atomic"
)

// Tuner adjusts GOGC after each collection until Stop.
type Tuner struct {
	floor   uint64
	stopped atomic.Bool
	mu      sync.Mutex // guards percent and SetGCPercent calls
	percent int
}

// sentinel is garbage whose finalizer runs once per collection.
type sentinel struct{ t *Tuner }

// Start begins keeping the heap goal at or above floor bytes.
func Start(floor int64) *Tuner {
	t := &Tuner{floor: uint64(floor), percent: 100}
	t.arm()
	return t
}

func (t *Tuner) arm() {
	runtime.SetFinalizer(&sentinel{t}, func(s *sentinel) {
		if s.t.stopped.Load() {
			return
		}
		s.t.tune()
		s.t.arm()
	})
}

// tune sets GOGC from the live heap the last collection left.
func (t *Tuner) tune() {
	sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(sample)
	pct := Percent(t.floor, sample[0].Value.Uint64())
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.stopped.Load() || pct == t.percent {
		return
	}
	t.percent = pct
	debug.SetGCPercent(pct)
}

// Percent is the GOGC that makes the goal after a collection leaving live
// bytes max(floor, 2 × live): at least 100, at most 10,000.
func Percent(floor, live uint64) int {
	if live == 0 || floor <= 2*live {
		return 100
	}
	return int(min(floor*100/live-100, 10_000))
}

// Stop ends the tuning and puts GOGC back to 100.
func (t *Tuner) Stop() {
	t.mu.Lock()
	defer t.mu.Unlock()
	if !t.stopped.Swap(true) {
		debug.SetGCPercent(100)
		t.percent = 100
	}
}
