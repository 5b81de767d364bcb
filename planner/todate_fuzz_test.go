package planner

import (
	"testing"
)

// FuzzToDateTemplate feeds to_date/to_timestamp's template reader any
// input and template: it may fail, never panic, and a date it returns is
// a real one.
func FuzzToDateTemplate(f *testing.F) {
	for _, s := range [][2]string{
		{"2024-02-29", "YYYY-MM-DD"}, {"29/02/2024", "DD/MM/YYYY"}, {"05 Mar 2021", "DD Mon YYYY"},
		{"March 5, 2021", "Month DD, YYYY"}, {"2024-01-02 11:30 PM", "YYYY-MM-DD HH:MI AM"},
		{"2024-01-02 10:00 +05:30", "YYYY-MM-DD HH24:MI TZH:TZM"}, {"2024 060", "YYYY DDD"},
		{"12.5", "SS.FF3"}, {"", ""}, {"-", "Y,YYY"}, {"999999999999", "YYYY"},
	} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, input, format string) {
		p, err := parseWithTemplate(input, format)
		if err != nil {
			return
		}
		wall, err := p.wallClock(input)
		if err != nil {
			return
		}
		if wall.Month() < 1 || wall.Month() > 12 || wall.Day() < 1 || wall.Day() > 31 {
			t.Fatalf("%q with %q gave %v", input, format, wall)
		}
	})
}
