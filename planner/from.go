package planner

import (
	"context"
	"encoding/json"
	"fmt"
	"runtime"
	"slices"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	pg_query "github.com/pganalyze/pg_query_go/v6"

	"github.com/lattice-olap/lattice/exec"
	"github.com/lattice-olap/lattice/metastore"
	"github.com/lattice-olap/lattice/pgerr"
	"github.com/lattice-olap/lattice/types"
)

// fromWhere plans a FROM clause and its WHERE. Items are joined left to
// right. WHERE is split into conjuncts: one that reads a single item is
// applied at that item (below the joins); an equality between the items
// joined so far and the next one becomes a hash-join key, so comma joins
// (FROM a, b WHERE a.k = b.k, as SSB writes them) join by hash; any other
// conjunct becomes the join's residual as soon as its columns are present.
func (b *binder) fromWhere(ctx context.Context, items []*pg_query.Node, where *pg_query.Node) (relPlan, error) {
	plans := make([]relPlan, len(items))
	offsets := make([]int, len(items)+1)
	var all []scopeCol
	saved := b.lateral
	defer func() { b.lateral = saved }()
	for i, it := range items {
		b.lateral = &scope{cols: all[:len(all):len(all)]}
		r, err := b.fromItem(ctx, it)
		if err != nil {
			return relPlan{}, err
		}
		plans[i] = r
		offsets[i+1] = offsets[i] + len(r.cols)
		for _, c := range r.cols {
			c.idx += offsets[i]
			if c.partner >= 0 {
				c.partner += offsets[i]
			}
			all = append(all, c)
		}
	}
	b.scope = &scope{cols: all}
	var conds []Expr
	if where != nil {
		if hasAggregate(where) {
			return relPlan{}, pgerr.New(pgerr.GroupingError, "aggregate functions are not allowed in WHERE")
		}
		w, err := b.expr(where)
		if err != nil {
			return relPlan{}, err
		}
		pred, err := b.coerce(w, types.Bool, 0)
		if err != nil {
			return relPlan{}, pgerr.New(pgerr.DatatypeMismatch, "argument of WHERE must be type boolean, not type %s", w.Type())
		}
		conds = conjuncts(pred)
	}
	itemOf := func(idx int) int {
		for k := range plans {
			if idx < offsets[k+1] {
				return k
			}
		}
		return len(plans) - 1
	}
	// Push single-item conditions down to their item.
	var rest []Expr
	pushed := make([][]Expr, len(plans))
	// Conjuncts can share column references (BETWEEN binds its operand
	// once for both comparisons): each is shifted once.
	shifted := map[*colRef]bool{}
	// Decide every conjunct's item before shifting any: a shared column
	// reference, once shifted, no longer names its item.
	itemIdx := make([]int, len(conds))
	for i, c := range conds {
		refs := map[int]bool{}
		colRefs(c, refs)
		item := -1
		for r := range refs {
			if k := itemOf(r); item == -1 || item == k {
				item = k
			} else {
				item = -2
			}
		}
		if hasVolatile(c) {
			item = -2
		}
		itemIdx[i] = item
	}
	for i, c := range conds {
		if item := itemIdx[i]; item >= 0 {
			shiftColRefs(c, offsets[item], shifted)
			pushed[item] = append(pushed[item], c)
			continue
		}
		rest = append(rest, c)
	}
	for k := range plans {
		if plans[k].scan != nil {
			plans[k].scan.addPruning(pushed[k])
		}
		p := andAll(pushed[k])
		switch {
		case p == nil:
		case plans[k].scan != nil && !hasSubplan(p):
			// Filtered inside the scan, so parallel workers filter too.
			plans[k].scan.filter, plans[k].scan.conds = p, pushed[k]
			plans[k].node.detail("Filter: %s", exprString(p, plans[k].cols))
		default:
			plans[k] = filterPlan(plans[k], p)
		}
	}
	acc := plans[0]
	for k := 1; k < len(plans); k++ {
		var usable, later []Expr
		for _, c := range rest {
			refs := map[int]bool{}
			colRefs(c, refs)
			ok := true
			for r := range refs {
				if r >= offsets[k+1] {
					ok = false
				}
			}
			if ok {
				usable = append(usable, c)
			} else {
				later = append(later, c)
			}
		}
		rest = later
		if plans[k].lateral != nil {
			var err error
			if acc, err = lateralPlan(acc, plans[k], exec.InnerJoin, andAll(usable)); err != nil {
				return relPlan{}, err
			}
			continue
		}
		lkeys, rkeys, residual := splitKeys(usable, offsets[k])
		acc = joinPlans(acc, plans[k], lkeys, rkeys, exec.InnerJoin, andAll(residual))
	}
	if p := andAll(rest); p != nil {
		acc = filterPlan(acc, p)
	}
	return acc, nil
}

