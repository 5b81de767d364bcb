package planner

import (
	"context"
	"fmt"
	"sort"
	"strings"

	pg_query "github.com/pganalyze/pg_query_go/v6"
	"google.golang.org/protobuf/proto"

	"github.com/lattice-olap/lattice/cube"
	"github.com/lattice-olap/lattice/exec"
	"github.com/lattice-olap/lattice/metastore"
	"github.com/lattice-olap/lattice/pgerr"
	"github.com/lattice-olap/lattice/types"
)

// The cube route. A query block that a cube covers is rewritten into the
// same block over one of the cube's cuboids: its FROM becomes the cuboid's
// files (plus, for ranges no READY segment covers, the raw rows aggregated
// to the same shape), column references become the cuboid's dimension
// columns, and aggregates become roll-ups of the stored measures. The
// rewritten block is then bound like any query, so filters, grouping sets,
// HAVING, ORDER BY and LIMIT work unchanged. See DESIGN.md "Query routing".

// cubeBinding is the cube routing state of one statement, shared by the
// binders of all its query blocks.
type cubeBinding struct {
	raw    bool                // a statement Lattice generates: never routed to a cube
	files  map[string]*fileRel // cuboid relations of rewritten blocks, by internal name
	routes []*routeInfo        // each block routed to a cube, for EXPLAIN and the query history
	reads  bool                // some block scans a table or a cuboid: the query history records the statement
	state  *metastore.CubeState
	// rawBlocks are the halves of rewritten blocks that read cuboids or
	// fill gaps from raw rows: they are bound as they are.
	rawBlocks map[*pg_query.SelectStmt]bool
	// rec, while a block is routed for the memo, collects what routing
	// adds to the fields above; unsure marks an outcome that a failure to
	// read the metastore decided, which the memo must not keep.
	rec    *routed
	unsure bool
}

// fileRel is a relation over Parquet files that is not a table: a cuboid.
type fileRel struct {
	name, label string
	cols        []exec.Column
	files       []metastore.TableFile
	sorted      int      // each file's rows are sorted by this many leading columns
	window      [2]int64 // FileInput.From and To
	tap         exec.Operator
}

// routeInfo describes one block answered from a cube.
type routeInfo struct {
	cube     string
	cuboid   []string // its dimensions
	rows     int64
	used     []string // segment ids read
	pruned   []string // segment ids skipped by the partition filter
	stale    []string // segment ids whose tables changed since their build
	rawFills []cube.Range
	rawNull  bool // rows whose partition value is NULL come from raw rows too
}

func (r *routeInfo) String() string {
	s := fmt.Sprintf("cube %s, cuboid (%s), %d rows; segments used: %s", r.cube, strings.Join(r.cuboid, ", "), r.rows, listOrNone(r.used))
	if len(r.pruned) > 0 {
		s += "; pruned: " + strings.Join(r.pruned, ", ")
	}
	if len(r.stale) > 0 {
		s += "; stale (tables changed since the build; REFRESH CUBE rebuilds them): " + strings.Join(r.stale, ", ")
	}
	if len(r.rawFills) > 0 {
		var parts []string
		for _, g := range r.rawFills {
			parts = append(parts, g.String())
		}
		if r.rawNull {
			parts = append(parts, "NULL")
		}
		s += "; from raw rows: " + strings.Join(parts, ", ")
	}
	return s
}

// rawNulls reports whether the rows whose partition value is NULL come
// from raw rows: a row in no segment's range, which a query without a
// filter on the partition column reads (one with a filter leaves it out).
func (m *cubeMatch) rawNulls() bool {
	return m.d.Partition != nil && len(m.gaps) > 0 && len(m.part) == 0
}

func listOrNone(l []string) string {
	if len(l) == 0 {
		return "none"
	}
	return strings.Join(l, ", ")
}

// qTable is one table of a query block's FROM.
type qTable struct {
	alias string
	def   metastore.TableDef
	left  bool // the right side of a LEFT JOIN
}

// qBlock is a query block as the matcher sees it.
type qBlock struct {
	sel    *pg_query.SelectStmt
	tables []qTable
	conds  []*pg_query.Node            // WHERE and inner-join ON conjuncts
	leftOn map[string][]*pg_query.Node // ON conjuncts of each LEFT JOIN, by its table's alias
	items  []*pg_query.Node            // the FROM items
}

