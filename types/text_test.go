package types

import (
	"math"
	"testing"
	"time"

	"github.com/lattice-olap/lattice/pgerr"
)

// The expected strings in this file come from PostgreSQL 15 (psql, with
// the extra_float_digits and TimeZone shown).

func TestAppendFloat(t *testing.T) {
	cases := []struct {
		f      float64
		single bool
		extra  int
		want   string
	}{
		// extra_float_digits = 1 (the default): shortest exact digits.
		{123456789012345, false, 1, "123456789012345"},
		{1e14, false, 1, "100000000000000"},
		{999999999999999, false, 1, "999999999999999"},
		{1234567890123456, false, 1, "1.234567890123456e+15"},
		{1e15, false, 1, "1e+15"},
		{0.00012345, false, 1, "0.00012345"},
		{0.000012345, false, 1, "1.2345e-05"},
		{-1.5, false, 1, "-1.5"},
		{0.1, false, 1, "0.1"},
		{1e6, true, 1, "1e+06"},
		{1e5, true, 1, "100000"},
		{1234567, true, 1, "1.234567e+06"},
		{float64(float32(3.4028235e38)), true, 1, "3.4028235e+38"},
		{float64(float32(1.17549435e-38)), true, 1, "1.1754944e-38"},
		{5e-324, false, 1, "5e-324"},
		{math.MaxFloat64, false, 1, "1.7976931348623157e+308"},
		{1.0 / 3, false, 2, "0.3333333333333333"},
		{123456789012345678, false, 2, "1.2345678901234568e+17"},
		// extra_float_digits = 0: DBL_DIG (15) or FLT_DIG (6) significant digits.
		{1.0 / 3, false, 0, "0.333333333333333"},
		{100, false, 0, "100"},
		{1e15, false, 0, "1e+15"},
		{123456789012345, false, 0, "123456789012345"},
		{1234567890123456, false, 0, "1.23456789012346e+15"},
		{1e-5, false, 0, "1e-05"},
		{0.0001, false, 0, "0.0001"},
		{1.5e300, false, 0, "1.5e+300"},
		{-2.0 / 3, false, 0, "-0.666666666666667"},
		{1e6, true, 0, "1e+06"},
		{float64(float32(123456.7)), true, 0, "123457"},
		{float64(float32(0.1)), true, 0, "0.1"},
		// extra_float_digits = -15: one significant digit.
		{1.0 / 3, false, -15, "0.3"},
		{100, false, -15, "1e+02"},
		{15, false, -15, "2e+01"},
		{0.0123, false, -15, "0.01"},
		{math.NaN(), false, 1, "NaN"},
		{math.Inf(-1), false, 0, "-Infinity"},
	}
	for _, c := range cases {
		if got := string(AppendFloat(nil, c.f, c.single, c.extra)); got != c.want {
			t.Errorf("AppendFloat(%v, single=%v, extra=%d) = %q, want %q", c.f, c.single, c.extra, got, c.want)
		}
	}
}

func TestAppendTextInterval(t *testing.T) {
	const day = 86400e6
	cases := []struct {
		iv   DInterval
		want string
	}{
		{DInterval{Days: -1}, "-1 days"},
		{DInterval{Months: 1, Days: -1}, "1 mon -1 days"},
		{DInterval{Months: -14, Days: 3, Micros: -(4*3600e6 + 5*60e6 + 6e6)}, "-1 years -2 mons +3 days -04:05:06"},
		{DInterval{Days: -1, Micros: -1e6}, "-1 days -00:00:01"},
		{DInterval{Days: 1, Micros: -1e6}, "1 day -00:00:01"},
		{DInterval{Months: -1, Days: 2}, "-1 mons +2 days"},
		{DInterval{Months: 11}, "11 mons"},
		{DInterval{Micros: -5e5}, "-00:00:00.5"},
		{DInterval{Months: 13, Days: 1, Micros: 1e6}, "1 year 1 mon 1 day 00:00:01"},
		{DInterval{Months: -24}, "-2 years"},
		{DInterval{Months: 14}, "1 year 2 mons"},
		{DInterval{Months: -14}, "-1 years -2 mons"},
		{DInterval{}, "00:00:00"},
		{DInterval{Micros: 36 * 3600e6}, "36:00:00"},
		{DInterval{Days: 1, Micros: day / 2}, "1 day 12:00:00"},
		{DInterval{Months: 14, Days: 3, Micros: 4*3600e6 + 5*60e6 + 6.7e6}, "1 year 2 mons 3 days 04:05:06.7"},
	}
	for _, c := range cases {
		if got := string(AppendText(nil, Interval, c.iv, &DefaultFormat)); got != c.want {
			t.Errorf("AppendText(%+v) = %q, want %q", c.iv, got, c.want)
		}
	}
}

