package testenv

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// CI reports whether tests run in CI, where nothing may skip.
func CI() bool { return os.Getenv("CI") == "true" }

// Require fails the test (in CI) or skips it (elsewhere) when err says a
// real component is missing.
func Require(t testing.TB, what string, err error) {
	t.Helper()
	if err == nil {
		return
	}
	if CI() {
		t.Fatalf("%s is required (CI=true): %v", what, err)
	}
	t.Skipf("%s unavailable: %v (run scripts/test-deps.sh)", what, err)
}

// RepoRoot returns the repository's top directory.
func RepoRoot() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Clean(filepath.Join(filepath.Dir(file), "..", ".."))
}

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

// Binary builds cmd/lattice once per test process (with -race when the
// tests run with it) and returns its path.
func Binary(t testing.TB) string {
	t.Helper()
	buildOnce.Do(func() {
		// One directory per test process, named by pid; directories of
		// processes that have ended are removed, so builds do not pile up.
		root := filepath.Join(os.TempDir(), "lattice-test-bin")
		if entries, err := os.ReadDir(root); err == nil {
			for _, e := range entries {
				if pid, err := strconv.Atoi(e.Name()); err == nil && syscall.Kill(pid, 0) != nil {
					os.RemoveAll(filepath.Join(root, e.Name()))
				}
			}
		}
		dir := filepath.Join(root, strconv.Itoa(os.Getpid()))
		if err := os.MkdirAll(dir, 0o755); err != nil {
			buildErr = err
			return
		}
		binPath = filepath.Join(dir, "lattice")
		args := []string{"build", "-o", binPath}
		if raceEnabled {
			args = append(args, "-race")
		}
		args = append(args, "./cmd/lattice")
		cmd := exec.Command("go", args...)
		cmd.Dir = RepoRoot()
		out, err := cmd.CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binPath
}

// Node is a running lattice process.
type Node struct {
	Host     string
	Port     int
	User     string
	Password string
	DataDir  string

	cmd     *exec.Cmd
	done    chan struct{}
	logMu   sync.Mutex
	log     strings.Builder
	waitErr error
}

// AdminPassword is the admin password of test nodes.
const AdminPassword = "lattice-test-pw"

// FreePort returns a TCP port free on 127.0.0.1 at the time of the call.
func FreePort(t testing.TB) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// StartNode starts a standalone node on a free loopback port with its own
// data directory; sets are extra key=value configuration overrides. The node
// is stopped with SIGTERM at the end of the test, which must exit cleanly.
func StartNode(t testing.TB, sets ...string) *Node {
	t.Helper()
	bin := Binary(t)
	n := &Node{Host: "127.0.0.1", User: "admin", Password: AdminPassword, DataDir: t.TempDir(), done: make(chan struct{})}
	for attempt := 0; ; attempt++ {
		n.Port = FreePort(t)
		args := []string{"serve",
			"--set", "lattice.server.pg-listen=" + net.JoinHostPort(n.Host, fmt.Sprint(n.Port)),
			"--set", "lattice.server.http-listen=127.0.0.1:0",
			"--set", "lattice.storage.data-dir=" + n.DataDir,
			"--set", "lattice.security.admin-password=" + AdminPassword,
			"--set", "lattice.server.shutdown-timeout=10",
		}
		for _, s := range sets {
			args = append(args, "--set", s)
		}
		err := n.start(bin, args)
		if err == nil {
			break
		}
		if attempt >= 2 || !strings.Contains(err.Error(), "address already in use") {
			t.Fatalf("starting lattice: %v\n%s", err, n.Log())
		}
		n.done = make(chan struct{})
	}
	t.Cleanup(func() { n.Stop(t) })
	return n
}

func (n *Node) start(bin string, args []string) error {
	n.cmd = exec.Command(bin, args...)
	stdout, err := n.cmd.StdoutPipe()
	if err != nil {
		return err
	}
	n.cmd.Stderr = writerFunc(n.appendLog)
	if err := n.cmd.Start(); err != nil {
		return err
	}
	ready := make(chan struct{})
	go func() {
		sc := bufio.NewScanner(stdout)
		signaled := false
		for sc.Scan() {
			n.appendLog([]byte(sc.Text() + "\n"))
			if !signaled && strings.Contains(sc.Text(), "is ready") {
				signaled = true
				close(ready)
			}
		}
	}()
	go func() {
		n.waitErr = n.cmd.Wait()
		close(n.done)
	}()
	select {
	case <-ready:
		return nil
	case <-n.done:
		return fmt.Errorf("lattice exited during startup: %v: %s", n.waitErr, n.Log())
	case <-time.After(60 * time.Second):
		_ = n.cmd.Process.Kill()
		<-n.done
		return fmt.Errorf("lattice did not become ready in 60s")
	}
}

type writerFunc func([]byte)

func (f writerFunc) Write(p []byte) (int, error) { f(p); return len(p), nil }

func (n *Node) appendLog(p []byte) {
	n.logMu.Lock()
	n.log.Write(p)
	n.logMu.Unlock()
}

// Log returns what the node has printed so far.
func (n *Node) Log() string {
	n.logMu.Lock()
	defer n.logMu.Unlock()
	return n.log.String()
}

// Addr returns host:port.
func (n *Node) Addr() string { return net.JoinHostPort(n.Host, fmt.Sprint(n.Port)) }

// DSN returns a libpq URL for the admin user on project db.
func (n *Node) DSN(db string) string {
	return fmt.Sprintf("postgres://%s:%s@%s/%s?sslmode=disable", n.User, n.Password, n.Addr(), db)
}

// Connect opens a pgx connection to project db as admin.
func (n *Node) Connect(t testing.TB, db string) *pgx.Conn {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, err := pgx.Connect(ctx, n.DSN(db))
	if err != nil {
		t.Fatalf("connect to lattice: %v\n%s", err, n.Log())
	}
	t.Cleanup(func() { c.Close(context.Background()) })
	return c
}

// Signal sends sig to the node's process.
func (n *Node) Signal(sig syscall.Signal) error { return n.cmd.Process.Signal(sig) }

// Done is closed when the process has exited.
func (n *Node) Done() <-chan struct{} { return n.done }

// ExitErr returns the process's exit error once Done is closed.
func (n *Node) ExitErr() error { return n.waitErr }

// Stop sends SIGTERM and waits for a clean exit, failing the test if the
// node does not stop in time or exits with an error.
func (n *Node) Stop(t testing.TB) {
	t.Helper()
	select {
	case <-n.done:
		return
	default:
	}
	_ = n.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-n.done:
		if n.waitErr != nil {
			t.Errorf("lattice exited with %v after SIGTERM\n%s", n.waitErr, n.Log())
		}
	case <-time.After(30 * time.Second):
		_ = n.cmd.Process.Kill()
		<-n.done
		t.Errorf("lattice did not stop within 30s of SIGTERM\n%s", n.Log())
	}
}

// PostgresDSN returns the URL of the local real PostgreSQL used as the
// reference: LATTICE_TEST_PG_DSN, or the postgres superuser on 127.0.0.1:5432.
func PostgresDSN(db string) string {
	base := os.Getenv("LATTICE_TEST_PG_DSN")
	if base == "" {
		base = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"
	}
	u, err := url.Parse(base)
	if err != nil {
		return base
	}
	u.Path = "/" + db
	return u.String()
}

// Postgres connects to the reference PostgreSQL, or fails/skips per Require.
func Postgres(t testing.TB) *pgx.Conn {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, err := pgx.Connect(ctx, PostgresDSN("postgres"))
	Require(t, "PostgreSQL on 127.0.0.1:5432", err)
	t.Cleanup(func() { c.Close(context.Background()) })
	return c
}

// LookPath finds an executable or fails/skips per Require.
func LookPath(t testing.TB, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	Require(t, name, err)
	return p
}
