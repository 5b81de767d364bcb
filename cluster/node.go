package cluster

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/lattice-olap/lattice/metastore"
	"github.com/lattice-olap/lattice/pgerr"
)

// JobEngine runs a project's jobs while this node holds its lease.
type JobEngine interface {
	// Adopt is called when this node gains project's lease at epoch: the engine resumes the project's RUNNING/PENDING jobs, fencing every write with epoch.
	Adopt(project string, epoch int64)
	// Drop is called when the lease is lost or released: the engine stops the project's jobs at once, without committing anything.
	Drop(project string)
}

// busyReporter is an optional capability of a JobEngine: whether a project
// has jobs running here. The spread gives away only idle projects.
type busyReporter interface {
	Busy(project string) bool
}

// Config configures a Node.
type Config struct {
	Store      *metastore.Store
	Mode       string // all, query or job
	InstanceID string
	Host       string // advertised host
	PGPort     int    // advertised PostgreSQL port
	HTTPListen string // empty: no HTTP API
	ZKConnect  string // empty: standalone, no discovery
	ZKBasePath string
	LeaderRace bool
	Interval   time.Duration
	Timeout    time.Duration
	MaxSkew    time.Duration
	Version    string
	Logger     *slog.Logger
}

// Node is this process's membership in the cluster. It implements
// planner.Cluster.
//
// Goroutines: Start launches the heartbeat loop, the discovery loop (with
// ZooKeeper) and the HTTP server; Stop ends all three and waits for them.
type Node struct {
	cfg   Config
	log   *slog.Logger
	start time.Time // monotonic origin of Race's clock

	engineMu sync.Mutex // guards engine
	engine   JobEngine

	// tickMu serializes heartbeats (the loop's and on-demand ones from
	// Local and AssignJobEngine); it is taken before mu.
	tickMu sync.Mutex
	mu     sync.Mutex // guards race, skew, lastErr
	race   *Race
	skew   time.Duration

	disc    *discovery // nil without ZooKeeper
	fwd     *forwarder
	httpSrv *http.Server
	httpLn  net.Listener

	stop chan struct{}
	wg   sync.WaitGroup
}

// New returns a node; call SetJobEngine (job and all modes) and Start.
func New(cfg Config) *Node {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Mode == "" {
		cfg.Mode = "all"
	}
	n := &Node{cfg: cfg, log: cfg.Logger.With("component", "cluster"), start: time.Now(),
		race: NewRace(cfg.InstanceID, cfg.Interval, cfg.Timeout, cfg.LeaderRace), stop: make(chan struct{})}
	n.fwd = newForwarder(n)
	return n
}

// SetJobEngine hands the node the engine that runs jobs; call it before
// Start. A node without one still takes leases (jobs are then not run).
func (n *Node) SetJobEngine(e JobEngine) {
	n.engineMu.Lock()
	n.engine = e
	n.engineMu.Unlock()
}

func (n *Node) jobEngine() JobEngine {
	n.engineMu.Lock()
	defer n.engineMu.Unlock()
	return n.engine
}

// runsJobs reports whether this node's mode races for leases.
func (n *Node) runsJobs() bool { return n.cfg.Mode != "query" }

// mono is the node's monotonic clock.
func (n *Node) mono() time.Duration { return time.Since(n.start) }

// Start opens the HTTP API, joins discovery, runs a first heartbeat (a
// standalone all node then holds every project's lease) and starts the
// loops. A failing first heartbeat is logged, not fatal: the loop retries.
func (n *Node) Start(ctx context.Context) error {
	if n.cfg.HTTPListen != "" {
		ln, err := net.Listen("tcp", n.cfg.HTTPListen)
		if err != nil {
			return fmt.Errorf("configuration key lattice.server.http-listen=%s: %w", n.cfg.HTTPListen, err)
		}
		n.httpLn = ln
		n.httpSrv = &http.Server{Handler: n.handler(), ReadHeaderTimeout: 10 * time.Second}
		n.wg.Add(1)
		go func() {
			defer n.wg.Done()
			if err := n.httpSrv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
				n.log.Error("HTTP API stopped", "err", err)
			}
		}()
	}
	if n.cfg.ZKConnect != "" {
		id, _, err := n.cfg.Store.ClusterInfo(ctx)
		if err != nil {
			n.closeHTTP(ctx)
			return fmt.Errorf("cluster id: %w", err)
		}
		n.disc = newDiscovery(n, id)
		n.wg.Add(1)
		go func() { defer n.wg.Done(); n.disc.run(n.stop) }()
	}
	n.releaseStale(ctx)
	n.tick(ctx)
	n.wg.Add(1)
	go func() { defer n.wg.Done(); n.loop() }()
	return nil
}

