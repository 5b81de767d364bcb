package exec

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math"
	"math/big"
	"math/rand"
	"slices"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/decimal128"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/cockroachdb/apd/v3"
	"github.com/stretchr/testify/require"

	"github.com/lattice-olap/lattice/metastore"
	"github.com/lattice-olap/lattice/pgerr"
	"github.com/lattice-olap/lattice/types"
)

// sortTypes are the column types the tests sort by, each with a generator
// of values from a small domain (so that keys repeat) and the type's edge
// values.
var sortTypes = []struct {
	t   types.T
	gen func(r *rand.Rand) types.Datum
}{
	{types.Bool, func(r *rand.Rand) types.Datum { return r.Intn(2) == 0 }},
	{types.Int2, func(r *rand.Rand) types.Datum {
		return sortPickInt(r, math.MinInt16, math.MaxInt16, -1, 0, 1, 256, -256)
	}},
	{types.Int4, func(r *rand.Rand) types.Datum {
		return sortPickInt(r, math.MinInt32, math.MaxInt32, -1, 0, 1, 1<<16, -(1 << 16))
	}},
	{types.Int8, func(r *rand.Rand) types.Datum {
		return sortPickInt(r, math.MinInt64, math.MaxInt64, -1, 0, 1, 1<<40, -(1 << 40), math.MinInt32)
	}},
	{types.T{Oid: types.OidOid, Typmod: -1}, func(r *rand.Rand) types.Datum { return sortPickInt(r, 0, 1, 1259, math.MaxUint32) }},
	{types.Regclass, func(r *rand.Rand) types.Datum { return sortPickInt(r, 0, 1, 1259, 16384) }},
	{types.Float4, func(r *rand.Rand) types.Datum {
		vals := []float64{math.NaN(), math.Copysign(0, -1), 0, math.Inf(1), math.Inf(-1), math.MaxFloat32,
			-math.MaxFloat32, math.SmallestNonzeroFloat32, -math.SmallestNonzeroFloat32, 1.5, -1.5, 2}
		return float64(float32(vals[r.Intn(len(vals))]))
	}},
	{types.Float8, func(r *rand.Rand) types.Datum {
		vals := []float64{math.NaN(), math.Float64frombits(0x7ff8000000000001), math.Float64frombits(0xfff8000000000000),
			math.Copysign(0, -1), 0, math.Inf(1), math.Inf(-1), math.MaxFloat64, -math.MaxFloat64,
			math.SmallestNonzeroFloat64, -math.SmallestNonzeroFloat64, 1.5, -1.5, 1e300, 0.1}
		return vals[r.Intn(len(vals))]
	}},
	{types.NumericOf(10, 2), func(r *rand.Rand) types.Datum {
		switch r.Intn(6) {
		case 0:
			return apd.New(9999999999, -2)
		case 1:
			return apd.New(-9999999999, -2)
		}
		return apd.New(int64(r.Intn(41)-20)*25, -2)
	}},
	{types.NumericOf(38, 6), func(r *rand.Rand) types.Datum {
		// Coefficients past 64 bits, and the extremes of 38 digits.
		vals := []string{"99999999999999999999999999999999.999999", "-99999999999999999999999999999999.999999",
			"18446744073709551616.000000", "-18446744073709551616.000000", "9223372036854775807.000001",
			"-9223372036854775808.000001", "0.000000", "-0.000001", "0.000001", "12345678901234567890123.5"}
		d, _, _ := apd.NewFromString(vals[r.Intn(len(vals))])
		c := new(apd.Decimal)
		_, _ = apd.BaseContext.WithPrecision(60).Quantize(c, d, -6)
		return c
	}},
	{types.Numeric, func(r *rand.Rand) types.Datum {
		vals := []string{"1", "1.0", "1.00", "-1", "0", "-0.5", "NaN", "Infinity", "-Infinity",
			"123456789012345678901234567890123456789012.5", "1e-30", "2"}
		d, _ := types.ParseNumeric(vals[r.Intn(len(vals))])
		return d
	}},
	{types.Text, func(r *rand.Rand) types.Datum { return randSortString(r) }},
	{types.VarcharOf(10), func(r *rand.Rand) types.Datum { return randSortString(r) }},
	{types.CharOf(4), func(r *rand.Rand) types.Datum {
		vals := []string{"", " ", "a", "a ", "a   ", "a\x00", "ab", "ab  ", "b", " a", "a\t"}
		return vals[r.Intn(len(vals))]
	}},
	{types.Name, func(r *rand.Rand) types.Datum { return randSortString(r) }},
	{types.Bytea, func(r *rand.Rand) types.Datum { return []byte(randSortString(r)) }},
	{types.Date, func(r *rand.Rand) types.Datum {
		return types.DDate(sortPickInt(r, math.MinInt32, math.MaxInt32, -1, 0, 1, 18000, -18000).(int64))
	}},
	{types.Timestamp, func(r *rand.Rand) types.Datum {
		return time.UnixMicro(sortPickInt(r, -1, 0, 1, 1e15, -1e15, 1<<62, -(1 << 62)).(int64)).UTC()
	}},
	{types.TimestampTZ, func(r *rand.Rand) types.Datum {
		return time.UnixMicro(sortPickInt(r, -1, 0, 1, 1e15, -1e15, 1_700_000_000_000_000).(int64)).UTC()
	}},
	{types.Interval, func(r *rand.Rand) types.Datum {
		// Equal spans in other units (1 mon = 30 days = 720 hours); the
		// span stays within float64's exact integers, where types.CompareFunc
		// orders intervals exactly (TestIntervalSpan checks beyond).
		vals := []types.DInterval{{Months: 1}, {Days: 30}, {Micros: 30 * 86400e6}, {Months: -1}, {Days: -30},
			{Months: 1, Micros: -1}, {Months: 1, Micros: 1}, {}, {Micros: -1}, {Months: 1000, Days: -5, Micros: 7},
			{Days: 1, Micros: -86400e6}, {Months: -3000, Days: 100000}}
		return vals[r.Intn(len(vals))]
	}},
	{types.T{Oid: 1007, Typmod: -1}, func(r *rand.Rand) types.Datum { // integer[]
		vals := []string{"{}", "{1}", "{1,2}", "{1,NULL}", "{NULL}", "{2}", "{-1,5}", "{1,2,3}", "{10}"}
		return vals[r.Intn(len(vals))]
	}},
	{types.T{Oid: 1009, Typmod: -1}, func(r *rand.Rand) types.Datum { // text[]
		vals := []string{"{}", "{a}", "{a,b}", "{b}", `{"a b"}`, "{a,NULL}", "{\"\"}"}
		return vals[r.Intn(len(vals))]
	}},
}

