package planner

import (
	"math"
	"strconv"
	"time"

	"github.com/cockroachdb/apd/v3"

	"github.com/lattice-olap/lattice/pgerr"
	"github.com/lattice-olap/lattice/types"
)

// castDatum converts a non-NULL value between types with PostgreSQL's cast
// semantics: rounding of numeric to integer half away from zero, of float to
// integer half to even, range checks, and text I/O for string casts.
func castDatum(s *Session, v types.Datum, from, to types.T) (types.Datum, error) {
	if v == nil || from == to {
		return v, nil
	}
	tf := to.Family()
	switch {
	case tf == types.ArrayFamily && from.Family() == types.ArrayFamily:
		return castArray(s, v, from, to)
	case to.IsReg() && from.Family() == types.StringFamily:
		return regIn(s, to, v.(string))
	case tf == types.StringFamily:
		var str string
		if x, ok := v.(string); ok {
			str = x
			if from.Oid == types.OidBpchar && to.Oid != types.OidBpchar {
				str = trimRightSpace(str)
			}
			if from.Family() == types.ArrayFamily {
				// An array of timestamptz prints in the session's zone.
				opt := s.Settings.FormatOptions()
				str = string(types.AppendText(nil, from, x, &opt))
			}
		} else if x, ok := v.(bool); ok {
			str = map[bool]string{true: "true", false: "false"}[x]
		} else {
			opt := s.Settings.FormatOptions()
			str = string(types.AppendText(nil, from, v, &opt))
		}
		return castString(str, to)
	case from.Family() == types.StringFamily:
		return types.ParseText(to, v.(string), s.Settings.Location())
	}
	switch tf {
	case types.IntFamily:
		var n int64
		switch x := v.(type) {
		case int64:
			n = x
		case bool:
			if x {
				n = 1
			}
		case float64:
			if math.IsNaN(x) || math.IsInf(x, 0) {
				return nil, intOutOfRange(to)
			}
			r := math.RoundToEven(x)
			if r < -9.223372036854775808e18 || r >= 9.223372036854775808e18 {
				return nil, intOutOfRange(to)
			}
			n = int64(r)
		case *apd.Decimal:
			if x.Form != apd.Finite {
				return nil, pgerr.New(pgerr.FeatureNotSupported, "cannot convert %s to %s", types.FormatNumeric(x), to)
			}
			r := new(apd.Decimal)
			if _, err := decCtx.Quantize(r, x, 0); err != nil {
				return nil, intOutOfRange(to)
			}
			i, err := r.Int64()
			if err != nil {
				return nil, intOutOfRange(to)
			}
			n = i
		default:
			return nil, cannotCast(from, to)
		}
		return checkInt(to, n, false)
	case types.FloatFamily:
		var f float64
		switch x := v.(type) {
		case int64:
			f = float64(x)
		case float64:
			f = x
		case *apd.Decimal:
			// numeric_float8 goes through float8in, and fails like it.
			str := types.FormatNumeric(x)
			bits := 64
			if to.Oid == types.OidFloat4 {
				bits = 32
			}
			var err error
			if f, err = strconv.ParseFloat(str, bits); (err != nil || (f == 0 && !x.IsZero())) && x.Form == apd.Finite {
				// Past the type's range, or so small it would be zero.
				return nil, pgerr.New(pgerr.NumericValueOutOfRange, "%q is out of range for type %s", str, types.T{Oid: to.Oid, Typmod: -1})
			}
		default:
			return nil, cannotCast(from, to)
		}
		if to.Oid == types.OidFloat4 {
			if !math.IsInf(f, 0) && math.Abs(f) > math.MaxFloat32 {
				return nil, pgerr.New(pgerr.NumericValueOutOfRange, "value out of range: overflow")
			}
			if f != 0 && float32(f) == 0 {
				return nil, pgerr.New(pgerr.NumericValueOutOfRange, "value out of range: underflow")
			}
			f = float64(float32(f))
		}
		return f, nil
	case types.NumericFamily:
		var d *apd.Decimal
		switch x := v.(type) {
		case int64:
			d = apd.New(x, 0)
		case float64:
			switch {
			case math.IsNaN(x):
				d = &apd.Decimal{Form: apd.NaN}
			case math.IsInf(x, 0):
				d = &apd.Decimal{Form: apd.Infinite, Negative: x < 0}
			default:
				digits := 15
				if from.Oid == types.OidFloat4 {
					digits = 6
				}
				var err error
				if d, _, err = apd.NewFromString(strconv.FormatFloat(x, 'g', digits, 64)); err != nil {
					return nil, err
				}
				d.Reduce(d)
				if d.Exponent > 0 {
					decCtx.Quantize(d, d, 0)
				}
			}
		case *apd.Decimal:
			d = x
		default:
			return nil, cannotCast(from, to)
		}
		return types.CoerceNumeric(d, to)
	case types.BoolFamily:
		if x, ok := v.(int64); ok {
			return x != 0, nil
		}
	case types.DateFamily:
		if x, ok := v.(time.Time); ok {
			if from.Oid == types.OidTimestampTZ {
				x = x.In(s.Settings.Location())
			}
			return types.DateFromTime(x), nil
		}
	case types.TimestampFamily:
		t, err := castTimestamp(s, v, from, to)
		if err != nil {
			return nil, err
		}
		return types.RoundTimestamp(t, to.Typmod), nil
	case types.IntervalFamily:
		switch x := v.(type) {
		case types.DInterval:
			return x, nil
		case types.DTime:
			return types.DInterval{Micros: int64(x)}, nil
		}
	case types.TimeFamily:
		switch x := v.(type) {
		case types.DTime:
			return types.RoundTime(x, to.Typmod), nil
		case time.Time: // a timestamp's wall clock; a timestamptz's in the session's zone
			if !types.FiniteTime(x) {
				return nil, cannotCast(from, to)
			}
			if from.Oid == types.OidTimestampTZ {
				x = x.In(s.Settings.Location())
			}
			return types.RoundTime(types.TimeOfDay(x), to.Typmod), nil
		case types.DInterval: // the time part, modulo a day
			us := x.Micros % types.MicrosPerDay
			if us < 0 {
				us += types.MicrosPerDay
			}
			return types.RoundTime(types.DTime(us), to.Typmod), nil
		}
	}
	return nil, cannotCast(from, to)
}

