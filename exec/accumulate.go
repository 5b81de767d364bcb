package exec

import (
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/cockroachdb/apd/v3"

	"github.com/lattice-olap/lattice/pgerr"
	"github.com/lattice-olap/lattice/types"
)

// accumulator folds one aggregate over a group's rows.
type accumulator interface {
	add(v, v2 types.Datum) error
	result(div func(a, b *apd.Decimal) (*apd.Decimal, error)) (types.Datum, error)
}

// exact is the context for exact numeric sums (no rounding in practice).
var exact = func() *apd.Context {
	c := apd.BaseContext.WithPrecision(2000)
	c.Rounding = apd.RoundHalfUp
	return c
}()

func newAccumulator(s AggSpec) accumulator {
	var a accumulator
	switch s.Func {
	case AggCountStar:
		return &countAcc{star: true}
	case AggCount:
		a = &countAcc{}
	case AggSum, AggAvg:
		a = &sumAcc{spec: s}
	case AggMin, AggMax:
		cmp, _ := types.CompareFunc(s.ArgType)
		a = &minMaxAcc{cmp: cmp, max: s.Func == AggMax}
	case AggVarSamp, AggVarPop, AggStddevSamp, AggStddevPop:
		a = &varAcc{spec: s}
	case AggBoolAnd, AggBoolOr:
		a = &boolAcc{and: s.Func == AggBoolAnd}
	case AggStringAgg:
		if s.HasOrder || s.OrderByValue {
			a = &orderedStringAgg{keyedRows: newKeyedRows(s)}
		} else {
			a = &stringAggAcc{}
		}
	case AggArrayAgg:
		a = &arrayAggAcc{keyedRows: newKeyedRows(s)}
	case AggPercentileCont, AggPercentileDisc, AggMode:
		cmp, _ := types.CompareFunc(s.ArgType)
		return &orderedSetAcc{spec: s, cmp: cmp}
	case AggValueSet, AggValueSetUnion, AggValueSetCount:
		return &valueSetAcc{fn: s.Func}
	}
	if s.Distinct {
		return &distinctAcc{inner: a, t: s.ArgType, seen: map[string]bool{}, keepNull: s.Func == AggArrayAgg}
	}
	return a
}

// distinctAcc passes each distinct non-NULL value once, in sorted order
// as PostgreSQL does (it sorts a DISTINCT aggregate's input): string_agg
// (DISTINCT x, ',') lists them in order, and float sums add them in it.
// array_agg, which keeps NULLs, gets one NULL, last.
type distinctAcc struct {
	inner    accumulator
	t        types.T
	seen     map[string]bool
	key      []byte
	vals     [][2]types.Datum
	keepNull bool
	null     bool // a NULL was kept
}

func (d *distinctAcc) add(v, v2 types.Datum) error {
	if v == nil {
		if d.keepNull && !d.null {
			d.null = true
			d.vals = append(d.vals, [2]types.Datum{nil, v2})
		}
		return nil
	}
	d.key = AppendKey(d.key[:0], d.t, v)
	if d.seen[string(d.key)] {
		return nil
	}
	d.seen[string(d.key)] = true
	d.vals = append(d.vals, [2]types.Datum{v, v2})
	return nil
}

func (d *distinctAcc) result(div func(a, b *apd.Decimal) (*apd.Decimal, error)) (types.Datum, error) {
	if cmp, ok := types.CompareFunc(d.t); ok {
		slices.SortStableFunc(d.vals, func(a, b [2]types.Datum) int {
			switch {
			case a[0] == nil || b[0] == nil:
				return compareNullsLast(a[0] == nil, b[0] == nil)
			}
			return cmp(a[0], b[0])
		})
	}
	for _, v := range d.vals {
		if err := d.inner.add(v[0], v[1]); err != nil {
			return nil, err
		}
	}
	d.vals = nil
	return d.inner.result(div)
}

type countAcc struct {
	star bool
	n    int64
}

func (c *countAcc) add(v, _ types.Datum) error {
	if c.star || v != nil {
		c.n++
	}
	return nil
}

