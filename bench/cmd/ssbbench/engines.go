package main

import (
	"context"
	"database/sql"
	"fmt"
	"math/big"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	_ "github.com/duckdb/duckdb-go/v2" // registers the "duckdb" database/sql driver
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgconn/ctxwatch"
)

// engine is one database under test, reached through its own client.
type engine interface {
	name() string
	exec(ctx context.Context, sql string) error
	// query returns the answer's rows with every value normalized to text,
	// so answers from different engines compare equal.
	query(ctx context.Context, sql string) ([][]string, error)
	copyFile(ctx context.Context, table, path string) (int64, error)
	version(ctx context.Context) string
	Close()
}

// pgEngine is Lattice or PostgreSQL through pgx. Queries use the simple
// protocol, as psql and most BI tools do, and read text results.
type pgEngine struct {
	label string
	dsn   string
	setup []string // statements run on each new connection
	conn  *pgx.Conn
}

func connectPG(ctx context.Context, label, dsn string) (*pgEngine, error) {
	c, err := dialPG(ctx, dsn)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", label, err)
	}
	return &pgEngine{label: label, dsn: dsn, conn: c}, nil
}

// dialPG connects so that a cancelled context cancels the statement on the
// server too (a CancelRequest), not only the client's wait: pgx's default
// gives up on the connection and leaves the server running it, and a
// PostgreSQL REFRESH past -build-timeout then kept a core busy through the
// rest of the run.
func dialPG(ctx context.Context, dsn string) (*pgx.Conn, error) {
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		return nil, err
	}
	cfg.BuildContextWatcherHandler = func(c *pgconn.PgConn) ctxwatch.Handler {
		return &pgconn.CancelRequestContextWatcherHandler{Conn: c, DeadlineDelay: 10 * time.Second}
	}
	return pgx.ConnectConfig(ctx, cfg)
}

func (e *pgEngine) name() string { return e.label }

// reconnect replaces a connection the server closed (after a FATAL error),
// so one failed query does not fail the ones after it.
func (e *pgEngine) reconnect(ctx context.Context) error {
	if !e.conn.IsClosed() {
		return nil
	}
	c, err := dialPG(ctx, e.dsn)
	if err != nil {
		return fmt.Errorf("%s: reconnecting: %w", e.label, err)
	}
	e.conn = c
	for _, s := range e.setup {
		if _, err := c.Exec(ctx, s); err != nil {
			return err
		}
	}
	return nil
}

func (e *pgEngine) exec(ctx context.Context, sql string) error {
	if err := e.reconnect(ctx); err != nil {
		return err
	}
	_, err := e.conn.Exec(ctx, sql, pgx.QueryExecModeSimpleProtocol)
	return err
}

