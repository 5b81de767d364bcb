package cubes_test

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// The star schema: sales is the fact; customer → nation → region is a
// snowflake dimension; product is a star dimension; promo is LEFT-joined
// (some sales have no promo, some name a promo that does not exist). NULLs
// sit in every dimension attribute and in every measure column.
var starDDL = []string{
	"CREATE TABLE region (r_key integer, r_name text)",
	"CREATE TABLE nation (n_key integer, n_name text, n_regionkey integer)",
	"CREATE TABLE customer (c_key integer, c_name text, c_segment text, c_nationkey integer)",
	"CREATE TABLE product (p_key integer, p_cat text, p_brand text)",
	"CREATE TABLE promo (pr_key integer, pr_name text)",
	"CREATE TABLE sales (s_id integer, s_date integer, s_day date, s_cust integer, s_prod integer, s_promo integer, " +
		"s_channel text, qty integer, amount numeric(12,2), price double precision)",
}

var starTables = []string{"region", "nation", "customer", "product", "promo", "sales"}

// Dimension attribute domains (NULL included where the data has it).
var (
	regionNames  = []string{"EAST", "WEST", "NORTH", ""} // "" is NULL
	segmentNames = []string{"retail", "corp", "gov", ""}
	catNames     = []string{"cat_a", "cat_b", "cat_c", ""}
	promoNames   = []string{"spring", "summer", "fall", ""}
	channelNames = []string{"web", "shop", "phone", ""}
)

const (
	nNations   = 11
	nCustomers = 300
	nProducts  = 60
	nBrands    = 20
)

// starData is the generated COPY text of every table.
type starData map[string][]byte

func nullable(s string) string {
	if s == "" {
		return `\N`
	}
	return s
}

// genStar generates the star schema's rows from seed: nFact sales rows with
// dates in the first half of 2024.
func genStar(seed uint64, nFact int) starData {
	r := rand.New(rand.NewPCG(seed, 7))
	out := starData{}
	var b bytes.Buffer
	for i, n := range regionNames {
		fmt.Fprintf(&b, "%d\t%s\n", i+1, nullable(n))
	}
	out["region"] = slices.Clone(b.Bytes())
	b.Reset()
	for i := range nNations {
		name := fmt.Sprintf("N%02d", i)
		if i == 7 {
			name = ""
		}
		fmt.Fprintf(&b, "%d\t%s\t%d\n", 10+i, nullable(name), 1+i%len(regionNames))
	}
	out["nation"] = slices.Clone(b.Bytes())
	b.Reset()
	for i := range nCustomers {
		fmt.Fprintf(&b, "%d\tc%d\t%s\t%d\n", 1000+i, i, nullable(segmentNames[r.IntN(len(segmentNames))]), 10+r.IntN(nNations))
	}
	out["customer"] = slices.Clone(b.Bytes())
	b.Reset()
	for i := range nProducts {
		brand := fmt.Sprintf("brand_%02d", r.IntN(nBrands))
		if r.IntN(12) == 0 {
			brand = ""
		}
		fmt.Fprintf(&b, "%d\t%s\t%s\n", i+1, nullable(catNames[r.IntN(len(catNames))]), nullable(brand))
	}
	out["product"] = slices.Clone(b.Bytes())
	b.Reset()
	for i, n := range promoNames {
		fmt.Fprintf(&b, "%d\t%s\n", i+1, nullable(n))
	}
	out["promo"] = slices.Clone(b.Bytes())
	b.Reset()
	out["sales"] = genSales(r, 1, nFact, time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), 182)
	return out
}

