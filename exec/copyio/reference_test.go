package copyio

import (
	"bufio"
	"bytes"
	"io"
	"strconv"
)

// refReader is the reader as it was before NextRaw (string fields,
// copied lines), kept as the reference the new one must agree with.
type refReader struct {
	r    *bufio.Reader
	f    Format
	line int64 // line number where the last row started (1-based)
	next int64 // line number of the next physical line
	done bool
	buf  []byte
}

// newRefReader reads rows in format f from r.
func newRefReader(r io.Reader, f Format) *refReader {
	return &refReader{r: bufio.NewReaderSize(r, 64<<10), f: f, next: 1}
}

// Line returns the line number at which the last row returned began.
func (r *refReader) Line() int64 { return r.line }

// readLine returns the next physical line without its terminator; ok is
// false at the end of input.
func (r *refReader) readLine() ([]byte, bool, error) {
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
func (r *refReader) Next() ([]Field, error) {
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

func (r *refReader) textRow(line []byte) ([]Field, error) {
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
				fields = append(fields, Field{Value: refUnescapeText(raw)})
			}
			start = i + 1
		}
	}
	return fields, nil
}

// unescapeText decodes the text format's backslash sequences.
func refUnescapeText(raw []byte) string {
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

// csvRow parses one CSV record, reading more physical lines while a quoted
// field is open.
func (r *refReader) csvRow(line []byte) ([]Field, error) {
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
func (r *refReader) csvField(v string, quoted bool) Field {
	if !quoted && v == r.f.Null {
		return Field{Null: true}
	}
	return Field{Value: v}
}
