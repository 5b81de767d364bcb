package types

import (
	"encoding/binary"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/cockroachdb/apd/v3"

	"github.com/lattice-olap/lattice/pgerr"
)

// AppendBinary appends the binary (send) form of d, a non-NULL value of t.
func AppendBinary(b []byte, t T, d Datum) []byte {
	if t.Family() == ArrayFamily {
		return appendArrayBinary(b, t, d.(string))
	}
	if t.Oid == OidChar && d == "" {
		return append(b, 0) // "char" holds a byte; the empty one is \0
	}
	switch v := d.(type) {
	case bool:
		if v {
			return append(b, 1)
		}
		return append(b, 0)
	case int64:
		switch t.Oid {
		case OidInt2:
			return binary.BigEndian.AppendUint16(b, uint16(v))
		case OidInt4, OidOid:
			return binary.BigEndian.AppendUint32(b, uint32(v))
		}
		if t.Size() == 4 { // xid and the reg* types
			return binary.BigEndian.AppendUint32(b, uint32(v))
		}
		return binary.BigEndian.AppendUint64(b, uint64(v))
	case float64:
		// NaN goes out in its canonical form, as PostgreSQL's get_float8_nan
		// makes it; Go's math.NaN has a different payload.
		if t.Oid == OidFloat4 {
			if math.IsNaN(v) {
				return binary.BigEndian.AppendUint32(b, 0x7fc00000)
			}
			return binary.BigEndian.AppendUint32(b, math.Float32bits(float32(v)))
		}
		if math.IsNaN(v) {
			return binary.BigEndian.AppendUint64(b, 0x7ff8000000000000)
		}
		return binary.BigEndian.AppendUint64(b, math.Float64bits(v))
	case *apd.Decimal:
		return appendNumericBinary(b, v)
	case string:
		return append(b, v...)
	case []byte:
		return append(b, v...)
	case DDate:
		switch v {
		case DateInfinity:
			return binary.BigEndian.AppendUint32(b, math.MaxInt32)
		case DateNegInfinity:
			return binary.BigEndian.AppendUint32(b, 1<<31)
		}
		return binary.BigEndian.AppendUint32(b, uint32(int32(v)-pgEpochDays))
	case time.Time:
		switch {
		case v.Equal(TimestampInfinity):
			return binary.BigEndian.AppendUint64(b, math.MaxInt64)
		case v.Equal(TimestampNegInfinity):
			return binary.BigEndian.AppendUint64(b, 1<<63)
		}
		return binary.BigEndian.AppendUint64(b, uint64(v.UnixMicro()-pgEpochMicros))
	case DTime:
		return binary.BigEndian.AppendUint64(b, uint64(v))
	case DInterval:
		b = binary.BigEndian.AppendUint64(b, uint64(v.Micros))
		b = binary.BigEndian.AppendUint32(b, uint32(v.Days))
		return binary.BigEndian.AppendUint32(b, uint32(v.Months))
	}
	return b
}

const (
	numericPos  = 0x0000
	numericNeg  = 0x4000
	numericNaN  = 0xC000
	numericPInf = 0xD000
	numericNInf = 0xF000
)

