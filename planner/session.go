package planner

import (
	"context"

	"github.com/lattice-olap/lattice/exec"
	"time"

	"github.com/lattice-olap/lattice/pgerr"
	"github.com/lattice-olap/lattice/types"
)

// TxnStatus is the transaction state ReadyForQuery reports.
type TxnStatus byte

// Transaction states, as the wire protocol spells them.
const (
	TxnIdle   TxnStatus = 'I'
	TxnActive TxnStatus = 'T'
	TxnFailed TxnStatus = 'E'
)

// Session is one connection's state. It is owned by the connection's
// goroutine; nothing in it is safe for concurrent use.
type Session struct {
	planner    *Planner
	User       string
	Project    string
	IsAdmin    bool
	BackendPID int32

	Settings *Settings
	txn      TxnStatus
	// atBegin holds the settings as they were at BEGIN, restored by
	// ROLLBACK; local holds, for each setting changed by SET LOCAL in the
	// block, its value before (nil: it was at its default).
	atBegin    map[string]string
	local      map[string]*string
	savepoints []savepoint // of the open block, oldest first
	txnStart   time.Time
	notices    []*pgerr.Error
	implicit   map[string]string  // settings at the start of the implicit transaction
	analyze    bool               // the running statement is under EXPLAIN ANALYZE
	cursors    map[string]*cursor // open SQL cursors, by name (cursor.go)
	noticeSink func(*pgerr.Error) // sends a notice to the client at once (SetNoticeSink)
}

// NewSession starts a session for user on project. startup holds the
// StartupMessage parameters other than user and database; each must be a
// valid setting.
func (p *Planner) NewSession(user, project string, isAdmin bool, pid int32, startup map[string]string) (*Session, error) {
	s := &Session{planner: p, User: user, Project: project, IsAdmin: isAdmin, BackendPID: pid, Settings: newSettings(), txn: TxnIdle}
	if err := s.Settings.set("session_authorization", user, true); err != nil {
		return nil, err
	}
	if isAdmin {
		if err := s.Settings.set("is_superuser", "on", true); err != nil {
			return nil, err
		}
	}
	for name, value := range startup {
		if name == "options" {
			if err := s.applyOptions(value); err != nil {
				return nil, err
			}
			continue
		}
		if err := s.Settings.set(name, value, false); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// applyOptions handles the startup "options" parameter: "-c name=value"
// pairs, as libpq's PGOPTIONS sends them.
func (s *Session) applyOptions(opts string) error {
	fields := splitOptions(opts)
	for i := 0; i < len(fields); i++ {
		f := fields[i]
		var kv string
		switch {
		case f == "-c" && i+1 < len(fields):
			kv = fields[i+1]
			i++
		case len(f) > 2 && f[:2] == "-c":
			kv = f[2:]
		case len(f) > 2 && f[:2] == "--":
			kv = f[2:]
		default:
			return pgerr.New(pgerr.ProtocolViolation, "invalid command-line argument for server process: %s", f).
				WithHint("Only -c name=value settings are accepted in options.")
		}
		name, value, ok := cut(kv, '=')
		if !ok {
			return pgerr.New(pgerr.SyntaxError, "-c %s requires a value", kv)
		}
		if err := s.Settings.set(replaceDash(name), value, false); err != nil {
			return err
		}
	}
	return nil
}

func splitOptions(s string) []string {
	var out []string
	var cur []byte
	esc := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case esc:
			cur = append(cur, c)
			esc = false
		case c == '\\':
			esc = true
		case c == ' ' || c == '\t':
			if len(cur) > 0 {
				out = append(out, string(cur))
				cur = cur[:0]
			}
		default:
			cur = append(cur, c)
		}
	}
	if len(cur) > 0 {
		out = append(out, string(cur))
	}
	return out
}

func cut(s string, sep byte) (string, string, bool) {
	for i := 0; i < len(s); i++ {
		if s[i] == sep {
			return s[:i], s[i+1:], true
		}
	}
	return s, "", false
}

func replaceDash(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c == '-' {
			b[i] = '_'
		}
	}
	return string(b)
}

// TxnStatus returns the state for ReadyForQuery.
func (s *Session) TxnStatus() TxnStatus { return s.txn }

// InBlock reports whether an explicit transaction block is open.
func (s *Session) InBlock() bool { return s.txn != TxnIdle }

// Fail records that a statement failed; inside a transaction block, the
// block is now aborted until ROLLBACK.
func (s *Session) Fail() {
	if s.txn == TxnActive {
		s.txn = TxnFailed
	}
}

