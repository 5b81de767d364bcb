package sqltests

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lattice-olap/lattice/sqltests/internal/gen"
)

var (
	updateKnown = flag.Bool("update-known-failing", false,
		"rewrite testdata/known_failing.txt from this run's results (TestSQL)")
	rewrite = flag.Bool("rewrite", false,
		"regenerate the generated datasets under testdata/datasets (TestGeneratedDatasets)")
)

func mustSuite(t *testing.T) *suite {
	t.Helper()
	s, err := loadSuite()
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestSQL loads each dataset into a fresh PostgreSQL database and a fresh
// Lattice node, runs every query of the dataset's query files on both, in
// the simple protocol with text results and in the extended protocol with
// binary results, and requires the same answers (see doc.go).
func TestSQL(t *testing.T) {
	t.Parallel()
	s := mustSuite(t)
	known, err := loadKnown()
	if err != nil {
		t.Fatal(err)
	}
	rec := &outcomes{}
	for _, name := range s.datasetNames() {
		t.Run(name, func(t *testing.T) { runDataset(t, s, s.datasets[name], known, rec) })
	}
	if len(rec.results()) == 0 {
		return // skipped, or filtered out by -run
	}
	summarize(t, known, rec)
	if *updateKnown {
		if err := known.rewrite(rec, s.checkIDs()); err != nil {
			t.Fatal(err)
		}
		t.Logf("rewrote %s", known.path)
	}
}

func runDataset(t *testing.T, s *suite, ds *dataset, known *knownList, rec *outcomes) {
	files := s.filesFor(ds.name)
	pg := newTarget(t, "postgres", referenceDatabase(t), nil)
	want := pg.mustLoad(t, ds)

	node, dsn := latticeProject(t, "sqltests_"+ds.name)
	lat := newTarget(t, "lattice", dsn, nil)
	diff := compareLoads(ds, want, lat.load(ds))
	judge(t, known, rec, loadID(ds.name), diff, diff)

	for _, f := range files {
		t.Run(f.name, func(t *testing.T) {
			for _, q := range f.queries {
				t.Run(q.name, func(t *testing.T) { runQuery(t, q, pg, lat, known, rec) })
			}
		})
	}
	if t.Failed() && !known.has(loadID(ds.name)) {
		t.Logf("lattice log (tail):\n%s", tail(node.Log(), 4000))
	}
}

// runQuery compares one query in every protocol.
func runQuery(t *testing.T, q query, pg, lat *target, known *knownList, rec *outcomes) {
	var diffs, details []string
	for _, p := range protocols {
		want := pg.query(q.sql, p)
		if msg := checkReference(q, want); msg != "" {
			// The query file is wrong: never a known failure.
			t.Errorf("%s:%d: %s (%s)", filepath.Join(queriesDir, q.file+".sql"), q.line, msg, p)
			return
		}
		got := lat.query(q.sql, p)
		if d := compareResults(want, got, q.ordered); d != "" {
			diffs = append(diffs, fmt.Sprintf("[%s] %s", p, d))
			details = append(details, fmt.Sprintf("--- %s: %s\npostgres: %s\nlattice:  %s",
				p, d, want.describe(20), got.describe(20)))
		}
	}
	detail := ""
	if len(diffs) > 0 {
		detail = fmt.Sprintf("%s:%d\n%s\n%s", filepath.Join(queriesDir, q.file+".sql"), q.line,
			indent(q.sql), strings.Join(details, "\n"))
	}
	judge(t, known, rec, q.id(), strings.Join(diffs, "; "), detail)
}

// checkReference returns "" when PostgreSQL's answer agrees with the
// query's markers: an error exactly when the query is marked "-- error",
// with the SQLSTATE the marker names.
func checkReference(q query, want *result) string {
	switch {
	case q.wantErr == "" && want.err != nil:
		return fmt.Sprintf("PostgreSQL fails query %s: %v; fix it or mark it -- error", q.name, want.err)
	case q.wantErr != "" && want.err == nil:
		return fmt.Sprintf("query %s is marked -- error %s but PostgreSQL runs it", q.name, q.wantErr)
	case q.wantErr != "" && want.code == "":
		return fmt.Sprintf("query %s: PostgreSQL failed without a SQLSTATE: %v", q.name, want.err)
	case q.wantErr != "" && q.wantErr != "any" && q.wantErr != want.code:
		return fmt.Sprintf("query %s is marked -- error %s but PostgreSQL fails with %s: %v", q.name, q.wantErr, want.code, want.err)
	}
	return ""
}

func indent(s string) string {
	return "    " + strings.ReplaceAll(s, "\n", "\n    ")
}

func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return "..." + s[len(s)-n:]
}

