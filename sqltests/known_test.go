package sqltests

import (
	"bufio"
	"fmt"
	"os"
	"sort"
	"strings"
	"sync"
	"testing"
)

// knownEnv overrides the known-failing list: unset, the checked-in
// testdata/known_failing.txt; "none" (or "off"), no list, so every mismatch
// fails; anything else, the path of another list.
const knownEnv = "LATTICE_SQLTESTS_KNOWN_FAILING"

// knownList is the set of checks that are allowed to fail for now.
type knownList struct {
	path  string // "" when the list is disabled
	names map[string]bool
	lines map[string]int // name -> line, for messages
}

func loadKnown() (*knownList, error) {
	k := &knownList{path: knownDefault, names: map[string]bool{}, lines: map[string]int{}}
	switch v := os.Getenv(knownEnv); v {
	case "":
	case "none", "off":
		k.path = ""
		return k, nil
	default:
		k.path = v
	}
	f, err := os.Open(k.path)
	if err != nil {
		if os.IsNotExist(err) && os.Getenv(knownEnv) == "" {
			return k, nil // an empty list: everything passes
		}
		return nil, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		l := strings.TrimSpace(sc.Text())
		if l == "" || strings.HasPrefix(l, "#") {
			continue
		}
		if k.names[l] {
			return nil, fmt.Errorf("%s:%d: %s is listed twice", k.path, n, l)
		}
		k.names[l] = true
		k.lines[l] = n
	}
	return k, sc.Err()
}

func (k *knownList) has(id string) bool { return k.names[id] }

const knownHeader = `# Checks that do not match PostgreSQL yet, one name a line: load/<dataset>
# for loading a dataset into Lattice, <query file>/<query name> for a query.
#
# TestSQL logs a listed check's failure instead of failing, and fails when a
# listed check starts to match PostgreSQL, so this list only shrinks. Rewrite
# it from the current results with
#
#   go test ./sqltests -run TestSQL -update-known-failing
#
# and set LATTICE_SQLTESTS_KNOWN_FAILING=none to see every failure.
`

// rewrite writes the list: the checks that failed in this run, plus the
// listed checks that did not run (a -run filter) and still exist.
func (k *knownList) rewrite(rec *outcomes, exists map[string]bool) error {
	if k.path == "" {
		return fmt.Errorf("-update-known-failing with %s=none: nothing to write", knownEnv)
	}
	keep := map[string]bool{}
	for id, ok := range rec.results() {
		if !ok {
			keep[id] = true
		}
	}
	ran := rec.results()
	for id := range k.names {
		if _, did := ran[id]; !did && exists[id] {
			keep[id] = true
		}
	}
	names := make([]string, 0, len(keep))
	for id := range keep {
		names = append(names, id)
	}
	sort.Strings(names)
	var b strings.Builder
	b.WriteString(knownHeader)
	b.WriteString("\n")
	for _, n := range names {
		b.WriteString(n)
		b.WriteString("\n")
	}
	return os.WriteFile(k.path, []byte(b.String()), 0o644)
}

// outcomes records whether each check matched PostgreSQL.
type outcomes struct {
	mu sync.Mutex // guards ok
	ok map[string]bool
}

func (o *outcomes) record(id string, ok bool) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.ok == nil {
		o.ok = map[string]bool{}
	}
	o.ok[id] = ok
}

func (o *outcomes) results() map[string]bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	out := make(map[string]bool, len(o.ok))
	for k, v := range o.ok {
		out[k] = v
	}
	return out
}

// judge records a check and applies the known-failing policy: diff is ""
// when Lattice matched PostgreSQL; detail is the full failure report.
func judge(t *testing.T, k *knownList, rec *outcomes, id, diff, detail string) {
	t.Helper()
	rec.record(id, diff == "")
	switch {
	case *updateKnown:
		if diff != "" {
			t.Logf("%s fails: %s", id, firstLine(diff))
		}
	case diff != "" && k.has(id):
		t.Logf("%s (known failing): %s", id, firstLine(diff))
	case diff != "":
		t.Errorf("%s does not match PostgreSQL:\n%s", id, detail)
	case k.has(id):
		t.Errorf("%s now matches PostgreSQL: remove it from %s (line %d)", id, k.path, k.lines[id])
	}
}

// summarize logs the counts and the names to take off the list.
func summarize(t *testing.T, k *knownList, rec *outcomes) {
	t.Helper()
	res := rec.results()
	var queries, matched, loads, loaded int
	var fixed []string
	for id, ok := range res {
		if strings.HasPrefix(id, "load/") {
			loads++
			if ok {
				loaded++
			}
		} else {
			queries++
			if ok {
				matched++
			}
		}
		if ok && k.has(id) {
			fixed = append(fixed, id)
		}
	}
	t.Logf("%d/%d queries match PostgreSQL; %d/%d datasets load; %d checks listed in %s",
		matched, queries, loaded, loads, len(k.names), orNoList(k.path))
	if len(fixed) > 0 && !*updateKnown {
		sort.Strings(fixed)
		t.Errorf("these checks now match PostgreSQL; remove them from %s (or run with -update-known-failing):\n%s",
			k.path, strings.Join(fixed, "\n"))
	}
}

func orNoList(path string) string {
	if path == "" {
		return "(no list)"
	}
	return path
}
