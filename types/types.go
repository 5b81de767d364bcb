package types

import (
	"fmt"
	"strings"
)

// Oid is a PostgreSQL object identifier.
type Oid = uint32

// Family groups types that share a Datum representation.
type Family uint8

// Type families.
const (
	UnknownFamily Family = iota
	BoolFamily
	IntFamily
	FloatFamily
	NumericFamily
	StringFamily
	BytesFamily
	DateFamily
	TimestampFamily
	IntervalFamily
	TimeFamily // time without time zone
	VoidFamily
	ArrayFamily // arrays and the int2vector/oidvector catalog vectors
)

// T is a SQL type: a PostgreSQL type OID plus its typmod (-1 when none).
// For numeric the typmod packs precision and scale as PostgreSQL does:
// ((precision << 16) | scale) + 4. For varchar(n) and char(n) it is n + 4.
type T struct {
	Oid    Oid
	Typmod int32
}

// Well-known type OIDs, as in PostgreSQL's pg_type.
const (
	OidBool        Oid = 16
	OidBytea       Oid = 17
	OidName        Oid = 19
	OidInt8        Oid = 20
	OidInt2        Oid = 21
	OidInt4        Oid = 23
	OidText        Oid = 25
	OidOid         Oid = 26
	OidFloat4      Oid = 700
	OidFloat8      Oid = 701
	OidUnknown     Oid = 705
	OidBpchar      Oid = 1042
	OidVarchar     Oid = 1043
	OidDate        Oid = 1082
	OidTime        Oid = 1083
	OidTimestamp   Oid = 1114
	OidTimestampTZ Oid = 1184
	OidInterval    Oid = 1186
	OidNumeric     Oid = 1700
	OidVoid        Oid = 2278
)

// Types without a typmod.
var (
	Bool        = T{OidBool, -1}
	Bytea       = T{OidBytea, -1}
	Name        = T{OidName, -1}
	Int8        = T{OidInt8, -1}
	Int2        = T{OidInt2, -1}
	Int4        = T{OidInt4, -1}
	Text        = T{OidText, -1}
	OidT        = T{OidOid, -1}
	Float4      = T{OidFloat4, -1}
	Float8      = T{OidFloat8, -1}
	Unknown     = T{OidUnknown, -1}
	Bpchar      = T{OidBpchar, -1}
	Varchar     = T{OidVarchar, -1}
	Date        = T{OidDate, -1}
	Time        = T{OidTime, -1}
	Timestamp   = T{OidTimestamp, -1}
	TimestampTZ = T{OidTimestampTZ, -1}
	Interval    = T{OidInterval, -1}
	Numeric     = T{OidNumeric, -1}
	Void        = T{OidVoid, -1}
)

type info struct {
	name    string // pg_type.typname
	sqlName string // format_type spelling
	family  Family
	size    int16 // pg_type.typlen
}

var infos = map[Oid]info{
	OidBool:        {"bool", "boolean", BoolFamily, 1},
	OidBytea:       {"bytea", "bytea", BytesFamily, -1},
	OidName:        {"name", "name", StringFamily, 64},
	OidInt8:        {"int8", "bigint", IntFamily, 8},
	OidInt2:        {"int2", "smallint", IntFamily, 2},
	OidInt4:        {"int4", "integer", IntFamily, 4},
	OidText:        {"text", "text", StringFamily, -1},
	OidOid:         {"oid", "oid", IntFamily, 4},
	OidFloat4:      {"float4", "real", FloatFamily, 4},
	OidFloat8:      {"float8", "double precision", FloatFamily, 8},
	OidUnknown:     {"unknown", "unknown", StringFamily, -2},
	OidBpchar:      {"bpchar", "character", StringFamily, -1},
	OidVarchar:     {"varchar", "character varying", StringFamily, -1},
	OidDate:        {"date", "date", DateFamily, 4},
	OidTime:        {"time", "time without time zone", TimeFamily, 8},
	OidTimestamp:   {"timestamp", "timestamp without time zone", TimestampFamily, 8},
	OidTimestampTZ: {"timestamptz", "timestamp with time zone", TimestampFamily, 8},
	OidInterval:    {"interval", "interval", IntervalFamily, 16},
	OidNumeric:     {"numeric", "numeric", NumericFamily, -1},
	OidVoid:        {"void", "void", VoidFamily, 4},
}

