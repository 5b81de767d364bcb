package planner

import (
	"context"

	"github.com/lattice-olap/lattice/types"
)

// Plan-time evaluation. PostgreSQL's planner folds every immutable
// expression whose inputs are constants or, in the custom plan that Bind
// makes, parameter values. Errors such as division by zero, overflow or a
// bad cast therefore surface when the statement is planned: in the simple
// protocol before its RowDescription, in the extended protocol at Bind.
// Stable and volatile functions (now(), current_setting(), pg_sleep()) are
// left for execution, and so are their errors. Plan reproduces that order;
// the values it computes are thrown away, since evaluating them again at
// execution gives the same result.

// Plan does for stmt, with these parameter values, what PostgreSQL's
// planning does that a client can see: it evaluates the statement's
// immutable subexpressions and returns the first error one raises.
func (s *Session) Plan(ctx context.Context, stmt *Statement, args []types.Datum) error {
	if stmt == nil || len(stmt.fold) == 0 {
		return nil
	}
	if ctx.Err() != nil {
		return canceled(ctx)
	}
	e := s.evalCtx(ctx, args)
	for _, x := range stmt.fold {
		if err := checkFold(x, e); err != nil {
			return err
		}
	}
	return nil
}

// checkFold evaluates the largest immutable subtrees of x, as
// eval_const_expressions would fold them.
func checkFold(x Expr, e *evalCtx) error {
	if x == nil {
		return nil
	}
	if foldable(x) {
		_, err := x.Eval(e)
		return err
	}
	for _, c := range children(x) {
		if err := checkFold(c, e); err != nil {
			return err
		}
	}
	return nil
}

// foldable reports whether x is immutable and depends only on constants
// and parameters.
func foldable(x Expr) bool {
	if !immutable(x) {
		return false
	}
	for _, c := range children(x) {
		if c != nil && !foldable(c) {
			return false
		}
	}
	return true
}

// immutable reports whether the node itself, apart from its children,
// gives the same result for the same inputs whatever the session does.
func immutable(x Expr) bool {
	switch v := x.(type) {
	case *constExpr, *paramExpr, *boolExpr, *caseExpr, *coalesceExpr, *nullTest, *distinctExpr, *boolTest:
		return true
	case *funcExpr:
		switch v.name {
		case "", // constFn: version(), now(), current_user and kin
			"pg_sleep", "set_config", "current_setting", "current_date", "localtimestamp", "concat",
			"concat_ws",
			"random",
			"to_char",
			"date_trunc(timestamptz)",
			"date_part(timestamptz)",
			"extract(timestamptz)",
			"age(timestamp)",
			"age(timestamptz)",
			"make_timestamptz":
			return false
		}
		return true
	case *castExpr:
		return immutableCast(v.arg.Type(), v.typ)
	}
	return false
}

// immutableCast reports whether a cast is immutable in PostgreSQL: date and
// time input and output depend on DateStyle and TimeZone, and so does any
// conversion to or from timestamptz.
func immutableCast(from, to types.T) bool {
	dt := func(t types.T) bool {
		f := t.Family()
		return f == types.DateFamily || f == types.TimestampFamily || f == types.IntervalFamily || f == types.TimeFamily
	}
	str := func(t types.T) bool { return t.Family() == types.StringFamily }
	switch {
	case dt(from) && str(to), str(from) && dt(to):
		return false
	case dt(from) && dt(to) && (from.Oid == types.OidTimestampTZ) != (to.Oid == types.OidTimestampTZ):
		return false
	}
	return true
}

// children returns an expression's operands; some may be nil.
func children(x Expr) []Expr {
	switch v := x.(type) {
	case *funcExpr:
		return v.args
	case *castExpr:
		return []Expr{v.arg}
	case *boolExpr:
		return v.args
	case *caseExpr:
		out := make([]Expr, 0, len(v.whens)+len(v.thens)+1)
		for i := range v.whens {
			out = append(out, v.whens[i], v.thens[i])
		}
		return append(out, v.els)
	case *coalesceExpr:
		return v.args
	case *nullTest:
		return []Expr{v.arg}
	case *distinctExpr:
		return []Expr{v.l, v.r}
	case *boolTest:
		return []Expr{v.arg}
	case *subplanExpr:
		return append([]Expr{v.test}, v.tests...)
	}
	return nil
}
