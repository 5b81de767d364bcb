package exec

import (
	"context"
	"fmt"
	"math"
	"math/rand"
	"slices"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/cockroachdb/apd/v3"
	"github.com/stretchr/testify/require"

	"github.com/lattice-olap/lattice/types"
)

// payloadTypes are the column types a join carries through (take).
var payloadTypes = []types.T{
	types.Bool, types.Int2, types.Int4, types.Int8, types.Float4, types.Float8,
	types.NumericOf(10, 2), types.Numeric, types.Text, types.Bpchar, types.Bytea,
	types.Date, types.Timestamp, types.TimestampTZ, types.Interval,
}

// randDatum returns a random value of t; keyed values come from a small
// domain (so that keys repeat), with the edge values of each type.
func randDatum(r *rand.Rand, t types.T, domain int) types.Datum {
	if r.Intn(8) == 0 {
		return nil
	}
	k := int64(r.Intn(domain)) - int64(domain/2)
	switch t.Oid {
	case types.OidBool:
		return k%2 == 0
	case types.OidInt2:
		return []int64{k, math.MinInt16, math.MaxInt16}[r.Intn(3)%(1+r.Intn(2))]
	case types.OidInt4:
		return []int64{k, math.MinInt32, math.MaxInt32}[r.Intn(3)%(1+r.Intn(2))]
	case types.OidInt8:
		return []int64{k, math.MinInt64, math.MaxInt64}[r.Intn(3)%(1+r.Intn(2))]
	case types.OidFloat4, types.OidFloat8:
		return []float64{float64(k) / 2, math.Copysign(0, -1), 0, math.NaN(), math.Inf(1)}[r.Intn(5)%(1+r.Intn(4))]
	case types.OidNumeric:
		d := apd.New(k*10+int64(r.Intn(3)), -1-int32(r.Intn(2))) // 1.0 and 1.00 alike
		if t.Typmod >= 0 {
			d = apd.New(k, -2)
		}
		return d
	case types.OidText, types.OidBpchar:
		s := fmt.Sprintf("v%d", k)
		if t.Oid == types.OidBpchar && r.Intn(2) == 0 {
			s += "  "
		}
		return []string{s, "", "é漢字"}[r.Intn(3)%(1+r.Intn(2))]
	case types.OidBytea:
		return []byte(fmt.Sprintf("b%d", k))
	case types.OidDate:
		return types.DDate(k)
	case types.OidTimestamp, types.OidTimestampTZ:
		return time.UnixMicro(k * 1e6).UTC()
	case types.OidInterval:
		return types.DInterval{Months: int32(k), Days: 1, Micros: k}
	}
	panic(t.String())
}

// makeInput builds rows of cols as batches of random sizes, some of them
// slices of a larger batch (arrays with an offset).
func makeInput(t *testing.T, r *rand.Rand, cols []Column, rows [][]types.Datum) *batchesOp {
	op := &batchesOp{cols: cols}
	for len(rows) > 0 {
		n := min(len(rows), 1+r.Intn(300))
		pad := r.Intn(3)
		b := NewBuilder(cols)
		for i := 0; i < pad; i++ {
			require.NoError(t, b.Add(make([]types.Datum, len(cols))))
		}
		for _, row := range rows[:n] {
			require.NoError(t, b.Add(row))
		}
		rec := b.Batch()
		b.Release()
		if pad > 0 {
			s := rec.NewSlice(int64(pad), int64(pad+n))
			rec.Release()
			rec = s
		}
		op.recs = append(op.recs, rec)
		rows = rows[n:]
	}
	return op
}

// parityResidual is a join filter over (left row, right row): the sum of
// two integer columns is even; NULL when either is NULL.
type parityResidual struct{ l, r int }

func (p parityResidual) Type() types.T { return types.Bool }

func (p parityResidual) EvalBatch(_ context.Context, rec arrow.RecordBatch) (arrow.Array, error) {
	b := array.NewBooleanBuilder(memory.DefaultAllocator)
	defer b.Release()
	for i := 0; i < int(rec.NumRows()); i++ {
		a, c := Value(rec.Column(p.l), i, types.Int8), Value(rec.Column(p.r), i, types.Int8)
		if a == nil || c == nil {
			b.AppendNull()
			continue
		}
		b.Append((a.(int64)+c.(int64))%2 == 0)
	}
	return b.NewArray(), nil
}

