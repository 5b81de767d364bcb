package sqltests

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	pg_query "github.com/pganalyze/pg_query_go/v6"
)

// statement is one statement of a dataset file. A COPY ... FROM STDIN
// statement carries its data, which is sent with the COPY protocol.
type statement struct {
	line int // 1-based, of the statement's first line
	sql  string
	// copyData is the data of a COPY ... FROM STDIN block (without the
	// terminating \. line); nil for other statements.
	copyData []byte
}

// dataset is a parsed testdata/datasets/<name>.sql.
type dataset struct {
	name  string
	path  string
	stmts []statement
}

// query is one entry of a query file.
type query struct {
	file      string // the query file's name, without .sql
	name      string // unique within the file
	line      int
	sql       string
	ordered   bool // rows are compared in order
	unordered bool // "-- unordered": rows are compared as a multiset despite an ORDER BY
	// wantErr is set by "-- error": PostgreSQL must fail the query, with
	// this SQLSTATE when it is not "any". The code compared with Lattice's
	// is always PostgreSQL's actual one.
	wantErr string
}

// id is the query's name in failure messages and known_failing.txt.
func (q query) id() string { return q.file + "/" + q.name }

// queryFile is a parsed testdata/queries/<name>.sql.
type queryFile struct {
	name    string
	path    string
	dataset string
	queries []query
}

var (
	datasetsDir  = filepath.Join("testdata", "datasets")
	queriesDir   = filepath.Join("testdata", "queries")
	knownDefault = filepath.Join("testdata", "known_failing.txt")
)

// loadID is the check name of loading a dataset into Lattice.
func loadID(ds string) string { return "load/" + ds }

// parseDataset splits a dataset file into statements. A statement ends at a
// line that ends with ";" (so a ";" at the end of a line inside a string
// literal is not allowed); lines starting with "--" between statements are
// comments. A statement "COPY ... FROM STDIN ...;" is followed by its data
// lines up to a line "\.", as in psql scripts and pg_dump output.
func parseDataset(path string) (*dataset, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	ds := &dataset{name: strings.TrimSuffix(filepath.Base(path), ".sql"), path: path}
	lines := strings.Split(string(data), "\n")
	var cur []string
	start := 0
	for i := 0; i < len(lines); i++ {
		l := lines[i]
		if len(cur) == 0 {
			if strings.TrimSpace(l) == "" || strings.HasPrefix(strings.TrimSpace(l), "--") {
				continue
			}
			start = i + 1
		}
		cur = append(cur, l)
		if !strings.HasSuffix(strings.TrimSpace(l), ";") {
			continue
		}
		st := statement{line: start, sql: strings.TrimSuffix(strings.TrimSpace(strings.Join(cur, "\n")), ";")}
		cur = nil
		if isCopyFromStdin(st.sql) {
			var buf strings.Builder
			i++
			for ; i < len(lines) && lines[i] != `\.`; i++ {
				buf.WriteString(lines[i])
				buf.WriteByte('\n')
			}
			if i == len(lines) {
				return nil, fmt.Errorf(`%s:%d: COPY data without a terminating \. line`, path, start)
			}
			st.copyData = []byte(buf.String())
		}
		ds.stmts = append(ds.stmts, st)
	}
	if len(cur) > 0 {
		return nil, fmt.Errorf("%s:%d: statement without a terminating ;", path, start)
	}
	return ds, nil
}

var copyFromStdin = regexp.MustCompile(`(?is)^\s*copy\s.*\bfrom\s+stdin\b`)

func isCopyFromStdin(sql string) bool { return copyFromStdin.MatchString(sql) }

var (
	queryNameRE = regexp.MustCompile(`^[a-z0-9_]+$`)
	sqlstateRE  = regexp.MustCompile(`^[0-9A-Z]{5}$`)
)

