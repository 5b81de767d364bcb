package cluster

import (
	"context"
	"errors"
	"net"
	"net/url"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/lattice-olap/lattice/metastore"
	"github.com/lattice-olap/lattice/pgerr"
)

// forwarder keeps a few idle connections per (target, project, user): the
// project is the connection's database and the user rides in its startup
// packet, so a connection serves only that triple.
type forwarder struct {
	n *Node

	mu     sync.Mutex // guards idle, closed
	idle   map[poolKey][]*fwdConn
	closed bool
}

type poolKey struct{ addr, project, user string }

type fwdConn struct {
	pc *pgconn.PgConn
	// notice is where the holder's NOTICEs go while the connection runs a
	// forwarded statement.
	notice atomic.Pointer[func(*pgerr.Error)]
}

const maxIdlePerKey = 2

func newForwarder(n *Node) *forwarder {
	return &forwarder{n: n, idle: map[poolKey][]*fwdConn{}}
}

func (f *forwarder) get(ctx context.Context, k poolKey) (*fwdConn, error) {
	f.mu.Lock()
	if l := f.idle[k]; len(l) > 0 {
		c := l[len(l)-1]
		f.idle[k] = l[:len(l)-1]
		f.mu.Unlock()
		return c, nil
	}
	f.mu.Unlock()
	return f.dial(ctx, k)
}

func (f *forwarder) dial(ctx context.Context, k poolKey) (*fwdConn, error) {
	_, secret, err := f.n.cfg.Store.ClusterInfo(ctx)
	if err != nil {
		return nil, err
	}
	u := url.URL{Scheme: "postgres", User: url.UserPassword(metastore.InternalUser, secret), Host: k.addr,
		Path: "/" + k.project, RawQuery: "sslmode=disable&connect_timeout=5"}
	cfg, err := pgconn.ParseConfig(u.String())
	if err != nil {
		return nil, err
	}
	cfg.RuntimeParams = map[string]string{metastore.OnBehalfOfParam: k.user, "application_name": "lattice forward from " + f.n.cfg.InstanceID}
	c := &fwdConn{}
	cfg.OnNotice = func(_ *pgconn.PgConn, n *pgconn.Notice) {
		if fn := c.notice.Load(); fn != nil && *fn != nil {
			(*fn)(fromPg((*pgconn.PgError)(n)))
		}
	}
	pc, err := pgconn.ConnectConfig(ctx, cfg)
	if err != nil {
		return nil, err
	}
	c.pc = pc
	return c, nil
}

func (f *forwarder) put(k poolKey, c *fwdConn) {
	c.notice.Store(nil)
	f.mu.Lock()
	if !f.closed && len(f.idle[k]) < maxIdlePerKey && !c.pc.IsClosed() && c.pc.TxStatus() == 'I' {
		f.idle[k] = append(f.idle[k], c)
		c = nil
	}
	f.mu.Unlock()
	if c != nil {
		closeQuietly(c.pc)
	}
}

func (f *forwarder) close() {
	f.mu.Lock()
	f.closed = true
	idle := f.idle
	f.idle = map[poolKey][]*fwdConn{}
	f.mu.Unlock()
	for _, l := range idle {
		for _, c := range l {
			closeQuietly(c.pc)
		}
	}
}

func closeQuietly(pc *pgconn.PgConn) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	_ = pc.Close(ctx)
}

// fromPg turns the holder's error or notice into Lattice's, keeping what
// the client sees: SQLSTATE, message, detail, hint, position and context.
func fromPg(pe *pgconn.PgError) *pgerr.Error {
	e := &pgerr.Error{Code: pgerr.Code(pe.Code), Message: pe.Message, Detail: pe.Detail, Hint: pe.Hint,
		Position: pe.Position, Where: pe.Where}
	switch pe.Severity {
	case pgerr.SeverityNotice, pgerr.SeverityWarning, "INFO", "LOG", "DEBUG":
		e.Severity = pe.Severity
	}
	return e
}

