package types

import (
	"encoding/hex"
	"math"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"
	_ "time/tzdata" // zone names work on hosts without a zone database
	"unicode"
	"unicode/utf8"

	"github.com/cockroachdb/apd/v3"

	"github.com/lattice-olap/lattice/pgerr"
)

// FormatOptions are the session settings that shape text output.
type FormatOptions struct {
	Location         *time.Location // TimeZone, for timestamptz; nil means UTC
	ExtraFloatDigits int            // extra_float_digits; > 0 means shortest exact
	// SearchPath is search_path, for the reg* types, which print a name
	// unqualified when search_path finds it.
	SearchPath string
}

// DefaultFormat is the output of a session with default settings.
var DefaultFormat = FormatOptions{Location: time.UTC, ExtraFloatDigits: 1}

// AppendText appends the text form of d, a non-NULL value of type t, as
// PostgreSQL's output function for t would write it.
func AppendText(b []byte, t T, d Datum, opt *FormatOptions) []byte {
	switch v := d.(type) {
	case bool:
		if v {
			return append(b, 't')
		}
		return append(b, 'f')
	case int64:
		if t.IsReg() {
			if name, ok := regText(t, v, opt); ok {
				return append(b, name...)
			}
		}
		return strconv.AppendInt(b, v, 10)
	case float64:
		return AppendFloat(b, v, t.Oid == OidFloat4, opt.ExtraFloatDigits)
	case *apd.Decimal:
		return append(b, FormatNumeric(v)...)
	case string:
		if e, _ := t.Elem(); e.Oid == OidTimestampTZ && opt != nil && opt.Location != nil && opt.Location != time.UTC {
			// An array of timestamptz is held in UTC; it prints in the
			// session's zone.
			if vals, err := ParseArray(t, v, time.UTC); err == nil {
				return append(b, FormatArray(t, vals, opt)...)
			}
		}
		return append(b, v...)
	case []byte:
		b = append(b, `\x`...)
		return hex.AppendEncode(b, v)
	case DDate:
		switch v {
		case DateInfinity:
			return append(b, "infinity"...)
		case DateNegInfinity:
			return append(b, "-infinity"...)
		}
		t := v.Time()
		return appendBC(appendDate(b, t), t)
	case time.Time:
		if v.Equal(TimestampInfinity) {
			return append(b, "infinity"...)
		} else if v.Equal(TimestampNegInfinity) {
			return append(b, "-infinity"...)
		}
		if t.Oid == OidTimestampTZ {
			loc := opt.Location
			if loc == nil {
				loc = time.UTC
			}
			lt := v.In(loc)
			b = appendDate(b, lt)
			b = append(b, ' ')
			b = appendClock(b, lt)
			return appendBC(appendOffset(b, lt), lt)
		}
		b = appendDate(b, v)
		b = append(b, ' ')
		return appendBC(appendClock(b, v), v)
	case DInterval:
		return appendInterval(b, v)
	case DTime:
		return appendTimeOfDay(b, v)
	}
	return append(b, "?"...)
}

// FormatText returns the text form of d, or "" with ok false for NULL.
func FormatText(t T, d Datum, opt *FormatOptions) (string, bool) {
	if d == nil {
		return "", false
	}
	return string(AppendText(nil, t, d, opt)), true
}

// FormatNumeric writes a decimal without exponent, as numeric_out does.
func FormatNumeric(v *apd.Decimal) string {
	switch v.Form {
	case apd.NaN, apd.NaNSignaling:
		return "NaN"
	case apd.Infinite:
		if v.Negative {
			return "-Infinity"
		}
		return "Infinity"
	}
	s := wholeExponent(v).Text('f')
	if s == "-0" {
		return "0"
	}
	if strings.HasPrefix(s, "-0") && strings.Trim(s, "-0.") == "" {
		return s[1:]
	}
	return s
}

