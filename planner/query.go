package planner

import (
	"context"
	"fmt"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	pg_query "github.com/pganalyze/pg_query_go/v6"

	"github.com/lattice-olap/lattice/exec"
	"github.com/lattice-olap/lattice/exec/copyio"
	"github.com/lattice-olap/lattice/metastore"
	"github.com/lattice-olap/lattice/pgerr"
	"github.com/lattice-olap/lattice/types"
)

// Queries over internal tables: the raw route. A query block becomes an
// operator pipeline  Scan → Filter → Project → Sort → Limit  that streams
// Arrow batches (package exec); expressions are evaluated over whole
// batches through batchExpr.

// scopeCol is a column a query block can name.
type scopeCol struct {
	rel    string // the table's alias or name
	name   string
	typ    types.T
	idx    int  // position in the input batches
	hidden bool // not expanded by * (USING duplicates, internal columns)
	// A column merged by USING/NATURAL: the left copy names its right
	// partner (an index into the scope, -1 otherwise) and is what an
	// unqualified reference means, as COALESCE(left, right); the right copy
	// is usingDup and only reachable qualified. usingPos orders merged
	// columns first in SELECT *.
	partner  int
	usingDup bool
	usingPos int
	// aliased is set for the columns of a join with an alias: the alias
	// qualifies a merged column as its unqualified name would.
	aliased bool
	// use records, for a table's column, that the query reads it, so the
	// scan reads only those columns (tcol is the column's index in it).
	use  *colUse
	tcol int
}

// colUse is the set of a scanned table's columns a query reads.
type colUse struct{ used []bool }

// mark records that the query reads the column.
func (c *scopeCol) mark() {
	if c.use != nil {
		c.use.used[c.tcol] = true
	}
}

// scope is the FROM clause's namespace.
type scope struct {
	cols []scopeCol
}

// colRef reads a column of the current row.
type colRef struct {
	idx int
	typ types.T
}

func (c *colRef) Type() types.T { return c.typ }

func (c *colRef) Eval(e *evalCtx) (types.Datum, error) {
	return exec.Value(e.rec.Column(c.idx), e.row, c.typ), nil
}

// columnRef resolves a column reference against the scope: 42703 when no
// column has the name, 42702 when several do.
func (b *binder) columnRef(cr *pg_query.ColumnRef) (Expr, error) {
	e, err := b.localColumnRef(cr)
	if err == nil || b.outer == nil {
		return e, err
	}
	if c := pgerr.CodeOf(err); c != pgerr.UndefinedColumn && c != pgerr.UndefinedTable {
		return nil, err
	}
	// Not ours: maybe the enclosing query's (a correlated subquery).
	oe, oerr := b.outer.outerColumnRef(cr)
	if oerr != nil {
		if pgerr.CodeOf(oerr) == pgerr.GroupingError {
			return nil, oerr
		}
		return nil, err
	}
	b.correlated = true
	if e, ok := b.liftOuter(oe, columnRefName(cr)); ok {
		return e, nil
	}
	return nil, pgerr.New(pgerr.FeatureNotSupported, "this outer reference is not supported yet")
}

// liftOuter turns what the enclosing query's columnRef returned, an
// expression over its row, into one this subquery evaluates: its columns
// become outer references one level further out. A column merged by
// USING is a COALESCE of both copies, maybe cast.
func (b *binder) liftOuter(e Expr, name string) (Expr, bool) {
	switch x := e.(type) {
	case *colRef:
		ref := &outerRef{level: 1, idx: x.idx, typ: x.typ, name: name}
		b.keyRefs = append(b.keyRefs, ref)
		return ref, true
	case *outerRef:
		ref := &outerRef{level: x.level + 1, idx: x.idx, typ: x.typ, name: x.name}
		b.keyRefs = append(b.keyRefs, ref)
		return ref, true
	case *castExpr:
		a, ok := b.liftOuter(x.arg, name)
		return &castExpr{arg: a, typ: x.typ}, ok
	case *coalesceExpr:
		out := &coalesceExpr{typ: x.typ}
		for _, a := range x.args {
			la, ok := b.liftOuter(a, name)
			if !ok {
				return nil, false
			}
			out.args = append(out.args, la)
		}
		return out, true
	}
	return nil, false
}

