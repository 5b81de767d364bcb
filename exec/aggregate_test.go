package exec

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/cockroachdb/apd/v3"
	"github.com/stretchr/testify/require"

	"github.com/lattice-olap/lattice/pgerr"
	"github.com/lattice-olap/lattice/types"
)

// batchesOp yields prepared batches, releases them on Close and counts
// its Close calls.
type batchesOp struct {
	cols   []Column
	recs   []arrow.RecordBatch
	i      int
	closed int
}

func (o *batchesOp) Columns() []Column { return o.cols }

func (o *batchesOp) Next(context.Context) (arrow.RecordBatch, error) {
	if o.i >= len(o.recs) {
		return nil, nil
	}
	o.i++
	return o.recs[o.i-1], nil
}

func (o *batchesOp) Close() {
	o.closed++
	for _, r := range o.recs {
		r.Release()
	}
	o.recs = nil
}

// retained returns recs, each retained once more for an operator that
// releases them.
func retained(recs []arrow.RecordBatch) []arrow.RecordBatch {
	for _, r := range recs {
		r.Retain()
	}
	return slices.Clone(recs)
}

// randomBatches returns n rows over cols in batches of up to 1000 rows,
// with NULLs, repeats (values come from small domains) and edge values.
func randomBatches(t *testing.T, r *rand.Rand, cols []Column, n int) []arrow.RecordBatch {
	t.Helper()
	ints := []int64{0, 1, -1, 7, 42, math.MaxInt32, math.MinInt32}
	floats := []float64{0, math.Copysign(0, -1), 1.5, -2.25, math.NaN(), math.Inf(1), 1e300}
	strs := []string{"", "a", "a ", "b", "ab", "\x00", "zz", "ä"}
	var out []arrow.RecordBatch
	for done := 0; done < n; {
		size := min(n-done, 1+r.IntN(1000))
		b := NewBuilder(cols)
		row := make([]types.Datum, len(cols))
		for range size {
			for c, col := range cols {
				if r.IntN(8) == 0 {
					row[c] = nil
					continue
				}
				switch col.Type.Oid {
				case types.OidInt2:
					row[c] = int64(r.IntN(200) - 100)
				case types.OidInt4:
					row[c] = ints[r.IntN(len(ints))]
				case types.OidInt8:
					row[c] = ints[r.IntN(len(ints))] * int64(1+r.IntN(3)) << (r.IntN(2) * 31)
				case types.OidFloat4, types.OidFloat8:
					row[c] = floats[r.IntN(len(floats))]
					if col.Type.Oid == types.OidFloat4 && row[c].(float64) == 1e300 {
						row[c] = 3.5
					}
				case types.OidNumeric:
					row[c] = apd.New(int64(r.IntN(200000)-100000), -2)
				case types.OidText, types.OidBpchar:
					row[c] = strs[r.IntN(len(strs))]
				case types.OidDate:
					row[c] = types.DDate(r.IntN(50) - 10)
				case types.OidBool:
					row[c] = r.IntN(2) == 0
				}
			}
			require.NoError(t, b.Add(row))
		}
		out = append(out, b.Batch())
		b.Release()
		done += size
	}
	return out
}

// drain returns every row of op as text.
func drain(t *testing.T, op Operator) [][]string {
	t.Helper()
	ctx := context.Background()
	rows := NewRows(op)
	defer rows.Close()
	var out [][]string
	for rows.Next(ctx) {
		var row []string
		for c, v := range rows.Row() {
			s := "NULL"
			if v != nil {
				var ok bool
				s, ok = types.FormatText(op.Columns()[c].Type, v, &types.DefaultFormat)
				require.True(t, ok)
			}
			row = append(row, s)
		}
		out = append(out, row)
	}
	require.NoError(t, rows.Err())
	return out
}

// typedAggCase returns columns (two group columns first) and aggregates
// over them of every kind the typed states cover, and a numeric divide.
func typedAggCase() ([]Column, []AggSpec, func(a, b *apd.Decimal) (*apd.Decimal, error)) {
	cols := []Column{
		{"g1", types.Int4}, {"g2", types.Text}, // group columns
		{"i2", types.Int2}, {"i4", types.Int4}, {"i8", types.Int8}, {"f4", types.Float4}, {"f8", types.Float8},
		{"n", types.NumericOf(12, 2)}, {"s", types.Text}, {"d", types.Date}, {"bp", types.Bpchar}, {"ok", types.Bool},
	}
	var aggs []AggSpec
	add := func(f AggFunc, arg int, result types.T) {
		aggs = append(aggs, AggSpec{Func: f, Arg: arg, Arg2: -1, Filter: -1, ArgType: cols[max(arg, 0)].Type, Result: result})
	}
	add(AggCountStar, -1, types.Int8)
	for c := 2; c < len(cols); c++ {
		add(AggCount, c, types.Int8)
	}
	add(AggSum, 2, types.Int8)
	add(AggSum, 3, types.Int8)
	add(AggSum, 4, types.Numeric)
	add(AggSum, 5, types.Float4)
	add(AggSum, 6, types.Float8)
	add(AggSum, 7, types.Numeric)
	for _, c := range []int{2, 3, 4, 8, 9} {
		add(AggMin, c, cols[c].Type)
		add(AggMax, c, cols[c].Type)
	}
	// lattice_sum_int8's shape (bigint input declared int4, summed in
	// int64), over values whose sums stay in range (TestSumIntOverflow).
	aggs = append(aggs, AggSpec{Func: AggSum, Arg: 2, Arg2: -1, Filter: -1, ArgType: types.Int4, Result: types.Int8})
	// FILTER (WHERE ok) on a typed and a generic aggregate.
	aggs = append(aggs, AggSpec{Func: AggSum, Arg: 3, Arg2: -1, Filter: 11, ArgType: types.Int4, Result: types.Int8})
	aggs = append(aggs, AggSpec{Func: AggCount, Arg: 10, Arg2: -1, Filter: 11, ArgType: types.Bpchar, Result: types.Int8})
	div := func(a, b *apd.Decimal) (*apd.Decimal, error) {
		d := new(apd.Decimal)
		_, err := apd.BaseContext.WithPrecision(30).Quo(d, a, b)
		return d, err
	}
	return cols, aggs, div
}