func (c *countAcc) result(func(a, b *apd.Decimal) (*apd.Decimal, error)) (types.Datum, error) {
	return c.n, nil
}

// sumAcc sums (and counts, for avg) in the argument's family: int64 for
// smallint and integer, exact decimals for bigint and numeric, float64 for
// floats, and months/days/µs for intervals.
type sumAcc struct {
	spec AggSpec
	n    int64
	i    int64
	f    float64
	d    *apd.Decimal
	iv   types.DInterval
	// sxx is avg(float8)'s sum of squared deviations: PostgreSQL's
	// float8_accum keeps it for avg too, and its overflow is avg's.
	sxx float64
}

func (s *sumAcc) add(v, _ types.Datum) error {
	if v == nil {
		return nil
	}
	s.n++
	switch x := v.(type) {
	case int64:
		if s.spec.ArgType.Oid == types.OidInt8 || s.spec.Func == AggAvg {
			if s.d == nil {
				s.d = new(apd.Decimal)
			}
			_, err := exact.Add(s.d, s.d, apd.New(x, 0))
			return err
		}
		sum := s.i + x
		if (sum < s.i) != (x < 0) {
			return pgerr.New(pgerr.NumericValueOutOfRange, "bigint out of range")
		}
		s.i = sum
	case float64:
		single := s.spec.Func == AggSum && s.spec.Result.Oid == types.OidFloat4
		oldSx := s.f
		sum, err := addFloat(s.f, x, single)
		if err != nil {
			return err
		}
		s.f = sum
		if s.spec.Func == AggAvg {
			// s.n already counts x.
			if n := float64(s.n); n > 1 {
				tmp := x*n - sum
				s.sxx += tmp * tmp / (n * (n - 1))
				if math.IsInf(s.sxx, 0) {
					if !math.IsInf(oldSx, 0) && !math.IsInf(x, 0) {
						return errFloatOverflow
					}
					s.sxx = math.NaN()
				}
			}
		}
	case *apd.Decimal:
		if s.d == nil {
			s.d = new(apd.Decimal)
		}
		if x.Form != apd.Finite || s.d.Form != apd.Finite {
			// NaN and infinities follow PostgreSQL's numeric rules.
			if x.Form == apd.NaN || s.d.Form == apd.NaN || (x.Form == apd.Infinite && s.d.Form == apd.Infinite && x.Negative != s.d.Negative) {
				s.d = &apd.Decimal{Form: apd.NaN}
			} else if x.Form == apd.Infinite {
				s.d = &apd.Decimal{Form: apd.Infinite, Negative: x.Negative}
			}
			return nil
		}
		_, err := exact.Add(s.d, s.d, x)
		return err
	case types.DInterval:
		s.iv.Months += x.Months
		s.iv.Days += x.Days
		s.iv.Micros += x.Micros
	}
	return nil
}

func (s *sumAcc) result(div func(a, b *apd.Decimal) (*apd.Decimal, error)) (types.Datum, error) {
	if s.n == 0 {
		return nil, nil
	}
	if s.spec.Func == AggAvg {
		switch s.spec.ArgType.Family() {
		case types.FloatFamily:
			return s.f / float64(s.n), nil
		case types.IntervalFamily:
			return types.MulInterval(s.iv, float64(s.n), true)
		}
		if s.d.Form != apd.Finite {
			return s.d, nil
		}
		return div(s.d, apd.New(s.n, 0))
	}
	switch s.spec.Result.Oid {
	case types.OidInt8:
		return s.i, nil
	case types.OidFloat4:
		return float64(float32(s.f)), nil
	case types.OidFloat8:
		return s.f, nil
	case types.OidInterval:
		return s.iv, nil
	}
	return s.d, nil
}

type minMaxAcc struct {
	cmp func(a, b types.Datum) int
	max bool
	v   types.Datum
}

