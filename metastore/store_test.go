package metastore

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/lattice-olap/lattice/internal/testenv"
	"github.com/lattice-olap/lattice/pgerr"
)

// forEachBackend runs fn against a fresh metastore on every backend: the
// embedded SQLite, the real PostgreSQL and the real MariaDB.
func forEachBackend(t *testing.T, fn func(t *testing.T, backend, url string)) {
	for _, b := range testenv.MetastoreBackends {
		t.Run(b, func(t *testing.T) {
			fn(t, b, testenv.MetastoreURL(t, b))
		})
	}
}

func open(t *testing.T, url string) *Store {
	t.Helper()
	s, err := Open(context.Background(), url)
	require.NoError(t, err)
	t.Cleanup(func() { s.Close() })
	return s
}

func TestMigrationsConcurrentAndVersioned(t *testing.T) {
	forEachBackend(t, func(t *testing.T, backend, url string) {
		ctx := context.Background()
		// Several nodes start at once: all succeed, one schema results.
		var wg sync.WaitGroup
		errs := make([]error, 6)
		for i := range errs {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				s, err := Open(ctx, url)
				if err == nil {
					err = s.Bootstrap(ctx, "pw")
					s.Close()
				}
				errs[i] = err
			}(i)
		}
		wg.Wait()
		for _, err := range errs {
			require.NoError(t, err)
		}
		s := open(t, url)
		var v int
		require.NoError(t, s.queryRow(ctx, `SELECT version FROM lattice_schema WHERE id = 1`).Scan(&v))
		require.Equal(t, SchemaVersion(), v)
		users, err := s.Users(ctx)
		require.NoError(t, err)
		require.Len(t, users, 1, "exactly one admin after concurrent bootstraps")
		projects, err := s.Projects(ctx)
		require.NoError(t, err)
		require.Len(t, projects, 1)
		require.Equal(t, DefaultProject, projects[0].Name)

		// A schema newer than the binary is refused with a clear message.
		_, err = s.db.ExecContext(ctx, `UPDATE lattice_schema SET version = 999 WHERE id = 1`)
		require.NoError(t, err)
		_, err = Open(ctx, url)
		require.Error(t, err)
		require.Contains(t, err.Error(), "newer than this binary")
	})
}

func TestPeopleAndProjects(t *testing.T) {
	forEachBackend(t, func(t *testing.T, backend, url string) {
		ctx := context.Background()
		s := open(t, url)
		require.NoError(t, s.Bootstrap(ctx, "secret"))
		admin, err := s.User(ctx, AdminUser)
		require.NoError(t, err)
		require.True(t, admin.IsAdmin)
		_, err = ParseVerifier(admin.Verifier)
		require.NoError(t, err)

		require.NoError(t, s.CreateUser(ctx, "alice", "pw1", false))
		require.Equal(t, pgerr.DuplicateObject, pgerr.CodeOf(s.CreateUser(ctx, "alice", "pw2", false)))
		require.NoError(t, s.CreateProject(ctx, "sales"))
		require.Equal(t, pgerr.DuplicateDatabase, pgerr.CodeOf(s.CreateProject(ctx, "sales")))

		alice, err := s.User(ctx, "alice")
		require.NoError(t, err)
		ok, err := s.CanConnect(ctx, alice, "sales")
		require.NoError(t, err)
		require.False(t, ok, "no role yet")
		ok, err = s.CanConnect(ctx, admin, "sales")
		require.NoError(t, err)
		require.True(t, ok, "admin connects anywhere")

		require.NoError(t, s.GrantRole(ctx, "sales", "alice", RoleQuery))
		require.NoError(t, s.GrantRole(ctx, "sales", "alice", RoleOperation)) // replaces
		r, err := s.RoleOf(ctx, "sales", "alice")
		require.NoError(t, err)
		require.Equal(t, RoleOperation, r)
		ok, err = s.CanConnect(ctx, alice, "sales")
		require.NoError(t, err)
		require.True(t, ok)
		require.Equal(t, pgerr.InvalidCatalogName, pgerr.CodeOf(s.GrantRole(ctx, "nope", "alice", RoleQuery)))
		require.Equal(t, pgerr.UndefinedObject, pgerr.CodeOf(s.GrantRole(ctx, "sales", "bob", RoleQuery)))

		require.NoError(t, s.SetPassword(ctx, "alice", "pw3"))
		a2, err := s.User(ctx, "alice")
		require.NoError(t, err)
		require.NotEqual(t, alice.Verifier, a2.Verifier)
		require.Greater(t, a2.Version, alice.Version)

		require.NoError(t, s.RevokeRole(ctx, "sales", "alice", ""))
		r, err = s.RoleOf(ctx, "sales", "alice")
		require.NoError(t, err)
		require.Equal(t, Role(""), r)

		require.NoError(t, s.GrantRole(ctx, "sales", "alice", RoleAdmin))
		require.NoError(t, s.DropProject(ctx, "sales"))
		_, err = s.Project(ctx, "sales")
		require.ErrorIs(t, err, ErrNotFound)
		grants, err := s.Grants(ctx, "sales")
		require.NoError(t, err)
		require.Empty(t, grants, "dropping a project drops its grants")
		require.Equal(t, pgerr.InvalidCatalogName, pgerr.CodeOf(s.DropProject(ctx, "sales")))

		require.NoError(t, s.DropUser(ctx, "alice"))
		_, err = s.User(ctx, "alice")
		require.ErrorIs(t, err, ErrNotFound)
		require.Equal(t, pgerr.UndefinedObject, pgerr.CodeOf(s.DropUser(ctx, "alice")))

		id, secret, err := s.ClusterInfo(ctx)
		require.NoError(t, err)
		require.Len(t, id, 32)
		require.Len(t, secret, 32)
		require.NotEqual(t, id, secret)
	})
}

