package ssb

import (
	"fmt"
	"math"
	"strings"
)

// Column is one column of an SSB table.
type Column struct {
	Name string
	Type string // integer, bigint, text or date: types all three engines share
}

// Table describes one SSB table.
type Table struct {
	Name    string
	Columns []Column
}

// CreateSQL returns the table's CREATE TABLE statement.
func (t Table) CreateSQL() string {
	var b strings.Builder
	b.WriteString("CREATE TABLE ")
	b.WriteString(t.Name)
	b.WriteString(" (")
	for i, c := range t.Columns {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(c.Name)
		b.WriteByte(' ')
		b.WriteString(c.Type)
	}
	b.WriteString(")")
	return b.String()
}

func cols(spec string) []Column {
	var out []Column
	for _, f := range strings.Split(spec, ",") {
		name, typ, _ := strings.Cut(strings.TrimSpace(f), " ")
		out = append(out, Column{Name: name, Type: typ})
	}
	return out
}

// Tables lists the SSB tables, dimensions first, so that loading them in
// this order never leaves a fact row without its dimension rows.
var Tables = []Table{
	{Name: "dates", Columns: cols("d_datekey integer, d_date date, d_dayofweek text, d_month text, " +
		"d_year integer, d_yearmonthnum integer, d_yearmonth text, d_daynuminweek integer, " +
		"d_daynuminmonth integer, d_daynuminyear integer, d_monthnuminyear integer, " +
		"d_weeknuminyear integer, d_sellingseason text, d_lastdayinweekfl integer, " +
		"d_lastdayinmonthfl integer, d_holidayfl integer, d_weekdayfl integer")},
	{Name: "customer", Columns: cols("c_custkey integer, c_name text, c_address text, c_city text, " +
		"c_nation text, c_region text, c_phone text, c_mktsegment text")},
	{Name: "supplier", Columns: cols("s_suppkey integer, s_name text, s_address text, s_city text, " +
		"s_nation text, s_region text, s_phone text")},
	{Name: "part", Columns: cols("p_partkey integer, p_name text, p_mfgr text, p_category text, " +
		"p_brand1 text, p_color text, p_type text, p_size integer, p_container text")},
	{Name: "lineorder", Columns: cols("lo_orderkey bigint, lo_linenumber integer, lo_custkey integer, " +
		"lo_partkey integer, lo_suppkey integer, lo_orderdate integer, lo_orderpriority text, " +
		"lo_shippriority integer, lo_quantity integer, lo_extendedprice integer, " +
		"lo_ordtotalprice integer, lo_discount integer, lo_revenue integer, " +
		"lo_supplycost integer, lo_tax integer, lo_commitdate integer, lo_shipmode text")},
}

// DDL holds the CREATE TABLE statements of Tables, in the same order. The
// types (integer, bigint, text, date) mean the same in Lattice, DuckDB and
// PostgreSQL.
var DDL = func() []string {
	out := make([]string, len(Tables))
	for i, t := range Tables {
		out[i] = t.CreateSQL()
	}
	return out
}()

// Counts are a scale factor's table cardinalities. Lineorder's row count is
// known only by generating it (each order has 1–7 lines); Orders is its
// order count.
type Counts struct {
	Customers, Suppliers, Parts, Orders, Dates int
}

// DateCount is the number of rows of the dates table: every day from
// 1992-01-01 to 1998-12-31.
const DateCount = 2557

// CountsFor returns the cardinalities for scale factor sf, which must be
// positive and finite.
func CountsFor(sf float64) (Counts, error) {
	if !(sf > 0) || math.IsInf(sf, 0) || sf > 100000 {
		return Counts{}, fmt.Errorf("ssb: scale factor %v: use a positive number such as 0.01, 0.1, 1 or 10", sf)
	}
	scaled := func(base float64) int { return max(1, int(math.Floor(base*sf))) }
	c := Counts{
		Customers: scaled(30000),
		Suppliers: scaled(2000),
		Orders:    scaled(1500000),
		Dates:     DateCount,
	}
	if sf >= 1 {
		c.Parts = 200000 * int(math.Floor(1+math.Log2(sf)))
	} else {
		c.Parts = scaled(200000)
	}
	return c, nil
}

// TableByName returns the table called name.
func TableByName(name string) (Table, bool) {
	for _, t := range Tables {
		if t.Name == name {
			return t, true
		}
	}
	return Table{}, false
}
