package exec

import (
	"fmt"
	"math"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/cockroachdb/apd/v3"

	"github.com/lattice-olap/lattice/pgerr"
	"github.com/lattice-olap/lattice/types"
)

// aggColumn is one aggregate's state for every group of a HashAgg, indexed
// by group number.
type aggColumn interface {
	// grow makes room for groups [0, n).
	grow(n int)
	// update folds each row i of rec into group gids[i].
	update(rec arrow.RecordBatch, gids []int32) error
	// result returns the values of groups [from, to) as an array of t.
	result(from, to int, t types.T, div func(a, b *apd.Decimal) (*apd.Decimal, error)) (arrow.Array, error)
}

// newAggColumn returns the state of aggregate s over input columns in:
// typed for counts, the sums and the minimums and maximums of integers,
// decimals that fit 64 bits and floats, and of dates and text; the
// generic accumulators (accumulate.go) for everything else.
func newAggColumn(s AggSpec, in []Column) aggColumn {
	generic := &genericCol{spec: s, in: in}
	if s.Distinct {
		return generic
	}
	arg := types.T{}
	if s.Arg >= 0 {
		arg = in[s.Arg].Type
	}
	switch s.Func {
	case AggCountStar:
		return &countCol{spec: s, star: true}
	case AggCount:
		return &countCol{spec: s}
	case AggSum:
		switch {
		case s.ArgType.Family() == types.IntFamily && s.ArgType.Oid != types.OidInt8 && s.Result.Oid == types.OidInt8:
			return &sumIntCol{spec: s}
		case s.ArgType.Oid == types.OidInt8 && s.Result.Oid == types.OidNumeric:
			return &sumIntCol{spec: s, wide: true}
		case s.ArgType.Oid == types.OidNumeric && arg.Oid == types.OidNumeric:
			if p, _, ok := decimalShape(arg); ok && p <= 18 {
				return &sumDecCol{spec: s}
			}
		case s.ArgType.Family() == types.FloatFamily:
			return &sumFloatCol{spec: s}
		}
	case AggMin, AggMax:
		switch {
		case (arg.Family() == types.IntFamily || arg.Oid == types.OidDate) && s.Result.Oid == arg.Oid:
			return &minMaxIntCol{spec: s, max: s.Func == AggMax}
		case arg.Family() == types.StringFamily && arg.Oid != types.OidBpchar && s.Result.Family() == types.StringFamily:
			return &minMaxStringCol{spec: s, max: s.Func == AggMax}
		}
	}
	return generic
}

// grown returns s extended with zero values to length n, doubling its
// capacity when it must grow (groups are added one at a time).
func grown[T any](s []T, n int) []T {
	switch {
	case n <= len(s):
		return s
	case n <= cap(s):
		return s[:n] // s never shrinks: its spare capacity was never written
	}
	out := make([]T, n, max(n, 2*cap(s)))
	copy(out, s)
	return out
}

// filterOf returns the FILTER (WHERE ...) column of s in rec, or nil.
func filterOf(rec arrow.RecordBatch, s AggSpec) *array.Boolean {
	if s.Filter < 0 {
		return nil
	}
	return rec.Column(s.Filter).(*array.Boolean)
}

// skip reports whether row i is filtered out.
func skip(f *array.Boolean, i int) bool { return f != nil && !(f.IsValid(i) && f.Value(i)) }

// intArg is an integer aggregate's argument over one batch: its values as
// int64s, and which rows the aggregate skips (filtered out or NULL).
type intArg struct {
	f     *array.Boolean
	arg   arrow.Array
	vals  []int64
	nulls bool
}

func intArgOf(rec arrow.RecordBatch, s AggSpec, scratch *[]int64) (intArg, error) {
	arg := rec.Column(s.Arg)
	vals, err := int64s(arg, scratch)
	return intArg{f: filterOf(rec, s), arg: arg, vals: vals, nulls: arg.NullN() > 0}, err
}

func (a intArg) skip(i int) bool { return skip(a.f, i) || (a.nulls && a.arg.IsNull(i)) }

// int64s returns the values of an integer or date array as int64s (NULL
// slots hold anything), widening narrower types into scratch.
func int64s(arr arrow.Array, scratch *[]int64) ([]int64, error) {
	switch a := arr.(type) {
	case *array.Int64:
		return a.Int64Values(), nil
	case *array.Int32:
		return widen(a.Int32Values(), scratch), nil
	case *array.Int16:
		return widen(a.Int16Values(), scratch), nil
	case *array.Date32:
		return widen(a.Date32Values(), scratch), nil
	}
	return nil, fmt.Errorf("exec: integer aggregate over %s", arr.DataType())
}