func TestOptimisticConcurrency(t *testing.T) {
	forEachBackend(t, func(t *testing.T, backend, url string) {
		ctx := context.Background()
		s1, s2 := open(t, url), open(t, url)
		require.NoError(t, s1.CreateProject(ctx, "p"))
		p, err := s1.Project(ctx, "p")
		require.NoError(t, err)
		// Two writers read version v; the first update wins, the second
		// gets 40001 and nothing of it is written.
		require.NoError(t, s1.SetProjectDescription(ctx, "p", "first", p.Version))
		err = s2.SetProjectDescription(ctx, "p", "second", p.Version)
		require.Equal(t, pgerr.TRSerializationFailure, pgerr.CodeOf(err), "%v", err)
		got, err := s2.Project(ctx, "p")
		require.NoError(t, err)
		require.Equal(t, "first", got.Description)
		require.Equal(t, p.Version+1, got.Version)

		// Many concurrent writers of one version: exactly one wins.
		var wins atomic.Int32
		var wg sync.WaitGroup
		for i := 0; i < 8; i++ {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				err := s1.SetProjectDescription(ctx, "p", fmt.Sprint(i), got.Version)
				if err == nil {
					wins.Add(1)
				} else if c := pgerr.CodeOf(err); c != pgerr.TRSerializationFailure {
					t.Errorf("writer %d: unexpected %v", i, err)
				}
			}(i)
		}
		wg.Wait()
		require.EqualValues(t, 1, wins.Load())
	})
}

