package planner

import (
	"context"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/lattice-olap/lattice/exec"
	"github.com/lattice-olap/lattice/pgerr"
	"github.com/lattice-olap/lattice/types"
)

// LATERAL: a subquery in FROM marked LATERAL, and any function in FROM,
// may read the columns of the FROM items to its left. It binds as a
// correlated subquery whose enclosing query is those items (b.lateral):
// their columns are outer references, level 1. The join (lateralPlan)
// runs it once per distinct combination of the left values it reads, as
// a correlated subquery in an expression runs, and pairs each left row
// with the rows it returned for that row's values.

// maxLateralMemo bounds the rows a lateral join remembers across distinct
// left values; past it, the memo starts over. The rows it holds are
// charged to the query's memory budget.
const maxLateralMemo = 1 << 16

// bindFromChild binds a FROM item's subquery, or a function's arguments,
// with bind, in a child binder whose enclosing query is b's. A LATERAL item
// (lateral set) binds first in one whose enclosing query is the FROM items
// to its left: when it reads them, refs are its outer references (level 1:
// the left row, level 2 and up: b's enclosing queries), which key its runs.
// When it does not, it binds again as an ordinary FROM item, which can join
// by hash, and refs is nil.
func (b *binder) bindFromChild(lateral bool, bind func(inner *binder) error) (refs []*outerRef, err error) {
	if lateral {
		inner, left, err := b.bindLeftChild(bind)
		if err != nil {
			return nil, err
		}
		if inner != nil {
			b.params = inner.params
			b.correlated = b.correlated || left.correlated
			b.keyRefs = append(b.keyRefs, left.keyRefs...)
			return inner.keyRefs, nil
		}
	}
	inner := b.child()
	inner.outer = b.outer
	if err := bind(inner); err != nil {
		if pgerr.CodeOf(err) == pgerr.UndefinedTable && !lateral {
			// The table is there, to the left: only LATERAL would see it.
			if inner, _, lerr := b.bindLeftChild(bind); lerr == nil && inner != nil {
				rel := b.lateral.cols[leftRef(inner.keyRefs).idx].rel
				return nil, pgerr.New(pgerr.UndefinedTable, "invalid reference to FROM-clause entry for table %q", rel).
					WithHint("There is an entry for table %q, but it cannot be referenced from this part of the query.", rel)
			}
		}
		return nil, err
	}
	b.params = inner.params
	b.correlated = b.correlated || inner.correlated
	b.keyRefs = append(b.keyRefs, inner.keyRefs...)
	return nil, nil
}

// bindLeftChild binds with bind in a child binder whose enclosing query is
// the FROM items to the left (left), itself enclosed by b's. inner is nil
// when there are no such items or bind read none of their columns.
func (b *binder) bindLeftChild(bind func(inner *binder) error) (inner, left *binder, err error) {
	if b.lateral == nil || len(b.lateral.cols) == 0 {
		return nil, nil, nil
	}
	left = b.child()
	left.scope, left.outer = b.lateral, b.outer
	inner = b.child()
	inner.outer = left
	if err := bind(inner); err != nil {
		return nil, nil, err
	}
	if leftRef(inner.keyRefs) == nil {
		return nil, nil, nil
	}
	return inner, left, nil
}

// leftRef returns the first of refs that reads the left row (level 1).
func leftRef(refs []*outerRef) *outerRef {
	for _, r := range refs {
		if r.level == 1 {
			return r
		}
	}
	return nil
}

