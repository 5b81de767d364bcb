package types

import (
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Infinite dates and timestamps, as PostgreSQL has them. They sort after
// (before) every finite value and print as infinity (-infinity).
var (
	DateInfinity         = DDate(math.MaxInt32)
	DateNegInfinity      = DDate(math.MinInt32)
	TimestampInfinity    = time.Date(294277, 1, 1, 0, 0, 0, 0, time.UTC)
	TimestampNegInfinity = time.Date(-4713, 1, 1, 0, 0, 0, 0, time.UTC)
)

// MinDate and MaxDate bound the finite dates (days from 1970-01-01):
// 4714-11-24 BC to 5874897-12-31, PostgreSQL's range.
const (
	MinDate = -2440588
	MaxDate = 2145042905
)

// IsFinite reports whether d is neither infinity nor -infinity.
func (d DDate) IsFinite() bool { return d != DateInfinity && d != DateNegInfinity }

// TimestampMicros is t in microseconds from 1970 as a column stores it:
// the infinities, which are past int64 microseconds from 1970 (PostgreSQL
// counts from 2000), are the int64 extremes, as PostgreSQL stores them.
func TimestampMicros(t time.Time) int64 {
	switch {
	case t.Equal(TimestampInfinity):
		return math.MaxInt64
	case t.Equal(TimestampNegInfinity):
		return math.MinInt64
	}
	return t.UnixMicro()
}

// TimestampFromMicros is the inverse of TimestampMicros.
func TimestampFromMicros(us int64) time.Time {
	switch us {
	case math.MaxInt64:
		return TimestampInfinity
	case math.MinInt64:
		return TimestampNegInfinity
	}
	return time.UnixMicro(us).UTC()
}

// FiniteTime reports whether t is neither infinite timestamp.
func FiniteTime(t time.Time) bool {
	return !t.Equal(TimestampInfinity) && !t.Equal(TimestampNegInfinity)
}

// Date input forms accepted, beyond ISO 8601: what drivers and people
// commonly send (pgjdbc sends "2024-02-29 +00" for a date).
var (
	reISODate   = regexp.MustCompile(`^(\d{1,7})-(\d{1,2})-(\d{1,2})`)
	reSlashYMD  = regexp.MustCompile(`^(\d{4})/(\d{1,2})/(\d{1,2})`)
	reSlashMDY  = regexp.MustCompile(`^(\d{1,2})/(\d{1,2})/(\d{1,4})`)
	reCompact   = regexp.MustCompile(`^(\d{4})(\d{2})(\d{2})(?:$|[ T])`)
	reMonDY     = regexp.MustCompile(`^(?i)([a-z]{3,9})\.?[ -]+(\d{1,2})(?:st|nd|rd|th)?,?[ -]+(\d{1,4})`)
	reDMonY     = regexp.MustCompile(`^(?i)(\d{1,2})[ -]+([a-z]{3,9})\.?[ -]+(\d{1,4})`)
	reClock     = regexp.MustCompile(`^(\d{1,2}):(\d{1,2})(?::(\d{1,2})(?:\.(\d+))?)?`)
	reNumOffset = regexp.MustCompile(`^[+-]\d{1,2}(?::?\d{2}(?::?\d{2})?)?$`)
)

var monthNames = map[string]int{
	"jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3, "apr": 4, "april": 4,
	"may": 5, "jun": 6, "june": 6, "jul": 7, "july": 7, "aug": 8, "august": 8,
	"sep": 9, "sept": 9, "september": 9, "oct": 10, "october": 10, "nov": 11, "november": 11,
	"dec": 12, "december": 12,
}

// parseDateTimeIn parses a date, optionally followed by a time, a zone and
// BC/AD. zoned says whether the zone matters (timestamptz); otherwise it
// is checked and ignored, as PostgreSQL does for date and timestamp.
func parseDateTimeIn(v string, zoned bool, loc *time.Location) (time.Time, error) {
	rest := strings.TrimSpace(v)
	bc := false
	if u := strings.ToUpper(rest); strings.HasSuffix(u, " BC") || strings.HasSuffix(u, " AD") {
		bc = strings.HasSuffix(u, " BC")
		rest = strings.TrimSpace(rest[:len(rest)-3])
	}
	y, mo, d, n, err := parseDatePart(rest)
	if err != nil {
		return time.Time{}, err
	}
	rest = strings.TrimSpace(rest[n:])
	rest = strings.TrimPrefix(strings.TrimPrefix(rest, "T"), "t")
	rest = strings.TrimSpace(rest)
	var h, mi, sec, nsec int
	if m := reClock.FindStringSubmatch(rest); m != nil {
		h, _ = strconv.Atoi(m[1])
		mi, _ = strconv.Atoi(m[2])
		if m[3] != "" {
			sec, _ = strconv.Atoi(m[3])
		}
		if frac := m[4]; frac != "" {
			if len(frac) > 9 {
				frac = frac[:9]
			}
			f, _ := strconv.Atoi(frac)
			for k := len(frac); k < 9; k++ {
				f *= 10
			}
			nsec = (f + 500) / 1000 * 1000 // microseconds, rounded as PostgreSQL
		}
		if h > 24 || mi > 59 || sec > 60 {
			return time.Time{}, errFieldRange
		}
		rest = strings.TrimSpace(rest[len(m[0]):])
		if u := strings.ToLower(rest); u == "am" || u == "pm" {
			if h > 12 {
				return time.Time{}, errFieldRange
			}
			if u == "pm" && h < 12 {
				h += 12
			} else if u == "am" && h == 12 {
				h = 0
			}
			rest = ""
		}
	}
	if rest != "" {
		z, err := parseZone(rest)
		if err != nil {
			return time.Time{}, errBadTime
		}
		if zoned {
			loc = z
		}
	}
	if !zoned {
		loc = time.UTC
	}
	if bc {
		y = 1 - y
	}
	// A day past the month's end fails; 24:00:00 and a leap second roll
	// over, as in PostgreSQL.
	if d > time.Date(y, time.Month(mo)+1, 0, 0, 0, 0, 0, time.UTC).Day() ||
		(h == 24 && (mi > 0 || sec > 0 || nsec > 0)) {
		return time.Time{}, errFieldRange
	}
	wall := time.Date(y, time.Month(mo), d, h, mi, sec, nsec, time.UTC)
	if loc == time.UTC {
		return wall, nil
	}
	return LocalToUTC(wall, loc), nil
}

// LocalToUTC converts a wall clock (held in UTC) in loc to an instant, as
// PostgreSQL's DetermineTimeZoneOffset does: a time skipped by a
// spring-forward transition is read with the offset before it, an
// ambiguous time after a fall-back with the offset after it. (time.Date
// leaves both cases unspecified.)
func LocalToUTC(wall time.Time, loc *time.Location) time.Time {
	if wall.Equal(TimestampInfinity) || wall.Equal(TimestampNegInfinity) {
		return wall // infinity is infinity in every zone
	}
	l := wall.Unix()
	offsetAt := func(sec int64) int64 {
		_, off := time.Unix(sec, 0).In(loc).Zone()
		return int64(off)
	}
	before, after := offsetAt(l-86400), offsetAt(l+86400)
	off := before
	if before != after {
		bt, at := l-before, l-after
		bBefore, aBefore := offsetAt(bt) == before, offsetAt(at) == before
		switch {
		case bBefore && aBefore:
			off = before
		case !bBefore && !aBefore:
			off = after
		case bt > at:
			off = before
		default:
			off = after
		}
	}
	return wall.Add(-time.Duration(off) * time.Second).UTC()
}

// parseDatePart reads the date at the start of s and returns its fields and
// length.
func parseDatePart(s string) (y, mo, d, n int, err error) {
	atoi := func(x string) int { v, _ := strconv.Atoi(x); return v }
	switch {
	case reISODate.MatchString(s):
		m := reISODate.FindStringSubmatch(s)
		y, mo, d, n = atoi(m[1]), atoi(m[2]), atoi(m[3]), len(m[0])
	case reSlashYMD.MatchString(s):
		m := reSlashYMD.FindStringSubmatch(s)
		y, mo, d, n = atoi(m[1]), atoi(m[2]), atoi(m[3]), len(m[0])
	case reSlashMDY.MatchString(s):
		m := reSlashMDY.FindStringSubmatch(s)
		mo, d, y, n = atoi(m[1]), atoi(m[2]), atoi(m[3]), len(m[0])
		y = twoDigitYear(m[3], y)
	case reCompact.MatchString(s):
		m := reCompact.FindStringSubmatch(s)
		y, mo, d, n = atoi(m[1]), atoi(m[2]), atoi(m[3]), 8
	case reMonDY.MatchString(s):
		m := reMonDY.FindStringSubmatch(s)
		month, ok := monthNames[strings.ToLower(m[1])]
		if !ok {
			return 0, 0, 0, 0, errBadTime
		}
		mo, d, y, n = month, atoi(m[2]), atoi(m[3]), len(m[0])
		y = twoDigitYear(m[3], y)
	case reDMonY.MatchString(s):
		m := reDMonY.FindStringSubmatch(s)
		month, ok := monthNames[strings.ToLower(m[2])]
		if !ok {
			return 0, 0, 0, 0, errBadTime
		}
		d, mo, y, n = atoi(m[1]), month, atoi(m[3]), len(m[0])
		y = twoDigitYear(m[3], y)
	default:
		return 0, 0, 0, 0, errBadTime
	}
	if mo < 1 || mo > 12 || d < 1 || d > 31 {
		return 0, 0, 0, 0, errMDFieldRange
	}
	if n < len(s) && isDigitByte(s[n]) {
		return 0, 0, 0, 0, errBadTime
	}
	return y, mo, d, n, nil
}

func isDigitByte(c byte) bool { return c >= '0' && c <= '9' }

// twoDigitYear maps a two-digit year to 1970..2069, as PostgreSQL does.
func twoDigitYear(text string, y int) int {
	if len(text) == 2 {
		if y < 70 {
			return 2000 + y
		}
		return 1900 + y
	}
	return y
}
