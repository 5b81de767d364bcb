package planner

import (
	"context"
	"fmt"
	"math"
	"math/rand"
	"slices"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/bitutil"
	"github.com/apache/arrow-go/v18/arrow/memory"
	pg_query "github.com/pganalyze/pg_query_go/v6"
	"github.com/stretchr/testify/require"

	"github.com/lattice-olap/lattice/exec"
	"github.com/lattice-olap/lattice/pgerr"
	"github.com/lattice-olap/lattice/types"
)

// kernelCols are the columns the kernel tests bind expressions over.
var kernelCols = []exec.Column{
	{Name: "a2", Type: types.Int2}, {Name: "b2", Type: types.Int2},
	{Name: "a4", Type: types.Int4}, {Name: "b4", Type: types.Int4},
	{Name: "a8", Type: types.Int8}, {Name: "b8", Type: types.Int8},
	{Name: "d1", Type: types.Date}, {Name: "d2", Type: types.Date},
	{Name: "t", Type: types.Text},
}

// bindKernelExpr binds SQL text over kernelCols.
func bindKernelExpr(t *testing.T, s *Session, sql string) Expr {
	t.Helper()
	tree, err := pg_query.Parse("SELECT " + sql)
	require.NoError(t, err)
	node := tree.Stmts[0].Stmt.GetSelectStmt().TargetList[0].GetResTarget().Val
	b := newBinder(s, "SELECT "+sql, nil)
	b.ctx = context.Background()
	b.scope = &scope{}
	for i, c := range kernelCols {
		b.scope.cols = append(b.scope.cols, scopeCol{rel: "k", name: c.Name, typ: c.Type, idx: i, partner: -1})
	}
	e, err := b.expr(node)
	require.NoError(t, err, sql)
	return e
}

// randKernelBatch returns n random rows: NULLs and small values, so that
// no product of two or four of them overflows, or with extremes also each
// type's limits and values up to 1000, so that arithmetic overflows in
// some rows. The batch is a slice of a larger one, so that the arrays have
// offsets.
func randKernelBatch(t *testing.T, r *rand.Rand, n int, extremes bool) arrow.RecordBatch {
	b := exec.NewBuilder(kernelCols)
	defer b.Release()
	pad := r.Intn(5)
	for i := 0; i < n+pad; i++ {
		row := make([]types.Datum, len(kernelCols))
		for c, col := range kernelCols {
			if r.Intn(6) == 0 {
				continue
			}
			v := int64(r.Intn(201) - 100)
			if extremes {
				v *= 10
			}
			if extremes && r.Intn(40) == 0 {
				lo, hi := types.IntRange(col.Type)
				v = []int64{lo, hi, lo + 1, hi - 1, -1}[r.Intn(5)]
			}
			switch col.Type.Oid {
			case types.OidDate:
				row[c] = types.DDate(v % 50)
			case types.OidText:
				row[c] = fmt.Sprint(v)
			default:
				row[c] = v
			}
		}
		require.NoError(t, b.Add(row))
	}
	rec := b.Batch()
	defer rec.Release()
	return rec.NewSlice(int64(pad), int64(pad+n))
}

