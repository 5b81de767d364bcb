package planner

import (
	"math"
	"strings"

	"github.com/cockroachdb/apd/v3"
	pg_query "github.com/pganalyze/pg_query_go/v6"

	"github.com/lattice-olap/lattice/pgerr"
	"github.com/lattice-olap/lattice/types"
)

type evalFn = func(e *evalCtx, args []types.Datum) (types.Datum, error)

func opName(names []*pg_query.Node) string {
	var parts []string
	for _, n := range names {
		if s := n.GetString_(); s != nil {
			parts = append(parts, s.Sval)
		}
	}
	return strings.TrimPrefix(strings.Join(parts, "."), "pg_catalog.")
}

func (b *binder) aExpr(a *pg_query.A_Expr) (Expr, error) {
	op := opName(a.Name)
	if e, ok := rowExpansion(a, op); ok {
		if e == nil {
			return nil, b.errorf(a.Location, pgerr.SyntaxError, "unequal number of entries in row expressions")
		}
		if e.GetAExpr() == a {
			return nil, b.errorf(a.Location, pgerr.UndefinedFunction, "could not determine interpretation of row comparison operator %s", op)
		}
		return b.expr(e)
	}
	switch a.Kind {
	case pg_query.A_Expr_Kind_AEXPR_OP:
		if a.Lexpr == nil {
			return b.unaryOp(op, a.Rexpr, a.Location)
		}
		switch op {
		case "~~", "!~~", "~~*", "!~~*":
			return b.likeOp(a.Lexpr, a.Rexpr, strings.HasSuffix(op, "*"), strings.HasPrefix(op, "!"), op, a.Location)
		case "~", "!~", "~*", "!~*":
			return b.regexOp(op, a.Lexpr, a.Rexpr, a.Location)
		}
		return b.binaryOp(op, nil, a.Lexpr, a.Rexpr, a.Location)
	case pg_query.A_Expr_Kind_AEXPR_OP_ANY, pg_query.A_Expr_Kind_AEXPR_OP_ALL:
		return b.anyAll(a, a.Kind == pg_query.A_Expr_Kind_AEXPR_OP_ALL)
	case pg_query.A_Expr_Kind_AEXPR_DISTINCT, pg_query.A_Expr_Kind_AEXPR_NOT_DISTINCT:
		l, err := b.expr(a.Lexpr)
		if err != nil {
			return nil, err
		}
		r, err := b.expr(a.Rexpr)
		if err != nil {
			return nil, err
		}
		ul, ur, err := b.unify(l, r, a.Location)
		if err != nil {
			return nil, err
		}
		if ul == nil {
			return nil, b.noOperator("=", l, r, a.Location)
		}
		l, r = ul, ur
		cmp, ok := compareFunc(l.Type())
		if !ok {
			return nil, b.errorf(a.Location, pgerr.UndefinedFunction, "operator does not exist: %s = %s", l.Type(), r.Type())
		}
		eq := func(_ *evalCtx, v []types.Datum) (types.Datum, error) { return cmp(v[0], v[1]) == 0, nil }
		return &distinctExpr{l: l, r: r, eq: eq, not: a.Kind == pg_query.A_Expr_Kind_AEXPR_NOT_DISTINCT}, nil
	case pg_query.A_Expr_Kind_AEXPR_NULLIF:
		l, err := b.expr(a.Lexpr)
		if err != nil {
			return nil, err
		}
		r, err := b.expr(a.Rexpr)
		if err != nil {
			return nil, err
		}
		eq, err := b.binaryOpExprs("=", l, r, a.Location)
		if err != nil {
			return nil, err
		}
		if fe, ok := eq.(*funcExpr); ok && len(fe.args) == 2 && l.Type().Oid == types.OidUnknown {
			// NULLIF(NULL, 1): the literal takes the operator's type.
			if l, err = b.cast(l, fe.args[0].Type(), a.Location, true); err != nil {
				return nil, err
			}
		}
		l = b.defaultUnknown(l)
		// The result is of the = operator's left input type, as in
		// PostgreSQL: nullif(int, numeric) is numeric, and varchar
		// compares with text's = (there is no varchar =), so it is text.
		// The cross-type operators keep the left type: the integers',
		// real = double precision (numeric converts to the latter), and
		// date = timestamp[tz].
		lf, rf := l.Type().Family(), r.Type().Family()
		crossType := (lf == types.IntFamily && rf == types.IntFamily) ||
			(lf == types.FloatFamily && (rf == types.IntFamily || rf == types.FloatFamily || rf == types.NumericFamily)) ||
			(lf == types.DateFamily && rf == types.TimestampFamily) || (lf == types.TimestampFamily && rf == types.DateFamily) ||
			(lf == types.TimestampFamily && rf == types.TimestampFamily)
		if fe, ok := eq.(*funcExpr); ok && len(fe.args) == 2 && !crossType {
			// (PostgreSQL has cross-type = for the integers and the
			// floats, which keep the left type.)
			t := types.T{Oid: fe.args[0].Type().Oid, Typmod: -1}
			if t.Oid == types.OidVarchar {
				t = types.Text
			}
			if t.Oid != l.Type().Oid && t.Oid != types.OidUnknown {
				if l, err = b.cast(l, t, a.Location, false); err != nil {
					return nil, err
				}
			}
		}
		return &funcExpr{name: "nullif", args: []Expr{l, eq}, typ: l.Type(), fn: func(_ *evalCtx, v []types.Datum) (types.Datum, error) {
			if v[1] == true {
				return nil, nil
			}
			return v[0], nil
		}}, nil
	case pg_query.A_Expr_Kind_AEXPR_IN:
		l, err := b.expr(a.Lexpr)
		if err != nil {
			return nil, err
		}
		list := a.Rexpr.GetList()
		if list == nil {
			return nil, b.errorf(a.Location, pgerr.FeatureNotSupported, "IN with a subquery is not supported yet")
		}
		items := make([]Expr, len(list.Items))
		for i, item := range list.Items {
			if items[i], err = b.expr(item); err != nil {
				return nil, err
			}
		}
		if l, err = b.inListType(l, items, a.Location); err != nil {
			return nil, err
		}
		var ors []Expr
		for _, item := range items {
			eq, err := b.binaryOpExprs("=", l, item, a.Location)
			if err != nil {
				return nil, err
			}
			ors = append(ors, eq)
		}
		var in Expr = &boolExpr{op: "or", args: ors}
		if op == "<>" {
			in = &boolExpr{op: "not", args: []Expr{in}}
		}
		return in, nil
	case pg_query.A_Expr_Kind_AEXPR_BETWEEN_SYM, pg_query.A_Expr_Kind_AEXPR_NOT_BETWEEN_SYM:
		// x BETWEEN SYMMETRIC a AND b: either order of the bounds.
		l, err := b.expr(a.Lexpr)
		if err != nil {
			return nil, err
		}
		bounds := a.Rexpr.GetList().Items
		var ors []Expr
		for _, pair := range [][2]*pg_query.Node{{bounds[0], bounds[1]}, {bounds[1], bounds[0]}} {
			lo, err := b.binaryOp(">=", l, nil, pair[0], a.Location)
			if err != nil {
				return nil, err
			}
			hi, err := b.binaryOp("<=", l, nil, pair[1], a.Location)
			if err != nil {
				return nil, err
			}
			ors = append(ors, &boolExpr{op: "and", args: []Expr{lo, hi}})
		}
		var e Expr = &boolExpr{op: "or", args: ors}
		if a.Kind == pg_query.A_Expr_Kind_AEXPR_NOT_BETWEEN_SYM {
			e = &boolExpr{op: "not", args: []Expr{e}}
		}
		return e, nil
	case pg_query.A_Expr_Kind_AEXPR_BETWEEN, pg_query.A_Expr_Kind_AEXPR_NOT_BETWEEN:
		l, err := b.expr(a.Lexpr)
		if err != nil {
			return nil, err
		}
		bounds := a.Rexpr.GetList().Items
		lo, err := b.binaryOp(">=", l, nil, bounds[0], a.Location)
		if err != nil {
			return nil, err
		}
		hi, err := b.binaryOp("<=", l, nil, bounds[1], a.Location)
		if err != nil {
			return nil, err
		}
		var e Expr = &boolExpr{op: "and", args: []Expr{lo, hi}}
		if a.Kind == pg_query.A_Expr_Kind_AEXPR_NOT_BETWEEN {
			e = &boolExpr{op: "not", args: []Expr{e}}
		}
		return e, nil
	case pg_query.A_Expr_Kind_AEXPR_LIKE, pg_query.A_Expr_Kind_AEXPR_ILIKE:
		return b.like(a, op)
	case pg_query.A_Expr_Kind_AEXPR_SIMILAR:
		// The pattern arrives wrapped in similar_to_escape(...).
		return b.regexOp(op, a.Lexpr, a.Rexpr, a.Location)
	}
	return nil, b.errorf(a.Location, pgerr.FeatureNotSupported, "operator kind %s is not supported yet", a.Kind)
}

