package exec

import (
	"context"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/lattice-olap/lattice/pgerr"
	"github.com/lattice-olap/lattice/types"
)

// Budget is a query's memory allowance (lattice.query.max-memory).
// Operators that hold rows (sorts, hash tables, windows) charge it; past the
// limit the query fails with 53200 and frees what it held, and the node
// goes on.
type Budget struct {
	limit int64
	used  atomic.Int64
}

type budgetKey struct{}

// WithBudget returns a context whose operators are limited to limit bytes.
func WithBudget(ctx context.Context, limit int64) context.Context {
	if limit <= 0 {
		return ctx
	}
	return context.WithValue(ctx, budgetKey{}, &Budget{limit: limit})
}

// ShareBudget returns ctx charging the budget of from, if from has one:
// for a query whose rows are pulled with another context than it was
// started with.
func ShareBudget(ctx, from context.Context) context.Context {
	if b, ok := from.Value(budgetKey{}).(*Budget); ok {
		return context.WithValue(ctx, budgetKey{}, b)
	}
	return ctx
}

// Charge accounts n more bytes to the query in ctx.
func Charge(ctx context.Context, n int64) error {
	b, ok := ctx.Value(budgetKey{}).(*Budget)
	if !ok {
		return nil
	}
	if used := b.used.Add(n); used > b.limit {
		return pgerr.New(pgerr.OutOfMemory, "out of memory").
			WithDetail("The query needed more than lattice.query.max-memory (%s).", formatBytes(b.limit)).
			WithHint("Add filters or aggregate earlier, or raise lattice.query.max-memory.")
	}
	return nil
}

func formatBytes(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	}
	return fmt.Sprintf("%d bytes", n)
}

// RowBytes estimates the memory a materialized row of Datums takes.
func RowBytes(row []types.Datum) int64 {
	n := int64(24 + 16*len(row))
	for _, v := range row {
		switch x := v.(type) {
		case string:
			n += int64(len(x))
		case []byte:
			n += int64(len(x))
		case time.Time:
			n += 24
		default:
			n += 8
		}
	}
	return n
}
