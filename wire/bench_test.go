package wire_test

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/lattice-olap/lattice/internal/testenv"
)

// BenchmarkSelect1 measures the round trip of the smallest query through
// pgx over loopback TCP: the simple protocol, and the extended protocol
// with a prepared statement (Bind/Execute/Sync). The same runs against the
// reference PostgreSQL when it is reachable, for comparison.
//
//	go test -run '^$' -bench Select1 -benchtime 2000x ./wire
func BenchmarkSelect1(b *testing.B) {
	b.Run("lattice", func(b *testing.B) {
		ls := startLattice(b, nil)
		benchSelect1(b, ls.DSN("admin", adminPassword, "lattice"))
	})
	b.Run("postgres", func(b *testing.B) {
		dsn := testenv.PostgresDSN("postgres")
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		c, err := pgx.Connect(ctx, dsn)
		if err != nil {
			b.Skipf("PostgreSQL unreachable: %v", err)
		}
		c.Close(ctx)
		benchSelect1(b, dsn)
	})
}

func benchSelect1(b *testing.B, dsn string) {
	ctx := context.Background()
	c, err := pgx.Connect(ctx, dsn)
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close(ctx)
	b.Run("simple", func(b *testing.B) {
		var n int
		b.ReportAllocs()
		for b.Loop() {
			if err := c.QueryRow(ctx, "SELECT 1", pgx.QueryExecModeSimpleProtocol).Scan(&n); err != nil || n != 1 {
				b.Fatalf("SELECT 1: %d, %v", n, err)
			}
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "qps")
	})
	b.Run("extended", func(b *testing.B) {
		if _, err := c.Prepare(ctx, "select1", "SELECT 1"); err != nil {
			b.Fatal(err)
		}
		var n int
		b.ReportAllocs()
		for b.Loop() {
			if err := c.QueryRow(ctx, "select1").Scan(&n); err != nil || n != 1 {
				b.Fatalf("SELECT 1: %d, %v", n, err)
			}
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "qps")
	})
}
