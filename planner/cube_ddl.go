package planner

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"

	pg_query "github.com/pganalyze/pg_query_go/v6"

	"github.com/lattice-olap/lattice/cube"
	"github.com/lattice-olap/lattice/metastore"
	"github.com/lattice-olap/lattice/pgerr"
	"github.com/lattice-olap/lattice/types"
)

// requireRole checks that the session's user holds at least role on its
// project (system administrators hold every role).
func (s *Session) requireRole(ctx context.Context, role metastore.Role, action string) error {
	if s.IsAdmin {
		return nil
	}
	mine, err := s.planner.store.RoleOf(ctx, s.Project, s.User)
	if err != nil && !errors.Is(err, metastore.ErrNotFound) {
		return err
	}
	if err != nil || mine.Rank() < role.Rank() {
		return pgerr.New(pgerr.InsufficientPrivilege, "permission denied to %s in project %q", action, s.Project).
			WithHint("This needs the %s role on the project: GRANT %s ON PROJECT %s TO %s.", role, role, s.Project, s.User)
	}
	return nil
}

// cubeTables resolves the tables of a cube definition's join graph.
type cubeTables struct {
	refs []cube.TableRef
	defs []metastore.TableDef
}

// column resolves a column reference (col or alias.col) against the tables
// seen so far.
func (ct *cubeTables) column(fields []*pg_query.Node) (cube.ColRef, types.T, error) {
	var names []string
	for _, f := range fields {
		if f.GetAStar() != nil {
			return cube.ColRef{}, types.T{}, pgerr.New(pgerr.FeatureNotSupported, "* is not allowed in a cube definition; list the columns")
		}
		names = append(names, f.GetString_().GetSval())
	}
	col := names[len(names)-1]
	qual := ""
	if len(names) > 1 {
		qual = names[len(names)-2]
	}
	var found []cube.ColRef
	var typ types.T
	for i, ref := range ct.refs {
		if qual != "" && qual != ref.Alias {
			continue
		}
		for _, c := range ct.defs[i].Columns {
			if c.Name == col {
				found = append(found, cube.ColRef{Table: ref.Alias, Column: col})
				typ = types.T{Oid: types.Oid(c.TypeOid), Typmod: c.Typmod}
			}
		}
	}
	name := strings.Join(names, ".")
	switch len(found) {
	case 0:
		return cube.ColRef{}, typ, pgerr.New(pgerr.UndefinedColumn, "column %q does not exist in the cube's tables", name)
	case 1:
		return found[0], typ, nil
	}
	return cube.ColRef{}, typ, pgerr.New(pgerr.AmbiguousColumn, "column reference %q is ambiguous in the cube's tables", name).
		WithHint("Qualify it with the table's name or alias.")
}

// add resolves a table of the join graph.
func (ct *cubeTables) add(ctx context.Context, b *binder, rv *pg_query.RangeVar) (cube.TableRef, error) {
	def, err := b.lookupTable(ctx, rv)
	if err == nil {
		err = notATable(def, "build a cube over")
	}
	if err != nil {
		return cube.TableRef{}, err
	}
	ref := cube.TableRef{Schema: def.Schema, Name: def.Name, Alias: def.Name}
	if rv.Alias != nil {
		ref.Alias = rv.Alias.Aliasname
	}
	for _, r := range ct.refs {
		if r.Alias == ref.Alias {
			return ref, pgerr.New(pgerr.DuplicateAlias, "table name %q specified more than once in the cube's join graph", ref.Alias).
				WithHint("Give each use of a table its own alias.")
		}
	}
	ct.refs = append(ct.refs, ref)
	ct.defs = append(ct.defs, def)
	return ref, nil
}

