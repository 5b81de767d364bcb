package planner

import (
	"strings"

	pg_query "github.com/pganalyze/pg_query_go/v6"
	"google.golang.org/protobuf/proto"

	"github.com/lattice-olap/lattice/exec"
	"github.com/lattice-olap/lattice/pgerr"
	"github.com/lattice-olap/lattice/types"
)

// Window functions: each call is bound in the query block's scope (after
// grouping, if any) and computed by a Window operator that appends its
// result to the rows before the final projection.

// winScope collects a query block's window calls.
type winScope struct {
	named map[string]*pg_query.WindowDef // WINDOW w AS (...)
	calls []winCall
	refs  []*colRef // result references, indexed once the input width is known
}

type winCall struct {
	fn exec.WindowFunc
	// rng holds a RANGE frame's offset bounds, in exec.RangeBounds' order:
	// key, start bound, end bound, start offset, end offset (nil: none).
	rng       []Expr
	args      []Expr
	partition []Expr
	order     []Expr
	desc      []bool
	nulls     []bool
}

func (b *binder) windowCall(fc *pg_query.FuncCall) (Expr, error) {
	ws := b.win
	if ws == nil {
		return nil, b.errorf(fc.Location, pgerr.WindowingError, "window functions are not allowed here")
	}
	name := strings.ToLower(opName(fc.Funcname))
	b.win = nil
	defer func() { b.win = ws }()
	def := fc.Over
	// OVER w names a window of the WINDOW clause; OVER (w ORDER BY ...)
	// refines one.
	if ref := def.Name + def.Refname; ref != "" {
		named, ok := ws.named[ref]
		if !ok {
			return nil, b.errorf(def.Location, pgerr.UndefinedObject, "window %q does not exist", ref)
		}
		if def.Name != "" {
			def = named
		} else {
			merged := proto.Clone(named).(*pg_query.WindowDef)
			if len(def.OrderClause) > 0 {
				merged.OrderClause = def.OrderClause
			}
			if def.FrameOptions&1 != 0 {
				merged.FrameOptions, merged.StartOffset, merged.EndOffset = def.FrameOptions, def.StartOffset, def.EndOffset
			}
			def = merged
		}
	}
	var call winCall
	var args, raw []Expr // raw keeps untyped literals (NULL, '...') untyped
	for _, a := range fc.Args {
		e, err := b.expr(a)
		if err != nil {
			return nil, err
		}
		raw = append(raw, e)
		args = append(args, b.defaultUnknown(e))
	}
	for _, p := range def.PartitionClause {
		e, err := b.expr(p)
		if err != nil {
			return nil, err
		}
		call.partition = append(call.partition, b.defaultUnknown(e))
	}
	for _, o := range def.OrderClause {
		sb := o.GetSortBy()
		e, err := b.expr(sb.Node)
		if err != nil {
			return nil, err
		}
		desc, nf, err := sortDirection(sb)
		if err != nil {
			return nil, err
		}
		call.order = append(call.order, b.defaultUnknown(e))
		call.desc = append(call.desc, desc)
		call.nulls = append(call.nulls, nf)
	}
	if fc.AggFilter != nil && !isAggregate(name) && !fc.AggStar {
		return nil, b.errorf(fc.Location, pgerr.FeatureNotSupported, "FILTER is not implemented for non-aggregate window functions")
	}
	f := &call.fn
	f.Name = name
	if err := b.frame(def, &call); err != nil {
		return nil, err
	}
	argType := func(i int) types.T {
		if i < len(args) {
			return args[i].Type()
		}
		return types.Unknown
	}
	switch name {
	case "row_number", "rank", "dense_rank", "percent_rank", "cume_dist":
		if len(args) == 0 {
			break
		}
		if name == "row_number" {
			return nil, wrongArgs(name, args, fc.Location, b)
		}
		// With arguments, these are PostgreSQL's hypothetical-set
		// aggregates: rank(x) WITHIN GROUP (ORDER BY ...).
		return nil, b.errorf(fc.Location, pgerr.WrongObjectType, "WITHIN GROUP is required for ordered-set aggregate %s", name)
	}
	switch name {
	case "row_number", "rank", "dense_rank":
		f.Result = types.Int8
	case "percent_rank", "cume_dist":
		f.Result = types.Float8
	case "ntile":
		if len(args) != 1 {
			return nil, b.errorf(fc.Location, pgerr.UndefinedFunction, "function ntile requires one argument")
		}
		var err error
		if args[0], err = b.coerce(raw[0], types.Int4, fc.Location); err != nil {
			return nil, err
		}
		f.Result = types.Int4
	case "lag", "lead":
		if len(args) < 1 || len(args) > 3 {
			return nil, b.errorf(fc.Location, pgerr.UndefinedFunction, "function %s requires one to three arguments", name)
		}
		var err error
		if len(args) > 1 {
			if args[1], err = b.coerce(raw[1], types.Int4, fc.Location); err != nil {
				return nil, err
			}
		}
		if len(args) > 2 {
			// lag/lead(anycompatible, int, anycompatible): value and
			// default meet at their common type; an untyped default
			// takes the value's.
			t := args[0].Type()
			if args[2] = raw[2]; args[2].Type().Oid != types.OidUnknown {
				ct, ok := commonType(t, args[2].Type())
				if !ok {
					return nil, b.errorf(fc.Location, pgerr.DatatypeMismatch, "%s types %s and %s cannot be matched", name, t, args[2].Type())
				}
				t = ct
			}
			if args[0], err = b.coerce(args[0], t, fc.Location); err != nil {
				return nil, err
			}
			if args[2], err = b.coerce(args[2], t, fc.Location); err != nil {
				return nil, err
			}
			// The result is of the common type, without the value's
			// typmod when the default has another: lag(n, 1, 0) over a
			// numeric(10,2) gives 0 for the default, not 0.00.
			f.Result = t
			break
		}
		f.Result = argType(0)
	case "first_value", "last_value", "nth_value":
		if len(args) < 1 {
			return nil, b.errorf(fc.Location, pgerr.UndefinedFunction, "function %s requires an argument", name)
		}
		if name == "nth_value" {
			var err error
			if len(args) != 2 {
				return nil, b.errorf(fc.Location, pgerr.UndefinedFunction, "function nth_value requires two arguments")
			}
			if args[1], err = b.coerce(args[1], types.Int4, fc.Location); err != nil {
				return nil, err
			}
		}
		f.Result = argType(0)
	default:
		if !isAggregate(name) && !fc.AggStar {
			return nil, b.errorf(fc.Location, pgerr.WrongObjectType, "function %s is not a window function nor an aggregate", name)
		}
		if fc.AggDistinct {
			return nil, b.errorf(fc.Location, pgerr.FeatureNotSupported, "DISTINCT is not implemented for window functions")
		}
		if fc.AggWithinGroup || name == "percentile_cont" || name == "percentile_disc" || name == "mode" {
			return nil, b.errorf(fc.Location, pgerr.FeatureNotSupported, "OVER is not supported for ordered-set aggregate %s", name)
		}
		if len(fc.AggOrder) > 0 {
			return nil, b.errorf(fc.Location, pgerr.FeatureNotSupported, "aggregate ORDER BY is not implemented for window functions")
		}
		var ac aggCall
		if err := b.aggSpec(fc, name, args, &ac); err != nil {
			return nil, err
		}
		spec := ac.spec
		spec.Arg, spec.Arg2, spec.Filter = 0, -1, -1
		if ac.arg2 != nil {
			args = []Expr{ac.arg, ac.arg2}
		} else if ac.arg != nil {
			args = []Expr{ac.arg}
		} else {
			args = nil
		}
		if fc.AggFilter != nil {
			// FILTER (WHERE cond) goes last among the arguments: the
			// frame's rows where it is not true are left out.
			cond, err := b.expr(fc.AggFilter)
			if err != nil {
				return nil, err
			}
			if cond, err = b.coerce(cond, types.Bool, fc.Location); err != nil {
				return nil, err
			}
			spec.Filter = len(args)
			args = append(args, cond)
		}
		f.Agg = &spec
		f.Name = "aggregate"
		f.Result = spec.Result
	}
	call.args = args
	ws.calls = append(ws.calls, call)
	ref := &colRef{idx: -1, typ: f.Result}
	ws.refs = append(ws.refs, ref)
	return ref, nil
}

