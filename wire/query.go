package wire

import (
	"context"
	"encoding/binary"
	"fmt"
	"math"
	"strconv"
	"unicode/utf8"

	"github.com/jackc/pgx/v5/pgproto3"

	"github.com/lattice-olap/lattice/pgerr"
	"github.com/lattice-olap/lattice/planner"
	"github.com/lattice-olap/lattice/types"
)

// simpleQuery runs a Query message: every statement in the text, in one
// implicit transaction, stopping at the first error.
func (c *conn) simpleQuery(text string) error {
	delete(c.stmts, "")
	c.dropPortal("")
	c.sess.StartImplicit()
	// One statement's context covers its parse, plan and run; each
	// further statement of the text gets its own, as statement_timeout
	// applies to each (a SET before it changes it).
	ctx, done := c.statementContext()
	defer func() { done() }()
	parsed, err := c.parseText(text)
	switch {
	case err != nil:
		c.sendError(err)
	case len(parsed) == 0:
		c.be.Send(&pgproto3.EmptyQueryResponse{})
	}
	for i, ps := range parsed {
		if i > 0 {
			done()
			ctx, done = c.statementContext()
		}
		// Each statement is bound after the ones before it have run:
		// CREATE TABLE t (...); INSERT INTO t ... finds t.
		st, err := c.sess.Bind(ctx, text, ps, nil)
		if err != nil {
			if terr := c.sess.CheckTxn(nil); terr != nil {
				err = terr // in a failed block, 25P02 comes first
			}
			c.sendError(err)
			break
		}
		// Warnings of parse analysis (a reduced TIMESTAMP precision) come
		// before the statement's results.
		c.sendNotices()
		if err := c.sess.CheckTxn(st); err != nil {
			c.sendError(err)
			break
		}
		// Planning errors (constant folding) come before RowDescription.
		if err := c.sess.Plan(ctx, st, nil); err != nil {
			c.sendError(err)
			break
		}
		if err := c.checkEffect(st); err != nil {
			c.sendError(err)
			break
		}
		if st.Columns != nil {
			c.be.Send(rowDescription(st.Columns, nil))
		}
		p := &portal{stmt: st}
		ok, err := c.run(ctx, p, 0)
		if err != nil {
			return err
		}
		if !ok {
			break
		}
		c.applyEffect(st)
	}
	return c.readyForQuery()
}

// prepare parses and binds text, checking that it is valid UTF-8 first.
// ctx is a statement context (statementContext).
func (c *conn) prepare(ctx context.Context, text string, paramOIDs []uint32) ([]*planner.Statement, error) {
	if err := validText(text); err != nil {
		return nil, err
	}
	return c.sess.Prepare(ctx, text, paramOIDs)
}

// parseText splits text into its parsed statements, checking that it is
// valid UTF-8 first.
func (c *conn) parseText(text string) ([]planner.Parsed, error) {
	if err := validText(text); err != nil {
		return nil, err
	}
	return c.sess.Parse(text)
}

func validText(text string) error {
	if !utf8.ValidString(text) {
		return pgerr.New(pgerr.CharacterNotInRepertoire, "invalid byte sequence for encoding \"UTF8\"")
	}
	return nil
}