// joinGraph reads the FROM-clause text of CREATE CUBE: the fact table,
// then [LEFT] JOIN dim ON equalities.
func (ct *cubeTables) joinGraph(ctx context.Context, b *binder, n *pg_query.Node, d *cube.Def) error {
	if rv := n.GetRangeVar(); rv != nil {
		ref, err := ct.add(ctx, b, rv)
		if err != nil {
			return err
		}
		d.Fact = ref
		return nil
	}
	j := n.GetJoinExpr()
	if j == nil {
		return pgerr.New(pgerr.InvalidObjectDefinition, "a cube's join graph is tables joined with [LEFT] JOIN ... ON; subqueries and functions are not allowed")
	}
	if err := ct.joinGraph(ctx, b, j.Larg, d); err != nil {
		return err
	}
	rv := j.Rarg.GetRangeVar()
	if rv == nil {
		return pgerr.New(pgerr.InvalidObjectDefinition, "join the cube's tables one at a time: fact JOIN dim ON ... JOIN dim2 ON ...")
	}
	join := cube.Join{}
	switch j.Jointype {
	case pg_query.JoinType_JOIN_INNER:
	case pg_query.JoinType_JOIN_LEFT:
		join.Left = true
	default:
		return pgerr.New(pgerr.InvalidObjectDefinition, "a cube's tables are joined with JOIN or LEFT JOIN, not %s", strings.TrimPrefix(j.Jointype.String(), "JOIN_"))
	}
	if j.Quals == nil || len(j.UsingClause) > 0 || j.IsNatural {
		return pgerr.New(pgerr.InvalidObjectDefinition, "join %q with ON equalities of columns", rv.Relname)
	}
	ref, err := ct.add(ctx, b, rv)
	if err != nil {
		return err
	}
	join.Table = ref
	for _, q := range andTerms(j.Quals) {
		ae := q.GetAExpr()
		if ae == nil || ae.Kind != pg_query.A_Expr_Kind_AEXPR_OP || opName(ae.Name) != "=" || ae.Lexpr.GetColumnRef() == nil || ae.Rexpr.GetColumnRef() == nil {
			return pgerr.New(pgerr.InvalidObjectDefinition, "the join condition of %q must be equalities of columns joined by AND", ref.Alias)
		}
		l, lt, err := ct.column(ae.Lexpr.GetColumnRef().Fields)
		if err != nil {
			return err
		}
		r, rt, err := ct.column(ae.Rexpr.GetColumnRef().Fields)
		if err != nil {
			return err
		}
		if l.Table == ref.Alias {
			l, r, lt, rt = r, l, rt, lt
		}
		if r.Table != ref.Alias || l.Table == ref.Alias {
			return pgerr.New(pgerr.InvalidObjectDefinition, "each equality joining %q must compare one of its columns with a column of an earlier table", ref.Alias)
		}
		if lt.Family() != rt.Family() {
			return pgerr.New(pgerr.DatatypeMismatch, "join key %s.%s is %s but %s.%s is %s", l.Table, l.Column, lt, r.Table, r.Column, rt)
		}
		join.Keys = append(join.Keys, cube.Key{From: l, To: r})
	}
	d.Joins = append(d.Joins, join)
	return nil
}

// andTerms splits a condition on its top-level ANDs.
func andTerms(n *pg_query.Node) []*pg_query.Node {
	if be := n.GetBoolExpr(); be != nil && be.Boolop == pg_query.BoolExprType_AND_EXPR {
		var out []*pg_query.Node
		for _, a := range be.Args {
			out = append(out, andTerms(a)...)
		}
		return out
	}
	return []*pg_query.Node{n}
}

// parseTargets parses a comma-separated list as a select list.
func parseTargets(list, what string) ([]*pg_query.ResTarget, error) {
	tree, err := pg_query.Parse("SELECT " + list)
	if err != nil || len(tree.Stmts) != 1 || tree.Stmts[0].Stmt.GetSelectStmt() == nil {
		return nil, pgerr.New(pgerr.SyntaxError, "syntax error in the %s list of CREATE CUBE: %s", what, list)
	}
	sel := tree.Stmts[0].Stmt.GetSelectStmt()
	if len(sel.FromClause) > 0 || sel.WhereClause != nil {
		return nil, pgerr.New(pgerr.SyntaxError, "syntax error in the %s list of CREATE CUBE", what)
	}
	var out []*pg_query.ResTarget
	for _, t := range sel.TargetList {
		out = append(out, t.GetResTarget())
	}
	return out, nil
}

