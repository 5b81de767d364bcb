package planner

import (
	"context"
	"fmt"
	"strings"

	pg_query "github.com/pganalyze/pg_query_go/v6"

	"github.com/lattice-olap/lattice/exec"
	"github.com/lattice-olap/lattice/pgerr"
	"github.com/lattice-olap/lattice/types"
)

// planNode describes one operator of a plan, for EXPLAIN.
type planNode struct {
	label    string
	details  []string
	children []*planNode
	stats    exec.OpStats
}

func newNode(label string, children ...*planNode) *planNode {
	var kids []*planNode
	for _, c := range children {
		if c != nil {
			kids = append(kids, c)
		}
	}
	return &planNode{label: label, children: kids}
}

func (n *planNode) detail(format string, args ...any) *planNode {
	n.details = append(n.details, fmt.Sprintf(format, args...))
	return n
}

// instrument wraps op for EXPLAIN ANALYZE when the execution asks for it.
func (n *planNode) instrument(op exec.Operator, ec *evalCtx) exec.Operator {
	if n == nil || !ec.analyze {
		return op
	}
	if par, ok := op.(*exec.Parallel); ok {
		// Instrument each worker, leaving the Parallel in sight of the
		// joins above, which may add their probes to its workers.
		par.Extend(par.Columns(), func(w exec.Operator) (exec.Operator, error) {
			return exec.Instrument(w, &n.stats), nil
		}, nil)
		return par
	}
	return exec.Instrument(op, &n.stats)
}

func (n *planNode) reset() {
	n.stats = exec.OpStats{}
	for _, c := range n.children {
		c.reset()
	}
}

// lines renders the tree as PostgreSQL indents it.
func (n *planNode) lines(analyze bool) []string {
	var out []string
	var walk func(n *planNode, depth int)
	walk = func(n *planNode, depth int) {
		pad := strings.Repeat(" ", max(0, depth*6-4))
		head := n.label
		if analyze {
			head += fmt.Sprintf(" (actual rows=%d time=%.3f ms)", n.stats.Rows, float64(n.stats.Time.Microseconds())/1000)
		}
		if depth > 0 {
			head = pad + "->  " + head
		}
		out = append(out, head)
		detailPad := strings.Repeat(" ", depth*6+2)
		if depth == 0 {
			detailPad = "  "
		}
		for _, d := range n.details {
			out = append(out, detailPad+d)
		}
		for _, c := range n.children {
			walk(c, depth+1)
		}
	}
	walk(n, 0)
	return out
}

// exprString renders a bound expression for EXPLAIN.
func exprString(e Expr, cols []scopeCol) string {
	switch x := e.(type) {
	case nil:
		return ""
	case *colRef:
		for _, c := range cols {
			if c.idx == x.idx {
				if c.rel != "" {
					return c.rel + "." + c.name
				}
				return c.name
			}
		}
		return fmt.Sprintf("$col%d", x.idx+1)
	case *constExpr:
		if x.v == nil {
			return "NULL"
		}
		opt := types.DefaultFormat
		s := textOfDatum(x.t, x.v, &opt)
		if x.t.Family() == types.StringFamily || x.t.Family() == types.DateFamily || x.t.Family() == types.TimestampFamily {
			return "'" + strings.ReplaceAll(s, "'", "''") + "'::" + x.t.String()
		}
		return s
	case *paramExpr:
		return fmt.Sprintf("$%d", x.idx+1)
	case *castExpr:
		return "(" + exprString(x.arg, cols) + ")::" + x.typ.String()
	case *boolExpr:
		if x.op == "not" {
			return "(NOT " + exprString(x.args[0], cols) + ")"
		}
		parts := make([]string, len(x.args))
		for i, a := range x.args {
			parts[i] = exprString(a, cols)
		}
		return "(" + strings.Join(parts, " "+strings.ToUpper(x.op)+" ") + ")"
	case *nullTest:
		if x.not {
			return "(" + exprString(x.arg, cols) + " IS NOT NULL)"
		}
		return "(" + exprString(x.arg, cols) + " IS NULL)"
	case *funcExpr:
		args := make([]string, len(x.args))
		for i, a := range x.args {
			args[i] = exprString(a, cols)
		}
		if len(args) == 2 && x.name != "" && !isLetter(x.name[0]) {
			return "(" + args[0] + " " + x.name + " " + args[1] + ")"
		}
		return x.name + "(" + strings.Join(args, ", ") + ")"
	case *subplanExpr:
		return "(SubPlan)"
	case *outerRef:
		return x.name
	}
	return fmt.Sprintf("%T", e)
}

func isLetter(c byte) bool { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' }

// explainStmt binds EXPLAIN [ANALYZE] <query>.
func (b *binder) explainStmt(ctx context.Context, ex *pg_query.ExplainStmt) (*Statement, error) {
	analyze := false
	for _, o := range ex.Options {
		d := o.GetDefElem()
		switch d.Defname {
		case "analyze":
			analyze = d.Arg == nil || d.Arg.GetBoolean() == nil || d.Arg.GetBoolean().Boolval
		case "verbose", "costs", "timing", "summary", "buffers", "settings", "wal":
		case "format":
			if f := strings.ToLower(d.Arg.GetString_().GetSval()); f != "text" {
				return nil, pgerr.New(pgerr.FeatureNotSupported, "EXPLAIN format %s is not supported; use TEXT", f)
			}
		default:
			return nil, pgerr.New(pgerr.SyntaxError, "unrecognized EXPLAIN option %q", d.Defname)
		}
	}
	sel := ex.Query.GetSelectStmt()
	if sel == nil {
		return nil, pgerr.New(pgerr.FeatureNotSupported, "EXPLAIN supports SELECT statements")
	}
	q, err := b.selectStmt(ctx, sel)
	if err != nil {
		return nil, err
	}
	routes := b.cube.routes
	root := q.plan
	if root == nil {
		root = newNode("Result")
	}
	return &Statement{Params: q.Params, Columns: []Column{{Name: "QUERY PLAN", Type: types.Text}}, run: func(ctx context.Context, s *Session, args []types.Datum) (Result, error) {
		var lines []string
		if len(routes) == 0 {
			lines = append(lines, "Route: raw (no cube covers this query)")
		}
		for _, r := range routes {
			lines = append(lines, "Route: "+r.String())
		}
		if analyze {
			root.reset()
			n, err := q.runAnalyze(ctx, s, args)
			if err != nil {
				return nil, err
			}
			lines = append(lines, root.lines(true)...)
			lines = append(lines, fmt.Sprintf("Rows returned: %d", n))
		} else {
			lines = append(lines, root.lines(false)...)
		}
		rows := make([][]types.Datum, len(lines))
		for i, l := range lines {
			rows[i] = []types.Datum{l}
		}
		return newRows("EXPLAIN", rows...), nil
	}}, nil
}

// runAnalyze executes a statement with its operators instrumented and
// counts its rows. Operators built while the rows are read (a lateral
// join's right side, run per left row) are instrumented too.
func (st *Statement) runAnalyze(ctx context.Context, s *Session, args []types.Datum) (int, error) {
	s.analyze = true
	defer func() { s.analyze = false }()
	res, err := st.run(ctx, s, args)
	if err != nil {
		return 0, err
	}
	defer res.Close()
	n := 0
	for res.Next(ctx) {
		n++
	}
	return n, res.Err()
}
