// Package cluster_test runs multi-process clusters of the real lattice
// binary against a real ZooKeeper and real PostgreSQL and MariaDB
// metastores, with short heartbeats (interval 1 s, timeout 3 s).
package cluster_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/lattice-olap/lattice/internal/testenv"
)

func TestMain(m *testing.M) {
	os.Exit(m.Run())
}

// Cluster is N lattice processes sharing one metastore, one data directory
// and (optionally) one ZooKeeper: StartCluster starts them all in one call.
type Cluster struct {
	t         testing.TB
	Metastore string
	ZK        string
	DataDir   string
	Nodes     map[string]*Node
	extra     []string
}

// Node is one lattice process of a Cluster.
type Node struct {
	*testenv.Node
	ID       string
	Mode     string
	HTTPPort int
	sets     []string
}

// NodeSpec names a node and its mode.
type NodeSpec struct{ ID, Mode string }

// StartCluster starts the nodes on a fresh metastore of backend (sqlite,
// postgres or mysql); zk is a ZooKeeper address or empty; extra are
// configuration overrides for every node.
func StartCluster(t testing.TB, backend, zk string, specs []NodeSpec, extra ...string) *Cluster {
	t.Helper()
	c := &Cluster{t: t, Metastore: testenv.MetastoreURL(t, backend), ZK: zk, DataDir: t.TempDir(), Nodes: map[string]*Node{}, extra: extra}
	for _, s := range specs {
		c.Start(s.ID, s.Mode)
	}
	return c
}

// Start starts (or restarts, with the same ports) node id in mode.
func (c *Cluster) Start(id, mode string) *Node {
	c.t.Helper()
	n, ok := c.Nodes[id]
	if !ok {
		n = &Node{ID: id, Mode: mode, HTTPPort: testenv.FreePort(c.t)}
		// testenv.StartNode picks the PostgreSQL port.
		n.sets = append([]string{
			"lattice.server.http-listen=127.0.0.1:" + fmt.Sprint(n.HTTPPort),
			"lattice.server.instance-host=127.0.0.1",
			"lattice.server.instance-id=" + id,
			"lattice.server.mode=" + mode,
			"lattice.metadata.url=" + c.Metastore,
			"lattice.storage.data-dir=" + c.DataDir,
			"lattice.server.leader-race.heart-beat-interval=1",
			"lattice.server.leader-race.heart-beat-timeout=3",
			"lattice.env.zookeeper-base-path=/lattice-test",
		}, c.extra...)
		if c.ZK != "" {
			n.sets = append(n.sets, "lattice.env.zookeeper-connect-string="+c.ZK)
		}
		c.Nodes[id] = n
	}
	n.Node = testenv.StartNode(c.t, n.sets...)
	return n
}

// Kill sends SIGKILL and waits for the process to end.
func (n *Node) Kill(t testing.TB) {
	t.Helper()
	_ = n.Signal(9)
	<-n.Done()
}

// Query runs sql on the node and returns its rows as text.
func (n *Node) Query(t testing.TB, db, sql string, args ...any) [][]string {
	t.Helper()
	rows, err := n.TryQuery(db, sql, args...)
	if err != nil {
		t.Fatalf("%s on %s: %v\n%s", sql, n.ID, err, n.Log())
	}
	return rows
}

// TryQuery is Query returning its error.
func (n *Node) TryQuery(db, sql string, args ...any) ([][]string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, n.DSN(db))
	if err != nil {
		return nil, err
	}
	defer conn.Close(context.Background())
	rs, err := conn.Query(ctx, sql, append([]any{pgx.QueryExecModeSimpleProtocol}, args...)...)
	if err != nil {
		return nil, err
	}
	defer rs.Close()
	var out [][]string
	for rs.Next() {
		raw := rs.RawValues()
		row := make([]string, len(raw))
		for i, v := range raw {
			if v == nil {
				row[i] = "NULL"
			} else {
				row[i] = string(v)
			}
		}
		out = append(out, row)
	}
	return out, rs.Err()
}

// Eventually polls cond every 200 ms until it returns "" or within elapses;
// otherwise it fails with cond's last complaint. It waits for the cluster
// to converge; it asserts nothing about how fast.
func Eventually(t testing.TB, within time.Duration, cond func() string) {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		msg := cond()
		if msg == "" {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("not reached within %v: %s", within, msg)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// aliveNodes reads lattice.nodes on n: id -> "mode/alive".
func aliveNodes(t testing.TB, n *Node) map[string]string {
	t.Helper()
	rows, err := n.TryQuery("lattice", "SELECT id, mode, alive FROM lattice.nodes ORDER BY id")
	if err != nil {
		return map[string]string{"error": err.Error()}
	}
	out := map[string]string{}
	for _, r := range rows {
		out[r[0]] = r[1] + "/" + r[2]
	}
	return out
}

// leases reads lattice.leases on n: project -> owner, for live leases only
// (expires_at in the future by the metastore's clock is what the node
// reports through GET /api/leases; here we keep owner and epoch).
type leaseRow struct {
	Owner string
	Epoch int64
	Live  bool
}

func liveLeases(t testing.TB, n *Node) map[string]leaseRow {
	t.Helper()
	api := n.API(t)
	api.Login(t, "admin", testenv.AdminPassword)
	var ls []struct {
		Project string `json:"project"`
		Owner   string `json:"owner"`
		Epoch   int64  `json:"epoch"`
		Live    bool   `json:"live"`
	}
	api.GetJSON(t, "/api/leases", &ls)
	out := map[string]leaseRow{}
	for _, l := range ls {
		out[l.Project] = leaseRow{Owner: l.Owner, Epoch: l.Epoch, Live: l.Live}
	}
	return out
}

// APIClient talks to a node's HTTP admin API with a cookie jar.
type APIClient struct {
	Base string
	HC   *http.Client
}

// API returns a client for n's HTTP API with an empty cookie jar.
func (n *Node) API(t testing.TB) *APIClient {
	jar, _ := cookiejar.New(nil)
	return &APIClient{Base: fmt.Sprintf("http://127.0.0.1:%d", n.HTTPPort), HC: &http.Client{Jar: jar, Timeout: 30 * time.Second}}
}

// Do sends a request with an optional JSON body and returns status and body.
func (a *APIClient) Do(t testing.TB, method, path string, body any) (int, string) {
	t.Helper()
	var r io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		r = strings.NewReader(string(b))
	}
	req, err := http.NewRequest(method, a.Base+path, r)
	if err != nil {
		t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := a.HC.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// Login logs in and fails the test unless it succeeds.
func (a *APIClient) Login(t testing.TB, user, password string) {
	t.Helper()
	if st, body := a.Do(t, "POST", "/api/login", map[string]string{"user": user, "password": password}); st != 200 {
		t.Fatalf("login as %s: %d %s", user, st, body)
	}
}

// GetJSON GETs path and decodes the 200 answer into v.
func (a *APIClient) GetJSON(t testing.TB, path string, v any) {
	t.Helper()
	st, body := a.Do(t, "GET", path, nil)
	if st != 200 {
		t.Fatalf("GET %s: %d %s", path, st, body)
	}
	if err := json.Unmarshal([]byte(body), v); err != nil {
		t.Fatalf("GET %s: %v: %s", path, err, body)
	}
}
