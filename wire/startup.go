package wire

import (
	"bufio"
	"context"
	"crypto/tls"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgproto3"
	"github.com/xdg-go/scram"

	"github.com/lattice-olap/lattice/metastore"
	"github.com/lattice-olap/lattice/pgerr"
)

// Startup packet codes (protocol.sgml).
const (
	codeCancel   = 80877102
	codeSSL      = 80877103
	codeGSSENC   = 80877104
	maxStartup   = 10000 // MAX_STARTUP_PACKET_LENGTH
	protoMajor3  = 3
	saslMechName = "SCRAM-SHA-256"
)

// startupPacket is a decoded StartupMessage.
type startupPacket struct {
	minor  uint16
	params map[string]string
}

// readPacket reads one length-prefixed startup-phase packet.
func readPacket(r *bufio.Reader) ([]byte, error) {
	var hdr [4]byte
	if _, err := io.ReadFull(r, hdr[:]); err != nil {
		return nil, err
	}
	n := int(int32(binary.BigEndian.Uint32(hdr[:])))
	if n < 8 || n > maxStartup {
		return nil, pgerr.New(pgerr.ProtocolViolation, "invalid length of startup packet").Fatal()
	}
	body := make([]byte, n-4)
	if _, err := io.ReadFull(r, body); err != nil {
		return nil, err
	}
	return body, nil
}

func parseStartupParams(body []byte) (map[string]string, error) {
	params := map[string]string{}
	for len(body) > 0 && body[0] != 0 {
		k, rest, ok := cutZero(body)
		if !ok {
			return nil, pgerr.New(pgerr.ProtocolViolation, "invalid startup packet layout: expected terminator as last byte").Fatal()
		}
		v, rest2, ok := cutZero(rest)
		if !ok {
			return nil, pgerr.New(pgerr.ProtocolViolation, "invalid startup packet layout: expected terminator as last byte").Fatal()
		}
		params[string(k)] = string(v)
		body = rest2
	}
	if len(body) != 1 {
		return nil, pgerr.New(pgerr.ProtocolViolation, "invalid startup packet layout: expected terminator as last byte").Fatal()
	}
	return params, nil
}

func cutZero(b []byte) (before, after []byte, ok bool) {
	for i, c := range b {
		if c == 0 {
			return b[:i], b[i+1:], true
		}
	}
	return nil, nil, false
}

// negotiate runs the pre-startup exchanges (SSLRequest, GSSENCRequest) and
// returns the StartupMessage, or nil when the connection was a cancel
// request that has been handled.
func (c *conn) negotiate() (*startupPacket, error) {
	sslDone, gssDone := false, false
	for {
		body, err := readPacket(c.br)
		if err != nil {
			return nil, err
		}
		code := binary.BigEndian.Uint32(body)
		switch {
		case code == codeSSL && !sslDone:
			sslDone = true
			// Bytes already sent after SSLRequest would bypass encryption
			// (CVE-2021-23222): refuse them.
			if c.br.Buffered() > 0 {
				return nil, pgerr.New(pgerr.ProtocolViolation, "received unencrypted data after SSL request").Fatal()
			}
			if c.srv.cfg.TLS == nil {
				if _, err := c.nc.Write([]byte{'N'}); err != nil {
					return nil, err
				}
				continue
			}
			if _, err := c.nc.Write([]byte{'S'}); err != nil {
				return nil, err
			}
			tc := tls.Server(c.nc, c.srv.cfg.TLS)
			if err := tc.Handshake(); err != nil {
				return nil, fmt.Errorf("TLS handshake: %w", err)
			}
			c.nc = tc
			c.br = bufio.NewReaderSize(tc, 16<<10)
		case code == codeGSSENC && !gssDone:
			gssDone = true
			if c.br.Buffered() > 0 {
				return nil, pgerr.New(pgerr.ProtocolViolation, "received unencrypted data after GSSAPI encryption request").Fatal()
			}
			if _, err := c.nc.Write([]byte{'N'}); err != nil {
				return nil, err
			}
		case code == codeCancel:
			if len(body) < 12 {
				return nil, pgerr.New(pgerr.ProtocolViolation, "invalid length of cancel request").Fatal()
			}
			c.srv.cancel(binary.BigEndian.Uint32(body[4:]), body[8:])
			return nil, nil
		case code>>16 == protoMajor3:
			params, err := parseStartupParams(body[4:])
			if err != nil {
				return nil, err
			}
			return &startupPacket{minor: uint16(code & 0xffff), params: params}, nil
		case code == codeSSL || code == codeGSSENC:
			return nil, pgerr.New(pgerr.ProtocolViolation, "duplicate SSL or GSS encryption request").Fatal()
		default:
			return nil, pgerr.New(pgerr.FeatureNotSupported, "unsupported frontend protocol %d.%d: server supports 3.0 to 3.0", code>>16, code&0xffff).Fatal()
		}
	}
}

