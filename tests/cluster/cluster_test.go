package cluster_test

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"path"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/go-zookeeper/zk"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/lattice-olap/lattice/internal/testenv"
	"github.com/lattice-olap/lattice/metastore"
)

// backends are the clustered metastores: nodes on separate machines need a
// database server, so SQLite is not among them.
var backends = []string{"postgres", "mysql"}

func forEachBackend(t *testing.T, fn func(t *testing.T, backend string)) {
	for _, b := range backends {
		t.Run(b, func(t *testing.T) { fn(t, b) })
	}
}

func createProjects(t *testing.T, n *Node, names ...string) {
	t.Helper()
	for _, p := range names {
		n.Query(t, "lattice", "CREATE DATABASE "+p)
	}
}

// TestDiscovery: nodes appear in lattice.nodes everywhere; a stopped node
// disappears at once, a killed one after the ZooKeeper session timeout.
func TestDiscovery(t *testing.T) {
	zkAddr := testenv.ZooKeeper(t)
	c := StartCluster(t, "postgres", zkAddr, []NodeSpec{{"q1", "query"}, {"j1", "job"}, {"j2", "job"}})
	q := c.Nodes["q1"]
	Eventually(t, 20*time.Second, func() string {
		got := aliveNodes(t, q)
		if got["q1"] != "query/t" || got["j1"] != "job/t" || got["j2"] != "job/t" {
			return fmt.Sprintf("lattice.nodes on q1 = %v", got)
		}
		return ""
	})
	// The same view on the other nodes, and over the HTTP API.
	if got := aliveNodes(t, c.Nodes["j1"]); got["q1"] != "query/t" || got["j2"] != "job/t" {
		t.Fatalf("lattice.nodes on j1 = %v", got)
	}
	api := q.API(t)
	api.Login(t, "admin", testenv.AdminPassword)
	var nodes []struct {
		ID       string `json:"id"`
		Mode     string `json:"mode"`
		Alive    bool   `json:"alive"`
		HTTPPort int    `json:"http_port"`
	}
	api.GetJSON(t, "/api/nodes", &nodes)
	if len(nodes) != 3 {
		t.Fatalf("GET /api/nodes = %+v", nodes)
	}
	for _, n := range nodes {
		if n.HTTPPort != c.Nodes[n.ID].HTTPPort || !n.Alive {
			t.Fatalf("GET /api/nodes: %+v", n)
		}
	}

	// A clean stop leaves at once.
	c.Nodes["j2"].Stop(t)
	Eventually(t, 10*time.Second, func() string {
		if got := aliveNodes(t, q); got["j2"] != "" {
			return fmt.Sprintf("stopped j2 still listed: %v", got)
		}
		return ""
	})
	// A killed node stays registered until its session times out.
	c.Start("j2", "job")
	Eventually(t, 20*time.Second, func() string {
		if got := aliveNodes(t, q); got["j2"] != "job/t" {
			return fmt.Sprintf("restarted j2 not alive: %v", got)
		}
		return ""
	})
	c.Nodes["j2"].Kill(t)
	Eventually(t, 30*time.Second, func() string {
		if got := aliveNodes(t, q); got["j2"] == "job/t" {
			return fmt.Sprintf("killed j2 still alive: %v", got)
		}
		return ""
	})
	// The killed node's znode is gone from ZooKeeper itself.
	conn := zkConn(t, zkAddr)
	Eventually(t, 10*time.Second, func() string {
		if ids := registered(t, conn, clusterID(t, c), "job"); fmt.Sprint(ids) != "[j1]" {
			return fmt.Sprintf("registered job nodes = %v", ids)
		}
		return ""
	})
}

func zkConn(t *testing.T, addr string) *zk.Conn {
	t.Helper()
	conn, _, err := zk.Connect([]string{addr}, 5*time.Second, zk.WithLogInfo(false), zk.WithLogger(nopLogger{}))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(conn.Close)
	return conn
}

type nopLogger struct{}

func (nopLogger) Printf(string, ...any) {}

