package exec

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"math/bits"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/bitutil"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/lattice-olap/lattice/types"
)

// Normalized sort keys.
//
// Sort encodes the sort columns of each row into one byte string that
// orders, under bytes.Compare, as the row does under types.CompareFunc with
// the keys' DESC and NULLS FIRST/LAST, so sorting compares memory instead of
// boxing values and calling a comparator per column. Each column adds a
// marker byte — 0x01 before a value, 0x00 for NULL when NULLs come first,
// 0x02 when they come last (independent of DESC, as in PostgreSQL) — then,
// for a value:
//
//	bool                      0x00 or 0x01
//	integers, date, timestamp big-endian, sign bit flipped, at the storage width
//	real, double precision    IEEE bits, sign bit flipped when positive and all bits
//	                          inverted when negative; -0 as 0, every NaN above +Inf
//	numeric(p,s), p <= 38     the Decimal128 as a 128-bit integer, sign flipped (the
//	                          column's type fixes the scale, so 1.0 and 1.00 are equal)
//	interval                  PostgreSQL's 128-bit span in µs, a month being 30 days
//	text, bytea               the bytes with 0x00 escaped as 0x00 0xFF, then 0x00 0x01;
//	                          character(n) without its trailing spaces
//
// DESC inverts a value's bytes. The escape makes a string's encoding
// prefix-free, so a shorter string sorts first and the next column's bytes
// are never compared against a string's. Unbounded numeric (decimal text),
// arrays and types without a comparison are not encoded: Sort compares those
// columns as Datums.

// keyCol is one sort key with what encoding it needs.
type keyCol struct {
	SortKey
	t      types.T
	dt     arrow.DataType // storage type: ArrowType(t)
	bpchar bool
	inv    uint64 // all ones for DESC: XORed into fixed-width values
}

// keyEncodable reports whether keys of type t can be normalized; the others
// are compared as Datums.
func keyEncodable(t types.T) bool {
	switch ArrowType(t).ID() {
	case arrow.BOOL, arrow.INT16, arrow.INT32, arrow.INT64, arrow.FLOAT32, arrow.FLOAT64,
		arrow.DECIMAL128, arrow.DATE32, arrow.TIMESTAMP, arrow.TIME64, arrow.INTERVAL_MONTH_DAY_NANO, arrow.BINARY:
		return true
	case arrow.STRING:
		f := t.Family()
		return f == types.StringFamily
	}
	return false
}

func newKeyCol(k SortKey, t types.T) keyCol {
	c := keyCol{SortKey: k, t: t, dt: ArrowType(t), bpchar: t.Oid == types.OidBpchar}
	if k.Desc {
		c.inv = ^uint64(0)
	}
	return c
}

// nullMark is the marker byte of a NULL.
func (k *keyCol) nullMark() byte {
	if k.NullsFirst {
		return 0
	}
	return 2
}

// fixedWidth returns the encoded width of a value of a fixed-width column,
// or 0 for text and bytea.
func (k *keyCol) fixedWidth() int {
	switch k.dt.ID() {
	case arrow.BOOL:
		return 1
	case arrow.INT16:
		return 2
	case arrow.INT32, arrow.DATE32, arrow.FLOAT32:
		return 4
	case arrow.INT64, arrow.TIMESTAMP, arrow.TIME64, arrow.FLOAT64:
		return 8
	case arrow.DECIMAL128, arrow.INTERVAL_MONTH_DAY_NANO:
		return 16
	}
	return 0
}

// widths adds the encoded width of each row of arr, whose type is k.dt, to w.
func (k *keyCol) widths(arr arrow.Array, w []int) {
	nulls := arr.NullN() > 0
	if fw := k.fixedWidth(); fw > 0 {
		for i := range w {
			if nulls && arr.IsNull(i) {
				w[i]++
			} else {
				w[i] += 1 + fw
			}
		}
		return
	}
	vals, offs := varData(arr)
	for i := range w {
		if nulls && arr.IsNull(i) {
			w[i]++
			continue
		}
		v := vals[offs[i]:offs[i+1]]
		if k.bpchar {
			v = trimBpchar(v)
		}
		w[i] += 1 + len(v) + bytes.Count(v, nulByte) + 2
	}
}