// hasVolatile reports a call whose result may change per row evaluation.
func hasVolatile(e Expr) bool {
	if f, ok := e.(*funcExpr); ok && (f.name == "pg_sleep" || f.name == "random" || f.name == "set_config") {
		return true
	}
	for _, c := range children(e) {
		if c != nil && hasVolatile(c) {
			return true
		}
	}
	return false
}

// fromItem plans one FROM item: a table, a join, or a subquery.
func (b *binder) fromItem(ctx context.Context, n *pg_query.Node) (relPlan, error) {
	switch {
	case n.GetRangeVar() != nil:
		rv := n.GetRangeVar()
		if cte, ok := b.ctes[rv.Relname]; ok && rv.Schemaname == "" {
			if cte.owner != nil && cte.owner != b {
				return relPlan{}, b.errorf(rv.Location, pgerr.FeatureNotSupported, "WITH query %q reads the enclosing query's columns and can be read only in the block that defines it", rv.Relname)
			}
			rel := rv.Relname
			cols := cte.cols
			if rv.Alias != nil {
				rel = rv.Alias.Aliasname
				cols = append([]Column(nil), cols...)
				for i, a := range rv.Alias.Colnames {
					if i < len(cols) {
						cols[i].Name = a.GetString_().GetSval()
					}
				}
			}
			return statementPlan(cte.stmt, rel, cols), nil
		}
		if fr, ok := b.cube.files[rv.Relname]; ok && rv.Schemaname == "" {
			rel := fr.name
			if rv.Alias != nil {
				rel = rv.Alias.Aliasname
			}
			p := b.scanPlan(rel, rv.Alias, fr.label, fr.cols, func(context.Context) ([]metastore.TableFile, error) { return fr.files, nil })
			if fr.sorted > 0 && (fr.window[1] == 0 || len(fr.files) == 1) {
				// Sorted files, read in order by one reader that merges
				// them (not in a window, which counts rows across files).
				p.scan.inOrder, p.scan.sorted, p.sorted = true, fr.sorted, fr.sorted
			}
			p.scan.window, p.scan.tap = fr.window, fr.tap
			return p, nil
		}
		if v, ok := b.lookupVirtual(rv); ok && (rv.Catalogname == "" || rv.Catalogname == b.sess.Project) {
			rel := v.Name
			if rv.Alias != nil {
				rel = rv.Alias.Aliasname
			}
			return virtualPlan(v, rel, rv.Alias), nil
		}
		def, err := b.lookupTable(ctx, rv)
		if err != nil {
			return relPlan{}, err
		}
		if def.View != "" {
			return b.viewPlan(ctx, def, rv)
		}
		rel := def.Name
		if rv.Alias != nil {
			rel = rv.Alias.Aliasname
		}
		label := "Seq Scan on " + def.Name
		if rel != def.Name {
			label += " " + rel
		}
		store := b.sess.planner.store
		return b.scanPlan(rel, rv.Alias, label, defColumns(def), func(ctx context.Context) ([]metastore.TableFile, error) {
			return store.TableFiles(ctx, def.Project, def.Schema, def.Name)
		}), nil
	case n.GetJoinExpr() != nil:
		return b.joinExpr(ctx, n.GetJoinExpr())
	case n.GetRangeFunction() != nil:
		return b.rangeFunction(ctx, n.GetRangeFunction())
	case n.GetRangeSubselect() != nil:
		rs := n.GetRangeSubselect()
		// A derived table does not see this query's other FROM items
		// unless it is LATERAL, but in a subquery it sees the enclosing
		// query's columns, and reading them makes this query correlated.
		var st *Statement
		refs, err := b.bindFromChild(rs.Lateral, func(sub *binder) (err error) {
			st, err = sub.selectStmt(ctx, rs.Subquery.GetSelectStmt())
			return err
		})
		if err != nil {
			return relPlan{}, err
		}
		alias := ""
		var names []string
		if rs.Alias != nil {
			alias = rs.Alias.Aliasname
			for _, c := range rs.Alias.Colnames {
				names = append(names, c.GetString_().GetSval())
			}
		}
		p := derivedPlan(st, "Subquery Scan on "+alias, alias, names)
		p.lateral = refs
		return p, nil
	}
	return relPlan{}, pgerr.New(pgerr.FeatureNotSupported, "this kind of FROM item is not supported yet")
}

// derivedPlan makes a planned query a FROM item named alias (a derived
// table, or a view), its columns renamed by names (as many as given).
func derivedPlan(st *Statement, label, alias string, names []string) relPlan {
	var cols []scopeCol
	for i, c := range st.Columns {
		name := c.Name
		if i < len(names) {
			name = names[i]
		}
		cols = append(cols, scopeCol{rel: alias, name: name, typ: c.Type, idx: i, partner: -1})
	}
	node := newNode(label, st.plan)
	return relPlan{cols: cols, node: node, build: func(ec *evalCtx) (exec.Operator, error) {
		res, err := st.run(ec.ctx, ec.sess, ec.args)
		if err != nil {
			return nil, err
		}
		return node.instrument(resultOperator(res, st.Columns), ec), nil
	}}
}