// outerColumnRef resolves a column reference of a subquery of b's. Where b
// binds after its aggregation (select list, HAVING, ORDER BY), the row a
// subquery sees is the aggregation's output: a column must be a group key,
// read where the aggregation puts it.
func (b *binder) outerColumnRef(cr *pg_query.ColumnRef) (Expr, error) {
	ag := b.agg
	if ag == nil || ag.inArg {
		return b.columnRef(cr)
	}
	b.agg = nil
	e, err := b.columnRef(cr)
	b.agg = ag
	if err != nil {
		return nil, err
	}
	in, ok := e.(*colRef)
	if _, further := e.(*outerRef); further {
		return e, nil // a query further out's, not aggregated here
	}
	if !ok {
		// A USING column's COALESCE of both copies: not matched with the
		// group keys yet.
		return nil, b.errorf(cr.Location, pgerr.FeatureNotSupported, "a subquery cannot read the merged column %q of a grouped query yet", columnRefName(cr))
	}
	for i, g := range ag.groups {
		if gc, ok := g.(*colRef); ok && gc.idx == in.idx {
			return &colRef{idx: i, typ: g.Type()}, nil
		}
	}
	return nil, b.errorf(cr.Location, pgerr.GroupingError, "subquery uses ungrouped column %q from outer query", columnRefName(cr))
}

// localColumnRef resolves a column reference in this query's own scope.
func (b *binder) localColumnRef(cr *pg_query.ColumnRef) (Expr, error) {
	var parts []string
	for _, f := range cr.Fields {
		if s := f.GetString_(); s != nil {
			parts = append(parts, s.Sval)
		} else {
			return nil, b.errorf(cr.Location, pgerr.FeatureNotSupported, "this column reference is not supported here")
		}
	}
	rel, name := "", parts[len(parts)-1]
	if len(parts) >= 2 {
		rel = parts[len(parts)-2]
	}
	if b.scope == nil {
		if rel != "" {
			return nil, b.errorf(cr.Location, pgerr.UndefinedTable, "missing FROM-clause entry for table %q", rel)
		}
		return nil, b.errorf(cr.Location, pgerr.UndefinedColumn, "column %q does not exist", name)
	}
	var found *scopeCol
	relSeen := rel == ""
	for i := range b.scope.cols {
		c := &b.scope.cols[i]
		if rel != "" && c.rel != rel {
			continue
		}
		relSeen = true
		if c.name != name || (rel == "" && c.usingDup) {
			continue
		}
		if found != nil {
			return nil, b.errorf(cr.Location, pgerr.AmbiguousColumn, "column reference %q is ambiguous", strings.Join(parts, "."))
		}
		found = c
	}
	if !relSeen {
		return nil, b.errorf(cr.Location, pgerr.UndefinedTable, "missing FROM-clause entry for table %q", rel)
	}
	if found == nil {
		if rel != "" {
			return nil, b.errorf(cr.Location, pgerr.UndefinedColumn, "column %s.%s does not exist", rel, name)
		}
		return nil, b.errorf(cr.Location, pgerr.UndefinedColumn, "column %q does not exist", name)
	}
	found.mark()
	if (rel == "" || found.aliased) && found.usingPos > 0 && found.partner >= 0 {
		p := b.scope.cols[found.partner]
		p.mark()
		// The merged column is of both sides' common type: a typmod only
		// when both have it (numeric(10,2) with numeric(6,1) is numeric,
		// each value keeping its scale).
		ct, ok := commonType(found.typ, p.typ)
		if !ok {
			ct = found.typ
		}
		args := []Expr{&colRef{idx: found.idx, typ: found.typ}, &colRef{idx: p.idx, typ: p.typ}}
		for i, a := range args {
			if a.Type().Oid != ct.Oid {
				c, err := b.cast(a, ct, cr.Location, false)
				if err != nil {
					return nil, err
				}
				args[i] = c
			}
		}
		return &coalesceExpr{args: args, typ: ct}, nil
	}
	return &colRef{idx: found.idx, typ: found.typ}, nil
}

// batchExpr evaluates a bound expression over batches (exec.BatchExpr).
type batchExpr struct {
	e  Expr
	ec *evalCtx
}