// run executes a portal, sending up to maxRows rows (0: all). It reports
// whether the statement succeeded; a non-nil error means the connection is
// broken. ctx is a statement context (statementContext).
func (c *conn) run(ctx context.Context, p *portal, maxRows int32) (bool, error) {
	if p.stmt == nil {
		c.be.Send(&pgproto3.EmptyQueryResponse{})
		return true, nil
	}
	if p.stmt.Copy != nil {
		if err := c.sess.CheckTxn(p.stmt); err != nil {
			c.sendError(err)
			return false, nil
		}
		p.done = true
		return c.runCopy(ctx, p.stmt.Copy)
	}
	if p.result == nil && !p.done {
		res, err := c.sess.Execute(ctx, p.stmt, p.args)
		if err != nil {
			c.sendError(err)
			return false, nil
		}
		p.result = res
	}
	var sent int64
	if p.result != nil {
		// Rows are formatted with the settings as the Execute starts.
		opt := c.sess.Settings.FormatOptions()
		for maxRows <= 0 || sent < int64(maxRows) {
			if !p.result.Next(ctx) {
				break
			}
			if sent == 0 {
				if err := checkFormats(p.formats); err != nil {
					p.result.Close()
					p.result, p.done = nil, true
					c.sendError(err)
					return false, nil
				}
			}
			if err := c.sendRow(p.stmt.Columns, p.formats, p.result.Row(), &opt); err != nil {
				return false, err
			}
			sent++
		}
		if err := p.result.Err(); err != nil {
			p.result.Close()
			p.result, p.done = nil, true
			c.sendError(err)
			return false, nil
		}
		if maxRows > 0 && sent == int64(maxRows) {
			// Like PostgreSQL, suspend whenever the limit is reached, even
			// if no row remains; the next Execute then completes with 0.
			c.sendNotices()
			c.be.Send(&pgproto3.PortalSuspended{})
			return true, nil
		}
	}
	tag := ""
	if p.result != nil {
		tag = p.result.Tag()
		p.result.Close()
	}
	if tag == "" && p.done {
		tag = "SELECT"
	}
	p.result, p.done = nil, true
	if tag == "SELECT" {
		tag = "SELECT " + strconv.FormatInt(sent, 10)
	}
	c.sendNotices()
	c.be.Send(&pgproto3.CommandComplete{CommandTag: []byte(tag)})
	return true, nil
}

// checkEffect reports an error that the statement's effect would raise,
// before it runs.
func (c *conn) checkEffect(st *planner.Statement) error {
	if st.Effect == planner.EffectDeallocate {
		if _, ok := c.stmts[st.DeallocateName]; !ok {
			return noStatement(st.DeallocateName)
		}
	}
	return nil
}

// applyEffect carries out what a statement asks of the connection.
func (c *conn) applyEffect(st *planner.Statement) {
	switch st.Effect {
	case planner.EffectDeallocate:
		delete(c.stmts, st.DeallocateName)
	case planner.EffectDeallocateAll:
		c.stmts = map[string]*prepared{}
	case planner.EffectDiscardAll:
		c.stmts = map[string]*prepared{}
		c.closePortals()
	}
}

func (c *conn) parse(m *pgproto3.Parse) error {
	if m.Name != "" {
		if _, ok := c.stmts[m.Name]; ok {
			return pgerr.New(pgerr.DuplicatePstatement, "prepared statement %q already exists", m.Name)
		}
	} else {
		delete(c.stmts, "")
	}
	c.sess.StartImplicit()
	ctx, done := c.statementContext()
	stmts, err := c.prepare(ctx, m.Query, m.ParameterOIDs)
	done()
	c.sendNotices()
	if err != nil {
		return err
	}
	if len(stmts) > 1 {
		return pgerr.New(pgerr.SyntaxError, "cannot insert multiple commands into a prepared statement")
	}
	p := &prepared{}
	if len(stmts) == 1 {
		p.stmt = stmts[0]
		if err := c.sess.CheckTxn(p.stmt); err != nil {
			return err
		}
	}
	c.stmts[m.Name] = p
	c.be.Send(&pgproto3.ParseComplete{})
	return nil
}

