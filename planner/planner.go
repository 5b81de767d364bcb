package planner

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	pg_query "github.com/pganalyze/pg_query_go/v6"
	pgparser "github.com/pganalyze/pg_query_go/v6/parser"

	"github.com/lattice-olap/lattice/metastore"
	"github.com/lattice-olap/lattice/pgerr"
)

// Config is what the planner needs from the node.
type Config struct {
	Store     *metastore.Store
	DataDir   string // where table files live
	MaxMemory int64  // per-query memory budget in bytes; 0 means none
	Version   string // Lattice's version, shown in version()
	CacheSize int    // parsed statements kept; 0 means 1024
	// MaxCuboids is lattice.cube.max-cuboids; 0 means 4096.
	MaxCuboids int
	// HistoryMaxRows and HistoryMaxAge are lattice.query-history.max-rows
	// and max-age-days: lattice.query_history keeps about that many of the
	// newest entries, none older. 0 means 1,000,000 and 30 days.
	HistoryMaxRows int64
	HistoryMaxAge  time.Duration
	// InstanceID is the node's id in leases: job writes are fenced with it.
	InstanceID string
	// Cluster connects job statements to the node's job engine and to the
	// other nodes; nil means a standalone node that runs its own jobs.
	Cluster Cluster
}

// Planner is shared by all sessions of a node.
type Planner struct {
	store      *metastore.Store
	dataDir    string
	maxMemory  int64
	version    string
	cache      *lru[string, []parsed]  // parse results by statement text; ASTs in it are shared and read-only
	routes     *lru[routeKey, *routed] // how query blocks were routed (cube_memo.go)
	relSeq     atomic.Uint64           // numbers the cuboid relations of routed blocks
	defs       defCache                // parsed cube definitions and segments
	cluster    Cluster
	maxCuboids int
	history    *historyWriter
	instanceID string

	jobsMu sync.Mutex // guards jobs
	jobs   JobEngine

	virtualMu sync.RWMutex // guards virtual
	virtual   map[[2]string]*VirtualRelation
}

// New returns a planner.
func New(cfg Config) *Planner {
	size := cfg.CacheSize
	if size <= 0 {
		size = 1024
	}
	p := &Planner{store: cfg.Store, dataDir: cfg.DataDir, maxMemory: cfg.MaxMemory, version: cfg.Version, cache: newLRU[string, []parsed](size), routes: newLRU[routeKey, *routed](size), cluster: cfg.Cluster, maxCuboids: cfg.MaxCuboids, instanceID: cfg.InstanceID}
	if p.maxCuboids <= 0 {
		p.maxCuboids = 4096
	}
	keep, age := cfg.HistoryMaxRows, cfg.HistoryMaxAge
	if keep <= 0 {
		keep = 1_000_000
	}
	if age <= 0 {
		age = 30 * 24 * time.Hour
	}
	p.history = newHistoryWriter(cfg.Store, keep, age)
	return p
}

// VersionString is what version() returns: PostgreSQL's shape, so that
// drivers that parse it find a 15.x server.
func (p *Planner) VersionString() string {
	return fmt.Sprintf("PostgreSQL %s (Lattice %s) on %s-%s, compiled by %s, 64-bit",
		ServerVersion, p.version, runtime.GOARCH, runtime.GOOS, runtime.Version())
}

// parsed is one statement of a parsed text: PostgreSQL's AST, or one of
// Lattice's own statements.
type parsed struct {
	stmt    *pg_query.Node
	lattice latticeStmt
	sql     string // this statement's own text
	loc     int    // byte offset of the statement in the whole text
}

// maxCachedText bounds the texts worth caching; huge generated statements
// would only evict useful entries.
const maxCachedText = 64 << 10