// startup authenticates the client and opens its session. It returns an
// error to send as FATAL, or a network error.
func (c *conn) startup(ctx context.Context, sp *startupPacket) error {
	// Unknown protocol options (_pq_.*) and newer minor versions are
	// declined, so the client falls back to 3.0.
	var unrecognized []string
	for k := range sp.params {
		if strings.HasPrefix(k, "_pq_.") {
			unrecognized = append(unrecognized, k)
			delete(sp.params, k)
		}
	}
	if sp.minor > 0 || len(unrecognized) > 0 {
		c.be.Send(&pgproto3.NegotiateProtocolVersion{NewestMinorProtocol: 0, UnrecognizedOptions: unrecognized})
	}
	user := sp.params["user"]
	if user == "" {
		return pgerr.New(pgerr.InvalidAuthorizationSpecification, "no PostgreSQL user name specified in startup packet").Fatal()
	}
	db := sp.params["database"]
	if db == "" {
		db = user
	}
	if r := sp.params["replication"]; r != "" && r != "false" && r != "0" && r != "off" {
		return pgerr.New(pgerr.FeatureNotSupported, "Lattice does not support replication connections").Fatal()
	}
	if int(c.srv.sessions.Add(1)) > c.srv.cfg.MaxConnections {
		c.srv.sessions.Add(-1)
		return pgerr.New(pgerr.TooManyConnections, "sorry, too many clients already").Fatal().
			WithHint("lattice.server.max-connections allows %d sessions; close idle ones or raise it.", c.srv.cfg.MaxConnections)
	}
	c.counted = true

	u, err := c.authenticateStartup(ctx, user, sp.params)
	if err != nil {
		return err
	}
	store := c.srv.cfg.Store
	if _, err := store.Project(ctx, db); err != nil {
		if errors.Is(err, metastore.ErrNotFound) {
			return pgerr.New(pgerr.InvalidCatalogName, "database %q does not exist", db).Fatal().
				WithHint("Create it with CREATE DATABASE %s, or connect to an existing project.", db)
		}
		return pgerr.From(err).Fatal()
	}
	ok, err := store.CanConnect(ctx, u, db)
	if err != nil {
		return pgerr.From(err).Fatal()
	}
	if !ok {
		return pgerr.New(pgerr.InsufficientPrivilege, "permission denied for database %q", db).Fatal().
			WithDetail("User %q has no role on project %q.", user, db).
			WithHint("An administrator can GRANT QUERY ON PROJECT %s TO %s.", db, user)
	}
	startup := map[string]string{}
	for k, v := range sp.params {
		switch k {
		case "user", "database", "replication":
		default:
			startup[k] = v
		}
	}
	sess, err := c.srv.cfg.Planner.NewSession(u.Name, db, u.IsAdmin, int32(c.pid), startup)
	if err != nil {
		return pgerr.From(err).Fatal()
	}
	c.sess = sess
	// Progress of long statements (BUILD ... WAIT) reaches the client as
	// it happens, from the connection's own goroutine.
	sess.SetNoticeSink(func(e *pgerr.Error) {
		c.be.Send(noticeResponse(e))
		_ = c.flush()
	})
	if !c.srv.register(c) {
		return errAdminShutdown
	}
	c.be.Send(&pgproto3.AuthenticationOk{})
	for _, ps := range sess.Settings.Reported() {
		c.be.Send(&pgproto3.ParameterStatus{Name: ps.Name, Value: ps.Value})
	}
	c.be.Send(&pgproto3.BackendKeyData{ProcessID: c.pid, SecretKey: c.secret})
	c.be.Send(&pgproto3.ReadyForQuery{TxStatus: 'I'})
	return c.flush()
}

