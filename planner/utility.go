package planner

import (
	"context"
	"strconv"
	"strings"
	"time"

	pg_query "github.com/pganalyze/pg_query_go/v6"

	"github.com/lattice-olap/lattice/pgerr"
	"github.com/lattice-olap/lattice/types"
)

// setStmt binds SET, SET LOCAL, SET ... TO DEFAULT, RESET and RESET ALL.
func (b *binder) setStmt(v *pg_query.VariableSetStmt) (*Statement, error) {
	switch v.Kind {
	case pg_query.VariableSetKind_VAR_SET_MULTI:
		// SET TRANSACTION ..., SET SESSION CHARACTERISTICS: Lattice's
		// statements are all read-committed and need no options.
		if v.Name != "TRANSACTION" {
			return &Statement{run: constTag("SET")}, nil
		}
		return &Statement{run: func(_ context.Context, s *Session, _ []types.Datum) (Result, error) {
			if s.txn == TxnIdle {
				s.notice(pgerr.New(pgerr.NoActiveSqlTransaction, "SET TRANSACTION can only be used in transaction blocks"), pgerr.SeverityWarning)
			}
			return tagOnly("SET"), nil
		}}, nil
	case pg_query.VariableSetKind_VAR_RESET_ALL:
		return &Statement{run: func(_ context.Context, s *Session, _ []types.Datum) (Result, error) {
			for key, d := range settingDefs {
				if !d.readOnly {
					if err := s.Settings.reset(key); err != nil {
						return nil, err
					}
				}
			}
			return tagOnly("RESET"), nil
		}}, nil
	case pg_query.VariableSetKind_VAR_RESET, pg_query.VariableSetKind_VAR_SET_DEFAULT:
		name := v.Name
		if _, _, err := lookupSetting(name); err != nil {
			return nil, err
		}
		tag := "SET"
		if v.Kind == pg_query.VariableSetKind_VAR_RESET {
			tag = "RESET"
		}
		return &Statement{run: func(_ context.Context, s *Session, _ []types.Datum) (Result, error) {
			if err := s.Settings.reset(name); err != nil {
				return nil, err
			}
			return tagOnly(tag), nil
		}}, nil
	case pg_query.VariableSetKind_VAR_SET_VALUE:
		value, err := b.settingValue(v)
		if err != nil {
			return nil, err
		}
		name, local := v.Name, v.IsLocal
		d, _, err := lookupSetting(name)
		if err != nil {
			return nil, err
		}
		if d != nil && d.readOnly {
			return nil, pgerr.New(pgerr.CantChangeRuntimeParam, "parameter %q cannot be changed", d.name)
		}
		return &Statement{run: func(_ context.Context, s *Session, _ []types.Datum) (Result, error) {
			if err := s.setSetting(name, value, local); err != nil {
				return nil, err
			}
			return tagOnly("SET"), nil
		}}, nil
	}
	return nil, pgerr.New(pgerr.FeatureNotSupported, "SET FROM CURRENT is not supported")
}

// settingValue renders SET's arguments as the setting's text value.
func (b *binder) settingValue(v *pg_query.VariableSetStmt) (string, error) {
	var parts []string
	for _, a := range v.Args {
		c := a.GetAConst()
		if tc := a.GetTypeCast(); tc != nil {
			c = tc.Arg.GetAConst() // SET TIME ZONE INTERVAL '...'
		}
		if c == nil {
			return "", pgerr.New(pgerr.SyntaxError, "SET %s takes only constant values", v.Name)
		}
		switch x := c.Val.(type) {
		case *pg_query.A_Const_Ival:
			parts = append(parts, strconv.Itoa(int(x.Ival.Ival)))
		case *pg_query.A_Const_Fval:
			parts = append(parts, x.Fval.Fval)
		case *pg_query.A_Const_Sval:
			parts = append(parts, x.Sval.Sval)
		case *pg_query.A_Const_Boolval:
			parts = append(parts, map[bool]string{true: "on", false: "off"}[x.Boolval.Boolval])
		default:
			return "", pgerr.New(pgerr.SyntaxError, "SET %s takes only constant values", v.Name)
		}
	}
	return strings.Join(parts, ", "), nil
}