// TestQueryFiles checks the test files without any server: they parse,
// names are unique, and every name in the known-failing list exists.
func TestQueryFiles(t *testing.T) {
	s := mustSuite(t)
	ids := s.checkIDs()
	known, err := loadKnown()
	if err != nil {
		t.Fatal(err)
	}
	for id := range known.names {
		if !ids[id] {
			t.Errorf("%s:%d: %s names no check; remove it", known.path, known.lines[id], id)
		}
	}
	t.Logf("%d datasets, %d query files, %d queries, %d known failing",
		len(s.datasets), len(s.files), s.queryCount(), len(known.names))
}

// TestGeneratedDatasets checks that the generated datasets are what the
// generator produces; -rewrite regenerates them.
func TestGeneratedDatasets(t *testing.T) {
	path := filepath.Join(datasetsDir, "star.sql")
	want := gen.Star()
	if *rewrite {
		if err := os.WriteFile(path, want, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s is not what sqltests/internal/gen generates; run go test ./sqltests -run TestGeneratedDatasets -rewrite", path)
	}
}

// TestQueriesDeterministic guards the query files rather than Lattice: it
// runs every query on two PostgreSQL databases holding the same data, the
// second with every table's rows physically reordered and with hash
// aggregation and hash joins disabled, and requires the same answers. A
// query whose answer depends on the physical row order or the plan (an
// ORDER BY with ties, LIMIT without a total order, row_number() over ties)
// fails here, before it can make TestSQL flaky.
func TestQueriesDeterministic(t *testing.T) {
	t.Parallel()
	s := mustSuite(t)
	for _, name := range s.datasetNames() {
		ds := s.datasets[name]
		t.Run(name, func(t *testing.T) {
			a := newTarget(t, "postgres", referenceDatabase(t), nil)
			a.mustLoad(t, ds)
			b := newTarget(t, "postgres (shuffled)", referenceDatabase(t), map[string]string{
				"enable_hashagg":  "off",
				"enable_hashjoin": "off",
			})
			b.mustLoad(t, ds)
			shuffle(t, b)
			for _, f := range s.filesFor(name) {
				for _, q := range f.queries {
					want, got := a.query(q.sql, simpleText), b.query(q.sql, simpleText)
					if msg := checkReference(q, want); msg != "" {
						t.Errorf("%s:%d: %s", f.path, q.line, msg)
						continue
					}
					if d := compareResults(want, got, q.ordered); d != "" {
						t.Errorf("%s:%d: %s: the answer depends on row order or plan: %s\n%s",
							f.path, q.line, q.id(), d, indent(q.sql))
					}
				}
			}
		})
	}
}

// shuffle rewrites every table of the database in a different physical
// order (by a hash of the row), so that scans return rows in another order.
func shuffle(t *testing.T, tg *target) {
	t.Helper()
	res := tg.query("SELECT quote_ident(tablename) FROM pg_tables WHERE schemaname = 'public' ORDER BY 1", simpleText)
	if res.err != nil {
		t.Fatal(res.err)
	}
	for _, row := range res.rows {
		tbl := row[0].s
		sql := fmt.Sprintf("WITH x AS (DELETE FROM %s RETURNING *) INSERT INTO %s SELECT * FROM x ORDER BY md5(x::text)", tbl, tbl)
		if r := tg.query(sql, simpleText); r.err != nil {
			t.Fatalf("shuffling %s: %v", tbl, r.err)
		}
	}
}
