package types

import (
	"encoding/binary"
	"sort"
	"strings"
	"time"

	"github.com/lattice-olap/lattice/pgerr"
)

// Catalog types: the scalar types that pg_catalog's columns use beyond the
// ordinary SQL ones. The reg* types are OIDs that print as names.
const (
	OidChar         Oid = 18 // "char": one byte, relkind and friends
	OidInt2Vector   Oid = 22
	OidRegproc      Oid = 24
	OidXid          Oid = 28
	OidOidVector    Oid = 30
	OidPgNodeTree   Oid = 194
	OidAclitem      Oid = 1033
	OidRegprocedure Oid = 2202
	OidRegoper      Oid = 2203
	OidRegoperator  Oid = 2204
	OidRegclass     Oid = 2205
	OidRegtype      Oid = 2206
	OidRegnamespace Oid = 4089
	OidRegrole      Oid = 4096
	OidJSON         Oid = 114
	OidRecord       Oid = 2249
)

// Catalog types without a typmod.
var (
	Char         = T{OidChar, -1}
	Int2Vector   = T{OidInt2Vector, -1}
	OidVector    = T{OidOidVector, -1}
	Regproc      = T{OidRegproc, -1}
	Regclass     = T{OidRegclass, -1}
	Regtype      = T{OidRegtype, -1}
	Regnamespace = T{OidRegnamespace, -1}
	Regrole      = T{OidRegrole, -1}
	Xid          = T{OidXid, -1}
	PgNodeTree   = T{OidPgNodeTree, -1}
	Aclitem      = T{OidAclitem, -1}
	JSON         = T{OidJSON, -1}
	Record       = T{OidRecord, -1}
)

// arrayTypes maps each array type's OID to its element type's OID, with
// PostgreSQL's OIDs; int2vector and oidvector are the catalogs' 0-based
// vectors, which PostgreSQL shows as space-separated lists.
var arrayTypes = map[Oid]Oid{
	1000: OidBool, 1001: OidBytea, 1002: OidChar, 1003: OidName, 1005: OidInt2,
	1006: OidInt2Vector, 1007: OidInt4, 1008: OidRegproc, 1009: OidText, 1028: OidOid,
	1011: OidXid, 1013: OidOidVector, 1014: OidBpchar, 1015: OidVarchar, 1016: OidInt8,
	1021: OidFloat4, 1022: OidFloat8, 1034: OidAclitem, 1231: OidNumeric, 1182: OidDate, 1183: OidTime,
	1115: OidTimestamp, 1185: OidTimestampTZ, 1187: OidInterval, 2207: OidRegprocedure,
	199: OidJSON, 2210: OidRegclass, 2211: OidRegtype, 4090: OidRegnamespace, 4097: OidRegrole,
	OidInt2Vector: OidInt2, OidOidVector: OidOid,
}

// arrayOf is arrayTypes inverted (element → array), vectors left out.
var arrayOf = map[Oid]Oid{}

