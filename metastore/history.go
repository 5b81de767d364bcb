package metastore

import (
	"context"
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

// InsertHistory appends entries in one statement.
func (s *Store) InsertHistory(ctx context.Context, entries []HistoryEntry) error {
	if len(entries) == 0 {
		return nil
	}
	var b strings.Builder
	b.WriteString(`INSERT INTO query_history (project, user_name, query, route, cube, cuboid, duration_ms, row_count, started_at) VALUES `)
	args := make([]any, 0, 9*len(entries))
	for i, e := range entries {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("(?, ?, ?, ?, ?, ?, ?, ?, ?)")
		q := e.Query
		if len(q) > maxHistoryQuery {
			q = q[:maxHistoryQuery]
		}
		args = append(args, e.Project, e.User, q, e.Route, e.Cube, e.Cuboid, e.Duration.Milliseconds(), e.Rows, e.StartedAt.UnixMilli())
	}
	return s.tx(ctx, func(t *Tx) error {
		_, err := t.Exec(b.String(), args...)
		return err
	})
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
