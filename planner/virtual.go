package planner

import (
	"context"
	"sort"
	"sync"

	pg_query "github.com/pganalyze/pg_query_go/v6"

	"github.com/lattice-olap/lattice/exec"
	"github.com/lattice-olap/lattice/types"
)

// A VirtualRelation is a relation whose rows are computed when a query reads
// it: the system views of schema lattice (lattice.jobs, lattice.nodes, ...)
// and the catalogs of pg_catalog and information_schema. Queries read it like
// any table: joins, filters and aggregates work over it.
type VirtualRelation struct {
	Schema  string
	Name    string
	OID     uint32   // the relation's pg_class OID; 0 when it has none
	Columns []Column // names and types, in order
	// Rows computes the rows for session s, one Datum per column.
	Rows func(ctx context.Context, s *Session) ([][]types.Datum, error)
}

// virtualRelations holds the relations every planner knows, registered by
// the files that define them (init functions) and by the node (Register).
var virtualRelations = struct {
	sync.RWMutex
	m map[[2]string]*VirtualRelation
}{m: map[[2]string]*VirtualRelation{}}

// RegisterRelation makes v readable under v.Schema.v.Name on every planner
// (the catalogs register themselves this way from init functions). A later
// registration of the same name replaces the earlier one.
func RegisterRelation(v VirtualRelation) {
	virtualRelations.Lock()
	defer virtualRelations.Unlock()
	virtualRelations.m[[2]string{v.Schema, v.Name}] = &v
}

// RegisterRelation makes v readable on this planner only, ahead of the
// relations registered globally: the node registers the views that need its
// own state (lattice.nodes reads its cluster membership) this way, so that
// several nodes can live in one process, as tests run them.
func (p *Planner) RegisterRelation(v VirtualRelation) {
	p.virtualMu.Lock()
	defer p.virtualMu.Unlock()
	if p.virtual == nil {
		p.virtual = map[[2]string]*VirtualRelation{}
	}
	p.virtual[[2]string{v.Schema, v.Name}] = &v
}

// VirtualRelations lists the relations this planner knows, global and its
// own, ordered by schema and name.
func (p *Planner) VirtualRelations() []*VirtualRelation {
	virtualRelations.RLock()
	all := make(map[[2]string]*VirtualRelation, len(virtualRelations.m))
	for k, v := range virtualRelations.m {
		all[k] = v
	}
	virtualRelations.RUnlock()
	p.virtualMu.RLock()
	for k, v := range p.virtual {
		all[k] = v
	}
	p.virtualMu.RUnlock()
	out := make([]*VirtualRelation, 0, len(all))
	for _, v := range all {
		out = append(out, v)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Schema != out[j].Schema {
			return out[i].Schema < out[j].Schema
		}
		return out[i].Name < out[j].Name
	})
	return out
}

func (p *Planner) virtualRelation(schema, name string) (*VirtualRelation, bool) {
	p.virtualMu.RLock()
	v, ok := p.virtual[[2]string{schema, name}]
	p.virtualMu.RUnlock()
	if ok {
		return v, true
	}
	virtualRelations.RLock()
	defer virtualRelations.RUnlock()
	v, ok = virtualRelations.m[[2]string{schema, name}]
	return v, ok
}

// lookupVirtual resolves rv to a virtual relation. A qualified name must
// match exactly. An unqualified name finds pg_catalog first (PostgreSQL
// searches it before search_path unless search_path names it), then the
// schemas of search_path other than public, where tables take precedence
// (lookupTable is consulted first by the caller for those).
func (b *binder) lookupVirtual(rv *pg_query.RangeVar) (*VirtualRelation, bool) {
	if rv.Schemaname != "" {
		return b.sess.planner.virtualRelation(rv.Schemaname, rv.Relname)
	}
	return b.sess.planner.virtualRelation("pg_catalog", rv.Relname)
}

// virtualPlan plans a read of v under the name rel.
func virtualPlan(v *VirtualRelation, rel string, alias *pg_query.Alias) relPlan {
	cols := make([]scopeCol, len(v.Columns))
	ecols := make([]Column, len(v.Columns))
	for i, c := range v.Columns {
		name := c.Name
		if alias != nil && i < len(alias.Colnames) {
			name = alias.Colnames[i].GetString_().GetSval()
		}
		cols[i] = scopeCol{rel: rel, name: name, typ: c.Type, idx: i, partner: -1}
		ecols[i] = Column{Name: c.Name, Type: c.Type}
	}
	node := newNode("Function Scan on " + v.Name)
	return relPlan{cols: cols, node: node, build: func(ec *evalCtx) (exec.Operator, error) {
		rows, err := v.Rows(ec.ctx, ec.sess)
		if err != nil {
			return nil, err
		}
		return node.instrument(resultOperator(newRows("SELECT", rows...), ecols), ec), nil
	}}
}
