package clients

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/lattice-olap/lattice/internal/testenv"
)

// TestNodePostgres runs node/client.js with node-postgres (pg), installed
// from node/package-lock.json by `npm ci` when node_modules is missing.
func TestNodePostgres(t *testing.T) {
	t.Parallel()
	node := testenv.LookPath(t, "node")
	dir := filepath.Join(clientsDir(), "node")
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "pg", "package.json")); err != nil {
		npm := testenv.LookPath(t, "npm")
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		defer cancel()
		cmd := exec.CommandContext(ctx, npm, "ci", "--no-audit", "--no-fund")
		cmd.Dir = dir
		out, err := cmd.CombinedOutput()
		if err != nil {
			err = fmt.Errorf("npm ci in %s: %v\n%s", dir, err, out)
		}
		testenv.Require(t, "node-postgres", err)
	}
	forEachTarget(t, func(t *testing.T, tg target) {
		out := runProgram(t, tg, 90*time.Second, dir, node, "client.js")
		if !strings.Contains(out, "\nPASS node-postgres") {
			t.Fatalf("client.js did not report PASS:\n%s", out)
		}
	})
}
