package planner

import (
	"context"
	"io"
	"strconv"
	"strings"
	"testing"

	"github.com/lattice-olap/lattice/ssb"
)

// ssbSession loads the SSB tables at scale factor LATTICE_BENCH_SF (default
// 0.01) into a fresh planner and returns an admin session.
func ssbSession(b *testing.B) *Session {
	b.Helper()
	p, _ := newTestPlanner(b)
	s, err := p.NewSession("admin", "lattice", true, 1, nil)
	if err != nil {
		b.Fatal(err)
	}
	gen, err := ssb.New(benchSF(b), 1)
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	for _, t := range ssb.Tables {
		if _, err := runSQL(b, s, t.CreateSQL()); err != nil {
			b.Fatal(err)
		}
		pr, pw := io.Pipe()
		go func() {
			_, err := gen.WriteTable(ctx, pw, t.Name)
			pw.CloseWithError(err)
		}()
		stmts, err := s.Prepare(ctx, "COPY "+t.Name+" FROM STDIN", nil)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := stmts[0].Copy.Load(ctx, pr); err != nil {
			b.Fatal(err)
		}
	}
	return s
}

// BenchmarkSSB runs the 13 SSB queries on the raw route, and the query a
// cube build's base step runs (all 15 SSB cube dimensions, grouped and
// sorted), for profiling: go test -run - -bench SSB -cpuprofile cpu.out.
func BenchmarkSSB(b *testing.B) {
	s := ssbSession(b)
	for _, q := range ssb.Queries {
		b.Run(q.Name, func(b *testing.B) { benchQuery(b, s, q.SQL) })
	}
	var dims, ord []string
	for i, d := range ssb.CubeDimensions {
		dims = append(dims, d)
		ord = append(ord, strconv.Itoa(i+1))
	}
	base := "SELECT " + strings.Join(dims, ", ") + ", sum(lo_revenue), sum(lo_extendedprice * lo_discount), count(*)" +
		" FROM lineorder JOIN dates ON lo_orderdate = d_datekey JOIN customer ON lo_custkey = c_custkey" +
		" JOIN supplier ON lo_suppkey = s_suppkey JOIN part ON lo_partkey = p_partkey" +
		" GROUP BY " + strings.Join(ord, ", ") + " ORDER BY " + strings.Join(ord, ", ")
	b.Run("base-cuboid", func(b *testing.B) { benchQuery(b, s, base) })
}