// AppendFloat writes f as float4out/float8out do: shortest exact digits when
// extra_float_digits > 0, else rounded to DIG+extra significant digits; an
// exponent when the decimal exponent is below -4 or at least DIG.
func AppendFloat(b []byte, f float64, single bool, extra int) []byte {
	switch {
	case math.IsNaN(f):
		return append(b, "NaN"...)
	case math.IsInf(f, 1):
		return append(b, "Infinity"...)
	case math.IsInf(f, -1):
		return append(b, "-Infinity"...)
	}
	bits, dig := 64, 15
	if single {
		bits, dig = 32, 6
	}
	prec := -1
	if extra <= 0 {
		prec = dig + extra
		if prec < 1 {
			prec = 1
		}
	}
	// 'e' form gives the digits and the exponent; lay them out as %g would
	// with PostgreSQL's threshold.
	// prec counts significant digits; 'e' counts those after the point.
	ePrec := prec
	if prec > 0 {
		ePrec = prec - 1
	}
	var buf [40]byte
	e := strconv.AppendFloat(buf[:0], f, 'e', ePrec, bits)
	neg := e[0] == '-'
	if neg {
		e = e[1:]
	}
	ei := strings.IndexByte(string(e), 'e')
	mant, exp := e[:ei], e[ei+1:]
	x, _ := strconv.Atoi(string(exp))
	digits := strings.Replace(string(mant), ".", "", 1)
	if prec > 0 {
		digits = strings.TrimRight(digits, "0")
		if digits == "" {
			digits = "0"
		}
	}
	if neg {
		b = append(b, '-')
	}
	threshold := dig
	if prec > 0 {
		threshold = prec
	}
	if x < -4 || x >= threshold {
		b = append(b, digits[0])
		if len(digits) > 1 {
			b = append(b, '.')
			b = append(b, digits[1:]...)
		}
		b = append(b, 'e')
		if x < 0 {
			b = append(b, '-')
			x = -x
		} else {
			b = append(b, '+')
		}
		if x < 10 {
			b = append(b, '0')
		}
		return strconv.AppendInt(b, int64(x), 10)
	}
	if x < 0 {
		b = append(b, "0."...)
		for i := 0; i < -x-1; i++ {
			b = append(b, '0')
		}
		return append(b, digits...)
	}
	if len(digits) <= x+1 {
		b = append(b, digits...)
		for i := len(digits); i <= x; i++ {
			b = append(b, '0')
		}
		return b
	}
	b = append(b, digits[:x+1]...)
	b = append(b, '.')
	return append(b, digits[x+1:]...)
}

// appendDate writes the date part; years before 1 AD count back from 1 BC,
// and appendBC then ends the whole value with " BC", as PostgreSQL does.
func appendDate(b []byte, t time.Time) []byte {
	y, m, d := t.Date()
	if y <= 0 {
		y = 1 - y
	}
	b = appendPad(b, y, 4)
	b = append(b, '-')
	b = appendPad(b, int(m), 2)
	b = append(b, '-')
	return appendPad(b, d, 2)
}

func appendBC(b []byte, t time.Time) []byte {
	if t.Year() <= 0 {
		b = append(b, " BC"...)
	}
	return b
}

func appendClock(b []byte, t time.Time) []byte {
	h, mi, s := t.Clock()
	b = appendPad(b, h, 2)
	b = append(b, ':')
	b = appendPad(b, mi, 2)
	b = append(b, ':')
	b = appendPad(b, s, 2)
	return appendMicros(b, t.Nanosecond()/1000)
}

func appendMicros(b []byte, us int) []byte {
	if us == 0 {
		return b
	}
	var frac [6]byte
	for i := 5; i >= 0; i-- {
		frac[i] = byte('0' + us%10)
		us /= 10
	}
	n := 6
	for n > 0 && frac[n-1] == '0' {
		n--
	}
	b = append(b, '.')
	return append(b, frac[:n]...)
}

func appendOffset(b []byte, t time.Time) []byte {
	_, off := t.Zone()
	if off < 0 {
		b = append(b, '-')
		off = -off
	} else {
		b = append(b, '+')
	}
	b = appendPad(b, off/3600, 2)
	if rest := off % 3600; rest != 0 {
		b = append(b, ':')
		b = appendPad(b, rest/60, 2)
		if rest%60 != 0 {
			b = append(b, ':')
			b = appendPad(b, rest%60, 2)
		}
	}
	return b
}

func appendPad(b []byte, v, width int) []byte {
	s := strconv.Itoa(v)
	for i := len(s); i < width; i++ {
		b = append(b, '0')
	}
	return append(b, s...)
}

// appendInterval writes IntervalStyle 'postgres' as EncodeInterval does:
// a unit is plural unless its value is exactly 1 (so "-1 days"), and a
// positive field right after a negative one gets a "+" sign.
func appendInterval(b []byte, v DInterval) []byte {
	start := len(b)
	years, months := v.Months/12, v.Months%12
	isBefore := false
	part := func(n int64, unit string) {
		if n == 0 {
			return
		}
		if len(b) > start {
			b = append(b, ' ')
		}
		if isBefore && n > 0 {
			b = append(b, '+')
		}
		b = strconv.AppendInt(b, n, 10)
		b = append(b, ' ')
		b = append(b, unit...)
		if n != 1 {
			b = append(b, 's')
		}
		isBefore = n < 0
	}
	part(int64(years), "year")
	part(int64(months), "mon")
	part(int64(v.Days), "day")
	if v.Micros != 0 || len(b) == start {
		if len(b) > start {
			b = append(b, ' ')
		}
		us := v.Micros
		if us < 0 {
			b = append(b, '-')
			us = -us
		} else if isBefore {
			b = append(b, '+')
		}
		h := us / 3600e6
		us -= h * 3600e6
		m := us / 60e6
		us -= m * 60e6
		s := us / 1e6
		us -= s * 1e6
		b = appendPad(b, int(h), 2)
		b = append(b, ':')
		b = appendPad(b, int(m), 2)
		b = append(b, ':')
		b = appendPad(b, int(s), 2)
		b = appendMicros(b, int(us))
	}
	return b
}

