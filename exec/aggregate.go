package exec

import (
	"context"
	"encoding/binary"
	"slices"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/cockroachdb/apd/v3"

	"github.com/lattice-olap/lattice/types"
)

// AggFunc names an aggregate function.
type AggFunc int

// Aggregate functions.
const (
	AggCountStar AggFunc = iota
	AggCount
	AggSum
	AggAvg
	AggMin
	AggMax
	AggVarSamp
	AggVarPop
	AggStddevSamp
	AggStddevPop
	AggBoolAnd
	AggBoolOr
	AggStringAgg
	AggValueSet      // the distinct values as an encoded set (valueset.go)
	AggValueSetUnion // the union of encoded sets
	AggValueSetCount // the number of values in the union of encoded sets
	// Ordered-set aggregates: f(fraction) WITHIN GROUP (ORDER BY Arg),
	// the fraction in Arg2 (read from a group's first row).
	AggPercentileCont
	AggPercentileDisc
	AggMode
	AggArrayAgg // the values, NULLs included, as an array of Result's type
)

// AggSpec is one aggregate of a HashAgg. Arg, Arg2 and Filter index input
// columns (-1: none).
type AggSpec struct {
	Func     AggFunc
	Arg      int
	Arg2     int // string_agg's delimiter
	Distinct bool
	Filter   int
	ArgType  types.T
	Result   types.T
	// HasOrder orders string_agg's or array_agg's rows by input column
	// Order. Desc and
	// NullsFirst are the direction of that ORDER BY, or of an ordered-set
	// aggregate's WITHIN GROUP.
	HasOrder         bool
	Order            int
	OrderType        types.T
	Desc, NullsFirst bool
	// MoreOrder are the ORDER BY's further keys, after Order.
	MoreOrder []AggOrderKey
	// OrderByValue orders the rows by the argument itself (Desc,
	// NullsFirst): string_agg(DISTINCT x, ',' ORDER BY x).
	OrderByValue bool
}

// AggOrderKey is a further key of an aggregate's ORDER BY: an input
// column and its direction.
type AggOrderKey struct {
	Col              int
	Type             types.T
	Desc, NullsFirst bool
}

// HashAgg groups its input by the first nGroups columns and computes aggs;
// its output is the group columns followed by one column per aggregate. With
// no group columns it always returns exactly one row.
//
// Groups are numbered in order of first appearance, which is the order of
// the output. Their key values are gathered from each batch that starts
// groups (typed takes, joined at the end), and each
// aggregate keeps one column of state indexed by group number (aggcols.go):
// typed for the common sums, counts, minimums and maximums, the generic
// accumulators for the rest.
type HashAgg struct {
	in      Operator
	nGroups int
	aggs    []AggSpec
	cols    []Column
	// Div computes numeric averages and variances with PostgreSQL's
	// result scale; the planner provides it.
	Div func(a, b *apd.Decimal) (*apd.Decimal, error)

	// Ordered declares the input sorted by the group columns, as RunAgg's
	// chunks are when its runs are all of them: equal keys are adjacent,
	// so a group starts where a row's key differs from the row before's
	// (compared as normalized sort keys, a column at a time), and the
	// groups' keys are gathered from the input at the end instead of
	// hashed and copied row by row. Not with Sets.
	Ordered bool
	// sortedBy, with Ordered, is the Sort that is the input, by keys that
	// are exactly the group columns: where groups start is then read off
	// the keys it has already encoded (peerStarts).
	sortedBy *Sort

	// Sets lists, for GROUPING SETS, ROLLUP and CUBE, which group columns
	// each grouping set uses; the output then has a grouping-set number
	// (int4) after the group columns, and group columns outside a row's
	// set are NULL. Nil means one set of all group columns.
	Sets [][]int

	ids      *groupTable     // group number by key
	n        int             // groups so far
	setOf    []int32         // grouping set of each group, with Sets
	keyParts [][]arrow.Array // group column values of new groups, a part per batch
	state    []aggColumn     // one per aggregate
	keyArrs  []arrow.Array   // keys, once loaded
	sch      *arrow.Schema
	done     bool
	pos      int
	out      arrow.RecordBatch
	held     int64           // bytes charged to the budget
	kept     [][]arrow.Array // Ordered: the group columns of each input batch
	from     []int32         // Ordered: each group's first row, by batch
	at       []int32

	generic bool // tests: every aggregate on the generic accumulators
}

