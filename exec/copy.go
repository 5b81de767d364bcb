package exec

import (
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/lattice-olap/lattice/types"
)

// AppendFrom appends slot i of arr, a column of SQL type t, to b: typed
// copies for the common Arrow types, Value and Append for the rest.
func AppendFrom(b array.Builder, arr arrow.Array, i int, t types.T) error {
	if arr.IsNull(i) {
		b.AppendNull()
		return nil
	}
	switch a := arr.(type) {
	case *array.Int16:
		if bb, ok := b.(*array.Int16Builder); ok {
			bb.Append(a.Value(i))
			return nil
		}
	case *array.Int32:
		if bb, ok := b.(*array.Int32Builder); ok {
			bb.Append(a.Value(i))
			return nil
		}
	case *array.Int64:
		if bb, ok := b.(*array.Int64Builder); ok {
			bb.Append(a.Value(i))
			return nil
		}
	case *array.Float32:
		if bb, ok := b.(*array.Float32Builder); ok {
			bb.Append(a.Value(i))
			return nil
		}
	case *array.Float64:
		if bb, ok := b.(*array.Float64Builder); ok {
			bb.Append(a.Value(i))
			return nil
		}
	case *array.String:
		if bb, ok := b.(*array.StringBuilder); ok {
			bb.Append(a.Value(i))
			return nil
		}
	case *array.Binary:
		if bb, ok := b.(*array.BinaryBuilder); ok {
			bb.Append(a.Value(i))
			return nil
		}
	case *array.Boolean:
		if bb, ok := b.(*array.BooleanBuilder); ok {
			bb.Append(a.Value(i))
			return nil
		}
	case *array.Date32:
		if bb, ok := b.(*array.Date32Builder); ok {
			bb.Append(a.Value(i))
			return nil
		}
	case *array.Timestamp:
		if bb, ok := b.(*array.TimestampBuilder); ok {
			bb.Append(a.Value(i))
			return nil
		}
	case *array.Decimal128:
		if bb, ok := b.(*array.Decimal128Builder); ok && arrow.TypeEqual(a.DataType(), bb.Type()) {
			bb.Append(a.Value(i))
			return nil
		}
	}
	return Append(b, t, Value(arr, i, t))
}
