package planner

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/cockroachdb/apd/v3"

	pg_query "github.com/pganalyze/pg_query_go/v6"

	"github.com/lattice-olap/lattice/exec"
	"github.com/lattice-olap/lattice/pgerr"
	"github.com/lattice-olap/lattice/types"
)

// relPlan is a planned relation: the columns it produces, and how to build
// its operator pipeline for one execution.
type relPlan struct {
	cols  []scopeCol
	build func(ec *evalCtx) (exec.Operator, error)
	node  *planNode
	scan  *scanInfo // set for a table scan: file pruning
	// probe is the table scan whose columns lead this plan's, through
	// inner and left joins: inner joins above may filter it by their keys.
	probe *scanInfo
	// sorted is how many leading columns the rows arrive sorted by
	// (ascending, NULLs last): a cuboid file read in order.
	sorted int
	// runs is set for an aggregation over sorted input (exec.RunAgg); the
	// block above may give it the ORDER BY to sort by.
	runs *runOrder
	// lateral is set for a FROM item that reads the columns of the items
	// to its left: its outer references, by which lateralPlan keys its
	// runs. build then runs it for the left row in the evaluation context.
	lateral []*outerRef
}

// runOrder is an aggregation over input sorted by some of its group keys.
type runOrder struct {
	runs  []int          // group positions the input is sorted by, in its order
	order []exec.SortKey // when set (before the plan runs), RunAgg.Order
	node  *planNode
}

func (r relPlan) execCols() []exec.Column {
	out := make([]exec.Column, len(r.cols))
	for i, c := range r.cols {
		out[i] = exec.Column{Name: c.name, Type: c.typ}
	}
	return out
}

// aggScope is the binder's state while binding expressions above GROUP BY:
// expressions equal to a group key and aggregate calls become references to
// the aggregation's output columns.
type aggScope struct {
	input     *scope
	groupKeys []string
	groups    []Expr
	aggs      []aggCall
	inArg     bool // binding an aggregate's argument: plain input scope
	// sets lists each grouping set's group indices (GROUPING SETS,
	// ROLLUP, CUBE); nil for a plain GROUP BY. With sets, the
	// aggregation's output has the set number after the group columns.
	sets [][]int
}

// first is the output index of the first aggregate.
func (ag *aggScope) first() int {
	if ag.sets != nil {
		return len(ag.groups) + 1
	}
	return len(ag.groups)
}

type aggCall struct {
	spec      exec.AggSpec
	arg, arg2 Expr
	filter    Expr
	order     Expr   // string_agg's or array_agg's ORDER BY key
	more      []Expr // its further keys (spec.MoreOrder)
}

