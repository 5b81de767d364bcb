package planner

import (
	"context"
	"math"
	"strconv"
	"strings"

	pg_query "github.com/pganalyze/pg_query_go/v6"

	"github.com/lattice-olap/lattice/pgerr"
	"github.com/lattice-olap/lattice/types"
)

// binder turns one statement's AST into typed expressions and a Statement.
type binder struct {
	sess   *Session
	text   string     // the whole query text, for error positions
	params []*types.T // $1..$n; Unknown until declared or inferred
	scope  *scope     // the FROM clause's columns; nil without FROM
	agg    *aggScope  // set above GROUP BY: group keys and aggregates
	ctes   map[string]*cteDef
	win    *winScope // window calls of the block being bound
	// outer is the enclosing query's binder, for a subquery in an
	// expression; correlated is set when the subquery refers to it.
	outer      *binder
	correlated bool
	keyRefs    []*outerRef     // the outer references made, for memoizing
	ctx        context.Context // the Prepare's context, for catalog lookups
	cube       *cubeBinding    // cube routing state of the statement (cube_route.go)
	viewDepth  int             // views being bound around this binder (views.go)
	// lateral is what a LATERAL item being planned in FROM may read: the
	// columns of the items to its left (lateral.go).
	lateral *scope
	// untyped marks the output columns of the SELECT bound here that are
	// literals of no type ('2', NULL), given text: a set operation gives
	// them the other branch's type, as PostgreSQL resolves them.
	untyped []bool
}

func newBinder(s *Session, text string, declared []types.Oid) *binder {
	b := &binder{sess: s, text: text, cube: &cubeBinding{}}
	for _, oid := range declared {
		t := types.Unknown
		if oid != 0 {
			if known, ok := types.FromOid(oid); ok {
				t = known
			}
		}
		tt := t
		b.params = append(b.params, &tt)
	}
	return b
}

func (b *binder) pos(loc int32) int32 { return charPos(b.text, int(loc)) }

func (b *binder) errorf(loc int32, code pgerr.Code, format string, args ...any) *pgerr.Error {
	return pgerr.New(code, format, args...).WithPosition(b.pos(loc))
}

// paramTypes returns the parameter types. Every use of a parameter gives
// it a type (text where any type would do, as in a bare SELECT $1); one
// still unknown here is not used at all, which PostgreSQL rejects.
func (b *binder) paramTypes() ([]types.T, error) {
	out := make([]types.T, len(b.params))
	for i, p := range b.params {
		if p.Oid == types.OidUnknown {
			return nil, pgerr.New(pgerr.IndeterminateDatatype, "could not determine data type of parameter $%d", i+1)
		}
		out[i] = *p
	}
	return out, nil
}