// Known reports whether Lattice supports the type with this OID.
func Known(oid Oid) bool { _, ok := infos[oid]; return ok }

// FromOid returns the type with the given OID and no typmod.
func FromOid(oid Oid) (T, bool) {
	if !Known(oid) {
		return T{}, false
	}
	return T{oid, -1}, true
}

// Family returns the family of t.
func (t T) Family() Family { return infos[t.Oid].family }

// Name returns pg_type.typname, the name PostgreSQL uses for result columns
// named after a cast (SELECT 1::integer names its column int4).
func (t T) Name() string {
	if in, ok := infos[t.Oid]; ok {
		return in.name
	}
	return fmt.Sprintf("oid%d", t.Oid)
}

// Size returns pg_type.typlen: the byte width, -1 for variable width.
func (t T) Size() int16 { return infos[t.Oid].size }

// String returns the type as format_type spells it, typmod included.
func (t T) String() string {
	in, ok := infos[t.Oid]
	if !ok {
		return t.Name()
	}
	if t.Typmod < 0 {
		return in.sqlName
	}
	switch t.Oid {
	case OidNumeric:
		p, s := t.NumericPrecisionScale()
		return fmt.Sprintf("numeric(%d,%d)", p, s)
	case OidVarchar, OidBpchar:
		return fmt.Sprintf("%s(%d)", in.sqlName, t.Typmod-4)
	case OidTimestamp:
		return fmt.Sprintf("timestamp(%d) without time zone", t.Typmod)
	case OidTime:
		return fmt.Sprintf("time(%d) without time zone", t.Typmod)
	case OidTimestampTZ:
		return fmt.Sprintf("timestamp(%d) with time zone", t.Typmod)
	}
	return in.sqlName
}

// NumericPrecisionScale unpacks a numeric typmod; ok is false without one.
func (t T) NumericPrecisionScale() (precision, scale int32) {
	m := t.Typmod - 4
	return (m >> 16) & 0xffff, m & 0xffff
}

// NumericOf returns numeric(precision, scale).
func NumericOf(precision, scale int32) T {
	return T{OidNumeric, (precision<<16 | scale) + 4}
}

// VarcharOf returns varchar(n); CharOf returns char(n).
func VarcharOf(n int32) T { return T{OidVarchar, n + 4} }

// CharOf returns char(n).
func CharOf(n int32) T { return T{OidBpchar, n + 4} }

// IsNumericKind reports whether t is a number type (ints, floats, numeric).
func (t T) IsNumericKind() bool {
	switch t.Family() {
	case IntFamily, FloatFamily, NumericFamily:
		return true
	}
	return false
}

// byName maps SQL type names, as pg_query spells them after parsing
// (pg_catalog.int4, varchar, ...), to types.
var byName = map[string]T{
	"bool": Bool, "boolean": Bool,
	"bytea": Bytea,
	"name":  Name,
	"int8":  Int8, "bigint": Int8,
	"int2": Int2, "smallint": Int2,
	"int4": Int4, "int": Int4, "integer": Int4,
	"text":   Text,
	"oid":    OidT,
	"float4": Float4, "real": Float4,
	"float8": Float8, "double precision": Float8, "float": Float8,
	"unknown": Unknown,
	"bpchar":  Bpchar, "character": CharOf(1),
	"varchar": Varchar, "character varying": Varchar,
	"date":        Date,
	"time":        Time,
	"timestamp":   Timestamp,
	"timestamptz": TimestampTZ,
	"interval":    Interval,
	"numeric":     Numeric, "decimal": Numeric,
	"void": Void,
}

// Lookup finds a type by name, ignoring a pg_catalog qualifier and case.
func Lookup(name string) (T, bool) {
	name = strings.TrimPrefix(strings.ToLower(name), "pg_catalog.")
	t, ok := byName[name]
	return t, ok
}