func sortPickInt(r *rand.Rand, vals ...int64) types.Datum {
	if r.Intn(3) == 0 {
		return int64(r.Intn(7) - 3)
	}
	return vals[r.Intn(len(vals))]
}

// randSortString makes short strings of a few letters, NUL, 0xFF, spaces
// and a multibyte character, so that prefixes, escapes and ties abound.
func randSortString(r *rand.Rand) string {
	parts := []string{"a", "b", "\x00", "\xff", " ", "é", "\x01"}
	var b []byte
	for n := r.Intn(4); n > 0; n-- {
		b = append(b, parts[r.Intn(len(parts))]...)
	}
	return string(b)
}

// sortBatches builds batches of rows, some empty, some slices of larger
// batches, some with a column of an all-NULL array.
func sortBatches(t *testing.T, r *rand.Rand, cols []Column, rows [][]types.Datum) []arrow.RecordBatch {
	t.Helper()
	b := NewBuilder(cols)
	defer b.Release()
	junk := make([]types.Datum, len(cols))
	var recs []arrow.RecordBatch
	for len(rows) > 0 || r.Intn(4) == 0 {
		n := min(len(rows), r.Intn(700))
		part := rows[:n]
		rows = rows[n:]
		allNull := -1
		if r.Intn(5) == 0 {
			allNull = r.Intn(len(cols))
			for _, row := range part {
				row[allNull] = nil
			}
		}
		pre, post := 0, 0
		if r.Intn(2) == 0 {
			pre, post = r.Intn(5), r.Intn(5)
		}
		for i := 0; i < pre; i++ {
			require.NoError(t, b.Add(junk))
		}
		for _, row := range part {
			require.NoError(t, b.Add(row))
		}
		for i := 0; i < post; i++ {
			require.NoError(t, b.Add(junk))
		}
		rec := b.Batch()
		if pre+post > 0 {
			s := rec.NewSlice(int64(pre), int64(pre+n))
			rec.Release()
			rec = s
		}
		if allNull >= 0 {
			arrs := slices.Clone(rec.Columns())
			arrs[allNull] = array.MakeArrayOfNull(memory.DefaultAllocator, ArrowType(cols[allNull].Type), n)
			s := array.NewRecordBatch(rec.Schema(), arrs, int64(n))
			arrs[allNull].Release()
			rec.Release()
			rec = s
		}
		recs = append(recs, rec)
	}
	return recs
}