// TestKernelsMatchRowPath evaluates integer arithmetic, casts and
// comparisons over random batches with the kernels and row by row with
// Eval: the results, or the errors (overflow), must be the same.
func TestKernelsMatchRowPath(t *testing.T) {
	p, _ := newTestPlanner(t)
	s, err := p.NewSession("admin", "lattice", true, 1, nil)
	require.NoError(t, err)
	ctx := context.Background()
	exprs := []string{
		"a2 + b2", "a2 - b2", "a2 * b2", "-a2",
		"a4 + b4", "a4 - b4", "a4 * b4", "-a4",
		"a8 + b8", "a8 - b8", "a8 * b8", "-a8",
		"a4 * 3", "7 - a4", "a2 * 300", "a8 * 1000000000000", "-9223372036854775807 - a8",
		"a4 + 2147483647", "a4 * NULL::int4", "NULL::int8 - a8",
		"a4 * a8", "a2 + a4", "a2::int8 * b8", "a4::int2", "a8::int4 + 1", "(a4 * b4)::int2",
		"(a4 * b4) - (a2 * b2)", "a4 * b4 * a4 * b4", "a4 + $1", "$1 * a8", "a2 - $1",
		"a4 < b4", "a8 = a4", "a2 <> b2", "a8 >= b8", "a4 * b4 > 1000", "3 <= a4 + b4",
		"a2 > 10", "a4 = $1", "d1 < d2", "d1 = d2", "d1 <> '1970-01-10'::date",
		"a4 < b4 AND a8 * b8 > 0", "a4 * b4 > 0 OR a2 = 1", "a2 * b2 < 100 AND t = '5'",
		"a2 * b2 * 1000 > 0 AND a4 < 0",
		"a2 = 5", "a2 < 100000", "a8 > -5", "a8 <> 7", "a4 <= 10", "a4 >= -3", "d1 >= '1970-01-20'::date",
		"t = '5'", "t < '3'", "t >= '50'", "t <> '7'", "t > '-2'", "t <= '10'",
		"a2 = 5 OR t = '7' OR a4 > 3", "(a2 = 5 OR a4 = 3) AND (t = '1' OR t = '2')",
		"a8 = NULL::int8 OR a2 = 1", "a8 = NULL::int8 AND a2 = 1", "t = NULL::text OR t = '4'",
		"(a4 > 0 AND a8 < 0) OR (a4 < 0 AND a8 > 0)",
		"t IN ('1', '2', '-3') AND a4 > 0", "a4 > 0 AND t IN ('1', '2', '-3')", "t NOT IN ('1', '2')",
		"t = '5' AND t <> '6' AND a2 > 0", "a2 > 0 AND t > '3' AND t < '5' AND a8 <> 0",
		"(t = '1' OR a2 = 3) AND (t = '2' OR a4 < 0 OR t IN ('7', '8'))",
		// Values of eight bytes and more: equal heads with other tails,
		// equal lengths with other heads (extremes give such values).
		"t IN ('9223372036854775806', '-9223372036854775808', '2147483647', '-2147483648', '-32768', '21474836')",
		"t IN ('9223372036854775807', '-922337203685477580') AND a2 <> 0",
		"t < '9223372036854775806'", "t >= '-9223372'", "t > '-92233720'", "t <= '2147483647'", "t > ''", "t < '-'",
	}
	// Every one takes a kernel on batches without extremes, where nothing
	// overflows. With extremes, an argument may overflow in a row where
	// the other is NULL: the row path does not evaluate it there, so the
	// kernel leaves that batch to the row path.
	r := rand.New(rand.NewSource(7))
	for _, sql := range exprs {
		e := bindKernelExpr(t, s, sql)
		sawError, sawKernel := false, false
		for trial := 0; trial < 60; trial++ {
			n := r.Intn(400)
			if trial%10 == 0 {
				n = r.Intn(3)
			}
			rec := randKernelBatch(t, r, n, trial%2 == 1)
			args := []types.Datum{int64(r.Intn(200) - 100)}
			if trial%7 == 0 {
				args[0] = nil
			}
			ec := &evalCtx{ctx: ctx, sess: s, args: args, rec: rec}
			// The row path.
			var want []types.Datum
			var wantErr error
			for i := 0; i < n && wantErr == nil; i++ {
				ec.row = i
				v, err := e.Eval(ec)
				if err != nil {
					wantErr = err
				}
				want = append(want, v)
			}
			// The batch path, and the kernel on its own.
			got, err := batchExpr{e, &evalCtx{ctx: ctx, sess: s, args: args}}.EvalBatch(ctx, rec)
			k, kok := kernel(e, rec, &evalCtx{ctx: ctx, sess: s, args: args})
			if wantErr != nil {
				sawError = true
				require.Error(t, err, sql)
				require.Equal(t, pgerr.From(wantErr).Code, pgerr.From(err).Code, sql)
				require.Equal(t, wantErr.Error(), err.Error(), sql)
				require.False(t, kok, "%s: a kernel must leave errors to the row path", sql)
				rec.Release()
				continue
			}
			require.NoError(t, err, sql)
			if trial%2 == 0 {
				require.True(t, kok, "%s has a kernel", sql)
			}
			if kok {
				sawKernel = true
				require.True(t, arrow.TypeEqual(exec.ArrowType(e.Type()), k.DataType()), sql)
				checkKernelArray(t, sql, k, want, e.Type())
				k.Release()
			}
			checkKernelArray(t, sql, got, want, e.Type())
			got.Release()
			rec.Release()
		}
		require.True(t, sawKernel, sql)
		t.Logf("%s: overflow seen %v", sql, sawError)
	}
}