// noRoute is why a block cannot be answered from cubes.
type noRoute struct{ reason string }

func (n *noRoute) Error() string { return n.reason }

func reasonf(format string, args ...any) *noRoute { return &noRoute{fmt.Sprintf(format, args...)} }

// routeBlock returns sel rewritten over a cube, or nil when it runs raw.
// With lattice.route = 'cube' a block that no cube covers fails, naming
// the first reason.
func (b *binder) routeBlock(ctx context.Context, sel *pg_query.SelectStmt) (*pg_query.SelectStmt, error) {
	if b.cube.raw || b.cube.rawBlocks[sel] {
		return nil, nil
	}
	mode := b.sess.Settings.get("lattice.route")
	// The generation is read first: a change applied while the block is
	// routed makes the outcome unfit for the memo.
	gen, memo := b.sess.planner.store.Generation()
	st, err := b.sess.planner.store.CubeState(ctx, b.sess.Project)
	if err != nil {
		return nil, err
	}
	b.cube.state = st
	if rv := singleRangeVar(sel); rv != nil && (rv.Schemaname == "" || rv.Schemaname == "public") && (rv.Catalogname == "" || rv.Catalogname == b.sess.Project) {
		for _, c := range st.Cubes {
			if c.Name == rv.Relname {
				if _, terr := b.sess.planner.store.Table(ctx, b.sess.Project, "public", rv.Relname); terr == nil {
					break // a table of that name wins
				}
				d, err := b.sess.planner.cubeDef(c)
				if err != nil {
					return nil, err
				}
				return b.cubeRelation(ctx, sel, d, rv, st)
			}
		}
	}
	if mode == "raw" || len(st.Cubes) == 0 {
		if mode == "cube" {
			return nil, pgerr.New(pgerr.FeatureNotSupported, "no cube can answer this query: project %q has no cubes", b.sess.Project).
				WithHint("CREATE CUBE and BUILD CUBE, or SET lattice.route = 'auto'.")
		}
		return nil, nil
	}
	rewritten, why := b.matchCubesMemo(ctx, sel, st, mode, gen, memo)
	if why != nil && mode == "cube" {
		return nil, pgerr.New(pgerr.FeatureNotSupported, "no cube can answer this query: %s", why.reason).
			WithHint("SET lattice.route = 'auto' runs it on the raw tables.")
	}
	return rewritten, nil
}

func singleRangeVar(sel *pg_query.SelectStmt) *pg_query.RangeVar {
	if len(sel.FromClause) == 1 {
		return sel.FromClause[0].GetRangeVar()
	}
	return nil
}

// blockShape rejects blocks the matcher does not handle.
func blockShape(sel *pg_query.SelectStmt) *noRoute {
	if sel.Op != pg_query.SetOperation_SETOP_NONE || len(sel.FromClause) == 0 || len(sel.LockingClause) > 0 || sel.IntoClause != nil {
		return reasonf("the query block is not a SELECT over tables")
	}
	var why *noRoute
	check := func(n *pg_query.Node) {
		walkNodes(n, func(x *pg_query.Node) bool {
			if why != nil {
				return false
			}
			switch {
			case x.GetSubLink() != nil:
				why = reasonf("the block has a subquery in an expression")
			case x.GetFuncCall() != nil && x.GetFuncCall().Over != nil:
				why = reasonf("the block has a window function")
			case x.GetRangeSubselect() != nil, x.GetRangeFunction() != nil:
				why = reasonf("the block reads a subquery or function in FROM")
			}
			return true
		})
	}
	for _, l := range [][]*pg_query.Node{sel.TargetList, sel.FromClause, sel.GroupClause, sel.SortClause, sel.DistinctClause} {
		for _, n := range l {
			check(n)
		}
	}
	check(sel.WhereClause)
	check(sel.HavingClause)
	if why != nil {
		return why
	}
	agg := len(sel.GroupClause) > 0 || sel.HavingClause != nil
	for _, t := range sel.TargetList {
		walkNodes(t, func(x *pg_query.Node) bool {
			if fc := x.GetFuncCall(); fc != nil && isAggregate(funcName(fc)) {
				agg = true
			}
			return true
		})
	}
	if !agg {
		return reasonf("the query does not aggregate")
	}
	return nil
}

