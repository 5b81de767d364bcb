package cluster

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/lattice-olap/lattice/metastore"
)

// sim drives several Race cores against an in-memory lease table with the
// same semantics as metastore's AcquireLease/RenewLease/ReleaseLease, on a
// scripted clock: the database clock is sim.now, each node's monotonic clock
// is sim.now too (a paused node simply does not step).
type sim struct {
	t        *testing.T
	now      time.Duration
	projects []metastore.Project
	leases   map[string]metastore.Lease
	nodes    map[string]*simNode
	interval time.Duration
	timeout  time.Duration
}

type simNode struct {
	r       *Race
	owned   map[string]int64 // what the job engine was told: Adopt minus Drop
	events  []string
	down    bool // killed or paused: does not step
	dbBroke bool // cannot reach the metastore
}

func newSim(t *testing.T, race bool, nodes ...string) *sim {
	s := &sim{t: t, leases: map[string]metastore.Lease{}, nodes: map[string]*simNode{}, interval: time.Second, timeout: 3 * time.Second}
	for _, id := range nodes {
		s.nodes[id] = &simNode{r: NewRace(id, s.interval, s.timeout, race), owned: map[string]int64{}}
	}
	return s
}

func (s *sim) dbTime() time.Time { return time.Unix(1_700_000_000, 0).Add(s.now) }

func (s *sim) addProjects(names ...string) {
	for _, n := range names {
		s.projects = append(s.projects, metastore.Project{Name: n})
	}
}

func (s *sim) pin(project, node string) {
	for i := range s.projects {
		if s.projects[i].Name == project {
			s.projects[i].JobEngine = node
		}
	}
}

func (s *sim) live() []string {
	var out []string
	for id, n := range s.nodes {
		if !n.down {
			out = append(out, id)
		}
	}
	sort.Strings(out)
	return out
}

func (s *sim) acquire(project, owner string) metastore.Lease {
	l, ok := s.leases[project]
	if !ok {
		l = metastore.Lease{Project: project}
	}
	now := s.dbTime()
	if l.Owner == owner && !l.ExpiresAt.Before(now) {
		l.ExpiresAt = now.Add(s.timeout)
	} else if l.Owner == owner || l.ExpiresAt.Before(now) {
		l.Epoch++
		l.Owner = owner
		l.ExpiresAt = now.Add(s.timeout)
	}
	s.leases[project] = l
	return l
}

func (s *sim) renew(project, owner string, epoch int64) error {
	l := s.leases[project]
	if l.Owner != owner || l.Epoch != epoch || l.ExpiresAt.Before(s.dbTime()) {
		return fmt.Errorf("renew: %w", metastore.ErrLeaseLost)
	}
	l.ExpiresAt = s.dbTime().Add(s.timeout)
	s.leases[project] = l
	return nil
}

// fenced is metastore.Fenced's check: may owner commit at epoch now?
func (s *sim) fenced(project, owner string, epoch int64) error {
	l := s.leases[project]
	if l.Owner != owner || l.Epoch != epoch || !l.ExpiresAt.After(s.dbTime()) {
		return metastore.ErrLeaseLost
	}
	return nil
}

// step runs one heartbeat of node id.
func (s *sim) step(id string) {
	n := s.nodes[id]
	mono := s.now
	var acts []Action
	if n.dbBroke {
		acts = n.r.Expire(mono)
	} else {
		var leases []metastore.Lease
		for _, l := range s.leases {
			leases = append(leases, l)
		}
		acts = n.r.Step(View{Mono: mono, DBNow: s.dbTime(), Projects: s.projects, Leases: leases, Live: s.live()})
	}
	for len(acts) > 0 {
		a := acts[0]
		acts = acts[1:]
		switch a.Kind {
		case ActRenew:
			err := errors.New("metastore unreachable")
			if !n.dbBroke {
				err = s.renew(a.Project, id, a.Epoch)
			}
			acts = append(acts, n.r.Renewed(a.Project, a.Epoch, err, mono)...)
		case ActAcquire:
			acts = append(acts, n.r.Acquired(a.Project, s.acquire(a.Project, id), nil, mono)...)
		case ActRelease:
			if l := s.leases[a.Project]; l.Owner == id && l.Epoch == a.Epoch {
				l.ExpiresAt = time.Unix(0, 0)
				s.leases[a.Project] = l
			}
		case ActAdopt:
			n.owned[a.Project] = a.Epoch
			n.events = append(n.events, fmt.Sprintf("adopt %s@%d", a.Project, a.Epoch))
		case ActDrop:
			delete(n.owned, a.Project)
			n.events = append(n.events, "drop "+a.Project)
		}
	}
}

// run advances the clock by d in quarters of the interval, as the driver
// does: every live node (in id order) steps at each whole interval and, in
// between, wakes at its renewal deadline (NextDeadline) to expire.
func (s *sim) run(d time.Duration) {
	quantum := s.interval / 4
	for end := s.now + d; s.now < end; s.now += quantum {
		for _, id := range s.ids() {
			n := s.nodes[id]
			switch {
			case n.down:
			case s.now%s.interval == 0:
				s.step(id)
			default:
				if dl, ok := n.r.NextDeadline(); ok && dl <= s.now {
					for _, a := range n.r.Expire(s.now) {
						delete(n.owned, a.Project)
						n.events = append(n.events, "drop "+a.Project)
					}
				}
			}
		}
	}
}