// selectFrom plans a query block with a FROM clause.
func (b *binder) selectFrom(ctx context.Context, sel *pg_query.SelectStmt) (*Statement, error) {
	ws := &winScope{named: map[string]*pg_query.WindowDef{}}
	for _, w := range sel.WindowClause {
		wd := w.GetWindowDef()
		ws.named[wd.Name] = wd
	}
	src, err := b.fromWhere(ctx, b.orderJoins(ctx, sel), sel.WhereClause)
	if err != nil {
		return nil, err
	}
	b.scope = &scope{cols: src.cols}

	// Expand the select list (stars) into nodes first, so that GROUP BY
	// ordinals and output names can refer to it.
	type target struct {
		node *pg_query.Node
		name string
		star *scopeCol
	}
	var targets []target
	for _, t := range sel.TargetList {
		rt := t.GetResTarget()
		if cr := rt.Val.GetColumnRef(); cr != nil && cr.Fields[len(cr.Fields)-1].GetAStar() != nil {
			qual := ""
			if len(cr.Fields) == 2 {
				qual = cr.Fields[0].GetString_().GetSval()
			}
			matched := false
			// Columns merged by USING come first, as in PostgreSQL (by
			// name, or by an alias of their join).
			merged := func(c *scopeCol) bool { return c.usingPos > 0 && (qual == "" || c.aliased) }
			order := make([]int, 0, len(src.cols))
			for i := range src.cols {
				if merged(&src.cols[i]) {
					order = append(order, i)
				}
			}
			sort.SliceStable(order, func(a, b int) bool { return src.cols[order[a]].usingPos < src.cols[order[b]].usingPos })
			for i := range src.cols {
				if !merged(&src.cols[i]) {
					order = append(order, i)
				}
			}
			for _, i := range order {
				c := &src.cols[i]
				// b.* lists b's own copy of a USING column, which plain *
				// hides behind the merged one.
				if (c.hidden && !(qual != "" && c.usingDup)) || (qual != "" && c.rel != qual) {
					continue
				}
				matched = true
				if merged(c) {
					targets = append(targets, target{name: c.name, node: makeColumnRef(qual, c.name)})
					continue
				}
				targets = append(targets, target{name: c.name, star: c})
			}
			if qual != "" && !matched {
				return nil, b.errorf(cr.Location, pgerr.UndefinedTable, "missing FROM-clause entry for table %q", qual)
			}
			continue
		}
		name := rt.Name
		if name == "" {
			name = figureColname(rt.Val)
		}
		targets = append(targets, target{node: rt.Val, name: name})
	}

	aggregated := len(sel.GroupClause) > 0 || sel.HavingClause != nil
	for _, t := range targets {
		if t.node != nil && hasAggregate(t.node) {
			aggregated = true
		}
	}
	for _, n := range sel.SortClause {
		if hasAggregate(n.GetSortBy().Node) {
			aggregated = true
		}
	}
	if aggregated {
		if src, err = b.aggregate(sel, src, func(i int) *pg_query.Node {
			if i < 0 || i >= len(targets) {
				return nil
			}
			if targets[i].star != nil {
				return makeColumnRef(targets[i].star.rel, targets[i].star.name)
			}
			return targets[i].node
		}, func(name string) *pg_query.Node {
			for _, t := range targets {
				if t.name == name && t.node != nil {
					return t.node
				}
			}
			return nil
		}); err != nil {
			return nil, err
		}
	}

	// Window calls in the select list and ORDER BY are collected while
	// they are bound.
	b.win = ws
	defer func() { b.win = nil }()
	var outCols []Column
	var exprs []Expr
	for _, t := range targets {
		var e Expr
		if t.star != nil && !aggregated {
			t.star.mark()
			e = &colRef{idx: t.star.idx, typ: t.star.typ}
		} else {
			node := t.node
			if node == nil {
				node = makeColumnRef(t.star.rel, t.star.name)
			}
			var err error
			if e, err = b.expr(node); err != nil {
				return nil, err
			}
		}
		b.untyped = append(b.untyped, e.Type().Oid == types.OidUnknown)
		e = b.defaultUnknown(e)
		outCols = append(outCols, Column{Name: t.name, Type: e.Type()})
		exprs = append(exprs, e)
	}
	var having Expr
	if sel.HavingClause != nil {
		h, err := b.expr(sel.HavingClause)
		if err != nil {
			return nil, err
		}
		if having, err = b.coerce(h, types.Bool, 0); err != nil {
			return nil, pgerr.New(pgerr.DatatypeMismatch, "argument of HAVING must be type boolean, not type %s", h.Type())
		}
	}

	// ORDER BY: an output ordinal or name, or an expression computed as a
	// hidden column after the outputs.
	projected := append([]Expr(nil), exprs...)
	distinct := len(sel.DistinctClause) > 0
	distinctOn := distinct && sel.DistinctClause[0] != nil && sel.DistinctClause[0].Node != nil
	// hidden holds the AST keys of the hidden columns after the outputs,
	// so DISTINCT ON and ORDER BY share one for the same expression.
	hidden := map[string]int{}
	column := func(n *pg_query.Node, clause string) (int, error) {
		col, err := b.outputColumn(n, outCols, clause, func(i, j int) bool { return sameExpr(exprs[i], exprs[j]) })
		if err != nil || col >= 0 {
			return col, err
		}
		// An expression written as in the select list is that column, as
		// PostgreSQL matches them (SQL99 rules).
		key := astKey(n)
		for i, t := range targets {
			if t.node != nil && astKey(t.node) == key {
				return i, nil
			}
		}
		if i, ok := hidden[key]; ok {
			return i, nil
		}
		e, err := b.expr(n)
		if err != nil {
			return -1, err
		}
		// t.g is the output g, as PostgreSQL compares the expressions.
		for i, x := range projected {
			if sameExpr(x, e) {
				return i, nil
			}
		}
		if distinct && !distinctOn {
			return -1, pgerr.New(pgerr.InvalidColumnReference, "for SELECT DISTINCT, ORDER BY expressions must appear in select list")
		}
		if _, ok := types.CompareFunc(e.Type()); !ok {
			return -1, pgerr.New(pgerr.UndefinedFunction, "could not identify an ordering operator for type %s", e.Type())
		}
		hidden[key] = len(projected)
		projected = append(projected, b.defaultUnknown(e))
		return len(projected) - 1, nil
	}
	var onCols []int
	if distinctOn {
		for _, n := range sel.DistinctClause {
			col, err := column(n, "DISTINCT ON")
			if err != nil {
				return nil, err
			}
			if !slices.Contains(onCols, col) {
				onCols = append(onCols, col)
			}
		}
	}
	var keys []exec.SortKey
	for _, n := range sel.SortClause {
		sb := n.GetSortBy()
		col, err := column(sb.Node, "ORDER BY")
		if err != nil {
			return nil, err
		}
		desc, nullsFirst, err := sortDirection(sb)
		if err != nil {
			return nil, err
		}
		keys = append(keys, exec.SortKey{Col: col, Desc: desc, NullsFirst: nullsFirst})
	}
	if distinctOn {
		if keys, err = distinctOnKeys(onCols, keys); err != nil {
			return nil, err
		}
	}
	limit, err := b.optionalInt(sel.LimitCount, "LIMIT")
	if err != nil {
		return nil, err
	}
	offset, err := b.optionalInt(sel.LimitOffset, "OFFSET")
	if err != nil {
		return nil, err
	}
	params, err := b.paramTypes()
	if err != nil {
		return nil, err
	}
	fold := append([]Expr(nil), projected...)
	for _, x := range []Expr{having, offset, limit} {
		if x != nil {
			fold = append(fold, x)
		}
	}
	nOut := len(outCols)
	top := src.node
	var havingNode, windowNode, distinctNode, sortNode, limitNode *planNode
	if having != nil {
		havingNode = newNode("Filter", top).detail("Filter: %s", exprString(having, nil))
		top = havingNode
	}
	if len(ws.calls) > 0 {
		windowNode = newNode("WindowAgg", top)
		top = windowNode
	}
	if distinct && !distinctOn {
		distinctNode = newNode("HashAggregate (DISTINCT)", top)
		top = distinctNode
	}
	ties, err := tiesColumns(sel, keys)
	if err != nil {
		return nil, err
	}
	// Over sorted runs, the aggregation sorts its chunks instead.
	if len(keys) > 0 && !distinct && len(ws.calls) == 0 && sortByRuns(src.runs, keys, projected) {
		for _, k := range keys {
			src.runs.node.detail("Sort Key: %s", sortKeyName(k, outCols))
		}
		keys = nil
	}
	if len(keys) > 0 {
		sortNode = newNode("Sort", top)
		for _, k := range keys {
			sortNode.detail("Sort Key: %s", sortKeyName(k, outCols))
		}
		top = sortNode
	}
	if distinctOn {
		distinctNode = newNode("Unique", top)
		for _, c := range onCols {
			distinctNode.detail("Key: %s", sortKeyName(exec.SortKey{Col: c}, outCols))
		}
		top = distinctNode
	}
	if limit != nil || offset != nil {
		limitNode = newNode("Limit", top)
		top = limitNode
	}
	// Window results come after the input's columns.
	width := len(src.cols)
	if b.agg != nil {
		width = b.agg.first() + len(b.agg.aggs)
	}
	for j, ref := range ws.refs {
		ref.idx = width + j
	}
	return &Statement{Params: params, Columns: outCols, fold: fold, plan: top, run: func(ctx context.Context, s *Session, args []types.Datum) (Result, error) {
		ec := s.evalCtx(ctx, args)
		lim, off, err := limitValues(ec, limit, offset)
		if err != nil {
			return nil, err
		}
		op, err := src.build(ec)
		if err != nil {
			return nil, err
		}
		if having != nil {
			op = havingNode.instrument(exec.NewFilter(op, batchExpr{having, ec}), ec)
		}
		if len(ws.calls) > 0 {
			op = windowNode.instrument(ws.operator(op, ec), ec)
		}
		pcols := make([]exec.Column, len(projected))
		bexprs := make([]exec.BatchExpr, len(projected))
		for i, x := range projected {
			pcols[i] = exec.Column{Name: fmt.Sprint("c", i), Type: x.Type()}
			bexprs[i] = batchExpr{x, ec}
		}
		op = exec.NewProject(op, bexprs, pcols)
		if distinct && !distinctOn {
			op = distinctNode.instrument(exec.NewHashAgg(op, len(projected), nil, numericDivide), ec)
		}
		if len(keys) > 0 {
			srt := exec.NewSort(op, keys)
			if lim >= 0 && !distinctOn && ties == nil {
				srt.TopN = lim + off
			}
			op = sortNode.instrument(srt, ec)
		}
		if distinctOn {
			op = distinctNode.instrument(exec.NewFirstOfGroup(op, onCols), ec)
		}
		if lim >= 0 || off > 0 {
			l := exec.NewLimit(op, lim, off)
			l.Ties = ties
			op = l
			if limitNode != nil {
				op = limitNode.instrument(op, ec)
			}
		}
		return &opResult{rows: exec.NewRows(op), n: nOut}, nil
	}}, nil
}

