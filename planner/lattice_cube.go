package planner

import (
	"strings"

	"github.com/lattice-olap/lattice/pgerr"
)

// The cube and job statements of Lattice's grammar (DESIGN.md "SQL surface").

type createCubeStmt struct {
	name        string
	ifNotExists bool
	from        string // the join graph as FROM-clause text
	fromPos     int    // its byte offset in the statement
	dims        string // DIMENSIONS list text
	measures    string // MEASURES list text
	partition   string
	format      string
	groups      []groupClause
	sql         string
}

type groupClause struct {
	includes, mandatory []string
	hierarchies, joints [][]string
}

type dropCubeStmt struct {
	name     string
	ifExists bool
}

// buildStmt is BUILD, REFRESH and MERGE CUBE.
type buildStmt struct {
	kind   string // BUILD, REFRESH, MERGE
	cube   string
	lo, hi string
	ranged bool
	wait   bool
}

type dropSegmentStmt struct {
	id, cube string
}

type jobControlStmt struct {
	action string // CANCEL, PAUSE, RESUME
	id     string
}

type showStmt struct {
	what string // CUBES, SEGMENTS, JOBS, NODES
	cube string
}

type alterJobEngineStmt struct {
	project, instance string
}

func (createCubeStmt) latticeStmt()     {}
func (dropCubeStmt) latticeStmt()       {}
func (buildStmt) latticeStmt()          {}
func (dropSegmentStmt) latticeStmt()    {}
func (jobControlStmt) latticeStmt()     {}
func (showStmt) latticeStmt()           {}
func (alterJobEngineStmt) latticeStmt() {}

// str reads a string literal.
func (p *lparser) str() (string, error) {
	t := p.peek()
	if t.kind != 's' {
		return "", p.syntaxError()
	}
	p.next()
	return t.text, nil
}

// identList reads ( ident [, ...] ).
func (p *lparser) identList() ([]string, error) {
	if err := p.punct("("); err != nil {
		return nil, err
	}
	var out []string
	for {
		id, err := p.qualifiedIdent()
		if err != nil {
			return nil, err
		}
		out = append(out, id)
		if p.peek().text == ")" && p.peek().kind == 'p' {
			p.next()
			return out, nil
		}
		if err := p.punct(","); err != nil {
			return nil, err
		}
	}
}

// qualifiedIdent reads ident[.ident]; cube rules name dimensions by their
// column name, so a qualifier is dropped.
func (p *lparser) qualifiedIdent() (string, error) {
	id, err := p.ident()
	if err != nil {
		return "", err
	}
	for p.peek().kind == 'p' && p.peek().text == "." {
		p.next()
		if id, err = p.ident(); err != nil {
			return "", err
		}
	}
	return id, nil
}

func (p *lparser) punct(s string) error {
	t := p.peek()
	if t.kind != 'p' || t.text != s {
		return p.syntaxError()
	}
	p.next()
	return nil
}

// parenText reads a parenthesized list and returns the text inside it.
func (p *lparser) parenText(stmt string) (string, error) {
	open := p.peek()
	if err := p.punct("("); err != nil {
		return "", err
	}
	depth := 1
	for {
		t := p.next()
		switch {
		case t.kind == 0:
			return "", p.errorf(t, "syntax error at end of input")
		case t.kind == 'p' && t.text == "(":
			depth++
		case t.kind == 'p' && t.text == ")":
			depth--
			if depth == 0 {
				return stmt[open.pos+1 : t.pos], nil
			}
		}
	}
}

