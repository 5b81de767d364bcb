package cube

import (
	"fmt"
	"strings"
	"time"

	"github.com/lattice-olap/lattice/pgerr"
	"github.com/lattice-olap/lattice/types"
)

// Range is a half-open range [Start, End) of partition values in their
// canonical text (see Partition.Canonical); "" is unbounded on that side.
// Canonical texts of one partition column compare like the values.
type Range struct {
	Start, End string
}

// Full is the unbounded range: the whole table, as a build without SEGMENT
// FROM ... TO covers it.
var Full = Range{}

// String shows the range as SHOW SEGMENTS does.
func (r Range) String() string {
	s, e := r.Start, r.End
	if s == "" {
		s = "-infinity"
	}
	if e == "" {
		e = "infinity"
	}
	return "[" + s + ", " + e + ")"
}

// Empty reports a range holding no value.
func (r Range) Empty() bool { return r.Start != "" && r.End != "" && r.Start >= r.End }

// Overlaps reports whether the ranges share a value.
func (r Range) Overlaps(o Range) bool {
	return !r.Empty() && !o.Empty() && before(r.Start, o.End) && before(o.Start, r.End)
}

// Contains reports whether every value of o is in r.
func (r Range) Contains(o Range) bool {
	return (r.Start == "" || (o.Start != "" && o.Start >= r.Start)) && (r.End == "" || (o.End != "" && o.End <= r.End))
}

// before reports start < end where "" is -infinity for start and
// +infinity for end.
func before(start, end string) bool { return start == "" || end == "" || start < end }

// Gaps returns the parts of want that no range of have covers, in order.
func Gaps(want Range, have []Range) []Range {
	gaps := []Range{want}
	for _, h := range have {
		var next []Range
		for _, g := range gaps {
			if !g.Overlaps(h) {
				next = append(next, g)
				continue
			}
			if h.Start != "" && (g.Start == "" || g.Start < h.Start) {
				next = append(next, Range{g.Start, h.Start})
			}
			if h.End != "" && (g.End == "" || h.End < g.End) {
				next = append(next, Range{h.End, g.End})
			}
		}
		gaps = next
	}
	return gaps
}

// Supported partition formats for integer and text columns.
var formats = map[string]string{"yyyyMMdd": "20060102", "yyyy-MM-dd": "2006-01-02", "yyyyMMddHH": "2006010215", "yyyyMM": "200601"}

// CheckPartition validates a partition column's type and format.
func CheckPartition(p *Partition) error {
	switch p.Type.Family() {
	case types.DateFamily, types.TimestampFamily:
		if p.Format != "" {
			return pgerr.New(pgerr.InvalidObjectDefinition, "FORMAT applies to integer and text partition columns; %s column %q needs none", p.Type, p.Col.Column)
		}
	case types.IntFamily, types.StringFamily:
		if p.Format == "" {
			return pgerr.New(pgerr.InvalidObjectDefinition, "partition column %q is %s: say how its values read dates, e.g. FORMAT 'yyyyMMdd'", p.Col.Column, p.Type)
		}
		if _, ok := formats[p.Format]; !ok {
			return pgerr.New(pgerr.InvalidObjectDefinition, "unsupported partition FORMAT %q", p.Format).WithHint("Use 'yyyyMMdd', 'yyyy-MM-dd', 'yyyyMM' or 'yyyyMMddHH'.")
		}
		if p.Type.Family() == types.IntFamily && strings.Contains(p.Format, "-") {
			return pgerr.New(pgerr.InvalidObjectDefinition, "FORMAT %q has separators; an integer partition column needs a format of digits only", p.Format)
		}
	default:
		return pgerr.New(pgerr.InvalidObjectDefinition, "partition column %q is %s; use a date, timestamp, integer or text column", p.Col.Column, p.Type)
	}
	return nil
}

// layout is the Go time layout of the column's canonical text.
func (p *Partition) layout() string {
	switch p.Type.Family() {
	case types.DateFamily:
		return "2006-01-02"
	case types.TimestampFamily:
		return "2006-01-02 15:04:05"
	}
	return formats[p.Format]
}

// Canonical parses a bound as a user writes it ('1992-01-01', or in the
// column's own format) and returns the column's canonical text.
func (p *Partition) Canonical(s string) (string, error) {
	s = strings.TrimSpace(s)
	for _, l := range []string{p.layout(), "2006-01-02", "2006-01-02 15:04:05", "2006-01-02T15:04:05", "20060102"} {
		if t, err := time.Parse(l, s); err == nil {
			return t.Format(p.layout()), nil
		}
	}
	return "", pgerr.New(pgerr.InvalidDatetimeFormat, "invalid segment bound %q for partition column %q", s, p.Col.Column).
		WithHint("Write it as 'yyyy-MM-dd' or in the column's format (%s).", p.display())
}

func (p *Partition) display() string {
	if p.Format != "" {
		return p.Format
	}
	return strings.ReplaceAll(strings.ReplaceAll(p.layout(), "2006-01-02", "yyyy-MM-dd"), "15:04:05", "HH:mm:ss")
}

// CanonicalDatum returns the canonical text of a value of the column, as
// a query compares it; ok is false for a value that does not read as a
// partition value (the query then cannot be pruned on it).
func (p *Partition) CanonicalDatum(v types.Datum) (string, bool) {
	var s string
	switch x := v.(type) {
	case int64:
		s = fmt.Sprint(x)
	case string:
		s = x
	case types.DDate, time.Time:
		t := types.Date
		if _, ok := v.(time.Time); ok {
			t = types.Timestamp
		}
		txt, ok := types.FormatText(t, v, &types.DefaultFormat)
		if !ok {
			return "", false
		}
		s = txt
	default:
		return "", false
	}
	if p.Type.Family() == types.IntFamily || p.Type.Family() == types.StringFamily {
		if _, err := time.Parse(p.layout(), s); err != nil {
			return "", false
		}
		return s, true
	}
	c, err := p.Canonical(s)
	return c, err == nil
}

// Literal is the SQL text of a canonical value compared with the column.
func (p *Partition) Literal(v string) string {
	switch p.Type.Family() {
	case types.IntFamily:
		return v
	case types.DateFamily:
		return "'" + v + "'::date"
	case types.TimestampFamily:
		return "'" + v + "'::timestamp"
	}
	return "'" + strings.ReplaceAll(v, "'", "''") + "'"
}

// Predicate is SQL text selecting the rows of r, with col the column's
// (qualified, quoted) reference; "" for the full range.
func (p *Partition) Predicate(col string, r Range) string {
	var parts []string
	if r.Start != "" {
		parts = append(parts, col+" >= "+p.Literal(r.Start))
	}
	if r.End != "" {
		parts = append(parts, col+" < "+p.Literal(r.End))
	}
	return strings.Join(parts, " AND ")
}

// Next returns the canonical value right after v, for the columns whose
// values are discrete (dates, and integer or text dates); ok is false for
// timestamps.
func (p *Partition) Next(v string) (string, bool) {
	t, err := time.Parse(p.layout(), v)
	if err != nil {
		return "", false
	}
	switch {
	case p.Type.Family() == types.TimestampFamily:
		return "", false
	case p.Format == "yyyyMM":
		t = t.AddDate(0, 1, 0)
	case p.Format == "yyyyMMddHH":
		t = t.Add(time.Hour)
	default:
		t = t.AddDate(0, 0, 1)
	}
	return t.Format(p.layout()), true
}