func init() {
	for oid, name := range map[Oid][3]string{
		OidChar:         {"char", `"char"`, "1"},
		OidRegproc:      {"regproc", "regproc", "4"},
		OidXid:          {"xid", "xid", "4"},
		OidPgNodeTree:   {"pg_node_tree", "pg_node_tree", "-1"},
		OidAclitem:      {"aclitem", "aclitem", "12"},
		OidRegprocedure: {"regprocedure", "regprocedure", "4"},
		OidRegoper:      {"regoper", "regoper", "4"},
		OidRegoperator:  {"regoperator", "regoperator", "4"},
		OidRegclass:     {"regclass", "regclass", "4"},
		OidRegtype:      {"regtype", "regtype", "4"},
		OidRegnamespace: {"regnamespace", "regnamespace", "4"},
		OidRegrole:      {"regrole", "regrole", "4"},
		OidJSON:         {"json", "json", "-1"},
		OidRecord:       {"record", "record", "-1"},
	} {
		fam := IntFamily
		if oid == OidChar || oid == OidPgNodeTree || oid == OidAclitem || oid == OidJSON || oid == OidRecord {
			fam = StringFamily
		}
		size := int16(4)
		switch name[2] {
		case "1":
			size = 1
		case "-1":
			size = -1
		case "12":
			size = 12
		}
		infos[oid] = info{name: name[0], sqlName: name[1], family: fam, size: size}
		byName[name[0]] = T{oid, -1}
	}
	// The vectors first: _int2vector and _oidvector are arrays of them.
	for _, vec := range []Oid{OidInt2Vector, OidOidVector} {
		e := infos[arrayTypes[vec]]
		infos[vec] = info{name: e.name + "vector", sqlName: e.name + "vector", family: ArrayFamily, size: -1}
		byName[infos[vec].name] = T{vec, -1}
	}
	for arr, elem := range arrayTypes {
		if arr == OidInt2Vector || arr == OidOidVector {
			continue
		}
		e := infos[elem]
		infos[arr] = info{name: "_" + e.name, sqlName: e.sqlName + "[]", family: ArrayFamily, size: -1}
		arrayOf[elem] = arr
		byName[infos[arr].name] = T{arr, -1}
	}
	byName["char"] = Char // only the quoted "char" reaches Lookup unqualified
}

// Elem returns the element type of an array (or vector) type.
func (t T) Elem() (T, bool) {
	e, ok := arrayTypes[t.Oid]
	return T{e, -1}, ok
}

// ArrayOf returns the array type whose elements are of type elem.
func ArrayOf(elem T) (T, bool) {
	a, ok := arrayOf[elem.Oid]
	return T{a, -1}, ok
}

// IsVector reports whether t is int2vector or oidvector: 0-based arrays
// whose text form is a space-separated list.
func (t T) IsVector() bool { return t.Oid == OidInt2Vector || t.Oid == OidOidVector }

// OidNames resolves the OID held by a reg* value to the name its output
// function prints. The planner installs it, since the names of relations,
// namespaces and roles live in its catalog; without it a reg* value prints
// as its number.
var OidNames func(t T, oid int64, opt *FormatOptions) (string, bool)

// IsReg reports whether t is one of the reg* OID alias types.
func (t T) IsReg() bool {
	switch t.Oid {
	case OidRegproc, OidRegprocedure, OidRegoper, OidRegoperator, OidRegclass, OidRegtype, OidRegnamespace, OidRegrole:
		return true
	}
	return false
}

// regText is the output of a reg* value: its name, or its number when it
// names nothing known (as PostgreSQL prints a dangling OID).
func regText(t T, v int64, opt *FormatOptions) (string, bool) {
	if v == 0 {
		return "-", true
	}
	if t.Oid == OidRegtype {
		if rt, ok := FromOid(Oid(v)); ok {
			return rt.String(), true
		}
	}
	if OidNames != nil {
		return OidNames(t, v, opt)
	}
	return "", false
}

// An array Datum is held as its canonical text form (a string such as
// {1,2,NULL}), so that arrays pass through the executor's Arrow batches as
// strings; ParseArray splits it into its elements and FormatArray joins
// them back.

