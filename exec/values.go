package exec

import (
	"fmt"
	"math"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/cockroachdb/apd/v3"

	"github.com/lattice-olap/lattice/pgerr"
	"github.com/lattice-olap/lattice/types"
)

// Column is one column of a batch stream: its name and SQL type.
type Column struct {
	Name string
	Type types.T
}

// ArrowType returns the Arrow storage type of a SQL type.
func ArrowType(t types.T) arrow.DataType {
	switch t.Oid {
	case types.OidBool:
		return arrow.FixedWidthTypes.Boolean
	case types.OidInt2:
		return arrow.PrimitiveTypes.Int16
	case types.OidInt4:
		return arrow.PrimitiveTypes.Int32
	case types.OidInt8:
		return arrow.PrimitiveTypes.Int64
	case types.OidFloat4:
		return arrow.PrimitiveTypes.Float32
	case types.OidFloat8:
		return arrow.PrimitiveTypes.Float64
	case types.OidNumeric:
		if p, s, ok := decimalShape(t); ok {
			return &arrow.Decimal128Type{Precision: p, Scale: s}
		}
		return arrow.BinaryTypes.String
	case types.OidBytea:
		return arrow.BinaryTypes.Binary
	case types.OidDate:
		return arrow.FixedWidthTypes.Date32
	case types.OidTimestamp:
		return &arrow.TimestampType{Unit: arrow.Microsecond}
	case types.OidTimestampTZ:
		return &arrow.TimestampType{Unit: arrow.Microsecond, TimeZone: "UTC"}
	case types.OidInterval:
		return arrow.FixedWidthTypes.MonthDayNanoInterval
	case types.OidTime:
		return arrow.FixedWidthTypes.Time64us
	}
	if t.Family() == types.IntFamily { // oid, xid and the reg* types
		return arrow.PrimitiveTypes.Int64
	}
	return arrow.BinaryTypes.String
}

// decimalShape reports whether numeric t fits Decimal128.
func decimalShape(t types.T) (precision, scale int32, ok bool) {
	if t.Typmod < 0 {
		return 0, 0, false
	}
	p, s := t.NumericPrecisionScale()
	return p, s, p <= 38
}

// ArrowSchema returns the Arrow schema of columns. Each field keeps its SQL
// type in metadata, so that files are self-describing.
func ArrowSchema(cols []Column) *arrow.Schema {
	fields := make([]arrow.Field, len(cols))
	for i, c := range cols {
		md := arrow.NewMetadata([]string{"pg_type", "pg_typmod"}, []string{fmt.Sprint(c.Type.Oid), fmt.Sprint(c.Type.Typmod)})
		fields[i] = arrow.Field{Name: c.Name, Type: ArrowType(c.Type), Nullable: true, Metadata: md}
	}
	return arrow.NewSchema(fields, nil)
}

// Value reads slot i of arr as a Datum of type t.
func Value(arr arrow.Array, i int, t types.T) types.Datum {
	if arr.IsNull(i) {
		return nil
	}
	switch a := arr.(type) {
	case *array.Boolean:
		return a.Value(i)
	case *array.Int16:
		return int64(a.Value(i))
	case *array.Int32:
		return int64(a.Value(i))
	case *array.Int64:
		return a.Value(i)
	case *array.Float32:
		return float64(a.Value(i))
	case *array.Float64:
		return a.Value(i)
	case *array.Decimal128:
		return decimalDatum(a.Value(i), a.DataType().(*arrow.Decimal128Type).Scale)
	case *array.String:
		if t.Oid == types.OidNumeric {
			d, err := types.ParseNumeric(a.Value(i))
			if err != nil {
				return nil
			}
			return d
		}
		return a.Value(i)
	case *array.Binary:
		return append([]byte(nil), a.Value(i)...)
	case *array.Date32:
		return types.DDate(a.Value(i))
	case *array.Timestamp:
		return types.TimestampFromMicros(int64(a.Value(i)))
	case *array.MonthDayNanoInterval:
		v := a.Value(i)
		return types.DInterval{Months: v.Months, Days: v.Days, Micros: v.Nanoseconds / 1000}
	case *array.Time64:
		return types.DTime(a.Value(i))
	}
	panic(fmt.Sprintf("exec: no Datum for Arrow type %s", arr.DataType()))
}

