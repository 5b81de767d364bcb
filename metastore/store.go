package metastore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" database/sql driver

	"github.com/lattice-olap/lattice/pgerr"
)

// Store is a handle on the metastore. It is safe for concurrent use.
type Store struct {
	db      *sql.DB
	dialect dialect
	url     string
}

// ErrNotFound is returned when a named object does not exist.
var ErrNotFound = errors.New("not found")

// Open connects to the metastore named by url and brings its schema up to
// date.
func Open(ctx context.Context, url string) (*Store, error) {
	var (
		db *sql.DB
		d  dialect
		err error
	)
	switch {
	case strings.HasPrefix(url, "sqlite://"):
		db, err = openSQLite(strings.TrimPrefix(url, "sqlite://"))
		d = sqliteDialect{}
	default:
		return nil, fmt.Errorf("metastore %s: unsupported scheme (this build supports sqlite://)", redact(url))
	}
	if err != nil {
		return nil, err
	}
	s := &Store{db: db, dialect: d, url: url}
	if err := s.migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return s, nil
}

func openSQLite(path string) (*sql.DB, error) {
	if path == "" {
		return nil, fmt.Errorf("metastore: sqlite:// needs a file path")
	}
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, fmt.Errorf("metastore: %w", err)
		}
	}
	// WAL lets readers run beside the writer; busy_timeout makes concurrent
	// writers (several processes on one file) wait instead of failing; an
	// IMMEDIATE transaction takes the write lock up front, so two read-then-
	// write transactions cannot deadlock on lock upgrade.
	dsn := "file:" + path + "?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)&_txlock=immediate"
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("metastore: %w", err)
	}
	return db, nil
}

func redact(url string) string {
	if i := strings.Index(url, "@"); i >= 0 {
		if j := strings.Index(url, "://"); j >= 0 && j < i {
			return url[:j+3] + "***" + url[i:]
		}
	}
	return url
}

// Close releases the database connections.
func (s *Store) Close() error { return s.db.Close() }

// URL returns the metastore URL with any password hidden.
func (s *Store) URL() string { return redact(s.url) }

// Now returns the database's clock, the only clock leases trust.
func (s *Store) Now(ctx context.Context) (time.Time, error) {
	var ms int64
	if err := s.db.QueryRowContext(ctx, s.dialect.nowMillis()).Scan(&ms); err != nil {
		return time.Time{}, unavailable(err)
	}
	return time.UnixMilli(ms).UTC(), nil
}

// tx runs fn in a transaction and commits it when fn returns nil.
func (s *Store) tx(ctx context.Context, fn func(*sql.Tx) error) error {
	t, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return unavailable(err)
	}
	if err := fn(t); err != nil {
		return errors.Join(err, t.Rollback())
	}
	if err := t.Commit(); err != nil {
		return unavailable(err)
	}
	return nil
}

// unavailable marks an error from the database driver as the metastore
// being unreachable, unless it already carries a SQLSTATE.
func unavailable(err error) error {
	if err == nil {
		return nil
	}
	var pe *pgerr.Error
	if errors.As(err, &pe) || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	return pgerr.Wrap(err, pgerr.ConnectionFailure, "metastore unavailable").
		WithHint("Check that the metastore database is running; Lattice retries on the next statement.")
}
