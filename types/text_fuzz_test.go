package types

import (
	"testing"
	"time"
)

// FuzzParseText feeds the text input of the date/time, interval and
// numeric types any string: it may fail, never panic, and what it
// accepts formats back without panicking.
func FuzzParseText(f *testing.F) {
	for _, s := range []string{
		"2024-02-29", "2024-02-29 24:00:00", "infinity", "-infinity", "epoch", "1 day 02:03:04.5",
		"2562047788 hours", "-1.5 months ago", "NaN", "1e5", "-0.000", "2024-01-01 10:00 PST",
		"2024-03-10 02:30 America/New_York", "P1D", "", "  ", "1_000", "+05:30",
	} {
		f.Add(s)
	}
	loc, _ := LoadLocation("America/New_York")
	f.Fuzz(func(t *testing.T, s string) {
		for _, typ := range []T{Date, Timestamp, TimestampTZ, Interval, Numeric, Float4, Float8} {
			for _, l := range []*time.Location{time.UTC, loc} {
				d, err := ParseText(typ, s, l)
				if err != nil || d == nil {
					continue
				}
				opt := FormatOptions{Location: l, ExtraFloatDigits: 1}
				_ = AppendText(nil, typ, d, &opt)
			}
		}
	})
}
