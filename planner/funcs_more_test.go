package planner

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/stretchr/testify/require"

	"github.com/lattice-olap/lattice/internal/testenv"
	"github.com/lattice-olap/lattice/pgerr"
	"github.com/lattice-olap/lattice/types"
)

// TestFunctionsAgainstPostgres runs each expression of functionCases as
// SELECT <expr> on PostgreSQL and on a Lattice session, and compares the
// result's type OID and text, or the error's SQLSTATE and message. A case
// starting with "SET " runs on both sides; one starting with "~" compares
// an error's SQLSTATE but not its message.
func TestFunctionsAgainstPostgres(t *testing.T) {
	pg := testenv.Postgres(t)
	p, _ := newTestPlanner(t)
	sess, err := p.NewSession("admin", "lattice", true, 1, nil)
	require.NoError(t, err)
	ctx := context.Background()

	set := func(stmt string) {
		t.Helper()
		_, err := pg.Exec(ctx, stmt)
		require.NoError(t, err, stmt)
		_, err = runSQL(t, sess, stmt)
		require.NoError(t, err, stmt)
	}
	set("SET TimeZone = 'America/New_York'")
	set("SET extra_float_digits = 1")
	set("SET DateStyle = 'ISO, MDY'")

	checked := 0
	for _, c := range functionCases {
		if strings.HasPrefix(c, "SET ") {
			set(c)
			continue
		}
		expr, codeOnly := strings.CutPrefix(c, "~")
		want := postgresResult(ctx, pg.PgConn(), expr)
		got := latticeResult(ctx, sess, expr)
		checked++
		if codeOnly {
			want.msg, got.msg = "", ""
		}
		if want != got {
			t.Errorf("SELECT %s\n  postgres: %s\n  lattice:  %s", expr, want, got)
		}
	}
	t.Logf("%d expressions compared with PostgreSQL", checked)
}

// exprResult is what a client sees of SELECT <expr>: the column's type and
// text, or the error.
type exprResult struct {
	oid        uint32
	null       bool
	text       string
	code, msg  string
	multiError bool
}

func (r exprResult) String() string {
	switch {
	case r.code != "":
		return fmt.Sprintf("ERROR %s: %s", r.code, r.msg)
	case r.null:
		return fmt.Sprintf("NULL (oid %d)", r.oid)
	}
	return fmt.Sprintf("%q (oid %d)", r.text, r.oid)
}

func postgresResult(ctx context.Context, c *pgconn.PgConn, expr string) exprResult {
	results, err := c.Exec(ctx, "SELECT "+expr).ReadAll()
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return exprResult{code: pe.Code, msg: pe.Message}
	}
	if err != nil {
		return exprResult{code: "?", msg: err.Error()}
	}
	if len(results) != 1 || len(results[0].FieldDescriptions) != 1 || len(results[0].Rows) != 1 {
		return exprResult{multiError: true}
	}
	r := results[0]
	v := r.Rows[0][0]
	return exprResult{oid: r.FieldDescriptions[0].DataTypeOID, null: v == nil, text: string(v)}
}

func latticeResult(ctx context.Context, s *Session, expr string) exprResult {
	fail := func(err error) exprResult {
		e := pgerr.From(err)
		return exprResult{code: string(e.Code), msg: e.Message}
	}
	stmts, err := s.Prepare(ctx, "SELECT "+expr, nil)
	if err != nil {
		return fail(err)
	}
	if len(stmts) != 1 || len(stmts[0].Columns) != 1 {
		return exprResult{multiError: true}
	}
	if err := s.Plan(ctx, stmts[0], nil); err != nil {
		return fail(err)
	}
	res, err := s.Execute(ctx, stmts[0], nil)
	if err != nil {
		return fail(err)
	}
	defer res.Close()
	if !res.Next(ctx) {
		if err := res.Err(); err != nil {
			return fail(err)
		}
		return exprResult{multiError: true}
	}
	typ := stmts[0].Columns[0].Type
	v := res.Row()[0]
	out := exprResult{oid: typ.Oid, null: v == nil}
	if v != nil {
		opt := s.Settings.FormatOptions()
		out.text = string(types.AppendText(nil, typ, v, &opt))
	}
	return out
}

// functionCases are the expressions compared; PostgreSQL supplies every
// expected answer.
var functionCases = concatCases(stringCases, mathCases, dateTimeCases, toCharCases)

func concatCases(lists ...[]string) []string {
	var out []string
	for _, l := range lists {
		out = append(out, l...)
	}
	return out
}

