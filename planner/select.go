package planner

import (
	"context"
	"strings"
	"time"

	pg_query "github.com/pganalyze/pg_query_go/v6"
	"google.golang.org/protobuf/proto"

	"github.com/lattice-olap/lattice/pgerr"
	"github.com/lattice-olap/lattice/types"
)

// statement binds one parsed statement.
func (b *binder) statement(ctx context.Context, p parsed) (*Statement, error) {
	n := p.stmt
	switch {
	case p.lattice != nil:
		return b.latticeStatement(p.lattice)
	case n.GetCreatedbStmt() != nil:
		return b.createProject(n.GetCreatedbStmt().Dbname, false, "CREATE DATABASE")
	case n.GetDropdbStmt() != nil:
		return b.dropProject(n.GetDropdbStmt().Dbname, n.GetDropdbStmt().MissingOk, "DROP DATABASE")
	case n.GetCreateRoleStmt() != nil:
		return b.createRole(n.GetCreateRoleStmt())
	case n.GetAlterRoleStmt() != nil:
		return b.alterRole(n.GetAlterRoleStmt())
	case n.GetDropRoleStmt() != nil:
		return b.dropRole(n.GetDropRoleStmt())
	case n == nil:
		return &Statement{run: func(context.Context, *Session, []types.Datum) (Result, error) { return tagOnly(""), nil }}, nil
	case n.GetCreateTableAsStmt() != nil:
		cs := n.GetCreateTableAsStmt()
		if cs.Objtype != pg_query.ObjectType_OBJECT_TABLE {
			return nil, pgerr.New(pgerr.FeatureNotSupported, "materialized views are not supported").
				WithHint("Define a cube over the tables instead: its cuboids are Lattice's materialized aggregates.")
		}
		return b.createTableAs(ctx, cs.Into, cs.Query.GetSelectStmt(), cs.IfNotExists)
	case n.GetSelectStmt() != nil && n.GetSelectStmt().IntoClause != nil:
		// SELECT ... INTO t is CREATE TABLE t AS SELECT ...
		sel := proto.Clone(n.GetSelectStmt()).(*pg_query.SelectStmt)
		into := sel.IntoClause
		sel.IntoClause = nil
		return b.createTableAs(ctx, into, sel, false)
	case n.GetSelectStmt() != nil:
		st, err := b.selectStmt(ctx, n.GetSelectStmt())
		if err == nil && st.Columns == nil && n.GetSelectStmt().IntoClause == nil {
			// SELECT; and SELECT FROM t return rows of no columns: they
			// still have a (zero-column) row description.
			st.Columns = []Column{}
		}
		return st, err
	case n.GetVariableSetStmt() != nil:
		return b.setStmt(n.GetVariableSetStmt())
	case n.GetVariableShowStmt() != nil:
		return b.showStmt(n.GetVariableShowStmt())
	case n.GetTransactionStmt() != nil:
		return b.transactionStmt(n.GetTransactionStmt())
	case n.GetDiscardStmt() != nil:
		return b.discardStmt(n.GetDiscardStmt())
	case n.GetCreateStmt() != nil:
		return b.createTable(n.GetCreateStmt())
	case n.GetDropStmt() != nil && n.GetDropStmt().RemoveType == pg_query.ObjectType_OBJECT_TABLE:
		return b.dropTables(n.GetDropStmt(), false)
	case n.GetDropStmt() != nil && n.GetDropStmt().RemoveType == pg_query.ObjectType_OBJECT_VIEW:
		return b.dropTables(n.GetDropStmt(), true)
	case n.GetViewStmt() != nil:
		return b.createView(ctx, n.GetViewStmt())
	case n.GetDropStmt() != nil && n.GetDropStmt().RemoveType == pg_query.ObjectType_OBJECT_SCHEMA:
		return b.dropSchemas(n.GetDropStmt())
	case n.GetCreateSchemaStmt() != nil:
		return b.createSchema(n.GetCreateSchemaStmt())
	case n.GetTruncateStmt() != nil:
		return b.truncate(n.GetTruncateStmt())
	case n.GetInsertStmt() != nil:
		return b.insert(ctx, n.GetInsertStmt())
	case n.GetCopyStmt() != nil:
		return b.copyStmt(ctx, n.GetCopyStmt())
	case n.GetExplainStmt() != nil:
		return b.explainStmt(ctx, n.GetExplainStmt())
	case n.GetDeclareCursorStmt() != nil || n.GetFetchStmt() != nil || n.GetClosePortalStmt() != nil:
		return b.cursorStmt(ctx, n)
	case n.GetDeallocateStmt() != nil:
		d := n.GetDeallocateStmt()
		if d.Isall || d.Name == "" {
			return &Statement{Effect: EffectDeallocateAll, run: constTag("DEALLOCATE ALL")}, nil
		}
		return &Statement{Effect: EffectDeallocate, DeallocateName: d.Name, run: constTag("DEALLOCATE")}, nil
	}
	return nil, pgerr.New(pgerr.FeatureNotSupported, "%s is not supported yet", statementName(n))
}

