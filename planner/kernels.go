package planner

import (
	"math"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/bitutil"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/lattice-olap/lattice/exec"
	"github.com/lattice-olap/lattice/types"
)

// Typed kernels for the commonest expression shapes: a column compared
// with a constant; AND and OR of kernels; and integer (smallint, integer,
// bigint) arithmetic + - * and casts, and comparisons of integers or
// dates, over columns, constants and parameters. They work on Arrow arrays
// directly instead of evaluating the expression row by row; anything else
// falls back to the generic path (nil, false). So does a kernel that meets
// an error, such as an integer overflow in a row: the row path then raises
// it, with the message and in the row order it always has.

// kernel evaluates e over rec as an array of e's type, if it has a kernel.
// ec evaluates, row by row, the arguments of an AND that have none, on the
// rows its other arguments leave possible.
func kernel(e Expr, rec arrow.RecordBatch, ec *evalCtx) (arrow.Array, bool) {
	switch x := e.(type) {
	case *funcExpr:
		if len(x.args) == 2 && isComparison(x.name) {
			return boolKernel(x, rec, ec, nil)
		}
		return intArray(intOperandOf(x, rec, ec))
	case *castExpr:
		return intArray(intOperandOf(x, rec, ec))
	case *boolExpr:
		if x.op == "and" || x.op == "or" || x.op == "not" {
			return boolKernel(x, rec, ec, nil)
		}
	}
	return nil, false
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

// intWidth is the storage width in bytes of the integer types the integer
// kernels compute on; 0 for any other type.
func intWidth(t types.T) int {
	switch t.Oid {
	case types.OidInt2:
		return 2
	case types.OidInt4:
		return 4
	case types.OidInt8:
		return 8
	}
	return 0
}

// intOperand is an operand or result of the integer kernels: an array
// stored as its SQL type is (Int16, Int32, Int64, or Date32 for a date),
// or a constant, perhaps NULL.
type intOperand struct {
	arr   arrow.Array // nil for a constant
	c     int64
	null  bool // a NULL constant
	owned bool // arr was computed by a kernel: release it
}

func (o intOperand) release() {
	if o.owned {
		o.arr.Release()
	}
}

// valid reports whether row i of o is not NULL.
func (o intOperand) valid(i int) bool {
	if o.arr == nil {
		return !o.null
	}
	return o.arr.IsValid(i)
}

// intArray returns an operand that is an array as the kernel's result; a
// constant (which constant folding leaves rare) takes the generic path.
func intArray(o intOperand, ok bool) (arrow.Array, bool) {
	if !ok || o.arr == nil {
		return nil, false
	}
	if !o.owned {
		o.arr.Retain()
	}
	return o.arr, true
}

// intOperandOf evaluates e, an integer expression, over rec: a column, a
// constant or parameter, a cast from another integer type, or + - * of
// such operands (unary minus too).
func intOperandOf(e Expr, rec arrow.RecordBatch, ec *evalCtx) (intOperand, bool) {
	t := e.Type()
	if intWidth(t) == 0 {
		return intOperand{}, false
	}
	switch x := e.(type) {
	case *colRef:
		return columnOperand(rec, x)
	case *constExpr:
		return constOperand(x.v)
	case *paramExpr:
		if ec == nil || x.idx >= len(ec.args) {
			return intOperand{}, false
		}
		return constOperand(ec.args[x.idx])
	case *castExpr:
		return intCastKernel(x, rec, ec)
	case *funcExpr:
		return intArithKernel(x, rec, ec)
	}
	return intOperand{}, false
}

// columnOperand returns a column as an operand, if it is stored as its
// type says (a date as Date32).
func columnOperand(rec arrow.RecordBatch, c *colRef) (intOperand, bool) {
	a := rec.Column(c.idx)
	if !arrow.TypeEqual(a.DataType(), exec.ArrowType(c.typ)) {
		return intOperand{}, false
	}
	return intOperand{arr: a}, true
}

func constOperand(v types.Datum) (intOperand, bool) {
	switch c := v.(type) {
	case nil:
		return intOperand{null: true}, true
	case int64:
		return intOperand{c: c}, true
	case types.DDate:
		return intOperand{c: int64(c)}, true
	}
	return intOperand{}, false
}

// intArithKernel evaluates integer + - * (and unary -) over arguments of
// the result's type, as arith.go's intArith does row by row.
func intArithKernel(x *funcExpr, rec arrow.RecordBatch, ec *evalCtx) (intOperand, bool) {
	t := x.typ
	if len(x.name) != 1 || !strings.Contains("+-*", x.name) || len(x.args) == 0 || len(x.args) > 2 {
		return intOperand{}, false
	}
	for _, a := range x.args {
		if a.Type().Oid != t.Oid {
			return intOperand{}, false
		}
	}
	op := x.name[0]
	var l, r intOperand
	var ok bool
	if len(x.args) == 1 {
		if op != '-' {
			return intOperand{}, false
		}
		l = intOperand{} // -v is 0 - v: the same result and overflow
	} else if l, ok = intOperandOf(x.args[0], rec, ec); !ok {
		return intOperand{}, false
	}
	defer l.release()
	if r, ok = intOperandOf(x.args[len(x.args)-1], rec, ec); !ok {
		return intOperand{}, false
	}
	defer r.release()
	n := int(rec.NumRows())
	lo, hi := types.IntRange(t)
	switch {
	case l.null || r.null:
		return nullOperand(t, n), true
	case l.arr == nil && r.arr == nil:
		v, over := arith64(op, l.c, r.c)
		if over || v < lo || v > hi {
			return intOperand{}, false
		}
		return intOperand{c: v}, true
	}
	var a arrow.Array
	switch intWidth(t) {
	case 2:
		a, ok = intArithLoop[int16](op, l, r, n, t)
	case 4:
		a, ok = intArithLoop[int32](op, l, r, n, t)
	default:
		a, ok = intArithLoop[int64](op, l, r, n, t)
	}
	return intOperand{arr: a, owned: true}, ok
}

func nullOperand(t types.T, n int) intOperand {
	return intOperand{arr: array.MakeArrayOfNull(memory.DefaultAllocator, exec.ArrowType(t), n), owned: true}
}

// arith64 is a op b in 64 bits; over reports an overflow of 64 bits (a
// narrower type's range is checked apart).
func arith64(op byte, a, b int64) (r int64, over bool) {
	switch op {
	case '+':
		r = a + b
		return r, (a > 0 && b > 0 && r < 0) || (a < 0 && b < 0 && r >= 0)
	case '-':
		r = a - b
		return r, (a >= 0 && b < 0 && r < 0) || (a < 0 && b > 0 && r >= 0)
	}
	if a == 0 || b == 0 {
		return 0, false
	}
	r = a * b
	return r, r/b != a || (a == -1 && b == math.MinInt64) || (b == -1 && a == math.MinInt64)
}

// intValues returns the values of an array operand as T, its storage
// type; nil for a constant.
func intValues[T int16 | int32 | int64](o intOperand, n int) ([]T, bool) {
	if o.arr == nil {
		return nil, true
	}
	v := arrow.GetValues[T](o.arr.Data(), 1)
	return v, len(v) >= n
}

// intArithLoop computes l op r over n rows (at least one operand an array)
// into an array of type t, stored as T. ok is false on an overflow in a
// row where neither operand is NULL.
func intArithLoop[T int16 | int32 | int64](op byte, l, r intOperand, n int, t types.T) (arrow.Array, bool) {
	lv, lok := intValues[T](l, n)
	rv, rok := intValues[T](r, n)
	if !lok || !rok {
		return nil, false
	}
	lo, hi := types.IntRange(t)
	out := make([]T, n)
	for i := range out {
		a, b := l.c, r.c
		if lv != nil {
			a = int64(lv[i])
		}
		if rv != nil {
			b = int64(rv[i])
		}
		v, over := arith64(op, a, b)
		if (over || v < lo || v > hi) && l.valid(i) && r.valid(i) {
			return nil, false
		}
		out[i] = T(v)
	}
	return newArray(exec.ArrowType(t), n, arrow.GetBytes(out), l.arr, r.arr), true
}

// newArray makes an array of a fixed-width type from its values, NULL
// where any of the operands is.
func newArray(dt arrow.DataType, n int, values []byte, operands ...arrow.Array) arrow.Array {
	var validity *memory.Buffer
	nulls := 0
	var bm []byte
	for _, o := range operands {
		if o == nil || o.NullN() == 0 {
			continue
		}
		next := make([]byte, bitutil.BytesForBits(int64(n)))
		if bm == nil {
			bitutil.CopyBitmap(o.NullBitmapBytes(), o.Data().Offset(), n, next, 0)
		} else {
			bitutil.BitmapAnd(bm, o.NullBitmapBytes(), 0, int64(o.Data().Offset()), next, 0, int64(n))
		}
		bm = next
	}
	if bm != nil {
		validity = memory.NewBufferBytes(bm)
		nulls = n - bitutil.CountSetBits(bm, 0, n)
	}
	d := array.NewData(dt, n, []*memory.Buffer{validity, memory.NewBufferBytes(values)}, nil, nulls, 0)
	defer d.Release()
	return array.MakeFromData(d)
}

// intCastKernel converts between integer types, failing (for the row path
// to report) when a value is out of the target's range.
func intCastKernel(x *castExpr, rec arrow.RecordBatch, ec *evalCtx) (intOperand, bool) {
	to := x.typ
	if intWidth(x.arg.Type()) == 0 || intWidth(to) == 0 {
		return intOperand{}, false
	}
	src, ok := intOperandOf(x.arg, rec, ec)
	if !ok {
		return intOperand{}, false
	}
	defer src.release()
	n := int(rec.NumRows())
	lo, hi := types.IntRange(to)
	switch {
	case src.null:
		return nullOperand(to, n), true
	case src.arr == nil:
		if src.c < lo || src.c > hi {
			return intOperand{}, false
		}
		return src, true
	}
	var a arrow.Array
	switch intWidth(to) {
	case 2:
		a, ok = intCast[int16](src, n, to)
	case 4:
		a, ok = intCast[int32](src, n, to)
	default:
		a, ok = intCast[int64](src, n, to)
	}
	return intOperand{arr: a, owned: true}, ok
}

func intCast[B int16 | int32 | int64](src intOperand, n int, to types.T) (arrow.Array, bool) {
	switch src.arr.(type) {
	case *array.Int16:
		return intCastLoop[int16, B](src, n, to)
	case *array.Int32:
		return intCastLoop[int32, B](src, n, to)
	case *array.Int64:
		return intCastLoop[int64, B](src, n, to)
	}
	return nil, false
}

func intCastLoop[A, B int16 | int32 | int64](src intOperand, n int, to types.T) (arrow.Array, bool) {
	v, ok := intValues[A](src, n)
	if !ok {
		return nil, false
	}
	lo, hi := types.IntRange(to)
	out := make([]B, n)
	for i := range out {
		x := int64(v[i])
		if (x < lo || x > hi) && src.valid(i) {
			return nil, false
		}
		out[i] = B(x)
	}
	return newArray(exec.ArrowType(to), n, arrow.GetBytes(out), src.arr), true
}

// intCompareKernel compares two integer operands of one type (columns,
// constants, arithmetic), or two date columns or constants.
func intCompareKernel(x *funcExpr, rec arrow.RecordBatch, ec *evalCtx) (arrow.Array, bool) {
	t := x.args[0].Type()
	if x.args[1].Type().Oid != t.Oid {
		return nil, false
	}
	operand := func(e Expr) (intOperand, bool) {
		if t.Oid != types.OidDate {
			return intOperandOf(e, rec, ec)
		}
		switch y := e.(type) {
		case *colRef:
			return columnOperand(rec, y)
		case *constExpr:
			return constOperand(y.v)
		}
		return intOperand{}, false
	}
	if intWidth(t) == 0 && t.Oid != types.OidDate {
		return nil, false
	}
	l, ok := operand(x.args[0])
	if !ok {
		return nil, false
	}
	defer l.release()
	r, ok := operand(x.args[1])
	if !ok {
		return nil, false
	}
	defer r.release()
	n := int(rec.NumRows())
	if l.null || r.null {
		return array.MakeArrayOfNull(memory.DefaultAllocator, arrow.FixedWidthTypes.Boolean, n), true
	}
	if l.arr == nil && r.arr == nil {
		return nil, false
	}
	test := comparisonTest(x.name)
	outcome := [3]bool{test(-1), test(0), test(1)}
	switch intWidth(t) {
	case 2:
		return intCompare[int16](outcome, l, r, n)
	case 8:
		return intCompare[int64](outcome, l, r, n)
	}
	return intCompare[int32](outcome, l, r, n) // integer, date
}

// intCompare compares l and r row by row; outcome maps a comparison (-1,
// 0, 1) to the result.
func intCompare[T int16 | int32 | int64](outcome [3]bool, l, r intOperand, n int) (arrow.Array, bool) {
	lv, lok := intValues[T](l, n)
	rv, rok := intValues[T](r, n)
	if !lok || !rok {
		return nil, false
	}
	bits := make([]byte, bitutil.BytesForBits(int64(n)))
	for i := 0; i < n; i++ {
		a, b := l.c, r.c
		if lv != nil {
			a = int64(lv[i])
		}
		if rv != nil {
			b = int64(rv[i])
		}
		if outcome[cmp3(a, b)+1] {
			bitutil.SetBit(bits, i)
		}
	}
	return newArray(arrow.FixedWidthTypes.Boolean, n, bits, l.arr, r.arr), true
}