func (c *conn) bind(m *pgproto3.Bind) error {
	ps, ok := c.stmts[m.PreparedStatement]
	if !ok {
		return noStatement(m.PreparedStatement)
	}
	if m.DestinationPortal != "" {
		if _, ok := c.portals[m.DestinationPortal]; ok {
			return pgerr.New(pgerr.DuplicateCursor, "portal %q already exists", m.DestinationPortal)
		}
	} else {
		c.dropPortal("")
	}
	c.sess.StartImplicit()
	var params []types.T
	var cols []planner.Column
	if ps.stmt != nil {
		params, cols = ps.stmt.Params, ps.stmt.Columns
		if err := c.sess.CheckTxn(ps.stmt); err != nil {
			return err
		}
	}
	if len(m.Parameters) != len(params) {
		return pgerr.New(pgerr.ProtocolViolation, "bind message supplies %d parameters, but prepared statement %q requires %d",
			len(m.Parameters), m.PreparedStatement, len(params))
	}
	if n := len(m.ParameterFormatCodes); n > 1 && n != len(params) {
		return pgerr.New(pgerr.ProtocolViolation, "bind message has %d parameter formats but %d parameters", n, len(params))
	}
	args := make([]types.Datum, len(params))
	for i, raw := range m.Parameters {
		if raw == nil {
			continue
		}
		var v types.Datum
		var err error
		switch formatAt(m.ParameterFormatCodes, i) {
		case 0:
			if !utf8.Valid(raw) {
				return pgerr.New(pgerr.CharacterNotInRepertoire, "invalid byte sequence for encoding \"UTF8\"")
			}
			v, err = types.ParseText(params[i], string(raw), c.sess.Settings.Location())
		case 1:
			v, err = types.ParseBinary(params[i], raw)
			if err != nil {
				e := pgerr.From(err)
				if e.Code == pgerr.InvalidBinaryRepresentation {
					return pgerr.New(pgerr.InvalidBinaryRepresentation, "incorrect binary data format in bind parameter %d", i+1)
				}
				return e
			}
		default:
			return pgerr.New(pgerr.ProtocolViolation, "unsupported format code: %d", formatAt(m.ParameterFormatCodes, i))
		}
		if err != nil {
			return err
		}
		args[i] = v
	}
	// PostgreSQL plans at Bind, with the parameter values: errors of
	// constant expressions (10 / $1 with 0) are Bind's.
	ctx, done := c.statementContext()
	err := c.sess.Plan(ctx, ps.stmt, args)
	done()
	if err != nil {
		return err
	}
	formats, err := resultFormats(m.ResultFormatCodes, len(cols))
	if err != nil {
		return err
	}
	c.portals[m.DestinationPortal] = &portal{stmt: ps.stmt, args: args, formats: formats}
	c.be.Send(&pgproto3.BindComplete{})
	return nil
}

// noStatement is the error for a prepared statement that does not exist.
func noStatement(name string) error {
	if name == "" {
		return pgerr.New(pgerr.InvalidSqlStatementName, "unnamed prepared statement does not exist")
	}
	return pgerr.New(pgerr.InvalidSqlStatementName, "prepared statement %q does not exist", name)
}

func formatAt(codes []int16, i int) int16 {
	switch len(codes) {
	case 0:
		return 0
	case 1:
		return codes[0]
	}
	return codes[i]
}

func resultFormats(codes []int16, ncols int) ([]int16, error) {
	if len(codes) > 1 && len(codes) != ncols {
		return nil, pgerr.New(pgerr.ProtocolViolation, "bind message has %d result formats but query has %d columns", len(codes), ncols)
	}
	// Unknown codes are accepted here and fail when a row is sent, as in
	// PostgreSQL (Describe shows them as they are).
	out := make([]int16, ncols)
	for i := range out {
		out[i] = formatAt(codes, i)
	}
	return out, nil
}

// checkFormats rejects result format codes other than text and binary.
func checkFormats(formats []int16) error {
	for _, f := range formats {
		if f != 0 && f != 1 {
			return pgerr.New(pgerr.InvalidParameterValue, "unsupported format code: %d", f)
		}
	}
	return nil
}

func (c *conn) describe(m *pgproto3.Describe) error {
	switch m.ObjectType {
	case 'S':
		ps, ok := c.stmts[m.Name]
		if !ok {
			return noStatement(m.Name)
		}
		var oids []uint32
		var cols []planner.Column
		if ps.stmt != nil {
			for _, t := range ps.stmt.Params {
				oids = append(oids, t.Oid)
			}
			cols = ps.stmt.Columns
		}
		c.be.Send(&pgproto3.ParameterDescription{ParameterOIDs: oids})
		if cols == nil {
			c.be.Send(&pgproto3.NoData{})
		} else {
			c.be.Send(rowDescription(cols, nil))
		}
	case 'P':
		p, ok := c.portals[m.Name]
		if !ok {
			return pgerr.New(pgerr.UndefinedCursor, "portal %q does not exist", m.Name)
		}
		if p.stmt == nil || p.stmt.Columns == nil {
			c.be.Send(&pgproto3.NoData{})
		} else {
			c.be.Send(rowDescription(p.stmt.Columns, p.formats))
		}
	default:
		return pgerr.New(pgerr.ProtocolViolation, "invalid DESCRIBE message subtype %d", m.ObjectType)
	}
	return nil
}

