package planner

import (
	"context"
	"fmt"
	"math"

	pg_query "github.com/pganalyze/pg_query_go/v6"

	"github.com/lattice-olap/lattice/pgerr"
	"github.com/lattice-olap/lattice/types"
)

// SQL cursors: DECLARE, FETCH, MOVE and CLOSE, as psql's FETCH_COUNT and
// tools that page through results use them. A cursor's rows are computed
// when it is declared and kept in memory until it is closed, so FETCH
// never depends on the context of the DECLARE that started the query.
// Cursors without HOLD close at the end of their transaction block;
// cursors WITH HOLD live until CLOSE or the end of the session.

// Cursor options, as parsenodes.h numbers them.
const (
	cursorOptNoScroll = 0x0004
	cursorOptHold     = 0x0020
)

type cursor struct {
	cols     []Column
	rows     [][]types.Datum
	pos      int // 0: before the first row; len(rows)+1: after the last
	hold     bool
	noScroll bool
}

// cursorStmt binds DECLARE CURSOR, FETCH / MOVE and CLOSE.
func (b *binder) cursorStmt(ctx context.Context, n *pg_query.Node) (*Statement, error) {
	switch {
	case n.GetDeclareCursorStmt() != nil:
		return b.declareCursor(ctx, n.GetDeclareCursorStmt())
	case n.GetFetchStmt() != nil:
		return b.fetchStmt(n.GetFetchStmt())
	}
	name := n.GetClosePortalStmt().Portalname
	return &Statement{run: func(_ context.Context, s *Session, _ []types.Datum) (Result, error) {
		if name == "" { // CLOSE ALL
			s.cursors = nil
			return tagOnly("CLOSE CURSOR ALL"), nil
		}
		if _, ok := s.cursors[name]; !ok {
			return nil, pgerr.New(pgerr.InvalidCursorName, "cursor %q does not exist", name)
		}
		delete(s.cursors, name)
		return tagOnly("CLOSE CURSOR"), nil
	}}, nil
}

func (b *binder) declareCursor(ctx context.Context, d *pg_query.DeclareCursorStmt) (*Statement, error) {
	sel := d.Query.GetSelectStmt()
	if sel == nil {
		return nil, pgerr.New(pgerr.FeatureNotSupported, "DECLARE CURSOR supports SELECT queries only")
	}
	st, err := b.selectStmt(ctx, sel)
	if err != nil {
		return nil, err
	}
	name := d.Portalname
	hold := d.Options&cursorOptHold != 0
	noScroll := d.Options&cursorOptNoScroll != 0
	return &Statement{Params: st.Params, fold: st.fold, run: func(ctx context.Context, s *Session, args []types.Datum) (Result, error) {
		if !hold && s.txn == TxnIdle {
			return nil, pgerr.New(pgerr.NoActiveSqlTransaction, "DECLARE CURSOR can only be used in transaction blocks").
				WithHint("Run BEGIN first, or declare the cursor WITH HOLD.")
		}
		if _, ok := s.cursors[name]; ok {
			return nil, pgerr.New(pgerr.DuplicateCursor, "cursor %q already exists", name).
				WithHint("CLOSE it first, or pick another name.")
		}
		res, err := st.run(ctx, s, args)
		if err != nil {
			return nil, err
		}
		defer res.Close()
		c := &cursor{cols: st.Columns, hold: hold, noScroll: noScroll}
		for res.Next(ctx) {
			c.rows = append(c.rows, append([]types.Datum(nil), res.Row()...))
		}
		if err := res.Err(); err != nil {
			return nil, err
		}
		if s.cursors == nil {
			s.cursors = map[string]*cursor{}
		}
		s.cursors[name] = c
		return tagOnly("DECLARE CURSOR"), nil
	}}, nil
}

