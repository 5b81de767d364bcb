package wire

import (
	"net"

	"github.com/jackc/pgx/v5/pgproto3"
)

// ServeConn serves one connection from the start of its stream, as Serve
// does for an accepted one, and returns when the connection has ended. It
// lets fuzz targets drive the server over an in-memory net.Conn.
func (s *Server) ServeConn(nc net.Conn) {
	c := newConn(s, nc)
	if !s.track(c) {
		return
	}
	defer s.wg.Done()
	defer s.forget(c)
	c.serve()
}

// ServeSession serves nc as a session that has already authenticated as an
// admin user on project: startup and SCRAM are skipped and the connection
// goes straight to the command loop. It returns when the connection has
// ended, or the error that prevented the session from opening.
func (s *Server) ServeSession(nc net.Conn, user, project string, startup map[string]string) error {
	c := newConn(s, nc)
	if !s.track(c) {
		return ErrServerClosed
	}
	defer s.wg.Done()
	defer s.forget(c)
	defer c.close()
	sess, err := s.cfg.Planner.NewSession(user, project, true, int32(c.pid), startup)
	if err != nil {
		return err
	}
	c.sess = sess
	s.sessions.Add(1)
	c.counted = true
	if !s.register(c) {
		return ErrServerClosed
	}
	c.be = pgproto3.NewBackend(c.br, &c.out) // as serve does: through the output buffer
	c.be.SetMaxBodyLen(s.cfg.MaxMessageSize)
	// What startup sends once authentication succeeded.
	c.be.Send(&pgproto3.AuthenticationOk{})
	for _, ps := range sess.Settings.Reported() {
		c.be.Send(&pgproto3.ParameterStatus{Name: ps.Name, Value: ps.Value})
	}
	c.be.Send(&pgproto3.BackendKeyData{ProcessID: c.pid, SecretKey: c.secret})
	c.be.Send(&pgproto3.ReadyForQuery{TxStatus: 'I'})
	if err := c.flush(); err != nil {
		return nil
	}
	c.loop()
	return nil
}

// CancelAll cancels the statement running on every connection, as a
// CancelRequest would; fuzz targets use it to end inputs that sleep.
func (s *Server) CancelAll() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for c := range s.all {
		c.cancelRunning(errCanceledByUser)
	}
}

// track adds c to the server's connections, as Serve does.
func (s *Server) track(c *conn) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closing {
		_ = c.nc.Close()
		return false
	}
	s.all[c] = struct{}{}
	s.wg.Add(1)
	return true
}
