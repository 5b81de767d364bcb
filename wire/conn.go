package wire

import (
	"bufio"
	"context"
	"crypto/rand"
	"errors"
	"io"
	"net"
	"os"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5/pgproto3"

	"github.com/lattice-olap/lattice/pgerr"
	"github.com/lattice-olap/lattice/planner"
	"github.com/lattice-olap/lattice/types"
)

var (
	errCanceledByUser = pgerr.New(pgerr.QueryCanceled, "canceling statement due to user request")
	errStmtTimeout    = pgerr.New(pgerr.QueryCanceled, "canceling statement due to statement timeout")
	errAdminShutdown  = pgerr.New(pgerr.AdminShutdown, "terminating connection due to administrator command").Fatal()
)

// conn is one client connection. Everything but the fields under mu is
// owned by the connection's goroutine.
type conn struct {
	srv    *Server
	nc     net.Conn // replaced by the TLS conn after an SSLRequest
	raw    net.Conn // the accepted conn, never replaced: safe for Shutdown to use
	br     *bufio.Reader
	be     *pgproto3.Backend
	pid    uint32
	secret []byte
	sess   *planner.Session

	counted bool // holds a slot of the connection limit

	stmts   map[string]*prepared
	portals map[string]*portal
	// ignoreTillSync is set by an error in the extended protocol: messages
	// are discarded until Sync.
	ignoreTillSync bool
	// implicitFailed records an error in the current implicit transaction.
	implicitFailed bool

	// out collects outgoing messages until flush writes them: the
	// Backend's (it writes its buffer here) and data rows, which sendRow
	// encodes straight into it.
	out outBuf

	mu      sync.Mutex              // guards running
	running context.CancelCauseFunc // cancels the statement running now
	// idleSince is when the connection started waiting for a message (Unix
	// ns), or 0 while it handles one; Shutdown reads it.
	idleSince atomic.Int64
}

type prepared struct {
	stmt *planner.Statement // nil for an empty query
}

type portal struct {
	stmt    *planner.Statement
	args    []types.Datum
	formats []int16 // per result column
	result  planner.Result
	done    bool
}

func newConn(s *Server, nc net.Conn) *conn {
	secret := make([]byte, 4)
	_, _ = rand.Read(secret)
	return &conn{
		srv:     s,
		nc:      nc,
		raw:     nc,
		br:      bufio.NewReaderSize(nc, 16<<10),
		pid:     s.nextPID.Add(1)%0x7fffffff + 1,
		secret:  secret,
		stmts:   map[string]*prepared{},
		portals: map[string]*portal{},
	}
}

// serve runs the connection to its end.
func (c *conn) serve() {
	defer c.close()
	// A bug must cost one connection, never the node: report it to the
	// client as an internal error and log the stack.
	defer func() {
		if r := recover(); r != nil {
			c.srv.log.Error("internal error; connection closed", "panic", r, "stack", string(debug.Stack()))
			c.fatal(pgerr.New(pgerr.InternalError, "internal error: %v", r).Fatal())
		}
	}()
	// A connection in startup counts as idle: Shutdown ends it, since
	// register refuses new sessions once shutdown has begun.
	c.idleSince.Store(time.Now().UnixNano())
	_ = c.nc.SetDeadline(c.startupDeadline())
	sp, err := c.negotiate()
	if err != nil || sp == nil {
		c.fatal(err)
		return
	}
	c.be = pgproto3.NewBackend(c.br, &c.out)
	c.be.SetMaxBodyLen(c.srv.cfg.MaxMessageSize)
	ctx, cancel := context.WithDeadline(context.Background(), c.startupDeadline())
	err = c.startup(ctx, sp)
	cancel()
	if err != nil {
		c.fatal(err)
		return
	}
	_ = c.nc.SetDeadline(time.Time{})
	c.loop()
}

func (c *conn) close() {
	c.closePortals()
	if c.counted {
		c.srv.sessions.Add(-1)
	}
	_ = c.nc.Close()
}

