package wire_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/binary"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgproto3"
	"github.com/stretchr/testify/require"
	"github.com/xdg-go/scram"
	"go.uber.org/goleak"

	"github.com/lattice-olap/lattice/metastore"
	"github.com/lattice-olap/lattice/planner"
	"github.com/lattice-olap/lattice/wire"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

const adminPassword = "s3cret-pw"

// latticeServer is a wire.Server serving on a loopback port, with a SQLite
// metastore in a temporary directory and the admin password above.
type latticeServer struct {
	Srv   *wire.Server
	Addr  string
	Store *metastore.Store

	ln       net.Listener
	serveErr chan error
	once     sync.Once
	shutErr  error
}

// startLattice starts a server; configure may change its Config. The server
// is shut down when the test ends.
func startLattice(tb testing.TB, configure func(*wire.Config)) *latticeServer {
	tb.Helper()
	ctx := context.Background()
	store, err := metastore.Open(ctx, "sqlite://"+tb.TempDir()+"/meta.db")
	if err != nil {
		tb.Fatal(err)
	}
	if err := store.Bootstrap(ctx, adminPassword); err != nil {
		store.Close()
		tb.Fatal(err)
	}
	cfg := wire.Config{
		Planner:        planner.New(planner.Config{Store: store, Version: "test", DataDir: tb.TempDir()}),
		Store:          store,
		MaxConnections: 20,
		MaxMessageSize: 1 << 20,
		StartupTimeout: 10 * time.Second,
		Logger:         slog.New(slog.NewTextHandler(io.Discard, nil)),
	}
	if configure != nil {
		configure(&cfg)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		store.Close()
		tb.Fatal(err)
	}
	ls := &latticeServer{
		Srv:      wire.NewServer(cfg),
		Addr:     ln.Addr().String(),
		Store:    store,
		ln:       ln,
		serveErr: make(chan error, 1),
	}
	go func() { ls.serveErr <- ls.Srv.Serve(ln) }()
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := ls.Shutdown(ctx); err != nil {
			tb.Errorf("shutdown: %v", err)
		}
		store.Close()
	})
	return ls
}

// Shutdown shuts the server down once and waits for Serve to return.
func (ls *latticeServer) Shutdown(ctx context.Context) error {
	ls.once.Do(func() {
		ls.shutErr = ls.Srv.Shutdown(ctx)
		if err := <-ls.serveErr; !errors.Is(err, wire.ErrServerClosed) {
			ls.shutErr = errors.Join(ls.shutErr, fmt.Errorf("Serve returned %w", err))
		}
		_ = ls.ln.Close() // in case Shutdown ran before Serve saw the listener
	})
	return ls.shutErr
}

// DSN returns a connection string for user on database.
func (ls *latticeServer) DSN(user, password, database string) string {
	return fmt.Sprintf("postgres://%s:%s@%s/%s?sslmode=disable&connect_timeout=10", user, password, ls.Addr, database)
}

// Connect opens a pgx connection as admin, closed when the test ends.
func (ls *latticeServer) Connect(tb testing.TB) *pgx.Conn {
	tb.Helper()
	c, err := pgx.Connect(context.Background(), ls.DSN("admin", adminPassword, "lattice"))
	if err != nil {
		tb.Fatalf("connect: %v", err)
	}
	tb.Cleanup(func() { _ = c.Close(context.Background()) })
	return c
}

// rawSession is an authenticated connection driven message by message.
type rawSession struct {
	nc     net.Conn
	fe     *pgproto3.Frontend
	pid    uint32
	secret []byte
}

// Hijack opens an authenticated session and takes its net.Conn from pgx.
func (ls *latticeServer) Hijack(tb testing.TB) *rawSession {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	pc, err := pgconn.Connect(ctx, ls.DSN("admin", adminPassword, "lattice"))
	if err != nil {
		tb.Fatalf("connect: %v", err)
	}
	hc, err := pc.Hijack()
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { hc.Conn.Close() })
	return &rawSession{nc: hc.Conn, fe: hc.Frontend, pid: hc.PID, secret: hc.SecretKey}
}

// dialRaw opens a plain TCP connection, closed when the test ends.
func dialRaw(tb testing.TB, addr string) net.Conn {
	tb.Helper()
	nc, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { nc.Close() })
	return nc
}

// startupPacket encodes a StartupMessage of any protocol version.
func startupPacket(version uint32, params ...string) []byte {
	b := binary.BigEndian.AppendUint32(make([]byte, 4), version)
	for _, p := range params {
		b = append(append(b, p...), 0)
	}
	b = append(b, 0)
	binary.BigEndian.PutUint32(b, uint32(len(b)))
	return b
}

