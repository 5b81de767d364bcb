package planner

import (
	"math"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/cockroachdb/apd/v3"
	pg_query "github.com/pganalyze/pg_query_go/v6"

	"github.com/lattice-olap/lattice/pgerr"
	"github.com/lattice-olap/lattice/types"
)

// builtin binds a call of a built-in function to its (already bound)
// arguments.
type builtin func(b *binder, args []Expr, loc int32) (Expr, error)

var builtins map[string]builtin

func init() {
	builtins = map[string]builtin{
		"version":               constFn(types.Text, func(e *evalCtx) types.Datum { return e.sess.planner.VersionString() }),
		"current_database":      constFn(types.Name, func(e *evalCtx) types.Datum { return e.sess.Project }),
		"current_catalog":       constFn(types.Name, func(e *evalCtx) types.Datum { return e.sess.Project }),
		"current_schema":        constFn(types.Name, func(*evalCtx) types.Datum { return "public" }),
		"current_user":          constFn(types.Name, func(e *evalCtx) types.Datum { return e.sess.User }),
		"session_user":          constFn(types.Name, func(e *evalCtx) types.Datum { return e.sess.User }),
		"pg_backend_pid":        constFn(types.Int4, func(e *evalCtx) types.Datum { return int64(e.sess.BackendPID) }),
		"now":                   constFn(types.TimestampTZ, func(e *evalCtx) types.Datum { return e.now }),
		"transaction_timestamp": constFn(types.TimestampTZ, func(e *evalCtx) types.Datum { return e.now }),
		"statement_timestamp":   constFn(types.TimestampTZ, func(e *evalCtx) types.Datum { return e.now }),
		"clock_timestamp":       constFn(types.TimestampTZ, func(*evalCtx) types.Datum { return time.Now().UTC().Truncate(time.Microsecond) }),
		"pg_sleep":              fixed("pg_sleep", []types.T{types.Float8}, types.Void, pgSleep),
		"current_setting":       currentSetting,
		"set_config":            fixed("set_config", []types.T{types.Text, types.Text, types.Bool}, types.Text, setConfig),
		"abs":                   numericUnary("abs", math.Abs, func(r, d *apd.Decimal) { r.Abs(d) }, true),
		"floor":                 numericUnary("floor", math.Floor, func(r, d *apd.Decimal) { decCtx.Floor(r, d) }, false),
		"ceil":                  numericUnary("ceil", math.Ceil, func(r, d *apd.Decimal) { decCtx.Ceil(r, d) }, false),
		"ceiling":               numericUnary("ceiling", math.Ceil, func(r, d *apd.Decimal) { decCtx.Ceil(r, d) }, false),
		"round":                 roundFn,
		"sqrt": fixed("sqrt", []types.T{types.Float8}, types.Float8, func(_ *evalCtx, v []types.Datum) (types.Datum, error) {
			if v[0].(float64) < 0 {
				return nil, pgerr.New(pgerr.InvalidArgumentForPowerFunction, "cannot take square root of a negative number")
			}
			return math.Sqrt(v[0].(float64)), nil
		}),
		"mod":   binaryAsOp("%"),
		"power": binaryAsOp("^"),
		"pow":   binaryAsOp("^"),
		"lower": textUnary("lower", types.Text, func(s string) types.Datum { return strings.ToLower(s) }),
		"upper": textUnary("upper", types.Text, func(s string) types.Datum { return strings.ToUpper(s) }),
		"length": textUnary("length", types.Int4, func(s string) types.Datum {
			return int64(utf8.RuneCountInString(s))
		}),
		"char_length": textUnary("char_length", types.Int4, func(s string) types.Datum {
			return int64(utf8.RuneCountInString(s))
		}),
		"concat": concatFn,
	}
}

