package cubes_test

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
)

// genDim is a dimension attribute the generator groups and filters by.
type genDim struct {
	col    string
	table  string   // the table that holds it
	values []string // SQL literals of values the data holds (no NULL)
	null   bool     // whether the data holds NULLs in it
}

func literals(vals []string) []string {
	var out []string
	for _, v := range vals {
		if v != "" {
			out = append(out, "'"+v+"'")
		}
	}
	return out
}

var genDims = func() []genDim {
	var nations, brands []string
	for i := range nNations {
		if i != 7 {
			nations = append(nations, fmt.Sprintf("'N%02d'", i))
		}
	}
	for i := range nBrands {
		brands = append(brands, fmt.Sprintf("'brand_%02d'", i))
	}
	return []genDim{
		{"r_name", "region", literals(regionNames), true},
		{"n_name", "nation", nations, true},
		{"c_segment", "customer", literals(segmentNames), true},
		{"p_cat", "product", literals(catNames), true},
		{"p_brand", "product", brands, true},
		{"pr_name", "promo", literals(promoNames), true},
		{"s_channel", "sales", literals(channelNames), true},
	}
}()

var genAggs = []string{"sum(qty)", "sum(amount)", "sum(price)", "count(*)", "count(qty)", "count(amount)", "count(price)",
	"count(DISTINCT s_cust)", "min(amount)", "max(amount)", "min(qty)", "max(qty)", "avg(qty)", "avg(amount)", "avg(price)"}

// joinNeeds lists, for each dimension table, the tables its join path
// needs (itself included), fact excluded.
var joinNeeds = map[string][]string{
	"region":   {"customer", "nation", "region"},
	"nation":   {"customer", "nation"},
	"customer": {"customer"},
	"product":  {"product"},
	"promo":    {"promo"},
	"sales":    nil,
}

var joinCond = map[string]string{
	"customer": "s_cust = c_key",
	"nation":   "c_nationkey = n_key",
	"region":   "n_regionkey = r_key",
	"product":  "s_prod = p_key",
	"promo":    "s_promo = pr_key",
}

// gen generates random aggregate queries over the star schema, all
// answerable by the cubes (every dimension in GROUP BY and WHERE is a cube
// dimension, every aggregate a measure or derived from measures).
type gen struct {
	r      *rand.Rand
	part   func(lo, hi string) string
	dims   []genDim
	bounds []string // segment boundaries the partition filters fall on
}

type genQuery struct {
	sql     string
	ordered bool
}

func newGen(seed uint64, p *project) *gen {
	g := &gen{r: rand.New(rand.NewPCG(seed, 11)), part: p.partition, bounds: p.bounds}
	for _, d := range genDims {
		if slices.Contains(p.dims, d.col) {
			g.dims = append(g.dims, d)
		}
	}
	return g
}

func (g *gen) pick(list []string) string { return list[g.r.IntN(len(list))] }

func (g *gen) dim() genDim { return g.dims[g.r.IntN(len(g.dims))] }

// pred is one random predicate on d.
func (g *gen) pred(d genDim) string {
	switch g.r.IntN(6) {
	case 0:
		return d.col + " = " + g.pick(d.values)
	case 1:
		a, b := g.pick(d.values), g.pick(d.values)
		return d.col + " IN (" + a + ", " + b + ")"
	case 2:
		a, b := g.pick(d.values), g.pick(d.values)
		if a > b {
			a, b = b, a
		}
		return d.col + " BETWEEN " + a + " AND " + b
	case 3:
		if g.r.IntN(2) == 0 {
			return d.col + " IS NULL"
		}
		return d.col + " IS NOT NULL"
	case 4:
		o := g.dim()
		return "(" + d.col + " = " + g.pick(d.values) + " OR " + o.col + " IS NULL)"
	default:
		return d.col + " <> " + g.pick(d.values)
	}
}

func (g *gen) query() genQuery {
	// Group-by dimensions: 0 to 3 distinct ones.
	var groups []genDim
	for range g.r.IntN(4) {
		d := g.dim()
		if !slices.ContainsFunc(groups, func(x genDim) bool { return x.col == d.col }) {
			groups = append(groups, d)
		}
	}
	var preds []string
	tables := map[string]bool{}
	for _, d := range groups {
		tables[d.table] = true
	}
	for range g.r.IntN(3) {
		d := g.dim()
		p := g.pred(d)
		preds = append(preds, p)
		tables[d.table] = true
		for _, o := range g.dims { // an OR may name a second dimension
			if strings.Contains(p, o.col+" ") {
				tables[o.table] = true
			}
		}
	}
	if g.r.IntN(4) == 0 {
		i := g.r.IntN(len(g.bounds) - 1)
		j := i + 1 + g.r.IntN(len(g.bounds)-1-i)
		preds = append(preds, g.part(g.bounds[i], g.bounds[j]))
	}
	// Sometimes join a table the query does not need.
	if g.r.IntN(5) == 0 {
		tables[g.pick([]string{"customer", "product", "nation", "region", "promo"})] = true
	}
	need := map[string]bool{}
	for tab := range tables {
		for _, x := range joinNeeds[tab] {
			need[x] = true
		}
	}
	var aggs []string
	for range 1 + g.r.IntN(3) {
		aggs = append(aggs, g.pick(genAggs))
	}
	var sel []string
	var cols []string
	for _, d := range groups {
		sel = append(sel, d.col)
		cols = append(cols, d.col)
	}
	sel = append(sel, aggs...)

	// FROM: JOIN ... ON or comma joins with WHERE equalities; promo is
	// always LEFT JOIN ... ON.
	order := []string{"customer", "nation", "region", "product"}
	var from strings.Builder
	from.WriteString("sales")
	if need["promo"] {
		from.WriteString(" LEFT JOIN promo ON " + joinCond["promo"])
	}
	comma := g.r.IntN(2) == 0
	var where []string
	for _, tab := range order {
		if !need[tab] {
			continue
		}
		if comma {
			from.WriteString(", " + tab)
			where = append(where, joinCond[tab])
		} else {
			from.WriteString(" JOIN " + tab + " ON " + joinCond[tab])
		}
	}
	where = append(where, preds...)
	sql := "SELECT " + strings.Join(sel, ", ") + " FROM " + from.String()
	if len(where) > 0 {
		sql += " WHERE " + strings.Join(where, " AND ")
	}
	if len(cols) > 0 {
		sql += " GROUP BY " + strings.Join(cols, ", ")
		if g.r.IntN(3) == 0 {
			sql += " HAVING " + g.pick([]string{"count(*) > 20", "sum(qty) > 100", "count(DISTINCT s_cust) >= 2", "max(amount) < 4990"})
		}
	}
	ordered := false
	if len(cols) > 0 && g.r.IntN(2) == 0 {
		var keys []string
		for _, c := range cols {
			keys = append(keys, c+g.pick([]string{"", " DESC", " NULLS FIRST", " DESC NULLS LAST"}))
		}
		sql += " ORDER BY " + strings.Join(keys, ", ")
		ordered = true
	}
	return genQuery{sql: sql, ordered: ordered}
}