// qualify rewrites every column reference below n to alias.column.
func (ct *cubeTables) qualify(n *pg_query.Node) error {
	var err error
	walkNodes(n, func(x *pg_query.Node) bool {
		if err != nil {
			return false
		}
		switch {
		case x.GetColumnRef() != nil:
			var ref cube.ColRef
			ref, _, err = ct.column(x.GetColumnRef().Fields)
			x.GetColumnRef().Fields = []*pg_query.Node{pg_query.MakeStrNode(ref.Table), pg_query.MakeStrNode(ref.Column)}
		case x.GetSubLink() != nil:
			err = pgerr.New(pgerr.InvalidObjectDefinition, "a measure cannot contain a subquery")
		case x.GetFuncCall() != nil && (isAggregate(funcName(x.GetFuncCall())) || x.GetFuncCall().Over != nil):
			err = pgerr.New(pgerr.InvalidObjectDefinition, "a measure is one aggregate over a row expression; %s cannot be nested in it", funcName(x.GetFuncCall()))
		}
		return true
	})
	return err
}

// funcName is a call's function name without a schema, lower case.
func funcName(fc *pg_query.FuncCall) string {
	if len(fc.Funcname) == 0 {
		return ""
	}
	return strings.ToLower(fc.Funcname[len(fc.Funcname)-1].GetString_().GetSval())
}

// parseTreeVersion is the version pg_query stamps on parse trees; Deparse
// refuses a tree without it.
var parseTreeVersion = sync.OnceValue(func() int32 {
	tree, err := pg_query.Parse("SELECT 1")
	if err != nil {
		return 0
	}
	return tree.Version
})

// deparseExpr returns an expression's SQL text.
func deparseExpr(n *pg_query.Node) (string, error) {
	tree := &pg_query.ParseResult{Version: parseTreeVersion(), Stmts: []*pg_query.RawStmt{{Stmt: &pg_query.Node{Node: &pg_query.Node_SelectStmt{SelectStmt: &pg_query.SelectStmt{
		TargetList: []*pg_query.Node{{Node: &pg_query.Node_ResTarget{ResTarget: &pg_query.ResTarget{Val: n}}}},
	}}}}}}
	s, err := pg_query.Deparse(tree)
	if err != nil {
		return "", err
	}
	return strings.TrimPrefix(s, "SELECT "), nil
}