// rowExpansion rewrites a comparison of rows, (a, b) op (c, d), into the
// comparisons of their elements that PostgreSQL defines it as: = is true
// when every pair is equal, <> when any differs, and <, <=, >, >= compare
// left to right, deciding at the first pair that is not equal (NULL when
// that pair has a NULL). IS [NOT] DISTINCT FROM works pair by pair, and
// (a, b) [NOT] IN ((1, 2), ...) is a list of row comparisons. It reports
// false for anything else; a nil expansion means rows of different
// lengths, and a itself an operator rows do not have.
func rowExpansion(a *pg_query.A_Expr, op string) (*pg_query.Node, bool) {
	row := func(n *pg_query.Node) []*pg_query.Node {
		if r := n.GetRowExpr(); r != nil {
			return r.Args
		}
		return nil
	}
	if a.Lexpr.GetRowExpr() == nil {
		return nil, false
	}
	l := row(a.Lexpr)
	cmp := func(op string, l, r []*pg_query.Node) *pg_query.Node {
		if len(l) != len(r) || len(l) == 0 {
			return nil
		}
		pair := func(op string, i int) *pg_query.Node {
			return pg_query.MakeAExprNode(pg_query.A_Expr_Kind_AEXPR_OP, []*pg_query.Node{pg_query.MakeStrNode(op)}, l[i], r[i], a.Location)
		}
		join := func(kind pg_query.BoolExprType, parts []*pg_query.Node) *pg_query.Node {
			if len(parts) == 1 {
				return parts[0]
			}
			return pg_query.MakeBoolExprNode(kind, parts, a.Location)
		}
		var parts []*pg_query.Node
		switch op {
		case "=", "<>":
			for i := range l {
				parts = append(parts, pair(op, i))
			}
			if op == "=" {
				return join(pg_query.BoolExprType_AND_EXPR, parts)
			}
			return join(pg_query.BoolExprType_OR_EXPR, parts)
		case "<", "<=", ">", ">=":
			e := pair(op, len(l)-1)
			for i := len(l) - 2; i >= 0; i-- {
				e = join(pg_query.BoolExprType_OR_EXPR, []*pg_query.Node{pair(op[:1], i),
					join(pg_query.BoolExprType_AND_EXPR, []*pg_query.Node{pair("=", i), e})})
			}
			return e
		}
		return &pg_query.Node{Node: &pg_query.Node_AExpr{AExpr: a}}
	}
	switch a.Kind {
	case pg_query.A_Expr_Kind_AEXPR_OP:
		if a.Rexpr.GetRowExpr() == nil {
			return nil, false
		}
		return cmp(op, l, row(a.Rexpr)), true
	case pg_query.A_Expr_Kind_AEXPR_DISTINCT, pg_query.A_Expr_Kind_AEXPR_NOT_DISTINCT:
		r := row(a.Rexpr)
		if a.Rexpr.GetRowExpr() == nil {
			return nil, false
		}
		if len(l) != len(r) || len(l) == 0 {
			return nil, true
		}
		var parts []*pg_query.Node
		for i := range l {
			parts = append(parts, pg_query.MakeAExprNode(a.Kind, a.Name, l[i], r[i], a.Location))
		}
		kind := pg_query.BoolExprType_OR_EXPR
		if a.Kind == pg_query.A_Expr_Kind_AEXPR_NOT_DISTINCT {
			kind = pg_query.BoolExprType_AND_EXPR
		}
		if len(parts) == 1 {
			return parts[0], true
		}
		return pg_query.MakeBoolExprNode(kind, parts, a.Location), true
	case pg_query.A_Expr_Kind_AEXPR_IN:
		list := a.Rexpr.GetList()
		if list == nil {
			return nil, false
		}
		var parts []*pg_query.Node
		for _, item := range list.Items {
			e := cmp(op, l, row(item))
			if e == nil {
				return nil, true
			}
			parts = append(parts, e)
		}
		kind := pg_query.BoolExprType_OR_EXPR
		if op == "<>" {
			kind = pg_query.BoolExprType_AND_EXPR // NOT IN
		}
		if len(parts) == 1 {
			return parts[0], true
		}
		return pg_query.MakeBoolExprNode(kind, parts, a.Location), true
	}
	return nil, false
}

