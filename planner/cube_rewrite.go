package planner

import (
	"context"
	"fmt"
	"strings"

	pg_query "github.com/pganalyze/pg_query_go/v6"
	"google.golang.org/protobuf/proto"

	"github.com/lattice-olap/lattice/cube"
	"github.com/lattice-olap/lattice/metastore"
	"github.com/lattice-olap/lattice/pgerr"
	"github.com/lattice-olap/lattice/types"
)

// exprNode parses one expression.
func exprNode(sql string) (*pg_query.Node, error) {
	tree, err := pg_query.Parse("SELECT " + sql)
	if err != nil {
		return nil, fmt.Errorf("cube rewrite: %q: %w", sql, err)
	}
	return tree.Stmts[0].Stmt.GetSelectStmt().TargetList[0].GetResTarget().Val, nil
}

// rollup is the expression that computes an aggregate of the query from
// the stored measures of a cuboid, as the aggregate's own type.
func (m *cubeMatch) rollup(fc *pg_query.FuncCall, expr string) string {
	name := funcName(fc)
	col := func(kind string) string {
		return pgQuoteIdent(m.d.Measures[m.findMeasure(kind, expr)].Name)
	}
	switch {
	case fc.AggStar:
		return "COALESCE(lattice_sum_int8(" + col(cube.CountStar) + "), 0)"
	case name == "count" && fc.AggDistinct:
		return "lattice_value_set_count(" + col(cube.CountDistinct) + ")"
	case name == "count":
		return "COALESCE(lattice_sum_int8(" + col(cube.Count) + "), 0)"
	case name == "min", name == "max":
		return name + "(" + col(name) + ")"
	case name == "sum":
		s := m.d.Measures[m.findMeasure(cube.Sum, expr)]
		if s.Type.Oid == types.OidInt8 {
			return "lattice_sum_int8(" + col(cube.Sum) + ")"
		}
		return "sum(" + col(cube.Sum) + ")"
	case name == "avg":
		s := m.d.Measures[m.findMeasure(cube.Sum, expr)]
		if s.ArgType.Family() == types.FloatFamily {
			return "sum(" + col(cube.Sum) + ") / CAST(NULLIF(sum(" + col(cube.Count) + "), 0) AS float8)"
		}
		return "CAST(sum(" + col(cube.Sum) + ") AS numeric) / NULLIF(sum(" + col(cube.Count) + "), 0)"
	}
	return ""
}

