package exec

import (
	"context"
	"math"
	"sort"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/cockroachdb/apd/v3"

	"github.com/lattice-olap/lattice/pgerr"
	"github.com/lattice-olap/lattice/types"
)

// Frame bounds of a window.
const (
	BoundUnboundedPreceding = iota
	BoundPreceding
	BoundCurrentRow
	BoundFollowing
	BoundUnboundedFollowing
)

// OrderExpr is one ORDER BY key of a window.
type OrderExpr struct {
	Expr       BatchExpr
	Desc       bool
	NullsFirst bool
}

// WindowFunc is one window function call.
type WindowFunc struct {
	Name      string // row_number, rank, dense_rank, percent_rank, cume_dist, ntile, lag, lead, first_value, last_value, nth_value, or an aggregate
	Agg       *AggSpec
	Args      []BatchExpr
	Partition []BatchExpr
	Order     []OrderExpr
	Rows      bool // ROWS frame; otherwise RANGE (peers count as one)
	// Groups is a GROUPS frame: offsets count peer groups.
	Groups bool
	// Exclude leaves rows out of each row's frame (EXCLUDE CURRENT ROW,
	// GROUP or TIES).
	Exclude  FrameExclusion
	Start    int
	End      int
	StartOff int64
	EndOff   int64
	Result   types.T
	// Range holds a RANGE frame's offset bounds (nil for ROWS frames and
	// RANGE frames without offsets).
	Range *RangeBounds
}

// FrameExclusion is a frame's EXCLUDE clause.
type FrameExclusion uint8

// The frame exclusions.
const (
	ExcludeNoOthers FrameExclusion = iota
	ExcludeCurrentRow
	ExcludeGroup
	ExcludeTies
)

// RangeBounds are the expressions of a RANGE frame with offsets, whose
// single ORDER BY key bounds the frame by value: with ascending order the
// frame of a row whose key is k starts at the first row whose key is at
// least k - offset (PRECEDING) or k + offset (FOLLOWING), and ends at the
// last whose key is at most the end's bound; descending order mirrors it.
// A row whose key is NULL has its NULL peers as frame.
type RangeBounds struct {
	Key        BatchExpr // the ORDER BY key, in the type of the bounds
	Start, End BatchExpr // a row's bound (Key ∓ offset), nil when not an offset
	// StartOffset and EndOffset are the offsets themselves, which must not
	// be NULL or negative.
	StartOffset, EndOffset BatchExpr
}

// exprs lists r's expressions, nil where absent, in a fixed order.
func (r *RangeBounds) exprs() []BatchExpr {
	if r == nil {
		return nil
	}
	return []BatchExpr{r.Key, r.Start, r.End, r.StartOffset, r.EndOffset}
}

// Window appends one column per window function to its input's columns.
// It materializes the input; rows come out in input order.
type Window struct {
	in    Operator
	funcs []WindowFunc
	cols  []Column
	Div   func(a, b *apd.Decimal) (*apd.Decimal, error)

	done bool
	rows [][]types.Datum
	pos  int
	bld  *Builder
	out  arrow.RecordBatch
}

// NewWindow returns a window operator.
func NewWindow(in Operator, funcs []WindowFunc, div func(a, b *apd.Decimal) (*apd.Decimal, error)) *Window {
	cols := append([]Column(nil), in.Columns()...)
	for _, f := range funcs {
		cols = append(cols, Column{Name: f.Name, Type: f.Result})
	}
	return &Window{in: in, funcs: funcs, cols: cols, Div: div}
}

// Columns returns the input columns and the window results.
func (w *Window) Columns() []Column { return w.cols }

// values evaluates exprs over a batch into per-row Datums appended to dst;
// a nil expression's values are NULL.
func values(ctx context.Context, rec arrow.RecordBatch, exprs []BatchExpr, dst [][]types.Datum) ([][]types.Datum, error) {
	arrs := make([]arrow.Array, len(exprs))
	for i, e := range exprs {
		if e == nil {
			continue
		}
		a, err := e.EvalBatch(ctx, rec)
		if err != nil {
			return nil, err
		}
		arrs[i] = a
	}
	for r := 0; r < int(rec.NumRows()); r++ {
		row := make([]types.Datum, len(exprs))
		for i, a := range arrs {
			if a != nil {
				row[i] = Value(a, r, exprs[i].Type())
			}
		}
		dst = append(dst, row)
	}
	for _, a := range arrs {
		if a != nil {
			a.Release()
		}
	}
	return dst, nil
}