// castTimestamp converts a date or timestamp to timestamp or timestamptz.
func castTimestamp(s *Session, v types.Datum, from, to types.T) (time.Time, error) {
	switch x := v.(type) {
	case types.DDate:
		t := x.Time()
		if to.Oid == types.OidTimestampTZ {
			t = asLocal(t, s.Settings.Location())
		}
		return t, nil
	case time.Time:
		switch {
		case from.Oid == types.OidTimestamp && to.Oid == types.OidTimestampTZ:
			return asLocal(x, s.Settings.Location()), nil
		case from.Oid == types.OidTimestampTZ && to.Oid == types.OidTimestamp:
			if isInfiniteTime(x) {
				return x, nil
			}
			l := x.In(s.Settings.Location())
			y, m, d := l.Date()
			h, mi, sec := l.Clock()
			return time.Date(y, m, d, h, mi, sec, l.Nanosecond(), time.UTC), nil
		}
		return x, nil
	}
	return time.Time{}, cannotCast(from, to)
}

// asLocal reads the wall-clock of a UTC-held timestamp in loc.
// (Across a daylight-saving change, PostgreSQL's rule applies; see
// localToUTC.)
func asLocal(t time.Time, loc *time.Location) time.Time {
	return localToUTC(t, loc)
}

func cannotCast(from, to types.T) error {
	return pgerr.New(pgerr.CannotCoerce, "cannot cast type %s to %s", from, to)
}

// castString applies a string type's length rule; an explicit cast to
// varchar(n) truncates silently, as in PostgreSQL.
func castString(s string, to types.T) (types.Datum, error) {
	if to.Typmod < 0 || (to.Oid != types.OidVarchar && to.Oid != types.OidBpchar) {
		return s, nil
	}
	n := int(to.Typmod - 4)
	r := []rune(s)
	if len(r) > n {
		s = string(r[:n])
	}
	return types.CoerceString(s, to)
}

func trimRightSpace(s string) string {
	i := len(s)
	for i > 0 && s[i-1] == ' ' {
		i--
	}
	return s[:i]
}