var stringCases = []string{
	// lower, upper, length and kin
	"lower('ÀBC Déf')", "upper('straße àbc')", "lower(NULL)", "upper(''::text)",
	"length('héllo')", "length(''::text)", "length(NULL::text)", "length('ab  '::char(5))", "length('\\x0102'::bytea)",
	"char_length('héllo')", "character_length('ab '::varchar)", "char_length('ab'::char(4))",
	"octet_length('héllo')", "octet_length('ab'::char(5))", "octet_length('\\xdeadbeef'::bytea)", "bit_length('héllo')",
	"length(123)",
	// substr, substring and their syntax
	"substr('alphabet', 3, 2)", "substr('alphabet', 3)", "substr('alphabet', 0, 3)", "substr('alphabet', -2, 4)",
	"substr('alphabet', 10)", "substr('alphabet', 2, 0)", "substr('alphabet', 2, -1)", "substr('héllo', 2, 3)",
	"substring('Thomas' from 2 for 3)", "substring('Thomas' from 3)", "substring('Thomas' for 2)",
	"substring('Thomas', 2, 3)", "substring('\\x0102030405'::bytea from 2 for 2)", "substr('\\x0102030405'::bytea, 4)",
	`substring('abc123def456' from '[0-9]+')`, `substring('abc123def456' from '\d+')`, `substring('hello world' from '^(\w+)')`,
	`substring('abcd' from '(a|ab)(c|bcd)')`, `substring('xaaax' from 'a*?')`, `substring('xaaax' from 'a+?')`,
	`substring('foobar' from 'o(b|o)')`, `substring('foobar' from '(x)?bar')`, `~substring('ab' from '(')`,
	`substring('aaa' from 'a{2}')`, `substring('Hello' from '[[:upper:]]')`, `substring('a.b' from '\.')`,
	`substring('abcabc' from '(b|bc)+')`, `substring('2024-01-15' from '(\d{4})-(\d{2})')`,
	"substring('Thomas' from '...$')", "substring('Thomas' from 'o(.)a')", "substring('Thomas' from 'x')",
	"substring(NULL from 1)", "substring('abc' from NULL for 1)", "substring('abc', 1, 2147483647)",
	// trim
	"trim('  abc  ')", "trim(both 'xy' from 'xxabcyy')", "trim(leading 'x' from 'xxabcxx')",
	"trim(trailing 'x' from 'xxabcxx')", "trim(leading from '  abc  ')", "btrim('xyxtrimyyx', 'xy')",
	"ltrim('zzzytest', 'xyz')", "rtrim('testxxzx', 'xyz')", "ltrim('  x ')", "rtrim('  x  ')",
	"btrim('\\x1234567890'::bytea, '\\x9012'::bytea)", "btrim('abc', '')", "trim(NULL)",
	// concat_ws
	"concat_ws(',', 'abcde', 2, NULL, 22)", "concat_ws(NULL, 'a', 'b')", "concat_ws('', 'a', NULL)",
	"concat_ws('-', true, 1.50, date '2024-01-02')", "concat_ws(',')", "concat_ws(',', NULL)",
	// replace, split_part, position
	"replace('abcdefabcdef', 'cd', 'XX')", "replace('abc', '', 'X')", "replace('aaa', 'aa', 'b')",
	"split_part('abc~@~def~@~ghi', '~@~', 2)", "split_part('abc,def,ghi,jkl', ',', -2)",
	"split_part('abc,def', ',', 5)", "split_part('abc,def', ',', -5)", "split_part('abc', ',', 1)",
	"split_part('abc', ',', -1)", "split_part('abc', ',', 2)", "split_part('', ',', 1)",
	"split_part('abc', '', 1)", "split_part('abc', '', 2)", "split_part('a,b', ',', 0)",
	"position('om' in 'Thomas')", "position('x' in 'Thomas')", "position('' in 'Thomas')",
	"position('é' in 'caféé')", "strpos('high', 'ig')", "strpos('high', 'x')",
	"position('\\x03'::bytea in '\\x010203'::bytea)",
	// left, right, lpad, rpad, repeat, reverse
	"left('abcde', 2)", "left('abcde', -2)", "left('abcde', 10)", "left('abcde', -10)", "left('abcde', 0)",
	"right('abcde', 2)", "right('abcde', -2)", "right('abcde', 10)", "right('abcde', -10)",
	"lpad('hi', 5, 'xy')", "lpad('hi', 5)", "lpad('hello', 2)", "lpad('hi', -1)", "lpad('hi', 5, '')",
	"rpad('hi', 5, 'xy')", "rpad('hi', 5)", "rpad('hello', 3, 'x')", "rpad('hé', 4, 'é')",
	"lpad('x', 600000000)",
	"repeat('Pg', 4)", "repeat('Pg', 0)", "repeat('Pg', -1)", "repeat('', 5)", "repeat('ab', 1000000000)",
	"reverse('abcdé')", "reverse('')",
	// initcap, md5, starts_with, ascii, chr, translate, to_hex
	"initcap('hi THOMAS')", "initcap('élan vital-école 2nd')", "initcap('')",
	"md5('abc')", "md5('')", "md5('\\x616263'::bytea)",
	"starts_with('alphabet', 'alph')", "starts_with('alphabet', 'b')", "starts_with('a', '')",
	"ascii('x')", "ascii('é')", "ascii('')", "chr(65)", "chr(233)", "chr(128512)", "chr(0)", "chr(-1)",
	"chr(1114112)", "chr(55296)",
	"translate('12345', '143', 'ax')", "translate('hello', 'l', 'L')", "translate('abc', 'aa', 'xy')",
	"to_hex(255)", "to_hex(-1)", "to_hex(9223372036854775807)", "to_hex(0)",
	"overlay('Txxxxas' placing 'hom' from 2 for 4)", "overlay('Txxxxas' placing 'hom' from 2)",
	"overlay('abc' placing 'X' from 0)", "overlay('abc' placing 'XY' from 5)",
	"overlay('\\x010203'::bytea placing '\\xff'::bytea from 2 for 1)",
	// other string types as arguments
	"length('héllo'::name)", "upper('abc'::name)", "substr('abcdef'::name, 1, 3)", "left('abc'::varchar, 2)",
	"substr('ab  '::char(4), 1, 4)", "concat_ws(',', 'ab'::char(4), 'c')", "replace('ab  '::char(4), ' ', '_')",
	"concat_ws('|', 1.5::float8, 2.5::real, interval '1 day', timestamptz '2024-01-01 00:00+00', '\x01'::bytea, NULL::int)",
	"lpad('ab'::char(4), 6, '*')", "starts_with('abc'::varchar, 'ab'::char(2))", "translate('abc'::name, 'a', 'b')",
	// resolution and errors
	"substr(123, 1)", "upper(1)", "lpad('a', 'b')", "replace('a', 'b')", "btrim(1)",
}

var mathCases = []string{
	// floor, ceil, round, trunc
	"floor(-42.8)", "floor(42.8::float8)", "floor(1.5::real)", "floor(5)", "floor('3.7')", "floor('NaN'::numeric)",
	"ceil(-42.8)", "ceil(42.2::float8)", "ceiling(4.0001)", "ceil(5::int2)",
	"round(42.4)", "round(42.5)", "round(-42.5)", "round(42.5::float8)", "round(43.5::float8)", "round(5)",
	"round(1234.5678, 2)", "round(1234.5678, -2)", "round(1250, -2)", "round(-1250, -2)", "round(0.5, -1)",
	"round(999.5, -3)", "round(1.5, 3)", "round(1234.5678, 0)", "round(1.25, 1)", "round('Infinity'::numeric, 2)",
	"round(5, 1)", "round(2.5::float8)", "round(1e300::float8)",
	"trunc(42.8)", "trunc(-42.8)", "trunc(42.8::float8)", "trunc(-42.8::float8)", "trunc(1234.5678, 2)",
	"trunc(1234.5678, -2)", "trunc(-1234.5678, -2)", "trunc(1.5, 3)", "trunc(5)", "trunc(7, 1)",
	// abs, sign, mod, div, gcd, lcm
	"abs(-17.4)", "abs(-17)", "abs(-17::int2)", "abs(-1.5::real)", "abs('-2')", "abs(-2147483647 - 1)",
	"sign(-8.4)", "sign(0.0)", "sign(3)", "sign(-3.5::float8)", "sign('NaN'::numeric)", "sign('-Infinity'::numeric)",
	"mod(9, 4)", "mod(-9, 4)", "mod(9.5, 4)", "mod(9, 0)",
	"div(9, 4)", "div(-9, 4)", "div(9.5, 2.1)", "div(1, 0)", "div(-7.5, 2)", "div('Infinity'::numeric, 2)",
	"gcd(1071, 462)", "gcd(-12, 18)", "gcd(0, 0)", "gcd(0, -7)", "gcd(12::int8, 18::int8)",
	"gcd(1.5, 2.25)", "gcd(-2147483647 - 1, 0)", "gcd(-2147483647 - 1, 1)", "gcd(-2147483647 - 1, -2147483647 - 1)", "gcd((-9223372036854775808)::int8, 0)",
	"gcd(12, 18.0)", "gcd('NaN'::numeric, 1)",
	"lcm(1071, 462)", "lcm(-12, 18)", "lcm(0, 5)", "lcm(1.5, 2.25)", "lcm(0, 1.50)", "lcm(2147483647, 2147483646)",
	"lcm(9223372036854775807, 2)", "lcm(-2147483647 - 1, 1)",
	// sqrt, cbrt, exp, ln, log
	"sqrt(2)", "sqrt(2.0)", "sqrt(16)", "sqrt(16.0)", "sqrt(0.0)", "sqrt(2.000000)", "sqrt(1e-10)",
	"sqrt(123456789012345678901234567890.0)", "sqrt(-1)", "sqrt(-1.0)", "sqrt('Infinity'::numeric)",
	"sqrt(0.0001)", "sqrt(1e100::float8)",
	"cbrt(27)", "cbrt(2)", "cbrt(-8.0)", "cbrt(0.001)",
	"exp(1)", "exp(1.0)", "exp(0.0)", "exp(-1.0)", "exp(10.5)", "exp(100.0)", "exp(-100.0)", "exp(2::float8)",
	"exp(710::float8)", "exp(-746::float8)", "exp(-740::float8)", "exp('-Infinity'::float8)", "exp(1.23456789012345678901234)",
	"ln(2)", "ln(2.0)", "ln(10.0)", "ln(1.0)", "ln(0.5)", "ln(1.05)", "ln(0.999)", "ln(1e-20)",
	"ln(123456789.123)", "ln(0)", "ln(0.0)", "ln(-1)", "ln(-1.0)",
	"log(100)", "log(100.0)", "log(2.0)", "log(1000::float8)", "log(2, 64)", "log(2.0, 64.0)", "log(10, 1000)",
	"log(2, 3)", "log(1, 10)", "log(0, 10)", "log(2, -1)", "log(0.5, 8)", "log10(1000)", "log10(5.5)", "log10(0.001)",
	// power, trigonometry, degrees
	"power(2, 10)", "power(2.0, 10)", "pow(2, 0.5)", "power(-8, 1.0/3)", "power(0, -1)",
	"pi()", "degrees(pi())", "degrees(1)", "radians(180)", "radians(45.5)",
	"sin(1)", "sin(0.5)", "sin(3)", "sin(10)", "sin(100)", "sin(-2.5)", "sin('Infinity'::float8)", "sin('NaN'::float8)",
	"cos(1)", "cos(0.5)", "cos(2)", "cos(10)", "cos(1e10)",
	"tan(1)", "tan(0.5)", "tan(1.5)", "cot(1)", "cot(0)",
	"asin(0.5)", "asin(1)", "asin(0.3)", "asin(2)", "acos(0.5)", "acos(-1)", "acos(0.3)", "acos(-1.5)",
	"atan(1)", "atan(0.5)", "atan(10)", "atan2(1, 2)", "atan2(-1, -2)", "atan2(0, -1)", "atan2(2, 0)",
	"sinh(1)", "cosh(1)", "tanh(0.5)", "asinh(1)", "acosh(2)", "acosh(0.5)", "atanh(0.5)", "atanh(1)", "atanh(2)",
	// width_bucket, scale, random
	"width_bucket(5.35, 0.024, 10.06, 5)", "width_bucket(5.35::float8, 0.024, 10.06, 5)",
	"width_bucket(0.3::float8, 0, 1, 10)", "width_bucket(0.3, 0, 1, 10)", "width_bucket(-1, 0, 10, 5)",
	"width_bucket(10, 0, 10, 5)", "width_bucket(7, 10, 0, 5)", "width_bucket(10, 10, 0, 5)",
	"width_bucket(5, 0, 10, 0)", "width_bucket(5, 3, 3, 5)", "width_bucket('NaN'::float8, 0, 1, 2)",
	"width_bucket(1, 0, 'Infinity'::float8, 2)", "width_bucket(5, 0, 10, 2147483647)",
	"width_bucket(10, 0, 10, 2147483647)", "width_bucket(3, 0, 10, 2147483647)",
	"scale(8.4100)", "scale(5)", "scale('NaN'::numeric)",
	"random() >= 0 AND random() < 1", "random() <> random()",
	// resolution
	"sqrt('4')", "exp('x')", "floor('a'::text)", "round(1.5::real)", "trunc(1.5::real, 1)", "gcd(1.5::float8, 2)",
	"trunc('1.5')", "age('2001-01-01')", "gcd('1', '2')", "to_hex('1')", "sign('1')", "isfinite('2001-01-01')",
	"lcm(4, '6')", "gcd(4::int8, '6')", "round('2.5')", "log('100')", "log('8', 2)", "power('2', 3)", "power(2.0, '3')",
	"ln(2::int8)", "sign(2::int2)", "abs(NULL)", "round(NULL, 2)", "sqrt(NULL)", "gcd(NULL, 1)",
}

