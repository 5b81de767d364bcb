package copyio

import (
	"bufio"
	"bytes"
	"fmt"
	"io"

	"github.com/lattice-olap/lattice/pgerr"
)

// Format is a COPY format and its options.
type Format struct {
	CSV       bool
	Delimiter byte   // default tab (text) or comma (CSV)
	Null      string // default \N (text) or the empty string (CSV)
	Quote     byte   // CSV only; default "
	Escape    byte   // CSV only; default the quote character
	Header    bool   // CSV only: the first line names the columns
}

// WithDefaults fills in PostgreSQL's defaults for the options left unset;
// nullSet says whether Null was given explicitly.
func (f Format) WithDefaults(nullSet bool) Format {
	if f.Delimiter == 0 {
		f.Delimiter = '\t'
		if f.CSV {
			f.Delimiter = ','
		}
	}
	if !nullSet {
		f.Null = `\N`
		if f.CSV {
			f.Null = ""
		}
	}
	if f.CSV {
		if f.Quote == 0 {
			f.Quote = '"'
		}
		if f.Escape == 0 {
			f.Escape = f.Quote
		}
	}
	return f
}

// Field is one field of a row.
type Field struct {
	Value string
	Null  bool
}

// RawField is one field of a row read by NextRaw. Value is the decoded
// field (escapes and quotes resolved); it points into the Reader's buffers
// and is valid only until the next call to NextRaw or Next.
type RawField struct {
	Value []byte
	Null  bool
}

// Reader reads rows of a COPY stream.
type Reader struct {
	r    *bufio.Reader
	f    Format
	line int64 // line number where the last row started (1-based)
	next int64 // line number of the next physical line
	done bool
	buf  []byte // a line longer than the bufio buffer

	// Reused per row by NextRaw.
	fields  []RawField
	scratch []byte // text: decoded fields that had escapes
	out     []byte // CSV: decoded fields
	ends    []int  // CSV: end of each field in out
	quoted  []bool // CSV: whether each field was quoted
}

// NewReader reads rows in format f from r.
func NewReader(r io.Reader, f Format) *Reader {
	return &Reader{r: bufio.NewReaderSize(r, 64<<10), f: f, next: 1}
}

// Line returns the line number at which the last row returned began.
func (r *Reader) Line() int64 { return r.line }

// formatError is SQLSTATE 22P04 (bad_copy_file_format).
func formatError(format string, args ...any) *pgerr.Error {
	return pgerr.New(pgerr.BadCopyFileFormat, format, args...)
}

// readLine returns the next physical line without its terminator; ok is
// false at the end of input. The line is valid until the next call.
func (r *Reader) readLine() ([]byte, bool, error) {
	// Most lines fit the bufio buffer: use them where they lie.
	line, err := r.r.ReadSlice('\n')
	if err != nil {
		r.buf = append(r.buf[:0], line...)
		for err == bufio.ErrBufferFull {
			line, err = r.r.ReadSlice('\n')
			r.buf = append(r.buf, line...)
		}
		switch {
		case err == io.EOF:
			if len(r.buf) == 0 {
				return nil, false, nil
			}
		case err != nil:
			return nil, false, err
		}
		line = r.buf
	}
	r.next++
	if n := len(line); n > 0 && line[n-1] == '\n' {
		line = line[:n-1]
		if n := len(line); n > 0 && line[n-1] == '\r' {
			line = line[:n-1]
		}
	}
	return line, true, nil
}

// Next returns the next row, or io.EOF after the last one. The header line
// of CSV input is skipped. The row is the caller's to keep.
func (r *Reader) Next() ([]Field, error) {
	raw, err := r.NextRaw()
	if err != nil {
		return nil, err
	}
	var fields []Field
	for _, fl := range raw {
		fields = append(fields, Field{Value: string(fl.Value), Null: fl.Null})
	}
	return fields, nil
}

// NextRaw is Next without copies: the row and its values are valid only
// until the next call. It is for loaders that convert each field at once.
func (r *Reader) NextRaw() ([]RawField, error) {
	if r.done {
		return nil, io.EOF
	}
	for {
		r.line = r.next
		line, ok, err := r.readLine()
		if err != nil {
			return nil, err
		}
		if !ok || string(line) == `\.` {
			r.done = true
			return nil, io.EOF
		}
		if r.f.CSV {
			fields, err := r.csvRow(line)
			if err != nil {
				return nil, err
			}
			if r.f.Header && r.line == 1 {
				continue
			}
			return fields, nil
		}
		return r.textRow(line)
	}
}

