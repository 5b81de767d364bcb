package planner

import (
	"context"
	"fmt"

	pg_query "github.com/pganalyze/pg_query_go/v6"

	"github.com/lattice-olap/lattice/exec"
	"github.com/lattice-olap/lattice/pgerr"
	"github.com/lattice-olap/lattice/types"
)

// Set operations, VALUES lists and WITH. Each operand is planned as its own
// statement; the combination runs over their results.

// withClause binds each CTE; later FROM references to its name read its
// rows.
func (b *binder) withClause(ctx context.Context, w *pg_query.WithClause) error {
	for _, c := range w.Ctes {
		cte := c.GetCommonTableExpr()
		sel := cte.Ctequery.GetSelectStmt()
		if sel == nil {
			return pgerr.New(pgerr.FeatureNotSupported, "WITH queries other than SELECT are not supported")
		}
		if b.ctes == nil {
			b.ctes = map[string]*cteDef{}
		}
		if w.Recursive && refersTo(sel, cte.Ctename) {
			def, err := b.recursiveCTE(ctx, cte, sel)
			if err != nil {
				return err
			}
			b.ctes[cte.Ctename] = def
			continue
		}
		// Like a derived table, a WITH query sees the enclosing query's
		// columns (WITH in a subquery, or in LATERAL).
		sub := b.child()
		sub.outer = b.outer
		st, err := sub.selectStmt(ctx, sel)
		if err != nil {
			return err
		}
		b.params = sub.params
		def := &cteDef{stmt: st, cols: cteColumns(cte, st.Columns)}
		if sub.correlated {
			b.correlated = true
			b.keyRefs = append(b.keyRefs, sub.keyRefs...)
			def.owner = b
		}
		b.ctes[cte.Ctename] = def
	}
	return nil
}

// cteColumns names a CTE's columns with its column aliases.
func cteColumns(cte *pg_query.CommonTableExpr, cols []Column) []Column {
	cols = append([]Column(nil), cols...)
	for i, a := range cte.Aliascolnames {
		if i < len(cols) {
			cols[i].Name = a.GetString_().GetSval()
		}
	}
	return cols
}

// refersTo reports whether sel reads a relation named name (without a
// schema): a CTE of WITH RECURSIVE that reads itself.
func refersTo(sel *pg_query.SelectStmt, name string) bool {
	found := false
	walkNodes(&pg_query.Node{Node: &pg_query.Node_SelectStmt{SelectStmt: sel}}, func(n *pg_query.Node) bool {
		if rv := n.GetRangeVar(); rv != nil && rv.Relname == name && rv.Schemaname == "" {
			found = true
		}
		return !found
	})
	return found
}

// workTable is the rows a recursive CTE's recursive term reads in one
// iteration: those the previous iteration added. It travels in the
// context, so that the term's plan is bound once and run per iteration.
type workTable struct{ name string }