// analyze flattens the FROM clause of sel into tables and conjuncts.
func (b *binder) analyze(ctx context.Context, sel *pg_query.SelectStmt) (*qBlock, *noRoute) {
	q := &qBlock{sel: sel, leftOn: map[string][]*pg_query.Node{}, items: sel.FromClause}
	var add func(n *pg_query.Node, left bool) *noRoute
	add = func(n *pg_query.Node, left bool) *noRoute {
		if rv := n.GetRangeVar(); rv != nil {
			if _, ok := b.ctes[rv.Relname]; ok && rv.Schemaname == "" {
				return reasonf("the block reads a WITH query")
			}
			def, err := b.lookupTable(ctx, rv)
			if err != nil {
				if c := pgerr.CodeOf(err); c != pgerr.UndefinedTable && c != pgerr.FeatureNotSupported {
					b.cube.unsure = true
				}
				return reasonf("%s is not a table", rv.Relname)
			}
			if def.View != "" {
				return reasonf("%s is a view", rv.Relname)
			}
			alias := def.Name
			if rv.Alias != nil {
				if len(rv.Alias.Colnames) > 0 {
					return reasonf("table %s renames its columns", alias)
				}
				alias = rv.Alias.Aliasname
			}
			q.tables = append(q.tables, qTable{alias: alias, def: def, left: left})
			return nil
		}
		j := n.GetJoinExpr()
		if j == nil || j.IsNatural || len(j.UsingClause) > 0 || j.Alias != nil {
			return reasonf("the block joins in a way cubes do not model (NATURAL, USING or an aliased join)")
		}
		switch j.Jointype {
		case pg_query.JoinType_JOIN_INNER:
			if why := add(j.Larg, false); why != nil {
				return why
			}
			if why := add(j.Rarg, false); why != nil {
				return why
			}
			if j.Quals != nil {
				q.conds = append(q.conds, andTerms(j.Quals)...)
			}
		case pg_query.JoinType_JOIN_LEFT:
			if why := add(j.Larg, false); why != nil {
				return why
			}
			rv := j.Rarg.GetRangeVar()
			if rv == nil {
				return reasonf("the right side of a LEFT JOIN is not a table")
			}
			if why := add(j.Rarg, true); why != nil {
				return why
			}
			alias := q.tables[len(q.tables)-1].alias
			if j.Quals != nil {
				q.leftOn[alias] = andTerms(j.Quals)
			}
		default:
			return reasonf("the block uses a %s join", strings.TrimPrefix(j.Jointype.String(), "JOIN_"))
		}
		return nil
	}
	for _, item := range sel.FromClause {
		if why := add(item, false); why != nil {
			return nil, why
		}
	}
	if sel.WhereClause != nil {
		q.conds = append(q.conds, andTerms(sel.WhereClause)...)
	}
	return q, nil
}

// resolve finds the table of a column reference; ok is false for a name
// that is not a column of the block's tables (an output alias).
func (q *qBlock) resolve(cr *pg_query.ColumnRef) (t int, col string, ok bool, why *noRoute) {
	var names []string
	for _, f := range cr.Fields {
		if f.GetAStar() != nil {
			return 0, "", false, reasonf("the block selects *")
		}
		names = append(names, f.GetString_().GetSval())
	}
	col = names[len(names)-1]
	qual := ""
	if len(names) > 1 {
		qual = names[len(names)-2]
	}
	found := -1
	for i, tb := range q.tables {
		if qual != "" && qual != tb.alias {
			continue
		}
		for _, c := range tb.def.Columns {
			if c.Name == col {
				if found >= 0 {
					return 0, "", false, reasonf("column %s is ambiguous", col)
				}
				found = i
			}
		}
	}
	if found < 0 {
		if qual != "" {
			return 0, "", false, reasonf("column %s.%s is not a column of the block's tables", qual, col)
		}
		return 0, col, false, nil
	}
	return found, col, true, nil
}

// cubeMatch is a cube that covers a block, with everything the rewrite needs.
type cubeMatch struct {
	planner  *Planner
	d        *cube.Def
	q        *qBlock
	alias    []string // cube alias of each query table
	joins    []*pg_query.Node
	part     []*pg_query.Node // conjuncts on the partition column used for pruning
	keepPart bool             // the partition column is a dimension: its conjuncts also filter
	needed   cube.Cuboid
	measures map[int]bool // measure indexes the block reads
	cuboid   cube.Cuboid
	rows     int64
	used     []metastore.Segment
	pruned   []string
	stale    []string
	gaps     []cube.Range
	files    []metastore.TableFile
	// tables is the current fingerprint of each table of the cube: a
	// segment built from other files is stale.
	tables map[string]string
}

