package planner

import (
	"context"

	pg_query "github.com/pganalyze/pg_query_go/v6"

	"github.com/lattice-olap/lattice/exec"
	"github.com/lattice-olap/lattice/pgerr"
	"github.com/lattice-olap/lattice/types"
)

// Subqueries in expressions: EXISTS (...), x IN (...), (x, y) IN (...),
// x op ANY/ALL (...), ARRAY(...) and scalar (...). A subquery that does
// not refer to the outer query runs once per execution of the statement;
// its result is cached in the evaluation context. A correlated one runs
// once per distinct combination of the outer values it reads.

type subplanExpr struct {
	kind pg_query.SubLinkType
	stmt *Statement
	// correlated subqueries read the outer row (outerRef) and run again
	// for every distinct combination of the outer values they read
	// (keyRefs, as seen from the enclosing query) instead of once.
	correlated bool
	keyRefs    []*outerRef
	test       Expr // the left operand of IN/ANY/ALL
	op         string
	typ        types.T // the type compared (IN/ANY) or returned (scalar)
	// tests and typs are a row's operands and their compared types, for
	// (a, b) IN (SELECT x, y ...).
	tests []Expr
	typs  []types.T
}

type subResult struct {
	rows    [][]types.Datum
	keys    map[string]bool // IN: the distinct non-NULL values
	hasNull bool
}

func (s *subplanExpr) Type() types.T {
	if s.kind == pg_query.SubLinkType_EXPR_SUBLINK || s.kind == pg_query.SubLinkType_ARRAY_SUBLINK {
		return s.typ
	}
	return types.Bool
}

func (s *subplanExpr) result(e *evalCtx) (*subResult, error) {
	if r, ok := e.subs[s]; ok && !s.correlated {
		return r, nil
	}
	// A correlated subquery's result depends only on the outer values it
	// reads: remember it per distinct combination of them.
	var key string
	if s.correlated {
		var kb []byte
		for _, ref := range s.keyRefs {
			v, err := outerValue(e, ref.level-1, ref.idx, ref.typ)
			if err != nil {
				return nil, err
			}
			kb = exec.AppendKey(kb, ref.typ, v)
		}
		key = string(kb)
		if r, ok := e.corr[s][key]; ok {
			return r, nil
		}
	}
	ctx := e.ctx
	if s.correlated {
		// The subquery's outerRefs read this row through the context.
		outer, _ := ctx.Value(outerKey{}).([]*evalCtx)
		ctx = context.WithValue(ctx, outerKey{}, append(outer[:len(outer):len(outer)], e))
	}
	res, err := s.stmt.run(ctx, e.sess, e.args)
	if err != nil {
		return nil, err
	}
	defer res.Close()
	r := &subResult{}
	for res.Next(ctx) {
		if s.kind == pg_query.SubLinkType_EXISTS_SUBLINK {
			r.rows = append(r.rows, nil)
			break
		}
		row := append([]types.Datum(nil), res.Row()...)
		r.rows = append(r.rows, row)
		if s.kind == pg_query.SubLinkType_EXPR_SUBLINK && len(r.rows) > 1 {
			return nil, pgerr.New(pgerr.CardinalityViolation, "more than one row returned by a subquery used as an expression")
		}
	}
	if err := res.Err(); err != nil {
		return nil, err
	}
	if len(s.tests) > 0 {
		if err := s.rowKeys(e, r); err != nil {
			return nil, err
		}
	} else if s.kind == pg_query.SubLinkType_ANY_SUBLINK && s.op == "=" {
		r.keys = map[string]bool{}
		for _, row := range r.rows {
			v, err := castDatum(e.sess, row[0], s.stmt.Columns[0].Type, s.typ)
			if err != nil {
				return nil, err
			}
			if v == nil {
				r.hasNull = true
				continue
			}
			r.keys[string(exec.AppendKey(nil, s.typ, v))] = true
		}
	}
	if !s.correlated {
		if e.subs == nil {
			e.subs = map[*subplanExpr]*subResult{}
		}
		e.subs[s] = r
	} else {
		if e.corr == nil {
			e.corr = map[*subplanExpr]map[string]*subResult{}
		}
		if e.corr[s] == nil {
			e.corr[s] = map[string]*subResult{}
		}
		e.corr[s][key] = r
	}
	return r, nil
}

// outerValue reads column idx of the row `up` levels above e's own (0:
// e's current row).
func outerValue(e *evalCtx, up, idx int, t types.T) (types.Datum, error) {
	oe := e
	if up > 0 {
		stack, _ := e.ctx.Value(outerKey{}).([]*evalCtx)
		if len(stack) < up {
			return nil, pgerr.New(pgerr.InternalError, "outer reference evaluated outside its subquery")
		}
		oe = stack[len(stack)-up]
	}
	return exec.Value(oe.rec.Column(idx), oe.row, t), nil
}