var nulByte = []byte{0}

// trimBpchar drops a character(n) value's trailing spaces, which do not
// count in its comparisons.
func trimBpchar(v []byte) []byte {
	n := len(v)
	for n > 0 && v[n-1] == ' ' {
		n--
	}
	return v[:n]
}

// varData returns a string or binary array's data and its offsets into it.
func varData(arr arrow.Array) ([]byte, []int32) {
	if arr.Len() == 0 {
		return nil, []int32{0}
	}
	var offs []int32
	switch a := arr.(type) {
	case *array.String:
		offs = a.ValueOffsets()
	case *array.Binary:
		offs = a.ValueOffsets()
	default:
		panic(fmt.Sprintf("exec: no sort key for Arrow type %s", arr.DataType()))
	}
	var vals []byte
	if b := arr.Data().Buffers()[2]; b != nil {
		vals = b.Bytes()
	}
	return vals, offs
}

// put writes the key bytes of each row of arr, whose type is k.dt, at
// buf[pos[i]:] and advances pos[i] past them; widths sized them.
func (k *keyCol) put(arr arrow.Array, buf []byte, pos []int) {
	switch a := arr.(type) {
	case *array.Boolean:
		nulls := a.NullN() > 0
		for i := range pos {
			p := pos[i]
			if nulls && a.IsNull(i) {
				buf[p] = k.nullMark()
				pos[i] = p + 1
				continue
			}
			var b byte
			if a.Value(i) {
				b = 1
			}
			buf[p], buf[p+1] = 1, b^byte(k.inv)
			pos[i] = p + 2
		}
	case *array.Int16:
		putIntKeys(k, arr, a.Values(), buf, pos)
	case *array.Int32:
		putIntKeys(k, arr, a.Values(), buf, pos)
	case *array.Int64:
		putIntKeys(k, arr, a.Values(), buf, pos)
	case *array.Date32:
		putIntKeys(k, arr, a.Values(), buf, pos)
	case *array.Timestamp:
		putIntKeys(k, arr, a.Values(), buf, pos)
	case *array.Time64:
		putIntKeys(k, arr, a.Values(), buf, pos)
	case *array.Float32:
		nulls := a.NullN() > 0
		for i, v := range a.Values() {
			p := pos[i]
			if nulls && a.IsNull(i) {
				buf[p] = k.nullMark()
				pos[i] = p + 1
				continue
			}
			buf[p] = 1
			binary.BigEndian.PutUint32(buf[p+1:], sortFloat32(v)^uint32(k.inv))
			pos[i] = p + 5
		}
	case *array.Float64:
		nulls := a.NullN() > 0
		for i, v := range a.Values() {
			p := pos[i]
			if nulls && a.IsNull(i) {
				buf[p] = k.nullMark()
				pos[i] = p + 1
				continue
			}
			buf[p] = 1
			binary.BigEndian.PutUint64(buf[p+1:], sortFloat64(v)^k.inv)
			pos[i] = p + 9
		}
	case *array.Decimal128:
		nulls := a.NullN() > 0
		for i, v := range a.Values() {
			p := pos[i]
			if nulls && a.IsNull(i) {
				buf[p] = k.nullMark()
				pos[i] = p + 1
				continue
			}
			buf[p] = 1
			putInt128Key(buf[p+1:], v.HighBits(), v.LowBits(), k.inv)
			pos[i] = p + 17
		}
	case *array.MonthDayNanoInterval:
		nulls := a.NullN() > 0
		for i, v := range a.MonthDayNanoIntervalValues() {
			p := pos[i]
			if nulls && a.IsNull(i) {
				buf[p] = k.nullMark()
				pos[i] = p + 1
				continue
			}
			buf[p] = 1
			hi, lo := intervalSpan(v)
			putInt128Key(buf[p+1:], hi, lo, k.inv)
			pos[i] = p + 17
		}
	default:
		k.putVar(arr, buf, pos)
	}
}

