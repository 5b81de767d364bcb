// Protocol golden tests: scripts of frontend messages and the backend
// messages PostgreSQL answers with, replayed against a Lattice node and
// against a real PostgreSQL. Both must answer exactly as the script says,
// and the script's expectations come only from PostgreSQL: `go test
// ./wire/ -run TestPGTest -rewrite` regenerates them from the reference
// server, never from Lattice.
//
// # Script format
//
// A script in testdata/pgtest/*.txt is a sequence of blocks separated by
// blank lines. Lines starting with # outside a block are comments. A block
// is a directive line, its input lines and, for directives that read, a
// line "----" followed by the expected output:
//
//	send
//	{"Type":"Parse","Name":"s1","Query":"SELECT $1::int"}
//	{"Type":"Sync"}
//
//	until
//	ReadyForQuery
//	----
//	{"Type":"ParseComplete"}
//	{"Type":"ReadyForQuery","TxStatus":"I"}
//
// send writes each input line, a frontend message as pgproto3 encodes it in
// JSON with a "Type" field (Query, Parse, Bind, Describe, Execute, Close,
// Sync, Flush), then flushes. Bind parameters are {"text":"..."} or
// {"binary":"<hex>"} or null.
//
// until reads backend messages until it has seen each input line's message
// type, in order: "ReadyForQuery" twice waits for two ReadyForQuery
// messages. Every message read is compared with one output line. Options
// after the directive:
//
//	ignore=T1,T2   drop messages of these types before comparing (for
//	               messages whose presence differs legitimately)
//
// # Normalization
//
// The startup phase (authentication, ParameterStatus, BackendKeyData) is
// done by the harness with pgconn and is not part of scripts; the harness
// pins the settings that a server's configuration could change (TimeZone,
// DateStyle, IntervalStyle, lc_messages) in the StartupMessage. Error and
// notice responses keep only Severity, Code, Message, Detail, Hint and
// Position: the source file, line and routine that PostgreSQL adds say
// nothing about the protocol. DataRow values print as {"text":...} when
// every byte is printable UTF-8 and as {"binary":"<hex>"} otherwise.
//
// Run one script with -run TestPGTest/<name>; with -rewrite, each script is
// played against PostgreSQL first, written back, and then played against
// Lattice.

package wire_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgproto3"

	"github.com/lattice-olap/lattice/internal/testenv"
)

var pgtestRewrite = flag.Bool("rewrite", false, "regenerate the expected output of testdata/pgtest scripts from the real PostgreSQL")

// pinnedSettings go in every StartupMessage, so that the reference server's
// configuration (postgresql.conf, the host's zone and locale) cannot change
// the answers.
var pinnedSettings = map[string]string{
	"TimeZone":      "UTC",
	"DateStyle":     "ISO, MDY",
	"IntervalStyle": "postgres",
	"lc_messages":   "C",
}

// pgtestTimeout bounds one until block: a message that never comes fails the
// test instead of hanging it.
const pgtestTimeout = 10 * time.Second

func TestPGTest(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "pgtest", "*.txt"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no scripts in testdata/pgtest: %v", err)
	}
	pgDSN := testenv.PostgresDSN("postgres")
	pgErr := pingPostgres(pgDSN)
	if *pgtestRewrite && pgErr != nil {
		t.Fatalf("-rewrite needs the reference PostgreSQL: %v", pgErr)
	}
	node := testenv.StartNode(t)
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".txt")
		t.Run(name, func(t *testing.T) {
			sc := readScript(t, f)
			t.Run("postgres", func(t *testing.T) {
				testenv.Require(t, "PostgreSQL on 127.0.0.1:5432", pgErr)
				runScript(t, sc, pgDSN, *pgtestRewrite)
				if *pgtestRewrite && !t.Failed() {
					if err := os.WriteFile(f, sc.format(), 0o644); err != nil {
						t.Fatal(err)
					}
				}
			})
			if *pgtestRewrite && t.Failed() {
				return
			}
			t.Run("lattice", func(t *testing.T) {
				runScript(t, sc, node.DSN("lattice"), false)
				if t.Failed() {
					t.Logf("lattice log:\n%s", logTail(node.Log(), 4000))
				}
			})
		})
	}
}

