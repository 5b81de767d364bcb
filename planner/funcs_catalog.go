package planner

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	pg_query "github.com/pganalyze/pg_query_go/v6"

	"github.com/lattice-olap/lattice/pgerr"
	"github.com/lattice-olap/lattice/types"
)

// The catalog functions that psql, drivers and BI tools call in their
// introspection queries, answering as PostgreSQL 15 does for the objects
// Lattice has. Lattice has no indexes, constraints, triggers or rules, so
// the functions describing those return NULL as PostgreSQL does for an
// OID that names none.

func init() {
	registerArrayFuncs()
	oid1 := []types.T{types.OidT}
	always := func(v bool) evalFn { return func(*evalCtx, []types.Datum) (types.Datum, error) { return v, nil } }
	null := func(*evalCtx, []types.Datum) (types.Datum, error) { return nil, nil }
	for name, fn := range map[string]builtin{
		"format_type":         formatType,
		"pg_get_expr":         anyArgs("pg_get_expr", 2, 3, types.Text, func(_ *evalCtx, v []types.Datum) (types.Datum, error) { return v[0], nil }),
		"pg_table_is_visible": fixed("pg_table_is_visible", oid1, types.Bool, tableIsVisible),
		"pg_type_is_visible": fixed("pg_type_is_visible", oid1, types.Bool, func(_ *evalCtx, v []types.Datum) (types.Datum, error) {
			return types.Known(types.Oid(v[0].(int64))), nil
		}),
		"pg_function_is_visible":       fixed("pg_function_is_visible", oid1, types.Bool, always(true)),
		"pg_collation_is_visible":      fixed("pg_collation_is_visible", oid1, types.Bool, always(true)),
		"pg_opclass_is_visible":        fixed("pg_opclass_is_visible", oid1, types.Bool, always(true)),
		"pg_operator_is_visible":       fixed("pg_operator_is_visible", oid1, types.Bool, always(true)),
		"pg_ts_config_is_visible":      fixed("pg_ts_config_is_visible", oid1, types.Bool, always(true)),
		"pg_conversion_is_visible":     fixed("pg_conversion_is_visible", oid1, types.Bool, always(true)),
		"pg_ts_parser_is_visible":      fixed("pg_ts_parser_is_visible", oid1, types.Bool, always(true)),
		"pg_ts_dict_is_visible":        fixed("pg_ts_dict_is_visible", oid1, types.Bool, always(true)),
		"pg_ts_template_is_visible":    fixed("pg_ts_template_is_visible", oid1, types.Bool, always(true)),
		"pg_statistics_obj_is_visible": fixed("pg_statistics_obj_is_visible", oid1, types.Bool, always(true)),
		"pg_opfamily_is_visible":       fixed("pg_opfamily_is_visible", oid1, types.Bool, always(true)),
		"pg_get_functiondef": fixed("pg_get_functiondef", oid1, types.Text, functionInfo(func(name string) string {
			return "-- " + name + " is built into Lattice\n"
		})),
		"pg_get_userbyid":                    fixed("pg_get_userbyid", oid1, types.Name, getUserByID),
		"current_schemas":                    fixed("current_schemas", []types.T{types.Bool}, types.T{Oid: 1003, Typmod: -1}, currentSchemas),
		"current_schema":                     constFn(types.Name, func(e *evalCtx) types.Datum { return firstSchema(e) }),
		"has_table_privilege":                anyArgs("has_table_privilege", 2, 3, types.Bool, always(true)),
		"has_schema_privilege":               anyArgs("has_schema_privilege", 2, 3, types.Bool, always(true)),
		"has_database_privilege":             anyArgs("has_database_privilege", 2, 3, types.Bool, always(true)),
		"has_column_privilege":               anyArgs("has_column_privilege", 3, 4, types.Bool, always(true)),
		"has_any_column_privilege":           anyArgs("has_any_column_privilege", 2, 3, types.Bool, always(true)),
		"has_function_privilege":             anyArgs("has_function_privilege", 2, 3, types.Bool, always(true)),
		"has_sequence_privilege":             anyArgs("has_sequence_privilege", 2, 3, types.Bool, always(true)),
		"pg_has_role":                        anyArgs("pg_has_role", 2, 3, types.Bool, always(true)),
		"col_description":                    anyArgs("col_description", 2, 2, types.Text, null),
		"obj_description":                    anyArgs("obj_description", 1, 2, types.Text, objDescription),
		"shobj_description":                  anyArgs("shobj_description", 2, 2, types.Text, null),
		"quote_ident":                        fixed("quote_ident", []types.T{types.Text}, types.Text, func(_ *evalCtx, v []types.Datum) (types.Datum, error) { return quoteIdent(v[0].(string)), nil }),
		"parse_ident":                        parseIdentFn,
		"pg_encoding_to_char":                fixed("pg_encoding_to_char", []types.T{types.Int4}, types.Name, encodingToChar),
		"pg_char_to_encoding":                fixed("pg_char_to_encoding", []types.T{types.Name}, types.Int4, charToEncoding),
		"getdatabaseencoding":                constFn(types.Name, func(*evalCtx) types.Datum { return "UTF8" }),
		"pg_client_encoding":                 constFn(types.Name, func(*evalCtx) types.Datum { return "UTF8" }),
		"pg_get_indexdef":                    anyArgs("pg_get_indexdef", 1, 3, types.Text, null),
		"pg_get_constraintdef":               anyArgs("pg_get_constraintdef", 1, 2, types.Text, null),
		"pg_get_triggerdef":                  anyArgs("pg_get_triggerdef", 1, 2, types.Text, null),
		"pg_get_ruledef":                     anyArgs("pg_get_ruledef", 1, 2, types.Text, null),
		"pg_get_partkeydef":                  anyArgs("pg_get_partkeydef", 1, 1, types.Text, null),
		"pg_get_serial_sequence":             anyArgs("pg_get_serial_sequence", 2, 2, types.Text, null),
		"pg_get_statisticsobjdef_columns":    anyArgs("pg_get_statisticsobjdef_columns", 1, 1, types.Text, null),
		"pg_get_viewdef":                     anyArgs("pg_get_viewdef", 1, 2, types.Text, viewDef),
		"pg_get_function_result":             fixed("pg_get_function_result", oid1, types.Text, functionInfo(func(string) string { return "text" })),
		"pg_get_function_arguments":          fixed("pg_get_function_arguments", oid1, types.Text, functionInfo(func(string) string { return "" })),
		"pg_get_function_identity_arguments": fixed("pg_get_function_identity_arguments", oid1, types.Text, functionInfo(func(string) string { return "" })),
		"pg_relation_size":                   anyArgs("pg_relation_size", 1, 2, types.Int8, relationSize),
		"pg_total_relation_size":             anyArgs("pg_total_relation_size", 1, 1, types.Int8, relationSize),
		"pg_table_size":                      anyArgs("pg_table_size", 1, 1, types.Int8, relationSize),
		"pg_indexes_size":                    anyArgs("pg_indexes_size", 1, 1, types.Int8, func(*evalCtx, []types.Datum) (types.Datum, error) { return int64(0), nil }),
		"pg_size_pretty":                     fixed("pg_size_pretty", []types.T{types.Int8}, types.Text, sizePretty),
		"txid_current":                       constFn(types.Int8, func(e *evalCtx) types.Datum { return txid(e) }),
		"pg_current_xact_id":                 constFn(types.Xid, func(e *evalCtx) types.Datum { return txid(e) & 0xffffffff }),
		"pg_is_in_recovery":                  constFn(types.Bool, func(*evalCtx) types.Datum { return false }),
		"pg_my_temp_schema":                  constFn(types.OidT, func(*evalCtx) types.Datum { return int64(0) }),
		"pg_is_other_temp_schema":            fixed("pg_is_other_temp_schema", oid1, types.Bool, always(false)),
		"pg_tablespace_location":             fixed("pg_tablespace_location", oid1, types.Text, func(*evalCtx, []types.Datum) (types.Datum, error) { return "", nil }),
		"pg_typeof":                          pgTypeof,
		"to_regclass":                        toReg(types.Regclass),
		"to_regtype":                         toReg(types.Regtype),
		"to_regnamespace":                    toReg(types.Regnamespace),
		"to_regproc":                         toReg(types.Regproc),
		"to_regrole":                         toReg(types.Regrole),
		"pg_relation_is_publishable":         anyArgs("pg_relation_is_publishable", 1, 1, types.Bool, always(false)),
		"row_security_active":                anyArgs("row_security_active", 1, 1, types.Bool, always(false)),
		"pg_get_statisticsobjdef":            anyArgs("pg_get_statisticsobjdef", 1, 1, types.Text, null),
		"pg_postmaster_start_time":           constFn(types.TimestampTZ, func(*evalCtx) types.Datum { return processStart }),
		"json_build_object":                  jsonBuildObject,
		"format":                             formatFn,
		"inet_server_addr":                   constFn(types.Text, func(*evalCtx) types.Datum { return nil }),
		"inet_server_port":                   constFn(types.Int4, func(*evalCtx) types.Datum { return nil }),
	} {
		builtins[name] = fn
	}
}