// tiesColumns returns the sort columns of FETCH FIRST n ROWS WITH TIES
// (nil without WITH TIES), which needs an ORDER BY.
func tiesColumns(sel *pg_query.SelectStmt, keys []exec.SortKey) ([]int, error) {
	if sel.LimitOption != pg_query.LimitOption_LIMIT_OPTION_WITH_TIES {
		return nil, nil
	}
	if len(keys) == 0 {
		return nil, pgerr.New(pgerr.SyntaxError, "WITH TIES cannot be specified without ORDER BY clause")
	}
	cols := make([]int, len(keys))
	for i, k := range keys {
		cols[i] = k.Col
	}
	return cols, nil
}

// sameExpr reports whether two bound output expressions are one: the same
// input column, or the same constant.
func sameExpr(a, b Expr) bool {
	switch x := a.(type) {
	case *colRef:
		y, ok := b.(*colRef)
		return ok && x.idx == y.idx && x.typ == y.typ
	}
	return false
}

// distinctOnKeys checks that ORDER BY begins with the DISTINCT ON columns
// (in any order, as PostgreSQL requires) and returns the sort keys that
// bring each group's rows together: ORDER BY's, then any DISTINCT ON
// column it lacks, ascending.
func distinctOnKeys(on []int, keys []exec.SortKey) ([]exec.SortKey, error) {
	mismatch := pgerr.New(pgerr.InvalidColumnReference, "SELECT DISTINCT ON expressions must match initial ORDER BY expressions")
	skipped := false
	covered := map[int]bool{}
	for _, k := range keys {
		if !slices.Contains(on, k.Col) {
			skipped = true
			continue
		}
		if skipped {
			return nil, mismatch
		}
		covered[k.Col] = true
	}
	out := slices.Clone(keys)
	for _, c := range on {
		if !covered[c] {
			if skipped {
				return nil, mismatch
			}
			out = append(out, exec.SortKey{Col: c})
		}
	}
	return out, nil
}