func pingPostgres(dsn string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	c, err := pgconn.Connect(ctx, dsn)
	if err != nil {
		return err
	}
	return c.Close(ctx)
}

func logTail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return "..." + s[len(s)-n:]
}

// pgScript is a parsed test file. Blank and comment lines between blocks are
// kept, so that -rewrite changes only expected output.
type pgScript struct {
	path  string
	items []pgItem
}

// pgItem is either verbatim text (comments, blank lines) or a block.
type pgItem struct {
	text  string
	block *pgBlock
}

type pgBlock struct {
	line      int // of the directive, 1-based
	directive string
	args      map[string]string
	input     []string
	hasOutput bool
	output    []string
}

func readScript(t *testing.T, path string) *pgScript {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	sc, err := parseScript(path, string(data))
	if err != nil {
		t.Fatal(err)
	}
	return sc
}

func parseScript(path, data string) (*pgScript, error) {
	sc := &pgScript{path: path}
	lines := strings.Split(strings.TrimRight(data, "\n"), "\n")
	for i := 0; i < len(lines); {
		l := lines[i]
		if strings.TrimSpace(l) == "" || strings.HasPrefix(l, "#") {
			sc.items = append(sc.items, pgItem{text: l})
			i++
			continue
		}
		fields := strings.Fields(l)
		b := &pgBlock{line: i + 1, directive: fields[0], args: map[string]string{}}
		for _, a := range fields[1:] {
			k, v, _ := strings.Cut(a, "=")
			b.args[k] = v
		}
		i++
		for i < len(lines) && strings.TrimSpace(lines[i]) != "" && lines[i] != "----" {
			b.input = append(b.input, lines[i])
			i++
		}
		if i < len(lines) && lines[i] == "----" {
			b.hasOutput = true
			i++
			for i < len(lines) && strings.TrimSpace(lines[i]) != "" {
				b.output = append(b.output, lines[i])
				i++
			}
		}
		switch b.directive {
		case "send":
			if b.hasOutput {
				return nil, fmt.Errorf("%s:%d: send has no output", path, b.line)
			}
		case "until":
			if len(b.input) == 0 {
				return nil, fmt.Errorf("%s:%d: until needs at least one message type", path, b.line)
			}
		default:
			return nil, fmt.Errorf("%s:%d: unknown directive %q", path, b.line, b.directive)
		}
		for k := range b.args {
			if k != "ignore" {
				return nil, fmt.Errorf("%s:%d: unknown option %q", path, b.line, k)
			}
		}
		sc.items = append(sc.items, pgItem{block: b})
	}
	return sc, nil
}

func (sc *pgScript) format() []byte {
	var buf bytes.Buffer
	for _, it := range sc.items {
		if it.block == nil {
			buf.WriteString(it.text + "\n")
			continue
		}
		b := it.block
		buf.WriteString(b.directive)
		if v, ok := b.args["ignore"]; ok {
			buf.WriteString(" ignore=" + v)
		}
		buf.WriteString("\n")
		for _, l := range b.input {
			buf.WriteString(l + "\n")
		}
		if b.directive == "until" {
			buf.WriteString("----\n")
			for _, l := range b.output {
				buf.WriteString(l + "\n")
			}
		}
	}
	return buf.Bytes()
}