// referenceJoin joins rows by comparing every pair with PostgreSQL's
// equality (types.CompareFunc), as a nested loop.
func referenceJoin(lrows, rrows [][]types.Datum, lcols, rcols []Column, lkeys, rkeys []int, kind JoinKind, res *parityResidual) [][]types.Datum {
	match := func(l, r []types.Datum) bool {
		for k := range lkeys {
			a, b := l[lkeys[k]], r[rkeys[k]]
			if a == nil || b == nil {
				return false
			}
			cmp, _ := types.CompareFunc(lcols[lkeys[k]].Type)
			if cmp(a, b) != 0 {
				return false
			}
		}
		if res != nil {
			a, b := l[res.l], r[res.r-len(lcols)]
			return a != nil && b != nil && (a.(int64)+b.(int64))%2 == 0
		}
		return true
	}
	var out [][]types.Datum
	rseen := make([]bool, len(rrows))
	for _, l := range lrows {
		seen := false
		for ri, r := range rrows {
			if match(l, r) {
				out = append(out, append(slices.Clone(l), r...))
				seen, rseen[ri] = true, true
			}
		}
		if !seen && (kind == LeftJoin || kind == FullJoin) {
			out = append(out, append(slices.Clone(l), make([]types.Datum, len(rcols))...))
		}
	}
	if kind == RightJoin || kind == FullJoin {
		for ri, r := range rrows {
			if !rseen[ri] {
				out = append(out, append(make([]types.Datum, len(lcols)), r...))
			}
		}
	}
	return out
}

// checkArray checks an array's length, its NULL count against its bitmap,
// and the offsets of string and binary arrays.
func checkArray(t *testing.T, a arrow.Array, n int) {
	t.Helper()
	require.Equal(t, n, a.Len())
	nulls := 0
	for i := 0; i < n; i++ {
		if a.IsNull(i) {
			nulls++
		}
	}
	require.Equal(t, nulls, a.NullN())
	if v, ok := a.(interface{ ValidateFull() error }); ok {
		require.NoError(t, v.ValidateFull())
	}
}

func rowStrings(rows [][]types.Datum) []string {
	s := make([]string, len(rows))
	for i, r := range rows {
		s[i] = fmt.Sprintf("%v", r)
	}
	slices.Sort(s)
	return s
}

// runJoin drains a join into Datum rows, checking batch sizes.
func runJoin(t *testing.T, j *HashJoin, maxBatch int) [][]types.Datum {
	t.Helper()
	ctx := context.Background()
	var out [][]types.Datum
	cols := j.Columns()
	for {
		rec, err := j.Next(ctx)
		require.NoError(t, err)
		if rec == nil {
			break
		}
		require.LessOrEqual(t, int(rec.NumRows()), maxBatch)
		for _, a := range rec.Columns() {
			checkArray(t, a, int(rec.NumRows()))
		}
		for i := 0; i < int(rec.NumRows()); i++ {
			row := make([]types.Datum, len(cols))
			for c := range cols {
				row[c] = Value(rec.Column(c), i, cols[c].Type)
			}
			out = append(out, row)
		}
	}
	j.Close()
	return out
}

