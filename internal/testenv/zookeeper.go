package testenv

import (
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// ZooKeeper returns the address (host:port) of the shared test ZooKeeper
// that scripts/test-deps.sh starts (LATTICE_TEST_ZK), after checking that it
// answers. Tests that stop ZooKeeper must use StartZooKeeper instead.
func ZooKeeper(t testing.TB) string {
	t.Helper()
	addr := os.Getenv("LATTICE_TEST_ZK")
	if addr == "" {
		Require(t, "ZooKeeper (LATTICE_TEST_ZK)", fmt.Errorf("LATTICE_TEST_ZK is not set"))
	}
	Require(t, "ZooKeeper (LATTICE_TEST_ZK="+addr+")", zkRuok(addr))
	return addr
}

// zkRuok asks a ZooKeeper server the four-letter "ruok".
func zkRuok(addr string) error {
	c, err := net.DialTimeout("tcp", addr, 2*time.Second)
	if err != nil {
		return err
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(3 * time.Second))
	if _, err := c.Write([]byte("ruok")); err != nil {
		return err
	}
	b, err := io.ReadAll(c)
	if err != nil {
		return err
	}
	if string(b) != "imok" {
		return fmt.Errorf("ZooKeeper at %s answered %q to ruok", addr, b)
	}
	return nil
}

// ZKServer is a private standalone ZooKeeper for one test, which the test
// may stop and start again (same port, same data) to simulate an outage.
type ZKServer struct {
	Addr string
	dir  string
	port int

	mu  sync.Mutex // guards cmd
	cmd *exec.Cmd
}

// zkClasspath is the Debian zookeeper package's classpath.
const zkClasspath = "/etc/zookeeper/conf:/usr/share/java/zookeeper.jar"

// StartZooKeeper starts a private ZooKeeper on a free loopback port; it is
// stopped at the end of the test.
func StartZooKeeper(t testing.TB) *ZKServer {
	t.Helper()
	_, err := exec.LookPath("java")
	Require(t, "java (for ZooKeeper)", err)
	_, err = os.Stat("/usr/share/java/zookeeper.jar")
	Require(t, "ZooKeeper (Debian package zookeeper)", err)
	z := &ZKServer{dir: t.TempDir(), port: FreePort(t)}
	z.Addr = fmt.Sprintf("127.0.0.1:%d", z.port)
	cfg := strings.Join([]string{
		"tickTime=500",
		"dataDir=" + filepath.Join(z.dir, "data"),
		fmt.Sprintf("clientPort=%d", z.port),
		"clientPortAddress=127.0.0.1",
		"minSessionTimeout=1000",
		"maxSessionTimeout=60000",
		"admin.enableServer=false",
		"4lw.commands.whitelist=ruok,stat,srvr",
	}, "\n") + "\n"
	if err := os.WriteFile(filepath.Join(z.dir, "zoo.cfg"), []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	z.Start(t)
	t.Cleanup(func() { z.Stop(t) })
	return z
}

// Start (re)starts the server and waits until it answers.
func (z *ZKServer) Start(t testing.TB) {
	t.Helper()
	z.mu.Lock()
	defer z.mu.Unlock()
	if z.cmd != nil {
		return
	}
	cmd := exec.Command("java", "-cp", zkClasspath, "-Dzookeeper.log.dir="+z.dir,
		"org.apache.zookeeper.server.ZooKeeperServerMain", filepath.Join(z.dir, "zoo.cfg"))
	logf, err := os.OpenFile(filepath.Join(z.dir, "server.log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	defer logf.Close()
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting ZooKeeper: %v", err)
	}
	z.cmd = cmd
	deadline := time.Now().Add(60 * time.Second)
	for {
		if err := zkRuok(z.Addr); err == nil {
			return
		} else if time.Now().After(deadline) {
			log, _ := os.ReadFile(filepath.Join(z.dir, "server.log"))
			t.Fatalf("ZooKeeper did not start on %s: %v\n%s", z.Addr, err, log)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// Stop kills the server (an outage: sessions are not closed cleanly).
func (z *ZKServer) Stop(t testing.TB) {
	t.Helper()
	z.mu.Lock()
	defer z.mu.Unlock()
	if z.cmd == nil {
		return
	}
	_ = z.cmd.Process.Kill()
	_ = z.cmd.Wait()
	z.cmd = nil
}

// Wipe deletes the stopped server's data, so that it comes back knowing no
// session or znode: the clients' sessions are then expired, and what they
// had registered is gone until they register again.
func (z *ZKServer) Wipe(t testing.TB) {
	t.Helper()
	z.mu.Lock()
	defer z.mu.Unlock()
	if z.cmd != nil {
		t.Fatal("ZKServer.Wipe: stop the server first")
	}
	if err := os.RemoveAll(filepath.Join(z.dir, "data")); err != nil {
		t.Fatal(err)
	}
}