// sortKeyName names a sort key in EXPLAIN.
func sortKeyName(k exec.SortKey, outCols []Column) string {
	name := fmt.Sprintf("column %d", k.Col+1)
	if k.Col < len(outCols) {
		name = outCols[k.Col].Name
	}
	if k.Desc {
		name += " DESC"
	}
	return name
}

// numericDivide divides with PostgreSQL's result scale (for avg and
// variances).
func numericDivide(a, b *apd.Decimal) (*apd.Decimal, error) {
	r := new(apd.Decimal)
	if err := numericDiv(r, a, b); err != nil {
		return nil, err
	}
	return r, nil
}

func makeColumnRef(rel, name string) *pg_query.Node {
	var fields []*pg_query.Node
	if rel != "" {
		fields = append(fields, pg_query.MakeStrNode(rel))
	}
	fields = append(fields, pg_query.MakeStrNode(name))
	return pg_query.MakeColumnRefNode(fields, 0)
}

// hasAggregate reports an aggregate call in n outside subqueries.
func hasAggregate(n *pg_query.Node) bool {
	found := false
	walkNodes(n, func(m *pg_query.Node) bool {
		if found || m.GetSubLink() != nil || m.GetRangeSubselect() != nil {
			return false
		}
		if fc := m.GetFuncCall(); fc != nil && fc.Over == nil && (fc.AggStar || isAggregate(strings.ToLower(opName(fc.Funcname)))) {
			found = true
			return false
		}
		return true
	})
	return found
}

// filterPlan keeps the rows of src for which pred is true.
func filterPlan(src relPlan, pred Expr) relPlan {
	inner := src.build
	node := newNode("Filter", src.node).detail("Filter: %s", exprString(pred, src.cols))
	src.node = node
	src.build = func(ec *evalCtx) (exec.Operator, error) {
		op, err := inner(ec)
		if err != nil {
			return nil, err
		}
		return node.instrument(exec.NewFilter(op, batchExpr{pred, ec}), ec), nil
	}
	return src
}

// aggregate binds GROUP BY and plans the aggregation; afterwards the
// binder resolves expressions against the aggregation's output.
func (b *binder) aggregate(sel *pg_query.SelectStmt, src relPlan, ordinal func(int) *pg_query.Node, outputName func(string) *pg_query.Node) (relPlan, error) {
	ag := &aggScope{input: b.scope}
	items, sets, err := expandGroupingSets(sel.GroupClause)
	if err != nil {
		return src, err
	}
	ag.sets = sets
	for _, g := range items {
		node := g
		if c := g.GetAConst(); c != nil && c.GetIval() != nil {
			k := int(c.GetIval().Ival)
			if node = ordinal(k - 1); node == nil {
				return src, b.errorf(c.Location, pgerr.InvalidColumnReference, "GROUP BY position %d is not in select list", k)
			}
		} else if cr := g.GetColumnRef(); cr != nil && len(cr.Fields) == 1 && cr.Fields[0].GetString_() != nil {
			// An output column name, when no input column has it.
			if _, err := b.columnRef(cr); err != nil {
				if alt := outputName(cr.Fields[0].GetString_().Sval); alt != nil {
					node = alt
				}
			}
		}
		if hasAggregate(node) {
			return src, pgerr.New(pgerr.GroupingError, "aggregate functions are not allowed in GROUP BY")
		}
		e, err := b.expr(node)
		if err != nil {
			return src, err
		}
		ag.groupKeys = append(ag.groupKeys, astKey(node))
		ag.groups = append(ag.groups, b.defaultUnknown(e))
	}
	b.agg = ag
	// The aggregate calls are collected as the select list, HAVING and
	// ORDER BY are bound (by the caller, through b.expr); the plan reads
	// ag.aggs when it is built, after binding.
	inner := src.build
	aggNode := newNode("HashAggregate", src.node)
	for _, g := range ag.groups {
		aggNode.detail("Group Key: %s", exprString(g, src.cols))
	}
	if ag.sets != nil {
		aggNode.label = "MixedAggregate"
		aggNode.detail("Grouping Sets: %d", len(ag.sets))
	}
	var ro *runOrder
	if runs := runGroups(ag.groups, src.sorted); ag.sets == nil && len(runs) > 0 {
		ro = &runOrder{runs: runs, node: aggNode}
		aggNode.label = "HashAggregate (sorted runs)"
		for _, k := range runs {
			aggNode.detail("Presorted Key: %s", exprString(ag.groups[k], src.cols))
		}
	}
	out := relPlan{node: aggNode, runs: ro, build: func(ec *evalCtx) (exec.Operator, error) {
		op, err := inner(ec)
		if err != nil {
			return nil, err
		}
		// Pre-project: group keys, then each aggregate's argument(s) and
		// filter.
		var pre []exec.BatchExpr
		var pcols []exec.Column
		add := func(x Expr) int {
			pre = append(pre, batchExpr{x, ec})
			pcols = append(pcols, exec.Column{Name: fmt.Sprint("p", len(pcols)), Type: x.Type()})
			return len(pre) - 1
		}
		for _, g := range ag.groups {
			add(g)
		}
		specs := make([]exec.AggSpec, len(ag.aggs))
		for i, a := range ag.aggs {
			spec := a.spec
			spec.Arg, spec.Arg2, spec.Filter = -1, -1, -1
			if a.arg != nil {
				spec.Arg = add(a.arg)
			}
			if a.arg2 != nil {
				spec.Arg2 = add(a.arg2)
			}
			if a.filter != nil {
				spec.Filter = add(a.filter)
			}
			if a.order != nil {
				spec.Order = add(a.order)
				spec.MoreOrder = slices.Clone(spec.MoreOrder)
				for k, m := range a.more {
					spec.MoreOrder[k].Col = add(m)
				}
			}
			specs[i] = spec
		}
		if len(pre) == 0 {
			// count(*) alone: keep the row count with a constant column.
			add(&constExpr{t: types.Bool, v: true})
		}
		op = exec.NewProject(op, pre, pcols)
		if ro != nil {
			ra := exec.NewRunAgg(op, ro.runs, len(ag.groups), specs, numericDivide)
			ra.Order = ro.order
			return aggNode.instrument(ra, ec), nil
		}
		h := exec.NewHashAgg(op, len(ag.groups), specs, numericDivide)
		if ag.sets != nil {
			h = h.WithSets(ag.sets)
		}
		return aggNode.instrument(h, ec), nil
	}}
	for i, g := range ag.groups {
		out.cols = append(out.cols, scopeCol{name: fmt.Sprint("group", i), typ: g.Type(), idx: i, hidden: true, partner: -1})
	}
	return out, nil
}