// A WindowDef's FrameOptions bits, as PostgreSQL's FRAMEOPTION_*.
const (
	frameNondefault      = 0x00001
	frameRows            = 0x00004
	frameGroups          = 0x00008
	frameStartUnbounded  = 0x00020
	frameEndUnboundedFol = 0x00100
	frameStartCurrent    = 0x00200
	frameEndCurrent      = 0x00400
	frameStartPreceding  = 0x00800
	frameEndPreceding    = 0x01000
	frameStartFollowing  = 0x02000
	frameEndFollowing    = 0x04000
	frameExcludeCurrent  = 0x08000
	frameExcludeGroup    = 0x10000
	frameExcludeTies     = 0x20000
	frameOffsets         = frameStartPreceding | frameStartFollowing | frameEndPreceding | frameEndFollowing
)

// frame reads a window's frame clause.
func (b *binder) frame(def *pg_query.WindowDef, call *winCall) error {
	f := &call.fn
	opt := def.FrameOptions
	f.Start, f.End = exec.BoundUnboundedPreceding, exec.BoundCurrentRow
	if len(def.OrderClause) == 0 {
		f.End = exec.BoundUnboundedFollowing // no ORDER BY: every row is a peer
	}
	if opt&frameNondefault == 0 {
		return nil
	}
	switch {
	case opt&frameExcludeCurrent != 0:
		f.Exclude = exec.ExcludeCurrentRow
	case opt&frameExcludeGroup != 0:
		f.Exclude = exec.ExcludeGroup
	case opt&frameExcludeTies != 0:
		f.Exclude = exec.ExcludeTies
	}
	f.Rows = opt&frameRows != 0
	f.Groups = opt&frameGroups != 0
	if f.Groups && len(call.order) == 0 {
		return b.errorf(def.Location, pgerr.WindowingError, "GROUPS mode requires an ORDER BY clause")
	}
	if !f.Rows && !f.Groups && opt&frameOffsets != 0 {
		return b.rangeOffsets(def, call)
	}
	offset := func(n *pg_query.Node, what string) (int64, error) {
		c := n.GetAConst()
		if c == nil || c.GetIval() == nil {
			return 0, pgerr.New(pgerr.FeatureNotSupported, "frame offsets must be integer constants")
		}
		if c.GetIval().Ival < 0 {
			return 0, pgerr.New(pgerr.InvalidPrecedingOrFollowingSize, "frame %s offset must not be negative", what)
		}
		return int64(c.GetIval().Ival), nil
	}
	var err error
	switch {
	case opt&frameStartUnbounded != 0:
		f.Start = exec.BoundUnboundedPreceding
	case opt&frameStartCurrent != 0:
		f.Start = exec.BoundCurrentRow
	case opt&frameStartPreceding != 0:
		f.Start = exec.BoundPreceding
		f.StartOff, err = offset(def.StartOffset, "starting")
	case opt&frameStartFollowing != 0:
		f.Start = exec.BoundFollowing
		f.StartOff, err = offset(def.StartOffset, "starting")
	}
	if err != nil {
		return err
	}
	switch {
	case opt&frameEndUnboundedFol != 0:
		f.End = exec.BoundUnboundedFollowing
	case opt&frameEndCurrent != 0:
		f.End = exec.BoundCurrentRow
	case opt&frameEndPreceding != 0:
		f.End = exec.BoundPreceding
		f.EndOff, err = offset(def.EndOffset, "ending")
	case opt&frameEndFollowing != 0:
		f.End = exec.BoundFollowing
		f.EndOff, err = offset(def.EndOffset, "ending")
	default:
		f.End = exec.BoundCurrentRow // "ROWS n PRECEDING" alone ends at the current row
	}
	return err
}