func (c *conn) execute(m *pgproto3.Execute) error {
	p, ok := c.portals[m.Portal]
	if !ok {
		return pgerr.New(pgerr.UndefinedCursor, "portal %q does not exist", m.Portal)
	}
	if p.stmt != nil {
		if err := c.sess.CheckTxn(p.stmt); err != nil {
			return err
		}
		if !p.done {
			if err := c.checkEffect(p.stmt); err != nil {
				return err
			}
		}
	}
	ctx, done := c.statementContext()
	ok, err := c.run(ctx, p, int32(m.MaxRows))
	done()
	if err != nil {
		return fatalNet(err)
	}
	if !ok {
		c.ignoreTillSync = true
		return nil
	}
	if p.done && p.stmt != nil {
		c.applyEffect(p.stmt)
	}
	return nil
}

// fatalNet marks a network error as ending the connection.
func fatalNet(err error) error {
	return fmt.Errorf("writing to client: %w", err)
}

func (c *conn) closeMsg(m *pgproto3.Close) error {
	switch m.ObjectType {
	case 'S':
		delete(c.stmts, m.Name)
	case 'P':
		c.dropPortal(m.Name)
	default:
		return pgerr.New(pgerr.ProtocolViolation, "invalid CLOSE message subtype %d", m.ObjectType)
	}
	c.be.Send(&pgproto3.CloseComplete{})
	return nil
}

func (c *conn) sync() error {
	c.ignoreTillSync = false
	return c.readyForQuery()
}

func (c *conn) dropPortal(name string) {
	if p, ok := c.portals[name]; ok {
		if p.result != nil {
			p.result.Close()
		}
		delete(c.portals, name)
	}
}

func (c *conn) closePortals() {
	for name := range c.portals {
		c.dropPortal(name)
	}
}

// rowDescription describes columns; formats nil means all text.
func rowDescription(cols []planner.Column, formats []int16) *pgproto3.RowDescription {
	fields := make([]pgproto3.FieldDescription, len(cols))
	for i, col := range cols {
		var f int16
		if formats != nil {
			f = formats[i]
		}
		fields[i] = pgproto3.FieldDescription{
			Name:                 []byte(col.Name),
			TableOID:             col.TableOID,
			TableAttributeNumber: uint16(col.AttrNum),
			DataTypeOID:          col.Type.Oid,
			DataTypeSize:         col.Type.Size(),
			TypeModifier:         col.Type.Typmod,
			Format:               f,
		}
	}
	return &pgproto3.RowDescription{Fields: fields}
}

// sendRow appends a DataRow of row to the output, each value formatted in
// place (text, or binary where formats asks), and writes the output out
// once it holds flushOutput bytes.
func (c *conn) sendRow(cols []planner.Column, formats []int16, row []types.Datum, opt *types.FormatOptions) error {
	if err := c.be.Flush(); err != nil { // the messages before it, in order
		return err
	}
	b := c.out.b
	start := len(b)
	b = append(b, 'D', 0, 0, 0, 0)
	b = binary.BigEndian.AppendUint16(b, uint16(len(row)))
	for i, v := range row {
		if v == nil {
			b = binary.BigEndian.AppendUint32(b, math.MaxUint32) // -1: NULL
			continue
		}
		at := len(b)
		b = append(b, 0, 0, 0, 0)
		if formats != nil && formats[i] == 1 {
			b = types.AppendBinary(b, cols[i].Type, v)
		} else {
			b = types.AppendText(b, cols[i].Type, v, opt)
		}
		binary.BigEndian.PutUint32(b[at:], uint32(len(b)-at-4))
	}
	binary.BigEndian.PutUint32(b[start+1:], uint32(len(b)-start-1))
	c.out.b = b
	if len(b) >= flushOutput {
		return c.flush()
	}
	return nil
}