func appendNumericBinary(b []byte, v *apd.Decimal) []byte {
	put := func(ndigits, weight int16, sign uint16, dscale int16, digits []int16) []byte {
		b = binary.BigEndian.AppendUint16(b, uint16(ndigits))
		b = binary.BigEndian.AppendUint16(b, uint16(weight))
		b = binary.BigEndian.AppendUint16(b, sign)
		b = binary.BigEndian.AppendUint16(b, uint16(dscale))
		for _, d := range digits {
			b = binary.BigEndian.AppendUint16(b, uint16(d))
		}
		return b
	}
	switch v.Form {
	case apd.NaN, apd.NaNSignaling:
		return put(0, 0, numericNaN, 0, nil)
	case apd.Infinite:
		// PostgreSQL sends the infinities with display scale 32 (the
		// NUMERIC_DSCALE of their header), NaN with 0.
		if v.Negative {
			return put(0, 0, numericNInf, 32, nil)
		}
		return put(0, 0, numericPInf, 32, nil)
	}
	s := v.Coeff.String()
	e := int(v.Exponent)
	if e > 0 {
		s += strings.Repeat("0", e)
		e = 0
	}
	dscale := -e
	var intPart, frac string
	if len(s) > dscale {
		intPart, frac = s[:len(s)-dscale], s[len(s)-dscale:]
	} else {
		frac = strings.Repeat("0", dscale-len(s)) + s
	}
	if pad := (4 - len(intPart)%4) % 4; pad > 0 {
		intPart = strings.Repeat("0", pad) + intPart
	}
	if pad := (4 - len(frac)%4) % 4; pad > 0 {
		frac += strings.Repeat("0", pad)
	}
	all := intPart + frac
	digits := make([]int16, 0, len(all)/4)
	for i := 0; i < len(all); i += 4 {
		digits = append(digits, int16((all[i]-'0'))*1000+int16(all[i+1]-'0')*100+int16(all[i+2]-'0')*10+int16(all[i+3]-'0'))
	}
	weight := len(intPart)/4 - 1
	for len(digits) > 0 && digits[0] == 0 {
		digits = digits[1:]
		weight--
	}
	for len(digits) > 0 && digits[len(digits)-1] == 0 {
		digits = digits[:len(digits)-1]
	}
	if len(digits) == 0 {
		weight = 0
	}
	sign := uint16(numericPos)
	if v.Negative && len(digits) > 0 {
		sign = numericNeg
	}
	return put(int16(len(digits)), int16(weight), sign, int16(dscale), digits)
}

func badBinary(t T) error {
	return pgerr.New(pgerr.InvalidBinaryRepresentation, "incorrect binary data format for type %s", t)
}

// ParseBinary converts the binary (receive) form of a value of type t.
func ParseBinary(t T, src []byte) (Datum, error) {
	// Like pq_getmsgint, a value too short fails as a malformed message;
	// one with bytes left over fails as a bad value.
	want := func(n int) error {
		if len(src) < n {
			return pgerr.New(pgerr.ProtocolViolation, "insufficient data left in message")
		}
		if len(src) > n {
			return badBinary(t)
		}
		return nil
	}
	switch t.Oid {
	case OidBool:
		if err := want(1); err != nil {
			return nil, err
		}
		return src[0] != 0, nil
	case OidInt2:
		if err := want(2); err != nil {
			return nil, err
		}
		return int64(int16(binary.BigEndian.Uint16(src))), nil
	case OidInt4:
		if err := want(4); err != nil {
			return nil, err
		}
		return int64(int32(binary.BigEndian.Uint32(src))), nil
	case OidOid, OidXid, OidRegproc, OidRegprocedure, OidRegoper, OidRegoperator, OidRegclass, OidRegtype, OidRegnamespace, OidRegrole:
		if err := want(4); err != nil {
			return nil, err
		}
		return int64(binary.BigEndian.Uint32(src)), nil
	case OidInt8:
		if err := want(8); err != nil {
			return nil, err
		}
		return int64(binary.BigEndian.Uint64(src)), nil
	case OidFloat4:
		if err := want(4); err != nil {
			return nil, err
		}
		return float64(math.Float32frombits(binary.BigEndian.Uint32(src))), nil
	case OidFloat8:
		if err := want(8); err != nil {
			return nil, err
		}
		return math.Float64frombits(binary.BigEndian.Uint64(src)), nil
	case OidNumeric:
		return parseNumericBinary(src)
	case OidText, OidVarchar, OidBpchar, OidName, OidUnknown, OidChar, OidPgNodeTree, OidAclitem, OidJSON:
		if !utf8.Valid(src) {
			return nil, pgerr.New(pgerr.CharacterNotInRepertoire, "invalid byte sequence for encoding \"UTF8\"")
		}
		return CoerceString(string(src), t)
	case OidBytea:
		return append([]byte(nil), src...), nil
	case OidDate:
		if err := want(4); err != nil {
			return nil, err
		}
		switch days := int32(binary.BigEndian.Uint32(src)); days {
		case math.MaxInt32:
			return DateInfinity, nil
		case math.MinInt32:
			return DateNegInfinity, nil
		default:
			return DDate(days + pgEpochDays), nil
		}
	case OidTime:
		if err := want(8); err != nil {
			return nil, err
		}
		us := int64(binary.BigEndian.Uint64(src))
		if us < 0 || us > MicrosPerDay {
			return nil, pgerr.New(pgerr.DatetimeValueOutOfRange, "time out of range")
		}
		return DTime(us), nil
	case OidTimestamp, OidTimestampTZ:
		if err := want(8); err != nil {
			return nil, err
		}
		switch us := int64(binary.BigEndian.Uint64(src)); us {
		case math.MaxInt64:
			return TimestampInfinity, nil
		case math.MinInt64:
			return TimestampNegInfinity, nil
		default:
			return time.UnixMicro(us + pgEpochMicros).UTC(), nil
		}
	case OidInterval:
		if err := want(16); err != nil {
			return nil, err
		}
		return DInterval{
			Micros: int64(binary.BigEndian.Uint64(src)),
			Days:   int32(binary.BigEndian.Uint32(src[8:])),
			Months: int32(binary.BigEndian.Uint32(src[12:])),
		}, nil
	}
	if t.Family() == ArrayFamily {
		return parseArrayBinary(t, src)
	}
	return nil, pgerr.New(pgerr.FeatureNotSupported, "binary format for type %s is not supported", t)
}

