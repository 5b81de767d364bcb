package main

import (
	"fmt"
	"io"
	"slices"
	"strings"
)

// target is one of issue 7's goals with what a run measured of it.
type target struct {
	Goal     string `json:"goal"`
	Measured string `json:"measured"`
	Met      string `json:"met"` // "yes", "no", or "n/a" when the run has no number for it
}

// totals sums each engine's medians over the queries that the raw route,
// DuckDB and PostgreSQL all answered (the report's total row).
func totals(r *Results) (sum map[string]Timing, counted int) {
	sum = map[string]Timing{}
	for _, q := range r.Queries {
		e := q.Engines
		if e[labelRaw].Error != "" || e[labelDuck].Error != "" || e[labelPG].Error != "" {
			continue
		}
		counted++
		for _, l := range []string{labelCube, labelRaw, labelDuck, labelPG} {
			t := sum[l]
			if e[l].Error != "" {
				t.Error = e[l].Error
			}
			t.MedianMS += e[l].MedianMS
			sum[l] = t
		}
	}
	return sum, counted
}

func metIf(ok bool) string {
	if ok {
		return "yes"
	}
	return "no"
}

// targets checks the run against the targets: cube route at most
// 2 ms per query; raw route within 1.5× of DuckDB's total and at least 10×
// faster than PostgreSQL's; the cube build no slower than DuckDB's
// GROUPING SETS; SELECT 1 at least PostgreSQL's QPS at every connection
// count, through each client.
func targets(r *Results) []target {
	var out []target

	cube := target{Goal: "cube route ≤ 2 ms median per SSB query", Met: "n/a"}
	if len(r.Queries) > 0 {
		over, worst, worstQ := 0, 0.0, ""
		var missing []string
		for _, q := range r.Queries {
			t := q.Engines[labelCube]
			if t.Error != "" {
				missing = append(missing, q.Query)
				continue
			}
			if t.MedianMS > 2 {
				over++
			}
			if t.MedianMS >= worst {
				worst, worstQ = t.MedianMS, q.Query
			}
		}
		cube.Measured = fmt.Sprintf("%d of %d ≤ 2 ms; slowest %s %.1f ms", len(r.Queries)-over-len(missing), len(r.Queries), worstQ, worst)
		if len(missing) > 0 {
			cube.Measured += "; not on the cube route: " + strings.Join(missing, " ")
		}
		cube.Met = metIf(over == 0 && len(missing) == 0)
	}
	out = append(out, cube)

	sum, counted := totals(r)
	raw, duck, pg := sum[labelRaw], sum[labelDuck], sum[labelPG]
	vsDuck := target{Goal: "raw route total within 1.5× of DuckDB's", Met: "n/a"}
	vsPG := target{Goal: "raw route total ≥ 10× faster than PostgreSQL's", Met: "n/a"}
	if counted > 0 && raw.MedianMS > 0 && duck.MedianMS > 0 && pg.MedianMS > 0 {
		x := raw.MedianMS / duck.MedianMS
		vsDuck.Measured, vsDuck.Met = fmt.Sprintf("%.2f× (%.1f ms against %.1f, %d queries)", x, raw.MedianMS, duck.MedianMS, counted), metIf(x <= 1.5)
		y := pg.MedianMS / raw.MedianMS
		vsPG.Measured, vsPG.Met = fmt.Sprintf("%.1f× faster (%.1f ms against %.1f)", y, raw.MedianMS, pg.MedianMS), metIf(y >= 10)
	}
	out = append(out, vsDuck, vsPG)

	build := target{Goal: "cube build no slower than DuckDB's GROUPING SETS", Met: "n/a"}
	secs := map[string]BuildResult{}
	for _, b := range r.Build {
		secs[b.Engine] = b
	}
	if l, d := secs["Lattice"], secs["DuckDB"]; l.Error == "" && d.Error == "" && l.Seconds > 0 && d.Seconds > 0 {
		build.Measured = fmt.Sprintf("%.2f× (%.1f s against %.1f)", l.Seconds/d.Seconds, l.Seconds, d.Seconds)
		build.Met = metIf(l.Seconds <= d.Seconds)
	}
	out = append(out, build)

	for _, w := range []string{"SELECT 1", "SELECT 1 (pgbench)"} {
		t := target{Goal: w + " QPS ≥ PostgreSQL's", Met: "n/a"}
		lat, pgq := map[int]QPSResult{}, map[int]QPSResult{}
		var conns []int
		for _, q := range r.Throughput {
			if q.Workload != w {
				continue
			}
			switch q.Engine {
			case "Lattice":
				lat[q.Conns] = q
				conns = append(conns, q.Conns)
			case "PostgreSQL":
				pgq[q.Conns] = q
			}
		}
		slices.Sort(conns)
		var parts []string
		met := true
		for _, c := range conns {
			l, p := lat[c], pgq[c]
			if l.Error != "" || p.Error != "" || p.QPS == 0 {
				parts = append(parts, fmt.Sprintf("%d conns: failed", c))
				met = false
				continue
			}
			parts = append(parts, fmt.Sprintf("%d conns: %.0f%%", c, 100*l.QPS/p.QPS))
			met = met && l.QPS >= p.QPS
		}
		if len(parts) > 0 {
			t.Measured, t.Met = strings.Join(parts, ", "), metIf(met)
		}
		out = append(out, t)
	}
	return out
}

// reportTargets prints targets as a markdown table.
func reportTargets(w io.Writer, ts []target) {
	fmt.Fprintln(w, "\n### Targets")
	fmt.Fprintln(w, "\n| target | measured | met |")
	fmt.Fprintln(w, "|---|---|---|")
	for _, t := range ts {
		m := t.Measured
		if m == "" {
			m = "not measured"
		}
		fmt.Fprintf(w, "| %s | %s | %s |\n", t.Goal, m, t.Met)
	}
}
