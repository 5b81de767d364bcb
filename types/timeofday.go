package types

import (
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/lattice-olap/lattice/pgerr"
)

// DTime is a time of day (time without time zone) as microseconds since
// midnight, 0 through 24:00:00 inclusive, as PostgreSQL keeps it.
type DTime int64

// MicrosPerDay is 24 hours in microseconds, the largest DTime.
const MicrosPerDay = 86400 * 1e6

// reClockInput is a time of day: h[h]:mm[:ss[.frac]] [am|pm], then an
// optional zone, which time without time zone ignores.
var reClockInput = regexp.MustCompile(`^t?(\d{1,2}):(\d{1,2})(?::(\d{1,2})(\.\d*)?)?\s*(am|pm)?\s*(z|[+-]\d{1,2}(?::?\d{2})?|[a-z][a-z/_]*)?$`)

// reCompactClock is a time of day without colons: hhmm[ss[.frac]].
var reCompactClock = regexp.MustCompile(`^t?(\d{2})(\d{2})(\d{2})?(\.\d*)?$`)

// ParseTime parses time input as PostgreSQL's time_in does: a clock, with
// or without a date before it ('2024-01-02 04:05:06' is 04:05:06),
// "allballs" (midnight) or "now" (in loc); 24:00:00 is the end of the day.
func ParseTime(s string, loc *time.Location) (Datum, error) {
	v := strings.ToLower(strings.TrimSpace(s))
	switch v {
	case "allballs":
		return DTime(0), nil
	case "now":
		return TimeOfDay(time.Now().In(locOrUTC(loc))), nil
	}
	clock := v
	if !reClockInput.MatchString(v) && !reCompactClock.MatchString(v) {
		// A date first: the clock follows a space or a T, and the date
		// must be one.
		if i := strings.IndexAny(v, " t"); i > 0 && strings.ContainsAny(v[:i], "-/.") {
			if _, err := ParseTimestamp(v, false, loc); err != nil {
				return nil, err
			}
			clock = strings.TrimSpace(v[i+1:])
		}
	}
	m := reClockInput.FindStringSubmatch(clock)
	if m == nil {
		if c := reCompactClock.FindStringSubmatch(clock); c != nil {
			m = []string{c[0], c[1], c[2], c[3], c[4], "", ""}
		}
	}
	if m == nil {
		return nil, pgerr.New(pgerr.InvalidDatetimeFormat, "invalid input syntax for type time: %q", s)
	}
	h, _ := strconv.Atoi(m[1])
	mi, _ := strconv.Atoi(m[2])
	sec := 0
	if m[3] != "" {
		sec, _ = strconv.Atoi(m[3])
	}
	var us int64
	if frac := strings.TrimPrefix(m[4], "."); frac != "" {
		// As PostgreSQL: the fraction as a double, rounded half to even.
		f, _ := strconv.ParseFloat("0."+frac, 64)
		us = int64(math.RoundToEven(f * 1e6))
	}
	switch m[5] {
	case "am", "pm":
		if h < 1 || h > 12 {
			return nil, pgerr.New(pgerr.DatetimeFieldOverflow, "date/time field value out of range: %q", s)
		}
		if h == 12 {
			h = 0
		}
		if m[5] == "pm" {
			h += 12
		}
	}
	t := int64(h)*3600e6 + int64(mi)*60e6 + int64(sec)*1e6 + us
	if mi > 59 || sec > 60 || t > MicrosPerDay {
		return nil, pgerr.New(pgerr.DatetimeFieldOverflow, "date/time field value out of range: %q", s)
	}
	return DTime(t), nil
}

// TimeOfDay is the wall clock of t as a time of day.
func TimeOfDay(t time.Time) DTime {
	h, m, s := t.Clock()
	return DTime(int64(h)*3600e6 + int64(m)*60e6 + int64(s)*1e6 + int64(t.Nanosecond()/1000))
}

// RoundTime rounds a time of day to precision fractional digits (time(p)).
func RoundTime(t DTime, precision int32) DTime {
	if precision < 0 || precision >= 6 {
		return t
	}
	scale := int64(1)
	for i := precision; i < 6; i++ {
		scale *= 10
	}
	return DTime((int64(t) + scale/2) / scale * scale)
}

// appendTimeOfDay writes hh:mm:ss[.frac], as time_out does.
func appendTimeOfDay(b []byte, t DTime) []byte {
	us := int64(t)
	b = appendPad(b, int(us/3600e6), 2)
	b = append(b, ':')
	b = appendPad(b, int(us/60e6%60), 2)
	b = append(b, ':')
	b = appendPad(b, int(us/1e6%60), 2)
	return appendMicros(b, int(us%1e6))
}