// matchCubes tries every cube of the project and rewrites sel over the
// best; why is the first reason when none fits.
func (b *binder) matchCubes(ctx context.Context, sel *pg_query.SelectStmt, st *metastore.CubeState) (*pg_query.SelectStmt, *noRoute) {
	if why := blockShape(sel); why != nil {
		return nil, why
	}
	q, why := b.analyze(ctx, sel)
	if why != nil {
		return nil, why
	}
	var best *cubeMatch
	var first *noRoute
	for _, c := range st.Cubes {
		d, err := b.sess.planner.cubeDef(c)
		if err != nil {
			continue
		}
		fps, err := b.fingerprints(ctx, d)
		if err != nil {
			b.cube.unsure = true
			if first == nil {
				first = reasonf("cube %s: cannot read its tables' files: %v", d.Name, err)
			}
			continue
		}
		m, why := matchCube(b.sess.planner, d, q, st.Segments, fps)
		if why != nil {
			if first == nil {
				first = reasonf("cube %s: %s", d.Name, why.reason)
			}
			continue
		}
		if best == nil || m.rows < best.rows {
			best = m
		}
	}
	if best == nil {
		return nil, first
	}
	if len(best.used) == 0 && b.sess.Settings.get("lattice.route") != "cube" {
		return nil, reasonf("cube %s has no READY segment for the query's range", best.d.Name)
	}
	out, err := b.rewriteBlock(best)
	if err != nil {
		return nil, reasonf("%s", errMessage(err))
	}
	return out, nil
}