func TestLeasesAndFencing(t *testing.T) {
	forEachBackend(t, func(t *testing.T, backend, url string) {
		ctx := context.Background()
		s := open(t, url)
		ttl := 1500 * time.Millisecond
		a, err := s.AcquireLease(ctx, "p", "node-a", ttl)
		require.NoError(t, err)
		require.Equal(t, "node-a", a.Owner)
		b, err := s.AcquireLease(ctx, "p", "node-b", ttl)
		require.NoError(t, err)
		require.Equal(t, "node-a", b.Owner, "a live lease is not taken over")
		require.Equal(t, a.Epoch, b.Epoch)

		renewed, err := s.RenewLease(ctx, "p", "node-a", a.Epoch, ttl)
		require.NoError(t, err)
		require.Equal(t, a.Epoch, renewed.Epoch, "renewal keeps the epoch")
		again, err := s.AcquireLease(ctx, "p", "node-a", ttl)
		require.NoError(t, err)
		require.Equal(t, a.Epoch, again.Epoch, "re-acquiring a live lease keeps the epoch")

		createFenceTable(t, s)
		require.NoError(t, s.Fenced(ctx, "p", "node-a", a.Epoch, func(tx *Tx) error {
			_, err := tx.Exec(`INSERT INTO fence_log (epoch, owner) VALUES (?, ?)`, a.Epoch, "node-a")
			return err
		}))

		// Let it expire by the database clock; b takes over with a higher epoch.
		time.Sleep(ttl + 300*time.Millisecond)
		b, err = s.AcquireLease(ctx, "p", "node-b", ttl)
		require.NoError(t, err)
		require.Equal(t, "node-b", b.Owner)
		require.Greater(t, b.Epoch, a.Epoch)

		// The former owner can neither renew nor commit a fenced write.
		_, err = s.RenewLease(ctx, "p", "node-a", a.Epoch, ttl)
		require.ErrorIs(t, err, ErrLeaseLost)
		require.Equal(t, pgerr.ObjectNotInPrerequisiteState, pgerr.CodeOf(err))
		ran := false
		err = s.Fenced(ctx, "p", "node-a", a.Epoch, func(tx *Tx) error {
			ran = true
			_, err := tx.Exec(`INSERT INTO fence_log (epoch, owner) VALUES (?, ?)`, a.Epoch, "node-a")
			return err
		})
		require.ErrorIs(t, err, ErrLeaseLost)
		require.False(t, ran, "a fenced write must not run without the lease")
		var n int
		require.NoError(t, s.queryRow(ctx, `SELECT COUNT(*) FROM fence_log`).Scan(&n))
		require.Equal(t, 1, n)

		require.NoError(t, s.ReleaseLease(ctx, "p", "node-b", b.Epoch))
		c, err := s.AcquireLease(ctx, "p", "node-a", ttl)
		require.NoError(t, err)
		require.Equal(t, "node-a", c.Owner, "a released lease is free at once")
		require.Greater(t, c.Epoch, b.Epoch)
		leases, err := s.Leases(ctx)
		require.NoError(t, err)
		require.Len(t, leases, 1)
	})
}

func createFenceTable(t *testing.T, s *Store) {
	t.Helper()
	_, err := s.db.Exec(s.dialect.ddl(`CREATE TABLE fence_log (seq {{id}}, epoch BIGINT NOT NULL, owner VARCHAR(64) NOT NULL)`))
	require.NoError(t, err)
}

// TestLeaseRace races several nodes for one project's lease with a short
// TTL. Every node that believes it holds the lease makes fenced writes.
// Each epoch must belong to one owner, and the fenced writes, in commit
// order, must never go back to an older epoch.
func TestLeaseRace(t *testing.T) {
	forEachBackend(t, func(t *testing.T, backend, url string) {
		ctx := context.Background()
		createFenceTable(t, open(t, url))
		const nodes = 4
		ttl := 400 * time.Millisecond
		deadline := time.Now().Add(3 * time.Second)
		var mu sync.Mutex
		owners := map[int64]string{}
		var wg sync.WaitGroup
		for i := 0; i < nodes; i++ {
			s := open(t, url)
			wg.Add(1)
			go func(me string) {
				defer wg.Done()
				for time.Now().Before(deadline) {
					l, err := s.AcquireLease(ctx, "race", me, ttl)
					if err != nil {
						t.Errorf("%s acquire: %v", me, err)
						return
					}
					if l.Owner != me {
						time.Sleep(50 * time.Millisecond)
						continue
					}
					mu.Lock()
					if prev, ok := owners[l.Epoch]; ok && prev != me {
						t.Errorf("epoch %d held by %s and %s", l.Epoch, prev, me)
					}
					owners[l.Epoch] = me
					mu.Unlock()
					// Write under the fence, sometimes stalling past the TTL
					// as a paused node would.
					for k := 0; k < 3; k++ {
						err := s.Fenced(ctx, "race", me, l.Epoch, func(tx *Tx) error {
							_, err := tx.Exec(`INSERT INTO fence_log (epoch, owner) VALUES (?, ?)`, l.Epoch, me)
							return err
						})
						if err != nil && !errors.Is(err, ErrLeaseLost) {
							t.Errorf("%s fenced: %v", me, err)
						}
						time.Sleep(time.Duration(k) * 250 * time.Millisecond)
					}
				}
			}(fmt.Sprintf("node-%d", i))
		}
		wg.Wait()
		s := open(t, url)
		rows, err := s.db.Query(`SELECT epoch, owner FROM fence_log ORDER BY seq`)
		require.NoError(t, err)
		defer rows.Close()
		var last int64
		count := 0
		for rows.Next() {
			var e int64
			var o string
			require.NoError(t, rows.Scan(&e, &o))
			require.GreaterOrEqual(t, e, last, "a write of epoch %d by %s committed after epoch %d", e, o, last)
			require.Equal(t, owners[e], o)
			last = e
			count++
		}
		require.Greater(t, count, 0)
		require.Greater(t, len(owners), 1, "the lease should have changed hands")
	})
}