// recursiveCTE binds WITH RECURSIVE name AS (initial UNION [ALL]
// recursive): the initial term runs once, then the recursive term runs
// over the rows the last run added (the work table) until it adds none.
// UNION drops rows seen before, which also ends cycles; UNION ALL keeps
// them, and a query that never ends runs until its memory budget (53200)
// or statement_timeout stops it.
func (b *binder) recursiveCTE(ctx context.Context, cte *pg_query.CommonTableExpr, sel *pg_query.SelectStmt) (*cteDef, error) {
	name := cte.Ctename
	if sel.Op != pg_query.SetOperation_SETOP_UNION || refersTo(sel.Larg, name) {
		return nil, b.errorf(cte.Location, pgerr.InvalidRecursion, "recursive query %q does not have the form non-recursive-term UNION [ALL] recursive-term", name)
	}
	sub := b.child()
	init, err := sub.selectStmt(ctx, sel.Larg)
	if err != nil {
		return nil, err
	}
	b.params = sub.params
	cols := cteColumns(cte, init.Columns)
	work := &workTable{name: name}
	scan := &Statement{Columns: cols, plan: newNode("WorkTable Scan on " + name), run: func(ctx context.Context, _ *Session, _ []types.Datum) (Result, error) {
		rows, _ := ctx.Value(work).([][]types.Datum)
		return newRows("SELECT", rows...), nil
	}}
	rsub := b.child()
	if rsub.ctes == nil {
		rsub.ctes = map[string]*cteDef{}
	}
	rsub.ctes[name] = &cteDef{stmt: scan, cols: cols}
	rec, err := rsub.selectStmt(ctx, sel.Rarg)
	if err != nil {
		return nil, err
	}
	b.params = rsub.params
	if len(rec.Columns) != len(cols) {
		return nil, b.errorf(cte.Location, pgerr.SyntaxError, "each UNION query must have the same number of columns")
	}
	for i, c := range rec.Columns {
		if c.Type.Oid != cols[i].Type.Oid && !canCast(c.Type, cols[i].Type, false) {
			return nil, b.errorf(cte.Location, pgerr.DatatypeMismatch, "recursive query %q column %d has type %s in non-recursive term but type %s overall", name, i+1, cols[i].Type, c.Type).
				WithHint("Cast the output of the non-recursive term to the correct type.")
		}
	}
	distinct := !sel.All
	st := &Statement{Columns: cols, plan: newNode("Recursive Union", init.plan, rec.plan), run: func(ctx context.Context, s *Session, args []types.Datum) (Result, error) {
		seen := map[string]bool{}
		var key []byte
		// collect reads a term's rows, in the CTE's column types, leaving
		// out (for UNION) those seen before.
		collect := func(ctx context.Context, st *Statement) ([][]types.Datum, error) {
			res, err := st.run(ctx, s, args)
			if err != nil {
				return nil, err
			}
			defer res.Close()
			var fresh [][]types.Datum
			for res.Next(ctx) {
				row := append([]types.Datum(nil), res.Row()...)
				key = key[:0]
				for i, c := range cols {
					if from := st.Columns[i].Type; from != c.Type {
						if row[i], err = castDatum(s, row[i], from, c.Type); err != nil {
							return nil, err
						}
					}
					if distinct {
						key = exec.AppendKey(key, c.Type, row[i])
					}
				}
				if distinct {
					if seen[string(key)] {
						continue
					}
					seen[string(key)] = true
				}
				if err := exec.Charge(ctx, exec.RowBytes(row)); err != nil {
					return nil, err
				}
				fresh = append(fresh, row)
			}
			return fresh, res.Err()
		}
		out, err := collect(ctx, init)
		for fresh := out; err == nil && len(fresh) > 0; {
			if fresh, err = collect(context.WithValue(ctx, work, fresh), rec); err == nil {
				out = append(out, fresh...)
			}
		}
		if err != nil {
			return nil, err
		}
		return newRows("SELECT", out...), nil
	}}
	return &cteDef{stmt: st, cols: cols}, nil
}

// cteDef is a bound WITH query.
type cteDef struct {
	stmt *Statement
	cols []Column
	// owner is set for a WITH query that reads the enclosing query's
	// columns: the block that defined it, the only one whose rows give
	// those columns their values.
	owner *binder
}

// child returns a binder for a subquery: same parameters and CTEs, its own
// scope.
func (b *binder) child() *binder {
	c := &binder{sess: b.sess, text: b.text, params: b.params, ctx: b.ctx, cube: b.cube}
	if len(b.ctes) > 0 {
		c.ctes = make(map[string]*cteDef, len(b.ctes))
		for k, v := range b.ctes {
			c.ctes[k] = v
		}
	}
	return c
}

// statementPlan turns a planned statement into a FROM item.
func statementPlan(st *Statement, rel string, cols []Column) relPlan {
	var sc []scopeCol
	for i, c := range cols {
		sc = append(sc, scopeCol{rel: rel, name: c.Name, typ: c.Type, idx: i, partner: -1})
	}
	node := newNode("CTE Scan on "+rel, st.plan)
	return relPlan{cols: sc, node: node, build: func(ec *evalCtx) (exec.Operator, error) {
		res, err := st.run(ec.ctx, ec.sess, ec.args)
		if err != nil {
			return nil, err
		}
		return resultOperator(res, st.Columns), nil
	}}
}