// NewHashAgg returns a hash aggregation.
func NewHashAgg(in Operator, nGroups int, aggs []AggSpec, div func(a, b *apd.Decimal) (*apd.Decimal, error)) *HashAgg {
	cols := append([]Column(nil), in.Columns()[:nGroups]...)
	for i, a := range aggs {
		cols = append(cols, Column{Name: "agg" + string(rune('0'+i%10)), Type: a.Result})
	}
	return &HashAgg{in: in, nGroups: nGroups, aggs: aggs, cols: cols, Div: div}
}

// Columns returns group columns then aggregate results.
func (h *HashAgg) Columns() []Column { return h.cols }

// WithSets makes the aggregation compute grouping sets.
func (h *HashAgg) WithSets(sets [][]int) *HashAgg {
	h.Sets = sets
	cols := append([]Column(nil), h.cols[:h.nGroups]...)
	cols = append(cols, Column{Name: "grouping", Type: types.Int4})
	h.cols = append(cols, h.cols[h.nGroups:]...)
	return h
}

// AppendKey appends a grouping key for v: values that PostgreSQL treats as
// equal for grouping (0 and -0, 1.0 and 1.00, 'a' and 'a ' as char) get the
// same key.
func AppendKey(b []byte, t types.T, v types.Datum) []byte {
	if v == nil {
		return append(b, 0)
	}
	b = append(b, 1)
	switch x := v.(type) {
	case float64:
		return appendFloatKey(b, x)
	case *apd.Decimal:
		r := new(apd.Decimal)
		r.Reduce(x)
		s := r.Text('E')
		b = binary.AppendUvarint(b, uint64(len(s)))
		return append(b, s...)
	case string:
		if t.Oid == types.OidBpchar {
			x = strings.TrimRight(x, " ")
		}
		b = binary.AppendUvarint(b, uint64(len(x)))
		return append(b, x...)
	case []byte:
		b = binary.AppendUvarint(b, uint64(len(x)))
		return append(b, x...)
	case time.Time:
		return binary.BigEndian.AppendUint64(b, uint64(types.TimestampMicros(x)))
	case types.DInterval:
		// Intervals that compare equal are one key: '1 mon', '30 days'
		// and '720:00:00' group together, as in PostgreSQL, whose hash
		// of an interval is of this same span.
		hi, lo := span(x.Months, x.Days, x.Micros)
		return binary.BigEndian.AppendUint64(binary.BigEndian.AppendUint64(b, uint64(hi)), lo)
	}
	return types.AppendBinary(b, t, v)
}

// initState makes each aggregate's state column.
func (h *HashAgg) initState() {
	in := h.in.Columns()
	h.state = make([]aggColumn, len(h.aggs))
	for a, spec := range h.aggs {
		h.state[a] = newAggColumn(spec, in)
		if h.generic {
			h.state[a] = &genericCol{spec: spec, in: in}
		}
	}
}

