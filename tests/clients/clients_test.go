package clients

import (
	"bytes"
	"context"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/lattice-olap/lattice/internal/testenv"
)

// target is a server a client test runs against: a Lattice node started for
// the test, or the reference PostgreSQL whose behaviour every expectation
// must match.
type target struct {
	name     string // "lattice" or "postgres"
	host     string
	port     int
	user     string
	password string
	db       string
	node     *testenv.Node // nil for PostgreSQL
}

// authChecked reports whether the target authenticates with a password, so
// a wrong password must fail. The reference PostgreSQL uses trust
// authentication on loopback, where any password is accepted.
func (tg target) authChecked() bool { return tg.node != nil }

// dsn is a libpq URL for the target's database (or db when not empty).
func (tg target) dsn(db string) string {
	if db == "" {
		db = tg.db
	}
	u := url.URL{Scheme: "postgres", Host: fmt.Sprintf("%s:%d", tg.host, tg.port), Path: "/" + db, RawQuery: "sslmode=disable"}
	if tg.password != "" {
		u.User = url.UserPassword(tg.user, tg.password)
	} else {
		u.User = url.User(tg.user)
	}
	return u.String()
}

// log returns the Lattice node's log for failure messages.
func (tg target) log() string {
	if tg.node == nil {
		return "(reference PostgreSQL: no log)"
	}
	return "--- lattice log ---\n" + tg.node.Log()
}

// env is the environment for an external client program: the inherited
// environment without any PG* variable, plus the connection details.
// CHECK_PASSWORD_AUTH=1 asks the program to check that a wrong password is
// refused with 28P01.
func (tg target) env() []string {
	var env []string
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "PG") {
			continue
		}
		env = append(env, kv)
	}
	check := "0"
	if tg.authChecked() {
		check = "1"
	}
	return append(env,
		"PGHOST="+tg.host,
		"PGPORT="+strconv.Itoa(tg.port),
		"PGUSER="+tg.user,
		"PGPASSWORD="+tg.password,
		"PGDATABASE="+tg.db,
		"PGCONNECT_TIMEOUT=10",
		"CHECK_PASSWORD_AUTH="+check,
		"TEST_TARGET="+tg.name,
		"PYTHONDONTWRITEBYTECODE=1", // no __pycache__ in the work tree
	)
}

// forEachTarget runs fn in a subtest against a fresh Lattice node and in
// another against the reference PostgreSQL (skipped, or failed in CI, when it
// is unavailable).
func forEachTarget(t *testing.T, fn func(t *testing.T, tg target)) {
	t.Helper()
	t.Run("lattice", func(t *testing.T) {
		n := testenv.StartNode(t)
		fn(t, target{name: "lattice", host: n.Host, port: n.Port, user: n.User, password: n.Password, db: "lattice", node: n})
	})
	t.Run("postgres", func(t *testing.T) {
		testenv.Postgres(t) // skips, or fails in CI, when it is down
		u, err := url.Parse(testenv.PostgresDSN("postgres"))
		if err != nil {
			t.Fatal(err)
		}
		port := 5432
		if p := u.Port(); p != "" {
			port, _ = strconv.Atoi(p)
		}
		pw, _ := u.User.Password()
		fn(t, target{name: "postgres", host: u.Hostname(), port: port, user: u.User.Username(), password: pw, db: "postgres"})
	})
}

// clientsDir is tests/clients in the repository.
func clientsDir() string { return filepath.Join(testenv.RepoRoot(), "tests", "clients") }

// runProgram runs an external client program against tg. It must exit 0;
// otherwise the test fails with the program's output and the node's log.
// The output is returned for further checks.
func runProgram(t *testing.T, tg target, timeout time.Duration, dir string, name string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	cmd.Env = tg.env()
	cmd.WaitDelay = 5 * time.Second
	var out bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = &out
	start := time.Now()
	err := cmd.Run()
	if ctx.Err() != nil {
		err = fmt.Errorf("timed out after %v: %w", timeout, err)
	}
	if err != nil {
		// The failed checks first, then everything.
		var failed []string
		for _, line := range strings.Split(out.String(), "\n") {
			if strings.HasPrefix(line, "FAIL") {
				failed = append(failed, line)
			}
		}
		t.Fatalf("%s %s against %s failed: %v\n--- failed checks ---\n%s\n--- output ---\n%s\n%s",
			name, strings.Join(args, " "), tg.name, err, strings.Join(failed, "\n"), out.String(), tg.log())
	}
	t.Logf("%s against %s passed in %v", filepath.Base(name), tg.name, time.Since(start).Round(time.Millisecond))
	if testing.Verbose() {
		t.Logf("output:\n%s", out.String())
	}
	return out.String()
}