// runGroups returns the positions of the group keys that are the input's
// leading sorted columns, in the input's order: the longest prefix of them
// that the keys hold.
func runGroups(groups []Expr, sorted int) []int {
	var runs []int
	for c := range sorted {
		k := slices.IndexFunc(groups, func(g Expr) bool {
			r, ok := g.(*colRef)
			return ok && r.idx == c
		})
		if k < 0 {
			break
		}
		runs = append(runs, k)
	}
	return runs
}

// sortByRuns gives ORDER BY keys to an aggregation over sorted runs when
// they start with its run keys, in order and ascending, so that sorting
// each chunk of runs sorts the whole output; it reports whether it did.
// keys index projected, whose column references are to the aggregation's
// output (the caller makes sure no window or DISTINCT comes between).
func sortByRuns(ro *runOrder, keys []exec.SortKey, projected []Expr) bool {
	if ro == nil || len(keys) < len(ro.runs) {
		return false
	}
	order := make([]exec.SortKey, len(keys))
	for i, k := range keys {
		r, ok := projected[k.Col].(*colRef)
		if !ok {
			return false
		}
		if i < len(ro.runs) && (r.idx != ro.runs[i] || k.Desc || k.NullsFirst) {
			return false
		}
		order[i] = exec.SortKey{Col: r.idx, Desc: k.Desc, NullsFirst: k.NullsFirst}
	}
	ro.order = order
	return true
}

// aggExpr binds n in aggregation context; ok is false when n is neither a
// group key, an aggregate, nor a column (the caller binds it normally).
func (b *binder) aggExpr(n *pg_query.Node) (Expr, bool, error) {
	ag := b.agg
	key := astKey(n)
	for i, k := range ag.groupKeys {
		if k == key {
			return &colRef{idx: i, typ: ag.groups[i].Type()}, true, nil
		}
	}
	if fc := n.GetFuncCall(); fc != nil && fc.Over == nil && (fc.AggStar || isAggregate(strings.ToLower(opName(fc.Funcname)))) {
		e, err := b.aggCall(fc)
		return e, true, err
	}
	if cr := n.GetColumnRef(); cr != nil {
		saved := b.agg
		b.agg = nil
		in, err := b.columnRef(cr)
		b.agg = saved
		if err != nil {
			return nil, true, err
		}
		ref, ok := in.(*colRef)
		if !ok {
			// An outer query's column: one value per outer row, as a
			// constant is to this grouping.
			return in, true, nil
		}
		for i, g := range ag.groups {
			if gc, ok := g.(*colRef); ok && gc.idx == ref.idx {
				return &colRef{idx: i, typ: g.Type()}, true, nil
			}
		}
		return nil, true, b.errorf(cr.Location, pgerr.GroupingError, "column %q must appear in the GROUP BY clause or be used in an aggregate function", columnRefName(cr))
	}
	return nil, false, nil
}

