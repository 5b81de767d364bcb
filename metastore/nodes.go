package metastore

import (
	"context"
	"time"
)

// NodeInfo is a node's row in the nodes table: written by the node at every
// heartbeat, so that lattice.nodes and the lease race's view of live nodes
// work without ZooKeeper too.
type NodeInfo struct {
	ID            string
	Host          string
	PGPort        int
	HTTPPort      int
	Mode          string // all, query or job
	Version       string
	StartedAt     time.Time
	LastHeartbeat time.Time // by the database clock; set by Heartbeat
	ClockSkew     time.Duration
}

// Heartbeat writes n's row with last_heartbeat set to the database clock.
func (s *Store) Heartbeat(ctx context.Context, n NodeInfo) error {
	return s.tx(ctx, func(t *Tx) error {
		var have int
		if err := t.QueryRow(`SELECT COUNT(*) FROM nodes WHERE id = ?`, n.ID).Scan(&have); err != nil {
			return classify(err)
		}
		args := []any{n.Host, n.PGPort, n.HTTPPort, n.Mode, n.Version, n.StartedAt.UnixMilli(), n.ClockSkew.Milliseconds(), n.ID}
		if have > 0 {
			_, err := t.Exec(`UPDATE nodes SET host = ?, pg_port = ?, http_port = ?, mode = ?, version = ?, started_at = ?,
				clock_skew_ms = ?, last_heartbeat = `+t.NowExpr()+` WHERE id = ?`, args...)
			return err
		}
		_, err := t.Exec(`INSERT INTO nodes (host, pg_port, http_port, mode, version, started_at, clock_skew_ms, id, last_heartbeat)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, `+t.NowExpr()+`)`, args...)
		if s.dialect.isUniqueViolation(err) {
			return nil // a restart of the same node raced with its old process; the next beat updates
		}
		return err
	})
}

// RemoveNode deletes a node's row (a node that stops cleanly).
func (s *Store) RemoveNode(ctx context.Context, id string) error {
	return s.tx(ctx, func(t *Tx) error {
		_, err := t.Exec(`DELETE FROM nodes WHERE id = ?`, id)
		return err
	})
}

// Nodes lists every node row, by id.
func (s *Store) Nodes(ctx context.Context) ([]NodeInfo, error) {
	ctx, cancel := s.opctx(ctx)
	defer cancel()
	rows, err := s.db.QueryContext(ctx, `SELECT id, host, pg_port, http_port, mode, version, started_at, last_heartbeat, clock_skew_ms FROM nodes ORDER BY id`)
	if err != nil {
		return nil, classify(err)
	}
	defer rows.Close()
	var out []NodeInfo
	for rows.Next() {
		var n NodeInfo
		var started, beat, skew int64
		if err := rows.Scan(&n.ID, &n.Host, &n.PGPort, &n.HTTPPort, &n.Mode, &n.Version, &started, &beat, &skew); err != nil {
			return nil, classify(err)
		}
		n.StartedAt = time.UnixMilli(started).UTC()
		n.LastHeartbeat = time.UnixMilli(beat).UTC()
		n.ClockSkew = time.Duration(skew) * time.Millisecond
		out = append(out, n)
	}
	return out, classify(rows.Err())
}
