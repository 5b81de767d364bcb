package types

import (
	"bytes"
	"math"
	"strings"
	"time"

	"github.com/cockroachdb/apd/v3"
)

// CompareFunc returns a three-way comparison for values of t.
func CompareFunc(t T) (func(a, b Datum) int, bool) {
	switch t.Family() {
	case BoolFamily:
		return func(a, b Datum) int { return cmpBool(a.(bool), b.(bool)) }, true
	case IntFamily:
		return func(a, b Datum) int { return cmpOrdered(a.(int64), b.(int64)) }, true
	case FloatFamily:
		return func(a, b Datum) int { return cmpFloat(a.(float64), b.(float64)) }, true
	case NumericFamily:
		return func(a, b Datum) int { return CompareNumeric(a.(*apd.Decimal), b.(*apd.Decimal)) }, true
	case StringFamily:
		if t.Oid == OidBpchar {
			return func(a, b Datum) int {
				return strings.Compare(strings.TrimRight(a.(string), " "), strings.TrimRight(b.(string), " "))
			}, true
		}
		return func(a, b Datum) int { return strings.Compare(a.(string), b.(string)) }, true
	case BytesFamily:
		return func(a, b Datum) int { return bytes.Compare(a.([]byte), b.([]byte)) }, true
	case DateFamily:
		return func(a, b Datum) int { return cmpOrdered(a.(DDate), b.(DDate)) }, true
	case TimeFamily:
		return func(a, b Datum) int { return cmpOrdered(a.(DTime), b.(DTime)) }, true
	case TimestampFamily:
		return func(a, b Datum) int { return a.(time.Time).Compare(b.(time.Time)) }, true
	case IntervalFamily:
		return func(a, b Datum) int {
			return cmpOrdered(intervalKey(a.(DInterval)), intervalKey(b.(DInterval)))
		}, true
	case ArrayFamily:
		return compareArrays(t), true
	}
	return nil, false
}

// intervalKey orders intervals as PostgreSQL does: a month is 30 days.
func intervalKey(iv DInterval) float64 {
	return float64(iv.Months)*30*86400e6 + float64(iv.Days)*86400e6 + float64(iv.Micros)
}

func cmpBool(a, b bool) int {
	switch {
	case a == b:
		return 0
	case !a:
		return -1
	}
	return 1
}

func cmpOrdered[T int64 | DDate | DTime | float64](a, b T) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// cmpFloat orders NaN above every other value and equal to itself, as
// PostgreSQL does.
func cmpFloat(a, b float64) int {
	an, bn := math.IsNaN(a), math.IsNaN(b)
	switch {
	case an && bn:
		return 0
	case an:
		return 1
	case bn:
		return -1
	}
	return cmpOrdered(a, b)
}

// CompareNumeric orders numerics as PostgreSQL does: NaN equals NaN and
// sorts above every other value, infinities included.
func CompareNumeric(a, b *apd.Decimal) int {
	an, bn := a.Form == apd.NaN || a.Form == apd.NaNSignaling, b.Form == apd.NaN || b.Form == apd.NaNSignaling
	switch {
	case an && bn:
		return 0
	case an:
		return 1
	case bn:
		return -1
	}
	return a.Cmp(b)
}