// scanPlan plans a scan of Parquet files: a table's, or a cuboid's. files
// lists them at execution time.
func (b *binder) scanPlan(rel string, alias *pg_query.Alias, label string, tcols []exec.Column, files func(context.Context) ([]metastore.TableFile, error)) relPlan {
	use := &colUse{used: make([]bool, len(tcols))}
	var cols []scopeCol
	for i, c := range tcols {
		cols = append(cols, scopeCol{rel: rel, name: c.Name, typ: c.Type, idx: i, partner: -1, use: use, tcol: i})
	}
	if alias != nil {
		for i, a := range alias.Colnames {
			if i < len(cols) {
				cols[i].name = a.GetString_().GetSval()
			}
		}
	}
	sess := b.sess
	node := newNode(label)
	scan := &scanInfo{cols: tcols}
	b.cube.reads = true
	return relPlan{cols: cols, node: node, scan: scan, probe: scan, build: func(ec *evalCtx) (exec.Operator, error) {
		filters := ec.keySets[scan]
		delete(ec.keySets, scan)
		files, err := files(ec.ctx)
		if err != nil {
			return nil, err
		}
		files = scan.prune(files)
		// Read only the columns the query uses (at least one, for the
		// row count); the others are NULL placeholders.
		var read []int
		for i, u := range use.used {
			if u {
				read = append(read, i)
			}
		}
		if len(read) == 0 {
			read = []int{0}
		}
		if scan.tap != nil {
			// Another goroutine decodes the files (every column): this
			// worker filters and aggregates, as a scan's would.
			return node.instrument(exec.NewParallel(tcols, []func() (exec.Operator, error){func() (exec.Operator, error) {
				if scan.filter == nil {
					return scan.tap, nil
				}
				wc := *ec
				wc.subs, wc.corr, wc.keySets = nil, nil, nil
				return exec.NewFilter(scan.tap, scan.pred(&wc)), nil
			}}), ec), nil
		}
		// A large relation is scanned (and filtered) by one worker per
		// core, each over its share of every file's row groups; one read
		// in order by a single worker, which stays a batch ahead of its
		// consumer.
		var rows int64
		for _, f := range files {
			rows += f.Rows
		}
		workers := min(runtime.GOMAXPROCS(0), 8)
		if scan.inOrder {
			workers = 1
		}
		if scan.inOrder && len(files) > 1 {
			return node.instrument(mergeScan(ec, sess.planner.dataDir, files, tcols, read, scan, rows), ec), nil
		}
		if rows < 2*exec.BatchRows || (workers < 2 && !scan.inOrder) {
			var op exec.Operator = scan.newScan(sess.planner.dataDir, files, tcols, read)
			if scan.filter != nil {
				op = exec.NewFilter(op, scan.pred(ec))
			}
			return node.instrument(op, ec), nil
		}
		builders := make([]func() (exec.Operator, error), workers)
		for w := range builders {
			builders[w] = func() (exec.Operator, error) {
				var op exec.Operator = scan.newScan(sess.planner.dataDir, files, tcols, read).Partition(w, workers)
				if scan.filter != nil || len(filters) > 0 {
					var pred exec.BatchExpr
					if scan.filter != nil {
						wc := *ec // each worker evaluates with its own context
						wc.subs, wc.corr, wc.keySets = nil, nil, nil
						pred = scan.pred(&wc)
					}
					f := exec.NewFilter(op, pred)
					for _, rf := range filters {
						f.WithKeySet(rf.col, rf.set)
					}
					op = f
				}
				return op, nil
			}
		}
		return node.instrument(exec.NewParallel(tcols, builders), ec), nil
	}}
}

// newScan scans files as s says: skipping row groups by its bounds, and
// within its window.
func (s *scanInfo) newScan(dataDir string, files []metastore.TableFile, tcols []exec.Column, read []int) *exec.Scan {
	scan := exec.NewScan(dataDir, files, tcols, read).WithRowGroupFilter(s.rowGroupFilter())
	if implied := s.impliedConds(); implied != nil {
		scan.WithImpliedConds(implied)
	}
	if s.window[1] > 0 {
		scan.WithRowWindow(s.window[0], s.window[1])
	}
	return scan
}