func (b *binder) unaryOp(op string, arg *pg_query.Node, loc int32) (Expr, error) {
	// Prefix operators that are functions: @ is abs for every number
	// type; |/ and ||/ are the square and cube roots of double precision.
	switch op {
	case "@":
		return b.expr(pg_query.MakeFuncCallNode([]*pg_query.Node{pg_query.MakeStrNode("abs")}, []*pg_query.Node{arg}, loc))
	case "|/", "||/":
		x, err := b.expr(arg)
		if err != nil {
			return nil, err
		}
		f, err := b.coerce(x, types.Float8, loc)
		if err != nil {
			return nil, b.errorf(loc, pgerr.UndefinedFunction, "operator does not exist: %s %s", op, x.Type()).
				WithHint("No operator matches the given name and argument type. You might need to add an explicit type cast.")
		}
		fn := map[string]string{"|/": "sqrt", "||/": "cbrt"}[op]
		return builtins[fn](b, []Expr{f}, loc)
	}
	e, err := b.expr(arg)
	if err != nil {
		return nil, err
	}
	if e.Type().Oid == types.OidUnknown {
		if e, err = b.coerce(e, types.Numeric, loc); err != nil {
			return nil, err
		}
	}
	t := types.T{Oid: e.Type().Oid, Typmod: -1} // operators drop typmods
	switch op {
	case "+":
		if t.IsNumericKind() || t.Oid == types.OidInterval {
			if e.Type().Typmod >= 0 {
				return &castExpr{arg: e, typ: t}, nil
			}
			return e, nil
		}
	case "~":
		if t.Family() == types.IntFamily {
			return &funcExpr{name: "~", args: []Expr{e}, typ: t, strict: true, fn: func(_ *evalCtx, v []types.Datum) (types.Datum, error) {
				return ^v[0].(int64), nil
			}}, nil
		}
	case "-":
		switch t.Family() {
		case types.IntFamily:
			return &funcExpr{name: "-", args: []Expr{e}, typ: t, strict: true, fn: func(_ *evalCtx, v []types.Datum) (types.Datum, error) {
				return checkInt(t, -v[0].(int64), v[0].(int64) == math.MinInt64)
			}}, nil
		case types.FloatFamily:
			return &funcExpr{name: "-", args: []Expr{e}, typ: t, strict: true, fn: func(_ *evalCtx, v []types.Datum) (types.Datum, error) {
				return -v[0].(float64), nil
			}}, nil
		case types.NumericFamily:
			return &funcExpr{name: "-", args: []Expr{e}, typ: t, strict: true, fn: func(_ *evalCtx, v []types.Datum) (types.Datum, error) {
				return new(apd.Decimal).Neg(v[0].(*apd.Decimal)), nil
			}}, nil
		case types.IntervalFamily:
			return &funcExpr{name: "-", args: []Expr{e}, typ: t, strict: true, fn: func(_ *evalCtx, v []types.Datum) (types.Datum, error) {
				neg, ok := v[0].(types.DInterval).Negate()
				if !ok {
					return nil, intervalOutOfRange()
				}
				return neg, nil
			}}, nil
		}
	}
	return nil, b.errorf(loc, pgerr.UndefinedFunction, "operator does not exist: %s %s", op, t).
		WithHint("No operator matches the given name and argument type. You might need to add an explicit type cast.")
}