// fatal reports err to the client when it is a protocol-level error worth
// reporting; network errors are only logged.
func (c *conn) fatal(err error) {
	if err == nil {
		return
	}
	var pe *pgerr.Error
	if !errors.As(err, &pe) {
		if !isNetClose(err) {
			c.srv.log.Debug("connection ended", "remote", c.nc.RemoteAddr(), "err", err)
		}
		return
	}
	if c.be == nil {
		c.be = pgproto3.NewBackend(c.br, &c.out)
	}
	_ = c.nc.SetWriteDeadline(time.Now().Add(5 * time.Second))
	c.be.Send(errorResponse(pe, pgerr.SeverityFatal))
	_ = c.flush()
}

func isNetClose(err error) bool {
	return errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, net.ErrClosed) ||
		errors.Is(err, os.ErrDeadlineExceeded)
}

// protocolError wraps a message decoding error as FATAL 08P01.
func protocolError(err error) error {
	if isNetClose(err) {
		return err
	}
	var tooBig *pgproto3.ExceededMaxBodyLenErr
	if errors.As(err, &tooBig) {
		return pgerr.New(pgerr.ProtocolViolation, "message of %d bytes exceeds the maximum of %d bytes", tooBig.ActualBodyLen, tooBig.MaxExpectedBodyLen).Fatal().
			WithHint("Raise lattice.server.max-message-size, or send the data in smaller pieces (COPY streams it).")
	}
	return pgerr.Wrap(err, pgerr.ProtocolViolation, "invalid frontend message").Fatal()
}

// wakeForShutdown makes an idle connection's pending read return, so that
// its loop sees the shutdown and ends the session with FATAL 57P01.
func (c *conn) wakeForShutdown() {
	_ = c.raw.SetReadDeadline(time.Now())
}

// cancelRunning cancels the statement running now, if any.
func (c *conn) cancelRunning(cause error) {
	c.mu.Lock()
	if c.running != nil {
		c.running(cause)
	}
	c.mu.Unlock()
}

// statementContext returns the context for one statement's execution,
// cancellable by CancelRequest and bounded by statement_timeout.
func (c *conn) statementContext() (context.Context, func()) {
	ctx, cancel := context.WithCancelCause(c.sess.StatementContext(context.Background()))
	var stop func() bool
	if d := c.sess.Settings.StatementTimeout(); d > 0 {
		t := time.AfterFunc(d, func() { cancel(errStmtTimeout) })
		stop = t.Stop
	}
	c.mu.Lock()
	c.running = cancel
	c.mu.Unlock()
	return ctx, func() {
		if stop != nil {
			stop()
		}
		c.mu.Lock()
		c.running = nil
		c.mu.Unlock()
		cancel(nil)
	}
}

// loop reads and handles messages until the connection ends.
func (c *conn) loop() {
	for {
		// While the connection waits for a message it is idle; Shutdown
		// ends sessions that stay idle past a short grace period.
		c.idleSince.Store(time.Now().UnixNano())
		msg, err := c.be.Receive()
		c.idleSince.Store(0)
		if err != nil {
			if c.srv.shuttingDown() {
				c.fatal(errAdminShutdown)
				return
			}
			c.fatal(protocolError(err))
			return
		}
		if c.ignoreTillSync {
			switch msg.(type) {
			case *pgproto3.Sync:
			case *pgproto3.Terminate:
				return
			default:
				continue
			}
		}
		var werr error
		switch m := msg.(type) {
		case *pgproto3.Query:
			werr = c.simpleQuery(m.String)
		case *pgproto3.Parse:
			werr = c.extended(c.parse(m))
		case *pgproto3.Bind:
			werr = c.extended(c.bind(m))
		case *pgproto3.Describe:
			werr = c.extended(c.describe(m))
		case *pgproto3.Execute:
			werr = c.extended(c.execute(m))
		case *pgproto3.Close:
			werr = c.extended(c.closeMsg(m))
		case *pgproto3.Sync:
			werr = c.sync()
		case *pgproto3.Flush:
			werr = c.flush()
		case *pgproto3.Terminate:
			return
		case *pgproto3.CopyData, *pgproto3.CopyDone, *pgproto3.CopyFail:
			// Outside COPY these are ignored, as the protocol requires.
		case *pgproto3.FunctionCall:
			werr = c.extended(pgerr.New(pgerr.FeatureNotSupported, "the fast-path function call interface is not supported"))
		default:
			c.fatal(pgerr.New(pgerr.ProtocolViolation, "unexpected message type %T", msg).Fatal())
			return
		}
		if werr != nil {
			c.fatal(werr)
			return
		}
	}
}