// matchCube checks the four conditions of DESIGN.md "Query routing" for
// one cube.
func matchCube(p *Planner, d *cube.Def, q *qBlock, segs []metastore.Segment, tables map[string]string) (*cubeMatch, *noRoute) {
	m := &cubeMatch{planner: p, d: d, q: q, measures: map[int]bool{}, tables: tables}
	// Tables: each query table is one of the cube's, the fact among them.
	cubeTables := d.Tables()
	inQuery := map[string]int{}
	for i, t := range q.tables {
		var hits []string
		for _, ct := range cubeTables {
			if ct.Schema == t.def.Schema && ct.Name == t.def.Name {
				hits = append(hits, ct.Alias)
			}
		}
		if len(hits) != 1 {
			return nil, reasonf("join mismatch: table %s is not (or more than once) in its join graph", t.def.Name)
		}
		if _, dup := inQuery[hits[0]]; dup {
			return nil, reasonf("join mismatch: table %s appears twice in the query", t.def.Name)
		}
		inQuery[hits[0]] = i
		m.alias = append(m.alias, hits[0])
	}
	if _, ok := inQuery[d.Fact.Alias]; !ok {
		return nil, reasonf("join mismatch: the query does not read the fact table %s", d.Fact.Name)
	}
	ref := func(cr *pg_query.ColumnRef) (cube.ColRef, bool, *noRoute) {
		t, col, ok, why := q.resolve(cr)
		if why != nil || !ok {
			return cube.ColRef{}, false, why
		}
		return cube.ColRef{Table: m.alias[t], Column: col}, true, nil
	}
	// Joins: every equality between two tables is an edge of the cube's
	// graph, with the same kind; every key of every joined table is there.
	type edge struct {
		a, b cube.ColRef
		left bool
		used bool
	}
	var edges []*edge
	var rest []*pg_query.Node
	isEdge := func(n *pg_query.Node, left bool) (*edge, *noRoute) {
		ae := n.GetAExpr()
		if ae == nil || ae.Kind != pg_query.A_Expr_Kind_AEXPR_OP || opName(ae.Name) != "=" || ae.Lexpr.GetColumnRef() == nil || ae.Rexpr.GetColumnRef() == nil {
			return nil, nil
		}
		l, lok, why := ref(ae.Lexpr.GetColumnRef())
		if why != nil {
			return nil, why
		}
		r, rok, why := ref(ae.Rexpr.GetColumnRef())
		if why != nil {
			return nil, why
		}
		if !lok || !rok || l.Table == r.Table {
			return nil, nil
		}
		return &edge{a: l, b: r, left: left}, nil
	}
	for _, c := range q.conds {
		e, why := isEdge(c, false)
		if why != nil {
			return nil, why
		}
		if e != nil {
			edges = append(edges, e)
			m.joins = append(m.joins, c)
		} else {
			rest = append(rest, c)
		}
	}
	for alias, conds := range q.leftOn {
		for _, c := range conds {
			e, why := isEdge(c, true)
			if why != nil {
				return nil, why
			}
			if e == nil {
				return nil, reasonf("join mismatch: the LEFT JOIN of %s has a condition other than key equalities", alias)
			}
			edges = append(edges, e)
		}
	}
	var omitted []string
	for _, j := range d.Joins {
		qi, ok := inQuery[j.Table.Alias]
		if !ok {
			omitted = append(omitted, j.Table.Alias)
			continue
		}
		if q.tables[qi].left != j.Left {
			kind := map[bool]string{false: "an inner join", true: "a LEFT JOIN"}
			return nil, reasonf("join mismatch: the query joins %s with %s, the cube with %s", j.Table.Name, kind[q.tables[qi].left], kind[j.Left])
		}
		for _, k := range j.Keys {
			if _, ok := inQuery[k.From.Table]; !ok {
				return nil, reasonf("join mismatch: %s joins the cube through %s, which the query leaves out", j.Table.Name, k.From.Table)
			}
			found := false
			for _, e := range edges {
				if e.left == j.Left && ((e.a == k.From && e.b == k.To) || (e.a == k.To && e.b == k.From)) {
					e.used, found = true, true
				}
			}
			if !found {
				return nil, reasonf("join mismatch: the query does not join %s on %s.%s = %s.%s", j.Table.Name, k.From.Table, k.From.Column, k.To.Table, k.To.Column)
			}
		}
	}
	for _, e := range edges {
		if !e.used {
			return nil, reasonf("join mismatch: %s.%s = %s.%s is not a join of the cube", e.a.Table, e.a.Column, e.b.Table, e.b.Column)
		}
	}
	// Filters: on dimensions, or on the partition column for pruning.
	for _, c := range rest {
		refs, why := columnRefs(c, ref)
		if why != nil {
			return nil, why
		}
		onPart := d.Partition != nil
		for _, r := range refs {
			if d.Partition == nil || r != d.Partition.Col {
				onPart = false
			}
		}
		if onPart && len(refs) > 0 {
			if _, ok := partitionBound(d.Partition, c); ok {
				m.part = append(m.part, c)
				if i := d.DimensionOf(d.Partition.Col); i >= 0 {
					// The conjunct stays in the query, over the cuboid:
					// the cuboid must have the partition dimension.
					m.keepPart = true
					m.needed |= 1 << i
				}
				continue
			}
		}
		for _, r := range refs {
			i := d.DimensionOf(r)
			if i < 0 {
				return nil, reasonf("dimension missing: the query filters on %s.%s", r.Table, r.Column)
			}
			m.needed |= 1 << i
		}
	}
	// Grouping, output, HAVING and ORDER BY: dimensions outside aggregates,
	// measures inside.
	outputs := map[string]bool{}
	for _, t := range q.sel.TargetList {
		if n := t.GetResTarget().Name; n != "" {
			outputs[n] = true
		}
	}
	var check func(n *pg_query.Node, sortKey bool) *noRoute
	check = func(n *pg_query.Node, sortKey bool) *noRoute {
		var why *noRoute
		walkNodes(n, func(x *pg_query.Node) bool {
			if why != nil {
				return false
			}
			if fc := x.GetFuncCall(); fc != nil && isAggregate(funcName(fc)) {
				why = m.matchAggregate(fc, ref)
				return false
			}
			if cr := x.GetColumnRef(); cr != nil {
				if sortKey && len(cr.Fields) == 1 && outputs[cr.Fields[0].GetString_().GetSval()] {
					return false
				}
				r, ok, w := ref(cr)
				if w != nil {
					why = w
					return false
				}
				if !ok {
					if len(cr.Fields) == 1 && outputs[cr.Fields[0].GetString_().GetSval()] {
						return false
					}
					why = reasonf("column %s is not a column of the block's tables", cr.Fields[len(cr.Fields)-1].GetString_().GetSval())
					return false
				}
				i := d.DimensionOf(r)
				if i < 0 {
					why = reasonf("dimension missing: %s.%s is not a dimension", r.Table, r.Column)
					return false
				}
				m.needed |= 1 << i
			}
			return true
		})
		return why
	}
	for _, t := range q.sel.TargetList {
		if why := check(t.GetResTarget().Val, false); why != nil {
			return nil, why
		}
	}
	for _, g := range q.sel.GroupClause {
		if why := check(g, true); why != nil {
			return nil, why
		}
	}
	if why := check(q.sel.HavingClause, false); why != nil {
		return nil, why
	}
	for _, s := range q.sel.SortClause {
		if why := check(s.GetSortBy().Node, true); why != nil {
			return nil, why
		}
	}
	for _, s := range q.sel.DistinctClause {
		if why := check(s, true); why != nil {
			return nil, why
		}
	}
	if why := m.pickSegments(segs, omitted); why != nil {
		return nil, why
	}
	return m, nil
}