// unify gives two operands a common type: an untyped side takes the other
// side's type; two typed sides meet at their common type.
func (b *binder) unify(l, r Expr, loc int32) (Expr, Expr, error) {
	lt, rt := l.Type(), r.Type()
	switch {
	case lt.Oid == types.OidUnknown && rt.Oid == types.OidUnknown:
		l, r = b.defaultUnknown(l), b.defaultUnknown(r)
		return l, r, nil
	case lt.Oid == types.OidUnknown:
		l, err := b.cast(l, types.T{Oid: rt.Oid, Typmod: -1}, loc, true)
		return l, r, err
	case rt.Oid == types.OidUnknown:
		r, err := b.cast(r, types.T{Oid: lt.Oid, Typmod: -1}, loc, true)
		return l, r, err
	}
	ct, ok := commonType(lt, rt)
	if !ok {
		return nil, nil, nil
	}
	if lt.Family() == types.StringFamily && rt.Family() == types.StringFamily && lt.Oid != rt.Oid {
		ct = stringOperandType(lt, rt)
	}
	if ct.Oid == types.OidFloat4 && lt.Oid != rt.Oid {
		// real with an integer or numeric: PostgreSQL's operators resolve
		// to the mixed real/double ones (float48eq, float84pl), double
		// precision being the preferred type, so both sides convert to
		// double precision, neither to real: 1::real = 1.0000000001 is
		// false, and 0.1::real + 123.456 keeps the numeric's digits.
		ct = types.Float8
	}
	var err error
	if l, err = b.cast(l, ct, loc, false); err != nil {
		return nil, nil, err
	}
	if r, err = b.cast(r, ct, loc, false); err != nil {
		return nil, nil, err
	}
	return l, r, nil
}

