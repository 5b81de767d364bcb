package exec

import (
	"bytes"
	"context"
	"slices"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/cockroachdb/apd/v3"
)

// RunChunkRows is how many input rows a RunAgg aggregates together, at
// least: a chunk ends at the first run boundary after that many.
const RunChunkRows = 1 << 16

// RunAgg is a HashAgg over input that arrives sorted by some of its group
// columns, the run columns: all rows of a group then lie in one run of
// equal run-column values. RunAgg cuts the input into chunks of whole runs,
// about RunChunkRows rows each, and aggregates each chunk on its own, with
// a HashAgg whose table stays small (in cache) and is freed as the chunk's
// groups are returned. With Order, each chunk's groups are sorted by it; an
// Order that starts with the run columns, in the input's order, then sorts
// the whole output, in pieces. Where a chunk turns out to have nearly as
// many groups as rows, the next ones sort their rows instead and
// aggregate them in order (sortFirst), which skips the hash table.
//
// A cuboid rolled up from its parent is the use: a cuboid's file is sorted
// by its dimensions, so a child sharing the parent's leading dimensions
// streams through in constant memory, without one large hash table or
// sort.
type RunAgg struct {
	in      Operator
	runs    []int
	nGroups int
	aggs    []AggSpec
	div     func(a, b *apd.Decimal) (*apd.Decimal, error)
	cols    []Column
	// Order, when set, sorts each chunk's groups (keys over the output
	// columns). It must start with the run columns in the input's order;
	// when they are all the group columns, the groups already come in
	// that order and are not sorted again.
	Order []SortKey
	// ChunkRows overrides RunChunkRows (tests).
	ChunkRows int

	pending arrow.RecordBatch // the rest of a batch cut at a run boundary
	inDone  bool
	chunk   *runChunk
	agg     *HashAgg
	sort    *Sort
	cur     Operator
	// dense: the last chunk had more than half as many groups as rows,
	// so the next sorts its rows first (sortFirst).
	dense bool

	sortedFirst int // chunks sorted before they were aggregated (tests)
}

// NewRunAgg returns the aggregation of in by its first nGroups columns,
// in being sorted by its columns runs (all group columns).
func NewRunAgg(in Operator, runs []int, nGroups int, aggs []AggSpec, div func(a, b *apd.Decimal) (*apd.Decimal, error)) *RunAgg {
	return &RunAgg{in: in, runs: runs, nGroups: nGroups, aggs: aggs, div: div,
		cols: NewHashAgg(in, nGroups, aggs, div).Columns(), ChunkRows: RunChunkRows}
}

// Columns returns group columns then aggregate results, as HashAgg's.
func (r *RunAgg) Columns() []Column { return r.cols }

// Next returns the next batch of groups.
func (r *RunAgg) Next(ctx context.Context) (arrow.RecordBatch, error) {
	for {
		if r.cur == nil {
			if r.inDone && r.pending == nil {
				return nil, nil
			}
			r.chunk = &runChunk{r: r}
			switch keys, ok := r.sortFirst(); {
			case ok:
				r.sortedFirst++
				r.sort = NewSort(r.chunk, keys)
				r.agg = NewHashAgg(r.sort, r.nGroups, r.aggs, r.div)
				r.agg.Ordered, r.agg.sortedBy = true, r.sort
				r.cur = r.agg
			default:
				r.agg = NewHashAgg(r.chunk, r.nGroups, r.aggs, r.div)
				// Runs of all the group columns are groups.
				r.agg.Ordered = len(r.runs) == r.nGroups
				r.cur, r.sort = r.agg, nil
				if len(r.Order) > 0 && len(r.runs) < r.nGroups {
					r.sort = NewSort(r.agg, r.Order)
					r.cur = r.sort
				}
			}
		}
		rec, err := r.cur.Next(ctx)
		if err != nil || rec != nil {
			return rec, err
		}
		r.endChunk(ctx)
	}
}