// expr binds an expression node.
func (b *binder) expr(n *pg_query.Node) (Expr, error) {
	if b.agg != nil && !b.agg.inArg {
		if e, ok, err := b.aggExpr(n); ok || err != nil {
			return e, err
		}
	}
	switch {
	case n.GetAConst() != nil:
		return b.constant(n.GetAConst())
	case n.GetParamRef() != nil:
		return b.param(n.GetParamRef())
	case n.GetTypeCast() != nil:
		tc := n.GetTypeCast()
		t, err := b.typeName(tc.TypeName)
		if err != nil {
			return nil, err
		}
		// $1::type declares the parameter's type, as in PostgreSQL.
		if pr := tc.Arg.GetParamRef(); pr != nil {
			arg, err := b.param(pr)
			if err != nil {
				return nil, err
			}
			if p := arg.(*paramExpr); p.typ.Oid == types.OidUnknown && t.IsReg() {
				// $1::regclass: the client sends a name, which only the
				// session can resolve, so the parameter is text.
				*p.typ = types.Text
				return &castExpr{arg: arg, typ: t}, nil
			} else if p.typ.Oid == types.OidUnknown {
				// The parameter takes the base type; a typmod (numeric(10,2),
				// varchar(5)) is applied as a cast, as PostgreSQL does, so
				// binary values are coerced too.
				*p.typ = types.T{Oid: t.Oid, Typmod: -1}
				if t.Typmod < 0 {
					return arg, nil
				}
			}
			return b.cast(arg, t, tc.Location, true)
		}
		var arg Expr
		if ae := tc.Arg.GetAArrayExpr(); ae != nil {
			// ARRAY[]::int[] and ARRAY['a']::name[] take the cast's element type.
			if elem, ok := t.Elem(); ok && !t.IsVector() {
				arg, err = b.arrayExpr(ae, &elem)
			}
		}
		if arg == nil && err == nil {
			arg, err = b.expr(tc.Arg)
		}
		if err != nil {
			return nil, err
		}
		return b.cast(arg, t, tc.Location, true)
	case n.GetAExpr() != nil:
		return b.aExpr(n.GetAExpr())
	case n.GetAArrayExpr() != nil:
		return b.arrayExpr(n.GetAArrayExpr(), nil)
	case n.GetAIndirection() != nil:
		return b.indirection(n.GetAIndirection())
	case n.GetBoolExpr() != nil:
		return b.boolExpr(n.GetBoolExpr())
	case n.GetFuncCall() != nil:
		return b.funcCall(n.GetFuncCall())
	case n.GetSqlvalueFunction() != nil:
		return b.sqlValueFunc(n.GetSqlvalueFunction())
	case n.GetNullTest() != nil:
		nt := n.GetNullTest()
		arg, err := b.expr(nt.Arg)
		if err != nil {
			return nil, err
		}
		b.defaultUnknown(arg)
		return &nullTest{arg: arg, not: nt.Nulltesttype == pg_query.NullTestType_IS_NOT_NULL}, nil
	case n.GetBooleanTest() != nil:
		bt := n.GetBooleanTest()
		arg, err := b.expr(bt.Arg)
		if err != nil {
			return nil, err
		}
		if arg, err = b.coerce(arg, types.Bool, bt.Location); err != nil {
			return nil, err
		}
		t := &boolTest{arg: arg}
		switch bt.Booltesttype {
		case pg_query.BoolTestType_IS_TRUE:
			t.want = true
		case pg_query.BoolTestType_IS_NOT_TRUE:
			t.want, t.not = true, true
		case pg_query.BoolTestType_IS_FALSE:
			t.want = false
		case pg_query.BoolTestType_IS_NOT_FALSE:
			t.want, t.not = false, true
		case pg_query.BoolTestType_IS_UNKNOWN:
			t.want = nil
		case pg_query.BoolTestType_IS_NOT_UNKNOWN:
			t.want, t.not = nil, true
		}
		return t, nil
	case n.GetCaseExpr() != nil:
		return b.caseExpr(n.GetCaseExpr())
	case n.GetCoalesceExpr() != nil:
		ce := n.GetCoalesceExpr()
		args, typ, err := b.commonArgs(ce.Args, "COALESCE", ce.Location, false)
		if err != nil {
			return nil, err
		}
		return &coalesceExpr{args: args, typ: typ}, nil
	case n.GetMinMaxExpr() != nil:
		return b.minMax(n.GetMinMaxExpr())
	case n.GetColumnRef() != nil:
		return b.columnRef(n.GetColumnRef())
	case n.GetCollateClause() != nil:
		// Lattice compares text by code point, which is the C collation;
		// COLLATE "C", "POSIX" and "default" change nothing.
		cc := n.GetCollateClause()
		var parts []string
		for _, p := range cc.Collname {
			parts = append(parts, p.GetString_().GetSval())
		}
		switch strings.ToLower(strings.Join(parts, ".")) {
		case "c", "posix", "default", "pg_catalog.c", "pg_catalog.posix", "pg_catalog.default", "ucs_basic":
		default:
			return nil, b.errorf(cc.Location, pgerr.UndefinedObject, "collation %q for encoding \"UTF8\" does not exist", strings.Join(parts, ".")).
				WithHint("Lattice compares text by code point: use COLLATE \"C\".")
		}
		return b.expr(cc.Arg)
	case n.GetGroupingFunc() != nil:
		return b.groupingFunc(n.GetGroupingFunc())
	case n.GetSubLink() != nil:
		return b.subLink(b.ctx, n.GetSubLink())
	}
	return nil, pgerr.New(pgerr.FeatureNotSupported, "expression %s is not supported yet", nodeName(n))
}

