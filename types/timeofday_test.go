package types

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/lattice-olap/lattice/pgerr"
)

func TestParseTime(t *testing.T) {
	for in, want := range map[string]string{
		"08:00":                     "08:00:00",
		" 9:05:07.5 ":               "09:05:07.5",
		"23:59:59.999999":           "23:59:59.999999",
		"24:00":                     "24:00:00",
		"12:00 am":                  "00:00:00",
		"12:15 PM":                  "12:15:00",
		"1:02:03 pm":                "13:02:03",
		"2024-01-02 03:04:05":       "03:04:05",
		"2024-01-02T03:04:05.25":    "03:04:05.25",
		"03:04:05+02":               "03:04:05",
		"03:04:05 America/New_York": "03:04:05",
		"allballs":                  "00:00:00",
		"1:2":                       "01:02:00",
		"0:0":                       "00:00:00",
		"010203":                    "01:02:03",
		"1234":                      "12:34:00",
		"102030.5":                  "10:20:30.5",
		"T10:00":                    "10:00:00",
		"10:00:00.1234565":          "10:00:00.123456",
	} {
		v, err := ParseTime(in, time.UTC)
		require.NoError(t, err, in)
		require.Equal(t, want, string(AppendText(nil, Time, v, nil)), in)
		// The binary form round-trips.
		back, err := ParseBinary(Time, AppendBinary(nil, Time, v))
		require.NoError(t, err, in)
		require.Equal(t, v, back, in)
	}
	for in, code := range map[string]pgerr.Code{
		"24:00:01":         pgerr.DatetimeFieldOverflow,
		"10:60":            pgerr.DatetimeFieldOverflow,
		"13:00 pm":         pgerr.DatetimeFieldOverflow,
		"noon":             pgerr.InvalidDatetimeFormat,
		"":                 pgerr.InvalidDatetimeFormat,
		"2024-13-01 10:00": pgerr.DatetimeFieldOverflow,
	} {
		_, err := ParseTime(in, time.UTC)
		require.Equal(t, code, pgerr.CodeOf(err), in)
	}
	require.Equal(t, DTime(36_672_350_000), RoundTime(DTime(36_672_345_678), 2))
	require.Equal(t, DTime(MicrosPerDay), RoundTime(DTime(MicrosPerDay-1), 0), "rounding can reach 24:00:00")
}