// aggCall binds an aggregate function call.
func (b *binder) aggCall(fc *pg_query.FuncCall) (Expr, error) {
	ag := b.agg
	if ag.inArg {
		return nil, b.errorf(fc.Location, pgerr.GroupingError, "aggregate function calls cannot be nested")
	}
	name := strings.ToLower(opName(fc.Funcname))
	b.agg, ag.inArg = nil, true
	defer func() { b.agg, ag.inArg = ag, false }()
	var args []Expr
	for _, a := range fc.Args {
		e, err := b.expr(a)
		if err != nil {
			return nil, err
		}
		args = append(args, b.defaultUnknown(e))
	}
	if b.outer != nil && onlyOuterColumns(args) {
		// PostgreSQL makes such an aggregate the enclosing query's
		// (SELECT (SELECT sum(o.x)) FROM o is one row); Lattice would
		// aggregate it here, once per outer row.
		return nil, b.errorf(fc.Location, pgerr.FeatureNotSupported, "an aggregate of only the enclosing query's columns is not supported").
			WithHint("Compute the aggregate in the enclosing query.")
	}
	call := aggCall{spec: exec.AggSpec{Distinct: fc.AggDistinct}}
	if fc.AggFilter != nil {
		f, err := b.expr(fc.AggFilter)
		if err != nil {
			return nil, err
		}
		if call.filter, err = b.coerce(f, types.Bool, fc.Location); err != nil {
			return nil, err
		}
	}
	if err := b.aggSpec(fc, name, args, &call); err != nil {
		return nil, err
	}
	if call.filter != nil {
		// The arguments are computed for every row, and only then left
		// out by the FILTER; PostgreSQL computes them only for rows that
		// pass it, so sum(1 / x) FILTER (WHERE x <> 0) must not divide
		// by zero. CASE computes its result only where its condition
		// holds.
		call.arg, call.arg2 = onlyWhere(call.filter, call.arg), onlyWhere(call.filter, call.arg2)
	}
	ag.aggs = append(ag.aggs, call)
	return &colRef{idx: ag.first() + len(ag.aggs) - 1, typ: call.spec.Result}, nil
}

// onlyOuterColumns reports whether exprs read columns of an enclosing
// query and none of their own.
func onlyOuterColumns(exprs []Expr) bool {
	outer, local := false, false
	var walk func(e Expr)
	walk = func(e Expr) {
		switch e.(type) {
		case *outerRef:
			outer = true
		case *colRef:
			local = true
		}
		for _, c := range children(e) {
			if c != nil {
				walk(c)
			}
		}
	}
	for _, e := range exprs {
		walk(e)
	}
	return outer && !local
}

// onlyWhere returns e computed only where cond is true (NULL elsewhere):
// e itself when computing it cannot fail.
func onlyWhere(cond, e Expr) Expr {
	switch e.(type) {
	case nil, *colRef, *constExpr:
		return e
	}
	return &caseExpr{whens: []Expr{cond}, thens: []Expr{e}, typ: e.Type()}
}