// sortReference is the Datum sort Sort replaced: rows boxed, compared with
// types.CompareFunc key by key, stable.
func sortReference(cols []Column, keys []SortKey, rows [][]types.Datum) [][]types.Datum {
	cmps := make([]func(a, b types.Datum) int, len(keys))
	for i, k := range keys {
		cmps[i], _ = types.CompareFunc(cols[k.Col].Type)
	}
	out := slices.Clone(rows)
	slices.SortStableFunc(out, func(ri, rj []types.Datum) int {
		for n, k := range keys {
			a, b := ri[k.Col], rj[k.Col]
			switch {
			case a == nil && b == nil:
				continue
			case a == nil:
				if k.NullsFirst {
					return -1
				}
				return 1
			case b == nil:
				if k.NullsFirst {
					return 1
				}
				return -1
			}
			c := cmps[n](a, b)
			if k.Desc {
				c = -c
			}
			if c != 0 {
				return c
			}
		}
		return 0
	})
	return out
}

// sortReadRows reads batches' rows as Datums, as the old Sort held them.
func sortReadRows(cols []Column, recs []arrow.RecordBatch) [][]types.Datum {
	var rows [][]types.Datum
	for _, rec := range recs {
		for i := 0; i < int(rec.NumRows()); i++ {
			row := make([]types.Datum, len(cols))
			for c := range cols {
				row[c] = Value(rec.Column(c), i, cols[c].Type)
			}
			rows = append(rows, row)
		}
	}
	return rows
}

// sortDrain runs op to the end, checking each batch, and returns its rows.
func sortDrain(t *testing.T, ctx context.Context, op Operator) [][]types.Datum {
	t.Helper()
	cols := op.Columns()
	var rows [][]types.Datum
	for {
		rec, err := op.Next(ctx)
		require.NoError(t, err)
		if rec == nil {
			return rows
		}
		require.LessOrEqual(t, rec.NumRows(), int64(BatchRows))
		for c, col := range cols {
			a := rec.Column(c)
			require.Equal(t, int(rec.NumRows()), a.Len())
			require.True(t, arrow.TypeEqual(ArrowType(col.Type), a.DataType()), "column %d: %s", c, a.DataType())
			if v, ok := a.(interface{ Validate() error }); ok {
				require.NoError(t, v.Validate())
			}
		}
		rows = append(rows, sortReadRows(cols, []arrow.RecordBatch{rec})...)
	}
}

// sortSameDatum is exact equality: NaN equals NaN but not 0, -0 differs from 0,
// 1.0 differs from 1.00 (a sort moves values, it never changes them).
func sortSameDatum(a, b types.Datum) bool {
	switch x := a.(type) {
	case nil:
		return b == nil
	case float64:
		y, ok := b.(float64)
		return ok && (math.Float64bits(x) == math.Float64bits(y) || math.IsNaN(x) && math.IsNaN(y))
	case *apd.Decimal:
		y, ok := b.(*apd.Decimal)
		return ok && x.Form == y.Form && x.Negative == y.Negative && x.Text('e') == y.Text('e')
	case []byte:
		y, ok := b.([]byte)
		return ok && bytes.Equal(x, y)
	case time.Time:
		y, ok := b.(time.Time)
		return ok && x.Equal(y)
	}
	return a == b
}

func sortRequireSameRows(t *testing.T, want, got [][]types.Datum, msg string) {
	t.Helper()
	require.Equal(t, len(want), len(got), msg)
	for i := range want {
		for c := range want[i] {
			if !sortSameDatum(want[i][c], got[i][c]) {
				t.Fatalf("%s: row %d column %d: want %#v, got %#v\nwant row %v\ngot row  %v", msg, i, c, want[i][c], got[i][c], want[i], got[i])
			}
		}
	}
}

