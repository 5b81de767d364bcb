package clients

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"testing"
	"time"

	"github.com/lib/pq"
)

// TestLibPQ drives lib/pq through database/sql, with parameters sent as
// text (the default: Parse, Describe, then Bind) and with
// binary_parameters=yes (bytea sent in binary, one round trip).
func TestLibPQ(t *testing.T) {
	t.Parallel()
	forEachTarget(t, func(t *testing.T, tg target) {
		t.Run("connect_errors", func(t *testing.T) { libpqConnectErrors(t, tg) })
		for _, mode := range []struct{ name, opts string }{
			{"default", ""},
			{"binary_parameters", "&binary_parameters=yes"},
		} {
			t.Run(mode.name, func(t *testing.T) {
				db, err := sql.Open("postgres", tg.dsn("")+mode.opts)
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { db.Close() })
				ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
				t.Cleanup(cancel)
				c, err := db.Conn(ctx) // one session for all the checks below
				if err != nil {
					t.Fatalf("connect to %s: %v\n%s", tg.name, err, tg.log())
				}
				t.Cleanup(func() { c.Close() })
				t.Run("errors", func(t *testing.T) { libpqErrors(t, tg, ctx, c) })
				t.Run("params", func(t *testing.T) { libpqParams(t, tg, ctx, c) })
				t.Run("transaction", func(t *testing.T) { libpqTransaction(t, tg, ctx, c) })
				t.Run("cancel", func(t *testing.T) { libpqCancel(t, tg, db) })
			})
		}
	})
}

func pqCode(err error) string {
	var pe *pq.Error
	if errors.As(err, &pe) {
		return string(pe.Code)
	}
	return ""
}

func libpqConnectErrors(t *testing.T, tg target) {
	try := func(dsn string) error {
		db, err := sql.Open("postgres", dsn)
		if err != nil {
			return err
		}
		defer db.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		return db.PingContext(ctx)
	}
	if err := try(tg.dsn("")); err != nil {
		t.Fatalf("connect: %v\n%s", err, tg.log())
	}
	if got := pqCode(try(tg.dsn("no_such_database"))); got != "3D000" {
		t.Errorf("unknown database: SQLSTATE %q, want 3D000\n%s", got, tg.log())
	}
	if tg.authChecked() {
		bad := tg
		bad.password = "wrong-" + tg.password
		if got := pqCode(try(bad.dsn(""))); got != "28P01" {
			t.Errorf("wrong password: SQLSTATE %q, want 28P01\n%s", got, tg.log())
		}
	}
}

func libpqErrors(t *testing.T, tg target, ctx context.Context, c *sql.Conn) {
	want := func(code, sql string, args ...any) {
		t.Helper()
		var x any
		err := c.QueryRowContext(ctx, sql, args...).Scan(&x)
		if got := pqCode(err); got != code {
			t.Fatalf("%s %v: error %v (SQLSTATE %q), want %s\n%s", sql, args, err, got, code, tg.log())
		}
	}
	ok := func(want int, sql string, args ...any) {
		t.Helper()
		var x int
		if err := c.QueryRowContext(ctx, sql, args...).Scan(&x); err != nil || x != want {
			t.Fatalf("%s %v: %d, %v, want %d\n%s", sql, args, x, err, want, tg.log())
		}
	}
	// Without arguments lib/pq sends a simple Query; with them, the
	// extended protocol.
	want("22012", "SELECT 1/0")
	ok(1, "SELECT 1")
	want("42601", "SELEC 1")
	ok(2, "SELECT 2")
	want("22012", "SELECT $1::int / 0", 1)
	ok(3, "SELECT $1::int", 3)
	want("42601", "SELEC $1::int", 1)
	ok(4, "SELECT $1::int + 1", 3)
	want("22P02", "SELECT $1::int", "abc")
	ok(5, "SELECT 5")
	// Exec goes through a different path in database/sql and lib/pq.
	if _, err := c.ExecContext(ctx, "SELECT 1/0"); pqCode(err) != "22012" {
		t.Fatalf("Exec SELECT 1/0: %v, want 22012", err)
	}
	if _, err := c.ExecContext(ctx, "SELECT $1::int", 1); err != nil {
		t.Fatalf("Exec after error: %v", err)
	}
}

