package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"

	"github.com/lattice-olap/lattice/ssb"
)

// Results is everything one run measured; it is saved as JSON.
type Results struct {
	SF               float64       `json:"sf"`
	Seed             uint64        `json:"seed"`
	Runs             int           `json:"runs"`
	MinTimeMS        int64         `json:"min_time_ms,omitempty"` // runs went on until they took this long
	Date             string        `json:"date"`
	Machine          Machine       `json:"machine"`
	Load             []LoadResult  `json:"load"`
	Build            []BuildResult `json:"build"`
	Queries          []QueryResult `json:"queries"`
	Mismatches       []string      `json:"mismatches,omitempty"`
	Throughput       []QPSResult   `json:"throughput"`
	LatticePeakRSSKB int64         `json:"lattice_peak_rss_kb"`
	Targets          []target      `json:"targets,omitempty"` // as the report's Targets table
}

// Machine describes where the run happened.
type Machine struct {
	CPU       string            `json:"cpu"`
	Cores     int               `json:"cores"`
	MemoryKB  int64             `json:"memory_kb"`
	GoVersion string            `json:"go_version"`
	Versions  map[string]string `json:"versions"`
}

type TableLoad struct {
	Table   string  `json:"table"`
	Rows    int64   `json:"rows"`
	Seconds float64 `json:"seconds"`
}

type LoadResult struct {
	Engine     string      `json:"engine"`
	Tables     []TableLoad `json:"tables"`
	Rows       int64       `json:"rows"`
	Seconds    float64     `json:"seconds"`
	RowsPerSec float64     `json:"rows_per_sec"`
}

type BuildResult struct {
	Engine  string  `json:"engine"`
	What    string  `json:"what"`
	Cuboids int     `json:"cuboids"`
	Seconds float64 `json:"seconds,omitempty"`
	Error   string  `json:"error,omitempty"`
}

// Timing is one engine's result for one query: the median of the timed
// runs, or why there is none.
type Timing struct {
	MedianMS float64 `json:"median_ms,omitempty"`
	Runs     int     `json:"runs,omitempty"` // timed runs, when -min-time asked for more than -runs
	Rows     int     `json:"rows,omitempty"`
	Error    string  `json:"error,omitempty"`
}

type QueryResult struct {
	Query   string            `json:"query"`
	Engines map[string]Timing `json:"engines"`
}

type QPSResult struct {
	Workload string    `json:"workload"`
	Engine   string    `json:"engine"`
	Conns    int       `json:"connections"`
	QPS      float64   `json:"qps"`              // the median round
	Rounds   []float64 `json:"rounds,omitempty"` // every round's QPS
	Error    string    `json:"error,omitempty"`
}

func describeMachine() Machine {
	m := Machine{Cores: runtime.NumCPU(), GoVersion: runtime.Version()}
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, l := range strings.Split(string(b), "\n") {
			if v, ok := strings.CutPrefix(l, "model name"); ok {
				m.CPU = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(v), ":"))
				break
			}
		}
	}
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		for _, l := range strings.Split(string(b), "\n") {
			if v, ok := strings.CutPrefix(l, "MemTotal:"); ok {
				fmt.Sscanf(strings.TrimSpace(v), "%d", &m.MemoryKB)
			}
		}
	}
	return m
}

func writeJSON(path string, r *Results) error {
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o644)
}

func ms(t Timing) string {
	if t.Error != "" {
		return "n/a"
	}
	return fmt.Sprintf("%.1f", t.MedianMS)
}

func ratio(a, b Timing) string {
	if a.Error != "" || b.Error != "" || b.MedianMS == 0 {
		return "–"
	}
	return fmt.Sprintf("%.2f×", a.MedianMS/b.MedianMS)
}

