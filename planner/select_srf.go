package planner

import (
	"fmt"
	"strings"

	pg_query "github.com/pganalyze/pg_query_go/v6"
	"google.golang.org/protobuf/proto"

	"github.com/lattice-olap/lattice/pgerr"
)

// Set-returning functions in a select list. SELECT x, unnest(arr) FROM t
// runs as
//
//	SELECT x, "*srf*".srf1 FROM t, LATERAL ROWS FROM (unnest(arr)) AS "*srf*"(srf1)
//
// which is what PostgreSQL's ProjectSet computes for a query that does not
// group: each input row yields as many rows as its longest function
// returns, the shorter padded with NULLs, and none when every function
// returns none; WHERE filters the input rows, and DISTINCT, ORDER BY and
// LIMIT apply to the rows yielded. The output columns keep the names they
// had. In WHERE, CASE or COALESCE they are refused, as PostgreSQL refuses
// them. A grouped or windowed query, or a set-returning function inside
// another's arguments, in ORDER BY or in DISTINCT ON, is not rewritten:
// such calls bind as before (selectListSRF) and fail if a row reaches
// them.

// srfRel is the FROM item the select list's set-returning functions move
// to; its columns are hidden from *.
const srfRel = "*srf*"

// isSelectListSRF reports a call of a one-column set-returning function.
func isSelectListSRF(fc *pg_query.FuncCall) bool {
	name := strings.ToLower(opName(fc.Funcname))
	name = strings.TrimPrefix(name, "pg_catalog.")
	switch name {
	case "unnest":
		return len(fc.Args) == 1 && fc.Over == nil
	case "generate_series", "generate_subscripts":
		return fc.Over == nil
	}
	return false
}

// containsSRF reports a select-list set-returning function call in n,
// outside subqueries.
func containsSRF(n *pg_query.Node) bool {
	found := false
	walkNodes(n, func(m *pg_query.Node) bool {
		if found || m.GetSubLink() != nil {
			return false
		}
		if fc := m.GetFuncCall(); fc != nil && isSelectListSRF(fc) {
			found = true
		}
		return !found
	})
	return found
}

// srfMisplaced refuses set-returning functions where PostgreSQL does: in
// WHERE, and inside CASE or COALESCE (which would run them conditionally).
func srfMisplaced(sel *pg_query.SelectStmt) error {
	if containsSRF(sel.WhereClause) {
		return pgerr.New(pgerr.FeatureNotSupported, "set-returning functions are not allowed in WHERE")
	}
	var err error
	for _, t := range sel.TargetList {
		walkNodes(t.GetResTarget().GetVal(), func(m *pg_query.Node) bool {
			if err != nil || m.GetSubLink() != nil {
				return false
			}
			what := ""
			if ce := m.GetCaseExpr(); ce != nil {
				what = "CASE"
			} else if m.GetCoalesceExpr() != nil {
				what = "COALESCE"
			}
			if what != "" && containsSRF(m) {
				err = pgerr.New(pgerr.FeatureNotSupported, "set-returning functions are not allowed in %s", what).
					WithHint("You might be able to move the set-returning function into a LATERAL FROM item.")
			}
			return err == nil
		})
	}
	return err
}

// srfRewrite returns sel with its select list's set-returning function
// calls moved into FROM, or nil when it has none or cannot be rewritten.
func srfRewrite(sel *pg_query.SelectStmt) *pg_query.SelectStmt {
	found := false
	for _, t := range sel.TargetList {
		if containsSRF(t.GetResTarget().GetVal()) {
			found = true
		}
	}
	if !found || len(sel.WindowClause) > 0 {
		return nil
	}
	grouped := len(sel.GroupClause) > 0 || sel.HavingClause != nil
	for _, t := range sel.TargetList {
		grouped = grouped || hasAggregate(t.GetResTarget().GetVal())
	}
	if grouped {
		return srfGroupedRewrite(sel)
	}
	if containsSRF(sel.WhereClause) || containsSRF(sel.LimitCount) || containsSRF(sel.LimitOffset) {
		return nil
	}
	for _, l := range [][]*pg_query.Node{sel.SortClause, sel.DistinctClause} {
		for _, n := range l {
			if containsSRF(n) {
				return nil
			}
		}
	}
	ok := true
	for _, t := range sel.TargetList {
		val := t.GetResTarget().GetVal()
		if hasAggregate(val) {
			return nil
		}
		walkNodes(val, func(m *pg_query.Node) bool {
			if !ok || m.GetSubLink() != nil {
				return false
			}
			if fc := m.GetFuncCall(); fc != nil {
				if fc.Over != nil {
					ok = false // a window function: the functions would run below it
				} else if isSelectListSRF(fc) {
					for _, a := range fc.Args {
						ok = ok && !containsSRF(a)
					}
					return false
				}
			}
			if (m.GetCaseExpr() != nil || m.GetCoalesceExpr() != nil) && containsSRF(m) {
				ok = false // PostgreSQL refuses these
			}
			return ok
		})
	}
	if !ok {
		return nil
	}
	out := proto.Clone(sel).(*pg_query.SelectStmt)
	out.WithClause = nil // bound already, by the caller
	var funcs, colnames []*pg_query.Node
	for _, t := range out.TargetList {
		rt := t.GetResTarget()
		name := figureColname(rt.Val)
		moved := false
		walkNodes(rt.Val, func(m *pg_query.Node) bool {
			if m.GetSubLink() != nil {
				return false
			}
			fc := m.GetFuncCall()
			if fc == nil || !isSelectListSRF(fc) {
				return true
			}
			col := fmt.Sprintf("srf%d", len(funcs)+1)
			funcs = append(funcs, pg_query.MakeListNode([]*pg_query.Node{{Node: &pg_query.Node_FuncCall{FuncCall: fc}}}))
			colnames = append(colnames, pg_query.MakeStrNode(col))
			m.Node = pg_query.MakeColumnRefNode([]*pg_query.Node{pg_query.MakeStrNode(srfRel), pg_query.MakeStrNode(col)}, fc.Location).Node
			moved = true
			return false
		})
		if moved && rt.Name == "" {
			rt.Name = name
		}
	}
	out.FromClause = append(out.FromClause, &pg_query.Node{Node: &pg_query.Node_RangeFunction{RangeFunction: &pg_query.RangeFunction{
		Lateral:    true,
		IsRowsfrom: len(funcs) > 1,
		Functions:  funcs,
		Alias:      &pg_query.Alias{Aliasname: srfRel, Colnames: colnames},
	}}})
	return out
}

