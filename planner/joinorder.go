package planner

import (
	"context"

	pg_query "github.com/pganalyze/pg_query_go/v6"
)

// orderJoins picks the join order of a comma-separated FROM list of
// tables. fromWhere joins items left to right, hashing each new item, so a
// list written dimension-first (SSB's Q4 starts with dates, customer,
// supplier, part, then lineorder) would cross-join the dimensions and hash
// the fact table. The order chosen starts with the largest table and then
// adds, at each step, a table joined to those already placed by an
// equality of WHERE, the largest first; unconnected tables come last.
//
// Only the order of the joins changes, never a result: it applies when the
// select list has no * (whose column order follows FROM) and every item is
// a plain table.
func (b *binder) orderJoins(ctx context.Context, sel *pg_query.SelectStmt) []*pg_query.Node {
	items := sel.FromClause
	if len(items) < 2 {
		return items
	}
	for _, t := range sel.TargetList {
		if cr := t.GetResTarget().Val.GetColumnRef(); cr != nil && cr.Fields[len(cr.Fields)-1].GetAStar() != nil {
			return items
		}
	}
	for _, it := range items {
		if it.GetRangeVar() == nil {
			return items
		}
	}
	q, why := b.analyze(ctx, &pg_query.SelectStmt{FromClause: items, WhereClause: sel.WhereClause})
	if why != nil || len(q.tables) != len(items) {
		return items
	}
	rows := make([]int64, len(items))
	for i, t := range q.tables {
		files, err := b.sess.planner.store.TableFiles(ctx, t.def.Project, t.def.Schema, t.def.Name)
		if err != nil {
			return items
		}
		for _, f := range files {
			rows[i] += f.Rows
		}
	}
	// Edges: equalities between columns of two items.
	linked := make([][]bool, len(items))
	for i := range linked {
		linked[i] = make([]bool, len(items))
	}
	for _, c := range q.conds {
		ae := c.GetAExpr()
		if ae == nil || ae.Kind != pg_query.A_Expr_Kind_AEXPR_OP || opName(ae.Name) != "=" || ae.Lexpr.GetColumnRef() == nil || ae.Rexpr.GetColumnRef() == nil {
			continue
		}
		l, _, lok, _ := q.resolve(ae.Lexpr.GetColumnRef())
		r, _, rok, _ := q.resolve(ae.Rexpr.GetColumnRef())
		if lok && rok && l != r {
			linked[l][r], linked[r][l] = true, true
		}
	}
	placed := make([]bool, len(items))
	order := make([]int, 0, len(items))
	pick := func(connected bool) int {
		best := -1
		for i := range items {
			if placed[i] {
				continue
			}
			if connected {
				ok := false
				for _, j := range order {
					ok = ok || linked[i][j]
				}
				if !ok {
					continue
				}
			}
			if best < 0 || rows[i] > rows[best] {
				best = i
			}
		}
		return best
	}
	for len(order) < len(items) {
		next := -1
		if len(order) > 0 {
			next = pick(true)
		}
		if next < 0 {
			next = pick(false)
		}
		placed[next] = true
		order = append(order, next)
	}
	out := make([]*pg_query.Node, len(items))
	for k, i := range order {
		out[k] = items[i]
	}
	return out
}
