package planner

// String functions. Text is UTF-8 and counted in characters (runes), as in
// a UTF8 database; bytea is counted in bytes.

import (
	"bytes"
	"crypto/md5"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"unicode"
	"unicode/utf8"

	"github.com/cockroachdb/apd/v3"

	"github.com/lattice-olap/lattice/pgerr"
	"github.com/lattice-olap/lattice/types"
)

func init() {
	t, i4, ba, bp := types.Text, types.Int4, types.Bytea, types.Bpchar
	length := func(name string) builtin {
		return overloaded(name, sig(i4, textFn(runeCount), t), sig(i4, textFn(bpcharLength), bp), sig(i4, byteaLength, ba))
	}
	charLength := func(name string) builtin {
		return overloaded(name, sig(i4, textFn(runeCount), t), sig(i4, textFn(bpcharLength), bp))
	}
	substr := []fnSig{
		sig(t, textSubstr, t, i4), sig(t, textSubstr, t, i4, i4),
		sig(ba, byteaSubstr, ba, i4), sig(ba, byteaSubstr, ba, i4, i4),
	}
	trim := func(name string, left, right bool) builtin {
		return overloaded(name,
			sig(t, textTrim(left, right), t),
			sig(t, textTrim(left, right), t, t),
			sig(ba, byteaTrim(left, right), ba, ba))
	}
	registerBuiltins(map[string]builtin{
		"length":           length("length"),
		"char_length":      charLength("char_length"),
		"character_length": charLength("character_length"),
		"octet_length": overloaded("octet_length",
			sig(i4, textFn(func(s string) types.Datum { return int64(len(s)) }), t),
			sig(i4, textFn(func(s string) types.Datum { return int64(len(s)) }), bp),
			sig(i4, byteaLength, ba)),
		"bit_length": overloaded("bit_length",
			sig(i4, textFn(func(s string) types.Datum { return int64(len(s)) * 8 }), t),
			sig(i4, func(_ *evalCtx, v []types.Datum) (types.Datum, error) { return int64(len(v[0].([]byte))) * 8, nil }, ba)),
		"substr": overloaded("substr", substr...),
		"substring": overloaded("substring", append(substr[:4:4],
			sig(t, regexSubstr, t, t),
			sig(t, similarSubstr, t, t, t))...),
		"similar_to_escape": overloaded("similar_to_escape", sig(t, similarToEscape, t), sig(t, similarToEscape, t, t)),
		"btrim":             trim("btrim", true, true),
		"ltrim":             trim("ltrim", true, false),
		"rtrim":             trim("rtrim", false, true),
		"concat_ws":         concatWS,
		"replace":           overloaded("replace", sig(t, textReplace, t, t, t)),
		"split_part":        overloaded("split_part", sig(t, splitPart, t, t, i4)),
		"position":          overloaded("position", sig(i4, textPosition, t, t), sig(i4, byteaPosition, ba, ba)),
		"strpos":            overloaded("strpos", sig(i4, textPosition, t, t)),
		"left":              overloaded("left", sig(t, textLeft, t, i4)),
		"right":             overloaded("right", sig(t, textRight, t, i4)),
		"lpad":              overloaded("lpad", sig(t, textPad(true), t, i4), sig(t, textPad(true), t, i4, t)),
		"rpad":              overloaded("rpad", sig(t, textPad(false), t, i4), sig(t, textPad(false), t, i4, t)),
		"repeat":            overloaded("repeat", sig(t, textRepeat, t, i4)),
		"reverse":           overloaded("reverse", sig(t, textFn(reverseString), t)),
		"initcap":           overloaded("initcap", sig(t, textFn(initcap), t)),
		"md5": overloaded("md5",
			sig(t, textFn(func(s string) types.Datum { return md5Hex([]byte(s)) }), t),
			sig(t, func(_ *evalCtx, v []types.Datum) (types.Datum, error) { return md5Hex(v[0].([]byte)), nil }, ba)),
		"starts_with": overloaded("starts_with", sig(types.Bool, func(_ *evalCtx, v []types.Datum) (types.Datum, error) {
			return strings.HasPrefix(v[0].(string), v[1].(string)), nil
		}, t, t)),
		"ascii":     overloaded("ascii", sig(i4, textFn(ascii), t)),
		"chr":       overloaded("chr", sig(t, chr, i4)),
		"translate": overloaded("translate", sig(t, translate, t, t, t)),
		"overlay": overloaded("overlay",
			sig(t, textOverlay, t, t, i4, i4), sig(t, textOverlay, t, t, i4),
			sig(ba, byteaOverlay, ba, ba, i4, i4), sig(ba, byteaOverlay, ba, ba, i4)),
		"regexp_replace": overloaded("regexp_replace", sig(t, regexpReplace, t, t, t), sig(t, regexpReplace, t, t, t, t)),
		"quote_ident":    overloaded("quote_ident", sig(t, textFn(func(s string) types.Datum { return quoteIdent(s) }), t)),
		"quote_literal":  quoteLiteralFn("quote_literal", false),
		"quote_nullable": quoteLiteralFn("quote_nullable", true),
		"encode":         overloaded("encode", sig(t, encodeBytea, ba, t)),
		"decode":         overloaded("decode", sig(ba, decodeText, t, t)),
		"to_hex": overloaded("to_hex",
			sig(t, func(_ *evalCtx, v []types.Datum) (types.Datum, error) {
				return strconv.FormatUint(uint64(uint32(v[0].(int64))), 16), nil
			}, i4),
			sig(t, func(_ *evalCtx, v []types.Datum) (types.Datum, error) {
				return strconv.FormatUint(uint64(v[0].(int64)), 16), nil
			}, types.Int8)),
	})
}

// parsedCache keeps what was parsed from a pattern or format string, as
// formatting.c caches formats: a query usually passes one constant format
// for every row. The cache is shared by all sessions and forgets
// everything when it grows past maxParsed entries.
type parsedCache[T any] struct {
	m sync.Map // string -> T
	n atomic.Int64
}

const maxParsed = 256

func (c *parsedCache[T]) get(key string, parse func(string) (T, error)) (T, error) {
	if v, ok := c.m.Load(key); ok {
		return v.(T), nil
	}
	v, err := parse(key)
	if err != nil {
		return v, err
	}
	if c.n.Add(1) > maxParsed {
		c.m.Clear()
		c.n.Store(1)
	}
	c.m.Store(key, v)
	return v, nil
}