// mergeScan reads files sorted by their first scan.sorted columns as one
// stream so sorted (exec.Merge); for many rows, a worker runs it a batch
// ahead of its consumer.
func mergeScan(ec *evalCtx, dataDir string, files []metastore.TableFile, tcols []exec.Column, read []int, scan *scanInfo, rows int64) exec.Operator {
	keys := make([]exec.SortKey, scan.sorted)
	for i := range keys {
		keys[i] = exec.SortKey{Col: i}
	}
	merge := func() (exec.Operator, error) {
		ins := make([]exec.Operator, len(files))
		for i := range files {
			var op exec.Operator = scan.newScan(dataDir, files[i:i+1], tcols, read)
			if scan.filter != nil {
				wc := *ec
				wc.subs, wc.corr, wc.keySets = nil, nil, nil
				op = exec.NewFilter(op, scan.pred(&wc))
			}
			ins[i] = op
		}
		return exec.NewMerge(ins, keys), nil
	}
	if rows < 2*exec.BatchRows {
		op, _ := merge()
		return op
	}
	return exec.NewParallel(tcols, []func() (exec.Operator, error){merge})
}

// joinPlans joins two plans; keys index each side's own columns, residual
// is bound over left then right columns.
func joinPlans(l, r relPlan, lkeys, rkeys []int, kind exec.JoinKind, residual Expr) relPlan {
	cols := joinedCols(l, r)
	kindName := map[exec.JoinKind]string{exec.InnerJoin: "", exec.LeftJoin: "Left ", exec.RightJoin: "Right ", exec.FullJoin: "Full "}[kind]
	node := newNode("Hash "+kindName+"Join", l.node, r.node)
	if len(lkeys) == 0 {
		node.label = "Nested Loop " + kindName + "Join"
	}
	for i := range lkeys {
		node.detail("Hash Cond: (%s = %s)", exprString(&colRef{idx: lkeys[i]}, cols), exprString(&colRef{idx: len(l.cols) + rkeys[i]}, cols))
	}
	if residual != nil {
		node.detail("Join Filter: %s", exprString(residual, cols))
	}
	var probe *scanInfo
	if kind == exec.InnerJoin || kind == exec.LeftJoin {
		probe = l.probe // the left columns lead the output
	}
	return relPlan{cols: cols, node: node, probe: probe, build: func(ec *evalCtx) (exec.Operator, error) {
		// An inner join on one key column of the scan below hands it the
		// build side's keys (exec.KeySet): rows without a match are then
		// dropped by the scan's workers, in parallel.
		var ks *exec.KeySet
		if kind == exec.InnerJoin && len(lkeys) == 1 && l.probe != nil && lkeys[0] < len(l.probe.cols) {
			ks = exec.NewKeySet()
			if ec.keySets == nil {
				ec.keySets = map[*scanInfo][]runtimeFilter{}
			}
			ec.keySets[l.probe] = append(ec.keySets[l.probe], runtimeFilter{col: lkeys[0], set: ks})
		}
		lo, err := l.build(ec)
		if err != nil {
			return nil, err
		}
		ro, err := r.build(ec)
		if err != nil {
			lo.Close()
			return nil, err
		}
		// A left side scanned by parallel workers is probed there too: the
		// right side is built once, and each worker joins its own batches.
		// (A residual may hold subqueries, whose state is per context.)
		if par, ok := lo.(*exec.Parallel); ok && (kind == exec.InnerJoin || kind == exec.LeftJoin) && len(lkeys) > 0 && residual == nil {
			shared := exec.NewSharedBuild(ro)
			jcols := append(append([]exec.Column(nil), par.Columns()...), ro.Columns()...)
			par.Extend(jcols, func(op exec.Operator) (exec.Operator, error) {
				return exec.NewSharedHashJoin(op, shared, lkeys, rkeys, kind, nil).WithKeySet(ks), nil
			}, shared.Close)
			return node.instrument(par, ec), nil
		}
		var res exec.BatchExpr
		if residual != nil {
			res = batchExpr{residual, ec}
		}
		return node.instrument(exec.NewHashJoin(lo, ro, lkeys, rkeys, kind, res).WithKeySet(ks), ec), nil
	}}
}

