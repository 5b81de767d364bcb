package planner

import (
	"context"

	pg_query "github.com/pganalyze/pg_query_go/v6"

	"github.com/lattice-olap/lattice/metastore"
)

// The route memo. Matching a query block against the project's cubes and
// rewriting it over a cuboid takes longer than answering many cube
// queries (it deparses and parses expressions through PostgreSQL's
// grammar), and a dashboard sends the same statements again and again.
// The outcome depends only on the block, the metastore's definitions of
// tables, cubes and segments, and a few session settings, so the planner
// keeps it, keyed by all of them. The blocks of cached parse trees are
// shared and read-only, so a block's pointer stands for its text; the
// metastore's generation changes with every change of a table (its
// definition or files), cube or segment, so an entry is never reused
// after one.

// routeKey is what routing a block depends on.
type routeKey struct {
	sel   *pg_query.SelectStmt
	state *metastore.CubeState
	gen   uint64
	// The session's: its project and, for unqualified table names,
	// search_path (with $user), and lattice.route.
	project, user, searchPath, mode string
}

// routed is the outcome of routing a block: the rewritten block (nil when
// it runs raw, with why), and what the rewrite added to the statement's
// binding, replayed on a hit. Entries are shared and read-only.
type routed struct {
	out    *pg_query.SelectStmt
	why    *noRoute
	rels   map[string]*fileRel
	raw    []*pg_query.SelectStmt
	routes []*routeInfo
}

// matchCubesMemo is matchCubes through the route memo; memo is false when
// the metastore has no generation to key entries with.
func (b *binder) matchCubesMemo(ctx context.Context, sel *pg_query.SelectStmt, st *metastore.CubeState, mode string, gen uint64, memo bool) (*pg_query.SelectStmt, *noRoute) {
	if !memo {
		return b.matchCubes(ctx, sel, st)
	}
	path, _ := b.sess.Settings.Get("search_path")
	key := routeKey{sel: sel, state: st, gen: gen, project: b.sess.Project, user: b.sess.User, searchPath: path, mode: mode}
	routes := b.sess.planner.routes
	if r, ok := routes.get(key); ok {
		for name, rel := range r.rels {
			b.cube.addRel(name, rel)
		}
		b.cube.addRaw(r.raw...)
		for _, ri := range r.routes {
			b.cube.addRoute(ri)
		}
		return r.out, r.why
	}
	rec := &routed{}
	b.cube.rec, b.cube.unsure = rec, false
	rec.out, rec.why = b.matchCubes(ctx, sel, st)
	b.cube.rec = nil
	if now, _ := b.sess.planner.store.Generation(); now == gen && !b.cube.unsure {
		routes.put(key, rec)
	}
	return rec.out, rec.why
}

// addRel registers a cuboid relation of the statement.
func (c *cubeBinding) addRel(name string, rel *fileRel) {
	if c.files == nil {
		c.files = map[string]*fileRel{}
	}
	c.files[name] = rel
	if c.rec != nil {
		if c.rec.rels == nil {
			c.rec.rels = map[string]*fileRel{}
		}
		c.rec.rels[name] = rel
	}
}

// addRaw marks blocks that are bound as they are.
func (c *cubeBinding) addRaw(blocks ...*pg_query.SelectStmt) {
	if c.rawBlocks == nil {
		c.rawBlocks = map[*pg_query.SelectStmt]bool{}
	}
	for _, s := range blocks {
		c.rawBlocks[s] = true
	}
	if c.rec != nil {
		c.rec.raw = append(c.rec.raw, blocks...)
	}
}

// addRoute records a block answered from a cube.
func (c *cubeBinding) addRoute(r *routeInfo) {
	c.routes = append(c.routes, r)
	if c.rec != nil {
		c.rec.routes = append(c.rec.routes, r)
	}
}
