package clients

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"strconv"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgconn/ctxwatch"
	"github.com/jackc/pgx/v5/pgproto3"
	"github.com/jackc/pgx/v5/pgtype"
)

// pgxMode is one way pgx talks to the server.
type pgxMode struct {
	name string
	mode pgx.QueryExecMode
	// textResults forces text result formats in the extended protocol
	// (pgx asks for binary wherever it can decode it).
	textResults bool
}

var pgxModes = []pgxMode{
	{name: "simple", mode: pgx.QueryExecModeSimpleProtocol},                                  // Query messages, text results
	{name: "exec", mode: pgx.QueryExecModeExec},                                              // unnamed statement, text params and results
	{name: "cache_statement", mode: pgx.QueryExecModeCacheStatement},                         // named prepared statements, binary
	{name: "cache_statement_text", mode: pgx.QueryExecModeCacheStatement, textResults: true}, // same, text results
	{name: "describe_exec", mode: pgx.QueryExecModeDescribeExec},                             // Parse/Describe then Bind/Execute, binary
}

// TestPgx drives pgx v5 through the simple protocol and the extended
// protocol with text and binary result formats.
func TestPgx(t *testing.T) {
	t.Parallel()
	forEachTarget(t, func(t *testing.T, tg target) {
		t.Run("connect_errors", func(t *testing.T) { pgxConnectErrors(t, tg) })
		for _, m := range pgxModes {
			t.Run(m.name, func(t *testing.T) {
				c := pgxConnect(t, tg, m.mode)
				q := func(sql string, args ...any) pgx.Row {
					if m.textResults {
						args = append([]any{pgx.QueryResultFormats{pgx.TextFormatCode}}, args...)
					}
					ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
					t.Cleanup(cancel)
					return c.QueryRow(ctx, sql, args...)
				}
				t.Run("errors", func(t *testing.T) { pgxErrors(t, tg, m, q) })
				t.Run("params", func(t *testing.T) { pgxParams(t, tg, q) })
				t.Run("transaction", func(t *testing.T) { pgxTransaction(t, tg, c) })
				t.Run("cancel", func(t *testing.T) { pgxCancel(t, tg, c) })
			})
		}
	})
}

func pgxConnect(t *testing.T, tg target, mode pgx.QueryExecMode) *pgx.Conn {
	t.Helper()
	cfg, err := pgx.ParseConfig(tg.dsn(""))
	if err != nil {
		t.Fatal(err)
	}
	cfg.DefaultQueryExecMode = mode
	// On context cancel send a CancelRequest and keep the connection, rather
	// than pgx's default of breaking the connection with a deadline.
	cfg.BuildContextWatcherHandler = func(pc *pgconn.PgConn) ctxwatch.Handler {
		return &pgconn.CancelRequestContextWatcherHandler{Conn: pc, DeadlineDelay: 10 * time.Second}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		t.Fatalf("connect to %s: %v\n%s", tg.name, err, tg.log())
	}
	t.Cleanup(func() { c.Close(context.Background()) })
	return c
}

// pgCode returns the SQLSTATE of err, or "" when it carries none.
func pgCode(err error) string {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code
	}
	return ""
}

func pgxConnectErrors(t *testing.T, tg target) {
	try := func(dsn string) error {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		c, err := pgx.Connect(ctx, dsn)
		if err == nil {
			c.Close(ctx)
		}
		return err
	}
	if err := try(tg.dsn("")); err != nil {
		t.Fatalf("connect: %v\n%s", err, tg.log())
	}
	if got := pgCode(try(tg.dsn("no_such_database"))); got != "3D000" {
		t.Errorf("unknown database: SQLSTATE %q, want 3D000\n%s", got, tg.log())
	}
	if tg.authChecked() {
		if mechs := saslMechanisms(t, tg); len(mechs) == 0 || mechs[0] != "SCRAM-SHA-256" {
			t.Errorf("server offers SASL mechanisms %q, want SCRAM-SHA-256\n%s", mechs, tg.log())
		}
		bad := tg
		bad.password = "wrong-" + tg.password
		if got := pgCode(try(bad.dsn(""))); got != "28P01" {
			t.Errorf("wrong password: SQLSTATE %q, want 28P01\n%s", got, tg.log())
		}
		bad = tg
		bad.user = "no_such_user"
		if got := pgCode(try(bad.dsn(""))); got != "28P01" {
			t.Errorf("unknown user: SQLSTATE %q, want 28P01\n%s", got, tg.log())
		}
	}
}