// rewriteBlock rewrites the matched block over its cuboid.
func (b *binder) rewriteBlock(m *cubeMatch) (*pg_query.SelectStmt, error) {
	out := proto.Clone(m.q.sel).(*pg_query.SelectStmt)
	q := &qBlock{tables: m.q.tables}
	ref := func(cr *pg_query.ColumnRef) (cube.ColRef, bool, *noRoute) {
		t, col, ok, why := q.resolve(cr)
		if why != nil || !ok {
			return cube.ColRef{}, false, why
		}
		return cube.ColRef{Table: m.alias[t], Column: col}, true, nil
	}
	outputs := map[string]bool{}
	for _, t := range out.TargetList {
		rt := t.GetResTarget()
		if rt.Name == "" {
			rt.Name = figureColname(rt.Val)
		}
		outputs[rt.Name] = true
	}
	var failed error
	var rewrite func(n *pg_query.Node, sortKey bool)
	rewrite = func(n *pg_query.Node, sortKey bool) {
		walkNodes(n, func(x *pg_query.Node) bool {
			if failed != nil {
				return false
			}
			if fc := x.GetFuncCall(); fc != nil && isAggregate(funcName(fc)) {
				expr := ""
				if !fc.AggStar {
					var why *noRoute
					if expr, why = measureText(fc.Args[0], ref); why != nil {
						failed = why
						return false
					}
				}
				nn, err := exprNode(m.rollup(fc, expr))
				if err != nil {
					failed = err
					return false
				}
				x.Node = nn.Node
				return false
			}
			if cr := x.GetColumnRef(); cr != nil {
				if sortKey && len(cr.Fields) == 1 && outputs[cr.Fields[0].GetString_().GetSval()] {
					return false
				}
				r, ok, _ := ref(cr)
				if ok {
					cr.Fields = []*pg_query.Node{pg_query.MakeStrNode(m.d.Dimensions[m.d.DimensionOf(r)].Name)}
				}
			}
			return true
		})
	}
	// WHERE: the block's filters (from WHERE and inner-join ON clauses)
	// without its joins, and without partition filters that pruning
	// answered.
	var conds []*pg_query.Node
	var collect func(n *pg_query.Node)
	collect = func(n *pg_query.Node) {
		if j := n.GetJoinExpr(); j != nil {
			collect(j.Larg)
			collect(j.Rarg)
			if j.Jointype == pg_query.JoinType_JOIN_INNER && j.Quals != nil {
				conds = append(conds, andTerms(j.Quals)...)
			}
		}
	}
	for _, item := range out.FromClause {
		collect(item)
	}
	if out.WhereClause != nil {
		conds = append(conds, andTerms(out.WhereClause)...)
	}
	var keep []*pg_query.Node
	var partConds, joinConds []string
	for _, c := range conds {
		if isJoinEdge(c, ref) {
			orig, err := deparseExpr(c)
			if err != nil {
				return nil, err
			}
			joinConds = append(joinConds, orig)
			continue
		}
		if refs, _ := columnRefs(c, ref); m.d.Partition != nil && len(refs) > 0 && allEqual(refs, m.d.Partition.Col) {
			if _, ok := partitionBound(m.d.Partition, c); ok {
				orig, err := deparseExpr(c)
				if err != nil {
					return nil, err
				}
				partConds = append(partConds, orig)
				if !m.keepPart {
					continue
				}
			}
		}
		rewrite(c, false)
		keep = append(keep, c)
	}
	out.WhereClause = andNode(keep)
	for _, t := range out.TargetList {
		rewrite(t.GetResTarget().Val, false)
	}
	for _, g := range out.GroupClause {
		rewrite(g, true)
	}
	rewrite(out.HavingClause, false)
	for _, s := range out.SortClause {
		rewrite(s.GetSortBy().Node, true)
	}
	for _, s := range out.DistinctClause {
		rewrite(s, true)
	}
	if failed != nil {
		return nil, failed
	}
	name := b.addFileRel(m.d, m.cuboid, m.files)
	var dims []int
	for _, i := range m.needed.Dims() {
		dims = append(dims, i)
	}
	var measures []int
	for i := range m.d.Measures {
		if m.measures[i] {
			measures = append(measures, i)
		}
	}
	if len(m.gaps) == 0 {
		out.FromClause = []*pg_query.Node{rangeVarNode(name, "lattice_cube")}
	} else {
		// The ranges no READY segment covers come from the raw rows of
		// the query's own tables, aggregated to the cuboid's shape.
		qalias := map[string]string{}
		for i, a := range m.alias {
			qalias[a] = m.q.tables[i].alias
		}
		fromSQL, err := deparseFrom(m.q.items)
		if err != nil {
			return nil, err
		}
		partCol := ""
		if m.d.Partition != nil {
			partCol = pgQuoteIdent(qalias[m.d.Fact.Alias]) + "." + pgQuoteIdent(m.d.Partition.Col.Column)
		}
		where := append(joinConds, partConds...)
		sub, err := unionWithRaw(m.d, name, dims, measures, qalias, fromSQL, where, partCol, m.gaps, m.rawNulls())
		if err != nil {
			return nil, err
		}
		b.cube.markRaw(sub)
		out.FromClause = []*pg_query.Node{sub}
	}
	b.cube.addRoute(m.route())
	return out, nil
}

func allEqual(refs []cube.ColRef, c cube.ColRef) bool {
	for _, r := range refs {
		if r != c {
			return false
		}
	}
	return true
}

// isJoinEdge reports an equality of columns of two different tables.
func isJoinEdge(n *pg_query.Node, ref func(*pg_query.ColumnRef) (cube.ColRef, bool, *noRoute)) bool {
	ae := n.GetAExpr()
	if ae == nil || ae.Kind != pg_query.A_Expr_Kind_AEXPR_OP || opName(ae.Name) != "=" || ae.Lexpr.GetColumnRef() == nil || ae.Rexpr.GetColumnRef() == nil {
		return false
	}
	l, lok, _ := ref(ae.Lexpr.GetColumnRef())
	r, rok, _ := ref(ae.Rexpr.GetColumnRef())
	return lok && rok && l.Table != r.Table
}

func andNode(conds []*pg_query.Node) *pg_query.Node {
	switch len(conds) {
	case 0:
		return nil
	case 1:
		return conds[0]
	}
	return pg_query.MakeBoolExprNode(pg_query.BoolExprType_AND_EXPR, conds, -1)
}

func rangeVarNode(name, alias string) *pg_query.Node {
	rv := pg_query.MakeSimpleRangeVarNode(name, -1)
	rv.GetRangeVar().Alias = &pg_query.Alias{Aliasname: alias}
	return rv
}