func (w *Window) load(ctx context.Context) error {
	in := w.in.Columns()
	type perFunc struct{ part, ord, args, rng [][]types.Datum }
	data := make([]perFunc, len(w.funcs))
	for {
		rec, err := w.in.Next(ctx)
		if err != nil {
			return err
		}
		if rec == nil {
			break
		}
		for r := 0; r < int(rec.NumRows()); r++ {
			row := make([]types.Datum, len(w.cols))
			for c := range in {
				row[c] = Value(rec.Column(c), r, in[c].Type)
			}
			if err := Charge(ctx, RowBytes(row)); err != nil {
				return err
			}
			w.rows = append(w.rows, row)
		}
		for i, f := range w.funcs {
			d := &data[i]
			if d.part, err = values(ctx, rec, f.Partition, d.part); err != nil {
				return err
			}
			ords := make([]BatchExpr, len(f.Order))
			for k, o := range f.Order {
				ords[k] = o.Expr
			}
			if d.ord, err = values(ctx, rec, ords, d.ord); err != nil {
				return err
			}
			if d.args, err = values(ctx, rec, f.Args, d.args); err != nil {
				return err
			}
			if d.rng, err = values(ctx, rec, f.Range.exprs(), d.rng); err != nil {
				return err
			}
		}
	}
	for i, f := range w.funcs {
		if err := w.compute(len(in)+i, f, data[i].part, data[i].ord, data[i].args, data[i].rng); err != nil {
			return err
		}
	}
	w.bld = NewBuilder(w.cols)
	return nil
}

// compute fills column col of every row with f's value.
func (w *Window) compute(col int, f WindowFunc, part, ord, args, rng [][]types.Datum) error {
	n := len(w.rows)
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	pcmp := make([]func(a, b types.Datum) int, len(f.Partition))
	for k, e := range f.Partition {
		pcmp[k], _ = types.CompareFunc(e.Type())
	}
	ocmp := make([]func(a, b types.Datum) int, len(f.Order))
	for k, o := range f.Order {
		ocmp[k], _ = types.CompareFunc(o.Expr.Type())
	}
	cmpNull := func(a, b types.Datum, c func(a, b types.Datum) int, nullsFirst bool) int {
		switch {
		case a == nil && b == nil:
			return 0
		case a == nil:
			if nullsFirst {
				return -1
			}
			return 1
		case b == nil:
			if nullsFirst {
				return 1
			}
			return -1
		}
		return c(a, b)
	}
	samePart := func(i, j int) bool {
		for k := range pcmp {
			if cmpNull(part[i][k], part[j][k], pcmp[k], false) != 0 {
				return false
			}
		}
		return true
	}
	ordCmp := func(i, j int) int {
		for k, o := range f.Order {
			c := cmpNull(ord[i][k], ord[j][k], ocmp[k], o.NullsFirst)
			if c != 0 {
				if o.Desc && !(ord[i][k] == nil || ord[j][k] == nil) {
					c = -c
				}
				return c
			}
		}
		return 0
	}
	sort.SliceStable(idx, func(a, b int) bool {
		i, j := idx[a], idx[b]
		for k := range pcmp {
			if c := cmpNull(part[i][k], part[j][k], pcmp[k], false); c != 0 {
				return c < 0
			}
		}
		return ordCmp(i, j) < 0
	})
	for start := 0; start < n; {
		end := start + 1
		for end < n && samePart(idx[start], idx[end]) {
			end++
		}
		if err := w.partition(col, f, idx[start:end], args, rng, ordCmp); err != nil {
			return err
		}
		start = end
	}
	return nil
}

