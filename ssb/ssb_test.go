package ssb

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"io"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func generate(t *testing.T, sf float64, seed uint64, table string) []byte {
	t.Helper()
	g, err := New(sf, seed)
	require.NoError(t, err)
	var buf bytes.Buffer
	n, err := g.WriteTable(context.Background(), &buf, table)
	require.NoError(t, err)
	require.Equal(t, int64(bytes.Count(buf.Bytes(), []byte("\n"))), n)
	return buf.Bytes()
}

// rows splits COPY text into rows of fields, checking every row has the
// table's column count.
func rows(t *testing.T, table string, data []byte) [][]string {
	t.Helper()
	tab, ok := TableByName(table)
	require.True(t, ok)
	var out [][]string
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		f := strings.Split(sc.Text(), "\t")
		require.Len(t, f, len(tab.Columns), "row %q", sc.Text())
		out = append(out, f)
	}
	require.NoError(t, sc.Err())
	return out
}

func atoi(t *testing.T, s string) int {
	t.Helper()
	v, err := strconv.Atoi(s)
	require.NoError(t, err, s)
	return v
}

func TestDeterministic(t *testing.T) {
	for _, tab := range Tables {
		a := sha256.Sum256(generate(t, 0.01, 7, tab.Name))
		b := sha256.Sum256(generate(t, 0.01, 7, tab.Name))
		require.Equal(t, a, b, tab.Name)
		if tab.Name != "dates" { // the calendar does not depend on the seed
			c := sha256.Sum256(generate(t, 0.01, 8, tab.Name))
			require.NotEqual(t, a, c, "%s: another seed must give other data", tab.Name)
		}
	}
}

func TestCardinalities(t *testing.T) {
	c, err := CountsFor(0.01)
	require.NoError(t, err)
	require.Equal(t, Counts{Customers: 300, Suppliers: 20, Parts: 2000, Orders: 15000, Dates: 2557}, c)
	for sf, parts := range map[float64]int{1: 200000, 2: 400000, 10: 800000, 0.1: 20000} {
		c, err := CountsFor(sf)
		require.NoError(t, err)
		require.Equal(t, parts, c.Parts, "SF %v", sf)
	}
	for _, bad := range []float64{0, -1} {
		_, err := CountsFor(bad)
		require.Error(t, err)
	}

	require.Len(t, rows(t, "dates", generate(t, 0.01, 1, "dates")), 2557)
	require.Len(t, rows(t, "customer", generate(t, 0.01, 1, "customer")), 300)
	require.Len(t, rows(t, "supplier", generate(t, 0.01, 1, "supplier")), 20)
	require.Len(t, rows(t, "part", generate(t, 0.01, 1, "part")), 2000)
	lo := rows(t, "lineorder", generate(t, 0.01, 1, "lineorder"))
	// 15,000 orders of 1–7 lines: 4 on average, so about 60,000 rows.
	require.InDelta(t, 60000, len(lo), 1500)
	orders := map[string]bool{}
	for _, r := range lo {
		orders[r[0]] = true
	}
	require.Len(t, orders, 15000)
}

func TestDates(t *testing.T) {
	d := rows(t, "dates", generate(t, 1, 1, "dates"))
	require.Equal(t, "19920101", d[0][0])
	require.Equal(t, "1992-01-01", d[0][1])
	require.Equal(t, "Wednesday", d[0][2])
	require.Equal(t, "19981231", d[len(d)-1][0])
	years := map[string]int{}
	for _, r := range d {
		years[r[4]]++
		require.Equal(t, r[0][:6], r[5], "d_yearmonthnum")
		require.Equal(t, r[3][:3]+r[4], r[6], "d_yearmonth")
		wk := atoi(t, r[11])
		require.True(t, wk >= 1 && wk <= 53)
		require.Contains(t, []string{"Christmas", "Winter", "Spring", "Summer", "Fall"}, r[12])
	}
	require.Equal(t, map[string]int{"1992": 366, "1993": 365, "1994": 365, "1995": 365, "1996": 366, "1997": 365, "1998": 365}, years)
	// Q3.4 filters on d_yearmonth = 'Dec1997'.
	require.True(t, slices.ContainsFunc(d, func(r []string) bool { return r[6] == "Dec1997" }))
}

