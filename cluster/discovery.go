package cluster

import (
	"encoding/json"
	"errors"
	"fmt"
	"path"
	"strings"
	"sync"
	"time"

	"github.com/go-zookeeper/zk"
)

// Member is a node as registered in ZooKeeper: the JSON payload of its
// ephemeral znode <base>/<cluster-id>/services/<mode>/<instance-id>.
type Member struct {
	ID        string    `json:"id"`
	Host      string    `json:"host"`
	PGPort    int       `json:"pg_port"`
	HTTPPort  int       `json:"http_port"`
	Mode      string    `json:"mode"`
	Version   string    `json:"version"`
	StartTime time.Time `json:"start_time"`
}

var modes = [...]string{"all", "job", "query"}

// discovery keeps this node registered in ZooKeeper and watches the others.
// Its goroutine (run) owns the ZooKeeper calls; view may be called from any
// goroutine. When ZooKeeper is unreachable the last view is kept, and run
// retries until it is back; the client library reconnects by itself and
// opens a new session after expiry, upon which run registers again.
type discovery struct {
	n              *Node
	services       string // <base>/<cluster-id>/services
	sessionTimeout time.Duration
	poke           chan struct{}

	connMu sync.Mutex // guards conn and closed: conn is replaced by run, closed by close
	conn   *zk.Conn
	closed bool

	mu      sync.Mutex // guards members, synced, down
	members map[string]Member
	synced  bool // members reflects at least one successful read
	down    bool // the last attempt failed (logged once per outage)
}

func newDiscovery(n *Node, clusterID string) *discovery {
	d := &discovery{n: n, services: path.Join(n.cfg.ZKBasePath, clusterID, "services"), poke: make(chan struct{}, 1)}
	d.sessionTimeout = min(max(n.cfg.Timeout, 2*time.Second), 40*time.Second)
	d.connect()
	return d
}

// connect opens a new client. zk.Connect does not wait for a server: it
// returns at once and connects in the background, so a node starts even
// when ZooKeeper is down.
func (d *discovery) connect() {
	n := d.n
	servers := strings.Split(n.cfg.ZKConnect, ",")
	conn, _, err := zk.Connect(servers, d.sessionTimeout, zk.WithLogger(zkLogger{n}), zk.WithLogInfo(false),
		zk.WithEventCallback(func(e zk.Event) {
			if e.Type == zk.EventSession && e.State == zk.StateHasSession {
				d.wake()
			}
		}))
	if err != nil {
		// Only a malformed connect string fails here; the node then
		// runs without discovery and says so.
		n.log.Error("ZooKeeper connect string", "connect", n.cfg.ZKConnect, "err", err)
	}
	d.connMu.Lock()
	defer d.connMu.Unlock()
	if d.closed && conn != nil {
		conn.Close() // the node stopped meanwhile
		return
	}
	d.conn = conn
}

type zkLogger struct{ n *Node }

func (l zkLogger) Printf(format string, args ...any) {
	l.n.log.Debug("zookeeper: " + fmt.Sprintf(format, args...))
}

func (d *discovery) wake() {
	select {
	case d.poke <- struct{}{}:
	default:
	}
}

// close ends the session, which removes this node's znode at once, for
// good: a later connect does nothing.
func (d *discovery) close() {
	d.connMu.Lock()
	defer d.connMu.Unlock()
	d.closed = true
	if d.conn != nil {
		d.conn.Close()
	}
}

func (d *discovery) client() *zk.Conn {
	d.connMu.Lock()
	defer d.connMu.Unlock()
	return d.conn
}

// view returns the registered members and whether they come from ZooKeeper
// at all (false until the first successful read).
func (d *discovery) view() (map[string]Member, bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if !d.synced {
		return nil, false
	}
	out := make(map[string]Member, len(d.members))
	for k, v := range d.members {
		out[k] = v
	}
	return out, true
}