// partition computes f over one partition, whose rows p are in window order.
func (w *Window) partition(col int, f WindowFunc, p []int, args, rng [][]types.Datum, ordCmp func(i, j int) int) error {
	n := len(p)
	// peer groups: rows with equal ORDER BY keys
	peerStart := make([]int, n)
	peerEnd := make([]int, n)
	for i := 0; i < n; {
		j := i + 1
		for j < n && ordCmp(p[i], p[j]) == 0 {
			j++
		}
		for k := i; k < j; k++ {
			peerStart[k], peerEnd[k] = i, j-1
		}
		i = j
	}
	set := func(i int, v types.Datum) { w.rows[p[i]][col] = v }
	arg := func(i, k int) types.Datum {
		if k < len(f.Args) {
			return args[p[i]][k]
		}
		return nil
	}
	switch f.Name {
	case "row_number":
		for i := range p {
			set(i, int64(i+1))
		}
		return nil
	case "rank":
		for i := range p {
			set(i, int64(peerStart[i]+1))
		}
		return nil
	case "dense_rank":
		rank := int64(0)
		for i := range p {
			if i == 0 || peerStart[i] == i {
				rank++
			}
			set(i, rank)
		}
		return nil
	case "percent_rank":
		for i := range p {
			if n == 1 {
				set(i, 0.0)
			} else {
				set(i, float64(peerStart[i])/float64(n-1))
			}
		}
		return nil
	case "cume_dist":
		for i := range p {
			set(i, float64(peerEnd[i]+1)/float64(n))
		}
		return nil
	case "ntile":
		for i := range p {
			b := arg(i, 0)
			if b == nil {
				set(i, nil)
				continue
			}
			buckets := b.(int64)
			if buckets <= 0 {
				return pgerr.New(pgerr.InvalidArgumentForNtile, "argument of ntile must be greater than zero")
			}
			per, extra := int64(n)/buckets, int64(n)%buckets
			// the first extra buckets have one row more
			pos := int64(i)
			var bucket int64
			if big := extra * (per + 1); pos < big {
				bucket = pos/(per+1) + 1
			} else {
				bucket = extra + (pos-big)/max(per, 1) + 1
			}
			set(i, bucket)
		}
		return nil
	case "lag", "lead":
		for i := range p {
			off := int64(1)
			if len(f.Args) > 1 {
				if o := arg(i, 1); o != nil {
					off = o.(int64)
				} else {
					set(i, nil)
					continue
				}
			}
			if f.Name == "lag" {
				off = -off
			}
			j := int64(i) + off
			if j < 0 || j >= int64(n) {
				set(i, arg(i, 2))
			} else {
				set(i, arg(int(j), 0))
			}
		}
		return nil
	}
	// Frame-based functions: first_value, last_value, nth_value, aggregates.
	var byValue *rangeFrames
	if f.Range != nil {
		var err error
		if byValue, err = newRangeFrames(f, p, rng, peerStart, peerEnd); err != nil {
			return err
		}
	}
	// GROUPS frames count peer groups: group g spans rows
	// [groupStart[g], peerEnd[groupStart[g]]].
	var groupOf, groupStart []int
	if f.Groups {
		groupOf = make([]int, n)
		for i := range n {
			if i == peerStart[i] {
				groupStart = append(groupStart, i)
			}
			groupOf[i] = len(groupStart) - 1
		}
	}
	// group returns the first or last row of the group off groups from
	// row i's, or the row past the partition's end (n or -1) when there
	// is no such group.
	group := func(i int, off int64, last bool) int {
		g := int64(groupOf[i]) + off
		switch {
		case g < 0:
			return -1
		case g >= int64(len(groupStart)):
			return n
		case last:
			return peerEnd[groupStart[g]]
		}
		return groupStart[g]
	}
	// bound is row i's frame start, or with end its end, for a bound of
	// kind with offset off; frame clamps both to the partition.
	bound := func(i, kind int, off int64, end bool) int {
		switch kind {
		case BoundCurrentRow:
			switch {
			case f.Rows:
				return i
			case end:
				return peerEnd[i]
			}
			return peerStart[i]
		case BoundPreceding, BoundFollowing:
			if kind == BoundPreceding {
				off = -off
			}
			switch {
			case byValue != nil && end:
				return byValue.end(i)
			case byValue != nil:
				return byValue.start(i)
			case f.Groups:
				return group(i, off, end)
			}
			return i + int(off)
		}
		if end {
			return n - 1 // UNBOUNDED FOLLOWING
		}
		return 0 // UNBOUNDED PRECEDING
	}
	frame := func(i int) (int, int) {
		return max(bound(i, f.Start, f.StartOff, false), 0), min(bound(i, f.End, f.EndOff, true), n-1)
	}
	// excluded reports whether row j is left out of row i's frame.
	excluded := func(i, j int) bool {
		switch f.Exclude {
		case ExcludeCurrentRow:
			return j == i
		case ExcludeGroup:
			return j >= peerStart[i] && j <= peerEnd[i]
		case ExcludeTies:
			return j != i && j >= peerStart[i] && j <= peerEnd[i]
		}
		return false
	}
	if f.Agg != nil {
		return w.aggregateFrames(f, len(p), frame, excluded, arg, set)
	}
	for i := range p {
		s, e := frame(i)
		switch f.Name {
		case "first_value":
			for s <= e && excluded(i, s) {
				s++
			}
			if s > e {
				set(i, nil)
			} else {
				set(i, arg(s, 0))
			}
		case "last_value":
			for e >= s && excluded(i, e) {
				e--
			}
			if s > e {
				set(i, nil)
			} else {
				set(i, arg(e, 0))
			}
		case "nth_value":
			k := arg(i, 1)
			if k == nil {
				set(i, nil)
				continue
			}
			if k.(int64) <= 0 {
				return pgerr.New(pgerr.InvalidArgumentForNthValue, "argument of nth_value must be greater than zero")
			}
			var v types.Datum
			for j, seen := s, int64(0); j <= e; j++ {
				if excluded(i, j) {
					continue
				}
				if seen++; seen == k.(int64) {
					v = arg(j, 0)
					break
				}
			}
			set(i, v)
		}
	}
	return nil
}

