package planner

import (
	"context"

	pg_query "github.com/pganalyze/pg_query_go/v6"

	"github.com/lattice-olap/lattice/metastore"
	"github.com/lattice-olap/lattice/pgerr"
	"github.com/lattice-olap/lattice/types"
)

// Views: CREATE [OR REPLACE] VIEW stores the view's query, deparsed by
// PostgreSQL's own deparser, with its columns, as a table definition
// without files (metastore.TableDef.View). A query that reads the view
// binds that query again, as a derived table that sees neither the
// reader's WITH queries nor its columns, so the view's own blocks may take
// the cube route. Names in the view's query resolve when it is read (the
// reader's search_path; * covers the columns of that moment).

// maxViewDepth bounds views reading views, which a view replaced to read
// itself would make endless.
const maxViewDepth = 32

// createView binds CREATE [OR REPLACE] VIEW name [(cols)] AS SELECT ...
func (b *binder) createView(ctx context.Context, vs *pg_query.ViewStmt) (*Statement, error) {
	if vs.View.Relpersistence == "t" {
		return nil, b.errorf(vs.View.Location, pgerr.FeatureNotSupported, "temporary views are not supported")
	}
	def, err := b.newTableDef(vs.View)
	if err != nil {
		return nil, err
	}
	sel := vs.Query.GetSelectStmt()
	if sel == nil {
		return nil, pgerr.New(pgerr.FeatureNotSupported, "a view's query must be a SELECT")
	}
	sub := b.child()
	sub.ctes, sub.params = nil, nil
	st, err := sub.selectStmt(ctx, sel)
	if err != nil {
		return nil, err
	}
	if len(sub.params) > 0 {
		return nil, pgerr.New(pgerr.UndefinedParameter, "there is no parameter $1").WithDetail("A view's query cannot take parameters.")
	}
	if len(vs.Aliases) > len(st.Columns) {
		return nil, pgerr.New(pgerr.SyntaxError, "CREATE VIEW specifies more column names than columns")
	}
	if def.Columns, err = queryColumnDefs(st.Columns, vs.Aliases); err != nil {
		return nil, err
	}
	if def.View, err = pg_query.Deparse(&pg_query.ParseResult{Version: parseTreeVersion(), Stmts: []*pg_query.RawStmt{{Stmt: vs.Query}}}); err != nil {
		return nil, err
	}
	replace := vs.Replace
	return &Statement{run: func(ctx context.Context, s *Session, _ []types.Datum) (Result, error) {
		err := s.planner.store.CreateTable(ctx, def)
		if replace && pgerr.CodeOf(err) == pgerr.DuplicateTable {
			old, lerr := s.planner.store.Table(ctx, def.Project, def.Schema, def.Name)
			if lerr != nil {
				return nil, lerr
			}
			if err := replaceableView(old, def); err != nil {
				return nil, err
			}
			err = s.planner.store.ReplaceView(ctx, def)
		}
		if err != nil {
			return nil, err
		}
		return tagOnly("CREATE VIEW"), nil
	}}, nil
}

// replaceableView checks CREATE OR REPLACE VIEW as PostgreSQL does: the
// new query keeps the old one's columns, in order, with their types, and
// may add columns after them.
func replaceableView(old, def metastore.TableDef) error {
	if old.View == "" {
		return pgerr.New(pgerr.WrongObjectType, "%q is not a view", def.Name)
	}
	if len(def.Columns) < len(old.Columns) {
		return pgerr.New(pgerr.InvalidTableDefinition, "cannot drop columns from view")
	}
	for i, c := range old.Columns {
		n := def.Columns[i]
		if n.Name != c.Name {
			return pgerr.New(pgerr.InvalidTableDefinition, "cannot change name of view column %q to %q", c.Name, n.Name).
				WithHint("Use ALTER VIEW ... RENAME COLUMN ... to change name of view column instead.")
		}
		if n.TypeOid != c.TypeOid || n.Typmod != c.Typmod {
			from, to := types.T{Oid: c.TypeOid, Typmod: c.Typmod}, types.T{Oid: n.TypeOid, Typmod: n.Typmod}
			return pgerr.New(pgerr.InvalidTableDefinition, "cannot change data type of view column %q from %s to %s", c.Name, from, to)
		}
	}
	return nil
}

// viewPlan binds a view read in FROM.
func (b *binder) viewPlan(ctx context.Context, def metastore.TableDef, rv *pg_query.RangeVar) (relPlan, error) {
	if b.viewDepth >= maxViewDepth {
		return relPlan{}, b.errorf(rv.Location, pgerr.InvalidObjectDefinition, "infinite recursion detected in rules for relation %q", def.Name)
	}
	tree, err := pg_query.Parse(def.View)
	if err != nil || len(tree.Stmts) != 1 || tree.Stmts[0].Stmt.GetSelectStmt() == nil {
		return relPlan{}, pgerr.New(pgerr.InternalError, "view %q has a definition Lattice cannot read", def.Name)
	}
	sub := b.child()
	sub.ctes, sub.params = nil, nil
	sub.text = def.View
	sub.viewDepth = b.viewDepth + 1
	st, err := sub.selectStmt(ctx, tree.Stmts[0].Stmt.GetSelectStmt())
	if err != nil {
		// Its position points into the view's query, not this one.
		if pe, ok := err.(*pgerr.Error); ok && pe.Position > 0 {
			e := *pe
			e.Position = 0
			return relPlan{}, e.WithDetail("In view %q: %s", def.Name, def.View)
		}
		return relPlan{}, err
	}
	alias := def.Name
	var names []string
	for _, c := range def.Columns {
		names = append(names, c.Name)
	}
	if rv.Alias != nil {
		alias = rv.Alias.Aliasname
		for i, c := range rv.Alias.Colnames {
			if i < len(names) {
				names[i] = c.GetString_().GetSval()
			}
		}
	}
	return derivedPlan(st, "Subquery Scan on "+alias, alias, names), nil
}

// notATable refuses to load into, truncate or build a cube over a view.
func notATable(def metastore.TableDef, what string) error {
	if def.View == "" {
		return nil
	}
	return pgerr.New(pgerr.WrongObjectType, "cannot %s view %q", what, def.Name).
		WithHint("Views have no rows of their own: use the tables they read.")
}