func (s *sim) ids() []string {
	var ids []string
	for id := range s.nodes {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids
}

// holders renders who holds each project by the lease table, live leases only.
func (s *sim) holders() string {
	var out []string
	for _, p := range s.projects {
		l, ok := s.leases[p.Name]
		owner := "-"
		if ok && l.Owner != "" && !l.ExpiresAt.Before(s.dbTime()) {
			owner = fmt.Sprintf("%s@%d", l.Owner, l.Epoch)
		}
		out = append(out, p.Name+"="+owner)
	}
	return strings.Join(out, " ")
}

// checkExclusive asserts that no two nodes' engines own the same project
// and that every engine's ownership matches a live lease.
func (s *sim) checkExclusive() {
	s.t.Helper()
	seen := map[string]string{}
	for _, id := range s.ids() {
		n := s.nodes[id]
		if n.down {
			continue
		}
		for p, e := range n.owned {
			if other, ok := seen[p]; ok {
				s.t.Fatalf("at %v both %s and %s run project %s", s.now, other, id, p)
			}
			seen[p] = id
			if err := s.fenced(p, id, e); err != nil {
				s.t.Fatalf("at %v %s runs %s at epoch %d but cannot commit: %v (leases %s)", s.now, id, p, e, err, s.holders())
			}
		}
	}
}

func TestRaceAcquireAndRenew(t *testing.T) {
	s := newSim(t, true, "a")
	s.addProjects("p1", "p2")
	s.run(time.Second)
	if got, want := s.holders(), "p1=a@1 p2=a@1"; got != want {
		t.Fatalf("holders = %s, want %s", got, want)
	}
	s.run(20 * time.Second)
	// Renewals in time keep the epoch.
	if got, want := s.holders(), "p1=a@1 p2=a@1"; got != want {
		t.Fatalf("after renewals holders = %s, want %s", got, want)
	}
	if got, want := strings.Join(s.nodes["a"].events, ","), "adopt p1@1,adopt p2@1"; got != want {
		t.Fatalf("events = %s, want %s", got, want)
	}
	s.checkExclusive()
}

func TestRaceTakeoverAfterKill(t *testing.T) {
	s := newSim(t, true, "a", "b")
	s.addProjects("p1", "p2", "p3", "p4")
	s.run(5 * time.Second)
	s.checkExclusive()
	before := s.holders()
	if strings.Count(before, "a@") != 2 || strings.Count(before, "b@") != 2 {
		t.Fatalf("two nodes should spread four projects 2/2, got %s", before)
	}
	s.nodes["a"].down = true // SIGKILL: no more steps, no release
	killedAt := s.now
	for s.now < killedAt+s.timeout+2*s.interval {
		s.run(s.interval)
		s.checkExclusive()
	}
	after := s.holders()
	if strings.Contains(after, "a@") || strings.Count(after, "b@") != 4 {
		t.Fatalf("after a died within timeout+interval b should hold everything; before %s, after %s", before, after)
	}
	// Every project a held moved on with a new epoch.
	for _, p := range []string{"p1", "p2", "p3", "p4"} {
		if s.leases[p].Owner == "b" && strings.Contains(before, p+"=a@") && s.leases[p].Epoch < 2 {
			t.Errorf("%s taken over without a new epoch: %+v", p, s.leases[p])
		}
	}
}

func TestRaceSpreadOverThreeNodes(t *testing.T) {
	s := newSim(t, true, "a", "b", "c")
	s.addProjects("p1", "p2", "p3", "p4", "p5", "p6")
	// a starts alone and takes everything...
	s.nodes["b"].down, s.nodes["c"].down = true, true
	s.run(2 * time.Second)
	if got := strings.Count(s.holders(), "a@"); got != 6 {
		t.Fatalf("a alone should hold all 6, holds %d: %s", got, s.holders())
	}
	// ...then b and c join and a gives projects away one per timeout
	// until each holds its fair share.
	s.nodes["b"].down, s.nodes["c"].down = false, false
	for i := 0; i < 40; i++ {
		s.run(s.interval)
		s.checkExclusive()
	}
	h := s.holders()
	for _, id := range []string{"a", "b", "c"} {
		if got := strings.Count(h, id+"@"); got != 2 {
			t.Fatalf("node %s holds %d projects, want 2 each: %s", id, got, h)
		}
	}
}

func TestRaceSimultaneousStartSpreads(t *testing.T) {
	s := newSim(t, true, "a", "b")
	s.addProjects("p1", "p2", "p3", "p4", "p5")
	s.run(10 * time.Second)
	s.checkExclusive()
	h := s.holders()
	a, b := strings.Count(h, "a@"), strings.Count(h, "b@")
	if a+b != 5 || a < 2 || b < 2 {
		t.Fatalf("5 projects over 2 nodes should split 3/2, got a=%d b=%d: %s", a, b, h)
	}
}

func TestRacePausedNodeDropsAndCannotCommit(t *testing.T) {
	s := newSim(t, true, "a", "b")
	s.addProjects("p1")
	s.run(2 * time.Second)
	owner := s.leases["p1"].Owner
	other := map[string]string{"a": "b", "b": "a"}[owner]
	epoch := s.nodes[owner].owned["p1"]
	if epoch == 0 {
		t.Fatalf("owner %s's engine was not told to adopt p1: %v", owner, s.nodes[owner].events)
	}
	// SIGSTOP: the owner does not step while the other takes over.
	s.nodes[owner].down = true
	s.run(s.timeout + 2*s.interval)
	if l := s.leases["p1"]; l.Owner != other || l.Epoch <= epoch {
		t.Fatalf("p1 not taken over by %s with a new epoch: %+v", other, l)
	}
	// SIGCONT: before its first step the paused node's engine still thinks
	// it owns p1, but a fenced commit fails...
	if err := s.fenced("p1", owner, epoch); !errors.Is(err, metastore.ErrLeaseLost) {
		t.Fatalf("paused node could commit at epoch %d: %v", epoch, err)
	}
	// ...and its first step drops p1 by its own clock, before any renew.
	s.nodes[owner].down = false
	s.step(owner)
	if _, ok := s.nodes[owner].owned["p1"]; ok {
		t.Fatalf("resumed node still runs p1: %v", s.nodes[owner].events)
	}
	if _, ok := s.nodes[owner].r.Held("p1", s.now); ok {
		t.Fatal("resumed node's core still reports p1 held")
	}
	s.run(3 * time.Second)
	s.checkExclusive()
}

func TestRaceMetastoreOutageDropsBeforeExpiry(t *testing.T) {
	s := newSim(t, true, "a")
	s.addProjects("p1")
	s.run(2 * time.Second)
	s.nodes["a"].dbBroke = true
	lastRenew := s.now - s.interval
	var droppedAt time.Duration = -1
	for i := 0; i < 40 && droppedAt < 0; i++ {
		s.run(s.interval / 4)
		if _, ok := s.nodes["a"].owned["p1"]; !ok {
			droppedAt = s.now
		}
	}
	if droppedAt < 0 {
		t.Fatal("node kept p1 without renewing")
	}
	// It must give up before its lease can expire by the database clock.
	if droppedAt-lastRenew > s.timeout {
		t.Fatalf("dropped %v after the last renew, later than the %v timeout", droppedAt-lastRenew, s.timeout)
	}
}

func TestRaceDisabledOnlyPinned(t *testing.T) {
	s := newSim(t, false, "a", "b")
	s.addProjects("p1", "p2")
	s.run(3 * time.Second)
	if got, want := s.holders(), "p1=- p2=-"; got != want {
		t.Fatalf("without the race nobody takes unpinned projects: %s", got)
	}
	s.pin("p1", "b")
	s.run(2 * time.Second)
	if got, want := s.holders(), "p1=b@1 p2=-"; got != want {
		t.Fatalf("holders = %s, want %s", got, want)
	}
	// b dies: no takeover.
	s.nodes["b"].down = true
	s.run(10 * time.Second)
	if got, want := s.holders(), "p1=- p2=-"; got != want {
		t.Fatalf("holders = %s, want %s (no takeover with the race disabled)", got, want)
	}
	// Re-pinning to a: a takes it at once; b, back, drops it.
	s.nodes["b"].down = false
	s.pin("p1", "a")
	s.run(2 * time.Second)
	if got, want := s.holders(), "p1=a@2 p2=-"; got != want {
		t.Fatalf("holders = %s, want %s", got, want)
	}
	s.checkExclusive()
}

func TestRacePinMovesLease(t *testing.T) {
	s := newSim(t, false, "a", "b")
	s.addProjects("p1")
	s.pin("p1", "a")
	s.run(2 * time.Second)
	s.pin("p1", "b")
	s.run(2 * time.Second)
	if got, want := s.holders(), "p1=b@2"; got != want {
		t.Fatalf("holders = %s, want %s", got, want)
	}
	if got := strings.Join(s.nodes["a"].events, ","); got != "adopt p1@1,drop p1" {
		t.Fatalf("a's events = %s", got)
	}
	s.checkExclusive()
}

func TestRaceDropAllReleases(t *testing.T) {
	s := newSim(t, true, "a", "b")
	s.addProjects("p1", "p2")
	s.run(2 * time.Second)
	var acts []Action
	for _, id := range []string{"a"} {
		acts = s.nodes[id].r.DropAll()
	}
	released := 0
	for _, a := range acts {
		if a.Kind == ActRelease {
			released++
		}
	}
	if released != strings.Count(s.holders(), "a@") {
		t.Fatalf("DropAll released %d leases, a holds %s", released, s.holders())
	}
}