// TestSortMatchesDatumSort sorts random batches of every type by random
// keys (mixed DESC and NULLS FIRST, with and without TOP N) and compares
// the rows, all columns, with the Datum sort's: equal keys must keep their
// input order.
func TestSortMatchesDatumSort(t *testing.T) {
	r := rand.New(rand.NewSource(7))
	ctx := context.Background()
	for trial := 0; trial < 300; trial++ {
		// The columns: a random selection of the types, a row number last.
		var cols []Column
		var gens []func(r *rand.Rand) types.Datum
		for _, i := range r.Perm(len(sortTypes))[:1+r.Intn(6)] {
			cols = append(cols, Column{Name: fmt.Sprint("c", len(cols)), Type: sortTypes[i].t})
			gens = append(gens, sortTypes[i].gen)
		}
		cols = append(cols, Column{Name: "n", Type: types.Int8})
		n := r.Intn(3000)
		if trial%50 == 0 {
			n = 0
		}
		rows := make([][]types.Datum, n)
		for i := range rows {
			rows[i] = make([]types.Datum, len(cols))
			for c, gen := range gens {
				if r.Intn(6) != 0 {
					rows[i][c] = gen(r)
				}
			}
			rows[i][len(gens)] = int64(i)
		}
		keys := make([]SortKey, 1+r.Intn(4))
		for i := range keys {
			keys[i] = SortKey{Col: r.Intn(len(gens)), Desc: r.Intn(2) == 0, NullsFirst: r.Intn(2) == 0}
		}
		var topN int64
		if r.Intn(3) == 0 {
			topN = []int64{1, 3, 100, 1500, 5000}[r.Intn(5)]
		}
		recs := sortBatches(t, r, cols, rows)
		want := sortReference(cols, keys, sortReadRows(cols, recs))
		if topN > 0 && int64(len(want)) > topN {
			want = want[:topN]
		}

		src := &batchesOp{cols: cols, recs: recs}
		s := NewSort(src, keys)
		s.TopN = topN
		got := sortDrain(t, ctx, s)
		s.Close()
		require.Equal(t, 1, src.closed)
		sortRequireSameRows(t, want, got, fmt.Sprintf("trial %d: %v by %v top %d", trial, cols, keys, topN))
	}
}

// TestSortKeysOrderAsCompareFunc checks each type's normalized key against
// types.CompareFunc on all pairs of its generated values.
func TestSortKeysOrderAsCompareFunc(t *testing.T) {
	r := rand.New(rand.NewSource(3))
	for _, st := range sortTypes {
		if !keyEncodable(st.t) {
			continue
		}
		cmp, ok := types.CompareFunc(st.t)
		require.True(t, ok)
		cols := []Column{{Name: "v", Type: st.t}}
		var rows [][]types.Datum
		for i := 0; i < 60; i++ {
			rows = append(rows, []types.Datum{st.gen(r)})
		}
		rows = append(rows, []types.Datum{nil})
		b := NewBuilder(cols)
		for _, row := range rows {
			require.NoError(t, b.Add(row))
		}
		rec := b.Batch()
		b.Release()
		for _, k := range []SortKey{{}, {Desc: true}, {NullsFirst: true}, {Desc: true, NullsFirst: true}} {
			kc := newKeyCol(k, st.t)
			w := make([]int, len(rows))
			kc.widths(rec.Column(0), w)
			pos := make([]int, len(rows))
			total := 0
			for i := range w {
				pos[i] = total
				total += w[i]
			}
			buf := make([]byte, total)
			kc.put(rec.Column(0), buf, pos)
			key := func(i int) []byte { return buf[pos[i]-w[i] : pos[i]] }
			for i := range rows {
				for j := range rows {
					want := kc.compareDatums(cmp, rows[i][0], rows[j][0])
					got := bytes.Compare(key(i), key(j))
					require.Equal(t, want, got, "%s %+v: %#v vs %#v", st.t, k, rows[i][0], rows[j][0])
				}
			}
		}
		rec.Release()
	}
}