// anyArgs accepts min..max arguments of any type: the privilege and
// description functions have many signatures (name or OID, with or without
// a user) and Lattice answers them all alike.
func anyArgs(name string, minArgs, maxArgs int, ret types.T, fn evalFn) builtin {
	return func(b *binder, args []Expr, loc int32) (Expr, error) {
		if len(args) < minArgs || len(args) > maxArgs {
			return nil, wrongArgs(name, args, loc, b)
		}
		for i, a := range args {
			args[i] = b.defaultUnknown(a)
		}
		return &funcExpr{name: name, args: args, typ: ret, strict: true, fn: fn}, nil
	}
}

func formatType(b *binder, args []Expr, loc int32) (Expr, error) {
	if len(args) != 2 {
		return nil, wrongArgs("format_type", args, loc, b)
	}
	var err error
	if args[0], err = b.coerce(args[0], types.OidT, loc); err != nil {
		return nil, err
	}
	if args[1], err = b.coerce(args[1], types.Int4, loc); err != nil {
		return nil, err
	}
	return &funcExpr{name: "format_type", args: args, typ: types.Text, fn: func(_ *evalCtx, v []types.Datum) (types.Datum, error) {
		if v[0] == nil {
			return nil, nil
		}
		t, ok := types.FromOid(types.Oid(v[0].(int64)))
		if !ok {
			return "???", nil
		}
		if v[1] != nil {
			t.Typmod = int32(v[1].(int64))
		}
		return formatTypeName(t), nil
	}}, nil
}