// deparseFrom returns FROM items as SQL text.
func deparseFrom(items []*pg_query.Node) (string, error) {
	tree := &pg_query.ParseResult{Version: parseTreeVersion(), Stmts: []*pg_query.RawStmt{{Stmt: &pg_query.Node{Node: &pg_query.Node_SelectStmt{SelectStmt: &pg_query.SelectStmt{
		TargetList: []*pg_query.Node{{Node: &pg_query.Node_ResTarget{ResTarget: &pg_query.ResTarget{Val: pg_query.MakeAConstIntNode(1, -1)}}}},
		FromClause: items,
	}}}}}}
	s, err := pg_query.Deparse(tree)
	if err != nil {
		return "", err
	}
	return strings.TrimPrefix(s, "SELECT 1 FROM "), nil
}

// measureAgg is the aggregate that computes a stored measure from raw rows.
func measureAgg(me cube.Measure, expr string) string {
	switch me.Kind {
	case cube.CountStar:
		return "count(*)"
	case cube.Count:
		return "count(" + expr + ")"
	case cube.CountDistinct:
		return "lattice_value_set(" + expr + ")"
	case cube.Min, cube.Max:
		t := me.Type.String()
		if me.Type.Oid == types.OidBpchar && me.Type.Typmod < 0 {
			t = "bpchar" // "character" would mean char(1)
		}
		return "CAST(" + me.Kind + "(" + expr + ") AS " + t + ")"
	}
	return "sum(" + expr + ")"
}

// realias rewrites the table qualifiers of a measure's expression.
func realias(expr string, alias map[string]string) (string, error) {
	if expr == "" {
		return "", nil
	}
	n, err := exprNode(expr)
	if err != nil {
		return "", err
	}
	walkNodes(n, func(x *pg_query.Node) bool {
		if cr := x.GetColumnRef(); cr != nil && len(cr.Fields) == 2 {
			if a, ok := alias[cr.Fields[0].GetString_().GetSval()]; ok {
				cr.Fields[0] = pg_query.MakeStrNode(a)
			}
		}
		return true
	})
	return deparseExpr(n)
}

// unionWithRaw is a FROM item: the cuboid's rows for the READY segments
// and the raw rows of gaps aggregated to the same dimensions and measures.
// With nulls, the rows whose partition value is NULL come from raw rows too.
func unionWithRaw(d *cube.Def, cuboidRel string, dims, measures []int, alias map[string]string, fromSQL string, where []string, partCol string, gaps []cube.Range, nulls bool) (*pg_query.Node, error) {
	var cubeCols, rawCols, groupBy []string
	for k, i := range dims {
		dim := d.Dimensions[i]
		cubeCols = append(cubeCols, pgQuoteIdent(dim.Name))
		rawCols = append(rawCols, pgQuoteIdent(alias[dim.Col.Table])+"."+pgQuoteIdent(dim.Col.Column)+" AS "+pgQuoteIdent(dim.Name))
		groupBy = append(groupBy, fmt.Sprint(k+1))
	}
	for _, i := range measures {
		me := d.Measures[i]
		expr, err := realias(me.Expr, alias)
		if err != nil {
			return nil, err
		}
		cubeCols = append(cubeCols, pgQuoteIdent(me.Name))
		rawCols = append(rawCols, measureAgg(me, expr)+" AS "+pgQuoteIdent(me.Name))
	}
	var ranges []string
	for _, g := range gaps {
		if d.Partition == nil {
			ranges = append(ranges, "true")
		} else if p := d.Partition.Predicate(partCol, g); p != "" {
			ranges = append(ranges, "("+p+")")
		} else {
			ranges = append(ranges, "true")
		}
	}
	if nulls {
		ranges = append(ranges, partCol+" IS NULL")
	}
	where = append(where, "("+strings.Join(ranges, " OR ")+")")
	sql := "SELECT " + strings.Join(cubeCols, ", ") + " FROM " + pgQuoteIdent(cuboidRel) +
		" UNION ALL SELECT " + strings.Join(rawCols, ", ") + " FROM " + fromSQL + " WHERE " + strings.Join(where, " AND ")
	if len(groupBy) > 0 {
		sql += " GROUP BY " + strings.Join(groupBy, ", ")
	}
	tree, err := pg_query.Parse(sql)
	if err != nil {
		return nil, fmt.Errorf("cube rewrite: %w", err)
	}
	return &pg_query.Node{Node: &pg_query.Node_RangeSubselect{RangeSubselect: &pg_query.RangeSubselect{
		Subquery: tree.Stmts[0].Stmt,
		Alias:    &pg_query.Alias{Aliasname: "lattice_cube"},
	}}}, nil
}