// joinExpr plans a JOIN ... ON / USING / NATURAL.
func (b *binder) joinExpr(ctx context.Context, j *pg_query.JoinExpr) (relPlan, error) {
	// The right side may be LATERAL, reading the left side's columns.
	savedLateral := b.lateral
	b.lateral = nil
	l, err := b.fromItem(ctx, j.Larg)
	if err != nil {
		b.lateral = savedLateral
		return relPlan{}, err
	}
	b.lateral = &scope{cols: l.cols}
	r, err := b.fromItem(ctx, j.Rarg)
	b.lateral = savedLateral
	if err != nil {
		return relPlan{}, err
	}
	kind := map[pg_query.JoinType]exec.JoinKind{
		pg_query.JoinType_JOIN_INNER: exec.InnerJoin, pg_query.JoinType_JOIN_LEFT: exec.LeftJoin,
		pg_query.JoinType_JOIN_RIGHT: exec.RightJoin, pg_query.JoinType_JOIN_FULL: exec.FullJoin,
	}[j.Jointype]
	joined := joinPlans(l, r, nil, nil, kind, nil)
	saved := b.scope
	b.scope = &scope{cols: joined.cols}
	defer func() { b.scope = saved }()

	var conds []Expr
	using := j.UsingClause
	if j.IsNatural {
		for _, lc := range l.cols {
			for _, rc := range r.cols {
				if lc.name == rc.name && !lc.hidden && !rc.hidden {
					using = append(using, pg_query.MakeStrNode(lc.name))
				}
			}
		}
	}
	for _, u := range using {
		name := u.GetString_().GetSval()
		li, ri := -1, -1
		for i, c := range l.cols {
			if c.name == name && !c.hidden {
				li = i
			}
		}
		for i, c := range r.cols {
			if c.name == name && !c.hidden {
				ri = i
			}
		}
		if li < 0 || ri < 0 {
			return relPlan{}, pgerr.New(pgerr.UndefinedColumn, "column %q specified in USING clause does not exist in %s table", name,
				map[bool]string{true: "left", false: "right"}[li < 0])
		}
		l.cols[li].mark()
		r.cols[ri].mark()
		eq, err := b.equality(&colRef{idx: li, typ: l.cols[li].typ}, &colRef{idx: len(l.cols) + ri, typ: r.cols[ri].typ}, j.Quals)
		if err != nil {
			return relPlan{}, err
		}
		conds = append(conds, eq)
		// The merged column appears once, first in SELECT *: an
		// unqualified name means COALESCE(left, right); both copies stay
		// addressable by qualified name.
		joined.cols[len(l.cols)+ri].hidden = true
		joined.cols[len(l.cols)+ri].usingDup = true
		joined.cols[li].partner = len(l.cols) + ri
		joined.cols[li].usingPos = len(conds)
	}
	if j.Quals != nil {
		q, err := b.expr(j.Quals)
		if err != nil {
			return relPlan{}, err
		}
		if q, err = b.coerce(q, types.Bool, 0); err != nil {
			return relPlan{}, pgerr.New(pgerr.DatatypeMismatch, "argument of JOIN/ON must be type boolean")
		}
		conds = append(conds, conjuncts(q)...)
	}
	var out relPlan
	if r.lateral != nil {
		if out, err = lateralPlan(l, r, kind, andAll(conds)); err != nil {
			return relPlan{}, err
		}
	} else {
		lkeys, rkeys, rest := splitKeys(conds, len(l.cols))
		out = joinPlans(l, r, lkeys, rkeys, kind, andAll(rest))
	}
	for i := range out.cols {
		out.cols[i].hidden, out.cols[i].usingDup = joined.cols[i].hidden, joined.cols[i].usingDup
		out.cols[i].partner, out.cols[i].usingPos = joined.cols[i].partner, joined.cols[i].usingPos
	}
	if j.Alias != nil {
		if err := aliasJoin(out.cols, j.Alias); err != nil {
			return relPlan{}, err
		}
	}
	return out, nil
}

// aliasJoin names a join's columns by its alias, (a JOIN b USING (k)) AS
// j(c1, c2, ...): the alias hides the tables' names, j.k is the merged
// column (the right copy is out of reach), and the column aliases rename
// the columns in the order SELECT * lists them, merged columns first.
func aliasJoin(cols []scopeCol, alias *pg_query.Alias) error {
	var order []int
	for i, c := range cols {
		if c.usingPos > 0 {
			order = append(order, i)
		}
	}
	slices.SortStableFunc(order, func(a, b int) int { return cols[a].usingPos - cols[b].usingPos })
	for i, c := range cols {
		if c.usingPos == 0 && !c.hidden {
			order = append(order, i)
		}
	}
	if len(alias.Colnames) > len(order) {
		return pgerr.New(pgerr.InvalidColumnReference, "join expression %q has %d columns available but %d columns specified", alias.Aliasname, len(order), len(alias.Colnames))
	}
	for k, n := range alias.Colnames {
		cols[order[k]].name = n.GetString_().GetSval()
	}
	for i := range cols {
		cols[i].rel, cols[i].aliased = alias.Aliasname, true
		if cols[i].usingDup {
			cols[i].rel = ""
		}
	}
	return nil
}

// equality binds l = r.
func (b *binder) equality(l, r Expr, _ *pg_query.Node) (Expr, error) {
	ul, ur, err := b.unify(l, r, 0)
	if err != nil {
		return nil, err
	}
	if ul == nil {
		return nil, b.noOperator("=", l, r, 0)
	}
	cmp, ok := compareFunc(ul.Type())
	if !ok {
		return nil, b.noOperator("=", l, r, 0)
	}
	return &funcExpr{name: "=", args: []Expr{ul, ur}, typ: types.Bool, strict: true, fn: func(_ *evalCtx, v []types.Datum) (types.Datum, error) {
		return cmp(v[0], v[1]) == 0, nil
	}}, nil
}

