package cluster_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/lattice-olap/lattice/cluster"
	"github.com/lattice-olap/lattice/metastore"
	"github.com/lattice-olap/lattice/pgerr"
)

// TestForwardToHolder: a query node (in this process) forwards statements
// to the lease holder (a lattice process), which runs them as the original
// user; rows, tags, errors with their SQLSTATE, and NOTICEs come back, and
// the forwarding node's cache has caught up when Forward returns.
func TestForwardToHolder(t *testing.T) {
	forEachBackend(t, func(t *testing.T, backend string) {
		ctx := context.Background()
		c := StartCluster(t, backend, "", []NodeSpec{{"j", "all"}})
		j := c.Nodes["j"]
		j.Query(t, "lattice", "CREATE USER erin WITH PASSWORD 'erinpw'")
		j.Query(t, "lattice", "GRANT MANAGEMENT ON PROJECT lattice TO erin")
		Eventually(t, 20*time.Second, func() string {
			if h := holdersOf(t, j); h["lattice"] != "j" {
				return "j does not hold lattice yet"
			}
			return ""
		})

		s, err := metastore.Open(ctx, c.Metastore)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		if _, err := s.StartCache(ctx, metastore.CacheOptions{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}); err != nil {
			t.Fatal(err)
		}
		q := cluster.New(cluster.Config{Store: s, Mode: "query", InstanceID: "q-inproc", Host: "127.0.0.1", PGPort: 1,
			LeaderRace: true, Interval: time.Second, Timeout: 3 * time.Second, MaxSkew: 5 * time.Second, Version: "test",
			Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
		if err := q.Start(ctx); err != nil {
			t.Fatal(err)
		}
		defer q.Stop(ctx)
		if _, ok := q.Local(ctx, "lattice"); ok {
			t.Fatal("a query node reports a lease")
		}

		// Rows and tag, run as the original user.
		rows, tag, err := q.Forward(ctx, "lattice", "erin", "SELECT current_user, 1 + 1, NULL::text", nil)
		if err != nil {
			t.Fatal(err)
		}
		if tag != "SELECT 1" || len(rows) != 1 || *rows[0][0] != "erin" || *rows[0][1] != "2" || rows[0][2] != nil {
			t.Fatalf("Forward SELECT: tag %q rows %v", tag, rows)
		}
		// A write on the holder is visible here when Forward returns.
		_, tag, err = q.Forward(ctx, "lattice", "erin", "CREATE TABLE fwd_t (a int)", nil)
		if err != nil || tag != "CREATE TABLE" {
			t.Fatalf("Forward CREATE TABLE: %q %v", tag, err)
		}
		if _, err := s.Table(ctx, "lattice", "public", "fwd_t"); err != nil {
			t.Fatalf("forwarded CREATE TABLE not visible after Forward: %v", err)
		}
		// Errors keep their SQLSTATE, message and hint: the same as the
		// holder gives a direct client.
		for _, stmt := range []string{"SELECT 1/0", "SELEC 1", "SELECT * FROM no_such_table"} {
			_, _, err = q.Forward(ctx, "lattice", "erin", stmt, nil)
			_, direct := j.TryQuery("lattice", stmt)
			var pe *pgerr.Error
			var de *pgconn.PgError
			if !errors.As(err, &pe) || !errors.As(direct, &de) || string(pe.Code) != de.Code || pe.Message != de.Message ||
				pe.Hint != de.Hint || pe.Position != de.Position {
				t.Fatalf("%s: forwarded %#v, direct %#v", stmt, err, direct)
			}
		}
		var pe *pgerr.Error
		// Permissions are the original user's: a user without a role on
		// the project cannot even connect.
		_, _, err = q.Forward(ctx, "lattice", "nobody_here", "SELECT 1", nil)
		if !errors.As(err, &pe) || pe.Code != "28000" {
			t.Fatalf("Forward as an unknown user: %#v", err)
		}
		// NOTICEs are relayed as they arrive, as the holder sends them to
		// a direct client.
		const stmt = "DROP TABLE IF EXISTS no_such_table"
		var mu sync.Mutex
		var notices []string
		_, _, err = q.Forward(ctx, "lattice", "erin", stmt, func(e *pgerr.Error) {
			mu.Lock()
			notices = append(notices, string(e.Code)+" "+e.Severity+" "+e.Message)
			mu.Unlock()
		})
		if err != nil {
			t.Fatal(err)
		}
		var direct []string
		cfg, err := pgconn.ParseConfig(j.DSN("lattice"))
		if err != nil {
			t.Fatal(err)
		}
		cfg.OnNotice = func(_ *pgconn.PgConn, n *pgconn.Notice) {
			direct = append(direct, n.Code+" "+n.Severity+" "+n.Message)
		}
		pc, err := pgconn.ConnectConfig(ctx, cfg)
		if err != nil {
			t.Fatal(err)
		}
		_, err = pc.Exec(ctx, stmt).ReadAll()
		pc.Close(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(notices) != 1 || strings.Join(notices, "|") != strings.Join(direct, "|") || !strings.Contains(notices[0], "NOTICE") {
			t.Fatalf("relayed notices %v, direct %v", notices, direct)
		}
	})
}