// saslMechanisms sends a StartupMessage by hand and returns the mechanisms
// of the AuthenticationSASL answer (nil for any other answer).
func saslMechanisms(t *testing.T, tg target) []string {
	t.Helper()
	nc, err := net.DialTimeout("tcp", net.JoinHostPort(tg.host, strconv.Itoa(tg.port)), 10*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	_ = nc.SetDeadline(time.Now().Add(10 * time.Second))
	fe := pgproto3.NewFrontend(nc, nc)
	fe.Send(&pgproto3.StartupMessage{ProtocolVersion: pgproto3.ProtocolVersionNumber,
		Parameters: map[string]string{"user": tg.user, "database": tg.db}})
	if err := fe.Flush(); err != nil {
		t.Fatal(err)
	}
	msg, err := fe.Receive()
	if err != nil {
		t.Fatalf("reading the authentication request: %v", err)
	}
	if sasl, ok := msg.(*pgproto3.AuthenticationSASL); ok {
		return sasl.AuthMechanisms
	}
	t.Logf("answer to StartupMessage: %T", msg)
	return nil
}

type queryRowFunc func(sql string, args ...any) pgx.Row

// wantInt checks that sql returns the single int64 want.
func wantInt(t *testing.T, tg target, q queryRowFunc, want int64, sql string, args ...any) {
	t.Helper()
	var got int64
	if err := q(sql, args...).Scan(&got); err != nil {
		t.Fatalf("%s: %v\n%s", sql, err, tg.log())
	}
	if got != want {
		t.Fatalf("%s = %d, want %d", sql, got, want)
	}
}

func wantCode(t *testing.T, tg target, q queryRowFunc, code string, sql string, args ...any) {
	t.Helper()
	var x any
	err := q(sql, args...).Scan(&x)
	if got := pgCode(err); got != code {
		t.Fatalf("%s: error %v (SQLSTATE %q), want SQLSTATE %s\n%s", sql, err, got, code, tg.log())
	}
}

func pgxErrors(t *testing.T, tg target, m pgxMode, q queryRowFunc) {
	wantCode(t, tg, q, "22012", "SELECT 1/0")
	wantInt(t, tg, q, 1, "SELECT 1")
	wantCode(t, tg, q, "42601", "SELEC 1")
	wantInt(t, tg, q, 2, "SELECT 2")
	wantCode(t, tg, q, "42P01", "SELECT * FROM no_such_table")
	wantInt(t, tg, q, 3, "SELECT 3")
	if m.mode == pgx.QueryExecModeSimpleProtocol || m.mode == pgx.QueryExecModeExec {
		// The parameter reaches the server as text, which rejects it.
		wantCode(t, tg, q, "22P02", "SELECT $1::int", "abc")
		wantInt(t, tg, q, 4, "SELECT 4")
	}
}

func pgxParams(t *testing.T, tg target, q queryRowFunc) {
	scan := func(sql string, dst any, args ...any) {
		t.Helper()
		if err := q(sql, args...).Scan(dst); err != nil {
			t.Fatalf("%s %v: %v\n%s", sql, args, err, tg.log())
		}
	}
	wantInt(t, tg, q, 42, "SELECT $1::int + 1", int32(41))
	wantInt(t, tg, q, -32768, "SELECT $1::int2 - 1::int2", int16(-32767))
	wantInt(t, tg, q, 9223372036854775806, "SELECT $1::bigint * 2", int64(4611686018427387903))

	const text = "héllo wörld ✓ 'single' \"double\" back\\slash 日本語 😀"
	var s string
	scan("SELECT $1::text || '!'", &s, text)
	if s != text+"!" {
		t.Errorf("text round trip: got %q, want %q", s, text+"!")
	}
	scan("SELECT $1::varchar", &s, "it's")
	if s != "it's" {
		t.Errorf("varchar: got %q", s)
	}

	var in pgtype.Numeric
	if err := in.Scan("12345.678"); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ sql, want string }{
		{"SELECT $1::numeric + 1", "12346.678"},
		{"SELECT $1::numeric(10,2)", "12345.68"},
		{"SELECT -$1::numeric", "-12345.678"},
	} {
		var n pgtype.Numeric
		scan(c.sql, &n, in)
		v, err := n.Value()
		if err != nil || v != c.want {
			t.Errorf("%s with 12345.678 = %v (%v), want %s", c.sql, v, err, c.want)
		}
	}

	var b bool
	scan("SELECT NOT $1::bool", &b, true)
	if b {
		t.Errorf("NOT true = true")
	}

	var f float64
	scan("SELECT $1::float8 * 2", &f, 1.5)
	if f != 3 {
		t.Errorf("1.5 * 2 = %v", f)
	}
	scan("SELECT $1::float8", &f, 0.1)
	if f != 0.1 {
		t.Errorf("float8 0.1 round trip = %v", f)
	}
	var f4 float32
	scan("SELECT $1::float4", &f4, float32(0.1))
	if f4 != float32(0.1) {
		t.Errorf("float4 0.1 round trip = %v", f4)
	}

	var d time.Time
	scan("SELECT $1::date + 1", &d, time.Date(2024, 2, 28, 0, 0, 0, 0, time.UTC))
	if want := time.Date(2024, 2, 29, 0, 0, 0, 0, time.UTC); !d.Equal(want) {
		t.Errorf("date 2024-02-28 + 1 = %v, want %v", d, want)
	}
	ts := time.Date(2024, 3, 15, 13, 45, 30, 123456000, time.UTC)
	var gotTS time.Time
	scan("SELECT $1::timestamp", &gotTS, ts)
	if !gotTS.Equal(ts) {
		t.Errorf("timestamp round trip = %v, want %v", gotTS, ts)
	}
	tstz := time.Date(2024, 3, 15, 13, 45, 30, 123456000, time.FixedZone("+02", 2*3600))
	scan("SELECT $1::timestamptz", &gotTS, tstz)
	if !gotTS.Equal(tstz) {
		t.Errorf("timestamptz round trip = %v, want %v", gotTS, tstz)
	}

	blob := []byte{0, 1, 2, 0x7f, 0x80, 0xfe, 0xff, '\'', '"', '\\'}
	var gotBlob []byte
	scan("SELECT $1::bytea", &gotBlob, blob)
	if !bytes.Equal(gotBlob, blob) {
		t.Errorf("bytea round trip = %x, want %x", gotBlob, blob)
	}

	// NULL parameters.
	scan("SELECT $1::int IS NULL", &b, nil)
	if !b {
		t.Errorf("$1::int IS NULL with NULL = false")
	}
	var ps *string
	scan("SELECT $1::text", &ps, nil)
	if ps != nil {
		t.Errorf("NULL text = %q", *ps)
	}
	var pi *int32
	scan("SELECT $1::int + 1", &pi, nil)
	if pi != nil {
		t.Errorf("NULL + 1 = %d", *pi)
	}

	// Several parameters of different types in one statement.
	var (
		i4  int32
		i8  int64
		str string
		bl  bool
		f8  float64
		dt  time.Time
		nul *string
	)
	err := q("SELECT $1::int, $2::bigint, $3::text, $4::bool, $5::float8, $6::date, $7::text",
		int32(7), int64(-9000000000), "a'b", false, -2.25, time.Date(1999, 12, 31, 0, 0, 0, 0, time.UTC), nil).
		Scan(&i4, &i8, &str, &bl, &f8, &dt, &nul)
	if err != nil {
		t.Fatalf("several parameters: %v\n%s", err, tg.log())
	}
	if got := fmt.Sprintf("%v %v %v %v %v %v %v", i4, i8, str, bl, f8, dt.Format("2006-01-02"), nul); got != "7 -9000000000 a'b false -2.25 1999-12-31 <nil>" {
		t.Errorf("several parameters: got %s", got)
	}
}

