package planner

import (
	"context"
	"hash/fnv"
	"sort"
	"strings"
	"sync"

	"github.com/lattice-olap/lattice/metastore"
	"github.com/lattice-olap/lattice/types"
)

// The catalogs (pg_catalog, information_schema) are computed from one
// snapshot of the project's catalog per read: its schemas, internal tables,
// cubes and the planner's virtual relations. OIDs are PostgreSQL's own for
// built-in objects and a hash of the object's name otherwise, so that they
// are the same across queries, sessions and nodes without being stored.

// Built-in namespace OIDs, as PostgreSQL 15 has them.
const (
	oidPgCatalog         = 11
	oidPublic            = 2200
	oidInformationSchema = 13207
	oidBootstrapRole     = 10   // the role that owns the built-in objects
	oidDatabaseOwner     = 6171 // pg_database_owner, public's owner
)

// catalogDef is one generated entry of catalogDefs.
type catalogDef struct {
	schema, name string
	oid          uint32
	kind         byte // 'r' table, 'v' view
	cols         string
}

// hashOID derives a stable OID for a user object from its kind and name
// parts, in [16384, 2^31) where PostgreSQL puts the OIDs of user objects.
func hashOID(kind string, parts ...string) uint32 {
	h := fnv.New32a()
	h.Write([]byte(kind))
	for _, p := range parts {
		h.Write([]byte{0})
		h.Write([]byte(p))
	}
	return 16384 + h.Sum32()%(1<<31-16384)
}

func namespaceOID(project, schema string) uint32 {
	switch schema {
	case "pg_catalog":
		return oidPgCatalog
	case "public":
		return oidPublic
	case "information_schema":
		return oidInformationSchema
	case "lattice":
		return hashOID("namespace", schema)
	}
	return hashOID("namespace", project, schema)
}

func relationOID(project, schema, name string) uint32 {
	if schema == "lattice" {
		return hashOID("relation", schema, name)
	}
	return hashOID("relation", project, schema, name)
}

func roleOID(name string) uint32 {
	if name == "admin" {
		return oidBootstrapRole
	}
	return hashOID("role", name)
}

func databaseOID(project string) uint32 { return hashOID("database", project) }

// oidNames remembers what each OID handed out names, so that the reg*
// types print names and the catalog functions that take an OID
// (pg_table_is_visible, obj_description, pg_get_userbyid) answer without
// reading the catalog again. OIDs are stable, so entries never go stale
// in a way that matters: a dropped object's OID simply names nothing new.
var oidNames = struct {
	sync.RWMutex
	m map[uint32]oidEntry
}{m: map[uint32]oidEntry{}}

type oidEntry struct {
	kind    byte // 'c' relation, 'n' namespace, 'a' role, 'p' function, 'd' database
	schema  string
	name    string
	relkind byte
	comment string
	viewdef string // a user view's query
}

func rememberOID(oid uint32, e oidEntry) {
	oidNames.RLock()
	old, ok := oidNames.m[oid]
	oidNames.RUnlock()
	if ok && old == e {
		return
	}
	oidNames.Lock()
	oidNames.m[oid] = e
	oidNames.Unlock()
}

func lookupOID(oid uint32) (oidEntry, bool) {
	oidNames.RLock()
	defer oidNames.RUnlock()
	e, ok := oidNames.m[oid]
	return e, ok
}

func init() {
	// Read-only settings that drivers look up in pg_settings (pgjdbc's
	// getMaxIndexKeys, for one), with PostgreSQL's compiled-in values.
	for name, value := range map[string]string{"max_index_keys": "32", "max_function_args": "100",
		"max_identifier_length": "63", "block_size": "8192"} {
		if _, ok := settingDefs[name]; !ok {
			define(settingDef{name: name, def: value, readOnly: true, check: anyValue})
		}
	}
	types.OidNames = regOutput
	for _, line := range strings.Split(strings.TrimSpace(typeProcs), "\n") {
		oid, name, _ := strings.Cut(line, "\t")
		rememberOID(parseOID(oid), oidEntry{kind: 'p', schema: "pg_catalog", name: name})
		typeProcOIDs[name] = parseOID(oid)
	}
	for ns, name := range map[uint32]string{oidPgCatalog: "pg_catalog", oidPublic: "public", oidInformationSchema: "information_schema"} {
		rememberOID(ns, oidEntry{kind: 'n', name: name})
	}
	rememberOID(oidBootstrapRole, oidEntry{kind: 'a', name: "admin"})
	rememberOID(oidDatabaseOwner, oidEntry{kind: 'a', name: "pg_database_owner"})
	for _, d := range catalogDefs {
		d := d
		cols, notNull := parseCatalogColumns(d.cols)
		catalogNotNull[[2]string{d.schema, d.name}] = notNull
		rememberOID(d.oid, oidEntry{kind: 'c', schema: d.schema, name: d.name, relkind: d.kind})
		RegisterRelation(VirtualRelation{Schema: d.schema, Name: d.name, OID: d.oid, Columns: cols,
			Rows: func(ctx context.Context, s *Session) ([][]types.Datum, error) {
				gen := catalogRows[d.schema+"."+d.name]
				if gen == nil {
					return nil, nil // a catalog Lattice has nothing for: empty, as on a fresh PostgreSQL
				}
				snap, err := s.catalogSnapshot(ctx)
				if err != nil {
					return nil, err
				}
				return gen(snap, cols), nil
			}})
	}
}

