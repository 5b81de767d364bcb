package cluster

import (
	"context"
	"sort"
	"time"

	"github.com/lattice-olap/lattice/planner"
	"github.com/lattice-olap/lattice/types"
)

// NodeStatus is one row of lattice.nodes and GET /api/nodes.
type NodeStatus struct {
	ID            string    `json:"id"`
	Host          string    `json:"host"`
	PGPort        int       `json:"pg_port"`
	HTTPPort      int       `json:"http_port"`
	Mode          string    `json:"mode"`
	Alive         bool      `json:"alive"`
	Leases        int       `json:"leases"`
	ClockSkewMs   int64     `json:"clock_skew_ms"`
	Version       string    `json:"version"`
	StartedAt     time.Time `json:"started_at"`
	LastHeartbeat time.Time `json:"last_heartbeat"`
}

// LeaseStatus is one row of lattice.leases and GET /api/leases.
type LeaseStatus struct {
	Project   string    `json:"project"`
	Owner     string    `json:"owner"`
	Epoch     int64     `json:"epoch"`
	ExpiresAt time.Time `json:"expires_at"`
	Live      bool      `json:"live"`
}

// Nodes lists the cluster's nodes: the metastore's rows, joined with the
// ZooKeeper registrations when discovery runs. A node is alive when it is
// registered in ZooKeeper (with discovery) or its heartbeat is fresh by the
// database clock (without).
func (n *Node) Nodes(ctx context.Context) ([]NodeStatus, error) {
	dbNow, err := n.cfg.Store.Now(ctx)
	if err != nil {
		return nil, err
	}
	rows, err := n.cfg.Store.Nodes(ctx)
	if err != nil {
		return nil, err
	}
	leases, err := n.cfg.Store.Leases(ctx)
	if err != nil {
		return nil, err
	}
	held := map[string]int{}
	for _, l := range leases {
		if l.Owner != "" && !l.ExpiresAt.Before(dbNow) {
			held[l.Owner]++
		}
	}
	var members map[string]Member
	if n.disc != nil {
		members, _ = n.disc.view()
	}
	byID := map[string]*NodeStatus{}
	for _, r := range rows {
		s := &NodeStatus{ID: r.ID, Host: r.Host, PGPort: r.PGPort, HTTPPort: r.HTTPPort, Mode: r.Mode,
			ClockSkewMs: r.ClockSkew.Milliseconds(), Version: r.Version, StartedAt: r.StartedAt, LastHeartbeat: r.LastHeartbeat,
			Alive: !r.LastHeartbeat.Before(dbNow.Add(-n.cfg.Timeout))}
		if members != nil {
			_, s.Alive = members[r.ID]
		}
		byID[r.ID] = s
	}
	for id, m := range members {
		if _, ok := byID[id]; !ok {
			byID[id] = &NodeStatus{ID: id, Host: m.Host, PGPort: m.PGPort, HTTPPort: m.HTTPPort, Mode: m.Mode,
				Version: m.Version, StartedAt: m.StartTime, Alive: true}
		}
	}
	out := make([]NodeStatus, 0, len(byID))
	for _, s := range byID {
		s.Leases = held[s.ID]
		out = append(out, *s)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}

// Leases lists every project's lease; Live says whether it is unexpired by
// the database clock.
func (n *Node) Leases(ctx context.Context) ([]LeaseStatus, error) {
	dbNow, err := n.cfg.Store.Now(ctx)
	if err != nil {
		return nil, err
	}
	leases, err := n.cfg.Store.Leases(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]LeaseStatus, 0, len(leases))
	for _, l := range leases {
		out = append(out, LeaseStatus{Project: l.Project, Owner: l.Owner, Epoch: l.Epoch, ExpiresAt: l.ExpiresAt,
			Live: l.Owner != "" && !l.ExpiresAt.Before(dbNow)})
	}
	return out, nil
}

// RegisterViews makes lattice.nodes and lattice.leases readable on pl.
func (n *Node) RegisterViews(pl *planner.Planner) {
	pl.RegisterRelation(planner.VirtualRelation{
		Schema: "lattice", Name: "nodes",
		Columns: []planner.Column{
			{Name: "id", Type: types.Text}, {Name: "host", Type: types.Text}, {Name: "pg_port", Type: types.Int4},
			{Name: "http_port", Type: types.Int4}, {Name: "mode", Type: types.Text}, {Name: "alive", Type: types.Bool},
			{Name: "leases", Type: types.Int8}, {Name: "clock_skew_ms", Type: types.Int8}, {Name: "version", Type: types.Text},
			{Name: "started_at", Type: types.TimestampTZ}, {Name: "last_heartbeat", Type: types.TimestampTZ},
		},
		Rows: func(ctx context.Context, _ *planner.Session) ([][]types.Datum, error) {
			nodes, err := n.Nodes(ctx)
			if err != nil {
				return nil, err
			}
			out := make([][]types.Datum, 0, len(nodes))
			for _, s := range nodes {
				var beat types.Datum
				if !s.LastHeartbeat.IsZero() {
					beat = s.LastHeartbeat
				}
				out = append(out, []types.Datum{s.ID, s.Host, int64(s.PGPort), int64(s.HTTPPort), s.Mode, s.Alive,
					int64(s.Leases), s.ClockSkewMs, s.Version, s.StartedAt.UTC(), beat})
			}
			return out, nil
		},
	})
	pl.RegisterRelation(planner.VirtualRelation{
		Schema: "lattice", Name: "leases",
		Columns: []planner.Column{
			{Name: "project", Type: types.Text}, {Name: "owner", Type: types.Text}, {Name: "epoch", Type: types.Int8},
			{Name: "expires_at", Type: types.TimestampTZ},
		},
		Rows: func(ctx context.Context, _ *planner.Session) ([][]types.Datum, error) {
			leases, err := n.Leases(ctx)
			if err != nil {
				return nil, err
			}
			out := make([][]types.Datum, 0, len(leases))
			for _, l := range leases {
				out = append(out, []types.Datum{l.Project, l.Owner, l.Epoch, l.ExpiresAt})
			}
			return out, nil
		},
	})
}
