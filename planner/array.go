package planner

import (
	"math"
	"strings"

	pg_query "github.com/pganalyze/pg_query_go/v6"

	"github.com/lattice-olap/lattice/pgerr"
	"github.com/lattice-olap/lattice/types"
)

// Arrays are one-dimensional, as the catalogs and the tools' queries use
// them. An array value is held as its canonical text form (see
// types.ParseArray), so these functions parse it into elements, work on
// them, and format the result back.

// arrayElems splits an array value of type t into its elements.
func arrayElems(e *evalCtx, t types.T, v types.Datum) ([]types.Datum, error) {
	return types.ParseArray(t, v.(string), e.sess.Settings.Location())
}

// makeArray formats elements as a value of array type t.
func makeArray(t types.T, vals []types.Datum) types.Datum {
	return types.FormatArray(t, vals, nil)
}

// lowerBound is the first subscript: 0 for int2vector and oidvector.
func lowerBound(t types.T) int64 {
	if t.IsVector() {
		return 0
	}
	return 1
}

// arrayExpr binds ARRAY[...]; elem, when known from a cast around it,
// types an empty or untyped list.
func (b *binder) arrayExpr(a *pg_query.A_ArrayExpr, elem *types.T) (Expr, error) {
	var args []Expr
	var typ types.T
	if len(a.Elements) == 0 {
		if elem == nil {
			return nil, b.errorf(a.Location, pgerr.IndeterminateDatatype, "cannot determine type of empty array").
				WithHint("Explicitly cast to the desired type, for example ARRAY[]::integer[].")
		}
		typ = *elem
	} else {
		var err error
		if args, typ, err = b.commonArgs(a.Elements, "ARRAY", a.Location, false); err != nil {
			return nil, err
		}
		if elem != nil && args[0].Type().Oid == types.OidUnknown {
			typ = *elem
		}
	}
	typ = types.T{Oid: typ.Oid, Typmod: -1}
	at, ok := types.ArrayOf(typ)
	if !ok {
		return nil, b.errorf(a.Location, pgerr.UndefinedObject, "could not find array type for data type %s", typ)
	}
	for i, x := range args {
		var err error
		if args[i], err = b.coerce(x, typ, a.Location); err != nil {
			return nil, err
		}
	}
	return &funcExpr{name: "array", args: args, typ: at, fn: func(_ *evalCtx, v []types.Datum) (types.Datum, error) {
		return makeArray(at, append([]types.Datum(nil), v...)), nil
	}}, nil
}

// indirection binds arr[i], arr[lo:hi] and (rec).field.
func (b *binder) indirection(ind *pg_query.A_Indirection) (Expr, error) {
	arg, err := b.expr(ind.Arg)
	if err != nil {
		return nil, err
	}
	for _, n := range ind.Indirection {
		switch {
		case n.GetAIndices() != nil:
			if arg, err = b.subscript(arg, n.GetAIndices()); err != nil {
				return nil, err
			}
		case n.GetString_() != nil:
			if arg, err = b.fieldSelect(arg, n.GetString_().Sval); err != nil {
				return nil, err
			}
		default:
			return nil, pgerr.New(pgerr.FeatureNotSupported, "this kind of indirection is not supported")
		}
	}
	return arg, nil
}

func (b *binder) subscript(arg Expr, ix *pg_query.A_Indices) (Expr, error) {
	at := arg.Type()
	if at.Oid == types.OidUnknown {
		return nil, pgerr.New(pgerr.IndeterminateDatatype, "cannot subscript a value of unknown type").
			WithHint("Cast it to an array type, for example '{1,2}'::int[].")
	}
	elem, ok := at.Elem()
	if !ok {
		return nil, pgerr.New(pgerr.DatatypeMismatch, "cannot subscript type %s because it does not support subscripting", at)
	}
	bound := func(n *pg_query.Node) (Expr, error) {
		if n == nil {
			return nil, nil
		}
		x, err := b.expr(n)
		if err != nil {
			return nil, err
		}
		return b.coerceAssign(x, types.Int4, 0)
	}
	lo, err := bound(ix.Lidx)
	if err != nil {
		return nil, err
	}
	hi, err := bound(ix.Uidx)
	if err != nil {
		return nil, err
	}
	base := lowerBound(at)
	if !ix.IsSlice {
		return &funcExpr{name: "subscript", args: []Expr{arg, hi}, typ: elem, strict: true, fn: func(e *evalCtx, v []types.Datum) (types.Datum, error) {
			vals, err := arrayElems(e, at, v[0])
			if err != nil {
				return nil, err
			}
			i := v[1].(int64) - base
			if i < 0 || i >= int64(len(vals)) {
				return nil, nil
			}
			return vals[i], nil
		}}, nil
	}
	rt := at
	if at.IsVector() {
		rt, _ = types.ArrayOf(elem)
	}
	// An omitted bound ([:2], [2:]) is the array's own.
	if lo == nil {
		lo = &constExpr{t: types.Int4, v: base}
	}
	if hi == nil {
		hi = &constExpr{t: types.Int4, v: int64(math.MaxInt32)}
	}
	args := []Expr{arg, lo, hi}
	return &funcExpr{name: "slice", args: args, typ: rt, strict: true, fn: func(e *evalCtx, v []types.Datum) (types.Datum, error) {
		vals, err := arrayElems(e, at, v[0])
		if err != nil {
			return nil, err
		}
		from := max(0, v[1].(int64)-base)
		to := min(int64(len(vals))-1, v[2].(int64)-base)
		if from > to {
			return makeArray(rt, nil), nil
		}
		return makeArray(rt, vals[from:to+1]), nil
	}}, nil
}