func TestChangeLogCache(t *testing.T) {
	forEachBackend(t, func(t *testing.T, backend, url string) {
		ctx := context.Background()
		s1, s2 := open(t, url), open(t, url)
		require.NoError(t, s1.Bootstrap(ctx, "pw"))
		c1, err := s1.StartCache(ctx, CacheOptions{PollInterval: 50 * time.Millisecond, GapTimeout: 500 * time.Millisecond})
		require.NoError(t, err)
		c2, err := s2.StartCache(ctx, CacheOptions{PollInterval: 50 * time.Millisecond, GapTimeout: 500 * time.Millisecond})
		require.NoError(t, err)

		// Read-your-writes on the writer's node, and the other node's
		// cache within the catch-up interval.
		require.NoError(t, s1.CreateProject(ctx, "shared"))
		_, ok := c1.project("shared")
		require.True(t, ok, "the writer's cache has its own write at once")
		require.Eventually(t, func() bool { _, ok := c2.project("shared"); return ok }, 5*time.Second, 20*time.Millisecond)
		require.NoError(t, s2.DropProject(ctx, "shared"))
		require.Eventually(t, func() bool { _, ok := c1.project("shared"); return !ok }, 5*time.Second, 20*time.Millisecond)

		require.NoError(t, s1.CreateUser(ctx, "u1", "pw", false))
		require.NoError(t, s1.CreateProject(ctx, "p1"))
		require.NoError(t, s1.GrantRole(ctx, "p1", "u1", RoleQuery))
		require.Eventually(t, func() bool { r, ok := c2.role("p1", "u1"); return ok && r == RoleQuery }, 5*time.Second, 20*time.Millisecond)

		if backend == "sqlite" {
			return // SQLite serializes writers: commits cannot come out of id order.
		}
		// A transaction that took an id first but commits last leaves a
		// gap that the cache waits for instead of skipping.
		slow, err := s1.db.BeginTx(ctx, nil)
		require.NoError(t, err)
		slowTx := &Tx{tx: slow, s: s1, ctx: ctx}
		require.NoError(t, insertProject(slowTx, "late"))
		require.NoError(t, s1.CreateProject(ctx, "early"))
		require.Eventually(t, func() bool { _, ok := c2.project("early"); return ok }, 5*time.Second, 20*time.Millisecond)
		gapAt := c2.Next()
		require.NoError(t, slow.Commit())
		require.Eventually(t, func() bool { _, ok := c2.project("late"); return ok }, 5*time.Second, 20*time.Millisecond)
		require.Greater(t, c2.Next(), gapAt)

		// A rolled-back transaction leaves a permanent gap: after the gap
		// timeout the cache moves past it and keeps following.
		rb, err := s1.db.BeginTx(ctx, nil)
		require.NoError(t, err)
		require.NoError(t, insertProject(&Tx{tx: rb, s: s1, ctx: ctx}, "never"))
		require.NoError(t, s1.CreateProject(ctx, "after-gap"))
		require.NoError(t, rb.Rollback())
		require.NoError(t, s1.CreateProject(ctx, "after-gap-2"))
		require.Eventually(t, func() bool {
			_, ok1 := c2.project("after-gap-2")
			c2.mu.RLock()
			pending := len(c2.applied)
			c2.mu.RUnlock()
			return ok1 && pending == 0
		}, 10*time.Second, 20*time.Millisecond)
		_, ok = c2.project("never")
		require.False(t, ok)

		n, err := s1.TrimChanges(ctx, 0, c2.Next())
		require.NoError(t, err)
		require.Greater(t, n, int64(0))
	})
}