// parseQueryFile reads a query file; the format is described in doc.go.
func parseQueryFile(path string) (*queryFile, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	qf := &queryFile{name: strings.TrimSuffix(filepath.Base(path), ".sql"), path: path}
	seen := map[string]bool{}
	var cur *query
	var body []string
	finish := func() error {
		if cur == nil {
			return nil
		}
		sql := strings.TrimSpace(strings.Join(body, "\n"))
		sql = strings.TrimSpace(strings.TrimSuffix(sql, ";"))
		if sql == "" {
			return fmt.Errorf("%s:%d: query %s has no SQL", path, cur.line, cur.name)
		}
		cur.sql = sql
		if !cur.ordered {
			o, err := hasTopLevelOrderBy(sql)
			if err != nil && cur.wantErr == "" {
				return fmt.Errorf("%s:%d: query %s does not parse: %v", path, cur.line, cur.name, err)
			}
			cur.ordered = o
		}
		if cur.unordered {
			cur.ordered = false
		}
		qf.queries = append(qf.queries, *cur)
		cur, body = nil, nil
		return nil
	}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for n := 1; sc.Scan(); n++ {
		l := sc.Text()
		trim := strings.TrimSpace(l)
		switch {
		case trim == "":
			if err := finish(); err != nil {
				return nil, err
			}
		case strings.HasPrefix(trim, "-- dataset:"):
			if qf.dataset != "" || cur != nil {
				return nil, fmt.Errorf("%s:%d: -- dataset: must appear once, before the queries", path, n)
			}
			qf.dataset = strings.TrimSpace(strings.TrimPrefix(trim, "-- dataset:"))
		case strings.HasPrefix(trim, "-- query:"):
			if cur != nil {
				return nil, fmt.Errorf("%s:%d: -- query: inside query %s (separate entries with a blank line)", path, n, cur.name)
			}
			name := strings.TrimSpace(strings.TrimPrefix(trim, "-- query:"))
			if !queryNameRE.MatchString(name) {
				return nil, fmt.Errorf("%s:%d: query name %q: use [a-z0-9_]+", path, n, name)
			}
			if seen[name] {
				return nil, fmt.Errorf("%s:%d: duplicate query name %s", path, n, name)
			}
			seen[name] = true
			cur = &query{file: qf.name, name: name, line: n}
		case cur != nil && len(body) == 0 && trim == "-- ordered":
			cur.ordered = true
		case cur != nil && len(body) == 0 && trim == "-- unordered":
			cur.unordered = true
		case cur != nil && len(body) == 0 && strings.HasPrefix(trim, "-- error"):
			code := strings.TrimSpace(strings.TrimPrefix(trim, "-- error"))
			if code == "" {
				code = "any"
			} else if !sqlstateRE.MatchString(code) {
				return nil, fmt.Errorf("%s:%d: -- error takes a SQLSTATE, got %q", path, n, code)
			}
			cur.wantErr = code
		case strings.HasPrefix(trim, "--") && len(body) == 0:
			// A comment: before the first query, between entries, or
			// describing the entry.
		case cur == nil:
			return nil, fmt.Errorf("%s:%d: SQL outside an entry (start entries with -- query: name)", path, n)
		default:
			body = append(body, l)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if err := finish(); err != nil {
		return nil, err
	}
	if qf.dataset == "" {
		return nil, fmt.Errorf("%s: missing -- dataset: line", path)
	}
	return qf, nil
}

// hasTopLevelOrderBy reports whether the statement's outermost SELECT
// (including a set operation or a WITH query) has an ORDER BY, which makes
// its row order part of the result. ORDER BY inside subqueries, window
// definitions and aggregate calls does not count.
func hasTopLevelOrderBy(sql string) (bool, error) {
	tree, err := pg_query.Parse(sql)
	if err != nil {
		return false, err
	}
	if len(tree.Stmts) != 1 {
		return false, fmt.Errorf("want exactly one statement, got %d", len(tree.Stmts))
	}
	sel := tree.Stmts[0].GetStmt().GetSelectStmt()
	return sel != nil && len(sel.GetSortClause()) > 0, nil
}

// suite is everything under testdata.
type suite struct {
	datasets map[string]*dataset
	files    []*queryFile // sorted by name
}

func loadSuite() (*suite, error) {
	s := &suite{datasets: map[string]*dataset{}}
	dsPaths, err := filepath.Glob(filepath.Join(datasetsDir, "*.sql"))
	if err != nil {
		return nil, err
	}
	for _, p := range dsPaths {
		ds, err := parseDataset(p)
		if err != nil {
			return nil, err
		}
		s.datasets[ds.name] = ds
	}
	qPaths, err := filepath.Glob(filepath.Join(queriesDir, "*.sql"))
	if err != nil {
		return nil, err
	}
	if len(dsPaths) == 0 || len(qPaths) == 0 {
		return nil, fmt.Errorf("no datasets or query files under testdata")
	}
	for _, p := range qPaths {
		qf, err := parseQueryFile(p)
		if err != nil {
			return nil, err
		}
		if s.datasets[qf.dataset] == nil {
			return nil, fmt.Errorf("%s: unknown dataset %q", p, qf.dataset)
		}
		s.files = append(s.files, qf)
	}
	sort.Slice(s.files, func(i, j int) bool { return s.files[i].name < s.files[j].name })
	return s, nil
}

// datasetNames returns the dataset names in order.
func (s *suite) datasetNames() []string {
	var names []string
	for n := range s.datasets {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// filesFor returns the query files of dataset ds.
func (s *suite) filesFor(ds string) []*queryFile {
	var out []*queryFile
	for _, f := range s.files {
		if f.dataset == ds {
			out = append(out, f)
		}
	}
	return out
}

// checkIDs returns every check name: one load per dataset and every query.
func (s *suite) checkIDs() map[string]bool {
	ids := map[string]bool{}
	for n := range s.datasets {
		ids[loadID(n)] = true
	}
	for _, f := range s.files {
		for _, q := range f.queries {
			ids[q.id()] = true
		}
	}
	return ids
}

func (s *suite) queryCount() int {
	n := 0
	for _, f := range s.files {
		n += len(f.queries)
	}
	return n
}