// decimalDatum returns the numeric of unscaled value n at scale.
func decimalDatum(n decimal128.Num, scale int32) *apd.Decimal {
	// Most values fit 64 bits: skip the big-integer path.
	if hi, lo := n.HighBits(), n.LowBits(); (hi == 0 && lo <= math.MaxInt64) || (hi == -1 && lo > math.MaxInt64) {
		return apd.New(int64(lo), -scale)
	}
	d := new(apd.Decimal)
	d.Coeff.SetMathBigInt(n.BigInt())
	if d.Coeff.Sign() < 0 {
		d.Coeff.Neg(&d.Coeff)
		d.Negative = true
	}
	d.Exponent = -scale
	return d
}

// Append adds d, a value of type t (or nil), to b.
func Append(b array.Builder, t types.T, d types.Datum) error {
	if d == nil {
		b.AppendNull()
		return nil
	}
	switch bb := b.(type) {
	case *array.BooleanBuilder:
		bb.Append(d.(bool))
	case *array.Int16Builder:
		bb.Append(int16(d.(int64)))
	case *array.Int32Builder:
		bb.Append(int32(d.(int64)))
	case *array.Int64Builder:
		bb.Append(d.(int64))
	case *array.Float32Builder:
		bb.Append(float32(d.(float64)))
	case *array.Float64Builder:
		bb.Append(d.(float64))
	case *array.Decimal128Builder:
		dt := bb.Type().(*arrow.Decimal128Type)
		x := d.(*apd.Decimal)
		// The common case: already at the column's scale, with a
		// coefficient that fits 64 bits (apd keeps the sign apart).
		if x.Form == apd.Finite && x.Exponent == -dt.Scale && x.Coeff.IsInt64() {
			v := x.Coeff.Int64()
			if x.Negative {
				v = -v
			}
			bb.Append(decimal128.FromI64(v))
			return nil
		}
		if x.Form != apd.Finite {
			// PostgreSQL's numeric(p,s) holds NaN; a column of it here is
			// a 128-bit decimal, which cannot.
			return pgerr.New(pgerr.FeatureNotSupported, "numeric(%d,%d) cannot hold NaN in Lattice", dt.Precision, dt.Scale).
				WithHint("Use numeric without a precision for values that may be NaN.")
		}
		n, err := decimal128.FromString(types.FormatNumeric(x), dt.Precision, dt.Scale)
		if err != nil {
			return err
		}
		bb.Append(n)
	case *array.StringBuilder:
		if t.Oid == types.OidNumeric {
			bb.Append(types.FormatNumeric(d.(*apd.Decimal)))
		} else {
			bb.Append(d.(string))
		}
	case *array.BinaryBuilder:
		bb.Append(d.([]byte))
	case *array.Date32Builder:
		bb.Append(arrow.Date32(d.(types.DDate)))
	case *array.TimestampBuilder:
		bb.Append(arrow.Timestamp(types.TimestampMicros(d.(time.Time))))
	case *array.Time64Builder:
		bb.Append(arrow.Time64(d.(types.DTime)))
	case *array.MonthDayNanoIntervalBuilder:
		iv := d.(types.DInterval)
		// Arrow counts nanoseconds in 64 bits: about 2,562,047 hours,
		// where PostgreSQL's microseconds reach a thousand times more.
		if iv.Micros > math.MaxInt64/1000 || iv.Micros < math.MinInt64/1000 {
			return pgerr.New(pgerr.DatetimeFieldOverflow, "interval out of range").
				WithDetail("Lattice holds an interval's time part in nanoseconds, up to about 2562047 hours.")
		}
		bb.Append(arrow.MonthDayNanoInterval{Months: iv.Months, Days: iv.Days, Nanoseconds: iv.Micros * 1000})
	default:
		return fmt.Errorf("exec: cannot append %T to %T", d, b)
	}
	return nil
}
