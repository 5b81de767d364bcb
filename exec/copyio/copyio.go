package copyio

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"strconv"

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

// Reader reads rows of a COPY stream.
type Reader struct {
	r    *bufio.Reader
	f    Format
	line int64 // line number where the last row started (1-based)
	next int64 // line number of the next physical line
	done bool
	buf  []byte
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
// false at the end of input.
func (r *Reader) readLine() ([]byte, bool, error) {
	r.buf = r.buf[:0]
	for {
		chunk, err := r.r.ReadSlice('\n')
		r.buf = append(r.buf, chunk...)
		if err == bufio.ErrBufferFull {
			continue
		}
		if err == io.EOF {
			if len(r.buf) == 0 {
				return nil, false, nil
			}
			break
		}
		if err != nil {
			return nil, false, err
		}
		break
	}
	r.next++
	line := r.buf
	if n := len(line); n > 0 && line[n-1] == '\n' {
		line = line[:n-1]
		if n := len(line); n > 0 && line[n-1] == '\r' {
			line = line[:n-1]
		}
	}
	return line, true, nil
}

// Next returns the next row, or io.EOF after the last one. The header line
// of CSV input is skipped.
func (r *Reader) Next() ([]Field, error) {
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

func (r *Reader) textRow(line []byte) ([]Field, error) {
	if bytes.IndexByte(line, '\r') >= 0 {
		return nil, formatError("literal carriage return found in data").
			WithHint("Use \"\\r\" to represent carriage return.")
	}
	// Split at delimiters not escaped by a backslash; a raw field equal to
	// the NULL string is NULL (compared before de-escaping, as PostgreSQL).
	var fields []Field
	start := 0
	for i := 0; i <= len(line); i++ {
		if i < len(line) && line[i] == '\\' {
			i++
			continue
		}
		if i == len(line) || line[i] == r.f.Delimiter {
			raw := line[start:min(i, len(line))]
			if string(raw) == r.f.Null {
				fields = append(fields, Field{Null: true})
			} else {
				fields = append(fields, Field{Value: unescapeText(raw)})
			}
			start = i + 1
		}
	}
	return fields, nil
}

// unescapeText decodes the text format's backslash sequences.
func unescapeText(raw []byte) string {
	if bytes.IndexByte(raw, '\\') < 0 {
		return string(raw)
	}
	out := make([]byte, 0, len(raw))
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
			j := i + 1
			for j < len(raw) && j < i+3 && isHex(raw[j]) {
				j++
			}
			if j == i+1 {
				out = append(out, 'x')
				break
			}
			n, _ := strconv.ParseUint(string(raw[i+1:j]), 16, 8)
			out = append(out, byte(n))
			i = j - 1
		case '0', '1', '2', '3', '4', '5', '6', '7':
			j := i
			for j < len(raw) && j < i+3 && raw[j] >= '0' && raw[j] <= '7' {
				j++
			}
			n, _ := strconv.ParseUint(string(raw[i:j]), 8, 16)
			out = append(out, byte(n))
			i = j - 1
		default:
			out = append(out, d)
		}
	}
	return string(out)
}

func isHex(c byte) bool {
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')
}

// csvRow parses one CSV record, reading more physical lines while a quoted
// field is open.
func (r *Reader) csvRow(line []byte) ([]Field, error) {
	var fields []Field
	var cur bytes.Buffer
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
				cur.WriteByte('\n')
				line = append([]byte(nil), next...)
				i = -1
				continue
			}
			break
		}
		c := line[i]
		switch {
		case inQuote && c == r.f.Escape && i+1 < len(line) && (line[i+1] == r.f.Quote || line[i+1] == r.f.Escape):
			cur.WriteByte(line[i+1])
			i++
		case inQuote && c == r.f.Quote:
			inQuote = false
		case inQuote:
			cur.WriteByte(c)
		case c == r.f.Quote:
			inQuote, quoted = true, true
		case c == r.f.Delimiter:
			fields = append(fields, r.csvField(cur.String(), quoted))
			cur.Reset()
			quoted = false
		default:
			cur.WriteByte(c)
		}
	}
	fields = append(fields, r.csvField(cur.String(), quoted))
	return fields, nil
}

// csvField applies CSV's NULL rule: an unquoted field equal to the NULL
// string is NULL; a quoted one never is.
func (r *Reader) csvField(v string, quoted bool) Field {
	if !quoted && v == r.f.Null {
		return Field{Null: true}
	}
	return Field{Value: v}
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