// putIntKeys writes integer keys at their storage width.
func putIntKeys[T ~int16 | ~int32 | ~int64](k *keyCol, arr arrow.Array, vals []T, buf []byte, pos []int) {
	var zero T
	w := binary.Size(zero)
	sign := uint64(1) << (8*w - 1)
	nulls := arr.NullN() > 0
	for i, v := range vals {
		p := pos[i]
		if nulls && arr.IsNull(i) {
			buf[p] = k.nullMark()
			pos[i] = p + 1
			continue
		}
		buf[p] = 1
		u := uint64(int64(v)) ^ sign ^ k.inv
		switch w {
		case 2:
			binary.BigEndian.PutUint16(buf[p+1:], uint16(u))
		case 4:
			binary.BigEndian.PutUint32(buf[p+1:], uint32(u))
		default:
			binary.BigEndian.PutUint64(buf[p+1:], u)
		}
		pos[i] = p + 1 + w
	}
}

// putVar writes text and bytea keys.
func (k *keyCol) putVar(arr arrow.Array, buf []byte, pos []int) {
	vals, offs := varData(arr)
	nulls := arr.NullN() > 0
	for i := range pos {
		p := pos[i]
		if nulls && arr.IsNull(i) {
			buf[p] = k.nullMark()
			pos[i] = p + 1
			continue
		}
		buf[p] = 1
		start := p + 1
		v := vals[offs[i]:offs[i+1]]
		if k.bpchar {
			v = trimBpchar(v)
		}
		p = start
		for {
			z := bytes.IndexByte(v, 0)
			if z < 0 {
				p += copy(buf[p:], v)
				break
			}
			p += copy(buf[p:], v[:z])
			buf[p], buf[p+1] = 0, 0xFF
			p += 2
			v = v[z+1:]
		}
		buf[p], buf[p+1] = 0, 1
		p += 2
		if k.Desc {
			for j := start; j < p; j++ {
				buf[j] = ^buf[j]
			}
		}
		pos[i] = p
	}
}

// sortFloat64 maps a float8 to an unsigned integer in the order PostgreSQL
// gives floats: -0 equals 0 and NaN, all NaNs alike, is the greatest.
func sortFloat64(f float64) uint64 {
	switch {
	case f != f:
		return math.MaxUint64
	case f == 0:
		f = 0
	}
	b := math.Float64bits(f)
	if b>>63 != 0 {
		return ^b
	}
	return b | 1<<63
}

// sortFloat32 is sortFloat64 for float4.
func sortFloat32(f float32) uint32 {
	switch {
	case f != f:
		return math.MaxUint32
	case f == 0:
		f = 0
	}
	b := math.Float32bits(f)
	if b>>31 != 0 {
		return ^b
	}
	return b | 1<<31
}

// putInt128Key writes a signed 128-bit integer so that it orders bytewise.
func putInt128Key(dst []byte, hi int64, lo uint64, inv uint64) {
	binary.BigEndian.PutUint64(dst, uint64(hi)^1<<63^inv)
	binary.BigEndian.PutUint64(dst[8:], lo^inv)
}

// intervalSpan is interval_cmp_value: the interval in microseconds with a
// month as 30 days, as a signed 128-bit integer (it may pass 64 bits).
// The nanoseconds are truncated to microseconds, as Value reads them.
func intervalSpan(v arrow.MonthDayNanoInterval) (hi int64, lo uint64) {
	return span(v.Months, v.Days, v.Nanoseconds/1000)
}

// span is interval_cmp_value of months, days and microseconds.
func span(months, days32 int32, us int64) (hi int64, lo uint64) {
	days := int64(months)*30 + int64(days32)
	neg := days < 0
	d := uint64(days)
	if neg {
		d = -d
	}
	h, l := bits.Mul64(d, 86400e6)
	if neg {
		l = ^l + 1
		h = ^h
		if l == 0 {
			h++
		}
	}
	var c uint64
	l, c = bits.Add64(l, uint64(us), 0)
	ext := uint64(0)
	if us < 0 {
		ext = math.MaxUint64
	}
	h, _ = bits.Add64(h, ext, c)
	return int64(h), l
}

// storageCompatible reports whether got, a batch's array type, stores values as
// want, the column's Arrow type, does: the sort encodes and gathers both
// alike.
func storageCompatible(got, want arrow.DataType) bool {
	if arrow.TypeEqual(got, want) {
		return true
	}
	switch g := got.(type) {
	case *arrow.TimestampType:
		w, ok := want.(*arrow.TimestampType)
		return ok && g.Unit == w.Unit
	case *arrow.Decimal128Type:
		w, ok := want.(*arrow.Decimal128Type)
		return ok && g.Scale == w.Scale
	}
	return false
}