func nodeName(n *pg_query.Node) string {
	s := strings.TrimPrefix(strings.TrimPrefix(strings.Split(strings.TrimPrefix(n.String(), "node:{"), ":")[0], "Node_"), " ")
	if s == "" {
		return "of this kind"
	}
	return s
}

func columnRefName(cr *pg_query.ColumnRef) string {
	var parts []string
	for _, f := range cr.Fields {
		if s := f.GetString_(); s != nil {
			parts = append(parts, s.Sval)
		} else if f.GetAStar() != nil {
			parts = append(parts, "*")
		}
	}
	return strings.Join(parts, ".")
}

// constant types a literal as PostgreSQL does: integers are int4 (int8 or
// numeric when larger), decimals numeric, strings unknown until context
// decides, booleans bool.
func (b *binder) constant(c *pg_query.A_Const) (Expr, error) {
	if c.Isnull {
		return &constExpr{t: types.Unknown, v: nil}, nil
	}
	switch v := c.Val.(type) {
	case *pg_query.A_Const_Ival:
		return &constExpr{t: types.Int4, v: int64(v.Ival.Ival)}, nil
	case *pg_query.A_Const_Fval:
		s := v.Fval.Fval
		if !strings.ContainsAny(s, ".eE") {
			if n, err := strconv.ParseInt(s, 10, 64); err == nil {
				// As make_const: int4 when it fits (-2147483648 arrives
				// here, folded by the grammar), else int8.
				if n >= math.MinInt32 && n <= math.MaxInt32 {
					return &constExpr{t: types.Int4, v: n}, nil
				}
				return &constExpr{t: types.Int8, v: n}, nil
			}
		}
		d, err := types.ParseNumeric(s)
		if err != nil {
			return nil, errAt(pgerr.From(err), b.pos(c.Location))
		}
		return &constExpr{t: types.Numeric, v: d}, nil
	case *pg_query.A_Const_Boolval:
		return &constExpr{t: types.Bool, v: v.Boolval.Boolval}, nil
	case *pg_query.A_Const_Sval:
		return &constExpr{t: types.Unknown, v: v.Sval.Sval, pos: b.pos(c.Location)}, nil
	case *pg_query.A_Const_Bsval:
		return nil, b.errorf(c.Location, pgerr.FeatureNotSupported, "bit string literals are not supported")
	}
	return nil, b.errorf(c.Location, pgerr.FeatureNotSupported, "unsupported constant")
}

func (b *binder) param(p *pg_query.ParamRef) (Expr, error) {
	n := int(p.Number)
	if n < 1 || n > 65535 {
		return nil, b.errorf(p.Location, pgerr.UndefinedParameter, "there is no parameter $%d", n)
	}
	for len(b.params) < n {
		t := types.Unknown
		b.params = append(b.params, &t)
	}
	return &paramExpr{idx: n - 1, typ: b.params[n-1]}, nil
}