// TestIntervalSpan checks the interval key against exact arithmetic where
// a float64 span would round: months and microseconds near their limits.
func TestIntervalSpan(t *testing.T) {
	r := rand.New(rand.NewSource(5))
	pick32 := func() int32 {
		return []int32{math.MinInt32, math.MaxInt32, 0, 1, -1, int32(r.Intn(1000) - 500)}[r.Intn(6)]
	}
	pick64 := func() int64 {
		return []int64{math.MinInt64, math.MaxInt64, 0, 999, 1000, -1000, -999, 1, r.Int63(), -r.Int63()}[r.Intn(10)]
	}
	span := func(v arrow.MonthDayNanoInterval) *big.Int {
		d := big.NewInt(int64(v.Months)*30 + int64(v.Days))
		d.Mul(d, big.NewInt(86400e6))
		return d.Add(d, big.NewInt(v.Nanoseconds/1000))
	}
	key := func(v arrow.MonthDayNanoInterval) []byte {
		b := make([]byte, 16)
		hi, lo := intervalSpan(v)
		putInt128Key(b, hi, lo, 0)
		return b
	}
	var vals []arrow.MonthDayNanoInterval
	for i := 0; i < 300; i++ {
		vals = append(vals, arrow.MonthDayNanoInterval{Months: pick32(), Days: pick32(), Nanoseconds: pick64()})
	}
	for _, a := range vals {
		hi, lo := intervalSpan(a)
		exact := span(a)
		got := new(big.Int).Lsh(big.NewInt(hi), 64)
		got.Add(got, new(big.Int).SetUint64(lo))
		require.Zero(t, exact.Cmp(got), "%+v", a)
		for _, b := range vals {
			require.Equal(t, span(a).Cmp(span(b)), bytes.Compare(key(a), key(b)), "%+v vs %+v", a, b)
		}
	}
}

// TestSortConformsColumns feeds batches whose arrays are not of the
// columns' Arrow types: storage alike is used as it is, the rest is
// converted; either way the order and values are the Datum sort's.
func TestSortConformsColumns(t *testing.T) {
	cols := []Column{{Name: "a", Type: types.Int8}, {Name: "b", Type: types.TimestampTZ}, {Name: "c", Type: types.NumericOf(10, 2)}}
	mem := memory.DefaultAllocator
	ib := array.NewInt32Builder(mem)
	ib.AppendValues([]int32{3, -1, 3, 2}, []bool{true, true, true, false})
	tb := array.NewTimestampBuilder(mem, &arrow.TimestampType{Unit: arrow.Microsecond})
	tb.AppendValues([]arrow.Timestamp{5, 5, 4, 3}, nil)
	db := array.NewDecimal128Builder(mem, &arrow.Decimal128Type{Precision: 12, Scale: 2})
	db.AppendValues([]decimal128.Num{decimal128.FromI64(100), decimal128.FromI64(-5), decimal128.FromI64(7), decimal128.FromI64(100)}, nil)
	arrs := []arrow.Array{ib.NewArray(), tb.NewArray(), db.NewArray()}
	rec := array.NewRecordBatch(arrow.NewSchema([]arrow.Field{
		{Name: "a", Type: arrs[0].DataType(), Nullable: true},
		{Name: "b", Type: arrs[1].DataType(), Nullable: true},
		{Name: "c", Type: arrs[2].DataType(), Nullable: true},
	}, nil), arrs, 4)
	releaseArrays(arrs)
	ib.Release()
	tb.Release()
	db.Release()

	for _, keys := range [][]SortKey{{{Col: 0}}, {{Col: 1}, {Col: 2, Desc: true}}, {{Col: 2}, {Col: 0, NullsFirst: true}}} {
		want := sortReference(cols, keys, sortReadRows(cols, []arrow.RecordBatch{rec}))
		rec.Retain()
		s := NewSort(&batchesOp{cols: cols, recs: []arrow.RecordBatch{rec}}, keys)
		got := sortDrain(t, context.Background(), s)
		s.Close()
		sortRequireSameRows(t, want, got, fmt.Sprint(keys))
	}
	rec.Release()
}

// TestSortBudget checks that the sort charges what it holds, fails with
// 53200 past the budget, and with TOP N gives back what it drops.
func TestSortBudget(t *testing.T) {
	r := rand.New(rand.NewSource(9))
	cols := []Column{{Name: "s", Type: types.Text}, {Name: "n", Type: types.Int8}}
	rows := make([][]types.Datum, 20000)
	for i := range rows {
		rows[i] = []types.Datum{fmt.Sprintf("value %d", r.Intn(1000)), int64(i)}
	}
	run := func(limit, topN int64) (*Sort, *Budget, error) {
		ctx := WithBudget(context.Background(), limit)
		s := NewSort(&batchesOp{cols: cols, recs: sortBatches(t, r, cols, slices.Clone(rows))}, []SortKey{{Col: 0}})
		s.TopN = topN
		_, err := s.Next(ctx)
		return s, ctx.Value(budgetKey{}).(*Budget), err
	}

	s, b, err := run(1<<40, 0)
	require.NoError(t, err)
	require.Equal(t, s.held, b.used.Load())
	require.Greater(t, s.held, int64(20000*(8+8)))
	s.Close()

	s, _, err = run(100_000, 0)
	require.Equal(t, pgerr.OutOfMemory, pgerr.CodeOf(err))
	s.Close()

	s, b, err = run(1<<40, 10)
	require.NoError(t, err)
	require.Equal(t, s.held, b.used.Load())
	require.Less(t, s.held, int64(2*10+1024+700)*64) // a trim's rows and a batch at most
	require.Len(t, s.order, 10)
	s.Close()
}