// TestConcurrentWritersOutOfOrder hammers two stores with concurrent
// writers; the caches must converge on exactly the set of projects.
func TestConcurrentWritersOutOfOrder(t *testing.T) {
	forEachBackend(t, func(t *testing.T, backend, url string) {
		ctx := context.Background()
		s1, s2 := open(t, url), open(t, url)
		c2, err := s2.StartCache(ctx, CacheOptions{PollInterval: 20 * time.Millisecond, GapTimeout: 2 * time.Second})
		require.NoError(t, err)
		var wg sync.WaitGroup
		for w := 0; w < 4; w++ {
			wg.Add(1)
			go func(w int) {
				defer wg.Done()
				s := s1
				if w%2 == 1 {
					s = s2
				}
				for i := 0; i < 10; i++ {
					if err := s.CreateProject(ctx, fmt.Sprintf("w%d_%d", w, i)); err != nil {
						t.Errorf("create: %v", err)
					}
				}
			}(w)
		}
		wg.Wait()
		require.Eventually(t, func() bool {
			for w := 0; w < 4; w++ {
				for i := 0; i < 10; i++ {
					if _, ok := c2.project(fmt.Sprintf("w%d_%d", w, i)); !ok {
						return false
					}
				}
			}
			return true
		}, 10*time.Second, 20*time.Millisecond)
	})
}

// proxy is a TCP proxy to the metastore database that a test can cut and
// restore, to simulate an outage.
type proxy struct {
	ln     net.Listener
	target string
	mu     sync.Mutex
	up     bool
	conns  []net.Conn
	wg     sync.WaitGroup
}

func startProxy(t *testing.T, target string) *proxy {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	p := &proxy{ln: ln, target: target, up: true}
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			p.mu.Lock()
			if !p.up {
				p.mu.Unlock()
				c.Close()
				continue
			}
			d, err := net.Dial("tcp", target)
			if err != nil {
				p.mu.Unlock()
				c.Close()
				continue
			}
			p.conns = append(p.conns, c, d)
			p.mu.Unlock()
			p.wg.Add(2)
			go func() { defer p.wg.Done(); io.Copy(d, c); d.Close() }()
			go func() { defer p.wg.Done(); io.Copy(c, d); c.Close() }()
		}
	}()
	t.Cleanup(func() { ln.Close(); p.cut(); p.wg.Wait() })
	return p
}

func (p *proxy) cut() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.up = false
	for _, c := range p.conns {
		c.Close()
	}
	p.conns = nil
}

func (p *proxy) restore() {
	p.mu.Lock()
	p.up = true
	p.mu.Unlock()
}

