package planner

import (
	"sort"
	"testing"

	pg_query "github.com/pganalyze/pg_query_go/v6"
	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/lattice-olap/lattice/ssb"
)

// walkReflect is walkNodes by reflection alone, visiting fields in
// field-number order (walkNodes promises declaration order; pg_query's
// messages declare their fields by number).
func walkReflect(n *pg_query.Node, fn func(*pg_query.Node) bool) {
	if n == nil || !fn(n) {
		return
	}
	var walk func(m protoreflect.Message)
	walk = func(m protoreflect.Message) {
		var set []protoreflect.FieldDescriptor
		m.Range(func(fd protoreflect.FieldDescriptor, _ protoreflect.Value) bool {
			if fd.Message() != nil && !fd.IsMap() {
				set = append(set, fd)
			}
			return true
		})
		sort.Slice(set, func(i, j int) bool { return set[i].Number() < set[j].Number() })
		for _, fd := range set {
			visit := func(cm protoreflect.Message) {
				if node, ok := cm.Interface().(*pg_query.Node); ok {
					walkReflect(node, fn)
					return
				}
				walk(cm)
			}
			if fd.IsList() {
				for i := 0; i < m.Get(fd).List().Len(); i++ {
					visit(m.Get(fd).List().Get(i).Message())
				}
				continue
			}
			visit(m.Get(fd).Message())
		}
	}
	walk(n.ProtoReflect())
}

// TestWalkNodesOrder checks that walkNodes visits the same nodes in the
// same order as a walk by reflection, including where fn prunes.
func TestWalkNodesOrder(t *testing.T) {
	queries := []string{
		"SELECT a::numeric(12,2), -b, c IS NULL, d IS NOT NULL, x[1], count(*) FILTER (WHERE e > 1), " +
			"string_agg(f, ',' ORDER BY g DESC), sum(h) OVER (PARTITION BY i ORDER BY j), CASE WHEN k THEN 1 ELSE 2 END " +
			"FROM t WHERE l IN (1, 2, 3) AND NOT (m BETWEEN 1 AND 2 OR n LIKE 'x%') AND $1 = o GROUP BY 1 ORDER BY 2 NULLS FIRST",
		"SELECT * FROM a JOIN b USING (k) WHERE a.x = ANY (SELECT y FROM c) AND '2020-01-01'::date < now()",
	}
	for _, q := range ssb.Queries {
		queries = append(queries, q.SQL)
	}
	for _, q := range queries {
		tree, err := pg_query.Parse(q)
		require.NoError(t, err)
		root := tree.Stmts[0].Stmt
		for _, prune := range []bool{false, true} {
			var fast, slow []*pg_query.Node
			visit := func(out *[]*pg_query.Node) func(*pg_query.Node) bool {
				return func(n *pg_query.Node) bool {
					*out = append(*out, n)
					return !prune || n.GetFuncCall() == nil // skip aggregates' insides
				}
			}
			walkNodes(root, visit(&fast))
			walkReflect(root, visit(&slow))
			require.Greater(t, len(slow), 10, q)
			// Compare node identities; require.Equal would deep-compare
			// and diff whole syntax trees on a mismatch.
			for i := 0; i < len(slow) && i < len(fast); i++ {
				if slow[i] != fast[i] {
					t.Fatalf("%s (prune=%v): node %d: walkNodes visits %T, reflection %T", q, prune, i, fast[i].Node, slow[i].Node)
				}
			}
			require.Equal(t, len(slow), len(fast), "nodes visited: %s (prune=%v)", q, prune)
		}
	}
}