// lateralPlan joins l with r, a FROM item that reads l's columns (r.lateral
// set): an inner or left join on cond, a predicate over the joined row
// (nil: every pair).
func lateralPlan(l, r relPlan, kind exec.JoinKind, cond Expr) (relPlan, error) {
	if kind != exec.InnerJoin && kind != exec.LeftJoin {
		return relPlan{}, pgerr.New(pgerr.InvalidColumnReference, "invalid reference to FROM-clause entry for table %q", l.cols[0].rel).
			WithDetail("The combining JOIN type must be INNER or LEFT for a LATERAL reference.")
	}
	if c, ok := cond.(*constExpr); ok && c.v == true {
		cond = nil // ON true
	}
	cols := joinedCols(l, r)
	label := "Nested Loop"
	if kind == exec.LeftJoin {
		label += " Left Join"
	}
	node := newNode(label, l.node, r.node)
	if cond != nil {
		node.detail("Join Filter: %s", exprString(cond, cols))
	}
	out := relPlan{cols: cols, node: node, probe: l.probe}
	out.build = func(ec *evalCtx) (exec.Operator, error) {
		lo, err := l.build(ec)
		if err != nil {
			return nil, err
		}
		a := &applyOp{ec: ec, left: lo, right: r, kind: kind, cond: cond, memo: map[string][][]types.Datum{}}
		for _, c := range l.cols {
			a.ltypes = append(a.ltypes, c.typ)
		}
		for _, c := range r.cols {
			a.rtypes = append(a.rtypes, c.typ)
		}
		a.cols = out.execCols()
		a.out = exec.NewBuilder(a.cols)
		return node.instrument(a, ec), nil
	}
	return out, nil
}

// joinedCols is the scope of l joined with r: l's columns, then r's.
func joinedCols(l, r relPlan) []scopeCol {
	cols := append([]scopeCol(nil), l.cols...)
	for _, c := range r.cols {
		c.idx += len(l.cols)
		if c.partner >= 0 {
			c.partner += len(l.cols)
		}
		cols = append(cols, c)
	}
	return cols
}

// applyOp is a lateral join: for each left row, the right side's rows for
// its values (remembered per distinct combination of the values read),
// those that pass cond, or for a left join one NULL-extended row when
// none does.
type applyOp struct {
	ec             *evalCtx
	left           exec.Operator
	right          relPlan
	kind           exec.JoinKind
	cond           Expr
	condEC         *evalCtx // evaluates cond (and keeps its subqueries' results)
	ltypes, rtypes []types.T
	cols           []exec.Column
	out            *exec.Builder
	last           arrow.RecordBatch
	batch          arrow.RecordBatch // the left batch being joined
	row            int               // its next row
	lvals          []types.Datum     // the current left row's values
	cur            [][]types.Datum   // its matching right rows
	next           int               // the next of cur to emit
	joined         []types.Datum
	memo           map[string][][]types.Datum
	memoRows       int
	memoBytes      int64 // charged to the memory budget
	done           bool
}

func (a *applyOp) Columns() []exec.Column { return a.cols }

func (a *applyOp) Next(ctx context.Context) (arrow.RecordBatch, error) {
	if a.last != nil {
		a.last.Release()
		a.last = nil
	}
	for a.out.Len() < exec.BatchRows {
		if a.next < len(a.cur) {
			a.joined = append(append(a.joined[:0], a.lvals...), a.cur[a.next]...)
			if err := a.out.Add(a.joined); err != nil {
				return nil, err
			}
			a.next++
			continue
		}
		if a.done {
			break
		}
		if a.batch == nil || a.row >= int(a.batch.NumRows()) {
			rec, err := a.left.Next(ctx)
			if err != nil {
				return nil, err
			}
			if rec == nil {
				a.done = true
				a.batch = nil
				continue
			}
			a.batch, a.row = rec, 0
			continue
		}
		if err := a.joinRow(ctx); err != nil {
			return nil, err
		}
		a.row++
	}
	if a.out.Len() == 0 {
		return nil, nil
	}
	a.last = a.out.Batch()
	return a.last, nil
}