func (d *discovery) run(stop <-chan struct{}) {
	if d.client() == nil {
		return
	}
	lastOK := time.Now()
	for {
		select {
		case <-stop:
			return
		default:
		}
		watches, err := d.sync()
		if err == nil {
			lastOK = time.Now()
		} else if time.Since(lastOK) > 2*d.sessionTimeout {
			// A client whose session is long gone may never get back in:
			// a ZooKeeper that lost its data refuses clients that have
			// seen newer transactions. Start over with a fresh client.
			d.n.log.Info("ZooKeeper session lost: reconnecting with a new session")
			d.client().Close()
			d.connect()
			lastOK = time.Now()
		}
		d.mu.Lock()
		switch {
		case err != nil && !d.down:
			d.down = true
			d.n.log.Warn("ZooKeeper unavailable: keeping the last view of the cluster and retrying", "err", err)
		case err == nil && d.down:
			d.down = false
			d.n.log.Info("ZooKeeper reachable again: registered", "members", len(d.members))
		}
		d.mu.Unlock()
		var w [len(modes)]<-chan zk.Event
		copy(w[:], watches)
		retry := 10 * time.Second
		if err != nil {
			retry = time.Second
		}
		timer := time.NewTimer(retry)
		select {
		case <-stop:
			timer.Stop()
			return
		case <-w[0]:
		case <-w[1]:
		case <-w[2]:
		case <-d.poke:
		case <-timer.C:
		}
		timer.Stop()
	}
}

func (d *discovery) selfPath() string {
	return path.Join(d.services, d.n.cfg.Mode, strings.ReplaceAll(d.n.cfg.InstanceID, "/", "%2F"))
}

// sync registers this node when its znode is missing and reads every
// member, setting watches on the three mode directories.
func (d *discovery) sync() ([]<-chan zk.Event, error) {
	conn := d.client()
	if err := d.register(conn); err != nil {
		return nil, err
	}
	members := map[string]Member{}
	var watches []<-chan zk.Event
	for _, m := range modes {
		dir := path.Join(d.services, m)
		children, _, w, err := conn.ChildrenW(dir)
		if err != nil {
			return nil, fmt.Errorf("watching %s: %w", dir, err)
		}
		watches = append(watches, w)
		for _, c := range children {
			data, _, err := conn.Get(path.Join(dir, c))
			if errors.Is(err, zk.ErrNoNode) {
				continue // gone in between; the watch fires
			}
			if err != nil {
				return nil, err
			}
			var mem Member
			if err := json.Unmarshal(data, &mem); err != nil || mem.ID == "" {
				d.n.log.Warn("ignoring a malformed registration", "znode", path.Join(dir, c))
				continue
			}
			members[mem.ID] = mem
		}
	}
	d.mu.Lock()
	d.members, d.synced = members, true
	d.mu.Unlock()
	return watches, nil
}

func (d *discovery) register(conn *zk.Conn) error {
	for _, m := range modes {
		if err := mkdirs(conn, path.Join(d.services, m)); err != nil {
			return err
		}
	}
	p := d.selfPath()
	ok, st, err := conn.Exists(p)
	if err != nil {
		return err
	}
	if ok && st.EphemeralOwner == conn.SessionID() {
		return nil
	}
	if ok {
		// Left by this node's previous process, whose session has not
		// expired yet.
		if err := conn.Delete(p, -1); err != nil && !errors.Is(err, zk.ErrNoNode) {
			return err
		}
	}
	n := d.n
	data, _ := json.Marshal(Member{ID: n.cfg.InstanceID, Host: n.cfg.Host, PGPort: n.cfg.PGPort, HTTPPort: n.HTTPPort(),
		Mode: n.cfg.Mode, Version: n.cfg.Version, StartTime: n.start.UTC()})
	if _, err := conn.Create(p, data, zk.FlagEphemeral, zk.WorldACL(zk.PermAll)); err != nil && !errors.Is(err, zk.ErrNodeExists) {
		return fmt.Errorf("registering %s: %w", p, err)
	}
	n.log.Info("registered in ZooKeeper", "znode", p)
	return nil
}

func mkdirs(conn *zk.Conn, p string) error {
	ok, _, err := conn.Exists(p)
	if err != nil || ok {
		return err
	}
	if parent := path.Dir(p); parent != "/" {
		if err := mkdirs(conn, parent); err != nil {
			return err
		}
	}
	if _, err := conn.Create(p, nil, 0, zk.WorldACL(zk.PermAll)); err != nil && !errors.Is(err, zk.ErrNodeExists) {
		return err
	}
	return nil
}