// conjuncts splits an AND tree.
func conjuncts(e Expr) []Expr {
	if be, ok := e.(*boolExpr); ok && be.op == "and" {
		var out []Expr
		for _, a := range be.args {
			out = append(out, conjuncts(a)...)
		}
		return out
	}
	return []Expr{e}
}

func andAll(es []Expr) Expr {
	switch len(es) {
	case 0:
		return nil
	case 1:
		return es[0]
	}
	return &boolExpr{op: "and", args: es}
}

// splitKeys finds, among conditions over a join's combined columns, the
// equalities of a left column with a right column of the same type: they
// become hash keys; the rest is returned.
func splitKeys(conds []Expr, nLeft int) (lkeys, rkeys []int, rest []Expr) {
	for _, c := range conds {
		f, ok := c.(*funcExpr)
		if ok && f.name == "=" && len(f.args) == 2 {
			a, at, aok := keyColumn(f.args[0])
			bb, bt, bok := keyColumn(f.args[1])
			if aok && bok && sameKeys(at, bt) {
				if a.idx < nLeft && bb.idx >= nLeft {
					lkeys, rkeys = append(lkeys, a.idx), append(rkeys, bb.idx-nLeft)
					continue
				}
				if bb.idx < nLeft && a.idx >= nLeft {
					lkeys, rkeys = append(lkeys, bb.idx), append(rkeys, a.idx-nLeft)
					continue
				}
			}
		}
		rest = append(rest, c)
	}
	return lkeys, rkeys, rest
}

// keyColumn returns the column e reads, when e is a column or a column
// under a cast that compares as the column does, and the type the
// equality compares as: an integer widened to a larger one (int4 = int8
// compares values, and the hash join encodes integers of every width
// alike), or text, varchar or char(n) cast to text (the join's keys are
// the text, with char(n)'s trailing spaces trimmed as its cast does).
func keyColumn(e Expr) (col *colRef, cmp types.T, ok bool) {
	c, isCast := e.(*castExpr)
	if !isCast {
		col, ok = e.(*colRef)
		if !ok {
			return nil, types.T{}, false
		}
		return col, col.typ, true
	}
	col, ok = c.arg.(*colRef)
	switch {
	case !ok:
	case intWidth(col.typ) > 0 && intWidth(col.typ) <= intWidth(c.typ):
		return col, c.typ, true
	case c.typ.Oid == types.OidText && col.typ.Family() == types.StringFamily:
		return col, c.typ, true
	}
	return nil, types.T{}, false
}

// sameKeys reports whether an equality of key columns compared as a and b
// can hash: the same type, or integers.
func sameKeys(a, b types.T) bool {
	return a.Oid == b.Oid || intWidth(a) > 0 && intWidth(b) > 0
}

// colRefs returns the column indices an expression reads.
func colRefs(e Expr, into map[int]bool) {
	if e == nil {
		return
	}
	if c, ok := e.(*colRef); ok {
		into[c.idx] = true
		return
	}
	for _, ch := range children(e) {
		colRefs(ch, into)
	}
}

// shiftColRefs subtracts off from every column index in e. A bound
// subexpression may be shared (x IN (1, 2) compares the same x twice), so
// each column reference is shifted once.
func shiftColRefs(e Expr, off int, seen map[*colRef]bool) {
	var walk func(Expr)
	walk = func(e Expr) {
		if e == nil {
			return
		}
		if c, ok := e.(*colRef); ok {
			if !seen[c] {
				seen[c] = true
				c.idx -= off
			}
			return
		}
		for _, ch := range children(e) {
			walk(ch)
		}
	}
	walk(e)
}

// resultOperator turns a Result (a subquery's rows) into an operator.
func resultOperator(res Result, cols []Column) exec.Operator {
	ecols := make([]exec.Column, len(cols))
	for i, c := range cols {
		ecols[i] = exec.Column{Name: fmt.Sprint("s", i), Type: c.Type}
	}
	return &resultOp{res: res, cols: ecols, bld: exec.NewBuilder(ecols)}
}

type resultOp struct {
	last arrow.RecordBatch
	res  Result
	cols []exec.Column
	bld  *exec.Builder
	done bool
}

func (r *resultOp) Columns() []exec.Column { return r.cols }

func (r *resultOp) Next(ctx context.Context) (arrow.RecordBatch, error) {
	if r.last != nil {
		r.last.Release()
		r.last = nil
	}
	if r.done {
		return nil, nil
	}
	for r.res.Next(ctx) {
		if err := r.bld.Add(r.res.Row()); err != nil {
			return nil, err
		}
		if r.bld.Len() >= exec.BatchRows {
			r.last = r.bld.Batch()
			return r.last, nil
		}
	}
	if err := r.res.Err(); err != nil {
		return nil, err
	}
	r.done = true
	if r.bld.Len() == 0 {
		return nil, nil
	}
	r.last = r.bld.Batch()
	return r.last, nil
}