func (b *binder) fetchStmt(f *pg_query.FetchStmt) (*Statement, error) {
	name := f.Portalname
	c, ok := b.sess.cursors[name]
	if !ok {
		return nil, pgerr.New(pgerr.InvalidCursorName, "cursor %q does not exist", name)
	}
	var cols []Column
	if !f.Ismove {
		cols = c.cols
	}
	dir, count := f.Direction, f.HowMany
	verb := "FETCH"
	if f.Ismove {
		verb = "MOVE"
	}
	return &Statement{Columns: cols, run: func(_ context.Context, s *Session, _ []types.Datum) (Result, error) {
		c, ok := s.cursors[name]
		if !ok {
			return nil, pgerr.New(pgerr.InvalidCursorName, "cursor %q does not exist", name)
		}
		rows, err := c.fetch(dir, count)
		if err != nil {
			return nil, err
		}
		tag := fmt.Sprintf("%s %d", verb, len(rows))
		if f.Ismove {
			return tagOnly(tag), nil
		}
		return &fetchResult{rowsResult: newRows("", rows...), tag: tag}, nil
	}}, nil
}

// fetchResult carries FETCH's own tag: the wire layer counts rows only for
// a "SELECT" tag.
type fetchResult struct {
	*rowsResult
	tag string
}

func (r *fetchResult) Tag() string { return r.tag }

// fetch moves the cursor as FETCH direction count does and returns the
// rows it passes over (for ABSOLUTE and RELATIVE, the row it lands on).
func (c *cursor) fetch(dir pg_query.FetchDirection, count int64) ([][]types.Datum, error) {
	n := int64(len(c.rows))
	backward := func() error {
		if c.noScroll {
			return pgerr.New(pgerr.ObjectNotInPrerequisiteState, "cursor can only scan forward").
				WithHint("Declare it with SCROLL option to enable backward scan.")
		}
		return nil
	}
	switch dir {
	case pg_query.FetchDirection_FETCH_BACKWARD:
		if err := backward(); err != nil {
			return nil, err
		}
		count = -count
		fallthrough
	case pg_query.FetchDirection_FETCH_FORWARD:
		var out [][]types.Datum
		if count == math.MaxInt64 || count == math.MinInt64+1 || count == -math.MaxInt64 {
			count = max(n, 1) + 1 // ALL
			if dir == pg_query.FetchDirection_FETCH_BACKWARD {
				count = -count
			}
		}
		if count == 0 { // FETCH 0 / FORWARD 0: the current row again
			if c.pos >= 1 && int64(c.pos) <= n {
				out = append(out, c.rows[c.pos-1])
			}
			return out, nil
		}
		step := int64(1)
		if count < 0 {
			step, count = -1, -count
		}
		pos := int64(c.pos)
		for i := int64(0); i < count; i++ {
			next := pos + step
			if next < 1 || next > n {
				pos = next
				if pos < 0 {
					pos = 0
				}
				if pos > n+1 {
					pos = n + 1
				}
				break
			}
			pos = next
			out = append(out, c.rows[pos-1])
		}
		c.pos = int(pos)
		return out, nil
	case pg_query.FetchDirection_FETCH_ABSOLUTE, pg_query.FetchDirection_FETCH_RELATIVE:
		target := count
		if dir == pg_query.FetchDirection_FETCH_RELATIVE {
			target = int64(c.pos) + count
		} else if count < 0 {
			target = n + count + 1
		}
		if target < int64(c.pos) || (dir == pg_query.FetchDirection_FETCH_ABSOLUTE && count <= 0) {
			if err := backward(); err != nil {
				return nil, err
			}
		}
		switch {
		case target < 1:
			c.pos = 0
			return nil, nil
		case target > n:
			c.pos = int(n) + 1
			return nil, nil
		}
		c.pos = int(target)
		return [][]types.Datum{c.rows[target-1]}, nil
	}
	return nil, pgerr.New(pgerr.FeatureNotSupported, "this FETCH direction is not supported")
}

// closeCursors ends a transaction block's cursors; those WITH HOLD stay.
func (s *Session) closeCursors() {
	for name, c := range s.cursors {
		if !c.hold {
			delete(s.cursors, name)
		}
	}
}
