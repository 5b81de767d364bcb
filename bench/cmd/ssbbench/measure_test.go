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
