package planner

import (
	pg_query "github.com/pganalyze/pg_query_go/v6"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// astKey returns a key equal for structurally equal expressions, ignoring
// source locations: GROUP BY a + 1 matches a + 1 in the select list as in
// PostgreSQL.
func astKey(n *pg_query.Node) string {
	c := proto.Clone(n)
	clearLocations(c.ProtoReflect())
	b, _ := proto.MarshalOptions{Deterministic: true}.Marshal(c)
	return string(b)
}

func clearLocations(m protoreflect.Message) {
	m.Range(func(fd protoreflect.FieldDescriptor, v protoreflect.Value) bool {
		switch {
		case fd.Name() == "location" && fd.Kind() == protoreflect.Int32Kind:
			m.Clear(fd)
		case fd.IsList() && fd.Message() != nil:
			l := v.List()
			for i := 0; i < l.Len(); i++ {
				clearLocations(l.Get(i).Message())
			}
		case fd.Message() != nil && !fd.IsMap():
			clearLocations(v.Message())
		}
		return true
	})
}

// walkNodes calls fn for n and every node below it, depth first; fn
// returning false skips that node's children.
func walkNodes(n *pg_query.Node, fn func(*pg_query.Node) bool) {
	if n == nil || !fn(n) {
		return
	}
	if !walkKnown(n, fn) {
		walkMessage(n.ProtoReflect(), fn)
	}
}

// walkKnown walks the children of the commonest expression nodes
// directly, in field order as reflection would (which is slow enough to
// show in a cube query's planning); false for any other node.
func walkKnown(n *pg_query.Node, fn func(*pg_query.Node) bool) bool {
	all := func(list []*pg_query.Node) {
		for _, c := range list {
			walkNodes(c, fn)
		}
	}
	switch x := n.Node.(type) {
	case *pg_query.Node_ColumnRef:
		all(x.ColumnRef.Fields)
	case *pg_query.Node_AConst, *pg_query.Node_ParamRef, *pg_query.Node_String_, *pg_query.Node_Integer, *pg_query.Node_AStar:
		// no nodes below
	case *pg_query.Node_AExpr:
		all(x.AExpr.Name)
		walkNodes(x.AExpr.Lexpr, fn)
		walkNodes(x.AExpr.Rexpr, fn)
	case *pg_query.Node_BoolExpr:
		walkNodes(x.BoolExpr.Xpr, fn)
		all(x.BoolExpr.Args)
	case *pg_query.Node_FuncCall:
		f := x.FuncCall
		if f.Over != nil {
			return false
		}
		all(f.Funcname)
		all(f.Args)
		all(f.AggOrder)
		walkNodes(f.AggFilter, fn)
	case *pg_query.Node_TypeCast:
		walkNodes(x.TypeCast.Arg, fn)
		if tn := x.TypeCast.TypeName; tn != nil {
			all(tn.Names)
			all(tn.Typmods)
			all(tn.ArrayBounds)
		}
	case *pg_query.Node_ResTarget:
		all(x.ResTarget.Indirection)
		walkNodes(x.ResTarget.Val, fn)
	case *pg_query.Node_List:
		all(x.List.Items)
	case *pg_query.Node_SortBy:
		walkNodes(x.SortBy.Node, fn)
		all(x.SortBy.UseOp)
	case *pg_query.Node_NullTest:
		walkNodes(x.NullTest.Xpr, fn)
		walkNodes(x.NullTest.Arg, fn)
	default:
		return false
	}
	return true
}

// walkMessage walks m's message fields in declaration order. It does
// not use Message.Range: protobuf-go deliberately perturbs Range's order
// per binary, and the walk order must not change from build to build.
func walkMessage(m protoreflect.Message, fn func(*pg_query.Node) bool) {
	visit := func(cm protoreflect.Message) {
		if node, ok := cm.Interface().(*pg_query.Node); ok {
			walkNodes(node, fn)
			return
		}
		walkMessage(cm, fn)
	}
	fields := m.Descriptor().Fields()
	for i := 0; i < fields.Len(); i++ {
		fd := fields.Get(i)
		if fd.Message() == nil || fd.IsMap() || !m.Has(fd) {
			continue
		}
		if fd.IsList() {
			l := m.Get(fd).List()
			for j := 0; j < l.Len(); j++ {
				visit(l.Get(j).Message())
			}
			continue
		}
		visit(m.Get(fd).Message())
	}
}
