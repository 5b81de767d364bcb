package sqltests

import (
	"context"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"
)

// Float tolerance: two float8 values match when they are equal (NaN
// matches NaN, infinities must have the same sign) or when
// |a-b| <= float8RelTol * max(|a|, |b|); float4 values use float4RelTol.
// Every other type, numeric included, must match exactly. The datasets keep
// float values to multiples of 1/8, so sums are exact in any order; the
// tolerance absorbs only the last-bit differences of avg, stddev and
// variance computed by other (equally valid) algorithms.
const (
	float8RelTol = 1e-12
	float4RelTol = 1e-6
)

// protocol is one way to run a query.
type protocol int

const (
	// simpleText sends a Query message; results come as text.
	simpleText protocol = iota
	// extendedBinary sends Parse/Bind/Describe/Execute on the unnamed
	// statement, asking for every result column in binary.
	extendedBinary
)

func (p protocol) String() string {
	if p == simpleText {
		return "simple protocol, text"
	}
	return "extended protocol, binary"
}

var protocols = []protocol{simpleText, extendedBinary}

// column is a result column as RowDescription describes it.
type column struct {
	name   string
	oid    uint32
	typmod int32
}

// cell is one value, canonicalized so that both formats compare the same
// way: floats carry their value for the tolerance check, numeric in binary
// is rendered as PostgreSQL's text, other binary values as hex.
type cell struct {
	null    bool
	s       string
	isFloat bool
	f       float64
	float4  bool
	// disp, when set, is how the value is shown in messages instead of s.
	disp string
}

// result is what a server answered to one query in one protocol.
type result struct {
	cols []column
	rows [][]cell
	tag  string
	// err is the server's error; code is its SQLSTATE ("" when the error
	// is not a server error, such as a lost connection).
	err  error
	code string
}

// run executes sql on c in protocol p.
func run(ctx context.Context, c *pgconn.PgConn, sql string, p protocol) *result {
	res := &result{}
	var rr *pgconn.ResultReader
	var mrr *pgconn.MultiResultReader
	if p == simpleText {
		mrr = c.Exec(ctx, sql)
		sets := 0
		for mrr.NextResult() {
			sets++
			if sets > 1 {
				// Drain: the files hold single statements, so this is a
				// harness error, reported after Close.
				_, _ = mrr.ResultReader().Close()
				continue
			}
			readRows(res, mrr.ResultReader(), pgtype.TextFormatCode)
		}
		if err := mrr.Close(); err != nil && res.err == nil {
			res.err = err
		}
		if sets > 1 && res.err == nil {
			res.err = fmt.Errorf("query returned %d result sets, want 1", sets)
		}
	} else {
		rr = c.ExecParams(ctx, sql, nil, nil, nil, []int16{pgtype.BinaryFormatCode})
		readRows(res, rr, pgtype.BinaryFormatCode)
	}
	var pgErr *pgconn.PgError
	if errors.As(res.err, &pgErr) {
		res.code = pgErr.Code
	}
	return res
}

func readRows(res *result, rr *pgconn.ResultReader, format int16) {
	var fds []pgconn.FieldDescription
	for rr.NextRow() {
		if fds == nil {
			fds = rr.FieldDescriptions()
		}
		vals := rr.Values()
		row := make([]cell, len(vals))
		for i, v := range vals {
			var oid uint32
			if i < len(fds) {
				oid = fds[i].DataTypeOID
			}
			row[i] = canon(v, oid, format)
		}
		res.rows = append(res.rows, row)
	}
	if fds == nil {
		fds = rr.FieldDescriptions()
	}
	for _, fd := range fds {
		res.cols = append(res.cols, column{name: fd.Name, oid: fd.DataTypeOID, typmod: fd.TypeModifier})
	}
	tag, err := rr.Close()
	res.tag = tag.String()
	if err != nil {
		res.err = err
	}
}

var typeMap = pgtype.NewMap()

// canon turns a wire value into a cell.
func canon(v []byte, oid uint32, format int16) cell {
	if v == nil {
		return cell{null: true}
	}
	switch oid {
	case pgtype.Float4OID, pgtype.Float8OID:
		c := cell{isFloat: true, float4: oid == pgtype.Float4OID}
		if format == pgtype.TextFormatCode {
			c.s = string(v)
			f, err := parsePGFloat(c.s)
			if err != nil {
				c.isFloat = false // compared as text; the difference shows
			}
			c.f = f
			return c
		}
		switch {
		case oid == pgtype.Float4OID && len(v) == 4:
			c.f = float64(math.Float32frombits(binary.BigEndian.Uint32(v)))
			c.s = strconv.FormatFloat(c.f, 'g', -1, 32)
		case oid == pgtype.Float8OID && len(v) == 8:
			c.f = math.Float64frombits(binary.BigEndian.Uint64(v))
			c.s = strconv.FormatFloat(c.f, 'g', -1, 64)
		default:
			return cell{s: "bad float length " + hex.EncodeToString(v)}
		}
		return c
	case pgtype.NumericOID:
		if format == pgtype.BinaryFormatCode {
			txt, err := numericText(v)
			if err != nil {
				return cell{s: fmt.Sprintf("bad numeric %x: %v", v, err)}
			}
			return cell{s: txt}
		}
	}
	if format == pgtype.BinaryFormatCode && !isTextual(oid) {
		// Compared byte for byte (these binary forms are canonical), shown
		// decoded when pgx knows the type.
		return cell{s: `\x` + hex.EncodeToString(v), disp: decodeBinary(v, oid)}
	}
	return cell{s: string(v)}
}

