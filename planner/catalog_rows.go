package planner

import (
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/lattice-olap/lattice/types"
)

// catalogRows computes the rows of each catalog relation from a snapshot;
// a relation missing here is empty (pg_inherits, pg_trigger, ...: Lattice
// has no such objects).
var catalogRows = map[string]func(c *catalog, cols []Column) [][]types.Datum{
	"pg_catalog.pg_namespace":           pgNamespace,
	"pg_catalog.pg_class":               pgClass,
	"pg_catalog.pg_attribute":           pgAttribute,
	"pg_catalog.pg_type":                staticCatalog("pg_type"),
	"pg_catalog.pg_am":                  staticCatalog("pg_am"),
	"pg_catalog.pg_collation":           staticCatalog("pg_collation"),
	"pg_catalog.pg_tablespace":          staticCatalog("pg_tablespace"),
	"pg_catalog.pg_language":            staticCatalog("pg_language"),
	"pg_catalog.pg_database":            pgDatabase,
	"pg_catalog.pg_roles":               pgRoles,
	"pg_catalog.pg_user":                pgUser,
	"pg_catalog.pg_description":         pgDescription,
	"pg_catalog.pg_tables":              pgTables,
	"pg_catalog.pg_views":               pgViews,
	"pg_catalog.pg_proc":                pgProc,
	"pg_catalog.pg_settings":            pgSettings,
	"pg_catalog.pg_stat_activity":       pgStatActivity,
	"information_schema.schemata":       isSchemata,
	"information_schema.tables":         isTables,
	"information_schema.columns":        isColumns,
	"information_schema.views":          isViews,
	"information_schema.character_sets": isCharacterSets,
}

// rowMaker lays out one catalog row by column name. Columns not given are
// NULL, except that a catalog table's (relkind 'r') bool and integer
// columns, which PostgreSQL declares NOT NULL, default to false and 0.
type rowMaker struct {
	cols  []Column
	idx   map[string]int
	table bool
}

func newRowMaker(cols []Column, table bool) rowMaker {
	m := rowMaker{cols: cols, idx: make(map[string]int, len(cols)), table: table}
	for i, c := range cols {
		m.idx[c.Name] = i
	}
	return m
}

func (m rowMaker) row(vals map[string]types.Datum) []types.Datum {
	out := make([]types.Datum, len(m.cols))
	if m.table {
		for i, c := range m.cols {
			switch c.Type.Family() {
			case types.BoolFamily:
				out[i] = false
			case types.IntFamily:
				out[i] = int64(0)
			}
		}
	}
	for k, v := range vals {
		i, ok := m.idx[k]
		if !ok {
			panic("catalog: no column " + k) // a typo in this file, caught by its tests
		}
		out[i] = v
	}
	return out
}

// staticCatalog parses staticRows[name], PostgreSQL's own rows.
func staticCatalog(name string) func(*catalog, []Column) [][]types.Datum {
	var rows [][]types.Datum
	var once sync.Once
	return func(_ *catalog, cols []Column) [][]types.Datum {
		once.Do(func() { rows = parseStatic(staticRows[name], cols) })
		return rows
	}
}

// parseStatic reads COPY text rows into Datums of cols' types.
func parseStatic(text string, cols []Column) [][]types.Datum {
	var rows [][]types.Datum
	for _, line := range strings.Split(strings.TrimRight(text, "\n"), "\n") {
		fields := strings.Split(line, "\t")
		row := make([]types.Datum, len(cols))
		for i := range cols {
			if i >= len(fields) || fields[i] == `\N` {
				continue
			}
			v, err := types.ParseText(cols[i].Type, copyUnescape(fields[i]), time.UTC)
			if err != nil {
				panic("catalog: static row: " + err.Error()) // generated data, checked by tests
			}
			row[i] = v
		}
		rows = append(rows, row)
	}
	return rows
}