// parse splits text into statements with PostgreSQL's grammar.
func (p *Planner) parse(text string) ([]parsed, error) {
	if stmts, ok := p.cache.get(text); ok {
		return stmts, nil
	}
	var stmts []parsed
	tree, err := pg_query.Parse(text)
	if err == nil && !mentionsLattice(tree) {
		stmts = make([]parsed, 0, len(tree.Stmts))
		for _, raw := range tree.Stmts {
			start := int(raw.StmtLocation)
			end := len(text)
			if raw.StmtLen > 0 {
				end = start + int(raw.StmtLen)
			}
			stmts = append(stmts, parsed{stmt: raw.Stmt, sql: trimSQL(text[start:end]), loc: start})
		}
	} else {
		var lerr error
		if stmts, lerr = parseMixed(text); lerr != nil {
			if err != nil && !errors.Is(lerr, errNotLattice) {
				return nil, lerr
			}
			if err != nil {
				return nil, syntaxError(text, err)
			}
			return nil, lerr
		}
	}
	if len(text) <= maxCachedText {
		p.cache.put(text, stmts)
	}
	return stmts, nil
}

// errNotLattice means no statement of a text was Lattice's own.
var errNotLattice = errors.New("no Lattice statement")

// mentionsLattice reports statements that PostgreSQL's grammar accepts but
// that mean a Lattice statement (SHOW CUBES reads as SHOW of a setting).
func mentionsLattice(tree *pg_query.ParseResult) bool {
	for _, raw := range tree.Stmts {
		if v := raw.Stmt.GetVariableShowStmt(); v != nil {
			switch v.Name {
			case "cubes", "segments", "jobs", "nodes":
				return true
			}
		}
	}
	return false
}

// parseMixed splits text into statements with PostgreSQL's scanner and
// parses each with Lattice's grammar or PostgreSQL's. It returns
// errNotLattice when no statement was Lattice's, so that the caller reports
// PostgreSQL's own error for the whole text.
func parseMixed(text string) ([]parsed, error) {
	pieces, offsets := splitSQL(text)
	var out []parsed
	any := false
	for k, piece := range pieces {
		start := offsets[k]
		sql := trimSQL(piece)
		if sql == "" {
			continue
		}
		start += strings.Index(piece, sql)
		ls, matched, err := parseLattice(text, start, sql)
		if err != nil {
			return nil, err
		}
		if matched {
			any = true
			out = append(out, parsed{lattice: ls, sql: sql, loc: start})
			continue
		}
		tree, err := pg_query.Parse(sql)
		if err != nil {
			if !any {
				// Maybe a later statement is Lattice's; keep going only to
				// know, then report PostgreSQL's error.
				return nil, errNotLattice
			}
			e := syntaxError(sql, err).(*pgerr.Error)
			if e.Position > 0 {
				e.Position += charPos(text, start) - 1
			}
			return nil, e
		}
		for _, raw := range tree.Stmts {
			out = append(out, parsed{stmt: raw.Stmt, sql: sql, loc: start})
		}
	}
	if !any {
		return nil, errNotLattice
	}
	return out, nil
}

func trimSQL(s string) string {
	i, j := 0, len(s)
	for i < j && isSpace(s[i]) {
		i++
	}
	for j > i && isSpace(s[j-1]) {
		j--
	}
	return s[i:j]
}

func isSpace(c byte) bool { return c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\f' }

// syntaxError turns a parser error into 42601 with PostgreSQL's position.
func syntaxError(text string, err error) error {
	var pe *pgparser.Error
	if !errors.As(err, &pe) {
		return pgerr.Wrap(err, pgerr.SyntaxError, "syntax error")
	}
	e := pgerr.New(pgerr.SyntaxError, "%s", pe.Message)
	if pe.Cursorpos > 0 {
		e.Position = int32(pe.Cursorpos)
	}
	return e
}

// charPos converts a 0-based byte offset in text into PostgreSQL's 1-based
// character position.
func charPos(text string, byteOff int) int32 {
	if byteOff < 0 {
		return 0
	}
	if byteOff > len(text) {
		byteOff = len(text)
	}
	return int32(utf8.RuneCountInString(text[:byteOff])) + 1
}

func canceled(ctx context.Context) error {
	if cause := context.Cause(ctx); cause != nil {
		var pe *pgerr.Error
		if errors.As(cause, &pe) {
			return pe
		}
	}
	return pgerr.New(pgerr.QueryCanceled, "canceling statement due to user request")
}