func widen[T int16 | int32 | arrow.Date32](v []T, scratch *[]int64) []int64 {
	out := *scratch
	if cap(out) < len(v) {
		out = make([]int64, len(v))
	}
	out = out[:len(v)]
	for i, x := range v {
		out[i] = int64(x)
	}
	*scratch = out
	return out
}

// newResult returns a builder for n values of t.
func newResult(t types.T, n int) array.Builder {
	b := array.NewBuilder(memory.DefaultAllocator, ArrowType(t))
	b.Reserve(n)
	return b
}

// int64Result returns vals (NULL where !valid, if valid is not nil) as an
// array of integer or date type t.
func int64Result(t types.T, vals []int64, valid []bool) (arrow.Array, error) {
	b := newResult(t, len(vals))
	defer b.Release()
	for i, v := range vals {
		if valid != nil && !valid[i] {
			b.AppendNull()
			continue
		}
		switch bb := b.(type) {
		case *array.Int64Builder:
			bb.UnsafeAppend(v)
		case *array.Int32Builder:
			bb.UnsafeAppend(int32(v))
		case *array.Int16Builder:
			bb.UnsafeAppend(int16(v))
		case *array.Date32Builder:
			bb.UnsafeAppend(arrow.Date32(v))
		default:
			return nil, fmt.Errorf("exec: integer aggregate result of type %s", t)
		}
	}
	return b.NewArray(), nil
}

// countCol is count(*) and count(x).
type countCol struct {
	spec AggSpec
	star bool
	n    []int64
}

func (c *countCol) grow(n int) { c.n = grown(c.n, n) }

func (c *countCol) update(rec arrow.RecordBatch, gids []int32) error {
	f := filterOf(rec, c.spec)
	var arg arrow.Array
	if !c.star {
		arg = rec.Column(c.spec.Arg)
	}
	for i, g := range gids {
		if skip(f, i) || (arg != nil && arg.IsNull(i)) {
			continue
		}
		c.n[g]++
	}
	return nil
}

func (c *countCol) result(from, to int, t types.T, _ func(a, b *apd.Decimal) (*apd.Decimal, error)) (arrow.Array, error) {
	return int64Result(t, c.n[from:to], nil)
}

// sumIntCol sums integers in int64: sum(smallint) and sum(integer), whose
// result is bigint (like PostgreSQL, which also adds them in int8 and
// fails with 22003 past its range; so does lattice_sum_int8, which
// re-aggregates cuboids' bigint sums and counts), and,
// when wide, sum(bigint), whose result is numeric: a group whose sum
// leaves int64 goes on in exact decimals.
type sumIntCol struct {
	spec    AggSpec
	wide    bool
	sums    []int64
	seen    []bool
	big     map[int32]*apd.Decimal
	scratch []int64
}

func (c *sumIntCol) grow(n int) { c.sums, c.seen = grown(c.sums, n), grown(c.seen, n) }

func (c *sumIntCol) update(rec arrow.RecordBatch, gids []int32) error {
	in, err := intArgOf(rec, c.spec, &c.scratch)
	if err != nil {
		return err
	}
	for i, g := range gids {
		if in.skip(i) {
			continue
		}
		c.seen[g] = true
		v := in.vals[i]
		if !c.wide {
			// PostgreSQL adds sum(integer) in int8 and fails past it.
			s := c.sums[g] + v
			if (s < c.sums[g]) != (v < 0) {
				return pgerr.New(pgerr.NumericValueOutOfRange, "bigint out of range")
			}
			c.sums[g] = s
			continue
		}
		if d := c.big[g]; d != nil {
			if _, err := exact.Add(d, d, apd.New(v, 0)); err != nil {
				return err
			}
			continue
		}
		s := c.sums[g] + v
		if (s > c.sums[g]) == (v > 0) || v == 0 {
			c.sums[g] = s
			continue
		}
		d := apd.New(c.sums[g], 0)
		if _, err := exact.Add(d, d, apd.New(v, 0)); err != nil {
			return err
		}
		if c.big == nil {
			c.big = map[int32]*apd.Decimal{}
		}
		c.big[g] = d
	}
	return nil
}

func (c *sumIntCol) result(from, to int, t types.T, _ func(a, b *apd.Decimal) (*apd.Decimal, error)) (arrow.Array, error) {
	if !c.wide {
		return int64Result(t, c.sums[from:to], c.seen[from:to])
	}
	b := newResult(t, to-from)
	defer b.Release()
	for g := from; g < to; g++ {
		var d types.Datum
		switch {
		case !c.seen[g]:
		case c.big[int32(g)] != nil:
			d = c.big[int32(g)]
		default:
			d = apd.New(c.sums[g], 0)
		}
		if err := Append(b, t, d); err != nil {
			return nil, err
		}
	}
	return b.NewArray(), nil
}