// sortFirst returns the sort keys over the input by which a chunk is
// sorted before it is aggregated, when that is cheaper than hashing its
// rows and sorting its groups: when the last chunk had nearly as many
// groups as rows (a roll-up that drops few dimensions), hashing merely
// finds that most rows are groups of their own. Sorting the rows puts
// equal keys side by side for an Ordered HashAgg, whose groups then come
// out in order. The keys are Order's, then the group columns it leaves
// out; an Order over an aggregate cannot be applied to the input.
func (r *RunAgg) sortFirst() ([]SortKey, bool) {
	if !r.dense || len(r.Order) == 0 || len(r.runs) == r.nGroups {
		return nil, false
	}
	if slices.ContainsFunc(r.Order, func(k SortKey) bool { return k.Col >= r.nGroups }) {
		return nil, false
	}
	keys := slices.Clone(r.Order)
	for c := range r.nGroups {
		if !slices.ContainsFunc(keys, func(k SortKey) bool { return k.Col == c }) {
			keys = append(keys, SortKey{Col: c})
		}
	}
	return keys, true
}

// endChunk closes the chunk's operators and gives back to the budget what
// they held.
func (r *RunAgg) endChunk(ctx context.Context) {
	r.dense = r.chunk.rows > 0 && 2*r.agg.n > r.chunk.rows
	held := r.agg.held
	if r.sort != nil {
		held += r.sort.held
	}
	r.cur.Close()
	r.cur, r.agg, r.sort, r.chunk = nil, nil, nil, nil
	_ = Charge(ctx, -held)
}

// Close releases the aggregation and its input.
func (r *RunAgg) Close() {
	if r.cur != nil {
		r.cur.Close()
		r.cur = nil
	}
	if r.pending != nil {
		r.pending.Release()
		r.pending = nil
	}
	r.in.Close()
}

// runChunk is the input of one chunk's HashAgg: RunAgg's input up to the
// first run boundary after ChunkRows rows.
type runChunk struct {
	r      *RunAgg
	rows   int
	seek   bool   // past ChunkRows: the chunk ends where the run does
	last   []byte // run key of the chunk's last row, while seeking
	key    []byte // scratch
	end    bool
	out    arrow.RecordBatch
	endNow bool // out is the chunk's last batch
}

func (c *runChunk) Columns() []Column { return c.r.in.Columns() }

func (c *runChunk) Next(ctx context.Context) (arrow.RecordBatch, error) {
	if c.out != nil {
		c.out.Release()
		c.out = nil
	}
	if c.end || c.endNow {
		c.end = true
		return nil, nil
	}
	r := c.r
	rec := r.pending
	r.pending = nil
	if rec == nil {
		var err error
		if rec, err = r.in.Next(ctx); err != nil {
			return nil, err
		}
		if rec == nil {
			r.inDone, c.end = true, true
			return nil, nil
		}
		rec.Retain()
	}
	n := int(rec.NumRows())
	if c.seek && n > 0 { // an empty batch holds no boundary
		i := c.boundary(rec)
		switch {
		case i == 0:
			r.pending, c.end = rec, true
			return nil, nil
		case i < n:
			c.rows += i
			r.pending = rec.NewSlice(int64(i), int64(n))
			c.out = rec.NewSlice(0, int64(i))
			rec.Release()
			c.endNow = true
			return c.out, nil
		}
	}
	c.rows += n
	if !c.seek && c.rows >= r.ChunkRows && n > 0 {
		c.seek = true
		c.last = c.runKey(c.last[:0], rec, n-1)
	}
	c.out = rec
	return rec, nil
}

// boundary returns the first row of rec whose run key differs from the
// chunk's last row's, or rec's length.
func (c *runChunk) boundary(rec arrow.RecordBatch) int {
	n := int(rec.NumRows())
	for i := 0; i < n; i++ {
		c.key = c.runKey(c.key[:0], rec, i)
		if !bytes.Equal(c.key, c.last) {
			return i
		}
	}
	return n
}

func (c *runChunk) runKey(b []byte, rec arrow.RecordBatch, i int) []byte {
	cols := c.r.in.Columns()
	for _, col := range c.r.runs {
		b = AppendArrowKey(b, rec.Column(col), i, cols[col].Type)
	}
	return b
}

// Close releases the batch handed out; RunAgg owns the input.
func (c *runChunk) Close() {
	if c.out != nil {
		c.out.Release()
		c.out = nil
	}
}
