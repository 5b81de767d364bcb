package sqltests

import (
	"flag"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/lattice-olap/lattice/sqltests/internal/gen"
)

var seedFlag = flag.Uint64("seed", 0, "seed of TestRandomQueries (0 means the default, fixed seed)")

const (
	// randomEnv set to "lenient" makes TestRandomQueries only log
	// mismatches (for exploring other seeds); by default each one fails.
	randomEnv = "LATTICE_SQLTESTS_RANDOM"
	// defaultSeed keeps runs without -seed reproducible.
	defaultSeed = 20240229
	// randomCount is the number of queries per run (randomCountRace
	// under -race).
	randomCount     = 300
	randomCountRace = 100
)

// TestRandomQueries generates random SELECT queries over the star schema
// (projections, filters with random constants, joins to the dimensions,
// GROUP BY with aggregates, DISTINCT; always ordered by every output column,
// often with LIMIT/OFFSET) and compares Lattice with PostgreSQL in the simple
// protocol. The seed is printed; -seed reruns one. Every mismatch fails the
// test unless LATTICE_SQLTESTS_RANDOM=lenient.
func TestRandomQueries(t *testing.T) {
	t.Parallel()
	seed := *seedFlag
	if seed == 0 {
		seed = defaultSeed
	}
	strict := os.Getenv(randomEnv) != "lenient"
	t.Logf("seed %d (rerun with: go test ./sqltests -run TestRandomQueries -seed %d)", seed, seed)

	s := mustSuite(t)
	ds := s.datasets["star"]
	if ds == nil {
		t.Fatal("no star dataset")
	}
	pg := newTarget(t, "postgres", referenceDatabase(t), nil)
	want := pg.mustLoad(t, ds)
	_, dsn := latticeProject(t, "sqltests_random")
	lat := newTarget(t, "lattice", dsn, nil)
	if d := compareLoads(ds, want, lat.load(ds)); d != "" {
		report(t, strict, "loading star into lattice does not match PostgreSQL:\n%s", d)
	}

	n := randomCount
	if raceEnabled {
		n = randomCountRace
	}
	g := &queryGen{r: rng{s: seed}}
	matched := 0
	var mismatches []string
	for i := 1; i <= n; i++ {
		sql := g.query()
		want := pg.query(sql, simpleText)
		if want.err != nil {
			// The generator must only write valid queries.
			t.Errorf("seed %d, query %d: PostgreSQL fails a generated query (a generator bug): %v\n%s", seed, i, want.err, indent(sql))
			continue
		}
		got := lat.query(sql, simpleText)
		d := compareResults(want, got, true)
		if d == "" {
			matched++
			continue
		}
		msg := fmt.Sprintf("seed %d, query %d: %s\n%s\npostgres: %s\nlattice:  %s",
			seed, i, d, indent(sql), want.describe(10), got.describe(10))
		mismatches = append(mismatches, msg)
		if strict {
			t.Error(msg)
		}
	}
	t.Logf("%d/%d random queries match PostgreSQL (seed %d)", matched, n, seed)
	if !strict && len(mismatches) > 0 {
		for i, m := range mismatches {
			if i == 3 {
				t.Logf("... and %d more", len(mismatches)-3)
				break
			}
			t.Log(m)
		}
		t.Logf("mismatches are not failures with %s=lenient", randomEnv)
	}
}

func report(t *testing.T, strict bool, format string, args ...any) {
	t.Helper()
	if strict {
		t.Errorf(format, args...)
	} else {
		t.Logf(format, args...)
	}
}

// kind is a column's type family, which decides the predicates,
// expressions and aggregates the generator applies to it.
type kind int

const (
	kInt kind = iota
	kNum
	kFloat
	kText
	kDate
	kTS
	kTSTZ
	kBool
)

// gcol is a column the generator can use.
type gcol struct {
	table string // alias: s, d, p or c
	name  string
	kind  kind
	// group marks low-cardinality columns that make sensible GROUP BY keys.
	group bool
	// lit draws a constant in the column's domain.
	lit func(r *rng) string
}

func (c gcol) ref() string { return c.table + "." + c.name }

func intRange(lo, hi int) func(*rng) string {
	return func(r *rng) string { return fmt.Sprint(lo + r.intn(hi-lo+1)) }
}

func centsRange(lo, hi int) func(*rng) string {
	return func(r *rng) string {
		k := lo + r.intn(hi-lo+1)
		sign := ""
		if k < 0 {
			sign, k = "-", -k
		}
		return fmt.Sprintf("%s%d.%02d", sign, k/100, k%100)
	}
}

func eighthsRange(lo, hi int) func(*rng) string {
	return func(r *rng) string { return fmt.Sprint(float64(lo+r.intn(hi-lo+1)) / 8) }
}