// report prints the results as markdown tables.
func report(w io.Writer, r *Results) {
	fmt.Fprintf(w, "## SSB at SF %g (%s)\n\n", r.SF, r.Date)
	fmt.Fprintf(w, "%s, %d cores, %d MiB RAM, %s; %s; %s; %s\n\n", r.Machine.CPU, r.Machine.Cores, r.Machine.MemoryKB/1024,
		r.Machine.GoVersion, r.Machine.Versions["lattice"], r.Machine.Versions["duckdb"], firstWords(r.Machine.Versions["postgres"], 2))

	if r.MinTimeMS > 0 {
		fmt.Fprintf(w, "### Queries: median of at least %d runs, and of at least %d ms of runs, after a warm-up, ms\n\n", r.Runs, r.MinTimeMS)
	} else {
		fmt.Fprintf(w, "### Queries: median of %d runs after a warm-up, ms\n\n", r.Runs)
	}
	fmt.Fprintln(w, "| query | Lattice cube | Lattice raw | DuckDB | PostgreSQL | raw/DuckDB | raw/PG | cube/DuckDB | cube/PG |")
	fmt.Fprintln(w, "|---|---:|---:|---:|---:|---:|---:|---:|---:|")
	for _, q := range r.Queries {
		e := q.Engines
		fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", q.Query,
			ms(e[labelCube]), ms(e[labelRaw]), ms(e[labelDuck]), ms(e[labelPG]),
			ratio(e[labelRaw], e[labelDuck]), ratio(e[labelRaw], e[labelPG]),
			ratio(e[labelCube], e[labelDuck]), ratio(e[labelCube], e[labelPG]))
	}
	// The total covers the queries that Lattice's raw route, DuckDB and
	// PostgreSQL all answered, so its ratios compare like with like; the
	// cube's total is shown when the cube answered all of those too.
	sum, counted := totals(r)
	fmt.Fprintf(w, "| **total of %d** | %s | %s | %s | %s | %s | %s | %s | %s |\n\n", counted,
		ms(sum[labelCube]), ms(sum[labelRaw]), ms(sum[labelDuck]), ms(sum[labelPG]),
		ratio(sum[labelRaw], sum[labelDuck]), ratio(sum[labelRaw], sum[labelPG]),
		ratio(sum[labelCube], sum[labelDuck]), ratio(sum[labelCube], sum[labelPG]))
	// Why a cell is n/a, once per engine and reason.
	for _, l := range []string{labelCube, labelRaw, labelDuck, labelPG} {
		var reasons []string
		queries := map[string][]string{}
		for _, q := range r.Queries {
			if err := q.Engines[l].Error; err != "" {
				err = firstLine(err)
				if _, ok := queries[err]; !ok {
					reasons = append(reasons, err)
				}
				queries[err] = append(queries[err], q.Query)
			}
		}
		for _, why := range reasons {
			fmt.Fprintf(w, "- %s, %s: %s\n", l, strings.Join(queries[why], " "), why)
		}
	}
	for _, m := range r.Mismatches {
		fmt.Fprintf(w, "- **%s**\n", m)
	}

	fmt.Fprintln(w, "\n### Load (COPY)")
	fmt.Fprintln(w, "\n| engine | rows | seconds | rows/s |")
	fmt.Fprintln(w, "|---|---:|---:|---:|")
	for _, l := range r.Load {
		fmt.Fprintf(w, "| %s | %d | %.2f | %.0f |\n", l.Engine, l.Rows, l.Seconds, l.RowsPerSec)
	}

	fmt.Fprintf(w, "\n### Cube build (%d cuboids)\n\n", len(ssb.Cuboids()))
	fmt.Fprintln(w, "| engine | what | seconds |")
	fmt.Fprintln(w, "|---|---|---:|")
	for _, b := range r.Build {
		s := fmt.Sprintf("%.2f", b.Seconds)
		if b.Error != "" {
			s = "failed: " + firstLine(b.Error)
		}
		fmt.Fprintf(w, "| %s | %s | %s |\n", b.Engine, b.What, s)
	}

	fmt.Fprintln(w, "\n### Throughput (queries per second)")
	fmt.Fprintln(w, "\n| workload | engine | 1 conn | 4 conns | 16 conns |")
	fmt.Fprintln(w, "|---|---|---:|---:|---:|")
	type key struct{ workload, engine string }
	var order []key
	cells := map[key][]string{}
	for _, q := range r.Throughput {
		k := key{q.Workload, q.Engine}
		if _, ok := cells[k]; !ok {
			order = append(order, k)
		}
		v := fmt.Sprintf("%.0f", q.QPS)
		if q.Error != "" {
			v = "failed: " + firstLine(q.Error)
		}
		cells[k] = append(cells[k], v)
	}
	for _, k := range order {
		fmt.Fprintf(w, "| %s | %s | %s |\n", k.workload, k.engine, strings.Join(cells[k], " | "))
	}
	fmt.Fprintf(w, "\nLattice peak RSS (VmHWM): %d MiB\n", r.LatticePeakRSSKB/1024)
	reportTargets(w, targets(r))
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	if len(s) > 120 {
		s = s[:120] + "…"
	}
	return s
}

func firstWords(s string, n int) string {
	f := strings.Fields(s)
	return strings.Join(f[:min(n, len(f))], " ")
}