// ParseArray parses the text form of a one-dimensional array (or vector)
// of type t into its elements.
func ParseArray(t T, s string, loc *time.Location) ([]Datum, error) {
	elem, ok := t.Elem()
	if !ok {
		return nil, pgerr.New(pgerr.DatatypeMismatch, "type %s is not an array type", t)
	}
	if t.IsVector() {
		var out []Datum
		for _, f := range strings.Fields(s) {
			v, err := ParseText(elem, f, loc)
			if err != nil {
				return nil, err
			}
			out = append(out, v)
		}
		return out, nil
	}
	malformed := func(detail string) error {
		return pgerr.New(pgerr.InvalidTextRepresentation, "malformed array literal: %q", s).WithDetail("%s", detail)
	}
	p := strings.TrimSpace(s)
	if strings.HasPrefix(p, "[") {
		// Explicit bounds ([0:2]={...}): the elements are what matters here.
		i := strings.Index(p, "=")
		if i < 0 {
			return nil, malformed("Missing \"=\" after array dimensions.")
		}
		p = strings.TrimSpace(p[i+1:])
	}
	if !strings.HasPrefix(p, "{") {
		return nil, malformed("Array value must start with \"{\" or dimension information.")
	}
	var out []Datum
	i := 1
	for {
		for i < len(p) && isArraySpace(p[i]) {
			i++
		}
		if i >= len(p) {
			return nil, malformed("Unexpected end of input.")
		}
		if p[i] == '}' && len(out) == 0 {
			i++
			break
		}
		if p[i] == '{' {
			return nil, pgerr.New(pgerr.FeatureNotSupported, "multidimensional arrays are not supported")
		}
		var sb strings.Builder
		quoted, any := false, false
		for i < len(p) && (quoted || (p[i] != ',' && p[i] != '}')) {
			c := p[i]
			switch {
			case c == '\\' && i+1 < len(p):
				sb.WriteByte(p[i+1])
				i += 2
				any = true
				continue
			case c == '"':
				quoted = !quoted
				any = true
			case !quoted && isArraySpace(c):
				// Spaces around an unquoted element are not part of it.
				j := i
				for j < len(p) && isArraySpace(p[j]) {
					j++
				}
				if j < len(p) && p[j] != ',' && p[j] != '}' && sb.Len() > 0 {
					sb.WriteString(p[i:j])
				}
				i = j
				continue
			default:
				sb.WriteByte(c)
			}
			i++
		}
		if quoted || i >= len(p) {
			return nil, malformed("Unexpected end of input.")
		}
		text := sb.String()
		if !any && text == "" {
			return nil, malformed("Unexpected \"" + string(p[i]) + "\" character.")
		}
		if !any && strings.EqualFold(text, "NULL") {
			out = append(out, nil)
		} else {
			v, err := ParseText(elem, text, loc)
			if err != nil {
				return nil, err
			}
			out = append(out, v)
		}
		if p[i] == '}' {
			i++
			break
		}
		i++ // ','
	}
	if strings.TrimSpace(p[i:]) != "" {
		return nil, malformed("Junk after closing right brace.")
	}
	return out, nil
}

func isArraySpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'
}

// FormatArray writes elements of an array (or vector) of type t in
// PostgreSQL's text form: {a,b,"c d",NULL}, or "1 2" for a vector.
func FormatArray(t T, vals []Datum, opt *FormatOptions) string {
	elem, _ := t.Elem()
	if opt == nil {
		opt = &DefaultFormat
	}
	var b []byte
	if t.IsVector() {
		for i, v := range vals {
			if i > 0 {
				b = append(b, ' ')
			}
			b = AppendText(b, elem, v, opt)
		}
		return string(b)
	}
	b = append(b, '{')
	for i, v := range vals {
		if i > 0 {
			b = append(b, ',')
		}
		if v == nil {
			b = append(b, "NULL"...)
			continue
		}
		s := string(AppendText(nil, elem, v, opt))
		if needsQuotes(s) {
			b = append(b, '"')
			for j := 0; j < len(s); j++ {
				if s[j] == '"' || s[j] == '\\' {
					b = append(b, '\\')
				}
				b = append(b, s[j])
			}
			b = append(b, '"')
		} else {
			b = append(b, s...)
		}
	}
	return string(append(b, '}'))
}

func needsQuotes(s string) bool {
	if s == "" || strings.EqualFold(s, "NULL") {
		return true
	}
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '{', '}', ',', '"', '\\':
			return true
		default:
			if isArraySpace(c) {
				return true
			}
		}
	}
	return false
}