// scramStartup sends a StartupMessage and authenticates with SCRAM-SHA-256.
// It returns the session and the NegotiateProtocolVersion the server sent
// before authentication, if any; the error is the server's ErrorResponse.
func scramStartup(tb testing.TB, nc net.Conn, version uint32, password string, params ...string) (*rawSession, *pgproto3.NegotiateProtocolVersion, error) {
	tb.Helper()
	_ = nc.SetDeadline(time.Now().Add(10 * time.Second))
	defer nc.SetDeadline(time.Time{})
	if _, err := nc.Write(startupPacket(version, params...)); err != nil {
		tb.Fatal(err)
	}
	fe := pgproto3.NewFrontend(nc, nc)
	rs := &rawSession{nc: nc, fe: fe}
	client, err := scram.SHA256.NewClient("", password, "")
	if err != nil {
		tb.Fatal(err)
	}
	conv := client.NewConversation()
	var npv *pgproto3.NegotiateProtocolVersion
	for {
		msg, err := fe.Receive()
		if err != nil {
			tb.Fatalf("startup: %v", err)
		}
		switch m := msg.(type) {
		case *pgproto3.NegotiateProtocolVersion:
			npv = &pgproto3.NegotiateProtocolVersion{NewestMinorProtocol: m.NewestMinorProtocol, UnrecognizedOptions: slices.Clone(m.UnrecognizedOptions)}
		case *pgproto3.AuthenticationSASL:
			if !slices.Contains(m.AuthMechanisms, "SCRAM-SHA-256") {
				tb.Fatalf("mechanisms %v", m.AuthMechanisms)
			}
			first, err := conv.Step("")
			if err != nil {
				tb.Fatal(err)
			}
			fe.Send(&pgproto3.SASLInitialResponse{AuthMechanism: "SCRAM-SHA-256", Data: []byte(first)})
			if err := fe.Flush(); err != nil {
				tb.Fatal(err)
			}
		case *pgproto3.AuthenticationSASLContinue:
			final, err := conv.Step(string(m.Data))
			if err != nil {
				tb.Fatal(err)
			}
			fe.Send(&pgproto3.SASLResponse{Data: []byte(final)})
			if err := fe.Flush(); err != nil {
				tb.Fatal(err)
			}
		case *pgproto3.AuthenticationSASLFinal:
			if _, err := conv.Step(string(m.Data)); err != nil {
				tb.Fatalf("server signature: %v", err)
			}
		case *pgproto3.AuthenticationOk, *pgproto3.ParameterStatus:
		case *pgproto3.BackendKeyData:
			rs.pid, rs.secret = m.ProcessID, slices.Clone(m.SecretKey)
		case *pgproto3.ReadyForQuery:
			return rs, npv, nil
		case *pgproto3.ErrorResponse:
			return nil, npv, pgconn.ErrorResponseToPgError(m)
		default:
			tb.Fatalf("startup: unexpected %T", msg)
		}
	}
}

// expectFatal reads until an ErrorResponse, which must be FATAL with code,
// and then expects the server to close the connection.
func expectFatal(tb testing.TB, nc net.Conn, code string) *pgconn.PgError {
	tb.Helper()
	_ = nc.SetReadDeadline(time.Now().Add(10 * time.Second))
	fe := pgproto3.NewFrontend(nc, nc)
	var pe *pgconn.PgError
	for pe == nil {
		msg, err := fe.Receive()
		if err != nil {
			tb.Fatalf("want FATAL %s, got read error %v", code, err)
		}
		if m, ok := msg.(*pgproto3.ErrorResponse); ok {
			pe = pgconn.ErrorResponseToPgError(m)
		}
	}
	if pe.Severity != "FATAL" || pe.Code != code {
		tb.Fatalf("want FATAL %s, got %s %s: %s", code, pe.Severity, pe.Code, pe.Message)
	}
	expectClosed(tb, nc)
	return pe
}

// expectClosed expects the server to close the connection without sending
// anything more.
func expectClosed(tb testing.TB, nc net.Conn) {
	tb.Helper()
	_ = nc.SetReadDeadline(time.Now().Add(10 * time.Second))
	var buf [64]byte
	n, err := nc.Read(buf[:])
	if n > 0 {
		tb.Fatalf("want the connection closed, got %q", buf[:n])
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		tb.Fatal("the server did not close the connection")
	}
	if err == nil {
		tb.Fatal("want the connection closed")
	}
}

// wantPgError checks that err carries SQLSTATE code and, if msg is not
// empty, that exact message.
func wantPgError(tb testing.TB, err error, code, msg string) *pgconn.PgError {
	tb.Helper()
	var pe *pgconn.PgError
	if !errors.As(err, &pe) {
		tb.Fatalf("want SQLSTATE %s, got %v", code, err)
	}
	if pe.Code != code || (msg != "" && pe.Message != msg) {
		tb.Fatalf("want %s %q, got %s %q", code, msg, pe.Code, pe.Message)
	}
	return pe
}

func selectOne(tb testing.TB, c *pgx.Conn) {
	tb.Helper()
	var n int
	if err := c.QueryRow(context.Background(), "SELECT 1").Scan(&n); err != nil || n != 1 {
		tb.Fatalf("SELECT 1: %d, %v", n, err)
	}
}

