package planner

import (
	"context"
	"fmt"
	"io"
	"math"
	"strconv"
	"sync/atomic"
	"time"
	"unicode/utf8"
	"unsafe"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/decimal128"

	"github.com/lattice-olap/lattice/exec"
	"github.com/lattice-olap/lattice/exec/copyio"
	"github.com/lattice-olap/lattice/metastore"
	"github.com/lattice-olap/lattice/pgerr"
	"github.com/lattice-olap/lattice/types"
)

// COPY FROM parses each field straight into the Arrow builder of its
// column. The common spellings of the common types (integers, floats,
// numeric(p,s), text and varchar/char(n), bool, date, timestamp) have
// typed parsers that accept a strict subset of what the type's input
// function (types.ParseText) accepts and store exactly what it would; a
// field outside that subset, and every field of the other types, takes the
// Datum path: ParseText, then exec.Append. The typed parsers never decide
// an error, so values, errors and their order are those of the Datum path.

// copyIn loads COPY data into a table: every field is parsed with its
// column's input function; the first bad row fails the whole load, naming
// its line and column, and nothing is committed.
func (s *Session) copyIn(ctx context.Context, def metastore.TableDef, target []int, f copyio.Format, r io.Reader) (int64, error) {
	loader := newTableLoader(s, def)
	loader.bulk = true
	defer loader.abort() // after a commit, nothing to do; else ends the writer goroutine
	cl := newCopyLoader(def, loader.cols, target, loader.builder(), s.Settings.Location())
	rd := copyio.NewReader(r, f)
	for {
		fields, err := rd.NextRaw()
		if err == io.EOF {
			break
		}
		if err != nil {
			return 0, withWhere(err, copyWhere(def, rd))
		}
		if err := cl.row(rd, fields, loader); err != nil {
			return 0, err
		}
		if loader.rows%4096 == 0 && ctx.Err() != nil {
			return 0, canceled(ctx)
		}
	}
	if ctx.Err() != nil {
		return 0, canceled(ctx)
	}
	if err := loader.commit(ctx); err != nil {
		return 0, err
	}
	return loader.rows, nil
}

// copyWhere is the CONTEXT line of an error in the row just read.
func copyWhere(def metastore.TableDef, rd *copyio.Reader) string {
	return fmt.Sprintf("COPY %s, line %d", def.Name, rd.Line())
}

// copyKind selects a column's typed parser.
type copyKind uint8

const (
	copyDatum copyKind = iota // ParseText and exec.Append
	copyInt16
	copyInt32
	copyInt64
	copyFloat32
	copyFloat64
	copyDecimal // numeric(p,s) stored as Decimal128
	copyText    // text, and varchar/char without a length
	copyVarchar // varchar(n)
	copyBpchar  // char(n)
	copyBool
	copyDate
	copyTimestamp // timestamp without time zone
)

// copyColumn is one column of the COPY list.
type copyColumn struct {
	name  string
	t     types.T
	table int // position in the table
	kind  copyKind
	b     array.Builder
	width int   // varchar/char length
	prec  int32 // numeric precision and scale
	scale int32
}

// copyLoader turns COPY rows into builder values.
type copyLoader struct {
	def     metastore.TableDef
	cols    []copyColumn    // one per COPY column, in COPY order
	absent  []array.Builder // the columns COPY does not list: NULL
	notNull []copyNotNull   // the NOT NULL columns, in table order
	loc     *time.Location
	pad     []byte // char(n) values being padded

	// The row's first failure to append a Datum, by table column: the
	// Datum path appended a row only after checking all of it.
	appendErr error
	appendAt  int
}

// copyNotNull is a NOT NULL column: its name and its COPY position, or -1
// when COPY leaves it out.
type copyNotNull struct {
	name string
	pos  int
}

func newCopyLoader(def metastore.TableDef, cols []exec.Column, target []int, rb *array.RecordBuilder, loc *time.Location) *copyLoader {
	cl := &copyLoader{def: def, loc: loc}
	pos := make([]int, len(cols))
	for i := range pos {
		pos[i] = -1
	}
	for k, i := range target {
		pos[i] = k
		c := copyColumn{name: cols[i].Name, t: cols[i].Type, table: i, b: rb.Field(i)}
		c.kind, c.width, c.prec, c.scale = copyKindOf(c.t, c.b)
		cl.cols = append(cl.cols, c)
	}
	for i, c := range def.Columns {
		if pos[i] < 0 {
			cl.absent = append(cl.absent, rb.Field(i))
		}
		if c.NotNull {
			cl.notNull = append(cl.notNull, copyNotNull{c.Name, pos[i]})
		}
	}
	return cl
}