// runScript plays sc against the server at dsn. With update, it records
// the answers as the expected output instead of comparing.
func runScript(t *testing.T, sc *pgScript, dsn string, update bool) {
	cfg, err := pgconn.ParseConfig(dsn)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range pinnedSettings {
		cfg.RuntimeParams[k] = v
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	pc, err := pgconn.ConnectConfig(ctx, cfg)
	if err != nil {
		t.Fatalf("connect %s: %v", dsn, err)
	}
	hc, err := pc.Hijack()
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		_ = hc.Conn.SetDeadline(time.Now().Add(time.Second))
		hc.Frontend.Send(&pgproto3.Terminate{})
		_ = hc.Frontend.Flush()
		_ = hc.Conn.Close()
	}()
	fe := hc.Frontend
	for _, it := range sc.items {
		b := it.block
		if b == nil {
			continue
		}
		where := fmt.Sprintf("%s:%d", sc.path, b.line)
		switch b.directive {
		case "send":
			for _, l := range b.input {
				msg, err := decodeFrontend(l)
				if err != nil {
					t.Fatalf("%s: %v", where, err)
				}
				fe.Send(msg)
			}
			_ = hc.Conn.SetWriteDeadline(time.Now().Add(pgtestTimeout))
			if err := fe.Flush(); err != nil {
				t.Fatalf("%s: send: %v", where, err)
			}
		case "until":
			got, err := receiveUntil(fe, hc.Conn.SetReadDeadline, b)
			if err != nil {
				t.Fatalf("%s: %v\nreceived so far:\n%s", where, err, strings.Join(got, "\n"))
			}
			if update {
				b.output = got
				continue
			}
			if !equalLines(got, b.output) {
				t.Errorf("%s: until %s: output differs (-expected +got):\n%s", where, strings.Join(b.input, ","),
					lineDiff(b.output, got))
			}
		}
	}
}