// textRow splits a text-format line at delimiters not escaped by a
// backslash; a raw field equal to the NULL string is NULL (compared before
// de-escaping, as PostgreSQL). A line ending in an unpaired backslash loses
// its last field, as the reader always did.
func (r *Reader) textRow(line []byte) ([]RawField, error) {
	if bytes.IndexByte(line, '\r') >= 0 {
		return nil, formatError("literal carriage return found in data").
			WithHint("Use \"\\r\" to represent carriage return.")
	}
	fields := r.fields[:0]
	// Decoded fields are never longer than the line, so with this capacity
	// scratch never moves and the fields that point into it stay valid.
	if cap(r.scratch) < len(line) {
		r.scratch = make([]byte, 0, 2*len(line))
	}
	scratch := r.scratch[:0]
	delim := r.f.Delimiter
	if delim != '\\' && bytes.IndexByte(line, '\\') < 0 {
		// No escapes: split at every delimiter.
		start := 0
		for i, c := range line {
			if c == delim {
				fields = r.plainField(fields, line[start:i])
				start = i + 1
			}
		}
		r.fields = r.plainField(fields, line[start:])
		return r.fields, nil
	}
	start := 0
	for start <= len(line) {
		end := len(line)
		if j := bytes.IndexByte(line[start:], delim); j >= 0 {
			end = start + j
		}
		raw := line[start:end]
		if delim == '\\' || bytes.IndexByte(raw, '\\') >= 0 {
			// An escape may hide a delimiter: find the end byte by byte.
			i := start
			for i < len(line) {
				if line[i] == '\\' {
					i += 2
					continue
				}
				if line[i] == delim {
					break
				}
				i++
			}
			if i > len(line) {
				break // the unpaired backslash ended the line
			}
			end, raw = i, line[start:i]
		}
		switch {
		case string(raw) == r.f.Null:
			fields = append(fields, RawField{Null: true})
		case bytes.IndexByte(raw, '\\') < 0:
			fields = append(fields, RawField{Value: raw})
		default:
			n := len(scratch)
			scratch = appendUnescaped(scratch, raw)
			fields = append(fields, RawField{Value: scratch[n:len(scratch):len(scratch)]})
		}
		start = end + 1
	}
	r.fields, r.scratch = fields, scratch
	return fields, nil
}

// plainField appends a field without escapes.
func (r *Reader) plainField(fields []RawField, raw []byte) []RawField {
	if string(raw) == r.f.Null {
		return append(fields, RawField{Null: true})
	}
	return append(fields, RawField{Value: raw})
}

// appendUnescaped appends raw with the text format's backslash sequences
// decoded.
func appendUnescaped(out, raw []byte) []byte {
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		if c != '\\' || i+1 == len(raw) {
			out = append(out, c)
			continue
		}
		i++
		switch d := raw[i]; d {
		case 'b':
			out = append(out, '\b')
		case 'f':
			out = append(out, '\f')
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		case 'v':
			out = append(out, '\v')
		case 'x':
			j, n := i+1, 0
			for j < len(raw) && j < i+3 && isHex(raw[j]) {
				n = n<<4 | hexValue(raw[j])
				j++
			}
			if j == i+1 {
				out = append(out, 'x')
				break
			}
			out = append(out, byte(n))
			i = j - 1
		case '0', '1', '2', '3', '4', '5', '6', '7':
			j, n := i, 0
			for j < len(raw) && j < i+3 && raw[j] >= '0' && raw[j] <= '7' {
				n = n<<3 | int(raw[j]-'0')
				j++
			}
			out = append(out, byte(n)) // \777 keeps its low byte
			i = j - 1
		default:
			out = append(out, d)
		}
	}
	return out
}

func isHex(c byte) bool {
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')
}

func hexValue(c byte) int {
	switch {
	case c <= '9':
		return int(c - '0')
	case c >= 'a':
		return int(c-'a') + 10
	}
	return int(c-'A') + 10
}