// bindCube binds CREATE CUBE against the project's tables.
func (b *binder) bindCube(ctx context.Context, st createCubeStmt) (*cube.Def, error) {
	if err := checkName("cube", st.name); err != nil {
		return nil, err
	}
	d := &cube.Def{Project: b.sess.Project, Name: st.name, SQL: st.sql}
	tree, err := pg_query.Parse("SELECT 1 FROM " + st.from)
	if err != nil || len(tree.Stmts) != 1 {
		return nil, pgerr.New(pgerr.SyntaxError, "syntax error in the join graph of CREATE CUBE: %s", st.from)
	}
	from := tree.Stmts[0].Stmt.GetSelectStmt().FromClause
	if len(from) != 1 {
		return nil, pgerr.New(pgerr.InvalidObjectDefinition, "join a cube's tables with JOIN ... ON, not commas")
	}
	ct := &cubeTables{}
	if err := ct.joinGraph(ctx, b, from[0], d); err != nil {
		return nil, err
	}
	names := map[string]bool{}
	claim := func(name string) error {
		if names[name] {
			return pgerr.New(pgerr.DuplicateColumn, "cube %q has two columns named %q", st.name, name).
				WithHint("Name measures with AS; dimensions take their column's name.")
		}
		names[name] = true
		return nil
	}
	dims, err := parseTargets(st.dims, "DIMENSIONS")
	if err != nil {
		return nil, err
	}
	for _, t := range dims {
		cr := t.Val.GetColumnRef()
		if cr == nil {
			return nil, pgerr.New(pgerr.InvalidObjectDefinition, "a dimension is a column of the cube's tables, not an expression")
		}
		ref, typ, err := ct.column(cr.Fields)
		if err != nil {
			return nil, err
		}
		name := ref.Column
		if t.Name != "" {
			name = t.Name
		}
		if d.DimensionOf(ref) >= 0 {
			return nil, pgerr.New(pgerr.DuplicateColumn, "dimension %s.%s is listed twice", ref.Table, ref.Column)
		}
		if err := claim(name); err != nil {
			return nil, err
		}
		if _, ok := types.CompareFunc(typ); !ok {
			return nil, pgerr.New(pgerr.InvalidObjectDefinition, "column %q of type %s cannot be a dimension", name, typ)
		}
		d.Dimensions = append(d.Dimensions, cube.Dimension{Name: name, Col: ref, Type: typ})
	}
	if len(d.Dimensions) == 0 {
		return nil, pgerr.New(pgerr.InvalidObjectDefinition, "a cube needs at least one dimension")
	}
	measures, err := parseTargets(st.measures, "MEASURES")
	if err != nil {
		return nil, err
	}
	var args []string // the measures' argument texts, for typing
	for _, t := range measures {
		fc := t.Val.GetFuncCall()
		if fc == nil || fc.Over != nil || fc.AggFilter != nil || len(fc.AggOrder) > 0 {
			return nil, pgerr.New(pgerr.InvalidObjectDefinition, "a measure is SUM(expr), COUNT(*), COUNT(col), COUNT(DISTINCT col), MIN(col) or MAX(col)")
		}
		m := cube.Measure{}
		fn := funcName(fc)
		switch {
		case fn == "count" && fc.AggStar:
			m.Kind = cube.CountStar
		case fn == "count" && fc.AggDistinct && len(fc.Args) == 1:
			m.Kind = cube.CountDistinct
		case fc.AggDistinct:
			return nil, pgerr.New(pgerr.InvalidObjectDefinition, "DISTINCT is only supported in COUNT(DISTINCT col) measures")
		case fn == "count" && len(fc.Args) == 1:
			m.Kind = cube.Count
		case fn == "sum" && len(fc.Args) == 1:
			m.Kind = cube.Sum
		case fn == "min" && len(fc.Args) == 1:
			m.Kind = cube.Min
		case fn == "max" && len(fc.Args) == 1:
			m.Kind = cube.Max
		case fn == "avg":
			return nil, pgerr.New(pgerr.InvalidObjectDefinition, "AVG is not stored: define SUM(x) and Lattice derives AVG(x) from it and a count it keeps")
		default:
			return nil, pgerr.New(pgerr.InvalidObjectDefinition, "%s is not a cube measure: use SUM, COUNT, COUNT(DISTINCT), MIN or MAX", fn)
		}
		if m.Kind != cube.CountStar {
			arg := fc.Args[0]
			if err := ct.qualify(arg); err != nil {
				return nil, err
			}
			if m.Expr, err = deparseExpr(arg); err != nil {
				return nil, err
			}
			if (m.Kind == cube.Min || m.Kind == cube.Max || m.Kind == cube.CountDistinct) && arg.GetColumnRef() == nil {
				return nil, pgerr.New(pgerr.InvalidObjectDefinition, "%s measures take a column, not an expression", strings.ToUpper(fn))
			}
		}
		m.Name = t.Name
		if m.Name == "" {
			switch {
			case m.Kind == cube.CountStar:
				m.Name = "count"
			case fc.Args[0].GetColumnRef() != nil:
				f := fc.Args[0].GetColumnRef().Fields
				m.Name = strings.ReplaceAll(m.Kind, "_", "_") + "_" + f[len(f)-1].GetString_().GetSval()
			default:
				return nil, pgerr.New(pgerr.InvalidObjectDefinition, "name the measure %s with AS", m.Expr)
			}
		}
		if err := claim(m.Name); err != nil {
			return nil, err
		}
		d.Measures = append(d.Measures, m)
		args = append(args, m.Expr)
	}
	if len(d.Measures) == 0 {
		return nil, pgerr.New(pgerr.InvalidObjectDefinition, "a cube needs at least one measure, e.g. COUNT(*)")
	}
	if err := b.typeMeasures(ctx, d, args); err != nil {
		return nil, err
	}
	if st.partition != "" {
		ref, typ, err := ct.column([]*pg_query.Node{pg_query.MakeStrNode(st.partition)})
		if err != nil {
			return nil, err
		}
		if ref.Table != d.Fact.Alias {
			return nil, pgerr.New(pgerr.InvalidObjectDefinition, "partition column %q must be a column of the fact table %q", st.partition, d.Fact.Name)
		}
		d.Partition = &cube.Partition{Col: ref, Type: typ, Format: st.format}
		if err := cube.CheckPartition(d.Partition); err != nil {
			return nil, err
		}
	}
	for _, g := range st.groups {
		d.Groups = append(d.Groups, cube.Group{Includes: g.includes, Mandatory: g.mandatory, Hierarchies: g.hierarchies, Joints: g.joints})
	}
	if d.Cuboids, err = d.Enumerate(b.sess.planner.maxCuboids); err != nil {
		return nil, err
	}
	return d, nil
}

