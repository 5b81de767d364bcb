// Command ssbbench runs the Star Schema Benchmark on Lattice, DuckDB and
// PostgreSQL side by side and reports times, ratios, load and build speeds,
// throughput under concurrency and Lattice's peak memory.
//
// It is run by `make bench SF=1 [RUNS=5]` from the repository root; see
// docs/performance.md, "SSB benchmark", for what each number means.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"
)

type options struct {
	sf           float64
	seed         uint64
	runs         int
	minTime      time.Duration
	qpsSeconds   float64
	qpsRounds    int
	latticeBin   string
	pgDSN        string
	dataDir      string
	resultsDir   string
	duckThreads  int
	skipRaw      string
	buildTimeout time.Duration
	maxRSSMB     int64
	reportOnly   string
}

func main() {
	var o options
	flag.Float64Var(&o.sf, "sf", 1, "scale factor")
	flag.Uint64Var(&o.seed, "seed", 1, "generator seed")
	flag.IntVar(&o.runs, "runs", 5, "timed runs per query after one warm-up; the median counts")
	flag.DurationVar(&o.minTime, "min-time", 300*time.Millisecond,
		"keep timing a query past -runs until its runs add up to this long (at most 1000 runs), so a millisecond query's median is not five samples")
	flag.Float64Var(&o.qpsSeconds, "qps-seconds", 3, "seconds each throughput measurement runs")
	flag.IntVar(&o.qpsRounds, "qps-rounds", 3, "throughput rounds, engines taking turns; the median round counts")
	flag.StringVar(&o.latticeBin, "lattice-bin", "../bin/lattice", "the lattice binary to start")
	flag.StringVar(&o.pgDSN, "pg", envOr("LATTICE_TEST_PG_DSN", "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"),
		"PostgreSQL server URL (a database named ssb_bench_<pid> is created on it and dropped at the end)")
	flag.StringVar(&o.dataDir, "data", "data", "directory for the generated data files (kept between runs)")
	flag.StringVar(&o.resultsDir, "results", "results", "directory for the JSON results")
	flag.IntVar(&o.duckThreads, "duckdb-threads", 2, "DuckDB threads")
	flag.DurationVar(&o.buildTimeout, "build-timeout", 10*time.Minute, "give up on one engine's cube build after this long")
	flag.StringVar(&o.skipRaw, "skip-raw", "",
		"queries not to run on Lattice's raw route, comma-separated (Q1.1,...), e.g. while a known bug would take the node down")
	flag.Int64Var(&o.maxRSSMB, "max-rss-mb", 0, "kill the Lattice node past this resident size (default: half of the machine's RAM)")
	flag.StringVar(&o.reportOnly, "report", "", "print the markdown tables of a saved JSON result and exit")
	flag.Parse()
	if o.reportOnly != "" {
		var r Results
		b, err := os.ReadFile(o.reportOnly)
		if err == nil {
			err = json.Unmarshal(b, &r)
		}
		if err != nil {
			fmt.Fprintf(os.Stderr, "ssbbench: %v\n", err)
			os.Exit(1)
		}
		report(os.Stdout, &r)
		return
	}
	if o.runs < 1 {
		o.runs = 1
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, o); err != nil {
		fmt.Fprintf(os.Stderr, "ssbbench: %v\n", err)
		os.Exit(1)
	}
}

func envOr(k, def string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return def
}

func logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "[%s] %s\n", time.Now().Format("15:04:05"), fmt.Sprintf(format, args...))
}

func run(ctx context.Context, o options) error {
	files, err := generate(ctx, o)
	if err != nil {
		return err
	}
	res := &Results{SF: o.sf, Seed: o.seed, Runs: o.runs, MinTimeMS: o.minTime.Milliseconds(), Date: time.Now().UTC().Format(time.RFC3339), Machine: describeMachine()}

	node, err := startNode(ctx, o.latticeBin)
	if err != nil {
		return err
	}
	defer node.stop()
	limit := o.maxRSSMB << 10
	if limit <= 0 {
		limit = res.Machine.MemoryKB / 2
	}
	go node.watchRSS(limit)
	lat, err := newLattice(ctx, node)
	if err != nil {
		return err
	}
	defer lat.Close()
	pg, err := newPostgres(ctx, o.pgDSN)
	if err != nil {
		return err
	}
	defer pg.Close()
	duck, err := newDuckDB(ctx, o.duckThreads)
	if err != nil {
		return err
	}
	defer duck.Close()
	res.Machine.Versions = map[string]string{"lattice": lat.version(ctx), "postgres": pg.version(ctx), "duckdb": duck.version(ctx)}

	engines := []engine{lat, duck, pg}
	for _, e := range engines {
		l, err := loadAll(ctx, e, files)
		if err != nil {
			return fmt.Errorf("loading %s: %w", e.name(), err)
		}
		res.Load = append(res.Load, l)
	}
	// PostgreSQL plans by statistics; a user would have them after a load.
	if err := pg.exec(ctx, "ANALYZE"); err != nil {
		return fmt.Errorf("PostgreSQL ANALYZE: %w", err)
	}

	res.Build = buildCubes(ctx, o.buildTimeout, lat, duck, pg)
	res.Queries, res.Mismatches = runQueries(ctx, o, lat, duck, pg)
	res.Throughput = throughput(ctx, o, node, lat, pg)
	res.LatticePeakRSSKB = node.peakRSS()

	res.Targets = targets(res)
	report(os.Stdout, res)
	if err := os.MkdirAll(o.resultsDir, 0o755); err != nil {
		return err
	}
	path := filepath.Join(o.resultsDir, fmt.Sprintf("%s-sf%g.json", time.Now().UTC().Format("2006-01-02"), o.sf))
	if err := writeJSON(path, res); err != nil {
		return err
	}
	logf("results saved to %s", path)
	if len(res.Mismatches) > 0 {
		return fmt.Errorf("%d answers differ between engines (see MISMATCH above)", len(res.Mismatches))
	}
	return nil
}