func (h *HashAgg) load(ctx context.Context) error {
	if h.Ordered && h.Sets == nil && h.nGroups > 0 {
		return h.loadOrdered(ctx)
	}
	in := h.in.Columns()
	sets := h.Sets
	if sets == nil {
		all := make([]int, h.nGroups)
		for c := range all {
			all[c] = c
		}
		sets = [][]int{all}
	}
	h.ids = newGroupTable()
	h.keyParts = make([][]arrow.Array, h.nGroups)
	h.initState()
	var key []byte
	var gids, fresh []int32
	for {
		rec, err := h.in.Next(ctx)
		if err != nil {
			return err
		}
		if rec == nil {
			break
		}
		n := int(rec.NumRows())
		if cap(gids) < n {
			gids = make([]int32, n)
		}
		gids = gids[:n]
		for si, set := range sets {
			fresh = fresh[:0]
			for i := 0; i < n; i++ {
				key = append(key[:0], byte(si), byte(si>>8))
				for _, c := range set {
					key = AppendArrowKey(key, rec.Column(c), i, in[c].Type)
				}
				g, hash, ok := h.ids.find(key)
				if !ok {
					if g, err = h.newGroup(ctx, si, key, hash); err != nil {
						return err
					}
					fresh = append(fresh, int32(i))
				}
				gids[i] = g
			}
			if err := h.addKeys(rec, set, fresh); err != nil {
				return err
			}
			for _, st := range h.state {
				st.grow(h.n)
				if err := st.update(rec, gids); err != nil {
					return err
				}
			}
		}
	}
	// An empty grouping set yields one row even without input.
	if h.Sets == nil && h.nGroups == 0 {
		sets = [][]int{nil}
	}
	for si, set := range sets {
		if len(set) > 0 {
			continue
		}
		key = append(key[:0], byte(si), byte(si>>8))
		if _, hash, ok := h.ids.find(key); !ok {
			if _, err := h.newGroup(ctx, si, key, hash); err != nil {
				return err
			}
			if err := h.addKeys(nil, nil, []int32{0}); err != nil {
				return err
			}
		}
	}
	for _, st := range h.state {
		st.grow(h.n)
	}
	h.keyArrs = make([]arrow.Array, h.nGroups)
	for c, parts := range h.keyParts {
		var err error
		if h.keyArrs[c], err = concatParts(ArrowType(in[c].Type), parts); err != nil {
			return err
		}
	}
	h.releaseKeyParts()
	h.ids = nil // the keys are no longer needed; let them go
	return nil
}

// addKeys appends the group columns of rows of rec, which started groups
// in the grouping set of columns set, to the groups' keys: gathered a
// batch at a time rather than copied row by row. Columns outside set (and
// all of them when rec is nil) are NULL.
func (h *HashAgg) addKeys(rec arrow.RecordBatch, set []int, rows []int32) error {
	if len(rows) == 0 {
		return nil
	}
	in := h.in.Columns()
	from := make([]int32, len(rows))
	for c := range h.keyParts {
		var part arrow.Array
		if rec != nil && slices.Contains(set, c) {
			src, err := conformArray(rec.Column(c), in[c])
			if err != nil {
				return err
			}
			part, err = gatherChunks(ArrowType(in[c].Type), in[c].Type, []arrow.Array{src}, from, rows)
			src.Release()
			if err != nil {
				return err
			}
		} else {
			part = array.MakeArrayOfNull(memory.DefaultAllocator, ArrowType(in[c].Type), len(rows))
		}
		h.keyParts[c] = append(h.keyParts[c], part)
	}
	return nil
}

// concatParts joins parts into one new array of type dt (empty when there
// are none); the parts stay the caller's to release.
func concatParts(dt arrow.DataType, parts []arrow.Array) (arrow.Array, error) {
	switch len(parts) {
	case 0:
		return array.MakeArrayOfNull(memory.DefaultAllocator, dt, 0), nil
	case 1:
		parts[0].Retain()
		return parts[0], nil
	}
	return array.Concatenate(parts, memory.DefaultAllocator)
}

func (h *HashAgg) releaseKeyParts() {
	for _, parts := range h.keyParts {
		releaseArrays(parts)
	}
	h.keyParts = nil
}