// TestHashJoinMatchesNestedLoop joins random inputs on keys of every kind
// (one integer column of equal or mixed widths, dates, other types, two
// columns), every join kind, with and without a residual, and compares
// with a nested loop over Datums.
func TestHashJoinMatchesNestedLoop(t *testing.T) {
	keyCases := []struct {
		name   string
		lt, rt []types.T
	}{
		{"int2", []types.T{types.Int2}, []types.T{types.Int2}},
		{"int4", []types.T{types.Int4}, []types.T{types.Int4}},
		{"int8", []types.T{types.Int8}, []types.T{types.Int8}},
		{"int4=int8", []types.T{types.Int4}, []types.T{types.Int8}},
		{"int8=int2", []types.T{types.Int8}, []types.T{types.Int2}},
		{"date", []types.T{types.Date}, []types.T{types.Date}},
		{"text", []types.T{types.Text}, []types.T{types.Text}},
		{"bpchar", []types.T{types.Bpchar}, []types.T{types.Bpchar}},
		{"float8", []types.T{types.Float8}, []types.T{types.Float8}},
		{"numeric", []types.T{types.Numeric}, []types.T{types.Numeric}},
		{"int4,text", []types.T{types.Int4, types.Text}, []types.T{types.Int4, types.Text}},
	}
	r := rand.New(rand.NewSource(1))
	for _, kc := range keyCases {
		for _, kind := range []JoinKind{InnerJoin, LeftJoin, RightJoin, FullJoin} {
			for _, withRes := range []bool{false, true} {
				name := fmt.Sprintf("%s/kind%d/residual=%v", kc.name, kind, withRes)
				t.Run(name, func(t *testing.T) {
					// Columns: the keys, an int8 for the residual, then payload.
					mk := func(keys []types.T, side string) ([]Column, []int) {
						var cols []Column
						var idx []int
						for i, kt := range keys {
							idx = append(idx, len(cols))
							cols = append(cols, Column{Name: fmt.Sprintf("%sk%d", side, i), Type: kt})
						}
						cols = append(cols, Column{Name: side + "p", Type: types.Int8})
						for i, pt := range payloadTypes {
							if r.Intn(3) == 0 {
								cols = append(cols, Column{Name: fmt.Sprintf("%sc%d", side, i), Type: pt})
							}
						}
						return cols, idx
					}
					lcols, lkeys := mk(kc.lt, "l")
					rcols, rkeys := mk(kc.rt, "r")
					gen := func(cols []Column, n, domain int) [][]types.Datum {
						rows := make([][]types.Datum, n)
						for i := range rows {
							rows[i] = make([]types.Datum, len(cols))
							for c, col := range cols {
								rows[i][c] = randDatum(r, col.Type, domain)
							}
						}
						return rows
					}
					domain := 5 + r.Intn(40)
					lrows, rrows := gen(lcols, r.Intn(700), domain), gen(rcols, r.Intn(120), domain)
					var res *parityResidual
					var be BatchExpr
					if withRes {
						res = &parityResidual{l: len(kc.lt), r: len(lcols) + len(kc.rt)}
						be = *res
					}
					want := referenceJoin(lrows, rrows, lcols, rcols, lkeys, rkeys, kind, res)
					j := NewHashJoin(makeInput(t, r, lcols, lrows), makeInput(t, r, rcols, rrows), lkeys, rkeys, kind, be)
					got := runJoin(t, j, max(BatchRows, len(rrows))+len(lrows))
					require.Equal(t, rowStrings(want), rowStrings(got))
				})
			}
		}
	}
}

// TestHashJoinChunksLargeMatchSets joins many rows on one key, so that a
// probe batch's pairs exceed BatchRows: they come out in chunks, in probe
// order and build order within a probe row.
func TestHashJoinChunksLargeMatchSets(t *testing.T) {
	r := rand.New(rand.NewSource(2))
	for _, kt := range []types.T{types.Int4, types.Text} {
		for _, keyed := range []bool{true, false} {
			lcols := []Column{{Name: "k", Type: kt}, {Name: "i", Type: types.Int8}}
			rcols := []Column{{Name: "k", Type: kt}, {Name: "j", Type: types.Int8}}
			key := randDatum(r, kt, 1)
			for key == nil {
				key = randDatum(r, kt, 1)
			}
			var lrows, rrows [][]types.Datum
			for i := 0; i < 300; i++ {
				lrows = append(lrows, []types.Datum{key, int64(i)})
			}
			for i := 0; i < 500; i++ {
				rrows = append(rrows, []types.Datum{key, int64(i)})
			}
			var lkeys, rkeys []int
			if keyed {
				lkeys, rkeys = []int{0}, []int{0}
			}
			j := NewHashJoin(makeInput(t, r, lcols, lrows), makeInput(t, r, rcols, rrows), lkeys, rkeys, InnerJoin, nil)
			got := runJoin(t, j, BatchRows)
			require.Len(t, got, 300*500)
			for p, row := range got {
				require.Equal(t, []types.Datum{key, int64(p / 500), key, int64(p % 500)}, row)
			}
		}
	}
}