func parseNumericBinary(src []byte) (Datum, error) {
	if len(src) < 8 {
		return nil, badBinary(Numeric)
	}
	ndigits := int(int16(binary.BigEndian.Uint16(src)))
	weight := int(int16(binary.BigEndian.Uint16(src[2:])))
	sign := binary.BigEndian.Uint16(src[4:])
	dscale := int(int16(binary.BigEndian.Uint16(src[6:])))
	if ndigits < 0 || len(src) != 8+2*ndigits || dscale < 0 {
		return nil, badBinary(Numeric)
	}
	switch sign {
	case numericNaN:
		return &apd.Decimal{Form: apd.NaN}, nil
	case numericPInf:
		return &apd.Decimal{Form: apd.Infinite}, nil
	case numericNInf:
		return &apd.Decimal{Form: apd.Infinite, Negative: true}, nil
	case numericPos, numericNeg:
	default:
		return nil, badBinary(Numeric)
	}
	var sb strings.Builder
	for i := 0; i < ndigits; i++ {
		d := binary.BigEndian.Uint16(src[8+2*i:])
		if d > 9999 {
			return nil, badBinary(Numeric)
		}
		sb.WriteString(strings.Repeat("0", 4-len(itoa(int(d)))) + itoa(int(d)))
	}
	digits := sb.String()
	// value = digits × 10^(4*(weight+1-ndigits))
	exp := 4 * (weight + 1 - ndigits)
	if digits == "" {
		digits = "0"
		exp = 0
	}
	d, _, err := apd.NewFromString(digits + "E" + itoa(exp))
	if err != nil {
		return nil, badBinary(Numeric)
	}
	d.Negative = sign == numericNeg
	// present with exactly dscale fractional digits
	r := new(apd.Decimal)
	if _, err := apd.BaseContext.WithPrecision(1000).Quantize(r, d, int32(-dscale)); err != nil {
		return nil, badBinary(Numeric)
	}
	return r, nil
}

func itoa(n int) string {
	return strconv.Itoa(n)
}