func (m *minMaxAcc) add(v, _ types.Datum) error {
	if v == nil {
		return nil
	}
	if m.v == nil {
		m.v = v
		return nil
	}
	// On a tie the later value wins, as in PostgreSQL's numeric_smaller
	// and friends: equal numerics (2.0, 2.000) and intervals ('1 mon',
	// '30 days') differ in how they print.
	if c := m.cmp(v, m.v); (m.max && c >= 0) || (!m.max && c <= 0) {
		m.v = v
	}
	return nil
}

func (m *minMaxAcc) result(func(a, b *apd.Decimal) (*apd.Decimal, error)) (types.Datum, error) {
	return m.v, nil
}

// varAcc computes variances and standard deviations as PostgreSQL does:
// the Youngs-Cramer update in float8 for float arguments, exact sums of X
// and X² in numeric for the others.
type varAcc struct {
	spec      AggSpec
	n         float64
	sx, sxx   float64
	cnt       int64
	dsx, dsxx apd.Decimal
	nonFinite bool // a numeric NaN or infinity was added: the result is NaN
}

func (a *varAcc) add(v, _ types.Datum) error {
	if v == nil {
		return nil
	}
	switch x := v.(type) {
	case float64:
		old, oldSx := a.n, a.sx
		a.n++
		a.sx += x
		if old > 0 {
			tmp := x*a.n - a.sx
			a.sxx += tmp * tmp / (a.n * old)
			// As PostgreSQL's float8_accum: finite input that makes a
			// sum infinite is an overflow; infinite input makes Sxx NaN.
			if math.IsInf(a.sx, 0) || math.IsInf(a.sxx, 0) {
				if !math.IsInf(oldSx, 0) && !math.IsInf(x, 0) {
					return errFloatOverflow
				}
				a.sxx = math.NaN()
			}
		} else {
			a.sxx = 0
			if math.IsNaN(x) || math.IsInf(x, 0) {
				a.sxx = math.NaN()
			}
		}
	default:
		d, ok := x.(*apd.Decimal)
		if !ok {
			d = apd.New(x.(int64), 0)
		}
		a.cnt++
		if d.Form != apd.Finite {
			a.nonFinite = true
			return nil
		}
		sq := new(apd.Decimal)
		if _, err := exact.Mul(sq, d, d); err != nil {
			return err
		}
		if _, err := exact.Add(&a.dsx, &a.dsx, d); err != nil {
			return err
		}
		if _, err := exact.Add(&a.dsxx, &a.dsxx, sq); err != nil {
			return err
		}
	}
	return nil
}

func (a *varAcc) result(div func(a, b *apd.Decimal) (*apd.Decimal, error)) (types.Datum, error) {
	sample := a.spec.Func == AggVarSamp || a.spec.Func == AggStddevSamp
	root := a.spec.Func == AggStddevSamp || a.spec.Func == AggStddevPop
	if a.spec.ArgType.Family() == types.FloatFamily {
		if a.n == 0 || (sample && a.n == 1) {
			return nil, nil
		}
		d := a.n
		if sample {
			d = a.n - 1
		}
		r := a.sxx / d
		if root {
			r = math.Sqrt(r)
		}
		return r, nil
	}
	if a.cnt == 0 || (sample && a.cnt == 1) {
		return nil, nil
	}
	if a.nonFinite {
		return &apd.Decimal{Form: apd.NaN}, nil
	}
	n := apd.New(a.cnt, 0)
	num := new(apd.Decimal)
	sq := new(apd.Decimal)
	if _, err := exact.Mul(sq, &a.dsx, &a.dsx); err != nil {
		return nil, err
	}
	if _, err := exact.Mul(num, n, &a.dsxx); err != nil {
		return nil, err
	}
	if _, err := exact.Sub(num, num, sq); err != nil {
		return nil, err
	}
	if num.Sign() <= 0 {
		return apd.New(0, 0), nil
	}
	den := new(apd.Decimal)
	m := apd.New(a.cnt, 0)
	if sample {
		m = apd.New(a.cnt-1, 0)
	}
	if _, err := exact.Mul(den, n, m); err != nil {
		return nil, err
	}
	q, err := div(num, den)
	if err != nil {
		return nil, err
	}
	if !root {
		return q, nil
	}
	scale := int32(0)
	if q.Exponent < 0 {
		scale = -q.Exponent
	}
	r := new(apd.Decimal)
	c := apd.BaseContext.WithPrecision(uint32(int32(q.NumDigits()) + scale + 20))
	if _, err := c.Sqrt(r, q); err != nil {
		return nil, pgerr.New(pgerr.InvalidArgumentForPowerFunction, "cannot take square root of a negative number")
	}
	_, err = exact.Quantize(r, r, -scale)
	return r, err
}