// fieldSelect binds (rec).field for the record-returning functions the
// catalog queries use.
func (b *binder) fieldSelect(arg Expr, field string) (Expr, error) {
	r, ok := arg.(*recordExpr)
	if !ok && arg.Type().Oid == types.OidRecord {
		// A record that came through a subquery column, as pgjdbc's
		// getPrimaryKeys reads (i.keys).x from _pg_expandarray: records
		// of that shape are the only ones Lattice makes.
		r = &recordExpr{fields: []Column{{Name: "x", Type: types.Int4}, {Name: "n", Type: types.Int4}}, Expr: arg}
	} else if !ok {
		return nil, pgerr.New(pgerr.FeatureNotSupported, "field selection from type %s is not supported", arg.Type())
	}
	for i, f := range r.fields {
		if f.Name == field {
			return &funcExpr{name: field, args: []Expr{r}, typ: f.Type, fn: func(_ *evalCtx, v []types.Datum) (types.Datum, error) {
				if v[0] == nil {
					return nil, nil
				}
				return v[0].([]types.Datum)[i], nil
			}}, nil
		}
	}
	return nil, pgerr.New(pgerr.UndefinedColumn, "column %q not found in data type record", field)
}

// recordExpr is a function returning a composite value ([]types.Datum),
// read only through field selection.
type recordExpr struct {
	fields []Column
	Expr
}

// anyAll binds "x op ANY (array)" and "x op ALL (array)".
func (b *binder) anyAll(a *pg_query.A_Expr, all bool) (Expr, error) {
	op := opName(a.Name)
	l, err := b.expr(a.Lexpr)
	if err != nil {
		return nil, err
	}
	var r Expr
	if ae := a.Rexpr.GetAArrayExpr(); ae != nil {
		var hint *types.T
		if l.Type().Oid != types.OidUnknown {
			t := l.Type()
			hint = &t
		}
		r, err = b.arrayExpr(ae, hint)
	} else {
		r, err = b.expr(a.Rexpr)
	}
	if err != nil {
		return nil, err
	}
	if r.Type().Oid == types.OidUnknown {
		l = b.defaultUnknown(l)
		at, ok := types.ArrayOf(types.T{Oid: l.Type().Oid, Typmod: -1})
		if !ok {
			return nil, b.errorf(a.Location, pgerr.UndefinedObject, "could not find array type for data type %s", l.Type())
		}
		if r, err = b.cast(r, at, a.Location, true); err != nil {
			return nil, err
		}
	}
	at := r.Type()
	elem, ok := at.Elem()
	if !ok {
		return nil, b.errorf(a.Location, pgerr.WrongObjectType, "op ANY/ALL (array) requires array on right side")
	}
	// Bind "x op element" once, over a placeholder that each element fills.
	slot := &slotExpr{typ: elem}
	test, err := b.binaryOpExprs(op, l, slot, a.Location)
	if err != nil {
		return nil, err
	}
	return &anyAllExpr{l: l, arr: r, at: at, slot: slot, test: test, all: all}, nil
}

// slotExpr is a value set from outside before its parent is evaluated.
type slotExpr struct {
	typ types.T
}

func (s *slotExpr) Type() types.T { return s.typ }
func (s *slotExpr) Eval(e *evalCtx) (types.Datum, error) {
	return e.slot, nil
}

type anyAllExpr struct {
	l, arr Expr
	at     types.T
	slot   *slotExpr
	test   Expr
	all    bool
}

func (a *anyAllExpr) Type() types.T { return types.Bool }