// typeName resolves a TypeName node, typmods included.
func (b *binder) typeName(tn *pg_query.TypeName) (types.T, error) {
	var parts []string
	for _, n := range tn.Names {
		if s := n.GetString_(); s != nil {
			parts = append(parts, s.Sval)
		}
	}
	name := strings.Join(parts, ".")
	t, ok := types.Lookup(name)
	if !ok {
		return types.T{}, b.errorf(tn.Location, pgerr.UndefinedObject, "type %q does not exist", strings.TrimPrefix(name, "pg_catalog."))
	}
	if len(tn.ArrayBounds) > 0 {
		at, ok := types.ArrayOf(types.T{Oid: t.Oid, Typmod: -1})
		if !ok {
			return types.T{}, b.errorf(tn.Location, pgerr.UndefinedObject, "type \"%s[]\" does not exist", strings.TrimPrefix(name, "pg_catalog."))
		}
		return at, nil
	}
	var mods []int32
	for _, m := range tn.Typmods {
		c := m.GetAConst()
		if c == nil || c.GetIval() == nil {
			return types.T{}, b.errorf(tn.Location, pgerr.SyntaxError, "type modifiers must be simple constants or identifiers")
		}
		mods = append(mods, c.GetIval().Ival)
	}
	switch t.Oid {
	case types.OidNumeric:
		if len(mods) > 2 {
			return types.T{}, b.errorf(tn.Location, pgerr.InvalidParameterValue, "invalid NUMERIC type modifier")
		}
		if len(mods) >= 1 {
			p, s := mods[0], int32(0)
			if len(mods) == 2 {
				s = mods[1]
			}
			if p < 1 || p > 1000 {
				return types.T{}, b.errorf(tn.Location, pgerr.InvalidParameterValue, "NUMERIC precision %d must be between 1 and 1000", p)
			}
			if s < 0 || s > p {
				return types.T{}, b.errorf(tn.Location, pgerr.InvalidParameterValue, "NUMERIC scale %d must be between 0 and precision %d", s, p)
			}
			t = types.NumericOf(p, s)
		}
	case types.OidVarchar, types.OidBpchar:
		if len(mods) == 1 {
			if mods[0] < 1 {
				return types.T{}, b.errorf(tn.Location, pgerr.InvalidParameterValue, "length for type %s must be at least 1", t.Name())
			}
			t = types.T{Oid: t.Oid, Typmod: mods[0] + 4}
		}
	case types.OidTimestamp, types.OidTimestampTZ:
		if len(mods) > 1 {
			return types.T{}, b.errorf(tn.Location, pgerr.InvalidParameterValue, "invalid type modifier")
		}
		if len(mods) == 1 {
			p := mods[0]
			if p < 0 {
				return types.T{}, b.errorf(tn.Location, pgerr.InvalidParameterValue, "TIMESTAMP(%d)%s precision must not be negative", p, tzSuffix(t))
			}
			if p > 6 {
				b.sess.notice(pgerr.New(pgerr.InvalidParameterValue, "TIMESTAMP(%d)%s precision reduced to maximum allowed, 6", p, tzSuffix(t)).
					WithPosition(b.pos(tn.Location)), pgerr.SeverityWarning)
				p = 6
			}
			t = types.T{Oid: t.Oid, Typmod: p}
		}
	case types.OidTime:
		if len(mods) > 1 {
			return types.T{}, b.errorf(tn.Location, pgerr.InvalidParameterValue, "invalid type modifier")
		}
		if len(mods) == 1 {
			p := mods[0]
			if p < 0 {
				return types.T{}, b.errorf(tn.Location, pgerr.InvalidParameterValue, "TIME(%d) precision must not be negative", p)
			}
			if p > 6 {
				b.sess.notice(pgerr.New(pgerr.InvalidParameterValue, "TIME(%d) precision reduced to maximum allowed, 6", p).
					WithPosition(b.pos(tn.Location)), pgerr.SeverityWarning)
				p = 6
			}
			t = types.T{Oid: t.Oid, Typmod: p}
		}
	default:
		if len(mods) > 0 && t.Oid != types.OidInterval {
			return types.T{}, b.errorf(tn.Location, pgerr.SyntaxError, "type modifier is not allowed for type %q", t.Name())
		}
	}
	return t, nil
}

func tzSuffix(t types.T) string {
	if t.Oid == types.OidTimestampTZ {
		return " WITH TIME ZONE"
	}
	return ""
}

