package planner

import (
	"math"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/bitutil"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/lattice-olap/lattice/types"
)

// The boolean kernels work on bitmaps: a comparison sets one value bit per
// row and takes its column's validity bitmap as its own, and AND and OR
// combine their arguments a byte (eight rows) at a time in SQL's
// three-valued logic.

// boolBits is a boolean result under construction: value bits and
// validity bits (nil: no NULLs), offset 0.
type boolBits struct {
	n            int
	values, mask []byte
}

func newBoolBits(n int) boolBits {
	return boolBits{n: n, values: make([]byte, bitutil.BytesForBits(int64(n)))}
}

// array returns the bits as a Boolean array.
func (b boolBits) array() arrow.Array {
	bufs := []*memory.Buffer{nil, memory.NewBufferBytes(b.values)}
	nulls := 0
	if b.mask != nil {
		if nulls = b.n - bitutil.CountSetBits(b.mask, 0, b.n); nulls > 0 {
			bufs[0] = memory.NewBufferBytes(b.mask)
		}
	}
	data := array.NewData(arrow.FixedWidthTypes.Boolean, b.n, bufs, nil, nulls, 0)
	defer data.Release()
	return array.MakeFromData(data)
}

// bitsOf returns the value and validity bytes of a Boolean array at
// offset 0 (validity nil: no NULLs); ok is false at another offset.
func bitsOf(a *array.Boolean) (values, mask []byte, ok bool) {
	d := a.Data()
	if d.Offset() != 0 {
		return nil, nil, false
	}
	if a.NullN() > 0 {
		mask = d.Buffers()[0].Bytes()
	}
	return d.Buffers()[1].Bytes(), mask, true
}

// validityOf copies col's validity bitmap to offset 0; nil without NULLs.
func validityOf(col arrow.Array) []byte {
	if col.NullN() == 0 {
		return nil
	}
	out := make([]byte, bitutil.BytesForBits(int64(col.Len())))
	if col.NullN() == col.Len() {
		return out
	}
	bitutil.CopyBitmap(col.Data().Buffers()[0].Bytes(), col.Data().Offset(), col.Len(), out, 0)
	return out
}

// compareKernel compares each slot of col with a constant of the same
// type; NULL slots (or a NULL constant) give NULL.
func compareKernel(col arrow.Array, t types.T, op string, k *constExpr) (arrow.Array, bool) {
	if k.t.Oid != t.Oid {
		return nil, false
	}
	n := col.Len()
	out := newBoolBits(n)
	if k.v == nil {
		out.mask = make([]byte, len(out.values))
		return out.array(), true
	}
	switch a := col.(type) {
	case *array.Int16:
		compareLoop(a.Int16Values(), int16(clampInt(k.v.(int64), math.MinInt16, math.MaxInt16)), k.v.(int64), op, out.values)
	case *array.Int32:
		compareLoop(a.Int32Values(), int32(clampInt(k.v.(int64), math.MinInt32, math.MaxInt32)), k.v.(int64), op, out.values)
	case *array.Int64:
		compareLoop(a.Int64Values(), k.v.(int64), k.v.(int64), op, out.values)
	case *array.Date32:
		v := int64(k.v.(types.DDate))
		compareLoop(a.Date32Values(), arrow.Date32(clampInt(v, math.MinInt32, math.MaxInt32)), v, op, out.values)
	case *array.Float64:
		cmp, _ := types.CompareFunc(t) // NaN ordering as PostgreSQL's
		test := comparisonTest(op)
		v := k.v.(float64)
		for i, x := range a.Float64Values() {
			if test(cmp(x, v)) {
				bitutil.SetBit(out.values, i)
			}
		}
	case *array.String:
		if t.Oid == types.OidBpchar || t.Oid == types.OidNumeric {
			return nil, false
		}
		v := k.v.(string)
		switch op {
		case "=", "<>", "!=":
			// Lengths first, from the offsets; bytes only where they agree.
			eq := op == "="
			data := a.Data()
			offs := arrow.GetOffsets[int32](data, 1)
			var src []byte
			if b := data.Buffers()[2]; b != nil {
				src = b.Bytes()
			}
			for i := 0; i < n; i++ {
				lo, hi := offs[i], offs[i+1]
				if (int(hi-lo) == len(v) && string(src[lo:hi]) == v) == eq {
					bitutil.SetBit(out.values, i)
				}
			}
		default:
			test := comparisonTest(op)
			for i := 0; i < n; i++ {
				s := a.Value(i)
				c := 0
				if s < v {
					c = -1
				} else if s != v {
					c = 1
				}
				if test(c) {
					bitutil.SetBit(out.values, i)
				}
			}
		}
	default:
		return nil, false
	}
	out.mask = validityOf(col)
	return out.array(), true
}

// clampInt limits v to [lo, hi]: a constant outside a column's range then
// compares as its nearest value does, except for equality, which
// compareLoop settles with the exact constant.
func clampInt(v, lo, hi int64) int64 { return max(lo, min(hi, v)) }