func statementName(n *pg_query.Node) string {
	s := nodeName(n)
	return strings.TrimSuffix(s, "Stmt") + " statement"
}

func constTag(tag string) func(context.Context, *Session, []types.Datum) (Result, error) {
	return func(context.Context, *Session, []types.Datum) (Result, error) { return tagOnly(tag), nil }
}

// selectStmt binds a SELECT without FROM: a single row of expressions.
func (b *binder) selectStmt(ctx context.Context, sel *pg_query.SelectStmt) (*Statement, error) {
	if sel.WithClause != nil {
		if err := b.withClause(ctx, sel.WithClause); err != nil {
			return nil, err
		}
	}
	if sel.Op == pg_query.SetOperation_SETOP_NONE && len(sel.ValuesLists) == 0 {
		if err := srfMisplaced(sel); err != nil {
			return nil, err
		}
		if r := srfRewrite(sel); r != nil {
			sel = r // set-returning functions in the select list, moved to FROM
		}
	}
	switch {
	case sel.Op != pg_query.SetOperation_SETOP_NONE:
		return b.setOp(ctx, sel)
	case len(sel.ValuesLists) > 0:
		return b.values(ctx, sel)
	case len(sel.FromClause) > 0:
		rewritten, err := b.routeBlock(ctx, sel)
		if err != nil {
			return nil, err
		}
		if rewritten != nil {
			sel = rewritten
		}
		return b.selectFrom(ctx, sel)
	}
	if aggregatesWithoutFrom(sel) {
		// SELECT count(*), SELECT row_number() OVER (): aggregates and
		// windows over the one row a SELECT without FROM has, read from
		// a one-row derived table (its one column is out of reach: *
		// is refused above).
		for _, t := range sel.TargetList {
			if cr := t.GetResTarget().Val.GetColumnRef(); cr != nil && len(cr.Fields) > 0 && cr.Fields[len(cr.Fields)-1].GetAStar() != nil {
				return nil, b.errorf(cr.Location, pgerr.SyntaxError, "SELECT * with no tables specified is not valid")
			}
		}
		one, err := pg_query.Parse("SELECT NULL::int AS lattice_no_from")
		if err != nil {
			return nil, err
		}
		withFrom := proto.Clone(sel).(*pg_query.SelectStmt)
		withFrom.FromClause = []*pg_query.Node{{Node: &pg_query.Node_RangeSubselect{RangeSubselect: &pg_query.RangeSubselect{
			Subquery: one.Stmts[0].Stmt,
			Alias:    &pg_query.Alias{Aliasname: "lattice_no_from"},
		}}}}
		return b.selectFrom(ctx, withFrom)
	}
	for _, f := range sel.FromClause {
		if rv := f.GetRangeVar(); rv != nil {
			name := rv.Relname
			if rv.Schemaname != "" {
				name = rv.Schemaname + "." + name
			}
			return nil, b.errorf(rv.Location, pgerr.UndefinedTable, "relation %q does not exist", name)
		}
		return nil, pgerr.New(pgerr.FeatureNotSupported, "FROM items of this kind are not supported yet")
	}
	var cols []Column
	var exprs []Expr
	for _, t := range sel.TargetList {
		rt := t.GetResTarget()
		if cr := rt.Val.GetColumnRef(); cr != nil && len(cr.Fields) > 0 && cr.Fields[len(cr.Fields)-1].GetAStar() != nil {
			return nil, b.errorf(cr.Location, pgerr.SyntaxError, "SELECT * with no tables specified is not valid")
		}
		e, err := b.expr(rt.Val)
		if err != nil {
			return nil, err
		}
		b.untyped = append(b.untyped, e.Type().Oid == types.OidUnknown)
		e = b.defaultUnknown(e)
		name := rt.Name
		if name == "" {
			name = figureColname(rt.Val)
		}
		cols = append(cols, Column{Name: name, Type: e.Type()})
		exprs = append(exprs, e)
	}
	var where Expr
	if sel.WhereClause != nil {
		w, err := b.expr(sel.WhereClause)
		if err != nil {
			return nil, err
		}
		if where, err = b.coerce(w, types.Bool, 0); err != nil {
			return nil, pgerr.New(pgerr.DatatypeMismatch, "argument of WHERE must be type boolean, not type %s", w.Type())
		}
	}
	limit, err := b.optionalInt(sel.LimitCount, "LIMIT")
	if err != nil {
		return nil, err
	}
	offset, err := b.optionalInt(sel.LimitOffset, "OFFSET")
	if err != nil {
		return nil, err
	}
	params, err := b.paramTypes()
	if err != nil {
		return nil, err
	}
	fold := append([]Expr(nil), exprs...)
	for _, x := range []Expr{where, offset, limit} {
		if x != nil {
			fold = append(fold, x)
		}
	}
	return &Statement{Params: params, Columns: cols, fold: fold, run: func(ctx context.Context, s *Session, args []types.Datum) (Result, error) {
		e := s.evalCtx(ctx, args)
		if where != nil {
			v, err := where.Eval(e)
			if err != nil {
				return nil, err
			}
			if v != true {
				return newRows("SELECT"), nil
			}
		}
		n := int64(1)
		for _, lim := range []Expr{limit, offset} {
			if lim == nil {
				continue
			}
			v, err := lim.Eval(e)
			if err != nil {
				return nil, err
			}
			if v != nil && v.(int64) < 0 {
				return nil, pgerr.New(pgerr.InvalidRowCountInLimitClause, "LIMIT must not be negative")
			}
			if lim == limit && v != nil && v.(int64) == 0 {
				n = 0
			}
			if lim == offset && v != nil && v.(int64) > 0 {
				n = 0
			}
		}
		if n == 0 {
			return newRows("SELECT"), nil
		}
		row := make([]types.Datum, len(exprs))
		for i, x := range exprs {
			v, err := x.Eval(e)
			if err != nil {
				return nil, err
			}
			row[i] = v
		}
		return newRows("SELECT", row), nil
	}}, nil
}