type boolAcc struct {
	and  bool
	seen bool
	v    bool
}

func (b *boolAcc) add(v, _ types.Datum) error {
	if v == nil {
		return nil
	}
	x := v.(bool)
	if !b.seen {
		b.seen, b.v = true, x
		return nil
	}
	if b.and {
		b.v = b.v && x
	} else {
		b.v = b.v || x
	}
	return nil
}

func (b *boolAcc) result(func(a, b *apd.Decimal) (*apd.Decimal, error)) (types.Datum, error) {
	if !b.seen {
		return nil, nil
	}
	return b.v, nil
}

type stringAggAcc struct {
	sb   strings.Builder
	seen bool
}

func (s *stringAggAcc) add(v, delim types.Datum) error {
	if v == nil {
		return nil
	}
	if s.seen && delim != nil {
		s.sb.WriteString(delim.(string))
	}
	s.seen = true
	s.sb.WriteString(v.(string))
	return nil
}

func (s *stringAggAcc) result(func(a, b *apd.Decimal) (*apd.Decimal, error)) (types.Datum, error) {
	if !s.seen {
		return nil, nil
	}
	return s.sb.String(), nil
}

// orderedSetAcc is percentile_cont, percentile_disc and mode: it keeps
// the group's non-NULL values and sorts them for the result.
type orderedSetAcc struct {
	spec     AggSpec
	cmp      func(a, b types.Datum) int
	vals     []types.Datum
	frac     types.Datum
	fracRead bool
}

func (a *orderedSetAcc) add(v, frac types.Datum) error {
	if !a.fracRead {
		a.frac, a.fracRead = frac, true
	}
	if v != nil {
		a.vals = append(a.vals, v)
	}
	return nil
}

func (a *orderedSetAcc) result(func(a, b *apd.Decimal) (*apd.Decimal, error)) (types.Datum, error) {
	var f float64
	if a.spec.Func != AggMode {
		if !a.fracRead || a.frac == nil {
			return nil, nil
		}
		f = a.frac.(float64)
		if math.IsNaN(f) || f < 0 || f > 1 {
			return nil, pgerr.New(pgerr.NumericValueOutOfRange, "percentile value %s is not between 0 and 1", strconv.FormatFloat(f, 'g', -1, 64))
		}
	}
	n := len(a.vals)
	if n == 0 {
		return nil, nil
	}
	slices.SortStableFunc(a.vals, func(x, y types.Datum) int {
		if a.spec.Desc {
			return a.cmp(y, x)
		}
		return a.cmp(x, y)
	})
	switch a.spec.Func {
	case AggPercentileCont:
		// As PostgreSQL: interpolate between the rows around f × (n-1).
		pos := f * float64(n-1)
		lo, hi := math.Floor(pos), math.Ceil(pos)
		x, y := a.vals[int(lo)].(float64), a.vals[int(hi)].(float64)
		if lo == hi {
			return x, nil
		}
		return x + (y-x)*(pos-lo), nil
	case AggPercentileDisc:
		row := int(math.Ceil(f * float64(n)))
		if row <= 1 {
			return a.vals[0], nil
		}
		return a.vals[row-1], nil
	}
	// mode: the most frequent value, the first in sort order on a tie.
	best, bestN := a.vals[0], 0
	for i := 0; i < n; {
		j := i + 1
		for j < n && a.cmp(a.vals[i], a.vals[j]) == 0 {
			j++
		}
		if j-i > bestN {
			best, bestN = a.vals[i], j-i
		}
		i = j
	}
	return best, nil
}