// aggregateFrames computes an aggregate over each of a partition's n rows'
// frames. Frames only move forward (their bounds are offsets from the row
// or its peers), so a frame that starts at the partition's first row
// grows: its aggregate adds the rows that enter and reads a running
// result, where the partition's whole frame is aggregated once. Other
// frames slide and are aggregated row by row; a row whose frame equals
// the row's before it (a peer, in RANGE mode) shares its result.
func (w *Window) aggregateFrames(f WindowFunc, n int, frame func(i int) (int, int), excluded func(i, j int) bool, arg func(i, k int) types.Datum, set func(i int, v types.Datum)) error {
	nargs := len(f.Args) // the aggregate's own, before its FILTER
	if f.Agg.Filter >= 0 {
		nargs = f.Agg.Filter
	}
	add := func(acc accumulator, j int) error {
		if f.Agg.Filter >= 0 {
			if ok, _ := arg(j, f.Agg.Filter).(bool); !ok {
				return nil
			}
		}
		var a0, a1 types.Datum
		if nargs > 0 {
			a0 = arg(j, 0)
		}
		if nargs > 1 {
			a1 = arg(j, 1)
		}
		return acc.add(a0, a1)
	}
	if f.Exclude != ExcludeNoOthers {
		// Frames with holes: each row's aggregated afresh.
		for i := range n {
			s, e := frame(i)
			acc := newAccumulator(*f.Agg)
			for j := s; j <= e; j++ {
				if excluded(i, j) {
					continue
				}
				if err := add(acc, j); err != nil {
					return err
				}
			}
			v, err := acc.result(w.Div)
			if err != nil {
				return err
			}
			set(i, v)
		}
		return nil
	}
	running := f.Start == BoundUnboundedPreceding && runningAggregate(*f.Agg)
	var acc accumulator
	added := 0 // rows [0, added) are in acc, when running
	prevS, prevE := -1, -2
	var prev types.Datum
	for i := range n {
		s, e := frame(i)
		if i > 0 && s == prevS && e == prevE {
			set(i, prev)
			continue
		}
		if !running || acc == nil {
			acc = newAccumulator(*f.Agg)
			added = s
		}
		for ; added <= e; added++ {
			if err := add(acc, added); err != nil {
				return err
			}
		}
		v, err := acc.result(w.Div)
		if err != nil {
			return err
		}
		if d, ok := v.(*apd.Decimal); ok && running {
			v = new(apd.Decimal).Set(d) // the sum goes on changing in place
		}
		set(i, v)
		prev, prevS, prevE = v, s, e
	}
	return nil
}

// rangeFrames finds the bounds of a partition's RANGE frames with
// offsets by binary search over its rows, which are sorted by the key.
type rangeFrames struct {
	key, bStart, bEnd []types.Datum // per partition row: its key and its frame's bounds
	cmp               func(a, b types.Datum) int
	desc              bool
	first, last       int // the rows whose key is not NULL: [first, last)
	peerStart         []int
	peerEnd           []int
}