// parseCubeStatement parses the cube, job and cluster statements after
// their first words were recognized by parseLattice.
func parseCubeStatement(p *lparser, stmt string) (latticeStmt, error) {
	var err error
	switch {
	case p.accept("create", "cube"):
		s := createCubeStmt{sql: stmt}
		s.ifNotExists = p.accept("if", "not", "exists")
		if s.name, err = p.ident(); err != nil {
			return nil, err
		}
		if err := p.expect("on"); err != nil {
			return nil, err
		}
		// The join graph runs to DIMENSIONS at parenthesis depth 0.
		start := p.peek()
		depth := 0
		for {
			t := p.peek()
			if t.kind == 0 {
				return nil, p.errorf(t, "CREATE CUBE needs DIMENSIONS (...) after the join graph")
			}
			if t.kind == 'p' && t.text == "(" {
				depth++
			}
			if t.kind == 'p' && t.text == ")" {
				depth--
			}
			if depth == 0 && t.kind == 'i' && t.text == "dimensions" {
				break
			}
			p.next()
		}
		s.from, s.fromPos = strings.TrimSpace(stmt[start.pos:p.peek().pos]), start.pos
		if s.from == "" {
			return nil, p.errorf(start, "CREATE CUBE needs a fact table after ON")
		}
		p.next() // DIMENSIONS
		if s.dims, err = p.parenText(stmt); err != nil {
			return nil, err
		}
		if err := p.expect("measures"); err != nil {
			return nil, err
		}
		if s.measures, err = p.parenText(stmt); err != nil {
			return nil, err
		}
		if p.accept("partition", "by") {
			if s.partition, err = p.qualifiedIdent(); err != nil {
				return nil, err
			}
			if p.accept("format") {
				if s.format, err = p.str(); err != nil {
					return nil, err
				}
			}
		}
		for p.accept("aggregation", "group") {
			var g groupClause
			if g.includes, err = p.identList(); err != nil {
				return nil, err
			}
			for {
				switch {
				case p.accept("mandatory"):
					l, err := p.identList()
					if err != nil {
						return nil, err
					}
					g.mandatory = append(g.mandatory, l...)
					continue
				case p.accept("hierarchy"):
					l, err := p.identList()
					if err != nil {
						return nil, err
					}
					g.hierarchies = append(g.hierarchies, l)
					continue
				case p.accept("joint"):
					l, err := p.identList()
					if err != nil {
						return nil, err
					}
					g.joints = append(g.joints, l)
					continue
				}
				break
			}
			s.groups = append(s.groups, g)
		}
		return s, p.end()
	case p.accept("drop", "cube"):
		s := dropCubeStmt{}
		s.ifExists = p.accept("if", "exists")
		if s.name, err = p.ident(); err != nil {
			return nil, err
		}
		return s, p.end()
	case p.accept("build", "cube"), p.accept("refresh", "cube"), p.accept("merge", "cube"):
		s := buildStmt{kind: strings.ToUpper(p.toks[p.i-2].text)}
		if s.cube, err = p.ident(); err != nil {
			return nil, err
		}
		word := "segment"
		if s.kind == "MERGE" {
			word = "segments"
		}
		if p.accept(word) {
			if err := p.expect("from"); err != nil {
				return nil, err
			}
			if s.lo, err = p.str(); err != nil {
				return nil, err
			}
			if err := p.expect("to"); err != nil {
				return nil, err
			}
			if s.hi, err = p.str(); err != nil {
				return nil, err
			}
			s.ranged = true
		} else if s.kind == "MERGE" {
			return nil, p.errorf(p.peek(), "MERGE CUBE needs SEGMENTS FROM 'lo' TO 'hi'")
		}
		s.wait = p.accept("wait")
		return s, p.end()
	case p.accept("drop", "segment"):
		s := dropSegmentStmt{}
		if p.peek().kind == 's' {
			s.id, _ = p.str()
		} else if s.id, err = p.ident(); err != nil {
			return nil, err
		}
		if err := p.expect("from", "cube"); err != nil {
			return nil, err
		}
		if s.cube, err = p.ident(); err != nil {
			return nil, err
		}
		return s, p.end()
	case p.accept("cancel", "job"), p.accept("pause", "job"), p.accept("resume", "job"):
		s := jobControlStmt{action: strings.ToUpper(p.toks[p.i-2].text)}
		if p.peek().kind == 's' {
			s.id, _ = p.str()
		} else if s.id, err = p.ident(); err != nil {
			return nil, err
		}
		return s, p.end()
	case p.accept("show", "cubes"), p.accept("show", "nodes"):
		return showStmt{what: strings.ToUpper(p.toks[p.i-1].text)}, p.end()
	case p.accept("show", "segments"), p.accept("show", "jobs"):
		s := showStmt{what: strings.ToUpper(p.toks[p.i-1].text)}
		if p.accept("from") {
			if s.cube, err = p.ident(); err != nil {
				return nil, err
			}
		}
		return s, p.end()
	case p.accept("alter", "project"):
		s := alterJobEngineStmt{}
		if s.project, err = p.ident(); err != nil {
			return nil, err
		}
		if err := p.expect("set", "job", "engine"); err != nil {
			return nil, err
		}
		if s.instance, err = p.str(); err != nil {
			return nil, err
		}
		return s, p.end()
	}
	return nil, pgerr.New(pgerr.SyntaxError, "syntax error")
}