var dateTimeCases = []string{
	// date_trunc
	"date_trunc('hour', timestamp '2001-02-16 20:38:40')", "date_trunc('year', timestamp '2001-02-16 20:38:40')",
	"date_trunc('week', timestamp '2024-01-03 10:00')", "date_trunc('week', timestamp '2021-01-01 10:00')",
	"date_trunc('quarter', timestamp '2024-08-15')", "date_trunc('month', timestamp '2024-02-29 23:59:59.999999')",
	"date_trunc('decade', timestamp '2024-08-15')", "date_trunc('century', timestamp '2000-08-15')",
	"date_trunc('century', timestamp '2001-08-15')", "date_trunc('millennium', timestamp '2024-08-15')",
	"date_trunc('millisecond', timestamp '2024-08-15 01:02:03.456789')", "date_trunc('microseconds', timestamp '2024-08-15 01:02:03.456789')",
	"date_trunc('second', timestamp '2024-08-15 01:02:03.456789')", "date_trunc('minute', timestamp '2024-08-15 01:02:03.456789')",
	"date_trunc('DAY', timestamp '2024-08-15 01:02:03')", "date_trunc('year', timestamp '0044-03-15 BC')",
	"date_trunc('century', timestamp '0044-03-15 BC')", "date_trunc('decade', timestamp '0044-03-15 BC')",
	"date_trunc('millennium', timestamp '1044-03-15 BC')",
	"date_trunc('foo', timestamp '2001-02-16')", "date_trunc('dow', timestamp '2001-02-16')",
	"date_trunc('timezone', timestamp '2001-02-16')", "date_trunc('hour', timestamp 'infinity')",
	"date_trunc('foo', timestamp '-infinity')",
	"date_trunc('day', timestamptz '2001-02-16 20:38:40+00')", "date_trunc('hour', timestamptz '2001-02-16 20:38:40+00')",
	"date_trunc('month', timestamptz '2024-03-10 12:00-04')", "date_trunc('day', timestamptz '2024-03-10 12:00-04')",
	"date_trunc('day', timestamptz '2024-11-03 12:00-05')", "date_trunc('hour', timestamptz '2024-11-03 01:30-05')",
	"date_trunc('hour', timestamptz '2024-11-03 01:30-04')", "date_trunc('week', timestamptz '2024-11-05 12:00-05')",
	"date_trunc('day', timestamptz '2001-02-16 20:38:40+00', 'Australia/Sydney')",
	"date_trunc('day', timestamptz '2001-02-16 20:38:40+00', 'UTC')", "date_trunc('day', timestamptz '2001-02-16 20:38:40+00', 'nowhere')",
	"date_trunc('timezone', timestamptz '2001-02-16 20:38:40+00')",
	"date_trunc('month', date '2024-05-17')", "date_trunc('day', '2024-05-17 10:00')",
	"date_trunc('hour', interval '3 days 02:47:33')", "date_trunc('year', interval '3 years 5 months 2 days')",
	"date_trunc('quarter', interval '3 years 5 months 2 days')", "date_trunc('decade', interval '23 years')",
	"date_trunc('millisecond', interval '1.234567 seconds')", "date_trunc('week', interval '10 days')",
	"date_trunc('foo', interval '10 days')", "date_trunc('minute', interval '-1 day -02:03:04.5')",
	"date_trunc(NULL, timestamp '2001-02-16')", "date_trunc('day', NULL::timestamp)",
	// extract
	"extract(year from timestamp '2001-02-16 20:38:40')", "extract(month from timestamp '2001-02-16 20:38:40')",
	"extract(day from timestamp '2001-02-16 20:38:40')", "extract(hour from timestamp '2001-02-16 20:38:40')",
	"extract(minute from timestamp '2001-02-16 20:38:40')", "extract(second from timestamp '2001-02-16 20:38:40.5')",
	"extract(second from timestamp '2001-02-16 20:38:40')", "extract(milliseconds from timestamp '2001-02-16 20:38:40.5')",
	"extract(microseconds from timestamp '2001-02-16 20:38:40.5')", "extract(epoch from timestamp '2024-01-01 12:00:00.5')",
	"extract(epoch from timestamp '1960-01-01 00:00:00.25')", "extract(julian from timestamp '2024-01-01 12:00:00')",
	"extract(julian from timestamp '2024-01-01 00:00:00')", "extract(dow from timestamp '2024-01-07')",
	"extract(isodow from timestamp '2024-01-07')", "extract(doy from timestamp '2024-12-31')",
	"extract(week from timestamp '2024-12-30')", "extract(week from timestamp '2021-01-01')",
	"extract(isoyear from timestamp '2021-01-01')", "extract(quarter from timestamp '2024-08-01')",
	"extract(decade from timestamp '2024-08-01')", "extract(century from timestamp '2000-08-01')",
	"extract(century from timestamp '2001-08-01')", "extract(millennium from timestamp '2001-08-01')",
	"extract(year from timestamp '0044-03-15 BC')", "extract(century from timestamp '0044-03-15 BC')",
	"extract(decade from timestamp '0044-03-15 BC')", "extract(millennium from timestamp '0044-03-15 BC')",
	"extract(isoyear from timestamp '0001-01-01 BC')",
	"extract(timezone from timestamp '2001-02-16')", "extract(foo from timestamp '2001-02-16')",
	"extract(today from timestamp '2001-02-16')", "extract(jan from timestamp '2001-02-16')",
	"extract(year from timestamp 'infinity')", "extract(epoch from timestamp '-infinity')",
	"extract(hour from timestamp 'infinity')", "extract(foo from timestamp 'infinity')", "extract(now from timestamp 'infinity')",
	"extract('hours' from timestamp '2001-02-16 20:38:40')", "extract(microsecondsxyz from timestamp '2001-02-16 20:38:40.1')",
	"extract(hour from timestamptz '2001-02-16 20:38:40+00')", "extract(day from timestamptz '2001-02-17 02:38:40+00')",
	"extract(epoch from timestamptz '2001-02-16 20:38:40.12+08')", "extract(timezone from timestamptz '2001-02-16 20:38:40+00')",
	"extract(timezone_hour from timestamptz '2001-07-16 20:38:40+00')", "extract(timezone_minute from timestamptz '2001-07-16 20:38:40+00')",
	"extract(julian from timestamptz '2001-02-16 20:38:40+00')",
	"extract(year from date '2001-02-16')", "extract(doy from date '2001-02-16')", "extract(epoch from date '2001-02-16')",
	"extract(julian from date '2001-02-16')", "extract(week from date '2005-01-01')", "extract(isoyear from date '2005-01-01')",
	"extract(hour from date '2001-02-16')", "extract(foo from date '2001-02-16')", "extract(year from date 'infinity')",
	"extract(day from date 'infinity')", "extract(hour from date 'infinity')", "extract(century from date '0100-01-01 BC')",
	"extract(epoch from interval '1 year 2 months 3 days 04:05:06.7')", "extract(epoch from interval '-1 year')",
	"extract(epoch from interval '1 month')", "extract(hour from interval '100 hours 3 minutes')",
	"extract(minute from interval '-1 hour -3 minutes')", "extract(second from interval '1.5 seconds')",
	"extract(milliseconds from interval '1.5 seconds')", "extract(microseconds from interval '61.5 seconds')",
	"extract(day from interval '40 days')", "extract(month from interval '14 months')", "extract(quarter from interval '8 months')",
	"extract(year from interval '14 months')", "extract(decade from interval '125 years')", "extract(century from interval '-125 years')",
	"extract(millennium from interval '2500 years')", "extract(dow from interval '1 day')", "extract(week from interval '1 day')",
	"extract(foo from interval '1 day')",
	"~extract(year from '2024-01-01')",
	// date_part
	"date_part('year', timestamp '2001-02-16 20:38:40')", "date_part('second', timestamp '2001-02-16 20:38:40.25')",
	"date_part('epoch', timestamp '2024-01-01 12:00:00.5')", "date_part('milliseconds', timestamp '2001-02-16 20:38:40.5')",
	"date_part('microseconds', timestamp '2001-02-16 20:38:40.5')", "date_part('julian', timestamp '2024-01-01 12:00:00')",
	"date_part('julian', timestamp '2001-02-16 20:38:40.123456')", "date_part('dow', timestamp '2024-01-07')",
	"date_part('hour', timestamptz '2001-02-16 20:38:40+00')", "date_part('epoch', timestamptz '2001-02-16 20:38:40.12+08')",
	"date_part('timezone', timestamptz '2001-02-16 20:38:40+00')",
	"date_part('day', date '2001-02-16')", "date_part('hour', date '2001-02-16')", "date_part('epoch', date '2001-02-16')",
	"date_part('foo', date '2001-02-16')", "date_part('year', date 'infinity')",
	"date_part('epoch', interval '1 year 2 months 3 days 04:05:06.7')", "date_part('second', interval '61.5 seconds')",
	"date_part('hour', interval '100 hours')", "date_part('year', timestamp 'infinity')",
	"date_part('hour', timestamp 'infinity')", "date_part('year', '2001-02-16')",
	// age
	"age(timestamp '2001-04-10', timestamp '1957-06-13')", "age(timestamp '2024-03-31', timestamp '2024-02-29')",
	"age(timestamp '2024-02-29', timestamp '2024-03-31')", "age(timestamp '2024-01-31 10:00', timestamp '2024-03-01 09:00')",
	"age(timestamp '2024-01-01', timestamp '2024-01-01')", "age(timestamp '2024-05-01 00:00:00.5', timestamp '2024-04-30 23:59:59.75')",
	"age(timestamptz '2024-03-10 12:00-04', timestamptz '2024-03-09 12:00-05')", "age(date '2024-03-01', date '2023-01-31')",
	"age('2024-03-01', '2023-01-31')", "age(timestamp '1957-06-13') > interval '60 years'",
	"age(timestamp 'infinity', timestamp '2024-01-01')",
	// make_date, make_timestamp, make_timestamptz
	"make_date(2013, 7, 15)", "make_date(-44, 3, 15)", "make_date(2024, 2, 29)", "make_date(2023, 2, 29)",
	"make_date(0, 1, 1)", "make_date(2024, 13, 1)", "make_date(-44, 2, 30)", "make_date(-4714, 11, 24)", "make_date(-4714, 11, 23)",
	"make_timestamp(2013, 7, 15, 8, 15, 23.5)", "make_timestamp(2024, 1, 1, 24, 0, 0)", "make_timestamp(2024, 1, 1, 24, 0, 0.5)",
	"make_timestamp(2024, 1, 1, 23, 59, 59.9999999)", "make_timestamp(2024, 1, 1, 0, 60, 0)", "make_timestamp(2024, 1, 1, 0, 0, 60)",
	"make_timestamp(2024, 1, 1, 0, 0, 60.123456789)", "make_timestamp(2024, 1, 1, 0, 0, -1)", "make_timestamp(2024, 2, 30, 0, 0, 0)",
	"make_timestamp(-44, 3, 15, 12, 0, 0)", "make_timestamp(300000, 1, 1, 0, 0, 0)", "make_timestamp(2024, 1, 1, 0, 0, 'NaN')",
	"make_timestamptz(2013, 7, 15, 8, 15, 23.5)", "make_timestamptz(2024, 3, 10, 2, 30, 0)", "make_timestamptz(2024, 11, 3, 1, 30, 0)",
	"make_timestamptz(2013, 7, 15, 8, 15, 23.5, 'Europe/Paris')", "make_timestamptz(2013, 7, 15, 8, 15, 23.5, '+03')",
	"make_timestamptz(2013, 7, 15, 8, 15, 23.5, 'nowhere')",
	// justify, date_bin, to_timestamp, isfinite
	"justify_days(interval '35 days')", "justify_days(interval '-35 days')", "justify_days(interval '1 month -35 days')",
	"justify_days(interval '-1 month 35 days')", "justify_hours(interval '27 hours')", "justify_hours(interval '-27 hours')",
	"justify_hours(interval '1 day -3 hours')", "justify_hours(interval '-1 day 3 hours')",
	"justify_interval(interval '1 mon -1 hour')", "justify_interval(interval '-1 mon 1 hour')",
	"justify_interval(interval '65 days 30 hours')", "justify_interval(interval '1 mon -30 days -1 hour')",
	"justify_days(interval '2147483647 months 30 days')",
	"date_bin('15 minutes', timestamp '2020-02-11 15:44:17', timestamp '2001-01-01')",
	"date_bin('15 minutes', timestamp '2020-02-11 15:44:17', timestamp '2001-01-01 00:02:30')",
	"date_bin('15 minutes', timestamp '2020-02-11 15:30:00', timestamp '2020-02-11 15:45:00')",
	"date_bin('15 minutes', timestamp '2020-02-11 15:31:00', timestamp '2020-02-11 15:45:00')",
	"date_bin('1 day 2 hours', timestamptz '2020-02-11 15:44:17+00', timestamptz '2001-01-01 00:00+00')",
	"date_bin('1 month', timestamp '2020-02-11 15:30:00', timestamp '2020-02-11 15:45:00')",
	"date_bin('0 minutes', timestamp '2020-02-11 15:30:00', timestamp '2020-02-11 15:45:00')",
	"date_bin('1 minute', timestamp '2020-02-11 15:30:00', timestamp 'infinity')",
	"date_bin('1 minute', timestamp 'infinity', timestamp '2020-01-01')",
	"to_timestamp(1284352323)", "to_timestamp(1284352323.5)", "to_timestamp(0)", "to_timestamp(-1.5)",
	"to_timestamp('NaN'::float8)", "to_timestamp('Infinity'::float8)", "to_timestamp(1e20)",
	"isfinite(date '2001-02-16')", "isfinite(timestamp 'infinity')", "isfinite(date '-infinity')",
	"isfinite(interval '4 hours')", "isfinite(timestamptz '2001-02-16 21:28:30+00')",
}