func newRangeFrames(f WindowFunc, p []int, rng [][]types.Datum, peerStart, peerEnd []int) (*rangeFrames, error) {
	r := &rangeFrames{desc: f.Order[0].Desc, peerStart: peerStart, peerEnd: peerEnd}
	r.cmp, _ = types.CompareFunc(f.Range.Key.Type())
	n := len(p)
	r.key, r.bStart, r.bEnd = make([]types.Datum, n), make([]types.Datum, n), make([]types.Datum, n)
	for i, row := range p {
		v := rng[row]
		for k, what := range []string{"starting", "ending"} {
			if off := f.Range.exprs()[3+k]; off != nil {
				if err := checkFrameOffset(v[3+k], off.Type(), what); err != nil {
					return nil, err
				}
			}
		}
		r.key[i], r.bStart[i], r.bEnd[i] = v[0], v[1], v[2]
	}
	r.first, r.last = 0, n
	for r.first < n && r.key[r.first] == nil {
		r.first++
	}
	for r.last > r.first && r.key[r.last-1] == nil {
		r.last--
	}
	return r, nil
}

// checkFrameOffset fails for a NULL or negative frame offset.
func checkFrameOffset(v types.Datum, t types.T, what string) error {
	if v == nil {
		return pgerr.New(pgerr.NullValueNotAllowed, "frame %s offset must not be null", what)
	}
	negative := false
	switch x := v.(type) {
	case int64:
		negative = x < 0
	case float64:
		negative = x < 0 || math.IsNaN(x)
	case *apd.Decimal:
		negative = x.Negative || x.Form == apd.NaN
	case types.DInterval:
		cmp, _ := types.CompareFunc(t)
		negative = cmp(x, types.DInterval{}) < 0
	}
	if negative {
		return pgerr.New(pgerr.InvalidPrecedingOrFollowingSize, "invalid preceding or following size in window function")
	}
	return nil
}

// before reports whether key k comes before bound b in the window's order.
func (r *rangeFrames) before(k, b types.Datum) bool {
	c := r.cmp(k, b)
	if r.desc {
		return c > 0
	}
	return c < 0
}

// start is the first row of row i's frame.
func (r *rangeFrames) start(i int) int {
	if r.key[i] == nil {
		return r.peerStart[i]
	}
	b := r.bStart[i]
	return r.first + sort.Search(r.last-r.first, func(j int) bool { return !r.before(r.key[r.first+j], b) })
}

// end is the last row of row i's frame.
func (r *rangeFrames) end(i int) int {
	if r.key[i] == nil {
		return r.peerEnd[i]
	}
	b := r.bEnd[i]
	return r.first + sort.Search(r.last-r.first, func(j int) bool { return r.before(b, r.key[r.first+j]) }) - 1
}

// runningAggregate reports whether an aggregate's accumulator can go on
// adding rows after its result is read, as a growing frame needs.
func runningAggregate(s AggSpec) bool {
	if s.Distinct || s.HasOrder {
		return false
	}
	switch s.Func {
	case AggCount, AggCountStar, AggSum, AggAvg, AggMin, AggMax, AggVarSamp, AggVarPop,
		AggStddevSamp, AggStddevPop, AggBoolAnd, AggBoolOr, AggStringAgg:
		return true
	}
	return false
}

// Next returns the next batch of rows with their window values.
func (w *Window) Next(ctx context.Context) (arrow.RecordBatch, error) {
	if w.out != nil {
		w.out.Release()
		w.out = nil
	}
	if !w.done {
		w.done = true
		if err := w.load(ctx); err != nil {
			return nil, err
		}
	}
	if w.pos >= len(w.rows) {
		return nil, nil
	}
	end := min(w.pos+BatchRows, len(w.rows))
	for _, r := range w.rows[w.pos:end] {
		if err := w.bld.Add(r); err != nil {
			return nil, err
		}
	}
	w.pos = end
	w.out = w.bld.Batch()
	return w.out, nil
}

// Close releases the window operator.
func (w *Window) Close() {
	if w.out != nil {
		w.out.Release()
	}
	if w.bld != nil {
		w.bld.Release()
	}
	w.rows = nil
	w.in.Close()
}