func libpqParams(t *testing.T, tg target, ctx context.Context, c *sql.Conn) {
	scan := func(sql string, dst any, args ...any) {
		t.Helper()
		if err := c.QueryRowContext(ctx, sql, args...).Scan(dst); err != nil {
			t.Fatalf("%s %v: %v\n%s", sql, args, err, tg.log())
		}
	}
	var i int64
	scan("SELECT $1::int + 1", &i, 41)
	if i != 42 {
		t.Errorf("41 + 1 = %d", i)
	}
	scan("SELECT $1::bigint * 2", &i, int64(4611686018427387903))
	if i != 9223372036854775806 {
		t.Errorf("bigint * 2 = %d", i)
	}
	const text = "héllo wörld ✓ 'single' \"double\" back\\slash 日本語 😀"
	var s string
	scan("SELECT $1::text || '!'", &s, text)
	if s != text+"!" {
		t.Errorf("text round trip: got %q", s)
	}
	scan("SELECT $1::numeric + 1", &s, "12345.678")
	if s != "12346.678" {
		t.Errorf("numeric 12345.678 + 1 = %s", s)
	}
	scan("SELECT $1::numeric(10,2)", &s, "12345.678")
	if s != "12345.68" {
		t.Errorf("numeric(10,2) of 12345.678 = %s", s)
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
		t.Errorf("0.1 round trip = %v", f)
	}
	scan("SELECT ($1::date + 1)::text", &s, "2024-02-28")
	if s != "2024-02-29" {
		t.Errorf("date + 1 = %s", s)
	}
	var ts time.Time
	scan("SELECT $1::date", &ts, time.Date(2024, 2, 29, 0, 0, 0, 0, time.UTC))
	if ts.Format("2006-01-02") != "2024-02-29" {
		t.Errorf("date round trip = %v", ts)
	}
	want := time.Date(2024, 3, 15, 13, 45, 30, 123456000, time.UTC)
	scan("SELECT $1::timestamp", &ts, want)
	if !ts.Equal(want) {
		t.Errorf("timestamp round trip = %v, want %v", ts, want)
	}
	scan("SELECT $1::timestamp::text", &s, "2024-03-15 13:45:30.123456")
	if s != "2024-03-15 13:45:30.123456" {
		t.Errorf("timestamp text = %q", s)
	}
	wantTZ := time.Date(2024, 3, 15, 13, 45, 30, 123456000, time.FixedZone("+02", 2*3600))
	scan("SELECT $1::timestamptz", &ts, wantTZ)
	if !ts.Equal(wantTZ) {
		t.Errorf("timestamptz round trip = %v, want %v", ts, wantTZ)
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
	var ns sql.NullString
	scan("SELECT $1::text", &ns, nil)
	if ns.Valid {
		t.Errorf("NULL text = %q", ns.String)
	}
	var ni sql.NullInt64
	scan("SELECT $1::int + 1", &ni, nil)
	if ni.Valid {
		t.Errorf("NULL + 1 = %d", ni.Int64)
	}

	// Several parameters in one statement.
	var (
		a  int64
		bs string
		bb bool
		ff float64
		nn sql.NullString
	)
	if err := c.QueryRowContext(ctx, "SELECT $1::bigint, $2::text, $3::bool, $4::float8, $5::text", int64(-9000000000), "a'b", false, -2.25, nil).
		Scan(&a, &bs, &bb, &ff, &nn); err != nil {
		t.Fatalf("several parameters: %v\n%s", err, tg.log())
	}
	if a != -9000000000 || bs != "a'b" || bb || ff != -2.25 || nn.Valid {
		t.Errorf("several parameters: %v %q %v %v %v", a, bs, bb, ff, nn)
	}
}

func libpqTransaction(t *testing.T, tg target, ctx context.Context, c *sql.Conn) {
	tx, err := c.BeginTx(ctx, nil)
	if err != nil {
		t.Fatalf("begin: %v\n%s", err, tg.log())
	}
	var x int
	if err := tx.QueryRowContext(ctx, "SELECT 1/0").Scan(&x); pqCode(err) != "22012" {
		t.Fatalf("SELECT 1/0 in transaction: %v, want 22012", err)
	}
	if err := tx.QueryRowContext(ctx, "SELECT 1").Scan(&x); pqCode(err) != "25P02" {
		t.Fatalf("SELECT 1 in failed transaction: %v, want 25P02", err)
	}
	if err := tx.Rollback(); err != nil {
		t.Fatalf("rollback: %v", err)
	}
	if err := c.QueryRowContext(ctx, "SELECT $1::int", 7).Scan(&x); err != nil || x != 7 {
		t.Fatalf("SELECT after rollback: %d, %v", x, err)
	}
}

// libpqCancel cancels through the context: lib/pq sends a CancelRequest and
// then, by its own design, discards the driver connection; so "still
// answers" is checked on the pool.
func libpqCancel(t *testing.T, tg target, db *sql.DB) {
	ctx, cancel := context.WithCancel(context.Background())
	c, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	timer := time.AfterFunc(500*time.Millisecond, cancel)
	defer timer.Stop()
	start := time.Now()
	_, err = c.ExecContext(ctx, "SELECT pg_sleep(30)")
	elapsed := time.Since(start)
	if got := pqCode(err); got != "57014" {
		t.Fatalf("canceled pg_sleep(30): error %v (SQLSTATE %q), want 57014\n%s", err, got, tg.log())
	}
	if elapsed > 5*time.Second {
		t.Errorf("cancel took %v", elapsed)
	}
	ctx2, cancel2 := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel2()
	var x int
	if err := db.QueryRowContext(ctx2, "SELECT 1").Scan(&x); err != nil || x != 1 {
		t.Fatalf("SELECT 1 after cancel: %d, %v\n%s", x, err, tg.log())
	}
}