// conformArray returns arr as an array of c's Arrow type: arr itself, retained,
// when it stores values alike, else a copy made through Datums.
func conformArray(arr arrow.Array, c Column) (arrow.Array, error) {
	want := ArrowType(c.Type)
	if storageCompatible(arr.DataType(), want) {
		arr.Retain()
		return arr, nil
	}
	b := array.NewBuilder(memory.DefaultAllocator, want)
	defer b.Release()
	b.Reserve(arr.Len())
	for i := 0; i < arr.Len(); i++ {
		if err := Append(b, c.Type, Value(arr, i, c.Type)); err != nil {
			return nil, err
		}
	}
	return b.NewArray(), nil
}

// heldBytes estimates the memory the rows of arr take (a slice counts its
// rows, not its parent's buffers).
func heldBytes(arr arrow.Array) int64 {
	n := int64(arr.Len())
	size := (n + 7) / 8 // validity
	switch a := arr.(type) {
	case *array.Boolean:
		size += (n + 7) / 8
	case *array.String, *array.Binary:
		_, offs := varData(a)
		size += 4*(n+1) + int64(offs[len(offs)-1]-offs[0])
	default:
		if fw, ok := arr.DataType().(arrow.FixedWidthDataType); ok {
			size += n * int64(fw.BitWidth()/8)
		} else {
			size += 16 * n
		}
	}
	return size
}

// gatherChunks builds an array of type dt (a column's ArrowType) holding, for each
// i, row at[i] of srcs[from[i]]. The sources are of that type (conformArray).
func gatherChunks(dt arrow.DataType, t types.T, srcs []arrow.Array, from, at []int32) (arrow.Array, error) {
	n := len(at)
	valid, nulls := chunkValidity(srcs, from, at)
	var bufs []*memory.Buffer
	switch dt.ID() {
	case arrow.BOOL:
		vals := paddedBuffer((n + 7) / 8)
		out := vals.Bytes()
		for i, r := range at {
			src := srcs[from[i]].(*array.Boolean)
			if src.IsValid(int(r)) && src.Value(int(r)) {
				bitutil.SetBit(out, i)
			}
		}
		bufs = []*memory.Buffer{valid, vals}
	case arrow.INT16:
		bufs = []*memory.Buffer{valid, chunkFixed[uint16](srcs, from, at)}
	case arrow.INT32, arrow.DATE32, arrow.FLOAT32:
		bufs = []*memory.Buffer{valid, chunkFixed[uint32](srcs, from, at)}
	case arrow.INT64, arrow.TIMESTAMP, arrow.TIME64, arrow.FLOAT64:
		bufs = []*memory.Buffer{valid, chunkFixed[uint64](srcs, from, at)}
	case arrow.DECIMAL128, arrow.INTERVAL_MONTH_DAY_NANO:
		bufs = []*memory.Buffer{valid, chunkFixed[decimal128.Num](srcs, from, at)}
	case arrow.STRING, arrow.BINARY:
		offs, data, err := chunkVar(srcs, from, at)
		if err != nil {
			return nil, err
		}
		bufs = []*memory.Buffer{valid, offs, data}
	default:
		if valid != nil {
			valid.Release()
		}
		b := array.NewBuilder(memory.DefaultAllocator, dt)
		defer b.Release()
		b.Reserve(n)
		for i, r := range at {
			if err := Append(b, t, Value(srcs[from[i]], int(r), t)); err != nil {
				return nil, err
			}
		}
		return b.NewArray(), nil
	}
	data := array.NewData(dt, n, bufs, nil, nulls, 0)
	for _, b := range bufs {
		if b != nil {
			b.Release()
		}
	}
	defer data.Release()
	return array.MakeFromData(data), nil
}

// paddedBuffer allocates a zeroed buffer of n bytes, padded as Arrow's
// builders pad theirs.
func paddedBuffer(n int) *memory.Buffer {
	b := memory.NewResizableBuffer(memory.DefaultAllocator)
	b.Resize(n)
	return b
}