func equalLines(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// lineDiff shows two message lists line by line: equal lines once, and
// for each position that differs the expected and the received message.
func lineDiff(want, got []string) string {
	var sb strings.Builder
	for i := 0; i < len(want) || i < len(got); i++ {
		switch {
		case i < len(want) && i < len(got) && want[i] == got[i]:
			sb.WriteString("  " + want[i] + "\n")
		default:
			if i < len(want) {
				sb.WriteString("- " + want[i] + "\n")
			}
			if i < len(got) {
				sb.WriteString("+ " + got[i] + "\n")
			}
		}
	}
	return sb.String()
}

// frontendTypes makes an empty message for each frontend Type a script
// may send.
var frontendTypes = map[string]func() pgproto3.FrontendMessage{
	"Query":     func() pgproto3.FrontendMessage { return &pgproto3.Query{} },
	"Parse":     func() pgproto3.FrontendMessage { return &pgproto3.Parse{} },
	"Bind":      func() pgproto3.FrontendMessage { return &pgproto3.Bind{} },
	"Describe":  func() pgproto3.FrontendMessage { return &pgproto3.Describe{} },
	"Execute":   func() pgproto3.FrontendMessage { return &pgproto3.Execute{} },
	"Close":     func() pgproto3.FrontendMessage { return &pgproto3.Close{} },
	"Sync":      func() pgproto3.FrontendMessage { return &pgproto3.Sync{} },
	"Flush":     func() pgproto3.FrontendMessage { return &pgproto3.Flush{} },
	"Terminate": func() pgproto3.FrontendMessage { return &pgproto3.Terminate{} },
}

func decodeFrontend(line string) (pgproto3.FrontendMessage, error) {
	var head struct{ Type string }
	if err := json.Unmarshal([]byte(line), &head); err != nil {
		return nil, fmt.Errorf("bad message %s: %v", line, err)
	}
	mk, ok := frontendTypes[head.Type]
	if !ok {
		return nil, fmt.Errorf("unknown frontend message type %q", head.Type)
	}
	msg := mk()
	dec := json.NewDecoder(strings.NewReader(line))
	if err := dec.Decode(msg); err != nil {
		return nil, fmt.Errorf("bad %s message %s: %v", head.Type, line, err)
	}
	return msg, nil
}

// receiveUntil reads messages until it has seen b's input types in order,
// returning the normalized messages that are not ignored.
func receiveUntil(fe *pgproto3.Frontend, setDeadline func(time.Time) error, b *pgBlock) ([]string, error) {
	ignore := map[string]bool{}
	if v := b.args["ignore"]; v != "" {
		for _, ty := range strings.Split(v, ",") {
			ignore[ty] = true
		}
	}
	var got []string
	want := b.input
	if err := setDeadline(time.Now().Add(pgtestTimeout)); err != nil {
		return nil, err
	}
	for len(want) > 0 {
		msg, err := fe.Receive()
		if err != nil {
			return got, fmt.Errorf("waiting for %s: %w", want[0], err)
		}
		ty, line, err := normalizeMessage(msg)
		if err != nil {
			return got, err
		}
		if ty == want[0] {
			want = want[1:]
		}
		if !ignore[ty] {
			got = append(got, line)
		}
	}
	return got, nil
}

// pgErrorFields is what an ErrorResponse or NoticeResponse is compared by.
type pgErrorFields struct {
	Type     string
	Severity string
	Code     string
	Message  string
	Detail   string `json:",omitempty"`
	Hint     string `json:",omitempty"`
	Position int32  `json:",omitempty"`
}

type pgFieldDesc struct {
	Name                 string
	TableOID             uint32
	TableAttributeNumber uint16
	DataTypeOID          uint32
	DataTypeSize         int16
	TypeModifier         int32
	Format               int16
}

// normalizeMessage returns a message's type name and its one-line JSON form.
func normalizeMessage(msg pgproto3.BackendMessage) (string, string, error) {
	var v any
	switch m := msg.(type) {
	case *pgproto3.ErrorResponse:
		v = pgErrorFields{"ErrorResponse", m.Severity, m.Code, m.Message, m.Detail, m.Hint, m.Position}
	case *pgproto3.NoticeResponse:
		v = pgErrorFields{"NoticeResponse", m.Severity, m.Code, m.Message, m.Detail, m.Hint, m.Position}
	case *pgproto3.RowDescription:
		fields := make([]pgFieldDesc, len(m.Fields))
		for i, f := range m.Fields {
			fields[i] = pgFieldDesc{string(f.Name), f.TableOID, f.TableAttributeNumber, f.DataTypeOID, f.DataTypeSize, f.TypeModifier, f.Format}
		}
		v = struct {
			Type   string
			Fields []pgFieldDesc
		}{"RowDescription", fields}
	case *pgproto3.DataRow:
		vals := make([]map[string]string, len(m.Values))
		for i, b := range m.Values {
			switch {
			case b == nil:
			case printableBytes(b):
				vals[i] = map[string]string{"text": string(b)}
			default:
				vals[i] = map[string]string{"binary": fmt.Sprintf("%x", b)}
			}
		}
		v = struct {
			Type   string
			Values []map[string]string
		}{"DataRow", vals}
	default:
		v = msg
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return "", "", err
	}
	line := strings.TrimSuffix(buf.String(), "\n")
	var head struct{ Type string }
	if err := json.Unmarshal(buf.Bytes(), &head); err != nil || head.Type == "" {
		return "", "", errors.Join(fmt.Errorf("message %T has no JSON type: %s", msg, line), err)
	}
	return head.Type, line, nil
}

func printableBytes(b []byte) bool {
	if !utf8.Valid(b) {
		return false
	}
	for _, c := range b {
		if c < 32 || c == 127 {
			return false
		}
	}
	return true
}

// TestPGTestScriptsFormat checks that every script is in the form -rewrite
// writes, so that a rewrite changes only expected output, and that the
// parser handles what the format allows.
func TestPGTestScriptsFormat(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "pgtest", "*.txt"))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		sc, err := parseScript(f, string(data))
		if err != nil {
			t.Fatal(err)
		}
		if got := string(sc.format()); got != string(data) {
			t.Errorf("%s is not in canonical form; run with -rewrite:\n%s", f, lineDiff(strings.Split(string(data), "\n"), strings.Split(got, "\n")))
		}
	}
	sc, err := parseScript("inline", "# c\n\nuntil ignore=ParameterStatus,NoticeResponse\nReadyForQuery\n----\n{\"Type\":\"ReadyForQuery\",\"TxStatus\":\"I\"}\n")
	if err != nil {
		t.Fatal(err)
	}
	b := sc.items[2].block
	if b == nil || b.args["ignore"] != "ParameterStatus,NoticeResponse" || len(b.output) != 1 {
		t.Fatalf("parsed %+v", sc.items)
	}
	for _, bad := range []string{"frobnicate\n", "send\nx\n----\ny\n", "until\n----\n", "until nosuch=1\nReadyForQuery\n----\n"} {
		if _, err := parseScript("bad", bad); err == nil {
			t.Errorf("parseScript(%q) succeeded", bad)
		}
	}
}
