package clients

import (
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

// catalogTargets starts a Lattice node and returns it with the reference
// PostgreSQL. On PostgreSQL the test connects as a role named like
// Lattice's user (admin), created when missing, so that the owners psql
// shows are the same on both.
func catalogTargets(t *testing.T) (lattice, postgres target) {
	t.Helper()
	n := testenv.StartNode(t)
	lattice = target{name: "lattice", host: n.Host, port: n.Port, user: n.User, password: n.Password, db: "lattice", node: n}
	conn := testenv.Postgres(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var exists bool
	if err := conn.QueryRow(ctx, `SELECT EXISTS (SELECT FROM pg_roles WHERE rolname = $1)`, n.User).Scan(&exists); err != nil {
		t.Fatal(err)
	}
	if !exists {
		// A concurrent run may create it first; its error is harmless.
		_, _ = conn.Exec(ctx, `CREATE ROLE `+n.User+` LOGIN SUPERUSER`)
	}
	u, err := url.Parse(testenv.PostgresDSN("postgres"))
	if err != nil {
		t.Fatal(err)
	}
	port := 5432
	if p := u.Port(); p != "" {
		port, _ = strconv.Atoi(p)
	}
	postgres = target{name: "postgres", host: u.Hostname(), port: port, user: n.User, db: "postgres"}
	return lattice, postgres
}

// TestPsqlCatalog runs psql/catalog.sql, psql's describe commands (\dt, \d,
// \d+, \dv with patterns), catalog queries, arrays, the catalog functions
// and cursors, against Lattice and PostgreSQL: the two outputs must be the
// same, byte for byte, errors included.
func TestPsqlCatalog(t *testing.T) {
	t.Parallel()
	psql := testenv.LookPath(t, "psql")
	script, err := os.ReadFile(filepath.Join(clientsDir(), "psql", "catalog.sql"))
	if err != nil {
		t.Fatal(err)
	}
	lat, pg := catalogTargets(t)
	wantOut, wantErr, wantCode := psqlRun(t, psql, pg, "0", string(script), 0, "-f", "-")
	out, errOut, code := psqlRun(t, psql, lat, "0", string(script), 0, "-f", "-")
	if wantCode != 0 || wantErr != "" && !strings.Contains(wantErr, "ERROR") {
		t.Fatalf("the script fails on PostgreSQL (exit %d):\n%s", wantCode, wantErr)
	}
	// The checks must be meaningful: the reference lists the tables.
	if !strings.Contains(wantOut, `Table "catalog_check.orders"`) {
		t.Fatalf("PostgreSQL's output lacks the described table:\n%s", wantOut)
	}
	if code != wantCode || out != wantOut || errOut != wantErr {
		t.Fatalf("psql -f catalog.sql differs from PostgreSQL (exit %d, want %d)\n%s\n%s\n%s", code, wantCode,
			diffText("stdout", wantOut, out), diffText("stderr", wantErr, errOut), lat.log())
	}
}

// TestPsqlTabCompletion drives an interactive psql through a terminal and
// checks that Tab completes table names, column names and \d arguments as
// it does on PostgreSQL.
func TestPsqlTabCompletion(t *testing.T) {
	t.Parallel()
	testenv.LookPath(t, "psql")
	python := testenv.LookPath(t, "/usr/bin/python3")
	lat, pg := catalogTargets(t)
	setup := "SET client_min_messages = warning; DROP SCHEMA IF EXISTS tab_check CASCADE; CREATE SCHEMA tab_check;" +
		" CREATE TABLE tab_check.tab_orders (order_amount numeric(10,2), order_day date, id int);"
	teardown := "DROP SCHEMA tab_check CASCADE;"
	psql := testenv.LookPath(t, "psql")
	results := map[string]string{}
	for _, tg := range []target{pg, lat} {
		if _, errOut, code := psqlRun(t, psql, tg, "1", setup, 0, "-q", "-f", "-"); code != 0 {
			t.Fatalf("setup on %s: %s\n%s", tg.name, errOut, tg.log())
		}
		out := runProgram(t, tg, 60*time.Second, filepath.Join(clientsDir(), "psql"), python, "tabcomplete.py")
		psqlRun(t, psql, tg, "0", teardown, 0, "-q", "-f", "-")
		results[tg.name] = out
	}
	for _, want := range []string{"FROM tab_check.tab_orders", "WHERE order_", "\\d tab_check.tab_orders"} {
		if !strings.Contains(results["postgres"], want) {
			t.Fatalf("PostgreSQL's completions lack %q:\n%s", want, results["postgres"])
		}
	}
	if results["lattice"] != results["postgres"] {
		t.Fatalf("tab completion differs from PostgreSQL\n%s\n%s", diffText("completions", results["postgres"], results["lattice"]), lat.log())
	}
}

// TestSQLAlchemyInspector runs python/catalog_client.py, SQLAlchemy's
// inspector over psycopg2 as Superset browses a database, against Lattice
// and PostgreSQL: the outputs must be the same.
func TestSQLAlchemyInspector(t *testing.T) {
	t.Parallel()
	python := testenv.LookPath(t, "/usr/bin/python3")
	if err := exec.Command(python, "-c", "import sqlalchemy, psycopg2").Run(); err != nil {
		testenv.Require(t, "SQLAlchemy and psycopg2 (Debian packages python3-sqlalchemy, python3-psycopg2)", err)
	}
	lat, pg := catalogTargets(t)
	dir := filepath.Join(clientsDir(), "python")
	want := runProgram(t, pg, 90*time.Second, dir, python, "catalog_client.py")
	got := runProgram(t, lat, 90*time.Second, dir, python, "catalog_client.py")
	if !strings.Contains(want, "column: sales amount NUMERIC(precision=12, scale=2)") {
		t.Fatalf("PostgreSQL's output lacks the reflected columns:\n%s", want)
	}
	if got != want {
		t.Fatalf("SQLAlchemy's inspector differs from PostgreSQL\n%s\n%s", diffText("output", want, got), lat.log())
	}
}

// TestJDBCCatalog runs java/CatalogTest.java: pgjdbc's DatabaseMetaData
// (getCatalogs, getSchemas, getTables, getColumns, getPrimaryKeys,
// getImportedKeys, getIndexInfo, getTypeInfo), prepared statements past
// prepareThreshold with binary results, and setFetchSize streaming. The
// output must be the same from Lattice and PostgreSQL.
func TestJDBCCatalog(t *testing.T) {
	t.Parallel()
	javac := testenv.LookPath(t, "javac")
	java := testenv.LookPath(t, "java")
	if _, err := os.Stat(pgjdbcJar); err != nil {
		testenv.Require(t, "pgjdbc (Debian package libpostgresql-jdbc-java)", err)
	}
	classes := t.TempDir()
	out, err := exec.Command(javac, "-encoding", "UTF-8", "-d", classes, "-cp", pgjdbcJar,
		filepath.Join(clientsDir(), "java", "CatalogTest.java")).CombinedOutput()
	if err != nil {
		t.Fatalf("javac: %v\n%s", err, out)
	}
	cp := strings.Join([]string{classes, pgjdbcJar}, string(os.PathListSeparator))
	lat, pg := catalogTargets(t)
	args := []string{"-Dfile.encoding=UTF-8", "-Xshare:auto", "-XX:TieredStopAtLevel=1", "-cp", cp, "CatalogTest"}
	want := runProgram(t, pg, 90*time.Second, classes, java, args...)
	got := runProgram(t, lat, 90*time.Second, classes, java, args...)
	if !strings.Contains(want, "columns: 9 rows") || !strings.Contains(want, "PASS pgjdbc catalog") {
		t.Fatalf("PostgreSQL's output lacks the metadata checks:\n%s", want)
	}
	if got != want {
		t.Fatalf("pgjdbc's metadata differs from PostgreSQL\n%s\n%s", diffText("output", want, got), lat.log())
	}
}

// TestNodeCursor runs node/cursor.js: node-postgres with pg-cursor reading a
// result in batches through a suspended portal, and catalog queries with a
// $1::regclass parameter. The output must be the same from Lattice and
// PostgreSQL.
func TestNodeCursor(t *testing.T) {
	t.Parallel()
	node := testenv.LookPath(t, "node")
	dir := filepath.Join(clientsDir(), "node")
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "pg-cursor", "package.json")); err != nil {
		npm := testenv.LookPath(t, "npm")
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		defer cancel()
		cmd := exec.CommandContext(ctx, npm, "ci", "--no-audit", "--no-fund")
		cmd.Dir = dir
		if out, err := cmd.CombinedOutput(); err != nil {
			testenv.Require(t, "pg-cursor", fmt.Errorf("npm ci in %s: %v\n%s", dir, err, out))
		}
	}
	lat, pg := catalogTargets(t)
	want := runProgram(t, pg, 90*time.Second, dir, node, "cursor.js")
	got := runProgram(t, lat, 90*time.Second, dir, node, "cursor.js")
	if !strings.Contains(want, "batch 3: 5 rows") {
		t.Fatalf("PostgreSQL's output lacks the cursor batches:\n%s", want)
	}
	if got != want {
		t.Fatalf("node-postgres output differs from PostgreSQL\n%s\n%s", diffText("output", want, got), lat.log())
	}
}

