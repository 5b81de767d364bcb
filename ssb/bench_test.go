package ssb

import (
	"context"
	"io"
	"testing"
)

// BenchmarkLineorder measures generation speed (rows/s) at SF 0.1.
func BenchmarkLineorder(b *testing.B) {
	g, err := New(0.1, 1)
	if err != nil {
		b.Fatal(err)
	}
	var rows int64
	for b.Loop() {
		n, err := g.WriteTable(context.Background(), io.Discard, "lineorder")
		if err != nil {
			b.Fatal(err)
		}
		rows += n
	}
	b.ReportMetric(float64(rows)/b.Elapsed().Seconds(), "rows/s")
}