func clusterID(t *testing.T, c *Cluster) string {
	t.Helper()
	s, err := metastore.Open(context.Background(), c.Metastore)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	id, _, err := s.ClusterInfo(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// registered lists the instance ids registered under mode ("error: ..."
// when ZooKeeper cannot be read, so that Eventually retries).
func registered(t *testing.T, conn *zk.Conn, clusterID, mode string) []string {
	t.Helper()
	dir := path.Join("/lattice-test", clusterID, "services", mode)
	children, _, err := conn.Children(dir)
	if errors.Is(err, zk.ErrNoNode) {
		return nil
	}
	if err != nil {
		return []string{"error: " + err.Error()}
	}
	sort.Strings(children)
	return children
}

// TestZooKeeperOutage: with ZooKeeper down, queries keep working on every
// node; when it comes back (here with its data lost, so every session has
// expired), the nodes register again by themselves.
func TestZooKeeperOutage(t *testing.T) {
	z := testenv.StartZooKeeper(t)
	c := StartCluster(t, "mysql", z.Addr, []NodeSpec{{"a", "all"}, {"q", "query"}})
	conn := zkConn(t, z.Addr)
	id := clusterID(t, c)
	Eventually(t, 20*time.Second, func() string {
		if a, q := registered(t, conn, id, "all"), registered(t, conn, id, "query"); fmt.Sprint(a, q) != "[a] [q]" {
			return fmt.Sprintf("registered: all=%v query=%v", a, q)
		}
		return ""
	})
	z.Stop(t)
	// Through the outage (longer than the session timeout), every node
	// answers queries and keeps its last view of the cluster.
	for i := 0; i < 8; i++ {
		for _, n := range c.Nodes {
			if got := n.Query(t, "lattice", "SELECT 1"); got[0][0] != "1" {
				t.Fatalf("SELECT 1 on %s = %v", n.ID, got)
			}
			if got := aliveNodes(t, n); got["a"] == "" || got["q"] == "" {
				t.Fatalf("lattice.nodes on %s during the outage = %v", n.ID, got)
			}
		}
		time.Sleep(500 * time.Millisecond)
	}
	// ZooKeeper comes back without its data: the nodes' sessions are
	// expired and their znodes gone, so they must register again.
	z.Wipe(t)
	z.Start(t)
	conn = zkConn(t, z.Addr)
	Eventually(t, 30*time.Second, func() string {
		if a, q := registered(t, conn, id, "all"), registered(t, conn, id, "query"); fmt.Sprint(a, q) != "[a] [q]" {
			return fmt.Sprintf("after ZooKeeper came back: all=%v query=%v", a, q)
		}
		return ""
	})
	Eventually(t, 20*time.Second, func() string {
		if got := aliveNodes(t, c.Nodes["q"]); got["a"] != "all/t" || got["q"] != "query/t" {
			return fmt.Sprintf("lattice.nodes after the outage = %v", got)
		}
		return ""
	})
	for _, n := range c.Nodes {
		if strings.Contains(n.Log(), "panic") {
			t.Fatalf("%s panicked:\n%s", n.ID, n.Log())
		}
	}
}

// holdersOf returns project -> owner for live leases.
func holdersOf(t *testing.T, n *Node) map[string]string {
	out := map[string]string{}
	for p, l := range liveLeases(t, n) {
		if l.Live {
			out[p] = l.Owner
		}
	}
	return out
}

// TestLeaseSpreadAndTakeoverAfterKill: two job nodes spread the projects;
// SIGKILL one, the other takes its projects with new epochs.
func TestLeaseSpreadAndTakeoverAfterKill(t *testing.T) {
	forEachBackend(t, func(t *testing.T, backend string) {
		zkAddr := testenv.ZooKeeper(t)
		c := StartCluster(t, backend, zkAddr, []NodeSpec{{"j1", "job"}, {"j2", "job"}, {"q", "query"}})
		q := c.Nodes["q"]
		createProjects(t, q, "p1", "p2", "p3", "p4")
		all := []string{"lattice", "p1", "p2", "p3", "p4"}
		Eventually(t, 60*time.Second, func() string {
			h := holdersOf(t, q)
			n1, n2 := 0, 0
			for _, p := range all {
				switch h[p] {
				case "j1":
					n1++
				case "j2":
					n2++
				}
			}
			// Five projects over two job nodes: 3 and 2. The query node
			// holds nothing.
			if n1+n2 != 5 || n1 < 2 || n2 < 2 {
				return fmt.Sprintf("leases not spread: %v", h)
			}
			return ""
		})
		before := liveLeases(t, q)
		c.Nodes["j1"].Kill(t)
		Eventually(t, 30*time.Second, func() string {
			h := holdersOf(t, q)
			for _, p := range all {
				if h[p] != "j2" {
					return fmt.Sprintf("j2 has not taken everything over: %v", h)
				}
			}
			return ""
		})
		after := liveLeases(t, q)
		for _, p := range all {
			if before[p].Owner == "j1" && after[p].Epoch <= before[p].Epoch {
				t.Errorf("%s taken over without a new epoch: before %+v after %+v", p, before[p], after[p])
			}
			if before[p].Owner == "j2" && after[p].Epoch != before[p].Epoch {
				t.Errorf("%s stayed on j2 but its epoch moved: before %+v after %+v", p, before[p], after[p])
			}
		}
	})
}

// TestPausedHolderIsFenced: SIGSTOP the holder past the timeout, the other
// job node takes over; the paused node, resumed, can commit nothing at its
// old epoch and gives the project up by itself.
func TestPausedHolderIsFenced(t *testing.T) {
	forEachBackend(t, func(t *testing.T, backend string) {
		c := StartCluster(t, backend, "", []NodeSpec{{"j1", "job"}})
		j1 := c.Nodes["j1"]
		Eventually(t, 20*time.Second, func() string {
			if h := holdersOf(t, j1); h["lattice"] != "j1" {
				return fmt.Sprintf("j1 does not hold lattice: %v", h)
			}
			return ""
		})
		old := liveLeases(t, j1)["lattice"]
		c.Start("j2", "job")
		j2 := c.Nodes["j2"]
		if err := j1.Signal(syscall.SIGSTOP); err != nil {
			t.Fatal(err)
		}
		resumed := false
		defer func() {
			if !resumed {
				_ = j1.Signal(syscall.SIGCONT)
			}
		}()
		Eventually(t, 30*time.Second, func() string {
			if h := holdersOf(t, j2); h["lattice"] != "j2" {
				return fmt.Sprintf("j2 has not taken over: %v", h)
			}
			return ""
		})
		// The old owner's fenced write fails, by the database clock.
		s, err := metastore.Open(context.Background(), c.Metastore)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		wrote := false
		err = s.Fenced(context.Background(), "lattice", "j1", old.Epoch, func(*metastore.Tx) error { wrote = true; return nil })
		if !errors.Is(err, metastore.ErrLeaseLost) || wrote {
			t.Fatalf("fenced write at j1's old epoch %d: err=%v wrote=%v", old.Epoch, err, wrote)
		}
		_ = j1.Signal(syscall.SIGCONT)
		resumed = true
		// Resumed, j1 drops the project by itself and does not take it back.
		Eventually(t, 20*time.Second, func() string {
			if !strings.Contains(j1.Log(), "no longer job engine for project") {
				return "j1 did not drop lattice after resuming:\n" + j1.Log()
			}
			return ""
		})
		time.Sleep(3 * time.Second) // several heartbeats of both nodes
		if h := liveLeases(t, j2)["lattice"]; h.Owner != "j2" || !h.Live {
			t.Fatalf("after j1 resumed, lattice's lease = %+v", h)
		}
	})
}

// TestLeaderRaceDisabled: no automatic race; assignment through the API
// (refused for a query node or an unknown one); no takeover when the
// assigned node dies.
func TestLeaderRaceDisabled(t *testing.T) {
	c := StartCluster(t, "postgres", "", []NodeSpec{{"j1", "job"}, {"j2", "job"}, {"q", "query"}},
		"lattice.server.leader-race.enabled=false")
	q := c.Nodes["q"]
	time.Sleep(3 * time.Second) // several heartbeats
	if h := holdersOf(t, q); len(h) != 0 {
		t.Fatalf("with the race disabled nobody takes a lease, got %v", h)
	}
	api := q.API(t)
	api.Login(t, "admin", testenv.AdminPassword)
	for _, target := range []string{"q", "nosuchnode"} {
		st, body := api.Do(t, "POST", "/api/projects/lattice/job-engine", map[string]string{"instance_id": target})
		if st != 409 || !strings.Contains(body, `"55000"`) || !strings.Contains(body, "not a live job node") {
			t.Fatalf("assigning to %s: %d %s", target, st, body)
		}
	}
	st, body := api.Do(t, "POST", "/api/projects/nosuchproject/job-engine", map[string]string{"instance_id": "j1"})
	if st != 404 {
		t.Fatalf("assigning an unknown project: %d %s", st, body)
	}
	if st, body := api.Do(t, "POST", "/api/projects/lattice/job-engine", map[string]string{"instance_id": "j2"}); st != 200 {
		t.Fatalf("assigning to j2: %d %s", st, body)
	}
	Eventually(t, 20*time.Second, func() string {
		if h := holdersOf(t, q); h["lattice"] != "j2" {
			return fmt.Sprintf("j2 does not hold lattice: %v", h)
		}
		return ""
	})
	// A non-admin may not assign.
	q.Query(t, "lattice", "CREATE USER bob WITH PASSWORD 'bobpw'")
	bob := q.API(t)
	bob.Login(t, "bob", "bobpw")
	if st, body := bob.Do(t, "POST", "/api/projects/lattice/job-engine", map[string]string{"instance_id": "j1"}); st != 403 {
		t.Fatalf("bob assigning: %d %s", st, body)
	}
	// The assigned node dies: no takeover.
	c.Nodes["j2"].Kill(t)
	time.Sleep(6 * time.Second) // twice the timeout
	if h := holdersOf(t, q); h["lattice"] != "" {
		t.Fatalf("with the race disabled nobody takes over, got %v", h)
	}
	// The SQL statement refuses what the API refuses...
	if _, err := q.TryQuery("lattice", "ALTER PROJECT lattice SET JOB ENGINE 'q'"); err == nil || !strings.Contains(err.Error(), "55000") {
		t.Fatalf("ALTER PROJECT to a query node: %v", err)
	}
	// ...and re-assigning to the live node with it moves the project there.
	q.Query(t, "lattice", "ALTER PROJECT lattice SET JOB ENGINE 'j1'")
	Eventually(t, 20*time.Second, func() string {
		if h := holdersOf(t, q); h["lattice"] != "j1" {
			return fmt.Sprintf("j1 does not hold lattice: %v", h)
		}
		return ""
	})
}

// TestSharedHTTPSessions: a login on one node works on the other; logout
// ends it everywhere; wrong passwords and non-admins are refused.
func TestSharedHTTPSessions(t *testing.T) {
	c := StartCluster(t, "mysql", "", []NodeSpec{{"a", "all"}, {"b", "query"}})
	a, b := c.Nodes["a"], c.Nodes["b"]
	if st, _ := a.API(t).Do(t, "GET", "/healthz", nil); st != 200 {
		t.Fatalf("/healthz = %d", st)
	}
	apiA := a.API(t)
	if st, body := apiA.Do(t, "GET", "/api/nodes", nil); st != 401 {
		t.Fatalf("GET /api/nodes without a login: %d %s", st, body)
	}
	if st, body := apiA.Do(t, "POST", "/api/login", map[string]string{"user": "admin", "password": "wrong"}); st != 401 || !strings.Contains(body, "28P01") {
		t.Fatalf("login with a wrong password: %d %s", st, body)
	}
	if st, body := apiA.Do(t, "POST", "/api/login", map[string]string{"user": "nobody", "password": "x"}); st != 401 {
		t.Fatalf("login as an unknown user: %d %s", st, body)
	}
	apiA.Login(t, "admin", testenv.AdminPassword)
	// The session cookie a issued, sent to node b by a fresh client.
	apiB := b.API(t)
	aURL, _ := url.Parse(apiA.Base)
	bURL, _ := url.Parse(apiB.Base)
	apiB.HC.Jar.SetCookies(bURL, apiA.HC.Jar.Cookies(aURL))
	if len(apiA.HC.Jar.Cookies(aURL)) == 0 {
		t.Fatal("login set no cookie")
	}
	var nodes []map[string]any
	apiB.GetJSON(t, "/api/nodes", &nodes)
	if len(nodes) != 2 {
		t.Fatalf("GET /api/nodes on b = %v", nodes)
	}
	if st, _ := apiB.Do(t, "GET", "/debug/pprof/", nil); st != 200 {
		t.Fatalf("admin pprof on b = %d", st)
	}
	if st, _ := apiB.Do(t, "POST", "/api/logout", nil); st != 200 {
		t.Fatalf("logout on b = %d", st)
	}
	// Logged out on b, the old cookie no longer works on a.
	if st, _ := apiA.Do(t, "GET", "/api/nodes", nil); st != 401 {
		t.Fatalf("a's cookie after logout on b: %d", st)
	}
	// A non-admin can read but not profile.
	a.Query(t, "lattice", "CREATE USER carol WITH PASSWORD 'carolpw'")
	carol := b.API(t)
	carol.Login(t, "carol", "carolpw")
	if st, _ := carol.Do(t, "GET", "/api/leases", nil); st != 200 {
		t.Fatalf("carol GET /api/leases = %d", st)
	}
	if st, _ := carol.Do(t, "GET", "/debug/pprof/", nil); st != 403 {
		t.Fatalf("carol pprof = %d", st)
	}
}

// TestInternalAuthRefused: ordinary clients cannot use the internal path.
func TestInternalAuthRefused(t *testing.T) {
	c := StartCluster(t, "postgres", "", []NodeSpec{{"a", "all"}})
	a := c.Nodes["a"]
	a.Query(t, "lattice", "CREATE USER dave WITH PASSWORD 'davepw'")
	a.Query(t, "lattice", "GRANT QUERY ON PROJECT lattice TO dave")
	ctx := context.Background()
	connect := func(user, password string, params map[string]string) error {
		cfg, err := pgx.ParseConfig(fmt.Sprintf("postgres://127.0.0.1:%d/lattice?sslmode=disable", a.Port))
		if err != nil {
			t.Fatal(err)
		}
		cfg.User, cfg.Password = user, password
		for k, v := range params {
			cfg.RuntimeParams[k] = v
		}
		conn, err := pgx.ConnectConfig(ctx, cfg)
		if err == nil {
			var who string
			err = conn.QueryRow(ctx, "SELECT current_user").Scan(&who)
			conn.Close(ctx)
			if err == nil && who != "dave" {
				return fmt.Errorf("session runs as %q", who)
			}
		}
		return err
	}
	code := func(err error) string {
		var pe *pgconn.PgError
		if errors.As(err, &pe) {
			return pe.Code
		}
		return fmt.Sprint(err)
	}
	on := map[string]string{metastore.OnBehalfOfParam: "dave"}
	// The internal user with a guessed password.
	if err := connect(metastore.InternalUser, "guess", on); code(err) != "28P01" {
		t.Fatalf("forged internal login: %v", err)
	}
	// An ordinary user passing the parameter.
	if err := connect("admin", testenv.AdminPassword, map[string]string{metastore.OnBehalfOfParam: "dave"}); code(err) != "28000" {
		t.Fatalf("ordinary login with %s: %v", metastore.OnBehalfOfParam, err)
	}
	// The internal user without the parameter.
	if err := connect(metastore.InternalUser, "guess", nil); code(err) != "28000" {
		t.Fatalf("internal user without %s: %v", metastore.OnBehalfOfParam, err)
	}
	// With the cluster secret the session runs as dave.
	_, secret := clusterSecret(t, c)
	if err := connect(metastore.InternalUser, secret, on); err != nil {
		t.Fatalf("internal login with the secret: %v", err)
	}
	// ...and never as the internal user itself.
	if err := connect(metastore.InternalUser, secret, map[string]string{metastore.OnBehalfOfParam: metastore.InternalUser}); code(err) != "28000" {
		t.Fatalf("internal login on behalf of itself: %v", err)
	}
}

func clusterSecret(t *testing.T, c *Cluster) (string, string) {
	t.Helper()
	s, err := metastore.Open(context.Background(), c.Metastore)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	id, secret, err := s.ClusterInfo(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return id, secret
}

// TestClockSkewShown: every node reports its skew against the database
// clock; on one machine it is small.
func TestClockSkewShown(t *testing.T) {
	c := StartCluster(t, "postgres", "", []NodeSpec{{"a", "all"}, {"b", "query"}})
	Eventually(t, 10*time.Second, func() string {
		rows, err := c.Nodes["b"].TryQuery("lattice", "SELECT id, clock_skew_ms, last_heartbeat FROM lattice.nodes ORDER BY id")
		if err != nil {
			return err.Error()
		}
		if len(rows) != 2 {
			return fmt.Sprintf("rows = %v", rows)
		}
		for _, r := range rows {
			var ms int64
			if _, err := fmt.Sscan(r[1], &ms); err != nil || ms < -2000 || ms > 2000 || r[2] == "NULL" {
				return fmt.Sprintf("row %v", r)
			}
		}
		return ""
	})
}