// textFn is a function of one string.
func textFn(f func(string) types.Datum) evalFn {
	return func(_ *evalCtx, v []types.Datum) (types.Datum, error) { return f(v[0].(string)), nil }
}

func runeCount(s string) types.Datum { return int64(utf8.RuneCountInString(s)) }

// bpcharLength counts the characters of a char(n) value without its
// trailing spaces, as bpcharlen does.
func bpcharLength(s string) types.Datum { return runeCount(strings.TrimRight(s, " ")) }

func byteaLength(_ *evalCtx, v []types.Datum) (types.Datum, error) {
	return int64(len(v[0].([]byte))), nil
}

func negativeSubstring() error {
	return pgerr.New(pgerr.SubstringError, "negative substring length not allowed")
}

// substrBounds is text_substring's arithmetic: the 0-based start and end of
// substring(s from start [for length]) in a string of n characters (or
// bytes), where SQL allows start before the first character.
func substrBounds(n int, v []types.Datum) (from, to int, err error) {
	start := v[1].(int64)
	from = int(max(start, 1)) - 1
	to = n
	if len(v) == 3 {
		length := v[2].(int64)
		if length < 0 {
			return 0, 0, negativeSubstring()
		}
		// start + length cannot overflow int64 from two int4s.
		end := start + length
		if end < 1 {
			return 0, 0, nil
		}
		to = int(min(end-1, int64(n)))
	}
	if from > n {
		from = n
	}
	if to < from {
		to = from
	}
	return from, to, nil
}

func textSubstr(_ *evalCtx, v []types.Datum) (types.Datum, error) {
	r := []rune(v[0].(string))
	from, to, err := substrBounds(len(r), v)
	if err != nil {
		return nil, err
	}
	return string(r[from:to]), nil
}

func byteaSubstr(_ *evalCtx, v []types.Datum) (types.Datum, error) {
	b := v[0].([]byte)
	from, to, err := substrBounds(len(b), v)
	if err != nil {
		return nil, err
	}
	return append([]byte{}, b[from:to]...), nil
}

var regexCache parsedCache[*regexp.Regexp]

// nonGreedy finds a non-greedy quantifier (*? +? ?? }?) in a pattern.
var nonGreedy = regexp.MustCompile(`[*+?}]\?`)

// regexSubstr is substring(text from pattern): the part that the first
// parenthesized subexpression matched, or the whole match. Go's RE2 syntax
// stands in for PostgreSQL's advanced regular expressions, which it shares
// for common patterns; like ARE, a pattern matches leftmost-longest unless
// it uses non-greedy quantifiers.
// compileRegex compiles a PostgreSQL regular expression (cached): RE2
// syntax covers the common ones; a pattern without a non-greedy
// quantifier matches leftmost-longest, as POSIX regular expressions do,
// and . matches a newline, as in PostgreSQL's default mode.
func compileRegex(pattern string) (*regexp.Regexp, error) {
	return regexCache.get(pattern, func(pattern string) (*regexp.Regexp, error) {
		re, err := regexp.Compile("(?s)" + pattern)
		if err != nil {
			return nil, pgerr.New(pgerr.InvalidRegularExpression, "invalid regular expression: %v", err)
		}
		if !nonGreedy.MatchString(pattern) {
			re.Longest()
		}
		return re, nil
	})
}

func regexSubstr(_ *evalCtx, v []types.Datum) (types.Datum, error) {
	re, err := compileRegex(v[1].(string))
	if err != nil {
		return nil, err
	}
	s := v[0].(string)
	m := re.FindStringSubmatchIndex(s)
	if m == nil {
		return nil, nil
	}
	if len(m) > 2 {
		m = m[2:4]
	}
	if m[0] < 0 {
		return nil, nil
	}
	return s[m[0]:m[1]], nil
}