// inListType converts x of x IN (items) to the type PostgreSQL compares
// the list at where that differs from the operator's: the common type of
// x and the items other than column references, as UNION resolves it,
// which for real and numeric constants is real (r IN (0.1) is
// r = 0.1::real, where r = 0.1 compares in double precision). The items
// are converted by the comparisons.
func (b *binder) inListType(x Expr, items []Expr, loc int32) (Expr, error) {
	if x.Type().Oid != types.OidFloat4 {
		return x, nil
	}
	for _, it := range items {
		if _, ok := it.(*colRef); ok {
			continue
		}
		t := it.Type()
		if t.Oid == types.OidUnknown {
			continue
		}
		if ct, ok := commonType(x.Type(), t); !ok || ct.Oid != types.OidFloat4 {
			return x, nil
		}
	}
	for i, it := range items {
		if _, ok := it.(*colRef); !ok && it.Type().Oid != types.OidUnknown {
			c, err := b.cast(it, types.Float4, loc, false)
			if err != nil {
				return nil, err
			}
			items[i] = c
		}
	}
	return x, nil
}

// stringOperandType is the type an operator compares two different string
// types as, as PostgreSQL resolves it: text if either is text (the
// preferred type: char(n) = text compares as text, trailing spaces cast
// away on the char side), else char(n) if either is (varchar = char(n)
// compares as char(n), ignoring trailing spaces on both), else the first.
func stringOperandType(a, b types.T) types.T {
	switch {
	case a.Oid == types.OidText || b.Oid == types.OidText:
		return types.Text
	case a.Oid == types.OidBpchar || b.Oid == types.OidBpchar:
		return types.T{Oid: types.OidBpchar, Typmod: -1}
	}
	return types.T{Oid: a.Oid, Typmod: -1}
}

// binaryOp binds "l op r"; l may be given already bound.
func (b *binder) binaryOp(op string, l Expr, ln, rn *pg_query.Node, loc int32) (Expr, error) {
	var err error
	if l == nil {
		if l, err = b.expr(ln); err != nil {
			return nil, err
		}
	}
	r, err := b.expr(rn)
	if err != nil {
		return nil, err
	}
	return b.binaryOpExprs(op, l, r, loc)
}