// cubeRelation rewrites a block that reads a cube as a relation: its rows
// are the base cuboid's (dimensions and measures; a COUNT(DISTINCT)
// measure shows its count). A block whose aggregates roll up exactly
// (SUM of SUM and COUNT measures, MIN of MIN, MAX of MAX, COUNT(DISTINCT)
// of a distinct measure) reads the smallest cuboid with the dimensions it
// uses instead.
func (b *binder) cubeRelation(ctx context.Context, sel *pg_query.SelectStmt, d *cube.Def, rv *pg_query.RangeVar, st *metastore.CubeState) (*pg_query.SelectStmt, error) {
	if sel.Op != pg_query.SetOperation_SETOP_NONE {
		return nil, nil
	}
	fps, err := b.fingerprints(ctx, d)
	if err != nil {
		return nil, err
	}
	alias := d.Name
	if rv.Alias != nil {
		if len(rv.Alias.Colnames) > 0 {
			return nil, pgerr.New(pgerr.FeatureNotSupported, "a cube relation's columns cannot be renamed in FROM")
		}
		alias = rv.Alias.Aliasname
	}
	out := proto.Clone(sel).(*pg_query.SelectStmt)
	measure := func(name string) int {
		for i, me := range d.Measures {
			if me.Name == name && !me.Hidden {
				return i
			}
		}
		return -1
	}
	colName := func(cr *pg_query.ColumnRef) (string, bool) {
		n := len(cr.Fields)
		if cr.Fields[n-1].GetAStar() != nil {
			return "", false
		}
		if n > 1 && cr.Fields[n-2].GetString_().GetSval() != alias {
			return "", false
		}
		return cr.Fields[n-1].GetString_().GetSval(), true
	}
	// Expand stars so that distinct measures show their counts.
	var targets []*pg_query.Node
	for _, t := range out.TargetList {
		rt := t.GetResTarget()
		if cr := rt.Val.GetColumnRef(); cr != nil && cr.Fields[len(cr.Fields)-1].GetAStar() != nil {
			for _, dim := range d.Dimensions {
				targets = append(targets, resTarget(dim.Name, pg_query.MakeColumnRefNode([]*pg_query.Node{pg_query.MakeStrNode(dim.Name)}, -1)))
			}
			for _, me := range d.Measures {
				if !me.Hidden {
					targets = append(targets, resTarget(me.Name, pg_query.MakeColumnRefNode([]*pg_query.Node{pg_query.MakeStrNode(me.Name)}, -1)))
				}
			}
			continue
		}
		if rt.Name == "" {
			rt.Name = figureColname(rt.Val)
		}
		targets = append(targets, t)
	}
	out.TargetList = targets
	// Which cuboid: the smallest with the dimensions used when every
	// aggregate rolls up exactly, else the base.
	var needed cube.Cuboid
	rollsUp := len(out.GroupClause) > 0
	aggregated := false
	var visit func(n *pg_query.Node)
	visit = func(n *pg_query.Node) {
		walkNodes(n, func(x *pg_query.Node) bool {
			if fc := x.GetFuncCall(); fc != nil && isAggregate(funcName(fc)) && fc.Over == nil {
				aggregated = true
				ok := false
				if len(fc.Args) == 1 && fc.AggFilter == nil && len(fc.AggOrder) == 0 {
					if cr := fc.Args[0].GetColumnRef(); cr != nil {
						if name, mine := colName(cr); mine {
							if i := measure(name); i >= 0 {
								kind, fn := d.Measures[i].Kind, funcName(fc)
								ok = (fn == "sum" && !fc.AggDistinct && (kind == cube.Sum || kind == cube.Count || kind == cube.CountStar)) ||
									(fn == kind && (kind == cube.Min || kind == cube.Max)) ||
									(fn == "count" && fc.AggDistinct && kind == cube.CountDistinct)
							}
						}
					}
				}
				if !ok {
					rollsUp = false
				}
			}
			if cr := x.GetColumnRef(); cr != nil {
				if name, mine := colName(cr); mine {
					if i := d.Dimension(name); i >= 0 {
						needed |= 1 << i
					}
				}
			}
			return true
		})
	}
	eachClause(out, visit)
	// A measure read outside an aggregate is read per base row.
	walkOutsideAggs(out, func(cr *pg_query.ColumnRef) {
		if name, mine := colName(cr); mine && measure(name) >= 0 {
			rollsUp = false
		}
	})
	cuboid := d.Base()
	if rollsUp && aggregated {
		m := &cubeMatch{planner: b.sess.planner, d: d, needed: needed, tables: fps}
		if why := m.pickSegments(st.Segments, nil); why == nil {
			cuboid = m.cuboid
		}
	}
	m := &cubeMatch{planner: b.sess.planner, d: d, needed: cuboid, tables: fps}
	if why := m.pickSegments(st.Segments, nil); why != nil {
		return nil, pgerr.New(pgerr.InternalError, "cube %s: %s", d.Name, why.reason)
	}
	cuboid = m.cuboid
	// Distinct measures: COUNT(DISTINCT m) merges the sets, m alone counts
	// its row's set.
	var failed error
	replace := func(x *pg_query.Node, sql string) {
		nn, err := exprNode(sql)
		if err != nil {
			failed = err
			return
		}
		x.Node = nn.Node
	}
	var fix func(n *pg_query.Node)
	fix = func(n *pg_query.Node) {
		walkNodes(n, func(x *pg_query.Node) bool {
			if fc := x.GetFuncCall(); fc != nil && funcName(fc) == "count" && fc.AggDistinct && len(fc.Args) == 1 {
				if cr := fc.Args[0].GetColumnRef(); cr != nil {
					if name, mine := colName(cr); mine {
						if i := measure(name); i >= 0 && d.Measures[i].Kind == cube.CountDistinct {
							replace(x, "lattice_value_set_count("+pgQuoteIdent(alias)+"."+pgQuoteIdent(name)+")")
							return false
						}
					}
				}
			}
			if cr := x.GetColumnRef(); cr != nil {
				if name, mine := colName(cr); mine {
					if i := measure(name); i >= 0 && d.Measures[i].Kind == cube.CountDistinct {
						replace(x, "lattice_value_set_size("+pgQuoteIdent(alias)+"."+pgQuoteIdent(name)+")")
						return false
					}
				}
			}
			return true
		})
	}
	eachClause(out, fix)
	if failed != nil {
		return nil, failed
	}
	// Keep every column of the cuboid so that the relation's names resolve.
	name := b.addFileRel(d, cuboid, m.files)
	if len(m.gaps) == 0 {
		out.FromClause = []*pg_query.Node{rangeVarNode(name, alias)}
	} else {
		self := map[string]string{}
		for _, t := range d.Tables() {
			self[t.Alias] = t.Alias
		}
		var measures []int
		for i := range d.Measures {
			measures = append(measures, i)
		}
		var where []string
		partCol := ""
		if d.Partition != nil {
			partCol = colText(d.Partition.Col)
		}
		sub, err := unionWithRaw(d, name, cuboid.Dims(), measures, self, fromText(d, nil), where, partCol, m.gaps, m.rawNulls())
		if err != nil {
			return nil, err
		}
		b.cube.markRaw(sub)
		sub.GetRangeSubselect().Alias.Aliasname = alias
		out.FromClause = []*pg_query.Node{sub}
	}
	b.cube.addRoute(m.route())
	return out, nil
}