// formatTypeName is format_type's spelling: "char" is quoted, arrays end
// in [], typmods are shown.
func formatTypeName(t types.T) string {
	if elem, ok := t.Elem(); ok && !t.IsVector() {
		elem.Typmod = t.Typmod
		return formatTypeName(elem) + "[]"
	}
	if t.Oid == types.OidBpchar && t.Typmod < 0 {
		return "bpchar"
	}
	return t.String()
}

func tableIsVisible(e *evalCtx, v []types.Datum) (types.Datum, error) {
	ent, ok := lookupOID(uint32(v[0].(int64)))
	if !ok || ent.kind != 'c' {
		return nil, nil
	}
	if ent.schema == "pg_catalog" {
		return true, nil
	}
	for _, s := range e.sess.searchPath() {
		if s == ent.schema {
			return true, nil
		}
	}
	return false, nil
}

func getUserByID(_ *evalCtx, v []types.Datum) (types.Datum, error) {
	if ent, ok := lookupOID(uint32(v[0].(int64))); ok && ent.kind == 'a' {
		return ent.name, nil
	}
	return fmt.Sprintf("unknown (OID=%d)", v[0].(int64)), nil
}

// existingSchemas is search_path without the schemas that do not exist,
// as current_schemas shows it.
func existingSchemas(e *evalCtx) []string {
	known := map[string]bool{"public": true, "pg_catalog": true, "information_schema": true, "lattice": true}
	if store := e.sess.planner.store; store != nil {
		if names, err := store.Schemas(e.ctx, e.sess.Project); err == nil {
			for _, n := range names {
				known[n] = true
			}
		}
	}
	var out []string
	for _, s := range e.sess.searchPath() {
		if known[s] {
			out = append(out, s)
		}
	}
	return out
}

func currentSchemas(e *evalCtx, v []types.Datum) (types.Datum, error) {
	var out []types.Datum
	if v[0].(bool) {
		out = append(out, "pg_catalog")
	}
	for _, s := range existingSchemas(e) {
		if s != "pg_catalog" || !v[0].(bool) {
			out = append(out, s)
		}
	}
	return makeArray(types.T{Oid: 1003, Typmod: -1}, out), nil
}

func firstSchema(e *evalCtx) types.Datum {
	if s := existingSchemas(e); len(s) > 0 {
		return s[0]
	}
	return nil
}

func objDescription(_ *evalCtx, v []types.Datum) (types.Datum, error) {
	oid, ok := v[0].(int64)
	if !ok {
		return nil, nil
	}
	if ent, ok := lookupOID(uint32(oid)); ok && ent.comment != "" {
		if len(v) == 2 && v[1] != "pg_class" {
			return nil, nil
		}
		return ent.comment, nil
	}
	return nil, nil
}

