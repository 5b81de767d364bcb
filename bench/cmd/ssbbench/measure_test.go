package main

import (
	"errors"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/lattice-olap/lattice/ssb"
)

func TestNormalize(t *testing.T) {
	for in, want := range map[string]string{"12.50": "12.5", "7.000": "7", "MFGR#12": "MFGR#12", "1.2.3": "1.2.3", "10": "10"} {
		if got := normText(in); got != want {
			t.Errorf("normText(%q) = %q, want %q", in, got, want)
		}
	}
	for in, want := range map[any]string{
		"12.50":   "12.50", // text values from database/sql are kept as they are
		int64(42): "42", int32(-3): "-3", big.NewInt(123456789): "123456789",
		float64(2.5): "2.5", nil: "NULL",
		time.Date(1997, 12, 1, 0, 0, 0, 0, time.UTC): "1997-12-01",
	} {
		if got := norm(in); got != want {
			t.Errorf("norm(%#v) = %q, want %q", in, got, want)
		}
	}
}

func TestSameAnswer(t *testing.T) {
	a := [][]string{{"1993", "x"}, {"1992", "y"}}
	b := [][]string{{"1992", "y"}, {"1993", "x"}}
	if !sameAnswer(ssb.Query{Name: "Q3.1"}, a, b) {
		t.Error("Q3.x answers compare as sets")
	}
	if sameAnswer(ssb.Query{Name: "Q2.1"}, a, b) {
		t.Error("Q2.x answers compare in order")
	}
	if sameAnswer(ssb.Query{Name: "Q3.1"}, a, a[:1]) {
		t.Error("a missing row must differ")
	}
}

func TestCuboidQuery(t *testing.T) {
	q := cuboidQuery()
	if n := strings.Count(q, "), (") + 1; n != len(ssb.Cuboids()) {
		t.Errorf("%d grouping sets, want %d", n, len(ssb.Cuboids()))
	}
	for _, m := range ssb.CubeMeasures {
		if !strings.Contains(q, m) {
			t.Errorf("measure %s missing", m)
		}
	}
}

func TestMedian(t *testing.T) {
	if m := median([]time.Duration{5, 1, 3}); m != 3 {
		t.Errorf("median = %v", m)
	}
}

// TestTimeRuns: at least runs runs; more while they add up to less than
// minTime, up to maxRuns; an error stops the runs.
func TestTimeRuns(t *testing.T) {
	n := 0
	ds, err := timeRuns(5, 0, func() error { n++; return nil })
	if err != nil || len(ds) != 5 || n != 5 {
		t.Fatalf("runs=5, no min time: %d runs, %d calls, %v", len(ds), n, err)
	}
	n = 0
	ds, err = timeRuns(5, 20*time.Millisecond, func() error { n++; time.Sleep(time.Millisecond); return nil })
	if err != nil || len(ds) < 10 || len(ds) != n {
		t.Fatalf("min time 20ms over 1ms runs: %d runs, %d calls, %v", len(ds), n, err)
	}
	ds, _ = timeRuns(1, time.Hour, func() error { return nil })
	if len(ds) != maxRuns {
		t.Fatalf("instant runs for an hour: %d runs, want %d", len(ds), maxRuns)
	}
	n = 0
	if _, err := timeRuns(5, 0, func() error { n++; return errors.New("boom") }); err == nil || n != 1 {
		t.Fatalf("error: %v after %d calls", err, n)
	}
}

func TestMeasureRounds(t *testing.T) {
	var order []string
	cell := func(name string, vals ...float64) qpsCell {
		i := 0
		return qpsCell{"w", name, func(conns int) (float64, error) {
			order = append(order, name)
			if i == len(vals) {
				return 0, errors.New(name + " failed")
			}
			i++
			return vals[i-1] * float64(conns), nil
		}}
	}
	got := measureRounds([]qpsCell{cell("a", 5, 1, 3), cell("b", 10, 30, 20), cell("c", 7)}, 2, 3)
	// Odd rounds run the cells in reverse; a failed cell is not run again.
	if want := "a b c c b a a b"; strings.Join(order, " ") != want {
		t.Errorf("order %q, want %q", strings.Join(order, " "), want)
	}
	if got[0].QPS != 6 || len(got[0].Rounds) != 3 || got[0].Error != "" {
		t.Errorf("a: %+v, want the median round 6 of 3", got[0])
	}
	if got[1].QPS != 40 || got[1].Conns != 2 {
		t.Errorf("b: %+v, want the median round 40", got[1])
	}
	if got[2].Error != "c failed" || got[2].QPS != 0 {
		t.Errorf("c: %+v, want its error and no QPS", got[2])
	}
}

// TestTargets checks the Targets table against a run that meets each goal
// and one that misses each.
func TestTargets(t *testing.T) {
	timing := func(ms float64) Timing { return Timing{MedianMS: ms} }
	run := func(cube, raw, duck, pg, build, duckBuild, sel, pgSel float64) *Results {
		r := &Results{}
		for _, q := range []string{"Q1.1", "Q2.1"} {
			r.Queries = append(r.Queries, QueryResult{Query: q, Engines: map[string]Timing{
				labelCube: timing(cube), labelRaw: timing(raw), labelDuck: timing(duck), labelPG: timing(pg)}})
		}
		r.Build = []BuildResult{{Engine: "Lattice", Seconds: build}, {Engine: "DuckDB", Seconds: duckBuild}, {Engine: "PostgreSQL", Error: "timeout"}}
		for _, w := range []string{"SELECT 1", "SELECT 1 (pgbench)"} {
			for _, c := range []int{1, 4} {
				r.Throughput = append(r.Throughput, QPSResult{Workload: w, Engine: "Lattice", Conns: c, QPS: sel},
					QPSResult{Workload: w, Engine: "PostgreSQL", Conns: c, QPS: pgSel})
			}
		}
		return r
	}
	met := func(ts []target) []string {
		var out []string
		for _, t := range ts {
			out = append(out, t.Met)
		}
		return out
	}
	good := targets(run(1.5, 10, 8, 200, 60, 70, 100, 90))
	if got := met(good); strings.Join(got, " ") != "yes yes yes yes yes yes" {
		t.Errorf("a run meeting every target: %v", good)
	}
	if !strings.Contains(good[0].Measured, "2 of 2 ≤ 2 ms") || !strings.Contains(good[5].Measured, "4 conns: 111%") {
		t.Errorf("measured: %q, %q", good[0].Measured, good[5].Measured)
	}
	bad := targets(run(2.5, 20, 8, 150, 80, 70, 90, 100))
	if got := met(bad); strings.Join(got, " ") != "no no no no no no" {
		t.Errorf("a run missing every target: %v", bad)
	}
	r := run(1, 10, 8, 200, 60, 70, 100, 90)
	r.Queries[1].Engines[labelCube] = Timing{Error: "route: raw"}
	r.Build[1].Error = "timeout"
	r.Throughput = nil
	if got := met(targets(r)); strings.Join(got, " ") != "no yes yes n/a n/a n/a" {
		t.Errorf("a run with a query off the cube route, no DuckDB build and no throughput: %v", got)
	}
}
