package cluster

import (
	"errors"
	"sort"
	"time"

	"github.com/lattice-olap/lattice/metastore"
)

// Race is the deterministic core of the lease race (STYLE.md habit 5): it
// holds which project leases this node believes it owns and decides, from a
// View of the metastore and the local monotonic clock, what the driver must
// do. It performs no I/O and reads no clock; the driver (node.go) feeds it.
//
// Two clocks are involved and never mixed. Lease expiry is judged by the
// database clock (View.DBNow, Lease.ExpiresAt). How long this node has gone
// without a successful renewal is judged by its own monotonic clock (Mono),
// counted from the moment the last successful renewal was sent: after
// Timeout - Interval/2 without one, the node drops the project by itself,
// before any other node can take the lease over (fencing in the metastore
// makes writes safe even when that is late).
type Race struct {
	Self       string
	Interval   time.Duration
	Timeout    time.Duration
	LeaderRace bool // false: only projects pinned to Self are taken

	held map[string]holding
	// freeSince records when (Mono) a project's lease was first seen free
	// or expired, for the spread delay.
	freeSince map[string]time.Duration
	// lastRelease is when (Mono) this node last gave up a lease to spread
	// load; it gives up at most one per Timeout.
	lastRelease time.Duration
	released    bool
}

type holding struct {
	epoch     int64
	renewedAt time.Duration // Mono when the last successful renew was sent
}

// ActionKind says what an Action asks the driver to do.
type ActionKind int

// The actions of the race.
const (
	ActRenew   ActionKind = iota // renew Project's lease at Epoch, then report with Renewed
	ActAcquire                   // try to take Project's lease, then report with Acquired
	ActRelease                   // release Project's lease at Epoch (after ActDrop)
	ActAdopt                     // tell the job engine it owns Project at Epoch
	ActDrop                      // tell the job engine to stop Project's jobs now
)

func (k ActionKind) String() string {
	return [...]string{"renew", "acquire", "release", "adopt", "drop"}[k]
}

// Action is one thing for the driver to do.
type Action struct {
	Kind    ActionKind
	Project string
	Epoch   int64
}

// View is what the driver read from the metastore for one heartbeat.
type View struct {
	Mono     time.Duration // local monotonic clock when the reads started
	DBNow    time.Time     // the database clock
	Projects []metastore.Project
	Leases   []metastore.Lease
	Live     []string        // ids of live job/all nodes, Self included
	Busy     map[string]bool // projects with running jobs here (not given away to spread)
}

// NewRace returns the core for node self.
func NewRace(self string, interval, timeout time.Duration, leaderRace bool) *Race {
	return &Race{Self: self, Interval: interval, Timeout: timeout, LeaderRace: leaderRace,
		held: map[string]holding{}, freeSince: map[string]time.Duration{}}
}

// Held returns the epoch at which this node holds project, if it does.
func (r *Race) Held(project string, mono time.Duration) (int64, bool) {
	h, ok := r.held[project]
	if !ok || mono-h.renewedAt >= r.deadline() {
		return 0, false
	}
	return h.epoch, true
}