// invalidInput is the error PostgreSQL's input functions raise.
func invalidInput(t T, s string) error {
	return pgerr.New(pgerr.InvalidTextRepresentation, "invalid input syntax for type %s: %q", t.String(), s)
}

func outOfRange(t T, s string) error {
	return pgerr.New(pgerr.NumericValueOutOfRange, "value %q is out of range for type %s", s, t.String())
}

// ParseText converts the text form s into a value of type t, as the type's
// input function does. loc interprets timestamptz values without an offset.
func ParseText(t T, s string, loc *time.Location) (Datum, error) {
	switch t.Family() {
	case BoolFamily:
		return parseBool(s)
	case IntFamily:
		return parseInt(t, s)
	case FloatFamily:
		return parseFloat(t, s)
	case NumericFamily:
		d, err := ParseNumeric(s)
		if err != nil {
			return nil, err
		}
		return CoerceNumeric(d, t)
	case StringFamily:
		return CoerceString(s, t)
	case BytesFamily:
		return parseBytea(s)
	case DateFamily:
		if at, ok := specialTime(s, loc); ok {
			return DateFromTime(at.In(locOrUTC(loc))), nil
		}
		return ParseDate(s)
	case TimestampFamily:
		if at, ok := specialTime(s, loc); ok {
			if t.Oid == OidTimestampTZ {
				return RoundTimestamp(at.UTC(), t.Typmod), nil
			}
			y, m, d := at.In(locOrUTC(loc)).Date()
			h, mi, sec := at.In(locOrUTC(loc)).Clock()
			return RoundTimestamp(time.Date(y, m, d, h, mi, sec, at.Nanosecond(), time.UTC), t.Typmod), nil
		}
		v, err := ParseTimestamp(s, t.Oid == OidTimestampTZ, loc)
		if err != nil {
			return nil, err
		}
		return RoundTimestamp(v.(time.Time), t.Typmod), nil
	case IntervalFamily:
		return ParseInterval(s)
	case TimeFamily:
		v, err := ParseTime(s, loc)
		if err != nil {
			return nil, err
		}
		return RoundTime(v.(DTime), t.Typmod), nil
	case ArrayFamily:
		vals, err := ParseArray(t, s, loc)
		if err != nil {
			return nil, err
		}
		return FormatArray(t, vals, nil), nil
	}
	return nil, pgerr.New(pgerr.FeatureNotSupported, "type %s has no input function", t)
}

func parseBool(s string) (Datum, error) {
	v := strings.ToLower(strings.TrimSpace(s))
	switch v {
	case "t", "tr", "tru", "true", "y", "ye", "yes", "on", "1":
		return true, nil
	case "f", "fa", "fal", "fals", "false", "n", "no", "of", "off", "0":
		if v == "o" {
			break
		}
		return false, nil
	}
	return nil, invalidInput(Bool, s)
}

// IntRange returns the bounds of an integer type.
func IntRange(t T) (lo, hi int64) {
	switch t.Oid {
	case OidInt2:
		return math.MinInt16, math.MaxInt16
	case OidInt4:
		return math.MinInt32, math.MaxInt32
	case OidOid:
		return 0, math.MaxUint32
	}
	return math.MinInt64, math.MaxInt64
}

func parseInt(t T, s string) (Datum, error) {
	v := strings.TrimSpace(s)
	n, err := strconv.ParseInt(strings.ReplaceAll(v, "_", ""), 10, 64)
	if err != nil {
		if ne, ok := err.(*strconv.NumError); ok && ne.Err == strconv.ErrRange {
			return nil, outOfRange(t, s)
		}
		return nil, invalidInput(t, s)
	}
	lo, hi := IntRange(t)
	if n < lo || n > hi {
		return nil, outOfRange(t, s)
	}
	return n, nil
}

func parseFloat(t T, s string) (Datum, error) {
	v := strings.TrimSpace(s)
	switch strings.ToLower(v) {
	case "nan":
		return math.NaN(), nil
	case "infinity", "+infinity", "inf", "+inf":
		return math.Inf(1), nil
	case "-infinity", "-inf":
		return math.Inf(-1), nil
	}
	bits := 64
	if t.Oid == OidFloat4 {
		bits = 32
	}
	f, err := strconv.ParseFloat(v, bits)
	if err != nil {
		if ne, ok := err.(*strconv.NumError); ok && ne.Err == strconv.ErrRange {
			// float4in/float8in word it without "value".
			return nil, pgerr.New(pgerr.NumericValueOutOfRange, "%q is out of range for type %s", s, t.String())
		}
		return nil, invalidInput(t, s)
	}
	if f == 0 && hasNonzeroMantissa(v) {
		// An underflow to zero is out of range too (float4in/float8in);
		// a subnormal result is not.
		return nil, pgerr.New(pgerr.NumericValueOutOfRange, "%q is out of range for type %s", s, t.String())
	}
	return f, nil
}

