package metastore

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/go-sql-driver/mysql"
	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" database/sql driver
	_ "modernc.org/sqlite"             // registers the "sqlite" database/sql driver

	"github.com/lattice-olap/lattice/pgerr"
)

// Store is a handle on the metastore. It is safe for concurrent use.
type Store struct {
	db      *sql.DB
	dialect dialect
	url     string
	// opTimeout bounds every metastore operation, so that an unreachable
	// database gives an error instead of a hang.
	opTimeout time.Duration

	cacheMu sync.Mutex // guards cache
	cache   *Cache     // set by StartCache; reads of definitions go through it
}

// ErrNotFound is returned when a named object does not exist.
var ErrNotFound = errors.New("not found")

// Options tune a Store.
type Options struct {
	// OpTimeout bounds each operation; 0 means 10 seconds.
	OpTimeout time.Duration
}

// Open connects to the metastore named by url (sqlite://PATH,
// postgres://..., mysql://...) and brings its schema up to date.
func Open(ctx context.Context, url string) (*Store, error) {
	return OpenWith(ctx, url, Options{})
}

// OpenWith is Open with options.
func OpenWith(ctx context.Context, rawURL string, opt Options) (*Store, error) {
	var (
		db  *sql.DB
		d   dialect
		err error
	)
	switch {
	case strings.HasPrefix(rawURL, "sqlite://"):
		db, err = openSQLite(strings.TrimPrefix(rawURL, "sqlite://"))
		d = sqliteDialect{}
	case strings.HasPrefix(rawURL, "postgres://"), strings.HasPrefix(rawURL, "postgresql://"):
		db, err = openPostgres(rawURL)
		d = postgresDialect{}
	case strings.HasPrefix(rawURL, "mysql://"):
		db, err = openMySQL(rawURL)
		d = mysqlDialect{}
	default:
		return nil, fmt.Errorf("metastore %s: unsupported scheme; use sqlite://, postgres:// or mysql://", redact(rawURL))
	}
	if err != nil {
		return nil, err
	}
	s := &Store{db: db, dialect: d, url: rawURL, opTimeout: opt.OpTimeout}
	if s.opTimeout <= 0 {
		s.opTimeout = 10 * time.Second
	}
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
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, fmt.Errorf("metastore: %w", err)
	}
	// WAL lets readers run beside the writer; busy_timeout makes concurrent
	// writers (several processes on one file) wait instead of failing; an
	// IMMEDIATE transaction takes the write lock up front, so two read-then-
	// write transactions cannot deadlock on lock upgrade.
	dsn := "file:" + path + "?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)&_pragma=synchronous(FULL)&_txlock=immediate"
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("metastore: %w", err)
	}
	return db, nil
}

func openPostgres(raw string) (*sql.DB, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("metastore: invalid URL %s: %w", redact(raw), err)
	}
	q := u.Query()
	if q.Get("connect_timeout") == "" {
		q.Set("connect_timeout", "5")
	}
	u.RawQuery = q.Encode()
	db, err := sql.Open("pgx", u.String())
	if err != nil {
		return nil, fmt.Errorf("metastore: %w", err)
	}
	db.SetMaxOpenConns(16)
	db.SetConnMaxIdleTime(5 * time.Minute)
	return db, nil
}

// openMySQL turns mysql://user:pass@host:port/db?opts into the driver's DSN.
func openMySQL(raw string) (*sql.DB, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("metastore: invalid URL %s: %w", redact(raw), err)
	}
	cfg := mysql.NewConfig()
	cfg.User = u.User.Username()
	cfg.Passwd, _ = u.User.Password()
	cfg.Net = "tcp"
	cfg.Addr = u.Host
	if u.Port() == "" {
		cfg.Addr = net.JoinHostPort(u.Hostname(), "3306")
	}
	cfg.DBName = strings.TrimPrefix(u.Path, "/")
	cfg.Timeout = 5 * time.Second
	cfg.ReadTimeout = 30 * time.Second
	cfg.WriteTimeout = 30 * time.Second
	cfg.MultiStatements = false
	cfg.Params = map[string]string{}
	for k, vs := range u.Query() {
		cfg.Params[k] = vs[0]
	}
	db, err := sql.Open("mysql", cfg.FormatDSN())
	if err != nil {
		return nil, fmt.Errorf("metastore: %w", err)
	}
	db.SetMaxOpenConns(16)
	db.SetConnMaxLifetime(10 * time.Minute)
	return db, nil
}

func redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.User == nil {
		return raw
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	return u.String()
}

// Close stops the cache and releases the database connections.
func (s *Store) Close() error {
	s.cacheMu.Lock()
	c := s.cache
	s.cache = nil
	s.cacheMu.Unlock()
	if c != nil {
		c.stop()
	}
	return s.db.Close()
}