func (a *anyAllExpr) Eval(e *evalCtx) (types.Datum, error) {
	av, err := a.arr.Eval(e)
	if err != nil || av == nil {
		return nil, err
	}
	vals, err := arrayElems(e, a.at, av)
	if err != nil {
		return nil, err
	}
	saved := e.slot
	defer func() { e.slot = saved }()
	sawNull := false
	for _, v := range vals {
		e.slot = v
		r, err := a.test.Eval(e)
		if err != nil {
			return nil, err
		}
		switch {
		case r == nil:
			sawNull = true
		case r.(bool) != a.all:
			return r, nil
		}
	}
	if sawNull {
		return nil, nil
	}
	return a.all, nil
}

// castArray converts each element of an array to another array's element
// type (text[] to name[], int2vector to int2[], ...).
func castArray(s *Session, v types.Datum, from, to types.T) (types.Datum, error) {
	fe, _ := from.Elem()
	te, _ := to.Elem()
	vals, err := types.ParseArray(from, v.(string), s.Settings.Location())
	if err != nil {
		return nil, err
	}
	for i, x := range vals {
		if vals[i], err = castDatum(s, x, fe, te); err != nil {
			return nil, err
		}
	}
	return makeArray(to, vals), nil
}

// registerArrayFuncs adds the array functions to builtins (called from
// funcs_catalog.go's init, which runs after funcs.go creates the map).
func registerArrayFuncs() {
	for name, fn := range map[string]builtin{
		"array_to_string": arrayToString,
		"array_length":    arrayDimFn("array_length", func(n int) int64 { return int64(n) }),
		"array_upper":     nil, // set below: depends on the lower bound
		"array_lower":     nil,
		"cardinality":     cardinality,
		"array_position":  arrayPosition,
		"string_to_array": stringToArray,
	} {
		if fn != nil {
			builtins[name] = fn
		}
	}
	for _, name := range []string{"unnest", "generate_subscripts", "generate_series", "_pg_expandarray"} {
		builtins[name] = selectListSRF(name)
	}
	builtins["information_schema._pg_expandarray"] = selectListSRF("_pg_expandarray")
	builtins["array_upper"] = arrayBoundFn(true)
	builtins["array_lower"] = arrayBoundFn(false)
}

// arrayArg checks that args[i] is an array, typing an untyped literal as
// text[].
func (b *binder) arrayArg(name string, args []Expr, i int, loc int32) (types.T, error) {
	if args[i].Type().Oid == types.OidUnknown {
		var err error
		if args[i], err = b.cast(args[i], types.T{Oid: 1009, Typmod: -1}, loc, true); err != nil {
			return types.T{}, err
		}
	}
	t := args[i].Type()
	if t.Family() != types.ArrayFamily {
		return t, wrongArgs(name, args, loc, b)
	}
	return t, nil
}

func arrayToString(b *binder, args []Expr, loc int32) (Expr, error) {
	if len(args) < 2 || len(args) > 3 {
		return nil, wrongArgs("array_to_string", args, loc, b)
	}
	at, err := b.arrayArg("array_to_string", args, 0, loc)
	if err != nil {
		return nil, err
	}
	elem, _ := at.Elem()
	for i := 1; i < len(args); i++ {
		if args[i], err = b.coerce(args[i], types.Text, loc); err != nil {
			return nil, err
		}
	}
	return &funcExpr{name: "array_to_string", args: args, typ: types.Text, fn: func(e *evalCtx, v []types.Datum) (types.Datum, error) {
		if v[0] == nil || v[1] == nil {
			return nil, nil
		}
		vals, err := arrayElems(e, at, v[0])
		if err != nil {
			return nil, err
		}
		var parts []string
		for _, x := range vals {
			switch {
			case x != nil:
				parts = append(parts, outputText(e, elem, x))
			case len(v) == 3 && v[2] != nil:
				parts = append(parts, v[2].(string))
			}
		}
		return strings.Join(parts, v[1].(string)), nil
	}}, nil
}

func arrayDimFn(name string, f func(n int) int64) builtin {
	return func(b *binder, args []Expr, loc int32) (Expr, error) {
		if len(args) != 2 {
			return nil, wrongArgs(name, args, loc, b)
		}
		at, err := b.arrayArg(name, args, 0, loc)
		if err != nil {
			return nil, err
		}
		if args[1], err = b.coerce(args[1], types.Int4, loc); err != nil {
			return nil, err
		}
		return &funcExpr{name: name, args: args, typ: types.Int4, strict: true, fn: func(e *evalCtx, v []types.Datum) (types.Datum, error) {
			vals, err := arrayElems(e, at, v[0])
			if err != nil || len(vals) == 0 || v[1].(int64) != 1 {
				return nil, err
			}
			return f(len(vals)), nil
		}}, nil
	}
}