// hasNonzeroMantissa reports whether a float literal's digits before its
// exponent are not all zero.
func hasNonzeroMantissa(v string) bool {
	for _, c := range v {
		switch {
		case c == 'e' || c == 'E':
			return false
		case c >= '1' && c <= '9':
			return true
		}
	}
	return false
}

// ParseNumeric parses a numeric literal.
func ParseNumeric(s string) (*apd.Decimal, error) {
	v := strings.TrimSpace(s)
	switch strings.ToLower(v) {
	case "nan":
		return &apd.Decimal{Form: apd.NaN}, nil
	case "infinity", "+infinity", "inf":
		return &apd.Decimal{Form: apd.Infinite}, nil
	case "-infinity", "-inf":
		return &apd.Decimal{Form: apd.Infinite, Negative: true}, nil
	}
	d, _, err := apd.NewFromString(strings.ReplaceAll(v, "_", ""))
	if err != nil || d.Form != apd.Finite {
		return nil, invalidInput(Numeric, s)
	}
	return wholeExponent(d), nil
}

// wholeExponent writes d with exponent 0 when it has a positive one: a
// numeric has a display scale, never a negative one, so 1e5 is 100000 of
// scale 0 (and 1e3 * 1.5 is 1500.0, 1e5 - 1e5 is 0).
func wholeExponent(d *apd.Decimal) *apd.Decimal {
	if d.Form != apd.Finite || d.Exponent <= 0 {
		return d
	}
	r := new(apd.Decimal)
	ctx := apd.BaseContext.WithPrecision(uint32(d.NumDigits()) + uint32(d.Exponent) + 1)
	if _, err := ctx.Quantize(r, d, 0); err != nil {
		return d
	}
	return r
}

// CoerceNumeric rounds d to t's scale and checks its precision, as a cast to
// numeric(p,s) does.
func CoerceNumeric(d *apd.Decimal, t T) (*apd.Decimal, error) {
	if t.Typmod < 0 || d.Form == apd.NaN || d.Form == apd.NaNSignaling {
		return d, nil
	}
	p, s := t.NumericPrecisionScale()
	if d.Form == apd.Infinite {
		return nil, pgerr.New(pgerr.NumericValueOutOfRange, "numeric field overflow").
			WithDetail("A field with precision %d, scale %d cannot hold an infinite value.", p, s)
	}
	r := new(apd.Decimal)
	ctx := apd.BaseContext.WithPrecision(1000)
	ctx.Rounding = apd.RoundHalfUp
	if _, err := ctx.Quantize(r, d, -s); err != nil {
		return nil, pgerr.New(pgerr.NumericValueOutOfRange, "numeric field overflow")
	}
	intDigits := int64(r.NumDigits()) + int64(r.Exponent)
	if !r.IsZero() && intDigits > int64(p-s) {
		return nil, pgerr.New(pgerr.NumericValueOutOfRange, "numeric field overflow").
			WithDetail("A field with precision %d, scale %d must round to an absolute value less than 10^%d.", p, s, p-s)
	}
	return r, nil
}

// CoerceString applies varchar(n)/char(n) length rules to s.
func CoerceString(s string, t T) (Datum, error) {
	if t.Typmod < 0 || (t.Oid != OidVarchar && t.Oid != OidBpchar) {
		return s, nil
	}
	n := int(t.Typmod - 4)
	runes := []rune(s)
	if len(runes) > n {
		if strings.TrimRight(string(runes[n:]), " ") != "" {
			name := "character varying"
			if t.Oid == OidBpchar {
				name = "character"
			}
			return nil, pgerr.New(pgerr.StringDataRightTruncation, "value too long for type %s(%d)", name, n)
		}
		runes = runes[:n]
	}
	if t.Oid == OidBpchar {
		for len(runes) < n {
			runes = append(runes, ' ')
		}
	}
	return string(runes), nil
}

// decodeHex decodes bytea's hex format as hex_decode does: whitespace
// between bytes is skipped.
func decodeHex(s string) ([]byte, error) {
	out := make([]byte, 0, len(s)/2)
	digit := func(c byte) (byte, bool) {
		switch {
		case c >= '0' && c <= '9':
			return c - '0', true
		case c >= 'a' && c <= 'f':
			return c - 'a' + 10, true
		case c >= 'A' && c <= 'F':
			return c - 'A' + 10, true
		}
		return 0, false
	}
	bad := func(i int) error {
		_, n := utf8.DecodeRuneInString(s[i:])
		return pgerr.New(pgerr.InvalidParameterValue, "invalid hexadecimal digit: \"%s\"", s[i:i+n])
	}
	for i := 0; i < len(s); {
		if c := s[i]; c == ' ' || c == '\n' || c == '\t' || c == '\r' {
			i++
			continue
		}
		hi, ok := digit(s[i])
		if !ok {
			return nil, bad(i)
		}
		if i+1 >= len(s) {
			return nil, pgerr.New(pgerr.InvalidParameterValue, "invalid hexadecimal data: odd number of digits")
		}
		lo, ok := digit(s[i+1])
		if !ok {
			return nil, bad(i + 1)
		}
		out = append(out, hi<<4|lo)
		i += 2
	}
	return out, nil
}