// cast converts e to t. explicit marks a CAST or ::, which allows every
// conversion castDatum knows; unknown literals are parsed at bind time.
func (b *binder) cast(e Expr, t types.T, loc int32, explicit bool) (Expr, error) {
	from := e.Type()
	if from == t {
		return e, nil
	}
	if c, ok := e.(*constExpr); ok && from.Oid == types.OidUnknown {
		if c.v == nil {
			return &constExpr{t: t, v: nil}, nil
		}
		// An input function's error points at the literal, as in PostgreSQL.
		pos := c.pos
		if pos == 0 {
			pos = b.pos(loc)
		}
		if t.IsReg() {
			v, err := regIn(b.sess, t, c.v.(string))
			if err != nil {
				return nil, errAt(pgerr.From(err), pos)
			}
			return &constExpr{t: t, v: v}, nil
		}
		target := t
		if explicit && t.Family() == types.StringFamily {
			// An explicit cast to varchar(n) or char(n) truncates.
			target = types.T{Oid: t.Oid, Typmod: -1}
		}
		v, err := types.ParseText(target, c.v.(string), b.sess.Settings.Location())
		if err == nil && target != t {
			v, err = castString(v.(string), t)
		}
		if err != nil {
			return nil, errAt(pgerr.From(err), pos)
		}
		return &constExpr{t: t, v: v}, nil
	}
	if p, ok := e.(*paramExpr); ok && from.Oid == types.OidUnknown {
		*p.typ = types.T{Oid: t.Oid, Typmod: -1}
		if t.Typmod < 0 {
			return p, nil
		}
		return &castExpr{arg: p, typ: t}, nil
	}
	if !canCast(from, t, explicit) {
		// PostgreSQL names the types without their modifiers here.
		bf, bt := types.T{Oid: from.Oid, Typmod: -1}, types.T{Oid: t.Oid, Typmod: -1}
		if explicit {
			return nil, b.errorf(loc, pgerr.CannotCoerce, "cannot cast type %s to %s", bf, bt)
		}
		return nil, b.errorf(loc, pgerr.DatatypeMismatch, "cannot convert type %s to %s", bf, bt)
	}
	if from.Oid == t.Oid && t.Typmod < 0 {
		return e, nil
	}
	// A cast of a typed value is a function call: like any immutable
	// expression over constants, Session.Plan folds it, and its errors
	// carry no position.
	return &castExpr{arg: e, typ: t}, nil
}

// coerce implicitly converts e to t (assignment of context types).
func (b *binder) coerce(e Expr, t types.T, loc int32) (Expr, error) {
	from := e.Type()
	if from.Oid == t.Oid {
		return e, nil
	}
	if from.Oid == types.OidUnknown {
		return b.cast(e, t, loc, true)
	}
	if !canCast(from, t, false) {
		return nil, b.errorf(loc, pgerr.DatatypeMismatch, "argument of type %s cannot be used where %s is expected", from, t).
			WithHint("You might need to add an explicit type cast.")
	}
	return b.cast(e, t, loc, false)
}

// defaultUnknown gives a still-untyped expression the type text.
func (b *binder) defaultUnknown(e Expr) Expr {
	if e.Type().Oid != types.OidUnknown {
		return e
	}
	switch v := e.(type) {
	case *paramExpr:
		*v.typ = types.Text
		return v
	case *constExpr:
		return &constExpr{t: types.Text, v: v.v}
	}
	return e
}

func (b *binder) boolExpr(be *pg_query.BoolExpr) (Expr, error) {
	out := &boolExpr{}
	switch be.Boolop {
	case pg_query.BoolExprType_AND_EXPR:
		out.op = "and"
	case pg_query.BoolExprType_OR_EXPR:
		out.op = "or"
	default:
		out.op = "not"
	}
	for _, a := range be.Args {
		e, err := b.expr(a)
		if err != nil {
			return nil, err
		}
		if e, err = b.coerce(e, types.Bool, be.Location); err != nil {
			name := strings.ToUpper(out.op)
			return nil, b.errorf(be.Location, pgerr.DatatypeMismatch, "argument of %s must be type boolean, not type %s", name, e0(e, a, b).String())
		}
		out.args = append(out.args, e)
	}
	return out, nil
}

// e0 re-binds a node to report its type in an error message.
func e0(e Expr, n *pg_query.Node, b *binder) types.T {
	if e != nil {
		return e.Type()
	}
	if x, err := b.expr(n); err == nil {
		return x.Type()
	}
	return types.Unknown
}

