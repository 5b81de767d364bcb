package clients

import (
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/lattice-olap/lattice/internal/testenv"
)

// systemPython is Debian's interpreter, which has python3-psycopg2 and
// python3-psycopg; a python3 earlier on PATH may be another install.
const systemPython = "/usr/bin/python3"

// requirePythonModule fails (CI) or skips unless systemPython imports module.
func requirePythonModule(t *testing.T, module, pkg string) {
	t.Helper()
	out, err := exec.Command(systemPython, "-c", "import "+module).CombinedOutput()
	if err != nil {
		err = fmt.Errorf("%s -c 'import %s': %v: %s", systemPython, module, err, strings.TrimSpace(string(out)))
	}
	testenv.Require(t, module+" (Debian package "+pkg+")", err)
}

func runPythonClient(t *testing.T, script, module, pkg string) {
	requirePythonModule(t, module, pkg)
	dir := filepath.Join(clientsDir(), "python")
	forEachTarget(t, func(t *testing.T, tg target) {
		out := runProgram(t, tg, 90*time.Second, dir, systemPython, "-X", "utf8", script)
		if !strings.Contains(out, "\nPASS ") {
			t.Fatalf("%s did not report PASS:\n%s", script, out)
		}
	})
}

// TestPsycopg2 runs python/psycopg2_client.py (client-side parameters,
// simple protocol, text results).
func TestPsycopg2(t *testing.T) {
	t.Parallel()
	runPythonClient(t, "psycopg2_client.py", "psycopg2", "python3-psycopg2")
}

// TestPsycopg3 runs python/psycopg3_client.py (server-side parameters, text
// and binary formats, prepared statements, pipeline mode).
func TestPsycopg3(t *testing.T) {
	t.Parallel()
	runPythonClient(t, "psycopg3_client.py", "psycopg", "python3-psycopg")
}