// binaryOpExprs binds "l op r" over bound operands.
func (b *binder) binaryOpExprs(op string, l, r Expr, loc int32) (Expr, error) {
	var err error
	if op != "||" {
		if e, ok, err := b.dateTimeOp(op, l, r, loc); ok || err != nil {
			return e, err
		}
	}
	if op == "||" && (l.Type().Family() == types.ArrayFamily || r.Type().Family() == types.ArrayFamily) {
		return b.arrayConcat(l, r, loc)
	}
	if op == "||" {
		l, r = b.defaultUnknown(l), b.defaultUnknown(r)
		if l.Type().Family() != types.StringFamily && r.Type().Family() != types.StringFamily {
			return nil, b.noOperator(op, l, r, loc)
		}
		lt, rt := l.Type(), r.Type()
		return &funcExpr{name: "||", args: []Expr{l, r}, typ: types.Text, strict: true, fn: func(e *evalCtx, v []types.Datum) (types.Datum, error) {
			return textOf(e, lt, v[0]) + textOf(e, rt, v[1]), nil
		}}, nil
	}
	lt0, rt0 := l.Type(), r.Type()
	if op == "^" && (lt0.Oid == types.OidUnknown) != (rt0.Oid == types.OidUnknown) {
		// No integer ^ exists: beside an integer or float, an untyped
		// literal resolves to double precision, PostgreSQL's preferred
		// numeric type ('2.5' ^ 2 is 6.25).
		known := lt0
		if known.Oid == types.OidUnknown {
			known = rt0
		}
		if f := known.Family(); f == types.IntFamily || f == types.FloatFamily {
			var err error
			if l, err = b.coerce(l, types.Float8, loc); err != nil {
				return nil, err
			}
			if r, err = b.coerce(r, types.Float8, loc); err != nil {
				return nil, err
			}
			lt0, rt0 = types.Float8, types.Float8
		}
	}
	if lt0.Oid == types.OidUnknown && rt0.Oid == types.OidUnknown && isArith(op) {
		return nil, b.errorf(loc, pgerr.AmbiguousFunction, "operator is not unique: unknown %s unknown", op).
			WithHint("Could not choose a best candidate operator. You might need to add explicit type casts.")
	}
	if (op == "<<" || op == ">>") && lt0.Family() == types.IntFamily && (rt0.Family() == types.IntFamily || rt0.Oid == types.OidUnknown) {
		// int2/int4/int8 shifted by an int4 count keeps its own type.
		if rt0.Oid != types.OidInt4 && rt0.Oid != types.OidInt2 && rt0.Oid != types.OidUnknown {
			return nil, b.noOperator(op, l, r, loc)
		}
		cnt, err := b.coerce(r, types.Int4, loc)
		if err != nil {
			return nil, err
		}
		t := types.T{Oid: lt0.Oid, Typmod: -1}
		fn, _, _ := intArith(op, t)
		return &funcExpr{name: op, args: []Expr{l, cnt}, typ: t, strict: true, fn: fn}, nil
	}
	ul, ur, err := b.unify(l, r, loc)
	if err != nil {
		return nil, err
	}
	if ul == nil {
		return nil, b.noOperator(op, l, r, loc)
	}
	t := ul.Type()
	if isComparison(op) {
		cmp, ok := compareFunc(t)
		if !ok {
			return nil, b.noOperator(op, l, r, loc)
		}
		test := comparisonTest(op)
		return &funcExpr{name: op, args: []Expr{ul, ur}, typ: types.Bool, strict: true, fn: func(_ *evalCtx, v []types.Datum) (types.Datum, error) {
			return test(cmp(v[0], v[1])), nil
		}}, nil
	}
	fn, rt, ok := arithFunc(op, t)
	if !ok {
		return nil, b.noOperator(op, l, r, loc)
	}
	return &funcExpr{name: op, args: []Expr{ul, ur}, typ: rt, strict: true, fn: fn}, nil
}

func (b *binder) noOperator(op string, l, r Expr, loc int32) error {
	return b.errorf(loc, pgerr.UndefinedFunction, "operator does not exist: %s %s %s", l.Type(), op, r.Type()).
		WithHint("No operator matches the given name and argument types. You might need to add explicit type casts.")
}

func isArith(op string) bool {
	switch op {
	case "+", "-", "*", "/", "%", "^":
		return true
	}
	return false
}

func isComparison(op string) bool {
	switch op {
	case "=", "<>", "!=", "<", ">", "<=", ">=":
		return true
	}
	return false
}

func comparisonTest(op string) func(int) bool {
	switch op {
	case "=":
		return func(c int) bool { return c == 0 }
	case "<>", "!=":
		return func(c int) bool { return c != 0 }
	case "<":
		return func(c int) bool { return c < 0 }
	case ">":
		return func(c int) bool { return c > 0 }
	case "<=":
		return func(c int) bool { return c <= 0 }
	}
	return func(c int) bool { return c >= 0 }
}

// numericRank orders the number types for promotion.
func numericRank(t types.T) int {
	switch t.Oid {
	case types.OidInt2:
		return 1
	case types.OidInt4, types.OidOid:
		return 2
	case types.OidInt8:
		return 3
	case types.OidNumeric:
		return 4
	case types.OidFloat4:
		return 5
	case types.OidFloat8:
		return 6
	}
	return 0
}