func (r *resultOp) Close() {
	if r.last != nil {
		r.last.Release()
	}
	r.res.Close()
	r.bld.Release()
}

// scanInfo lets a table scan skip files whose column statistics show that
// a pushed-down condition holds for none of their rows.
type scanInfo struct {
	cols   []exec.Column
	bounds []bound
	filter Expr   // pushed-down conditions, applied by the scan's workers
	conds  []Expr // filter's conjuncts; bounds refer to them
	// inOrder scans with one worker, in file order, for an aggregation
	// over sorted runs above; the files, each sorted by their first
	// sorted columns, are merged.
	inOrder bool
	sorted  int
	window  [2]int64 // the rows read (exec.Scan.WithRowWindow), when window[1] > 0
	// tap, when not nil, yields the rows instead of a scan of the files:
	// a share of one read of them (exec.Shared), read once.
	tap exec.Operator
}

// hasSubplan reports a subquery in e (its cached results are not safe to
// share between parallel workers).
func hasSubplan(e Expr) bool {
	if _, ok := e.(*subplanExpr); ok {
		return true
	}
	for _, c := range children(e) {
		if c != nil && hasSubplan(c) {
			return true
		}
	}
	return false
}

// bound is "column op constant" from a pushed-down condition, conjunct
// cond of the scan's filter; op "in" is an OR of equalities (or IN list),
// its constants in vals.
type bound struct {
	col  int
	op   string
	val  types.Datum
	vals []types.Datum
	cond int
	cmp  func(a, b types.Datum) int // the column type's order; nil: none
}

// addPruning keeps the conditions of the form column op constant, and ORs
// of column = constant on one column.
func (s *scanInfo) addPruning(conds []Expr) {
	// Each bound keeps its column's comparison: statistics are tested
	// against it for every row group of every file the scan reads.
	add := func(b bound) {
		b.cmp, _ = types.CompareFunc(s.cols[b.col].Type)
		s.bounds = append(s.bounds, b)
	}
	for i, c := range conds {
		if b, ok := s.simpleBound(c); ok {
			b.cond = i
			add(b)
			continue
		}
		or, ok := c.(*boolExpr)
		if !ok || or.op != "or" {
			continue
		}
		in := bound{col: -1, op: "in", cond: i}
		for _, a := range or.args {
			b, ok := s.simpleBound(a)
			if !ok || b.op != "=" || (in.col >= 0 && b.col != in.col) {
				in.col = -2
				break
			}
			in.col = b.col
			in.vals = append(in.vals, b.val)
		}
		if in.col >= 0 {
			add(in)
		}
	}
}

// simpleBound reads c as column op constant.
func (s *scanInfo) simpleBound(c Expr) (bound, bool) {
	flip := map[string]string{"=": "=", "<": ">", ">": "<", "<=": ">=", ">=": "<="}
	f, ok := c.(*funcExpr)
	if !ok || len(f.args) != 2 || flip[f.name] == "" {
		return bound{}, false
	}
	col, cok := f.args[0].(*colRef)
	k, kok := f.args[1].(*constExpr)
	op := f.name
	if !cok || !kok {
		col, cok = f.args[1].(*colRef)
		k, kok = f.args[0].(*constExpr)
		op = flip[op]
	}
	if !cok || !kok || k.v == nil || col.idx >= len(s.cols) || k.t.Oid != s.cols[col.idx].Type.Oid {
		return bound{}, false
	}
	return bound{col: col.idx, op: op, val: k.v}, true
}

// fileStats is the per-column part of TableFile.Stats.
type fileStats struct {
	Nulls int64  `json:"nulls"`
	Min   string `json:"min"`
	Max   string `json:"max"`
}

// prune drops the files no row of which can satisfy every bound.
func (s *scanInfo) prune(files []metastore.TableFile) []metastore.TableFile {
	if len(s.bounds) == 0 {
		return files
	}
	var out []metastore.TableFile
	for _, f := range files {
		var st []fileStats
		if json.Unmarshal([]byte(f.Stats), &st) == nil && len(st) == len(s.cols) && !s.mayMatch(f, st) {
			continue // no row of this file can match
		}
		out = append(out, f)
	}
	return out
}

func (s *scanInfo) mayMatch(f metastore.TableFile, st []fileStats) bool {
	return s.boundsMayMatch(func(col int) (exec.ColumnStats, bool) {
		cs := st[col]
		out := exec.ColumnStats{Nulls: cs.Nulls, Rows: f.Rows}
		if cs.Min == "" && cs.Max == "" {
			return out, true
		}
		t := s.cols[col].Type
		lo, err1 := types.ParseText(t, cs.Min, time.UTC)
		hi, err2 := types.ParseText(t, cs.Max, time.UTC)
		if err1 == nil && err2 == nil {
			out.Min, out.Max = lo, hi
		}
		return out, true
	})
}

