package planner

import (
	"context"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/lattice-olap/lattice/metastore"
	"github.com/lattice-olap/lattice/types"
)

// historyWriter batches lattice.query_history entries so that recording a
// query costs no metastore round trip on its path. A flush runs in a
// goroutine of its own that ends when the batch is written; at most one
// runs at a time. Reading the view, and Close, flush what is pending.
// Every trimEvery, a flush also trims the table to its retention (keep
// entries, none older than maxAge), so it does not grow without bound.
type historyWriter struct {
	store  *metastore.Store
	keep   int64
	maxAge time.Duration

	mu      sync.Mutex // guards the fields below
	pending []metastore.HistoryEntry
	last    time.Time // when the last flush started
	running bool
	idle    *sync.Cond // signalled when a flush ends
	trimmed time.Time  // when the last trim ran; guarded by running
}

// trimEvery is how often the history is trimmed to its retention.
const trimEvery = 10 * time.Minute

// maxPendingHistory bounds the entries held while the metastore is slow or
// away; past it new entries are dropped (and counted in the log).
const maxPendingHistory = 10000

func newHistoryWriter(store *metastore.Store, keep int64, maxAge time.Duration) *historyWriter {
	h := &historyWriter{store: store, keep: keep, maxAge: maxAge}
	h.idle = sync.NewCond(&h.mu)
	return h
}

func (h *historyWriter) record(e metastore.HistoryEntry) {
	if h.store == nil {
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if len(h.pending) >= maxPendingHistory {
		return
	}
	h.pending = append(h.pending, e)
	if !h.running && (len(h.pending) >= 256 || time.Since(h.last) >= time.Second) {
		h.startLocked()
	}
}

func (h *historyWriter) startLocked() {
	batch := h.pending
	h.pending = nil
	h.running = true
	h.last = time.Now()
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		err := h.store.InsertHistory(ctx, batch)
		cancel()
		if err != nil {
			slog.Warn("query history entries were not recorded", "entries", len(batch), "err", err)
		}
		h.trim()
		h.mu.Lock()
		h.running = false
		h.idle.Broadcast()
		h.mu.Unlock()
	}()
}

// trim applies the retention if trimEvery has passed; it runs in the
// flush goroutine, so never twice at once.
func (h *historyWriter) trim() {
	if time.Since(h.trimmed) < trimEvery {
		return
	}
	h.trimmed = time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	n, err := h.store.TrimHistory(ctx, h.keep, time.Now().Add(-h.maxAge))
	switch {
	case err != nil:
		slog.Warn("query history was not trimmed", "err", err)
	case n > 0:
		slog.Info("trimmed query history", "entries", n)
	}
}

// flush writes everything pending and waits for it.
func (h *historyWriter) flush() {
	if h.store == nil {
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	for h.running {
		h.idle.Wait()
	}
	if len(h.pending) > 0 {
		h.startLocked()
		for h.running {
			h.idle.Wait()
		}
	}
}

// Close writes the pending query history; the planner stays usable.
func (p *Planner) Close() { p.history.flush() }

// historyResult records a statement's route, duration and rows when its
// result ends.
type historyResult struct {
	Result
	s     *Session
	stmt  *Statement
	start time.Time
	rows  int64
	done  bool
}

func (r *historyResult) Next(ctx context.Context) bool {
	if r.Result.Next(ctx) {
		r.rows++
		return true
	}
	r.finish()
	return false
}

func (r *historyResult) Close() {
	r.finish()
	r.Result.Close()
}

func (r *historyResult) finish() {
	if r.done {
		return
	}
	r.done = true
	e := metastore.HistoryEntry{Project: r.s.Project, User: r.s.User, Query: r.stmt.SQL, Route: "raw",
		Duration: time.Since(r.start), Rows: r.rows, StartedAt: r.start.UTC()}
	if len(r.stmt.routes) > 0 {
		var cubes, cuboids []string
		for _, rt := range r.stmt.routes {
			cubes = append(cubes, rt.cube)
			cuboids = append(cuboids, strings.Join(rt.cuboid, ","))
		}
		e.Route, e.Cube, e.Cuboid = "cube", strings.Join(cubes, ";"), strings.Join(cuboids, ";")
	}
	r.s.planner.history.record(e)
}

// historyRows are the rows of lattice.query_history.
func historyRows(ctx context.Context, s *Session) ([][]types.Datum, error) {
	s.planner.history.flush()
	project := s.Project
	if s.IsAdmin {
		project = ""
	}
	entries, err := s.planner.store.History(ctx, project, 10000)
	if err != nil {
		return nil, err
	}
	out := make([][]types.Datum, len(entries))
	for i, e := range entries {
		out[i] = []types.Datum{e.Project, e.User, e.Query, e.Route, nullIfEmpty(e.Cube), nullIfEmpty(e.Cuboid),
			e.Duration.Milliseconds(), e.Rows, e.StartedAt}
	}
	return out, nil
}

func nullIfEmpty(s string) types.Datum {
	if s == "" {
		return nil
	}
	return s
}