// genSales generates n sales rows with ids from firstID and days in
// [start, start+days).
func genSales(r *rand.Rand, firstID, n int, start time.Time, days int) []byte {
	var b bytes.Buffer
	for i := range n {
		day := start.AddDate(0, 0, r.IntN(days))
		promo := `\N`
		if k := r.IntN(8); k < 6 {
			promo = fmt.Sprint(k + 1) // 5 and 6 match no promo row
		}
		qty, amount, price := `\N`, `\N`, `\N`
		if r.IntN(10) > 0 {
			qty = fmt.Sprint(r.IntN(50) - 5)
		}
		if r.IntN(10) > 0 {
			amount = fmt.Sprintf("%d.%02d", r.IntN(5000), r.IntN(100))
		}
		if r.IntN(10) > 0 {
			price = fmt.Sprintf("%g", float64(r.IntN(100000))/997)
		}
		fmt.Fprintf(&b, "%d\t%s\t%s\t%d\t%d\t%s\t%s\t%s\t%s\t%s\n", firstID+i, day.Format("20060102"), day.Format("2006-01-02"),
			1000+r.IntN(nCustomers), 1+r.IntN(nProducts), promo, nullable(channelNames[r.IntN(len(channelNames))]), qty, amount, price)
	}
	return b.Bytes()
}

func loadStar(t testing.TB, c *pgx.Conn, data starData) {
	t.Helper()
	mustExec(t, c, starDDL...)
	for _, tab := range starTables {
		if tab != "sales" {
			copyRows(t, c, tab, data[tab])
			continue
		}
		// Sales in several COPYs, each a file on Lattice, so that a build
		// in slices (windows of the table's row groups) has some to cut.
		lines := bytes.SplitAfter(data[tab], []byte("\n"))
		for len(lines) > 0 {
			k := min(len(lines), 400)
			copyRows(t, c, tab, bytes.Join(lines[:k], nil))
			lines = lines[k:]
		}
	}
}

const starJoin = "sales JOIN customer ON s_cust = c_key JOIN nation ON c_nationkey = n_key JOIN region ON n_regionkey = r_key " +
	"JOIN product ON s_prod = p_key LEFT JOIN promo ON s_promo = pr_key"

// allDims are the dimensions of grp_cube; sales_cube has starDims, so
// that its every-cuboid lattice stays small (2^5 = 32).
const allDims = "r_name, n_name, c_segment, p_cat, p_brand, pr_name, s_channel"

const starDims = "r_name, n_name, p_cat, pr_name, s_channel"

const starMeasures = "SUM(qty) AS sum_qty, SUM(amount) AS sum_amount, SUM(price) AS sum_price, COUNT(*) AS cnt, " +
	"COUNT(qty) AS cnt_qty, COUNT(amount) AS cnt_amount, COUNT(price) AS cnt_price, COUNT(DISTINCT s_cust) AS customers, " +
	"MIN(amount) AS min_amount, MAX(amount) AS max_amount, MIN(qty) AS min_qty, MAX(qty) AS max_qty"

// fullCubeSQL has every cuboid (2^5 = 32), partitioned by the yyyyMMdd
// integer s_date.
const fullCubeSQL = "CREATE CUBE sales_cube ON " + starJoin + " DIMENSIONS (" + starDims + ") MEASURES (" + starMeasures +
	") PARTITION BY s_date FORMAT 'yyyyMMdd'"

// groupCubeSQL prunes the lattice with two aggregation groups and is
// partitioned by the date column s_day.
const groupCubeSQL = "CREATE CUBE grp_cube ON " + starJoin + " DIMENSIONS (" + allDims + ") MEASURES (" + starMeasures +
	") PARTITION BY s_day" +
	" AGGREGATION GROUP (s_channel, r_name, n_name, c_segment, p_cat, p_brand) MANDATORY (s_channel) HIERARCHY (r_name, n_name) JOINT (p_cat, p_brand)" +
	" AGGREGATION GROUP (c_segment, pr_name)"

// project is one Lattice project holding the star schema, with three
// connections (route cube, route raw, route auto) and the PostgreSQL
// reference.
type project struct {
	name      string
	cube      string
	cubeC     *pgx.Conn
	rawC      *pgx.Conn
	autoC     *pgx.Conn
	pg        *pgx.Conn
	partition func(lo, hi string) string // a filter on [lo, hi) (yyyymmdd) on the cube's partition column
	bounds    []string                   // the cube's segment boundaries (yyyymmdd)
	dims      []string                   // the cube's dimensions
	// checked counts the queries compared; onCube those EXPLAIN showed on the cube route.
	checked, onCube int
}

var routeRE = regexp.MustCompile(`Route: cube (\S+), cuboid \(([^)]*)\)`)