func parseIdentFn(b *binder, args []Expr, loc int32) (Expr, error) {
	if len(args) < 1 || len(args) > 2 {
		return nil, wrongArgs("parse_ident", args, loc, b)
	}
	var err error
	if args[0], err = b.coerce(args[0], types.Text, loc); err != nil {
		return nil, err
	}
	if len(args) == 2 {
		if args[1], err = b.coerce(args[1], types.Bool, loc); err != nil {
			return nil, err
		}
	}
	at := types.T{Oid: 1009, Typmod: -1}
	return &funcExpr{name: "parse_ident", args: args, typ: at, strict: true, fn: func(_ *evalCtx, v []types.Datum) (types.Datum, error) {
		parts, err := parseIdent(v[0].(string), len(v) == 1 || v[1] == true)
		if err != nil {
			return nil, err
		}
		vals := make([]types.Datum, len(parts))
		for i, p := range parts {
			vals[i] = p
		}
		return makeArray(at, vals), nil
	}}, nil
}

func encodingToChar(_ *evalCtx, v []types.Datum) (types.Datum, error) {
	switch v[0].(int64) {
	case 0:
		return "SQL_ASCII", nil
	case 6:
		return "UTF8", nil
	}
	return "", nil
}

func charToEncoding(_ *evalCtx, v []types.Datum) (types.Datum, error) {
	switch strings.ToUpper(v[0].(string)) {
	case "SQL_ASCII":
		return int64(0), nil
	case "UTF8", "UTF-8", "UNICODE":
		return int64(6), nil
	}
	return int64(-1), nil
}

// viewDef describes a view's definition: Lattice's views (system views,
// cubes) have no SQL text, so the definition names what answers them.
func viewDef(_ *evalCtx, v []types.Datum) (types.Datum, error) {
	oid, ok := v[0].(int64)
	if !ok {
		return nil, nil
	}
	ent, ok := lookupOID(uint32(oid))
	if !ok || ent.kind != 'c' || ent.relkind != 'v' {
		return nil, nil
	}
	switch {
	case ent.viewdef != "":
		return " " + ent.viewdef + ";", nil
	case ent.comment != "":
		return " -- " + ent.comment, nil
	}
	return " -- computed by Lattice", nil
}

func functionInfo(f func(name string) string) evalFn {
	return func(_ *evalCtx, v []types.Datum) (types.Datum, error) {
		ent, ok := lookupOID(uint32(v[0].(int64)))
		if !ok || ent.kind != 'p' {
			return nil, nil
		}
		return f(ent.name), nil
	}
}

// relationSize is the bytes of a table's committed files; views and
// catalogs have none.
func relationSize(e *evalCtx, v []types.Datum) (types.Datum, error) {
	oid, ok := v[0].(int64)
	if !ok {
		return nil, nil
	}
	ent, ok := lookupOID(uint32(oid))
	if !ok || ent.kind != 'c' {
		return nil, nil
	}
	if ent.relkind != 'r' || ent.schema == "pg_catalog" || e.sess.planner.store == nil {
		return int64(0), nil
	}
	files, err := e.sess.planner.store.TableFiles(e.ctx, e.sess.Project, ent.schema, ent.name)
	if err != nil {
		return int64(0), nil // a table dropped since its OID was seen
	}
	var n int64
	for _, f := range files {
		n += f.Bytes
	}
	return n, nil
}

// sizePretty follows pg_size_pretty: each step keeps one extra bit to
// round half away from zero, and a unit is used below 20480 of it.
func sizePretty(_ *evalCtx, v []types.Datum) (types.Datum, error) {
	n := v[0].(int64)
	const limit = 10 * 1024
	const limit2 = limit*2 - 1
	if abs64(n) < limit {
		return fmt.Sprintf("%d bytes", n), nil
	}
	n >>= 9
	units := []string{"kB", "MB", "GB", "TB"}
	for _, u := range units {
		if abs64(n) < limit2 {
			return fmt.Sprintf("%d %s", halfRounded(n), u), nil
		}
		n >>= 10
	}
	return fmt.Sprintf("%d PB", halfRounded(n)), nil
}

func halfRounded(x int64) int64 {
	if x < 0 {
		return (x - 1) / 2
	}
	return (x + 1) / 2
}

func abs64(x int64) int64 {
	if x < 0 {
		return -x
	}
	return x
}

func txid(e *evalCtx) int64 {
	// A transaction's id only has to be the same throughout it and grow
	// between transactions: the transaction's start time does both.
	return e.now.UnixMicro() / 1000
}