var toCharCases = []string{
	// timestamps
	"to_char(timestamp '2002-04-20 17:31:12.66', 'HH12:MI:SS')",
	"to_char(timestamp '2002-04-20 17:31:12.66', 'YYYY-MM-DD HH24:MI:SS.MS US')",
	"to_char(timestamp '2024-01-05 00:07:09', 'HH HH12 HH24 AM am A.M. a.m. PM')",
	"to_char(timestamp '2024-01-05 12:07:09', 'HH12 PM p.m.')",
	"to_char(timestamp '2024-01-05 13:07:09', 'Day DAY day Dy DY dy D ID')",
	"to_char(timestamp '2024-03-05', 'Month MONTH month Mon MON mon MM')",
	"to_char(timestamp '2024-03-05', 'FMMonth FMDay FMDD FMMM')",
	"to_char(timestamp '2024-05-05', 'TMMonth TMDay')",
	"to_char(timestamp '2024-12-31', 'YYYY YYY YY Y Y,YYY IYYY IYY IY I')",
	"to_char(timestamp '2021-01-01', 'IYYY-IW-ID IDDD WW W DDD Q CC J')",
	"to_char(timestamp '2024-01-01 10:11:12.123456', 'FF1 FF2 FF3 FF4 FF5 FF6 SSSS SSSSS')",
	"to_char(timestamp '2024-01-01', 'DDth DDTH Mth')",
	"to_char(timestamp '2024-01-02', 'FMDDth')", "to_char(timestamp '2024-01-03', 'FMDDth')",
	"to_char(timestamp '2024-01-11', 'DDth')", "to_char(timestamp '2024-01-12', 'DDth')",
	"to_char(timestamp '2024-01-13', 'DDth')", "to_char(timestamp '2024-01-21', 'DDth')",
	"to_char(timestamp '2024-01-22', 'DDth')", "to_char(timestamp '2024-01-23', 'DDth')",
	"to_char(timestamp '2024-03-05', 'RM rm FMRM')", "to_char(timestamp '2024-12-05', 'RM')",
	"to_char(timestamp '2024-03-05', '\"Year\" YYYY \"quoted \\\"MM\\\"\"')",
	"to_char(timestamp '2024-03-05', 'YYYY\\\"MM')",
	"to_char(timestamp '2024-03-05 10:00', 'TZ tz TZH:TZM OF')",
	"to_char(timestamp '0044-03-15 BC', 'YYYY BC B.C. AD ad CC')",
	"to_char(timestamp '2024-03-05', 'AD BC a.d.')",
	"to_char(timestamp '2024-03-05', 'FMx')", "to_char(timestamp '2024-03-05', '')",
	"to_char(timestamp 'infinity', 'YYYY')", "to_char(NULL::timestamp, 'YYYY')",
	"to_char(timestamp '2024-03-05', 'DDSP')", "to_char(timestamp '2024-03-05', 'FX YYYY')",
	"to_char(timestamp '2024-03-05 01:02:03', 'hh24:mi:ss yyyy-mm-dd')",
	"to_char(timestamp '12345-03-05', 'YYYY CC Y,YYY')",
	// timestamptz in the session zone, dates
	"to_char(timestamptz '2024-03-05 10:00:00+00', 'YYYY-MM-DD HH24:MI:SS TZ tz TZH TZM OF')",
	"to_char(timestamptz '2024-07-05 10:00:00+00', 'YYYY-MM-DD HH24:MI:SS TZ OF')",
	"to_char(date '2024-07-05', 'YYYY-MM-DD HH24 TZ')",
	"to_char(timestamptz '2024-07-05 10:00:00+00', 'FMOF')",
	// intervals
	"to_char(interval '15h 2m 12s', 'HH24:MI:SS')", "to_char(interval '-15h 2m 12s', 'HH24:MI:SS')",
	"to_char(interval '1 year 2 months 3 days', 'YYYY MM DD DDD')", "to_char(interval '100 hours', 'HH24 HH12 HH')",
	"to_char(interval '1 day', 'Mon')", "to_char(interval '1 day', 'Day')", "to_char(interval '1 day', 'TZ')",
	"to_char(interval '14 months', 'RM Q')", "to_char(interval '0', 'RM|Q')", "to_char(interval '1 day', '')",
	// numbers
	"to_char(125, '999')", "to_char(125.8::real, '999D9')", "to_char(-125.8, '999D99S')", "to_char(-0.1, '99.99')",
	"to_char(0.1, 'FM9.99')", "to_char(0.5, '9.99')", "to_char(0, '9.99')", "to_char(0, 'FM9.99')", "to_char(0, '0.99')",
	"to_char(12, '9990999.9')", "to_char(12, 'FM9990999.9')", "to_char(485, '999')", "to_char(-485, '999')",
	"to_char(1485, '9,999')", "to_char(1485, '9G999')", "to_char(148.5, '999.999')", "to_char(148.5, 'FM999.999')",
	"to_char(148.5, 'FM999.990')", "to_char(3148.5, '9G999D999')", "to_char(-485, '999S')", "to_char(-485, '999MI')",
	"to_char(485, '999MI')", "to_char(485, 'FM999MI')", "to_char(485, 'PL999')", "to_char(485, 'SG999')",
	"to_char(-485, 'SG999')", "to_char(-485, '9SG99')", "to_char(-485, '999PR')", "to_char(485, '999PR')",
	"to_char(485, 'FM999PR')", "to_char(485, 'L999')", "to_char(485, 'RN')", "to_char(485, 'FMRN')", "to_char(485, 'rn')",
	"to_char(5.2, 'FMRN')", "to_char(4000, 'RN')", "to_char(482, '999th')", "to_char(481, 'FM999TH')", "to_char(-481, '999th')",
	"to_char(12, '99V999')", "to_char(12.4, '99V999')", "to_char(12.45, '99V9')", "to_char(0.0004859, '9.99EEEE')",
	"to_char(12345, '9.99EEEE')", "to_char(-12345, '9.9EEEE')", "to_char(12345::int8, '9.99EEEE')",
	"to_char(12345::float8, '9.99EEEE')", "to_char(0, '9.99EEEE')", "to_char(9.99, '9.9EEEE')",
	"to_char(1234567, '999')", "to_char(1234567.891, '999.99')", "to_char(1234567.891::float8, '999.99')",
	"to_char(1234567.891::float8, '99999999.99')", "to_char(123456789012345.678::float8, '999999999999999.999')",
	"to_char(1.23456789::real, '9.999999999')", "to_char(12, '\"Total: \"99')", "to_char(12, 'abc99')",
	"to_char(12, '99 xyz')", "to_char(-12, 'S99')", "to_char(12, 'S99')", "to_char(12, 'FMS99')", "to_char(-12.5, 'FM99.99S')",
	"to_char(1234567890123456789::int8, '9999999999999999999')", "to_char(1234.5::numeric, '0000.00')",
	"to_char(-1234.5::numeric, '0000000.00')", "to_char(5, '0000')", "to_char(-5, '0000')", "to_char(5, 'FM0000')",
	"to_char('NaN'::float8, '999.9')", "to_char('Infinity'::float8, '999.9')", "to_char('NaN'::numeric, '999.9')",
	"to_char('Infinity'::numeric, '9.99EEEE')", "to_char(1.5, '')", "to_char(12, 'EEEE999')", "to_char(12, '99.9V9')",
	"to_char(12, '9.9.9')", "to_char(12, 'S9S9')", "to_char(12, 'S9MI')", "to_char(12, 'MI9PR')", "to_char(12, '9PR9')",
	"to_char(12, 'FM9EEEE')", "to_char(12, 'C99')", "to_char(12::int2, '999')", "to_char('1.5', '9.9')",
	"to_char(NULL::int, '999')", "to_char(12, NULL)", "to_char(1e15::float8, '9999999999999999')",
	"to_char(0.1::float8, '0.9999999999999999999')",
}

