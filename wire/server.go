package wire

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"crypto/tls"
	"encoding/binary"
	"errors"
	"log/slog"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/lattice-olap/lattice/metastore"
	"github.com/lattice-olap/lattice/planner"
)

// Config configures a Server.
type Config struct {
	Planner        *planner.Planner
	Store          *metastore.Store
	TLS            *tls.Config // nil answers SSLRequest with 'N'
	MaxConnections int         // sessions at once; more get 53300
	MaxMessageSize int         // bytes; a larger message closes the connection
	StartupTimeout time.Duration
	Logger         *slog.Logger
}

// Server serves the PostgreSQL protocol.
type Server struct {
	cfg Config
	log *slog.Logger

	mu       sync.Mutex // guards ln, all, byPID, closing
	ln       net.Listener
	all      map[*conn]struct{} // every open connection, for shutdown
	byPID    map[uint32]*conn   // authenticated sessions, for cancel
	closing  bool
	sessions atomic.Int32 // authenticated sessions, for the connection limit
	nextPID  atomic.Uint32
	wg       sync.WaitGroup // connection goroutines
}

// NewServer returns a server; call Serve to accept connections.
func NewServer(cfg Config) *Server {
	if cfg.MaxConnections <= 0 {
		cfg.MaxConnections = 100
	}
	if cfg.MaxMessageSize <= 0 {
		cfg.MaxMessageSize = 64 << 20
	}
	if cfg.StartupTimeout <= 0 {
		cfg.StartupTimeout = time.Minute
	}
	log := cfg.Logger
	if log == nil {
		log = slog.Default()
	}
	s := &Server{cfg: cfg, log: log, all: map[*conn]struct{}{}, byPID: map[uint32]*conn{}}
	var seed [4]byte
	_, _ = rand.Read(seed[:])
	s.nextPID.Store(binary.BigEndian.Uint32(seed[:]) % 1_000_000)
	return s
}

// ErrServerClosed is returned by Serve after Shutdown.
var ErrServerClosed = errors.New("wire: server closed")

// Serve accepts connections on ln until Shutdown. It always returns an error.
func (s *Server) Serve(ln net.Listener) error {
	s.mu.Lock()
	if s.closing {
		s.mu.Unlock()
		return ErrServerClosed
	}
	s.ln = ln
	s.mu.Unlock()
	for {
		nc, err := ln.Accept()
		if err != nil {
			s.mu.Lock()
			closing := s.closing
			s.mu.Unlock()
			if closing {
				return ErrServerClosed
			}
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				time.Sleep(5 * time.Millisecond)
				continue
			}
			return err
		}
		if tc, ok := nc.(*net.TCPConn); ok {
			_ = tc.SetNoDelay(true)
		}
		c := newConn(s, nc)
		s.mu.Lock()
		if s.closing {
			s.mu.Unlock()
			nc.Close()
			return ErrServerClosed
		}
		s.all[c] = struct{}{}
		s.wg.Add(1)
		s.mu.Unlock()
		go func() {
			defer s.wg.Done()
			defer s.forget(c)
			c.serve()
		}()
	}
}

// register makes an authenticated session reachable by cancel requests. It
// fails when the server is shutting down.
func (s *Server) register(c *conn) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closing {
		return false
	}
	s.byPID[c.pid] = c
	return true
}

// forget drops a connection that has ended.
func (s *Server) forget(c *conn) {
	s.mu.Lock()
	delete(s.all, c)
	if s.byPID[c.pid] == c {
		delete(s.byPID, c.pid)
	}
	s.mu.Unlock()
}

func (s *Server) shuttingDown() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.closing
}

// cancel handles a CancelRequest: it cancels the statement running on the
// session with that pid, if the secret matches. Like PostgreSQL, it never
// tells the requester whether anything happened.
func (s *Server) cancel(pid uint32, secret []byte) {
	s.mu.Lock()
	c := s.byPID[pid]
	s.mu.Unlock()
	if c == nil || subtle.ConstantTimeCompare(c.secret, secret) != 1 {
		return
	}
	c.cancelRunning(errCanceledByUser)
}

// Shutdown stops accepting connections and drains the sessions: each one
// may finish its statement (and the driver's follow-up messages), and is
// ended with FATAL 57P01 once it has been idle for a moment. When ctx
// expires first, running statements are cancelled and every connection is
// closed. It returns when all connection goroutines have ended.
func (s *Server) Shutdown(ctx context.Context) error {
	s.mu.Lock()
	s.closing = true
	ln := s.ln
	conns := make([]*conn, 0, len(s.all))
	for c := range s.all {
		conns = append(conns, c)
	}
	s.mu.Unlock()
	var err error
	if ln != nil {
		err = ln.Close()
	}
	done := make(chan struct{})
	go func() {
		s.wg.Wait()
		close(done)
	}()
	// Sessions finish what they are doing; one that stays idle past the
	// grace period (longer than the gap between a driver's messages, as
	// between pgx's Parse/Sync and Bind/Execute/Sync) is ended.
	const grace = 250 * time.Millisecond
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for waiting := true; waiting; {
		now := time.Now().UnixNano()
		for _, c := range conns {
			if since := c.idleSince.Load(); since != 0 && now-since > int64(grace) {
				c.wakeForShutdown()
			}
		}
		select {
		case <-done:
			return err
		case <-ctx.Done():
			waiting = false
		case <-tick.C:
		}
	}
	s.mu.Lock()
	for c := range s.all {
		c.cancelRunning(errAdminShutdown)
		c.raw.Close()
	}
	s.mu.Unlock()
	<-done
	return err
}

// Addr returns the listener's address, or nil before Serve.
func (s *Server) Addr() net.Addr {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ln == nil {
		return nil
	}
	return s.ln.Addr()
}
