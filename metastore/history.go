package metastore

import (
	"context"
	"database/sql"
	"strings"
	"time"
)

// HistoryEntry is one query of lattice.query_history.
type HistoryEntry struct {
	Project   string
	User      string
	Query     string
	Route     string // cube or raw
	Cube      string
	Cuboid    string
	Duration  time.Duration
	Rows      int64
	StartedAt time.Time
}

// maxHistoryQuery bounds the query text kept per entry.
const maxHistoryQuery = 4096

const insertHistory = `INSERT INTO query_history (project, user_name, query, route, cube, cuboid, duration_ms, row_count, started_at) VALUES `

// InsertHistory appends entries in one transaction: one multi-row
// statement on a database server (one round trip), one prepared single-row
// statement run per entry on SQLite, which would otherwise parse a
// statement as long as the batch.
func (s *Store) InsertHistory(ctx context.Context, entries []HistoryEntry) error {
	if len(entries) == 0 {
		return nil
	}
	args := func(e HistoryEntry) []any {
		q := e.Query
		if len(q) > maxHistoryQuery {
			q = q[:maxHistoryQuery]
		}
		return []any{e.Project, e.User, q, e.Route, e.Cube, e.Cuboid, e.Duration.Milliseconds(), e.Rows, e.StartedAt.UnixMilli()}
	}
	const row = "(?, ?, ?, ?, ?, ?, ?, ?, ?)"
	if s.dialect.name() == "sqlite" {
		return s.tx(ctx, func(t *Tx) error {
			st, err := t.tx.PrepareContext(t.ctx, insertHistory+row)
			if err != nil {
				return s.mapErr(err)
			}
			defer st.Close()
			for _, e := range entries {
				if _, err := st.ExecContext(t.ctx, args(e)...); err != nil {
					return s.mapErr(err)
				}
			}
			return nil
		})
	}
	var b strings.Builder
	b.WriteString(insertHistory)
	all := make([]any, 0, 9*len(entries))
	for i, e := range entries {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(row)
		all = append(all, args(e)...)
	}
	return s.tx(ctx, func(t *Tx) error {
		_, err := t.Exec(b.String(), all...)
		return err
	})
}

// TrimHistory deletes the entries that started before the cutoff, and all
// but about the newest keep entries (by id, which grows with time), and
// returns how many it deleted. Every node may trim; a trim is idempotent.
func (s *Store) TrimHistory(ctx context.Context, keep int64, before time.Time) (int64, error) {
	var deleted int64
	err := s.tx(ctx, func(t *Tx) error {
		var newest sql.NullInt64
		if err := t.QueryRow(`SELECT max(id) FROM query_history`).Scan(&newest); err != nil {
			return s.mapErr(err)
		}
		if !newest.Valid {
			return nil
		}
		// MySQL cannot DELETE with a subquery on the same table: the
		// threshold is read first.
		r, err := t.Exec(`DELETE FROM query_history WHERE id <= ? OR started_at < ?`, newest.Int64-keep, before.UnixMilli())
		if err != nil {
			return err
		}
		deleted, err = r.RowsAffected()
		return s.mapErr(err)
	})
	return deleted, err
}

// History returns the newest entries of project ("" for all), newest first.
func (s *Store) History(ctx context.Context, project string, limit int) ([]HistoryEntry, error) {
	ctx, cancel := s.opctx(ctx)
	defer cancel()
	q := `SELECT project, user_name, query, route, cube, cuboid, duration_ms, row_count, started_at FROM query_history`
	var args []any
	if project != "" {
		q += ` WHERE project = ?`
		args = append(args, project)
	}
	q += ` ORDER BY id DESC LIMIT ?`
	args = append(args, limit)
	rows, err := s.db.QueryContext(ctx, s.dialect.rebind(q), args...)
	if err != nil {
		return nil, classify(err)
	}
	defer rows.Close()
	var out []HistoryEntry
	for rows.Next() {
		var e HistoryEntry
		var ms, started int64
		if err := rows.Scan(&e.Project, &e.User, &e.Query, &e.Route, &e.Cube, &e.Cuboid, &ms, &e.Rows, &started); err != nil {
			return nil, classify(err)
		}
		e.Duration = time.Duration(ms) * time.Millisecond
		e.StartedAt = time.UnixMilli(started).UTC()
		out = append(out, e)
	}
	return out, classify(rows.Err())
}