// copyKindOf picks the typed parser for a column of type t built by b.
func copyKindOf(t types.T, b array.Builder) (kind copyKind, width int, prec, scale int32) {
	switch t.Oid {
	case types.OidInt2:
		if _, ok := b.(*array.Int16Builder); ok {
			return copyInt16, 0, 0, 0
		}
	case types.OidInt4:
		if _, ok := b.(*array.Int32Builder); ok {
			return copyInt32, 0, 0, 0
		}
	case types.OidInt8:
		if _, ok := b.(*array.Int64Builder); ok {
			return copyInt64, 0, 0, 0
		}
	case types.OidFloat4:
		if _, ok := b.(*array.Float32Builder); ok {
			return copyFloat32, 0, 0, 0
		}
	case types.OidFloat8:
		if _, ok := b.(*array.Float64Builder); ok {
			return copyFloat64, 0, 0, 0
		}
	case types.OidNumeric:
		if bb, ok := b.(*array.Decimal128Builder); ok && t.Typmod >= 0 {
			p, s := t.NumericPrecisionScale()
			dt := bb.Type().(*arrow.Decimal128Type)
			if dt.Precision == p && dt.Scale == s && s <= 18 {
				return copyDecimal, 0, p, s
			}
		}
	case types.OidText, types.OidVarchar, types.OidBpchar:
		if _, ok := b.(*array.StringBuilder); ok {
			switch {
			case t.Oid == types.OidText || t.Typmod < 0:
				return copyText, 0, 0, 0
			case t.Oid == types.OidVarchar:
				return copyVarchar, int(t.Typmod - 4), 0, 0
			default:
				return copyBpchar, int(t.Typmod - 4), 0, 0
			}
		}
	case types.OidBool:
		if _, ok := b.(*array.BooleanBuilder); ok {
			return copyBool, 0, 0, 0
		}
	case types.OidDate:
		if _, ok := b.(*array.Date32Builder); ok {
			return copyDate, 0, 0, 0
		}
	case types.OidTimestamp:
		if _, ok := b.(*array.TimestampBuilder); ok {
			return copyTimestamp, 0, 0, 0
		}
	}
	return copyDatum, 0, 0, 0
}

// row stores one COPY row, or returns the error the row raises, with its
// CONTEXT line. The checks come in the Datum path's order: the field
// count, each field's input function, NOT NULL, then the append.
func (cl *copyLoader) row(rd *copyio.Reader, fields []copyio.RawField, l *tableLoader) error {
	if len(fields) < len(cl.cols) {
		return withWhere(pgerr.New(pgerr.BadCopyFileFormat, "missing data for column %q", cl.cols[len(fields)].name), copyWhere(cl.def, rd))
	}
	if len(fields) > len(cl.cols) {
		return withWhere(pgerr.New(pgerr.BadCopyFileFormat, "extra data after last expected column"), copyWhere(cl.def, rd))
	}
	cl.appendErr = nil
	for k := range fields {
		fl := &fields[k]
		c := &cl.cols[k]
		if fl.Null {
			c.b.AppendNull()
			continue
		}
		if c.kind != copyDatum && cl.typed(c, fl.Value) {
			continue
		}
		if err := cl.datum(c, fl.Value); err != nil {
			return withWhere(err, fmt.Sprintf("%s, column %s: %q", copyWhere(cl.def, rd), c.name, fl.Value))
		}
	}
	for _, b := range cl.absent {
		b.AppendNull()
	}
	for _, nn := range cl.notNull {
		if nn.pos < 0 || fields[nn.pos].Null {
			err := pgerr.New(pgerr.NotNullViolation, "null value in column %q of relation %q violates not-null constraint", nn.name, cl.def.Name)
			return withWhere(err, copyWhere(cl.def, rd))
		}
	}
	if err := l.open(); err != nil {
		return err
	}
	if cl.appendErr != nil {
		return cl.appendErr
	}
	return l.added()
}