func pgTypeof(b *binder, args []Expr, loc int32) (Expr, error) {
	if len(args) != 1 {
		return nil, wrongArgs("pg_typeof", args, loc, b)
	}
	oid := int64(args[0].Type().Oid)
	return &funcExpr{name: "pg_typeof", typ: types.Regtype, fn: func(*evalCtx, []types.Datum) (types.Datum, error) { return oid, nil }}, nil
}

// toReg is to_regclass and friends: the OID, or NULL instead of an error.
func toReg(t types.T) builtin {
	return fixed("to_"+t.Name(), []types.T{types.Text}, t, func(e *evalCtx, v []types.Datum) (types.Datum, error) {
		r, err := regIn(e.sess, t, v[0].(string))
		if err != nil {
			return nil, nil
		}
		return r, nil
	})
}

// regexOp binds the POSIX match operators ~ ~* !~ !~*. Go's RE2 syntax
// stands in for PostgreSQL's advanced regular expressions; the patterns
// catalog queries use (anchors, classes, alternation) mean the same.
func (b *binder) regexOp(op string, ln, rn *pg_query.Node, loc int32) (Expr, error) {
	l, err := b.expr(ln)
	if err != nil {
		return nil, err
	}
	r, err := b.expr(rn)
	if err != nil {
		return nil, err
	}
	for _, x := range []*Expr{&l, &r} {
		if (*x).Type().Family() != types.StringFamily {
			return nil, b.noOperator(op, l, r, loc)
		}
		if *x, err = b.coerce(*x, types.Text, loc); err != nil {
			return nil, err
		}
	}
	fold := strings.HasSuffix(op, "*")
	negate := strings.HasPrefix(op, "!")
	return &funcExpr{name: op, args: []Expr{l, r}, typ: types.Bool, strict: true, fn: func(_ *evalCtx, v []types.Datum) (types.Datum, error) {
		pattern := v[1].(string)
		if fold {
			pattern = "(?i)" + pattern
		}
		re, err := compileRegex(pattern)
		if err != nil {
			return nil, err
		}
		return re.MatchString(v[0].(string)) != negate, nil
	}}, nil
}

// functionNames lists the functions Lattice has, for pg_proc.
func functionNames() []string {
	var out []string
	for name := range builtins {
		out = append(out, name)
	}
	for _, a := range []string{"count", "sum", "avg", "min", "max", "stddev", "variance", "stddev_samp", "stddev_pop", "var_samp", "var_pop", "bool_and", "bool_or", "every", "string_agg", "array_agg"} {
		if _, ok := builtins[a]; !ok {
			out = append(out, a)
		}
	}
	sort.Strings(out)
	return out
}

// keywordCategory maps each SQL keyword to pg_get_keywords' catcode.
var keywordCategory = func() map[string]string {
	m := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(keywords), "\n") {
		f := strings.Split(line, "\t")
		m[f[0]] = f[1]
	}
	return m
}()

// isReservedKeyword reports whether quote_ident must quote s: any keyword
// but an unreserved one.
func isReservedKeyword(s string) bool {
	c, ok := keywordCategory[s]
	return ok && c != "U"
}

// processStart stands in for the postmaster's start time.
var processStart = time.Now().UTC().Truncate(time.Microsecond)

// jsonBuildObject is json_build_object(key, value, ...), written as
// PostgreSQL writes it: {"k" : v, ...}.
func jsonBuildObject(b *binder, args []Expr, loc int32) (Expr, error) {
	if len(args)%2 != 0 {
		return nil, b.errorf(loc, pgerr.InvalidParameterValue, "argument list must have even number of elements").
			WithHint("The arguments of json_build_object() must consist of alternating keys and values.")
	}
	for i, a := range args {
		args[i] = b.defaultUnknown(a)
	}
	return &funcExpr{name: "json_build_object", args: args, typ: types.JSON, fn: func(e *evalCtx, v []types.Datum) (types.Datum, error) {
		var sb strings.Builder
		sb.WriteByte('{')
		for i := 0; i < len(v); i += 2 {
			if v[i] == nil {
				return nil, pgerr.New(pgerr.InvalidParameterValue, "null value not allowed for object key")
			}
			if i > 0 {
				sb.WriteString(", ")
			}
			sb.WriteString(jsonValue(e, args[i].Type(), v[i], true))
			sb.WriteString(" : ")
			sb.WriteString(jsonValue(e, args[i+1].Type(), v[i+1], false))
		}
		sb.WriteByte('}')
		return sb.String(), nil
	}}, nil
}