func (b *binder) caseExpr(c *pg_query.CaseExpr) (Expr, error) {
	var arg Expr
	if c.Arg != nil {
		var err error
		if arg, err = b.expr(c.Arg); err != nil {
			return nil, err
		}
	}
	out := &caseExpr{}
	var results []*pg_query.Node
	for _, w := range c.Args {
		cw := w.GetCaseWhen()
		var cond Expr
		var err error
		if arg != nil {
			cond, err = b.binaryOp("=", arg, nil, cw.Expr, cw.Location)
		} else {
			cond, err = b.expr(cw.Expr)
			if err == nil {
				cond, err = b.coerce(cond, types.Bool, cw.Location)
			}
		}
		if err != nil {
			return nil, err
		}
		out.whens = append(out.whens, cond)
		results = append(results, cw.Result)
	}
	if c.Defresult != nil {
		results = append(results, c.Defresult)
	}
	// PostgreSQL resolves CASE's type with the ELSE result first.
	vals, typ, err := b.commonArgs(results, "CASE", c.Location, c.Defresult != nil)
	if err != nil {
		return nil, err
	}
	out.typ = typ
	out.thens = vals[:len(c.Args)]
	if c.Defresult != nil {
		out.els = vals[len(c.Args)]
	}
	return out, nil
}

// commonArgs binds a list of expressions and converts them to their common
// type, as CASE, COALESCE, GREATEST and UNION do; lastFirst takes the last
// one's type first (CASE's ELSE), which decides between types that convert
// to each other (varchar and char(n)).
func (b *binder) commonArgs(nodes []*pg_query.Node, what string, loc int32, lastFirst bool) ([]Expr, types.T, error) {
	args := make([]Expr, len(nodes))
	for i, n := range nodes {
		e, err := b.expr(n)
		if err != nil {
			return nil, types.Unknown, err
		}
		args[i] = e
	}
	order := args
	if lastFirst && len(args) > 1 {
		order = append([]Expr{args[len(args)-1]}, args[:len(args)-1]...)
	}
	typ := types.Unknown
	for _, e := range order {
		t := e.Type()
		if t.Oid == types.OidUnknown {
			continue
		}
		if typ.Oid == types.OidUnknown {
			typ = t
			continue
		}
		ct, ok := commonType(typ, t)
		if !ok {
			return nil, typ, b.errorf(loc, pgerr.DatatypeMismatch, "%s types %s and %s cannot be matched", what, typ, t)
		}
		typ = ct
	}
	if typ.Oid == types.OidUnknown {
		typ = types.Text
	}
	// The result keeps a typmod only when every input has the same one
	// (select_common_typmod); an untyped literal has none.
	mod := int32(-1)
	for i, e := range args {
		t := e.Type()
		if t.Oid != typ.Oid || (i > 0 && t.Typmod != mod) {
			mod = -1
			break
		}
		mod = t.Typmod
	}
	typ = types.T{Oid: typ.Oid, Typmod: -1}
	for i, e := range args {
		var err error
		if args[i], err = b.coerce(e, typ, loc); err != nil {
			return nil, typ, err
		}
	}
	typ.Typmod = mod
	return args, typ, nil
}

func (b *binder) minMax(m *pg_query.MinMaxExpr) (Expr, error) {
	name := "GREATEST"
	if m.Op == pg_query.MinMaxOp_IS_LEAST {
		name = "LEAST"
	}
	args, typ, err := b.commonArgs(m.Args, name, m.Location, false)
	if err != nil {
		return nil, err
	}
	cmp, ok := compareFunc(typ)
	if !ok {
		return nil, b.errorf(m.Location, pgerr.UndefinedFunction, "could not identify a comparison function for type %s", typ)
	}
	greatest := name == "GREATEST"
	return &funcExpr{name: strings.ToLower(name), args: args, typ: typ, fn: func(e *evalCtx, vals []types.Datum) (types.Datum, error) {
		var best types.Datum
		for _, v := range vals {
			if v == nil {
				continue
			}
			if best == nil {
				best = v
				continue
			}
			if c := cmp(v, best); (greatest && c > 0) || (!greatest && c < 0) {
				best = v
			}
		}
		return best, nil
	}}, nil
}