// sumDecCol sums numeric(p, s) with p <= 18 in 128 bits, which no sum of
// fewer than 2^64 such values leaves.
type sumDecCol struct {
	spec AggSpec
	sums []decimal128.Num
	seen []bool
}

func (c *sumDecCol) grow(n int) { c.sums, c.seen = grown(c.sums, n), grown(c.seen, n) }

func (c *sumDecCol) update(rec arrow.RecordBatch, gids []int32) error {
	f := filterOf(rec, c.spec)
	arg, ok := rec.Column(c.spec.Arg).(*array.Decimal128)
	if !ok {
		return fmt.Errorf("exec: decimal sum over %s", rec.Column(c.spec.Arg).DataType())
	}
	vals := arg.Values()
	nulls := arg.NullN() > 0
	for i, g := range gids {
		if skip(f, i) || (nulls && arg.IsNull(i)) {
			continue
		}
		c.seen[g] = true
		c.sums[g] = c.sums[g].Add(vals[i])
	}
	return nil
}

func (c *sumDecCol) result(from, to int, t types.T, _ func(a, b *apd.Decimal) (*apd.Decimal, error)) (arrow.Array, error) {
	_, scale := c.spec.ArgType.NumericPrecisionScale()
	b := newResult(t, to-from)
	defer b.Release()
	for g := from; g < to; g++ {
		var d types.Datum
		if c.seen[g] {
			d = decimalDatum(c.sums[g], scale)
		}
		if err := Append(b, t, d); err != nil {
			return nil, err
		}
	}
	return b.NewArray(), nil
}

// sumFloatCol sums real and double precision in float64, in input order
// as the generic accumulator does.
type sumFloatCol struct {
	spec AggSpec
	sums []float64
	seen []bool
}

func (c *sumFloatCol) grow(n int) { c.sums, c.seen = grown(c.sums, n), grown(c.seen, n) }

func (c *sumFloatCol) update(rec arrow.RecordBatch, gids []int32) error {
	f := filterOf(rec, c.spec)
	arr := rec.Column(c.spec.Arg)
	nulls := arr.NullN() > 0
	single := c.spec.Result.Oid == types.OidFloat4
	switch a := arr.(type) {
	case *array.Float64:
		vals := a.Float64Values()
		for i, g := range gids {
			if skip(f, i) || (nulls && a.IsNull(i)) {
				continue
			}
			c.seen[g] = true
			sum, err := addFloat(c.sums[g], vals[i], single)
			if err != nil {
				return err
			}
			c.sums[g] = sum
		}
	case *array.Float32:
		vals := a.Float32Values()
		for i, g := range gids {
			if skip(f, i) || (nulls && a.IsNull(i)) {
				continue
			}
			c.seen[g] = true
			sum, err := addFloat(c.sums[g], float64(vals[i]), single)
			if err != nil {
				return err
			}
			c.sums[g] = sum
		}
	default:
		return fmt.Errorf("exec: float sum over %s", arr.DataType())
	}
	return nil
}

// addFloat adds as PostgreSQL's float8pl does (float4pl, in single
// precision, when single): 22003 when finite operands overflow.
func addFloat(a, b float64, single bool) (float64, error) {
	sum := a + b
	if single {
		sum = float64(float32(a) + float32(b))
	}
	if math.IsInf(sum, 0) && !math.IsInf(a, 0) && !math.IsInf(b, 0) {
		return 0, errFloatOverflow
	}
	return sum, nil
}

var errFloatOverflow = pgerr.New(pgerr.NumericValueOutOfRange, "value out of range: overflow")

func (c *sumFloatCol) result(from, to int, t types.T, _ func(a, b *apd.Decimal) (*apd.Decimal, error)) (arrow.Array, error) {
	b := newResult(t, to-from)
	defer b.Release()
	for g := from; g < to; g++ {
		if !c.seen[g] {
			b.AppendNull()
			continue
		}
		switch bb := b.(type) {
		case *array.Float64Builder:
			bb.UnsafeAppend(c.sums[g])
		case *array.Float32Builder:
			bb.UnsafeAppend(float32(c.sums[g]))
		default:
			return nil, fmt.Errorf("exec: float sum result of type %s", t)
		}
	}
	return b.NewArray(), nil
}

// minMaxIntCol is min and max of integers and dates.
type minMaxIntCol struct {
	spec    AggSpec
	max     bool
	vals    []int64
	seen    []bool
	scratch []int64
}