// datum is the Datum path: the type's input function, then exec.Append.
// An append failure is kept for the end of the row.
func (cl *copyLoader) datum(c *copyColumn, v []byte) error {
	d, err := types.ParseText(c.t, string(v), cl.loc)
	if err != nil {
		return err
	}
	if err := exec.Append(c.b, c.t, d); err != nil && (cl.appendErr == nil || c.table < cl.appendAt) {
		cl.appendErr, cl.appendAt = err, c.table
	}
	return nil
}

// typed appends v with the column's typed parser and reports whether it
// could; if not, nothing was appended.
func (cl *copyLoader) typed(c *copyColumn, v []byte) bool {
	switch c.kind {
	case copyInt16:
		n, ok := parseIntField(v)
		if !ok || n < math.MinInt16 || n > math.MaxInt16 {
			return false
		}
		appendInt16(c.b.(*array.Int16Builder), int16(n))
	case copyInt32:
		n, ok := parseIntField(v)
		if !ok || n < math.MinInt32 || n > math.MaxInt32 {
			return false
		}
		appendInt32(c.b.(*array.Int32Builder), int32(n))
	case copyInt64:
		n, ok := parseIntField(v)
		if !ok {
			return false
		}
		appendInt64(c.b.(*array.Int64Builder), n)
	case copyFloat32:
		f, ok := parseFloatField(v, 32)
		if !ok {
			return false
		}
		appendFloat32(c.b.(*array.Float32Builder), float32(f))
	case copyFloat64:
		f, ok := parseFloatField(v, 64)
		if !ok {
			return false
		}
		appendFloat64(c.b.(*array.Float64Builder), f)
	case copyDecimal:
		n, ok := parseDecimalField(v, c.prec, c.scale)
		if !ok {
			return false
		}
		c.b.(*array.Decimal128Builder).Append(decimal128.FromI64(n))
	case copyText:
		c.b.(*array.StringBuilder).BinaryBuilder.Append(v)
	case copyVarchar:
		if _, ok := fitChars(v, c.width); !ok {
			return false
		}
		c.b.(*array.StringBuilder).BinaryBuilder.Append(v)
	case copyBpchar:
		n, ok := fitChars(v, c.width)
		if !ok {
			return false
		}
		cl.pad = append(cl.pad[:0], v...)
		for ; n < c.width; n++ {
			cl.pad = append(cl.pad, ' ')
		}
		c.b.(*array.StringBuilder).BinaryBuilder.Append(cl.pad)
	case copyBool:
		bv, ok := parseBoolField(v)
		if !ok {
			return false
		}
		c.b.(*array.BooleanBuilder).Append(bv)
	case copyDate:
		days, ok := parseDateField(v)
		if !ok {
			return false
		}
		appendDate32(c.b.(*array.Date32Builder), arrow.Date32(days))
	case copyTimestamp:
		us, ok := parseTimestampField(v)
		if !ok {
			return false
		}
		c.b.(*array.TimestampBuilder).Append(arrow.Timestamp(roundMicros(us, c.t.Typmod)))
	default:
		return false
	}
	return true
}

// The loader reserves a full batch in each builder (tableLoader.bulk),
// so appends skip the capacity check while there is room.

func appendInt16(b *array.Int16Builder, v int16) {
	if b.Len() < b.Cap() {
		b.UnsafeAppend(v)
	} else {
		b.Append(v)
	}
}

func appendInt32(b *array.Int32Builder, v int32) {
	if b.Len() < b.Cap() {
		b.UnsafeAppend(v)
	} else {
		b.Append(v)
	}
}

func appendInt64(b *array.Int64Builder, v int64) {
	if b.Len() < b.Cap() {
		b.UnsafeAppend(v)
	} else {
		b.Append(v)
	}
}

func appendFloat32(b *array.Float32Builder, v float32) {
	if b.Len() < b.Cap() {
		b.UnsafeAppend(v)
	} else {
		b.Append(v)
	}
}

func appendFloat64(b *array.Float64Builder, v float64) {
	if b.Len() < b.Cap() {
		b.UnsafeAppend(v)
	} else {
		b.Append(v)
	}
}

func appendDate32(b *array.Date32Builder, v arrow.Date32) {
	if b.Len() < b.Cap() {
		b.UnsafeAppend(v)
	} else {
		b.Append(v)
	}
}