// typeProcOIDs finds the I/O functions of pg_type by name, with their
// PostgreSQL OIDs, for regproc input ('pg_catalog.array_in'::regproc).
var typeProcOIDs = map[string]uint32{}

func parseOID(s string) uint32 {
	var n uint32
	for _, c := range s {
		n = n*10 + uint32(c-'0')
	}
	return n
}

// catalogNotNull holds, per catalog relation, which columns PostgreSQL
// declares NOT NULL.
var catalogNotNull = map[[2]string][]bool{}

func parseCatalogColumns(spec string) ([]Column, []bool) {
	var cols []Column
	var notNull []bool
	for _, f := range strings.Fields(spec) {
		name, typ, _ := strings.Cut(f, ":")
		typ, nn := strings.CutSuffix(typ, "!")
		notNull = append(notNull, nn)
		var t types.T
		switch typ {
		case "varchar(3)":
			t = types.VarcharOf(3)
		case "inet", "anyarray", "pg_ndistinct", "pg_dependencies", "pg_mcv_list", "pg_lsn":
			t = types.Text // types Lattice lacks are shown as their text
		default:
			var ok bool
			if t, ok = types.Lookup(typ); !ok {
				t = types.Text
			}
		}
		cols = append(cols, Column{Name: name, Type: t})
	}
	return cols, notNull
}

// regOutput is the output function of the reg* types.
func regOutput(t types.T, oid int64, opt *types.FormatOptions) (string, bool) {
	e, ok := lookupOID(uint32(oid))
	if !ok {
		return "", false
	}
	switch t.Oid {
	case types.OidRegclass:
		if e.kind != 'c' {
			return "", false
		}
		if e.schema == "pg_catalog" || inSearchPath(opt, e.schema) {
			return quoteIdent(e.name), true
		}
		return quoteIdent(e.schema) + "." + quoteIdent(e.name), true
	case types.OidRegnamespace:
		return quoteIdent(e.name), e.kind == 'n'
	case types.OidRegrole:
		return quoteIdent(e.name), e.kind == 'a'
	case types.OidRegproc, types.OidRegprocedure:
		return e.name, e.kind == 'p'
	}
	return "", false
}

// catRelation is a relation as the catalogs show it.
type catRelation struct {
	oid     uint32
	nsOid   uint32
	schema  string
	name    string
	kind    byte // 'r' table, 'v' view
	cols    []catColumn
	comment string
	rows    float64 // reltuples; -1 when unknown
	system  bool    // one of pg_catalog's or information_schema's own
	viewdef string  // a user view's query
}

type catColumn struct {
	name    string
	typ     types.T
	notNull bool
}

type catNamespace struct {
	oid  uint32
	name string
}

// catalog is one snapshot of what the catalogs show for a session.
type catalog struct {
	project    string
	user       string // the session's user, shown as the owner of the project's objects
	userOid    uint32
	namespaces []catNamespace
	rels       []catRelation
	projects   []string
	searchPath []string
	settings   [][2]string // the session's settings, for pg_settings
	pid        int32
	appName    string
}