func TestValueDomains(t *testing.T) {
	nationRegion := map[string]string{}
	for _, n := range nations {
		nationRegion[n.name] = n.region
	}
	require.Len(t, nationRegion, 25)
	regions := map[string]bool{}
	for _, r := range nationRegion {
		regions[r] = true
	}
	require.Len(t, regions, 5)
	require.Equal(t, "UNITED KI1", City("UNITED KINGDOM", 1))
	require.Equal(t, "CHINA    3", City("CHINA", 3))

	for _, tab := range []string{"customer", "supplier"} {
		for _, r := range rows(t, tab, generate(t, 0.01, 1, tab)) {
			city, nation, region := r[3], r[4], r[5]
			require.Equal(t, nationRegion[nation], region)
			require.Len(t, city, 10)
			require.Equal(t, City(nation, atoi(t, city[9:])), city)
		}
	}

	brands := map[string]bool{}
	for _, r := range rows(t, "part", generate(t, 0.1, 1, "part")) {
		mfgr, cat, brand := r[2], r[3], r[4]
		require.Regexp(t, `^MFGR#[1-5]$`, mfgr)
		require.Regexp(t, `^MFGR#[1-5][1-5]$`, cat)
		require.True(t, strings.HasPrefix(cat, mfgr) && strings.HasPrefix(brand, cat))
		b := atoi(t, brand[7:])
		require.True(t, len(brand) == 9 && b >= 1 && b <= 40, brand)
		brands[brand] = true
	}
	require.Len(t, brands, 1000, "5 × 5 × 40 brands at SF 0.1 (20,000 parts)")
	require.True(t, brands["MFGR#2239"] && brands["MFGR#1101"] && brands["MFGR#5540"])

	c, _ := CountsFor(0.01)
	for _, r := range rows(t, "lineorder", generate(t, 0.01, 1, "lineorder")) {
		cust, part, supp := atoi(t, r[2]), atoi(t, r[3]), atoi(t, r[4])
		require.True(t, cust >= 1 && cust <= c.Customers && part >= 1 && part <= c.Parts && supp >= 1 && supp <= c.Suppliers)
		od := atoi(t, r[5])
		require.True(t, od >= 19920101 && od <= 19980802, "lo_orderdate %d", od)
		require.Greater(t, atoi(t, r[15]), od, "lo_commitdate after lo_orderdate")
		qty, ext, disc, rev, cost, tax := atoi(t, r[8]), atoi(t, r[9]), atoi(t, r[11]), atoi(t, r[12]), atoi(t, r[13]), atoi(t, r[14])
		require.True(t, qty >= 1 && qty <= 50 && disc >= 0 && disc <= 10 && tax >= 0 && tax <= 8)
		price := int(RetailPrice(part))
		require.Equal(t, qty*price, ext)
		require.Equal(t, ext*(100-disc)/100, rev)
		require.Equal(t, 6*price/10, cost)
		require.Contains(t, priorities, r[6])
		require.Contains(t, shipModes, r[16])
	}
}

// heapWatch is an io.Writer that records the largest HeapInuse it sees.
type heapWatch struct {
	writes int
	peak   uint64
}

func (h *heapWatch) Write(p []byte) (int, error) {
	h.writes++
	if h.writes%64 == 0 {
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		h.peak = max(h.peak, m.HeapInuse)
	}
	return len(p), nil
}

// TestStreams generates SF 0.1's lineorder (about 60 MB of text) and checks
// the heap never grows by more than a few megabytes: rows are written as
// they are made, never collected.
func TestStreams(t *testing.T) {
	if testing.Short() {
		t.Skip("generates 600,000 rows")
	}
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	base := m.HeapInuse
	g, err := New(0.1, 1)
	require.NoError(t, err)
	h := &heapWatch{}
	n, err := g.WriteTable(context.Background(), h, "lineorder")
	require.NoError(t, err)
	require.Greater(t, n, int64(550000))
	require.Greater(t, h.writes, 500, "output must arrive in many small writes")
	require.Less(t, h.peak, base+16<<20, "heap grew from %d to %d bytes", base, h.peak)
}