// authenticate runs SCRAM-SHA-256. An unknown user gets mock credentials so
// that the exchange fails exactly like a wrong password.
func (c *conn) authenticate(ctx context.Context, user string) (metastore.User, error) {
	u, err := c.srv.cfg.Store.User(ctx, user)
	known := err == nil
	if err != nil && !errors.Is(err, metastore.ErrNotFound) {
		return u, pgerr.From(err).Fatal()
	}
	creds := metastore.MockCredentials(user)
	if known {
		if creds, err = metastore.ParseVerifier(u.Verifier); err != nil {
			known = false
			creds = metastore.MockCredentials(user)
		}
	}
	return u, c.scramExchange(user, creds, known)
}

// scramExchange runs the SCRAM-SHA-256 exchange against creds; it fails
// like a wrong password when known is false.
func (c *conn) scramExchange(user string, creds scram.StoredCredentials, known bool) error {
	failed := func() error {
		return pgerr.New(pgerr.InvalidPassword, "password authentication failed for user %q", user).Fatal()
	}
	srv, err := scram.SHA256.NewServer(func(string) (scram.StoredCredentials, error) { return creds, nil })
	if err != nil {
		return err
	}
	conv := srv.NewConversation()
	c.be.Send(&pgproto3.AuthenticationSASL{AuthMechanisms: []string{saslMechName}})
	if err := c.flush(); err != nil {
		return err
	}
	if err := c.be.SetAuthType(pgproto3.AuthTypeSASL); err != nil {
		return err
	}
	msg, err := c.be.Receive()
	if err != nil {
		return protocolError(err)
	}
	init, ok := msg.(*pgproto3.SASLInitialResponse)
	if !ok {
		return pgerr.New(pgerr.ProtocolViolation, "expected SASL response, got message type %T", msg).Fatal()
	}
	if init.AuthMechanism != saslMechName {
		return pgerr.New(pgerr.ProtocolViolation, "client selected an invalid SASL authentication mechanism").Fatal()
	}
	first, err := conv.Step(string(init.Data))
	if err != nil {
		return failed()
	}
	c.be.Send(&pgproto3.AuthenticationSASLContinue{Data: []byte(first)})
	if err := c.flush(); err != nil {
		return err
	}
	if err := c.be.SetAuthType(pgproto3.AuthTypeSASLContinue); err != nil {
		return err
	}
	msg, err = c.be.Receive()
	if err != nil {
		return protocolError(err)
	}
	resp, ok := msg.(*pgproto3.SASLResponse)
	if !ok {
		return pgerr.New(pgerr.ProtocolViolation, "expected SASL response, got message type %T", msg).Fatal()
	}
	final, err := conv.Step(string(resp.Data))
	if err != nil || !conv.Valid() || !known {
		return failed()
	}
	c.be.Send(&pgproto3.AuthenticationSASLFinal{Data: []byte(final)})
	return nil
}

// startupDeadline bounds the startup phase.
func (c *conn) startupDeadline() time.Time {
	return time.Now().Add(c.srv.cfg.StartupTimeout)
}