// explainRoute returns the route line of EXPLAIN under lattice.route =
// 'cube' (under 'auto' a query whose range no segment covers goes raw).
func (p *project) explainRoute(t testing.TB, sql string) string {
	t.Helper()
	r := run(context.Background(), p.cubeC, "EXPLAIN "+sql)
	if r.err != nil {
		return "error: " + r.err.Error()
	}
	for _, row := range r.rows {
		if row[0] != nil && strings.Contains(*row[0], "Route:") {
			return *row[0]
		}
	}
	return "no Route line: " + r.String()
}

// check runs sql on the cube route, the raw route and PostgreSQL and
// reports a difference; with wantCube, EXPLAIN must show the cube route.
// It returns the EXPLAIN route line.
func (p *project) check(t testing.TB, sql string, ordered, wantCube bool) string {
	t.Helper()
	ctx := context.Background()
	want := run(ctx, p.pg, sql)
	if want.err != nil {
		t.Fatalf("PostgreSQL rejects %s: %v", sql, want.err)
	}
	p.checked++
	raw := run(ctx, p.rawC, sql)
	if d := same(want, raw, ordered); d != "" {
		t.Errorf("[%s] route raw differs from PostgreSQL for\n  %s\n%s", p.name, sql, d)
	}
	cb := run(ctx, p.cubeC, sql)
	if d := same(want, cb, ordered); d != "" {
		t.Errorf("[%s] route cube differs from PostgreSQL for\n  %s\n%s", p.name, sql, d)
	}
	route := p.explainRoute(t, sql)
	if strings.Contains(route, "Route: cube ") {
		p.onCube++
	} else if wantCube {
		t.Errorf("[%s] EXPLAIN shows no cube route for\n  %s\n  %s", p.name, sql, route)
	}
	return route
}

// cuboidOf parses the cube and cuboid dimensions from an EXPLAIN route line.
func cuboidOf(route string) (string, []string) {
	m := routeRE.FindStringSubmatch(route)
	if m == nil {
		return "", nil
	}
	var dims []string
	for _, d := range strings.Split(m[2], ",") {
		if d = strings.TrimSpace(d); d != "" {
			dims = append(dims, d)
		}
	}
	slices.Sort(dims)
	return m[1], dims
}

// intPartition and datePartition write [lo, hi) filters for the two cubes.
func intPartition(lo, hi string) string {
	return fmt.Sprintf("s_date >= %s AND s_date < %s", lo, hi)
}

func datePartition(lo, hi string) string {
	d := func(s string) string { return s[:4] + "-" + s[4:6] + "-" + s[6:] }
	return fmt.Sprintf("s_day >= '%s' AND s_day < '%s'", d(lo), d(hi))
}

// Segment boundaries: sales_cube gets [0101, 0301) and [0301, 0501) built
// and [0501, 0701) left unbuilt; grp_cube one segment over the half year.
var (
	bounds    = []string{"20240101", "20240301", "20240501", "20240701"}
	grpBounds = []string{"20240101", "20240701"}
)