// Prepare parses and binds every statement in text. paramTypes are the
// types the client declared (OID 0 entries are inferred); they apply to
// a single statement and are rejected with several.
func (s *Session) Prepare(ctx context.Context, text string, paramTypes []types.Oid) ([]*Statement, error) {
	stmts, err := s.Parse(text)
	if err != nil {
		return nil, err
	}
	out := make([]*Statement, 0, len(stmts))
	for _, st := range stmts {
		stmt, err := s.Bind(ctx, text, st, paramTypes)
		if err != nil {
			return nil, err
		}
		out = append(out, stmt)
	}
	return out, nil
}

// Parsed is one statement of a query text, parsed and not yet bound.
type Parsed struct{ p parsed }

// Parse splits text into its statements. A syntax error anywhere fails
// the whole text (42601), as in PostgreSQL: none of it runs.
func (s *Session) Parse(text string) ([]Parsed, error) {
	stmts, err := s.planner.parse(text)
	if err != nil {
		return nil, err
	}
	out := make([]Parsed, len(stmts))
	for i, st := range stmts {
		out[i] = Parsed{st}
	}
	return out, nil
}

// Bind binds one statement of text (Parse). The statements of a simple
// query are bound one at a time, each after the ones before it have run,
// so that CREATE TABLE t ...; INSERT INTO t ... finds t.
func (s *Session) Bind(ctx context.Context, text string, ps Parsed, paramTypes []types.Oid) (*Statement, error) {
	st := ps.p
	b := newBinder(s, text, paramTypes)
	b.ctx = ctx
	stmt, err := b.statement(ctx, st)
	if err != nil {
		return nil, err
	}
	stmt.SQL = st.sql
	stmt.routes, stmt.cubeState = b.cube.routes, b.cube.state
	// The history keeps the queries that read data: not constant
	// SELECTs (a pool's SELECT 1) nor catalog and system views.
	stmt.record = b.cube.reads && st.stmt != nil && (st.stmt.GetSelectStmt() != nil || st.stmt.GetExplainStmt() != nil)
	return stmt, nil
}

// CheckTxn returns 25P02 when the transaction is aborted and stmt cannot
// run in that state.
func (s *Session) CheckTxn(stmt *Statement) error {
	if s.txn == TxnFailed && (stmt == nil || !stmt.txnControl) {
		return pgerr.New(pgerr.InFailedSqlTransaction, "current transaction is aborted, commands ignored until end of transaction block")
	}
	return nil
}

// Execute runs a prepared statement with its parameter values.
func (s *Session) Execute(ctx context.Context, stmt *Statement, args []types.Datum) (Result, error) {
	if err := s.CheckTxn(stmt); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, canceled(ctx)
	}
	if stmt.cubeState != nil {
		// Segments changed since the statement was bound: route it again,
		// so that a prepared query never reads a replaced segment.
		if cur, err := s.planner.store.CubeState(ctx, s.Project); err == nil && cur != stmt.cubeState {
			fresh, err := s.rebind(ctx, stmt)
			if err != nil {
				return nil, err
			}
			stmt = fresh
		}
	}
	start := time.Now()
	res, err := stmt.run(ctx, s, args)
	if err != nil || !stmt.record {
		return res, err
	}
	return &historyResult{Result: res, s: s, stmt: stmt, start: start}, nil
}

// rebind binds a prepared statement's text again; its result columns must
// not change.
func (s *Session) rebind(ctx context.Context, stmt *Statement) (*Statement, error) {
	oids := make([]types.Oid, len(stmt.Params))
	for i, p := range stmt.Params {
		oids[i] = p.Oid
	}
	fresh, err := s.Prepare(ctx, stmt.SQL, oids)
	if err != nil {
		return nil, err
	}
	if len(fresh) != 1 || len(fresh[0].Columns) != len(stmt.Columns) {
		return nil, pgerr.New(pgerr.FeatureNotSupported, "cached plan must not change result type")
	}
	for i, c := range fresh[0].Columns {
		if c.Type != stmt.Columns[i].Type {
			return nil, pgerr.New(pgerr.FeatureNotSupported, "cached plan must not change result type")
		}
	}
	return fresh[0], nil
}

// StartImplicit marks the start of an implicit transaction (a simple Query
// or an extended-protocol run up to Sync) outside a block, so that its SETs
// can be undone if it fails.
func (s *Session) StartImplicit() {
	if s.txn == TxnIdle && s.implicit == nil {
		s.implicit = s.Settings.snapshot()
	}
}

// EndImplicit ends the implicit transaction; when it failed outside a
// block, settings return to where they were at its start.
func (s *Session) EndImplicit(failed bool) {
	if failed && s.implicit != nil && s.txn == TxnIdle {
		s.Settings.restore(s.implicit)
	}
	s.implicit = nil
}

// StatementContext returns the context a statement runs under: ctx with
// the query memory budget (lattice.query.max-memory).
func (s *Session) StatementContext(ctx context.Context) context.Context {
	return exec.WithBudget(ctx, s.planner.maxMemory)
}