func (b *binder) funcCall(fc *pg_query.FuncCall) (Expr, error) {
	name := strings.ToLower(opName(fc.Funcname))
	if fc.Over != nil {
		return b.windowCall(fc)
	}
	if fc.AggStar || fc.AggDistinct || fc.AggFilter != nil || isAggregate(name) {
		return nil, b.errorf(fc.Location, pgerr.FeatureNotSupported, "aggregate and window functions are not supported yet")
	}
	fn, ok := builtins[name]
	if !ok {
		return nil, b.errorf(fc.Location, pgerr.UndefinedFunction, "function %s(%s) does not exist", name, b.argTypeList(fc.Args)).
			WithHint("No function matches the given name and argument types. You might need to add explicit type casts.")
	}
	args := make([]Expr, len(fc.Args))
	for i, a := range fc.Args {
		e, err := b.expr(a)
		if err != nil {
			return nil, err
		}
		args[i] = e
	}
	if fc.FuncVariadic {
		return b.variadicCall(name, args, fc.Location)
	}
	return fn(b, args, fc.Location)
}

// variadicCall binds concat(VARIADIC arr), concat_ws(sep, VARIADIC arr)
// and format(f, VARIADIC arr): the array's elements are the arguments.
func (b *binder) variadicCall(name string, args []Expr, loc int32) (Expr, error) {
	switch {
	case name == "concat" && len(args) == 1, name == "concat_ws" && len(args) == 2, name == "format" && len(args) == 2:
	default:
		return nil, wrongArgs(name, args, loc, b)
	}
	last := len(args) - 1
	at := args[last].Type()
	elem, ok := at.Elem()
	if !ok || at.Family() != types.ArrayFamily {
		return nil, b.errorf(loc, pgerr.DatatypeMismatch, "VARIADIC argument must be an array")
	}
	if name != "concat" {
		first, err := b.coerce(args[0], types.Text, loc)
		if err != nil {
			return nil, wrongArgs(name, args, loc, b)
		}
		args[0] = first
	}
	return &funcExpr{name: name, args: args, typ: types.Text, fn: func(e *evalCtx, v []types.Datum) (types.Datum, error) {
		if name == "format" {
			if v[0] == nil {
				return nil, nil
			}
			// A NULL array is no arguments.
			var elems []types.Datum
			if v[last] != nil {
				var err error
				if elems, err = arrayElems(e, at, v[last]); err != nil {
					return nil, err
				}
			}
			return formatText(e, v[0].(string), append([]types.Datum{v[0]}, elems...), func(int) types.T { return elem })
		}
		if v[last] == nil || (name == "concat_ws" && v[0] == nil) {
			return nil, nil // a NULL array, unlike no arguments, gives NULL
		}
		elems, err := arrayElems(e, at, v[last])
		if err != nil {
			return nil, err
		}
		var sb strings.Builder
		first := true
		for _, x := range elems {
			if x == nil {
				continue
			}
			if name == "concat_ws" && !first {
				sb.WriteString(v[0].(string))
			}
			first = false
			sb.WriteString(outputText(e, elem, x))
		}
		return sb.String(), nil
	}}, nil
}

func isAggregate(name string) bool {
	switch name {
	case "count", "sum", "avg", "min", "max", "stddev", "variance", "stddev_samp", "stddev_pop", "var_samp", "var_pop", "bool_and", "bool_or", "every", "string_agg", "array_agg",
		"percentile_cont", "percentile_disc", "mode",
		"lattice_value_set", "lattice_value_set_union", "lattice_value_set_count", "lattice_sum_int8":
		return true
	}
	return false
}

func (b *binder) argTypeList(nodes []*pg_query.Node) string {
	var parts []string
	for _, n := range nodes {
		if e, err := b.expr(n); err == nil {
			parts = append(parts, e.Type().String())
		} else {
			parts = append(parts, "?")
		}
	}
	return strings.Join(parts, ", ")
}

func wrongArgs(name string, args []Expr, loc int32, b *binder) error {
	var parts []string
	for _, a := range args {
		parts = append(parts, a.Type().String())
	}
	return b.errorf(loc, pgerr.UndefinedFunction, "function %s(%s) does not exist", name, strings.Join(parts, ", ")).
		WithHint("No function matches the given name and argument types. You might need to add explicit type casts.")
}

