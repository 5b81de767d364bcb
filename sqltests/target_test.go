package sqltests

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgconn/ctxwatch"

	"github.com/lattice-olap/lattice/internal/testenv"
)

const (
	// queryTimeout bounds one query on one server.
	queryTimeout = 20 * time.Second
	// maxTimeouts in a row make the harness give up on a server, so that a
	// hung node costs a minute, not a timeout per query.
	maxTimeouts = 3
)

// pinnedParams go in every StartupMessage, so that neither server's
// configuration (or the host's zone) can change the answers.
var pinnedParams = map[string]string{
	"TimeZone":           "UTC",
	"DateStyle":          "ISO, MDY",
	"IntervalStyle":      "postgres",
	"extra_float_digits": "1",
	"client_encoding":    "UTF8",
}

// target is one server the suite talks to, with a connection that is
// reopened when a query breaks it.
type target struct {
	name   string // "postgres" or "lattice", for messages
	dsn    string
	params map[string]string // extra startup parameters
	conn   *pgconn.PgConn
	// lost is set when the server stopped answering; every later query
	// fails with it at once.
	lost     error
	timeouts int
}

func newTarget(t testing.TB, name, dsn string, extra map[string]string) *target {
	t.Helper()
	tg := &target{name: name, dsn: dsn, params: extra}
	if err := tg.connect(); err != nil {
		t.Fatalf("connect to %s: %v", name, err)
	}
	t.Cleanup(tg.close)
	return tg
}

func (tg *target) connect() error {
	cfg, err := pgconn.ParseConfig(tg.dsn)
	if err != nil {
		return err
	}
	for k, v := range pinnedParams {
		cfg.RuntimeParams[k] = v
	}
	for k, v := range tg.params {
		cfg.RuntimeParams[k] = v
	}
	// On a timeout, cancel the query and keep the connection when the
	// server obeys; otherwise the connection is closed and reopened.
	cfg.BuildContextWatcherHandler = func(pc *pgconn.PgConn) ctxwatch.Handler {
		return &pgconn.CancelRequestContextWatcherHandler{Conn: pc, DeadlineDelay: 5 * time.Second}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, err := pgconn.ConnectConfig(ctx, cfg)
	if err != nil {
		return err
	}
	tg.conn = c
	return nil
}

func (tg *target) close() {
	if tg.conn != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = tg.conn.Close(ctx)
	}
}

// ensure reopens a broken connection; it reports whether queries can run.
func (tg *target) ensure() bool {
	if tg.lost != nil {
		return false
	}
	if tg.conn != nil && !tg.conn.IsClosed() {
		return true
	}
	if err := tg.connect(); err != nil {
		tg.lost = fmt.Errorf("%s connection lost and reconnecting failed: %w", tg.name, err)
		return false
	}
	return true
}

// query runs sql in protocol p.
func (tg *target) query(sql string, p protocol) *result {
	if !tg.ensure() {
		return &result{err: tg.lost}
	}
	ctx, cancel := context.WithTimeout(context.Background(), queryTimeout)
	defer cancel()
	res := run(ctx, tg.conn, sql, p)
	tg.noteTimeout(ctx)
	return res
}

func (tg *target) noteTimeout(ctx context.Context) {
	if !errors.Is(ctx.Err(), context.DeadlineExceeded) {
		tg.timeouts = 0
		return
	}
	tg.timeouts++
	if tg.timeouts >= maxTimeouts {
		tg.lost = fmt.Errorf("%s: %d queries in a row took over %v; not sending more", tg.name, maxTimeouts, queryTimeout)
	}
}

// exec runs one dataset statement, with its COPY data if it has any, and
// returns the command tag.
func (tg *target) exec(st statement) (string, error) {
	if !tg.ensure() {
		return "", tg.lost
	}
	ctx, cancel := context.WithTimeout(context.Background(), queryTimeout)
	defer cancel()
	defer tg.noteTimeout(ctx)
	if st.copyData != nil {
		tag, err := tg.conn.CopyFrom(ctx, bytes.NewReader(st.copyData), st.sql)
		return tag.String(), err
	}
	res := run(ctx, tg.conn, st.sql, simpleText)
	return res.tag, res.err
}

// loadStep is the outcome of one dataset statement.
type loadStep struct {
	st  statement
	tag string
	err error
}

// load runs every statement of ds, going on after errors.
func (tg *target) load(ds *dataset) []loadStep {
	steps := make([]loadStep, len(ds.stmts))
	for i, st := range ds.stmts {
		tag, err := tg.exec(st)
		steps[i] = loadStep{st: st, tag: tag, err: err}
	}
	return steps
}

// mustLoad loads ds into the reference server, failing the test on any
// error: the dataset file is wrong.
func (tg *target) mustLoad(t testing.TB, ds *dataset) []loadStep {
	t.Helper()
	steps := tg.load(ds)
	for _, s := range steps {
		if s.err != nil {
			t.Fatalf("%s:%d: loading into %s: %v", ds.path, s.st.line, tg.name, s.err)
		}
	}
	return steps
}

// compareLoads returns "" when Lattice ran every statement like
// PostgreSQL (same command tags, so the same row counts), else the
// differences.
func compareLoads(ds *dataset, want, got []loadStep) string {
	var diffs []string
	for i := range want {
		w, g := want[i], got[i]
		switch {
		case g.err != nil:
			diffs = append(diffs, fmt.Sprintf("%s:%d: %s: %v", ds.path, w.st.line, firstLine(w.st.sql), g.err))
		case g.tag != w.tag:
			diffs = append(diffs, fmt.Sprintf("%s:%d: %s: command tag %q, want %q", ds.path, w.st.line, firstLine(w.st.sql), g.tag, w.tag))
		}
	}
	return strings.Join(diffs, "\n")
}

func firstLine(s string) string {
	l, _, more := strings.Cut(s, "\n")
	if more {
		return l + " ..."
	}
	return l
}

// referenceDatabase creates a fresh database on the reference PostgreSQL
// and checks that its collation sorts text by code point, as Lattice does.
func referenceDatabase(t testing.TB) string {
	t.Helper()
	dsn := testenv.PostgresDatabase(t)
	c := newTarget(t, "postgres", dsn, nil)
	res := c.query("SELECT datcollate || ' ' || datctype FROM pg_database WHERE datname = current_database()", simpleText)
	if res.err != nil || len(res.rows) != 1 {
		t.Fatalf("reading the reference database's locale: %v", res.err)
	}
	for _, l := range strings.Fields(res.rows[0][0].s) {
		switch l {
		case "C", "POSIX", "C.UTF-8", "C.utf8":
		default:
			t.Fatalf("the reference PostgreSQL uses locale %q; the suites need C or C.UTF-8 (initdb --locale=C, as scripts/test-deps.sh does)", res.rows[0][0].s)
		}
	}
	return dsn
}

// latticeProject starts a fresh Lattice node, creates project name on it
// and returns the node and the project's URL.
func latticeProject(t testing.TB, name string) (*testenv.Node, string) {
	t.Helper()
	node := testenv.StartNode(t)
	admin := newTarget(t, "lattice", node.DSN("lattice"), nil)
	if res := admin.query("CREATE DATABASE "+name, simpleText); res.err != nil {
		t.Fatalf("CREATE DATABASE %s on lattice: %v\n%s", name, res.err, node.Log())
	}
	return node, node.DSN(name)
}