func parseBytea(s string) (Datum, error) {
	if strings.HasPrefix(s, `\x`) {
		return decodeHex(s[2:])
	}
	// escape format
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '\\' {
			out = append(out, c)
			continue
		}
		if i+1 < len(s) && s[i+1] == '\\' {
			out = append(out, '\\')
			i++
			continue
		}
		if i+3 < len(s) {
			n, err := strconv.ParseUint(s[i+1:i+4], 8, 8)
			if err == nil {
				out = append(out, byte(n))
				i += 3
				continue
			}
		}
		return nil, invalidInput(Bytea, s)
	}
	return out, nil
}

// ParseDate parses ISO dates (YYYY-MM-DD, optionally followed by BC).
func ParseDate(s string) (Datum, error) {
	v := strings.TrimSpace(s)
	switch strings.ToLower(v) {
	case "infinity", "+infinity":
		return DateInfinity, nil
	case "-infinity":
		return DateNegInfinity, nil
	case "epoch":
		return DDate(0), nil
	}
	t, err := parseDateTime(v, false)
	if err != nil {
		return nil, dateTimeError(err, Date, s)
	}
	if reClock24.MatchString(v) {
		// date_in keeps the date of '2024-02-29 24:00:00'; the clock
		// rolled it over to the next day.
		t = t.AddDate(0, 0, -1)
	}
	return DateFromTime(t), nil
}

var reClock24 = regexp.MustCompile(`(^|[ T])24:00(:00(\.0*)?)?($|[ +-])`)

// specialTime resolves PostgreSQL's special date/time inputs: now (the
// current time), and today, tomorrow and yesterday (midnight in the zone
// loc). Like PostgreSQL, a constant written so is fixed when the
// statement is planned.
func specialTime(s string, loc *time.Location) (time.Time, bool) {
	loc = locOrUTC(loc)
	now := time.Now().Truncate(time.Microsecond)
	days := 0
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "now":
		return now, true
	case "today":
	case "tomorrow":
		days = 1
	case "yesterday":
		days = -1
	default:
		return time.Time{}, false
	}
	y, m, d := now.In(loc).Date()
	return time.Date(y, m, d+days, 0, 0, 0, 0, loc), true
}

func locOrUTC(loc *time.Location) *time.Location {
	if loc == nil {
		return time.UTC
	}
	return loc
}

// ParseTimestamp parses ISO timestamps: a date, optionally a time with
// fractional seconds, optionally (for timestamptz) an offset or zone name.
func ParseTimestamp(s string, tz bool, loc *time.Location) (Datum, error) {
	if loc == nil {
		loc = time.UTC
	}
	v := strings.TrimSpace(s)
	switch strings.ToLower(v) {
	case "infinity", "+infinity":
		return TimestampInfinity, nil
	case "-infinity":
		return TimestampNegInfinity, nil
	case "epoch":
		return time.Unix(0, 0).UTC(), nil
	}
	t, err := parseDateTimeIn(v, tz, loc)
	if err != nil {
		typ := Timestamp
		if tz {
			typ = TimestampTZ
		}
		return nil, dateTimeError(err, typ, s)
	}
	if !tz {
		y, m, d := t.Date()
		h, mi, sec := t.Clock()
		t = time.Date(y, m, d, h, mi, sec, t.Nanosecond(), time.UTC)
	}
	return t.UTC(), nil
}

// RoundTimestamp rounds t to the precision of timestamp(precision), half
// away from zero in PostgreSQL's epoch as AdjustTimestampForTypmod does; a
// negative precision (no typmod) leaves t as it is.
func RoundTimestamp(t time.Time, precision int32) time.Time {
	if precision < 0 || precision >= 6 || !FiniteTime(t) {
		return t
	}
	scale := int64(1)
	for i := precision; i < 6; i++ {
		scale *= 10
	}
	us := t.UnixMicro() - pgEpochMicros
	if us >= 0 {
		us = (us + scale/2) / scale * scale
	} else {
		us = -((-us + scale/2) / scale * scale)
	}
	return time.UnixMicro(us + pgEpochMicros).UTC()
}

func parseDateTime(v string, withTime bool) (time.Time, error) {
	return parseDateTimeIn(v, withTime, time.UTC)
}

// Date/time input failures, told apart as PostgreSQL's DateTimeParseError
// does: bad syntax (22007) or a field out of range (22008), where a month
// or day out of range may be a DateStyle mix-up.
var (
	errBadTime      = pgerr.New(pgerr.InvalidDatetimeFormat, "invalid datetime")
	errFieldRange   = pgerr.New(pgerr.DatetimeFieldOverflow, "date/time field value out of range")
	errMDFieldRange = pgerr.New(pgerr.DatetimeFieldOverflow, "date/time field value out of range (month or day)")
)