// rowGroupFilter is the scan's bounds as a filter of Parquet row groups,
// nil without bounds.
func (s *scanInfo) rowGroupFilter() exec.RowGroupFilter {
	if len(s.bounds) == 0 {
		return nil
	}
	return s.boundsMayMatch
}

// pred is the scan's filter for a Filter over the scan, evaluated in ec:
// one that leaves out the conjuncts a row group's statistics prove.
func (s *scanInfo) pred(ec *evalCtx) exec.BatchExpr {
	return scanFilter{batchExpr{s.filter, ec}, s.conds}
}

// scanFilter is a scan's pushed-down filter, the AND of conds, as an
// exec.ConjunctsExpr.
type scanFilter struct {
	batchExpr
	conds []Expr
}

func (f scanFilter) EvalBatchExcept(ctx context.Context, rec arrow.RecordBatch, skip uint64) (arrow.Array, error) {
	var rest []Expr
	for i, c := range f.conds {
		if i >= 64 || skip&(1<<i) == 0 {
			rest = append(rest, c)
		}
	}
	if len(rest) == 0 {
		return nil, nil
	}
	return batchExpr{andAll(rest), f.ec}.EvalBatch(ctx, rec)
}

// impliedConds proves, from a row group's statistics, the bounds that hold
// for each of its rows (exec.ImpliedConds): the column has no NULLs and
// its values all lie within the bound. Nil when no conjunct is a bound.
func (s *scanInfo) impliedConds() exec.ImpliedConds {
	if len(s.bounds) == 0 || len(s.conds) == 0 {
		return nil
	}
	return func(stats func(col int) (exec.ColumnStats, bool)) uint64 {
		var proved uint64
		for _, b := range s.bounds {
			if b.cond >= 64 {
				continue
			}
			cs, ok := stats(b.col)
			if !ok || cs.Nulls != 0 || cs.Min == nil || cs.Max == nil {
				continue
			}
			if b.cmp != nil && boundHolds(b, cs.Min, cs.Max) {
				proved |= 1 << b.cond
			}
		}
		return proved
	}
}

// boundHolds reports whether every value in [lo, hi] satisfies b.
func boundHolds(b bound, lo, hi types.Datum) bool {
	cmp := b.cmp
	switch b.op {
	case "=":
		return cmp(lo, b.val) == 0 && cmp(hi, b.val) == 0
	case "<":
		return cmp(hi, b.val) < 0
	case "<=":
		return cmp(hi, b.val) <= 0
	case ">":
		return cmp(lo, b.val) > 0
	case ">=":
		return cmp(lo, b.val) >= 0
	case "in":
		in := func(v types.Datum) bool {
			return slices.ContainsFunc(b.vals, func(w types.Datum) bool { return cmp(v, w) == 0 })
		}
		if cmp(lo, hi) == 0 {
			return in(lo)
		}
		// Integers: every one from lo to hi is listed.
		l, ok1 := lo.(int64)
		h, ok2 := hi.(int64)
		if !ok1 || !ok2 || h < l || h-l >= int64(len(b.vals)) {
			return false
		}
		for v := l; v <= h; v++ {
			if !in(v) {
				return false
			}
		}
		return true
	}
	return false
}

// boundsMayMatch reports whether a file or row group whose columns have
// the given statistics can hold a row that satisfies every bound.
func (s *scanInfo) boundsMayMatch(stats func(col int) (exec.ColumnStats, bool)) bool {
	for _, b := range s.bounds {
		cs, ok := stats(b.col)
		if !ok {
			continue
		}
		if cs.Rows > 0 && cs.Nulls >= cs.Rows {
			return false // all NULL: no comparison is true
		}
		lo, hi := cs.Min, cs.Max
		if lo == nil || hi == nil {
			continue
		}
		cmp := b.cmp
		if cmp == nil {
			continue
		}
		switch b.op {
		case "=":
			if cmp(b.val, lo) < 0 || cmp(b.val, hi) > 0 {
				return false
			}
		case "in":
			if !slices.ContainsFunc(b.vals, func(v types.Datum) bool { return cmp(v, lo) >= 0 && cmp(v, hi) <= 0 }) {
				return false
			}
		case "<":
			if cmp(lo, b.val) >= 0 {
				return false
			}
		case "<=":
			if cmp(lo, b.val) > 0 {
				return false
			}
		case ">":
			if cmp(hi, b.val) <= 0 {
				return false
			}
		case ">=":
			if cmp(hi, b.val) < 0 {
				return false
			}
		}
	}
	return true
}