// appendArrayBinary writes array_send's format: ndim, has-nulls flag,
// element type, then per dimension its length and lower bound, then each
// element as a length (-1 for NULL) and its binary form.
func appendArrayBinary(b []byte, t T, s string) []byte {
	elem, _ := t.Elem()
	vals, err := ParseArray(t, s, time.UTC)
	if err != nil {
		vals = nil
	}
	ndim, nulls := uint32(1), uint32(0)
	if len(vals) == 0 {
		ndim = 0
	}
	for _, v := range vals {
		if v == nil {
			nulls = 1
		}
	}
	b = binary.BigEndian.AppendUint32(b, ndim)
	b = binary.BigEndian.AppendUint32(b, nulls)
	b = binary.BigEndian.AppendUint32(b, elem.Oid)
	if ndim == 0 {
		return b
	}
	lbound := uint32(1)
	if t.IsVector() {
		lbound = 0
	}
	b = binary.BigEndian.AppendUint32(b, uint32(len(vals)))
	b = binary.BigEndian.AppendUint32(b, lbound)
	for _, v := range vals {
		if v == nil {
			b = binary.BigEndian.AppendUint32(b, 0xffffffff)
			continue
		}
		at := len(b)
		b = append(b, 0, 0, 0, 0)
		b = AppendBinary(b, elem, v)
		binary.BigEndian.PutUint32(b[at:], uint32(len(b)-at-4))
	}
	return b
}

// parseArrayBinary reads array_recv's format into the canonical text form.
func parseArrayBinary(t T, src []byte) (Datum, error) {
	elem, _ := t.Elem()
	bad := func() error { return badBinary(t) }
	if len(src) < 12 {
		return nil, bad()
	}
	ndim := int32(binary.BigEndian.Uint32(src))
	if binary.BigEndian.Uint32(src[8:]) != elem.Oid {
		return nil, pgerr.New(pgerr.DatatypeMismatch, "binary data has array element type %d instead of expected %d (%s)",
			binary.BigEndian.Uint32(src[8:]), elem.Oid, elem.Name())
	}
	src = src[12:]
	if ndim == 0 {
		return FormatArray(t, nil, nil), nil
	}
	if ndim != 1 {
		return nil, pgerr.New(pgerr.FeatureNotSupported, "multidimensional arrays are not supported")
	}
	if len(src) < 8 {
		return nil, bad()
	}
	n := int(int32(binary.BigEndian.Uint32(src)))
	src = src[8:]
	if n < 0 || n > len(src)/4 {
		return nil, bad()
	}
	vals := make([]Datum, n)
	for i := range vals {
		if len(src) < 4 {
			return nil, bad()
		}
		l := int32(binary.BigEndian.Uint32(src))
		src = src[4:]
		if l < 0 {
			continue
		}
		if int(l) > len(src) {
			return nil, bad()
		}
		v, err := ParseBinary(elem, src[:l])
		if err != nil {
			return nil, err
		}
		vals[i] = v
		src = src[l:]
	}
	if len(src) != 0 {
		return nil, bad()
	}
	return FormatArray(t, vals, nil), nil
}

// compareArrays orders arrays element by element, NULL after any value,
// then by length, as array_cmp does.
func compareArrays(t T) func(a, b Datum) int {
	elem, _ := t.Elem()
	cmp, ok := CompareFunc(elem)
	return func(a, b Datum) int {
		av, err1 := ParseArray(t, a.(string), time.UTC)
		bv, err2 := ParseArray(t, b.(string), time.UTC)
		if err1 != nil || err2 != nil || !ok {
			return strings.Compare(a.(string), b.(string))
		}
		for i := 0; i < len(av) && i < len(bv); i++ {
			switch {
			case av[i] == nil && bv[i] == nil:
			case av[i] == nil:
				return 1
			case bv[i] == nil:
				return -1
			default:
				if c := cmp(av[i], bv[i]); c != 0 {
					return c
				}
			}
		}
		return cmpOrdered(int64(len(av)), int64(len(bv)))
	}
}

// All lists the types Lattice knows, by OID: what pg_type shows.
func All() []T {
	out := make([]T, 0, len(infos))
	for oid := range infos {
		out = append(out, T{oid, -1})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Oid < out[j].Oid })
	return out
}