// checkKernelArray compares an array with the row path's values, and its
// NULL count with its bitmap.
func checkKernelArray(t *testing.T, sql string, a arrow.Array, want []types.Datum, typ types.T) {
	t.Helper()
	require.Equal(t, len(want), a.Len(), sql)
	nulls := 0
	for i, w := range want {
		if a.IsNull(i) {
			nulls++
		}
		require.Equal(t, w, exec.Value(a, i, typ), "%s row %d", sql, i)
	}
	require.Equal(t, nulls, a.NullN(), sql)
}

// TestIntKernelEdges checks the overflow edges of each integer type
// exactly: the largest results that fit come from the kernel, the first
// that do not are the row path's errors.
func TestIntKernelEdges(t *testing.T) {
	p, _ := newTestPlanner(t)
	s, err := p.NewSession("admin", "lattice", true, 1, nil)
	require.NoError(t, err)
	ctx := context.Background()
	cases := []struct {
		sql    string
		row    []types.Datum // a2 b2 a4 b4 a8 b8
		want   types.Datum
		errMsg string
	}{
		{"a2 + b2", []types.Datum{int64(32767), int64(0)}, int64(32767), ""},
		{"a2 + b2", []types.Datum{int64(32767), int64(1)}, nil, "smallint out of range"},
		{"a2 * b2", []types.Datum{int64(-128), int64(256)}, int64(-32768), ""},
		{"-a2", []types.Datum{int64(-32768)}, nil, "smallint out of range"},
		{"a4 * b4", []types.Datum{nil, nil, int64(65536), int64(32768)}, nil, "integer out of range"},
		{"a4 * b4", []types.Datum{nil, nil, int64(-65536), int64(32768)}, int64(math.MinInt32), ""},
		{"a4 - b4", []types.Datum{nil, nil, int64(math.MinInt32), int64(1)}, nil, "integer out of range"},
		{"a8 + b8", []types.Datum{nil, nil, nil, nil, int64(math.MaxInt64), int64(1)}, nil, "bigint out of range"},
		{"a8 - b8", []types.Datum{nil, nil, nil, nil, int64(math.MinInt64), int64(-1)}, int64(math.MinInt64 + 1), ""},
		{"a8 * b8", []types.Datum{nil, nil, nil, nil, int64(math.MinInt64), int64(-1)}, nil, "bigint out of range"},
		{"a8 * b8", []types.Datum{nil, nil, nil, nil, int64(-1), int64(math.MinInt64)}, nil, "bigint out of range"},
		{"a8 * b8", []types.Datum{nil, nil, nil, nil, int64(math.MinInt64), int64(1)}, int64(math.MinInt64), ""},
		{"a8 * b8", []types.Datum{nil, nil, nil, nil, int64(3037000500), int64(3037000500)}, nil, "bigint out of range"},
		{"-a8", []types.Datum{nil, nil, nil, nil, int64(math.MinInt64)}, nil, "bigint out of range"},
		{"a8::int4", []types.Datum{nil, nil, nil, nil, int64(math.MaxInt32) + 1}, nil, "integer out of range"},
		{"a4::int2", []types.Datum{nil, nil, int64(-32768)}, int64(-32768), ""},
		// A NULL operand hides an overflowing value in the other.
		{"a8 * b8", []types.Datum{nil, nil, nil, nil, int64(math.MinInt64), nil}, nil, ""},
	}
	for _, c := range cases {
		e := bindKernelExpr(t, s, c.sql)
		b := exec.NewBuilder(kernelCols)
		row := make([]types.Datum, len(kernelCols))
		copy(row, c.row)
		require.NoError(t, b.Add(make([]types.Datum, len(kernelCols)))) // a NULL row first
		require.NoError(t, b.Add(row))
		rec := b.Batch()
		b.Release()
		got, err := batchExpr{e, &evalCtx{ctx: ctx, sess: s}}.EvalBatch(ctx, rec)
		if c.errMsg != "" {
			require.Error(t, err, c.sql)
			require.Equal(t, pgerr.NumericValueOutOfRange, pgerr.From(err).Code, c.sql)
			require.Equal(t, c.errMsg, pgerr.From(err).Message, c.sql)
		} else {
			require.NoError(t, err, c.sql)
			require.Nil(t, exec.Value(got, 0, e.Type()), c.sql)
			require.Equal(t, c.want, exec.Value(got, 1, e.Type()), c.sql)
			got.Release()
			k, ok := kernel(e, rec, &evalCtx{ctx: ctx, sess: s})
			require.True(t, ok, c.sql)
			require.Equal(t, c.want, exec.Value(k, 1, e.Type()), c.sql)
			k.Release()
		}
		rec.Release()
	}
}