// Generated cases: every unit and format keyword against a few values, so
// that the tables (units, DCH and NUM keywords) are checked entry by entry.
func init() {
	functionCases = append(functionCases, generatedCases()...)
}

func generatedCases() []string {
	var out []string
	units := []string{"microseconds", "milliseconds", "second", "minute", "hour", "day", "week", "month", "quarter",
		"year", "decade", "century", "millennium", "julian", "dow", "isodow", "doy", "isoyear", "epoch",
		"timezone", "timezone_hour", "timezone_minute", "us", "ms", "s", "m", "h", "d", "w", "y", "mon", "mm",
		"msec", "usec", "secs", "mins", "hrs", "days", "weeks", "months", "years", "qtr", "dec", "c", "mil", "j",
		"today", "now", "epoc", "Year", ""}
	values := []string{
		"timestamp '2001-02-16 20:38:40.123456'", "timestamp '2024-12-30 00:00:00'", "timestamp '0044-03-15 10:00 BC'",
		"timestamp '2021-01-01 23:59:59.999999'", "timestamptz '2001-02-16 20:38:40.5+00'", "timestamptz '2024-07-01 03:00:00+00'",
		"date '2001-02-16'", "date '2021-01-03'", "date '0001-01-01 BC'",
		"interval '1 year 2 months 3 days 04:05:06.789'", "interval '-3 years -5 months -2 days -01:02:03.5'",
		"interval '100 hours'", "interval '25 months'",
	}
	for _, u := range units {
		for _, v := range values {
			out = append(out, fmt.Sprintf("extract(%q from %s)", u, v), fmt.Sprintf("date_part('%s', %s)", u, v))
		}
	}
	truncUnits := []string{"microseconds", "milliseconds", "second", "minute", "hour", "day", "week", "month",
		"quarter", "year", "decade", "century", "millennium", "dow", "epoch", "timezone", "mon", "y"}
	truncValues := []string{
		"timestamp '2001-02-16 20:38:40.123456'", "timestamp '2024-12-30 00:00:00'", "timestamp '0044-03-15 10:00 BC'",
		"timestamptz '2001-02-16 20:38:40.5+00'", "timestamptz '2024-03-10 06:30:00+00'", "timestamptz '2024-11-03 05:30:00+00'",
		"timestamptz '2024-11-03 06:30:00+00'", "interval '1 year 2 months 3 days 04:05:06.789'",
		"interval '-1234 years -5 months -2 days -01:02:03.5'",
	}
	for _, u := range truncUnits {
		for _, v := range truncValues {
			out = append(out, fmt.Sprintf("date_trunc('%s', %s)", u, v))
		}
	}
	dch := []string{"A.D.", "A.M.", "AD", "AM", "B.C.", "BC", "CC", "DAY", "DDD", "DD", "DY", "Day", "Dy", "D",
		"FF1", "FF3", "FF6", "HH24", "HH12", "HH", "IDDD", "ID", "IW", "IYYY", "IYY", "IY", "I", "J", "MI", "MM",
		"MONTH", "MON", "MS", "Month", "Mon", "OF", "P.M.", "PM", "Q", "RM", "SSSSS", "SSSS", "SS", "TZH", "TZM",
		"TZ", "US", "WW", "W", "Y,YYY", "YYYY", "YYY", "YY", "Y", "a.d.", "am", "bc", "day", "dy", "hh24", "mon",
		"month", "p.m.", "rm", "tz", "y,yyy", "yyyy", "tzh", "tzm", "of", "ff3", "fx", "iw", "sssss", "ssss", "us", "ms",
		"cc", "ddd", "dd", "d", "iddd", "id", "iyyy", "j", "mi", "mm", "q", "ww", "w", "yy", "y", "hh", "hh12",
		"Hh24", "yYYY", "Mm", "mON", "MOnth", "DAy", "Am", "pM", "Bc", "Tz", "Y,yyy"}
	stamps := []string{"timestamp '2024-01-01 00:00:00'", "timestamp '2021-01-03 12:30:45.5'",
		"timestamp '0044-03-15 13:05:09.012345 BC'", "timestamptz '2024-07-14 23:59:59.999999+00'",
		"interval '1 year 14 months 40 days 27:03:04.5'", "interval '-2 days -03:04:05'"}
	for _, k := range dch {
		for _, v := range stamps {
			out = append(out, fmt.Sprintf("to_char(%s, '%s')", v, k))
		}
		out = append(out, fmt.Sprintf("to_char(%s, 'FM%s')", stamps[2], k), fmt.Sprintf("to_char(%s, '%sth')", stamps[1], k),
			fmt.Sprintf("to_char(%s, 'FM%sTH')", stamps[0], k))
	}
	nums := []string{"0", "1", "-1", "7", "12", "-12", "485", "-485", "1234", "99999", "1234567", "-2147483647"}
	decs := []string{"0.5", "-0.5", "0.05", "12.345", "-12.345", "1234.5678", "-1234.5678", "999.995", "0.0001234", "1e10", "'NaN'"}
	formats := []string{"999", "9999.99", "FM9999.99", "0000.00", "FM0000.00", "9G999D99", "S9999.99", "9999.99S",
		"9999.99MI", "FM9999.99MI", "PL9999.99", "SG9999.99", "9999.99PR", "FM9999.99PR", "99.99EEEE", "RN", "FMRN",
		"9999th", "FM9999TH", "99V99", "09999", "9,999,999.999", "FM9,999,999.999", "L9999", "S0000", ".99", "FM.00", "9.", "FM9."}
	for _, f := range formats {
		for _, n := range nums {
			out = append(out, fmt.Sprintf("to_char(%s, '%s')", n, f))
		}
		for _, d := range decs {
			out = append(out, fmt.Sprintf("to_char(%s::numeric, '%s')", d, f), fmt.Sprintf("to_char(%s::float8, '%s')", d, f))
		}
		out = append(out, fmt.Sprintf("to_char(12.5::real, '%s')", f), fmt.Sprintf("to_char(-9223372036854775807::int8, '%s')", f))
	}
	return out
}