// rangeOffsets binds a RANGE frame with an offset bound: each row's bound
// is its ORDER BY key minus or plus the offset, computed in a type where
// that cannot overflow (numeric for integers, timestamp for dates), as
// PostgreSQL's in_range functions compare.
func (b *binder) rangeOffsets(def *pg_query.WindowDef, call *winCall) error {
	if len(call.order) != 1 {
		return b.errorf(def.Location, pgerr.WindowingError, "RANGE with offset PRECEDING/FOLLOWING requires exactly one ORDER BY column")
	}
	key := call.order[0]
	kt := key.Type()
	var boundType, offType types.T
	switch kt.Family() {
	case types.IntFamily, types.NumericFamily:
		boundType, offType = types.Numeric, types.Numeric
	case types.FloatFamily:
		boundType, offType = types.Float8, types.Float8
	case types.DateFamily:
		boundType, offType = types.Timestamp, types.Interval
	case types.TimestampFamily:
		boundType, offType = kt, types.Interval
	case types.IntervalFamily:
		boundType, offType = types.Interval, types.Interval
	default:
		return b.errorf(def.Location, pgerr.FeatureNotSupported, "RANGE with offset PRECEDING/FOLLOWING is not supported for column type %s", kt)
	}
	if kt.Oid == types.OidFloat4 {
		boundType = types.Float8
	}
	rng := make([]Expr, 5)
	k, err := b.cast(key, boundType, def.Location, true)
	if err != nil {
		return err
	}
	rng[0] = k
	bound := func(n *pg_query.Node, preceding bool) (Expr, Expr, error) {
		off, err := b.expr(n)
		if err != nil {
			return nil, nil, err
		}
		ot := off.Type()
		ok := ot.Oid == types.OidUnknown
		switch kt.Family() {
		case types.IntFamily:
			ok = ok || ot.Family() == types.IntFamily
		case types.NumericFamily:
			ok = ok || ot.Family() == types.IntFamily || ot.Family() == types.NumericFamily
		case types.FloatFamily:
			ok = ok || ot.Family() == types.IntFamily || ot.Family() == types.NumericFamily || ot.Family() == types.FloatFamily
		default:
			ok = ok || ot.Family() == types.IntervalFamily
		}
		if !ok {
			return nil, nil, b.errorf(def.Location, pgerr.FeatureNotSupported, "RANGE with offset PRECEDING/FOLLOWING is not supported for column type %s and offset type %s", kt, ot)
		}
		if off, err = b.cast(off, offType, def.Location, false); err != nil {
			return nil, nil, err
		}
		op := "+"
		if preceding != call.desc[0] {
			op = "-"
		}
		e, err := b.binaryOpExprs(op, k, off, def.Location)
		if err != nil {
			return nil, nil, err
		}
		return e, off, nil
	}
	f := &call.fn
	opt := def.FrameOptions
	startPreceding, endPreceding := opt&frameStartPreceding != 0, opt&frameEndPreceding != 0
	switch {
	case opt&frameStartUnbounded != 0:
		f.Start = exec.BoundUnboundedPreceding
	case opt&frameStartCurrent != 0:
		f.Start = exec.BoundCurrentRow
	case opt&(frameStartPreceding|frameStartFollowing) != 0:
		f.Start = exec.BoundFollowing
		if startPreceding {
			f.Start = exec.BoundPreceding
		}
		if rng[1], rng[3], err = bound(def.StartOffset, startPreceding); err != nil {
			return err
		}
	}
	switch {
	case opt&frameEndUnboundedFol != 0:
		f.End = exec.BoundUnboundedFollowing
	case opt&(frameEndPreceding|frameEndFollowing) != 0:
		f.End = exec.BoundFollowing
		if endPreceding {
			f.End = exec.BoundPreceding
		}
		if rng[2], rng[4], err = bound(def.EndOffset, endPreceding); err != nil {
			return err
		}
	default:
		f.End = exec.BoundCurrentRow
	}
	call.rng = rng
	return nil
}

// windowOperator builds the Window operator for the block's calls.
func (ws *winScope) operator(in exec.Operator, ec *evalCtx) exec.Operator {
	funcs := make([]exec.WindowFunc, len(ws.calls))
	for i, c := range ws.calls {
		f := c.fn
		for _, a := range c.args {
			f.Args = append(f.Args, batchExpr{a, ec})
		}
		for _, p := range c.partition {
			f.Partition = append(f.Partition, batchExpr{p, ec})
		}
		for k, o := range c.order {
			f.Order = append(f.Order, exec.OrderExpr{Expr: batchExpr{o, ec}, Desc: c.desc[k], NullsFirst: c.nulls[k]})
		}
		if c.rng != nil {
			be := make([]exec.BatchExpr, len(c.rng))
			for k, x := range c.rng {
				if x != nil {
					be[k] = batchExpr{x, ec}
				}
			}
			f.Range = &exec.RangeBounds{Key: be[0], Start: be[1], End: be[2], StartOffset: be[3], EndOffset: be[4]}
		}
		funcs[i] = f
	}
	return exec.NewWindow(in, funcs, numericDivide)
}
