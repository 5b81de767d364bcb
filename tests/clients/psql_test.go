package clients

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/lattice-olap/lattice/internal/testenv"
)

// psqlRun runs psql -X -v ON_ERROR_STOP=<stop> with extra args and stdin
// against tg, and returns stdout, stderr and the exit code. When interrupt
// is positive, psql gets SIGINT (as from Ctrl-C) that long after it wrote
// the line "started" to stdout.
func psqlRun(t *testing.T, psql string, tg target, stop string, stdin string, interrupt time.Duration, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, psql, append([]string{"-X", "-v", "ON_ERROR_STOP=" + stop}, args...)...)
	cmd.Env = tg.env()
	cmd.Stdin = strings.NewReader(stdin)
	var e bytes.Buffer
	o := &markerBuffer{marker: []byte("started\n"), seen: make(chan struct{})}
	cmd.Stdout, cmd.Stderr = o, &e
	cmd.WaitDelay = 5 * time.Second
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	if interrupt > 0 {
		go func() {
			select {
			case <-o.seen:
				time.Sleep(interrupt)
				_ = cmd.Process.Signal(syscall.SIGINT)
			case <-ctx.Done():
			}
		}()
	}
	err := cmd.Wait()
	var ee *exec.ExitError
	switch {
	case ctx.Err() != nil:
		t.Fatalf("psql %v timed out\nstdout:\n%s\nstderr:\n%s\n%s", args, o.String(), e.String(), tg.log())
	case errors.As(err, &ee):
		code = ee.ExitCode()
	case err != nil:
		t.Fatal(err)
	}
	return o.String(), e.String(), code
}

// markerBuffer collects output and closes seen once marker has appeared.
type markerBuffer struct {
	mu     sync.Mutex
	buf    bytes.Buffer
	marker []byte
	seen   chan struct{}
	found  bool
}

func (m *markerBuffer) Write(p []byte) (int, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.buf.Write(p)
	if !m.found && bytes.Contains(m.buf.Bytes(), m.marker) {
		m.found = true
		close(m.seen)
	}
	return len(p), nil
}

func (m *markerBuffer) String() string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.buf.String()
}

// TestPsql runs the psql binary: a script whose output must equal
// PostgreSQL's byte for byte, exit codes, Ctrl-C cancel and connection
// errors.
func TestPsql(t *testing.T) {
	t.Parallel()
	psql := testenv.LookPath(t, "psql")
	dir := filepath.Join(clientsDir(), "psql")
	read := func(name string) string {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	script, wantOut, wantErr := read("checks.sql"), read("checks.out"), read("checks.err")

	forEachTarget(t, func(t *testing.T, tg target) {
		t.Run("script", func(t *testing.T) {
			out, errOut, code := psqlRun(t, psql, tg, "0", script, 0, "-f", "-")
			if code != 0 || out != wantOut || errOut != wantErr {
				t.Fatalf("psql -f checks.sql: exit %d, want 0\n%s\n%s\n%s", code,
					diffText("stdout", wantOut, out), diffText("stderr", wantErr, errOut), tg.log())
			}
		})

		t.Run("exit_codes", func(t *testing.T) {
			// -c with a failing statement exits 1.
			out, errOut, code := psqlRun(t, psql, tg, "0", "", 0, "-c", "SELECT 1/0")
			if code != 1 || out != "" || errOut != "ERROR:  division by zero\n" {
				t.Errorf("psql -c 'SELECT 1/0': exit %d (want 1), stdout %q, stderr %q", code, out, errOut)
			}
			// ON_ERROR_STOP=1 stops the script at the error with exit 3.
			out, errOut, code = psqlRun(t, psql, tg, "1", "SELECT 1 AS a;\nSELECT 1/0;\nSELECT 2 AS b;\n", 0, "-At", "-f", "-")
			if code != 3 || out != "1\n" || errOut != "psql:<stdin>:2: ERROR:  division by zero\n" {
				t.Errorf("ON_ERROR_STOP=1: exit %d (want 3), stdout %q, stderr %q", code, out, errOut)
			}
			// A good statement after the error with ON_ERROR_STOP=0.
			out, _, code = psqlRun(t, psql, tg, "0", "SELECT 1/0;\nSELEC 1;\nSELECT 2 AS b;\n", 0, "-At", "-f", "-")
			if code != 0 || out != "2\n" {
				t.Errorf("ON_ERROR_STOP=0: exit %d (want 0), stdout %q", code, out)
			}
		})

		t.Run("cancel", func(t *testing.T) {
			// SIGINT makes psql send a CancelRequest; a script then stops
			// with exit 3 (psql's own behaviour, not interactive).
			// "\! echo" writes straight to stdout, unlike psql's buffered
			// \echo, so the interrupt follows it.
			start := time.Now()
			out, errOut, code := psqlRun(t, psql, tg, "0",
				"\\set VERBOSITY sqlstate\n\\! echo started\nSELECT pg_sleep(30);\n\\echo not reached\n", 700*time.Millisecond, "-At", "-f", "-")
			elapsed := time.Since(start)
			if code != 3 || out != "started\n" || errOut != "Cancel request sent\npsql:<stdin>:3: ERROR:  57014\n" {
				t.Fatalf("SIGINT during pg_sleep(30): exit %d (want 3), stdout %q, stderr %q\n%s", code, out, errOut, tg.log())
			}
			if elapsed > 6*time.Second {
				t.Errorf("cancel took %v", elapsed)
			}
		})

		t.Run("connect_errors", func(t *testing.T) {
			bad := tg
			bad.db = "no_such_database"
			_, errOut, code := psqlRun(t, psql, bad, "0", "", 0, "-c", "SELECT 1")
			if code != 2 || !strings.Contains(errOut, `FATAL:  database "no_such_database" does not exist`) {
				t.Errorf("unknown database: exit %d (want 2), stderr %q", code, errOut)
			}
			if tg.authChecked() {
				bad = tg
				bad.password = "wrong-" + tg.password
				_, errOut, code = psqlRun(t, psql, bad, "0", "", 0, "-c", "SELECT 1")
				if code != 2 || !strings.Contains(errOut, `FATAL:  password authentication failed for user "admin"`) {
					t.Errorf("wrong password: exit %d (want 2), stderr %q", code, errOut)
				}
			}
		})
	})
}

// diffText shows the first differing line of want and got, and both in full.
func diffText(what, want, got string) string {
	if want == got {
		return what + ": same"
	}
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	line := 0
	for line < len(w) && line < len(g) && w[line] == g[line] {
		line++
	}
	var wl, gl string
	if line < len(w) {
		wl = w[line]
	}
	if line < len(g) {
		gl = g[line]
	}
	return what + " differs at line " + strconv.Itoa(line+1) + ":\n  want: " + wl + "\n  got:  " + gl +
		"\n--- want " + what + " ---\n" + want + "\n--- got " + what + " ---\n" + got
}
