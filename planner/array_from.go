package planner

import (
	"context"
	"strings"
	"time"

	"github.com/cockroachdb/apd/v3"
	pg_query "github.com/pganalyze/pg_query_go/v6"

	"github.com/lattice-olap/lattice/exec"
	"github.com/lattice-olap/lattice/pgerr"
	"github.com/lattice-olap/lattice/types"
)

// Functions in FROM: the set-returning functions catalog queries use
// (unnest, generate_series, generate_subscripts, pg_get_keywords,
// information_schema._pg_expandarray) and any scalar function, which
// yields one row. Their arguments may read the columns of the FROM items
// to their left, as LATERAL items do (lateral.go).

// setFunc computes a function's rows from its evaluated arguments.
type setFunc struct {
	cols []Column
	rows func(e *evalCtx, args []types.Datum) ([][]types.Datum, error)
}

// rangeFunction plans a function call in FROM, or ROWS FROM (f(...),
// g(...)), whose functions' rows are zipped (the shorter padded with
// NULLs), WITH ORDINALITY and a column alias list included.
func (b *binder) rangeFunction(ctx context.Context, rf *pg_query.RangeFunction) (relPlan, error) {
	type call struct {
		args []Expr
		sf   setFunc
	}
	var calls []call
	var names []string
	// Arguments see the FROM items to the function's left (a function in
	// FROM is LATERAL), and the enclosing query's columns.
	refs, err := b.bindFromChild(true, func(inner *binder) error {
		calls, names = calls[:0], names[:0]
		for _, f := range rf.Functions {
			items := f.GetList().GetItems()
			fc := items[0].GetFuncCall()
			if fc == nil {
				return pgerr.New(pgerr.FeatureNotSupported, "this kind of function in FROM is not supported")
			}
			name := strings.TrimPrefix(strings.ToLower(opName(fc.Funcname)), "information_schema.")
			args := make([]Expr, len(fc.Args))
			for i, a := range fc.Args {
				var err error
				if args[i], err = inner.expr(a); err != nil {
					return err
				}
			}
			sf, err := inner.setFunction(name, args, fc.Location)
			if err != nil {
				return err
			}
			calls = append(calls, call{args, sf})
			names = append(names, name)
		}
		return nil
	})
	if err != nil {
		return relPlan{}, err
	}
	var cols []Column
	for _, c := range calls {
		cols = append(cols, c.sf.cols...)
	}
	if rf.Ordinality {
		cols = append(cols, Column{Name: "ordinality", Type: types.Int8})
	}
	rel := names[0]
	if rf.Alias != nil {
		rel = rf.Alias.Aliasname
		if len(cols) == 1+btoi(rf.Ordinality) && len(rf.Alias.Colnames) == 0 {
			cols[0].Name = rel // a one-column function takes the alias as its column name
		}
		for i, a := range rf.Alias.Colnames {
			if i >= len(cols) {
				return relPlan{}, pgerr.New(pgerr.InvalidColumnReference, "table %q has %d columns available but %d columns specified", rel, len(cols), len(rf.Alias.Colnames))
			}
			cols[i].Name = a.GetString_().GetSval()
		}
	}
	scols := make([]scopeCol, len(cols))
	for i, c := range cols {
		// A select list's set-returning functions, moved here, are not
		// columns of the query's own (srfRewrite).
		scols[i] = scopeCol{rel: rel, name: c.Name, typ: c.Type, idx: i, partner: -1, hidden: rel == srfRel}
	}
	node := newNode("Function Scan on " + names[0])
	ord := rf.Ordinality
	return relPlan{cols: scols, node: node, lateral: refs, build: func(ec *evalCtx) (exec.Operator, error) {
		var rows [][]types.Datum
		width := 0
		for _, c := range calls {
			vals := make([]types.Datum, len(c.args))
			for i, a := range c.args {
				v, err := a.Eval(ec)
				if err != nil {
					return nil, err
				}
				vals[i] = v
			}
			got, err := c.sf.rows(ec, vals)
			if err != nil {
				return nil, err
			}
			if len(calls) == 1 {
				rows = got
				break
			}
			// Zip: row i has every function's row i, NULLs past the end
			// of a shorter one.
			w := len(c.sf.cols)
			for len(rows) < len(got) {
				rows = append(rows, make([]types.Datum, width, len(cols)))
			}
			for i := range rows {
				if i < len(got) {
					rows[i] = append(rows[i], got[i]...)
				} else {
					rows[i] = append(rows[i], make([]types.Datum, w)...)
				}
			}
			width += w
		}
		if ord {
			for i := range rows {
				rows[i] = append(rows[i], int64(i+1))
			}
		}
		return node.instrument(resultOperator(newRows("SELECT", rows...), cols), ec), nil
	}}, nil
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// setFunction resolves a function call in FROM.
func (b *binder) setFunction(name string, args []Expr, loc int32) (setFunc, error) {
	switch name {
	case "unnest", "_pg_expandarray":
		if len(args) != 1 {
			return setFunc{}, wrongArgs(name, args, loc, b)
		}
		at, err := b.arrayArg(name, args, 0, loc)
		if err != nil {
			return setFunc{}, err
		}
		elem, _ := at.Elem()
		cols := []Column{{Name: "unnest", Type: elem}}
		if name == "_pg_expandarray" {
			cols = []Column{{Name: "x", Type: elem}, {Name: "n", Type: types.Int4}}
		}
		return setFunc{cols: cols, rows: func(e *evalCtx, v []types.Datum) ([][]types.Datum, error) {
			if v[0] == nil {
				return nil, nil
			}
			vals, err := arrayElems(e, at, v[0])
			if err != nil {
				return nil, err
			}
			rows := make([][]types.Datum, len(vals))
			for i, x := range vals {
				rows[i] = []types.Datum{x}
				if len(cols) == 2 {
					rows[i] = append(rows[i], int64(i+1))
				}
			}
			return rows, nil
		}}, nil
	case "generate_subscripts":
		if len(args) < 2 || len(args) > 3 {
			return setFunc{}, wrongArgs(name, args, loc, b)
		}
		at, err := b.arrayArg(name, args, 0, loc)
		if err != nil {
			return setFunc{}, err
		}
		for i := 1; i < len(args); i++ {
			want := types.Int4
			if i == 2 {
				want = types.Bool
			}
			if args[i], err = b.coerce(args[i], want, loc); err != nil {
				return setFunc{}, err
			}
		}
		return setFunc{cols: []Column{{Name: name, Type: types.Int4}}, rows: func(e *evalCtx, v []types.Datum) ([][]types.Datum, error) {
			if v[0] == nil || v[1] != int64(1) {
				return nil, nil
			}
			vals, err := arrayElems(e, at, v[0])
			if err != nil {
				return nil, err
			}
			rows := make([][]types.Datum, len(vals))
			for i := range vals {
				n := int64(i) + lowerBound(at)
				if len(v) == 3 && v[2] == true {
					n = lowerBound(at) + int64(len(vals)-1-i)
				}
				rows[i] = []types.Datum{n}
			}
			return rows, nil
		}}, nil
	case "generate_series":
		return b.generateSeries(args, loc)
	case "pg_get_keywords":
		if len(args) != 0 {
			return setFunc{}, wrongArgs(name, args, loc, b)
		}
		cols := []Column{{Name: "word", Type: types.Text}, {Name: "catcode", Type: types.Char}, {Name: "barelabel", Type: types.Bool},
			{Name: "catdesc", Type: types.Text}, {Name: "baredesc", Type: types.Text}}
		return setFunc{cols: cols, rows: func(*evalCtx, []types.Datum) ([][]types.Datum, error) {
			return parseStatic(keywords, cols), nil
		}}, nil
	}
	// A scalar function in FROM yields one row.
	fn, ok := builtins[name]
	if !ok {
		return setFunc{}, wrongArgs(name, args, loc, b)
	}
	e, err := fn(b, args, loc)
	if err != nil {
		return setFunc{}, err
	}
	return setFunc{cols: []Column{{Name: name, Type: e.Type()}}, rows: func(ec *evalCtx, _ []types.Datum) ([][]types.Datum, error) {
		v, err := e.Eval(ec)
		return [][]types.Datum{{v}}, err
	}}, nil
}

// generateSeries is generate_series over integers, numerics and
// timestamps (with an interval step).
func (b *binder) generateSeries(args []Expr, loc int32) (setFunc, error) {
	if len(args) < 2 || len(args) > 3 {
		return setFunc{}, wrongArgs("generate_series", args, loc, b)
	}
	l, r, err := b.unify(args[0], args[1], loc)
	if err != nil || l == nil {
		return setFunc{}, wrongArgs("generate_series", args, loc, b)
	}
	args[0], args[1] = l, r
	t := l.Type()
	if t.Oid == types.OidInt2 {
		t = types.Int4
	}
	t.Typmod = -1
	switch t.Family() {
	case types.IntFamily, types.NumericFamily:
		for i := range args {
			if args[i], err = b.coerce(args[i], t, loc); err != nil {
				return setFunc{}, err
			}
		}
	case types.TimestampFamily, types.DateFamily:
		if t.Family() == types.DateFamily {
			t = types.TimestampTZ // PostgreSQL's preferred candidate for dates
		}
		for i := 0; i < 2; i++ {
			if args[i], err = b.coerce(args[i], t, loc); err != nil {
				return setFunc{}, err
			}
		}
		if len(args) != 3 {
			return setFunc{}, wrongArgs("generate_series", args, loc, b)
		}
		if args[2], err = b.coerce(args[2], types.Interval, loc); err != nil {
			return setFunc{}, err
		}
	default:
		return setFunc{}, wrongArgs("generate_series", args, loc, b)
	}
	cols := []Column{{Name: "generate_series", Type: t}}
	const maxRows = 100_000_000
	return setFunc{cols: cols, rows: func(e *evalCtx, v []types.Datum) ([][]types.Datum, error) {
		for _, x := range v {
			if x == nil {
				return nil, nil
			}
		}
		var rows [][]types.Datum
		switch t.Family() {
		case types.IntFamily:
			lo, hi, step := v[0].(int64), v[1].(int64), int64(1)
			if len(v) == 3 {
				step = v[2].(int64)
			}
			if step == 0 {
				return nil, pgerr.New(pgerr.InvalidParameterValue, "step size cannot equal zero")
			}
			for i := lo; (step > 0 && i <= hi) || (step < 0 && i >= hi); i += step {
				if len(rows)%1024 == 0 && e.ctx.Err() != nil {
					return nil, canceled(e.ctx)
				}
				if len(rows) >= maxRows {
					return nil, pgerr.New(pgerr.ProgramLimitExceeded, "generate_series would return more than %d rows", maxRows)
				}
				rows = append(rows, []types.Datum{i})
				if (step > 0 && i > hi-step) || (step < 0 && i < hi-step) {
					break // the next value would overflow
				}
			}
		case types.NumericFamily:
			lo, hi := v[0].(*apd.Decimal), v[1].(*apd.Decimal)
			step := apd.New(1, 0)
			if len(v) == 3 {
				step = v[2].(*apd.Decimal)
			}
			for k, what := range []string{"start value", "stop value", "step size"} {
				if x := []*apd.Decimal{lo, hi, step}[k]; x.Form == apd.NaN || x.Form == apd.NaNSignaling {
					return nil, pgerr.New(pgerr.InvalidParameterValue, "%s cannot be NaN", what)
				}
			}
			if step.IsZero() {
				return nil, pgerr.New(pgerr.InvalidParameterValue, "step size cannot equal zero")
			}
			cur := new(apd.Decimal).Set(lo)
			for (!step.Negative && cur.Cmp(hi) <= 0) || (step.Negative && cur.Cmp(hi) >= 0) {
				if len(rows) >= maxRows {
					return nil, pgerr.New(pgerr.ProgramLimitExceeded, "generate_series would return more than %d rows", maxRows)
				}
				rows = append(rows, []types.Datum{new(apd.Decimal).Set(cur)})
				next := new(apd.Decimal)
				if _, err := decCtx.Add(next, cur, step); err != nil {
					return nil, err
				}
				cur = next
			}
		default:
			lo, hi, step := v[0].(time.Time), v[1].(time.Time), v[2].(types.DInterval)
			if cmp, _ := types.CompareFunc(types.Interval); cmp(step, types.DInterval{}) == 0 {
				// '1 day -24 hours' is zero too, as intervals compare.
				return nil, pgerr.New(pgerr.InvalidParameterValue, "step size cannot equal zero")
			}
			// As PostgreSQL does, each value is the previous plus the step
			// (so 1 month from January 31 goes on from February 29), in
			// the session's zone for timestamptz.
			cmp, _ := types.CompareFunc(types.Interval)
			neg := cmp(step, types.DInterval{}) < 0
			tz, loc := t.Oid == types.OidTimestampTZ, e.sess.Settings.Location()
			for cur := lo; (neg || !cur.After(hi)) && (!neg || !cur.Before(hi)); cur = addInterval(cur, step, tz, loc) {
				if len(rows)%1024 == 0 && e.ctx.Err() != nil {
					return nil, canceled(e.ctx)
				}
				if len(rows) >= maxRows {
					return nil, pgerr.New(pgerr.ProgramLimitExceeded, "generate_series would return more than %d rows", maxRows)
				}
				rows = append(rows, []types.Datum{cur})
			}
		}
		return rows, nil
	}}, nil
}

// selectListSRF binds a set-returning function called in a select list.
// Lattice runs these only in FROM; in a select list they bind (so that the
// tools' catalog queries over empty catalogs such as pg_index plan and
// return no rows) and fail if a row ever reaches them.
func selectListSRF(name string) builtin {
	return func(b *binder, args []Expr, loc int32) (Expr, error) {
		sf, err := b.setFunction(name, args, loc)
		if err != nil {
			return nil, err
		}
		fail := func(*evalCtx, []types.Datum) (types.Datum, error) {
			return nil, pgerr.New(pgerr.FeatureNotSupported, "set-returning function %s in a select list is not supported yet", name).
				WithHint("Call it in FROM instead: SELECT * FROM %s(...).", name)
		}
		call := &funcExpr{name: name, args: args, typ: sf.cols[0].Type, fn: fail}
		if len(sf.cols) > 1 {
			return &recordExpr{fields: sf.cols, Expr: &funcExpr{name: name, args: args, typ: types.Record, fn: fail}}, nil
		}
		return call, nil
	}
}