// dateTimeError turns a parse failure of s as type t into the error
// PostgreSQL raises.
func dateTimeError(err error, t T, s string) error {
	switch err {
	case errFieldRange:
		return pgerr.New(pgerr.DatetimeFieldOverflow, "date/time field value out of range: %q", s)
	case errMDFieldRange:
		return pgerr.New(pgerr.DatetimeFieldOverflow, "date/time field value out of range: %q", s).
			WithHint("Perhaps you need a different \"datestyle\" setting.")
	}
	name := t.String()
	if t.Oid == OidTimestamp {
		name = "timestamp" // the name timestamp_in reports, unlike format_type
	}
	return pgerr.New(pgerr.InvalidDatetimeFormat, "invalid input syntax for type %s: %q", name, s)
}

func parseZone(z string) (*time.Location, error) {
	z = strings.TrimSpace(z)
	if z == "Z" || z == "z" || strings.EqualFold(z, "UTC") || strings.EqualFold(z, "GMT") {
		return time.UTC, nil
	}
	if reNumOffset.MatchString(z) {
		sign := 1
		if z[0] == '-' {
			sign = -1
		}
		digits := strings.ReplaceAll(z[1:], ":", "")
		secs := 0
		switch len(digits) {
		case 1, 2:
			h, _ := strconv.Atoi(digits)
			secs = h * 3600
		case 4, 6:
			h, _ := strconv.Atoi(digits[:2])
			m, _ := strconv.Atoi(digits[2:4])
			secs = h*3600 + m*60
			if len(digits) == 6 {
				sec, _ := strconv.Atoi(digits[4:])
				secs += sec
			}
		default:
			return nil, errBadTime
		}
		if secs > 15*3600+59*60+59 {
			return nil, errFieldRange
		}
		return time.FixedZone("", sign*secs), nil
	}
	return LoadZone(z) // names and abbreviations (PST, CET), as PostgreSQL's input takes
}

var locations sync.Map // zone name -> *time.Location

// LoadLocation resolves a time zone name as the TimeZone setting accepts it:
// a zone of the database, or a POSIX-style offset ("+05:30", "UTC-3"),
// whose sign is west-positive as in POSIX and PostgreSQL ("+05" is five
// hours behind UTC). Results are cached: the zone database is read once
// per name.
func LoadLocation(name string) (*time.Location, error) {
	switch strings.ToUpper(name) {
	case "UTC", "GMT", "Z", "ZULU":
		return time.UTC, nil
	}
	if loc, ok := locations.Load(name); ok {
		return loc.(*time.Location), nil
	}
	loc, err := posixOffset(name)
	if loc == nil && err == nil {
		loc, err = time.LoadLocation(name)
	}
	if err != nil {
		return nil, err
	}
	locations.Store(name, loc)
	return loc, nil
}

var rePosixOffset = regexp.MustCompile(`^(?i:UTC|GMT)?([+-])(\d{1,2})(?::(\d{2}))?(?::(\d{2}))?$`)

// posixOffset reads "+05:30" or "UTC-3" as a fixed zone, west-positive;
// nil without an error for a string of another form.
func posixOffset(name string) (*time.Location, error) {
	m := rePosixOffset.FindStringSubmatch(name)
	if m == nil {
		return nil, nil
	}
	h, _ := strconv.Atoi(m[2])
	mi, _ := strconv.Atoi(m[3] + "0")
	sec, _ := strconv.Atoi(m[4] + "0")
	secs := h*3600 + mi/10*60 + sec/10
	if secs > 15*3600+59*60+59 || mi/10 > 59 || sec/10 > 59 {
		return nil, errFieldRange
	}
	if m[1] == "+" {
		secs = -secs
	}
	return time.FixedZone(name, secs), nil
}

// zoneAbbrevs are the time zone abbreviations of PostgreSQL's Default set
// that AT TIME ZONE and timezone() accept beside zone names (the TimeZone
// setting does not), as fixed offsets east of UTC, in seconds.
var zoneAbbrevs = map[string]int{
	"PST": -8 * 3600, "PDT": -7 * 3600, "MST": -7 * 3600, "MDT": -6 * 3600,
	"CST": -6 * 3600, "CDT": -5 * 3600, "EST": -5 * 3600, "EDT": -4 * 3600,
	"AKST": -9 * 3600, "AKDT": -8 * 3600, "HST": -10 * 3600, "AST": -4 * 3600, "ADT": -3 * 3600,
	"NST": -(3*3600 + 1800), "NDT": -(2*3600 + 1800),
	"WET": 0, "WEST": 3600, "BST": 3600, "CET": 3600, "CEST": 2 * 3600,
	"EET": 2 * 3600, "EEST": 3 * 3600, "MSK": 3 * 3600,
	"JST": 9 * 3600, "KST": 9 * 3600, "HKT": 8 * 3600, "AWST": 8 * 3600,
	"ACST": 9*3600 + 1800, "ACDT": 10*3600 + 1800, "AEST": 10 * 3600, "AEDT": 11 * 3600,
	"NZST": 12 * 3600, "NZDT": 13 * 3600,
}