// aggSpec types an aggregate call: its function, argument and result types
// as PostgreSQL's aggregates define them.
func (b *binder) aggSpec(fc *pg_query.FuncCall, name string, args []Expr, call *aggCall) error {
	argType := types.Unknown
	if len(args) > 0 {
		argType = args[0].Type()
		call.arg = args[0]
	}
	wrong := func() error {
		var ts []string
		for _, a := range args {
			ts = append(ts, a.Type().String())
		}
		return b.errorf(fc.Location, pgerr.UndefinedFunction, "function %s(%s) does not exist", name, strings.Join(ts, ", ")).
			WithHint("No function matches the given name and argument types. You might need to add explicit type casts.")
	}
	spec := &call.spec
	spec.ArgType = argType
	if fc.AggWithinGroup && name != "percentile_cont" && name != "percentile_disc" && name != "mode" {
		// PostgreSQL looks for f(direct args, ordered args): none exists.
		for _, o := range fc.AggOrder {
			if e, err := b.expr(o.GetSortBy().Node); err == nil {
				args = append(args, e)
			}
		}
		return wrong()
	}
	switch {
	case name == "count" && fc.AggStar:
		spec.Func, spec.Result, call.arg = exec.AggCountStar, types.Int8, nil
	case name == "count" && len(args) == 1:
		spec.Func, spec.Result = exec.AggCount, types.Int8
	case (name == "sum" || name == "avg") && len(args) == 1:
		spec.Func = exec.AggSum
		if name == "avg" {
			spec.Func = exec.AggAvg
		}
		switch argType.Oid {
		case types.OidInt2, types.OidInt4:
			spec.Result = types.Int8
		case types.OidInt8, types.OidNumeric:
			spec.Result = types.Numeric
		case types.OidFloat4:
			spec.Result = types.Float4
		case types.OidFloat8:
			spec.Result = types.Float8
		case types.OidInterval:
			spec.Result = types.Interval
		default:
			return wrong()
		}
		if name == "avg" {
			switch argType.Family() {
			case types.FloatFamily:
				spec.Result = types.Float8
			case types.IntFamily, types.NumericFamily:
				spec.Result = types.Numeric
			}
		}
	case (name == "min" || name == "max") && len(args) == 1:
		// PostgreSQL has no min/max of boolean (bool_and/bool_or).
		if _, ok := types.CompareFunc(argType); !ok || argType.Oid == types.OidBool {
			return wrong()
		}
		spec.Func, spec.Result = exec.AggMin, types.T{Oid: argType.Oid, Typmod: -1}
		if name == "max" {
			spec.Func = exec.AggMax
		}
		if argType.Family() == types.StringFamily && argType.Oid != types.OidBpchar {
			spec.Result = types.Text
		}
		if argType.Oid == types.OidBpchar {
			spec.Result = types.Bpchar
		}
	case (name == "stddev" || name == "stddev_samp" || name == "stddev_pop" || name == "variance" || name == "var_samp" || name == "var_pop") && len(args) == 1:
		spec.Func = map[string]exec.AggFunc{"stddev": exec.AggStddevSamp, "stddev_samp": exec.AggStddevSamp, "stddev_pop": exec.AggStddevPop,
			"variance": exec.AggVarSamp, "var_samp": exec.AggVarSamp, "var_pop": exec.AggVarPop}[name]
		switch argType.Family() {
		case types.FloatFamily:
			spec.Result = types.Float8
		case types.IntFamily, types.NumericFamily:
			spec.Result = types.Numeric
		default:
			return wrong()
		}
	case (name == "bool_and" || name == "bool_or" || name == "every") && len(args) == 1:
		if argType.Oid != types.OidBool {
			return wrong()
		}
		spec.Func, spec.Result = exec.AggBoolAnd, types.Bool
		if name == "bool_or" {
			spec.Func = exec.AggBoolOr
		}
	case name == "lattice_sum_int8" && len(args) == 1 && argType.Family() == types.IntFamily:
		// Internal: re-aggregates bigint sums and counts of cuboids in
		// int64, where sum(bigint) would go through numeric. (sumAcc adds
		// in int64 unless its argument is declared bigint.)
		spec.Func, spec.Result, spec.ArgType = exec.AggSum, types.Int8, types.Int4
	case name == "lattice_value_set" && len(args) == 1:
		// Internal aggregates of cube builds and the cube route.
		spec.Func, spec.Result = exec.AggValueSet, types.Bytea
	case (name == "lattice_value_set_union" || name == "lattice_value_set_count") && len(args) == 1 && argType.Oid == types.OidBytea:
		spec.Func, spec.Result = exec.AggValueSetUnion, types.Bytea
		if name == "lattice_value_set_count" {
			spec.Func, spec.Result = exec.AggValueSetCount, types.Int8
		}
	case name == "string_agg" && len(args) == 2:
		if args[0].Type().Family() != types.StringFamily {
			return wrong()
		}
		d, err := b.coerce(args[1], types.Text, fc.Location)
		if err != nil {
			return wrong()
		}
		spec.Func, spec.Result, call.arg2 = exec.AggStringAgg, types.Text, d
		if args[0].Type().Oid == types.OidBpchar {
			// string_agg(text, text): char(n) converts, losing its padding.
			if call.arg, err = b.coerce(args[0], types.Text, fc.Location); err != nil {
				return err
			}
			spec.ArgType = types.Text
		}
		return b.aggOrder(fc, name, call)
	case name == "array_agg" && len(args) == 1:
		arr, ok := types.ArrayOf(argType)
		if !ok {
			return wrong()
		}
		spec.Func, spec.Result = exec.AggArrayAgg, arr
		return b.aggOrder(fc, name, call)
	case name == "percentile_cont" || name == "percentile_disc" || name == "mode":
		return b.orderedSetAgg(fc, name, args, call)
	default:
		return wrong()
	}
	return nil
}

// aggOrder binds the ORDER BY of string_agg or array_agg. With DISTINCT,
// as PostgreSQL requires, every key must be the argument, and the rows
// sort by it.
func (b *binder) aggOrder(fc *pg_query.FuncCall, name string, call *aggCall) error {
	if len(fc.AggOrder) == 0 {
		return nil
	}
	spec := &call.spec
	if fc.AggDistinct {
		for _, o := range fc.AggOrder {
			sb := o.GetSortBy()
			if astKey(sb.Node) != astKey(fc.Args[0]) {
				return b.errorf(fc.Location, pgerr.InvalidColumnReference, "in an aggregate with DISTINCT, ORDER BY expressions must appear in argument list")
			}
		}
		// Later keys repeat the first: only its direction counts.
		var err error
		if spec.Desc, spec.NullsFirst, err = sortDirection(fc.AggOrder[0].GetSortBy()); err != nil {
			return err
		}
		spec.OrderByValue = true
		return nil
	}
	for i, o := range fc.AggOrder {
		sb := o.GetSortBy()
		key, err := b.expr(sb.Node)
		if err != nil {
			return err
		}
		key = b.defaultUnknown(key)
		if _, ok := types.CompareFunc(key.Type()); !ok {
			return pgerr.New(pgerr.UndefinedFunction, "could not identify an ordering operator for type %s", key.Type())
		}
		desc, nullsFirst, err := sortDirection(sb)
		if err != nil {
			return err
		}
		if i == 0 {
			call.order, spec.HasOrder, spec.OrderType = key, true, key.Type()
			spec.Desc, spec.NullsFirst = desc, nullsFirst
			continue
		}
		call.more = append(call.more, key)
		spec.MoreOrder = append(spec.MoreOrder, exec.AggOrderKey{Type: key.Type(), Desc: desc, NullsFirst: nullsFirst})
	}
	return nil
}