// extended finishes an extended-protocol message: on error it reports it
// and discards messages until Sync.
func (c *conn) extended(err error) error {
	if err == nil {
		return nil
	}
	var pe *pgerr.Error
	if errors.As(err, &pe) && pe.Severity == pgerr.SeverityFatal {
		return err
	}
	c.sendError(err)
	c.ignoreTillSync = true
	return nil
}

// sendError reports a statement error and marks the transaction failed.
func (c *conn) sendError(err error) {
	c.sendNotices()
	c.be.Send(errorResponse(pgerr.From(err), pgerr.SeverityError))
	c.sess.Fail()
	c.implicitFailed = true
}

func (c *conn) sendNotices() {
	for _, n := range c.sess.TakeNotices() {
		c.be.Send(noticeResponse(n))
	}
}

// readyForQuery ends a cycle: portals of a finished transaction are
// dropped, then reported settings that changed, ReadyForQuery and a flush.
func (c *conn) readyForQuery() error {
	c.sess.EndImplicit(c.implicitFailed)
	c.implicitFailed = false
	if !c.sess.InBlock() {
		// The transaction has ended, implicit or not: its portals go with it.
		c.closePortals()
	}
	for _, ps := range c.sess.Settings.TakeChanges() {
		c.be.Send(&pgproto3.ParameterStatus{Name: ps.Name, Value: ps.Value})
	}
	c.be.Send(&pgproto3.ReadyForQuery{TxStatus: byte(c.sess.TxnStatus())})
	return c.flush()
}

func errorResponse(e *pgerr.Error, severity string) *pgproto3.ErrorResponse {
	if e.Severity != "" {
		severity = e.Severity
	}
	return &pgproto3.ErrorResponse{
		Severity:            severity,
		SeverityUnlocalized: severity,
		Code:                string(e.Code),
		Message:             e.Message,
		Detail:              e.Detail,
		Hint:                e.Hint,
		Position:            e.Position,
		Where:               e.Where,
	}
}

func noticeResponse(e *pgerr.Error) *pgproto3.NoticeResponse {
	sev := e.Severity
	if sev == "" {
		sev = pgerr.SeverityNotice
	}
	return &pgproto3.NoticeResponse{
		Severity:            sev,
		SeverityUnlocalized: sev,
		Code:                string(e.Code),
		Message:             e.Message,
		Detail:              e.Detail,
		Hint:                e.Hint,
		Position:            e.Position,
	}
}

// outBuf is a connection's output buffer. Unlike pgproto3's own, which
// shrinks to 1 KB after every flush, it keeps its capacity (up to
// maxKeptOutput), so that a result's rows do not reallocate it each time.
type outBuf struct{ b []byte }

// Write appends p; the Backend's Flush writes its messages through it.
func (o *outBuf) Write(p []byte) (int, error) {
	o.b = append(o.b, p...)
	return len(p), nil
}

const (
	// flushOutput is the buffered output at which a result's rows are
	// written out, keeping memory bounded on large results.
	flushOutput = 64 << 10
	// maxKeptOutput is the largest output buffer kept after a flush.
	maxKeptOutput = 1 << 20
)

// flush writes every message sent so far to the client.
func (c *conn) flush() error {
	if err := c.be.Flush(); err != nil {
		c.out.b = c.out.b[:0]
		return err
	}
	if len(c.out.b) == 0 {
		return nil
	}
	_, err := c.nc.Write(c.out.b)
	if cap(c.out.b) > maxKeptOutput {
		c.out.b = nil
	} else {
		c.out.b = c.out.b[:0]
	}
	return err
}