// parseIntField reads [+-]?[0-9]{1,18}: inputs that ParseText's integer
// input reads as strconv.ParseInt does, with nothing to trim or drop and
// no overflow of int64.
func parseIntField(v []byte) (int64, bool) {
	i, neg := 0, false
	if len(v) > 0 && (v[0] == '-' || v[0] == '+') {
		i, neg = 1, v[0] == '-'
	}
	if i == len(v) || len(v)-i > 18 {
		return 0, false
	}
	var n int64
	for ; i < len(v); i++ {
		d := v[i] - '0'
		if d > 9 {
			return 0, false
		}
		n = n*10 + int64(d)
	}
	if neg {
		n = -n
	}
	return n, true
}

// parseFloatField reads fields made of digits, signs, points and
// exponents only (no spaces, names or underscores), where ParseText's float
// input is strconv.ParseFloat of the field itself.
func parseFloatField(v []byte, bits int) (float64, bool) {
	if len(v) == 0 {
		return 0, false
	}
	for _, c := range v {
		if (c < '0' || c > '9') && c != '.' && c != 'e' && c != 'E' && c != '+' && c != '-' {
			return 0, false
		}
	}
	f, err := strconv.ParseFloat(unsafe.String(&v[0], len(v)), bits)
	if f == 0 {
		// A nonzero value too small for the type is out of range (the
		// datum path reports it); a written zero is zero.
		for _, c := range v {
			if c == 'e' || c == 'E' {
				break
			}
			if c >= '1' && c <= '9' {
				return 0, false
			}
		}
	}
	return f, err == nil
}

// parseDecimalField reads [+-]?digits[.digits] (a digit on at least one
// side) as the unscaled value at scale, rounding half away from zero on
// the first digit past the scale, as CoerceNumeric does; ok is false when
// the value needs more than 18 digits or precision p does not hold it.
func parseDecimalField(v []byte, p, scale int32) (int64, bool) {
	const limit = 1e17 // below it, n takes one more digit without overflow
	i, neg := 0, false
	if len(v) > 0 && (v[0] == '-' || v[0] == '+') {
		i, neg = 1, v[0] == '-'
	}
	var n int64
	var frac int32
	digits, point, dropped, up := 0, false, false, false
	for ; i < len(v); i++ {
		c := v[i]
		if c == '.' && !point {
			point = true
			continue
		}
		d := c - '0'
		if d > 9 {
			return 0, false
		}
		digits++
		if point && frac == scale {
			if !dropped {
				dropped, up = true, d >= 5
			}
			continue
		}
		if point {
			frac++
		}
		if n >= limit {
			return 0, false
		}
		n = n*10 + int64(d)
	}
	if digits == 0 {
		return 0, false
	}
	for ; frac < scale; frac++ {
		if n >= limit {
			return 0, false
		}
		n *= 10
	}
	if up {
		n++
	}
	if p <= 18 && n >= pow10[p] {
		return 0, false
	}
	if neg {
		n = -n
	}
	return n, true
}

var pow10 = func() (p [19]int64) {
	p[0] = 1
	for i := 1; i < len(p); i++ {
		p[i] = p[i-1] * 10
	}
	return p
}()