func (x batchExpr) Type() types.T { return x.e.Type() }

func (x batchExpr) EvalBatch(ctx context.Context, rec arrow.RecordBatch) (arrow.Array, error) {
	if c, ok := x.e.(*colRef); ok {
		a := rec.Column(c.idx)
		a.Retain()
		return a, nil
	}
	x.ec.ctx = ctx
	if a, ok := kernel(x.e, rec, x.ec); ok {
		return a, nil
	}
	t := x.e.Type()
	bld := array.NewBuilder(memory.DefaultAllocator, exec.ArrowType(t))
	defer bld.Release()
	bld.Reserve(int(rec.NumRows()))
	x.ec.ctx, x.ec.rec = ctx, rec
	for i := 0; i < int(rec.NumRows()); i++ {
		x.ec.row = i
		v, err := x.e.Eval(x.ec)
		if err != nil {
			return nil, err
		}
		if err := exec.Append(bld, t, v); err != nil {
			return nil, err
		}
	}
	return bld.NewArray(), nil
}

// limitValues evaluates LIMIT and OFFSET (-1: no limit).
func limitValues(ec *evalCtx, limit, offset Expr) (lim, off int64, err error) {
	lim = -1
	for _, x := range []Expr{limit, offset} {
		if x == nil {
			continue
		}
		v, err := x.Eval(ec)
		if err != nil {
			return 0, 0, err
		}
		if v == nil {
			continue
		}
		n := v.(int64)
		if n < 0 {
			if x == limit {
				return 0, 0, pgerr.New(pgerr.InvalidRowCountInLimitClause, "LIMIT must not be negative")
			}
			return 0, 0, pgerr.New(pgerr.InvalidRowCountInResultOffsetClause, "OFFSET must not be negative")
		}
		if x == limit {
			lim = n
		} else {
			off = n
		}
	}
	return lim, off, nil
}

// opResult adapts an operator pipeline to Result, showing the first n
// columns (the rest are hidden sort keys).
type opResult struct {
	rows *exec.Rows
	n    int
	out  arrow.RecordBatch // of nextBatch
}

func (r *opResult) Next(ctx context.Context) bool { return r.rows.Next(ctx) }

// nextBatch returns the next rows as an Arrow batch of the shown columns,
// valid until the next call.
func (r *opResult) nextBatch(ctx context.Context) (arrow.RecordBatch, error) {
	if r.out != nil {
		r.out.Release()
		r.out = nil
	}
	rec, err := r.rows.NextBatch(ctx)
	if err != nil || rec == nil || int(rec.NumCols()) == r.n {
		return rec, err
	}
	r.out = array.NewRecordBatch(arrow.NewSchema(rec.Schema().Fields()[:r.n], nil), rec.Columns()[:r.n], rec.NumRows())
	return r.out, nil
}

func (r *opResult) Row() []types.Datum { return r.rows.Row()[:r.n] }
func (r *opResult) Tag() string        { return "SELECT" }
func (r *opResult) Close() {
	if r.out != nil {
		r.out.Release()
	}
	r.rows.Close()
}

func (r *opResult) Err() error {
	err := r.rows.Err()
	if err == context.Canceled || err == context.DeadlineExceeded {
		return pgerr.New(pgerr.QueryCanceled, "canceling statement due to user request")
	}
	return err
}

func isAggregateCall(n *pg_query.Node) bool {
	fc := n.GetFuncCall()
	if fc == nil {
		return false
	}
	return isAggregate(strings.ToLower(opName(fc.Funcname))) || fc.AggStar
}

