package wire_test

import (
	"bytes"
	"encoding/binary"
	"io"
	"net"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgproto3"

	"github.com/lattice-olap/lattice/wire"
)

// The fuzz targets serve one connection per input over fuzzConn, an
// in-memory net.Conn whose client sends the input and then closes its side:
// the server reads the input, then EOF. Nothing can block on the network, so
// only a statement that sleeps can make an input slow; such a statement is
// cancelled after inputTimeout. A server that is still running an input
// after inputTimeout+hangTimeout is a hang and fails the target, as does a
// panic (which crashes the fuzzing process).
const (
	inputTimeout = 2 * time.Second
	hangTimeout  = 10 * time.Second
)

// FuzzStartup feeds arbitrary bytes as the whole client stream, from the
// first byte of the connection: startup packets, encryption and cancel
// requests, SASL messages and whatever follows.
func FuzzStartup(f *testing.F) {
	for _, seed := range startupSeeds() {
		f.Add(seed)
	}
	ls := startLattice(f, func(c *wire.Config) { c.MaxMessageSize = 1 << 16 })
	f.Fuzz(func(t *testing.T, in []byte) {
		out := serveInput(t, ls.Srv, in, func(nc net.Conn) { ls.Srv.ServeConn(nc) })
		// Answers to SSLRequest and GSSENCRequest are single bytes; skip
		// them before checking the messages that follow.
		for len(out) > 0 && out[0] == 'N' {
			out = out[1:]
		}
		checkBackendStream(t, out)
	})
}

// FuzzMessages starts a session that has authenticated as admin, then feeds
// arbitrary bytes as its frontend messages.
func FuzzMessages(f *testing.F) {
	for _, seed := range messageSeeds() {
		f.Add(seed)
	}
	ls := startLattice(f, func(c *wire.Config) { c.MaxMessageSize = 1 << 16 })
	f.Fuzz(func(t *testing.T, in []byte) {
		out := serveInput(t, ls.Srv, in, func(nc net.Conn) {
			if err := ls.Srv.ServeSession(nc, "admin", "lattice", nil); err != nil {
				t.Errorf("session: %v", err)
			}
		})
		checkBackendStream(t, out)
	})
}

// serveInput serves one connection whose client sends in, and returns what
// the server wrote.
func serveInput(t *testing.T, srv *wire.Server, in []byte, serve func(net.Conn)) []byte {
	nc := &fuzzConn{in: in}
	done := make(chan struct{})
	go func() {
		defer close(done)
		serve(nc)
	}()
	select {
	case <-done:
	case <-time.After(inputTimeout):
		srv.CancelAll()
		nc.Close()
		select {
		case <-done:
		case <-time.After(hangTimeout):
			t.Fatalf("the server hung on input %q", in)
		}
	}
	return nc.written()
}

// checkBackendStream checks that the server's output is a sequence of
// well-formed backend messages, that every error carries a SQLSTATE, and
// that nothing follows a FATAL error.
func checkBackendStream(t *testing.T, out []byte) {
	fatal := false
	for len(out) > 0 {
		if len(out) < 5 {
			t.Fatalf("the server wrote a truncated message header %q", out)
		}
		n := int(binary.BigEndian.Uint32(out[1:]))
		if n < 4 || len(out) < 1+n {
			t.Fatalf("the server wrote a message of length %d with %d bytes left", n, len(out)-1)
		}
		msg, err := pgproto3.NewFrontend(bytes.NewReader(out[:1+n]), io.Discard).Receive()
		if err != nil {
			t.Fatalf("the server wrote a malformed message: %v\n%q", err, out[:1+n])
		}
		out = out[1+n:]
		if fatal {
			t.Fatalf("the server wrote %T after a FATAL error", msg)
		}
		if e, ok := msg.(*pgproto3.ErrorResponse); ok {
			if len(e.Code) != 5 || e.Message == "" {
				t.Fatalf("error without a SQLSTATE or message: %+v", e)
			}
			fatal = e.Severity == "FATAL"
		}
	}
}

// fuzzConn is the server's end of a connection whose client has sent in
// and closed its side. It records what the server writes.
type fuzzConn struct {
	mu     sync.Mutex // guards everything below
	in     []byte
	out    bytes.Buffer
	closed bool
}

// maxOutput bounds what one input can make the server write.
const maxOutput = 4 << 20

func (c *fuzzConn) Read(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return 0, net.ErrClosed
	}
	if len(c.in) == 0 {
		return 0, io.EOF
	}
	n := copy(p, c.in)
	c.in = c.in[n:]
	return n, nil
}

func (c *fuzzConn) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return 0, net.ErrClosed
	}
	if c.out.Len()+len(p) > maxOutput {
		// The client stops reading: the server sees a broken connection.
		return 0, &net.OpError{Op: "write", Net: "fuzz", Err: os.ErrDeadlineExceeded}
	}
	return c.out.Write(p)
}

func (c *fuzzConn) Close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.closed = true
	return nil
}

func (c *fuzzConn) written() []byte {
	c.mu.Lock()
	defer c.mu.Unlock()
	return bytes.Clone(c.out.Bytes())
}

type fuzzAddr struct{}

func (fuzzAddr) Network() string { return "fuzz" }
func (fuzzAddr) String() string  { return "fuzz" }

func (c *fuzzConn) LocalAddr() net.Addr                { return fuzzAddr{} }
func (c *fuzzConn) RemoteAddr() net.Addr               { return fuzzAddr{} }
func (c *fuzzConn) SetDeadline(t time.Time) error      { return nil }
func (c *fuzzConn) SetReadDeadline(t time.Time) error  { return nil }
func (c *fuzzConn) SetWriteDeadline(t time.Time) error { return nil }

// encode concatenates encoded messages.
func encode(msgs ...pgproto3.FrontendMessage) []byte {
	var b []byte
	for _, m := range msgs {
		var err error
		if b, err = m.Encode(b); err != nil {
			panic(err)
		}
	}
	return b
}

// startupSeeds are inputs for FuzzStartup beyond the corpus in testdata.
func startupSeeds() [][]byte {
	return [][]byte{
		startupPacket(3<<16, "user", "admin", "database", "lattice"),
		append(bytes.Clone(sslRequest), startupPacket(3<<16, "user", "admin")...),
		append(append(bytes.Clone(gssencRequest), sslRequest...), startupPacket(3<<16|2, "user", "admin", "_pq_.x", "1")...),
		append(startupPacket(3<<16, "user", "admin"), encode(&pgproto3.SASLInitialResponse{AuthMechanism: "SCRAM-SHA-256", Data: []byte("n,,n=,r=abcdefghijklmnop")})...),
	}
}

// messageSeeds are inputs for FuzzMessages beyond the corpus in testdata.
func messageSeeds() [][]byte {
	return [][]byte{
		encode(&pgproto3.Query{String: "SELECT 1"}),
		encode(&pgproto3.Parse{Name: "s", Query: "SELECT $1::int + 1"},
			&pgproto3.Bind{PreparedStatement: "s", Parameters: [][]byte{[]byte("41")}},
			&pgproto3.Describe{ObjectType: 'P'}, &pgproto3.Execute{}, &pgproto3.Sync{}),
	}
}