// columnRefs lists the cube columns n refers to.
func columnRefs(n *pg_query.Node, ref func(*pg_query.ColumnRef) (cube.ColRef, bool, *noRoute)) ([]cube.ColRef, *noRoute) {
	var out []cube.ColRef
	var why *noRoute
	walkNodes(n, func(x *pg_query.Node) bool {
		if cr := x.GetColumnRef(); cr != nil && why == nil {
			r, ok, w := ref(cr)
			switch {
			case w != nil:
				why = w
			case !ok:
				why = reasonf("column %s is not a column of the block's tables", cr.Fields[len(cr.Fields)-1].GetString_().GetSval())
			default:
				out = append(out, r)
			}
		}
		return why == nil
	})
	return out, why
}

// measureText is an aggregate argument as a measure's Expr reads: columns
// qualified by cube alias, deparsed.
func measureText(arg *pg_query.Node, ref func(*pg_query.ColumnRef) (cube.ColRef, bool, *noRoute)) (string, *noRoute) {
	c := proto.Clone(arg).(*pg_query.Node)
	var why *noRoute
	walkNodes(c, func(x *pg_query.Node) bool {
		if cr := x.GetColumnRef(); cr != nil && why == nil {
			r, ok, w := ref(cr)
			if w != nil || !ok {
				why = reasonf("measure missing: an aggregate reads a column outside the block's tables")
				if w != nil {
					why = w
				}
				return false
			}
			cr.Fields = []*pg_query.Node{pg_query.MakeStrNode(r.Table), pg_query.MakeStrNode(r.Column)}
		}
		return why == nil
	})
	if why != nil {
		return "", why
	}
	s, err := deparseExpr(c)
	if err != nil {
		return "", reasonf("measure missing: %v", err)
	}
	return s, nil
}

// findMeasure returns the index of the measure of kind over expr, or -1.
func (d *cubeMatch) findMeasure(kind, expr string) int {
	for i, me := range d.d.Measures {
		if me.Kind == kind && (kind == cube.CountStar || me.Expr == expr) {
			return i
		}
	}
	return -1
}

// matchAggregate checks that an aggregate is a measure or derives from
// measures, and records which.
func (m *cubeMatch) matchAggregate(fc *pg_query.FuncCall, ref func(*pg_query.ColumnRef) (cube.ColRef, bool, *noRoute)) *noRoute {
	name := funcName(fc)
	if fc.AggFilter != nil || len(fc.AggOrder) > 0 || fc.AggWithinGroup {
		return reasonf("measure missing: %s with FILTER or ORDER BY", name)
	}
	if fc.AggStar {
		if name != "count" {
			return reasonf("measure missing: %s(*)", name)
		}
		i := m.findMeasure(cube.CountStar, "")
		if i < 0 {
			return reasonf("measure missing: COUNT(*)")
		}
		m.measures[i] = true
		return nil
	}
	if len(fc.Args) != 1 {
		return reasonf("measure missing: %s with %d arguments", name, len(fc.Args))
	}
	expr, why := measureText(fc.Args[0], ref)
	if why != nil {
		return why
	}
	need := func(kind string) *noRoute {
		i := m.findMeasure(kind, expr)
		if i < 0 {
			return reasonf("measure missing: %s(%s%s)", strings.ToUpper(name), map[bool]string{true: "DISTINCT "}[fc.AggDistinct], expr)
		}
		m.measures[i] = true
		return nil
	}
	switch {
	case name == "count" && fc.AggDistinct:
		return need(cube.CountDistinct)
	case fc.AggDistinct && (name == "min" || name == "max"):
		return need(name)
	case fc.AggDistinct:
		return reasonf("measure missing: %s(DISTINCT ...)", name)
	case name == "sum", name == "min", name == "max", name == "count":
		return need(name)
	case name == "avg":
		if why := need(cube.Sum); why != nil {
			return why
		}
		s := m.findMeasure(cube.Sum, expr)
		if t := m.d.Measures[s].ArgType; t.Oid == types.OidFloat4 {
			return reasonf("measure missing: AVG of a real column does not derive from its SUM")
		}
		return need(cube.Count)
	}
	return reasonf("measure missing: %s does not derive from the cube's measures", name)
}