// typeMeasures finds each measure's argument and stored types by binding
// the flat query over the join graph, and adds the hidden COUNT beside each
// SUM from which AVG derives.
func (b *binder) typeMeasures(ctx context.Context, d *cube.Def, args []string) error {
	var sel []string
	for _, a := range args {
		if a == "" {
			a = "1"
		}
		sel = append(sel, a)
	}
	sql := "SELECT " + strings.Join(sel, ", ") + " FROM " + fromText(d, nil)
	st, err := b.bindInternal(ctx, sql)
	if err != nil {
		return pgerr.New(pgerr.InvalidObjectDefinition, "measure arguments do not bind: %s", errMessage(err))
	}
	var hidden []cube.Measure
	for i := range d.Measures {
		m := &d.Measures[i]
		m.ArgType = st.Columns[i].Type
		switch m.Kind {
		case cube.CountStar, cube.Count:
			m.Type = types.Int8
		case cube.CountDistinct:
			m.Type = types.Bytea
			if !distinctSupported(m.ArgType) {
				return pgerr.New(pgerr.InvalidObjectDefinition, "COUNT(DISTINCT) measures take an integer, date or text column, not %s", m.ArgType)
			}
		case cube.Min, cube.Max:
			if _, ok := types.CompareFunc(m.ArgType); !ok {
				return pgerr.New(pgerr.InvalidObjectDefinition, "%s of type %s is not a measure", m.Kind, m.ArgType)
			}
			// As PostgreSQL's min/max: of char(n) a (padded) bpchar, of
			// other strings text.
			m.Type = types.T{Oid: m.ArgType.Oid, Typmod: -1}
			if m.ArgType.Family() == types.StringFamily && m.ArgType.Oid != types.OidBpchar {
				m.Type = types.Text
			}
		case cube.Sum:
			switch m.ArgType.Oid {
			case types.OidInt2, types.OidInt4:
				m.Type = types.Int8
			case types.OidInt8, types.OidNumeric:
				m.Type = types.Numeric
			case types.OidFloat4:
				m.Type = types.Float4
			case types.OidFloat8:
				m.Type = types.Float8
			default:
				return pgerr.New(pgerr.InvalidObjectDefinition, "SUM(%s) is not additive: its argument is %s", m.Expr, m.ArgType).
					WithHint("SUM measures take numbers.")
			}
			has := false
			for _, o := range d.Measures {
				if o.Kind == cube.Count && o.Expr == m.Expr {
					has = true
				}
			}
			if !has {
				hidden = append(hidden, cube.Measure{Name: "_count_" + m.Name, Kind: cube.Count, Expr: m.Expr, ArgType: m.ArgType, Type: types.Int8, Hidden: true})
			}
		}
	}
	d.Measures = append(d.Measures, hidden...)
	return nil
}

// distinctSupported reports the column types COUNT(DISTINCT) measures keep
// as value sets.
func distinctSupported(t types.T) bool {
	switch t.Family() {
	case types.IntFamily, types.DateFamily, types.StringFamily:
		return true
	}
	return false
}

func errMessage(err error) string {
	var pe *pgerr.Error
	if errors.As(err, &pe) {
		return pe.Message
	}
	return err.Error()
}

// fromText is the FROM clause of the cube's join graph, restricted to the
// tables in keep (nil: all), with each table under its cube alias.
func fromText(d *cube.Def, keep map[string]bool) string {
	return fromTextOver(d, keep, tableText(d.Fact))
}

// fromTextOver is fromText with fact as the fact table's FROM item.
func fromTextOver(d *cube.Def, keep map[string]bool, fact string) string {
	var b strings.Builder
	b.WriteString(fact)
	for _, j := range d.Joins {
		if keep != nil && !keep[j.Table.Alias] {
			continue
		}
		if j.Left {
			b.WriteString(" LEFT")
		}
		b.WriteString(" JOIN " + tableText(j.Table) + " ON ")
		for k, key := range j.Keys {
			if k > 0 {
				b.WriteString(" AND ")
			}
			b.WriteString(colText(key.From) + " = " + colText(key.To))
		}
	}
	return b.String()
}

func tableText(t cube.TableRef) string {
	return pgQuoteIdent(t.Schema) + "." + pgQuoteIdent(t.Name) + " AS " + pgQuoteIdent(t.Alias)
}

func colText(c cube.ColRef) string { return pgQuoteIdent(c.Table) + "." + pgQuoteIdent(c.Column) }

