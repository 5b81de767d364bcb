package planner

import (
	"context"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
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
	// stream, when set, yields a one-column function's values one at a
	// time instead of all at once (generate_series).
	stream func(e *evalCtx, args []types.Datum) (func() (types.Datum, bool, error), error)
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
			if len(calls) == 1 && c.sf.stream != nil {
				next, err := c.sf.stream(ec, vals)
				if err != nil {
					return nil, err
				}
				return node.instrument(newSeriesOp(cols, next, ord), ec), nil
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
	stream := func(e *evalCtx, v []types.Datum) (func() (types.Datum, bool, error), error) {
		return seriesOf(e, t, v)
	}
	return setFunc{cols: cols, stream: stream, rows: func(e *evalCtx, v []types.Datum) ([][]types.Datum, error) {
		// Materialized (ROWS FROM, and the select list's lockstep): the
		// rows are counted against the query's memory budget.
		next, err := seriesOf(e, t, v)
		if err != nil {
			return nil, err
		}
		var rows [][]types.Datum
		for {
			x, ok, err := next()
			if err != nil || !ok {
				return rows, err
			}
			if len(rows)%1024 == 0 {
				if err := e.ctx.Err(); err != nil {
					return nil, canceled(e.ctx)
				}
				if err := exec.Charge(e.ctx, 1024*exec.RowBytes([]types.Datum{x})); err != nil {
					return nil, err
				}
				if len(rows) >= maxSeriesRows {
					return nil, pgerr.New(pgerr.ProgramLimitExceeded, "generate_series would return more than %d rows here", maxSeriesRows).
						WithHint("Call it alone in FROM, where its rows stream.")
				}
			}
			rows = append(rows, []types.Datum{x})
		}
	}}, nil
}

// maxSeriesRows bounds a generate_series held in memory whole (beside
// another function in ROWS FROM, or in a select list).
const maxSeriesRows = 100_000_000

// seriesOf returns generate_series's values one at a time: integers and
// numerics by step, timestamps each the previous plus the interval (so 1
// month from January 31 goes on from February 29), in the session's zone
// for timestamptz, as PostgreSQL computes them. A NULL argument is an
// empty series.
func seriesOf(e *evalCtx, t types.T, v []types.Datum) (func() (types.Datum, bool, error), error) {
	end := func() (types.Datum, bool, error) { return nil, false, nil }
	for _, x := range v {
		if x == nil {
			return end, nil
		}
	}
	switch t.Family() {
	case types.IntFamily:
		cur, hi, step := v[0].(int64), v[1].(int64), int64(1)
		if len(v) == 3 {
			step = v[2].(int64)
		}
		if step == 0 {
			return nil, pgerr.New(pgerr.InvalidParameterValue, "step size cannot equal zero")
		}
		done := (step > 0 && cur > hi) || (step < 0 && cur < hi)
		return func() (types.Datum, bool, error) {
			if done {
				return nil, false, nil
			}
			x := cur
			if (step > 0 && cur > hi-step) || (step < 0 && cur < hi-step) {
				done = true // the next value would pass the end, or overflow
			} else {
				cur += step
			}
			return x, true, nil
		}, nil
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
		return func() (types.Datum, bool, error) {
			if (!step.Negative && cur.Cmp(hi) > 0) || (step.Negative && cur.Cmp(hi) < 0) {
				return nil, false, nil
			}
			x := cur
			next := new(apd.Decimal)
			if _, err := decCtx.Add(next, cur, step); err != nil {
				return nil, false, err
			}
			cur = next
			return x, true, nil
		}, nil
	}
	cur, hi, step := v[0].(time.Time), v[1].(time.Time), v[2].(types.DInterval)
	cmp, _ := types.CompareFunc(types.Interval)
	if cmp(step, types.DInterval{}) == 0 {
		// '1 day -24 hours' is zero too, as intervals compare.
		return nil, pgerr.New(pgerr.InvalidParameterValue, "step size cannot equal zero")
	}
	neg := cmp(step, types.DInterval{}) < 0
	tz, loc := t.Oid == types.OidTimestampTZ, e.sess.Settings.Location()
	return func() (types.Datum, bool, error) {
		if (!neg && cur.After(hi)) || (neg && cur.Before(hi)) {
			return nil, false, nil
		}
		x := cur
		cur = addInterval(cur, step, tz, loc)
		return x, true, nil
	}, nil
}

// seriesOp streams a set-returning function's values in batches (with
// their ordinality), so that a long generate_series under LIMIT, or
// counted, never sits in memory whole.
type seriesOp struct {
	cols []exec.Column
	next func() (types.Datum, bool, error)
	ord  bool
	n    int64
	bld  *exec.Builder
	row  []types.Datum
	last arrow.RecordBatch
	done bool
}

func newSeriesOp(cols []Column, next func() (types.Datum, bool, error), ord bool) *seriesOp {
	ecols := make([]exec.Column, len(cols))
	for i, c := range cols {
		ecols[i] = exec.Column{Name: c.Name, Type: c.Type}
	}
	return &seriesOp{cols: ecols, next: next, ord: ord, bld: exec.NewBuilder(ecols), row: make([]types.Datum, len(cols))}
}

func (s *seriesOp) Columns() []exec.Column { return s.cols }

func (s *seriesOp) Next(ctx context.Context) (arrow.RecordBatch, error) {
	if s.last != nil {
		s.last.Release()
		s.last = nil
	}
	if s.done {
		return nil, nil
	}
	if err := ctx.Err(); err != nil {
		return nil, canceled(ctx)
	}
	for s.bld.Len() < exec.BatchRows {
		x, ok, err := s.next()
		if err != nil {
			return nil, err
		}
		if !ok {
			s.done = true
			break
		}
		s.n++
		s.row[0] = x
		if s.ord {
			s.row[1] = s.n
		}
		if err := s.bld.Add(s.row); err != nil {
			return nil, err
		}
	}
	if s.bld.Len() == 0 {
		return nil, nil
	}
	s.last = s.bld.Batch()
	return s.last, nil
}

func (s *seriesOp) Close() {
	if s.last != nil {
		s.last.Release()
		s.last = nil
	}
	s.bld.Release()
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