// values plans VALUES (...), (...): column types are each column's common
// type; columns are named column1, column2, ...
func (b *binder) values(ctx context.Context, sel *pg_query.SelectStmt) (*Statement, error) {
	lists := sel.ValuesLists
	width := len(lists[0].GetList().GetItems())
	rows := make([][]Expr, len(lists))
	for i, l := range lists {
		items := l.GetList().GetItems()
		if len(items) != width {
			return nil, pgerr.New(pgerr.SyntaxError, "VALUES lists must all be the same length")
		}
		rows[i] = make([]Expr, width)
	}
	cols := make([]Column, width)
	for c := 0; c < width; c++ {
		nodes := make([]*pg_query.Node, len(lists))
		for i, l := range lists {
			nodes[i] = l.GetList().GetItems()[c]
		}
		args, typ, err := b.commonArgs(nodes, "VALUES", 0, false)
		if err != nil {
			return nil, err
		}
		for i := range rows {
			rows[i][c] = args[i]
		}
		cols[c] = Column{Name: fmt.Sprintf("column%d", c+1), Type: typ}
	}
	params, err := b.paramTypes()
	if err != nil {
		return nil, err
	}
	body := &Statement{Params: params, Columns: cols, run: func(ctx context.Context, s *Session, args []types.Datum) (Result, error) {
		ec := s.evalCtx(ctx, args)
		out := make([][]types.Datum, len(rows))
		for i, r := range rows {
			out[i] = make([]types.Datum, width)
			for c, e := range r {
				v, err := e.Eval(ec)
				if err != nil {
					return nil, err
				}
				out[i][c] = v
			}
		}
		return newRows("SELECT", out...), nil
	}}
	return b.orderLimit(ctx, sel, body)
}

// setOp plans UNION / INTERSECT / EXCEPT [ALL].
func (b *binder) setOp(ctx context.Context, sel *pg_query.SelectStmt) (*Statement, error) {
	// The branches are at this query's level: in a subquery they may
	// refer to the enclosing query as it may, and their references make
	// it correlated.
	// The right branch's binder is made after the left is bound: it
	// takes the parameters the left one found (a child copies them).
	lb := b.child()
	lb.outer = b.outer
	l, err := lb.selectStmtShare(ctx, sel.Larg, b)
	if err != nil {
		return nil, err
	}
	rb := b.child()
	rb.outer = b.outer
	r, err := rb.selectStmtShare(ctx, sel.Rarg, b)
	if err != nil {
		return nil, err
	}
	b.correlated = b.correlated || lb.correlated || rb.correlated
	b.keyRefs = append(b.keyRefs, append(lb.keyRefs, rb.keyRefs...)...)
	untyped := func(bb *binder, i int) bool { return i < len(bb.untyped) && bb.untyped[i] }
	name := map[pg_query.SetOperation]string{pg_query.SetOperation_SETOP_UNION: "UNION",
		pg_query.SetOperation_SETOP_INTERSECT: "INTERSECT", pg_query.SetOperation_SETOP_EXCEPT: "EXCEPT"}[sel.Op]
	if len(l.Columns) != len(r.Columns) {
		return nil, pgerr.New(pgerr.SyntaxError, "each %s query must have the same number of columns", name)
	}
	cols := make([]Column, len(l.Columns))
	for i := range cols {
		lt, rt := l.Columns[i].Type, r.Columns[i].Type
		t := lt
		switch {
		case untyped(lb, i) && !untyped(rb, i):
			// SELECT 1 UNION SELECT '2': the literal takes the other
			// branch's type (its text is read as that type).
			t = types.T{Oid: rt.Oid, Typmod: -1}
		case untyped(rb, i) && !untyped(lb, i):
			t = types.T{Oid: lt.Oid, Typmod: -1}
		case lt != rt:
			ct, ok := commonType(lt, rt)
			if !ok {
				return nil, pgerr.New(pgerr.DatatypeMismatch, "%s types %s and %s cannot be matched", name, lt, rt)
			}
			t = ct
		}
		cols[i] = Column{Name: l.Columns[i].Name, Type: t}
	}
	op, all := sel.Op, sel.All
	params, err := b.paramTypes()
	if err != nil {
		return nil, err
	}
	body := &Statement{Params: params, Columns: cols, run: func(ctx context.Context, s *Session, args []types.Datum) (Result, error) {
		read := func(st *Statement) ([][]types.Datum, error) {
			res, err := st.run(ctx, s, args)
			if err != nil {
				return nil, err
			}
			defer res.Close()
			var out [][]types.Datum
			for res.Next(ctx) {
				row := make([]types.Datum, len(cols))
				for i, v := range res.Row() {
					if row[i], err = castDatum(s, v, st.Columns[i].Type, cols[i].Type); err != nil {
						return nil, err
					}
				}
				out = append(out, row)
			}
			return out, res.Err()
		}
		left, err := read(l)
		if err != nil {
			return nil, err
		}
		right, err := read(r)
		if err != nil {
			return nil, err
		}
		return newRows("SELECT", combine(op, all, cols, left, right)...), nil
	}}
	return b.orderLimit(ctx, sel, body)
}

