package exec

import (
	"bytes"
	"context"
	"encoding/binary"
	"math/bits"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/lattice-olap/lattice/types"
)

// Operator is a stage of a query plan that yields batches.
type Operator interface {
	// Columns describes the batches Next returns.
	Columns() []Column
	// Next returns the next batch, or nil at the end. The batch is valid
	// until the next call; a consumer that keeps it calls Retain.
	Next(ctx context.Context) (arrow.RecordBatch, error)
	// Close releases the operator and its inputs.
	Close()
}

// BatchExpr is an expression evaluated over a whole batch. The planner's
// bound expressions implement it.
type BatchExpr interface {
	Type() types.T
	EvalBatch(ctx context.Context, rec arrow.RecordBatch) (arrow.Array, error)
}

// ConjunctsExpr is a predicate that is an AND of conjuncts, numbered from
// 0, some of which it can leave out.
type ConjunctsExpr interface {
	BatchExpr
	// EvalBatchExcept evaluates the AND of the conjuncts not in skip (bit
	// i for conjunct i); nil, nil when skip holds them all.
	EvalBatchExcept(ctx context.Context, rec arrow.RecordBatch, skip uint64) (arrow.Array, error)
}

// impliedSource is an input that knows which conjuncts of the filter above
// hold for every row of the batch it returned last (Scan.Implied).
type impliedSource interface {
	Implied() uint64
}

// Filter passes the rows of its input for which pred is true and whose
// key columns hold keys of its runtime key sets (WithKeySet); pred may be
// nil. The passing rows are gathered once, after every test. When pred is
// a ConjunctsExpr over a Scan with WithImpliedConds, the conjuncts a batch's
// row group statistics prove are not evaluated on its rows.
type Filter struct {
	in   Operator
	pred BatchExpr
	conj ConjunctsExpr // pred, when it can skip conjuncts the input proves
	src  impliedSource // the input, when it proves conjuncts
	keys []keyCheck
	out  arrow.RecordBatch
	idx  []int32 // the passing rows of the batch
	buf  []int64 // key columns widened to int64
}

// keyCheck is one runtime key filter: column col must hold a key of set.
type keyCheck struct {
	col int
	set *KeySet
}

// NewFilter returns a filter over in.
func NewFilter(in Operator, pred BatchExpr) *Filter {
	f := &Filter{in: in, pred: pred}
	conj, ok1 := pred.(ConjunctsExpr)
	src, ok2 := in.(impliedSource)
	if ok1 && ok2 {
		f.conj, f.src = conj, src
	}
	return f
}

// WithKeySet adds a runtime filter: the integer (or date) column col must
// hold a key of set, once the set is ready (until then every row passes);
// NULL keys never pass.
func (f *Filter) WithKeySet(col int, set *KeySet) *Filter {
	f.keys = append(f.keys, keyCheck{col, set})
	return f
}

// Columns returns the input's columns.
func (f *Filter) Columns() []Column { return f.in.Columns() }

// Next returns the next non-empty filtered batch.
func (f *Filter) Next(ctx context.Context) (arrow.RecordBatch, error) {
	f.release()
	for {
		rec, err := f.in.Next(ctx)
		if err != nil || rec == nil {
			return nil, err
		}
		n := int(rec.NumRows())
		all := f.pred == nil // f.idx is not computed yet: every row
		if !all {
			mask, err := f.eval(ctx, rec)
			if err != nil {
				return nil, err
			}
			if mask == nil {
				all = true // the input proved every conjunct
			} else {
				f.idx = selected(mask.(*array.Boolean), f.idx)
				mask.Release()
			}
		}
		for _, k := range f.keys {
			if !all && len(f.idx) == 0 {
				break
			}
			p := k.set.p.Load()
			if p == nil {
				continue
			}
			f.idx = p.apply(f.idx, all, rec.Column(k.col), f.in.Columns()[k.col].Type, &f.buf)
			all = false
		}
		switch {
		case all || len(f.idx) == n:
			return rec, nil // all pass: the batch as it is
		case len(f.idx) == 0:
			continue
		}
		if f.out, err = takeRows(ctx, rec, f.idx); err != nil {
			return nil, err
		}
		return f.out, nil
	}
}

// eval evaluates pred on rec, without the conjuncts the input proved for
// it; nil, nil when it proved them all.
func (f *Filter) eval(ctx context.Context, rec arrow.RecordBatch) (arrow.Array, error) {
	if f.conj != nil {
		if skip := f.src.Implied(); skip != 0 {
			return f.conj.EvalBatchExcept(ctx, rec, skip)
		}
	}
	return f.pred.EvalBatch(ctx, rec)
}