func TestOversizedMessage(t *testing.T) {
	const max = 64 << 10
	ls := startLattice(t, func(c *wire.Config) { c.MaxMessageSize = max })
	other := ls.Connect(t)

	t.Run("at the limit", func(t *testing.T) {
		rs := ls.Hijack(t)
		// A Query whose body is exactly the limit is accepted.
		q := "SELECT 1 --"
		q += strings.Repeat("x", max-len(q)-1)
		buf, _ := (&pgproto3.Query{String: q}).Encode(nil)
		if len(buf)-1-4 != max {
			t.Fatalf("body is %d bytes", len(buf)-5)
		}
		if _, err := rs.nc.Write(buf); err != nil {
			t.Fatal(err)
		}
		_ = rs.nc.SetReadDeadline(time.Now().Add(10 * time.Second))
		for {
			msg, err := rs.fe.Receive()
			if err != nil {
				t.Fatal(err)
			}
			if e, ok := msg.(*pgproto3.ErrorResponse); ok {
				t.Fatalf("unexpected error %s: %s", e.Code, e.Message)
			}
			if _, ok := msg.(*pgproto3.ReadyForQuery); ok {
				break
			}
		}
	})

	for _, claim := range []uint32{max + 1 + 4, 1 << 30, 0x7fffffff} {
		t.Run(fmt.Sprint(claim), func(t *testing.T) {
			rs := ls.Hijack(t)
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			// Only the header is sent: the server must refuse on the claim
			// alone, without waiting for or allocating the body.
			hdr := binary.BigEndian.AppendUint32([]byte{'Q'}, claim)
			if _, err := rs.nc.Write(append(hdr, "SELECT"...)); err != nil {
				t.Fatal(err)
			}
			pe := expectFatal(t, rs.nc, "08P01")
			runtime.ReadMemStats(&after)
			if d := after.TotalAlloc - before.TotalAlloc; d > 32<<20 {
				t.Errorf("the server allocated %d bytes for a message it refused", d)
			}
			want := fmt.Sprintf("message of %d bytes exceeds the maximum of %d bytes", claim-4, max)
			if pe.Message != want {
				t.Errorf("message %q, want %q", pe.Message, want)
			}
		})
	}
	selectOne(t, other)
	selectOne(t, ls.Connect(t))
}

func TestGarbageAfterStartup(t *testing.T) {
	ls := startLattice(t, nil)
	for _, tc := range []struct {
		name string
		data []byte
	}{
		{"unknown type", []byte{'z', 0, 0, 0, 4}},
		{"unknown type with body", []byte{'q', 0, 0, 0, 8, 1, 2, 3, 4}},
		{"negative length", []byte{'Q', 0xff, 0xff, 0xff, 0xff}},
		{"length 0", []byte{'Q', 0, 0, 0, 0}},
		{"length 3", []byte{'S', 0, 0, 0, 3}},
		{"query without terminator", []byte{'Q', 0, 0, 0, 8, 'a', 'b', 'c', 'd'}},
		{"sync with a body", []byte{'S', 0, 0, 0, 5, 0}},
		{"bind too short", []byte{'B', 0, 0, 0, 6, 0, 0}},
		{"password message", []byte{'p', 0, 0, 0, 5, 0}},
		{"zero bytes", make([]byte, 64)},
		{"NUL type", []byte{0, 0, 0, 0, 4}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rs := ls.Hijack(t)
			if _, err := rs.nc.Write(tc.data); err != nil {
				t.Fatal(err)
			}
			expectFatal(t, rs.nc, "08P01")
		})
	}
	selectOne(t, ls.Connect(t))
}

func TestInvalidStartupPacket(t *testing.T) {
	ls := startLattice(t, nil)
	long := startupPacket(3<<16, "user", "admin", "application_name", string(make([]byte, 10000)))
	noTerm := startupPacket(3<<16, "user", "admin")
	noTerm = noTerm[:len(noTerm)-1]
	binary.BigEndian.PutUint32(noTerm, uint32(len(noTerm)))
	noValue := startupPacket(3<<16, "user", "admin", "database")
	noValue = noValue[:len(noValue)-1]
	binary.BigEndian.PutUint32(noValue, uint32(len(noValue)))
	for _, tc := range []struct {
		name, code string
		data       []byte
	}{
		{"length 4", "08P01", []byte{0, 0, 0, 4, 0, 3, 0, 0}},
		{"length 7", "08P01", []byte{0, 0, 0, 7, 0, 3, 0}},
		{"negative length", "08P01", []byte{0xff, 0xff, 0xff, 0xf0, 0, 3, 0, 0}},
		{"length over 10000", "08P01", []byte{0, 0, 0x4e, 0x22, 0, 3, 0, 0}},
		{"long packet", "08P01", long},
		{"protocol 2.0", "0A000", startupPacket(2<<16, "user", "admin")},
		{"protocol 4.0", "0A000", startupPacket(4<<16, "user", "admin")},
		{"protocol 9.9", "0A000", startupPacket(9<<16|9, "user", "admin")},
		{"missing terminator", "08P01", noTerm},
		{"missing value", "08P01", noValue},
		{"cancel request too short", "08P01", []byte{0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2e}},
		{"two SSL requests", "08P01", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			nc := dialRaw(t, ls.Addr)
			if tc.data == nil {
				if _, err := nc.Write(sslRequest); err != nil {
					t.Fatal(err)
				}
				readN(t, nc)
				if _, err := nc.Write(sslRequest); err != nil {
					t.Fatal(err)
				}
				expectFatal(t, nc, tc.code)
				return
			}
			if _, err := nc.Write(tc.data); err != nil {
				t.Fatal(err)
			}
			pe := expectFatal(t, nc, tc.code)
			if tc.code == "0A000" {
				v := binary.BigEndian.Uint32(tc.data[4:])
				want := fmt.Sprintf("unsupported frontend protocol %d.%d: server supports 3.0 to 3.0", v>>16, v&0xffff)
				if pe.Message != want {
					t.Errorf("message %q, want %q", pe.Message, want)
				}
			}
		})
	}
}