// insert binds INSERT INTO t [(cols)] VALUES ... | SELECT ...
func (b *binder) insert(ctx context.Context, ins *pg_query.InsertStmt) (*Statement, error) {
	if ins.OnConflictClause != nil || len(ins.ReturningList) > 0 || ins.WithClause != nil {
		return nil, pgerr.New(pgerr.FeatureNotSupported, "INSERT with ON CONFLICT, RETURNING or WITH is not supported")
	}
	def, err := b.lookupTable(ctx, ins.Relation)
	if err == nil {
		err = notATable(def, "insert into")
	}
	if err != nil {
		return nil, err
	}
	target, err := b.targetColumns(def, ins.Cols)
	if err != nil {
		return nil, err
	}
	cols := defColumns(def)
	sel := ins.SelectStmt.GetSelectStmt()
	if sel == nil {
		return nil, pgerr.New(pgerr.FeatureNotSupported, "INSERT ... DEFAULT VALUES is not supported")
	}
	if len(sel.ValuesLists) > 0 {
		var rows [][]Expr
		for _, vl := range sel.ValuesLists {
			items := vl.GetList().GetItems()
			if len(items) > len(target) {
				return nil, pgerr.New(pgerr.SyntaxError, "INSERT has more expressions than target columns")
			}
			if len(items) < len(target) {
				return nil, pgerr.New(pgerr.SyntaxError, "INSERT has more target columns than expressions")
			}
			row := make([]Expr, len(items))
			for k, it := range items {
				e, err := b.expr(it)
				if err != nil {
					return nil, err
				}
				if row[k], err = b.assign(e, cols[target[k]], 0); err != nil {
					return nil, err
				}
			}
			rows = append(rows, row)
		}
		params, err := b.paramTypes()
		if err != nil {
			return nil, err
		}
		return &Statement{Params: params, run: func(ctx context.Context, s *Session, args []types.Datum) (Result, error) {
			ec := s.evalCtx(ctx, args)
			loader := newTableLoader(s, def)
			vals := make([]types.Datum, len(target))
			for _, row := range rows {
				for k, e := range row {
					v, err := e.Eval(ec)
					if err != nil {
						loader.abort()
						return nil, err
					}
					vals[k] = v
				}
				full, err := fullRow(def, target, vals)
				if err == nil {
					err = loader.add(full)
				}
				if err != nil {
					loader.abort()
					return nil, err
				}
			}
			if err := loader.commit(ctx); err != nil {
				return nil, err
			}
			return tagOnly(fmt.Sprintf("INSERT 0 %d", loader.rows)), nil
		}}, nil
	}
	// INSERT ... SELECT: run the query and coerce its rows.
	q, err := b.selectStmt(ctx, sel)
	if err != nil {
		return nil, err
	}
	if len(q.Columns) != len(target) {
		return nil, pgerr.New(pgerr.SyntaxError, "INSERT has more %s than %s",
			map[bool]string{true: "expressions", false: "target columns"}[len(q.Columns) > len(target)],
			map[bool]string{true: "target columns", false: "expressions"}[len(q.Columns) > len(target)])
	}
	for k, c := range q.Columns {
		if !canAssign(c.Type, cols[target[k]].Type) {
			return nil, pgerr.New(pgerr.DatatypeMismatch, "column %q is of type %s but expression is of type %s", cols[target[k]].Name, cols[target[k]].Type, c.Type).
				WithHint("You will need to rewrite or cast the expression.")
		}
	}
	return &Statement{Params: q.Params, fold: q.fold, run: func(ctx context.Context, s *Session, args []types.Datum) (Result, error) {
		res, err := q.run(ctx, s, args)
		if err != nil {
			return nil, err
		}
		defer res.Close()
		loader := newTableLoader(s, def)
		vals := make([]types.Datum, len(target))
		for res.Next(ctx) {
			for k, v := range res.Row() {
				if vals[k], err = castDatum(s, v, q.Columns[k].Type, cols[target[k]].Type); err != nil {
					loader.abort()
					return nil, err
				}
			}
			full, err := fullRow(def, target, vals)
			if err == nil {
				err = loader.add(full)
			}
			if err != nil {
				loader.abort()
				return nil, err
			}
		}
		if err := res.Err(); err != nil {
			loader.abort()
			return nil, err
		}
		if err := loader.commit(ctx); err != nil {
			return nil, err
		}
		return tagOnly(fmt.Sprintf("INSERT 0 %d", loader.rows)), nil
	}}, nil
}

