package planner

import (
	"math"
	"strconv"
	"time"

	"github.com/cockroachdb/apd/v3"

	"github.com/lattice-olap/lattice/pgerr"
	"github.com/lattice-olap/lattice/types"
)

func intOutOfRange(t types.T) error {
	switch t.Oid {
	case types.OidInt2:
		return pgerr.New(pgerr.NumericValueOutOfRange, "smallint out of range")
	case types.OidInt8:
		return pgerr.New(pgerr.NumericValueOutOfRange, "bigint out of range")
	}
	return pgerr.New(pgerr.NumericValueOutOfRange, "integer out of range")
}

// checkInt range-checks an integer result of type t; overflowed reports an
// overflow already detected in 64-bit arithmetic.
func checkInt(t types.T, v int64, overflowed bool) (types.Datum, error) {
	lo, hi := types.IntRange(t)
	if overflowed || v < lo || v > hi {
		return nil, intOutOfRange(t)
	}
	return v, nil
}

func divByZero() error { return pgerr.New(pgerr.DivisionByZero, "division by zero") }

// arithFunc returns the implementation and result type of "t op t".
func arithFunc(op string, t types.T) (evalFn, types.T, bool) {
	switch t.Family() {
	case types.IntFamily:
		if isOidLike(t) {
			return nil, t, false
		}
		return intArith(op, t)
	case types.FloatFamily:
		return floatArith(op, t)
	case types.NumericFamily:
		return numericArith(op)
	case types.IntervalFamily:
		switch op {
		case "+", "-":
			return func(_ *evalCtx, v []types.Datum) (types.Datum, error) {
				a, b := v[0].(types.DInterval), v[1].(types.DInterval)
				ok := true
				if op == "-" {
					b, ok = b.Negate()
				}
				r, ok2 := types.AddIntervals(a, b)
				if !ok || !ok2 {
					return nil, intervalOutOfRange()
				}
				return r, nil
			}, t, true
		}
	}
	return nil, t, false
}

func intArith(op string, t types.T) (evalFn, types.T, bool) {
	var f func(a, b int64) (int64, bool, error)
	switch op {
	case "+":
		f = func(a, b int64) (int64, bool, error) {
			r := a + b
			return r, (a > 0 && b > 0 && r < 0) || (a < 0 && b < 0 && r >= 0), nil
		}
	case "-":
		f = func(a, b int64) (int64, bool, error) {
			r := a - b
			return r, (a >= 0 && b < 0 && r < 0) || (a < 0 && b > 0 && r >= 0), nil
		}
	case "*":
		f = func(a, b int64) (int64, bool, error) {
			if a == 0 || b == 0 {
				return 0, false, nil
			}
			r := a * b
			return r, r/b != a || (a == -1 && b == math.MinInt64) || (b == -1 && a == math.MinInt64), nil
		}
	case "/":
		f = func(a, b int64) (int64, bool, error) {
			if b == 0 {
				return 0, false, divByZero()
			}
			if b == -1 {
				return -a, a == math.MinInt64, nil
			}
			return a / b, false, nil
		}
	case "%":
		f = func(a, b int64) (int64, bool, error) {
			if b == 0 {
				return 0, false, divByZero()
			}
			if b == -1 {
				return 0, false, nil
			}
			return a % b, false, nil
		}
	case "^":
		return func(e *evalCtx, v []types.Datum) (types.Datum, error) {
			return floatPower(e, []types.Datum{float64(v[0].(int64)), float64(v[1].(int64))})
		}, types.Float8, true
	case "&", "|", "#": // bitwise and, or, xor: never overflow
		return func(_ *evalCtx, v []types.Datum) (types.Datum, error) {
			a, b := v[0].(int64), v[1].(int64)
			switch op {
			case "&":
				return a & b, nil
			case "|":
				return a | b, nil
			}
			return a ^ b, nil
		}, t, true
	case "<<", ">>":
		// As PostgreSQL's int4shl and friends, in the type's width: bits
		// shifted out are lost (no overflow error), and the count is taken
		// modulo the width, as the C shift compiles.
		return func(_ *evalCtx, v []types.Datum) (types.Datum, error) {
			a, n := v[0].(int64), uint(v[1].(int64))
			left := op == "<<"
			switch t.Oid {
			case types.OidInt2:
				x := int32(int16(a))
				if left {
					return int64(int16(x << (n & 31))), nil
				}
				return int64(int16(x >> (n & 31))), nil
			case types.OidInt4:
				if left {
					return int64(int32(a) << (n & 31)), nil
				}
				return int64(int32(a) >> (n & 31)), nil
			}
			if left {
				return a << (n & 63), nil
			}
			return a >> (n & 63), nil
		}, t, true
	default:
		return nil, t, false
	}
	return func(_ *evalCtx, v []types.Datum) (types.Datum, error) {
		r, over, err := f(v[0].(int64), v[1].(int64))
		if err != nil {
			return nil, err
		}
		return checkInt(t, r, over)
	}, t, true
}