// outerKey keys the stack of outer rows in a correlated subquery's context.
type outerKey struct{}

// outerRef is a column of an enclosing query's current row.
type outerRef struct {
	level int // 1: the immediately enclosing query
	idx   int
	typ   types.T
	name  string // as written, for EXPLAIN
}

func (o *outerRef) Type() types.T { return o.typ }

func (o *outerRef) Eval(e *evalCtx) (types.Datum, error) {
	return outerValue(e, o.level, o.idx, o.typ)
}

func (s *subplanExpr) Eval(e *evalCtx) (types.Datum, error) {
	r, err := s.result(e)
	if err != nil {
		return nil, err
	}
	switch s.kind {
	case pg_query.SubLinkType_EXISTS_SUBLINK:
		return len(r.rows) > 0, nil
	case pg_query.SubLinkType_EXPR_SUBLINK:
		if len(r.rows) == 0 {
			return nil, nil
		}
		return castDatum(e.sess, r.rows[0][0], s.stmt.Columns[0].Type, s.typ)
	case pg_query.SubLinkType_ARRAY_SUBLINK:
		vals := make([]types.Datum, len(r.rows))
		for i, row := range r.rows {
			vals[i] = row[0]
		}
		return makeArray(s.typ, vals), nil
	}
	if len(s.tests) > 0 {
		return s.rowIn(e, r)
	}
	x, err := s.test.Eval(e)
	if err != nil {
		return nil, err
	}
	if s.kind == pg_query.SubLinkType_ANY_SUBLINK && s.op == "=" {
		if len(r.rows) == 0 {
			return false, nil
		}
		if x == nil {
			return nil, nil
		}
		if r.keys[string(exec.AppendKey(nil, s.typ, x))] {
			return true, nil
		}
		if r.hasNull {
			return nil, nil
		}
		return false, nil
	}
	// op ANY / op ALL with a comparison operator.
	cmp, _ := compareFunc(s.typ)
	test := comparisonTest(s.op)
	all := s.kind == pg_query.SubLinkType_ALL_SUBLINK
	sawNull := false
	for _, row := range r.rows {
		v, err := castDatum(e.sess, row[0], s.stmt.Columns[0].Type, s.typ)
		if err != nil {
			return nil, err
		}
		if v == nil || x == nil {
			sawNull = true
			continue
		}
		ok := test(cmp(x, v))
		if all && !ok {
			return false, nil
		}
		if !all && ok {
			return true, nil
		}
	}
	if sawNull {
		return nil, nil
	}
	return all, nil
}

// rowKeys prepares a row IN: the subquery's rows cast to the compared
// types, and the keys of those without NULLs.
func (s *subplanExpr) rowKeys(e *evalCtx, r *subResult) error {
	r.keys = map[string]bool{}
	for _, row := range r.rows {
		var key []byte
		for c, t := range s.typs {
			v, err := castDatum(e.sess, row[c], s.stmt.Columns[c].Type, t)
			if err != nil {
				return err
			}
			row[c] = v
			if v == nil {
				r.hasNull = true
			}
			key = exec.AppendKey(key, t, v)
		}
		r.keys[string(key)] = true
	}
	return nil
}

// rowIn is (a, b) IN (SELECT ...): true when some row equals the operands
// in every column, else NULL when some row might (every pair equal or
// NULL), else false.
func (s *subplanExpr) rowIn(e *evalCtx, r *subResult) (types.Datum, error) {
	if len(r.rows) == 0 {
		return false, nil
	}
	x := make([]types.Datum, len(s.tests))
	var key []byte
	nulls := false
	for c, t := range s.tests {
		v, err := t.Eval(e)
		if err != nil {
			return nil, err
		}
		x[c], nulls = v, nulls || v == nil
		key = exec.AppendKey(key, s.typs[c], v)
	}
	if !nulls && r.keys[string(key)] {
		return true, nil
	}
	if !nulls && !r.hasNull {
		return false, nil
	}
	for _, row := range r.rows {
		maybe := true
		for c, t := range s.typs {
			if x[c] == nil || row[c] == nil {
				continue
			}
			if cmp, _ := compareFunc(t); cmp(x[c], row[c]) != 0 {
				maybe = false
				break
			}
		}
		if maybe {
			return nil, nil
		}
	}
	return false, nil
}

