// Package bi checks the introspection queries that BI tools and drivers
// send (testdata/introspection.sql) against the reference PostgreSQL.
package bi

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/lattice-olap/lattice/internal/testenv"
)

const setup = `
CREATE SCHEMA bi_check;
CREATE TABLE bi_check.sales (id integer NOT NULL, region varchar(16), amount numeric(12,2), sold_at timestamp, note text);
CREATE TABLE bi_check.regions (name text, code char(2));
INSERT INTO bi_check.sales VALUES (1, 'north', 10.50, '2024-01-03 10:00:00', NULL), (2, 'south', 20.00, '2024-01-20 11:30:00', 'x'),
  (3, 'north', 7.25, '2024-02-01 00:00:00', NULL), (4, NULL, 1.00, '2024-02-14 08:15:00', 'y');
SET search_path = bi_check;
`

type query struct {
	name   string
	sql    string
	ignore map[string]bool
}

func readQueries(t *testing.T) []query {
	b, err := os.ReadFile(filepath.Join("testdata", "introspection.sql"))
	if err != nil {
		t.Fatal(err)
	}
	var out []query
	for _, part := range strings.Split(string(b), "-- query: ")[1:] {
		head, body, _ := strings.Cut(part, "\n")
		q := query{name: strings.Fields(head)[0], ignore: map[string]bool{}}
		var lines []string
		for _, line := range strings.Split(body, "\n") {
			if cols, ok := strings.CutPrefix(line, "-- ignore: "); ok {
				for _, c := range strings.Split(cols, ",") {
					q.ignore[strings.TrimSpace(c)] = true
				}
				continue
			}
			lines = append(lines, line)
		}
		q.sql = strings.TrimSpace(strings.Join(lines, "\n"))
		out = append(out, q)
	}
	return out
}

// run executes sql with binary results for every column and renders the
// column names, type OIDs and raw values, leaving out ignored columns.
func run(ctx context.Context, c *pgx.Conn, sql string, ignore map[string]bool) (string, error) {
	rr := c.PgConn().ExecParams(ctx, sql, nil, nil, nil, []int16{1})
	var sb strings.Builder
	fields := rr.FieldDescriptions()
	for _, f := range fields {
		if !ignore[f.Name] {
			fmt.Fprintf(&sb, "%s:%d ", f.Name, f.DataTypeOID)
		}
	}
	sb.WriteString("\n")
	for rr.NextRow() {
		for i, v := range rr.Values() {
			if ignore[fields[i].Name] {
				continue
			}
			if v == nil {
				sb.WriteString("NULL ")
			} else {
				fmt.Fprintf(&sb, "%x ", v)
			}
		}
		sb.WriteString("\n")
	}
	_, err := rr.Close()
	return sb.String(), err
}

func connect(t *testing.T, dsn string) *pgx.Conn {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close(context.Background()) })
	for _, stmt := range strings.Split(setup, ";\n") {
		if strings.TrimSpace(stmt) == "" {
			continue
		}
		if _, err := c.Exec(ctx, stmt); err != nil {
			t.Fatalf("setup: %s: %v", stmt, err)
		}
	}
	return c
}

// TestIntrospection runs each query of testdata/introspection.sql on a
// Lattice node and on a fresh PostgreSQL database holding the same schema,
// with binary results, and requires the same column names, type OIDs and
// values.
func TestIntrospection(t *testing.T) {
	t.Parallel()
	pgDSN := testenv.PostgresDatabase(t)
	n := testenv.StartNode(t)
	lat := connect(t, n.DSN("lattice"))
	pg := connect(t, pgDSN)
	for _, q := range readQueries(t) {
		t.Run(q.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			want, err := run(ctx, pg, q.sql, q.ignore)
			if err != nil {
				t.Fatalf("PostgreSQL: %v", err)
			}
			if strings.Count(want, "\n") < 2 && !strings.Contains(q.name, "constraints") {
				t.Fatalf("PostgreSQL returns no rows; the check would prove nothing:\n%s", want)
			}
			got, err := run(ctx, lat, q.sql, q.ignore)
			if err != nil {
				t.Fatalf("Lattice: %v\n%s", err, n.Log())
			}
			if got != want {
				t.Fatalf("results differ from PostgreSQL\n--- postgres\n%s--- lattice\n%s", want, got)
			}
		})
	}
}