func floatOverflow() error {
	return pgerr.New(pgerr.NumericValueOutOfRange, "value out of range: overflow")
}

func checkFloat(r float64, inputsFinite bool, single bool) (types.Datum, error) {
	if single {
		r = float64(float32(r))
	}
	if math.IsInf(r, 0) && inputsFinite {
		return nil, floatOverflow()
	}
	return r, nil
}

func floatArith(op string, t types.T) (evalFn, types.T, bool) {
	single := t.Oid == types.OidFloat4
	// f computes a op b and says whether a zero result may come from these
	// operands (a zero from nonzero ones is an underflow: 22003), as
	// PostgreSQL's float8_mul and float8_div check.
	var f func(a, b float64) (r float64, zeroOK bool, err error)
	switch op {
	case "+":
		f = func(a, b float64) (float64, bool, error) { return a + b, true, nil }
	case "-":
		f = func(a, b float64) (float64, bool, error) { return a - b, true, nil }
	case "*":
		f = func(a, b float64) (float64, bool, error) { return a * b, a == 0 || b == 0, nil }
	case "/":
		f = func(a, b float64) (float64, bool, error) {
			if b == 0 && !math.IsNaN(a) {
				return 0, true, divByZero()
			}
			return a / b, a == 0 || math.IsInf(b, 0), nil
		}
	case "^":
		return floatPower, types.Float8, true
	default:
		return nil, t, false
	}
	return func(_ *evalCtx, v []types.Datum) (types.Datum, error) {
		a, b := v[0].(float64), v[1].(float64)
		r, zeroOK, err := f(a, b)
		if err != nil {
			return nil, err
		}
		if single {
			r = float64(float32(r))
		}
		if r == 0 && !zeroOK {
			return nil, pgerr.New(pgerr.NumericValueOutOfRange, "value out of range: underflow")
		}
		return checkFloat(r, !math.IsInf(a, 0) && !math.IsInf(b, 0), false)
	}, t, true
}

// decCtx is the context for exact numeric arithmetic: enough precision that
// +, - and * never round (PostgreSQL's numeric carries up to 131072 digits
// before the point; 2000 is ample for any value that fits our storage).
var decCtx = func() *apd.Context {
	c := apd.BaseContext.WithPrecision(2000)
	c.Rounding = apd.RoundHalfUp
	c.MaxExponent = 200000
	c.MinExponent = -200000
	return c
}()

func numericArith(op string) (evalFn, types.T, bool) {
	var f func(r, a, b *apd.Decimal) error
	switch op {
	case "+":
		f = func(r, a, b *apd.Decimal) error { _, err := decCtx.Add(r, a, b); return err }
	case "-":
		f = func(r, a, b *apd.Decimal) error { _, err := decCtx.Sub(r, a, b); return err }
	case "*":
		f = func(r, a, b *apd.Decimal) error { _, err := decCtx.Mul(r, a, b); return err }
	case "/":
		f = numericDiv
	case "%":
		f = func(r, a, b *apd.Decimal) error {
			if b.IsZero() {
				return divByZero()
			}
			_, err := decCtx.Rem(r, a, b)
			return err
		}
	case "^":
		return numericPower, types.Numeric, true
	default:
		return nil, types.Numeric, false
	}
	return func(_ *evalCtx, v []types.Datum) (types.Datum, error) {
		a, b := v[0].(*apd.Decimal), v[1].(*apd.Decimal)
		if a.Form != apd.Finite || b.Form != apd.Finite {
			return nonFiniteArith(op, a, b)
		}
		r := new(apd.Decimal)
		if err := f(r, a, b); err != nil {
			if _, ok := err.(*pgerr.Error); ok {
				return nil, err
			}
			return nil, pgerr.New(pgerr.NumericValueOutOfRange, "value overflows numeric format")
		}
		return r, nil
	}, types.Numeric, true
}

