package planner

import (
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/lattice-olap/lattice/types"
)

// Typed kernels for the commonest filter shapes: a column compared with a
// constant, and AND of such comparisons. They work on Arrow arrays
// directly instead of evaluating the expression row by row; anything else
// falls back to the generic path (nil, false).

// kernel evaluates e over rec as a boolean array, if it has a kernel. ec
// evaluates, row by row, the arguments of an AND that have none, on the
// rows its other arguments leave possible.
func kernel(e Expr, rec arrow.RecordBatch, ec *evalCtx) (arrow.Array, bool) {
	switch x := e.(type) {
	case *funcExpr:
		if len(x.args) == 2 && isComparison(x.name) {
			if c, ok := x.args[0].(*colRef); ok {
				if k, ok := x.args[1].(*constExpr); ok {
					return compareKernel(rec.Column(c.idx), c.typ, x.name, k)
				}
			}
		}
	case *boolExpr:
		switch x.op {
		case "and":
			return andKernel(x.args, rec, ec)
		case "or":
			return orKernel(x.args, rec, ec)
		}
	}
	return nil, false
}

// orKernel combines kernels with SQL's OR: true if any is true, else NULL
// if any is NULL, else false. Every argument needs a kernel.
func orKernel(args []Expr, rec arrow.RecordBatch, ec *evalCtx) (arrow.Array, bool) {
	parts := make([]*array.Boolean, 0, len(args))
	defer func() {
		for _, p := range parts {
			p.Release()
		}
	}()
	for _, a := range args {
		arr, ok := kernel(a, rec, ec)
		if !ok {
			return nil, false
		}
		parts = append(parts, arr.(*array.Boolean))
	}
	n := int(rec.NumRows())
	b := array.NewBooleanBuilder(memory.DefaultAllocator)
	defer b.Release()
	b.Reserve(n)
	for i := 0; i < n; i++ {
		sawNull, val := false, false
		for _, p := range parts {
			if p.IsNull(i) {
				sawNull = true
			} else if p.Value(i) {
				val = true
				break
			}
		}
		switch {
		case val:
			b.UnsafeAppend(true)
		case sawNull:
			b.UnsafeAppendBoolToBitmap(false)
		default:
			b.UnsafeAppend(false)
		}
	}
	return b.NewArray(), true
}

// compareKernel compares each slot of col with a constant of the same
// type; NULL slots (or a NULL constant) give NULL.
func compareKernel(col arrow.Array, t types.T, op string, k *constExpr) (arrow.Array, bool) {
	if k.t.Oid != t.Oid {
		return nil, false
	}
	test := comparisonTest(op)
	n := col.Len()
	b := array.NewBooleanBuilder(memory.DefaultAllocator)
	defer b.Release()
	b.Reserve(n)
	if k.v == nil {
		for i := 0; i < n; i++ {
			b.UnsafeAppendBoolToBitmap(false)
		}
		return b.NewArray(), true
	}
	emit := func(i int, c int) {
		if col.IsNull(i) {
			b.UnsafeAppendBoolToBitmap(false)
			return
		}
		b.UnsafeAppend(test(c))
	}
	switch a := col.(type) {
	case *array.Int16:
		v := k.v.(int64)
		for i := 0; i < n; i++ {
			emit(i, cmp3(int64(a.Value(i)), v))
		}
	case *array.Int32:
		v := k.v.(int64)
		for i := 0; i < n; i++ {
			emit(i, cmp3(int64(a.Value(i)), v))
		}
	case *array.Int64:
		v := k.v.(int64)
		for i := 0; i < n; i++ {
			emit(i, cmp3(a.Value(i), v))
		}
	case *array.Date32:
		v := int64(k.v.(types.DDate))
		for i := 0; i < n; i++ {
			emit(i, cmp3(int64(a.Value(i)), v))
		}
	case *array.Float64:
		cmp, _ := types.CompareFunc(t) // NaN ordering as PostgreSQL's
		v := k.v.(float64)
		for i := 0; i < n; i++ {
			emit(i, cmp(a.Value(i), v))
		}
	case *array.String:
		if t.Oid == types.OidBpchar || t.Oid == types.OidNumeric {
			return nil, false
		}
		v := k.v.(string)
		for i := 0; i < n; i++ {
			s := a.Value(i)
			c := 0
			switch {
			case s < v:
				c = -1
			case s > v:
				c = 1
			}
			emit(i, c)
		}
	default:
		return nil, false
	}
	return b.NewArray(), true
}

func cmp3(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// andKernel combines the arguments with SQL's AND: false if any is false,
// else NULL if any is NULL, else true. Arguments with a kernel are
// evaluated over the batch; the others (there must be at least one with a
// kernel) row by row, only on rows that the kernels leave possible.
func andKernel(args []Expr, rec arrow.RecordBatch, ec *evalCtx) (arrow.Array, bool) {
	parts := make([]*array.Boolean, 0, len(args))
	release := func() {
		for _, p := range parts {
			p.Release()
		}
	}
	var rest []Expr
	for _, a := range args {
		arr, ok := kernel(a, rec, ec)
		if !ok {
			rest = append(rest, a)
			continue
		}
		parts = append(parts, arr.(*array.Boolean))
	}
	defer release()
	if len(parts) == 0 || (len(rest) > 0 && ec == nil) {
		return nil, false
	}
	n := int(rec.NumRows())
	b := array.NewBooleanBuilder(memory.DefaultAllocator)
	defer b.Release()
	b.Reserve(n)
	if len(rest) > 0 {
		ec.rec = rec
	}
	for i := 0; i < n; i++ {
		sawNull, val := false, true
		for _, p := range parts {
			if p.IsNull(i) {
				sawNull = true
			} else if !p.Value(i) {
				val = false
				break
			}
		}
		for k := 0; val && k < len(rest); k++ {
			ec.row = i
			v, err := rest[k].Eval(ec)
			if err != nil {
				// Let the generic path evaluate the batch and report it.
				return nil, false
			}
			switch v {
			case nil:
				sawNull = true
			case false:
				val = false
			}
		}
		switch {
		case !val:
			b.UnsafeAppend(false)
		case sawNull:
			b.UnsafeAppendBoolToBitmap(false)
		default:
			b.UnsafeAppend(true)
		}
	}
	return b.NewArray(), true
}