// selectStmtShare plans n as a subquery that shares parent's parameters.
func (b *binder) selectStmtShare(ctx context.Context, n *pg_query.SelectStmt, parent *binder) (*Statement, error) {
	st, err := b.selectStmt(ctx, n)
	parent.params = b.params
	return st, err
}

// combine applies a set operation to materialized rows, keeping the order
// of first appearance.
func combine(op pg_query.SetOperation, all bool, cols []Column, left, right [][]types.Datum) [][]types.Datum {
	key := func(row []types.Datum) string {
		var k []byte
		for i, v := range row {
			k = exec.AppendKey(k, cols[i].Type, v)
		}
		return string(k)
	}
	switch op {
	case pg_query.SetOperation_SETOP_UNION:
		rows := append(left, right...)
		if all {
			return rows
		}
		seen := map[string]bool{}
		var out [][]types.Datum
		for _, r := range rows {
			if k := key(r); !seen[k] {
				seen[k] = true
				out = append(out, r)
			}
		}
		return out
	}
	counts := map[string]int{}
	for _, r := range right {
		counts[key(r)]++
	}
	emitted := map[string]bool{}
	var out [][]types.Datum
	for _, r := range left {
		k := key(r)
		inRight := counts[k] > 0
		switch {
		case op == pg_query.SetOperation_SETOP_INTERSECT && all:
			if inRight {
				counts[k]--
				out = append(out, r)
			}
		case op == pg_query.SetOperation_SETOP_INTERSECT:
			if inRight && !emitted[k] {
				emitted[k] = true
				out = append(out, r)
			}
		case op == pg_query.SetOperation_SETOP_EXCEPT && all:
			if inRight {
				counts[k]--
			} else {
				out = append(out, r)
			}
		default: // EXCEPT
			if !inRight && !emitted[k] {
				emitted[k] = true
				out = append(out, r)
			}
		}
	}
	return out
}

// orderLimit applies a statement's own ORDER BY (output columns by
// ordinal or name) and LIMIT/OFFSET to a planned body.
func (b *binder) orderLimit(ctx context.Context, sel *pg_query.SelectStmt, body *Statement) (*Statement, error) {
	if len(sel.SortClause) == 0 && sel.LimitCount == nil && sel.LimitOffset == nil {
		return body, nil
	}
	var keys []exec.SortKey
	for _, n := range sel.SortClause {
		sb := n.GetSortBy()
		col, err := b.outputColumn(sb.Node, body.Columns, "ORDER BY", nil)
		if err != nil {
			return nil, err
		}
		if col < 0 {
			return nil, pgerr.New(pgerr.FeatureNotSupported, "ORDER BY on a UNION/INTERSECT/EXCEPT or VALUES result must name an output column")
		}
		desc, nf, err := sortDirection(sb)
		if err != nil {
			return nil, err
		}
		keys = append(keys, exec.SortKey{Col: col, Desc: desc, NullsFirst: nf})
	}
	limit, err := b.optionalInt(sel.LimitCount, "LIMIT")
	if err != nil {
		return nil, err
	}
	offset, err := b.optionalInt(sel.LimitOffset, "OFFSET")
	if err != nil {
		return nil, err
	}
	ties, err := tiesColumns(sel, keys)
	if err != nil {
		return nil, err
	}
	params, err := b.paramTypes()
	if err != nil {
		return nil, err
	}
	inner := body
	return &Statement{Params: params, Columns: inner.Columns, fold: inner.fold, run: func(ctx context.Context, s *Session, args []types.Datum) (Result, error) {
		ec := s.evalCtx(ctx, args)
		lim, off, err := limitValues(ec, limit, offset)
		if err != nil {
			return nil, err
		}
		res, err := inner.run(ctx, s, args)
		if err != nil {
			return nil, err
		}
		var op exec.Operator = resultOperator(res, inner.Columns)
		if len(keys) > 0 {
			op = exec.NewSort(op, keys)
		}
		if lim >= 0 || off > 0 {
			l := exec.NewLimit(op, lim, off)
			l.Ties = ties
			op = l
		}
		return &opResult{rows: exec.NewRows(op), n: len(inner.Columns)}, nil
	}}, nil
}