// numericText renders a numeric in binary form as PostgreSQL's numeric_out
// does, display scale included, so that both formats compare exactly.
func numericText(v []byte) (string, error) {
	if len(v) < 8 {
		return "", fmt.Errorf("short numeric")
	}
	u16 := func(i int) int { return int(binary.BigEndian.Uint16(v[i:])) }
	ndigits, weight, sign, dscale := u16(0), int(int16(u16(2))), u16(4), u16(6)
	if len(v) != 8+2*ndigits {
		return "", fmt.Errorf("numeric with %d digits in %d bytes", ndigits, len(v))
	}
	switch sign {
	case 0xC000:
		return "NaN", nil
	case 0xD000:
		return "Infinity", nil
	case 0xF000:
		return "-Infinity", nil
	case 0x0000, 0x4000:
	default:
		return "", fmt.Errorf("numeric sign %#x", sign)
	}
	// digit returns base-10000 digit i, whose weight is weight-i.
	digit := func(i int) int {
		if i < 0 || i >= ndigits {
			return 0
		}
		return u16(8 + 2*i)
	}
	var b strings.Builder
	if sign == 0x4000 {
		b.WriteByte('-')
	}
	if weight < 0 {
		b.WriteByte('0')
	}
	for i := 0; i <= weight; i++ {
		if i == 0 {
			fmt.Fprintf(&b, "%d", digit(i))
		} else {
			fmt.Fprintf(&b, "%04d", digit(i))
		}
	}
	if dscale > 0 {
		var frac strings.Builder
		for i := weight + 1; frac.Len() < dscale; i++ {
			fmt.Fprintf(&frac, "%04d", digit(i))
		}
		b.WriteByte('.')
		b.WriteString(frac.String()[:dscale])
	}
	return b.String(), nil
}

// decodeBinary renders a binary value as text for messages, or returns ""
// when pgx cannot decode it.
func decodeBinary(v []byte, oid uint32) string {
	t, ok := typeMap.TypeForOID(oid)
	if !ok {
		return ""
	}
	val, err := t.Codec.DecodeValue(typeMap, oid, pgtype.BinaryFormatCode, v)
	if err != nil {
		return ""
	}
	buf, err := typeMap.Encode(oid, pgtype.TextFormatCode, val, nil)
	if err != nil {
		return ""
	}
	return string(buf)
}

// isTextual reports whether a type's binary form is its text.
func isTextual(oid uint32) bool {
	switch oid {
	case pgtype.TextOID, pgtype.VarcharOID, pgtype.BPCharOID, pgtype.NameOID, pgtype.UnknownOID:
		return true
	}
	return false
}

func parsePGFloat(s string) (float64, error) {
	switch s {
	case "NaN":
		return math.NaN(), nil
	case "Infinity":
		return math.Inf(1), nil
	case "-Infinity":
		return math.Inf(-1), nil
	}
	return strconv.ParseFloat(s, 64)
}

func (c cell) equal(o cell) bool {
	if c.null || o.null {
		return c.null == o.null
	}
	if c.isFloat && o.isFloat {
		return floatsMatch(c.f, o.f, c.float4 || o.float4)
	}
	return c.s == o.s
}

func floatsMatch(a, b float64, float4 bool) bool {
	if a == b || (math.IsNaN(a) && math.IsNaN(b)) {
		return true
	}
	if math.IsNaN(a) || math.IsNaN(b) || math.IsInf(a, 0) || math.IsInf(b, 0) {
		return false
	}
	tol := float8RelTol
	if float4 {
		tol = float4RelTol
	}
	return math.Abs(a-b) <= tol*math.Max(math.Abs(a), math.Abs(b))
}

// sortKey orders rows for the order-insensitive comparison. Floats are
// rounded so that values within the tolerance usually sort alike; when
// they do not, compareRows falls back to matching rows one by one.
func sortKey(row []cell) string {
	var b strings.Builder
	for _, c := range row {
		switch {
		case c.null:
			b.WriteString("\x00N")
		case c.isFloat:
			fmt.Fprintf(&b, "\x00F%.6g", c.f)
		default:
			b.WriteString("\x00S")
			b.WriteString(c.s)
		}
	}
	return b.String()
}

func rowsEqual(a, b []cell) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !a[i].equal(b[i]) {
			return false
		}
	}
	return true
}