func TestMetastoreOutage(t *testing.T) {
	for _, backend := range []string{"postgres", "mysql"} {
		t.Run(backend, func(t *testing.T) {
			ctx := context.Background()
			raw := testenv.MetastoreURL(t, backend)
			u, err := url.Parse(raw)
			require.NoError(t, err)
			p := startProxy(t, u.Host)
			u.Host = p.ln.Addr().String()
			s, err := OpenWith(ctx, u.String(), Options{OpTimeout: 2 * time.Second})
			require.NoError(t, err)
			t.Cleanup(func() { s.Close() })
			require.NoError(t, s.Bootstrap(ctx, "pw"))
			_, err = s.StartCache(ctx, CacheOptions{PollInterval: 50 * time.Millisecond})
			require.NoError(t, err)
			def := TableDef{Project: DefaultProject, Schema: PublicSchema, Name: "facts", Columns: []ColumnDef{{Name: "a", TypeOid: 23, Typmod: -1}}}
			require.NoError(t, s.CreateTable(ctx, def))
			def, err = s.Table(ctx, DefaultProject, PublicSchema, "facts")
			require.NoError(t, err)
			_, err = s.CommitTableFiles(ctx, DefaultProject, PublicSchema, "facts", def.Version, []TableFile{{Path: "f1", Rows: 3, Stats: "[]"}}, false)
			require.NoError(t, err)
			files, err := s.TableFiles(ctx, DefaultProject, PublicSchema, "facts")
			require.NoError(t, err)
			require.Len(t, files, 1, "the writer reads its own commit")

			p.cut()
			start := time.Now()
			err = s.CreateProject(ctx, "during-outage")
			require.Error(t, err)
			require.Equal(t, pgerr.ConnectionFailure, pgerr.CodeOf(err), "%v", err)
			require.Less(t, time.Since(start), 15*time.Second, "a write must fail, not hang")
			// Reads of cached definitions keep working.
			u1, err := s.User(ctx, AdminUser)
			require.NoError(t, err)
			require.True(t, u1.IsAdmin)
			_, err = s.Project(ctx, DefaultProject)
			require.NoError(t, err)
			// So do table definitions and file lists: queries keep running.
			_, err = s.Table(ctx, DefaultProject, PublicSchema, "facts")
			require.NoError(t, err)
			files, err = s.TableFiles(ctx, DefaultProject, PublicSchema, "facts")
			require.NoError(t, err)
			require.Len(t, files, 1)

			p.restore()
			require.Eventually(t, func() bool { return s.CreateProject(ctx, "after-outage") == nil }, 20*time.Second, 200*time.Millisecond)
			_, err = s.Project(ctx, "after-outage")
			require.NoError(t, err)
			_, err = s.Project(ctx, "during-outage")
			require.ErrorIs(t, err, ErrNotFound)
		})
	}
}

// TestCrashMidChange kills a process (SIGKILL) in the middle of a
// multi-row metadata change: the metastore must show all of it or none.
func TestCrashMidChange(t *testing.T) {
	if url := os.Getenv("LATTICE_CRASH_HELPER_URL"); url != "" {
		crashHelper(url)
		return
	}
	forEachBackend(t, func(t *testing.T, backend, url string) {
		ctx := context.Background()
		s := open(t, url)
		require.NoError(t, s.Bootstrap(ctx, "pw"))
		for i := 0; i < 5; i++ {
			require.NoError(t, s.CreateUser(ctx, fmt.Sprintf("u%d", i), "pw", false))
		}
		cmd := exec.Command(os.Args[0], "-test.run=^TestCrashMidChange$", "-test.count=1")
		cmd.Env = append(os.Environ(), "LATTICE_CRASH_HELPER_URL="+url)
		out, err := cmd.StdoutPipe()
		require.NoError(t, err)
		require.NoError(t, cmd.Start())
		buf := make([]byte, 64)
		var got strings.Builder
		for !strings.Contains(got.String(), "mid-change") {
			n, err := out.Read(buf)
			require.NoError(t, err, "helper output: %s", got.String())
			got.Write(buf[:n])
		}
		require.NoError(t, cmd.Process.Kill())
		_ = cmd.Wait()

		// None of the change is visible, and the metastore is writable.
		_, err = s.Project(ctx, "crashed")
		require.ErrorIs(t, err, ErrNotFound)
		grants, err := s.Grants(ctx, "crashed")
		require.NoError(t, err)
		require.Empty(t, grants)
		require.Eventually(t, func() bool { return s.CreateProject(ctx, "crashed") == nil }, 30*time.Second, 100*time.Millisecond)
	})
}

func crashHelper(url string) {
	ctx := context.Background()
	s, err := Open(ctx, url)
	if err != nil {
		fmt.Println("open:", err)
		os.Exit(2)
	}
	_ = s.tx(ctx, func(t *Tx) error {
		if err := insertProject(t, "crashed"); err != nil {
			return err
		}
		for i := 0; i < 5; i++ {
			if _, err := t.Exec(`INSERT INTO project_roles (project, user_name, role) VALUES (?, ?, ?)`, "crashed", fmt.Sprintf("u%d", i), "QUERY"); err != nil {
				return err
			}
		}
		fmt.Println("mid-change")
		time.Sleep(time.Hour) // killed here
		return nil
	})
	os.Exit(3)
}