// LoadZone resolves the zone of AT TIME ZONE and timezone(): an
// abbreviation (PST, CET), else as LoadLocation.
func LoadZone(name string) (*time.Location, error) {
	if off, ok := zoneAbbrevs[strings.ToUpper(name)]; ok {
		return time.FixedZone(strings.ToUpper(name), off), nil
	}
	return LoadLocation(name)
}

// ParseInterval parses the postgres and verbose interval forms ("1 year 2
// mons 3 days 04:05:06", "1 day", "-3 hours", "@ 2 days ago") and ISO
// 8601 durations ("P1Y2M3DT4H5M6S", "PT1.5S").
func ParseInterval(s string) (Datum, error) {
	var iv DInterval
	if t := strings.TrimSpace(s); strings.HasPrefix(t, "P") {
		if t != s {
			return nil, dateTimeError(errBadTime, Interval, s) // no spaces around ISO 8601
		}
		return parseISOInterval(t, s)
	}
	fields := strings.Fields(strings.ToLower(strings.TrimSpace(s)))
	if len(fields) == 0 {
		return nil, dateTimeError(errBadTime, Interval, s)
	}
	ago := false
	if fields[len(fields)-1] == "ago" {
		ago = true
		fields = fields[:len(fields)-1]
	}
	for i := 0; i < len(fields); i++ {
		f := strings.TrimPrefix(fields[i], "@")
		if f == "" {
			continue
		}
		// "1 month - 1 day": a lone sign belongs to the next number.
		if (f == "-" || f == "+") && i+1 < len(fields) {
			i++
			f += fields[i]
		}
		if strings.Contains(f, ":") {
			us, err := parseClockInterval(f)
			if err == errFieldRange { // 61 minutes
				return nil, pgerr.New(pgerr.IntervalFieldOverflow, "interval field value out of range: %q", s)
			}
			if err != nil {
				return nil, dateTimeError(errBadTime, Interval, s)
			}
			iv.Micros += us
			continue
		}
		num, unit := f, ""
		if j := strings.IndexFunc(f, func(r rune) bool { return (r < '0' || r > '9') && r != '.' && r != '-' && r != '+' }); j > 0 {
			num, unit = f[:j], f[j:]
		} else if i+1 < len(fields) {
			unit = fields[i+1]
			i++
		}
		if strings.Trim(num, "+-.0123456789") != "" || strings.IndexFunc(num, unicode.IsDigit) < 0 {
			return nil, dateTimeError(errBadTime, Interval, s) // no NaN, Inf
		}
		n, err := strconv.ParseFloat(num, 64)
		if err != nil {
			return nil, dateTimeError(errBadTime, Interval, s)
		}
		ok := true
		switch strings.TrimSuffix(unit, "s") {
		case "microsecond", "us", "usec":
			ok = iv.addMicros(n)
		case "millisecond", "ms", "msec":
			ok = iv.addMicros(n * 1e3)
		case "second", "sec", "":
			ok = iv.addMicros(n * 1e6)
		case "minute", "min", "m":
			ok = iv.addMicros(n * 60e6)
		case "hour", "hr", "h":
			ok = iv.addMicros(n * 3600e6)
		case "day", "d":
			whole := math.Trunc(n)
			ok = iv.addDays(whole) && iv.addMicros((n-whole)*86400e6)
		case "week", "w":
			d := n * 7
			whole := math.Trunc(d)
			ok = iv.addDays(whole) && iv.addMicros((d-whole)*86400e6)
		case "mon", "month":
			whole := math.Trunc(n)
			ok = iv.addMonths(whole) && iv.addDays(math.Round((n-whole)*30))
		case "year", "yr", "y":
			ok = iv.addMonths(math.Round(n * 12))
		case "decade":
			ok = iv.addMonths(math.Round(n * 120))
		case "century", "centurie":
			ok = iv.addMonths(math.Round(n * 1200))
		default:
			return nil, dateTimeError(errBadTime, Interval, s)
		}
		if !ok {
			return nil, pgerr.New(pgerr.IntervalFieldOverflow, "interval field value out of range: %q", s)
		}
	}
	if ago {
		neg, ok := iv.Negate()
		if !ok {
			return nil, pgerr.New(pgerr.IntervalFieldOverflow, "interval field value out of range: %q", s)
		}
		iv = neg
	}
	return iv, nil
}

