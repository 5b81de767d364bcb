package clients

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/lattice-olap/lattice/internal/testenv"
)

// wireValueExprs are SELECT lists whose row descriptions and values, as raw
// wire bytes, must be the same from Lattice as from PostgreSQL.
var wireValueExprs = []string{
	"1, 2 AS two, 1::int AS int4, 'x' AS t",
	"(-32768)::int2, 32767::int2, (-2147483648)::int4, 2147483647::int4",
	"(-9223372036854775808)::int8, 9223372036854775807::int8, 0::int8",
	"true, false, NULL::bool",
	"0.1::float8, '-0'::float8, 1e308::float8, 2.5e-310::float8, 1.0::float8 / 3",
	"'Infinity'::float8, '-Infinity'::float8, 'NaN'::float8",
	"1.0::float4 / 3, 1.5::float4 * 2::float4, 1::int2 + 1::int2, 1::int2 + 1, 1::int4 * 2::int8",
	"0.1::float4, 1.5::float4, 3.4e38::float4, 'NaN'::float4, '-Infinity'::float4",
	"0::numeric, 12345.678::numeric, -12345.678::numeric, 12345.678::numeric(10,2)",
	"0.0001::numeric, 0.00001234::numeric, 1.50::numeric, 10000::numeric, 100000000000000000000::numeric",
	"123456789012345678901234567890.123456789::numeric, 'NaN'::numeric, 0.1::numeric + 0.2",
	"1::numeric / 3, 2::numeric(5,0), (-0.5)::numeric(3,0), 12345.678 * 2",
	"'', 'abc'::text, 'héllo ✓ 日本 😀', E'tab\\there\\nnewline', 'x'::varchar(3), 'abc'::varchar",
	"'2024-02-29'::date, '1999-12-31'::date, '1970-01-01'::date, '0001-01-01'::date, '9999-12-31'::date",
	"'infinity'::date, '-infinity'::date, '2024-02-28'::date + 1",
	"'2024-03-15 13:45:30.123456'::timestamp, '1999-12-31 23:59:59.999999'::timestamp, '1900-01-01 00:00:00'::timestamp",
	"'2000-01-01 00:00:00'::timestamp, 'infinity'::timestamp, '2024-03-15 13:45:30.5'::timestamp",
	"'2024-03-15 13:45:30+02'::timestamptz, '1969-07-20 20:17:40Z'::timestamptz, '2024-03-15 13:45:30.000001+00'::timestamptz",
	"'\\x'::bytea, '\\x00ff27'::bytea, 'abc'::bytea",
	"NULL, NULL::int, NULL::text, NULL::numeric",
	"1 + 2 * 3, 7 / 2, 7 % 3, -7 / 2, 2 ^ 10",
	"'a' || 'b', 'abc' = 'abc', 1 < 2, 1 = NULL, NULL IS NULL",
	"current_setting('TimeZone'), current_setting('DateStyle')",
	"'2024-02-29 +00'::date, '2024-02-29 13:45:30+02'::date", // pgjdbc's setDate sends the first form
	"'Feb 29, 2024'::date",
	"'abc'::int",
	"'abc'::date",
	"'abc'::timestamp",
	"'2024-02-30'::date",
}

type wireResult struct {
	fields []pgconn.FieldDescription
	rows   [][][]byte
	tag    string
	err    string
}

func (r wireResult) String() string {
	var b strings.Builder
	for _, f := range r.fields {
		fmt.Fprintf(&b, "  field %q type=%d size=%d typmod=%d format=%d table=%d attr=%d\n",
			f.Name, f.DataTypeOID, f.DataTypeSize, f.TypeModifier, f.Format, f.TableOID, f.TableAttributeNumber)
	}
	for _, row := range r.rows {
		for i, v := range row {
			if v == nil {
				fmt.Fprintf(&b, "  value %d: NULL\n", i)
			} else {
				fmt.Fprintf(&b, "  value %d: %q\n", i, v)
			}
		}
	}
	fmt.Fprintf(&b, "  tag %q err %q\n", r.tag, r.err)
	return b.String()
}

func copyRows(rows [][][]byte) [][][]byte {
	out := make([][][]byte, len(rows))
	for i, row := range rows {
		out[i] = make([][]byte, len(row))
		for j, v := range row {
			if v != nil {
				out[i][j] = bytes.Clone(v)
			}
		}
	}
	return out
}

// wireQuery runs sql as a simple Query (format < 0) or through
// Parse/Bind/Execute with all results in format 0 (text) or 1 (binary).
func wireQuery(ctx context.Context, c *pgconn.PgConn, sql string, format int16) wireResult {
	if format < 0 {
		res, err := c.Exec(ctx, sql).ReadAll()
		if err != nil {
			return wireResult{err: pgCode(err) + " " + err.Error()}
		}
		r := res[len(res)-1]
		return wireResult{fields: r.FieldDescriptions, rows: copyRows(r.Rows), tag: r.CommandTag.String()}
	}
	r := c.ExecParams(ctx, sql, nil, nil, nil, []int16{format}).Read()
	if r.Err != nil {
		return wireResult{err: pgCode(r.Err) + " " + r.Err.Error()}
	}
	return wireResult{fields: r.FieldDescriptions, rows: copyRows(r.Rows), tag: r.CommandTag.String()}
}