// holder finds the live holder of project's lease and its PostgreSQL
// address, or fails with 55000 naming the project.
func (n *Node) holder(ctx context.Context, project string) (id, addr string, err error) {
	dbNow, err := n.cfg.Store.Now(ctx)
	if err != nil {
		return "", "", err
	}
	leases, err := n.cfg.Store.Leases(ctx)
	if err != nil {
		return "", "", err
	}
	for _, l := range leases {
		if l.Project == project && l.Owner != "" && !l.ExpiresAt.Before(dbNow) {
			id = l.Owner
		}
	}
	if id == "" {
		hint := "Start a node with lattice.server.mode=job or all."
		if !n.cfg.LeaderRace {
			hint = "Assign a live job node with ALTER PROJECT " + project + " SET JOB ENGINE 'instance-id' (lattice.server.leader-race.enabled is false)."
		}
		return "", "", pgerr.New(pgerr.ObjectNotInPrerequisiteState, "no live job engine for project %q", project).WithHint("%s", hint)
	}
	if id == n.cfg.InstanceID {
		return "", "", pgerr.New(pgerr.ObjectNotInPrerequisiteState, "this node is giving up project %q's job engine", project).
			WithHint("Retry the statement; another node takes the project over within lattice.server.leader-race.heart-beat-timeout.")
	}
	if n.disc != nil {
		if m, ok := n.disc.view(); ok {
			if mem, ok := m[id]; ok {
				return id, net.JoinHostPort(mem.Host, strconv.Itoa(mem.PGPort)), nil
			}
		}
	}
	rows, err := n.cfg.Store.Nodes(ctx)
	if err != nil {
		return "", "", err
	}
	for _, r := range rows {
		if r.ID == id {
			return id, net.JoinHostPort(r.Host, strconv.Itoa(r.PGPort)), nil
		}
	}
	return "", "", pgerr.New(pgerr.ObjectNotInPrerequisiteState, "the job engine %q of project %q is not registered", id, project).
		WithHint("Retry once the node is back, or wait lattice.server.leader-race.heart-beat-timeout for another node to take over.")
}

// Forward runs sql on the holder of project's lease as user and relays its
// reply (see planner.Cluster). It answers after this node's metadata cache
// has caught up with what the holder wrote.
func (n *Node) Forward(ctx context.Context, project, user, sql string, notice func(*pgerr.Error)) ([][]*string, string, error) {
	id, addr, err := n.holder(ctx, project)
	if err != nil {
		return nil, "", err
	}
	k := poolKey{addr: addr, project: project, user: user}
	var results []*pgconn.Result
	for attempt := 0; ; attempt++ {
		c, err := n.fwd.get(ctx, k)
		var pe *pgconn.PgError
		if errors.As(err, &pe) {
			return nil, "", fromPg(pe) // the holder refused the session (e.g. the user may not connect)
		}
		if err != nil {
			return nil, "", pgerr.Wrap(err, pgerr.ConnectionFailure, "cannot reach job engine %s of project %q", id, project).
				WithHint("Retry; if the node is gone, another takes the project over within lattice.server.leader-race.heart-beat-timeout.")
		}
		c.notice.Store(&notice)
		results, err = c.pc.Exec(ctx, sql).ReadAll()
		if err != nil && !errors.As(err, &pe) {
			closeQuietly(c.pc)
			// A pooled connection the holder closed fails before sending
			// anything: retry once on a fresh one.
			if attempt == 0 && pgconn.SafeToRetry(err) {
				continue
			}
			if ctx.Err() != nil {
				return nil, "", pgerr.Wrap(ctx.Err(), pgerr.QueryCanceled, "canceling statement forwarded to %s", id)
			}
			return nil, "", pgerr.Wrap(err, pgerr.ConnectionFailure, "job engine %s of project %q failed while running the statement", id, project).
				WithHint("Check SHOW JOBS: a job it started resumes on the node that takes the project over.")
		}
		n.fwd.put(k, c)
		if pe != nil {
			n.syncCache(ctx)
			return nil, "", fromPg(pe)
		}
		break
	}
	n.syncCache(ctx)
	var rows [][]*string
	tag := ""
	for _, r := range results {
		if r.Err != nil {
			var pe *pgconn.PgError
			if errors.As(r.Err, &pe) {
				return nil, "", fromPg(pe)
			}
			return nil, "", r.Err
		}
		rows = rows[:0]
		for _, row := range r.Rows {
			out := make([]*string, len(row))
			for i, v := range row {
				if v != nil {
					s := string(v)
					out[i] = &s
				}
			}
			rows = append(rows, out)
		}
		tag = r.CommandTag.String()
	}
	return rows, tag, nil
}

func (n *Node) syncCache(ctx context.Context) {
	if err := n.cfg.Store.SyncCache(ctx); err != nil {
		n.log.Warn("catching up with the metastore after a forwarded statement", "err", err)
	}
}