// handQueries are the hand-written queries; part is the project's
// partition filter writer. Each is (sql, fully ordered).
func handQueries(part func(lo, hi string) string, bounds []string) []struct {
	sql     string
	ordered bool
} {
	snow := "sales JOIN customer ON s_cust = c_key JOIN nation ON c_nationkey = n_key JOIN region ON n_regionkey = r_key"
	comma := "sales, customer, nation, region WHERE s_cust = c_key AND c_nationkey = n_key AND n_regionkey = r_key"
	return []struct {
		sql     string
		ordered bool
	}{
		{"SELECT r_name, n_name, sum(qty), count(*) FROM " + snow + " GROUP BY r_name, n_name", false},
		{"SELECT r_name, sum(qty), sum(amount), count(qty) FROM " + comma + " AND r_name IS NULL GROUP BY r_name", false},
		{"SELECT n_name, sum(amount) FROM " + comma + " AND (r_name = 'EAST' OR n_name IS NULL) GROUP BY n_name ORDER BY n_name", true},
		{"SELECT count(*), sum(amount), sum(qty), avg(price), min(qty), max(amount) FROM sales", false},
		{"SELECT s_channel, min(amount), max(amount), count(amount), count(price) FROM sales GROUP BY s_channel HAVING count(*) > 10 ORDER BY s_channel NULLS FIRST", true},
		{"SELECT pr_name, count(*), sum(qty), avg(amount) FROM sales LEFT JOIN promo ON s_promo = pr_key GROUP BY pr_name", false},
		{"SELECT pr_name, s_channel, count(*) FROM sales LEFT JOIN promo ON s_promo = pr_key WHERE pr_name IS NULL GROUP BY pr_name, s_channel", false},
		{"SELECT p_cat, count(DISTINCT s_cust) FROM sales JOIN product ON s_prod = p_key GROUP BY p_cat", false},
		{"SELECT count(DISTINCT s_cust) FROM sales", false},
		{"SELECT count(DISTINCT s_cust), count(*) FROM sales WHERE " + part(bounds[0], bounds[len(bounds)-1]), false},
		{"SELECT r_name, count(DISTINCT s_cust), sum(qty) FROM " + comma + " AND " + part(bounds[len(bounds)-2], bounds[len(bounds)-1]) + " GROUP BY r_name", false},
		{"SELECT c_segment, count(DISTINCT s_cust) FROM sales JOIN customer ON s_cust = c_key GROUP BY c_segment HAVING count(DISTINCT s_cust) > 3", false},
		{"SELECT c_segment, avg(qty), avg(amount) FROM sales JOIN customer ON s_cust = c_key WHERE c_segment IN ('retail', 'corp') OR c_segment IS NULL GROUP BY c_segment", false},
		{"SELECT p_brand, sum(qty) FROM sales JOIN product ON s_prod = p_key WHERE p_brand BETWEEN 'brand_03' AND 'brand_08' GROUP BY p_brand ORDER BY p_brand", true},
		{"SELECT n_name, sum(qty) * 2 AS dbl, sum(amount) / nullif(count(*), 0) AS per_row FROM " + snow + " GROUP BY n_name", false},
		{"SELECT sum(qty), count(*) FROM sales WHERE s_channel = 'web' AND " + part(bounds[0], bounds[1]), false},
		{"SELECT p_cat, sum(amount), count(DISTINCT s_cust) FROM sales JOIN product ON s_prod = p_key WHERE " + part(bounds[0], bounds[len(bounds)-1]) + " GROUP BY p_cat", false},
		{"SELECT r_name, sum(qty) FROM " + snow + " JOIN product ON s_prod = p_key GROUP BY r_name", false},
		{"SELECT s_channel, count(*) FROM sales GROUP BY s_channel ORDER BY count(*) DESC, s_channel", true},
		{"SELECT p_cat, p_brand, s_channel, min(qty), max(qty), count(DISTINCT s_cust) FROM sales JOIN product ON s_prod = p_key WHERE p_cat IS NOT NULL GROUP BY p_cat, p_brand, s_channel", false},
		{"SELECT c_segment, pr_name, sum(price), count(price) FROM sales JOIN customer ON s_cust = c_key LEFT JOIN promo ON s_promo = pr_key GROUP BY c_segment, pr_name", false},
	}
}

// covers reports whether every dimension attribute sql names is one of
// the project's cube dimensions.
func (p *project) covers(sql string) bool {
	for _, d := range genDims {
		if strings.Contains(sql, d.col) && !slices.Contains(p.dims, d.col) {
			return false
		}
	}
	return true
}

// hand returns the hand-written queries the project's cube covers.
func (p *project) hand() []struct {
	sql     string
	ordered bool
} {
	qs := handQueries(p.partition, p.bounds)
	return slices.DeleteFunc(qs, func(q struct {
		sql     string
		ordered bool
	}) bool {
		return !p.covers(q.sql)
	})
}

// runQueries checks the hand-written queries and n generated ones.
func (p *project) runQueries(t *testing.T, seed uint64, n int) {
	for _, q := range p.hand() {
		p.check(t, q.sql, q.ordered, true)
	}
	g := newGen(seed, p)
	for range n {
		q := g.query()
		p.check(t, q.sql, q.ordered, true)
	}
}