func TestAppendTextTimestamp(t *testing.T) {
	ny, err := LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	kolkata, err := LoadLocation("Asia/Kolkata")
	if err != nil {
		t.Fatal(err)
	}
	ts := time.Date(2024, 2, 29, 13, 14, 15, 500000000, time.UTC)
	cases := []struct {
		typ  T
		v    Datum
		loc  *time.Location
		want string
	}{
		{Timestamp, ts, time.UTC, "2024-02-29 13:14:15.5"},
		{TimestampTZ, ts, time.UTC, "2024-02-29 13:14:15.5+00"},
		{TimestampTZ, ts, ny, "2024-02-29 08:14:15.5-05"},
		{TimestampTZ, ts, kolkata, "2024-02-29 18:44:15.5+05:30"},
		{TimestampTZ, time.Date(2024, 7, 1, 12, 0, 0, 0, time.UTC), ny, "2024-07-01 08:00:00-04"},
		{Timestamp, time.Date(1999, 12, 31, 23, 59, 59, 999999000, time.UTC), time.UTC, "1999-12-31 23:59:59.999999"},
		{Timestamp, time.Date(0, 1, 1, 0, 0, 0, 0, time.UTC), time.UTC, "0001-01-01 00:00:00 BC"},
		{Date, DateFromTime(ts), time.UTC, "2024-02-29"},
	}
	for _, c := range cases {
		opt := FormatOptions{Location: c.loc, ExtraFloatDigits: 1}
		if got := string(AppendText(nil, c.typ, c.v, &opt)); got != c.want {
			t.Errorf("AppendText(%s, %v, %s) = %q, want %q", c.typ, c.v, c.loc, got, c.want)
		}
	}
}

func TestRoundTimestamp(t *testing.T) {
	cases := []struct {
		in   time.Time
		prec int32
		want time.Time
	}{
		{time.Date(2024, 1, 1, 0, 0, 0, 500000000, time.UTC), 0, time.Date(2024, 1, 1, 0, 0, 1, 0, time.UTC)},
		{time.Date(2024, 1, 1, 0, 0, 0, 123456000, time.UTC), 3, time.Date(2024, 1, 1, 0, 0, 0, 123000000, time.UTC)},
		{time.Date(2024, 1, 1, 0, 0, 0, 123456000, time.UTC), 6, time.Date(2024, 1, 1, 0, 0, 0, 123456000, time.UTC)},
		{time.Date(2024, 1, 1, 0, 0, 0, 123456000, time.UTC), -1, time.Date(2024, 1, 1, 0, 0, 0, 123456000, time.UTC)},
		// Before 2000, half rounds away from zero in PostgreSQL's epoch:
		// towards the past.
		{time.Date(1999, 12, 31, 23, 59, 59, 500000000, time.UTC), 0, time.Date(1999, 12, 31, 23, 59, 59, 0, time.UTC)},
		{time.Date(1999, 12, 31, 23, 59, 59, 600000000, time.UTC), 0, time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)},
	}
	for _, c := range cases {
		if got := RoundTimestamp(c.in, c.prec); !got.Equal(c.want) {
			t.Errorf("RoundTimestamp(%v, %d) = %v, want %v", c.in, c.prec, got, c.want)
		}
	}
}

func TestParseDateTimeErrors(t *testing.T) {
	cases := []struct {
		typ     T
		in      string
		code    pgerr.Code
		message string
		hint    bool
	}{
		{Date, "x", pgerr.InvalidDatetimeFormat, `invalid input syntax for type date: "x"`, false},
		{Date, "2024-13-01", pgerr.DatetimeFieldOverflow, `date/time field value out of range: "2024-13-01"`, true},
		{Date, "2024-01-32", pgerr.DatetimeFieldOverflow, `date/time field value out of range: "2024-01-32"`, true},
		{Date, "2024-02-30", pgerr.DatetimeFieldOverflow, `date/time field value out of range: "2024-02-30"`, false},
		{Timestamp, "2024-01-01 25:00", pgerr.DatetimeFieldOverflow, `date/time field value out of range: "2024-01-01 25:00"`, false},
		{Timestamp, "2024-01-01 x", pgerr.InvalidDatetimeFormat, `invalid input syntax for type timestamp: "2024-01-01 x"`, false},
		{TimestampTZ, "x", pgerr.InvalidDatetimeFormat, `invalid input syntax for type timestamp with time zone: "x"`, false},
		{Interval, "1 fortnight", pgerr.InvalidDatetimeFormat, `invalid input syntax for type interval: "1 fortnight"`, false},
	}
	for _, c := range cases {
		_, err := ParseText(c.typ, c.in, time.UTC)
		e := pgerr.From(err)
		if err == nil || e.Code != c.code || e.Message != c.message || (e.Hint != "") != c.hint {
			t.Errorf("ParseText(%s, %q) = %v (%s, hint %q), want %s %q", c.typ, c.in, err, e.Code, e.Hint, c.code, c.message)
		}
	}
	// Rolling over is fine: 24:00:00 is the next midnight.
	v, err := ParseText(Timestamp, "2024-01-01 24:00:00", time.UTC)
	if err != nil || !v.(time.Time).Equal(time.Date(2024, 1, 2, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("24:00:00 = %v, %v", v, err)
	}
}
