package metastore

import (
	"context"
	"database/sql"
	"errors"
	"time"
)

// HTTP admin API sessions live in the metastore so that every node behind a
// load balancer accepts a cookie that any node issued. Expiry is judged by
// the database clock.

// CreateHTTPSession stores session id for user, valid for ttl.
func (s *Store) CreateHTTPSession(ctx context.Context, id, user string, ttl time.Duration) error {
	return s.tx(ctx, func(t *Tx) error {
		// Expired sessions are purged as new ones are made.
		if _, err := t.Exec(`DELETE FROM http_sessions WHERE expires_at < ` + t.NowExpr()); err != nil {
			return err
		}
		_, err := t.Exec(`INSERT INTO http_sessions (id, user_name, created_at, expires_at) VALUES (?, ?, `+t.NowExpr()+`, `+t.NowExpr()+` + ?)`,
			id, user, ttl.Milliseconds())
		return err
	})
}

// HTTPSession returns the user of a live session, or ErrNotFound when the
// session does not exist or has expired.
func (s *Store) HTTPSession(ctx context.Context, id string) (string, error) {
	ctx, cancel := s.opctx(ctx)
	defer cancel()
	var user string
	err := s.queryRow(ctx, `SELECT user_name FROM http_sessions WHERE id = ? AND expires_at >= `+s.dialect.nowMillis(), id).Scan(&user)
	if errors.Is(err, sql.ErrNoRows) {
		return "", ErrNotFound
	}
	return user, classify(err)
}

// DeleteHTTPSession ends a session (logout). Ending an unknown one is not an error.
func (s *Store) DeleteHTTPSession(ctx context.Context, id string) error {
	return s.tx(ctx, func(t *Tx) error {
		_, err := t.Exec(`DELETE FROM http_sessions WHERE id = ?`, id)
		return err
	})
}