// TestTake checks take on arrays of every storage type, with NULLs,
// offsets and negative (NULL) indices, against Value. (Arrow's take kernel
// has no MonthDayNanoInterval.)
func TestTake(t *testing.T) {
	r := rand.New(rand.NewSource(3))
	ctx := context.Background()
	for _, pt := range payloadTypes {
		for trial := 0; trial < 20; trial++ {
			n := r.Intn(200)
			pad := r.Intn(4)
			b := array.NewBuilder(memory.DefaultAllocator, ArrowType(pt))
			for i := 0; i < n+pad; i++ {
				v := randDatum(r, pt, 1000)
				if trial%3 == 0 && v == nil {
					v = randDatum(r, pt, 1000) // fewer NULLs
				}
				if trial == 19 {
					v = nil // all NULL, as a scan's unread columns
				}
				require.NoError(t, Append(b, pt, v))
			}
			full := b.NewArray()
			b.Release()
			arr := array.NewSlice(full, int64(pad), int64(pad+n))
			full.Release()
			idx := make([]int32, r.Intn(300))
			for k := range idx {
				idx[k] = -1
				if n > 0 && (trial%2 == 0 || r.Intn(6) > 0) {
					idx[k] = int32(r.Intn(n))
				}
			}
			got, err := take(ctx, arr, idx)
			require.NoError(t, err)
			checkArray(t, got, len(idx))
			for k, i := range idx {
				var want types.Datum
				if i >= 0 {
					want = Value(arr, int(i), pt)
				}
				require.Equal(t, fmt.Sprintf("%v", want), fmt.Sprintf("%v", Value(got, k, pt)), "%s slot %d", pt, k)
			}
			got.Release()
			arr.Release()
		}
	}
}

// TestIntTableModes checks the direct and hashed integer tables, and the
// key bitmap a runtime filter probes, against a map, on dense, sparse and
// extreme keys with duplicates and NULLs.
func TestIntTableModes(t *testing.T) {
	rng := rand.New(rand.NewSource(3))
	sets := map[string][]int64{
		"dense":    {},
		"negative": {},
		"sparse":   {},
		"extreme":  {math.MinInt64, math.MaxInt64, 0, -1, 1},
		"empty":    {},
	}
	for i := 0; i < 3000; i++ {
		sets["dense"] = append(sets["dense"], 1000+rng.Int63n(2000))
		sets["negative"] = append(sets["negative"], -rng.Int63n(5000))
		sets["sparse"] = append(sets["sparse"], int64(rng.Uint64())>>rng.Intn(40))
	}
	for name, keys := range sets {
		t.Run(name, func(t *testing.T) {
			valid := func(i int) bool { return i%7 != 3 } // every 7th key is NULL
			want := map[int64]int32{}                     // key -> first row
			chains := map[int64][]int32{}
			tbl := newIntTable(keys, valid)
			for i := len(keys) - 1; i >= 0; i-- {
				if !valid(i) {
					continue
				}
				want[keys[i]] = int32(i)
				prev := tbl.insert(keys[i], int32(i))
				if c := chains[keys[i]]; len(c) > 0 {
					require.Equal(t, c[len(c)-1], prev)
				} else {
					require.Equal(t, int32(-1), prev)
				}
				chains[keys[i]] = append(chains[keys[i]], int32(i))
			}
			var ks KeySet
			ks.publish(keys, valid, tbl)
			probes := append([]int64{math.MinInt64, math.MaxInt64, -1, 0, 999, 3000, 3001}, keys...)
			for i := 0; i < 2000; i++ {
				probes = append(probes, rng.Int63n(8000)-4000)
			}
			idx := probeKeys(ks.p.Load(), nil, true, probes, nil)
			var wantIdx []int32
			for i, k := range probes {
				row, ok := want[k]
				if !ok {
					row = -1
				} else {
					wantIdx = append(wantIdx, int32(i))
				}
				require.Equal(t, row, tbl.find(k), "key %d", k)
			}
			require.Equal(t, wantIdx, idx)
			// Narrowing a selection: every other probe.
			odd, wantOdd := []int32{}, []int32{}
			for i := 1; i < len(probes); i += 2 {
				odd = append(odd, int32(i))
				if _, ok := want[probes[i]]; ok {
					wantOdd = append(wantOdd, int32(i))
				}
			}
			require.Equal(t, wantOdd, append([]int32{}, probeKeys(ks.p.Load(), odd, false, probes, nil)...))
		})
	}
	require.NotNil(t, newIntTable(sets["dense"], func(int) bool { return true }).direct, "dense keys index an array")
	require.Nil(t, newIntTable(sets["sparse"], func(int) bool { return true }).direct, "sparse keys are hashed")
}
