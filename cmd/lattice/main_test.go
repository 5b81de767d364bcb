package main

import (
	"bytes"
	"context"
	"errors"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/stretchr/testify/require"

	"github.com/lattice-olap/lattice/internal/testenv"
)

func TestVersionAndUsage(t *testing.T) {
	var out, errb bytes.Buffer
	require.Equal(t, 0, run([]string{"version"}, &out, &errb))
	require.Contains(t, out.String(), "lattice ")
	require.Equal(t, 2, run([]string{"frobnicate"}, &out, &errb))
	require.Contains(t, errb.String(), "unknown command")
}

// TestBadConfigurationNamesTheKey starts the real binary with bad keys and
// values: it must refuse to start and name the key.
func TestBadConfigurationNamesTheKey(t *testing.T) {
	bin := testenv.Binary(t)
	for _, set := range []string{
		"lattice.server.mode=leader",
		"lattice.unknown.key=1",
		"lattice.server.pg-listen=0.0.0.0:1", // non-loopback without an admin password
	} {
		key, _, _ := strings.Cut(set, "=")
		if strings.Contains(set, "0.0.0.0") {
			key = "lattice.security.admin-password"
		}
		cmd := exec.Command(bin, "serve", "--set", "lattice.storage.data-dir="+t.TempDir(), "--set", set)
		out, err := cmd.CombinedOutput()
		var ee *exec.ExitError
		require.True(t, errors.As(err, &ee), "lattice must exit non-zero for %s: %s", set, out)
		require.Contains(t, string(out), key, set)
	}
}

// TestNodeOnEachMetastore starts a node on the embedded SQLite, the real
// PostgreSQL and the real MariaDB, and uses it through pgx.
func TestNodeOnEachMetastore(t *testing.T) {
	for _, backend := range testenv.MetastoreBackends {
		t.Run(backend, func(t *testing.T) {
			n := testenv.StartNode(t, "lattice.metadata.url="+testenv.MetastoreURL(t, backend))
			ctx := context.Background()
			c := n.Connect(t, "lattice")
			for _, stmt := range []string{
				"CREATE DATABASE sales",
				"CREATE USER analyst WITH PASSWORD 'a-secret'",
				"CREATE USER outsider WITH PASSWORD 'o-secret'",
				"GRANT QUERY ON PROJECT sales TO analyst",
			} {
				_, err := c.Exec(ctx, stmt)
				require.NoError(t, err, stmt)
			}
			ac, err := pgx.Connect(ctx, "postgres://analyst:a-secret@"+n.Addr()+"/sales?sslmode=disable")
			require.NoError(t, err)
			var db, user string
			require.NoError(t, ac.QueryRow(ctx, "SELECT current_database(), current_user").Scan(&db, &user))
			require.Equal(t, "sales", db)
			require.Equal(t, "analyst", user)
			ac.Close(ctx)

			_, err = pgx.Connect(ctx, "postgres://outsider:o-secret@"+n.Addr()+"/sales?sslmode=disable")
			requireCode(t, err, "42501")
			_, err = pgx.Connect(ctx, "postgres://analyst:wrong@"+n.Addr()+"/sales?sslmode=disable")
			requireCode(t, err, "28P01")
			_, err = pgx.Connect(ctx, "postgres://analyst:a-secret@"+n.Addr()+"/nope?sslmode=disable")
			requireCode(t, err, "3D000")
		})
	}
}

func requireCode(t *testing.T, err error, code string) {
	t.Helper()
	var pe *pgconn.PgError
	require.True(t, errors.As(err, &pe), "want SQLSTATE %s, got %v", code, err)
	require.Equal(t, code, pe.Code, pe.Message)
}

// TestSIGTERMDrains checks the graceful stop: a running statement finishes
// and returns its row, an idle session is told the server is shutting down,
// and the process exits with status 0.
func TestSIGTERMDrains(t *testing.T) {
	n := testenv.StartNode(t)
	ctx := context.Background()
	busy := n.Connect(t, "lattice")
	idle := n.Connect(t, "lattice")
	require.NoError(t, idle.Ping(ctx))

	type result struct {
		v   int
		err error
	}
	done := make(chan result, 1)
	go func() {
		var v int
		err := busy.QueryRow(ctx, "SELECT 7 + (pg_sleep(1.5) IS NULL)::int * 0").Scan(&v)
		done <- result{v, err}
	}()
	time.Sleep(300 * time.Millisecond)
	require.NoError(t, n.Signal(syscall.SIGTERM))
	r := <-done
	require.NoError(t, r.err, "a running statement finishes during the drain")
	require.Equal(t, 7, r.v)
	select {
	case <-n.Done():
		require.NoError(t, n.ExitErr(), n.Log())
	case <-time.After(20 * time.Second):
		t.Fatalf("node did not exit after SIGTERM\n%s", n.Log())
	}
	err := idle.Ping(ctx)
	require.Error(t, err, "the idle session was closed")
	require.Contains(t, n.Log(), "draining sessions")
}
