package planner

import (
	"context"
	"strconv"
	"strings"

	"github.com/lattice-olap/lattice/pgerr"
	"github.com/lattice-olap/lattice/types"
)

// regIn is the input function of the reg* types: it resolves a name to the
// OID the catalogs show for it. A number is taken as the OID itself.
func regIn(s *Session, t types.T, text string) (types.Datum, error) {
	text = strings.TrimSpace(text)
	if n, err := strconv.ParseUint(text, 10, 32); err == nil {
		return int64(n), nil
	}
	if text == "-" {
		return int64(0), nil
	}
	switch t.Oid {
	case types.OidRegtype:
		name := strings.ToLower(text)
		array := strings.HasSuffix(name, "[]")
		name = strings.TrimSuffix(name, "[]")
		if i := strings.Index(name, "("); i > 0 {
			name = strings.TrimSpace(name[:i]) // varchar(10) names varchar
		}
		rt, ok := types.Lookup(strings.Trim(name, `"`))
		if ok && array {
			rt, ok = types.ArrayOf(rt)
		}
		if !ok {
			return nil, pgerr.New(pgerr.UndefinedObject, "type %q does not exist", text)
		}
		return int64(rt.Oid), nil
	case types.OidRegrole:
		parts, err := parseIdent(text, true)
		if err != nil {
			return nil, err
		}
		if len(parts) != 1 || parts[0] != s.User && parts[0] != "admin" {
			return nil, pgerr.New(pgerr.UndefinedObject, "role %q does not exist", text)
		}
		return int64(roleOID(parts[0])), nil
	case types.OidRegproc, types.OidRegprocedure:
		name := text
		if i := strings.Index(name, "("); i > 0 {
			name = name[:i]
		}
		parts, err := parseIdent(name, true)
		if err != nil {
			return nil, err
		}
		fn := parts[len(parts)-1]
		if oid, ok := typeProcOIDs[fn]; ok {
			return int64(oid), nil
		}
		if _, ok := builtins[fn]; ok {
			oid := hashOID("function", fn)
			rememberOID(oid, oidEntry{kind: 'p', schema: "pg_catalog", name: fn})
			return int64(oid), nil
		}
		return nil, pgerr.New(pgerr.UndefinedFunction, "function %q does not exist", text)
	}
	parts, err := parseIdent(text, true)
	if err != nil {
		return nil, err
	}
	// The catalog is read with the session's context unknown here: a cast
	// of a constant is folded once, when the statement is planned.
	c, err := s.catalogSnapshot(context.Background())
	if err != nil {
		return nil, err
	}
	switch t.Oid {
	case types.OidRegnamespace:
		if len(parts) == 1 {
			for _, ns := range c.namespaces {
				if ns.name == parts[0] {
					return int64(ns.oid), nil
				}
			}
		}
		return nil, pgerr.New(pgerr.InvalidSchemaName, "schema %q does not exist", text)
	case types.OidRegclass:
		if r, ok := c.resolve(parts); ok {
			return int64(r.oid), nil
		}
		return nil, pgerr.New(pgerr.UndefinedTable, "relation %q does not exist", text)
	}
	return nil, pgerr.New(pgerr.FeatureNotSupported, "input of type %s is not supported", t)
}

// resolve finds the relation a possibly qualified name refers to.
func (c *catalog) resolve(parts []string) (*catRelation, bool) {
	if len(parts) == 3 {
		if parts[0] != c.project {
			return nil, false
		}
		parts = parts[1:]
	}
	find := func(schema, name string) (*catRelation, bool) {
		for i := range c.rels {
			if c.rels[i].schema == schema && c.rels[i].name == name {
				return &c.rels[i], true
			}
		}
		return nil, false
	}
	if len(parts) == 2 {
		return find(parts[0], parts[1])
	}
	if len(parts) != 1 {
		return nil, false
	}
	if r, ok := find("pg_catalog", parts[0]); ok {
		return r, true
	}
	for _, sp := range c.searchPath {
		if r, ok := find(sp, parts[0]); ok {
			return r, true
		}
	}
	return nil, false
}

// parseIdent splits a qualified SQL name as parse_ident does: unquoted
// parts are folded to lower case, quoted ones kept as written. strict
// rejects anything after the last identifier.
func parseIdent(s string, strict bool) ([]string, error) {
	bad := func(detail string) error {
		return pgerr.New(pgerr.InvalidParameterValue, "string is not a valid identifier: %q", s).WithDetail("%s", detail)
	}
	var parts []string
	i := 0
	for {
		for i < len(s) && isSpace(s[i]) {
			i++
		}
		if i < len(s) && s[i] == '"' {
			var sb strings.Builder
			i++
			for {
				if i >= len(s) {
					return nil, bad("String has unclosed double quotes.")
				}
				if s[i] == '"' {
					if i+1 < len(s) && s[i+1] == '"' {
						sb.WriteByte('"')
						i += 2
						continue
					}
					i++
					break
				}
				sb.WriteByte(s[i])
				i++
			}
			if sb.Len() == 0 {
				return nil, bad("Quoted identifier must not be empty.")
			}
			parts = append(parts, sb.String())
		} else {
			j := i
			for j < len(s) && s[j] != '.' && !isSpace(s[j]) {
				j++
			}
			if j == i {
				if len(parts) == 0 {
					return nil, bad("No valid identifier before \".\".")
				}
				return nil, bad("No valid identifier after \".\".")
			}
			parts = append(parts, strings.ToLower(s[i:j]))
			i = j
		}
		for i < len(s) && isSpace(s[i]) {
			i++
		}
		if i < len(s) && s[i] == '.' {
			i++
			continue
		}
		if i < len(s) && strict {
			return nil, bad("")
		}
		return parts, nil
	}
}