// releaseStale gives up leases still recorded under this node's id from a
// previous process (one that was killed): this process takes them again
// with a new epoch, so the dead attempt's epoch fences nothing of the new
// one and the job engine sees a takeover.
func (n *Node) releaseStale(ctx context.Context) {
	leases, err := n.cfg.Store.Leases(ctx)
	if err != nil {
		n.log.Warn("reading leases at startup", "err", err)
		return
	}
	for _, l := range leases {
		if l.Owner == n.cfg.InstanceID {
			if err := n.cfg.Store.ReleaseLease(ctx, l.Project, l.Owner, l.Epoch); err != nil {
				n.log.Warn("releasing a lease of this node's previous process", "project", l.Project, "err", err)
			}
		}
	}
}

// HTTPAddr is the bound address of the HTTP API (nil without one).
func (n *Node) HTTPAddr() net.Addr {
	if n.httpLn == nil {
		return nil
	}
	return n.httpLn.Addr()
}

// HTTPPort is the bound HTTP port, 0 without one.
func (n *Node) HTTPPort() int {
	if a, ok := n.HTTPAddr().(*net.TCPAddr); ok {
		return a.Port
	}
	return 0
}

func (n *Node) closeHTTP(ctx context.Context) error {
	if n.httpSrv == nil {
		return nil
	}
	return n.httpSrv.Shutdown(ctx)
}

// Stop leaves the cluster: the job engine drops every project, the leases
// are released (so another node takes over at once), the node's row and
// znode are removed, and the HTTP API drains within ctx.
func (n *Node) Stop(ctx context.Context) error {
	select {
	case <-n.stop:
		return nil
	default:
	}
	close(n.stop)
	n.tickMu.Lock()
	n.mu.Lock()
	acts := n.race.DropAll()
	n.mu.Unlock()
	n.do(ctx, acts)
	n.tickMu.Unlock()
	err := n.closeHTTP(ctx)
	if n.disc != nil {
		n.disc.close()
	}
	if rerr := n.cfg.Store.RemoveNode(ctx, n.cfg.InstanceID); rerr != nil {
		n.log.Warn("removing this node's row", "err", rerr)
	}
	n.wg.Wait()
	n.fwd.close()
	return err
}

// loop runs a heartbeat every interval and, in between, wakes at the
// renewal deadline of the earliest held lease, so that a node that could
// not renew drops the project before its lease can expire.
func (n *Node) loop() {
	next := n.mono() + n.cfg.Interval
	for {
		wait := next - n.mono()
		n.mu.Lock()
		dl, ok := n.race.NextDeadline()
		n.mu.Unlock()
		if ok && dl-n.mono() < wait {
			wait = max(dl-n.mono(), 0)
		}
		timer := time.NewTimer(wait)
		select {
		case <-n.stop:
			timer.Stop()
			return
		case <-timer.C:
		}
		if n.mono() < next {
			n.mu.Lock()
			acts := n.race.Expire(n.mono())
			n.mu.Unlock()
			n.do(context.Background(), acts) // only drops: no I/O
			continue
		}
		next = n.mono() + n.cfg.Interval
		// A slow metastore may take longer than an interval: a renewal
		// that succeeds before the drop deadline still counts.
		ctx, cancel := context.WithTimeout(context.Background(), max(n.cfg.Interval, n.cfg.Timeout-n.cfg.Interval/2))
		n.tick(ctx)
		cancel()
	}
}