func jsonValue(e *evalCtx, t types.T, v types.Datum, key bool) string {
	if v == nil {
		return "null"
	}
	s := textOf(e, t, v)
	switch {
	case key:
	case t.Oid == types.OidJSON:
		return s
	case t.Family() == types.BoolFamily:
		if v.(bool) {
			return "true"
		}
		return "false"
	case t.IsNumericKind() && !strings.ContainsAny(s, "NnIi"):
		return s
	}
	q, _ := json.Marshal(s)
	return string(q)
}

// formatFn is format(fmt, args...): %s (text, NULL as empty), %I (a quoted
// identifier), %L (a quoted literal, NULL unquoted), %% and n$ positions,
// with an optional width and '-' flag, as PostgreSQL's format does.
func formatFn(b *binder, args []Expr, loc int32) (Expr, error) {
	if len(args) < 1 {
		return nil, wrongArgs("format", args, loc, b)
	}
	var err error
	if args[0], err = b.coerce(args[0], types.Text, loc); err != nil {
		return nil, err
	}
	for i := 1; i < len(args); i++ {
		args[i] = b.defaultUnknown(args[i])
	}
	return &funcExpr{name: "format", args: args, typ: types.Text, fn: func(e *evalCtx, v []types.Datum) (types.Datum, error) {
		if v[0] == nil {
			return nil, nil
		}
		return formatText(e, v[0].(string), v, func(i int) types.T { return args[i].Type() })
	}}, nil
}

// formatText is format(f, vals[1:]...), whose values have the types
// typeOf gives (by position in vals).
func formatText(e *evalCtx, f string, v []types.Datum, typeOf func(int) types.T) (types.Datum, error) {
	var sb strings.Builder
	next := 1
	for i := 0; i < len(f); i++ {
		if f[i] != '%' {
			sb.WriteByte(f[i])
			continue
		}
		i++
		if i >= len(f) {
			return nil, pgerr.New(pgerr.InvalidParameterValue, "unterminated format() type specifier").
				WithHint("For a single \"%%\" use \"%%%%\".")
		}
		if f[i] == '%' {
			sb.WriteByte('%')
			continue
		}
		// [n$][-][width]type
		j, n := i, 0
		for j < len(f) && f[j] >= '0' && f[j] <= '9' {
			n = n*10 + int(f[j]-'0')
			j++
		}
		arg := next
		if j < len(f) && f[j] == '$' && n > 0 {
			arg, i = n, j+1
		}
		left := false
		if i < len(f) && f[i] == '-' {
			left = true
			i++
		}
		width := 0
		for i < len(f) && f[i] >= '0' && f[i] <= '9' {
			width = width*10 + int(f[i]-'0')
			i++
		}
		if i >= len(f) {
			return nil, pgerr.New(pgerr.InvalidParameterValue, "unterminated format() type specifier")
		}
		if arg >= len(v) {
			return nil, pgerr.New(pgerr.InvalidParameterValue, "too few arguments for format()")
		}
		next = arg + 1
		x := v[arg]
		var s string
		switch f[i] {
		case 's':
			if x != nil {
				s = outputText(e, typeOf(arg), x)
			}
		case 'I':
			if x == nil {
				return nil, pgerr.New(pgerr.NullValueNotAllowed, "null values cannot be formatted as an SQL identifier")
			}
			s = quoteIdent(outputText(e, typeOf(arg), x))
		case 'L':
			s = "NULL"
			if x != nil {
				s = sqlLiteral(outputText(e, typeOf(arg), x))
			}
		default:
			return nil, pgerr.New(pgerr.InvalidParameterValue, "unrecognized format() type specifier \"%c\"", f[i]).
				WithHint("For a single \"%%\" use \"%%%%\".")
		}
		if pad := width - utf8.RuneCountInString(s); pad > 0 {
			if left {
				s += strings.Repeat(" ", pad)
			} else {
				s = strings.Repeat(" ", pad) + s
			}
		}
		sb.WriteString(s)
	}
	return sb.String(), nil
}

// sqlLiteral quotes s as quote_literal does: doubled quotes, and an E”
// string when it holds backslashes.
func sqlLiteral(s string) string {
	q := "'" + strings.ReplaceAll(s, "'", "''") + "'"
	if strings.Contains(s, `\`) {
		return "E" + strings.ReplaceAll(q, `\`, `\\`)
	}
	return q
}