// takeRows returns the rows idx of rec, in that order.
func takeRows(ctx context.Context, rec arrow.RecordBatch, idx []int32) (arrow.RecordBatch, error) {
	cols := make([]arrow.Array, rec.NumCols())
	for c := range cols {
		var err error
		if cols[c], err = take(ctx, rec.Column(c), idx); err != nil {
			for _, done := range cols[:c] {
				done.Release()
			}
			return nil, err
		}
	}
	out := array.NewRecordBatch(rec.Schema(), cols, int64(len(idx)))
	for _, c := range cols {
		c.Release()
	}
	return out, nil
}

// selected returns the positions of mask's true slots (NULL counts as
// false), in idx's storage.
func selected(mask *array.Boolean, idx []int32) []int32 {
	idx = idx[:0]
	n, d := mask.Len(), mask.Data()
	if n == 0 {
		return idx // an empty array may have no buffers
	}
	if d.Offset() != 0 {
		for i := 0; i < n; i++ {
			if mask.IsValid(i) && mask.Value(i) {
				idx = append(idx, int32(i))
			}
		}
		return idx
	}
	vals := d.Buffers()[1].Bytes()
	var valid []byte
	if mask.NullN() > 0 {
		valid = d.Buffers()[0].Bytes()
	}
	// Sixty-four slots at a time: a selective filter's mask is mostly
	// zero words.
	words := n / 64
	for w := range words {
		v := binary.LittleEndian.Uint64(vals[w*8:])
		if valid != nil {
			v &= binary.LittleEndian.Uint64(valid[w*8:])
		}
		for v != 0 {
			idx = append(idx, int32(w*64+bits.TrailingZeros64(v)))
			v &= v - 1
		}
	}
	for by := words * 8; by*8 < n; by++ {
		v := vals[by]
		if valid != nil {
			v &= valid[by]
		}
		for v != 0 {
			i := by*8 + bits.TrailingZeros8(v)
			if i >= n {
				break
			}
			idx = append(idx, int32(i))
			v &= v - 1
		}
	}
	return idx
}

func (f *Filter) release() {
	if f.out != nil {
		f.out.Release()
		f.out = nil
	}
}

// Close releases the filter.
func (f *Filter) Close() {
	f.release()
	f.in.Close()
}

// Project computes one column per expression.
type Project struct {
	in    Operator
	exprs []BatchExpr
	cols  []Column
	sch   *arrow.Schema
	out   arrow.RecordBatch
}

// NewProject returns a projection of in.
func NewProject(in Operator, exprs []BatchExpr, cols []Column) *Project {
	return &Project{in: in, exprs: exprs, cols: cols, sch: ArrowSchema(cols)}
}

// Columns returns the projected columns.
func (p *Project) Columns() []Column { return p.cols }

// Next projects the next batch.
func (p *Project) Next(ctx context.Context) (arrow.RecordBatch, error) {
	if p.out != nil {
		p.out.Release()
		p.out = nil
	}
	rec, err := p.in.Next(ctx)
	if err != nil || rec == nil {
		return nil, err
	}
	arrs := make([]arrow.Array, len(p.exprs))
	for i, e := range p.exprs {
		a, err := e.EvalBatch(ctx, rec)
		if err != nil {
			for _, done := range arrs[:i] {
				done.Release()
			}
			return nil, err
		}
		arrs[i] = a
	}
	p.out = array.NewRecordBatch(p.sch, arrs, rec.NumRows())
	for _, a := range arrs {
		a.Release()
	}
	return p.out, nil
}

// Close releases the projection.
func (p *Project) Close() {
	if p.out != nil {
		p.out.Release()
		p.out = nil
	}
	p.in.Close()
}

// Limit skips offset rows, then passes at most limit rows (limit < 0: all).
// With Ties set (FETCH FIRST n ROWS WITH TIES, over rows sorted by those
// columns), it also passes the rows after the last one whose Ties
// columns equal its.
type Limit struct {
	in            Operator
	limit, offset int64
	Ties          []int
	tieKey        []byte // the last passed row's Ties columns, once the limit is reached
	tail          bool   // passing the last row's peers
	key           []byte
	out           arrow.RecordBatch
}

// NewLimit returns a limit over in.
func NewLimit(in Operator, limit, offset int64) *Limit {
	return &Limit{in: in, limit: limit, offset: offset}
}

// Columns returns the input's columns.
func (l *Limit) Columns() []Column { return l.in.Columns() }

// Next returns the next slice of rows within the limit.
func (l *Limit) Next(ctx context.Context) (arrow.RecordBatch, error) {
	if l.out != nil {
		l.out.Release()
		l.out = nil
	}
	for l.limit != 0 || l.tail {
		rec, err := l.in.Next(ctx)
		if err != nil || rec == nil {
			return nil, err
		}
		n := rec.NumRows()
		var start, end int64
		if l.tail {
			end = l.peers(rec, 0)
			l.tail = end == n
		} else {
			if l.offset >= n {
				l.offset -= n
				continue
			}
			start, end = l.offset, n
			l.offset = 0
			if l.limit >= 0 && end-start > l.limit {
				end = start + l.limit
			}
			if l.limit > 0 {
				l.limit -= end - start
			}
			if l.limit == 0 && len(l.Ties) > 0 && end > start {
				l.tieKey = l.rowKey(l.tieKey[:0], rec, end-1)
				end = l.peers(rec, end)
				l.tail = end == n
			}
		}
		if end == start {
			continue
		}
		if start == 0 && end == n {
			return rec, nil
		}
		l.out = rec.NewSlice(start, end)
		return l.out, nil
	}
	return nil, nil
}

