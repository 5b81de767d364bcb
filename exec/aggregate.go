package exec

import (
	"context"
	"encoding/binary"
	"math"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
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
}

// HashAgg groups its input by the first nGroups columns and computes aggs;
// its output is the group columns followed by one column per aggregate. With
// no group columns it always returns exactly one row.
type HashAgg struct {
	in      Operator
	nGroups int
	aggs    []AggSpec
	cols    []Column
	// Div computes numeric averages and variances with PostgreSQL's
	// result scale; the planner provides it.
	Div func(a, b *apd.Decimal) (*apd.Decimal, error)

	// Sets lists, for GROUPING SETS, ROLLUP and CUBE, which group columns
	// each grouping set uses; the output then has a grouping-set number
	// (int4) after the group columns, and group columns outside a row's
	// set are NULL. Nil means one set of all group columns.
	Sets [][]int

	groups map[string]*group
	order  []*group
	done   bool
	pos    int
	bld    *Builder
	out    arrow.RecordBatch
}

type group struct {
	keys []types.Datum
	set  int
	acc  []accumulator
}

// NewHashAgg returns a hash aggregation.
func NewHashAgg(in Operator, nGroups int, aggs []AggSpec, div func(a, b *apd.Decimal) (*apd.Decimal, error)) *HashAgg {
	cols := append([]Column(nil), in.Columns()[:nGroups]...)
	for i, a := range aggs {
		cols = append(cols, Column{Name: "agg" + string(rune('0'+i%10)), Type: a.Result})
	}
	return &HashAgg{in: in, nGroups: nGroups, aggs: aggs, cols: cols, Div: div, groups: map[string]*group{}}
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
		if x == 0 {
			x = 0
		}
		if math.IsNaN(x) {
			x = math.NaN()
		}
		return binary.BigEndian.AppendUint64(b, math.Float64bits(x))
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
		return binary.BigEndian.AppendUint64(b, uint64(x.UnixMicro()))
	}
	return types.AppendBinary(b, t, v)
}

func (h *HashAgg) load(ctx context.Context) error {
	in := h.in.Columns()
	var key []byte
	for {
		rec, err := h.in.Next(ctx)
		if err != nil {
			return err
		}
		if rec == nil {
			break
		}
		sets := h.Sets
		if sets == nil {
			all := make([]int, h.nGroups)
			for c := range all {
				all[c] = c
			}
			sets = [][]int{all}
		}
		for i := 0; i < int(rec.NumRows()); i++ {
			for si, set := range sets {
				key = append(key[:0], byte(si), byte(si>>8))
				for _, c := range set {
					key = AppendKey(key, in[c].Type, Value(rec.Column(c), i, in[c].Type))
				}
				g, ok := h.groups[string(key)]
				if !ok {
					g = &group{keys: make([]types.Datum, h.nGroups), set: si, acc: make([]accumulator, len(h.aggs))}
					for _, c := range set {
						g.keys[c] = Value(rec.Column(c), i, in[c].Type)
					}
					for a, spec := range h.aggs {
						g.acc[a] = newAccumulator(spec)
					}
					if err := Charge(ctx, rowBytes(g.keys)+int64(len(key))+64*int64(len(h.aggs))); err != nil {
						return err
					}
					h.groups[string(key)] = g
					h.order = append(h.order, g)
				}
				for a, spec := range h.aggs {
					if spec.Filter >= 0 {
						if v := Value(rec.Column(spec.Filter), i, types.Bool); v != true {
							continue
						}
					}
					var arg, arg2 types.Datum
					if spec.Arg >= 0 {
						arg = Value(rec.Column(spec.Arg), i, in[spec.Arg].Type)
					}
					if spec.Arg2 >= 0 {
						arg2 = Value(rec.Column(spec.Arg2), i, in[spec.Arg2].Type)
					}
					if err := g.acc[a].add(arg, arg2); err != nil {
						return err
					}
				}
			}
		}
	}
	// An empty grouping set yields one row even without input.
	sets := h.Sets
	if sets == nil && h.nGroups == 0 {
		sets = [][]int{nil}
	}
	for si, set := range sets {
		if len(set) > 0 {
			continue
		}
		if _, ok := h.groups[string([]byte{byte(si), byte(si >> 8)})]; ok {
			continue
		}
		g := &group{keys: make([]types.Datum, h.nGroups), set: si, acc: make([]accumulator, len(h.aggs))}
		for a, spec := range h.aggs {
			g.acc[a] = newAccumulator(spec)
		}
		h.order = append(h.order, g)
	}
	h.bld = NewBuilder(h.cols)
	return nil
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
	if h.pos >= len(h.order) {
		return nil, nil
	}
	end := min(h.pos+BatchRows, len(h.order))
	row := make([]types.Datum, len(h.cols))
	first := h.nGroups
	if h.Sets != nil {
		first++
	}
	for _, g := range h.order[h.pos:end] {
		copy(row, g.keys)
		if h.Sets != nil {
			row[h.nGroups] = int64(g.set)
		}
		for a := range h.aggs {
			v, err := g.acc[a].result(h.Div)
			if err != nil {
				return nil, err
			}
			row[first+a] = v
		}
		if err := h.bld.Add(row); err != nil {
			return nil, err
		}
	}
	h.pos = end
	h.out = h.bld.Batch()
	return h.out, nil
}

// Close releases the aggregation.
func (h *HashAgg) Close() {
	if h.out != nil {
		h.out.Release()
	}
	if h.bld != nil {
		h.bld.Release()
	}
	h.groups, h.order = nil, nil
	h.in.Close()
}