func init() {
	functionCases = append(functionCases, generatedMathCases()...)
	functionCases = append(functionCases, generatedStringCases()...)
	functionCases = append(functionCases, zoneCases()...)
}

func generatedMathCases() []string {
	var out []string
	numerics := []string{"0.0", "0.0001", "0.5", "0.999999", "1.000001", "2", "3.14159", "10.00", "123.456", "1e10",
		"0.0000000001", "12345678901234567890", "0.1234567890123456789", "-5.5", "'NaN'", "'Infinity'", "'-Infinity'"}
	for _, x := range numerics {
		n := x + "::numeric"
		for _, f := range []string{"sqrt", "exp", "ln", "log10", "log", "floor", "ceil", "sign", "scale", "round", "trunc", "abs"} {
			out = append(out, fmt.Sprintf("%s(%s)", f, n))
		}
		out = append(out, fmt.Sprintf("log(2, %s)", n), fmt.Sprintf("log(%s, 100)", n), fmt.Sprintf("div(%s, 0.3)", n),
			fmt.Sprintf("gcd(%s, 0.35)", n), fmt.Sprintf("lcm(%s, 0.35)", n), fmt.Sprintf("width_bucket(%s, -1, 100, 7)", n),
			fmt.Sprintf("width_bucket(%s, 100, -1, 7)", n))
		for _, s := range []string{"-3", "-1", "0", "1", "3", "20"} {
			out = append(out, fmt.Sprintf("round(%s, %s)", n, s), fmt.Sprintf("trunc(%s, %s)", n, s))
		}
	}
	floats := []string{"0", "0.1", "0.5", "1", "2", "3", "10", "100", "-0.7", "1e-10", "1e300", "-1e300", "0.999",
		"'NaN'", "'Infinity'", "'-Infinity'", "700", "-745.2"}
	for _, x := range floats {
		f := x + "::float8"
		for _, fn := range []string{"sin", "cos", "tan", "cot", "asin", "acos", "atan", "sinh", "cosh", "tanh", "asinh",
			"acosh", "atanh", "cbrt", "exp", "ln", "log", "log10", "sqrt", "degrees", "radians", "floor", "ceil", "round",
			"trunc", "sign", "abs"} {
			out = append(out, fmt.Sprintf("%s(%s)", fn, f))
		}
		out = append(out, fmt.Sprintf("atan2(%s, 0.5)", f), fmt.Sprintf("atan2(-2, %s)", f),
			fmt.Sprintf("width_bucket(%s, -1, 100, 7)", f))
	}
	bases := []string{"2", "2.0", "0.5", "3.7", "10", "1.0001", "-8", "123.456", "0", "0.0", "-2.5", "1", "-1",
		"0.001", "'NaN'", "'Infinity'", "'-Infinity'"}
	exps := []string{"0.5", "3", "-2", "10", "0.333", "2.5", "100", "-0.5", "0", "1", "-1", "2", "1000", "3.00",
		"1e20", "-100", "'NaN'", "'Infinity'", "'-Infinity'"}
	for _, a := range bases {
		for _, b := range exps {
			out = append(out, fmt.Sprintf("power(%s::numeric, %s::numeric)", a, b), fmt.Sprintf("pow(%s::float8, %s::float8)", a, b))
		}
	}
	out = append(out, "power(2, 10)", "power(2.5, 2)", "power(10::numeric, 400000.5)", "power(0.5::numeric, 100000.5)",
		"power(10::numeric, 200000)", "power(-2::numeric, 1e20)", "power(10::float8, 400)", "power(10::float8, -400)",
		"power(-1::float8, 1e300)", "power(2::float8, 1e300)", "power(0.5::numeric, 3000.5)", "power(7::numeric, -1)")
	ints := []string{"0", "1", "-1", "6", "-15", "2147483647", "-2147483647 - 1", "9223372036854775807", "(-9223372036854775807 - 1)::int8"}
	for _, a := range ints {
		for _, b := range []string{"0", "4", "-6", "2147483647", "(-2147483647 - 1)"} {
			out = append(out, fmt.Sprintf("gcd(%s, %s)", a, b), fmt.Sprintf("lcm(%s, %s)", a, b))
		}
	}
	return out
}