// TestPgxWireValues compares, byte for byte, what Lattice and PostgreSQL
// send for the same SELECTs: row descriptions (names, type OIDs, sizes,
// modifiers, formats) and values in text (simple and extended protocol) and
// binary format, and prepared statement descriptions.
func TestPgxWireValues(t *testing.T) {
	t.Parallel()
	ref := testenv.Postgres(t)
	n := testenv.StartNode(t)
	lat := n.Connect(t, "lattice")
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	for _, c := range []*pgconn.PgConn{ref.PgConn(), lat.PgConn()} {
		if _, err := c.Exec(ctx, "SET TimeZone = 'UTC'").ReadAll(); err != nil {
			t.Fatalf("SET TimeZone: %v\n%s", err, n.Log())
		}
	}
	compare := func(setting string, exprs []string) {
		t.Helper()
		for _, expr := range exprs {
			sql := "SELECT " + expr
			for _, f := range []struct {
				name   string
				format int16
			}{{"simple", -1}, {"text", 0}, {"binary", 1}} {
				want := wireQuery(ctx, ref.PgConn(), sql, f.format)
				got := wireQuery(ctx, lat.PgConn(), sql, f.format)
				if want.String() != got.String() {
					t.Errorf("%s (%s%s):\n--- postgres ---\n%s--- lattice ---\n%s", sql, f.name, setting, want, got)
				}
			}
		}
	}
	compare("", wireValueExprs)

	// Settings that change how values are written.
	for _, c := range []struct {
		set, reset string
		exprs      []string
	}{
		{"SET extra_float_digits = 0", "SET extra_float_digits = 1",
			[]string{"0.1::float8, 1.0::float8 / 3, 1e308::float8, 0.1::float4, 1.0::float4 / 3::float4, 1e-5::float8"}},
		{"SET TimeZone = 'Asia/Kolkata'", "SET TimeZone = 'UTC'",
			[]string{"'2024-03-15 13:45:30+02'::timestamptz, '1969-07-20 20:17:40Z'::timestamptz"}},
		{"SET TimeZone = 'America/New_York'", "SET TimeZone = 'UTC'",
			[]string{"'2024-03-15 13:45:30+02'::timestamptz, '2024-01-15 13:45:30.25+02'::timestamptz, '2024-01-15 13:45:30'::timestamptz"}},
	} {
		for _, pc := range []*pgconn.PgConn{ref.PgConn(), lat.PgConn()} {
			if _, err := pc.Exec(ctx, c.set).ReadAll(); err != nil {
				t.Errorf("%s: %v", c.set, err)
			}
		}
		compare(", after "+c.set, c.exprs)
		for _, pc := range []*pgconn.PgConn{ref.PgConn(), lat.PgConn()} {
			if _, err := pc.Exec(ctx, c.reset).ReadAll(); err != nil {
				t.Errorf("%s: %v", c.reset, err)
			}
		}
	}

	// ParameterStatus values that drivers read (server_version, TimeZone and
	// session_authorization legitimately differ).
	for _, k := range []string{"server_encoding", "client_encoding", "DateStyle", "integer_datetimes", "standard_conforming_strings", "IntervalStyle"} {
		if want, got := ref.PgConn().ParameterStatus(k), lat.PgConn().ParameterStatus(k); want != got {
			t.Errorf("ParameterStatus %s: postgres %q, lattice %q", k, want, got)
		}
	}
	for _, pc := range []*pgconn.PgConn{ref.PgConn(), lat.PgConn()} {
		if _, err := pc.Exec(ctx, "SET application_name = 'wire test'").ReadAll(); err != nil {
			t.Errorf("SET application_name: %v", err)
		}
	}
	if want, got := ref.PgConn().ParameterStatus("application_name"), lat.PgConn().ParameterStatus("application_name"); want != got {
		t.Errorf("ParameterStatus application_name after SET: postgres %q, lattice %q", want, got)
	}

	// Statement descriptions: parameter types the server infers, and the
	// result columns.
	for _, sql := range []string{
		"SELECT $1::int, $2::text, $3::numeric(10,2), $4::bool",
		"SELECT $1::int8 + 1, $2::float8 * 2, $3::date, $4::timestamp, $5::timestamptz, $6::bytea",
		"SELECT $1::varchar(5), $2::int2, $3::float4",
		"SELECT $1 || 'x'",
		"SELECT $1::int + $2",
	} {
		describe := func(c *pgconn.PgConn) string {
			sd, err := c.Prepare(ctx, "", sql, nil)
			if err != nil {
				return "error " + pgCode(err) + " " + err.Error()
			}
			s := fmt.Sprintf("params %v\n", sd.ParamOIDs)
			for _, f := range sd.Fields {
				s += fmt.Sprintf("field %q type=%d size=%d typmod=%d\n", f.Name, f.DataTypeOID, f.DataTypeSize, f.TypeModifier)
			}
			return s
		}
		if want, got := describe(ref.PgConn()), describe(lat.PgConn()); want != got {
			t.Errorf("describe %s:\n--- postgres ---\n%s--- lattice ---\n%s", sql, want, got)
		}
	}
	if t.Failed() {
		t.Logf("lattice log:\n%s", n.Log())
	}
}