// subLink binds a subquery expression.
func (b *binder) subLink(ctx context.Context, sl *pg_query.SubLink) (Expr, error) {
	sel := sl.Subselect.GetSelectStmt()
	sub := b.child()
	sub.outer = b
	st, err := sub.selectStmt(ctx, sel)
	if err != nil {
		return nil, err
	}
	b.params = sub.params
	sp := &subplanExpr{kind: sl.SubLinkType, stmt: st, correlated: sub.correlated, keyRefs: sub.keyRefs}
	switch sl.SubLinkType {
	case pg_query.SubLinkType_EXISTS_SUBLINK:
		return sp, nil
	case pg_query.SubLinkType_EXPR_SUBLINK:
		if len(st.Columns) != 1 {
			return nil, b.errorf(sl.Location, pgerr.SyntaxError, "subquery must return only one column")
		}
		sp.typ = st.Columns[0].Type
		return sp, nil
	case pg_query.SubLinkType_ARRAY_SUBLINK:
		if len(st.Columns) != 1 {
			return nil, b.errorf(sl.Location, pgerr.SyntaxError, "subquery must return only one column")
		}
		et := st.Columns[0].Type
		if et.Oid == types.OidUnknown {
			et = types.Text
		}
		at, ok := types.ArrayOf(types.T{Oid: et.Oid, Typmod: -1})
		if !ok {
			return nil, b.errorf(sl.Location, pgerr.UndefinedObject, "could not find array type for data type %s", et)
		}
		sp.typ = at
		return sp, nil
	case pg_query.SubLinkType_ANY_SUBLINK, pg_query.SubLinkType_ALL_SUBLINK:
		if row := sl.Testexpr.GetRowExpr(); row != nil {
			return b.rowSubLink(sl, sp, row.Args)
		}
		if len(st.Columns) != 1 {
			return nil, b.errorf(sl.Location, pgerr.SyntaxError, "subquery has too many columns")
		}
		sp.op = "="
		if len(sl.OperName) > 0 {
			sp.op = opName(sl.OperName)
		}
		if !isComparison(sp.op) {
			return nil, b.errorf(sl.Location, pgerr.FeatureNotSupported, "operator %s with ANY/ALL is not supported", sp.op)
		}
		test, err := b.expr(sl.Testexpr)
		if err != nil {
			return nil, err
		}
		t := st.Columns[0].Type
		if test.Type().Oid == types.OidUnknown {
			if test, err = b.cast(test, t, sl.Location, true); err != nil {
				return nil, err
			}
		}
		ct, ok := commonType(test.Type(), t)
		if !ok {
			return nil, b.errorf(sl.Location, pgerr.UndefinedFunction, "operator does not exist: %s %s %s", test.Type(), sp.op, t).
				WithHint("No operator matches the given name and argument types. You might need to add explicit type casts.")
		}
		if test, err = b.cast(test, ct, sl.Location, false); err != nil {
			return nil, err
		}
		sp.test, sp.typ = test, ct
		return sp, nil
	}
	return nil, b.errorf(sl.Location, pgerr.FeatureNotSupported, "this kind of subquery is not supported")
}

// rowSubLink binds (a, b) IN (SELECT x, y ...): each operand compared with
// its column in their common type.
func (b *binder) rowSubLink(sl *pg_query.SubLink, sp *subplanExpr, args []*pg_query.Node) (Expr, error) {
	cols := sp.stmt.Columns
	switch {
	case len(args) < len(cols):
		return nil, b.errorf(sl.Location, pgerr.SyntaxError, "subquery has too many columns")
	case len(args) > len(cols):
		return nil, b.errorf(sl.Location, pgerr.SyntaxError, "subquery has too few columns")
	}
	if sl.SubLinkType != pg_query.SubLinkType_ANY_SUBLINK || (len(sl.OperName) > 0 && opName(sl.OperName) != "=") {
		return nil, b.errorf(sl.Location, pgerr.FeatureNotSupported, "row comparisons with a subquery other than IN are not supported yet")
	}
	sp.op = "="
	for i, a := range args {
		test, err := b.expr(a)
		if err != nil {
			return nil, err
		}
		t := cols[i].Type
		if test.Type().Oid == types.OidUnknown {
			if test, err = b.cast(test, t, sl.Location, true); err != nil {
				return nil, err
			}
		}
		ct, ok := commonType(test.Type(), t)
		if _, cmp := compareFunc(ct); !ok || !cmp {
			return nil, b.errorf(sl.Location, pgerr.UndefinedFunction, "operator does not exist: %s = %s", test.Type(), t).
				WithHint("No operator matches the given name and argument types. You might need to add explicit type casts.")
		}
		if test, err = b.cast(test, ct, sl.Location, false); err != nil {
			return nil, err
		}
		sp.tests, sp.typs = append(sp.tests, test), append(sp.typs, ct)
	}
	return sp, nil
}