func TestCancelAndErrors(t *testing.T) {
	g, err := New(0.01, 1)
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = g.WriteTable(ctx, io.Discard, "lineorder")
	require.ErrorIs(t, err, context.Canceled)
	_, err = g.WriteTable(context.Background(), io.Discard, "nation")
	require.ErrorContains(t, err, "unknown table")
	boom := errors.New("disk full")
	_, err = g.WriteTable(context.Background(), failWriter{boom}, "part")
	require.ErrorIs(t, err, boom)
}

type failWriter struct{ err error }

func (f failWriter) Write([]byte) (int, error) { return 0, f.err }

func TestDDL(t *testing.T) {
	require.Len(t, DDL, 5)
	require.Equal(t, "CREATE TABLE dates (d_datekey integer, d_date date, d_dayofweek text, d_month text, d_year integer, "+
		"d_yearmonthnum integer, d_yearmonth text, d_daynuminweek integer, d_daynuminmonth integer, d_daynuminyear integer, "+
		"d_monthnuminyear integer, d_weeknuminyear integer, d_sellingseason text, d_lastdayinweekfl integer, "+
		"d_lastdayinmonthfl integer, d_holidayfl integer, d_weekdayfl integer)", DDL[0])
	for i, tab := range Tables {
		require.True(t, strings.HasPrefix(DDL[i], "CREATE TABLE "+tab.Name+" ("))
	}
	want := map[string]int{"dates": 17, "customer": 8, "supplier": 7, "part": 9, "lineorder": 17}
	for _, tab := range Tables {
		require.Len(t, tab.Columns, want[tab.Name], tab.Name)
	}
}

func TestCube(t *testing.T) {
	cs := Cuboids()
	require.Len(t, cs, 1+6+64+16)
	sql := CubeSQL()
	require.Contains(t, sql, "AGGREGATION GROUP (lo_discount, lo_quantity, d_year, d_yearmonthnum, d_weeknuminyear) MANDATORY (lo_discount, lo_quantity) HIERARCHY (d_year, d_yearmonthnum)")
	require.Contains(t, sql, "PARTITION BY lo_orderdate FORMAT 'yyyyMMdd'")
	// Every query's grouped and filtered columns lie in one cuboid.
	need := map[string][]string{
		"Q1.1": {"d_year", "lo_discount", "lo_quantity"},
		"Q1.2": {"d_yearmonthnum", "lo_discount", "lo_quantity"},
		"Q1.3": {"d_year", "d_weeknuminyear", "lo_discount", "lo_quantity"},
		"Q2.1": {"d_year", "p_brand1", "p_category", "s_region"},
		"Q2.2": {"d_year", "p_brand1", "s_region"},
		"Q3.1": {"c_nation", "s_nation", "d_year", "c_region", "s_region"},
		"Q3.2": {"c_city", "s_city", "d_year", "c_nation", "s_nation"},
		"Q3.3": {"c_city", "s_city", "d_year"},
		"Q3.4": {"c_city", "s_city", "d_year", "d_yearmonth"},
		"Q4.1": {"d_year", "c_nation", "c_region", "s_region", "p_mfgr"},
		"Q4.2": {"d_year", "s_nation", "p_category", "c_region", "s_region", "p_mfgr"},
		"Q4.3": {"d_year", "s_city", "p_brand1", "c_region", "s_nation", "p_category"},
	}
	for q, cols := range need {
		covered := false
		for _, c := range cs[1:] { // not the base cuboid
			if !slices.ContainsFunc(cols, func(col string) bool { return !slices.Contains(c, col) }) {
				covered = true
				break
			}
		}
		require.True(t, covered, "%s needs a cuboid holding %v", q, cols)
		for _, col := range cols {
			require.Contains(t, CubeDimensions, col)
		}
	}
}