func (e *pgEngine) query(ctx context.Context, sql string) ([][]string, error) {
	if err := e.reconnect(ctx); err != nil {
		return nil, err
	}
	rows, err := e.conn.Query(ctx, sql, pgx.QueryExecModeSimpleProtocol)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out [][]string
	for rows.Next() {
		raw := rows.RawValues()
		r := make([]string, len(raw))
		for i, v := range raw {
			if v == nil {
				r[i] = "NULL"
			} else {
				r[i] = normText(string(v))
			}
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

func (e *pgEngine) copyFile(ctx context.Context, table, path string) (int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	tag, err := e.conn.PgConn().CopyFrom(ctx, f, "COPY "+table+" FROM STDIN")
	return tag.RowsAffected(), err
}

func (e *pgEngine) version(ctx context.Context) string {
	var v string
	if err := e.conn.QueryRow(ctx, "SELECT version()").Scan(&v); err != nil {
		return "unknown: " + err.Error()
	}
	return v
}

func (e *pgEngine) Close() { e.conn.Close(context.Background()) }

// postgres is the machine's PostgreSQL with a database of its own.
type postgres struct {
	*pgEngine
	adminDSN, db string
}

func newPostgres(ctx context.Context, adminDSN string) (*postgres, error) {
	admin, err := pgx.Connect(ctx, adminDSN)
	if err != nil {
		return nil, fmt.Errorf("PostgreSQL at %s (run scripts/test-deps.sh, or pass -pg): %w", adminDSN, err)
	}
	defer admin.Close(context.Background())
	db := fmt.Sprintf("ssb_bench_%d", os.Getpid())
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+db); err != nil {
		return nil, fmt.Errorf("PostgreSQL: %w", err)
	}
	cfg, err := pgx.ParseConfig(adminDSN)
	if err != nil {
		return nil, err
	}
	cfg.Database = db
	c, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return nil, err
	}
	u, err := url.Parse(adminDSN)
	if err != nil {
		return nil, err
	}
	u.Path = "/" + db
	dsn := u.String()
	return &postgres{pgEngine: &pgEngine{label: "PostgreSQL", dsn: dsn, conn: c}, adminDSN: adminDSN, db: db}, nil
}

// Close drops the benchmark's database.
func (p *postgres) Close() {
	p.pgEngine.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if admin, err := pgx.Connect(ctx, p.adminDSN); err == nil {
		if _, err := admin.Exec(ctx, "DROP DATABASE IF EXISTS "+p.db+" WITH (FORCE)"); err != nil {
			logf("dropping PostgreSQL database %s: %v", p.db, err)
		}
		admin.Close(ctx)
	}
}

// duck is an in-memory DuckDB in this process.
type duck struct {
	db  *sql.DB
	tmp string // where DuckDB spills what does not fit in memory
}

func newDuckDB(ctx context.Context, threads int) (*duck, error) {
	db, err := sql.Open("duckdb", "")
	if err != nil {
		return nil, err
	}
	// One connection: an in-memory database lives as long as the connector,
	// and one client connection matches the other engines' single session.
	db.SetMaxOpenConns(1)
	// DuckDB spills to ./.tmp by default: keep it out of the work tree,
	// and remove it at the end.
	tmp, err := os.MkdirTemp("", "ssbbench-duckdb-")
	if err != nil {
		db.Close()
		return nil, err
	}
	d := &duck{db: db, tmp: tmp}
	for _, set := range []string{fmt.Sprintf("SET threads = %d", threads), fmt.Sprintf("SET temp_directory = '%s'", tmp)} {
		if _, err := db.ExecContext(ctx, set); err != nil {
			d.Close()
			return nil, err
		}
	}
	return d, nil
}

func (d *duck) name() string { return "DuckDB" }

func (d *duck) exec(ctx context.Context, sql string) error {
	_, err := d.db.ExecContext(ctx, sql)
	return err
}

func (d *duck) query(ctx context.Context, sql string) ([][]string, error) {
	rows, err := d.db.QueryContext(ctx, sql)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, err
	}
	var out [][]string
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		r := make([]string, len(cols))
		for i, v := range vals {
			r[i] = norm(v)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

func (d *duck) copyFile(ctx context.Context, table, path string) (int64, error) {
	res, err := d.db.ExecContext(ctx, fmt.Sprintf("COPY %s FROM '%s' (DELIMITER '\t', HEADER false)", table, strings.ReplaceAll(path, "'", "''")))
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

func (d *duck) version(ctx context.Context) string {
	var v string
	if err := d.db.QueryRowContext(ctx, "SELECT version()").Scan(&v); err != nil {
		return "unknown: " + err.Error()
	}
	return "DuckDB " + v
}

func (d *duck) Close() {
	d.db.Close()
	os.RemoveAll(d.tmp)
}

// norm renders a database/sql value as PostgreSQL's text output would.
func norm(v any) string {
	switch x := v.(type) {
	case nil:
		return "NULL"
	case string:
		return x
	case []byte:
		return string(x)
	case int64:
		return strconv.FormatInt(x, 10)
	case int32:
		return strconv.FormatInt(int64(x), 10)
	case *big.Int:
		return x.String()
	case float64:
		return normText(strconv.FormatFloat(x, 'f', -1, 64))
	case time.Time:
		return x.Format(time.DateOnly)
	}
	return normText(fmt.Sprint(v))
}

// normText drops a numeric value's trailing fractional zeros ("12.50" →
// "12.5", "7.000" → "7"), so numeric, hugeint and bigint sums compare equal.
func normText(s string) string {
	if !strings.Contains(s, ".") {
		return s
	}
	if _, err := strconv.ParseFloat(s, 64); err != nil {
		return s
	}
	s = strings.TrimRight(s, "0")
	return strings.TrimSuffix(s, ".")
}