// fitChars reports whether valid UTF-8 v holds at most width characters,
// and how many: then CoerceString keeps it as it is (char(n) pads it).
func fitChars(v []byte, width int) (int, bool) {
	ascii := true
	for _, c := range v {
		if c >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii {
		return len(v), len(v) <= width
	}
	if !utf8.Valid(v) {
		return 0, false // CoerceString would replace the bad bytes
	}
	n := utf8.RuneCount(v)
	return n, n <= width
}

// parseBoolField reads the spellings of bool without spaces.
func parseBoolField(v []byte) (bool, bool) {
	if len(v) == 0 || len(v) > 5 {
		return false, false
	}
	var buf [5]byte
	for i, c := range v {
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		buf[i] = c
	}
	switch string(buf[:len(v)]) {
	case "t", "tr", "tru", "true", "y", "ye", "yes", "on", "1":
		return true, true
	case "f", "fa", "fal", "fals", "false", "n", "no", "of", "off", "0":
		return false, true
	}
	return false, false
}

// parseDateField reads YYYY-MM-DD, a valid date, as days since 1970-01-01.
func parseDateField(v []byte) (int64, bool) {
	if len(v) != 10 || v[4] != '-' || v[7] != '-' {
		return 0, false
	}
	y, ok1 := digitsValue(v[0:4])
	m, ok2 := digitsValue(v[5:7])
	d, ok3 := digitsValue(v[8:10])
	if !ok1 || !ok2 || !ok3 || m < 1 || m > 12 || d < 1 || d > copyDaysIn(y, m) {
		return 0, false
	}
	return copyDays(y, m, d), true
}

// parseTimestampField reads YYYY-MM-DD, optionally followed by a space or
// T and HH:MM:SS with up to six fractional digits, as microseconds since
// 1970-01-01 (no time zone, no leap second, no 24:00).
func parseTimestampField(v []byte) (int64, bool) {
	if len(v) < 10 {
		return 0, false
	}
	days, ok := parseDateField(v[:10])
	if !ok {
		return 0, false
	}
	us := days * 86400e6
	if len(v) == 10 {
		return us, true
	}
	if len(v) < 19 || (v[10] != ' ' && v[10] != 'T') || v[13] != ':' || v[16] != ':' {
		return 0, false
	}
	h, ok1 := digitsValue(v[11:13])
	mi, ok2 := digitsValue(v[14:16])
	s, ok3 := digitsValue(v[17:19])
	if !ok1 || !ok2 || !ok3 || h > 23 || mi > 59 || s > 59 {
		return 0, false
	}
	us += (int64(h)*3600 + int64(mi)*60 + int64(s)) * 1e6
	frac := v[19:]
	if len(frac) == 0 {
		return us, true
	}
	if frac[0] != '.' || len(frac) < 2 || len(frac) > 7 {
		return 0, false
	}
	f, ok := digitsValue(frac[1:])
	if !ok {
		return 0, false
	}
	for k := len(frac) - 1; k < 6; k++ {
		f *= 10
	}
	return us + int64(f), true
}

// roundMicros is types.RoundTimestamp on microseconds since 1970.
func roundMicros(us int64, precision int32) int64 {
	if precision < 0 || precision >= 6 {
		return us
	}
	const pgEpochMicros = 10957 * 86400 * 1e6
	scale := int64(1)
	for i := precision; i < 6; i++ {
		scale *= 10
	}
	us -= pgEpochMicros
	if us >= 0 {
		us = (us + scale/2) / scale * scale
	} else {
		us = -((-us + scale/2) / scale * scale)
	}
	return us + pgEpochMicros
}

// digitsValue reads a run of ASCII digits.
func digitsValue(v []byte) (int, bool) {
	n := 0
	for _, c := range v {
		d := c - '0'
		if d > 9 {
			return 0, false
		}
		n = n*10 + int(d)
	}
	return n, true
}

// copyDaysIn is the length of a month, without time.Date.
func copyDaysIn(y, m int) int {
	switch m {
	case 2:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// copyDays counts days from 1970-01-01 to a proleptic Gregorian date
// (year 0 is 1 BC), as time.Date does.
func copyDays(y, m, d int) int64 {
	if m <= 2 {
		y--
	}
	era := y / 400
	if y < 0 && y%400 != 0 {
		era--
	}
	yoe := y - era*400
	doy := (153*((m+9)%12)+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return int64(era)*146097 + int64(doe) - 719468
}

// batchWriter writes a bulk load's batches to its file on a goroutine of
// its own, so that encoding one batch overlaps parsing the next. The
// goroutine owns the file writer from start to wait; one batch at most
// waits for it, so a load holds at most three batches: the one filling,
// the one queued and the one being written.
type batchWriter struct {
	fw     *exec.FileWriter
	in     chan arrow.RecordBatch
	done   chan struct{} // closed when the goroutine has ended
	failed atomic.Bool   // err is set: stop sending
	err    error         // the first write error; read after done
	closed bool
}

func startBatchWriter(fw *exec.FileWriter) *batchWriter {
	w := &batchWriter{fw: fw, in: make(chan arrow.RecordBatch, 1), done: make(chan struct{})}
	go func() {
		defer close(w.done)
		for rec := range w.in {
			if w.err == nil {
				if w.err = w.fw.Write(rec); w.err != nil {
					w.failed.Store(true)
				}
			}
			rec.Release()
		}
	}()
	return w
}

// write queues rec, whose reference it takes, or returns the error of an
// earlier write (and then stops the goroutine).
func (w *batchWriter) write(rec arrow.RecordBatch) error {
	if w.failed.Load() {
		rec.Release()
		return w.wait()
	}
	w.in <- rec
	return nil
}

// wait ends the goroutine once it has written what was queued, and
// returns the first write error; the file writer is the caller's again.
func (w *batchWriter) wait() error {
	if !w.closed {
		close(w.in)
		w.closed = true
	}
	<-w.done
	return w.err
}