func arrayBoundFn(upper bool) builtin {
	name := "array_lower"
	if upper {
		name = "array_upper"
	}
	return func(b *binder, args []Expr, loc int32) (Expr, error) {
		if len(args) != 2 {
			return nil, wrongArgs(name, args, loc, b)
		}
		at, err := b.arrayArg(name, args, 0, loc)
		if err != nil {
			return nil, err
		}
		return arrayDimFn(name, func(n int) int64 {
			if upper {
				return lowerBound(at) + int64(n) - 1
			}
			return lowerBound(at)
		})(b, args, loc)
	}
}

func cardinality(b *binder, args []Expr, loc int32) (Expr, error) {
	if len(args) != 1 {
		return nil, wrongArgs("cardinality", args, loc, b)
	}
	at, err := b.arrayArg("cardinality", args, 0, loc)
	if err != nil {
		return nil, err
	}
	return &funcExpr{name: "cardinality", args: args, typ: types.Int4, strict: true, fn: func(e *evalCtx, v []types.Datum) (types.Datum, error) {
		vals, err := arrayElems(e, at, v[0])
		return int64(len(vals)), err
	}}, nil
}

func arrayPosition(b *binder, args []Expr, loc int32) (Expr, error) {
	if len(args) != 2 {
		return nil, wrongArgs("array_position", args, loc, b)
	}
	at, err := b.arrayArg("array_position", args, 0, loc)
	if err != nil {
		return nil, err
	}
	elem, _ := at.Elem()
	if args[1], err = b.coerce(args[1], elem, loc); err != nil {
		return nil, err
	}
	cmp, ok := compareFunc(elem)
	if !ok {
		return nil, wrongArgs("array_position", args, loc, b)
	}
	return &funcExpr{name: "array_position", args: args, typ: types.Int4, fn: func(e *evalCtx, v []types.Datum) (types.Datum, error) {
		if v[0] == nil {
			return nil, nil
		}
		vals, err := arrayElems(e, at, v[0])
		if err != nil {
			return nil, err
		}
		for i, x := range vals {
			if (x == nil && v[1] == nil) || (x != nil && v[1] != nil && cmp(x, v[1]) == 0) {
				return int64(i) + lowerBound(at), nil
			}
		}
		return nil, nil
	}}, nil
}

func stringToArray(b *binder, args []Expr, loc int32) (Expr, error) {
	if len(args) < 2 || len(args) > 3 {
		return nil, wrongArgs("string_to_array", args, loc, b)
	}
	for i := range args {
		var err error
		if args[i], err = b.coerce(args[i], types.Text, loc); err != nil {
			return nil, err
		}
	}
	at := types.T{Oid: 1009, Typmod: -1}
	return &funcExpr{name: "string_to_array", args: args, typ: at, fn: func(_ *evalCtx, v []types.Datum) (types.Datum, error) {
		if v[0] == nil {
			return nil, nil
		}
		s := v[0].(string)
		if s == "" {
			return makeArray(at, nil), nil
		}
		var parts []string
		if v[1] == nil {
			for _, r := range s {
				parts = append(parts, string(r))
			}
		} else if sep := v[1].(string); sep == "" {
			parts = []string{s}
		} else {
			parts = strings.Split(s, sep)
		}
		vals := make([]types.Datum, len(parts))
		for i, p := range parts {
			if len(v) == 3 && v[2] != nil && p == v[2].(string) {
				continue
			}
			vals[i] = p
		}
		return makeArray(at, vals), nil
	}}, nil
}

// arrayConcat binds array || array, array || element and element || array.
func (b *binder) arrayConcat(l, r Expr, loc int32) (Expr, error) {
	var err error
	at := l.Type()
	if at.Family() != types.ArrayFamily || at.IsVector() {
		at = r.Type()
	}
	elem, _ := at.Elem()
	side := func(x Expr) (Expr, bool, error) { // bound operand, whether it is an array
		switch {
		case x.Type().Oid == types.OidUnknown:
			x, err := b.cast(x, at, loc, true)
			return x, true, err
		case x.Type().Family() == types.ArrayFamily:
			x, err := b.coerce(x, at, loc)
			return x, true, err
		}
		x, err := b.coerce(x, elem, loc)
		return x, false, err
	}
	l, la, err := side(l)
	if err != nil {
		return nil, err
	}
	r, ra, err := side(r)
	if err != nil {
		return nil, err
	}
	return &funcExpr{name: "||", args: []Expr{l, r}, typ: at, fn: func(e *evalCtx, v []types.Datum) (types.Datum, error) {
		var out []types.Datum
		for i, isArr := range []bool{la, ra} {
			switch {
			case isArr && v[i] == nil:
			case isArr:
				vals, err := arrayElems(e, at, v[i])
				if err != nil {
					return nil, err
				}
				out = append(out, vals...)
			default:
				out = append(out, v[i])
			}
		}
		if la && ra && v[0] == nil && v[1] == nil {
			return nil, nil
		}
		return makeArray(at, out), nil
	}}, nil
}