func generatedStringCases() []string {
	var out []string
	strs := []string{"''", "'a'", "'  padded  '", "'héllo wörld'", "'ÀÉÎÕÜ ßç'", "'abc,def,,ghi'", "'x''y'", "NULL"}
	for _, s := range strs {
		for _, f := range []string{"lower", "upper", "initcap", "length", "char_length", "octet_length", "bit_length",
			"reverse", "md5", "ascii", "btrim", "ltrim", "rtrim", "quote_nothing_x"} {
			if f == "quote_nothing_x" {
				continue
			}
			out = append(out, fmt.Sprintf("%s(%s)", f, s))
		}
		for _, n := range []string{"-3", "0", "2", "20"} {
			out = append(out, fmt.Sprintf("left(%s, %s)", s, n), fmt.Sprintf("right(%s, %s)", s, n),
				fmt.Sprintf("lpad(%s, %s, 'ab')", s, n), fmt.Sprintf("rpad(%s, %s, 'é')", s, n),
				fmt.Sprintf("repeat(%s, %s)", s, n), fmt.Sprintf("substr(%s, %s)", s, n),
				fmt.Sprintf("substr(%s, %s, 3)", s, n), fmt.Sprintf("split_part(%s, ',', %s)", s, n))
		}
		out = append(out, fmt.Sprintf("strpos(%s, 'l')", s), fmt.Sprintf("replace(%s, 'l', 'LL')", s),
			fmt.Sprintf("translate(%s, 'aéz', 'AÉ')", s), fmt.Sprintf("starts_with(%s, 'a')", s),
			fmt.Sprintf("btrim(%s, ' ah')", s), fmt.Sprintf("concat_ws('|', %s, %s)", s, s))
	}
	return out
}