// TestStringKernels compares compareStrings and inStrings with Go's byte
// order over random short values from a small alphabet (so that heads tie
// often), in a sliced array whose last values end near the buffer's end.
func TestStringKernels(t *testing.T) {
	r := rand.New(rand.NewSource(7))
	word := func() string {
		b := make([]byte, r.Intn(12))
		for i := range b {
			b[i] = "ab\x01\xff"[r.Intn(4)]
		}
		return string(b)
	}
	for round := 0; round < 200; round++ {
		bld := array.NewStringBuilder(memory.DefaultAllocator)
		n := 1 + r.Intn(40)
		vals := make([]string, n+2)
		for i := range vals {
			vals[i] = word()
			bld.Append(vals[i])
		}
		full := bld.NewStringArray()
		a := array.NewSlice(full, 2, int64(n+2)).(*array.String)
		vals = vals[2:]
		lits := []string{word(), word(), vals[r.Intn(n)]}
		var sel []byte
		if r.Intn(2) == 0 {
			sel = make([]byte, bitutil.BytesForBits(int64(n)))
			r.Read(sel)
		}
		for _, op := range []string{"<", "<=", ">", ">=", "=", "<>"} {
			test := comparisonTest(op)
			out := make([]byte, bitutil.BytesForBits(int64(n)))
			compareStrings(a, lits[0], op, sel, out)
			for i, v := range vals {
				if inSel(sel, i) {
					require.Equal(t, test(strings.Compare(v, lits[0])), bitutil.BitIsSet(out, i), "%q %s %q", v, op, lits[0])
				}
			}
		}
		for _, in := range [][]string{lits, lits[2:]} {
			out := make([]byte, bitutil.BytesForBits(int64(n)))
			inStrings(a, in, sel, out)
			for i, v := range vals {
				if inSel(sel, i) {
					require.Equal(t, slices.Contains(in, v), bitutil.BitIsSet(out, i), "%q in %q", v, in)
				}
			}
		}
		a.Release()
		full.Release()
		bld.Release()
	}
}

// BenchmarkCompareLoop compares 64K int32 values with a constant, as a
// pushed-down filter does per batch.
func BenchmarkCompareLoop(b *testing.B) {
	vals := make([]int32, 1<<16)
	for i := range vals {
		vals[i] = int32(i*7919) % 50
	}
	out := make([]byte, len(vals)/8)
	for _, op := range []string{"<", "<=", "=", "<>", ">", ">="} {
		b.Run(op, func(b *testing.B) {
			for b.Loop() {
				clear(out)
				compareLoop(vals, 25, 25, op, out)
			}
		})
	}
}
