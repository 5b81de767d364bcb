package exec

import (
	"context"
	"encoding/binary"
	"math/bits"
	"slices"
	"sync"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/bitutil"
	"github.com/apache/arrow-go/v18/arrow/compute"
	"github.com/apache/arrow-go/v18/arrow/decimal"
	"github.com/apache/arrow-go/v18/arrow/memory"

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
//
// The hash table maps a key to the first build row that has it; next
// chains the others, in row order. A single integer key (smallint,
// integer, bigint, or date on both sides: every SSB join) is looked up as
// the int64 read straight from the Arrow arrays, so that int4 = int8
// compares values, in an intTable (an array indexed by key when the keys
// are dense, as a primary key's are); other keys are encoded as bytes
// (AppendArrowKey). Under a parallel scan each worker has its own HashJoin
// over one SharedBuild. Output
// columns are gathered (take) from the probe batch, or sliced from it when
// its rows come out in order, as in a join to a dimension's primary key,
// and from the concatenated build side.
type HashJoin struct {
	left, right  Operator
	lkeys, rkeys []int
	kind         JoinKind
	residual     BatchExpr
	cols         []Column
	sch          *arrow.Schema

	built    bool
	buildErr error
	*joinTable
	shared  *SharedBuild // the table is built once for parallel workers
	matched []bool       // build rows matched, for right and full joins
	tailed  bool         // unmatched build rows emitted
	out     arrow.RecordBatch
	key     []byte
	keyBuf  []int64 // probe keys widened to int64
	keySet  *KeySet // receives ints once built, for the probe side's scan

	// The probe batch being joined: a batch whose rows have many matches
	// (a cross join, a skewed key) is emitted in chunks of about
	// BatchRows pairs, so memory stays bounded.
	cur     arrow.RecordBatch
	curRow  int     // next probe row
	curR    int32   // next build row for curRow: in its key's chain (-1: none left), or of all in a nested loop
	heads   []int32 // the first matching build row of each row of cur, or -1
	curSeen []bool  // probe rows of cur with a surviving match
}

// joinTable is a hash join's build side; read only once built.
type joinTable struct {
	rarrs []arrow.Array // build side, one array per right column
	rn    int
	ints  *intTable        // a single integer key
	table map[string]int32 // other keys: the first build row of each
	next  []int32          // the next build row with the same key, or -1
}

func (t *joinTable) release() {
	for _, a := range t.rarrs {
		a.Release()
	}
	t.rarrs, t.table, t.ints, t.next = nil, nil, nil, nil
}

// SharedBuild is the build side of a hash join that several parallel
// workers probe, each with its own HashJoin (NewSharedHashJoin): the first
// to need it builds it from the one right input, the others wait, and all
// then read it. Only inner and left joins share a build, since right and
// full joins mark the build rows they match.
type SharedBuild struct {
	right Operator
	once  sync.Once
	table joinTable
	err   error
}

// NewSharedBuild returns the shared build side over right, which it owns.
func NewSharedBuild(right Operator) *SharedBuild { return &SharedBuild{right: right} }

// Close releases the table and closes the right input; call it after every
// join probing it has ended.
func (s *SharedBuild) Close() {
	s.table.release()
	s.right.Close()
}

// NewSharedHashJoin returns an inner or left join of left with the shared
// build side s, for one parallel worker.
func NewSharedHashJoin(left Operator, s *SharedBuild, lkeys, rkeys []int, kind JoinKind, residual BatchExpr) *HashJoin {
	if kind != InnerJoin && kind != LeftJoin {
		panic("exec: only inner and left joins share a build side")
	}
	j := NewHashJoin(left, s.right, lkeys, rkeys, kind, residual)
	j.shared = s
	return j
}

// NewHashJoin returns a join of left and right.
func NewHashJoin(left, right Operator, lkeys, rkeys []int, kind JoinKind, residual BatchExpr) *HashJoin {
	cols := append(append([]Column(nil), left.Columns()...), right.Columns()...)
	return &HashJoin{left: left, right: right, lkeys: lkeys, rkeys: rkeys, kind: kind, residual: residual, cols: cols, sch: ArrowSchema(cols)}
}

// Columns returns the left columns followed by the right ones.
func (j *HashJoin) Columns() []Column { return j.cols }

// build builds the join's table, or waits for the shared one.
func (j *HashJoin) build(ctx context.Context) error {
	if s := j.shared; s != nil {
		s.once.Do(func() { s.err = j.buildTable(ctx, &s.table) })
		j.joinTable = &s.table
		return s.err
	}
	j.joinTable = &joinTable{}
	if err := j.buildTable(ctx, j.joinTable); err != nil {
		return err
	}
	if j.kind == RightJoin || j.kind == FullJoin {
		j.matched = make([]bool, j.rn)
	}
	return nil
}

// buildTable reads the right input into t.
func (j *HashJoin) buildTable(ctx context.Context, t *joinTable) error {
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
	t.rarrs = make([]arrow.Array, len(rcols))
	for c := range rcols {
		parts := make([]arrow.Array, len(batches))
		for b, rec := range batches {
			parts[b] = rec.Column(c)
		}
		if len(parts) == 0 {
			t.rarrs[c] = array.MakeArrayOfNull(memory.DefaultAllocator, ArrowType(rcols[c].Type), 0)
			continue
		}
		a, err := array.Concatenate(parts, memory.DefaultAllocator)
		if err != nil {
			return err
		}
		t.rarrs[c] = a
	}
	if len(t.rarrs) > 0 {
		t.rn = t.rarrs[0].Len()
	}
	if len(j.lkeys) == 0 {
		return nil
	}
	// Rows go in last to first, each at the front of its key's chain, so
	// that chains run in row order.
	t.next = make([]int32, t.rn)
	if j.intKeyed() {
		var buf []int64
		keys, valid := intKeys(t.rarrs[j.rkeys[0]], j.right.Columns()[j.rkeys[0]].Type, &buf)
		t.ints = newIntTable(keys[:t.rn], valid)
		for i := t.rn - 1; i >= 0; i-- {
			t.next[i] = -1
			if valid(i) {
				t.next[i] = t.ints.insert(keys[i], int32(i))
			}
		}
		if j.keySet != nil && j.kind == InnerJoin {
			j.keySet.publish(keys[:t.rn], valid, t.ints)
		}
		return nil
	}
	t.table = map[string]int32{}
	for i := t.rn - 1; i >= 0; i-- {
		t.next[i] = -1
		if k, ok := j.keyAt(t.rarrs, j.rkeys, rcols, i); ok {
			if h, ok := t.table[string(k)]; ok {
				t.next[i] = h
			}
			t.table[string(k)] = int32(i)
		}
	}
	return nil
}

// intKeyed reports whether the join is on one integer column on each side
// (of any width), or one date column on each side.
func (j *HashJoin) intKeyed() bool {
	if len(j.lkeys) != 1 {
		return false
	}
	lt, rt := j.left.Columns()[j.lkeys[0]].Type, j.right.Columns()[j.rkeys[0]].Type
	isInt := func(t types.T) bool {
		return t.Oid == types.OidInt2 || t.Oid == types.OidInt4 || t.Oid == types.OidInt8
	}
	return (isInt(lt) && isInt(rt)) || (lt.Oid == types.OidDate && rt.Oid == types.OidDate)
}

// intKeys returns the values of an integer or date column of type t as
// int64s, in *buf unless arr holds int64s already, and a validity test.
func intKeys(arr arrow.Array, t types.T, buf *[]int64) ([]int64, func(int) bool) {
	valid := func(int) bool { return true }
	if arr.NullN() > 0 {
		valid = arr.IsValid
	}
	if a, ok := arr.(*array.Int64); ok {
		return a.Int64Values(), valid
	}
	n := arr.Len()
	if cap(*buf) < n {
		*buf = make([]int64, n)
	}
	out := (*buf)[:n]
	switch a := arr.(type) {
	case *array.Int32:
		widenKeys(out, a.Int32Values())
	case *array.Int16:
		widenKeys(out, a.Int16Values())
	case *array.Date32:
		widenKeys(out, a.Date32Values())
	default: // not stored as ArrowType says: read the Datums
		for i := range out {
			switch v := Value(arr, i, t).(type) {
			case int64:
				out[i] = v
			case types.DDate:
				out[i] = int64(v)
			}
		}
	}
	return out, valid
}

func widenKeys[T ~int16 | ~int32](out []int64, v []T) {
	for i := range out {
		out[i] = int64(v[i])
	}
}

// keyAt encodes row i's key columns; ok is false when one is NULL. The
// bytes are valid until the next call.
func (j *HashJoin) keyAt(arrs []arrow.Array, keys []int, cols []Column, i int) ([]byte, bool) {
	j.key = j.key[:0]
	for _, k := range keys {
		if arrs[k].IsNull(i) {
			return nil, false
		}
		j.key = appendJoinKey(j.key, arrs[k], i, cols[k].Type)
	}
	return j.key, true
}

// appendJoinKey appends row i's key value: integers of every width as
// eight bytes, so that an int4 column joins an int8 one (PostgreSQL's
// integer types share one hash operator family); other types as
// AppendArrowKey does.
func appendJoinKey(b []byte, arr arrow.Array, i int, t types.T) []byte {
	switch a := arr.(type) {
	case *array.Int16:
		if t.Oid == types.OidInt2 {
			return binary.BigEndian.AppendUint64(append(b, 1), uint64(int64(a.Value(i))))
		}
	case *array.Int32:
		if t.Oid == types.OidInt4 {
			return binary.BigEndian.AppendUint64(append(b, 1), uint64(int64(a.Value(i))))
		}
	case *array.Int64:
		if t.Oid == types.OidInt8 {
			return binary.BigEndian.AppendUint64(append(b, 1), uint64(a.Value(i)))
		}
	}
	return AppendArrowKey(b, arr, i, t)
}

// probe looks up every row of rec, setting heads.
func (j *HashJoin) probe(rec arrow.RecordBatch) {
	n := int(rec.NumRows())
	if cap(j.heads) < n {
		j.heads = make([]int32, n)
	}
	j.heads = j.heads[:n]
	if j.ints != nil {
		keys, valid := intKeys(rec.Column(j.lkeys[0]), j.left.Columns()[j.lkeys[0]].Type, &j.keyBuf)
		for i := range j.heads {
			j.heads[i] = -1
			if valid(i) {
				j.heads[i] = j.ints.find(keys[i])
			}
		}
		return
	}
	larrs, lcols := rec.Columns(), j.left.Columns()
	for i := range j.heads {
		j.heads[i] = -1
		if k, ok := j.keyAt(larrs, j.lkeys, lcols, i); ok {
			if h, ok := j.table[string(k)]; ok {
				j.heads[i] = h
			}
		}
	}
}

// gather builds a batch of the joined rows: left row li[n] with right row
// ri[n]; a negative index stands for a row of NULLs on that side.
func (j *HashJoin) gather(ctx context.Context, left arrow.RecordBatch, li, ri []int32) (arrow.RecordBatch, error) {
	n := len(li)
	nl := len(j.left.Columns())
	out := make([]arrow.Array, 0, len(j.cols))
	release := func() {
		for _, a := range out {
			a.Release()
		}
	}
	lrun := left != nil && isRun(li)
	for c := 0; c < nl; c++ {
		switch {
		case left == nil:
			out = append(out, array.MakeArrayOfNull(memory.DefaultAllocator, ArrowType(j.cols[c].Type), n))
		case lrun:
			out = append(out, array.NewSlice(left.Column(c), int64(li[0]), int64(li[0])+int64(n)))
		default:
			a, err := take(ctx, left.Column(c), li)
			if err != nil {
				release()
				return nil, err
			}
			out = append(out, a)
		}
	}
	for c := range j.rarrs {
		a, err := take(ctx, j.rarrs[c], ri)
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

// isRun reports whether idx is a run of consecutive row numbers.
func isRun(idx []int32) bool {
	if len(idx) == 0 || idx[0] < 0 {
		return false
	}
	for p, v := range idx {
		if v != idx[0]+int32(p) {
			return false
		}
	}
	return true
}

// Next returns the next batch of joined rows.
func (j *HashJoin) Next(ctx context.Context) (arrow.RecordBatch, error) {
	if j.out != nil {
		j.out.Release()
		j.out = nil
	}
	if !j.built {
		j.built = true
		j.buildErr = j.build(ctx)
	}
	if j.buildErr != nil {
		return nil, j.buildErr
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
			j.cur, j.curRow, j.curR = rec, 0, 0
			j.curSeen = make([]bool, rec.NumRows())
			if len(j.lkeys) > 0 {
				j.probe(rec)
				if len(j.heads) > 0 {
					j.curR = j.heads[0]
				}
			}
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
		for _, l := range li {
			j.curSeen[l] = true
		}
		if j.matched != nil {
			for _, r := range ri {
				j.matched[r] = true
			}
		}
		done := j.curRow >= int(rec.NumRows())
		if done {
			if j.kind == LeftJoin || j.kind == FullJoin {
				for i, seen := range j.curSeen {
					if !seen {
						li, ri = append(li, int32(i)), append(ri, -1)
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
		var li, ri []int32
		for r, m := range j.matched {
			if !m {
				li, ri = append(li, -1), append(ri, int32(r))
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
func (j *HashJoin) pairs(rec arrow.RecordBatch) (li, ri []int32) {
	nrows := int(rec.NumRows())
	if len(j.lkeys) == 0 {
		for j.curRow < nrows && len(li) < BatchRows {
			i := int32(j.curRow)
			for ; int(j.curR) < j.rn && len(li) < BatchRows; j.curR++ {
				li, ri = append(li, i), append(ri, j.curR)
			}
			if int(j.curR) >= j.rn {
				j.curRow, j.curR = j.curRow+1, 0
			}
		}
		return li, ri
	}
	size := min(nrows-j.curRow, BatchRows)
	li, ri = make([]int32, 0, size), make([]int32, 0, size)
	for j.curRow < nrows && len(li) < BatchRows {
		i := int32(j.curRow)
		for ; j.curR >= 0 && len(li) < BatchRows; j.curR = j.next[j.curR] {
			li, ri = append(li, i), append(ri, j.curR)
		}
		if j.curR < 0 {
			j.curRow++
			if j.curRow < nrows {
				j.curR = j.heads[j.curRow]
			}
		}
	}
	return li, ri
}

// Close releases the join.
func (j *HashJoin) Close() {
	if j.out != nil {
		j.out.Release()
	}
	j.left.Close()
	if j.shared != nil {
		return // the SharedBuild's owner closes it
	}
	if j.joinTable != nil {
		j.joinTable.release()
	}
	j.right.Close()
}

// intTable maps int64 keys to int32 rows. Keys that fill most of their
// range, as a dimension's primary key does, index an array directly
// (lo is the smallest); others go in an open-addressing table with linear
// probing, at most half full, Fibonacci hashing.
type intTable struct {
	lo     int64
	direct []int32 // dense keys: row + 1 at key - lo; 0 marks no row

	keys  []int64
	rows  []int32 // row + 1; 0 marks an empty slot
	shift uint
	mask  uint64
}

// denseSlack bounds a direct table: its range may be this many times the
// number of keys (plus a little for small tables), so it is never much
// larger than a hash table for the same keys would be.
const denseSlack = 3

// newIntTable returns a table for n keys, all valid ones among keys.
func newIntTable(keys []int64, valid func(int) bool) *intTable {
	n := len(keys)
	lo, hi, ok := keyRange(keys, valid)
	if span := uint64(hi) - uint64(lo); ok && span < uint64(denseSlack*n+1024) {
		return &intTable{lo: lo, direct: make([]int32, span+1)}
	}
	size := 16
	for size < 2*n {
		size *= 2
	}
	return &intTable{
		keys:  make([]int64, size),
		rows:  make([]int32, size),
		shift: uint(64 - bits.TrailingZeros(uint(size))),
		mask:  uint64(size - 1),
	}
}

// keyRange returns the smallest and largest of the valid keys; ok is false
// when there are none.
func keyRange(keys []int64, valid func(int) bool) (lo, hi int64, ok bool) {
	for i, k := range keys {
		if !valid(i) {
			continue
		}
		if !ok || k < lo {
			lo = k
		}
		if !ok || k > hi {
			hi = k
		}
		ok = true
	}
	return lo, hi, ok
}

func (t *intTable) slot(k int64) uint64 {
	return (uint64(k) * 0x9E3779B97F4A7C15) >> t.shift
}

// insert maps k to row and returns the row k mapped to before, or -1.
func (t *intTable) insert(k int64, row int32) int32 {
	if t.direct != nil {
		p := &t.direct[uint64(k)-uint64(t.lo)] // newIntTable saw every key
		prev := *p - 1
		*p = row + 1
		return prev
	}
	for s := t.slot(k); ; s = (s + 1) & t.mask {
		switch {
		case t.rows[s] == 0:
			t.keys[s], t.rows[s] = k, row+1
			return -1
		case t.keys[s] == k:
			prev := t.rows[s] - 1
			t.rows[s] = row + 1
			return prev
		}
	}
}

// find returns the row k maps to, or -1.
func (t *intTable) find(k int64) int32 {
	if t.direct != nil {
		if d := uint64(k) - uint64(t.lo); d < uint64(len(t.direct)) {
			return t.direct[d] - 1
		}
		return -1
	}
	for s := t.slot(k); ; s = (s + 1) & t.mask {
		switch {
		case t.rows[s] == 0:
			return -1
		case t.keys[s] == k:
			return t.rows[s] - 1
		}
	}
}

// take gathers slot idx[k] of arr into slot k of a new array; a negative
// index gives NULL. Boolean, fixed-width and string or binary columns are
// copied here; any other type goes through Arrow's take kernel.
func take(ctx context.Context, arr arrow.Array, idx []int32) (arrow.Array, error) {
	n := len(idx)
	dt := arr.DataType()
	if arr.NullN() == arr.Len() { // as a scan's unread columns are
		if n <= arr.Len() {
			return array.NewSlice(arr, 0, int64(n)), nil
		}
		return array.MakeArrayOfNull(memory.DefaultAllocator, dt, n), nil
	}
	data := arr.Data()
	validity, nulls := takeValidity(arr, idx)
	var buffers []*memory.Buffer
	switch fw, _ := dt.(arrow.FixedWidthDataType); {
	case dt.ID() == arrow.BOOL:
		src, off := data.Buffers()[1].Bytes(), data.Offset()
		vals := make([]byte, bitutil.BytesForBits(int64(n)))
		for k, i := range idx {
			if i >= 0 && bitutil.BitIsSet(src, off+int(i)) {
				bitutil.SetBit(vals, k)
			}
		}
		buffers = []*memory.Buffer{validity, memory.NewBufferBytes(vals)}
	case dt.ID() == arrow.STRING || dt.ID() == arrow.BINARY:
		offs := arrow.GetOffsets[int32](data, 1)
		var src []byte
		if b := data.Buffers()[2]; b != nil {
			src = b.Bytes()
		}
		outOffs := make([]int32, n+1)
		size := int32(0)
		for k, i := range idx {
			if i >= 0 {
				size += offs[i+1] - offs[i]
			}
			outOffs[k+1] = size
		}
		vals := make([]byte, size)
		for k, i := range idx {
			if i >= 0 {
				copy(vals[outOffs[k]:outOffs[k+1]], src[offs[i]:offs[i+1]])
			}
		}
		buffers = []*memory.Buffer{validity, memory.NewBufferBytes(arrow.GetBytes(outOffs)), memory.NewBufferBytes(vals)}
	case fw != nil && fw.BitWidth() == 16:
		buffers = []*memory.Buffer{validity, takeFixed[uint16](data, idx)}
	case fw != nil && fw.BitWidth() == 32:
		buffers = []*memory.Buffer{validity, takeFixed[uint32](data, idx)}
	case fw != nil && fw.BitWidth() == 64:
		buffers = []*memory.Buffer{validity, takeFixed[uint64](data, idx)}
	case fw != nil && fw.BitWidth() == 128:
		buffers = []*memory.Buffer{validity, takeFixed[decimal.Decimal128](data, idx)}
	default:
		b := array.NewInt64Builder(memory.DefaultAllocator)
		defer b.Release()
		for _, v := range idx {
			if v < 0 {
				b.AppendNull()
			} else {
				b.Append(int64(v))
			}
		}
		ia := b.NewArray()
		defer ia.Release()
		return compute.TakeArray(ctx, arr, ia)
	}
	d := array.NewData(dt, n, buffers, nil, nulls, 0)
	defer d.Release()
	return array.MakeFromData(d), nil
}

// takeValidity returns the validity bitmap of take's result (nil when
// nothing is NULL) and its count of NULLs.
func takeValidity(arr arrow.Array, idx []int32) (*memory.Buffer, int) {
	src := arr.NullBitmapBytes()
	if arr.NullN() == 0 {
		if !slices.ContainsFunc(idx, func(i int32) bool { return i < 0 }) {
			return nil, 0
		}
		src = nil
	}
	off := arr.Data().Offset()
	bm := make([]byte, bitutil.BytesForBits(int64(len(idx))))
	nulls := 0
	for k, i := range idx {
		if i >= 0 && (src == nil || bitutil.BitIsSet(src, off+int(i))) {
			bitutil.SetBit(bm, k)
		} else {
			nulls++
		}
	}
	return memory.NewBufferBytes(bm), nulls
}

// takeFixed gathers the values of a fixed-width array, T being any type
// of its width.
func takeFixed[T uint16 | uint32 | uint64 | decimal.Decimal128](data arrow.ArrayData, idx []int32) *memory.Buffer {
	src := arrow.GetValues[T](data, 1)
	out := make([]T, len(idx))
	for k, i := range idx {
		if i >= 0 {
			out[k] = src[i]
		}
	}
	return memory.NewBufferBytes(arrow.GetBytes(out))
}