// srfGroupedRewrite moves a grouped query's select-list set-returning
// functions above its aggregation, where PostgreSQL runs them:
//
//	SELECT g, generate_series(1, count(*)) FROM t GROUP BY g
//
// runs as
//
//	SELECT "*grp*"."*c1" AS g, "*srf*".srf1 AS generate_series
//	FROM (SELECT g AS "*c1", 1 AS "*a2_1", count(*) AS "*a2_2" FROM t GROUP BY g) AS "*grp*",
//	     LATERAL ROWS FROM (generate_series("*grp*"."*a2_1", "*grp*"."*a2_2")) AS "*srf*"(srf1)
//
// It takes select lists whose set-returning calls stand alone (not inside
// another expression), ORDER BY by output names or ordinals, and plain
// DISTINCT; other queries are left as they are (nil).
func srfGroupedRewrite(sel *pg_query.SelectStmt) *pg_query.SelectStmt {
	for _, n := range sel.SortClause {
		sb := n.GetSortBy()
		if c := sb.GetNode().GetAConst(); c != nil && c.GetIval() != nil {
			continue
		}
		if cr := sb.GetNode().GetColumnRef(); cr == nil || len(cr.Fields) != 1 || cr.Fields[0].GetString_() == nil {
			return nil
		}
	}
	for _, n := range sel.DistinctClause {
		if n != nil && n.Node != nil {
			return nil // DISTINCT ON
		}
	}
	inner := proto.Clone(sel).(*pg_query.SelectStmt)
	inner.WithClause, inner.SortClause, inner.DistinctClause = nil, nil, nil
	inner.LimitCount, inner.LimitOffset = nil, nil
	inner.LimitOption = pg_query.LimitOption_LIMIT_OPTION_DEFAULT
	inner.TargetList = nil
	outer := &pg_query.SelectStmt{
		Op:             pg_query.SetOperation_SETOP_NONE,
		DistinctClause: sel.DistinctClause, SortClause: sel.SortClause,
		LimitCount: sel.LimitCount, LimitOffset: sel.LimitOffset, LimitOption: sel.LimitOption,
	}
	ref := func(rel, col string) *pg_query.Node {
		return pg_query.MakeColumnRefNode([]*pg_query.Node{pg_query.MakeStrNode(rel), pg_query.MakeStrNode(col)}, -1)
	}
	target := func(val *pg_query.Node, name string) *pg_query.Node {
		return &pg_query.Node{Node: &pg_query.Node_ResTarget{ResTarget: &pg_query.ResTarget{Name: name, Val: val}}}
	}
	var funcs, colnames []*pg_query.Node
	for i, t := range sel.TargetList {
		rt := t.GetResTarget()
		name := rt.Name
		if name == "" {
			name = figureColname(rt.Val)
		}
		if cr := rt.Val.GetColumnRef(); cr != nil && cr.Fields[len(cr.Fields)-1].GetAStar() != nil {
			return nil
		}
		fc := rt.Val.GetFuncCall()
		if fc == nil || !isSelectListSRF(fc) {
			if containsSRF(rt.Val) {
				return nil // inside another expression
			}
			col := fmt.Sprintf("*c%d", i+1)
			inner.TargetList = append(inner.TargetList, target(proto.Clone(rt.Val).(*pg_query.Node), col))
			outer.TargetList = append(outer.TargetList, target(ref(grpRel, col), name))
			continue
		}
		call := proto.Clone(fc).(*pg_query.FuncCall)
		for j, a := range call.Args {
			if containsSRF(a) {
				return nil
			}
			col := fmt.Sprintf("*a%d_%d", i+1, j+1)
			inner.TargetList = append(inner.TargetList, target(a, col))
			call.Args[j] = ref(grpRel, col)
		}
		srf := fmt.Sprintf("srf%d", len(funcs)+1)
		funcs = append(funcs, pg_query.MakeListNode([]*pg_query.Node{{Node: &pg_query.Node_FuncCall{FuncCall: call}}}))
		colnames = append(colnames, pg_query.MakeStrNode(srf))
		outer.TargetList = append(outer.TargetList, target(ref(srfRel, srf), name))
	}
	outer.FromClause = []*pg_query.Node{
		{Node: &pg_query.Node_RangeSubselect{RangeSubselect: &pg_query.RangeSubselect{
			Subquery: &pg_query.Node{Node: &pg_query.Node_SelectStmt{SelectStmt: inner}},
			Alias:    &pg_query.Alias{Aliasname: grpRel},
		}}},
		{Node: &pg_query.Node_RangeFunction{RangeFunction: &pg_query.RangeFunction{
			Lateral: true, IsRowsfrom: len(funcs) > 1, Functions: funcs,
			Alias: &pg_query.Alias{Aliasname: srfRel, Colnames: colnames},
		}}},
	}
	return outer
}

// grpRel is the derived table a grouped query becomes when its
// set-returning functions move above it.
const grpRel = "*grp*"