// nonFiniteArith is numeric +, -, *, / and % when an operand is NaN or
// infinite, as PostgreSQL defines them: NaN in, NaN out; Inf - Inf,
// 0 * Inf, Inf / Inf and Inf % x are NaN; x / Inf is 0 and x % Inf is x;
// otherwise an infinity with the operands' combined sign.
func nonFiniteArith(op string, a, b *apd.Decimal) (types.Datum, error) {
	nan := &apd.Decimal{Form: apd.NaN}
	inf := func(neg bool) *apd.Decimal { return &apd.Decimal{Form: apd.Infinite, Negative: neg} }
	isNaN := func(d *apd.Decimal) bool { return d.Form == apd.NaN || d.Form == apd.NaNSignaling }
	isInf := func(d *apd.Decimal) bool { return d.Form == apd.Infinite }
	if isNaN(a) || isNaN(b) {
		return nan, nil
	}
	switch op {
	case "+", "-":
		bneg := b.Negative
		if op == "-" {
			bneg = !bneg
		}
		switch {
		case isInf(a) && isInf(b):
			if a.Negative != bneg {
				return nan, nil
			}
			return inf(a.Negative), nil
		case isInf(a):
			return inf(a.Negative), nil
		default:
			return inf(bneg), nil
		}
	case "*":
		if (isInf(a) && b.IsZero() && !isInf(b)) || (isInf(b) && a.IsZero() && !isInf(a)) {
			return nan, nil
		}
		return inf(a.Negative != b.Negative), nil
	case "/":
		switch {
		case isInf(a) && isInf(b):
			return nan, nil
		case isInf(a):
			if b.IsZero() {
				return nil, divByZero()
			}
			return inf(a.Negative != b.Negative), nil
		default: // finite / infinite
			return apd.New(0, 0), nil
		}
	case "%":
		if isInf(a) {
			if !isInf(b) && b.IsZero() {
				return nil, divByZero()
			}
			return nan, nil
		}
		r := new(apd.Decimal)
		r.Set(a)
		return r, nil
	}
	return nil, pgerr.New(pgerr.FeatureNotSupported, "numeric %s is not supported for NaN or infinite operands", op)
}

// numericDiv divides with PostgreSQL's result scale (select_div_scale): at
// least 16 significant digits, and no fewer fractional digits than either
// input, rounded half away from zero.
func numericDiv(r, a, b *apd.Decimal) error {
	if b.IsZero() {
		return divByZero()
	}
	w1, f1 := base10000Head(a)
	w2, f2 := base10000Head(b)
	qweight := w1 - w2
	if f1 <= f2 {
		qweight--
	}
	rscale := 16 - qweight*4
	rscale = max(rscale, dscale(a), dscale(b), 0)
	rscale = min(rscale, 1000)
	q := new(apd.Decimal)
	c := apd.BaseContext.WithPrecision(uint32(rscale + 40 + max(0, int(a.NumDigits()))))
	if _, err := c.Quo(q, a, b); err != nil {
		return err
	}
	_, err := decCtx.Quantize(r, q, int32(-rscale))
	return err
}

func dscale(d *apd.Decimal) int {
	if d.Exponent < 0 {
		return int(-d.Exponent)
	}
	return 0
}

// base10000Head returns the weight and first digit of d in PostgreSQL's
// base-10000 representation.
func base10000Head(d *apd.Decimal) (weight, first int) {
	if d.IsZero() {
		return 0, 0
	}
	// d = coeff × 10^exp; the position of its leading decimal digit:
	lead := int(d.NumDigits()) + int(d.Exponent) - 1 // 10^lead <= |d| < 10^(lead+1)
	weight = floorDiv(lead, 4)
	// first base-10000 digit = floor(|d| / 10000^weight) truncated to 4 digits
	s := d.Coeff.String()
	digitsBefore := lead - weight*4 + 1 // decimal digits of the first group
	if digitsBefore > len(s) {
		s += string(make([]byte, 0))
		for len(s) < digitsBefore {
			s += "0"
		}
	}
	first, _ = strconv.Atoi(s[:digitsBefore])
	return weight, first
}