// compareLoop sets bit i of out where vals[i] op c holds; exact is c
// before clamping to T's range.
func compareLoop[T int16 | int32 | int64 | arrow.Date32](vals []T, c T, exact int64, op string, out []byte) {
	if int64(c) != exact {
		// The constant lies outside T: every value is below (or above) it.
		above := exact > int64(c)
		all := op == "<>" || op == "!=" || (above && (op == "<" || op == "<=")) || (!above && (op == ">" || op == ">="))
		if all {
			for i := range vals {
				bitutil.SetBit(out, i)
			}
		}
		return
	}
	switch op {
	case "=":
		for i, x := range vals {
			if x == c {
				bitutil.SetBit(out, i)
			}
		}
	case "<>", "!=":
		for i, x := range vals {
			if x != c {
				bitutil.SetBit(out, i)
			}
		}
	case "<":
		for i, x := range vals {
			if x < c {
				bitutil.SetBit(out, i)
			}
		}
	case "<=":
		for i, x := range vals {
			if x <= c {
				bitutil.SetBit(out, i)
			}
		}
	case ">":
		for i, x := range vals {
			if x > c {
				bitutil.SetBit(out, i)
			}
		}
	default: // ">="
		for i, x := range vals {
			if x >= c {
				bitutil.SetBit(out, i)
			}
		}
	}
}

// logicParts evaluates the kernels of args; rest are the arguments that
// have none. On !ok every part is released.
func logicParts(args []Expr, rec arrow.RecordBatch, ec *evalCtx) (parts []*array.Boolean, rest []Expr, ok bool) {
	for _, a := range args {
		arr, ok := kernel(a, rec, ec)
		if !ok {
			rest = append(rest, a)
			continue
		}
		b, isBool := arr.(*array.Boolean)
		if _, _, at0 := bitsOf(b); !isBool || !at0 {
			arr.Release()
			releaseParts(parts)
			return nil, nil, false
		}
		parts = append(parts, b)
	}
	return parts, rest, true
}

func releaseParts(parts []*array.Boolean) {
	for _, p := range parts {
		p.Release()
	}
}

// combineBits folds parts a byte at a time: all gets the rows where every
// part is true, any those where some part is true (for OR) or false (for
// AND, with and set).
func combineBits(parts []*array.Boolean, n int, and bool) (all, any []byte) {
	size := int(bitutil.BytesForBits(int64(n)))
	all, any = make([]byte, size), make([]byte, size)
	for i := range all {
		all[i] = 0xff
	}
	for _, p := range parts {
		values, mask, _ := bitsOf(p)
		for i := 0; i < size; i++ {
			v, m := values[i], byte(0xff)
			if mask != nil {
				m = mask[i]
			}
			if and {
				all[i] &= v & m
				any[i] |= ^v & m // definitely false
			} else {
				any[i] |= v & m // definitely true
				all[i] &= ^v & m
			}
		}
	}
	return all, any
}

// orKernel combines kernels with SQL's OR: true if any is true, else NULL
// if any is NULL, else false. Every argument needs a kernel.
func orKernel(args []Expr, rec arrow.RecordBatch, ec *evalCtx) (arrow.Array, bool) {
	parts, rest, ok := logicParts(args, rec, ec)
	defer releaseParts(parts)
	if !ok || len(rest) > 0 || len(parts) == 0 {
		return nil, false
	}
	n := int(rec.NumRows())
	allFalse, anyTrue := combineBits(parts, n, false)
	out := boolBits{n: n, values: anyTrue, mask: allFalse}
	for i := range out.mask {
		out.mask[i] |= anyTrue[i] // known: true somewhere, or false everywhere
	}
	return out.array(), true
}

// andKernel combines the arguments with SQL's AND: false if any is false,
// else NULL if any is NULL, else true. Arguments with a kernel are
// evaluated over the batch; the others (there must be at least one with a
// kernel) row by row, only on rows that the kernels leave possible.
func andKernel(args []Expr, rec arrow.RecordBatch, ec *evalCtx) (arrow.Array, bool) {
	parts, rest, ok := logicParts(args, rec, ec)
	defer releaseParts(parts)
	if !ok || len(parts) == 0 || (len(rest) > 0 && ec == nil) {
		return nil, false
	}
	n := int(rec.NumRows())
	allTrue, anyFalse := combineBits(parts, n, true)
	out := boolBits{n: n, values: allTrue, mask: make([]byte, len(allTrue))}
	for i := range out.mask {
		out.mask[i] = allTrue[i] | anyFalse[i]
	}
	if len(rest) == 0 {
		return out.array(), true
	}
	ec.rec = rec
	for i := 0; i < n; i++ {
		if bitutil.BitIsSet(anyFalse, i) {
			continue // false already
		}
		sawNull, val := !bitutil.BitIsSet(allTrue, i), true
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
			bitutil.ClearBit(out.values, i)
			bitutil.SetBit(out.mask, i)
		case sawNull:
			bitutil.ClearBit(out.values, i)
			bitutil.ClearBit(out.mask, i)
		default:
			bitutil.SetBit(out.values, i)
			bitutil.SetBit(out.mask, i)
		}
	}
	return out.array(), true
}