// HeldProjects lists the projects held, sorted.
func (r *Race) HeldProjects() []string {
	out := make([]string, 0, len(r.held))
	for p := range r.held {
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}

// deadline is how long after the last successful renewal the node gives a
// project up by itself.
func (r *Race) deadline() time.Duration { return r.Timeout - r.Interval/2 }

// NextDeadline is the Mono at which the earliest held project must be
// dropped unless renewed; the driver wakes then.
func (r *Race) NextDeadline() (time.Duration, bool) {
	var next time.Duration
	found := false
	for _, h := range r.held {
		if d := h.renewedAt + r.deadline(); !found || d < next {
			next, found = d, true
		}
	}
	return next, found
}

// Expire drops every project whose renewal is overdue at mono. The driver
// calls it on every tick, also when the metastore cannot be read.
func (r *Race) Expire(mono time.Duration) []Action {
	var out []Action
	for _, p := range r.HeldProjects() {
		if mono-r.held[p].renewedAt >= r.deadline() {
			delete(r.held, p)
			out = append(out, Action{Kind: ActDrop, Project: p})
		}
	}
	return out
}

// DropAll gives up every lease (graceful shutdown): the job engine stops,
// then the leases are released so another node takes over at once.
func (r *Race) DropAll() []Action {
	var out []Action
	for _, p := range r.HeldProjects() {
		e := r.held[p].epoch
		delete(r.held, p)
		out = append(out, Action{Kind: ActDrop, Project: p}, Action{Kind: ActRelease, Project: p, Epoch: e})
	}
	return out
}

// Step decides one heartbeat: drops, renewals, releases and acquisitions.
func (r *Race) Step(v View) []Action {
	out := r.Expire(v.Mono)
	leases := map[string]metastore.Lease{}
	for _, l := range v.Leases {
		leases[l.Project] = l
	}
	live := map[string]bool{}
	for _, id := range v.Live {
		live[id] = true
	}
	live[r.Self] = true
	projects := map[string]metastore.Project{}
	for _, p := range v.Projects {
		projects[p.Name] = p
	}

	// Held projects: drop the ones that moved on, are gone or were pinned
	// elsewhere; renew the rest.
	for _, name := range r.HeldProjects() {
		h := r.held[name]
		p, exists := projects[name]
		l, hasLease := leases[name]
		switch {
		case !exists:
			delete(r.held, name)
			out = append(out, Action{Kind: ActDrop, Project: name})
		case hasLease && (l.Owner != r.Self || l.Epoch != h.epoch):
			delete(r.held, name)
			out = append(out, Action{Kind: ActDrop, Project: name})
		case p.JobEngine != "" && p.JobEngine != r.Self && (!r.LeaderRace || live[p.JobEngine]):
			delete(r.held, name)
			out = append(out, Action{Kind: ActDrop, Project: name}, Action{Kind: ActRelease, Project: name, Epoch: h.epoch})
		default:
			out = append(out, Action{Kind: ActRenew, Project: name, Epoch: h.epoch})
		}
	}

	fair := (len(v.Projects) + len(live) - 1) / len(live)
	// counts is how many live leases each node holds; least is the
	// smallest count among the live job nodes.
	counts := map[string]int{}
	for _, l := range v.Leases {
		if l.Owner != "" && !l.ExpiresAt.Before(v.DBNow) {
			counts[l.Owner]++
		}
	}
	counts[r.Self] = len(r.held)
	least := len(r.held)
	for id := range live {
		least = min(least, counts[id])
	}
	names := make([]string, 0, len(projects))
	for n := range projects {
		names = append(names, n)
	}
	sort.Strings(names)
	planned := 0
	for _, name := range names {
		if _, ok := r.held[name]; ok {
			delete(r.freeSince, name)
			continue
		}
		l, hasLease := leases[name]
		free := !hasLease || l.Owner == "" || l.ExpiresAt.Before(v.DBNow)
		if !free {
			delete(r.freeSince, name)
			continue
		}
		since, seen := r.freeSince[name]
		if !seen {
			since = v.Mono
			r.freeSince[name] = since
		}
		p := projects[name]
		switch {
		case p.JobEngine == r.Self:
			out = append(out, Action{Kind: ActAcquire, Project: name})
		case !r.LeaderRace:
		case p.JobEngine != "" && live[p.JobEngine]:
		case len(r.held)+planned >= fair:
		default:
			// The more a node holds beyond the least loaded node, the
			// longer it waits, so the least loaded takes a free lease first.
			wait := time.Duration(len(r.held)-least) * r.Interval / 2
			if wait > r.Timeout {
				wait = r.Timeout
			}
			if v.Mono-since >= wait {
				planned++
				out = append(out, Action{Kind: ActAcquire, Project: name})
			}
		}
	}

	// Spread: a node over its fair share while another live node has less
	// than its share gives up one idle, unpinned lease per Timeout.
	if r.LeaderRace && len(r.held) > fair && (!r.released || v.Mono-r.lastRelease >= r.Timeout) {
		underloaded := false
		for id := range live {
			if id != r.Self && counts[id] < fair {
				underloaded = true
			}
		}
		if underloaded {
			for _, name := range r.HeldProjects() {
				if v.Busy[name] || projects[name].JobEngine == r.Self {
					continue
				}
				h := r.held[name]
				delete(r.held, name)
				// Drop the renewal planned above for it.
				for i := range out {
					if out[i].Kind == ActRenew && out[i].Project == name {
						out = append(out[:i], out[i+1:]...)
						break
					}
				}
				out = append(out, Action{Kind: ActDrop, Project: name}, Action{Kind: ActRelease, Project: name, Epoch: h.epoch})
				r.released, r.lastRelease = true, v.Mono
				break
			}
		}
	}
	return out
}

// Acquired reports the result of an ActAcquire sent at mono: l is the lease
// as it stands afterwards. It returns ActAdopt when this node now holds it.
func (r *Race) Acquired(project string, l metastore.Lease, err error, mono time.Duration) []Action {
	if err != nil || l.Owner != r.Self {
		return nil
	}
	if h, ok := r.held[project]; ok && h.epoch == l.Epoch {
		r.held[project] = holding{epoch: l.Epoch, renewedAt: mono}
		return nil
	}
	r.held[project] = holding{epoch: l.Epoch, renewedAt: mono}
	delete(r.freeSince, project)
	return []Action{{Kind: ActAdopt, Project: project, Epoch: l.Epoch}}
}

// Renewed reports the result of an ActRenew sent at mono. A lost lease
// drops the project; any other failure (the metastore unreachable) keeps it
// until Expire's deadline.
func (r *Race) Renewed(project string, epoch int64, err error, mono time.Duration) []Action {
	h, ok := r.held[project]
	if !ok || h.epoch != epoch {
		return nil
	}
	switch {
	case err == nil:
		if mono > h.renewedAt {
			h.renewedAt = mono
		}
		r.held[project] = h
	case errors.Is(err, metastore.ErrLeaseLost):
		delete(r.held, project)
		return []Action{{Kind: ActDrop, Project: project}}
	}
	return nil
}