// commonType is the type two values meet at, if any.
func commonType(a, b types.T) (types.T, bool) {
	if a.Oid == b.Oid {
		if a.Typmod == b.Typmod {
			return a, true
		}
		return types.T{Oid: a.Oid, Typmod: -1}, true
	}
	if isOidLike(a) && isOidLike(b) {
		return types.OidT, true
	}
	// Integers convert to oid implicitly, not back: they meet at oid,
	// whichever comes first.
	if isOidLike(a) && b.Family() == types.IntFamily {
		return a, true
	}
	if isOidLike(b) && a.Family() == types.IntFamily {
		return b, true
	}
	ra, rb := numericRank(a), numericRank(b)
	if ra > 0 && rb > 0 {
		if ra < rb {
			a = b
		}
		return types.T{Oid: a.Oid, Typmod: -1}, true
	}
	fa, fb := a.Family(), b.Family()
	if fa == types.StringFamily && fb == types.StringFamily {
		// PostgreSQL keeps the first string type: text, varchar and char
		// convert implicitly both ways, so none is preferred over it.
		return types.T{Oid: a.Oid, Typmod: -1}, true
	}
	if (fa == types.DateFamily || fa == types.TimestampFamily) && (fb == types.DateFamily || fb == types.TimestampFamily) {
		if a.Oid == types.OidTimestampTZ || b.Oid == types.OidTimestampTZ {
			return types.TimestampTZ, true
		}
		return types.Timestamp, true
	}
	return types.T{}, false
}

// canCast reports whether a value of type from converts to to, implicitly
// (explicit false) or with CAST.
func canCast(from, to types.T, explicit bool) bool {
	if from.Oid == to.Oid || from.Oid == types.OidUnknown {
		return true
	}
	ff, tf := from.Family(), to.Family()
	// oid and its reg* aliases convert to each other implicitly, and the
	// integers convert to them implicitly (int4 = oid compares as oids).
	if isOidLike(to) && ff == types.IntFamily {
		return true
	}
	if isOidLike(from) && tf == types.IntFamily {
		return explicit || to.Oid == types.OidInt8
	}
	if ff == types.ArrayFamily && tf == types.ArrayFamily {
		fe, _ := from.Elem()
		te, _ := to.Elem()
		return fe.Oid == te.Oid || canCast(fe, te, explicit)
	}
	if tf == types.StringFamily {
		return explicit || ff == types.StringFamily
	}
	if ff == types.StringFamily {
		return explicit
	}
	switch {
	case from.IsNumericKind() && to.IsNumericKind():
		return explicit || numericRank(from) < numericRank(to)
	case ff == types.DateFamily && tf == types.TimestampFamily:
		return true
	case ff == types.TimestampFamily && tf == types.TimestampFamily:
		return explicit || to.Oid == types.OidTimestampTZ
	case ff == types.TimestampFamily && tf == types.DateFamily:
		return explicit
	case ff == types.TimestampFamily && tf == types.TimeFamily:
		return explicit
	case ff == types.TimeFamily && tf == types.IntervalFamily:
		return true
	case ff == types.IntervalFamily && tf == types.TimeFamily:
		return explicit
	case ff == types.TimeFamily && tf == types.TimeFamily:
		return true
	case ff == types.BoolFamily && to.Oid == types.OidInt4, from.Oid == types.OidInt4 && tf == types.BoolFamily:
		return explicit
	}
	return false
}

// isOidLike reports whether t is oid or one of its reg* aliases, which
// convert to each other implicitly.
func isOidLike(t types.T) bool { return t.Oid == types.OidOid || t.IsReg() }

// compareFunc returns a three-way comparison for values of t.
func compareFunc(t types.T) (func(a, b types.Datum) int, bool) { return types.CompareFunc(t) }

func (b *binder) like(a *pg_query.A_Expr, op string) (Expr, error) {
	return b.likeOp(a.Lexpr, a.Rexpr, a.Kind == pg_query.A_Expr_Kind_AEXPR_ILIKE, strings.HasPrefix(op, "!"), op, a.Location)
}