func oneOf(vals ...string) func(*rng) string {
	return func(r *rng) string { return quote(vals[r.intn(len(vals))]) }
}

func quote(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// unquote undoes quote.
func unquote(s string) string {
	return strings.ReplaceAll(strings.TrimSuffix(strings.TrimPrefix(s, "'"), "'"), "''", "'")
}

func dateLit(prefix, layout string, withTime bool) func(*rng) string {
	return func(r *rng) string {
		span := int(gen.LastDate.Sub(gen.FirstDate).Hours()/24) + 20
		t := gen.FirstDate.AddDate(0, 0, r.intn(span)-10)
		if withTime {
			t = t.Add(time.Duration(r.intn(24*3600)) * time.Second)
		}
		return prefix + "'" + t.Format(layout) + "'"
	}
}

func dateKeyLit(r *rng) string {
	return strings.Trim(dateLit("", "20060102", false)(r), "'")
}

// starColumns are the columns of the star schema, by table alias.
var starColumns = map[string][]gcol{
	"s": {
		{name: "sale_id", kind: kInt, lit: intRange(1, gen.Sales)},
		{name: "date_key", kind: kInt, lit: dateKeyLit},
		{name: "product_id", kind: kInt, lit: intRange(0, gen.Products+2)},
		{name: "customer_id", kind: kInt, lit: intRange(0, gen.Customers+2)},
		{name: "channel", kind: kText, group: true, lit: oneOf(append(gen.Channels, "mail")...)},
		{name: "quantity", kind: kInt, group: true, lit: intRange(-12, 12)},
		{name: "unit_price", kind: kNum, lit: centsRange(99, 30099)},
		{name: "discount", kind: kNum, group: true, lit: oneOf("0", "0.05", "0.1", "0.125", "0.25")},
		{name: "amount", kind: kFloat, lit: eighthsRange(-8000*12, 8000*12)},
		{name: "revenue", kind: kNum, lit: centsRange(-300000, 3000000)},
		{name: "sold_at", kind: kTS, lit: dateLit("TIMESTAMP ", "2006-01-02 15:04:05", true)},
		{name: "note", kind: kText, lit: oneOf("gift", "Gift wrap", "express", "", "résumé", "it's late")},
	},
	"d": {
		{name: "full_date", kind: kDate, lit: dateLit("DATE ", "2006-01-02", false)},
		{name: "year", kind: kInt, group: true, lit: intRange(2022, 2024)},
		{name: "quarter", kind: kInt, group: true, lit: intRange(1, 4)},
		{name: "month", kind: kInt, group: true, lit: intRange(1, 12)},
		{name: "month_name", kind: kText, group: true, lit: oneOf("January", "February", "March", "December", "May")},
		{name: "iso_dow", kind: kInt, group: true, lit: intRange(1, 7)},
		{name: "is_weekend", kind: kBool, group: true},
		{name: "holiday", kind: kText, group: true, lit: oneOf("Christmas", "New Year", "Leap Day", "New Year's Eve")},
	},
	"p": {
		{name: "sku", kind: kText, lit: func(r *rng) string { return fmt.Sprintf("'SKU%03d'", 1+r.intn(gen.Products)) }},
		{name: "name", kind: kText, lit: oneOf("Red Lamp 1", "Tiny Robot 5", "Crème Atlas 3")},
		{name: "category", kind: kText, group: true, lit: oneOf(gen.Categories...)},
		{name: "brand", kind: kText, group: true, lit: oneOf(gen.Brands...)},
		{name: "list_price", kind: kNum, lit: centsRange(199, 49999)},
		{name: "weight_kg", kind: kFloat, lit: eighthsRange(1, 160)},
		{name: "launched", kind: kDate, lit: dateLit("DATE ", "2006-01-02", false)},
		{name: "discontinued", kind: kBool, group: true},
	},
	"c": {
		{name: "name", kind: kText, lit: oneOf("Ana Smith", "Gül Tanaka", "Jack O'Neil")},
		{name: "city", kind: kText, group: true, lit: oneOf(gen.Cities...)},
		{name: "country", kind: kText, group: true, lit: oneOf(gen.Countries...)},
		{name: "segment", kind: kText, group: true, lit: oneOf(gen.Segments...)},
		{name: "signup_at", kind: kTSTZ, lit: dateLit("TIMESTAMPTZ ", "2006-01-02 15:04:05-07", true)},
		{name: "vip", kind: kBool, group: true},
		{name: "credit_limit", kind: kFloat, lit: eighthsRange(-8000, 160000)},
	},
}

// joins of the fact table to each dimension.
var starJoins = []struct{ alias, table, on string }{
	{"d", "d_date", "s.date_key = d.date_key"},
	{"p", "d_product", "s.product_id = p.product_id"},
	{"c", "d_customer", "s.customer_id = c.customer_id"},
}

// queryGen writes random queries; everything it draws comes from r, so a
// seed reproduces the same queries.
type queryGen struct {
	r    rng
	cols []gcol // the columns in scope for the current query
}

// rng is splitmix64, as in internal/gen.
type rng struct{ s uint64 }

func (r *rng) next() uint64 {
	r.s += 0x9e3779b97f4a7c15
	z := r.s
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

func (r *rng) intn(n int) int      { return int(r.next() % uint64(n)) }
func (r *rng) chance(pct int) bool { return r.intn(100) < pct }

func pick[T any](r *rng, xs []T) T { return xs[r.intn(len(xs))] }

// from draws the FROM clause and sets the columns in scope.
func (g *queryGen) from() string {
	g.cols = nil
	for _, c := range starColumns["s"] {
		c.table = "s"
		g.cols = append(g.cols, c)
	}
	var b strings.Builder
	b.WriteString("sales s")
	for _, j := range starJoins {
		if !g.r.chance(45) {
			continue
		}
		kw := "JOIN"
		if g.r.chance(30) {
			kw = "LEFT JOIN"
		}
		fmt.Fprintf(&b, " %s %s %s ON %s", kw, j.table, j.alias, j.on)
		for _, c := range starColumns[j.alias] {
			c.table = j.alias
			g.cols = append(g.cols, c)
		}
	}
	return b.String()
}

// predicate draws one condition on a random column.
func (g *queryGen) predicate() string {
	r := &g.r
	c := pick(r, g.cols)
	ref := c.ref()
	if r.chance(8) {
		return ref + pick(r, []string{" IS NULL", " IS NOT NULL"})
	}
	switch c.kind {
	case kBool:
		return pick(r, []string{ref, "NOT " + ref, ref + " IS TRUE", ref + " IS NOT FALSE", ref + " IS UNKNOWN"})
	case kText:
		switch r.intn(6) {
		case 0:
			v := unquote(c.lit(r))
			if n := len([]rune(v)); n > 1 {
				v = string([]rune(v)[:1+r.intn(n-1)])
			}
			return ref + " LIKE " + quote(strings.ReplaceAll(v, "%", "")+"%")
		case 1:
			v := []rune(unquote(c.lit(r)))
			mid := "a"
			if len(v) > 2 {
				mid = string(v[1:3])
			}
			return ref + " ILIKE " + quote("%"+strings.ToUpper(mid)+"%")
		case 2:
			return fmt.Sprintf("%s IN (%s, %s)", ref, c.lit(r), c.lit(r))
		case 3:
			return fmt.Sprintf("%s IS DISTINCT FROM %s", ref, c.lit(r))
		}
	default:
		switch r.intn(6) {
		case 0:
			return fmt.Sprintf("%s BETWEEN %s AND %s", ref, c.lit(r), c.lit(r))
		case 1:
			return fmt.Sprintf("%s IN (%s, %s, %s)", ref, c.lit(r), c.lit(r), c.lit(r))
		case 2:
			return fmt.Sprintf("NOT (%s %s %s)", ref, pick(r, []string{"<", ">="}), c.lit(r))
		}
	}
	return fmt.Sprintf("%s %s %s", ref, pick(r, []string{"=", "<>", "<", "<=", ">", ">="}), c.lit(r))
}

// where draws zero to three predicates joined by AND and OR.
func (g *queryGen) where() string {
	n := g.r.intn(4)
	if n == 0 {
		return ""
	}
	w := g.predicate()
	for i := 1; i < n; i++ {
		if g.r.chance(70) {
			w = w + " AND " + g.predicate()
		} else {
			w = "(" + w + " OR " + g.predicate() + ")"
		}
	}
	return " WHERE " + w
}

// expr draws a projection of a random column.
func (g *queryGen) expr() string {
	r := &g.r
	c := pick(r, g.cols)
	ref := c.ref()
	if r.chance(40) {
		return ref
	}
	switch c.kind {
	case kInt:
		return pick(r, []string{ref + " + 7", ref + " * 3", ref + " % 5", "abs(" + ref + ")", ref + " / 4", "-" + ref})
	case kNum:
		return pick(r, []string{"round(" + ref + ", 1)", ref + " * 2", ref + " + 0.5", "floor(" + ref + ")", ref + " / 3"})
	case kFloat:
		return pick(r, []string{ref + " * 2", ref + " / 4", "floor(" + ref + ")", "round(" + ref + ")", "abs(" + ref + ")"})
	case kText:
		return pick(r, []string{"upper(" + ref + ")", "lower(" + ref + ")", "length(" + ref + ")", "substr(" + ref + ", 1, 3)",
			ref + " || '-x'", "COALESCE(" + ref + ", '?')", "replace(" + ref + ", 'e', 'E')", "trim(" + ref + ")"})
	case kDate:
		return pick(r, []string{ref + " + 3", "extract(year FROM " + ref + ")", "date_trunc('month', " + ref + ")", "to_char(" + ref + ", 'YYYY-MM')"})
	case kTS:
		return pick(r, []string{"date_trunc('day', " + ref + ")", "extract(hour FROM " + ref + ")", ref + "::date",
			"to_char(" + ref + ", 'YYYY-MM-DD HH24')", ref + " + INTERVAL '1 day'"})
	case kTSTZ:
		return pick(r, []string{"date_trunc('month', " + ref + ")", "extract(year FROM " + ref + ")", ref + "::date"})
	case kBool:
		return pick(r, []string{"NOT " + ref, "COALESCE(" + ref + ", false)", "CASE WHEN " + ref + " THEN 'yes' ELSE 'no' END"})
	}
	return ref
}

// groupKey draws a GROUP BY expression.
func (g *queryGen) groupKey() string {
	r := &g.r
	var keys []gcol
	for _, c := range g.cols {
		if c.group {
			keys = append(keys, c)
		}
	}
	if r.chance(25) {
		return pick(r, []string{"date_trunc('month', s.sold_at)", "extract(year FROM s.sold_at)", "s.date_key / 100",
			"s.quantity < 0", "CASE WHEN s.revenue > 1000 THEN 'big' ELSE 'small' END"})
	}
	return pick(r, keys).ref()
}

// aggregate draws an aggregate call.
func (g *queryGen) aggregate() string {
	r := &g.r
	c := pick(r, g.cols)
	ref := c.ref()
	var a string
	switch c.kind {
	case kInt, kNum, kFloat:
		a = pick(r, []string{"sum(" + ref + ")", "avg(" + ref + ")", "min(" + ref + ")", "max(" + ref + ")",
			"count(" + ref + ")", "count(DISTINCT " + ref + ")", "stddev(" + ref + ")"})
	case kBool:
		a = pick(r, []string{"count(" + ref + ")", "bool_and(" + ref + ")", "bool_or(" + ref + ")"})
	default:
		a = pick(r, []string{"min(" + ref + ")", "max(" + ref + ")", "count(" + ref + ")", "count(DISTINCT " + ref + ")"})
	}
	if r.chance(15) {
		return "count(*)"
	}
	if r.chance(15) {
		a += " FILTER (WHERE " + g.predicate() + ")"
	}
	return a
}

// orderAll orders by every output column, so the order is total.
func (g *queryGen) orderAll(n int) string {
	var parts []string
	for i := 1; i <= n; i++ {
		p := fmt.Sprint(i)
		if g.r.chance(40) {
			p += " DESC"
		}
		if g.r.chance(30) {
			p += pick(&g.r, []string{" NULLS FIRST", " NULLS LAST"})
		}
		parts = append(parts, p)
	}
	s := " ORDER BY " + strings.Join(parts, ", ")
	if g.r.chance(70) {
		s += fmt.Sprintf(" LIMIT %d", 1+g.r.intn(40))
		if g.r.chance(30) {
			s += fmt.Sprintf(" OFFSET %d", g.r.intn(10))
		}
	}
	return s
}

// query draws one SELECT.
func (g *queryGen) query() string {
	from := g.from()
	where := g.where()
	r := &g.r
	switch r.intn(3) {
	case 0: // rows
		n := 1 + r.intn(4)
		exprs := make([]string, n)
		for i := range exprs {
			exprs[i] = g.expr()
		}
		return "SELECT " + strings.Join(exprs, ", ") + " FROM " + from + where + g.orderAll(n)
	case 1: // DISTINCT keys
		n := 1 + r.intn(3)
		keys := make([]string, n)
		for i := range keys {
			keys[i] = g.groupKey()
		}
		return "SELECT DISTINCT " + strings.Join(keys, ", ") + " FROM " + from + where + g.orderAll(n)
	default: // GROUP BY with aggregates
		nk, na := r.intn(4), 1+r.intn(3)
		var out, group []string
		for i := 0; i < nk; i++ {
			out = append(out, g.groupKey())
			group = append(group, fmt.Sprint(i+1))
		}
		for i := 0; i < na; i++ {
			out = append(out, g.aggregate())
		}
		q := "SELECT " + strings.Join(out, ", ") + " FROM " + from + where
		if nk > 0 {
			q += " GROUP BY " + strings.Join(group, ", ")
			if r.chance(30) {
				q += fmt.Sprintf(" HAVING count(*) > %d", r.intn(20))
			}
		}
		return q + g.orderAll(len(out))
	}
}
