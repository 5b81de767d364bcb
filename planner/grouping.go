package planner

import (
	pg_query "github.com/pganalyze/pg_query_go/v6"

	"github.com/lattice-olap/lattice/pgerr"
	"github.com/lattice-olap/lattice/types"
)

// expandGroupingSets flattens a GROUP BY clause into its distinct grouping
// expressions and, when it uses GROUPING SETS, ROLLUP or CUBE, the list of
// grouping sets as indices into them (the cross product of the items'
// sets, as PostgreSQL expands them).
func expandGroupingSets(clause []*pg_query.Node) ([]*pg_query.Node, [][]int, error) {
	var items []*pg_query.Node
	keys := map[string]int{}
	index := func(n *pg_query.Node) int {
		k := astKey(n)
		if i, ok := keys[k]; ok {
			return i
		}
		keys[k] = len(items)
		items = append(items, n)
		return len(items) - 1
	}
	// element returns the indices of one ROLLUP/CUBE element: an
	// expression or a parenthesized list of them.
	element := func(n *pg_query.Node) []int {
		if l := n.GetList(); l != nil {
			var out []int
			for _, x := range l.Items {
				out = append(out, index(x))
			}
			return out
		}
		if r := n.GetRowExpr(); r != nil {
			var out []int
			for _, x := range r.Args {
				out = append(out, index(x))
			}
			return out
		}
		return []int{index(n)}
	}
	var setsOf func(n *pg_query.Node) ([][]int, error)
	setsOf = func(n *pg_query.Node) ([][]int, error) {
		gs := n.GetGroupingSet()
		if gs == nil {
			return [][]int{element(n)}, nil
		}
		switch gs.Kind {
		case pg_query.GroupingSetKind_GROUPING_SET_EMPTY:
			return [][]int{{}}, nil
		case pg_query.GroupingSetKind_GROUPING_SET_SIMPLE:
			var set []int
			for _, c := range gs.Content {
				set = append(set, element(c)...)
			}
			return [][]int{set}, nil
		case pg_query.GroupingSetKind_GROUPING_SET_ROLLUP:
			var elems [][]int
			for _, c := range gs.Content {
				elems = append(elems, element(c))
			}
			var out [][]int
			for k := len(elems); k >= 0; k-- {
				var set []int
				for _, e := range elems[:k] {
					set = append(set, e...)
				}
				out = append(out, set)
			}
			return out, nil
		case pg_query.GroupingSetKind_GROUPING_SET_CUBE:
			var elems [][]int
			for _, c := range gs.Content {
				elems = append(elems, element(c))
			}
			if len(elems) > 12 {
				return nil, pgerr.New(pgerr.ProgramLimitExceeded, "CUBE is limited to 12 elements")
			}
			var out [][]int
			for mask := (1 << len(elems)) - 1; mask >= 0; mask-- {
				var set []int
				for i, e := range elems {
					if mask&(1<<(len(elems)-1-i)) != 0 {
						set = append(set, e...)
					}
				}
				out = append(out, set)
			}
			return out, nil
		case pg_query.GroupingSetKind_GROUPING_SET_SETS:
			var out [][]int
			for _, c := range gs.Content {
				sub, err := setsOf(c)
				if err != nil {
					return nil, err
				}
				out = append(out, sub...)
			}
			return out, nil
		}
		return nil, pgerr.New(pgerr.FeatureNotSupported, "unsupported grouping set")
	}
	hasSets := false
	for _, n := range clause {
		if n.GetGroupingSet() != nil {
			hasSets = true
		}
	}
	if !hasSets {
		for _, n := range clause {
			index(n)
		}
		return items, nil, nil
	}
	sets := [][]int{{}}
	for _, n := range clause {
		sub, err := setsOf(n)
		if err != nil {
			return nil, nil, err
		}
		var next [][]int
		for _, a := range sets {
			for _, b := range sub {
				next = append(next, append(append([]int(nil), a...), b...))
			}
		}
		sets = next
	}
	if len(sets) > 4096 {
		return nil, nil, pgerr.New(pgerr.StatementTooComplex, "too many grouping sets present (maximum 4096)")
	}
	return items, sets, nil
}

// groupingFunc binds grouping(a, b, ...): a bit per argument, set when the
// argument is not grouped in the row's grouping set.
func (b *binder) groupingFunc(g *pg_query.GroupingFunc) (Expr, error) {
	ag := b.agg
	if ag == nil || ag.inArg {
		return nil, b.errorf(g.Location, pgerr.GroupingError, "arguments to GROUPING must be grouping expressions of the associated query level")
	}
	var idx []int
	for _, a := range g.Args {
		k := astKey(a)
		found := -1
		for i, gk := range ag.groupKeys {
			if gk == k {
				found = i
			}
		}
		if found < 0 {
			if cr := a.GetColumnRef(); cr != nil {
				saved := b.agg
				b.agg = nil
				in, err := b.columnRef(cr)
				b.agg = saved
				if err == nil {
					for i, ge := range ag.groups {
						if gc, ok := ge.(*colRef); ok && gc.idx == in.(*colRef).idx {
							found = i
						}
					}
				}
			}
		}
		if found < 0 {
			return nil, b.errorf(g.Location, pgerr.GroupingError, "arguments to GROUPING must be grouping expressions of the associated query level")
		}
		idx = append(idx, found)
	}
	if ag.sets == nil {
		return &constExpr{t: types.Int4, v: int64(0)}, nil
	}
	sets := ag.sets
	gid := &colRef{idx: len(ag.groups), typ: types.Int4}
	return &funcExpr{name: "grouping", args: []Expr{gid}, typ: types.Int4, strict: true, fn: func(_ *evalCtx, v []types.Datum) (types.Datum, error) {
		set := sets[v[0].(int64)]
		var bits int64
		for _, i := range idx {
			bits <<= 1
			in := false
			for _, c := range set {
				if c == i {
					in = true
				}
			}
			if !in {
				bits |= 1
			}
		}
		return bits, nil
	}}, nil
}