// partitionBound reads a conjunct comparing the partition column with a
// constant as the range of values it admits.
func partitionBound(p *cube.Partition, n *pg_query.Node) (cube.Range, bool) {
	ae := n.GetAExpr()
	if ae == nil {
		return cube.Range{}, false
	}
	constant := func(x *pg_query.Node) (string, bool) {
		if tc := x.GetTypeCast(); tc != nil {
			x = tc.Arg
		}
		c := x.GetAConst()
		if c == nil || c.Isnull {
			return "", false
		}
		var v types.Datum
		switch {
		case c.GetIval() != nil:
			v = int64(c.GetIval().Ival)
		case c.GetSval() != nil:
			v = c.GetSval().Sval
		default:
			return "", false
		}
		return p.CanonicalDatum(v)
	}
	if ae.Kind == pg_query.A_Expr_Kind_AEXPR_BETWEEN {
		l := ae.Rexpr.GetList()
		if l == nil || len(l.Items) != 2 || ae.Lexpr.GetColumnRef() == nil {
			return cube.Range{}, false
		}
		lo, ok1 := constant(l.Items[0])
		hi, ok2 := constant(l.Items[1])
		next, ok3 := p.Next(hi)
		if !ok1 || !ok2 || !ok3 {
			return cube.Range{}, false
		}
		return cube.Range{Start: lo, End: next}, true
	}
	if ae.Kind != pg_query.A_Expr_Kind_AEXPR_OP {
		return cube.Range{}, false
	}
	op := opName(ae.Name)
	var v string
	var ok bool
	switch {
	case ae.Lexpr.GetColumnRef() != nil:
		v, ok = constant(ae.Rexpr)
	case ae.Rexpr.GetColumnRef() != nil:
		v, ok = constant(ae.Lexpr)
		op = map[string]string{"<": ">", "<=": ">=", ">": "<", ">=": "<=", "=": "="}[op]
	}
	if !ok {
		return cube.Range{}, false
	}
	switch op {
	case ">=":
		return cube.Range{Start: v}, true
	case "<":
		return cube.Range{End: v}, true
	case ">":
		next, ok := p.Next(v)
		return cube.Range{Start: next}, ok
	case "<=":
		next, ok := p.Next(v)
		return cube.Range{End: next}, ok
	case "=":
		next, ok := p.Next(v)
		return cube.Range{Start: v, End: next}, ok
	}
	return cube.Range{}, false
}

// queryRange intersects the ranges of the partition conjuncts.
func (m *cubeMatch) queryRange() cube.Range {
	r := cube.Full
	for _, c := range m.part {
		b, _ := partitionBound(m.d.Partition, c)
		if b.Start != "" && (r.Start == "" || b.Start > r.Start) {
			r.Start = b.Start
		}
		if b.End != "" && (r.End == "" || b.End < r.End) {
			r.End = b.End
		}
	}
	return r
}

