package exec

import (
	"encoding/binary"
	"math"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/lattice-olap/lattice/types"
)

// AppendArrowKey appends the grouping key of slot i of arr, a column of SQL
// type t: the same bytes as AppendKey(b, t, Value(arr, i, t)), read
// straight from the Arrow array for the common types, without boxing.
func AppendArrowKey(b []byte, arr arrow.Array, i int, t types.T) []byte {
	if arr.IsNull(i) {
		return append(b, 0)
	}
	switch a := arr.(type) {
	case *array.Int16:
		return appendIntKey(b, t, int64(a.Value(i)))
	case *array.Int32:
		return appendIntKey(b, t, int64(a.Value(i)))
	case *array.Int64:
		return appendIntKey(b, t, a.Value(i))
	case *array.Float32:
		return appendFloatKey(append(b, 1), float64(a.Value(i)))
	case *array.Float64:
		return appendFloatKey(append(b, 1), a.Value(i))
	case *array.String:
		if t.Oid == types.OidNumeric {
			break // decimal text: AppendKey normalizes it
		}
		s := a.Value(i)
		if t.Oid == types.OidBpchar {
			s = strings.TrimRight(s, " ")
		}
		b = append(b, 1)
		b = binary.AppendUvarint(b, uint64(len(s)))
		return append(b, s...)
	case *array.Binary:
		v := a.Value(i)
		b = append(b, 1)
		b = binary.AppendUvarint(b, uint64(len(v)))
		return append(b, v...)
	case *array.Boolean:
		if a.Value(i) {
			return append(b, 1, 1)
		}
		return append(b, 1, 0)
	case *array.Timestamp:
		return binary.BigEndian.AppendUint64(append(b, 1), uint64(a.Value(i)))
	}
	return AppendKey(b, t, Value(arr, i, t))
}

// appendIntKey is AppendKey for an integer: its binary wire form, whose
// width follows t.
func appendIntKey(b []byte, t types.T, v int64) []byte {
	b = append(b, 1)
	switch {
	case t.Oid == types.OidInt2:
		return binary.BigEndian.AppendUint16(b, uint16(v))
	case t.Oid == types.OidInt4 || t.Oid == types.OidOid:
		return binary.BigEndian.AppendUint32(b, uint32(v))
	case t.Oid == types.OidInt8:
		return binary.BigEndian.AppendUint64(b, uint64(v))
	}
	return types.AppendBinary(b, t, v)
}

// appendFloatKey appends the key bits of a float: 0 and -0 alike, one NaN.
func appendFloatKey(b []byte, x float64) []byte {
	if x == 0 {
		x = 0
	}
	if math.IsNaN(x) {
		x = math.NaN()
	}
	return binary.BigEndian.AppendUint64(b, math.Float64bits(x))
}