func (b *binder) optionalInt(n *pg_query.Node, what string) (Expr, error) {
	if n == nil {
		return nil, nil
	}
	if c := n.GetAConst(); c != nil && c.Isnull {
		return nil, nil // LIMIT ALL / LIMIT NULL
	}
	e, err := b.expr(n)
	if err != nil {
		return nil, err
	}
	return b.coerceAssign(e, types.Int8, 0)
}

// coerceAssign coerces e to t in an assignment context, as PostgreSQL does
// for LIMIT, OFFSET and array subscripts: a number of another type rounds
// (LIMIT 2.5 is LIMIT 3).
func (b *binder) coerceAssign(e Expr, t types.T, loc int32) (Expr, error) {
	if from := e.Type(); from.Oid != types.OidUnknown && from.Oid != t.Oid && from.IsNumericKind() && t.IsNumericKind() {
		return b.cast(e, t, loc, true)
	}
	return b.coerce(e, t, loc)
}

// evalCtx starts evaluation for one execution: now() is the start of the
// transaction block, or of the statement outside one.
func (s *Session) evalCtx(ctx context.Context, args []types.Datum) *evalCtx {
	now := s.txnStart
	if s.txn == TxnIdle || now.IsZero() {
		now = time.Now().UTC().Truncate(time.Microsecond)
	}
	return &evalCtx{ctx: ctx, sess: s, args: args, now: now, analyze: s.analyze}
}

// figureColname names a result column as PostgreSQL's FigureColname does.
func figureColname(n *pg_query.Node) string {
	if name, _ := figureColnameInternal(n); name != "" {
		return name
	}
	return "?column?"
}