// canAssign reports PostgreSQL's assignment casts: implicit ones plus
// number narrowing and anything to a string type.
func canAssign(from, to types.T) bool {
	if from.Oid == types.OidUnknown || canCast(from, to, false) {
		return true
	}
	return (from.IsNumericKind() && to.IsNumericKind()) || to.Family() == types.StringFamily ||
		(from.Family() == types.TimestampFamily && (to.Family() == types.DateFamily || to.Family() == types.TimeFamily)) ||
		(from.Family() == types.IntervalFamily && to.Family() == types.TimeFamily)
}

// assign coerces a value for storage in a column (assignment context).
func (b *binder) assign(e Expr, col exec.Column, loc int32) (Expr, error) {
	if !canAssign(e.Type(), col.Type) {
		return nil, b.errorf(loc, pgerr.DatatypeMismatch, "column %q is of type %s but expression is of type %s", col.Name, col.Type, e.Type()).
			WithHint("You will need to rewrite or cast the expression.")
	}
	return b.cast(e, col.Type, loc, true)
}

// copyTo binds COPY t [(cols)] TO STDOUT and COPY (query) TO STDOUT.
func (b *binder) copyTo(ctx context.Context, cs *pg_query.CopyStmt, f copyio.Format) (*Statement, error) {
	var q *Statement
	var err error
	if cs.Query != nil {
		sel := cs.Query.GetSelectStmt()
		if sel == nil {
			return nil, pgerr.New(pgerr.FeatureNotSupported, "COPY (query) TO supports only SELECT")
		}
		q, err = b.selectStmt(ctx, sel)
	} else {
		var def metastore.TableDef
		if def, err = b.lookupTable(ctx, cs.Relation); err != nil {
			return nil, err
		}
		if def.View != "" {
			return nil, pgerr.New(pgerr.WrongObjectType, "cannot copy from view %q", def.Name).
				WithHint("Try the COPY (SELECT ...) TO variant.")
		}
		target, terr := b.targetColumns(def, cs.Attlist)
		if terr != nil {
			return nil, terr
		}
		var names []string
		for _, i := range target {
			names = append(names, pgQuoteIdent(def.Columns[i].Name))
		}
		text := "SELECT " + strings.Join(names, ", ") + " FROM " + pgQuoteIdent(def.Schema) + "." + pgQuoteIdent(def.Name)
		stmts, perr := b.sess.planner.parse(text)
		if perr != nil {
			return nil, perr
		}
		inner := newBinder(b.sess, text, nil)
		inner.ctx = ctx
		q, err = inner.selectStmt(ctx, stmts[0].stmt.GetSelectStmt())
	}
	if err != nil {
		return nil, err
	}
	if len(q.Params) > 0 {
		return nil, pgerr.New(pgerr.FeatureNotSupported, "COPY (query) cannot take parameters")
	}
	op := &CopyOp{Columns: len(q.Columns)}
	op.Dump = func(ctx context.Context, emit func([]byte) error) (int64, error) {
		return b.sess.copyOut(ctx, q, f, emit)
	}
	return &Statement{Copy: op}, nil
}

func pgQuoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

// copyOut runs a query and writes its rows in COPY format.
func (s *Session) copyOut(ctx context.Context, q *Statement, f copyio.Format, emit func([]byte) error) (int64, error) {
	res, err := s.Execute(ctx, q, nil)
	if err != nil {
		return 0, err
	}
	defer res.Close()
	w := copyio.NewWriter(f)
	if f.Header {
		names := make([]string, len(q.Columns))
		for i, c := range q.Columns {
			names[i] = c.Name
		}
		if err := emit(w.Header(names)); err != nil {
			return 0, err
		}
	}
	opt := s.Settings.FormatOptions()
	fields := make([]copyio.Field, len(q.Columns))
	var buf []byte
	var n int64
	for res.Next(ctx) {
		for i, v := range res.Row() {
			if v == nil {
				fields[i] = copyio.Field{Null: true}
				continue
			}
			fields[i] = copyio.Field{Value: textOfDatum(q.Columns[i].Type, v, &opt)}
		}
		buf = w.AppendRow(buf[:0], fields)
		if err := emit(buf); err != nil {
			return n, err
		}
		n++
	}
	return n, res.Err()
}

// textOfDatum is a value's text output (PostgreSQL's output function).
func textOfDatum(t types.T, v types.Datum, opt *types.FormatOptions) string {
	return string(types.AppendText(nil, t, v, opt))
}