// tick is one heartbeat: measure the clock skew, write this node's row,
// and (job and all nodes) step the lease race and carry out its actions.
func (n *Node) tick(ctx context.Context) {
	n.tickMu.Lock()
	defer n.tickMu.Unlock()
	select {
	case <-n.stop:
		return
	default:
	}
	mono := n.mono()
	sent := time.Now()
	dbNow, err := n.cfg.Store.Now(ctx)
	if err != nil {
		n.log.Warn("heartbeat: metastore unreachable", "err", err)
		n.mu.Lock()
		acts := n.race.Expire(n.mono())
		n.mu.Unlock()
		n.do(ctx, acts)
		return
	}
	n.measureSkew(sent, time.Now(), dbNow)
	if err := n.cfg.Store.Heartbeat(ctx, n.self()); err != nil {
		n.log.Warn("heartbeat: writing this node's row", "err", err)
	}
	if !n.runsJobs() {
		return
	}
	v, err := n.view(ctx, mono, dbNow)
	if err != nil {
		n.log.Warn("heartbeat: reading leases", "err", err)
		n.mu.Lock()
		acts := n.race.Expire(n.mono())
		n.mu.Unlock()
		n.do(ctx, acts)
		return
	}
	n.mu.Lock()
	acts := n.race.Step(v)
	n.mu.Unlock()
	n.do(ctx, acts)
}

// view reads what the race needs.
func (n *Node) view(ctx context.Context, mono time.Duration, dbNow time.Time) (View, error) {
	projects, err := n.cfg.Store.Projects(ctx)
	if err != nil {
		return View{}, err
	}
	leases, err := n.cfg.Store.Leases(ctx)
	if err != nil {
		return View{}, err
	}
	live, err := n.liveJobNodes(ctx, dbNow)
	if err != nil {
		return View{}, err
	}
	v := View{Mono: mono, DBNow: dbNow, Projects: projects, Leases: leases, Live: live, Busy: map[string]bool{}}
	if b, ok := n.jobEngine().(busyReporter); ok {
		for _, p := range projects {
			v.Busy[p.Name] = b.Busy(p.Name)
		}
	}
	return v, nil
}

// liveJobNodes lists the job and all nodes whose heartbeat is fresh by the
// database clock and, with discovery, that are registered in ZooKeeper.
func (n *Node) liveJobNodes(ctx context.Context, dbNow time.Time) ([]string, error) {
	rows, err := n.cfg.Store.Nodes(ctx)
	if err != nil {
		return nil, err
	}
	var members map[string]Member
	if n.disc != nil {
		members, _ = n.disc.view()
	}
	var out []string
	for _, r := range rows {
		if r.Mode == "query" || r.LastHeartbeat.Before(dbNow.Add(-n.cfg.Timeout)) {
			continue
		}
		if members != nil {
			if _, ok := members[r.ID]; !ok && r.ID != n.cfg.InstanceID {
				continue
			}
		}
		out = append(out, r.ID)
	}
	return out, nil
}

// do carries out the race's actions, feeding the results back.
func (n *Node) do(ctx context.Context, acts []Action) {
	for len(acts) > 0 {
		a := acts[0]
		acts = acts[1:]
		switch a.Kind {
		case ActRenew:
			sent := n.mono()
			_, err := n.cfg.Store.RenewLease(ctx, a.Project, n.cfg.InstanceID, a.Epoch, n.cfg.Timeout)
			if err != nil {
				n.log.Warn("renewing lease", "project", a.Project, "epoch", a.Epoch, "err", err)
			}
			n.mu.Lock()
			acts = append(acts, n.race.Renewed(a.Project, a.Epoch, err, sent)...)
			n.mu.Unlock()
		case ActAcquire:
			sent := n.mono()
			l, err := n.cfg.Store.AcquireLease(ctx, a.Project, n.cfg.InstanceID, n.cfg.Timeout)
			if err != nil {
				n.log.Warn("acquiring lease", "project", a.Project, "err", err)
			}
			n.mu.Lock()
			acts = append(acts, n.race.Acquired(a.Project, l, err, sent)...)
			n.mu.Unlock()
		case ActRelease:
			if err := n.cfg.Store.ReleaseLease(ctx, a.Project, n.cfg.InstanceID, a.Epoch); err != nil {
				n.log.Warn("releasing lease", "project", a.Project, "err", err)
			}
		case ActAdopt:
			n.log.Info("job engine for project", "project", a.Project, "epoch", a.Epoch)
			if e := n.jobEngine(); e != nil {
				e.Adopt(a.Project, a.Epoch)
			}
		case ActDrop:
			n.log.Info("no longer job engine for project", "project", a.Project)
			if e := n.jobEngine(); e != nil {
				e.Drop(a.Project)
			}
		}
	}
}

