package planner

import (
	"bytes"
	"encoding/binary"
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
// three-valued logic. AND evaluates each argument only on the rows the
// ones before it leave possible (a selection bitmap, sel); an argument's
// result on the other rows is unspecified, as the AND is false there.

// boolKernel evaluates a comparison, AND or OR over rec on the rows of sel
// (nil: every row; elsewhere the result is unspecified).
func boolKernel(e Expr, rec arrow.RecordBatch, ec *evalCtx, sel []byte) (arrow.Array, bool) {
	switch x := e.(type) {
	case *funcExpr:
		if len(x.args) == 2 && isComparison(x.name) {
			if c, ok := x.args[0].(*colRef); ok {
				if k, ok := x.args[1].(*constExpr); ok {
					if a, ok := compareKernel(rec.Column(c.idx), c.typ, x.name, k, sel); ok {
						return a, true
					}
				}
			}
			return intCompareKernel(x, rec, ec)
		}
	case *boolExpr:
		switch x.op {
		case "and":
			return andKernel(x.args, rec, ec, sel)
		case "or":
			return orKernel(x.args, rec, ec, sel)
		case "not":
			return notKernel(x.args[0], rec, ec, sel)
		}
	}
	return kernel(e, rec, ec)
}

// selected reports whether row i is in sel.
func inSel(sel []byte, i int) bool { return sel == nil || bitutil.BitIsSet(sel, i) }

// stringData returns the offsets and bytes of a string array.
func stringData(a *array.String) ([]int32, []byte) {
	data := a.Data()
	var src []byte
	if b := data.Buffers()[2]; b != nil {
		src = b.Bytes()
	}
	return arrow.GetOffsets[int32](data, 1), src
}

// inStrings sets the bit of each row of sel whose value is one of vals,
// comparing lengths from the offsets and the first eight bytes as one
// word (headWord) before anything else: values of a column often share a
// length (a city code), rarely a head, and values of up to eight bytes
// need nothing else.
func inStrings(a *array.String, vals []string, sel, out []byte) {
	offs, src := stringData(a)
	if len(vals) == 1 {
		equalStrings(offs, src, a.Len(), vals[0], sel, out)
		return
	}
	heads := make([]uint64, len(vals))
	for k, v := range vals {
		heads[k] = stringHead(v)
	}
	for i := 0; i < a.Len(); i++ {
		if sel != nil && sel[i>>3] == 0 {
			i |= 7 // none of these eight rows
			continue
		}
		if !inSel(sel, i) {
			continue
		}
		lo, hi := offs[i], offs[i+1]
		n := int(hi - lo)
		h := headWord(src, lo, hi)
		for k, v := range vals {
			if n != len(v) || h != heads[k] {
				continue
			}
			if n <= 8 || string(src[lo+8:hi]) == v[8:] {
				bitutil.SetBit(out, i)
				break
			}
		}
	}
}

// equalStrings is inStrings of one value (a column = a constant), over
// the n values of offs and src.
func equalStrings(offs []int32, src []byte, n int, v string, sel, out []byte) {
	lv, hv, tail := int32(len(v)), stringHead(v), v[min(8, len(v)):]
	for i := 0; i < n; i++ {
		if sel != nil && sel[i>>3] == 0 {
			i |= 7
			continue
		}
		lo, hi := offs[i], offs[i+1]
		if hi-lo != lv || (sel != nil && sel[i>>3]&(1<<(i&7)) == 0) {
			continue
		}
		if headWord(src, lo, hi) == hv && (lv <= 8 || string(src[lo+8:hi]) == tail) {
			out[i>>3] |= 1 << (i & 7)
		}
	}
}

// compareStrings sets the bit of each row of sel whose value compares with
// v (in byte order) as op says, deciding by the values' head words where
// they differ, as they do for most rows.
func compareStrings(a *array.String, v, op string, sel, out []byte) {
	test := comparisonTest(op)
	accept := [3]bool{test(-1), test(0), test(1)}
	offs, src := stringData(a)
	hv, bv := stringHead(v), []byte(v)
	for i := 0; i < a.Len(); i++ {
		if sel != nil && sel[i>>3] == 0 {
			i |= 7
			continue
		}
		if !inSel(sel, i) {
			continue
		}
		lo, hi := offs[i], offs[i+1]
		h := headWord(src, lo, hi)
		var c int
		switch {
		case h < hv:
			c = -1
		case h > hv:
			c = 1
		default:
			c = bytes.Compare(src[lo:hi], bv)
		}
		if accept[c+1] {
			bitutil.SetBit(out, i)
		}
	}
}

// headWord returns the first eight bytes of src[lo:hi] as a big-endian
// word, zero past hi. Two values whose words differ order as the words
// do; equal words of equal lengths up to eight are equal values.
func headWord(src []byte, lo, hi int32) uint64 {
	n := hi - lo
	switch {
	case n >= 8:
		return binary.BigEndian.Uint64(src[lo:])
	case int(lo)+8 <= len(src):
		return binary.BigEndian.Uint64(src[lo:]) &^ (math.MaxUint64 >> (8 * n))
	}
	var w uint64
	for i := lo; i < hi; i++ {
		w |= uint64(src[i]) << (56 - 8*(i-lo))
	}
	return w
}

// stringHead is headWord of a string.
func stringHead(v string) uint64 {
	var b [8]byte
	copy(b[:], v)
	return binary.BigEndian.Uint64(b[:])
}

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

// bitsUsable reports whether bitsOf can read a.
func bitsUsable(a *array.Boolean) bool {
	_, _, ok := bitsOf(a)
	return ok
}

// bitsOf returns the value and validity bytes of a Boolean array at
// offset 0 (validity nil: no NULLs); ok is false at another offset.
func bitsOf(a *array.Boolean) (values, mask []byte, ok bool) {
	d := a.Data()
	if d.Offset() != 0 {
		return nil, nil, false
	}
	// Buffers may be longer than the rows need (an all-NULL array's
	// values are padded): keep the bytes of the array's own rows.
	nb := int(bitutil.BytesForBits(int64(a.Len())))
	if a.NullN() > 0 {
		if mask = d.Buffers()[0].Bytes(); len(mask) < nb {
			return nil, nil, false
		}
		mask = mask[:nb]
	}
	if values = d.Buffers()[1].Bytes(); len(values) < nb {
		return nil, nil, false
	}
	return values[:nb], mask, true
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
func compareKernel(col arrow.Array, t types.T, op string, k *constExpr, sel []byte) (arrow.Array, bool) {
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
			if inSel(sel, i) && test(cmp(x, v)) {
				bitutil.SetBit(out.values, i)
			}
		}
	case *array.String:
		// Only text compares as its bytes: char(n) ignores padding,
		// numeric text and arrays (held as text) compare by value.
		if t.Family() != types.StringFamily || t.Oid == types.OidBpchar {
			return nil, false
		}
		v := k.v.(string)
		switch op {
		case "=":
			inStrings(a, []string{v}, sel, out.values)
		case "<>", "!=":
			inStrings(a, []string{v}, sel, out.values)
			for i := range out.values {
				out.values[i] = ^out.values[i]
			}
		default:
			compareStrings(a, v, op, sel, out.values)
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
	// Each op is one comparison, its result flipped or not (x >= c is
	// not x < c); branch-free, eight rows make one byte of the result.
	var flip byte
	switch op {
	case ">=", "<=", "<>", "!=":
		flip = 1
	}
	switch op {
	case "<", ">=":
		lessLoop(vals, c, flip, out)
	case ">", "<=":
		greaterLoop(vals, c, flip, out)
	default: // "=", "<>", "!="
		equalLoop(vals, c, flip, out)
	}
}

// lessLoop sets bit i of out to (vals[i] < c) XOR flip.
func lessLoop[T int16 | int32 | int64 | arrow.Date32](vals []T, c T, flip byte, out []byte) {
	n, fb := len(vals), flip*0xff
	for i := 0; i+8 <= n; i += 8 {
		v := vals[i : i+8 : i+8]
		out[i>>3] = fb ^ (b2u(v[0] < c) | b2u(v[1] < c)<<1 | b2u(v[2] < c)<<2 | b2u(v[3] < c)<<3 |
			b2u(v[4] < c)<<4 | b2u(v[5] < c)<<5 | b2u(v[6] < c)<<6 | b2u(v[7] < c)<<7)
	}
	for i := n &^ 7; i < n; i++ {
		out[i>>3] |= (b2u(vals[i] < c) ^ flip) << (i & 7)
	}
}

// greaterLoop sets bit i of out to (vals[i] > c) XOR flip.
func greaterLoop[T int16 | int32 | int64 | arrow.Date32](vals []T, c T, flip byte, out []byte) {
	n, fb := len(vals), flip*0xff
	for i := 0; i+8 <= n; i += 8 {
		v := vals[i : i+8 : i+8]
		out[i>>3] = fb ^ (b2u(v[0] > c) | b2u(v[1] > c)<<1 | b2u(v[2] > c)<<2 | b2u(v[3] > c)<<3 |
			b2u(v[4] > c)<<4 | b2u(v[5] > c)<<5 | b2u(v[6] > c)<<6 | b2u(v[7] > c)<<7)
	}
	for i := n &^ 7; i < n; i++ {
		out[i>>3] |= (b2u(vals[i] > c) ^ flip) << (i & 7)
	}
}

// equalLoop sets bit i of out to (vals[i] == c) XOR flip.
func equalLoop[T int16 | int32 | int64 | arrow.Date32](vals []T, c T, flip byte, out []byte) {
	n, fb := len(vals), flip*0xff
	for i := 0; i+8 <= n; i += 8 {
		v := vals[i : i+8 : i+8]
		out[i>>3] = fb ^ (b2u(v[0] == c) | b2u(v[1] == c)<<1 | b2u(v[2] == c)<<2 | b2u(v[3] == c)<<3 |
			b2u(v[4] == c)<<4 | b2u(v[5] == c)<<5 | b2u(v[6] == c)<<6 | b2u(v[7] == c)<<7)
	}
	for i := n &^ 7; i < n; i++ {
		out[i>>3] |= (b2u(vals[i] == c) ^ flip) << (i & 7)
	}
}

func b2u(b bool) byte {
	if b {
		return 1
	}
	return 0
}

// logicParts evaluates the kernels of args on the rows of sel; rest are
// the arguments that have none. For AND, each argument is evaluated only
// on the rows that the ones before it leave possible. On !ok every part
// is released.
func logicParts(args []Expr, rec arrow.RecordBatch, ec *evalCtx, sel []byte, and bool) (parts []*array.Boolean, rest []Expr, ok bool) {
	for _, a := range args {
		arr, ok := boolKernel(a, rec, ec, sel)
		if !ok {
			rest = append(rest, a)
			continue
		}
		b, isBool := arr.(*array.Boolean)
		if !isBool || !bitsUsable(b) {
			arr.Release()
			releaseParts(parts)
			return nil, nil, false
		}
		parts = append(parts, b)
		if and {
			sel = narrow(sel, b)
		}
	}
	return parts, rest, true
}

// narrow returns sel without the rows where b is false.
func narrow(sel []byte, b *array.Boolean) []byte {
	values, mask, _ := bitsOf(b)
	out := make([]byte, len(values))
	for i := range out {
		possible := byte(0xff)
		if sel != nil {
			possible = sel[i]
		}
		if mask != nil {
			possible &= values[i] | ^mask[i] // true or NULL
		} else {
			possible &= values[i]
		}
		out[i] = possible
	}
	return out
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
func orKernel(args []Expr, rec arrow.RecordBatch, ec *evalCtx, sel []byte) (arrow.Array, bool) {
	if a, ok := inKernel(args, rec, sel); ok {
		return a, true
	}
	parts, rest, ok := logicParts(args, rec, ec, sel, false)
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
func andKernel(args []Expr, rec arrow.RecordBatch, ec *evalCtx, sel []byte) (arrow.Array, bool) {
	parts, rest, ok := logicParts(args, rec, ec, sel, true)
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

// inKernel evaluates an OR of equalities of one text column with non-NULL
// constants (an IN list) in one pass.
func inKernel(args []Expr, rec arrow.RecordBatch, sel []byte) (arrow.Array, bool) {
	col := -1
	var vals []string
	for _, a := range args {
		f, ok := a.(*funcExpr)
		if !ok || f.name != "=" || len(f.args) != 2 {
			return nil, false
		}
		c, cok := f.args[0].(*colRef)
		k, kok := f.args[1].(*constExpr)
		if !cok || !kok || (col >= 0 && c.idx != col) || k.t.Oid != c.typ.Oid || (c.typ.Oid != types.OidText && c.typ.Oid != types.OidVarchar) {
			return nil, false
		}
		v, ok := k.v.(string)
		if !ok {
			return nil, false
		}
		col = c.idx
		vals = append(vals, v)
	}
	a, ok := rec.Column(col).(*array.String)
	if !ok {
		return nil, false
	}
	out := newBoolBits(a.Len())
	inStrings(a, vals, sel, out.values)
	out.mask = validityOf(a)
	return out.array(), true
}

// notKernel is SQL's NOT: true and false swap, NULL stays.
func notKernel(arg Expr, rec arrow.RecordBatch, ec *evalCtx, sel []byte) (arrow.Array, bool) {
	arr, ok := boolKernel(arg, rec, ec, sel)
	if !ok {
		return nil, false
	}
	defer arr.Release()
	b, isBool := arr.(*array.Boolean)
	if !isBool {
		return nil, false
	}
	values, mask, at0 := bitsOf(b)
	if !at0 {
		return nil, false
	}
	out := boolBits{n: b.Len(), values: make([]byte, len(values))}
	for i, v := range values {
		out.values[i] = ^v
	}
	if mask != nil {
		out.mask = append([]byte(nil), mask...)
	}
	return out.array(), true
}
