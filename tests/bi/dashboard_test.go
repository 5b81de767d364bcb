package bi

import (
	"context"
	"fmt"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/lattice-olap/lattice/internal/testenv"
)

// TestDashboardScenario plays a dashboard tool against a node with a built
// cube: it lists the relations of public (the cube shows as a view with a
// comment), reads the cube relation's columns, runs the aggregate SQL such a
// tool generates over it, and finds the query answered on the cube route in
// lattice.query_history. The aggregate's answer must be PostgreSQL's over
// the same fact rows.
func TestDashboardScenario(t *testing.T) {
	t.Parallel()
	pgDSN := testenv.PostgresDatabase(t)
	n := testenv.StartNode(t)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	lat := n.Connect(t, "lattice")
	pg, err := pgx.Connect(ctx, pgDSN)
	if err != nil {
		t.Fatal(err)
	}
	defer pg.Close(context.Background())
	fact := []string{
		"CREATE TABLE sales (day date NOT NULL, region text, amount numeric(12,2), qty integer)",
		"INSERT INTO sales SELECT DATE '2024-01-01' + (i % 60), CASE i % 3 WHEN 0 THEN 'north' WHEN 1 THEN 'south' ELSE 'west' END, (i % 17) * 1.25, i % 5 FROM generate_series(1, 600) s(i)",
	}
	for _, c := range []*pgx.Conn{lat, pg} {
		for _, s := range fact {
			if _, err := c.Exec(ctx, s); err != nil {
				t.Fatalf("%s: %v\n%s", s, err, n.Log())
			}
		}
	}
	for _, s := range []string{
		"CREATE CUBE sales_cube ON sales DIMENSIONS (region, day) MEASURES (SUM(amount) AS revenue, COUNT(*) AS orders) PARTITION BY day",
		"BUILD CUBE sales_cube WAIT",
	} {
		if _, err := lat.Exec(ctx, s); err != nil {
			t.Fatalf("%s: %v\n%s", s, err, n.Log())
		}
	}

	// The tool lists the relations it can chart.
	rels := rows(t, ctx, lat, `SELECT c.relname, c.relkind, pg_catalog.obj_description(c.oid, 'pg_class')
		FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
		WHERE n.nspname = 'public' AND c.relkind IN ('r', 'v') AND pg_catalog.pg_table_is_visible(c.oid) ORDER BY 1`)
	if len(rels) != 2 || rels[0][0] != "sales" || rels[0][1] != "r" || rels[1][0] != "sales_cube" || rels[1][1] != "v" ||
		!strings.HasPrefix(rels[1][2], "Lattice cube over sales") {
		t.Fatalf("relations of public: %v", rels)
	}
	cols := rows(t, ctx, lat, `SELECT column_name, data_type FROM information_schema.columns
		WHERE table_schema = 'public' AND table_name = 'sales_cube' ORDER BY ordinal_position`)
	if got := fmt.Sprint(cols); got != "[[region text] [day date] [revenue numeric] [orders bigint]]" {
		t.Fatalf("columns of sales_cube: %s", got)
	}

	// psql describes the cube as a view.
	psql := testenv.LookPath(t, "psql")
	out, err := exec.CommandContext(ctx, psql, "-X", "-d", n.DSN("lattice"), "-c", `\d+ sales_cube`).CombinedOutput()
	if err != nil || !strings.Contains(string(out), `View "public.sales_cube"`) || !strings.Contains(string(out), " revenue ") ||
		!strings.Contains(string(out), "View definition:") {
		t.Fatalf("psql \\d+ sales_cube: %v\n%s", err, out)
	}

	// The SQL a chart over the cube relation generates, and the same
	// question asked of PostgreSQL's fact table.
	chart := `SELECT "region" AS "region", SUM("revenue") AS "sum_revenue", SUM("orders") AS "count" FROM "sales_cube" GROUP BY "region" ORDER BY "region" ASC`
	got := rows(t, ctx, lat, chart)
	want := rows(t, ctx, pg, `SELECT region, SUM(amount), COUNT(*) FROM sales GROUP BY region ORDER BY region`)
	if fmt.Sprint(got) != fmt.Sprint(want) || len(want) != 3 {
		t.Fatalf("chart over the cube: %v, PostgreSQL: %v", got, want)
	}
	// The history is written when the query ends; wait for it to show.
	deadline := time.Now().Add(20 * time.Second)
	for {
		h := rows(t, ctx, lat, "SELECT route, cube FROM lattice.query_history WHERE query = '"+strings.ReplaceAll(chart, "'", "''")+"'")
		if len(h) > 0 {
			if h[0][0] != "cube" || h[0][1] != "sales_cube" {
				t.Fatalf("the chart's query ran on route %q, cube %q; want the cube route on sales_cube", h[0][0], h[0][1])
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("lattice.query_history has no entry for the chart's query\n%s", n.Log())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// rows runs a query and returns its rows as text.
func rows(t *testing.T, ctx context.Context, c *pgx.Conn, sql string) [][]string {
	t.Helper()
	r, err := c.Query(ctx, sql, pgx.QueryResultFormats{pgx.TextFormatCode})
	if err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	defer r.Close()
	var out [][]string
	for r.Next() {
		var row []string
		for _, v := range r.RawValues() {
			if v == nil {
				row = append(row, "NULL")
			} else {
				row = append(row, string(v))
			}
		}
		out = append(out, row)
	}
	if err := r.Err(); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	return out
}