// TestHashAggTyped checks the typed aggregate states against the generic
// accumulators, group by group, over random data of every type they cover.
func TestHashAggTyped(t *testing.T) {
	cols, aggs, div := typedAggCase()
	r := rand.New(rand.NewPCG(1, 2))
	for _, tc := range []struct {
		name    string
		nGroups int
		sets    [][]int
	}{{"grouped", 2, nil}, {"ungrouped", 0, nil}, {"sets", 2, [][]int{{0, 1}, {1}, {}}}} {
		t.Run(tc.name, func(t *testing.T) {
			recs := randomBatches(t, r, cols, 5000)
			defer func() {
				for _, rec := range recs {
					rec.Release()
				}
			}()
			run := func(generic bool) [][]string {
				h := NewHashAgg(&batchesOp{cols: cols, recs: retained(recs)}, tc.nGroups, aggs, div)
				if tc.sets != nil {
					h = h.WithSets(tc.sets)
				}
				h.generic = generic
				return drain(t, h)
			}
			want := run(true)
			require.NotEmpty(t, want)
			require.Equal(t, want, run(false))
		})
	}
	// Overflowing bigint sums continue in numeric, as PostgreSQL's do.
	// (sum(integer) and lattice_sum_int8 fail instead: TestSumIntOverflow.)
	big := []Column{{"x", types.Int8}}
	b := NewBuilder(big)
	for range 4 {
		require.NoError(t, b.Add([]types.Datum{int64(math.MaxInt64)}))
	}
	rec := b.Batch()
	defer rec.Release()
	b.Release()
	h := NewHashAgg(&batchesOp{cols: big, recs: retained([]arrow.RecordBatch{rec})}, 0,
		[]AggSpec{{Func: AggSum, Arg: 0, Arg2: -1, Filter: -1, ArgType: types.Int8, Result: types.Numeric}}, div)
	require.Equal(t, [][]string{{"36893488147419103228"}}, drain(t, h))
}

// TestSumIntOverflow checks that sums added in int64 (sum(integer), and
// lattice_sum_int8, which re-aggregates cuboids' bigint sums and counts)
// fail with 22003 past bigint's range, as PostgreSQL's sum(integer) does,
// in the typed state and the generic accumulator alike, instead of
// wrapping around; sums that reach the limit without passing it are fine.
func TestSumIntOverflow(t *testing.T) {
	cols := []Column{{"g", types.Int4}, {"x", types.Int8}}
	spec := []AggSpec{{Func: AggSum, Arg: 1, Arg2: -1, Filter: -1, ArgType: types.Int4, Result: types.Int8}}
	run := func(generic bool, vals ...int64) ([][]string, error) {
		b := NewBuilder(cols)
		defer b.Release()
		for _, v := range vals {
			require.NoError(t, b.Add([]types.Datum{int64(1), v}))
		}
		rec := b.Batch()
		defer rec.Release()
		h := NewHashAgg(&batchesOp{cols: cols, recs: retained([]arrow.RecordBatch{rec})}, 1, spec, nil)
		h.generic = generic
		rows := NewRows(h)
		defer rows.Close()
		var out [][]string
		for rows.Next(context.Background()) {
			out = append(out, []string{fmt.Sprint(rows.Row()[1])})
		}
		return out, rows.Err()
	}
	for _, generic := range []bool{false, true} {
		got, err := run(generic, math.MaxInt64-5, 5, -7, 7)
		require.NoError(t, err)
		require.Equal(t, [][]string{{fmt.Sprint(int64(math.MaxInt64))}}, got)
		for _, vals := range [][]int64{{math.MaxInt64, 1}, {math.MinInt64, -1}, {math.MaxInt64 / 2, math.MaxInt64/2 + 2}} {
			_, err = run(generic, vals...)
			require.Equal(t, pgerr.NumericValueOutOfRange, pgerr.CodeOf(err), "generic %v, %v", generic, vals)
		}
	}
}