// constFn is a function of no arguments.
func constFn(t types.T, f func(e *evalCtx) types.Datum) builtin {
	return func(b *binder, args []Expr, loc int32) (Expr, error) {
		if len(args) != 0 {
			return nil, wrongArgs("function", args, loc, b)
		}
		return &funcExpr{typ: t, fn: func(e *evalCtx, _ []types.Datum) (types.Datum, error) { return f(e), nil }}, nil
	}
}

// fixed is a strict function with a fixed signature; arguments are coerced.
func fixed(name string, params []types.T, ret types.T, fn evalFn) builtin {
	return func(b *binder, args []Expr, loc int32) (Expr, error) {
		if len(args) != len(params) {
			return nil, wrongArgs(name, args, loc, b)
		}
		coerced := make([]Expr, len(args))
		for i := range args {
			var err error
			if coerced[i], err = b.coerce(args[i], params[i], loc); err != nil {
				return nil, wrongArgs(name, args, loc, b)
			}
		}
		return &funcExpr{name: name, args: coerced, typ: ret, strict: true, fn: fn}, nil
	}
}

func pgSleep(e *evalCtx, v []types.Datum) (types.Datum, error) {
	d := time.Duration(v[0].(float64) * float64(time.Second))
	if d <= 0 {
		return "", nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return "", nil
	case <-e.ctx.Done():
		return nil, canceled(e.ctx)
	}
}

func currentSetting(b *binder, args []Expr, loc int32) (Expr, error) {
	if len(args) < 1 || len(args) > 2 {
		return nil, wrongArgs("current_setting", args, loc, b)
	}
	var err error
	if args[0], err = b.coerce(args[0], types.Text, loc); err != nil {
		return nil, err
	}
	if len(args) == 2 {
		if args[1], err = b.coerce(args[1], types.Bool, loc); err != nil {
			return nil, err
		}
	}
	return &funcExpr{name: "current_setting", args: args, typ: types.Text, strict: true, fn: func(e *evalCtx, v []types.Datum) (types.Datum, error) {
		val, err := e.sess.Settings.Get(v[0].(string))
		if err != nil {
			if len(v) == 2 && v[1] == true {
				return nil, nil
			}
			return nil, err
		}
		return val, nil
	}}, nil
}

func setConfig(e *evalCtx, v []types.Datum) (types.Datum, error) {
	name, value := v[0].(string), v[1].(string)
	if err := e.sess.setSetting(name, value, v[2].(bool)); err != nil {
		return nil, err
	}
	return e.sess.Settings.Get(name)
}

// numericUnary is a function of one number that keeps its argument's type.
func numericUnary(name string, ff func(float64) float64, df func(r, d *apd.Decimal), keepInt bool) builtin {
	return func(b *binder, args []Expr, loc int32) (Expr, error) {
		if len(args) != 1 {
			return nil, wrongArgs(name, args, loc, b)
		}
		a := args[0]
		if a.Type().Oid == types.OidUnknown {
			var err error
			if a, err = b.coerce(a, types.Float8, loc); err != nil {
				return nil, err
			}
		}
		t := a.Type()
		switch t.Family() {
		case types.IntFamily:
			if !keepInt {
				var err error
				if a, err = b.coerce(a, types.Float8, loc); err != nil {
					return nil, err
				}
				t = types.Float8
				break
			}
			return &funcExpr{name: name, args: []Expr{a}, typ: t, strict: true, fn: func(_ *evalCtx, v []types.Datum) (types.Datum, error) {
				n := v[0].(int64)
				if n < 0 {
					return checkInt(t, -n, n == math.MinInt64)
				}
				return n, nil
			}}, nil
		case types.FloatFamily, types.NumericFamily:
		default:
			return nil, wrongArgs(name, args, loc, b)
		}
		if t.Family() == types.NumericFamily {
			return &funcExpr{name: name, args: []Expr{a}, typ: types.Numeric, strict: true, fn: func(_ *evalCtx, v []types.Datum) (types.Datum, error) {
				r := new(apd.Decimal)
				df(r, v[0].(*apd.Decimal))
				return r, nil
			}}, nil
		}
		return &funcExpr{name: name, args: []Expr{a}, typ: t, strict: true, fn: func(_ *evalCtx, v []types.Datum) (types.Datum, error) {
			return ff(v[0].(float64)), nil
		}}, nil
	}
}