// chunkValidity builds the validity bitmap of a gather and counts its
// NULLs; the bitmap is nil when there are none.
func chunkValidity(srcs []arrow.Array, from, at []int32) (*memory.Buffer, int) {
	vs, any := validities(srcs)
	if !any {
		return nil, 0
	}
	buf := paddedBuffer((len(at) + 7) / 8)
	out := buf.Bytes()
	nulls := 0
	for i, r := range at {
		if vs[from[i]].valid(r) {
			bitutil.SetBit(out, i)
		} else {
			nulls++
		}
	}
	if nulls == 0 {
		buf.Release()
		return nil, 0
	}
	return buf, nulls
}

// validity is an array's validity bitmap, nil when it has no NULLs.
type validity struct {
	bits []byte
	off  int
}

func (v validity) valid(i int32) bool {
	return v.bits == nil || bitutil.BitIsSet(v.bits, v.off+int(i))
}

// validities returns the arrays' validity bitmaps and whether one has NULLs.
func validities(arrs []arrow.Array) ([]validity, bool) {
	vs := make([]validity, len(arrs))
	any := false
	for k, a := range arrs {
		if a.NullN() > 0 {
			vs[k] = validity{a.NullBitmapBytes(), a.Data().Offset()}
			any = true
		}
	}
	return vs, any
}

// chunkFixed gathers fixed-width values by their bytes.
func chunkFixed[T arrow.FixedWidthType](srcs []arrow.Array, from, at []int32) *memory.Buffer {
	vals := make([][]T, len(srcs))
	for k, s := range srcs {
		vals[k] = arrow.GetValues[T](s.Data(), 1)
	}
	var zero T
	buf := paddedBuffer(len(at) * binary.Size(zero))
	out := arrow.GetData[T](buf.Bytes())
	for i, r := range at {
		if v := vals[from[i]]; v != nil { // nil: an empty or all-NULL source without values
			out[i] = v[r]
		}
	}
	return buf
}

// chunkVar gathers text or bytea values: their offsets and data buffers.
// NULLs get empty values.
func chunkVar(srcs []arrow.Array, from, at []int32) (*memory.Buffer, *memory.Buffer, error) {
	vals := make([][]byte, len(srcs))
	offs := make([][]int32, len(srcs))
	for k, s := range srcs {
		vals[k], offs[k] = varData(s)
	}
	vs, _ := validities(srcs)
	obuf := paddedBuffer(4 * (len(at) + 1))
	out := arrow.GetData[int32](obuf.Bytes())
	total := 0
	starts := make([]int32, len(at)) // each value's start in its source
	for i, r := range at {
		o := offs[from[i]]
		if vs[from[i]].valid(r) {
			starts[i] = o[r]
			total += int(o[r+1] - o[r])
		}
		if total > math.MaxInt32 {
			obuf.Release()
			return nil, nil, fmt.Errorf("exec: sort: more than 2 GiB of text in %d rows", len(at))
		}
		out[i+1] = int32(total)
	}
	dbuf := paddedBuffer(total)
	data := dbuf.Bytes()
	for i, start := range starts {
		if n := out[i+1] - out[i]; n > 0 {
			copy(data[out[i]:out[i+1]], vals[from[i]][start:start+n])
		}
	}
	return obuf, dbuf, nil
}

// datumSize estimates the memory a Datum of a fallback key takes.
func datumSize(d types.Datum) int64 {
	switch x := d.(type) {
	case string:
		return 16 + int64(len(x))
	case []byte:
		return 24 + int64(len(x))
	}
	return 16 + 32
}

// compareDatums orders two values of a key compared as Datums, NULLs
// placed as the key says.
func (k *keyCol) compareDatums(cmp func(a, b types.Datum) int, a, b types.Datum) int {
	switch {
	case a == nil && b == nil:
		return 0
	case a == nil:
		if k.NullsFirst {
			return -1
		}
		return 1
	case b == nil:
		if k.NullsFirst {
			return 1
		}
		return -1
	case cmp == nil: // a type without an ordering: all values tie
		return 0
	}
	c := cmp(a, b)
	if k.Desc {
		c = -c
	}
	return c
}