func figureColnameInternal(n *pg_query.Node) (string, int) {
	switch {
	case n == nil:
		return "", 0
	case n.GetColumnRef() != nil:
		f := n.GetColumnRef().Fields
		if s := f[len(f)-1].GetString_(); s != nil {
			return s.Sval, 2
		}
	case n.GetFuncCall() != nil:
		f := n.GetFuncCall().Funcname
		if s := f[len(f)-1].GetString_(); s != nil {
			return s.Sval, 2
		}
	case n.GetAExpr() != nil:
		if n.GetAExpr().Kind == pg_query.A_Expr_Kind_AEXPR_NULLIF {
			return "nullif", 2
		}
	case n.GetTypeCast() != nil:
		tc := n.GetTypeCast()
		if name, strength := figureColnameInternal(tc.Arg); strength > 1 {
			return name, strength
		}
		names := tc.TypeName.Names
		if s := names[len(names)-1].GetString_(); s != nil {
			return s.Sval, 1
		}
	case n.GetAIndirection() != nil:
		// The last field name selected, else what is subscripted.
		ind := n.GetAIndirection()
		for i := len(ind.Indirection) - 1; i >= 0; i-- {
			if s := ind.Indirection[i].GetString_(); s != nil {
				return s.Sval, 2
			}
		}
		return figureColnameInternal(ind.Arg)
	case n.GetGroupingFunc() != nil:
		return "grouping", 2
	case n.GetAArrayExpr() != nil:
		return "array", 2
	case n.GetRowExpr() != nil:
		return "row", 2
	case n.GetCaseExpr() != nil:
		// A CASE is named after its ELSE when that has a name.
		if name, strength := figureColnameInternal(n.GetCaseExpr().Defresult); strength > 1 {
			return name, strength
		}
		return "case", 1
	case n.GetCoalesceExpr() != nil:
		return "coalesce", 2
	case n.GetMinMaxExpr() != nil:
		if n.GetMinMaxExpr().Op == pg_query.MinMaxOp_IS_GREATEST {
			return "greatest", 2
		}
		return "least", 2
	case n.GetSqlvalueFunction() != nil:
		switch n.GetSqlvalueFunction().Op {
		case pg_query.SQLValueFunctionOp_SVFOP_CURRENT_DATE:
			return "current_date", 2
		case pg_query.SQLValueFunctionOp_SVFOP_CURRENT_TIME, pg_query.SQLValueFunctionOp_SVFOP_CURRENT_TIME_N:
			return "current_time", 2
		case pg_query.SQLValueFunctionOp_SVFOP_CURRENT_TIMESTAMP, pg_query.SQLValueFunctionOp_SVFOP_CURRENT_TIMESTAMP_N:
			return "current_timestamp", 2
		case pg_query.SQLValueFunctionOp_SVFOP_LOCALTIME, pg_query.SQLValueFunctionOp_SVFOP_LOCALTIME_N:
			return "localtime", 2
		case pg_query.SQLValueFunctionOp_SVFOP_LOCALTIMESTAMP, pg_query.SQLValueFunctionOp_SVFOP_LOCALTIMESTAMP_N:
			return "localtimestamp", 2
		case pg_query.SQLValueFunctionOp_SVFOP_CURRENT_ROLE:
			return "current_role", 2
		case pg_query.SQLValueFunctionOp_SVFOP_CURRENT_USER:
			return "current_user", 2
		case pg_query.SQLValueFunctionOp_SVFOP_USER:
			return "user", 2
		case pg_query.SQLValueFunctionOp_SVFOP_SESSION_USER:
			return "session_user", 2
		case pg_query.SQLValueFunctionOp_SVFOP_CURRENT_CATALOG:
			return "current_catalog", 2
		case pg_query.SQLValueFunctionOp_SVFOP_CURRENT_SCHEMA:
			return "current_schema", 2
		}
	case n.GetSubLink() != nil:
		switch n.GetSubLink().SubLinkType {
		case pg_query.SubLinkType_EXISTS_SUBLINK:
			return "exists", 2
		case pg_query.SubLinkType_ARRAY_SUBLINK:
			return "array", 2
		case pg_query.SubLinkType_EXPR_SUBLINK:
			// Named after the subquery's column (the leftmost branch's, in
			// a set operation).
			sel := n.GetSubLink().Subselect.GetSelectStmt()
			for sel != nil && sel.Larg != nil {
				sel = sel.Larg
			}
			if sel != nil && len(sel.TargetList) > 0 {
				if rt := sel.TargetList[0].GetResTarget(); rt != nil {
					if rt.Name != "" {
						return rt.Name, 2
					}
					return figureColname(rt.Val), 2
				}
			}
		}
	}
	return "", 0
}

// aggregatesWithoutFrom reports a SELECT without FROM that aggregates or
// has window functions, which the plain one-row evaluation cannot run.
func aggregatesWithoutFrom(sel *pg_query.SelectStmt) bool {
	if len(sel.FromClause) > 0 {
		return false
	}
	if len(sel.GroupClause) > 0 || sel.HavingClause != nil || len(sel.WindowClause) > 0 {
		return true
	}
	nodes := append([]*pg_query.Node(nil), sel.TargetList...)
	for _, n := range sel.SortClause {
		nodes = append(nodes, n.GetSortBy().Node)
	}
	for _, n := range nodes {
		if hasAggregate(n) || hasWindow(n) {
			return true
		}
	}
	return false
}

// hasWindow finds a window function call outside subqueries.
func hasWindow(n *pg_query.Node) bool {
	found := false
	walkNodes(n, func(m *pg_query.Node) bool {
		if found || m.GetSubLink() != nil || m.GetRangeSubselect() != nil {
			return false
		}
		if fc := m.GetFuncCall(); fc != nil && fc.Over != nil {
			found = true
			return false
		}
		return true
	})
	return found
}