// URL returns the metastore URL with any password hidden.
func (s *Store) URL() string { return redact(s.url) }

// Backend returns "sqlite", "postgres" or "mysql".
func (s *Store) Backend() string { return s.dialect.name() }

func (s *Store) opctx(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, s.opTimeout)
}

// Now returns the database's clock, the only clock leases trust.
func (s *Store) Now(ctx context.Context) (time.Time, error) {
	ctx, cancel := s.opctx(ctx)
	defer cancel()
	var ms int64
	if err := s.db.QueryRowContext(ctx, "SELECT "+s.dialect.nowMillis()).Scan(&ms); err != nil {
		return time.Time{}, classify(err)
	}
	return time.UnixMilli(ms).UTC(), nil
}

// Tx is a metastore transaction. Its statements use '?' placeholders on
// every backend.
type Tx struct {
	tx  *sql.Tx
	s   *Store
	ctx context.Context
}

// Exec runs a statement in the transaction.
func (t *Tx) Exec(query string, args ...any) (sql.Result, error) {
	r, err := t.tx.ExecContext(t.ctx, t.s.dialect.rebind(query), args...)
	return r, t.s.mapErr(err)
}

// QueryRow runs a single-row query in the transaction.
func (t *Tx) QueryRow(query string, args ...any) *sql.Row {
	return t.tx.QueryRowContext(t.ctx, t.s.dialect.rebind(query), args...)
}

// Query runs a query in the transaction.
func (t *Tx) Query(query string, args ...any) (*sql.Rows, error) {
	r, err := t.tx.QueryContext(t.ctx, t.s.dialect.rebind(query), args...)
	return r, t.s.mapErr(err)
}

// NowExpr is the SQL expression for the database clock in Unix ms.
func (t *Tx) NowExpr() string { return t.s.dialect.nowMillis() }

// tx runs fn in a transaction and commits it when fn returns nil.
func (s *Store) tx(ctx context.Context, fn func(*Tx) error) error {
	ctx, cancel := s.opctx(ctx)
	defer cancel()
	t, err := s.db.BeginTx(ctx, s.dialect.txOptions())
	if err != nil {
		return classify(err)
	}
	if err := fn(&Tx{tx: t, s: s, ctx: ctx}); err != nil {
		return errors.Join(err, ignoreDone(t.Rollback()))
	}
	if err := t.Commit(); err != nil {
		return classify(err)
	}
	return nil
}

func ignoreDone(err error) error {
	if errors.Is(err, sql.ErrTxDone) || errors.Is(err, driver.ErrBadConn) {
		return nil
	}
	return classify(err)
}

// queryRow runs a single-row query outside a transaction.
func (s *Store) queryRow(ctx context.Context, query string, args ...any) *sql.Row {
	return s.db.QueryRowContext(ctx, s.dialect.rebind(query), args...)
}

// mapErr classifies driver errors, keeping constraint violations visible
// to callers that check them with errors.As.
func (s *Store) mapErr(err error) error {
	if err == nil || s.dialect.isUniqueViolation(err) {
		return err
	}
	return classify(err)
}

// classify gives a driver error a SQLSTATE: a database that cannot be
// reached is 08006 (with a hint), anything else stays an internal error.
func classify(err error) error {
	if err == nil {
		return nil
	}
	var pe *pgerr.Error
	if errors.As(err, &pe) || errors.Is(err, ErrNotFound) || errors.Is(err, sql.ErrNoRows) || errors.Is(err, context.Canceled) {
		return err
	}
	if isConnectivity(err) {
		return pgerr.Wrap(err, pgerr.ConnectionFailure, "metastore unavailable").
			WithHint("Check that the metastore database is reachable; Lattice retries on the next statement.")
	}
	return pgerr.Wrap(err, pgerr.InternalError, "metastore")
}

func isConnectivity(err error) bool {
	var ne net.Error
	var ce *pgconn.ConnectError
	switch {
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, driver.ErrBadConn),
		errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, mysql.ErrInvalidConn),
		errors.Is(err, syscall.ECONNREFUSED), errors.Is(err, syscall.ECONNRESET), errors.Is(err, net.ErrClosed),
		errors.Is(err, pgconn.ErrConnClosed), pgconn.Timeout(err), pgconn.SafeToRetry(err),
		errors.As(err, &ne), errors.As(err, &ce):
		return true
	}
	var pge *pgconn.PgError
	if errors.As(err, &pge) {
		// admin_shutdown, crash_shutdown, cannot_connect_now
		return pge.Code == "57P01" || pge.Code == "57P02" || pge.Code == "57P03" || strings.HasPrefix(pge.Code, "08")
	}
	var me *mysql.MySQLError
	if errors.As(err, &me) {
		// server shutdown, lost connection, too many connections
		return me.Number == 1053 || me.Number == 2006 || me.Number == 2013 || me.Number == 1040
	}
	return false
}