// rowKey appends the grouping key of row i's Ties columns to b.
func (l *Limit) rowKey(b []byte, rec arrow.RecordBatch, i int64) []byte {
	cols := l.in.Columns()
	for _, c := range l.Ties {
		b = AppendArrowKey(b, rec.Column(c), int(i), cols[c].Type)
	}
	return b
}

// peers returns the end of the run of rows from `from` whose Ties columns
// equal tieKey.
func (l *Limit) peers(rec arrow.RecordBatch, from int64) int64 {
	for i := from; i < rec.NumRows(); i++ {
		l.key = l.rowKey(l.key[:0], rec, i)
		if !bytes.Equal(l.key, l.tieKey) {
			return i
		}
	}
	return rec.NumRows()
}

// Close releases the limit.
func (l *Limit) Close() {
	if l.out != nil {
		l.out.Release()
		l.out = nil
	}
	l.in.Close()
}

// Builder collects Datum rows into batches of the given columns.
type Builder struct {
	cols []Column
	rb   *array.RecordBuilder
	n    int
}

// NewBuilder returns a builder for cols.
func NewBuilder(cols []Column) *Builder {
	return &Builder{cols: cols, rb: array.NewRecordBuilder(memory.DefaultAllocator, ArrowSchema(cols))}
}

// Add appends one row.
func (b *Builder) Add(row []types.Datum) error {
	for i, v := range row {
		if err := Append(b.rb.Field(i), b.cols[i].Type, v); err != nil {
			return err
		}
	}
	b.n++
	return nil
}

// Len returns the rows added since the last Batch.
func (b *Builder) Len() int { return b.n }

// Batch returns the rows added so far as a batch and starts a new one.
func (b *Builder) Batch() arrow.RecordBatch {
	n := b.n
	b.n = 0
	if len(b.cols) == 0 {
		// No column holds the row count: a batch of rows of no columns
		// (SELECT FROM t, a derived table (SELECT)) says it itself.
		return array.NewRecordBatch(b.rb.Schema(), nil, int64(n))
	}
	return b.rb.NewRecordBatch()
}

// Release frees the builder.
func (b *Builder) Release() { b.rb.Release() }

// Rows iterates over an operator's rows as Datums, for results.
type Rows struct {
	op    Operator
	rec   arrow.RecordBatch
	slice arrow.RecordBatch // what NextBatch returned of rec
	i     int
	row   []types.Datum
	cols  []Column
	err   error
}

// NewRows iterates over op's rows.
func NewRows(op Operator) *Rows {
	cols := op.Columns()
	return &Rows{op: op, cols: cols, row: make([]types.Datum, len(cols))}
}

// Next advances to the next row.
func (r *Rows) Next(ctx context.Context) bool {
	for r.rec == nil || r.i >= int(r.rec.NumRows()) {
		if r.err != nil {
			return false
		}
		rec, err := r.op.Next(ctx)
		if err != nil {
			r.err = err
			return false
		}
		if rec == nil {
			return false
		}
		r.rec, r.i = rec, 0
	}
	for c := range r.cols {
		r.row[c] = Value(r.rec.Column(c), r.i, r.cols[c].Type)
	}
	r.i++
	return true
}

// NextBatch returns the rows not yet read as Arrow: the rest of the
// current batch, or the next one; nil at the end. It is for consumers that
// take batches (cube builds writing files); the batch is valid until the
// next call.
func (r *Rows) NextBatch(ctx context.Context) (arrow.RecordBatch, error) {
	if r.rec != nil && r.i < int(r.rec.NumRows()) {
		rest := r.rec.NewSlice(int64(r.i), r.rec.NumRows())
		r.i = int(r.rec.NumRows())
		r.slice = rest
		return rest, nil
	}
	r.releaseSlice()
	if r.err != nil {
		return nil, r.err
	}
	rec, err := r.op.Next(ctx)
	if err != nil {
		r.err = err
		return nil, err
	}
	r.rec, r.i = rec, 0
	if rec != nil {
		r.i = int(rec.NumRows())
	}
	return rec, nil
}

func (r *Rows) releaseSlice() {
	if r.slice != nil {
		r.slice.Release()
		r.slice = nil
	}
}

// Row returns the current row.
func (r *Rows) Row() []types.Datum { return r.row }

// Err returns the error that ended iteration.
func (r *Rows) Err() error { return r.err }

// Close releases the operator.
func (r *Rows) Close() {
	r.releaseSlice()
	r.op.Close()
}
