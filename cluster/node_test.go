package cluster

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/lattice-olap/lattice/internal/testenv"
	"github.com/lattice-olap/lattice/metastore"
	"github.com/lattice-olap/lattice/pgerr"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// recorder is a JobEngine that records what it was told.
type recorder struct {
	mu     sync.Mutex
	events []string
	owned  map[string]int64
}

func (r *recorder) Adopt(project string, epoch int64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.owned == nil {
		r.owned = map[string]int64{}
	}
	r.owned[project] = epoch
	r.events = append(r.events, fmt.Sprintf("adopt %s@%d", project, epoch))
}

func (r *recorder) Drop(project string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	delete(r.owned, project)
	r.events = append(r.events, "drop "+project)
}

func (r *recorder) log() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return strings.Join(r.events, ",")
}

func openStore(t *testing.T, url string) *metastore.Store {
	t.Helper()
	s, err := metastore.Open(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if err := s.Bootstrap(context.Background(), "pw"); err != nil {
		t.Fatal(err)
	}
	return s
}

func newNode(t *testing.T, s *metastore.Store, id, mode, zk string) (*Node, *recorder) {
	t.Helper()
	n := New(Config{Store: s, Mode: mode, InstanceID: id, Host: "127.0.0.1", PGPort: 1, HTTPListen: "127.0.0.1:0",
		ZKConnect: zk, ZKBasePath: "/lattice-unit", LeaderRace: true, Interval: 200 * time.Millisecond, Timeout: 600 * time.Millisecond,
		MaxSkew: 5 * time.Second, Version: "test", Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	rec := &recorder{}
	n.SetJobEngine(rec)
	return n, rec
}

func TestStandaloneNodeHoldsEveryProjectAndReleasesOnStop(t *testing.T) {
	ctx := context.Background()
	s := openStore(t, testenv.SQLiteURL(t))
	n, rec := newNode(t, s, "a", "all", "")
	if err := n.Start(ctx); err != nil {
		t.Fatal(err)
	}
	// The first heartbeat runs in Start: the node serves at once.
	if e, ok := n.Local(ctx, metastore.DefaultProject); !ok || e != 1 {
		t.Fatalf("Local(lattice) = %d, %v; engine %s", e, ok, rec.log())
	}
	// A new project is taken on demand by Local, not at the next beat.
	if err := s.CreateProject(ctx, "p2"); err != nil {
		t.Fatal(err)
	}
	if _, ok := n.Local(ctx, "p2"); !ok {
		t.Fatalf("Local(p2) false; engine %s", rec.log())
	}
	if err := n.Stop(ctx); err != nil {
		t.Fatal(err)
	}
	if got := rec.log(); got != "adopt lattice@1,adopt p2@1,drop lattice,drop p2" {
		t.Fatalf("engine events = %s", got)
	}
	// Released: another node may take them at once.
	now, _ := s.Now(ctx)
	leases, err := s.Leases(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range leases {
		if !l.ExpiresAt.Before(now) {
			t.Fatalf("lease of %s not released: %+v", l.Project, l)
		}
	}
	if rows, _ := s.Nodes(ctx); len(rows) != 0 {
		t.Fatalf("node row left after Stop: %+v", rows)
	}
}

func TestQueryNodeNeverHoldsAndForwardNamesProject(t *testing.T) {
	ctx := context.Background()
	s := openStore(t, testenv.SQLiteURL(t))
	q, rec := newNode(t, s, "q", "query", "")
	if err := q.Start(ctx); err != nil {
		t.Fatal(err)
	}
	defer q.Stop(ctx)
	if _, ok := q.Local(ctx, metastore.DefaultProject); ok {
		t.Fatal("a query node holds a lease")
	}
	_, _, err := q.Forward(ctx, metastore.DefaultProject, "admin", "SELECT 1", nil)
	var pe *pgerr.Error
	if !errors.As(err, &pe) || pe.Code != pgerr.ObjectNotInPrerequisiteState || !strings.Contains(pe.Message, `"lattice"`) {
		t.Fatalf("Forward with no job engine: %v", err)
	}
	// Assigning a project to the query node is refused.
	err = q.AssignJobEngine(ctx, metastore.DefaultProject, "q")
	if !errors.As(err, &pe) || pe.Code != pgerr.ObjectNotInPrerequisiteState {
		t.Fatalf("assigning to a query node: %v", err)
	}
	if rec.log() != "" {
		t.Fatalf("query node's engine was called: %s", rec.log())
	}
}

func TestTwoNodesTakeOverAfterStop(t *testing.T) {
	ctx := context.Background()
	url := testenv.SQLiteURL(t)
	sa, sb := openStore(t, url), openStore(t, url)
	for _, p := range []string{"p1", "p2", "p3"} {
		if err := sa.CreateProject(ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	a, ra := newNode(t, sa, "a", "job", "")
	b, rb := newNode(t, sb, "b", "job", "")
	if err := a.Start(ctx); err != nil {
		t.Fatal(err)
	}
	if err := b.Start(ctx); err != nil {
		t.Fatal(err)
	}
	defer b.Stop(ctx)
	// Both run: the four projects spread 2/2 and no project runs twice.
	waitFor(t, func() string {
		ra.mu.Lock()
		na := len(ra.owned)
		ra.mu.Unlock()
		rb.mu.Lock()
		nb := len(rb.owned)
		rb.mu.Unlock()
		if na != 2 || nb != 2 {
			return fmt.Sprintf("a runs %d, b runs %d: a %s; b %s", na, nb, ra.log(), rb.log())
		}
		return ""
	})
	if err := a.Stop(ctx); err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() string {
		rb.mu.Lock()
		defer rb.mu.Unlock()
		var ps []string
		for p := range rb.owned {
			ps = append(ps, p)
		}
		sort.Strings(ps)
		if strings.Join(ps, ",") != "lattice,p1,p2,p3" {
			return fmt.Sprintf("b runs %v after a stopped", ps)
		}
		return ""
	})
}

func TestDiscoveryInProcess(t *testing.T) {
	zk := testenv.ZooKeeper(t)
	ctx := context.Background()
	url := testenv.SQLiteURL(t)
	a, _ := newNode(t, openStore(t, url), "a", "all", zk)
	b, _ := newNode(t, openStore(t, url), "b", "query", zk)
	if err := a.Start(ctx); err != nil {
		t.Fatal(err)
	}
	defer a.Stop(ctx)
	if err := b.Start(ctx); err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() string {
		m, ok := a.disc.view()
		if !ok || m["b"].Mode != "query" || m["a"].Mode != "all" || m["b"].HTTPPort != b.HTTPPort() {
			return fmt.Sprintf("a sees %v", m)
		}
		return ""
	})
	if err := b.Stop(ctx); err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() string {
		if m, _ := a.disc.view(); len(m) != 1 {
			return fmt.Sprintf("a still sees %v", m)
		}
		return ""
	})
}

func TestMeasureSkew(t *testing.T) {
	n := New(Config{InstanceID: "a", Interval: time.Second, Timeout: 3 * time.Second, MaxSkew: time.Second,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	sent := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	// The database read its clock mid-way through a 100 ms round trip,
	// and it is 2 s behind: the local clock is 2 s ahead.
	n.measureSkew(sent, sent.Add(100*time.Millisecond), sent.Add(50*time.Millisecond-2*time.Second))
	if got := n.ClockSkew(); got != 2*time.Second {
		t.Fatalf("skew = %v, want 2s", got)
	}
	n.measureSkew(sent, sent.Add(10*time.Millisecond), sent.Add(5*time.Millisecond+1500*time.Millisecond))
	if got := n.ClockSkew(); got != -1500*time.Millisecond {
		t.Fatalf("skew = %v, want -1.5s", got)
	}
}

// waitFor polls cond until it returns "" (the cluster converged) or fails
// after 20 s with its last complaint.
func waitFor(t *testing.T, cond func() string) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		msg := cond()
		if msg == "" {
			return
		}
		if time.Now().After(deadline) {
			t.Fatal(msg)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func TestRestartedNodeTakesItsProjectsWithNewEpoch(t *testing.T) {
	ctx := context.Background()
	s := openStore(t, testenv.SQLiteURL(t))
	// A previous process of node a held lattice at epoch 1 and was killed.
	if l, err := s.AcquireLease(ctx, metastore.DefaultProject, "a", time.Minute); err != nil || l.Epoch != 1 {
		t.Fatalf("AcquireLease: %+v %v", l, err)
	}
	n, rec := newNode(t, s, "a", "all", "")
	if err := n.Start(ctx); err != nil {
		t.Fatal(err)
	}
	defer n.Stop(ctx)
	if e, ok := n.Local(ctx, metastore.DefaultProject); !ok || e != 2 {
		t.Fatalf("Local = %d, %v, want epoch 2 (a takeover); engine %s", e, ok, rec.log())
	}
	// The dead process's epoch can commit nothing.
	err := s.Fenced(ctx, metastore.DefaultProject, "a", 1, func(*metastore.Tx) error { return nil })
	if !errors.Is(err, metastore.ErrLeaseLost) {
		t.Fatalf("fenced write at the old epoch: %v", err)
	}
}