// loadOrdered is load over input sorted by the group columns (Ordered).
func (h *HashAgg) loadOrdered(ctx context.Context) error {
	in := h.in.Columns()
	keys := make([]SortKey, h.nGroups)
	for c := range keys {
		keys[c] = SortKey{Col: c}
	}
	template := newSortKeys(keys, in)
	h.initState()
	var prev sortKeys // the previous batch's keys, and its last row
	prevRow := int32(-1)
	var gids []int32
	var starts []bool
	for {
		rec, err := h.in.Next(ctx)
		if err != nil {
			return err
		}
		if rec == nil {
			break
		}
		n := int(rec.NumRows())
		if n == 0 {
			continue
		}
		arrs := make([]arrow.Array, h.nGroups)
		size := int64(0)
		for c := range arrs {
			if arrs[c], err = conformArray(rec.Column(c), in[c]); err != nil {
				releaseArrays(arrs[:c])
				return err
			}
			size += heldBytes(arrs[c])
		}
		batch := int32(len(h.kept))
		h.kept = append(h.kept, arrs)
		var cur sortKeys
		if h.sortedBy != nil {
			starts = h.sortedBy.peerStarts(starts)
		} else {
			cur = template.empty()
			cur.encode(arrs, n)
		}
		if cap(gids) < n {
			gids = make([]int32, n)
		}
		gids = gids[:n]
		before := h.n
		for i := range int32(n) {
			var same bool
			switch {
			case h.sortedBy != nil:
				same = !starts[i]
			case i > 0:
				same = cur.compareRows(0, i, &cur, i-1) == 0
			case prevRow >= 0:
				same = cur.compareRows(0, 0, &prev, prevRow) == 0
			}
			if !same {
				h.n++
				h.from = append(h.from, batch)
				h.at = append(h.at, i)
			}
			gids[i] = int32(h.n - 1)
		}
		prev, prevRow = cur, int32(n-1)
		size += int64(h.n-before) * (8 + 64*int64(len(h.aggs)))
		h.held += size
		if err := Charge(ctx, size); err != nil {
			return err
		}
		for _, st := range h.state {
			st.grow(h.n)
			if err := st.update(rec, gids); err != nil {
				return err
			}
		}
	}
	keyArrs, err := gatherRows(in[:h.nGroups], h.kept, h.from, h.at)
	if err != nil {
		return err
	}
	h.keyArrs = keyArrs
	h.releaseKept()
	return nil
}

func (h *HashAgg) releaseKept() {
	for _, arrs := range h.kept {
		releaseArrays(arrs)
	}
	h.kept, h.from, h.at = nil, nil, nil
}

// newGroup adds a group in grouping set si under key, of hash hash; the
// caller adds its key columns (addKeys) and grows the state.
func (h *HashAgg) newGroup(ctx context.Context, si int, key []byte, hash uint64) (int32, error) {
	size := int64(len(key)) + 48 + 64*int64(len(h.aggs))
	h.held += size
	if err := Charge(ctx, size); err != nil {
		return 0, err
	}
	g := h.ids.insert(key, hash)
	h.n++
	if h.Sets != nil {
		h.setOf = append(h.setOf, int32(si))
	}
	return g, nil
}

// Next returns the next batch of groups.
func (h *HashAgg) Next(ctx context.Context) (arrow.RecordBatch, error) {
	if h.out != nil {
		h.out.Release()
		h.out = nil
	}
	if !h.done {
		h.done = true
		if err := h.load(ctx); err != nil {
			return nil, err
		}
	}
	if h.pos >= h.n {
		return nil, nil
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	from, to := h.pos, min(h.pos+BatchRows, h.n)
	arrs := make([]arrow.Array, 0, len(h.cols))
	defer func() {
		for _, a := range arrs {
			a.Release()
		}
	}()
	for _, k := range h.keyArrs {
		arrs = append(arrs, array.NewSlice(k, int64(from), int64(to)))
	}
	if h.Sets != nil {
		b := array.NewInt32Builder(memory.DefaultAllocator)
		b.AppendValues(h.setOf[from:to], nil)
		arrs = append(arrs, b.NewArray())
		b.Release()
	}
	for a, st := range h.state {
		arr, err := st.result(from, to, h.aggs[a].Result, h.Div)
		if err != nil {
			return nil, err
		}
		arrs = append(arrs, arr)
	}
	h.pos = to
	if h.sch == nil {
		h.sch = ArrowSchema(h.cols)
	}
	h.out = array.NewRecordBatch(h.sch, arrs, int64(to-from))
	return h.out, nil
}

// Close releases the aggregation.
func (h *HashAgg) Close() {
	if h.out != nil {
		h.out.Release()
		h.out = nil
	}
	h.releaseKeyParts()
	for _, a := range h.keyArrs {
		if a != nil {
			a.Release()
		}
	}
	h.releaseKept()
	h.keyArrs, h.ids, h.state = nil, nil, nil
	h.in.Close()
}
