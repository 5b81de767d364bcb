package exec

import (
	"context"
	"sync"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
)

// OpStats are what EXPLAIN ANALYZE reports for one operator.
type OpStats struct {
	Rows    int64
	Batches int64
	Time    time.Duration // inclusive of the operator's inputs; summed over parallel workers

	mu sync.Mutex // parallel workers instrument the same node
}

// Instrumented counts an operator's rows and time.
type Instrumented struct {
	Operator
	stats *OpStats
}

// Instrument wraps op so that its rows and time accumulate in stats.
func Instrument(op Operator, stats *OpStats) Operator {
	return &Instrumented{Operator: op, stats: stats}
}

// Next passes the batch on, counting it.
func (i *Instrumented) Next(ctx context.Context) (arrow.RecordBatch, error) {
	start := time.Now()
	rec, err := i.Operator.Next(ctx)
	elapsed := time.Since(start)
	i.stats.mu.Lock()
	i.stats.Time += elapsed
	if rec != nil {
		i.stats.Rows += rec.NumRows()
		i.stats.Batches++
	}
	i.stats.mu.Unlock()
	return rec, err
}
