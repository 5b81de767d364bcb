package ssb

import (
	"slices"
	"strings"
)

// AggGroup is one aggregation group of the SSB cube, in Kylin's terms: the
// cuboids it yields always hold the mandatory columns, hold a prefix of each
// hierarchy, and hold each joint's columns all or none.
type AggGroup struct {
	Mandatory   []string
	Hierarchies [][]string
	Joints      [][]string
	Normal      []string // columns free to be in or out
}

// Columns returns every column of the group.
func (g AggGroup) Columns() []string {
	out := slices.Clone(g.Mandatory)
	for _, h := range g.Hierarchies {
		out = append(out, h...)
	}
	for _, j := range g.Joints {
		out = append(out, j...)
	}
	return append(out, g.Normal...)
}

// CubeName is the SSB cube's name.
const CubeName = "ssb_cube"

// CubeDimensions and CubeMeasures are the SSB cube's dimensions and measures:
// every column the 13 queries group or filter by, and every aggregate they
// compute.
var (
	CubeDimensions = []string{"d_year", "d_yearmonthnum", "d_yearmonth", "d_weeknuminyear",
		"lo_discount", "lo_quantity", "c_region", "c_nation", "c_city", "s_region", "s_nation",
		"s_city", "p_mfgr", "p_category", "p_brand1"}
	CubeMeasures = []string{"SUM(lo_revenue) AS lo_revenue",
		"SUM(lo_extendedprice * lo_discount) AS discount_revenue",
		"SUM(lo_revenue - lo_supplycost) AS profit", "SUM(lo_supplycost) AS supplycost",
		"COUNT(*) AS row_count"}
)

// CubeGroups are the SSB cube's aggregation groups. With all 15 dimensions
// free the cube would have 2^15 = 32,768 cuboids; these three groups give 86
// and still cover all 13 queries:
//
//   - Flight 1 (Q1.x) filters on a date attribute and on discount and
//     quantity, always both: discount and quantity are mandatory, d_year →
//     d_yearmonthnum a hierarchy (a month lies in one year), and
//     d_weeknuminyear free. 3 × 2 = 6 cuboids.
//   - Flights 2–4 group by d_year and by one level of the customer, supplier
//     and part geography/brand hierarchies, filtering on the same or a coarser
//     level: d_year mandatory, three three-level hierarchies. 4 × 4 × 4 = 64
//     cuboids. Q4.3 (s_city, p_brand1 with c_region) is answered from
//     (d_year, c_region, s_region..s_city, p_mfgr..p_brand1).
//   - Q3.4 alone filters on d_yearmonth: d_year and d_yearmonth mandatory,
//     with the customer and supplier hierarchies. 4 × 4 = 16 cuboids.
//
// Keeping d_yearmonth out of the second group keeps that group's largest
// cuboid twelve times smaller than it would otherwise be.
var CubeGroups = []AggGroup{
	{
		Mandatory:   []string{"lo_discount", "lo_quantity"},
		Hierarchies: [][]string{{"d_year", "d_yearmonthnum"}},
		Normal:      []string{"d_weeknuminyear"},
	},
	{
		Mandatory: []string{"d_year"},
		Hierarchies: [][]string{{"c_region", "c_nation", "c_city"}, {"s_region", "s_nation", "s_city"},
			{"p_mfgr", "p_category", "p_brand1"}},
	},
	{
		Mandatory:   []string{"d_year", "d_yearmonth"},
		Hierarchies: [][]string{{"c_region", "c_nation", "c_city"}, {"s_region", "s_nation", "s_city"}},
	},
}

// CubeSQL returns the CREATE CUBE statement of the SSB cube, in Lattice's
// contract syntax (DESIGN.md, "SQL surface").
func CubeSQL() string {
	var b strings.Builder
	b.WriteString("CREATE CUBE " + CubeName + " ON lineorder\n" +
		"  JOIN dates ON lo_orderdate = d_datekey\n" +
		"  JOIN customer ON lo_custkey = c_custkey\n" +
		"  JOIN supplier ON lo_suppkey = s_suppkey\n" +
		"  JOIN part ON lo_partkey = p_partkey\n")
	b.WriteString("  DIMENSIONS (" + strings.Join(CubeDimensions, ", ") + ")\n")
	b.WriteString("  MEASURES (" + strings.Join(CubeMeasures, ", ") + ")\n")
	b.WriteString("  PARTITION BY lo_orderdate FORMAT 'yyyyMMdd'")
	list := func(kw string, cols []string) {
		if len(cols) > 0 {
			b.WriteString(" " + kw + " (" + strings.Join(cols, ", ") + ")")
		}
	}
	for _, g := range CubeGroups {
		b.WriteString("\n  AGGREGATION GROUP (" + strings.Join(g.Columns(), ", ") + ")")
		list("MANDATORY", g.Mandatory)
		for _, h := range g.Hierarchies {
			list("HIERARCHY", h)
		}
		for _, j := range g.Joints {
			list("JOINT", j)
		}
	}
	return b.String()
}

// Cuboids returns the distinct cuboids (sets of dimension columns, in
// CubeDimensions order) that CubeGroups yield, plus the base cuboid of all
// dimensions, which a cube always holds. The bench computes the same
// group-bys on DuckDB and PostgreSQL to compare build times.
func Cuboids() [][]string {
	seen := map[string]bool{}
	var out [][]string
	add := func(cols []string) {
		slices.SortFunc(cols, func(a, b string) int {
			return slices.Index(CubeDimensions, a) - slices.Index(CubeDimensions, b)
		})
		k := strings.Join(cols, ",")
		if !seen[k] {
			seen[k] = true
			out = append(out, cols)
		}
	}
	add(slices.Clone(CubeDimensions))
	for _, g := range CubeGroups {
		// options[i] lists the column sets part i may contribute.
		var options [][][]string
		for _, h := range g.Hierarchies {
			var o [][]string
			for n := 0; n <= len(h); n++ {
				o = append(o, h[:n])
			}
			options = append(options, o)
		}
		for _, j := range g.Joints {
			options = append(options, [][]string{nil, j})
		}
		for _, c := range g.Normal {
			options = append(options, [][]string{nil, {c}})
		}
		var walk func(i int, acc []string)
		walk = func(i int, acc []string) {
			if i == len(options) {
				add(append(slices.Clone(g.Mandatory), acc...))
				return
			}
			for _, o := range options[i] {
				walk(i+1, append(slices.Clone(acc), o...))
			}
		}
		walk(0, nil)
	}
	return out
}