// roundFn is round(numeric [, int]) with half away from zero, and
// round(float8) with half to even, as PostgreSQL rounds each.
func roundFn(b *binder, args []Expr, loc int32) (Expr, error) {
	if len(args) == 0 || len(args) > 2 {
		return nil, wrongArgs("round", args, loc, b)
	}
	a := args[0]
	var err error
	if len(args) == 1 && (a.Type().Family() == types.FloatFamily || a.Type().Oid == types.OidUnknown) {
		if a, err = b.coerce(a, types.Float8, loc); err != nil {
			return nil, err
		}
		return &funcExpr{name: "round", args: []Expr{a}, typ: types.Float8, strict: true, fn: func(_ *evalCtx, v []types.Datum) (types.Datum, error) {
			return math.RoundToEven(v[0].(float64)), nil
		}}, nil
	}
	if a, err = b.coerce(a, types.Numeric, loc); err != nil {
		return nil, wrongArgs("round", args, loc, b)
	}
	call := []Expr{a}
	if len(args) == 2 {
		s, err := b.coerce(args[1], types.Int4, loc)
		if err != nil {
			return nil, wrongArgs("round", args, loc, b)
		}
		call = append(call, s)
	}
	return &funcExpr{name: "round", args: call, typ: types.Numeric, strict: true, fn: func(_ *evalCtx, v []types.Datum) (types.Datum, error) {
		d := v[0].(*apd.Decimal)
		if d.Form != apd.Finite {
			return d, nil
		}
		scale := int64(0)
		if len(v) == 2 {
			scale = v[1].(int64)
		}
		r := new(apd.Decimal)
		if _, err := decCtx.Quantize(r, d, int32(-scale)); err != nil {
			return nil, pgerr.New(pgerr.NumericValueOutOfRange, "value overflows numeric format")
		}
		if scale < 0 {
			// keep no fractional digits, as PostgreSQL displays them
			decCtx.Quantize(r, r, 0)
		}
		return r, nil
	}}, nil
}

// binaryAsOp is a two-argument function that means an operator.
func binaryAsOp(op string) builtin {
	return func(b *binder, args []Expr, loc int32) (Expr, error) {
		if len(args) != 2 {
			return nil, wrongArgs(op, args, loc, b)
		}
		l, r, err := b.unify(args[0], args[1], loc)
		if err != nil {
			return nil, err
		}
		if l == nil {
			return nil, b.noOperator(op, args[0], args[1], loc)
		}
		if l.Type().Oid == types.OidUnknown || l.Type().Family() == types.StringFamily {
			if l, err = b.coerce(l, types.Numeric, loc); err != nil {
				return nil, err
			}
			if r, err = b.coerce(r, types.Numeric, loc); err != nil {
				return nil, err
			}
		}
		t := l.Type()
		if op == "^" && t.Family() == types.IntFamily {
			if l, err = b.coerce(l, types.Float8, loc); err != nil {
				return nil, err
			}
			if r, err = b.coerce(r, types.Float8, loc); err != nil {
				return nil, err
			}
			t = types.Float8
		}
		fn, rt, ok := arithFunc(op, t)
		if !ok {
			return nil, b.noOperator(op, l, r, loc)
		}
		return &funcExpr{name: op, args: []Expr{l, r}, typ: rt, strict: true, fn: fn}, nil
	}
}

