package exec

import (
	"context"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/compute"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// JoinKind is the kind of a join.
type JoinKind int

// Join kinds.
const (
	InnerJoin JoinKind = iota
	LeftJoin
	RightJoin
	FullJoin
)

// HashJoin joins its left input (streamed) with its right input (built
// into a hash table) on equal keys; Residual, evaluated over the combined
// columns (left then right), further restricts a match. Without keys every
// pair is a candidate (a nested-loop join). NULL keys never match.
//
// Only key columns are read value by value; output columns are gathered
// with Arrow's take kernel from the probe batch and the concatenated build
// side.
type HashJoin struct {
	left, right  Operator
	lkeys, rkeys []int
	kind         JoinKind
	residual     BatchExpr
	cols         []Column
	sch          *arrow.Schema

	built   bool
	rarrs   []arrow.Array // build side, one array per right column
	rn      int
	table   map[string][]int32
	matched []bool // build rows matched, for right and full joins
	tailed  bool   // unmatched build rows emitted
	out     arrow.RecordBatch
	key     []byte

	// The probe batch being joined: a batch whose rows have many matches
	// (a cross join, a skewed key) is emitted in chunks of about
	// BatchRows pairs, so memory stays bounded.
	cur      arrow.RecordBatch
	curRow   int     // next probe row
	curR     int     // next match of curRow
	curMatch []int32 // matches of curRow (keyed joins)
	curKeyed bool    // curMatch is for curRow
	curSeen  []bool  // probe rows of cur with a surviving match
}

// NewHashJoin returns a join of left and right.
func NewHashJoin(left, right Operator, lkeys, rkeys []int, kind JoinKind, residual BatchExpr) *HashJoin {
	cols := append(append([]Column(nil), left.Columns()...), right.Columns()...)
	return &HashJoin{left: left, right: right, lkeys: lkeys, rkeys: rkeys, kind: kind, residual: residual, cols: cols, sch: ArrowSchema(cols)}
}

// Columns returns the left columns followed by the right ones.
func (j *HashJoin) Columns() []Column { return j.cols }

func (j *HashJoin) build(ctx context.Context) error {
	rcols := j.right.Columns()
	var batches []arrow.RecordBatch
	defer func() {
		for _, b := range batches {
			b.Release()
		}
	}()
	for {
		rec, err := j.right.Next(ctx)
		if err != nil {
			return err
		}
		if rec == nil {
			break
		}
		var size int64
		for _, c := range rec.Columns() {
			for _, buf := range c.Data().Buffers() {
				if buf != nil {
					size += int64(buf.Len())
				}
			}
		}
		if err := Charge(ctx, size+rec.NumRows()*16); err != nil {
			return err
		}
		rec.Retain()
		batches = append(batches, rec)
	}
	j.rarrs = make([]arrow.Array, len(rcols))
	for c := range rcols {
		parts := make([]arrow.Array, len(batches))
		for b, rec := range batches {
			parts[b] = rec.Column(c)
		}
		if len(parts) == 0 {
			j.rarrs[c] = array.MakeArrayOfNull(memory.DefaultAllocator, ArrowType(rcols[c].Type), 0)
			continue
		}
		a, err := array.Concatenate(parts, memory.DefaultAllocator)
		if err != nil {
			return err
		}
		j.rarrs[c] = a
	}
	if len(j.rarrs) > 0 {
		j.rn = j.rarrs[0].Len()
	}
	j.table = map[string][]int32{}
	for i := 0; i < j.rn; i++ {
		if k, ok := j.keyAt(j.rarrs, j.rkeys, rcols, i); ok {
			j.table[k] = append(j.table[k], int32(i))
		}
	}
	j.matched = make([]bool, j.rn)
	return nil
}

// keyAt encodes row i's key columns; ok is false when one is NULL.
func (j *HashJoin) keyAt(arrs []arrow.Array, keys []int, cols []Column, i int) (string, bool) {
	j.key = j.key[:0]
	for _, k := range keys {
		v := Value(arrs[k], i, cols[k].Type)
		if v == nil {
			return "", false
		}
		j.key = AppendKey(j.key, cols[k].Type, v)
	}
	return string(j.key), true
}

// gather builds a batch of the joined rows: left row li[n] with right row
// ri[n]; a negative index stands for a row of NULLs on that side.
func (j *HashJoin) gather(ctx context.Context, left arrow.RecordBatch, li, ri []int64) (arrow.RecordBatch, error) {
	mk := func(idx []int64) arrow.Array {
		b := array.NewInt64Builder(memory.DefaultAllocator)
		defer b.Release()
		for _, v := range idx {
			if v < 0 {
				b.AppendNull()
			} else {
				b.Append(v)
			}
		}
		return b.NewArray()
	}
	n := len(li)
	lidx, ridx := mk(li), mk(ri)
	defer lidx.Release()
	defer ridx.Release()
	nl := len(j.left.Columns())
	out := make([]arrow.Array, 0, len(j.cols))
	release := func() {
		for _, a := range out {
			a.Release()
		}
	}
	for c := 0; c < nl; c++ {
		var a arrow.Array
		var err error
		if left == nil {
			a = array.MakeArrayOfNull(memory.DefaultAllocator, ArrowType(j.cols[c].Type), n)
		} else if a, err = compute.TakeArray(ctx, left.Column(c), lidx); err != nil {
			release()
			return nil, err
		}
		out = append(out, a)
	}
	for c := range j.rarrs {
		a, err := compute.TakeArray(ctx, j.rarrs[c], ridx)
		if err != nil {
			release()
			return nil, err
		}
		out = append(out, a)
	}
	rec := array.NewRecordBatch(j.sch, out, int64(n))
	release()
	return rec, nil
}

// Next returns the next batch of joined rows.
func (j *HashJoin) Next(ctx context.Context) (arrow.RecordBatch, error) {
	if j.out != nil {
		j.out.Release()
		j.out = nil
	}
	if !j.built {
		j.built = true
		if err := j.build(ctx); err != nil {
			return nil, err
		}
	}
	for {
		if j.cur == nil {
			rec, err := j.left.Next(ctx)
			if err != nil {
				return nil, err
			}
			if rec == nil {
				break
			}
			j.cur, j.curRow, j.curR, j.curKeyed = rec, 0, 0, false
			j.curSeen = make([]bool, rec.NumRows())
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		rec := j.cur
		li, ri := j.pairs(rec)
		if j.residual != nil && len(li) > 0 {
			cand, err := j.gather(ctx, rec, li, ri)
			if err != nil {
				return nil, err
			}
			mask, err := j.residual.EvalBatch(ctx, cand)
			cand.Release()
			if err != nil {
				return nil, err
			}
			b := mask.(*array.Boolean)
			k := 0
			for p := range li {
				if b.IsValid(p) && b.Value(p) {
					li[k], ri[k] = li[p], ri[p]
					k++
				}
			}
			li, ri = li[:k], ri[:k]
			mask.Release()
		}
		for p, r := range ri {
			j.matched[r] = true
			j.curSeen[li[p]] = true
		}
		done := j.curRow >= int(rec.NumRows())
		if done {
			if j.kind == LeftJoin || j.kind == FullJoin {
				for i, seen := range j.curSeen {
					if !seen {
						li, ri = append(li, int64(i)), append(ri, -1)
					}
				}
			}
			j.cur = nil
		}
		if len(li) == 0 {
			continue
		}
		out, err := j.gather(ctx, rec, li, ri)
		if err != nil {
			return nil, err
		}
		j.out = out
		return out, nil
	}
	if (j.kind == RightJoin || j.kind == FullJoin) && !j.tailed {
		j.tailed = true
		var li, ri []int64
		for r, m := range j.matched {
			if !m {
				li, ri = append(li, -1), append(ri, int64(r))
			}
		}
		if len(ri) > 0 {
			out, err := j.gather(ctx, nil, li, ri)
			if err != nil {
				return nil, err
			}
			j.out = out
			return out, nil
		}
	}
	return nil, nil
}

// pairs returns the next candidate pairs of the probe batch, about
// BatchRows of them, advancing curRow and curR.
func (j *HashJoin) pairs(rec arrow.RecordBatch) (li, ri []int64) {
	nrows := int(rec.NumRows())
	larrs := rec.Columns()
	lcols := j.left.Columns()
	for j.curRow < nrows && len(li) < BatchRows {
		i := j.curRow
		if len(j.lkeys) == 0 {
			for ; j.curR < j.rn && len(li) < BatchRows; j.curR++ {
				li, ri = append(li, int64(i)), append(ri, int64(j.curR))
			}
			if j.curR >= j.rn {
				j.curRow, j.curR = j.curRow+1, 0
			}
			continue
		}
		if !j.curKeyed {
			j.curMatch, j.curKeyed = nil, true
			if k, ok := j.keyAt(larrs, j.lkeys, lcols, i); ok {
				j.curMatch = j.table[k]
			}
		}
		for ; j.curR < len(j.curMatch) && len(li) < BatchRows; j.curR++ {
			li, ri = append(li, int64(i)), append(ri, int64(j.curMatch[j.curR]))
		}
		if j.curR >= len(j.curMatch) {
			j.curRow, j.curR, j.curKeyed = j.curRow+1, 0, false
		}
	}
	return li, ri
}

// Close releases the join.
func (j *HashJoin) Close() {
	if j.out != nil {
		j.out.Release()
	}
	for _, a := range j.rarrs {
		a.Release()
	}
	j.rarrs, j.table = nil, nil
	j.left.Close()
	j.right.Close()
}