func resTarget(name string, val *pg_query.Node) *pg_query.Node {
	return &pg_query.Node{Node: &pg_query.Node_ResTarget{ResTarget: &pg_query.ResTarget{Name: name, Val: val}}}
}

// walkOutsideAggs calls fn for every column reference of the block that is
// not inside an aggregate call.
func walkOutsideAggs(sel *pg_query.SelectStmt, fn func(*pg_query.ColumnRef)) {
	visit := func(n *pg_query.Node) {
		walkNodes(n, func(x *pg_query.Node) bool {
			if fc := x.GetFuncCall(); fc != nil && isAggregate(funcName(fc)) && fc.Over == nil {
				return false
			}
			if cr := x.GetColumnRef(); cr != nil {
				fn(cr)
			}
			return true
		})
	}
	eachClause(sel, visit)
}

// eachClause calls fn for every expression of the block's select list,
// GROUP BY, DISTINCT ON, WHERE, HAVING and ORDER BY.
func eachClause(sel *pg_query.SelectStmt, fn func(*pg_query.Node)) {
	for _, l := range [][]*pg_query.Node{sel.TargetList, sel.GroupClause, sel.DistinctClause} {
		for _, n := range l {
			fn(n)
		}
	}
	fn(sel.WhereClause)
	fn(sel.HavingClause)
	for _, s := range sel.SortClause {
		fn(s.GetSortBy().Node)
	}
}

// markRaw records that the raw half of a union made by unionWithRaw must
// not be routed to a cube again.
func (c *cubeBinding) markRaw(sub *pg_query.Node) {
	u := sub.GetRangeSubselect().Subquery.GetSelectStmt()
	c.addRaw(u.Rarg, u.Larg)
}
