package planner

import (
	"context"
	"fmt"
	"io"
	"strings"
	"testing"
)

// benchRows is the size of the fact table the engine benchmarks scan.
const benchRows = 1_000_000

// benchSession loads a fact table of benchRows rows and a 100-row dimension
// into a fresh planner and returns an admin session.
func benchSession(b *testing.B) *Session {
	b.Helper()
	p, _ := newTestPlanner(b)
	s, err := p.NewSession("admin", "lattice", true, 1, nil)
	if err != nil {
		b.Fatal(err)
	}
	for _, stmt := range []string{
		"CREATE TABLE fact (id bigint, k integer, amount numeric(12,2), price double precision, label text)",
		"CREATE TABLE dim (k integer, name text)",
	} {
		if _, err := runSQL(b, s, stmt); err != nil {
			b.Fatal(err)
		}
	}
	load := func(table string, n int, row func(i int) string) {
		pr, pw := io.Pipe()
		go func() {
			var sb strings.Builder
			for i := 0; i < n; i++ {
				sb.WriteString(row(i))
				if sb.Len() > 1<<20 {
					pw.Write([]byte(sb.String()))
					sb.Reset()
				}
			}
			pw.Write([]byte(sb.String()))
			pw.Close()
		}()
		stmts, err := s.Prepare(context.Background(), "COPY "+table+" FROM STDIN", nil)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := stmts[0].Copy.Load(context.Background(), pr); err != nil {
			b.Fatal(err)
		}
	}
	load("fact", benchRows, func(i int) string {
		return fmt.Sprintf("%d\t%d\t%d.%02d\t%d.5\tl%d\n", i, i%100, i%1000, i%100, i%7, i%50)
	})
	load("dim", 100, func(i int) string { return fmt.Sprintf("%d\tname%d\n", i, i) })
	return s
}

func benchQuery(b *testing.B, s *Session, q string) {
	b.Helper()
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		stmts, err := s.Prepare(ctx, q, nil)
		if err != nil {
			b.Fatal(err)
		}
		res, err := s.Execute(ctx, stmts[0], nil)
		if err != nil {
			b.Fatal(err)
		}
		for res.Next(ctx) {
		}
		if err := res.Err(); err != nil {
			b.Fatal(err)
		}
		res.Close()
	}
	b.ReportMetric(float64(benchRows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}

// BenchmarkEngine measures the raw route's throughput per operator kind
// over a million-row table (rows/s = fact rows processed per second).
func BenchmarkEngine(b *testing.B) {
	s := benchSession(b)
	for _, bc := range []struct{ name, q string }{
		{"scan", "SELECT count(*) FROM fact"},
		{"filter", "SELECT count(*) FROM fact WHERE k = 7 AND price > 2"},
		{"aggregate", "SELECT k, sum(amount), avg(price), count(*) FROM fact GROUP BY k"},
		{"join", "SELECT d.name, sum(f.amount) FROM fact f, dim d WHERE f.k = d.k GROUP BY d.name"},
		{"sort-topn", "SELECT id, amount FROM fact ORDER BY amount DESC, id LIMIT 10"},
	} {
		b.Run(bc.name, func(b *testing.B) { benchQuery(b, s, bc.q) })
	}
}