// parseISOInterval parses an ISO 8601 duration, upper case as PostgreSQL
// wants it: P[nY][nM][nW][nD][T[nH][nM][nS]], each n an optionally signed,
// optionally fractional number; fractions carry down as in the verbose
// form (a month is 30 days).
func parseISOInterval(d, s string) (Datum, error) {
	var iv DInterval
	rest, clock := d[1:], false
	if rest == "" {
		return nil, dateTimeError(errBadTime, Interval, s)
	}
	for rest != "" {
		if rest[0] == 'T' && !clock {
			clock, rest = true, rest[1:]
			continue
		}
		j := strings.IndexFunc(rest, func(r rune) bool { return (r < '0' || r > '9') && r != '.' && r != '-' })
		if j <= 0 {
			return nil, dateTimeError(errBadTime, Interval, s)
		}
		n, err := strconv.ParseFloat(rest[:j], 64)
		if err != nil {
			return nil, dateTimeError(errBadTime, Interval, s)
		}
		unit := rest[j]
		rest = rest[j+1:]
		whole := math.Trunc(n)
		ok := true
		switch {
		case !clock && unit == 'Y':
			ok = iv.addMonths(math.Round(n * 12))
		case !clock && unit == 'M':
			ok = iv.addMonths(whole) && iv.addDays(math.Round((n-whole)*30))
		case !clock && unit == 'W':
			d := n * 7
			ok = iv.addDays(math.Trunc(d)) && iv.addMicros((d-math.Trunc(d))*86400e6)
		case !clock && unit == 'D':
			ok = iv.addDays(whole) && iv.addMicros((n-whole)*86400e6)
		case clock && unit == 'H':
			ok = iv.addMicros(n * 3600e6)
		case clock && unit == 'M':
			ok = iv.addMicros(n * 60e6)
		case clock && unit == 'S':
			ok = iv.addMicros(n * 1e6)
		default:
			return nil, dateTimeError(errBadTime, Interval, s)
		}
		if !ok {
			return nil, pgerr.New(pgerr.IntervalFieldOverflow, "interval field value out of range: %q", s)
		}
	}
	return iv, nil
}

// addMicros, addDays and addMonths add to one field of iv (rounded to a
// whole number), reporting false when it leaves the field's range.
func (iv *DInterval) addMicros(x float64) bool {
	r := math.RoundToEven(x)
	if math.IsNaN(r) || r < math.MinInt64 || r >= math.MaxInt64 {
		return false
	}
	sum := iv.Micros + int64(r)
	if (r > 0 && sum < iv.Micros) || (r < 0 && sum > iv.Micros) {
		return false
	}
	iv.Micros = sum
	return true
}

func (iv *DInterval) addDays(x float64) bool {
	r, ok := checkedAdd(float64(iv.Days), x, math.MinInt32, math.MaxInt32)
	iv.Days = int32(r)
	return ok
}

func (iv *DInterval) addMonths(x float64) bool {
	r, ok := checkedAdd(float64(iv.Months), x, math.MinInt32, math.MaxInt32)
	iv.Months = int32(r)
	return ok
}

// checkedAdd is a + round(x) when it lies in [lo, hi].
func checkedAdd(a, x, lo, hi float64) (float64, bool) {
	r := a + math.RoundToEven(x)
	if math.IsNaN(r) || r < lo || r >= hi+1 {
		return 0, false
	}
	return r, true
}

// Negate is -iv, false when a field has no negation in range.
func (iv DInterval) Negate() (DInterval, bool) {
	if iv.Months == math.MinInt32 || iv.Days == math.MinInt32 || iv.Micros == math.MinInt64 {
		return DInterval{}, false
	}
	return DInterval{-iv.Months, -iv.Days, -iv.Micros}, true
}

// AddIntervals is a + b field by field (interval_pl), false on overflow.
func AddIntervals(a, b DInterval) (DInterval, bool) {
	m := int64(a.Months) + int64(b.Months)
	d := int64(a.Days) + int64(b.Days)
	us := a.Micros + b.Micros
	if m < math.MinInt32 || m > math.MaxInt32 || d < math.MinInt32 || d > math.MaxInt32 ||
		(a.Micros > 0 && b.Micros > 0 && us < 0) || (a.Micros < 0 && b.Micros < 0 && us >= 0) {
		return DInterval{}, false
	}
	return DInterval{int32(m), int32(d), us}, true
}

func parseClockInterval(f string) (int64, error) {
	neg := strings.HasPrefix(f, "-")
	f = strings.TrimLeft(f, "+-")
	parts := strings.Split(f, ":")
	if len(parts) > 3 {
		return 0, errBadTime
	}
	var us int64
	mult := []float64{3600e6, 60e6, 1e6}
	for i, p := range parts {
		n, err := strconv.ParseFloat(p, 64)
		if err != nil {
			return 0, err
		}
		if i > 0 && (n < 0 || n >= 60) {
			return 0, errFieldRange // minutes and seconds stay under 60
		}
		us += int64(math.Round(n * mult[i]))
	}
	if neg {
		us = -us
	}
	return us, nil
}