// readN reads the one-byte answer to an SSLRequest or GSSENCRequest; it
// must be 'N'.
func readN(tb testing.TB, nc net.Conn) {
	tb.Helper()
	_ = nc.SetReadDeadline(time.Now().Add(10 * time.Second))
	var b [1]byte
	if _, err := io.ReadFull(nc, b[:]); err != nil {
		tb.Fatalf("reading the answer to an encryption request: %v", err)
	}
	if b[0] != 'N' {
		tb.Fatalf("answer %q, want 'N'", b[0])
	}
}

var (
	sslRequest    = []byte{0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f}
	gssencRequest = []byte{0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x30}
)

func TestEncryptionRequestsWithoutTLS(t *testing.T) {
	ls := startLattice(t, nil)
	for _, tc := range []struct {
		name     string
		requests [][]byte
	}{
		{"SSLRequest", [][]byte{sslRequest}},
		{"GSSENCRequest", [][]byte{gssencRequest}},
		{"GSSENCRequest then SSLRequest", [][]byte{gssencRequest, sslRequest}},
		{"SSLRequest then GSSENCRequest", [][]byte{sslRequest, gssencRequest}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// pgx dials through a function that sends the requests and
			// reads the 'N's; pgx then starts up normally on that conn.
			cfg, err := pgx.ParseConfig(ls.DSN("admin", adminPassword, "lattice"))
			if err != nil {
				t.Fatal(err)
			}
			cfg.DialFunc = func(ctx context.Context, network, addr string) (net.Conn, error) {
				nc, err := (&net.Dialer{}).DialContext(ctx, network, addr)
				if err != nil {
					return nil, err
				}
				for _, req := range tc.requests {
					if _, err := nc.Write(req); err != nil {
						nc.Close()
						return nil, err
					}
					readN(t, nc)
				}
				return nc, nil
			}
			c, err := pgx.ConnectConfig(context.Background(), cfg)
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close(context.Background())
			selectOne(t, c)
		})
	}
}

// selfSignedTLS returns a server TLS config with a fresh self-signed
// certificate for 127.0.0.1 and the certificate's PEM.
func selfSignedTLS(tb testing.TB) (*tls.Config, []byte) {
	tb.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		tb.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "lattice test"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(time.Hour),
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1)},
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		tb.Fatal(err)
	}
	cfg := &tls.Config{
		Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}},
		MinVersion:   tls.VersionTLS12,
	}
	return cfg, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
}

