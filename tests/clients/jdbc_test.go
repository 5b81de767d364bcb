package clients

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/lattice-olap/lattice/internal/testenv"
)

// pgjdbcJar is where Debian's libpostgresql-jdbc-java puts the driver.
const pgjdbcJar = "/usr/share/java/postgresql.jar"

// TestJDBC compiles java/ClientTest.java and runs it with pgjdbc.
func TestJDBC(t *testing.T) {
	t.Parallel()
	javac := testenv.LookPath(t, "javac")
	java := testenv.LookPath(t, "java")
	if _, err := os.Stat(pgjdbcJar); err != nil {
		testenv.Require(t, "pgjdbc (Debian package libpostgresql-jdbc-java)", err)
	}
	classes := t.TempDir()
	out, err := exec.Command(javac, "-encoding", "UTF-8", "-d", classes, "-cp", pgjdbcJar,
		filepath.Join(clientsDir(), "java", "ClientTest.java")).CombinedOutput()
	if err != nil {
		t.Fatalf("javac: %v\n%s", err, out)
	}
	cp := strings.Join([]string{classes, pgjdbcJar}, string(os.PathListSeparator))
	forEachTarget(t, func(t *testing.T, tg target) {
		out := runProgram(t, tg, 90*time.Second, classes, java, "-Dfile.encoding=UTF-8", "-Xshare:auto", "-XX:TieredStopAtLevel=1", "-cp", cp, "ClientTest")
		if !strings.Contains(out, "\nPASS pgjdbc") {
			t.Fatalf("ClientTest did not report PASS:\n%s", out)
		}
	})
}
