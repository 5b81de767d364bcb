package clients

import (
	"bytes"
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

// psqlODBC is where Debian's odbc-postgresql puts the Unicode driver.
const psqlODBC = "/usr/lib/x86_64-linux-gnu/odbc/psqlodbcw.so"

// TestODBCCatalog browses a schema through psqlODBC with unixODBC's isql:
// "help" calls SQLTables and "help t" SQLColumns, then a query runs. The
// results must be PostgreSQL's, but for the database name and the table's
// OID, which differ by nature.
func TestODBCCatalog(t *testing.T) {
	t.Parallel()
	isql := testenv.LookPath(t, "isql")
	if _, err := os.Stat(psqlODBC); err != nil {
		testenv.Require(t, "psqlODBC (Debian package odbc-postgresql)", err)
	}
	psql := testenv.LookPath(t, "psql")
	lat, pg := catalogTargets(t)
	setup := "SET client_min_messages = warning; DROP SCHEMA IF EXISTS odbc_check CASCADE; CREATE SCHEMA odbc_check;" +
		" CREATE TABLE odbc_check.t (id int NOT NULL, name varchar(10), amt numeric(8,2), day date, ok boolean);" +
		" INSERT INTO odbc_check.t VALUES (1, 'one', 1.50, '2024-03-01', true), (2, NULL, NULL, NULL, NULL);"
	results := map[string]string{}
	for _, tg := range []target{pg, lat} {
		if _, errOut, code := psqlRun(t, psql, tg, "1", setup, 0, "-q", "-f", "-"); code != 0 {
			t.Fatalf("setup on %s: %s\n%s", tg.name, errOut, tg.log())
		}
		dir := t.TempDir()
		ini := fmt.Sprintf("[check]\nDriver=%s\nServername=%s\nPort=%d\nDatabase=%s\nUsername=%s\nPassword=%s\nConnSettings=SET search_path = odbc_check\n",
			psqlODBC, tg.host, tg.port, tg.db, tg.user, tg.password)
		if err := os.WriteFile(filepath.Join(dir, "odbc.ini"), []byte(ini), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "odbcinst.ini"), nil, 0o600); err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		cmd := exec.CommandContext(ctx, isql, "-b", "-v", "check")
		cmd.Env = append(tg.env(), "ODBCSYSINI="+dir, "ODBCINI="+filepath.Join(dir, "odbc.ini"))
		cmd.Stdin = strings.NewReader("help\nhelp t\nSELECT id, name, amt, day, ok FROM odbc_check.t ORDER BY id\n")
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		err := cmd.Run()
		cancel()
		psqlRun(t, psql, tg, "0", "DROP SCHEMA odbc_check CASCADE;", 0, "-q", "-f", "-")
		if err != nil {
			t.Fatalf("isql against %s: %v\n%s\n%s", tg.name, err, out.String(), tg.log())
		}
		results[tg.name] = normalizeISQL(out.String(), tg.db)
	}
	if !strings.Contains(results["postgres"], "| DB | odbc_check | t | amt | 2 | numeric |") {
		t.Fatalf("PostgreSQL's isql output lacks the columns:\n%s", results["postgres"])
	}
	if results["lattice"] != results["postgres"] {
		t.Fatalf("ODBC catalog differs from PostgreSQL\n%s\n%s", diffText("isql", results["postgres"], results["lattice"]), lat.log())
	}
}

// normalizeISQL keeps isql's result lines about the test's schema and the
// query, with runs of spaces collapsed, the database name replaced by DB
// and SQLColumns' TABLE OID column blanked.
func normalizeISQL(out, db string) string {
	var keep []string
	for _, line := range strings.Split(out, "\n") {
		line = strings.Join(strings.Fields(line), " ")
		if strings.HasPrefix(line, "+") || line == "" {
			continue
		}
		if strings.HasPrefix(line, "| TABLE_QUALIFIER") {
			keep = append(keep, line)
			continue
		}
		if !strings.HasPrefix(line, "|") {
			if strings.Contains(line, "rows fetched") || strings.Contains(line, "SQLRowCount") {
				continue // counts include the rest of the reference database
			}
			keep = append(keep, line)
			continue
		}
		fields := strings.Split(line, "|")
		if len(fields) > 3 && strings.TrimSpace(fields[1]) == db {
			if strings.TrimSpace(fields[2]) != "odbc_check" {
				continue
			}
			fields[1] = " DB "
			if len(fields) > 24 {
				fields[23] = " OID " // SQLColumns' TABLE OID
			}
		}
		keep = append(keep, strings.Join(fields, "|"))
	}
	return strings.Join(keep, "\n")
}
