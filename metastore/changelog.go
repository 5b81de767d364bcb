package metastore

import (
	"context"
	"time"
)

// Entities named in the change log.
const (
	EntityProject = "project"
	EntityUser    = "user"
	EntityRole    = "role"
	EntityTable   = "table"
	EntityCube    = "cube"
	EntitySegment = "segment"
	EntityJob     = "job"
)

// Change is one change-log row: which definition changed. Readers reload
// the definition from its table, so applying a change twice is harmless.
type Change struct {
	ID      int64
	Entity  string
	Project string
	Name    string
	Op      string // create, update, drop
	At      time.Time
}

// logChange appends a change-log row in the caller's transaction, so that
// the change and its log row commit together.
func (t *Tx) logChange(entity, project, name, op string) error {
	_, err := t.Exec(`INSERT INTO changelog (entity, project, name, op, created_at) VALUES (?, ?, ?, ?, `+t.NowExpr()+`)`,
		entity, project, name, op)
	return err
}

// Changes returns up to limit change-log rows with id >= from, by id.
func (s *Store) Changes(ctx context.Context, from int64, limit int) ([]Change, error) {
	ctx, cancel := s.opctx(ctx)
	defer cancel()
	rows, err := s.db.QueryContext(ctx, s.dialect.rebind(
		`SELECT id, entity, project, name, op, created_at FROM changelog WHERE id >= ? ORDER BY id LIMIT ?`), from, limit)
	if err != nil {
		return nil, classify(err)
	}
	defer rows.Close()
	var out []Change
	for rows.Next() {
		var c Change
		var at int64
		if err := rows.Scan(&c.ID, &c.Entity, &c.Project, &c.Name, &c.Op, &at); err != nil {
			return nil, classify(err)
		}
		c.At = time.UnixMilli(at).UTC()
		out = append(out, c)
	}
	return out, classify(rows.Err())
}

// TrimChanges deletes change-log rows older than keep (by the database
// clock) and below id before, and returns how many went. Nodes that fall
// further behind than keep reload everything (see Cache).
func (s *Store) TrimChanges(ctx context.Context, keep time.Duration, before int64) (int64, error) {
	ctx, cancel := s.opctx(ctx)
	defer cancel()
	res, err := s.db.ExecContext(ctx, s.dialect.rebind(
		`DELETE FROM changelog WHERE id < ? AND created_at < `+s.dialect.nowMillis()+` - ?`), before, keep.Milliseconds())
	if err != nil {
		return 0, classify(err)
	}
	n, _ := res.RowsAffected()
	return n, nil
}
