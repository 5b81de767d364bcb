package planner

import "strings"

// splitSQL splits text into statements at semicolons outside string
// literals ('...', E'...'), quoted identifiers, dollar quotes and comments,
// returning each piece with its byte offset. It is used only for texts
// that mix Lattice's statements with PostgreSQL's.
func splitSQL(text string) (pieces []string, offsets []int) {
	start := 0
	emit := func(end int) {
		pieces = append(pieces, text[start:end])
		offsets = append(offsets, start)
	}
	for i := 0; i < len(text); i++ {
		switch c := text[i]; {
		case c == ';':
			emit(i)
			start = i + 1
		case c == '\'':
			escapes := i > 0 && (text[i-1] == 'e' || text[i-1] == 'E') && (i < 2 || !isIdentByte(text[i-2]))
			for i++; i < len(text); i++ {
				if escapes && text[i] == '\\' {
					i++
					continue
				}
				if text[i] == '\'' {
					if i+1 < len(text) && text[i+1] == '\'' {
						i++
						continue
					}
					break
				}
			}
		case c == '"':
			for i++; i < len(text) && text[i] != '"'; i++ {
			}
		case c == '-' && i+1 < len(text) && text[i+1] == '-':
			for i < len(text) && text[i] != '\n' {
				i++
			}
		case c == '/' && i+1 < len(text) && text[i+1] == '*':
			depth := 0
			for ; i+1 < len(text); i++ {
				if text[i] == '/' && text[i+1] == '*' {
					depth++
					i++
				} else if text[i] == '*' && text[i+1] == '/' {
					depth--
					i++
					if depth == 0 {
						break
					}
				}
			}
		case c == '$' && (i == 0 || !isIdentByte(text[i-1])):
			end := strings.IndexByte(text[i+1:], '$')
			if end < 0 {
				continue
			}
			tag := text[i : i+end+2]
			if !validDollarTag(tag[1 : len(tag)-1]) {
				continue
			}
			if close := strings.Index(text[i+len(tag):], tag); close >= 0 {
				i += len(tag) + close + len(tag) - 1
			} else {
				i = len(text)
			}
		}
	}
	if start < len(text) {
		emit(len(text))
	}
	return pieces, offsets
}

func isIdentByte(c byte) bool {
	return c == '_' || c >= 0x80 || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
}

func validDollarTag(tag string) bool {
	for i := 0; i < len(tag); i++ {
		c := tag[i]
		if !(c == '_' || c >= 0x80 || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (i > 0 && c >= '0' && c <= '9')) {
			return false
		}
	}
	return true
}