// similarToEscape is similar_to_escape(pattern [, escape]), which SIMILAR
// TO calls: the pattern as a regular expression (the escape character is
// a backslash unless given; an empty one is none).
func similarToEscape(_ *evalCtx, v []types.Datum) (types.Datum, error) {
	esc := `\`
	if len(v) > 1 {
		esc = v[1].(string)
	}
	return similarToRegex(v[0].(string), esc)
}

// similarToRegex translates a SQL regular expression as PostgreSQL's
// similar_escape does: anchored at both ends, % and _ are .* and ., a
// parenthesis groups without capturing, . ^ $ and \ are literal, a
// bracket expression is copied as it is, and an escaped character stands
// for itself, except that the escape and a double quote (at most two of
// them) split the pattern into the three parts SUBSTRING ... SIMILAR
// returns the middle one of.
func similarToRegex(pat, esc string) (string, error) {
	if utf8.RuneCountInString(esc) > 1 {
		return "", pgerr.New(pgerr.InvalidEscapeSequence, "invalid escape string").WithHint("Escape string must be empty or one character.")
	}
	escape, _ := utf8.DecodeRuneInString(esc)
	var b strings.Builder
	b.WriteString("^(?:")
	afterEscape, inClass, quotes := false, false, 0
	for _, c := range pat {
		switch {
		case afterEscape:
			afterEscape = false
			if c == '"' && !inClass {
				switch quotes {
				case 0:
					b.WriteString("){1,1}?(")
				case 1:
					b.WriteString("){1,1}(?:")
				default:
					return "", pgerr.New(pgerr.InvalidUseOfEscapeCharacter, "SQL regular expression may not contain more than two escape-double-quote separators")
				}
				quotes++
				continue
			}
			b.WriteByte('\\')
			b.WriteRune(c)
		case esc != "" && c == escape:
			afterEscape = true
		case inClass:
			if c == '\\' {
				b.WriteByte('\\')
			}
			b.WriteRune(c)
			inClass = c != ']'
		case c == '[':
			b.WriteRune(c)
			inClass = true
		case c == '%':
			b.WriteString(".*")
		case c == '_':
			b.WriteByte('.')
		case c == '(':
			b.WriteString("(?:")
		case c == '\\' || c == '.' || c == '^' || c == '$':
			b.WriteByte('\\')
			b.WriteRune(c)
		default:
			b.WriteRune(c)
		}
	}
	b.WriteString(")$")
	return b.String(), nil
}

// similarSubstr is SUBSTRING(s SIMILAR pattern ESCAPE e): the part of s
// that the pattern's middle part (between the escape-double-quote
// separators) matches, when the whole pattern matches s; the whole match
// without separators.
func similarSubstr(e *evalCtx, v []types.Datum) (types.Datum, error) {
	re, err := similarToRegex(v[1].(string), v[2].(string))
	if err != nil {
		return nil, err
	}
	return regexSubstr(e, []types.Datum{v[0], re})
}

func textTrim(left, right bool) evalFn {
	return func(_ *evalCtx, v []types.Datum) (types.Datum, error) {
		s, set := v[0].(string), " "
		if len(v) == 2 {
			set = v[1].(string)
		}
		in := func(r rune) bool { return strings.ContainsRune(set, r) }
		if left {
			s = strings.TrimLeftFunc(s, in)
		}
		if right {
			s = strings.TrimRightFunc(s, in)
		}
		return s, nil
	}
}

func byteaTrim(left, right bool) evalFn {
	return func(_ *evalCtx, v []types.Datum) (types.Datum, error) {
		b, set := v[0].([]byte), v[1].([]byte)
		if left {
			for len(b) > 0 && bytes.IndexByte(set, b[0]) >= 0 {
				b = b[1:]
			}
		}
		if right {
			for len(b) > 0 && bytes.IndexByte(set, b[len(b)-1]) >= 0 {
				b = b[:len(b)-1]
			}
		}
		return append([]byte{}, b...), nil
	}
}

// concatWS is concat_ws(sep, VARIADIC "any"): NULL only when sep is; NULL
// arguments are skipped and the rest written with their output functions.
func concatWS(b *binder, args []Expr, loc int32) (Expr, error) {
	if len(args) < 2 {
		return nil, wrongArgs("concat_ws", args, loc, b)
	}
	sep, err := b.coerce(args[0], types.Text, loc)
	if err != nil {
		return nil, wrongArgs("concat_ws", args, loc, b)
	}
	call := []Expr{sep}
	typs := []types.T{types.Text}
	for _, a := range args[1:] {
		a = b.defaultUnknown(a)
		call = append(call, a)
		typs = append(typs, a.Type())
	}
	return &funcExpr{name: "concat_ws", args: call, typ: types.Text, fn: func(e *evalCtx, v []types.Datum) (types.Datum, error) {
		if v[0] == nil {
			return nil, nil
		}
		opt := e.sess.Settings.FormatOptions()
		var out []byte
		first := true
		for i, x := range v[1:] {
			if x == nil {
				continue
			}
			if !first {
				out = append(out, v[0].(string)...)
			}
			first = false
			out = types.AppendText(out, typs[i+1], x, &opt)
		}
		return string(out), nil
	}}, nil
}

func textReplace(_ *evalCtx, v []types.Datum) (types.Datum, error) {
	s, from, to := v[0].(string), v[1].(string), v[2].(string)
	if from == "" {
		return s, nil
	}
	return strings.ReplaceAll(s, from, to), nil
}

// splitPart is split_part, where a negative field counts from the end.
func splitPart(_ *evalCtx, v []types.Datum) (types.Datum, error) {
	s, sep, n := v[0].(string), v[1].(string), v[2].(int64)
	if n == 0 {
		return nil, pgerr.New(pgerr.InvalidParameterValue, "field position must not be zero")
	}
	if s == "" {
		return "", nil
	}
	fields := []string{s}
	if sep != "" {
		fields = strings.Split(s, sep)
	}
	if n < 0 {
		n += int64(len(fields)) + 1
	}
	if n < 1 || n > int64(len(fields)) {
		return "", nil
	}
	return fields[n-1], nil
}

func textPosition(_ *evalCtx, v []types.Datum) (types.Datum, error) {
	s, sub := v[0].(string), v[1].(string)
	i := strings.Index(s, sub)
	if i < 0 {
		return int64(0), nil
	}
	return int64(utf8.RuneCountInString(s[:i])) + 1, nil
}

func byteaPosition(_ *evalCtx, v []types.Datum) (types.Datum, error) {
	return int64(bytes.Index(v[0].([]byte), v[1].([]byte))) + 1, nil
}

func textLeft(_ *evalCtx, v []types.Datum) (types.Datum, error) {
	r, n := []rune(v[0].(string)), v[1].(int64)
	if n < 0 {
		n += int64(len(r))
	}
	return string(r[:min(max(n, 0), int64(len(r)))]), nil
}

func textRight(_ *evalCtx, v []types.Datum) (types.Datum, error) {
	r, n := []rune(v[0].(string)), v[1].(int64)
	if n < 0 {
		n += int64(len(r))
	}
	return string(r[int64(len(r))-min(max(n, 0), int64(len(r))):]), nil
}

// maxAlloc is PostgreSQL's MaxAllocSize: no value may be larger.
const maxAlloc = 0x3fffffff

func lengthTooLarge() error {
	return pgerr.New(pgerr.ProgramLimitExceeded, "requested length too large")
}

func textPad(left bool) evalFn {
	return func(_ *evalCtx, v []types.Datum) (types.Datum, error) {
		r, n, fill := []rune(v[0].(string)), v[1].(int64), " "
		if len(v) == 3 {
			fill = v[2].(string)
		}
		n = max(n, 0)
		// lpad sizes its buffer for the widest encoding, 4 bytes a character.
		if n*4 > 0x7fffffff {
			return nil, lengthTooLarge()
		}
		if n*4+4 > maxAlloc {
			return nil, pgerr.New(pgerr.InternalError, "invalid memory alloc request size %d", n*4+4)
		}
		if int64(len(r)) >= n || fill == "" {
			return string(r[:min(int64(len(r)), n)]), nil
		}
		f := []rune(fill)
		pad := make([]rune, n-int64(len(r)))
		for i := range pad {
			pad[i] = f[i%len(f)]
		}
		if left {
			return string(pad) + string(r), nil
		}
		return string(r) + string(pad), nil
	}
}

func textRepeat(_ *evalCtx, v []types.Datum) (types.Datum, error) {
	s, n := v[0].(string), max(v[1].(int64), 0)
	if total := n * int64(len(s)); total > 0x7fffffff-4 || total+4 > maxAlloc {
		return nil, lengthTooLarge()
	}
	return strings.Repeat(s, int(n)), nil
}

func reverseString(s string) types.Datum {
	r := []rune(s)
	for i, j := 0, len(r)-1; i < j; i, j = i+1, j-1 {
		r[i], r[j] = r[j], r[i]
	}
	return string(r)
}

// initcap upper-cases the first letter of each run of letters and digits
// and lower-cases the rest.
func initcap(s string) types.Datum {
	var sb strings.Builder
	prevAlnum := false
	for _, c := range s {
		if prevAlnum {
			sb.WriteRune(unicode.ToLower(c))
		} else {
			sb.WriteRune(unicode.ToUpper(c))
		}
		prevAlnum = unicode.IsLetter(c) || unicode.IsDigit(c)
	}
	return sb.String()
}

func md5Hex(b []byte) string {
	sum := md5.Sum(b)
	return hex.EncodeToString(sum[:])
}

func ascii(s string) types.Datum {
	if s == "" {
		return int64(0)
	}
	c, _ := utf8.DecodeRuneInString(s)
	return int64(c)
}

func chr(_ *evalCtx, v []types.Datum) (types.Datum, error) {
	n := v[0].(int64)
	switch {
	case n < 0:
		return nil, pgerr.New(pgerr.InvalidParameterValue, "character number must be positive")
	case n == 0:
		return nil, pgerr.New(pgerr.ProgramLimitExceeded, "null character not permitted")
	case n > 0x10ffff:
		return nil, pgerr.New(pgerr.ProgramLimitExceeded, "requested character too large for encoding: %d", n)
	case n >= 0xd800 && n <= 0xdfff:
		return nil, pgerr.New(pgerr.ProgramLimitExceeded, "requested character not valid for encoding: %d", n)
	}
	return string(rune(n)), nil
}

// translate replaces each character of s found in from by the character at
// the same place in to, or drops it when to is shorter.
func translate(_ *evalCtx, v []types.Datum) (types.Datum, error) {
	s, from, to := v[0].(string), []rune(v[1].(string)), []rune(v[2].(string))
	var sb strings.Builder
	for _, c := range s {
		i := -1
		for j, f := range from {
			if f == c {
				i = j
				break
			}
		}
		switch {
		case i < 0:
			sb.WriteRune(c)
		case i < len(to):
			sb.WriteRune(to[i])
		}
	}
	return sb.String(), nil
}

// overlayBounds checks overlay's start and length and returns them; the
// length defaults to the replacement's.
func overlayBounds(v []types.Datum, placingLen int) (start, end int64, err error) {
	start = v[2].(int64)
	length := int64(placingLen)
	if len(v) == 4 {
		length = v[3].(int64)
	}
	if start <= 0 {
		return 0, 0, negativeSubstring()
	}
	end = start + length
	if end > 0x7fffffff || end < -0x80000000 {
		return 0, 0, pgerr.New(pgerr.NumericValueOutOfRange, "integer out of range")
	}
	return start, end, nil
}

func textOverlay(e *evalCtx, v []types.Datum) (types.Datum, error) {
	placing := v[1].(string)
	start, end, err := overlayBounds(v, utf8.RuneCountInString(placing))
	if err != nil {
		return nil, err
	}
	head, err := textSubstr(e, []types.Datum{v[0], int64(1), start - 1})
	if err != nil {
		return nil, err
	}
	tail, err := textSubstr(e, []types.Datum{v[0], end})
	if err != nil {
		return nil, err
	}
	return head.(string) + placing + tail.(string), nil
}

func byteaOverlay(e *evalCtx, v []types.Datum) (types.Datum, error) {
	placing := v[1].([]byte)
	start, end, err := overlayBounds(v, len(placing))
	if err != nil {
		return nil, err
	}
	head, err := byteaSubstr(e, []types.Datum{v[0], int64(1), start - 1})
	if err != nil {
		return nil, err
	}
	tail, err := byteaSubstr(e, []types.Datum{v[0], end})
	if err != nil {
		return nil, err
	}
	out := append(append([]byte{}, head.([]byte)...), placing...)
	return append(out, tail.([]byte)...), nil
}

// to_char(number, text): formatting.c's NUM patterns, in the C locale
// (decimal point ".", group separator ",", currency symbol " ").

type numID int

const (
	numComma numID = iota
	numDec
	num0
	num9
	numB
	numC
	numD
	numE
	numFM
	numG
	numL
	numMI
	numPL
	numPR
	numRN
	numRNLower
	numSG
	numSP
	numS
	numTH
	numTHLower
	numV
)

// numKeywords is NUM_keywords in its order.
var numKeywords = []struct {
	name string
	id   numID
}{
	{",", numComma}, {".", numDec}, {"0", num0}, {"9", num9}, {"B", numB}, {"C", numC}, {"D", numD},
	{"EEEE", numE}, {"FM", numFM}, {"G", numG}, {"L", numL}, {"MI", numMI}, {"PL", numPL}, {"PR", numPR},
	{"RN", numRN}, {"SG", numSG}, {"SP", numSP}, {"S", numS}, {"TH", numTH}, {"V", numV},
	{"b", numB}, {"c", numC}, {"d", numD}, {"eeee", numE}, {"fm", numFM}, {"g", numG}, {"l", numL},
	{"mi", numMI}, {"pl", numPL}, {"pr", numPR}, {"rn", numRNLower}, {"sg", numSG}, {"sp", numSP},
	{"s", numS}, {"th", numTHLower}, {"v", numV},
}

// NUMDesc flags.
const (
	numFDecimal = 1 << iota
	numFLDecimal
	numFZero
	numFBlank
	numFFillMode
	numFLSign
	numFBracket
	numFMinus
	numFPlus
	numFRoman
	numFMulti
	numFPlusPost
	numFMinusPost
	numFEEEE
)

const (
	lsignNone = iota
	lsignPre
	lsignPost
)

// numDesc is NUMDesc: what a format asks for.
type numDesc struct {
	pre, post, lsign, preLsignNum, multi, zeroStart, zeroEnd int
	flag                                                     int
}

func (d *numDesc) has(f int) bool { return d.flag&f != 0 }

type numNode struct {
	id  numID
	key bool
	lit string
}

func numSyntax(format string, args ...any) error {
	return pgerr.New(pgerr.SyntaxError, format, args...)
}

// prepare is NUMDesc_prepare: it records one keyword.
func (d *numDesc) prepare(id numID) error {
	if d.has(numFEEEE) && id != numE {
		return numSyntax(`"EEEE" must be the last pattern used`)
	}
	switch id {
	case num9:
		if d.has(numFBracket) {
			return numSyntax(`"9" must be ahead of "PR"`)
		}
		switch {
		case d.has(numFMulti):
			d.multi++
		case d.has(numFDecimal):
			d.post++
		default:
			d.pre++
		}
	case num0:
		if d.has(numFBracket) {
			return numSyntax(`"0" must be ahead of "PR"`)
		}
		if !d.has(numFZero) && !d.has(numFDecimal) {
			d.flag |= numFZero
			d.zeroStart = d.pre + 1
		}
		if !d.has(numFDecimal) {
			d.pre++
		} else {
			d.post++
		}
		d.zeroEnd = d.pre + d.post
	case numB:
		if d.pre == 0 && d.post == 0 && !d.has(numFZero) {
			d.flag |= numFBlank
		}
	case numD, numDec:
		if id == numD {
			d.flag |= numFLDecimal
		}
		if d.has(numFDecimal) {
			return numSyntax("multiple decimal points")
		}
		if d.has(numFMulti) {
			return numSyntax(`cannot use "V" and decimal point together`)
		}
		d.flag |= numFDecimal
	case numFM:
		d.flag |= numFFillMode
	case numS:
		if d.has(numFLSign) {
			return numSyntax(`cannot use "S" twice`)
		}
		if d.has(numFPlus) || d.has(numFMinus) || d.has(numFBracket) {
			return numSyntax(`cannot use "S" and "PL"/"MI"/"SG"/"PR" together`)
		}
		if !d.has(numFDecimal) {
			d.lsign = lsignPre
			d.preLsignNum = d.pre
			d.flag |= numFLSign
		} else if d.lsign == lsignNone {
			d.lsign = lsignPost
			d.flag |= numFLSign
		}
	case numMI:
		if d.has(numFLSign) {
			return numSyntax(`cannot use "S" and "MI" together`)
		}
		d.flag |= numFMinus
		if d.has(numFDecimal) {
			d.flag |= numFMinusPost
		}
	case numPL:
		if d.has(numFLSign) {
			return numSyntax(`cannot use "S" and "PL" together`)
		}
		d.flag |= numFPlus
		if d.has(numFDecimal) {
			d.flag |= numFPlusPost
		}
	case numSG:
		if d.has(numFLSign) {
			return numSyntax(`cannot use "S" and "SG" together`)
		}
		d.flag |= numFMinus | numFPlus
	case numPR:
		if d.has(numFLSign) || d.has(numFPlus) || d.has(numFMinus) {
			return numSyntax(`cannot use "PR" and "S"/"PL"/"MI"/"SG" together`)
		}
		d.flag |= numFBracket
	case numRN, numRNLower:
		d.flag |= numFRoman
	case numV:
		if d.has(numFDecimal) {
			return numSyntax(`cannot use "V" and decimal point together`)
		}
		d.flag |= numFMulti
	case numE:
		if d.has(numFEEEE) {
			return numSyntax(`cannot use "EEEE" twice`)
		}
		if d.has(numFBlank) || d.has(numFFillMode) || d.has(numFLSign) || d.has(numFBracket) ||
			d.has(numFMinus) || d.has(numFPlus) || d.has(numFRoman) || d.has(numFMulti) {
			return pgerr.New(pgerr.SyntaxError, `"EEEE" is incompatible with other formats`).
				WithDetail(`"EEEE" may only be used together with digit and decimal point patterns.`)
		}
		d.flag |= numFEEEE
	}
	return nil
}

// numFormat is a parsed NUM format.
type numFormat struct {
	nodes []numNode
	desc  numDesc
}

var numFormats parsedCache[*numFormat]

func parseNum(f string) (*numFormat, error) {
	d := &numDesc{}
	var out []numNode
	for f != "" {
		found := false
		for _, k := range numKeywords {
			if k.name[0] == f[0] && strings.HasPrefix(f, k.name) {
				if err := d.prepare(k.id); err != nil {
					return nil, err
				}
				out = append(out, numNode{id: k.id, key: true})
				f = f[len(k.name):]
				found = true
				break
			}
		}
		if found {
			continue
		}
		lits, rest := takeLiteral(f)
		for _, l := range lits {
			out = append(out, numNode{lit: l})
		}
		f = rest
	}
	return &numFormat{nodes: out, desc: *d}, nil
}

// intToRoman is int_to_roman: 1..3999, else 15 '#'.
func intToRoman(n int64) string {
	if n < 1 || n > 3999 {
		return strings.Repeat("#", 15)
	}
	var sb strings.Builder
	vals := []int64{1000, 900, 500, 400, 100, 90, 50, 40, 10, 9, 5, 4, 1}
	syms := []string{"M", "CM", "D", "CD", "C", "XC", "L", "XL", "X", "IX", "V", "IV", "I"}
	for i, v := range vals {
		for n >= v {
			sb.WriteString(syms[i])
			n -= v
		}
	}
	return sb.String()
}

// hashes is the '#' filler of an overflowed field, with the point.
func hashes(pre, post int) string {
	b := []byte(strings.Repeat("#", pre+post+1))
	b[pre] = '.'
	return string(b)
}

// cFloatE is C's "%+.*e" with a leading '+' turned into a space.
func cFloatE(f float64, prec int) string {
	s := strconv.FormatFloat(f, 'e', prec, 64)
	if !strings.HasPrefix(s, "-") {
		s = " " + s
	}
	return s
}

// pgFloatF is PostgreSQL's snprintf "%.*f", which spells NaN and
// Infinity as numeric_out does.
func pgFloatF(f float64, prec int) string {
	switch {
	case math.IsNaN(f):
		return "NaN"
	case math.IsInf(f, 1):
		return "Infinity"
	case math.IsInf(f, -1):
		return "-Infinity"
	}
	return strconv.FormatFloat(f, 'f', prec, 64)
}

// numericSci is numeric_out_sci: one digit before the point, scale after.
func numericSci(d *apd.Decimal, scale int) string {
	if d.Form != apd.Finite {
		return types.FormatNumeric(d)
	}
	exp := int64(0)
	if !d.IsZero() {
		exp = d.NumDigits() + int64(d.Exponent) - 1
	}
	sig := new(apd.Decimal).Set(d)
	sig.Exponent -= int32(exp)
	r, err := quantizeNum(sig, int32(scale), apd.RoundHalfUp)
	if err != nil {
		r = sig
	}
	e := strconv.FormatInt(exp, 10)
	sign := "+"
	if exp < 0 {
		sign, e = "-", e[1:]
	}
	if len(e) < 2 {
		e = "0" + e
	}
	return types.FormatNumeric(r) + "e" + sign + e
}

// numToChar is to_char for a number type.
func numToChar(typ types.T) evalFn {
	return func(_ *evalCtx, v []types.Datum) (types.Datum, error) {
		format := v[1].(string)
		if format == "" {
			return "", nil
		}
		parsed, err := numFormats.get(format, parseNum)
		if err != nil {
			return nil, err
		}
		// Formatting adjusts the description; work on a copy.
		nodes, desc := parsed.nodes, parsed.desc
		d := &desc
		var numstr string
		sign := byte('+')
		outPreSpaces := 0
		// fromDigits lays out a plain decimal string as the formats
		// without EEEE and RN want it.
		fromDigits := func(orgnum string) {
			if strings.HasPrefix(orgnum, "-") {
				sign, orgnum = '-', orgnum[1:]
			}
			numstr = orgnum
			preLen := len(orgnum)
			if i := strings.IndexByte(orgnum, '.'); i >= 0 {
				preLen = i
			}
			if preLen < d.pre {
				outPreSpaces = d.pre - preLen
			} else if preLen > d.pre {
				numstr = hashes(d.pre, d.post)
			}
		}
		sciNumeric := func(x *apd.Decimal) {
			s := numericSci(x, d.post)
			switch {
			case x.Form != apd.Finite:
				b := []byte(strings.Repeat("#", d.pre+d.post+6))
				b[0], b[d.pre+1] = ' ', '.'
				numstr = string(b)
			case !strings.HasPrefix(s, "-"):
				numstr = " " + s
			default:
				numstr = s
			}
		}
		switch typ.Oid {
		case types.OidInt4, types.OidInt8:
			n := v[0].(int64)
			switch {
			case d.has(numFRoman):
				if typ.Oid == types.OidInt8 && (n > math.MaxInt32 || n < math.MinInt32) {
					return nil, intOutOfRange(types.Int4)
				}
				numstr = intToRoman(n)
			case d.has(numFEEEE) && typ.Oid == types.OidInt4:
				numstr = cFloatE(float64(n), d.post)
			case d.has(numFEEEE):
				sciNumeric(apd.New(n, 0))
			default:
				if d.has(numFMulti) {
					if typ.Oid == types.OidInt4 {
						n *= int64(int32(math.Pow(10, float64(d.multi))))
						if n > math.MaxInt32 || n < math.MinInt32 {
							return nil, intOutOfRange(types.Int4)
						}
					} else {
						m := int64(math.Pow(10, float64(d.multi)))
						r := n * m
						if m != 0 && (r/m != n || (n == -1 && m == math.MinInt64)) {
							return nil, intOutOfRange(types.Int8)
						}
						n = r
					}
					d.pre += d.multi
				}
				s := strconv.FormatInt(n, 10)
				if d.post > 0 {
					s += "." + strings.Repeat("0", d.post)
				}
				fromDigits(s)
			}
		case types.OidFloat4, types.OidFloat8:
			f := v[0].(float64)
			digits := 15
			if typ.Oid == types.OidFloat4 {
				digits = 6
			}
			switch {
			case d.has(numFRoman):
				numstr = intToRoman(int64(math.RoundToEven(f)))
			case d.has(numFEEEE):
				if math.IsNaN(f) || math.IsInf(f, 0) {
					b := []byte(strings.Repeat("#", d.pre+d.post+6))
					b[0], b[d.pre+1] = ' ', '.'
					numstr = string(b)
				} else {
					numstr = cFloatE(f, d.post)
				}
			default:
				if d.has(numFMulti) {
					f *= math.Pow(10, float64(d.multi))
					d.pre += d.multi
				}
				preLen := len(pgFloatF(math.Abs(f), 0))
				if preLen >= digits {
					d.post = 0
				} else if preLen+d.post > digits {
					d.post = digits - preLen
				}
				fromDigits(pgFloatF(f, d.post))
			}
		case types.OidNumeric:
			x := v[0].(*apd.Decimal)
			switch {
			case d.has(numFRoman):
				r := x
				if x.Form == apd.Finite {
					if r, err = quantizeNum(x, 0, apd.RoundHalfUp); err != nil {
						return nil, err
					}
				}
				n, err := r.Int64()
				if x.Form != apd.Finite || err != nil || n > math.MaxInt32 || n < math.MinInt32 {
					if x.Form == apd.NaN {
						return nil, pgerr.New(pgerr.FeatureNotSupported, "cannot convert NaN to integer")
					}
					if x.Form == apd.Infinite {
						return nil, pgerr.New(pgerr.FeatureNotSupported, "cannot convert infinity to integer")
					}
					return nil, intOutOfRange(types.Int4)
				}
				numstr = intToRoman(n)
			case d.has(numFEEEE):
				sciNumeric(x)
			default:
				val := x
				if d.has(numFMulti) && x.Form == apd.Finite {
					val = new(apd.Decimal).Set(x)
					val.Exponent += int32(d.multi)
					d.pre += d.multi
				} else if d.has(numFMulti) {
					d.pre += d.multi
				}
				if val.Form == apd.Finite {
					if val, err = quantizeNum(val, int32(d.post), apd.RoundHalfUp); err != nil {
						return nil, err
					}
				}
				fromDigits(types.FormatNumeric(val))
			}
		}
		return numProcess(nodes, d, numstr, outPreSpaces, sign)
	}
}

// numProc is NUMProc: NUM_processor's state while it writes to_char's
// output.
type numProc struct {
	d                          *numDesc
	sign                       byte
	signWrote, numIn           bool
	numCount, numCurr, preSpcs int
	number                     string
	np                         int // the next character of number
	lastRelevant               int // index into number, or -1
	out                        []byte
}

func (p *numProc) at(i int) byte {
	if i >= 0 && i < len(p.number) {
		return p.number[i]
	}
	return 0
}

// predecSpace is IS_PREDEC_SPACE: the leading 0 of "0.1" under "9.9".
func (p *numProc) predecSpace() bool {
	return !p.d.has(numFZero) && p.np == 0 && p.at(0) == '0' && p.d.post != 0
}

func (p *numProc) relevantIsPoint() bool { return p.lastRelevant >= 0 && p.at(p.lastRelevant) == '.' }

// numpart is NUM_numpart_to_char: a digit, zero or decimal point position,
// with the sign written before the first digit that shows.
func (p *numProc) numpart(id numID) {
	d := p.d
	if d.has(numFRoman) {
		return
	}
	if !p.signWrote &&
		(p.numCurr >= p.preSpcs || (d.has(numFZero) && d.zeroStart == p.numCurr)) &&
		(!p.predecSpace() || p.relevantIsPoint()) {
		switch {
		case d.has(numFLSign):
			if d.lsign == lsignPre {
				p.out = append(p.out, p.sign)
				p.signWrote = true
			}
		case d.has(numFBracket):
			if p.sign == '+' {
				p.out = append(p.out, ' ')
			} else {
				p.out = append(p.out, '<')
			}
			p.signWrote = true
		case p.sign == '+':
			if !d.has(numFFillMode) {
				p.out = append(p.out, ' ')
			}
			p.signWrote = true
		case p.sign == '-':
			p.out = append(p.out, '-')
			p.signWrote = true
		}
	}
	switch {
	case p.numCurr < p.preSpcs && (d.zeroStart > p.numCurr || !d.has(numFZero)):
		if !d.has(numFFillMode) {
			p.out = append(p.out, ' ')
		}
	case d.has(numFZero) && p.numCurr < p.preSpcs && d.zeroStart <= p.numCurr:
		p.out = append(p.out, '0')
		p.numIn = true
	default:
		if p.at(p.np) == '.' {
			if !p.relevantIsPoint() || d.has(numFFillMode) {
				p.out = append(p.out, '.')
			}
		} else {
			switch {
			case p.lastRelevant >= 0 && p.np > p.lastRelevant && id != num0:
			case p.predecSpace():
				if !d.has(numFFillMode) {
					p.out = append(p.out, ' ')
				} else if p.relevantIsPoint() {
					p.out = append(p.out, '0')
				}
			default:
				// Past the end of number this writes the NUL that ends
				// PostgreSQL's C string.
				p.out = append(p.out, p.at(p.np))
				p.numIn = true
			}
		}
		if p.np < len(p.number) {
			p.np++
		}
	}
	end := p.numCount
	if p.preSpcs > 0 {
		end++
	}
	if d.has(numFDecimal) {
		end++
	}
	if p.lastRelevant >= 0 && p.lastRelevant == p.np {
		end = p.numCurr
	}
	if p.numCurr+1 == end {
		switch {
		case p.signWrote && d.has(numFBracket):
			if p.sign == '+' {
				p.out = append(p.out, ' ')
			} else {
				p.out = append(p.out, '>')
			}
		case d.has(numFLSign) && d.lsign == lsignPost:
			p.out = append(p.out, p.sign)
		}
	}
	p.numCurr++
}

// numProcess is NUM_processor's to_char half.
func numProcess(nodes []numNode, d *numDesc, number string, preSpaces int, sign byte) (types.Datum, error) {
	if d.has(numFEEEE) {
		return number, nil
	}
	p := &numProc{d: d, number: number, lastRelevant: -1}
	if d.zeroStart > 0 {
		d.zeroStart--
	}
	if d.has(numFRoman) {
		d.lsign, d.preLsignNum, d.post, d.pre, preSpaces, sign = 0, 0, 0, 0, 0, 0
		d.flag = numFRoman | d.flag&numFFillMode
	}
	p.sign = sign
	if d.has(numFPlus) || d.has(numFMinus) {
		p.signWrote = !(d.has(numFPlus) && !d.has(numFMinus))
	} else {
		if sign != '-' && d.has(numFFillMode) {
			d.flag &^= numFBracket
		}
		p.signWrote = sign == '+' && d.has(numFFillMode) && !d.has(numFLSign)
		if d.lsign == lsignPre && d.pre == d.preLsignNum {
			d.lsign = lsignPost
		}
	}
	p.numCount = d.post + d.pre - 1
	p.preSpcs = preSpaces
	if d.has(numFFillMode) && d.has(numFDecimal) {
		if i := strings.IndexByte(number, '.'); i >= 0 {
			p.lastRelevant = i
			for j := i + 1; j < len(number); j++ {
				if number[j] != '0' {
					p.lastRelevant = j
				}
			}
		}
		if p.lastRelevant >= 0 && d.zeroEnd > p.preSpcs {
			lastZero := min(len(number)-1, d.zeroEnd-p.preSpcs)
			if p.lastRelevant < lastZero {
				p.lastRelevant = lastZero
			}
		}
	}
	if !p.signWrote && p.preSpcs == 0 {
		p.numCount++
	}
	fill := d.has(numFFillMode)
	for _, n := range nodes {
		if !n.key {
			p.out = append(p.out, n.lit...)
			continue
		}
		switch n.id {
		case num9, num0, numDec, numD:
			p.numpart(n.id)
		case numComma, numG:
			switch {
			case p.numIn:
				p.out = append(p.out, ',')
			case !fill:
				p.out = append(p.out, ' ')
			}
		case numL:
			p.out = append(p.out, ' ')
		case numRN, numRNLower:
			s := number
			if n.id == numRNLower {
				s = strings.ToLower(s)
			}
			if !fill {
				s = strings.Repeat(" ", max(15-len(s), 0)) + s
			}
			p.out = append(p.out, s...)
		case numTH, numTHLower:
			if d.has(numFRoman) || p.at(0) == '#' || p.sign == '-' || d.has(numFDecimal) {
				continue
			}
			last := p.at(len(number) - 1)
			if last < '0' || last > '9' {
				return nil, pgerr.New(pgerr.InvalidTextRepresentation, "%q is not a number", number)
			}
			p.out = append(p.out, ordinalSuffix(number, n.id == numTH)...)
		case numMI:
			switch {
			case p.sign == '-':
				p.out = append(p.out, '-')
			case !fill:
				p.out = append(p.out, ' ')
			}
		case numPL:
			switch {
			case p.sign == '+':
				p.out = append(p.out, '+')
			case !fill:
				p.out = append(p.out, ' ')
			}
		case numSG:
			p.out = append(p.out, p.sign)
		}
	}
	out := p.out
	if i := bytes.IndexByte(out, 0); i >= 0 {
		out = out[:i]
	}
	return string(out), nil
}

// regexpReplace is regexp_replace(source, pattern, replacement [, flags]):
// the first match replaced, or every one with flag g; flag i ignores case.
// In the replacement \1..\9 are the groups, \& the match, \\ a
// backslash.
func regexpReplace(_ *evalCtx, v []types.Datum) (types.Datum, error) {
	src, pattern, repl := v[0].(string), v[1].(string), v[2].(string)
	// PostgreSQL's default: a newline is an ordinary character (. matches
	// it, ^ and $ match only at the ends).
	all, icase, newlines, quote := false, false, false, false
	if len(v) > 3 {
		for _, f := range v[3].(string) {
			switch f {
			case 'g':
				all = true
			case 'i':
				icase = true
			case 'c':
				icase = false
			case 'n', 'm':
				newlines = true
			case 's':
				newlines = false
			case 'q':
				quote = true
			default:
				return nil, pgerr.New(pgerr.InvalidParameterValue, "invalid regular expression option: \"%c\"", f)
			}
		}
	}
	if quote {
		pattern = regexp.QuoteMeta(pattern)
	}
	prefix := "(?s)"
	if newlines {
		prefix = "(?m)"
	}
	if icase {
		prefix += "(?i)"
	}
	re, err := compileRegex(prefix + pattern)
	if err != nil {
		return nil, err
	}
	n := 1
	if all {
		n = -1
	}
	matches := re.FindAllStringSubmatchIndex(src, n)
	if matches == nil {
		return src, nil
	}
	var b strings.Builder
	last := 0
	for _, m := range matches {
		b.WriteString(src[last:m[0]])
		for i := 0; i < len(repl); i++ {
			c := repl[i]
			if c != '\\' || i+1 == len(repl) {
				b.WriteByte(c)
				continue
			}
			i++
			switch d := repl[i]; {
			case d >= '1' && d <= '9':
				if g := int(d - '0'); 2*g+1 < len(m) && m[2*g] >= 0 {
					b.WriteString(src[m[2*g]:m[2*g+1]])
				}
			case d == '&':
				b.WriteString(src[m[0]:m[1]])
			case d == '\\':
				b.WriteByte('\\')
			default:
				b.WriteByte('\\')
				b.WriteByte(d)
			}
		}
		last = m[1]
	}
	b.WriteString(src[last:])
	return b.String(), nil
}

// pgQuoteLiteral is quote_literal: quotes and backslashes doubled, and an
// E prefix when there is a backslash.
func pgQuoteLiteral(s string) string {
	var b strings.Builder
	if strings.Contains(s, "\\") {
		b.WriteByte('E')
	}
	b.WriteByte('\'')
	for i := 0; i < len(s); i++ {
		if s[i] == '\'' || s[i] == '\\' {
			b.WriteByte(s[i])
		}
		b.WriteByte(s[i])
	}
	b.WriteByte('\'')
	return b.String()
}

// quoteLiteralFn is quote_literal or quote_nullable, of text or of any
// value as its text: the value quoted as a literal. NULL gives NULL, or
// for quote_nullable the word NULL.
func quoteLiteralFn(name string, nullable bool) builtin {
	return func(b *binder, args []Expr, loc int32) (Expr, error) {
		if len(args) != 1 {
			return nil, wrongArgs(name, args, loc, b)
		}
		a := args[0]
		if a.Type().Oid == types.OidUnknown || a.Type().Family() == types.StringFamily {
			var err error
			if a, err = b.coerce(a, types.Text, loc); err != nil {
				return nil, wrongArgs(name, args, loc, b)
			}
		}
		t := a.Type()
		return &funcExpr{name: name, args: []Expr{a}, typ: types.Text, strict: !nullable, fn: func(e *evalCtx, v []types.Datum) (types.Datum, error) {
			if v[0] == nil {
				return "NULL", nil // quote_nullable: a strict quote_literal is not called
			}
			if t.Oid != types.OidText {
				x, err := castDatum(e.sess, v[0], t, types.Text) // quote_literal($1::text)
				if err != nil {
					return nil, err
				}
				v[0] = x
			}
			return pgQuoteLiteral(v[0].(string)), nil
		}}, nil
	}
}

// encodeBytea is encode(bytea, format): hex, base64 (lines of 76), or
// escape (\ooo for zero and high bytes, backslashes doubled).
func encodeBytea(_ *evalCtx, v []types.Datum) (types.Datum, error) {
	data := v[0].([]byte)
	switch strings.ToLower(v[1].(string)) {
	case "hex":
		return hex.EncodeToString(data), nil
	case "base64":
		enc := base64.StdEncoding.EncodeToString(data)
		var b strings.Builder
		for len(enc) > 76 {
			b.WriteString(enc[:76])
			b.WriteByte('\n')
			enc = enc[76:]
		}
		b.WriteString(enc)
		return b.String(), nil
	case "escape":
		var b strings.Builder
		for _, c := range data {
			switch {
			case c == '\\':
				b.WriteString("\\\\")
			case c == 0 || c >= 0x80:
				b.WriteString(fmt.Sprintf("\\%03o", c))
			default:
				b.WriteByte(c)
			}
		}
		return b.String(), nil
	}
	return nil, pgerr.New(pgerr.InvalidParameterValue, "unrecognized encoding: \"%s\"", v[1].(string))
}

// decodeText is decode(text, format), the inverse of encode; hex and
// base64 skip whitespace.
func decodeText(_ *evalCtx, v []types.Datum) (types.Datum, error) {
	s := v[0].(string)
	dropSpace := func(s string) string {
		return strings.Map(func(r rune) rune {
			if r == ' ' || r == '\t' || r == '\n' || r == '\r' {
				return -1
			}
			return r
		}, s)
	}
	switch strings.ToLower(v[1].(string)) {
	case "hex":
		b, err := hex.DecodeString(dropSpace(s))
		if err != nil {
			return nil, pgerr.New(pgerr.InvalidParameterValue, "invalid hexadecimal data")
		}
		return b, nil
	case "base64":
		b, err := base64.StdEncoding.DecodeString(dropSpace(s))
		if err != nil {
			return nil, pgerr.New(pgerr.InvalidParameterValue, "invalid base64 data")
		}
		return b, nil
	case "escape":
		var out []byte
		for i := 0; i < len(s); i++ {
			if s[i] != '\\' {
				out = append(out, s[i])
				continue
			}
			switch {
			case i+1 < len(s) && s[i+1] == '\\':
				out = append(out, '\\')
				i++
			case i+3 < len(s) && isOctal(s[i+1]) && isOctal(s[i+2]) && isOctal(s[i+3]):
				n, _ := strconv.ParseUint(s[i+1:i+4], 8, 8)
				out = append(out, byte(n))
				i += 3
			default:
				return nil, pgerr.New(pgerr.InvalidTextRepresentation, "invalid input syntax for type bytea")
			}
		}
		return out, nil
	}
	return nil, pgerr.New(pgerr.InvalidParameterValue, "unrecognized encoding: \"%s\"", v[1].(string))
}

func isOctal(c byte) bool { return c >= '0' && c <= '7' }