// orderedSetAgg types percentile_cont(f), percentile_disc(f) and mode()
// WITHIN GROUP (ORDER BY x): the value sorted is the argument, the
// fraction (read from a group's first row) the second one.
func (b *binder) orderedSetAgg(fc *pg_query.FuncCall, name string, args []Expr, call *aggCall) error {
	if !fc.AggWithinGroup || len(fc.AggOrder) != 1 {
		var ts []string
		for _, a := range args {
			ts = append(ts, a.Type().String())
		}
		return b.errorf(fc.Location, pgerr.UndefinedFunction, "function %s(%s) does not exist", name, strings.Join(ts, ", ")).
			WithHint("To use an ordered-set aggregate, write it with WITHIN GROUP (ORDER BY ...).")
	}
	if fc.AggDistinct {
		return b.errorf(fc.Location, pgerr.FeatureNotSupported, "DISTINCT is not supported for ordered-set aggregates")
	}
	want := 1
	if name == "mode" {
		want = 0
	}
	if len(args) != want {
		return b.errorf(fc.Location, pgerr.UndefinedFunction, "function %s with %d direct arguments does not exist", name, len(args))
	}
	sb := fc.AggOrder[0].GetSortBy()
	x, err := b.expr(sb.Node)
	if err != nil {
		return err
	}
	x = b.defaultUnknown(x)
	spec := &call.spec
	if spec.Desc, spec.NullsFirst, err = sortDirection(sb); err != nil {
		return err
	}
	if _, ok := types.CompareFunc(x.Type()); !ok {
		return pgerr.New(pgerr.UndefinedFunction, "could not identify an ordering operator for type %s", x.Type())
	}
	switch name {
	case "percentile_cont":
		if x, err = b.coerce(x, types.Float8, fc.Location); err != nil {
			return b.errorf(fc.Location, pgerr.UndefinedFunction, "function percentile_cont(double precision) WITHIN GROUP (ORDER BY %s) does not exist", x.Type())
		}
		spec.Func, spec.Result = exec.AggPercentileCont, types.Float8
	case "percentile_disc":
		spec.Func, spec.Result = exec.AggPercentileDisc, x.Type()
	default:
		spec.Func, spec.Result = exec.AggMode, x.Type()
	}
	spec.ArgType = x.Type()
	call.arg = x
	call.arg2 = nil
	if want == 1 {
		if c, ok := args[0].(*constExpr); ok && c.v == nil {
			args[0] = &constExpr{t: types.Float8} // NULL: the result is NULL
		}
		frac, err := b.coerce(args[0], types.Float8, fc.Location)
		if err != nil {
			return err
		}
		call.arg2 = frac
	}
	return nil
}

// sortDirection reads ASC/DESC and NULLS FIRST/LAST; PostgreSQL puts NULLs
// last ascending and first descending unless told otherwise.
// USING < and USING > are ASC and DESC; no other operator orders (42809).
func sortDirection(sb *pg_query.SortBy) (desc, nullsFirst bool, err error) {
	desc = sb.SortbyDir == pg_query.SortByDir_SORTBY_DESC
	if sb.SortbyDir == pg_query.SortByDir_SORTBY_USING {
		switch op := opName(sb.UseOp); op {
		case "<":
		case ">":
			desc = true
		default:
			return false, false, pgerr.New(pgerr.WrongObjectType, "operator %s is not a valid ordering operator", op).
				WithHint(`Ordering operators must be "<" or ">" members of btree operator families.`)
		}
	}
	nullsFirst = desc
	switch sb.SortbyNulls {
	case pg_query.SortByNulls_SORTBY_NULLS_FIRST:
		nullsFirst = true
	case pg_query.SortByNulls_SORTBY_NULLS_LAST:
		nullsFirst = false
	}
	return desc, nullsFirst, nil
}

// outputColumn resolves an ORDER BY (or DISTINCT ON: clause names it)
// item that names an output column, by ordinal or by name; it returns -1
// for any other expression.
func (b *binder) outputColumn(n *pg_query.Node, cols []Column, clause string, same func(i, j int) bool) (int, error) {
	if c := n.GetAConst(); c != nil && c.GetIval() == nil {
		return -1, b.errorf(c.Location, pgerr.SyntaxError, "non-integer constant in %s", clause)
	}
	if c := n.GetAConst(); c != nil && c.GetIval() != nil {
		k := int(c.GetIval().Ival)
		if k < 1 || k > len(cols) {
			return -1, b.errorf(c.Location, pgerr.InvalidColumnReference, "%s position %d is not in select list", clause, k)
		}
		return k - 1, nil
	}
	cr := n.GetColumnRef()
	if cr == nil || len(cr.Fields) != 1 || cr.Fields[0].GetString_() == nil {
		return -1, nil
	}
	name, col := cr.Fields[0].GetString_().Sval, -1
	for i, oc := range cols {
		if oc.Name == name {
			// Two outputs of one name are ambiguous unless they are the
			// same expression (SELECT g, g ... ORDER BY g), as in PostgreSQL.
			if col >= 0 && (same == nil || !same(col, i)) {
				return -1, b.errorf(cr.Location, pgerr.AmbiguousColumn, "%s %q is ambiguous", clause, name)
			}
			if col < 0 {
				col = i
			}
		}
	}
	return col, nil
}
