package planner

// Date and time functions. A timestamp is its wall clock held in UTC; a
// timestamptz is an instant, broken into fields in the session's TimeZone
// (or an explicit zone), so the functions over it are stable.

import (
	"math"
	"math/big"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/cockroachdb/apd/v3"

	"github.com/lattice-olap/lattice/pgerr"
	"github.com/lattice-olap/lattice/types"
)

func init() {
	t, f8, i4, num := types.Text, types.Float8, types.Int4, types.Numeric
	ts, tz, date, iv := types.Timestamp, types.TimestampTZ, types.Date, types.Interval
	registerBuiltins(map[string]builtin{
		"date_trunc": overloaded("date_trunc",
			sig(ts, truncTimestamp, t, ts),
			stableSig("date_trunc(timestamptz)", tz, truncTimestampTZ, t, tz),
			stableSig("date_trunc(timestamptz)", tz, truncTimestampTZ, t, tz, t),
			sig(iv, truncInterval, t, iv),
			sig(iv, onTimeAsInterval(truncInterval), t, types.Time)),
		"extract": overloaded("extract",
			sig(num, timePart(ts, true), t, ts),
			stableSig("extract(timestamptz)", num, timePart(tz, true), t, tz),
			sig(num, datePart, t, date),
			sig(num, intervalPart(true), t, iv),
			sig(num, timeOfDayPart(true), t, types.Time)),
		"date_part": overloaded("date_part",
			sig(f8, timePart(ts, false), t, ts),
			stableSig("date_part(timestamptz)", f8, timePart(tz, false), t, tz),
			// date_part(text, date) is an SQL function over timestamp.
			sig(f8, func(e *evalCtx, v []types.Datum) (types.Datum, error) {
				return timePart(ts, false)(e, []types.Datum{v[0], dateTime(v[1].(types.DDate))})
			}, t, date),
			sig(f8, intervalPart(false), t, iv),
			sig(f8, timeOfDayPart(false), t, types.Time)),
		"age": overloaded("age", phantomSig(oidXid),
			sig(iv, ageFn(ts), ts, ts),
			sig(iv, ageFn(tz), tz, tz),
			stableSig("age(timestamp)", iv, func(e *evalCtx, v []types.Datum) (types.Datum, error) {
				return ageFn(ts)(e, []types.Datum{todayMidnight(e), v[0]})
			}, ts),
			stableSig("age(timestamptz)", iv, func(e *evalCtx, v []types.Datum) (types.Datum, error) {
				midnight := localToUTC(todayMidnight(e), e.sess.Settings.Location())
				return ageFn(tz)(e, []types.Datum{midnight, v[0]})
			}, tz)),
		// x AT TIME ZONE zone: a timestamptz's wall clock in zone, or the
		// instant of a timestamp's wall clock in zone.
		"timezone": overloaded("timezone",
			sig(ts, atTimeZone, t, tz),
			sig(tz, fromTimeZone, t, ts),
			sig(ts, atTimeZone, iv, tz),
			sig(tz, fromTimeZone, iv, ts)),
		"make_date":      overloaded("make_date", sig(date, makeDate, i4, i4, i4)),
		"make_timestamp": overloaded("make_timestamp", sig(ts, makeTimestamp, i4, i4, i4, i4, i4, f8)),
		"make_time":      overloaded("make_time", sig(types.Time, makeTime, i4, i4, f8)),
		"make_timestamptz": overloaded("make_timestamptz",
			stableSig("make_timestamptz", tz, makeTimestampTZ, i4, i4, i4, i4, i4, f8),
			stableSig("make_timestamptz", tz, makeTimestampTZ, i4, i4, i4, i4, i4, f8, t)),
		"justify_days":     overloaded("justify_days", sig(iv, justifyFn(false, true), iv)),
		"justify_hours":    overloaded("justify_hours", sig(iv, justifyFn(true, false), iv)),
		"justify_interval": overloaded("justify_interval", sig(iv, justifyFn(true, true), iv)),
		"date_bin":         overloaded("date_bin", sig(ts, dateBin, iv, ts, ts), sig(tz, dateBin, iv, tz, tz)),
		"to_timestamp":     overloaded("to_timestamp", sig(tz, toTimestamp, f8), stableSig("to_timestamp(text, text)", tz, toTimestampFn, t, t)),
		"to_date":          overloaded("to_date", sig(date, toDateFn, t, t)),
		"isfinite": overloaded("isfinite",
			sig(types.Bool, func(_ *evalCtx, v []types.Datum) (types.Datum, error) {
				d := v[0].(types.DDate)
				return d != types.DateInfinity && d != types.DateNegInfinity, nil
			}, date),
			sig(types.Bool, isFiniteTime, ts),
			sig(types.Bool, isFiniteTime, tz),
			sig(types.Bool, func(*evalCtx, []types.Datum) (types.Datum, error) { return true, nil }, iv)),
		"to_char": overloaded("to_char",
			stableSig("to_char", t, dchToChar(ts), ts, t),
			stableSig("to_char", t, dchToChar(tz), tz, t),
			stableSig("to_char", t, dchToChar(iv), iv, t),
			stableSig("to_char", t, func(e *evalCtx, v []types.Datum) (types.Datum, error) {
				return dchToChar(iv)(e, []types.Datum{types.DInterval{Micros: int64(v[0].(types.DTime))}, v[1]})
			}, types.Time, t),
			stableSig("to_char", t, numToChar(i4), i4, t),
			stableSig("to_char", t, numToChar(types.Int8), types.Int8, t),
			stableSig("to_char", t, numToChar(types.Float4), types.Float4, t),
			stableSig("to_char", t, numToChar(f8), f8, t),
			stableSig("to_char", t, numToChar(num), num, t)),
	})
}

const usecsPerDay = 86400 * 1000000

// unixEpochJD is the Julian day of 1970-01-01, where DDate counts from.
const unixEpochJD = 2440588

func dateTime(d types.DDate) time.Time {
	switch d {
	case types.DateInfinity:
		return types.TimestampInfinity
	case types.DateNegInfinity:
		return types.TimestampNegInfinity
	}
	return d.Time()
}

func isInfiniteTime(t time.Time) bool {
	return t.Equal(types.TimestampInfinity) || t.Equal(types.TimestampNegInfinity)
}

func isFiniteTime(_ *evalCtx, v []types.Datum) (types.Datum, error) {
	return !isInfiniteTime(v[0].(time.Time)), nil
}