// csvRow parses one CSV record, reading more physical lines while a quoted
// field is open; a line break inside quotes reads as \n.
func (r *Reader) csvRow(line []byte) ([]RawField, error) {
	out, ends, quotedAt := r.out[:0], r.ends[:0], r.quoted[:0]
	quote, esc, delim := r.f.Quote, r.f.Escape, r.f.Delimiter
	quoted, inQuote := false, false
	for i := 0; ; i++ {
		if i >= len(line) {
			if inQuote {
				// The quoted field goes on over the line break.
				next, ok, err := r.readLine()
				if err != nil {
					return nil, err
				}
				if !ok {
					return nil, formatError("unterminated CSV quoted field")
				}
				out = append(out, '\n')
				line = next
				i = -1
				continue
			}
			break
		}
		c := line[i]
		switch {
		case inQuote && c == esc && i+1 < len(line) && (line[i+1] == quote || line[i+1] == esc):
			out = append(out, line[i+1])
			i++
		case inQuote && c == quote:
			inQuote = false
		case inQuote:
			out = append(out, c)
		case c == quote:
			inQuote, quoted = true, true
		case c == delim:
			ends, quotedAt = append(ends, len(out)), append(quotedAt, quoted)
			quoted = false
		default:
			out = append(out, c)
		}
	}
	ends, quotedAt = append(ends, len(out)), append(quotedAt, quoted)
	// out has stopped growing: the fields can point into it now.
	fields := r.fields[:0]
	start := 0
	for k, end := range ends {
		v := out[start:end:end]
		// An unquoted field equal to the NULL string is NULL; a quoted one
		// never is.
		if !quotedAt[k] && string(v) == r.f.Null {
			fields = append(fields, RawField{Null: true})
		} else {
			fields = append(fields, RawField{Value: v})
		}
		start = end
	}
	r.out, r.ends, r.quoted, r.fields = out, ends, quotedAt, fields
	return fields, nil
}

// Writer writes rows in a COPY format.
type Writer struct {
	f   Format
	buf []byte
}

// NewWriter returns a writer for format f.
func NewWriter(f Format) *Writer { return &Writer{f: f} }

// AppendRow appends one encoded row, with its line terminator, to dst.
func (w *Writer) AppendRow(dst []byte, fields []Field) []byte {
	for i, fl := range fields {
		if i > 0 {
			dst = append(dst, w.f.Delimiter)
		}
		switch {
		case fl.Null:
			dst = append(dst, w.f.Null...)
		case w.f.CSV:
			dst = w.appendCSV(dst, fl.Value)
		default:
			dst = w.appendText(dst, fl.Value)
		}
	}
	return append(dst, '\n')
}

func (w *Writer) appendText(dst []byte, v string) []byte {
	for i := 0; i < len(v); i++ {
		c := v[i]
		switch c {
		case '\\':
			dst = append(dst, '\\', '\\')
		case '\n':
			dst = append(dst, '\\', 'n')
		case '\r':
			dst = append(dst, '\\', 'r')
		case '\t':
			if w.f.Delimiter == '\t' {
				dst = append(dst, '\\', 't')
			} else {
				dst = append(dst, c)
			}
		case '\b':
			dst = append(dst, '\\', 'b')
		case '\f':
			dst = append(dst, '\\', 'f')
		case '\v':
			dst = append(dst, '\\', 'v')
		default:
			if c == w.f.Delimiter {
				dst = append(dst, '\\', c)
			} else {
				dst = append(dst, c)
			}
		}
	}
	return dst
}

func (w *Writer) appendCSV(dst []byte, v string) []byte {
	need := v == w.f.Null || v == `\.`
	for i := 0; i < len(v) && !need; i++ {
		c := v[i]
		need = c == w.f.Delimiter || c == w.f.Quote || c == '\n' || c == '\r' || c == w.f.Escape
	}
	if !need {
		return append(dst, v...)
	}
	dst = append(dst, w.f.Quote)
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c == w.f.Quote || c == w.f.Escape {
			dst = append(dst, w.f.Escape)
		}
		dst = append(dst, c)
	}
	return append(dst, w.f.Quote)
}

// Header returns the CSV header line for the column names.
func (w *Writer) Header(names []string) []byte {
	fields := make([]Field, len(names))
	for i, n := range names {
		fields[i] = Field{Value: n}
	}
	return w.AppendRow(nil, fields)
}

// String describes the format, for messages.
func (f Format) String() string {
	if f.CSV {
		return fmt.Sprintf("csv (delimiter %q)", f.Delimiter)
	}
	return fmt.Sprintf("text (delimiter %q)", f.Delimiter)
}
