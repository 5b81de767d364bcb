package planner

import (
	"context"

	"github.com/apache/arrow-go/v18/arrow"
	"time"

	"github.com/lattice-olap/lattice/exec"
	"github.com/lattice-olap/lattice/pgerr"
	"github.com/lattice-olap/lattice/types"
)

// Expr is a bound, typed scalar expression.
type Expr interface {
	Type() types.T
	Eval(e *evalCtx) (types.Datum, error)
}

// evalCtx is what evaluation needs: the statement's context, session,
// parameter values and statement time.
type evalCtx struct {
	ctx  context.Context
	sess *Session
	args []types.Datum
	now  time.Time         // transaction (or statement) start, for now()
	rec  arrow.RecordBatch // the batch whose row is being evaluated
	row  int
	subs map[*subplanExpr]*subResult            // uncorrelated subquery results
	corr map[*subplanExpr]map[string]*subResult // correlated ones, by outer values
	// analyze instruments operators for EXPLAIN ANALYZE.
	analyze bool
	// slot is the array element that x op ANY (array) is testing.
	slot types.Datum
	// keySets are the runtime filters that joins being built hand to the
	// scans of their probe sides (exec.KeySet), taken by the scan's build.
	keySets map[*scanInfo][]runtimeFilter
}

// runtimeFilter is an inner join's key column in its probe-side scan, and
// the set its build keys will fill.
type runtimeFilter struct {
	col int
	set *exec.KeySet
}

type constExpr struct {
	t   types.T
	v   types.Datum
	pos int32 // of a string literal, 1-based; 0 when unknown
}

func (c *constExpr) Type() types.T                      { return c.t }
func (c *constExpr) Eval(*evalCtx) (types.Datum, error) { return c.v, nil }

// paramExpr is $n. Its type lives in the binder's parameter list, so that a
// later use can still resolve an untyped parameter.
type paramExpr struct {
	idx int
	typ *types.T
}

func (p *paramExpr) Type() types.T { return *p.typ }
func (p *paramExpr) Eval(e *evalCtx) (types.Datum, error) {
	return e.args[p.idx], nil
}

// funcExpr is an operator or function call. Strict functions return NULL
// for any NULL argument without being called.
type funcExpr struct {
	name   string
	args   []Expr
	typ    types.T
	strict bool
	fn     func(e *evalCtx, args []types.Datum) (types.Datum, error)
}

func (f *funcExpr) Type() types.T { return f.typ }

func (f *funcExpr) Eval(e *evalCtx) (types.Datum, error) {
	var buf [4]types.Datum
	vals := buf[:0]
	for _, a := range f.args {
		v, err := a.Eval(e)
		if err != nil {
			return nil, err
		}
		if v == nil && f.strict {
			return nil, nil
		}
		vals = append(vals, v)
	}
	return f.fn(e, vals)
}

// castExpr converts its argument to typ.
type castExpr struct {
	arg Expr
	typ types.T
}

func (c *castExpr) Type() types.T { return c.typ }

func (c *castExpr) Eval(e *evalCtx) (types.Datum, error) {
	v, err := c.arg.Eval(e)
	if err != nil || v == nil {
		return nil, err
	}
	return castDatum(e.sess, v, c.arg.Type(), c.typ)
}

// boolExpr is AND / OR with SQL's three-valued logic, or NOT.
type boolExpr struct {
	op   string // "and", "or", "not"
	args []Expr
}

func (b *boolExpr) Type() types.T { return types.Bool }

func (b *boolExpr) Eval(e *evalCtx) (types.Datum, error) {
	if b.op == "not" {
		v, err := b.args[0].Eval(e)
		if err != nil || v == nil {
			return nil, err
		}
		return !v.(bool), nil
	}
	sawNull := false
	for _, a := range b.args {
		v, err := a.Eval(e)
		if err != nil {
			return nil, err
		}
		if v == nil {
			sawNull = true
			continue
		}
		if v.(bool) == (b.op == "or") {
			return v, nil
		}
	}
	if sawNull {
		return nil, nil
	}
	return b.op == "and", nil
}

// caseExpr is CASE [arg] WHEN ... THEN ... [ELSE ...] END; with arg, each
// condition is an equality already bound against it.
type caseExpr struct {
	whens []Expr
	thens []Expr
	els   Expr
	typ   types.T
}

func (c *caseExpr) Type() types.T { return c.typ }

func (c *caseExpr) Eval(e *evalCtx) (types.Datum, error) {
	for i, w := range c.whens {
		v, err := w.Eval(e)
		if err != nil {
			return nil, err
		}
		if v == true {
			return c.thens[i].Eval(e)
		}
	}
	if c.els == nil {
		return nil, nil
	}
	return c.els.Eval(e)
}

// coalesceExpr returns its first non-NULL argument (evaluating lazily).
type coalesceExpr struct {
	args []Expr
	typ  types.T
}

func (c *coalesceExpr) Type() types.T { return c.typ }

func (c *coalesceExpr) Eval(e *evalCtx) (types.Datum, error) {
	for _, a := range c.args {
		v, err := a.Eval(e)
		if err != nil || v != nil {
			return v, err
		}
	}
	return nil, nil
}

// nullTest is IS [NOT] NULL.
type nullTest struct {
	arg Expr
	not bool
}

func (n *nullTest) Type() types.T { return types.Bool }

func (n *nullTest) Eval(e *evalCtx) (types.Datum, error) {
	v, err := n.arg.Eval(e)
	if err != nil {
		return nil, err
	}
	return (v == nil) != n.not, nil
}

// distinctExpr is IS [NOT] DISTINCT FROM over an equality function.
type distinctExpr struct {
	l, r Expr
	eq   func(e *evalCtx, args []types.Datum) (types.Datum, error)
	not  bool
}

func (d *distinctExpr) Type() types.T { return types.Bool }

func (d *distinctExpr) Eval(e *evalCtx) (types.Datum, error) {
	l, err := d.l.Eval(e)
	if err != nil {
		return nil, err
	}
	r, err := d.r.Eval(e)
	if err != nil {
		return nil, err
	}
	var distinct bool
	switch {
	case l == nil && r == nil:
		distinct = false
	case l == nil || r == nil:
		distinct = true
	default:
		eq, err := d.eq(e, []types.Datum{l, r})
		if err != nil {
			return nil, err
		}
		distinct = !eq.(bool)
	}
	return distinct != d.not, nil
}

// boolTest is IS [NOT] TRUE / FALSE / UNKNOWN.
type boolTest struct {
	arg  Expr
	want types.Datum // true, false or nil (UNKNOWN)
	not  bool
}

func (b *boolTest) Type() types.T { return types.Bool }

func (b *boolTest) Eval(e *evalCtx) (types.Datum, error) {
	v, err := b.arg.Eval(e)
	if err != nil {
		return nil, err
	}
	return (v == b.want) != b.not, nil
}

func errAt(err *pgerr.Error, pos int32) *pgerr.Error {
	if err.Position == 0 {
		err.Position = pos
	}
	return err
}