func textUnary(name string, ret types.T, f func(string) types.Datum) builtin {
	return func(b *binder, args []Expr, loc int32) (Expr, error) {
		if len(args) != 1 {
			return nil, wrongArgs(name, args, loc, b)
		}
		a, err := b.coerce(args[0], types.Text, loc)
		if err != nil {
			return nil, wrongArgs(name, args, loc, b)
		}
		return &funcExpr{name: name, args: []Expr{a}, typ: ret, strict: true, fn: func(_ *evalCtx, v []types.Datum) (types.Datum, error) {
			return f(v[0].(string)), nil
		}}, nil
	}
}

func concatFn(b *binder, args []Expr, loc int32) (Expr, error) {
	if len(args) == 0 {
		return nil, wrongArgs("concat", args, loc, b)
	}
	typs := make([]types.T, len(args))
	for i := range args {
		args[i] = b.defaultUnknown(args[i])
		typs[i] = args[i].Type()
	}
	return &funcExpr{name: "concat", args: args, typ: types.Text, fn: func(e *evalCtx, v []types.Datum) (types.Datum, error) {
		var sb strings.Builder
		// concat writes each argument with its output function, so a
		// boolean is t or f (unlike ||, which casts it to text).
		for i, x := range v {
			if x != nil {
				sb.WriteString(outputText(e, typs[i], x))
			}
		}
		return sb.String(), nil
	}}, nil
}

// sqlValueFunc binds CURRENT_DATE, CURRENT_USER and their kin.
func (b *binder) sqlValueFunc(f *pg_query.SQLValueFunction) (Expr, error) {
	name := ""
	switch f.Op {
	case pg_query.SQLValueFunctionOp_SVFOP_CURRENT_DATE:
		return &funcExpr{name: "current_date", typ: types.Date, fn: func(e *evalCtx, _ []types.Datum) (types.Datum, error) {
			return types.DateFromTime(e.now.In(e.sess.Settings.Location())), nil
		}}, nil
	case pg_query.SQLValueFunctionOp_SVFOP_CURRENT_TIMESTAMP, pg_query.SQLValueFunctionOp_SVFOP_CURRENT_TIMESTAMP_N:
		name = "now"
	case pg_query.SQLValueFunctionOp_SVFOP_LOCALTIMESTAMP, pg_query.SQLValueFunctionOp_SVFOP_LOCALTIMESTAMP_N:
		return &funcExpr{name: "localtimestamp", typ: types.Timestamp, fn: func(e *evalCtx, _ []types.Datum) (types.Datum, error) {
			return castDatum(e.sess, e.now, types.TimestampTZ, types.Timestamp)
		}}, nil
	case pg_query.SQLValueFunctionOp_SVFOP_LOCALTIME, pg_query.SQLValueFunctionOp_SVFOP_LOCALTIME_N:
		prec := int32(-1)
		if f.Op == pg_query.SQLValueFunctionOp_SVFOP_LOCALTIME_N {
			prec = f.Typmod
		}
		return &funcExpr{name: "localtime", typ: types.T{Oid: types.OidTime, Typmod: prec}, fn: func(e *evalCtx, _ []types.Datum) (types.Datum, error) {
			return types.RoundTime(types.TimeOfDay(e.now.In(e.sess.Settings.Location())), prec), nil
		}}, nil
	case pg_query.SQLValueFunctionOp_SVFOP_CURRENT_ROLE, pg_query.SQLValueFunctionOp_SVFOP_CURRENT_USER, pg_query.SQLValueFunctionOp_SVFOP_USER:
		name = "current_user"
	case pg_query.SQLValueFunctionOp_SVFOP_SESSION_USER:
		name = "session_user"
	case pg_query.SQLValueFunctionOp_SVFOP_CURRENT_CATALOG:
		name = "current_catalog"
	case pg_query.SQLValueFunctionOp_SVFOP_CURRENT_SCHEMA:
		name = "current_schema"
	default:
		return nil, b.errorf(f.Location, pgerr.FeatureNotSupported, "%s is not supported yet", f.Op)
	}
	return builtins[name](b, nil, f.Location)
}
