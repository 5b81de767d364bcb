package wire

import (
	"context"
	"errors"
	"io"
	"strconv"

	"github.com/jackc/pgx/v5/pgproto3"

	"github.com/lattice-olap/lattice/pgerr"
	"github.com/lattice-olap/lattice/planner"
)

// The COPY sub-protocol. COPY FROM STDIN: CopyInResponse, then the client
// streams CopyData and ends with CopyDone (or CopyFail); the planner's Load
// reads the stream through copyReader and commits at its end. When Load
// fails early, the rest of the stream is read and discarded, so the
// connection stays in step. COPY TO STDOUT: CopyOutResponse, one CopyData
// per row, CopyDone.

// errCopyFailed marks a CopyFail from the client.
var errCopyFailed = errors.New("copy failed by client")

// copyReader reads CopyData payloads as one stream.
type copyReader struct {
	c    *conn
	buf  []byte
	done bool // CopyDone or CopyFail seen
	err  error
}

func (r *copyReader) Read(p []byte) (int, error) {
	for len(r.buf) == 0 {
		if r.err != nil {
			return 0, r.err
		}
		msg, err := r.c.be.Receive()
		if err != nil {
			r.err = protocolError(err)
			return 0, r.err
		}
		switch m := msg.(type) {
		case *pgproto3.CopyData:
			r.buf = append(r.buf[:0], m.Data...)
		case *pgproto3.CopyDone:
			r.done, r.err = true, io.EOF
		case *pgproto3.CopyFail:
			r.done = true
			r.err = pgerr.Wrap(errCopyFailed, pgerr.QueryCanceled, "COPY from stdin failed: %s", m.Message)
		case *pgproto3.Flush, *pgproto3.Sync:
			// allowed and ignored during COPY, as in PostgreSQL
		default:
			r.err = pgerr.New(pgerr.ProtocolViolation, "unexpected message type %T during COPY from stdin", msg).Fatal()
		}
	}
	n := copy(p, r.buf)
	r.buf = r.buf[n:]
	return n, nil
}

// drain discards the rest of the COPY stream after an early failure.
func (r *copyReader) drain() error {
	var sink [32 << 10]byte
	for !r.done {
		if _, err := r.Read(sink[:]); err != nil {
			var pe *pgerr.Error
			if errors.As(err, &pe) && pe.Severity == pgerr.SeverityFatal {
				return err
			}
		}
	}
	return nil
}

// runCopy carries out a COPY statement. It reports whether the statement
// succeeded; an error means the connection is broken.
func (c *conn) runCopy(ctx context.Context, op *planner.CopyOp) (bool, error) {
	formats := make([]uint16, op.Columns)
	if op.In {
		c.be.Send(&pgproto3.CopyInResponse{OverallFormat: 0, ColumnFormatCodes: formats})
		if err := c.flush(); err != nil {
			return false, err
		}
		r := &copyReader{c: c}
		n, err := op.Load(ctx, r)
		if err != nil {
			if derr := r.drain(); derr != nil {
				return false, derr
			}
			var pe *pgerr.Error
			if errors.As(err, &pe) && pe.Severity == pgerr.SeverityFatal {
				return false, err
			}
			c.sendError(err)
			return false, nil
		}
		c.sendNotices()
		c.be.Send(&pgproto3.CommandComplete{CommandTag: []byte("COPY " + strconv.FormatInt(n, 10))})
		return true, nil
	}
	c.be.Send(&pgproto3.CopyOutResponse{OverallFormat: 0, ColumnFormatCodes: formats})
	var sent int
	n, err := op.Dump(ctx, func(row []byte) error {
		c.be.Send(&pgproto3.CopyData{Data: row})
		sent++
		if sent%256 == 0 {
			return c.flush()
		}
		return nil
	})
	if err != nil {
		c.sendError(err)
		return false, nil
	}
	c.be.Send(&pgproto3.CopyDone{})
	c.sendNotices()
	c.be.Send(&pgproto3.CommandComplete{CommandTag: []byte("COPY " + strconv.FormatInt(n, 10))})
	return true, nil
}
