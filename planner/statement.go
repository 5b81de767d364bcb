package planner

import (
	"context"

	"github.com/lattice-olap/lattice/metastore"

	"github.com/lattice-olap/lattice/types"
)

// Column describes one result column, as RowDescription carries it.
type Column struct {
	Name     string
	Type     types.T
	TableOID uint32
	AttrNum  int16
}

// Effect is what a statement asks of the connection beyond returning rows;
// the wire layer carries it out because it owns prepared statements and
// portals.
type Effect int

// Effects.
const (
	EffectNone          Effect = iota
	EffectDeallocate           // drop the prepared statement named DeallocateName
	EffectDeallocateAll        // drop every prepared statement
	EffectDiscardAll           // drop prepared statements and portals; settings were reset
)

// Statement is one bound statement, ready to execute any number of times.
type Statement struct {
	SQL     string    // the statement's own text
	Params  []types.T // the parameter types, inferred where the client sent none
	Columns []Column  // the result columns; nil for a statement without rows

	Effect         Effect
	DeallocateName string

	// Copy is set for COPY ... FROM STDIN / TO STDOUT: the wire layer runs
	// the COPY sub-protocol with it instead of executing the statement.
	Copy *CopyOp

	// plan describes the operators, for EXPLAIN.
	plan *planNode

	// txnControl marks COMMIT/ROLLBACK, which run in a failed transaction.
	txnControl bool
	// fold holds the expressions that Plan folds, in the order PostgreSQL's
	// planner preprocesses them.
	fold []Expr
	run  func(ctx context.Context, s *Session, args []types.Datum) (Result, error)

	// routes are the blocks answered from cubes; cubeState is the cube
	// state they were routed with (Execute binds again when it changed).
	routes    []*routeInfo
	cubeState *metastore.CubeState
	// record marks a query that lattice.query_history records.
	record bool
}

// Result is a stream of rows and, at its end, a command tag.
type Result interface {
	// Next advances to the next row; false at the end or on error.
	Next(ctx context.Context) bool
	// Row returns the current row, valid until the next call to Next.
	Row() []types.Datum
	// Err returns the error that ended iteration, if any.
	Err() error
	// Tag returns the command tag (SELECT 3, SET, ...) once Next is false.
	Tag() string
	// Close releases the result; it may be called before the end.
	Close()
}

// rowsResult is a Result over rows held in memory.
type rowsResult struct {
	rows [][]types.Datum
	pos  int
	tag  string
	err  error
}

func newRows(tag string, rows ...[]types.Datum) *rowsResult {
	return &rowsResult{rows: rows, pos: -1, tag: tag}
}

func (r *rowsResult) Next(ctx context.Context) bool {
	if r.err != nil || r.pos+1 >= len(r.rows) {
		r.pos = len(r.rows)
		return false
	}
	if err := ctx.Err(); err != nil {
		r.err = canceled(ctx)
		return false
	}
	r.pos++
	return true
}

func (r *rowsResult) Row() []types.Datum { return r.rows[r.pos] }
func (r *rowsResult) Err() error         { return r.err }
func (r *rowsResult) Close()             {}

// Tag returns the tag; for "SELECT" the wire layer appends the number of
// rows it sent in the Execute that finished the result, as PostgreSQL does.
func (r *rowsResult) Tag() string { return r.tag }

// tagOnly is the Result of a statement that returns no rows.
func tagOnly(tag string) Result { return newRows(tag) }