// likeOp binds [NOT] LIKE / ILIKE (also spelled ~~, ~~*, !~~, !~~*), with
// an optional ESCAPE (the parser turns it into like_escape(pattern, esc)).
func (b *binder) likeOp(ln, rn *pg_query.Node, fold, negate bool, op string, loc int32) (Expr, error) {
	l, err := b.expr(ln)
	if err != nil {
		return nil, err
	}
	var escape Expr
	if fc := rn.GetFuncCall(); fc != nil && strings.EqualFold(opName(fc.Funcname), "like_escape") && len(fc.Args) == 2 {
		rn = fc.Args[0]
		if escape, err = b.expr(fc.Args[1]); err != nil {
			return nil, err
		}
		if escape, err = b.coerce(escape, types.Text, loc); err != nil {
			return nil, err
		}
	}
	r, err := b.expr(rn)
	if err != nil {
		return nil, err
	}
	if f := l.Type().Family(); f != types.StringFamily && l.Type().Oid != types.OidUnknown && l.Type().Oid != types.OidBytea {
		name := "~~"
		if fold {
			name = "~~*"
		}
		if negate {
			name = "!" + name
		}
		return nil, b.noOperator(name, l, r, loc)
	}
	// char(n) matches with its padding (PostgreSQL's bpcharlike):
	// 'ab'::char(4) LIKE 'ab' is false. Converting it to text would trim it.
	if l.Type().Oid != types.OidBpchar {
		if l, err = b.coerce(l, types.Text, loc); err != nil {
			return nil, err
		}
	}
	if r, err = b.coerce(r, types.Text, loc); err != nil {
		return nil, err
	}
	args := []Expr{l, r}
	if escape != nil {
		args = append(args, escape)
	}
	return &funcExpr{name: op, args: args, typ: types.Bool, strict: true, fn: func(_ *evalCtx, v []types.Datum) (types.Datum, error) {
		s, p := v[0].(string), v[1].(string)
		if fold {
			s, p = strings.ToLower(s), strings.ToLower(p)
		}
		esc := '\\'
		if len(v) == 3 {
			e := []rune(v[2].(string))
			switch len(e) {
			case 0:
				esc = -1
			case 1:
				esc = e[0]
			default:
				return nil, pgerr.New(pgerr.InvalidEscapeSequence, "invalid escape string").WithHint("Escape string must be empty or one character.")
			}
		}
		m, err := likeMatch(s, p, esc)
		if err != nil {
			return nil, err
		}
		return m != negate, nil
	}}, nil
}

// likeMatch matches s against a LIKE pattern: % any run, _ any one
// character, esc (or -1 for none) makes the next character literal. It
// backtracks only to the last %, so it runs in O(len(s) × len(p)).
func likeMatch(s, p string, esc rune) (bool, error) {
	type item struct {
		kind byte // 'l' literal, '_' one, '%' run
		r    rune
	}
	var items []item
	pr := []rune(p)
	for i := 0; i < len(pr); i++ {
		c := pr[i]
		switch {
		case c == esc:
			i++
			if i == len(pr) {
				return false, pgerr.New(pgerr.InvalidEscapeSequence, "LIKE pattern must not end with escape character")
			}
			items = append(items, item{'l', pr[i]})
		case c == '%':
			if len(items) == 0 || items[len(items)-1].kind != '%' {
				items = append(items, item{kind: '%'})
			}
		case c == '_':
			items = append(items, item{kind: '_'})
		default:
			items = append(items, item{'l', c})
		}
	}
	sr := []rune(s)
	si, pi, starP, starS := 0, 0, -1, 0
	for si < len(sr) {
		switch {
		case pi < len(items) && (items[pi].kind == '_' || (items[pi].kind == 'l' && items[pi].r == sr[si])):
			si++
			pi++
		case pi < len(items) && items[pi].kind == '%':
			starP, starS = pi, si
			pi++
		case starP >= 0:
			starS++
			si, pi = starS, starP+1
		default:
			return false, nil
		}
	}
	for pi < len(items) && items[pi].kind == '%' {
		pi++
	}
	return pi == len(items), nil
}

// textOf renders a value as text for || and casts to text.
// outputText is v as its type's output function writes it, as format()
// and array_to_string() use it: a boolean is t or f, and character(n)
// keeps its padding (unlike textOf, the cast to text).
func outputText(e *evalCtx, t types.T, v types.Datum) string {
	opt := e.sess.Settings.FormatOptions()
	return string(types.AppendText(nil, t, v, &opt))
}

func textOf(e *evalCtx, t types.T, v types.Datum) string {
	if s, ok := v.(string); ok {
		if t.Oid == types.OidBpchar {
			return strings.TrimRight(s, " ")
		}
		return s
	}
	if bv, ok := v.(bool); ok {
		if bv {
			return "true"
		}
		return "false"
	}
	opt := e.sess.Settings.FormatOptions()
	return string(types.AppendText(nil, t, v, &opt))
}