// TestSortCancel checks that a cancelled query stops the sort.
func TestSortCancel(t *testing.T) {
	cols := []Column{{Name: "n", Type: types.Int8}}
	r := rand.New(rand.NewSource(1))
	rows := [][]types.Datum{{int64(2)}, {int64(1)}}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	s := NewSort(&batchesOp{cols: cols, recs: sortBatches(t, r, cols, rows)}, []SortKey{{Col: 0}})
	_, err := s.Next(ctx)
	require.True(t, errors.Is(err, context.Canceled), "%v", err)
	s.Close()
}

// baseCuboidRows returns n rows shaped like a cube build's base cuboid: 15
// grouping columns (integers and short text, as SSB's date, customer,
// supplier and part attributes) and three measures, with the sort keys of
// all 15.
func baseCuboidRows(b *testing.B, n int) ([]Column, []SortKey, []arrow.RecordBatch) {
	r := rand.New(rand.NewSource(1))
	var cols []Column
	var keys []SortKey
	for i, t := range []types.T{types.Int4, types.Int4, types.Text, types.Int4, types.Int4, types.Int4,
		types.Text, types.Text, types.Text, types.Text, types.Text, types.Text, types.Text, types.Text, types.Text} {
		cols = append(cols, Column{Name: fmt.Sprint("d", i), Type: t})
		keys = append(keys, SortKey{Col: i})
	}
	cols = append(cols, Column{Name: "revenue", Type: types.Int8}, Column{Name: "disc", Type: types.NumericOf(38, 2)},
		Column{Name: "n", Type: types.Int8})
	bld := NewBuilder(cols)
	defer bld.Release()
	var recs []arrow.RecordBatch
	row := make([]types.Datum, len(cols))
	for i := 0; i < n; i++ {
		year := int64(1992 + r.Intn(7))
		month := int64(1 + r.Intn(12))
		row[0], row[1], row[2], row[3] = year, year*100+month, fmt.Sprintf("M%02d%d", month, year), int64(1+r.Intn(53))
		row[4], row[5] = int64(r.Intn(11)), int64(1+r.Intn(50))
		for c := 6; c < 15; c += 3 {
			region := r.Intn(5)
			nation := region*5 + r.Intn(5)
			row[c] = fmt.Sprint("REGION ", region)
			row[c+1] = fmt.Sprint("NATION ", nation)
			row[c+2] = fmt.Sprintf("NATION %02d%d", nation, r.Intn(10))
		}
		row[15], row[16], row[17] = r.Int63n(1e9), apd.New(r.Int63n(1e12), -2), int64(1)
		if err := bld.Add(row); err != nil {
			b.Fatal(err)
		}
		if bld.Len() == BatchRows || i == n-1 {
			recs = append(recs, bld.Batch())
		}
	}
	return cols, keys, recs
}

// BenchmarkSort sorts base-cuboid rows by all 15 grouping columns.
func BenchmarkSort(b *testing.B) {
	cols, keys, recs := baseCuboidRows(b, 300_000)
	b.ResetTimer()
	for range b.N {
		for _, rec := range recs {
			rec.Retain()
		}
		drainBench(b, NewSort(&batchesOp{cols: cols, recs: slices.Clone(recs)}, keys))
	}
	b.StopTimer()
	releaseBatches(recs)
}

// sortedCuboidRows returns base-cuboid rows sorted by their 15 grouping
// columns, as a build writes them.
func sortedCuboidRows(b *testing.B, n int) ([]Column, []arrow.RecordBatch) {
	cols, keys, recs := baseCuboidRows(b, n)
	s := NewSort(&batchesOp{cols: cols, recs: recs}, keys)
	defer s.Close()
	var sorted []arrow.RecordBatch
	for {
		rec, err := s.Next(context.Background())
		if err != nil {
			b.Fatal(err)
		}
		if rec == nil {
			return cols, sorted
		}
		rec.Retain()
		sorted = append(sorted, rec)
	}
}