// TestPsqlListings checks the listings whose contents are Lattice's own:
// \l lists the project, \dn its schemas with lattice, \dv lattice.* the
// system views, and pg_settings shows lattice.route. Each listing's header
// must be PostgreSQL's.
func TestPsqlListings(t *testing.T) {
	t.Parallel()
	psql := testenv.LookPath(t, "psql")
	lat, pg := catalogTargets(t)
	for _, c := range []struct {
		cmd  string
		want []string
	}{
		{`\l`, []string{" lattice ", " UTF8 "}},
		{`\dn`, []string{" lattice ", " public "}},
		{`\dv lattice.*`, []string{" lattice | jobs ", " lattice | query_history ", " view "}},
		{`SELECT name, setting FROM pg_catalog.pg_settings WHERE name = 'lattice.route'`, []string{" lattice.route | auto"}},
	} {
		out, errOut, code := psqlRun(t, psql, lat, "1", "", 0, "-c", c.cmd)
		if code != 0 {
			t.Fatalf("%s: exit %d\n%s\n%s", c.cmd, code, errOut, lat.log())
		}
		for _, w := range c.want {
			if !strings.Contains(out, w) {
				t.Errorf("%s: output lacks %q:\n%s", c.cmd, w, out)
			}
		}
		if c.cmd == `\l` || c.cmd == `\dn` { // PostgreSQL has no lattice views to list
			ref, _, _ := psqlRun(t, psql, pg, "1", "", 0, "-c", c.cmd)
			if header(ref) != header(out) {
				t.Errorf("%s: header %q, PostgreSQL's %q", c.cmd, header(out), header(ref))
			}
		}
	}
}