func copyUnescape(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	r := strings.NewReplacer(`\\`, `\`, `\t`, "\t", `\n`, "\n", `\r`, "\r")
	return r.Replace(s)
}

func pgNamespace(c *catalog, cols []Column) [][]types.Datum {
	m := newRowMaker(cols, true)
	var out [][]types.Datum
	for _, ns := range c.namespaces {
		owner := int64(c.owner(ns.name, true))
		out = append(out, m.row(map[string]types.Datum{"oid": int64(ns.oid), "nspname": ns.name, "nspowner": owner}))
	}
	return out
}

func pgClass(c *catalog, cols []Column) [][]types.Datum {
	m := newRowMaker(cols, true)
	var out [][]types.Datum
	for _, r := range c.rels {
		am := int64(2) // heap
		if r.kind == 'v' {
			am = 0
		}
		out = append(out, m.row(map[string]types.Datum{
			"oid": int64(r.oid), "relname": r.name, "relnamespace": int64(r.nsOid),
			"relowner": int64(c.owner(r.schema, false)), "relam": am, "relfilenode": int64(r.oid),
			"reltuples": r.rows, "relpersistence": "p", "relkind": string(r.kind),
			"relnatts": int64(len(r.cols)), "relispopulated": true, "relreplident": "d",
			"relhasrules": r.kind == 'v',
		}))
	}
	return out
}

func pgAttribute(c *catalog, cols []Column) [][]types.Datum {
	m := newRowMaker(cols, true)
	var out [][]types.Datum
	for _, r := range c.rels {
		for i, col := range r.cols {
			t := col.typ
			var coll int64
			if t.Family() == types.StringFamily && t.Oid != types.OidChar {
				coll = 100 // default; name's is C (950)
				if t.Oid == types.OidName {
					coll = 950
				}
			}
			ndims := int64(0)
			if t.Family() == types.ArrayFamily && !t.IsVector() {
				ndims = 1
			}
			out = append(out, m.row(map[string]types.Datum{
				"attrelid": int64(r.oid), "attname": col.name, "atttypid": int64(t.Oid),
				"attstattarget": int64(-1), "attlen": int64(t.Size()), "attnum": int64(i + 1),
				"attndims": ndims, "attcacheoff": int64(-1), "atttypmod": int64(t.Typmod),
				"attbyval": byVal(t), "attalign": align(t), "attstorage": storage(t), "attcompression": "",
				"attnotnull": col.notNull, "attidentity": "", "attgenerated": "", "attislocal": true,
				"attcollation": coll,
			}))
		}
	}
	return out
}

func byVal(t types.T) bool {
	s := t.Size()
	return s > 0 && s <= 8 && t.Oid != types.OidName && t.Oid != types.OidInterval
}

func align(t types.T) string {
	switch t.Size() {
	case 1, 64:
		return "c"
	case 2:
		return "s"
	case 8, 16:
		return "d"
	}
	if t.Oid == types.OidNumeric || t.Family() == types.StringFamily || t.Family() == types.BytesFamily {
		return "i"
	}
	return "i"
}

func storage(t types.T) string {
	switch {
	case t.Size() > 0:
		return "p"
	case t.Oid == types.OidNumeric:
		return "m"
	}
	return "x"
}

func pgDatabase(c *catalog, cols []Column) [][]types.Datum {
	m := newRowMaker(cols, true)
	var out [][]types.Datum
	for _, p := range c.projects {
		oid := databaseOID(p)
		rememberOID(oid, oidEntry{kind: 'd', name: p})
		out = append(out, m.row(map[string]types.Datum{
			"oid": int64(oid), "datname": p, "datdba": int64(oidBootstrapRole), "encoding": int64(6),
			"datlocprovider": "c", "datallowconn": true, "datconnlimit": int64(-1),
			"dattablespace": int64(1663), "datcollate": "C", "datctype": "C",
		}))
	}
	return out
}

func pgRoles(c *catalog, cols []Column) [][]types.Datum {
	m := newRowMaker(cols, false)
	super := c.userOid == oidBootstrapRole
	return [][]types.Datum{m.row(map[string]types.Datum{
		"rolname": c.user, "rolsuper": super, "rolinherit": true, "rolcreaterole": super, "rolcreatedb": super,
		"rolcanlogin": true, "rolreplication": false, "rolconnlimit": int64(-1), "rolpassword": "********",
		"rolbypassrls": super, "oid": int64(c.userOid),
	})}
}

func pgUser(c *catalog, cols []Column) [][]types.Datum {
	m := newRowMaker(cols, false)
	super := c.userOid == oidBootstrapRole
	return [][]types.Datum{m.row(map[string]types.Datum{
		"usename": c.user, "usesysid": int64(c.userOid), "usecreatedb": super, "usesuper": super,
		"userepl": false, "usebypassrls": super, "passwd": "********",
	})}
}

func pgDescription(c *catalog, cols []Column) [][]types.Datum {
	m := newRowMaker(cols, true)
	var out [][]types.Datum
	for _, r := range c.rels {
		if r.comment != "" {
			out = append(out, m.row(map[string]types.Datum{"objoid": int64(r.oid), "classoid": int64(1259), "objsubid": int64(0), "description": r.comment}))
		}
	}
	return out
}

func pgTables(c *catalog, cols []Column) [][]types.Datum {
	m := newRowMaker(cols, false)
	var out [][]types.Datum
	for _, r := range c.rels {
		if r.kind == 'r' {
			out = append(out, m.row(map[string]types.Datum{"schemaname": r.schema, "tablename": r.name, "tableowner": ownerName(c.owner(r.schema, false)),
				"hasindexes": false, "hasrules": false, "hastriggers": false, "rowsecurity": false}))
		}
	}
	return out
}

func pgViews(c *catalog, cols []Column) [][]types.Datum {
	m := newRowMaker(cols, false)
	var out [][]types.Datum
	for _, r := range c.rels {
		if r.kind == 'v' {
			var def types.Datum
			if r.viewdef != "" {
				def = " " + r.viewdef + ";"
			}
			out = append(out, m.row(map[string]types.Datum{"schemaname": r.schema, "viewname": r.name, "viewowner": ownerName(c.owner(r.schema, false)), "definition": def}))
		}
	}
	return out
}

// pgProc lists the functions Lattice has, by name; Lattice resolves calls
// by name and argument types itself, so one row per name is shown.
func pgProc(_ *catalog, cols []Column) [][]types.Datum {
	m := newRowMaker(cols, true)
	var out [][]types.Datum
	// The I/O functions pg_type names, with PostgreSQL's OIDs: drivers
	// join pg_type.typreceive to pg_proc (Npgsql tells arrays by array_recv).
	for _, line := range strings.Split(strings.TrimSpace(typeProcs), "\n") {
		oid, name, _ := strings.Cut(line, "\t")
		out = append(out, m.row(map[string]types.Datum{
			"oid": int64(parseOID(oid)), "proname": name, "pronamespace": int64(oidPgCatalog), "proowner": int64(oidBootstrapRole),
			"prolang": int64(12), "procost": float64(1), "prokind": "f", "provolatile": "i", "proparallel": "s",
			"prorettype": int64(0), "proargtypes": "", "prosrc": name, "proisstrict": true,
		}))
	}
	for _, name := range functionNames() {
		oid := hashOID("function", name)
		rememberOID(oid, oidEntry{kind: 'p', schema: "pg_catalog", name: name})
		out = append(out, m.row(map[string]types.Datum{
			"oid": int64(oid), "proname": name, "pronamespace": int64(oidPgCatalog), "proowner": int64(oidBootstrapRole),
			"prolang": int64(12), "procost": float64(1), "prokind": "f", "provolatile": "s", "proparallel": "s",
			"prorettype": int64(types.OidText), "proargtypes": "", "prosrc": name,
		}))
	}
	return out
}

func isSchemata(c *catalog, cols []Column) [][]types.Datum {
	m := newRowMaker(cols, false)
	var out [][]types.Datum
	for _, ns := range c.namespaces {
		out = append(out, m.row(map[string]types.Datum{"catalog_name": c.project, "schema_name": ns.name, "schema_owner": ownerName(c.owner(ns.name, true))}))
	}
	return out
}

func isTables(c *catalog, cols []Column) [][]types.Datum {
	m := newRowMaker(cols, false)
	var out [][]types.Datum
	for _, r := range c.rels {
		typ, ins := "BASE TABLE", "YES"
		if r.kind == 'v' {
			typ, ins = "VIEW", "NO"
		}
		out = append(out, m.row(map[string]types.Datum{"table_catalog": c.project, "table_schema": r.schema, "table_name": r.name,
			"table_type": typ, "is_insertable_into": ins, "is_typed": "NO"}))
	}
	return out
}

func isColumns(c *catalog, cols []Column) [][]types.Datum {
	m := newRowMaker(cols, false)
	var out [][]types.Datum
	for _, r := range c.rels {
		for i, col := range r.cols {
			v := map[string]types.Datum{"table_catalog": c.project, "table_schema": r.schema, "table_name": r.name,
				"column_name": col.name, "ordinal_position": int64(i + 1), "is_nullable": yesNo(!col.notNull),
				"data_type": infoSchemaType(col.typ), "udt_catalog": c.project, "udt_schema": "pg_catalog",
				"udt_name": col.typ.Name(), "dtd_identifier": itoa64(int64(i + 1)), "is_self_referencing": "NO",
				"is_identity": "NO", "is_generated": "NEVER", "is_updatable": yesNo(r.kind == 'r')}
			columnSizes(col.typ, v)
			out = append(out, m.row(v))
		}
	}
	return out
}

func yesNo(b bool) string {
	if b {
		return "YES"
	}
	return "NO"
}

// infoSchemaType is information_schema's data_type: the SQL name without
// modifiers, ARRAY for arrays, USER-DEFINED for the rest.
func infoSchemaType(t types.T) string {
	switch {
	case t.Family() == types.ArrayFamily && !t.IsVector():
		return "ARRAY"
	case t.Oid == types.OidChar, t.Oid == types.OidName, t.Oid == types.OidOid, t.IsReg(), t.Oid == types.OidXid,
		t.Oid == types.OidPgNodeTree, t.IsVector(), t.Oid == types.OidAclitem:
		return "USER-DEFINED"
	}
	return types.T{Oid: t.Oid, Typmod: -1}.String()
}

// columnSizes fills the length, precision and scale columns as
// information_schema's _pg_char_max_length and friends compute them.
func columnSizes(t types.T, v map[string]types.Datum) {
	switch t.Oid {
	case types.OidVarchar, types.OidBpchar:
		if t.Typmod >= 0 {
			n := int64(t.Typmod - 4)
			v["character_maximum_length"] = n
			v["character_octet_length"] = n * 4
		} else {
			v["character_octet_length"] = int64(1073741824)
		}
	case types.OidText:
		v["character_octet_length"] = int64(1073741824)
	case types.OidInt2, types.OidInt4, types.OidInt8:
		v["numeric_precision"] = map[types.Oid]int64{types.OidInt2: 16, types.OidInt4: 32, types.OidInt8: 64}[t.Oid]
		v["numeric_precision_radix"] = int64(2)
		v["numeric_scale"] = int64(0)
	case types.OidFloat4, types.OidFloat8:
		v["numeric_precision"] = map[types.Oid]int64{types.OidFloat4: 24, types.OidFloat8: 53}[t.Oid]
		v["numeric_precision_radix"] = int64(2)
	case types.OidNumeric:
		v["numeric_precision_radix"] = int64(10)
		if t.Typmod >= 0 {
			p, s := t.NumericPrecisionScale()
			v["numeric_precision"], v["numeric_scale"] = int64(p), int64(s)
		}
	case types.OidDate:
		v["datetime_precision"] = int64(0)
	case types.OidTimestamp, types.OidTimestampTZ, types.OidTime, types.OidInterval:
		p := int64(6)
		if t.Typmod >= 0 && t.Oid != types.OidInterval {
			p = int64(t.Typmod)
		}
		v["datetime_precision"] = p
	}
}

func isViews(c *catalog, cols []Column) [][]types.Datum {
	m := newRowMaker(cols, false)
	var out [][]types.Datum
	for _, r := range c.rels {
		if r.kind == 'v' {
			var def types.Datum
			if r.viewdef != "" {
				def = " " + r.viewdef + ";"
			}
			out = append(out, m.row(map[string]types.Datum{"table_catalog": c.project, "table_schema": r.schema, "table_name": r.name,
				"view_definition": def, "check_option": "NONE", "is_updatable": "NO", "is_insertable_into": "NO", "is_trigger_updatable": "NO",
				"is_trigger_deletable": "NO", "is_trigger_insertable_into": "NO"}))
		}
	}
	return out
}

func isCharacterSets(c *catalog, cols []Column) [][]types.Datum {
	m := newRowMaker(cols, false)
	return [][]types.Datum{m.row(map[string]types.Datum{"character_set_name": "UTF8", "character_repertoire": "UCS",
		"form_of_use": "UTF8", "default_collate_catalog": c.project, "default_collate_schema": "pg_catalog", "default_collate_name": "C"})}
}

func itoa64(n int64) string { return strconv.FormatInt(n, 10) }

func pgSettings(c *catalog, cols []Column) [][]types.Datum {
	m := newRowMaker(cols, false)
	var out [][]types.Datum
	for _, kv := range c.settings {
		def := settingDefs[strings.ToLower(kv[0])]
		context, vartype := "user", "string"
		if def != nil && def.readOnly {
			context = "internal"
		}
		switch kv[1] {
		case "on", "off":
			vartype = "bool"
		}
		boot := kv[1]
		if def != nil {
			boot = def.def
		}
		out = append(out, m.row(map[string]types.Datum{"name": kv[0], "setting": kv[1], "category": "Lattice",
			"short_desc": "", "context": context, "vartype": vartype, "source": "default",
			"boot_val": boot, "reset_val": boot, "pending_restart": false}))
	}
	return out
}

func pgStatActivity(c *catalog, cols []Column) [][]types.Datum {
	m := newRowMaker(cols, false)
	return [][]types.Datum{m.row(map[string]types.Datum{"datid": int64(databaseOID(c.project)), "datname": c.project,
		"pid": int64(c.pid), "usesysid": int64(c.userOid), "usename": c.user, "application_name": c.appName,
		"state": "active", "backend_type": "client backend"})}
}

func ownerName(oid uint32) string {
	if e, ok := lookupOID(oid); ok && e.kind == 'a' {
		return e.name
	}
	return "admin"
}
