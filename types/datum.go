package types

import (
	"time"

	"github.com/cockroachdb/apd/v3"
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

// DateFromTime returns the date of t in t's location.
func DateFromTime(t time.Time) DDate {
	y, m, d := t.Date()
	u := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	return DDate(floorDiv(u.Unix(), 86400))
}

// Time returns midnight UTC of the date.
func (d DDate) Time() time.Time { return time.Unix(int64(d)*86400, 0).UTC() }

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