// setSetting changes a setting for the session, or until the end of the
// transaction block when local.
func (s *Session) setSetting(name, value string, local bool) error {
	if strings.EqualFold(name, "timezone") || strings.EqualFold(name, "time zone") {
		name = "TimeZone"
	}
	_, key, err := lookupSetting(name)
	if err != nil {
		return err
	}
	if local && s.txn == TxnIdle {
		s.notice(pgerr.New(pgerr.NoActiveSqlTransaction, "SET LOCAL can only be used in transaction blocks"), pgerr.SeverityWarning)
		return nil
	}
	before, had := s.Settings.values[key]
	if err := s.Settings.set(name, value, false); err != nil {
		return err
	}
	switch {
	case local:
		if s.local == nil {
			s.local = map[string]*string{}
		}
		if _, seen := s.local[key]; !seen {
			if had {
				s.local[key] = &before
			} else {
				s.local[key] = nil
			}
		}
	case s.local != nil:
		delete(s.local, key) // a plain SET outlives the block's SET LOCAL
	}
	return nil
}

func (b *binder) showStmt(v *pg_query.VariableShowStmt) (*Statement, error) {
	name := v.Name
	if strings.EqualFold(name, "all") {
		return &Statement{Columns: []Column{{Name: "name", Type: types.Text}, {Name: "setting", Type: types.Text}, {Name: "description", Type: types.Text}},
			run: func(_ context.Context, s *Session, _ []types.Datum) (Result, error) {
				var rows [][]types.Datum
				for _, kv := range s.Settings.all() {
					rows = append(rows, []types.Datum{kv[0], kv[1], ""})
				}
				return newRows("SHOW", rows...), nil
			}}, nil
	}
	switch strings.ToLower(name) {
	case "transaction_isolation", "transaction isolation level":
		name = "transaction_isolation"
	case "timezone", "time zone":
		name = "TimeZone"
	case "session authorization":
		name = "session_authorization"
	}
	d, key, err := lookupSetting(name)
	if err != nil {
		return nil, err
	}
	colName := key
	if d != nil {
		colName = d.name
	}
	return &Statement{Columns: []Column{{Name: colName, Type: types.Text}}, run: func(_ context.Context, s *Session, _ []types.Datum) (Result, error) {
		val, err := s.Settings.Get(name)
		if err != nil {
			return nil, err
		}
		return newRows("SHOW", []types.Datum{val}), nil
	}}, nil
}

func (b *binder) transactionStmt(t *pg_query.TransactionStmt) (*Statement, error) {
	switch t.Kind {
	case pg_query.TransactionStmtKind_TRANS_STMT_BEGIN, pg_query.TransactionStmtKind_TRANS_STMT_START:
		tag := "BEGIN"
		if t.Kind == pg_query.TransactionStmtKind_TRANS_STMT_START {
			tag = "START TRANSACTION"
		}
		return &Statement{run: func(_ context.Context, s *Session, _ []types.Datum) (Result, error) {
			if s.txn != TxnIdle {
				s.notice(pgerr.New(pgerr.ActiveSqlTransaction, "there is already a transaction in progress"), pgerr.SeverityWarning)
				return tagOnly(tag), nil
			}
			s.txn = TxnActive
			s.txnStart = time.Now().UTC().Truncate(time.Microsecond)
			s.atBegin = s.Settings.clone()
			return tagOnly(tag), nil
		}}, nil
	case pg_query.TransactionStmtKind_TRANS_STMT_COMMIT, pg_query.TransactionStmtKind_TRANS_STMT_ROLLBACK:
		commit := t.Kind == pg_query.TransactionStmtKind_TRANS_STMT_COMMIT
		return &Statement{txnControl: true, run: func(_ context.Context, s *Session, _ []types.Datum) (Result, error) {
			if s.txn == TxnIdle {
				s.notice(pgerr.New(pgerr.NoActiveSqlTransaction, "there is no transaction in progress"), pgerr.SeverityWarning)
				if commit {
					return tagOnly("COMMIT"), nil
				}
				return tagOnly("ROLLBACK"), nil
			}
			failed := s.txn == TxnFailed
			s.endBlock(commit && !failed)
			if commit && !failed {
				return tagOnly("COMMIT"), nil
			}
			return tagOnly("ROLLBACK"), nil
		}}, nil
	case pg_query.TransactionStmtKind_TRANS_STMT_SAVEPOINT:
		name := t.SavepointName
		return &Statement{run: func(_ context.Context, s *Session, _ []types.Datum) (Result, error) {
			if s.txn == TxnIdle {
				return nil, pgerr.New(pgerr.NoActiveSqlTransaction, "SAVEPOINT can only be used in transaction blocks")
			}
			s.savepoints = append(s.savepoints, savepoint{name: name, settings: s.Settings.clone()})
			return tagOnly("SAVEPOINT"), nil
		}}, nil
	case pg_query.TransactionStmtKind_TRANS_STMT_RELEASE:
		name := t.SavepointName
		return &Statement{run: func(_ context.Context, s *Session, _ []types.Datum) (Result, error) {
			if s.txn == TxnIdle {
				return nil, pgerr.New(pgerr.NoActiveSqlTransaction, "RELEASE SAVEPOINT can only be used in transaction blocks")
			}
			i, err := s.findSavepoint(name)
			if err != nil {
				return nil, err
			}
			s.savepoints = s.savepoints[:i]
			return tagOnly("RELEASE"), nil
		}}, nil
	case pg_query.TransactionStmtKind_TRANS_STMT_ROLLBACK_TO:
		name := t.SavepointName
		return &Statement{txnControl: true, run: func(_ context.Context, s *Session, _ []types.Datum) (Result, error) {
			if s.txn == TxnIdle {
				return nil, pgerr.New(pgerr.NoActiveSqlTransaction, "ROLLBACK TO SAVEPOINT can only be used in transaction blocks")
			}
			i, err := s.findSavepoint(name)
			if err != nil {
				return nil, err
			}
			// The savepoint stays; those made after it go, and settings
			// return to what they were when it was made.
			s.savepoints = s.savepoints[:i+1]
			saved := make(map[string]string, len(s.savepoints[i].settings))
			for k, v := range s.savepoints[i].settings {
				saved[k] = v
			}
			s.Settings.restore(saved)
			s.txn = TxnActive
			return tagOnly("ROLLBACK"), nil
		}}, nil
	}
	return nil, pgerr.New(pgerr.FeatureNotSupported, "prepared transactions are not supported")
}

