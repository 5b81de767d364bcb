package cube

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/lattice-olap/lattice/pgerr"
	"github.com/lattice-olap/lattice/types"
)

func dims(names ...string) []Dimension {
	var out []Dimension
	for _, n := range names {
		out = append(out, Dimension{Name: n, Type: types.Text})
	}
	return out
}

func TestEnumerateWithoutGroups(t *testing.T) {
	d := &Def{Name: "c", Dimensions: dims("a", "b", "c")}
	cs, err := d.Enumerate(4096)
	require.NoError(t, err)
	require.Len(t, cs, 8)
	require.Equal(t, d.Base(), cs[0], "base cuboid first")
	for i := 1; i < len(cs); i++ {
		require.GreaterOrEqual(t, cs[i-1].Len(), cs[i].Len(), "parents come before children")
	}
	_, err = d.Enumerate(7)
	require.Equal(t, pgerr.ProgramLimitExceeded, pgerr.CodeOf(err))
	require.Contains(t, err.Error(), "8 cuboids")
}

func TestEnumerateGroupRules(t *testing.T) {
	// Kylin's rules: MANDATORY always in, HIERARCHY only prefixes, JOINT
	// all or nothing, the rest free.
	d := &Def{Name: "c", Dimensions: dims("year", "month", "day", "region", "nation", "brand", "x")}
	d.Groups = []Group{{
		Includes:    []string{"year", "month", "day", "region", "nation", "brand"},
		Mandatory:   []string{"year"},
		Hierarchies: [][]string{{"region", "nation"}},
		Joints:      [][]string{{"month", "day"}},
	}}
	cs, err := d.Enumerate(4096)
	require.NoError(t, err)
	// year fixed; (month,day) 2 ways; region/nation 3 prefixes; brand 2
	// ways: 12, plus the base cuboid (which holds x).
	require.Len(t, cs, 13)
	idx := func(n string) Cuboid { return 1 << d.Dimension(n) }
	for _, c := range cs {
		if c == d.Base() {
			continue
		}
		require.True(t, c.Has(idx("year")))
		require.Equal(t, c.Has(idx("month")), c.Has(idx("day")))
		require.False(t, c.Has(idx("nation")) && !c.Has(idx("region")))
		require.False(t, c.Has(idx("x")))
	}
	d.Groups[0].Joints = [][]string{{"month", "year"}}
	_, err = d.Enumerate(4096)
	require.Equal(t, pgerr.InvalidObjectDefinition, pgerr.CodeOf(err))
	d.Groups[0].Joints = [][]string{{"month", "nope"}}
	_, err = d.Enumerate(4096)
	require.Equal(t, pgerr.UndefinedColumn, pgerr.CodeOf(err))
}

func TestParentPicksSmallest(t *testing.T) {
	built := map[Cuboid]int64{0b111: 100, 0b011: 40, 0b101: 10}
	p, ok := Parent(0b001, built)
	require.True(t, ok)
	require.Equal(t, Cuboid(0b101), p)
	_, ok = Parent(0b1000, built)
	require.False(t, ok)
}

func TestRanges(t *testing.T) {
	require.True(t, Full.Overlaps(Range{"19920101", "19930101"}))
	require.False(t, Range{"19920101", "19930101"}.Overlaps(Range{"19930101", ""}))
	require.True(t, Range{"", "19930101"}.Contains(Range{"19920101", "19930101"}))
	require.False(t, Range{"19920101", ""}.Contains(Full))
	gaps := Gaps(Full, []Range{{"19920101", "19930101"}, {"19940101", "19950101"}})
	require.Equal(t, []Range{{"", "19920101"}, {"19930101", "19940101"}, {"19950101", ""}}, gaps)
	require.Empty(t, Gaps(Range{"19920101", "19930101"}, []Range{Full}))
}

func TestPartitionValues(t *testing.T) {
	p := &Partition{Col: ColRef{"f", "d"}, Type: types.Int4, Format: "yyyyMMdd"}
	require.NoError(t, CheckPartition(p))
	v, err := p.Canonical("1992-01-31")
	require.NoError(t, err)
	require.Equal(t, "19920131", v)
	next, ok := p.Next(v)
	require.True(t, ok)
	require.Equal(t, "19920201", next)
	require.Equal(t, "19920131", p.Literal(v))
	_, err = p.Canonical("yesterday")
	require.Equal(t, pgerr.InvalidDatetimeFormat, pgerr.CodeOf(err))
	c, ok := p.CanonicalDatum(int64(19931231))
	require.True(t, ok)
	require.Equal(t, "19931231", c)

	dp := &Partition{Col: ColRef{"f", "d"}, Type: types.Date}
	require.NoError(t, CheckPartition(dp))
	v, err = dp.Canonical("19920131")
	require.NoError(t, err)
	require.Equal(t, "1992-01-31", v)
	require.Equal(t, "'1992-01-31'::date", dp.Literal(v))
	require.Equal(t, `"f"."d" >= '1992-01-31'::date`, dp.Predicate(`"f"."d"`, Range{Start: v}))

	bad := &Partition{Col: ColRef{"f", "d"}, Type: types.Int4}
	require.Equal(t, pgerr.InvalidObjectDefinition, pgerr.CodeOf(CheckPartition(bad)))
}