// writeCuboid writes recs as a build writes a cuboid (4,096-row groups,
// aligned on the 15 grouping columns).
func writeCuboid(b *testing.B, dir string, cols []Column, recs []arrow.RecordBatch) metastore.TableFile {
	fw, err := NewFileWriterRowGroups(dir, "w", cols, 4096, CodecSnappy)
	if err != nil {
		b.Fatal(err)
	}
	fw.AlignRowGroups(15)
	for _, rec := range recs {
		if err := fw.Write(rec); err != nil {
			b.Fatal(err)
		}
	}
	tf, err := fw.Finish()
	if err != nil {
		b.Fatal(err)
	}
	return tf
}

// BenchmarkFileWriter writes 300,000 sorted base-cuboid rows as a cuboid;
// it reports the file's bytes per row.
func BenchmarkFileWriter(b *testing.B) {
	cols, sorted := sortedCuboidRows(b, 300_000)
	defer releaseBatches(sorted)
	dir := b.TempDir()
	var tf metastore.TableFile
	b.ResetTimer()
	for range b.N {
		tf = writeCuboid(b, dir, cols, sorted)
	}
	b.ReportMetric(float64(tf.Bytes)/300_000, "bytes/row")
}

// BenchmarkFileScan reads such a cuboid file back, every column, without
// the column cache.
func BenchmarkFileScan(b *testing.B) {
	cols, sorted := sortedCuboidRows(b, 300_000)
	dir := b.TempDir()
	tf := writeCuboid(b, dir, cols, sorted)
	releaseBatches(sorted)
	read := make([]int, len(cols))
	for i := range read {
		read[i] = i
	}
	b.ResetTimer()
	for range b.N {
		s := NewScan(dir, []metastore.TableFile{tf}, cols, read)
		s.started = true // not through the column cache
		drainBench(b, s)
	}
}

// drainBench reads op to its end and closes it.
func drainBench(b *testing.B, op Operator) {
	defer op.Close()
	for {
		rec, err := op.Next(context.Background())
		if err != nil {
			b.Fatal(err)
		}
		if rec == nil {
			return
		}
	}
}

func releaseBatches(recs []arrow.RecordBatch) {
	for _, rec := range recs {
		rec.Release()
	}
}

// BenchmarkRunAgg rolls sorted base-cuboid rows up to their first 14
// grouping columns, as a build rolls a parent up to a prefix of its
// dimensions: runs of all the group columns (ordered chunks) against runs
// of the first column only (hashed chunks).
func BenchmarkRunAgg(b *testing.B) {
	cols, recs := sortedCuboidRows(b, 300_000)
	defer releaseBatches(recs)
	var aggs []AggSpec
	for c := 15; c < len(cols); c++ {
		aggs = append(aggs, AggSpec{Func: AggSum, Arg: c, Arg2: -1, Filter: -1, ArgType: cols[c].Type, Result: cols[c].Type})
	}
	all := make([]int, 14)
	for c := range all {
		all[c] = c
	}
	for _, bc := range []struct {
		name string
		runs []int
	}{{"ordered", all}, {"hashed", all[:1]}} {
		b.Run(bc.name, func(b *testing.B) {
			for range b.N {
				drainBench(b, NewRunAgg(&batchesOp{cols: cols, recs: retained(recs)}, bc.runs, 14, aggs, nil))
			}
		})
	}
}

// BenchmarkHashAggUnique hash-aggregates unsorted base-cuboid rows by all
// 15 grouping columns, where nearly every row is a group of its own: a
// build's base cuboid slice.
func BenchmarkHashAggUnique(b *testing.B) {
	cols, _, recs := baseCuboidRows(b, 300_000)
	defer releaseBatches(recs)
	// Sums of the bigint measures, as a build sums them (lattice_sum_int8).
	var aggs []AggSpec
	for _, c := range []int{15, 17} {
		aggs = append(aggs, AggSpec{Func: AggSum, Arg: c, Arg2: -1, Filter: -1, ArgType: types.Int4, Result: types.Int8})
	}
	b.ResetTimer()
	for range b.N {
		drainBench(b, NewHashAgg(&batchesOp{cols: cols, recs: retained(recs)}, 15, aggs, nil))
	}
}