// bindInternal binds a SELECT that Lattice generates, on the raw route.
func (b *binder) bindInternal(ctx context.Context, sql string) (*Statement, error) {
	tree, err := pg_query.Parse(sql)
	if err != nil {
		return nil, syntaxError(sql, err)
	}
	c := newBinder(b.sess, sql, nil)
	c.ctx = ctx
	c.cube.raw = true
	return c.selectStmt(ctx, tree.Stmts[0].Stmt.GetSelectStmt())
}

// createCube runs CREATE CUBE.
func (b *binder) createCube(st createCubeStmt) (*Statement, error) {
	return &Statement{run: func(ctx context.Context, s *Session, _ []types.Datum) (Result, error) {
		if err := s.requireRole(ctx, metastore.RoleManagement, "create a cube"); err != nil {
			return nil, err
		}
		if err := noBlock(s, "CREATE CUBE"); err != nil {
			return nil, err
		}
		if _, err := s.planner.store.Table(ctx, s.Project, "public", st.name); err == nil {
			return nil, pgerr.New(pgerr.DuplicateTable, "relation %q already exists", st.name).
				WithHint("A cube is also a relation of schema public; choose another name.")
		}
		if d, err := s.cube(ctx, st.name); err == nil && d != nil {
			if st.ifNotExists {
				s.notice(pgerr.New(pgerr.DuplicateObject, "cube %q already exists, skipping", st.name), "NOTICE")
				return tagOnly("CREATE CUBE"), nil
			}
			return nil, pgerr.New(pgerr.DuplicateObject, "cube %q already exists", st.name)
		}
		nb := newBinder(s, st.sql, nil)
		nb.ctx = ctx
		d, err := nb.bindCube(ctx, st)
		if err != nil {
			return nil, err
		}
		err = s.planner.store.CreateCube(ctx, metastore.Cube{Project: s.Project, Name: st.name, Definition: d.Marshal()})
		if err != nil {
			var pe *pgerr.Error
			if st.ifNotExists && errors.As(err, &pe) && pe.Code == pgerr.DuplicateObject {
				return tagOnly("CREATE CUBE"), nil
			}
			return nil, err
		}
		s.notice(pgerr.New(pgerr.SuccessfulCompletion, "cube %q has %d cuboids; BUILD CUBE %s builds them", st.name, len(d.Cuboids), st.name), "NOTICE")
		return tagOnly("CREATE CUBE"), nil
	}}, nil
}

// dropCube runs DROP CUBE: the definition, segments and their files go;
// running jobs of the cube are discarded.
func (b *binder) dropCube(st dropCubeStmt) (*Statement, error) {
	return &Statement{run: func(ctx context.Context, s *Session, _ []types.Datum) (Result, error) {
		if err := s.requireRole(ctx, metastore.RoleManagement, "drop a cube"); err != nil {
			return nil, err
		}
		if err := noBlock(s, "DROP CUBE"); err != nil {
			return nil, err
		}
		_, err := s.planner.store.DropCube(ctx, s.Project, st.name)
		if errors.Is(err, metastore.ErrNotFound) {
			if st.ifExists {
				s.notice(pgerr.New(pgerr.UndefinedObject, "cube %q does not exist, skipping", st.name), "NOTICE")
				return tagOnly("DROP CUBE"), nil
			}
			return nil, pgerr.New(pgerr.UndefinedObject, "cube %q does not exist", st.name)
		}
		if err != nil {
			return nil, err
		}
		// The metastore no longer lists the files; a query still reading
		// them keeps its open handles.
		_ = os.RemoveAll(filepath.Join(s.planner.dataDir, CubeDir(s.Project, st.name)))
		return tagOnly("DROP CUBE"), nil
	}}, nil
}

// CubeDir is where a cube's segment files live, relative to the data
// directory.
func CubeDir(project, name string) string { return filepath.Join("cubes", project, name) }

// cube returns the definition of the project's cube name, nil when there
// is none.
func (s *Session) cube(ctx context.Context, name string) (*cube.Def, error) {
	st, err := s.planner.store.CubeState(ctx, s.Project)
	if err != nil {
		return nil, err
	}
	for _, c := range st.Cubes {
		if c.Name == name {
			return cube.Unmarshal(c.Definition)
		}
	}
	return nil, nil
}