// catalogSnapshot reads the session's project's schemas, tables and cubes.
func (s *Session) catalogSnapshot(ctx context.Context) (*catalog, error) {
	c := &catalog{project: s.Project, user: s.User, userOid: roleOID(s.User), searchPath: s.searchPath(),
		settings: s.Settings.all(), pid: s.BackendPID}
	c.appName, _ = s.Settings.Get("application_name")
	rememberOID(c.userOid, oidEntry{kind: 'a', name: s.User})
	store := s.planner.store
	schemas := []string{"public"}
	var tables []metastore.TableDef
	if store != nil {
		var err error
		if schemas, err = store.Schemas(ctx, s.Project); err != nil {
			return nil, err
		}
		if tables, err = store.Tables(ctx, s.Project); err != nil {
			return nil, err
		}
		projects, err := store.Projects(ctx)
		if err != nil {
			return nil, err
		}
		for _, p := range projects {
			c.projects = append(c.projects, p.Name)
		}
	}
	if len(c.projects) == 0 {
		c.projects = []string{s.Project}
	}
	names := append([]string{"pg_catalog", "information_schema", "lattice"}, schemas...)
	for _, n := range names {
		ns := catNamespace{oid: namespaceOID(s.Project, n), name: n}
		c.namespaces = append(c.namespaces, ns)
		rememberOID(ns.oid, oidEntry{kind: 'n', name: n})
	}
	sort.Slice(c.namespaces, func(i, j int) bool { return c.namespaces[i].oid < c.namespaces[j].oid })
	for _, v := range s.planner.VirtualRelations() {
		r := catRelation{oid: v.OID, schema: v.Schema, name: v.Name, kind: 'v', rows: -1}
		system := v.Schema == "pg_catalog" || v.Schema == "information_schema"
		if system {
			r.system = true
			for _, d := range catalogDefs {
				if d.schema == v.Schema && d.name == v.Name {
					r.kind = d.kind
				}
			}
		}
		if r.oid == 0 {
			r.oid = relationOID(s.Project, v.Schema, v.Name)
		}
		notNull := catalogNotNull[[2]string{v.Schema, v.Name}]
		for i, col := range v.Columns {
			r.cols = append(r.cols, catColumn{name: col.Name, typ: col.Type, notNull: i < len(notNull) && notNull[i]})
		}
		c.addRel(r)
	}
	for _, t := range tables {
		r := catRelation{oid: relationOID(s.Project, t.Schema, t.Name), schema: t.Schema, name: t.Name, kind: 'r', rows: -1}
		if t.View != "" {
			r.kind, r.viewdef = 'v', t.View
		}
		for _, col := range t.Columns {
			r.cols = append(r.cols, catColumn{name: col.Name, typ: types.T{Oid: col.TypeOid, Typmod: col.Typmod}, notNull: col.NotNull})
		}
		c.addRel(r)
	}
	cubes, err := s.CubeRelations(ctx)
	if err != nil {
		return nil, err
	}
	for _, cube := range cubes {
		r := catRelation{oid: relationOID(s.Project, "public", cube.Name), schema: "public", name: cube.Name, kind: 'v', comment: cube.Comment, rows: -1}
		for _, col := range cube.Columns {
			r.cols = append(r.cols, catColumn{name: col.Name, typ: col.Type})
		}
		c.addRel(r)
	}
	return c, nil
}

func (c *catalog) addRel(r catRelation) {
	r.nsOid = namespaceOID(c.project, r.schema)
	c.rels = append(c.rels, r)
	rememberOID(r.oid, oidEntry{kind: 'c', schema: r.schema, name: r.name, relkind: r.kind, comment: r.comment, viewdef: r.viewdef})
}

// owner is the role shown as owning the objects of schema: the built-in
// schemas belong to the bootstrap role; Lattice keeps no owners for a
// project's own objects, so they show the connected user, and public shows
// pg_database_owner as in PostgreSQL 15.
func (c *catalog) owner(schema string, isNamespace bool) uint32 {
	switch schema {
	case "pg_catalog", "information_schema", "lattice":
		return oidBootstrapRole
	case "public":
		if isNamespace {
			return oidDatabaseOwner
		}
	}
	return c.userOid
}

// visible reports whether an unqualified name finds a relation of schema:
// pg_catalog always comes first, then search_path.
func (c *catalog) visible(schema, name string) bool {
	if schema == "pg_catalog" {
		return true
	}
	for _, sp := range c.searchPath {
		for _, r := range c.rels {
			if r.schema == sp && r.name == name {
				return sp == schema
			}
		}
	}
	return false
}

// quoteIdent quotes an identifier when PostgreSQL's quote_ident would.
func quoteIdent(s string) string {
	plain := s != ""
	for i, c := range s {
		if !(c >= 'a' && c <= 'z' || c == '_' || (i > 0 && c >= '0' && c <= '9')) {
			plain = false
			break
		}
	}
	if plain && !isReservedKeyword(s) {
		return s
	}
	return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
}

// inSearchPath reports whether schema is named in opt's search_path.
func inSearchPath(opt *types.FormatOptions, schema string) bool {
	path := "\"$user\", public"
	if opt != nil && opt.SearchPath != "" {
		path = opt.SearchPath
	}
	for _, p := range strings.Split(path, ",") {
		if strings.Trim(strings.TrimSpace(p), `"`) == schema {
			return true
		}
	}
	return false
}
