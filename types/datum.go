package types

import (
	"math"
	"time"

	"github.com/cockroachdb/apd/v3"

	"github.com/lattice-olap/lattice/pgerr"
)

// Datum is one SQL value; see the package comment for the Go type of each
// SQL type. nil is NULL.
type Datum = any

// DDate is a calendar date as days since 1970-01-01.
type DDate int32

// pgEpoch is 2000-01-01, the zero of PostgreSQL's binary date and timestamp.
var pgEpoch = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)

// pgEpochDays and pgEpochMicros are pgEpoch since 1970-01-01.
const (
	pgEpochDays   = 10957
	pgEpochMicros = pgEpochDays * 86400 * 1e6
)

// DateFromTime returns the date of t in t's location; the infinite
// timestamps are the infinite dates.
func DateFromTime(t time.Time) DDate {
	switch {
	case t.Equal(TimestampInfinity):
		return DateInfinity
	case t.Equal(TimestampNegInfinity):
		return DateNegInfinity
	}
	y, m, d := t.Date()
	u := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	return DDate(floorDiv(u.Unix(), 86400))
}

// Time returns midnight UTC of the date; the infinite dates are the
// infinite timestamps.
func (d DDate) Time() time.Time {
	switch d {
	case DateInfinity:
		return TimestampInfinity
	case DateNegInfinity:
		return TimestampNegInfinity
	}
	return time.Unix(int64(d)*86400, 0).UTC()
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

// DInterval is PostgreSQL's interval: months, days and microseconds kept apart,
// because a month and a day have no fixed length.
type DInterval struct {
	Months int32
	Days   int32
	Micros int64
}

// NewDecimal returns a decimal holding coeff × 10^exp.
func NewDecimal(coeff int64, exp int32) *apd.Decimal { return apd.New(coeff, exp) }

// MulInterval is PostgreSQL's interval * float8 (interval_mul) and, with
// div, interval / float8 (interval_div; avg(interval) divides so too).
// The months and days are scaled apart and truncated; their fractions
// cascade down, a month as 30 days and a day as 24 hours, each rounded to
// microseconds first, as PostgreSQL rounds them: '14 mons' / 3 is
// '4 mons 20 days' and '1 mon' / 9 is '3 days 07:59:59.9712'.
func MulInterval(iv DInterval, factor float64, div bool) (DInterval, error) {
	scale := func(x float64) float64 { return x * factor }
	if div {
		if factor == 0 {
			return DInterval{}, pgerr.New(pgerr.DivisionByZero, "division by zero")
		}
		scale = func(x float64) float64 { return x / factor }
	}
	outOfRange := pgerr.New(pgerr.DatetimeValueOutOfRange, "interval out of range")
	months, days := scale(float64(iv.Months)), scale(float64(iv.Days))
	if !fitsInt32(months) || !fitsInt32(days) {
		return DInterval{}, outOfRange
	}
	r := DInterval{Months: int32(months), Days: int32(days)}
	monthDays := roundMicros((months - float64(r.Months)) * 30)
	secs := roundMicros((days - float64(r.Days) + monthDays - math.Trunc(monthDays)) * 86400)
	if math.Abs(secs) >= 86400 {
		r.Days += int32(secs / 86400)
		secs -= math.Trunc(secs/86400) * 86400
	}
	r.Days += int32(monthDays)
	micros := math.RoundToEven(scale(float64(iv.Micros)) + secs*1e6)
	if math.IsNaN(micros) || micros < math.MinInt64 || micros >= math.MaxInt64 {
		return DInterval{}, outOfRange
	}
	r.Micros = int64(micros)
	return r, nil
}

func fitsInt32(x float64) bool { return !math.IsNaN(x) && x <= math.MaxInt32 && x >= math.MinInt32 }

// roundMicros rounds x to six decimals (PostgreSQL's TSROUND).
func roundMicros(x float64) float64 { return math.RoundToEven(x*1e6) / 1e6 }