// compareRows returns "" when the rows match, else a description of the
// first difference.
func compareRows(want, got [][]cell, ordered bool) string {
	if len(want) != len(got) {
		return fmt.Sprintf("%d rows, want %d", len(got), len(want))
	}
	if ordered {
		for i := range want {
			if !rowsEqual(want[i], got[i]) {
				return fmt.Sprintf("row %d is %s, want %s (rows are ordered)", i+1, fmtRow(got[i]), fmtRow(want[i]))
			}
		}
		return ""
	}
	w, g := sortedCopy(want), sortedCopy(got)
	same := true
	for i := range w {
		if !rowsEqual(w[i], g[i]) {
			same = false
			break
		}
	}
	if same {
		return ""
	}
	// Match greedily, for floats that sorted differently within the
	// tolerance; what is left over is the difference.
	used := make([]bool, len(g))
	var missing [][]cell
	for _, wr := range w {
		found := false
		for j, gr := range g {
			if !used[j] && rowsEqual(wr, gr) {
				used[j], found = true, true
				break
			}
		}
		if !found {
			missing = append(missing, wr)
		}
	}
	if len(missing) == 0 {
		return ""
	}
	var extra [][]cell
	for j, gr := range g {
		if !used[j] {
			extra = append(extra, gr)
		}
	}
	return fmt.Sprintf("%d rows differ (order ignored); missing %s; unexpected %s",
		len(missing), fmtRows(missing, 5), fmtRows(extra, 5))
}

func sortedCopy(rows [][]cell) [][]cell {
	type keyed struct {
		key string
		row []cell
	}
	tmp := make([]keyed, len(rows))
	for i, r := range rows {
		tmp[i] = keyed{sortKey(r), r}
	}
	sort.SliceStable(tmp, func(i, j int) bool { return tmp[i].key < tmp[j].key })
	out := make([][]cell, len(rows))
	for i, k := range tmp {
		out[i] = k.row
	}
	return out
}

// compareResults returns "" when got (Lattice) answers like want
// (PostgreSQL), else what differs.
func compareResults(want, got *result, ordered bool) string {
	if want.err != nil {
		if got.err == nil {
			return fmt.Sprintf("succeeded with %d rows, want error %s (%v)", len(got.rows), want.code, want.err)
		}
		if got.code != want.code {
			return fmt.Sprintf("error %s (%v), want %s (%v)", orNone(got.code), got.err, want.code, want.err)
		}
		return ""
	}
	if got.err != nil {
		return fmt.Sprintf("error %s: %v", orNone(got.code), got.err)
	}
	if d := compareColumns(want.cols, got.cols); d != "" {
		return d
	}
	if got.tag != want.tag {
		return fmt.Sprintf("command tag %q, want %q", got.tag, want.tag)
	}
	return compareRows(want.rows, got.rows, ordered)
}

func orNone(code string) string {
	if code == "" {
		return "(no SQLSTATE)"
	}
	return code
}

func compareColumns(want, got []column) string {
	if len(want) != len(got) {
		return fmt.Sprintf("columns %s, want %s", fmtCols(got), fmtCols(want))
	}
	for i := range want {
		if want[i] != got[i] {
			return fmt.Sprintf("column %d is %s, want %s", i+1, fmtCol(got[i]), fmtCol(want[i]))
		}
	}
	return ""
}

func fmtCol(c column) string {
	name := pgTypeName(c.oid)
	if c.typmod != -1 {
		name += fmt.Sprintf(" typmod %d", c.typmod)
	}
	return fmt.Sprintf("%q %s", c.name, name)
}

func fmtCols(cs []column) string {
	parts := make([]string, len(cs))
	for i, c := range cs {
		parts[i] = fmtCol(c)
	}
	return "(" + strings.Join(parts, ", ") + ")"
}

func pgTypeName(oid uint32) string {
	if t, ok := typeMap.TypeForOID(oid); ok {
		return t.Name
	}
	return fmt.Sprintf("oid %d", oid)
}

func fmtCell(c cell) string {
	if c.null {
		return "NULL"
	}
	if c.disp != "" {
		return c.disp
	}
	if utf8.ValidString(c.s) {
		return strconv.Quote(c.s)
	}
	return `\x` + hex.EncodeToString([]byte(c.s))
}

func fmtRow(r []cell) string {
	parts := make([]string, len(r))
	for i, c := range r {
		parts[i] = fmtCell(c)
	}
	return "(" + strings.Join(parts, ", ") + ")"
}

func fmtRows(rows [][]cell, max int) string {
	if len(rows) == 0 {
		return "none"
	}
	var parts []string
	for i, r := range rows {
		if i == max {
			parts = append(parts, fmt.Sprintf("... %d more", len(rows)-max))
			break
		}
		parts = append(parts, fmtRow(r))
	}
	return strings.Join(parts, " ")
}

// describe renders a result for a failure message, at most max rows.
func (r *result) describe(max int) string {
	if r.err != nil {
		return fmt.Sprintf("error %s: %v", orNone(r.code), r.err)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s, %s\n", fmtCols(r.cols), r.tag)
	for i, row := range r.rows {
		if i == max {
			fmt.Fprintf(&b, "  ... %d more rows\n", len(r.rows)-max)
			break
		}
		fmt.Fprintf(&b, "  %s\n", fmtRow(row))
	}
	return strings.TrimRight(b.String(), "\n")
}