// measureSkew compares the local clock with the database's: the database
// read its clock somewhere between sent and received, best estimated at the
// midpoint.
func (n *Node) measureSkew(sent, received, dbNow time.Time) {
	mid := sent.Add(received.Sub(sent) / 2)
	skew := mid.Sub(dbNow).Round(time.Millisecond)
	n.mu.Lock()
	n.skew = skew
	n.mu.Unlock()
	if abs(skew) > n.cfg.MaxSkew {
		n.log.Warn("clock skew against the metastore database exceeds lattice.server.max-clock-skew",
			"skew", skew, "max", n.cfg.MaxSkew, "round_trip", received.Sub(sent))
	}
}

func abs(d time.Duration) time.Duration {
	if d < 0 {
		return -d
	}
	return d
}

// ClockSkew is the last measured skew of the local clock against the
// database's (positive: the local clock is ahead).
func (n *Node) ClockSkew() time.Duration {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.skew
}

func (n *Node) self() metastore.NodeInfo {
	return metastore.NodeInfo{ID: n.cfg.InstanceID, Host: n.cfg.Host, PGPort: n.cfg.PGPort, HTTPPort: n.HTTPPort(),
		Mode: n.cfg.Mode, Version: n.cfg.Version, StartedAt: n.start, ClockSkew: n.ClockSkew()}
}

// Local reports whether this node holds project's lease. When it does not
// but could (a new project, an expired lease), it runs a heartbeat first so
// that a job statement need not wait for the next one.
func (n *Node) Local(ctx context.Context, project string) (int64, bool) {
	if !n.runsJobs() {
		return 0, false
	}
	n.mu.Lock()
	e, ok := n.race.Held(project, n.mono())
	n.mu.Unlock()
	if ok {
		return e, true
	}
	n.tick(ctx)
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.race.Held(project, n.mono())
}

// AssignJobEngine pins project to the job node instanceID (empty clears
// the pin). The node must be a live job or all node.
func (n *Node) AssignJobEngine(ctx context.Context, project, instanceID string) error {
	if _, err := n.cfg.Store.Project(ctx, project); err != nil {
		if errors.Is(err, metastore.ErrNotFound) {
			return pgerr.New(pgerr.InvalidCatalogName, "project %q does not exist", project)
		}
		return err
	}
	if instanceID != "" {
		dbNow, err := n.cfg.Store.Now(ctx)
		if err != nil {
			return err
		}
		live, err := n.liveJobNodes(ctx, dbNow)
		if err != nil {
			return err
		}
		found := false
		for _, id := range live {
			found = found || id == instanceID
		}
		if !found {
			return pgerr.New(pgerr.ObjectNotInPrerequisiteState, "node %q is not a live job node", instanceID).
				WithDetail("Only a running node with lattice.server.mode=job or all can be a project's job engine.").
				WithHint("SELECT id, mode, alive FROM lattice.nodes lists the nodes; start a job node or pick one of them.")
		}
	}
	if err := n.cfg.Store.SetJobEngine(ctx, project, instanceID); err != nil {
		return err
	}
	n.log.Info("project pinned to job engine", "project", project, "instance", instanceID)
	if n.runsJobs() {
		n.tick(ctx)
	}
	return nil
}