// keyedAcc is an aggregate whose rows are ordered by a key of their own
// (an aggregate ORDER BY).
type keyedAcc interface {
	addKeyed(v, v2, key types.Datum) error
}

// keyedRows keeps an aggregate's rows with their ORDER BY key (if any;
// a []types.Datum for several keys), and sorts them by it, stably, so
// ties keep their input order.
type keyedRows struct {
	spec AggSpec
	rows []orderedRow
	keys []AggOrderKey // every key's type and direction; nil: no ORDER BY
	cmps []func(a, b types.Datum) int
}

type orderedRow struct{ v, delim, key types.Datum }

func newKeyedRows(s AggSpec) keyedRows {
	k := keyedRows{spec: s}
	switch {
	case s.OrderByValue:
		k.keys = []AggOrderKey{{Type: s.ArgType, Desc: s.Desc, NullsFirst: s.NullsFirst}}
	case s.HasOrder:
		k.keys = append([]AggOrderKey{{Type: s.OrderType, Desc: s.Desc, NullsFirst: s.NullsFirst}}, s.MoreOrder...)
	}
	for _, key := range k.keys {
		cmp, _ := types.CompareFunc(key.Type)
		k.cmps = append(k.cmps, cmp)
	}
	return k
}

func (k *keyedRows) sorted() []orderedRow {
	if k.keys == nil {
		return k.rows
	}
	key := func(r orderedRow, i int) types.Datum {
		switch {
		case k.spec.OrderByValue:
			return r.v
		case len(k.keys) == 1:
			return r.key
		}
		return r.key.([]types.Datum)[i]
	}
	slices.SortStableFunc(k.rows, func(x, y orderedRow) int {
		for i, o := range k.keys {
			a, b := key(x, i), key(y, i)
			var c int
			if a == nil || b == nil {
				c = compareNullsLast(a == nil, b == nil)
				if o.NullsFirst {
					c = -c
				}
			} else if c = k.cmps[i](a, b); o.Desc {
				c = -c
			}
			if c != 0 {
				return c
			}
		}
		return 0
	})
	return k.rows
}

// compareNullsLast orders two values of which one or both are NULL, NULLs
// last.
func compareNullsLast(aNull, bNull bool) int {
	switch {
	case aNull == bNull:
		return 0
	case aNull:
		return 1
	}
	return -1
}

// orderedStringAgg is string_agg(value, delimiter ORDER BY key).
type orderedStringAgg struct{ keyedRows }

func (s *orderedStringAgg) add(v, delim types.Datum) error { return s.addKeyed(v, delim, nil) }

func (s *orderedStringAgg) addKeyed(v, delim, key types.Datum) error {
	if v != nil {
		s.rows = append(s.rows, orderedRow{v, delim, key})
	}
	return nil
}

func (s *orderedStringAgg) result(func(a, b *apd.Decimal) (*apd.Decimal, error)) (types.Datum, error) {
	if len(s.rows) == 0 {
		return nil, nil
	}
	s.sorted()
	var sb strings.Builder
	for i, r := range s.rows {
		if i > 0 && r.delim != nil {
			sb.WriteString(r.delim.(string))
		}
		sb.WriteString(r.v.(string))
	}
	return sb.String(), nil
}

// arrayAggAcc is array_agg(value [ORDER BY key]): every value, NULLs too.
type arrayAggAcc struct{ keyedRows }

func (a *arrayAggAcc) add(v, _ types.Datum) error { return a.addKeyed(v, nil, nil) }

func (a *arrayAggAcc) addKeyed(v, _, key types.Datum) error {
	a.rows = append(a.rows, orderedRow{v: v, key: key})
	return nil
}

func (a *arrayAggAcc) result(func(a, b *apd.Decimal) (*apd.Decimal, error)) (types.Datum, error) {
	if len(a.rows) == 0 {
		return nil, nil
	}
	vals := make([]types.Datum, len(a.rows))
	for i, r := range a.sorted() {
		vals[i] = r.v
	}
	a.rows = nil
	return types.FormatArray(a.spec.Result, vals, nil), nil
}
