package exec

import (
	"context"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/lattice-olap/lattice/types"
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
type HashJoin struct {
	left, right  Operator
	lkeys, rkeys []int
	kind         JoinKind
	residual     BatchExpr
	cols         []Column

	built   bool
	rrows   [][]types.Datum
	table   map[string][]int
	matched []bool // build rows matched, for right and full joins
	tailed  bool   // unmatched build rows emitted
	bld     *Builder
	out     arrow.RecordBatch
	key     []byte
}

// NewHashJoin returns a join of left and right.
func NewHashJoin(left, right Operator, lkeys, rkeys []int, kind JoinKind, residual BatchExpr) *HashJoin {
	cols := append(append([]Column(nil), left.Columns()...), right.Columns()...)
	return &HashJoin{left: left, right: right, lkeys: lkeys, rkeys: rkeys, kind: kind, residual: residual, cols: cols}
}

// Columns returns the left columns followed by the right ones.
func (j *HashJoin) Columns() []Column { return j.cols }

func (j *HashJoin) build(ctx context.Context) error {
	rcols := j.right.Columns()
	j.table = map[string][]int{}
	for {
		rec, err := j.right.Next(ctx)
		if err != nil {
			return err
		}
		if rec == nil {
			break
		}
		for i := 0; i < int(rec.NumRows()); i++ {
			row := make([]types.Datum, len(rcols))
			for c := range rcols {
				row[c] = Value(rec.Column(c), i, rcols[c].Type)
			}
			if err := Charge(ctx, rowBytes(row)); err != nil {
				return err
			}
			n := len(j.rrows)
			j.rrows = append(j.rrows, row)
			if k, ok := j.keyOf(row, j.rkeys, rcols); ok {
				j.table[k] = append(j.table[k], n)
			}
		}
	}
	j.matched = make([]bool, len(j.rrows))
	j.bld = NewBuilder(j.cols)
	return nil
}

// keyOf encodes the key columns of row; ok is false when one is NULL.
func (j *HashJoin) keyOf(row []types.Datum, keys []int, cols []Column) (string, bool) {
	j.key = j.key[:0]
	for _, k := range keys {
		if row[k] == nil {
			return "", false
		}
		j.key = AppendKey(j.key, cols[k].Type, row[k])
	}
	return string(j.key), true
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
	lcols := j.left.Columns()
	nl := len(lcols)
	for {
		rec, err := j.left.Next(ctx)
		if err != nil {
			return nil, err
		}
		if rec == nil {
			break
		}
		// Candidate pairs of this batch, then the residual over them.
		type pair struct{ l, r int } // r < 0: no match (outer)
		var pairs []pair
		lrows := make([][]types.Datum, rec.NumRows())
		for i := range lrows {
			row := make([]types.Datum, nl)
			for c := range lcols {
				row[c] = Value(rec.Column(c), i, lcols[c].Type)
			}
			lrows[i] = row
			if len(j.lkeys) == 0 {
				for r := range j.rrows {
					pairs = append(pairs, pair{i, r})
				}
				continue
			}
			if k, ok := j.keyOf(row, j.lkeys, lcols); ok {
				for _, r := range j.table[k] {
					pairs = append(pairs, pair{i, r})
				}
			}
		}
		keep := make([]bool, len(pairs))
		for p := range keep {
			keep[p] = true
		}
		if j.residual != nil && len(pairs) > 0 {
			for _, p := range pairs {
				if err := j.bld.Add(append(append([]types.Datum(nil), lrows[p.l]...), j.rrows[p.r]...)); err != nil {
					return nil, err
				}
			}
			cand := j.bld.Batch()
			mask, err := j.residual.EvalBatch(ctx, cand)
			cand.Release()
			if err != nil {
				return nil, err
			}
			b := mask.(*array.Boolean)
			for p := range keep {
				keep[p] = b.IsValid(p) && b.Value(p)
			}
			mask.Release()
		}
		lmatched := make([]bool, len(lrows))
		row := make([]types.Datum, len(j.cols))
		for p, pr := range pairs {
			if !keep[p] {
				continue
			}
			lmatched[pr.l] = true
			j.matched[pr.r] = true
			copy(row, lrows[pr.l])
			copy(row[nl:], j.rrows[pr.r])
			if err := j.bld.Add(row); err != nil {
				return nil, err
			}
		}
		if j.kind == LeftJoin || j.kind == FullJoin {
			for i, m := range lmatched {
				if m {
					continue
				}
				copy(row, lrows[i])
				for c := nl; c < len(row); c++ {
					row[c] = nil
				}
				if err := j.bld.Add(row); err != nil {
					return nil, err
				}
			}
		}
		if j.bld.Len() > 0 {
			j.out = j.bld.Batch()
			return j.out, nil
		}
	}
	if (j.kind == RightJoin || j.kind == FullJoin) && !j.tailed {
		j.tailed = true
		row := make([]types.Datum, len(j.cols))
		for r, m := range j.matched {
			if m {
				continue
			}
			for c := 0; c < nl; c++ {
				row[c] = nil
			}
			copy(row[nl:], j.rrows[r])
			if err := j.bld.Add(row); err != nil {
				return nil, err
			}
		}
		if j.bld.Len() > 0 {
			j.out = j.bld.Batch()
			return j.out, nil
		}
	}
	return nil, nil
}

// Close releases the join.
func (j *HashJoin) Close() {
	if j.out != nil {
		j.out.Release()
	}
	if j.bld != nil {
		j.bld.Release()
	}
	j.rrows, j.table = nil, nil
	j.left.Close()
	j.right.Close()
}