func pgxTransaction(t *testing.T, tg target, c *pgx.Conn) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	tx, err := c.Begin(ctx)
	if err != nil {
		t.Fatalf("begin: %v\n%s", err, tg.log())
	}
	var x int
	if err := tx.QueryRow(ctx, "SELECT 1/0").Scan(&x); pgCode(err) != "22012" {
		t.Fatalf("SELECT 1/0 in transaction: %v, want 22012", err)
	}
	if err := tx.QueryRow(ctx, "SELECT 1").Scan(&x); pgCode(err) != "25P02" {
		t.Fatalf("SELECT 1 in failed transaction: %v, want 25P02", err)
	}
	if err := tx.Rollback(ctx); err != nil {
		t.Fatalf("rollback: %v", err)
	}
	tx, err = c.Begin(ctx)
	if err != nil {
		t.Fatalf("begin: %v", err)
	}
	if err := tx.QueryRow(ctx, "SELECT $1::int * 3", int32(5)).Scan(&x); err != nil || x != 15 {
		t.Fatalf("SELECT 5*3 in transaction: %d, %v", x, err)
	}
	if err := tx.Commit(ctx); err != nil {
		t.Fatalf("commit: %v", err)
	}
	if err := c.QueryRow(ctx, "SELECT 1").Scan(&x); err != nil || x != 1 {
		t.Fatalf("SELECT 1 after commit: %d, %v", x, err)
	}
}

func pgxCancel(t *testing.T, tg target, c *pgx.Conn) {
	ctx, cancel := context.WithCancel(context.Background())
	timer := time.AfterFunc(500*time.Millisecond, cancel)
	defer timer.Stop()
	start := time.Now()
	_, err := c.Exec(ctx, "SELECT pg_sleep(30)")
	elapsed := time.Since(start)
	cancel()
	if got := pgCode(err); got != "57014" {
		t.Fatalf("canceled pg_sleep(30): error %v (SQLSTATE %q), want 57014\n%s", err, got, tg.log())
	}
	if elapsed > 5*time.Second {
		t.Errorf("cancel took %v", elapsed)
	}
	if c.IsClosed() {
		t.Fatalf("connection closed by the cancel")
	}
	ctx2, cancel2 := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel2()
	var x int
	if err := c.QueryRow(ctx2, "SELECT 1").Scan(&x); err != nil || x != 1 {
		t.Fatalf("SELECT 1 after cancel: %d, %v\n%s", x, err, tg.log())
	}
}