func floorDiv(a, b int) int {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

// dateTimeOp binds the date/time operators; ok is false when the operand
// types are not date/time ones.
func (b *binder) dateTimeOp(op string, l, r Expr, loc int32) (Expr, bool, error) {
	lf, rf := l.Type().Family(), r.Type().Family()
	isDT := func(f types.Family) bool {
		return f == types.DateFamily || f == types.TimestampFamily || f == types.IntervalFamily || f == types.TimeFamily
	}
	if !isDT(lf) && !isDT(rf) {
		return nil, false, nil
	}
	// An untyped literal (or NULL, or an untyped parameter) beside a
	// date/time value takes a type as PostgreSQL resolves the operator:
	// the other side's type when that operator exists (date - date,
	// timestamp - timestamp, interval ± interval), else the one candidate
	// (timestamp + interval); date + unknown has several (integer,
	// interval) and is 42725.
	unknownAs := func(known types.T, knownLeft bool) (types.T, error) {
		switch {
		case (op == "*" || op == "/") && known.Family() == types.IntervalFamily:
			return types.Float8, nil // interval * float8, the one candidate
		case op == "-" || known.Family() == types.IntervalFamily || (op != "+" && op != "-"):
			return known, nil
		case known.Family() == types.TimestampFamily || known.Family() == types.TimeFamily:
			return types.Interval, nil
		}
		if knownLeft {
			return types.T{}, b.errorf(loc, pgerr.AmbiguousFunction, "operator is not unique: %s %s unknown", known, op).
				WithHint("Could not choose a best candidate operator. You might need to add explicit type casts.")
		}
		return types.T{}, b.errorf(loc, pgerr.AmbiguousFunction, "operator is not unique: unknown %s %s", op, known).
			WithHint("Could not choose a best candidate operator. You might need to add explicit type casts.")
	}
	if l.Type().Oid == types.OidUnknown && r.Type().Oid != types.OidUnknown {
		want, err := unknownAs(r.Type(), false)
		if err != nil {
			return nil, true, err
		}
		if l, err = b.cast(l, want, loc, true); err != nil {
			return nil, true, err
		}
	}
	if r.Type().Oid == types.OidUnknown {
		want, err := unknownAs(l.Type(), true)
		if err != nil {
			return nil, true, err
		}
		if r, err = b.cast(r, want, loc, true); err != nil {
			return nil, true, err
		}
	}
	lt, rt := l.Type(), r.Type()
	lf, rf = lt.Family(), rt.Family()
	mk := func(t types.T, fn evalFn) (Expr, bool, error) {
		return &funcExpr{name: op, args: []Expr{l, r}, typ: t, strict: true, fn: fn}, true, nil
	}
	switch {
	// time - time is an interval; time ± interval wraps around midnight,
	// ignoring the interval's days and months; date + time is a timestamp.
	case lf == types.TimeFamily && rf == types.TimeFamily && op == "-":
		return mk(types.Interval, func(_ *evalCtx, v []types.Datum) (types.Datum, error) {
			return types.DInterval{Micros: int64(v[0].(types.DTime) - v[1].(types.DTime))}, nil
		})
	case lf == types.TimeFamily && rt.Oid == types.OidInterval && (op == "+" || op == "-"),
		lt.Oid == types.OidInterval && rf == types.TimeFamily && op == "+":
		ti, ii, sign := 0, 1, int64(1)
		if lt.Oid == types.OidInterval {
			ti, ii = 1, 0
		}
		if op == "-" {
			sign = -1
		}
		return mk(types.T{Oid: types.OidTime, Typmod: -1}, func(_ *evalCtx, v []types.Datum) (types.Datum, error) {
			us := (int64(v[ti].(types.DTime)) + sign*(v[ii].(types.DInterval).Micros%types.MicrosPerDay)) % types.MicrosPerDay
			if us < 0 {
				us += types.MicrosPerDay
			}
			return types.DTime(us), nil
		})
	case lt.Oid == types.OidDate && rf == types.TimeFamily && (op == "+" || op == "-"),
		lf == types.TimeFamily && rt.Oid == types.OidDate && op == "+":
		di, ti, sign := 0, 1, time.Duration(1)
		if lf == types.TimeFamily {
			di, ti = 1, 0
		}
		if op == "-" {
			sign = -1
		}
		return mk(types.Timestamp, func(_ *evalCtx, v []types.Datum) (types.Datum, error) {
			d := v[di].(types.DDate)
			if !d.IsFinite() {
				return toTime(d), nil
			}
			return d.Time().Add(sign * time.Duration(v[ti].(types.DTime)) * time.Microsecond), nil
		})
	case lf == types.TimeFamily && rt.IsNumericKind() && (op == "*" || op == "/"),
		lt.IsNumericKind() && rf == types.TimeFamily && op == "*":
		// time converts to interval implicitly: time * 2 is an interval.
		var err error
		if lf == types.TimeFamily {
			l, err = b.cast(l, types.Interval, loc, false)
		} else {
			r, err = b.cast(r, types.Interval, loc, false)
		}
		if err != nil {
			return nil, true, err
		}
		return b.dateTimeOp(op, l, r, loc)
	// date ± integer: PostgreSQL has it for integer (smallint converts),
	// not bigint.
	case lt.Oid == types.OidDate && (rt.Oid == types.OidInt4 || rt.Oid == types.OidInt2) && (op == "+" || op == "-"):
		sign := int64(1)
		if op == "-" {
			sign = -1
		}
		return mk(types.Date, func(_ *evalCtx, v []types.Datum) (types.Datum, error) {
			return addDays(v[0].(types.DDate), sign*v[1].(int64))
		})
	case (lt.Oid == types.OidInt4 || lt.Oid == types.OidInt2) && rt.Oid == types.OidDate && op == "+":
		return mk(types.Date, func(_ *evalCtx, v []types.Datum) (types.Datum, error) {
			return addDays(v[1].(types.DDate), v[0].(int64))
		})
	case lt.Oid == types.OidDate && rt.Oid == types.OidDate && op == "-":
		return mk(types.Int4, func(_ *evalCtx, v []types.Datum) (types.Datum, error) {
			a, b := v[0].(types.DDate), v[1].(types.DDate)
			if !a.IsFinite() || !b.IsFinite() {
				return nil, pgerr.New(pgerr.DatetimeValueOutOfRange, "cannot subtract infinite dates")
			}
			return int64(a - b), nil
		})
	case (lf == types.DateFamily || lf == types.TimestampFamily) && rt.Oid == types.OidInterval && (op == "+" || op == "-"):
		res := lt
		if lt.Oid == types.OidDate {
			res = types.Timestamp
		}
		neg := op == "-"
		tz := res.Oid == types.OidTimestampTZ
		return mk(res, func(e *evalCtx, v []types.Datum) (types.Datum, error) {
			ts := toTime(v[0])
			if !types.FiniteTime(ts) {
				return ts, nil // infinity plus anything stays infinity
			}
			iv := v[1].(types.DInterval)
			if neg {
				iv = types.DInterval{Months: -iv.Months, Days: -iv.Days, Micros: -iv.Micros}
			}
			return addInterval(ts, iv, tz, e.sess.Settings.Location()), nil
		})
	case lt.Oid == types.OidInterval && (rf == types.DateFamily || rf == types.TimestampFamily) && op == "+":
		l, r = r, l
		res := l.Type()
		if res.Oid == types.OidDate {
			res = types.Timestamp
		}
		tz := res.Oid == types.OidTimestampTZ
		// The operands were swapped above: v[0] is the date or timestamp.
		return mk(res, func(e *evalCtx, v []types.Datum) (types.Datum, error) {
			ts := toTime(v[0])
			if !types.FiniteTime(ts) {
				return ts, nil
			}
			return addInterval(ts, v[1].(types.DInterval), tz, e.sess.Settings.Location()), nil
		})
	case op == "-" && ((lf == types.DateFamily && rf == types.TimestampFamily) || (lf == types.TimestampFamily && rf == types.DateFamily)):
		// date - timestamp: the date is midnight of that day.
		t := rt
		if lf == types.TimestampFamily {
			t = lt
		}
		var err error
		if l, err = b.cast(l, t, loc, false); err != nil {
			return nil, true, err
		}
		if r, err = b.cast(r, t, loc, false); err != nil {
			return nil, true, err
		}
		return mk(types.Interval, subtractTimes)
	case lf == types.TimestampFamily && rf == types.TimestampFamily && op == "-":
		return mk(types.Interval, subtractTimes)
	case lt.Oid == types.OidInterval && rt.IsNumericKind() && (op == "*" || op == "/"):
		return mk(types.Interval, func(_ *evalCtx, v []types.Datum) (types.Datum, error) {
			return types.MulInterval(v[0].(types.DInterval), toFloat(v[1]), op == "/")
		})
	case lt.IsNumericKind() && rt.Oid == types.OidInterval && op == "*":
		return mk(types.Interval, func(_ *evalCtx, v []types.Datum) (types.Datum, error) {
			return types.MulInterval(v[1].(types.DInterval), toFloat(v[0]), false)
		})
	}
	if lt.Oid == rt.Oid || (lf != types.IntervalFamily && rf != types.IntervalFamily && lf != types.StringFamily && rf != types.StringFamily) {
		return nil, false, nil // comparisons and same-type interval arithmetic
	}
	return nil, true, b.noOperator(op, l, r, loc)
}

// toTime is a date or timestamp as a timestamp; an infinite date is the
// infinite timestamp of its sign.
func toTime(v types.Datum) time.Time {
	if d, ok := v.(types.DDate); ok {
		switch d {
		case types.DateInfinity:
			return types.TimestampInfinity
		case types.DateNegInfinity:
			return types.TimestampNegInfinity
		}
		return d.Time()
	}
	return v.(time.Time)
}

// addDays is date + integer: infinity stays infinity, and a result past
// PostgreSQL's dates is 22008.
func addDays(d types.DDate, n int64) (types.Datum, error) {
	if !d.IsFinite() {
		return d, nil
	}
	r := int64(d) + n
	if r < types.MinDate || r > types.MaxDate {
		return nil, pgerr.New(pgerr.DatetimeValueOutOfRange, "date out of range")
	}
	return types.DDate(r), nil
}

// subtractTimes is timestamp - timestamp, in days and microseconds.
func subtractTimes(_ *evalCtx, v []types.Datum) (types.Datum, error) {
	a, b := v[0].(time.Time), v[1].(time.Time)
	if !types.FiniteTime(a) || !types.FiniteTime(b) {
		return nil, pgerr.New(pgerr.DatetimeValueOutOfRange, "cannot subtract infinite timestamps")
	}
	d := a.UnixMicro() - b.UnixMicro()
	days := d / 86400e6
	return types.DInterval{Days: int32(days), Micros: d - days*86400e6}, nil
}

func toFloat(v types.Datum) float64 {
	switch x := v.(type) {
	case int64:
		return float64(x)
	case float64:
		return x
	case *apd.Decimal:
		f, _ := x.Float64()
		return f
	}
	return 0
}

// addInterval adds months and days in calendar terms (in the session zone
// for timestamptz), then the microseconds.
func addInterval(ts time.Time, iv types.DInterval, tz bool, loc *time.Location) time.Time {
	if tz {
		ts = ts.In(loc)
	}
	if iv.Months != 0 {
		y, m, d := ts.Date()
		total := int(m) - 1 + int(iv.Months)
		ny := y + floorDiv(total, 12)
		nm := time.Month(total - floorDiv(total, 12)*12 + 1)
		last := time.Date(ny, nm+1, 0, 0, 0, 0, 0, time.UTC).Day()
		if d > last {
			d = last
		}
		h, mi, s := ts.Clock()
		ts = time.Date(ny, nm, d, h, mi, s, ts.Nanosecond(), ts.Location())
	}
	if iv.Days != 0 {
		ts = ts.AddDate(0, 0, int(iv.Days))
	}
	ts = ts.Add(time.Duration(iv.Micros) * time.Microsecond)
	return ts.UTC()
}