func todayMidnight(e *evalCtx) time.Time {
	y, m, d := e.now.In(e.sess.Settings.Location()).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// julianDay is date2j: the Julian day number of a proleptic Gregorian date
// (astronomical year numbering, 0 = 1 BC). Like PostgreSQL, it takes the
// fields of an interval as they are.
func julianDay(y, m, d int) int64 {
	year, month := int64(y), int64(m)
	if month > 2 {
		month++
		year += 4800
	} else {
		month += 13
		year += 4799
	}
	century := year / 100
	jd := year*365 - 32167
	jd += year/4 - century + century/4
	return jd + 7834*month/256 + int64(d)
}

// julianWeekday is j2day: 0 for Sunday.
func julianWeekday(jd int64) int64 {
	d := (jd + 1) % 7
	if d < 0 {
		d += 7
	}
	return d
}

// isoWeekStart is isoweek2j(year, 1): the Julian day of the Monday that
// starts the year's first ISO week.
func isoWeekStart(year int) int64 {
	day4 := julianDay(year, 1, 4)
	return day4 - julianWeekday(day4-1)
}

// isoYearWeek is date2isoyear and date2isoweek.
func isoYearWeek(y, m, d int) (year int, week int64) {
	dayn := julianDay(y, m, d)
	year = y
	start := isoWeekStart(year)
	if dayn < start {
		year--
		start = isoWeekStart(year)
	}
	week = (dayn-start)/7 + 1
	if week >= 52 {
		if next := isoWeekStart(year + 1); dayn >= next {
			year++
			week = (dayn-next)/7 + 1
		}
	}
	return year, week
}

// localToUTC converts a wall clock (held in UTC) in loc to an instant
// (types.LocalToUTC).
func localToUTC(wall time.Time, loc *time.Location) time.Time { return types.LocalToUTC(wall, loc) }

// pgTM is PostgreSQL's struct pg_tm with fractional seconds: a date and
// time broken into fields, or an interval's fields.
type pgTM struct {
	year, mon, mday int // astronomical year: 0 is 1 BC
	hour            int64
	min, sec, usec  int
	wday, yday      int
	gmtoff          int // seconds east of UTC
	tzn             string
}

// tmOf breaks t, already in the zone wanted, into fields; zoned says
// whether the zone is part of the value (timestamptz).
func tmOf(t time.Time, zoned bool) pgTM {
	y, m, d := t.Date()
	h, mi, s := t.Clock()
	tm := pgTM{year: y, mon: int(m), mday: d, hour: int64(h), min: mi, sec: s, usec: t.Nanosecond() / 1000,
		wday: int(t.Weekday()), yday: t.YearDay()}
	if zoned {
		tm.tzn, tm.gmtoff = t.Zone()
	}
	return tm
}

// intervalTM is interval2itm.
func intervalTM(iv types.DInterval) pgTM {
	us := iv.Micros
	tm := pgTM{year: int(iv.Months / 12), mon: int(iv.Months % 12), mday: int(iv.Days)}
	tm.hour = us / 3600e6
	us -= tm.hour * 3600e6
	tm.min = int(us / 60e6)
	us -= int64(tm.min) * 60e6
	tm.sec = int(us / 1e6)
	tm.usec = int(us - int64(tm.sec)*1e6)
	return tm
}

// zonedTime returns v in the zone its fields are read in: the session's
// for timestamptz, UTC (the wall clock) for timestamp.
func zonedTime(e *evalCtx, v types.Datum, typ types.T) time.Time {
	t := v.(time.Time)
	if typ.Oid == types.OidTimestampTZ {
		return t.In(e.sess.Settings.Location())
	}
	return t
}

// Date/time field units, as DecodeUnits and DecodeSpecial know them.
type dtUnit int

const (
	dtkNone dtUnit = iota
	dtkMicrosec
	dtkMillisec
	dtkSecond
	dtkMinute
	dtkHour
	dtkDay
	dtkWeek
	dtkMonth
	dtkQuarter
	dtkYear
	dtkDecade
	dtkCentury
	dtkMillennium
	dtkTZ
	dtkTZHour
	dtkTZMinute
	dtkJulian
	dtkDow
	dtkIsodow
	dtkDoy
	dtkIsoyear
	dtkEpoch    // RESERV
	dtkReserved // other RESERV words: now, today, infinity, ...
)

// deltaUnits is deltatktbl's UNITS, which date_trunc and extract accept.
var deltaUnits = map[string]dtUnit{
	"c": dtkCentury, "cent": dtkCentury, "centuries": dtkCentury, "century": dtkCentury,
	"d": dtkDay, "day": dtkDay, "days": dtkDay,
	"dec": dtkDecade, "decade": dtkDecade, "decades": dtkDecade, "decs": dtkDecade,
	"h": dtkHour, "hour": dtkHour, "hours": dtkHour, "hr": dtkHour, "hrs": dtkHour,
	"m": dtkMinute, "min": dtkMinute, "mins": dtkMinute, "minute": dtkMinute, "minutes": dtkMinute,
	"microsecon": dtkMicrosec, "us": dtkMicrosec, "usec": dtkMicrosec, "usecond": dtkMicrosec, "useconds": dtkMicrosec, "usecs": dtkMicrosec,
	"mil": dtkMillennium, "millennia": dtkMillennium, "millennium": dtkMillennium, "mils": dtkMillennium,
	"millisecon": dtkMillisec, "ms": dtkMillisec, "msec": dtkMillisec, "msecond": dtkMillisec, "mseconds": dtkMillisec, "msecs": dtkMillisec,
	"mon": dtkMonth, "mons": dtkMonth, "month": dtkMonth, "months": dtkMonth,
	"qtr": dtkQuarter, "quarter": dtkQuarter,
	"s": dtkSecond, "sec": dtkSecond, "second": dtkSecond, "seconds": dtkSecond, "secs": dtkSecond,
	"timezone": dtkTZ, "timezone_h": dtkTZHour, "timezone_m": dtkTZMinute,
	"w": dtkWeek, "week": dtkWeek, "weeks": dtkWeek,
	"y": dtkYear, "year": dtkYear, "years": dtkYear, "yr": dtkYear, "yrs": dtkYear,
}

// specialUnits is what extract also finds in datetktbl.
var specialUnits = map[string]dtUnit{
	"dow": dtkDow, "doy": dtkDoy, "isodow": dtkIsodow, "isoyear": dtkIsoyear,
	"j": dtkJulian, "jd": dtkJulian, "julian": dtkJulian, "mm": dtkMinute,
	"epoch": dtkEpoch, "now": dtkReserved, "today": dtkReserved, "tomorrow": dtkReserved,
	"yesterday": dtkReserved, "allballs": dtkReserved, "infinity": dtkReserved, "-infinity": dtkReserved,
}

// lowerUnits lower-cases ASCII letters, as downcase_truncate_identifier does.
func lowerUnits(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// decodeUnits looks a unit up by its first 10 characters (TOKMAXLEN), as
// PostgreSQL does; special adds the words only extract knows.
func decodeUnits(low string, special bool) dtUnit {
	key := low
	if len(key) > 10 {
		key = key[:10]
	}
	if u, ok := deltaUnits[key]; ok {
		return u
	}
	if special {
		return specialUnits[key]
	}
	return dtkNone
}

func unitNotRecognized(low string, typ types.T) error {
	return pgerr.New(pgerr.InvalidParameterValue, "unit %q not recognized for type %s", low, typ)
}

func unitNotSupported(low string, typ types.T) *pgerr.Error {
	return pgerr.New(pgerr.FeatureNotSupported, "unit %q not supported for type %s", low, typ)
}

// truncYear applies date_trunc's millennium, century and decade rules.
func truncYear(y int, u dtUnit) int {
	switch u {
	case dtkMillennium:
		if y > 0 {
			return (y+999)/1000*1000 - 999
		}
		return -((999-(y-1))/1000)*1000 + 1
	case dtkCentury:
		if y > 0 {
			return (y+99)/100*100 - 99
		}
		return -((99-(y-1))/100)*100 + 1
	case dtkDecade:
		if y > 0 {
			return y / 10 * 10
		}
		return -((8 - (y - 1)) / 10) * 10
	}
	return y
}

// truncWall truncates a wall clock to the unit; ok is false for a unit
// date_trunc does not support.
func truncWall(t time.Time, u dtUnit) (time.Time, bool) {
	tm := tmOf(t, false)
	y, mo, d, h, mi, s, us := tm.year, tm.mon, tm.mday, int(tm.hour), tm.min, tm.sec, tm.usec
	switch u {
	case dtkWeek:
		isoDow := (tm.wday+6)%7 + 1
		return time.Date(y, time.Month(mo), d-(isoDow-1), 0, 0, 0, 0, time.UTC), true
	case dtkMillennium, dtkCentury, dtkDecade, dtkYear:
		return time.Date(truncYear(y, u), 1, 1, 0, 0, 0, 0, time.UTC), true
	case dtkQuarter:
		return time.Date(y, time.Month(3*((mo-1)/3)+1), 1, 0, 0, 0, 0, time.UTC), true
	case dtkMonth:
		d = 1
		h, mi, s, us = 0, 0, 0, 0
	case dtkDay:
		h, mi, s, us = 0, 0, 0, 0
	case dtkHour:
		mi, s, us = 0, 0, 0
	case dtkMinute:
		s, us = 0, 0
	case dtkSecond:
		us = 0
	case dtkMillisec:
		us = us / 1000 * 1000
	case dtkMicrosec:
	default:
		return time.Time{}, false
	}
	return time.Date(y, time.Month(mo), d, h, mi, s, us*1000, time.UTC), true
}

func truncTimestamp(_ *evalCtx, v []types.Datum) (types.Datum, error) {
	t := v[1].(time.Time)
	if isInfiniteTime(t) {
		return t, nil
	}
	low := lowerUnits(v[0].(string))
	u := decodeUnits(low, false)
	if u == dtkNone {
		return nil, unitNotRecognized(low, types.Timestamp)
	}
	r, ok := truncWall(t, u)
	if !ok {
		return nil, unitNotSupported(low, types.Timestamp)
	}
	return r, nil
}

// truncTimestampTZ truncates in the session's zone, or the one named by a
// third argument; from the day up, the offset is found again for the
// truncated time.
func truncTimestampTZ(e *evalCtx, v []types.Datum) (types.Datum, error) {
	t := v[1].(time.Time)
	if isInfiniteTime(t) {
		return t, nil
	}
	loc := e.sess.Settings.Location()
	if len(v) == 3 {
		var err error
		if loc, err = zoneNamed(v[2].(string)); err != nil {
			return nil, err
		}
	}
	low := lowerUnits(v[0].(string))
	u := decodeUnits(low, false)
	if u == dtkNone {
		return nil, unitNotRecognized(low, types.TimestampTZ)
	}
	lt := t.In(loc)
	_, off := lt.Zone()
	wall := time.Date(lt.Year(), lt.Month(), lt.Day(), lt.Hour(), lt.Minute(), lt.Second(), lt.Nanosecond(), time.UTC)
	r, ok := truncWall(wall, u)
	if !ok {
		return nil, unitNotSupported(low, types.TimestampTZ)
	}
	switch u {
	case dtkHour, dtkMinute, dtkSecond, dtkMillisec, dtkMicrosec:
		return r.Add(-time.Duration(off) * time.Second), nil
	}
	return localToUTC(r, loc), nil
}

// timeZoneOf is the zone of AT TIME ZONE: a name or abbreviation, or an
// interval east of UTC (of hours, minutes and seconds only).
func timeZoneOf(z types.Datum) (*time.Location, error) {
	switch x := z.(type) {
	case types.DInterval:
		if x.Months != 0 || x.Days != 0 {
			return nil, pgerr.New(pgerr.InvalidParameterValue, "interval time zone %q must not include months or days", string(types.AppendText(nil, types.Interval, x, nil)))
		}
		return time.FixedZone("", int(x.Micros/1e6)), nil
	case string:
		loc, err := types.LoadZone(strings.TrimSpace(x))
		if err != nil || x == "" {
			return nil, pgerr.New(pgerr.InvalidParameterValue, "time zone %q not recognized", x)
		}
		return loc, nil
	}
	return nil, pgerr.New(pgerr.InternalError, "timezone: zone of type %T", z)
}

// atTimeZone is timezone(zone, timestamptz): the wall clock in zone.
func atTimeZone(_ *evalCtx, v []types.Datum) (types.Datum, error) {
	return inZone(v, func(t time.Time, loc *time.Location) time.Time {
		lt := t.In(loc)
		return time.Date(lt.Year(), lt.Month(), lt.Day(), lt.Hour(), lt.Minute(), lt.Second(), lt.Nanosecond(), time.UTC)
	})
}

// fromTimeZone is timezone(zone, timestamp): the instant of the wall
// clock in zone.
func fromTimeZone(_ *evalCtx, v []types.Datum) (types.Datum, error) {
	return inZone(v, types.LocalToUTC)
}

// inZone applies conv to timezone()'s timestamp and zone; an infinite
// timestamp stays as it is.
func inZone(v []types.Datum, conv func(time.Time, *time.Location) time.Time) (types.Datum, error) {
	loc, err := timeZoneOf(v[0])
	if err != nil {
		return nil, err
	}
	t := v[1].(time.Time)
	if !types.FiniteTime(t) {
		return t, nil
	}
	return conv(t, loc), nil
}

func zoneNamed(name string) (*time.Location, error) {
	loc, err := types.LoadLocation(name)
	if err != nil || name == "" {
		return nil, pgerr.New(pgerr.InvalidParameterValue, "time zone %q not recognized", name)
	}
	return loc, nil
}

func truncInterval(_ *evalCtx, v []types.Datum) (types.Datum, error) {
	low := lowerUnits(v[0].(string))
	u := decodeUnits(low, false)
	if u == dtkNone {
		return nil, unitNotRecognized(low, types.Interval)
	}
	tm := intervalTM(v[1].(types.DInterval))
	switch u {
	case dtkMillennium:
		tm.year = tm.year / 1000 * 1000
	case dtkCentury:
		tm.year = tm.year / 100 * 100
	case dtkDecade:
		tm.year = tm.year / 10 * 10
	}
	switch u {
	case dtkMillennium, dtkCentury, dtkDecade, dtkYear:
		tm.mon = 0
		fallthrough
	case dtkQuarter:
		tm.mon = 3 * (tm.mon / 3)
		fallthrough
	case dtkMonth:
		tm.mday = 0
		fallthrough
	case dtkDay:
		tm.hour = 0
		fallthrough
	case dtkHour:
		tm.min = 0
		fallthrough
	case dtkMinute:
		tm.sec = 0
		fallthrough
	case dtkSecond:
		tm.usec = 0
	case dtkMillisec:
		tm.usec = tm.usec / 1000 * 1000
	case dtkMicrosec:
	default:
		err := unitNotSupported(low, types.Interval)
		if u == dtkWeek {
			err = err.WithDetail("Months usually have fractional weeks.")
		}
		return nil, err
	}
	return types.DInterval{
		Months: int32(tm.year*12 + tm.mon),
		Days:   int32(tm.mday),
		Micros: ((tm.hour*60+int64(tm.min))*60+int64(tm.sec))*1e6 + int64(tm.usec),
	}, nil
}

// yearPart is extract's year, decade, century or millennium of an
// astronomical year (there is no year 0 in the answer).
func yearPart(y int, u dtUnit) int64 {
	switch u {
	case dtkYear:
		if y > 0 {
			return int64(y)
		}
		return int64(y - 1)
	case dtkDecade:
		if y >= 0 {
			return int64(y / 10)
		}
		return -int64((8 - (y - 1)) / 10)
	case dtkCentury:
		if y > 0 {
			return int64((y + 99) / 100)
		}
		return -int64((99 - (y - 1)) / 100)
	}
	if y > 0 {
		return int64((y + 999) / 1000)
	}
	return -int64((999 - (y - 1)) / 1000)
}

// dateFieldPart is a unit that a date's fields answer alone.
func dateFieldPart(tm pgTM, u dtUnit) (int64, bool) {
	switch u {
	case dtkDay:
		return int64(tm.mday), true
	case dtkMonth:
		return int64(tm.mon), true
	case dtkQuarter:
		return int64((tm.mon-1)/3 + 1), true
	case dtkWeek:
		_, w := isoYearWeek(tm.year, tm.mon, tm.mday)
		return w, true
	case dtkYear, dtkDecade, dtkCentury, dtkMillennium:
		return yearPart(tm.year, u), true
	case dtkIsoyear:
		y, _ := isoYearWeek(tm.year, tm.mon, tm.mday)
		if y <= 0 {
			y--
		}
		return int64(y), true
	case dtkDow:
		return int64(tm.wday), true
	case dtkIsodow:
		if tm.wday == 0 {
			return 7, true
		}
		return int64(tm.wday), true
	case dtkDoy:
		return int64(tm.yday), true
	}
	return 0, false
}

// nonFinitePart is NonFiniteTimestampTzPart: oscillating units of an
// infinite value are NULL, increasing ones ±Infinity.
func nonFinitePart(u dtUnit, neg, numeric bool, low string, typ types.T) (types.Datum, error) {
	switch u {
	case dtkYear, dtkDecade, dtkCentury, dtkMillennium, dtkJulian, dtkIsoyear, dtkEpoch:
		if numeric {
			return numInf(neg), nil
		}
		if neg {
			return math.Inf(-1), nil
		}
		return math.Inf(1), nil
	case dtkReserved:
		return nil, unitNotSupported(low, typ)
	case dtkNone:
		return nil, unitNotRecognized(low, typ)
	}
	if typ.Oid == types.OidDate && !(u == dtkDay || u == dtkMonth || u == dtkQuarter || u == dtkWeek || u == dtkDow || u == dtkIsodow || u == dtkDoy) {
		return nil, unitNotSupported(low, typ)
	}
	return nil, nil
}

// fracPart is tm_sec*10^6 + usec divided by 10^scale, with that scale.
func fracPart(tm pgTM, scale int32, numeric bool) types.Datum {
	us := int64(tm.sec)*1e6 + int64(tm.usec)
	if numeric {
		return apd.New(us, -scale)
	}
	switch scale {
	case 0:
		return float64(tm.sec)*1e6 + float64(tm.usec)
	case 3:
		return float64(tm.sec)*1000 + float64(tm.usec)/1000
	}
	return float64(tm.sec) + float64(tm.usec)/1e6
}

// timePart is extract (numeric) or date_part (float8) of a timestamp or
// timestamptz.
func timePart(typ types.T, numeric bool) evalFn {
	return func(e *evalCtx, v []types.Datum) (types.Datum, error) {
		low := lowerUnits(v[0].(string))
		u := decodeUnits(low, true)
		t := v[1].(time.Time)
		if isInfiniteTime(t) {
			return nonFinitePart(u, t.Equal(types.TimestampNegInfinity), numeric, low, typ)
		}
		zoned := typ.Oid == types.OidTimestampTZ
		tm := tmOf(zonedTime(e, t, typ), zoned)
		intResult := func(n int64) (types.Datum, error) {
			if numeric {
				return apd.New(n, 0), nil
			}
			return float64(n), nil
		}
		switch u {
		case dtkNone:
			return nil, unitNotRecognized(low, typ)
		case dtkMicrosec:
			return fracPart(tm, 0, numeric), nil
		case dtkMillisec:
			return fracPart(tm, 3, numeric), nil
		case dtkSecond:
			return fracPart(tm, 6, numeric), nil
		case dtkMinute:
			return intResult(int64(tm.min))
		case dtkHour:
			return intResult(tm.hour)
		case dtkJulian:
			jd := julianDay(tm.year, tm.mon, tm.mday)
			dayUs := ((tm.hour*60+int64(tm.min))*60+int64(tm.sec))*1e6 + int64(tm.usec)
			if !numeric {
				return float64(jd) + (float64((tm.hour*60+int64(tm.min))*60+int64(tm.sec))+float64(tm.usec)/1e6)/86400, nil
			}
			q := new(apd.Decimal)
			if err := numericDiv(q, apd.New(dayUs, 0), apd.New(usecsPerDay, 0)); err != nil {
				return nil, err
			}
			r := new(apd.Decimal)
			decCtx.Add(r, apd.New(jd, 0), q)
			return r, nil
		case dtkTZ, dtkTZHour, dtkTZMinute:
			if !zoned {
				return nil, unitNotSupported(low, typ)
			}
			switch u {
			case dtkTZ:
				return intResult(int64(tm.gmtoff))
			case dtkTZHour:
				return intResult(int64(tm.gmtoff / 3600))
			}
			return intResult(int64(tm.gmtoff / 60 % 60))
		case dtkEpoch:
			sec, us := t.Unix(), int64(t.Nanosecond()/1000)
			if !numeric {
				return float64(sec*1e6+us) / 1e6, nil
			}
			x := new(big.Int).Mul(big.NewInt(sec), big.NewInt(1e6))
			x.Add(x, big.NewInt(us))
			return apd.NewWithBigInt(new(apd.BigInt).SetMathBigInt(x), -6), nil
		case dtkReserved:
			return nil, unitNotSupported(low, typ)
		}
		if n, ok := dateFieldPart(tm, u); ok {
			return intResult(n)
		}
		return nil, unitNotSupported(low, typ)
	}
}

// datePart is extract(field from date), which answers in whole numbers.
func datePart(_ *evalCtx, v []types.Datum) (types.Datum, error) {
	low := lowerUnits(v[0].(string))
	u := decodeUnits(low, true)
	d := v[1].(types.DDate)
	if d == types.DateInfinity || d == types.DateNegInfinity {
		return nonFinitePart(u, d == types.DateNegInfinity, true, low, types.Date)
	}
	switch u {
	case dtkNone:
		return nil, unitNotRecognized(low, types.Date)
	case dtkJulian:
		return apd.New(int64(d)+unixEpochJD, 0), nil
	case dtkEpoch:
		return apd.New(int64(d)*86400, 0), nil
	}
	if n, ok := dateFieldPart(tmOf(d.Time(), false), u); ok {
		return apd.New(n, 0), nil
	}
	return nil, unitNotSupported(low, types.Date)
}

// intervalPart is extract or date_part of an interval.
func intervalPart(numeric bool) evalFn {
	return func(_ *evalCtx, v []types.Datum) (types.Datum, error) {
		low := lowerUnits(v[0].(string))
		u := decodeUnits(low, true)
		iv := v[1].(types.DInterval)
		tm := intervalTM(iv)
		var n int64
		switch u {
		case dtkNone:
			return nil, unitNotRecognized(low, types.Interval)
		case dtkMicrosec:
			return fracPart(tm, 0, numeric), nil
		case dtkMillisec:
			return fracPart(tm, 3, numeric), nil
		case dtkSecond:
			return fracPart(tm, 6, numeric), nil
		case dtkMinute:
			n = int64(tm.min)
		case dtkHour:
			n = tm.hour
		case dtkDay:
			n = int64(tm.mday)
		case dtkMonth:
			n = int64(tm.mon)
		case dtkQuarter:
			n = int64(tm.mon/3 + 1)
		case dtkYear:
			n = int64(tm.year)
		case dtkDecade:
			n = int64(tm.year / 10)
		case dtkCentury:
			n = int64(tm.year / 100)
		case dtkMillennium:
			n = int64(tm.year / 1000)
		case dtkReserved:
			return nil, unitNotRecognized(low, types.Interval)
		case dtkEpoch:
			if !numeric {
				r := float64(iv.Micros) / 1e6
				r += 365.25 * 86400 * float64(iv.Months/12)
				r += 30 * 86400 * float64(iv.Months%12)
				r += 86400 * float64(iv.Days)
				return r, nil
			}
			secs := (1461*int64(iv.Months/12) + 120*int64(iv.Months%12) + 4*int64(iv.Days)) * (86400 / 4)
			x := new(big.Int).Mul(big.NewInt(secs), big.NewInt(1e6))
			x.Add(x, big.NewInt(iv.Micros))
			return apd.NewWithBigInt(new(apd.BigInt).SetMathBigInt(x), -6), nil
		default:
			return nil, unitNotSupported(low, types.Interval)
		}
		if numeric {
			return apd.New(n, 0), nil
		}
		return float64(n), nil
	}
}

// ageFn is age(a, b): a - b in years, months and days by the calendar,
// borrowing days from the month of the earlier argument's side.
func ageFn(typ types.T) evalFn {
	return func(e *evalCtx, v []types.Datum) (types.Datum, error) {
		// PostgreSQL reads +infinity as its raw largest value, but cannot
		// break -infinity's into fields.
		if v[0].(time.Time).Equal(types.TimestampNegInfinity) || v[1].(time.Time).Equal(types.TimestampNegInfinity) {
			return nil, pgerr.New(pgerr.DatetimeValueOutOfRange, "timestamp out of range")
		}
		t1, t2 := rawInfinity(v[0].(time.Time)), rawInfinity(v[1].(time.Time))
		a, b := tmOf(zonedTime(e, t1, typ), false), tmOf(zonedTime(e, t2, typ), false)
		usec := a.usec - b.usec
		sec, mi, h := a.sec-b.sec, a.min-b.min, int(a.hour-b.hour)
		d, mo, y := a.mday-b.mday, a.mon-b.mon, a.year-b.year
		neg := t1.Before(t2)
		if neg {
			usec, sec, mi, h, d, mo, y = -usec, -sec, -mi, -h, -d, -mo, -y
		}
		for usec < 0 {
			usec += 1e6
			sec--
		}
		for sec < 0 {
			sec += 60
			mi--
		}
		for mi < 0 {
			mi += 60
			h--
		}
		for h < 0 {
			h += 24
			d--
		}
		for d < 0 {
			from := b
			if neg {
				from = a
			}
			d += daysIn(from.year, from.mon)
			mo--
		}
		for mo < 0 {
			mo += 12
			y--
		}
		if neg {
			usec, sec, mi, h, d, mo, y = -usec, -sec, -mi, -h, -d, -mo, -y
		}
		return types.DInterval{
			Months: int32(y*12 + mo),
			Days:   int32(d),
			Micros: ((int64(h)*60+int64(mi))*60+int64(sec))*1e6 + int64(usec),
		}, nil
	}
}

// rawInfinity turns ±infinity into the timestamps PostgreSQL stores them
// as, the extremes of int64 microseconds since 2000, which PostgreSQL 15's
// age() reads as if they were finite.
func rawInfinity(t time.Time) time.Time {
	const pgEpochUnix = 946684800
	switch {
	case t.Equal(types.TimestampInfinity):
		return time.Unix(pgEpochUnix+math.MaxInt64/1000000, math.MaxInt64%1000000*1000).UTC()
	case t.Equal(types.TimestampNegInfinity):
		return time.Unix(pgEpochUnix+math.MinInt64/1000000, math.MinInt64%1000000*1000).UTC()
	}
	return t
}

func daysIn(y, m int) int { return time.Date(y, time.Month(m)+1, 0, 0, 0, 0, 0, time.UTC).Day() }

// minTimestamp is PostgreSQL's first timestamp, Julian day 0 (4714-11-24
// BC); maxTimestamp is past its last.
var (
	minTimestamp = time.Date(-4713, 11, 24, 0, 0, 0, 0, time.UTC)
	maxTimestamp = time.Date(294277, 1, 1, 0, 0, 0, 0, time.UTC)
)

// validateYMD is ValidateDate for make_date and make_timestamp, where a
// negative year is BC. It returns the astronomical year and the year as
// ValidateDate leaves it, which make_date's message shows; bad is 1 for a
// field out of range and 2 for a date outside the Julian day range.
func validateYMD(y, m, d int64) (year, shown int64, bad int) {
	year = y
	if y < 0 {
		year = -y
	}
	if year <= 0 {
		return 0, year, 1
	}
	if y < 0 {
		year = -(year - 1)
	}
	if m < 1 || m > 12 || d < 1 || d > 31 || d > int64(daysIn(int(year), int(m))) {
		return year, year, 1
	}
	if !(year > -4713 || (year == -4713 && m >= 11)) || !(year < 5874898 || (year == 5874898 && m < 6)) {
		return year, year, 2
	}
	return year, year, 0
}

func makeDate(_ *evalCtx, v []types.Datum) (types.Datum, error) {
	y, m, d := v[0].(int64), v[1].(int64), v[2].(int64)
	year, shown, bad := validateYMD(y, m, d)
	if bad == 1 {
		return nil, pgerr.New(pgerr.DatetimeFieldOverflow, "date field value out of range: %d-%02d-%02d", shown, m, d)
	}
	date := types.DateFromTime(time.Date(int(year), time.Month(m), int(d), 0, 0, 0, 0, time.UTC))
	if jd := int64(date) + unixEpochJD; bad == 2 || jd < 0 || jd >= 2147483494 {
		return nil, pgerr.New(pgerr.DatetimeValueOutOfRange, "date out of range: %d-%02d-%02d", shown, m, d)
	}
	return date, nil
}

// cFloatG formats f as C's %g does: six significant digits, trailing zeros
// dropped.
func cFloatG(f float64) string {
	s := strconv.FormatFloat(f, 'g', 6, 64)
	if i := strings.IndexByte(s, 'e'); i >= 0 {
		if len(s)-i == 3 { // e+5 -> e+05
			s = s[:i+2] + "0" + s[i+2:]
		}
	}
	return s
}

// makeWall builds make_timestamp's wall clock.
func makeWall(v []types.Datum) (time.Time, error) {
	y, m, d := v[0].(int64), v[1].(int64), v[2].(int64)
	h, mi, sec := v[3].(int64), v[4].(int64), v[5].(float64)
	year, _, bad := validateYMD(y, m, d)
	switch bad {
	case 1:
		return time.Time{}, pgerr.New(pgerr.DatetimeFieldOverflow, "date field value out of range: %d-%02d-%02d", y, m, d)
	case 2:
		return time.Time{}, pgerr.New(pgerr.DatetimeValueOutOfRange, "date out of range: %d-%02d-%02d", y, m, d)
	}
	us := math.RoundToEven(sec * 1e6)
	secText := cFloatG(sec)
	if len(secText) < 2 {
		secText = "0" + secText
	}
	if h < 0 || h > 24 || mi < 0 || mi >= 60 || math.IsNaN(sec) || us < 0 || us > 60e6 ||
		(h*60+mi)*60e6+int64(us) > usecsPerDay {
		return time.Time{}, pgerr.New(pgerr.DatetimeFieldOverflow, "time field value out of range: %d:%02d:%s", h, mi, secText)
	}
	t := time.Date(int(year), time.Month(m), int(d), 0, 0, 0, 0, time.UTC).Add(time.Duration((h*60+mi)*60e6+int64(us)) * time.Microsecond)
	if t.Before(minTimestamp) || !t.Before(maxTimestamp) {
		return time.Time{}, pgerr.New(pgerr.DatetimeValueOutOfRange, "timestamp out of range: %d-%02d-%02d %d:%02d:%s", y, m, d, h, mi, secText)
	}
	return t, nil
}

func makeTimestamp(_ *evalCtx, v []types.Datum) (types.Datum, error) { return makeWall(v) }

// makeTime is make_time(hour, min, sec): makeWall's checks, on a day of
// its own (24:00:00 is the day's end).
func makeTime(_ *evalCtx, v []types.Datum) (types.Datum, error) {
	wall, err := makeWall([]types.Datum{int64(2000), int64(1), int64(1), v[0], v[1], v[2]})
	if err != nil {
		return nil, err
	}
	return types.DTime(wall.Sub(time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)).Microseconds()), nil
}

func makeTimestampTZ(e *evalCtx, v []types.Datum) (types.Datum, error) {
	wall, err := makeWall(v)
	if err != nil {
		return nil, err
	}
	loc := e.sess.Settings.Location()
	if len(v) == 7 {
		name := v[6].(string)
		if off, ok := isoOffset(name); ok {
			return wall.Add(-time.Duration(off) * time.Second), nil
		}
		if loc, err = zoneNamed(name); err != nil {
			return nil, err
		}
	}
	return localToUTC(wall, loc), nil
}

// isoOffset reads a numeric zone (+HH, -HH:MM, +HHMM), east of UTC.
func isoOffset(s string) (int, bool) {
	if len(s) < 2 || (s[0] != '+' && s[0] != '-') {
		return 0, false
	}
	digits := strings.ReplaceAll(s[1:], ":", "")
	for _, c := range digits {
		if c < '0' || c > '9' {
			return 0, false
		}
	}
	var h, m, sec int
	switch len(digits) {
	case 1, 2:
		h, _ = strconv.Atoi(digits)
	case 3, 4:
		h, _ = strconv.Atoi(digits[:len(digits)-2])
		m, _ = strconv.Atoi(digits[len(digits)-2:])
	case 6:
		h, _ = strconv.Atoi(digits[:2])
		m, _ = strconv.Atoi(digits[2:4])
		sec, _ = strconv.Atoi(digits[4:])
	default:
		return 0, false
	}
	off := h*3600 + m*60 + sec
	if s[0] == '-' {
		off = -off
	}
	return off, true
}

func intervalOutOfRange() error {
	return pgerr.New(pgerr.DatetimeValueOutOfRange, "interval out of range")
}

// justifyFn is justify_hours (hours), justify_days (days) or
// justify_interval (both): 24 hours become a day, 30 days a month, and the
// fields end up with one sign.
func justifyFn(hours, days bool) evalFn {
	return func(_ *evalCtx, v []types.Datum) (types.Datum, error) {
		iv := v[0].(types.DInterval)
		months, d, us := int64(iv.Months), int64(iv.Days), iv.Micros
		if hours {
			d += us / usecsPerDay
			us %= usecsPerDay
			if d > math.MaxInt32 || d < math.MinInt32 {
				return nil, intervalOutOfRange()
			}
		}
		if days {
			months += d / 30
			d %= 30
			if months > math.MaxInt32 || months < math.MinInt32 {
				return nil, intervalOutOfRange()
			}
			timeSign := int64(0)
			if hours {
				timeSign = us
			}
			if months > 0 && (d < 0 || (d == 0 && timeSign < 0)) {
				d += 30
				months--
			} else if months < 0 && (d > 0 || (d == 0 && timeSign > 0)) {
				d -= 30
				months++
			}
		}
		if hours {
			if d > 0 && us < 0 {
				us += usecsPerDay
				d--
			} else if d < 0 && us > 0 {
				us -= usecsPerDay
				d++
			}
		}
		return types.DInterval{Months: int32(months), Days: int32(d), Micros: us}, nil
	}
}

// dateBin is date_bin(stride, source, origin): the start of the bin of
// width stride, counted from origin, that holds source.
func dateBin(_ *evalCtx, v []types.Datum) (types.Datum, error) {
	stride, src, origin := v[0].(types.DInterval), v[1].(time.Time), v[2].(time.Time)
	if isInfiniteTime(src) {
		return src, nil
	}
	if isInfiniteTime(origin) {
		return nil, pgerr.New(pgerr.DatetimeValueOutOfRange, "origin out of range")
	}
	if stride.Months != 0 {
		return nil, pgerr.New(pgerr.FeatureNotSupported, "timestamps cannot be binned into intervals containing months or years")
	}
	width := int64(stride.Days)*usecsPerDay + stride.Micros
	if width <= 0 {
		return nil, pgerr.New(pgerr.DatetimeValueOutOfRange, "stride must be greater than zero")
	}
	diff := src.Sub(origin).Microseconds()
	delta := diff - diff%width
	if diff%width < 0 {
		delta -= width
	}
	return origin.Add(time.Duration(delta) * time.Microsecond), nil
}

// toTimestamp is to_timestamp(seconds since 1970).
func toTimestamp(_ *evalCtx, v []types.Datum) (types.Datum, error) {
	s := v[0].(float64)
	switch {
	case math.IsNaN(s):
		return nil, pgerr.New(pgerr.DatetimeValueOutOfRange, "timestamp cannot be NaN")
	case math.IsInf(s, 1):
		return types.TimestampInfinity, nil
	case math.IsInf(s, -1):
		return types.TimestampNegInfinity, nil
	}
	lo := float64(types.TimestampNegInfinity.Unix())
	hi := float64(types.TimestampInfinity.Unix())
	us := math.RoundToEven(s * 1e6)
	if s < lo || s >= hi || us/1e6 < lo || us/1e6 >= hi {
		return nil, pgerr.New(pgerr.DatetimeValueOutOfRange, "timestamp out of range: \"%s\"", cFloatG(s))
	}
	sec := math.Floor(us / 1e6)
	return time.Unix(int64(sec), int64(us-sec*1e6)*1000).UTC(), nil
}

// to_char(timestamp|timestamptz|interval, text): formatting.c's DCH
// patterns.

type dchKey struct {
	name  string
	id    dchID
	digit bool // a numeric field, which takes a TH suffix
}

type dchID int

const (
	dchAD dchID = iota // A.D. and the like: AD/BC by the year
	dchAM              // AM/PM by the hour
	dchCC
	dchDAY
	dchDDD
	dchDD
	dchDY
	dchD
	dchFF1
	dchFF2
	dchFF3
	dchFF4
	dchFF5
	dchFF6
	dchFX
	dchHH24
	dchHH12
	dchIDDD
	dchIsoDow
	dchIW
	dchIYYY
	dchIYY
	dchIY
	dchI
	dchJ
	dchMI
	dchMM
	dchMONTH
	dchMON
	dchMS
	dchOF
	dchQ
	dchRM
	dchSSSS
	dchSS
	dchTZH
	dchTZM
	dchTZ
	dchUS
	dchWW
	dchW
	dchYYYY
	dchYYY
	dchYY
	dchY
	dchYComma
)

// dchKeywords is DCH_keywords in its order: the first name that prefixes
// the format wins. Letter case picks the output's case for words, so
// "MONTH", "Month" and "month" are told apart by name.
var dchKeywords = []dchKey{
	{"A.D.", dchAD, false}, {"A.M.", dchAM, false}, {"AD", dchAD, false}, {"AM", dchAM, false},
	{"B.C.", dchAD, false}, {"BC", dchAD, false},
	{"CC", dchCC, true},
	{"DAY", dchDAY, false}, {"DDD", dchDDD, true}, {"DD", dchDD, true}, {"DY", dchDY, false},
	{"Day", dchDAY, false}, {"Dy", dchDY, false}, {"D", dchD, true},
	{"FF1", dchFF1, true}, {"FF2", dchFF2, true}, {"FF3", dchFF3, true}, {"FF4", dchFF4, true},
	{"FF5", dchFF5, true}, {"FF6", dchFF6, true}, {"FX", dchFX, false},
	{"HH24", dchHH24, true}, {"HH12", dchHH12, true}, {"HH", dchHH12, true},
	{"IDDD", dchIDDD, true}, {"ID", dchIsoDow, true}, {"IW", dchIW, true}, {"IYYY", dchIYYY, true},
	{"IYY", dchIYY, true}, {"IY", dchIY, true}, {"I", dchI, true},
	{"J", dchJ, true},
	{"MI", dchMI, true}, {"MM", dchMM, true}, {"MONTH", dchMONTH, false}, {"MON", dchMON, false},
	{"MS", dchMS, true}, {"Month", dchMONTH, false}, {"Mon", dchMON, false},
	{"OF", dchOF, false},
	{"P.M.", dchAM, false}, {"PM", dchAM, false},
	{"Q", dchQ, true},
	{"RM", dchRM, false},
	{"SSSSS", dchSSSS, true}, {"SSSS", dchSSSS, true}, {"SS", dchSS, true},
	{"TZH", dchTZH, false}, {"TZM", dchTZM, false}, {"TZ", dchTZ, false},
	{"US", dchUS, true},
	{"WW", dchWW, true}, {"W", dchW, true},
	{"Y,YYY", dchYComma, true}, {"YYYY", dchYYYY, true}, {"YYY", dchYYY, true}, {"YY", dchYY, true},
	{"Y", dchY, true},
	{"a.d.", dchAD, false}, {"a.m.", dchAM, false}, {"ad", dchAD, false}, {"am", dchAM, false},
	{"b.c.", dchAD, false}, {"bc", dchAD, false},
	{"cc", dchCC, true},
	{"day", dchDAY, false}, {"ddd", dchDDD, true}, {"dd", dchDD, true}, {"dy", dchDY, false}, {"d", dchD, true},
	{"ff1", dchFF1, true}, {"ff2", dchFF2, true}, {"ff3", dchFF3, true}, {"ff4", dchFF4, true},
	{"ff5", dchFF5, true}, {"ff6", dchFF6, true}, {"fx", dchFX, false},
	{"hh24", dchHH24, true}, {"hh12", dchHH12, true}, {"hh", dchHH12, true},
	{"iddd", dchIDDD, true}, {"id", dchIsoDow, true}, {"iw", dchIW, true}, {"iyyy", dchIYYY, true},
	{"iyy", dchIYY, true}, {"iy", dchIY, true}, {"i", dchI, true},
	{"j", dchJ, true},
	{"mi", dchMI, true}, {"mm", dchMM, true}, {"month", dchMONTH, false}, {"mon", dchMON, false},
	{"ms", dchMS, true},
	{"of", dchOF, false},
	{"p.m.", dchAM, false}, {"pm", dchAM, false},
	{"q", dchQ, true},
	{"rm", dchRM, false},
	{"sssss", dchSSSS, true}, {"ssss", dchSSSS, true}, {"ss", dchSS, true},
	{"tzh", dchTZH, false}, {"tzm", dchTZM, false}, {"tz", dchTZ, false},
	{"us", dchUS, true},
	{"ww", dchWW, true}, {"w", dchW, true},
	{"y,yyy", dchYComma, true}, {"yyyy", dchYYYY, true}, {"yyy", dchYYY, true}, {"yy", dchYY, true},
	{"y", dchY, true},
}

// dchNode is one parsed piece of a format: a keyword with its FM/TM
// prefixes and TH/th suffix, or literal text.
type dchNode struct {
	key    *dchKey
	lit    string
	fm, tm bool
	th     int // 0, or 1 for TH, 2 for th
}

var dchFormats parsedCache[[]dchNode]

func parseDCH(f string) []dchNode {
	var out []dchNode
	for f != "" {
		var n dchNode
		switch {
		case strings.HasPrefix(f, "FM"), strings.HasPrefix(f, "fm"):
			n.fm = true
			f = f[2:]
		case strings.HasPrefix(f, "TM"), strings.HasPrefix(f, "tm"):
			n.tm = true
			f = f[2:]
		}
		if f == "" {
			break
		}
		for i := range dchKeywords {
			k := &dchKeywords[i]
			if k.name[0] == f[0] && strings.HasPrefix(f, k.name) {
				n.key = k
				break
			}
		}
		if n.key != nil {
			f = f[len(n.key.name):]
			switch {
			case strings.HasPrefix(f, "TH"):
				n.th, f = 1, f[2:]
			case strings.HasPrefix(f, "th"):
				n.th, f = 2, f[2:]
			case strings.HasPrefix(f, "SP"):
				f = f[2:]
			}
			out = append(out, n)
			continue
		}
		lits, rest := takeLiteral(f)
		for _, l := range lits {
			out = append(out, dchNode{lit: l})
		}
		f = rest
	}
	return out
}

var (
	monthNames = []string{"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"}
	dayNames   = []string{"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"}
	romanMonth = []string{"XII", "XI", "X", "IX", "VIII", "VII", "VI", "V", "IV", "III", "II", "I"}
)

// ordinalSuffix is get_th: the English ordinal suffix of the number that s ends
// with.
func ordinalSuffix(s string, upper bool) string {
	suffix := "th"
	if n := len(s); n > 0 && (n < 2 || s[n-2] != '1') {
		switch s[n-1] {
		case '1':
			suffix = "st"
		case '2':
			suffix = "nd"
		case '3':
			suffix = "rd"
		}
	}
	if upper {
		return strings.ToUpper(suffix)
	}
	return suffix
}

// zeroPad is C's "%0*d".
func zeroPad(n int64, width int) string {
	s := strconv.FormatInt(n, 10)
	neg := n < 0
	if neg {
		s = s[1:]
		width--
	}
	for len(s) < width {
		s = "0" + s
	}
	if neg {
		s = "-" + s
	}
	return s
}

// wordCase writes a name in the case the keyword was written in.
func wordCase(name, kw string) string {
	switch {
	case kw == strings.ToUpper(kw):
		return strings.ToUpper(name)
	case kw == strings.ToLower(kw):
		return strings.ToLower(name)
	}
	return name
}

// padWord is "%-9s" unless FM (or TM, which PostgreSQL does not pad).
func padWord(s string, n dchNode) string {
	if n.fm || n.tm {
		return s
	}
	for len(s) < 9 {
		s += " "
	}
	return s
}

func invalidForInterval() error {
	return pgerr.New(pgerr.InvalidDatetimeFormat, "invalid format specification for an interval value").
		WithHint("Intervals are not tied to specific calendar dates.")
}

// adjustYear shows a BC year as positive, except for intervals.
func adjustYear(y int, interval bool) int64 {
	if !interval && y <= 0 {
		return int64(-(y - 1))
	}
	return int64(y)
}

func dchToChar(typ types.T) evalFn {
	return func(e *evalCtx, v []types.Datum) (types.Datum, error) {
		format := v[1].(string)
		if format == "" {
			return nil, nil
		}
		var tm pgTM
		interval := typ.Oid == types.OidInterval
		if interval {
			tm = intervalTM(v[0].(types.DInterval))
			tm.yday = (tm.year*12+tm.mon)*30 + tm.mday
		} else {
			t := v[0].(time.Time)
			if isInfiniteTime(t) {
				return nil, nil
			}
			tm = tmOf(zonedTime(e, t, typ), typ.Oid == types.OidTimestampTZ)
		}
		nodes, _ := dchFormats.get(format, func(f string) ([]dchNode, error) { return parseDCH(f), nil })
		return formatDCH(nodes, tm, interval)
	}
}

func formatDCH(nodes []dchNode, tm pgTM, interval bool) (types.Datum, error) {
	var sb strings.Builder
	for _, n := range nodes {
		if n.key == nil {
			sb.WriteString(n.lit)
			continue
		}
		k := n.key
		width := func(w int) int {
			if n.fm {
				return 0
			}
			return w
		}
		num := func(x int64, w int) string { return zeroPad(x, width(w)) }
		signed := func(x int64, w int) string {
			if x < 0 {
				w++
			}
			return zeroPad(x, width(w))
		}
		var s string
		switch k.id {
		case dchAM:
			pm := tm.hour%24 >= 12
			word := map[bool]string{false: "AM", true: "PM"}[pm]
			if strings.Contains(k.name, ".") {
				word = word[:1] + "." + word[1:] + "."
			}
			s = wordCase(word, k.name)
		case dchAD:
			if interval {
				return nil, invalidForInterval()
			}
			word := "AD"
			if tm.year <= 0 {
				word = "BC"
			}
			if strings.Contains(k.name, ".") {
				word = word[:1] + "." + word[1:] + "."
			}
			s = wordCase(word, k.name)
		case dchHH12:
			h := tm.hour % 12
			if h == 0 {
				h = 12
			}
			if tm.hour < 0 {
				s = zeroPad(h, width(3))
			} else {
				s = zeroPad(h, width(2))
			}
		case dchHH24:
			s = signed(tm.hour, 2)
		case dchMI:
			s = signed(int64(tm.min), 2)
		case dchSS:
			s = signed(int64(tm.sec), 2)
		case dchFF1:
			s = zeroPad(int64(tm.usec/100000), 1)
		case dchFF2:
			s = zeroPad(int64(tm.usec/10000), 2)
		case dchFF3, dchMS:
			s = zeroPad(int64(tm.usec/1000), 3)
		case dchFF4:
			s = zeroPad(int64(tm.usec/100), 4)
		case dchFF5:
			s = zeroPad(int64(tm.usec/10), 5)
		case dchFF6, dchUS:
			s = zeroPad(int64(tm.usec), 6)
		case dchSSSS:
			s = strconv.FormatInt(tm.hour*3600+int64(tm.min*60+tm.sec), 10)
		case dchTZ:
			if interval {
				return nil, invalidForInterval()
			}
			s = tm.tzn
			if k.name == "tz" {
				s = strings.ToLower(s)
			}
		case dchTZH:
			if interval {
				return nil, invalidForInterval()
			}
			sign := "+"
			if tm.gmtoff < 0 {
				sign = "-"
			}
			s = sign + zeroPad(int64(absInt(tm.gmtoff)/3600), 2)
		case dchTZM:
			if interval {
				return nil, invalidForInterval()
			}
			s = zeroPad(int64(absInt(tm.gmtoff)%3600/60), 2)
		case dchOF:
			if interval {
				return nil, invalidForInterval()
			}
			sign := "+"
			if tm.gmtoff < 0 {
				sign = "-"
			}
			s = sign + zeroPad(int64(absInt(tm.gmtoff)/3600), width(2))
			if rest := absInt(tm.gmtoff) % 3600; rest != 0 {
				s += ":" + zeroPad(int64(rest/60), 2)
			}
		case dchMONTH, dchMON:
			if interval {
				return nil, invalidForInterval()
			}
			if tm.mon == 0 {
				continue
			}
			name := monthNames[tm.mon-1]
			if k.id == dchMON {
				s = wordCase(name[:3], k.name)
			} else {
				s = padWord(wordCase(name, k.name), n)
			}
		case dchMM:
			s = signed(int64(tm.mon), 2)
		case dchDAY, dchDY:
			if interval {
				return nil, invalidForInterval()
			}
			name := dayNames[tm.wday]
			if k.id == dchDY {
				s = wordCase(name[:3], k.name)
			} else {
				s = padWord(wordCase(name, k.name), n)
			}
		case dchDDD:
			s = num(int64(tm.yday), 3)
		case dchIDDD:
			iy, _ := isoYearWeek(tm.year, tm.mon, tm.mday)
			s = num(julianDay(tm.year, tm.mon, tm.mday)-isoWeekStart(iy)+1, 3)
		case dchDD:
			s = num(int64(tm.mday), 2)
		case dchD:
			if interval {
				return nil, invalidForInterval()
			}
			s = strconv.Itoa(tm.wday + 1)
		case dchIsoDow:
			if interval {
				return nil, invalidForInterval()
			}
			d := tm.wday
			if d == 0 {
				d = 7
			}
			s = strconv.Itoa(d)
		case dchWW:
			s = num(int64((tm.yday-1)/7+1), 2)
		case dchIW:
			_, w := isoYearWeek(tm.year, tm.mon, tm.mday)
			s = num(w, 2)
		case dchQ:
			if tm.mon == 0 {
				continue
			}
			s = strconv.Itoa((tm.mon-1)/3 + 1)
		case dchCC:
			var c int
			switch {
			case interval:
				c = tm.year / 100
			case tm.year > 0:
				c = (tm.year-1)/100 + 1
			default:
				c = tm.year/100 - 1
			}
			if c <= 99 && c >= -99 {
				s = signed(int64(c), 2)
			} else {
				s = strconv.Itoa(c)
			}
		case dchYComma:
			y := adjustYear(tm.year, interval)
			s = strconv.FormatInt(y/1000, 10) + "," + zeroPad(y-y/1000*1000, 3)
		case dchYYYY, dchYYY, dchYY, dchY, dchIYYY, dchIYY, dchIY, dchI:
			y := adjustYear(tm.year, interval)
			if k.id >= dchIYYY && k.id <= dchI {
				iy, _ := isoYearWeek(tm.year, tm.mon, tm.mday)
				y = adjustYear(iy, interval)
			}
			w := map[dchID]int{dchYYYY: 4, dchIYYY: 4, dchYYY: 3, dchIYY: 3, dchYY: 2, dchIY: 2, dchY: 1, dchI: 1}[k.id]
			mod := map[int]int64{4: 0, 3: 1000, 2: 100, 1: 10}[w]
			if adjustYear(tm.year, interval) < 0 {
				w++
			}
			if mod != 0 {
				y %= mod
			}
			if w <= 2 && mod == 10 {
				s = strconv.FormatInt(y, 10)
			} else {
				s = zeroPad(y, width(w))
			}
		case dchRM:
			if tm.mon == 0 && tm.year == 0 {
				continue
			}
			var i int
			switch {
			case tm.mon == 0 && tm.year >= 0:
				i = 0
			case tm.mon == 0:
				i = 11
			case tm.mon < 0:
				i = -(tm.mon + 1)
			default:
				i = 12 - tm.mon
			}
			s = romanMonth[i]
			if k.name == "rm" {
				s = strings.ToLower(s)
			}
			if !n.fm {
				for len(s) < 4 {
					s += " "
				}
			}
		case dchW:
			s = strconv.Itoa((tm.mday-1)/7 + 1)
		case dchJ:
			s = strconv.FormatInt(julianDay(tm.year, tm.mon, tm.mday), 10)
		case dchFX:
			continue
		}
		if n.th != 0 && k.digit {
			s += ordinalSuffix(s, n.th == 1)
		}
		sb.WriteString(s)
	}
	return sb.String(), nil
}

func absInt(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// takeLiteral consumes, at the start of a to_char format, a double-quoted
// text or a single character (a backslash escapes a quote), and returns its
// characters and the rest of the format.
func takeLiteral(f string) (lits []string, rest string) {
	if f[0] == '"' {
		f = f[1:]
		for f != "" {
			if f[0] == '"' {
				return lits, f[1:]
			}
			if f[0] == '\\' && len(f) > 1 {
				f = f[1:]
			}
			_, size := utf8.DecodeRuneInString(f)
			lits, f = append(lits, f[:size]), f[size:]
		}
		return lits, f
	}
	if f[0] == '\\' && len(f) > 1 && f[1] == '"' {
		f = f[1:]
	}
	_, size := utf8.DecodeRuneInString(f)
	return append(lits, f[:size]), f[size:]
}

// timeOfDayPart is extract or date_part of a time of day: the clock's
// fields, as of the interval since midnight; the calendar's are 0A000.
func timeOfDayPart(numeric bool) evalFn {
	part := onTimeAsInterval(intervalPart(numeric))
	return func(e *evalCtx, v []types.Datum) (types.Datum, error) {
		low := lowerUnits(v[0].(string))
		switch decodeUnits(low, true) {
		case dtkNone, dtkReserved:
			return nil, unitNotRecognized(low, types.Time)
		case dtkMicrosec, dtkMillisec, dtkSecond, dtkMinute, dtkHour, dtkEpoch:
			return part(e, v)
		}
		return nil, unitNotSupported(low, types.Time)
	}
}

// onTimeAsInterval runs f, a function of (text, interval), on a time of
// day as the interval since midnight: PostgreSQL's date_trunc and to_char
// reach time through its implicit cast to interval.
func onTimeAsInterval(f evalFn) evalFn {
	return func(e *evalCtx, v []types.Datum) (types.Datum, error) {
		return f(e, []types.Datum{v[0], types.DInterval{Micros: int64(v[1].(types.DTime))}})
	}
}