func TestTLS(t *testing.T) {
	tlsCfg, certPEM := selfSignedTLS(t)
	ls := startLattice(t, func(c *wire.Config) { c.TLS = tlsCfg })
	rootCert := filepath.Join(t.TempDir(), "root.crt")
	if err := os.WriteFile(rootCert, certPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	base := fmt.Sprintf("postgres://admin:%s@%s/lattice?connect_timeout=10", adminPassword, ls.Addr)
	for name, mode := range map[string]string{"require": "sslmode=require", "verify-full": "sslmode=verify-full&sslrootcert=" + rootCert} {
		t.Run(name, func(t *testing.T) {
			c, err := pgx.Connect(context.Background(), base+"&"+mode)
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close(context.Background())
			if _, ok := c.PgConn().Conn().(*tls.Conn); !ok {
				t.Fatalf("connection is %T, want *tls.Conn", c.PgConn().Conn())
			}
			selectOne(t, c)
			// A cancel over TLS still reaches the statement.
			err = cancelUntilDone(t, func() error {
				_, err := c.Exec(context.Background(), "SELECT pg_sleep(30)")
				return err
			}, func() { _ = c.PgConn().CancelRequest(context.Background()) })
			wantPgError(t, err, "57014", "canceling statement due to user request")
			selectOne(t, c)
		})
	}
	t.Run("GSSENCRequest then TLS", func(t *testing.T) {
		nc := dialRaw(t, ls.Addr)
		if _, err := nc.Write(gssencRequest); err != nil {
			t.Fatal(err)
		}
		readN(t, nc)
		if _, err := nc.Write(sslRequest); err != nil {
			t.Fatal(err)
		}
		var b [1]byte
		if _, err := io.ReadFull(nc, b[:]); err != nil || b[0] != 'S' {
			t.Fatalf("answer %q, %v; want 'S'", b[0], err)
		}
		tc := tls.Client(nc, &tls.Config{InsecureSkipVerify: true})
		if _, _, err := scramStartup(t, tc, 3<<16, adminPassword, "user", "admin", "database", "lattice"); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("plaintext still accepted", func(t *testing.T) {
		selectOne(t, ls.Connect(t))
	})
}

func TestNegotiateProtocolVersion(t *testing.T) {
	ls := startLattice(t, nil)
	for _, tc := range []struct {
		name    string
		version uint32
		params  []string
		want    []string // unrecognized options; nil: no NegotiateProtocolVersion
	}{
		{"3.0", 3 << 16, nil, nil},
		{"3.1", 3<<16 | 1, nil, []string{}},
		{"3.9", 3<<16 | 9, nil, []string{}},
		{"3.0 with _pq_.foo", 3 << 16, []string{"_pq_.foo", "bar"}, []string{"_pq_.foo"}},
		{"3.1 with _pq_.foo", 3<<16 | 1, []string{"_pq_.foo", "bar"}, []string{"_pq_.foo"}},
		{"3.9 with _pq_.a and _pq_.b", 3<<16 | 9, []string{"_pq_.a", "1", "application_name", "x", "_pq_.b", ""}, []string{"_pq_.a", "_pq_.b"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			nc := dialRaw(t, ls.Addr)
			params := append([]string{"user", "admin", "database", "lattice"}, tc.params...)
			rs, npv, err := scramStartup(t, nc, tc.version, adminPassword, params...)
			if err != nil {
				t.Fatal(err)
			}
			switch {
			case tc.want == nil && npv != nil:
				t.Fatalf("unexpected NegotiateProtocolVersion %+v", npv)
			case tc.want != nil && npv == nil:
				t.Fatal("no NegotiateProtocolVersion")
			case npv != nil:
				slices.Sort(npv.UnrecognizedOptions)
				if npv.NewestMinorProtocol != 0 || !slices.Equal(npv.UnrecognizedOptions, tc.want) {
					t.Fatalf("got %+v, want newest minor 0 and options %q", npv, tc.want)
				}
			}
			rs.simpleQuery(t, "SELECT 1")
		})
	}
}

// simpleQuery runs a Query and fails on an error.
func (rs *rawSession) simpleQuery(tb testing.TB, sql string) {
	tb.Helper()
	_ = rs.nc.SetDeadline(time.Now().Add(10 * time.Second))
	rs.fe.Send(&pgproto3.Query{String: sql})
	if err := rs.fe.Flush(); err != nil {
		tb.Fatal(err)
	}
	for {
		msg, err := rs.fe.Receive()
		if err != nil {
			tb.Fatal(err)
		}
		switch m := msg.(type) {
		case *pgproto3.ErrorResponse:
			tb.Fatalf("%s: %s %s", sql, m.Code, m.Message)
		case *pgproto3.ReadyForQuery:
			return
		}
	}
}

func TestAuthenticationErrors(t *testing.T) {
	ls := startLattice(t, nil)
	connect := func(user, password, database string) error {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		c, err := pgconn.Connect(ctx, ls.DSN(user, password, database))
		if err == nil {
			c.Close(ctx)
		}
		return err
	}
	wrong := wantPgError(t, connect("admin", "wrong", "lattice"), "28P01", `password authentication failed for user "admin"`)
	unknown := wantPgError(t, connect("nobody", adminPassword, "lattice"), "28P01", `password authentication failed for user "nobody"`)
	// An unknown user must not be told apart from a wrong password.
	if wrong.Severity != "FATAL" || unknown.Severity != wrong.Severity || unknown.Detail != wrong.Detail || unknown.Hint != wrong.Hint {
		t.Errorf("unknown user %+v differs from wrong password %+v", unknown, wrong)
	}
	wantPgError(t, connect("admin", adminPassword, "nosuchdb"), "3D000", `database "nosuchdb" does not exist`)
	// A wrong password wins over an unknown database, as in PostgreSQL.
	wantPgError(t, connect("admin", "wrong", "nosuchdb"), "28P01", "")

	t.Run("no user", func(t *testing.T) {
		nc := dialRaw(t, ls.Addr)
		if _, err := nc.Write(startupPacket(3<<16, "database", "lattice")); err != nil {
			t.Fatal(err)
		}
		pe := expectFatal(t, nc, "28000")
		if pe.Message != "no PostgreSQL user name specified in startup packet" {
			t.Errorf("message %q", pe.Message)
		}
	})
	t.Run("SASL garbage", func(t *testing.T) {
		nc := dialRaw(t, ls.Addr)
		if _, err := nc.Write(startupPacket(3<<16, "user", "admin")); err != nil {
			t.Fatal(err)
		}
		fe := pgproto3.NewFrontend(nc, nc)
		_ = nc.SetReadDeadline(time.Now().Add(10 * time.Second))
		if msg, err := fe.Receive(); err != nil {
			t.Fatal(err)
		} else if _, ok := msg.(*pgproto3.AuthenticationSASL); !ok {
			t.Fatalf("got %T", msg)
		}
		fe.Send(&pgproto3.SASLInitialResponse{AuthMechanism: "SCRAM-SHA-256", Data: []byte("garbage")})
		if err := fe.Flush(); err != nil {
			t.Fatal(err)
		}
		// PostgreSQL answers 08P01 "malformed SCRAM message"; Lattice
		// treats every failed exchange as a failed login.
		var pe *pgconn.PgError
		for pe == nil {
			msg, err := fe.Receive()
			if err != nil {
				t.Fatal(err)
			}
			if m, ok := msg.(*pgproto3.ErrorResponse); ok {
				pe = pgconn.ErrorResponseToPgError(m)
			}
		}
		if pe.Severity != "FATAL" || (pe.Code != "08P01" && pe.Code != "28P01") {
			t.Fatalf("got %s %s: %s, want FATAL 08P01 or 28P01", pe.Severity, pe.Code, pe.Message)
		}
		expectClosed(t, nc)
	})
	selectOne(t, ls.Connect(t))
}

func TestConnectionLimit(t *testing.T) {
	ls := startLattice(t, func(c *wire.Config) { c.MaxConnections = 2 })
	ctx := context.Background()
	first := ls.Connect(t)
	second, err := pgx.Connect(ctx, ls.DSN("admin", adminPassword, "lattice"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = pgx.Connect(ctx, ls.DSN("admin", adminPassword, "lattice"))
	wantPgError(t, err, "53300", "sorry, too many clients already")
	// Refused attempts, failed logins and cancel requests hold no slot.
	_, err = pgx.Connect(ctx, ls.DSN("admin", "wrong", "lattice"))
	wantPgError(t, err, "53300", "")
	sendCancel(t, ls.Addr, 1, []byte{1, 2, 3, 4})
	selectOne(t, first)
	selectOne(t, second)

	second.Close(ctx)
	// The slot is freed when the server notices the Terminate.
	deadline := time.Now().Add(10 * time.Second)
	for {
		third, err := pgx.Connect(ctx, ls.DSN("admin", adminPassword, "lattice"))
		if err == nil {
			selectOne(t, third)
			third.Close(ctx)
			break
		}
		wantPgError(t, err, "53300", "")
		if time.Now().After(deadline) {
			t.Fatal("the slot of a closed session was not freed")
		}
		time.Sleep(20 * time.Millisecond)
	}
	selectOne(t, first)
}

func TestStartupTimeout(t *testing.T) {
	const timeout = 300 * time.Millisecond
	ls := startLattice(t, func(c *wire.Config) { c.StartupTimeout = timeout })
	for _, tc := range []struct {
		name string
		send []byte
		auth bool // wait for the SASL request, then say nothing
	}{
		{"silent", nil, false},
		{"partial startup packet", startupPacket(3<<16, "user", "admin")[:10], false},
		{"during authentication", startupPacket(3<<16, "user", "admin"), true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			start := time.Now()
			nc := dialRaw(t, ls.Addr)
			if _, err := nc.Write(tc.send); err != nil {
				t.Fatal(err)
			}
			if tc.auth {
				if _, err := pgproto3.NewFrontend(nc, nc).Receive(); err != nil {
					t.Fatal(err)
				}
			}
			_ = nc.SetReadDeadline(time.Now().Add(10 * time.Second))
			_, err := io.Copy(io.Discard, nc)
			if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, net.ErrClosed) {
				var ne net.Error
				if errors.As(err, &ne) && ne.Timeout() {
					t.Fatal("the server did not close the connection")
				}
			}
			if d := time.Since(start); d < timeout-50*time.Millisecond {
				t.Errorf("closed after %v, before the timeout", d)
			}
		})
	}
	// A session that started up in time is not bound by the timeout.
	c := ls.Connect(t)
	time.Sleep(2 * timeout)
	selectOne(t, c)
}

// sendCancel sends a CancelRequest and waits until the server has closed
// the connection, that is until it has handled the request.
func sendCancel(tb testing.TB, addr string, pid uint32, secret []byte) {
	tb.Helper()
	nc, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		tb.Fatal(err)
	}
	defer nc.Close()
	buf, err := (&pgproto3.CancelRequest{ProcessID: pid, SecretKey: secret}).Encode(nil)
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := nc.Write(buf); err != nil {
		tb.Fatal(err)
	}
	expectClosed(tb, nc)
}

// cancelUntilDone runs stmt in a goroutine and calls cancel every 100ms
// until stmt returns: a cancel only reaches a statement that is already
// running, and the test cannot see when it starts.
func cancelUntilDone(tb testing.TB, stmt func() error, cancel func()) error {
	tb.Helper()
	done := make(chan error, 1)
	start := time.Now()
	go func() { done <- stmt() }()
	for {
		select {
		case err := <-done:
			if time.Since(start) > 20*time.Second {
				tb.Fatal("the statement ran to its end")
			}
			return err
		case <-time.After(100 * time.Millisecond):
			cancel()
		}
	}
}

func TestCancelRequest(t *testing.T) {
	ls := startLattice(t, nil)
	ctx := context.Background()
	c := ls.Connect(t)
	pid, secret := c.PgConn().PID(), c.PgConn().SecretKey()

	cancel := func() { sendCancel(t, ls.Addr, pid, secret) }

	t.Run("running statement", func(t *testing.T) {
		err := cancelUntilDone(t, func() error {
			_, err := c.PgConn().Exec(ctx, "SELECT pg_sleep(30)").ReadAll()
			return err
		}, cancel)
		wantPgError(t, err, "57014", "canceling statement due to user request")
		selectOne(t, c)
	})

	t.Run("extended protocol", func(t *testing.T) {
		err := cancelUntilDone(t, func() error {
			_, err := c.Exec(ctx, "SELECT pg_sleep($1)", 30.0)
			return err
		}, cancel)
		wantPgError(t, err, "57014", "canceling statement due to user request")
		selectOne(t, c)
	})

	t.Run("wrong secret", func(t *testing.T) {
		done := make(chan error, 1)
		go func() {
			_, err := c.PgConn().Exec(ctx, "SELECT pg_sleep(0.6)").ReadAll()
			done <- err
		}()
		time.Sleep(150 * time.Millisecond)
		bad := slices.Clone(secret)
		bad[0] ^= 0xff
		sendCancel(t, ls.Addr, pid, bad)
		sendCancel(t, ls.Addr, pid, append(slices.Clone(secret), 0))
		sendCancel(t, ls.Addr, pid+1, secret)
		if err := <-done; err != nil {
			t.Fatalf("the statement was cancelled: %v", err)
		}
	})

	t.Run("idle session", func(t *testing.T) {
		sendCancel(t, ls.Addr, pid, secret)
		if _, err := c.PgConn().Exec(ctx, "SELECT pg_sleep(0.2)").ReadAll(); err != nil {
			t.Fatalf("a cancel sent while idle reached the next statement: %v", err)
		}
		selectOne(t, c)
	})
}

func TestStatementTimeout(t *testing.T) {
	ls := startLattice(t, nil)
	ctx := context.Background()
	c := ls.Connect(t)
	show := func() string {
		var v string
		if err := c.QueryRow(ctx, "SHOW statement_timeout").Scan(&v); err != nil {
			t.Fatal(err)
		}
		return v
	}

	start := time.Now()
	_, err := c.PgConn().Exec(ctx, "SET statement_timeout = '100ms'; SELECT pg_sleep(5)").ReadAll()
	wantPgError(t, err, "57014", "canceling statement due to statement timeout")
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("the timeout fired after %v", d)
	}
	// The SET was part of the failed implicit transaction, so it is undone
	// (PostgreSQL shows 0 too).
	if v := show(); v != "0" {
		t.Errorf("statement_timeout is %q after the failed transaction, want 0", v)
	}

	if _, err := c.Exec(ctx, "SET statement_timeout = '100ms'"); err != nil {
		t.Fatal(err)
	}
	_, err = c.PgConn().Exec(ctx, "SELECT pg_sleep(5)").ReadAll()
	wantPgError(t, err, "57014", "canceling statement due to statement timeout")
	_, err = c.Exec(ctx, "SELECT pg_sleep($1)", 5.0)
	wantPgError(t, err, "57014", "canceling statement due to statement timeout")
	// Each statement gets its own timeout.
	for range 3 {
		if _, err := c.PgConn().Exec(ctx, "SELECT pg_sleep(0.03)").ReadAll(); err != nil {
			t.Fatal(err)
		}
	}
	if v := show(); v != "100ms" {
		t.Errorf("statement_timeout is %q, want 100ms", v)
	}
	selectOne(t, c)
}

// TestMultiStatementSeesEarlierStatements runs statements that depend on
// each other in one Query message: each is bound after the ones before it
// have run, as in PostgreSQL. A syntax error anywhere runs none of them.
func TestMultiStatementSeesEarlierStatements(t *testing.T) {
	ls := startLattice(t, nil)
	ctx := context.Background()
	c := ls.Connect(t)
	res, err := c.PgConn().Exec(ctx, "CREATE TABLE ms (a int, b text); INSERT INTO ms VALUES (1, 'x'), (2, 'y'); SELECT count(*), max(b) FROM ms").ReadAll()
	require.NoError(t, err)
	require.Len(t, res, 3)
	require.Equal(t, "INSERT 0 2", res[1].CommandTag.String())
	require.Equal(t, [][]byte{[]byte("2"), []byte("y")}, res[2].Rows[0])

	_, err = c.PgConn().Exec(ctx, "INSERT INTO ms VALUES (3, 'z'); SELEC 1").ReadAll()
	wantPgError(t, err, "42601", `syntax error at or near "SELEC"`)
	var n int
	require.NoError(t, c.QueryRow(ctx, "SELECT count(*) FROM ms").Scan(&n))
	require.Equal(t, 2, n, "a text with a syntax error ran a statement")

	// A later statement's binding error stops the text there.
	_, err = c.PgConn().Exec(ctx, "INSERT INTO ms VALUES (3, 'z'); SELECT * FROM nosuch; INSERT INTO ms VALUES (4, 'w')").ReadAll()
	wantPgError(t, err, "42P01", `relation "nosuch" does not exist`)
	require.NoError(t, c.QueryRow(ctx, "SELECT count(*) FROM ms").Scan(&n))
	require.Equal(t, 3, n)
	selectOne(t, c)
}

// metastoreDB ignores the metastore's connection pool, which lives until
// the test's cleanup closes the store.
var metastoreDB = goleak.IgnoreTopFunction("database/sql.(*DB).connectionOpener")

func TestShutdown(t *testing.T) {
	t.Run("drain", func(t *testing.T) {
		others := goleak.IgnoreCurrent()
		ls := startLattice(t, nil)
		idle := ls.Hijack(t)
		busy := ls.Connect(t)
		selectOne(t, busy)
		done := make(chan error, 1)
		go func() {
			_, err := busy.PgConn().Exec(context.Background(), "SELECT pg_sleep(1)").ReadAll()
			done <- err
		}()
		time.Sleep(300 * time.Millisecond) // let the statement start

		start := time.Now()
		shut := make(chan error, 1)
		go func() {
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			shut <- ls.Shutdown(ctx)
		}()
		pe := expectFatal(t, idle.nc, "57P01")
		if pe.Message != "terminating connection due to administrator command" {
			t.Errorf("message %q", pe.Message)
		}
		if err := <-done; err != nil {
			t.Errorf("the running statement did not finish: %v", err)
		}
		if err := <-shut; err != nil {
			t.Errorf("Shutdown: %v", err)
		}
		if d := time.Since(start); d < 400*time.Millisecond {
			t.Errorf("Shutdown returned after %v, before the statement ended", d)
		}
		goleak.VerifyNone(t, others, metastoreDB)
		// The busy session was ended after its statement.
		_, err := busy.PgConn().Exec(context.Background(), "SELECT 1").ReadAll()
		var perr *pgconn.PgError
		if err == nil || (errors.As(err, &perr) && perr.Code != "57P01") {
			t.Errorf("after shutdown the busy session answered %v, want 57P01 or a closed connection", err)
		}
		if nc, err := net.DialTimeout("tcp", ls.Addr, time.Second); err == nil {
			nc.Close()
			t.Error("the server still accepts connections")
		}
	})

	t.Run("deadline", func(t *testing.T) {
		others := goleak.IgnoreCurrent()
		ls := startLattice(t, nil)
		busy := ls.Connect(t)
		done := make(chan error, 1)
		go func() {
			_, err := busy.PgConn().Exec(context.Background(), "SELECT pg_sleep(30)").ReadAll()
			done <- err
		}()
		time.Sleep(300 * time.Millisecond)
		ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
		defer cancel()
		start := time.Now()
		if err := ls.Shutdown(ctx); err != nil {
			t.Errorf("Shutdown: %v", err)
		}
		if d := time.Since(start); d > 5*time.Second {
			t.Errorf("Shutdown took %v", d)
		}
		err := <-done
		var pe *pgconn.PgError
		if err == nil || (errors.As(err, &pe) && pe.Code != "57P01") {
			t.Errorf("the statement ended with %v, want 57P01 or a closed connection", err)
		}
		goleak.VerifyNone(t, others, metastoreDB)
	})

	t.Run("during startup", func(t *testing.T) {
		tlsCfg, _ := selfSignedTLS(t)
		ls := startLattice(t, func(c *wire.Config) { c.TLS = tlsCfg })
		// One client has finished TLS but not sent its StartupMessage; one
		// waits in SCRAM; one has sent nothing.
		nc := dialRaw(t, ls.Addr)
		if _, err := nc.Write(sslRequest); err != nil {
			t.Fatal(err)
		}
		var b [1]byte
		if _, err := io.ReadFull(nc, b[:]); err != nil || b[0] != 'S' {
			t.Fatalf("answer %q, %v", b[0], err)
		}
		tc := tls.Client(nc, &tls.Config{InsecureSkipVerify: true})
		if err := tc.Handshake(); err != nil {
			t.Fatal(err)
		}
		sasl := dialRaw(t, ls.Addr)
		if _, err := sasl.Write(startupPacket(3<<16, "user", "admin")); err != nil {
			t.Fatal(err)
		}
		if _, err := pgproto3.NewFrontend(sasl, sasl).Receive(); err != nil {
			t.Fatal(err)
		}
		silent := dialRaw(t, ls.Addr)
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		start := time.Now()
		if err := ls.Shutdown(ctx); err != nil {
			t.Errorf("Shutdown: %v", err)
		}
		if d := time.Since(start); d > 5*time.Second {
			t.Errorf("Shutdown took %v", d)
		}
		for _, c := range []net.Conn{tc, sasl, silent} {
			_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
			if _, err := io.Copy(io.Discard, c); err != nil {
				var ne net.Error
				if errors.As(err, &ne) && ne.Timeout() {
					t.Error("a connection in startup was not closed")
				}
			}
		}
	})
}