// joinRow sets cur to the right rows the current left row joins.
func (a *applyOp) joinRow(ctx context.Context) error {
	a.lvals = a.lvals[:0]
	for c, t := range a.ltypes {
		a.lvals = append(a.lvals, exec.Value(a.batch.Column(c), a.row, t))
	}
	rows, err := a.rightRows(ctx)
	if err != nil {
		return err
	}
	if a.cond != nil && len(rows) > 0 {
		if rows, err = a.matching(ctx, rows); err != nil {
			return err
		}
	}
	if len(rows) == 0 && a.kind == exec.LeftJoin {
		rows = [][]types.Datum{make([]types.Datum, len(a.rtypes))}
	}
	a.cur, a.next = rows, 0
	return nil
}

// rightRows runs the right side for the current left row, or recalls the
// rows it returned for the same values.
func (a *applyOp) rightRows(ctx context.Context) ([][]types.Datum, error) {
	leftRow := *a.ec
	leftRow.ctx, leftRow.rec, leftRow.row = ctx, a.batch, a.row
	var kb []byte
	for _, ref := range a.right.lateral {
		v, err := outerValue(&leftRow, ref.level-1, ref.idx, ref.typ)
		if err != nil {
			return nil, err
		}
		kb = exec.AppendKey(kb, ref.typ, v)
	}
	if rows, ok := a.memo[string(kb)]; ok {
		return rows, nil
	}
	// The right side's outer references read the left row through the
	// context, above the rows of the queries enclosing this one.
	stack, _ := ctx.Value(outerKey{}).([]*evalCtx)
	run := *a.ec
	run.ctx = context.WithValue(ctx, outerKey{}, append(stack[:len(stack):len(stack)], &leftRow))
	run.subs, run.corr, run.keySets = nil, nil, nil
	op, err := a.right.build(&run)
	if err != nil {
		return nil, err
	}
	defer op.Close()
	if a.memoRows > maxLateralMemo {
		a.forget(ctx)
	}
	var rows [][]types.Datum
	for {
		rec, err := op.Next(run.ctx)
		if err != nil {
			return nil, err
		}
		if rec == nil {
			break
		}
		var n int64
		for i := range int(rec.NumRows()) {
			row := make([]types.Datum, len(a.rtypes))
			for c, t := range a.rtypes {
				row[c] = exec.Value(rec.Column(c), i, t)
			}
			rows = append(rows, row)
			n += exec.RowBytes(row)
		}
		a.memoBytes += n
		if err := exec.Charge(ctx, n); err != nil {
			return nil, err
		}
	}
	a.memoRows += len(rows) + 1
	a.memo[string(kb)] = rows
	return rows, nil
}

// forget empties the memo and gives its bytes back to the budget.
func (a *applyOp) forget(ctx context.Context) {
	clear(a.memo)
	_ = exec.Charge(ctx, -a.memoBytes)
	a.memoRows, a.memoBytes = 0, 0
}

// matching keeps the right rows that, joined with the current left row,
// pass cond.
func (a *applyOp) matching(ctx context.Context, rows [][]types.Datum) ([][]types.Datum, error) {
	bld := exec.NewBuilder(a.cols)
	defer bld.Release()
	for _, r := range rows {
		a.joined = append(append(a.joined[:0], a.lvals...), r...)
		if err := bld.Add(a.joined); err != nil {
			return nil, err
		}
	}
	rec := bld.Batch()
	defer rec.Release()
	if a.condEC == nil {
		ec := *a.ec
		a.condEC = &ec
	}
	mask, err := batchExpr{a.cond, a.condEC}.EvalBatch(ctx, rec)
	if err != nil {
		return nil, err
	}
	defer mask.Release()
	m := mask.(*array.Boolean)
	var kept [][]types.Datum
	for i, r := range rows {
		if m.IsValid(i) && m.Value(i) {
			kept = append(kept, r)
		}
	}
	return kept, nil
}

func (a *applyOp) Close() {
	a.forget(a.ec.ctx)
	if a.last != nil {
		a.last.Release()
		a.last = nil
	}
	a.out.Release()
	a.left.Close()
}