// zoneCases repeat the zone-dependent functions in zones with odd offsets
// and daylight saving rules.
func zoneCases() []string {
	var out []string
	stamps := []string{"timestamptz '2024-03-10 06:30:00+00'", "timestamptz '2024-11-03 05:30:00+00'",
		"timestamptz '2024-11-03 06:30:00+00'", "timestamptz '2024-10-06 15:45:00+00'", "timestamptz '2024-04-07 15:45:00+00'",
		"timestamptz '1900-01-01 12:00:00+00'", "timestamptz '2024-06-30 23:59:59.5+00'"}
	for _, zone := range []string{"UTC", "Asia/Kolkata", "Australia/Lord_Howe", "Europe/London", "America/Sao_Paulo",
		"Pacific/Chatham", "America/St_Johns", "America/New_York"} {
		out = append(out, fmt.Sprintf("SET TimeZone = '%s'", zone))
		for _, ts := range stamps {
			out = append(out,
				fmt.Sprintf("to_char(%s, 'YYYY-MM-DD HH24:MI:SS.US TZ tz TZH:TZM OF FMOF')", ts),
				fmt.Sprintf("extract(timezone from %s)", ts), fmt.Sprintf("extract(timezone_hour from %s)", ts),
				fmt.Sprintf("extract(timezone_minute from %s)", ts), fmt.Sprintf("date_part('hour', %s)", ts),
				fmt.Sprintf("extract(julian from %s)", ts), fmt.Sprintf("date_part('julian', %s)", ts),
				fmt.Sprintf("date_trunc('day', %s)", ts), fmt.Sprintf("date_trunc('hour', %s)", ts),
				fmt.Sprintf("date_trunc('week', %s)", ts), fmt.Sprintf("date_trunc('month', %s)", ts),
				fmt.Sprintf("date_trunc('minute', %s)", ts), fmt.Sprintf("age(%s, timestamptz '2023-12-31 23:00:00+00')", ts),
				fmt.Sprintf("date_bin('1 hour 20 minutes', %s, timestamptz '2001-01-01 00:00+00')", ts))
		}
		for _, hm := range []string{"2, 30", "1, 30", "0, 0", "2, 15"} {
			out = append(out, fmt.Sprintf("make_timestamptz(2024, 3, 10, %s, 0)", hm),
				fmt.Sprintf("make_timestamptz(2024, 11, 3, %s, 0)", hm), fmt.Sprintf("make_timestamptz(2024, 10, 6, %s, 0)", hm),
				fmt.Sprintf("make_timestamptz(2024, 4, 7, %s, 0)", hm))
		}
		out = append(out, "to_char(date '2024-07-05', 'YYYY-MM-DD HH24 TZ OF')", "date_trunc('month', date '2024-11-17')",
			"to_timestamp(1730611800)", "to_timestamp(1710052200.25)")
	}
	return out
}

// TestFunctionsVolatility checks that Plan treats each function as
// PostgreSQL's pg_proc.provolatile says: it folds immutable calls and
// leaves stable and volatile ones (and their errors) to execution.
func TestFunctionsVolatility(t *testing.T) {
	pg := testenv.Postgres(t)
	p, _ := newTestPlanner(t)
	sess, err := p.NewSession("admin", "lattice", true, 1, nil)
	require.NoError(t, err)
	ctx := context.Background()
	cases := [][2]string{ // expression, the pg_proc entry it calls
		{"date_trunc('day', timestamp '2001-01-01')", "date_trunc(text, timestamp)"},
		{"date_trunc('day', timestamptz '2001-01-01')", "date_trunc(text, timestamptz)"},
		{"date_trunc('day', timestamptz '2001-01-01', 'UTC')", "date_trunc(text, timestamptz, text)"},
		{"date_trunc('day', interval '1 day')", "date_trunc(text, interval)"},
		{"extract(day from timestamp '2001-01-01')", "extract(text, timestamp)"},
		{"extract(day from timestamptz '2001-01-01')", "extract(text, timestamptz)"},
		{"extract(day from date '2001-01-01')", "extract(text, date)"},
		{"extract(day from interval '1 day')", "extract(text, interval)"},
		{"date_part('day', timestamp '2001-01-01')", "date_part(text, timestamp)"},
		{"date_part('day', timestamptz '2001-01-01')", "date_part(text, timestamptz)"},
		{"date_part('day', date '2001-01-01')", "date_part(text, date)"},
		{"date_part('day', interval '1 day')", "date_part(text, interval)"},
		{"age(timestamp '2001-01-01', timestamp '2000-01-01')", "age(timestamp, timestamp)"},
		{"age(timestamptz '2001-01-01', timestamptz '2000-01-01')", "age(timestamptz, timestamptz)"},
		{"age(timestamp '2001-01-01')", "age(timestamp)"},
		{"age(timestamptz '2001-01-01')", "age(timestamptz)"},
		{"make_date(2001, 1, 1)", "make_date(int, int, int)"},
		{"make_timestamp(2001, 1, 1, 0, 0, 0)", "make_timestamp(int, int, int, int, int, float8)"},
		{"make_timestamptz(2001, 1, 1, 0, 0, 0)", "make_timestamptz(int, int, int, int, int, float8)"},
		{"make_timestamptz(2001, 1, 1, 0, 0, 0, 'UTC')", "make_timestamptz(int, int, int, int, int, float8, text)"},
		{"justify_days(interval '1 day')", "justify_days(interval)"},
		{"justify_hours(interval '1 day')", "justify_hours(interval)"},
		{"justify_interval(interval '1 day')", "justify_interval(interval)"},
		{"date_bin('1 hour', timestamp '2001-01-01', timestamp '2000-01-01')", "date_bin(interval, timestamp, timestamp)"},
		{"date_bin('1 hour', timestamptz '2001-01-01', timestamptz '2000-01-01')", "date_bin(interval, timestamptz, timestamptz)"},
		{"to_timestamp(0)", "to_timestamp(float8)"},
		{"isfinite(date '2001-01-01')", "isfinite(date)"},
		{"to_char(timestamp '2001-01-01', 'YYYY')", "to_char(timestamp, text)"},
		{"to_char(timestamptz '2001-01-01', 'YYYY')", "to_char(timestamptz, text)"},
		{"to_char(interval '1 day', 'DD')", "to_char(interval, text)"},
		{"to_char(1, '9')", "to_char(int, text)"},
		{"to_char(1.5, '9')", "to_char(numeric, text)"},
		{"to_char(1.5::float8, '9')", "to_char(float8, text)"},
		{"concat_ws(',', 1)", "concat_ws(text, \"any\")"},
		{"random()", "random()"},
		{"length('a')", "length(text)"},
		{"substr('a', 1)", "substr(text, int)"},
		{"split_part('a', ',', 1)", "split_part(text, text, int)"},
		{"md5('a')", "md5(text)"},
		{"initcap('a')", "initcap(text)"},
		{"round(1.5, 1)", "round(numeric, int)"},
		{"sqrt(2.0)", "sqrt(numeric)"},
		{"power(2, 3)", "power(float8, float8)"},
		{"sin(1)", "sin(float8)"},
		{"gcd(1, 2)", "gcd(int, int)"},
		{"width_bucket(1, 0, 2, 3)", "width_bucket(float8, float8, float8, int)"},
	}
	for _, c := range cases {
		var volatility string
		require.NoError(t, pg.QueryRow(ctx, "SELECT provolatile::text FROM pg_proc WHERE oid = $1::regprocedure", c[1]).Scan(&volatility), c[1])
		stmts, err := sess.Prepare(ctx, "SELECT "+c[0], nil)
		require.NoError(t, err, c[0])
		require.Equal(t, volatility == "i", immutable(stmts[0].fold[0]), "%s calls %s, provolatile %s", c[0], c[1], volatility)
	}
}