func (c *minMaxIntCol) grow(n int) { c.vals, c.seen = grown(c.vals, n), grown(c.seen, n) }

func (c *minMaxIntCol) update(rec arrow.RecordBatch, gids []int32) error {
	in, err := intArgOf(rec, c.spec, &c.scratch)
	if err != nil {
		return err
	}
	for i, g := range gids {
		if in.skip(i) {
			continue
		}
		if v := in.vals[i]; !c.seen[g] || (c.max && v > c.vals[g]) || (!c.max && v < c.vals[g]) {
			c.vals[g], c.seen[g] = v, true
		}
	}
	return nil
}

func (c *minMaxIntCol) result(from, to int, t types.T, _ func(a, b *apd.Decimal) (*apd.Decimal, error)) (arrow.Array, error) {
	return int64Result(t, c.vals[from:to], c.seen[from:to])
}

// minMaxStringCol is min and max of text and varchar (bytewise, as
// types.CompareFunc orders them).
type minMaxStringCol struct {
	spec AggSpec
	max  bool
	vals []string
	seen []bool
}

func (c *minMaxStringCol) grow(n int) { c.vals, c.seen = grown(c.vals, n), grown(c.seen, n) }

func (c *minMaxStringCol) update(rec arrow.RecordBatch, gids []int32) error {
	f := filterOf(rec, c.spec)
	arg, ok := rec.Column(c.spec.Arg).(*array.String)
	if !ok {
		return fmt.Errorf("exec: text min/max over %s", rec.Column(c.spec.Arg).DataType())
	}
	for i, g := range gids {
		if skip(f, i) || arg.IsNull(i) {
			continue
		}
		v := arg.Value(i)
		if !c.seen[g] {
			c.vals[g], c.seen[g] = strings.Clone(v), true
			continue
		}
		if cmp := strings.Compare(v, c.vals[g]); (c.max && cmp > 0) || (!c.max && cmp < 0) {
			c.vals[g] = strings.Clone(v)
		}
	}
	return nil
}

func (c *minMaxStringCol) result(from, to int, t types.T, _ func(a, b *apd.Decimal) (*apd.Decimal, error)) (arrow.Array, error) {
	b := newResult(t, to-from)
	defer b.Release()
	sb, ok := b.(*array.StringBuilder)
	if !ok {
		return nil, fmt.Errorf("exec: text min/max result of type %s", t)
	}
	for g := from; g < to; g++ {
		if c.seen[g] {
			sb.Append(c.vals[g])
		} else {
			sb.AppendNull()
		}
	}
	return b.NewArray(), nil
}

// genericCol runs an accumulator (accumulate.go) per group over Datums.
type genericCol struct {
	spec AggSpec
	in   []Column
	accs []accumulator
}

func (c *genericCol) grow(n int) {
	for len(c.accs) < n {
		c.accs = append(c.accs, newAccumulator(c.spec))
	}
}

func (c *genericCol) update(rec arrow.RecordBatch, gids []int32) error {
	f := filterOf(rec, c.spec)
	for i, g := range gids {
		if skip(f, i) {
			continue
		}
		var arg, arg2 types.Datum
		if c.spec.Arg >= 0 {
			arg = Value(rec.Column(c.spec.Arg), i, c.in[c.spec.Arg].Type)
		}
		if c.spec.Arg2 >= 0 {
			arg2 = Value(rec.Column(c.spec.Arg2), i, c.in[c.spec.Arg2].Type)
		}
		if c.spec.HasOrder {
			var key types.Datum = Value(rec.Column(c.spec.Order), i, c.in[c.spec.Order].Type)
			if len(c.spec.MoreOrder) > 0 {
				keys := make([]types.Datum, 1, 1+len(c.spec.MoreOrder))
				keys[0] = key
				for _, k := range c.spec.MoreOrder {
					keys = append(keys, Value(rec.Column(k.Col), i, k.Type))
				}
				key = keys
			}
			if err := c.accs[g].(keyedAcc).addKeyed(arg, arg2, key); err != nil {
				return err
			}
			continue
		}
		if err := c.accs[g].add(arg, arg2); err != nil {
			return err
		}
	}
	return nil
}

func (c *genericCol) result(from, to int, t types.T, div func(a, b *apd.Decimal) (*apd.Decimal, error)) (arrow.Array, error) {
	b := newResult(t, to-from)
	defer b.Release()
	for _, acc := range c.accs[from:to] {
		v, err := acc.result(div)
		if err != nil {
			return nil, err
		}
		if err := Append(b, t, v); err != nil {
			return nil, err
		}
	}
	return b.NewArray(), nil
}
