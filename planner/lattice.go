package planner

import (
	"strings"
	"unicode"

	"github.com/lattice-olap/lattice/pgerr"
)

// Lattice's own statements (CREATE PROJECT, GRANT ... ON PROJECT, and as the
// cube and cluster issues land, CREATE CUBE, BUILD, SHOW CUBES, ...) are not
// PostgreSQL grammar. They get this small recursive-descent grammar of their
// own; parse tries it for each statement that PostgreSQL's parser rejects
// (or reads as something else, like SHOW CUBES).

// latticeStmt is a parsed Lattice statement.
type latticeStmt interface{ latticeStmt() }

type createProjectStmt struct {
	name        string
	ifNotExists bool
}

type dropProjectStmt struct {
	name     string
	ifExists bool
}

type grantStmt struct {
	revoke        bool
	role          string
	project, user string
}

func (createProjectStmt) latticeStmt() {}
func (dropProjectStmt) latticeStmt()   {}
func (grantStmt) latticeStmt()         {}

// token is a lexical token of the Lattice grammar.
type token struct {
	kind byte // 'i' identifier/keyword, 's' string, 'p' punctuation, 0 end
	text string
	pos  int // byte offset in the statement
}

// lexLattice splits a statement into tokens. Unquoted identifiers fold to
// lower case, as in PostgreSQL.
func lexLattice(s string) ([]token, error) {
	var out []token
	for i := 0; i < len(s); {
		c := rune(s[i])
		switch {
		case unicode.IsSpace(c):
			i++
		case strings.HasPrefix(s[i:], "--"):
			for i < len(s) && s[i] != '\n' {
				i++
			}
		case c == '\'' || c == '"':
			q := byte(c)
			var b strings.Builder
			j := i + 1
			for {
				if j >= len(s) {
					return nil, pgerr.New(pgerr.SyntaxError, "unterminated quoted string").WithPosition(int32(i + 1))
				}
				if s[j] == q {
					if j+1 < len(s) && s[j+1] == q {
						b.WriteByte(q)
						j += 2
						continue
					}
					break
				}
				b.WriteByte(s[j])
				j++
			}
			kind := byte('s')
			if q == '"' {
				kind = 'q'
			}
			out = append(out, token{kind: kind, text: b.String(), pos: i})
			i = j + 1
		case c == '_' || unicode.IsLetter(c) || unicode.IsDigit(c):
			j := i
			for j < len(s) && (s[j] == '_' || s[j] == '$' || s[j] >= 0x80 || unicode.IsLetter(rune(s[j])) || unicode.IsDigit(rune(s[j]))) {
				j++
			}
			out = append(out, token{kind: 'i', text: strings.ToLower(s[i:j]), pos: i})
			i = j
		default:
			out = append(out, token{kind: 'p', text: string(c), pos: i})
			i++
		}
	}
	return append(out, token{pos: len(s)}), nil
}

// lparser parses one Lattice statement.
type lparser struct {
	toks []token
	i    int
	base int // byte offset of the statement in the whole text
	text string
}

func (p *lparser) peek() token { return p.toks[p.i] }

func (p *lparser) next() token {
	t := p.toks[p.i]
	if t.kind != 0 {
		p.i++
	}
	return t
}

// accept consumes the keywords if they come next.
func (p *lparser) accept(words ...string) bool {
	for k, w := range words {
		t := p.toks[p.i+k]
		if t.kind != 'i' || t.text != w {
			return false
		}
		if p.i+k+1 >= len(p.toks) && k+1 < len(words) {
			return false
		}
	}
	p.i += len(words)
	return true
}

func (p *lparser) errorf(t token, format string, args ...any) error {
	return pgerr.New(pgerr.SyntaxError, format, args...).WithPosition(charPos(p.text, p.base+t.pos))
}

func (p *lparser) syntaxError() error {
	t := p.peek()
	if t.kind == 0 {
		return p.errorf(t, "syntax error at end of input")
	}
	return p.errorf(t, "syntax error at or near %q", t.text)
}

func (p *lparser) expect(words ...string) error {
	if !p.accept(words...) {
		return p.syntaxError()
	}
	return nil
}

// ident reads an identifier (bare or double-quoted).
func (p *lparser) ident() (string, error) {
	t := p.peek()
	if t.kind != 'i' && t.kind != 'q' {
		return "", p.syntaxError()
	}
	p.next()
	return t.text, nil
}

func (p *lparser) end() error {
	if p.peek().kind == 'p' && p.peek().text == ";" {
		p.next()
	}
	if p.peek().kind != 0 {
		return p.syntaxError()
	}
	return nil
}

// isCubeStatement reports whether the first words start one of the cube,
// job or cluster statements.
func isCubeStatement(toks []token) bool {
	if len(toks) < 2 {
		return false
	}
	switch toks[0].text + " " + toks[1].text {
	case "show cubes", "show segments", "show jobs", "show nodes", "create cube", "drop cube", "build cube",
		"refresh cube", "merge cube", "drop segment", "cancel job", "pause job", "resume job", "alter project":
		return true
	}
	return false
}

// parseLattice parses stmt (at byte offset base of text) if it is one of
// Lattice's statements; matched is false when it is not.
func parseLattice(text string, base int, stmt string) (latticeStmt, bool, error) {
	toks, err := lexLattice(stmt)
	if err != nil {
		return nil, false, nil // let PostgreSQL's parser report it
	}
	p := &lparser{toks: toks, base: base, text: text}
	switch {
	case p.accept("create", "project"):
		s := createProjectStmt{}
		s.ifNotExists = p.accept("if", "not", "exists")
		if s.name, err = p.ident(); err != nil {
			return nil, true, err
		}
		return s, true, p.end()
	case p.accept("drop", "project"):
		s := dropProjectStmt{}
		s.ifExists = p.accept("if", "exists")
		if s.name, err = p.ident(); err != nil {
			return nil, true, err
		}
		return s, true, p.end()
	case isCubeStatement(toks):
		st, err := parseCubeStatement(p, stmt)
		return st, true, err
	case p.peek().text == "grant" || p.peek().text == "revoke":
		// GRANT role ON PROJECT p TO user; other GRANTs are PostgreSQL's.
		if len(toks) < 5 || toks[2].text != "on" || toks[3].text != "project" {
			return nil, false, nil
		}
		s := grantStmt{revoke: p.next().text == "revoke"}
		s.role = strings.ToUpper(p.next().text)
		p.i += 2 // ON PROJECT
		if s.project, err = p.ident(); err != nil {
			return nil, true, err
		}
		word := "to"
		if s.revoke {
			word = "from"
		}
		if err := p.expect(word); err != nil {
			return nil, true, err
		}
		if s.user, err = p.ident(); err != nil {
			return nil, true, err
		}
		return s, true, p.end()
	}
	return nil, false, nil
}