// savepoint is a SAVEPOINT of the open block, with the settings to return
// to on ROLLBACK TO.
type savepoint struct {
	name     string
	settings map[string]string
}

// findSavepoint returns the index of the newest savepoint called name.
func (s *Session) findSavepoint(name string) (int, error) {
	for i := len(s.savepoints) - 1; i >= 0; i-- {
		if s.savepoints[i].name == name {
			return i, nil
		}
	}
	return 0, pgerr.New(pgerr.SEInvalidSpecification, "savepoint %q does not exist", name)
}

// endBlock closes a transaction block: ROLLBACK restores the settings as
// they were at BEGIN; COMMIT keeps them but undoes SET LOCAL.
func (s *Session) endBlock(commit bool) {
	if !commit {
		s.Settings.restore(s.atBegin)
	} else if len(s.local) > 0 {
		saved := s.Settings.clone()
		for key, v := range s.local {
			if v == nil {
				delete(saved, key)
			} else {
				saved[key] = *v
			}
		}
		s.Settings.restore(saved)
	}
	s.closeCursors()
	s.txn, s.atBegin, s.local, s.txnStart, s.savepoints = TxnIdle, nil, nil, time.Time{}, nil
}

func (b *binder) discardStmt(d *pg_query.DiscardStmt) (*Statement, error) {
	switch d.Target {
	case pg_query.DiscardMode_DISCARD_ALL:
		return &Statement{Effect: EffectDiscardAll, run: func(_ context.Context, s *Session, _ []types.Datum) (Result, error) {
			if s.txn != TxnIdle {
				return nil, pgerr.New(pgerr.ActiveSqlTransaction, "DISCARD ALL cannot run inside a transaction block")
			}
			for key, def := range settingDefs {
				if !def.readOnly {
					_ = s.Settings.reset(key)
				}
			}
			return tagOnly("DISCARD ALL"), nil
		}}, nil
	case pg_query.DiscardMode_DISCARD_PLANS:
		return &Statement{run: constTag("DISCARD PLANS")}, nil
	case pg_query.DiscardMode_DISCARD_SEQUENCES:
		return &Statement{run: constTag("DISCARD SEQUENCES")}, nil
	}
	return &Statement{run: constTag("DISCARD TEMP")}, nil
}

// notice queues a notice for the client.
func (s *Session) notice(e *pgerr.Error, severity string) {
	e.Severity = severity
	s.notices = append(s.notices, e)
}

// TakeNotices returns and clears the queued notices that
// client_min_messages lets through.
func (s *Session) TakeNotices() []*pgerr.Error {
	n := s.notices
	s.notices = nil
	min := messageLevel(s.Settings.get("client_min_messages"))
	out := n[:0]
	for _, e := range n {
		if messageLevel(e.Severity) >= min {
			out = append(out, e)
		}
	}
	return out
}

// messageLevel orders severities as client_min_messages compares them.
func messageLevel(severity string) int {
	switch strings.ToLower(severity) {
	case "debug5", "debug4", "debug3", "debug2", "debug1", "debug":
		return 0
	case "log":
		return 1
	case "notice", "info":
		return 2
	case "warning":
		return 3
	}
	return 4 // error and above
}