// pickSegments prunes the READY segments by the partition filter, keeps
// those on which every table the query leaves out is verified omittable,
// picks the smallest cuboid that holds the needed dimensions, and lists
// the ranges left to raw rows.
func (m *cubeMatch) pickSegments(segs []metastore.Segment, omitted []string) *noRoute {
	want := m.queryRange()
	if want.Empty() {
		want = cube.Range{Start: want.Start, End: want.Start}
	}
	var have []cube.Range
	stats := map[string]cube.SegmentStats{}
	for _, g := range segs {
		if g.Project != m.d.Project || g.Cube != m.d.Name || g.Status != metastore.SegmentReady {
			continue
		}
		r := cube.Range{Start: g.Start, End: g.End}
		if !r.Overlaps(want) {
			m.pruned = append(m.pruned, g.ID)
			continue
		}
		parsed := m.planner.segment(g)
		if parsed.bad {
			continue
		}
		st := parsed.stats
		fresh := true
		for alias, fp := range m.tables {
			fresh = fresh && st.Tables[alias] == fp
		}
		if !fresh {
			// Its tables were loaded or truncated since the build: the
			// range comes from raw rows until a REFRESH.
			m.stale = append(m.stale, g.ID)
			continue
		}
		ok := true
		for _, t := range omitted {
			if !st.Omittable[t] {
				ok = false
			}
		}
		if !ok {
			continue // its range is answered from raw rows
		}
		if !m.keepPart && len(m.part) > 0 && !want.Contains(r) {
			// The filter cuts this segment and the cube cannot apply
			// it: the rows of the range it shares with the query come
			// from the raw tables.
			continue
		}
		m.used = append(m.used, g)
		stats[g.ID] = st
		have = append(have, r)
	}
	m.gaps = cube.Gaps(want, have)
	if want.Start != "" && want.Start == want.End {
		m.gaps = nil // an empty range needs no raw rows
	}
	best, found := cube.Cuboid(0), false
	var bestRows int64
	for _, c := range m.d.Cuboids {
		if !c.Has(m.needed) {
			continue
		}
		var rows int64
		for _, g := range m.used {
			rows += stats[g.ID].Cuboids[c.Key()]
		}
		if !found || rows < bestRows || (rows == bestRows && c.Len() < best.Len()) {
			best, bestRows, found = c, rows, true
		}
	}
	if !found {
		var names []string
		for _, i := range m.needed.Dims() {
			names = append(names, m.d.Dimensions[i].Name)
		}
		return reasonf("dimension missing: no cuboid holds all of (%s); the aggregation groups leave that combination out", strings.Join(names, ", "))
	}
	m.cuboid, m.rows = best, bestRows
	for _, g := range m.used {
		parsed := m.planner.segment(g)
		if parsed.err != nil {
			return reasonf("segment %s lists corrupt files", g.ID)
		}
		for _, f := range parsed.files[best.Key()] {
			m.files = append(m.files, metastore.TableFile{Path: f.Path, Rows: f.Rows, Bytes: f.Bytes, Stats: f.Stats})
		}
	}
	return nil
}

// fingerprints returns the current fingerprint of each table of d.
func (b *binder) fingerprints(ctx context.Context, d *cube.Def) (map[string]string, error) {
	out := map[string]string{}
	for _, t := range d.Tables() {
		fp, err := b.sess.planner.store.TableFingerprint(ctx, d.Project, t.Schema, t.Name)
		if err != nil {
			return nil, err
		}
		out[t.Alias] = fp
	}
	return out, nil
}

// cuboidColumns are the columns of a cuboid's files: its dimensions in
// cube order, then every measure.
func cuboidColumns(d *cube.Def, c cube.Cuboid) []exec.Column {
	var cols []exec.Column
	for _, i := range c.Dims() {
		cols = append(cols, exec.Column{Name: d.Dimensions[i].Name, Type: d.Dimensions[i].Type})
	}
	for _, me := range d.Measures {
		cols = append(cols, exec.Column{Name: me.Name, Type: me.Type})
	}
	return cols
}

// addFileRel registers a cuboid's files under a fresh internal name.
func (b *binder) addFileRel(d *cube.Def, c cube.Cuboid, files []metastore.TableFile) string {
	// Names are unique across the node, not just the statement: a block
	// replayed from the route memo brings its name along.
	name := fmt.Sprintf("lattice$cuboid$%d", b.sess.planner.relSeq.Add(1))
	var dims []string
	for _, i := range c.Dims() {
		dims = append(dims, d.Dimensions[i].Name)
	}
	b.cube.addRel(name, &fileRel{name: d.Name, label: fmt.Sprintf("Cuboid Scan on %s (%s)", d.Name, strings.Join(dims, ", ")), cols: cuboidColumns(d, c), files: files})
	return name
}

func (m *cubeMatch) route() *routeInfo {
	r := &routeInfo{cube: m.d.Name, rows: m.rows, pruned: m.pruned, stale: m.stale, rawFills: m.gaps, rawNull: m.rawNulls()}
	for _, i := range m.cuboid.Dims() {
		r.cuboid = append(r.cuboid, m.d.Dimensions[i].Name)
	}
	for _, g := range m.used {
		r.used = append(r.used, g.ID)
	}
	sort.Strings(r.pruned)
	return r
}