// header is a psql listing's title and column names, spaces collapsed.
func header(out string) string {
	lines := strings.SplitN(out, "\n", 3)
	if len(lines) < 2 {
		return out
	}
	return strings.Join(strings.Fields(lines[0]+" "+lines[1]), " ")
}

// TestPsycopg3Cursor runs python/cursor_psycopg3.py: binary results with
// arrays, DECLARE/FETCH/CLOSE with a bound parameter, and array parameters
// in catalog queries. The output must be the same from Lattice and
// PostgreSQL.
func TestPsycopg3Cursor(t *testing.T) {
	t.Parallel()
	python := testenv.LookPath(t, "/usr/bin/python3")
	if err := exec.Command(python, "-c", "import psycopg").Run(); err != nil {
		testenv.Require(t, "psycopg 3 (Debian package python3-psycopg)", err)
	}
	lat, pg := catalogTargets(t)
	dir := filepath.Join(clientsDir(), "python")
	want := runProgram(t, pg, 90*time.Second, dir, python, "cursor_psycopg3.py")
	got := runProgram(t, lat, 90*time.Second, dir, python, "cursor_psycopg3.py")
	if !strings.Contains(want, "fetched 27") || !strings.Contains(want, "PASS psycopg3 cursor") {
		t.Fatalf("PostgreSQL's output lacks the cursor checks:\n%s", want)
	}
	if got != want {
		t.Fatalf("psycopg 3 output differs from PostgreSQL\n%s\n%s", diffText("output", want, got), lat.log())
	}
}
