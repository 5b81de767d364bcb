package planner

// Mathematical functions, and the overload resolution that every file of
// built-ins registering several signatures under one name shares.
//
// The float8 transcendental functions call the C library's libm, as
// PostgreSQL does: Go's math package differs from glibc in the last bit for
// 10-50% of inputs (sin, exp, cbrt, ...), and float8 output shows every bit.

/*
#cgo LDFLAGS: -lm
#include <math.h>
*/
import "C"

import (
	"math"
	"math/big"
	"math/rand/v2"
	"strings"

	"github.com/cockroachdb/apd/v3"

	"github.com/lattice-olap/lattice/pgerr"
	"github.com/lattice-olap/lattice/types"
)

// fnSig is one signature of an overloaded built-in function.
type fnSig struct {
	params []types.T
	ret    types.T
	fn     evalFn
	// name is the bound funcExpr's name when it is not the function's: it
	// tells fold.go that this overload is stable while others are immutable.
	name string
}

func sig(ret types.T, fn evalFn, params ...types.T) fnSig {
	return fnSig{params: params, ret: ret, fn: fn}
}

// stableSig is sig for an overload that depends on the session (TimeZone),
// bound under the name fold.go knows as stable.
func stableSig(name string, ret types.T, fn evalFn, params ...types.T) fnSig {
	return fnSig{params: params, ret: ret, fn: fn, name: name}
}

// overloaded is a strict function with several signatures, chosen among as
// PostgreSQL's func_select_candidate chooses.
func overloaded(name string, sigs ...fnSig) builtin {
	return func(b *binder, args []Expr, loc int32) (Expr, error) {
		s, err := b.pickSig(name, args, sigs, loc)
		if err != nil {
			return nil, err
		}
		return b.bindSig(name, s, args, loc)
	}
}

func (b *binder) bindSig(name string, s *fnSig, args []Expr, loc int32) (Expr, error) {
	coerced := make([]Expr, len(args))
	for i, a := range args {
		var err error
		if coerced[i], err = b.coerce(a, s.params[i], loc); err != nil {
			return nil, err
		}
	}
	if s.name != "" {
		name = s.name
	}
	return &funcExpr{name: name, args: coerced, typ: s.ret, strict: true, fn: s.fn}, nil
}

// OIDs of types Lattice lacks but whose overloads shape resolution.
const (
	oidMacaddr  types.Oid = 829
	oidMacaddr8 types.Oid = 774
	oidXid      types.Oid = 28
)

// phantomSig is a signature over a type Lattice does not have, kept so that
// a call with an untyped argument is as ambiguous as in PostgreSQL
// (trunc('1.5') matches trunc(macaddr) too). No typed argument reaches it.
func phantomSig(oid types.Oid) fnSig {
	return fnSig{params: []types.T{{Oid: oid, Typmod: -1}}, ret: types.Text, fn: func(*evalCtx, []types.Datum) (types.Datum, error) {
		return nil, pgerr.New(pgerr.FeatureNotSupported, "type %d is not supported", oid)
	}}
}

// typeCategory returns pg_type.typcategory and typispreferred.
func typeCategory(t types.T) (byte, bool) {
	switch t.Oid {
	case types.OidBool:
		return 'B', true
	case types.OidInt2, types.OidInt4, types.OidInt8, types.OidNumeric, types.OidFloat4, types.OidOid:
		return 'N', false
	case types.OidFloat8:
		return 'N', true
	case types.OidText:
		return 'S', true
	case types.OidVarchar, types.OidBpchar, types.OidName:
		return 'S', false
	case types.OidDate, types.OidTimestamp:
		return 'D', false
	case types.OidTimestampTZ:
		return 'D', true
	case types.OidInterval:
		return 'T', true
	case types.OidUnknown:
		return 'X', false
	case types.OidVoid:
		return 'P', false
	}
	return 'U', false
}

// implicitCast reports whether pg_cast has an implicit (or binary
// coercible) cast from one type to the other, for overload resolution.
func implicitCast(from, to types.T) bool {
	if from.Oid == to.Oid || from.Oid == types.OidUnknown {
		return true
	}
	oneOf := func(oids ...types.Oid) bool {
		for _, o := range oids {
			if to.Oid == o {
				return true
			}
		}
		return false
	}
	switch from.Oid {
	case types.OidInt2:
		return oneOf(types.OidInt4, types.OidInt8, types.OidFloat4, types.OidFloat8, types.OidNumeric)
	case types.OidInt4:
		return oneOf(types.OidInt8, types.OidFloat4, types.OidFloat8, types.OidNumeric)
	case types.OidInt8:
		return oneOf(types.OidFloat4, types.OidFloat8, types.OidNumeric)
	case types.OidNumeric:
		return oneOf(types.OidFloat4, types.OidFloat8)
	case types.OidFloat4:
		return oneOf(types.OidFloat8)
	case types.OidText, types.OidVarchar, types.OidBpchar:
		return oneOf(types.OidText, types.OidVarchar, types.OidBpchar, types.OidName)
	case types.OidName:
		return oneOf(types.OidText)
	case types.OidDate:
		return oneOf(types.OidTimestamp, types.OidTimestampTZ)
	case types.OidTimestamp:
		return oneOf(types.OidTimestampTZ)
	}
	return false
}

// pickSig resolves a call among sigs: func_get_detail's exact match, then
// the candidates every argument converts to implicitly, then
// func_select_candidate's heuristics.
func (b *binder) pickSig(name string, args []Expr, sigs []fnSig, loc int32) (*fnSig, error) {
	in := make([]types.T, len(args))
	for i, a := range args {
		in[i] = a.Type()
	}
	var cands []*fnSig
	for i := range sigs {
		s := &sigs[i]
		if len(s.params) != len(in) {
			continue
		}
		exact, ok := true, true
		for j, t := range in {
			exact = exact && t.Oid == s.params[j].Oid
			ok = ok && implicitCast(t, s.params[j])
		}
		if exact {
			return s, nil
		}
		if ok {
			cands = append(cands, s)
		}
	}
	switch len(cands) {
	case 0:
		return nil, wrongArgs(name, args, loc, b)
	case 1:
		return cands[0], nil
	}
	if s := selectCandidate(in, cands); s != nil {
		return s, nil
	}
	return nil, b.errorf(loc, pgerr.AmbiguousFunction, "function %s(%s) is not unique", name, typeList(in)).
		WithHint("Could not choose a best candidate function. You might need to add explicit type casts.")
}

func typeList(ts []types.T) string {
	parts := make([]string, len(ts))
	for i, t := range ts {
		parts[i] = t.String()
	}
	return strings.Join(parts, ", ")
}

// selectCandidate is func_select_candidate: keep the candidates with the
// most exact matches, then the most preferred types, then resolve unknown
// arguments by type category; nil when no single candidate remains.
func selectCandidate(in []types.T, cands []*fnSig) *fnSig {
	keepBest := func(score func(*fnSig) int) {
		best, kept := -1, cands[:0:0]
		for _, c := range cands {
			switch n := score(c); {
			case n > best:
				best, kept = n, []*fnSig{c}
			case n == best:
				kept = append(kept, c)
			}
		}
		cands = kept
	}
	unknowns := 0
	for _, t := range in {
		if t.Oid == types.OidUnknown {
			unknowns++
		}
	}
	keepBest(func(c *fnSig) int {
		n := 0
		for i, t := range in {
			if t.Oid != types.OidUnknown && c.params[i].Oid == t.Oid {
				n++
			}
		}
		return n
	})
	if len(cands) == 1 {
		return cands[0]
	}
	keepBest(func(c *fnSig) int {
		n := 0
		for i, t := range in {
			if t.Oid == types.OidUnknown {
				continue
			}
			cat, _ := typeCategory(t)
			pcat, pref := typeCategory(c.params[i])
			if c.params[i].Oid == t.Oid || (pref && pcat == cat) {
				n++
			}
		}
		return n
	})
	if len(cands) == 1 {
		return cands[0]
	}
	if unknowns == 0 {
		return nil
	}
	// Each unknown argument takes the string category if any candidate
	// accepts it there, else the one category all candidates accept.
	resolved := true
	slotCat := make([]byte, len(in))
	slotPref := make([]bool, len(in))
	for i, t := range in {
		if t.Oid != types.OidUnknown {
			continue
		}
		conflict := false
		for _, c := range cands {
			cat, pref := typeCategory(c.params[i])
			switch {
			case slotCat[i] == 0:
				slotCat[i], slotPref[i] = cat, pref
			case cat == slotCat[i]:
				slotPref[i] = slotPref[i] || pref
			case cat == 'S':
				slotCat[i], slotPref[i] = cat, pref
			default:
				conflict = true
			}
		}
		if conflict && slotCat[i] != 'S' {
			resolved = false
			break
		}
	}
	if resolved {
		var kept []*fnSig
		for _, c := range cands {
			keep := true
			for i, t := range in {
				if t.Oid != types.OidUnknown {
					continue
				}
				cat, pref := typeCategory(c.params[i])
				if cat != slotCat[i] || (slotPref[i] && !pref) {
					keep = false
					break
				}
			}
			if keep {
				kept = append(kept, c)
			}
		}
		if len(kept) > 0 {
			cands = kept
		}
		if len(cands) == 1 {
			return cands[0]
		}
	}
	// Last: when every known argument has the same type, try that type for
	// the unknown ones too.
	if unknowns < len(in) {
		var known types.T
		for _, t := range in {
			switch {
			case t.Oid == types.OidUnknown:
			case known.Oid == 0:
				known = t
			case known.Oid != t.Oid:
				return nil
			}
		}
		var match *fnSig
		for _, c := range cands {
			ok := true
			for i := range in {
				ok = ok && implicitCast(known, c.params[i])
			}
			if ok {
				if match != nil {
					return nil
				}
				match = c
			}
		}
		return match
	}
	return nil
}

func registerBuiltins(fns map[string]builtin) {
	// funcs.go's init, which makes the map, runs first: the go command
	// initializes a package's files in file name order.
	for name, fn := range fns {
		builtins[name] = fn
	}
}

func init() {
	f8 := types.Float8
	num := types.Numeric
	i4, i8 := types.Int4, types.Int8
	registerBuiltins(map[string]builtin{
		"floor":   overloaded("floor", sig(f8, float1(math.Floor), f8), sig(num, numericToIntegral(false), num)),
		"ceil":    overloaded("ceil", sig(f8, float1(math.Ceil), f8), sig(num, numericToIntegral(true), num)),
		"ceiling": overloaded("ceiling", sig(f8, float1(math.Ceil), f8), sig(num, numericToIntegral(true), num)),
		"round": overloaded("round",
			sig(f8, float1(math.RoundToEven), f8),
			sig(num, numericRound(apd.RoundHalfUp), num),
			sig(num, numericRound(apd.RoundHalfUp), num, i4)),
		"trunc": overloaded("trunc",
			phantomSig(oidMacaddr), phantomSig(oidMacaddr8),
			sig(f8, float1(math.Trunc), f8),
			sig(num, numericRound(apd.RoundDown), num),
			sig(num, numericRound(apd.RoundDown), num, i4)),
		"sign": overloaded("sign", sig(f8, float1(floatSign), f8), sig(num, numericSign, num)),
		"sqrt": overloaded("sqrt", sig(f8, floatSqrt, f8), sig(num, numericSqrt, num)),
		"cbrt": overloaded("cbrt", sig(f8, floatCbrt, f8)),
		"exp":  overloaded("exp", sig(f8, floatExp, f8), sig(num, numericExp, num)),
		"ln":   overloaded("ln", sig(f8, floatLog(func(x float64) float64 { return float64(C.log(C.double(x))) }), f8), sig(num, numericLn, num)),
		"log": overloaded("log",
			sig(f8, floatLog(func(x float64) float64 { return float64(C.log10(C.double(x))) }), f8),
			sig(num, numericLog10, num),
			sig(num, numericLog, num, num)),
		"log10": overloaded("log10",
			sig(f8, floatLog(func(x float64) float64 { return float64(C.log10(C.double(x))) }), f8),
			sig(num, numericLog10, num)),
		"power": overloaded("power", sig(f8, floatPower, f8, f8), sig(num, numericPower, num, num)),
		"pow":   overloaded("pow", sig(f8, floatPower, f8, f8), sig(num, numericPower, num, num)),
		"pi":    overloaded("pi", sig(f8, func(*evalCtx, []types.Datum) (types.Datum, error) { return math.Pi, nil })),
		"degrees": overloaded("degrees", sig(f8, func(_ *evalCtx, v []types.Datum) (types.Datum, error) {
			x := v[0].(float64)
			return checkFloatRange(x/radiansPerDegree, x)
		}, f8)),
		"radians": overloaded("radians", sig(f8, func(_ *evalCtx, v []types.Datum) (types.Datum, error) {
			x := v[0].(float64)
			return checkFloatRange(x*radiansPerDegree, x)
		}, f8)),
		"sin":        overloaded("sin", sig(f8, floatTrig(func(x C.double) C.double { return C.sin(x) }, false), f8)),
		"cos":        overloaded("cos", sig(f8, floatTrig(func(x C.double) C.double { return C.cos(x) }, false), f8)),
		"tan":        overloaded("tan", sig(f8, floatTrig(func(x C.double) C.double { return C.tan(x) }, true), f8)),
		"cot":        overloaded("cot", sig(f8, floatCot, f8)),
		"asin":       overloaded("asin", sig(f8, floatArc(func(x float64) float64 { return float64(C.asin(C.double(x))) }), f8)),
		"acos":       overloaded("acos", sig(f8, floatArc(func(x float64) float64 { return float64(C.acos(C.double(x))) }), f8)),
		"atan":       overloaded("atan", sig(f8, floatAtan, f8)),
		"atan2":      overloaded("atan2", sig(f8, floatAtan2, f8, f8)),
		"sinh":       overloaded("sinh", sig(f8, floatSinh, f8)),
		"cosh":       overloaded("cosh", sig(f8, floatCosh, f8)),
		"tanh":       overloaded("tanh", sig(f8, float1(func(x float64) float64 { return float64(C.tanh(C.double(x))) }), f8)),
		"asinh":      overloaded("asinh", sig(f8, float1(func(x float64) float64 { return float64(C.asinh(C.double(x))) }), f8)),
		"acosh":      overloaded("acosh", sig(f8, floatAcosh, f8)),
		"atanh":      overloaded("atanh", sig(f8, floatAtanh, f8)),
		"gcd":        overloaded("gcd", sig(i4, intGCD(i4), i4, i4), sig(i8, intGCD(i8), i8, i8), sig(num, numericGCD, num, num)),
		"lcm":        overloaded("lcm", sig(i4, intLCM(i4), i4, i4), sig(i8, intLCM(i8), i8, i8), sig(num, numericLCM, num, num)),
		"div":        overloaded("div", sig(num, numericDivTrunc, num, num)),
		"scale":      overloaded("scale", sig(i4, numericScale, num)),
		"min_scale":  overloaded("min_scale", sig(i4, numericMinScale, num)),
		"trim_scale": overloaded("trim_scale", sig(num, numericTrimScale, num)),
		"factorial":  overloaded("factorial", sig(num, numericFactorial, i8)),
		"random":     overloaded("random", fnSig{ret: f8, name: "random", fn: func(*evalCtx, []types.Datum) (types.Datum, error) { return rand.Float64(), nil }}),
		"width_bucket": overloaded("width_bucket",
			sig(i4, widthBucketFloat, f8, f8, f8, i4),
			sig(i4, widthBucketNumeric, num, num, num, i4)),
	})
}

// radiansPerDegree is PostgreSQL's RADIANS_PER_DEGREE.
const radiansPerDegree = 0.0174532925199432957692

func float1(f func(float64) float64) evalFn {
	return func(_ *evalCtx, v []types.Datum) (types.Datum, error) { return f(v[0].(float64)), nil }
}

func floatUnderflow() error {
	return pgerr.New(pgerr.NumericValueOutOfRange, "value out of range: underflow")
}

func inputOutOfRange() error {
	return pgerr.New(pgerr.NumericValueOutOfRange, "input is out of range")
}

// checkFloatRange is float8's check for a result r of argument x: infinity
// from a finite argument overflowed, zero from a non-zero one underflowed.
func checkFloatRange(r, x float64) (types.Datum, error) {
	if math.IsInf(r, 0) && !math.IsInf(x, 0) {
		return nil, floatOverflow()
	}
	if r == 0 && x != 0 {
		return nil, floatUnderflow()
	}
	return r, nil
}

func floatSign(x float64) float64 {
	switch {
	case x > 0:
		return 1
	case x < 0:
		return -1
	}
	return 0
}

func floatSqrt(_ *evalCtx, v []types.Datum) (types.Datum, error) {
	x := v[0].(float64)
	if x < 0 {
		return nil, pgerr.New(pgerr.InvalidArgumentForPowerFunction, "cannot take square root of a negative number")
	}
	return checkFloatRange(math.Sqrt(x), x)
}

func floatCbrt(_ *evalCtx, v []types.Datum) (types.Datum, error) {
	x := v[0].(float64)
	return checkFloatRange(float64(C.cbrt(C.double(x))), x)
}

func floatExp(_ *evalCtx, v []types.Datum) (types.Datum, error) {
	x := v[0].(float64)
	switch {
	case math.IsNaN(x):
		return x, nil
	case math.IsInf(x, 1):
		return x, nil
	case math.IsInf(x, -1):
		return 0.0, nil
	}
	r, errno := C.exp(C.double(x))
	switch res := float64(r); {
	case errno != nil && res != 0, math.IsInf(res, 0):
		return nil, floatOverflow()
	case res == 0:
		return nil, floatUnderflow()
	default:
		return res, nil
	}
}

func floatLog(f func(float64) float64) evalFn {
	return func(_ *evalCtx, v []types.Datum) (types.Datum, error) {
		x := v[0].(float64)
		if x == 0 {
			return nil, pgerr.New(pgerr.InvalidArgumentForLog, "cannot take logarithm of zero")
		}
		if x < 0 {
			return nil, pgerr.New(pgerr.InvalidArgumentForLog, "cannot take logarithm of a negative number")
		}
		r := f(x)
		if math.IsInf(r, 0) && !math.IsInf(x, 0) {
			return nil, floatOverflow()
		}
		if r == 0 && x != 1 {
			return nil, floatUnderflow()
		}
		return r, nil
	}
}

// floatTrig is sin, cos or tan: an infinite argument, or one libm rejects,
// is out of range; tan may return infinity.
func floatTrig(f func(C.double) C.double, mayBeInf bool) evalFn {
	return func(_ *evalCtx, v []types.Datum) (types.Datum, error) {
		x := v[0].(float64)
		if math.IsNaN(x) {
			return x, nil
		}
		if math.IsInf(x, 0) {
			return nil, inputOutOfRange()
		}
		r := float64(f(C.double(x)))
		if math.IsInf(r, 0) && !mayBeInf {
			return nil, floatOverflow()
		}
		return r, nil
	}
}

func floatCot(_ *evalCtx, v []types.Datum) (types.Datum, error) {
	x := v[0].(float64)
	if math.IsNaN(x) {
		return x, nil
	}
	if math.IsInf(x, 0) {
		return nil, inputOutOfRange()
	}
	return 1 / float64(C.tan(C.double(x))), nil
}

// floatArc is asin or acos, defined on [-1, 1].
func floatArc(f func(float64) float64) evalFn {
	return func(_ *evalCtx, v []types.Datum) (types.Datum, error) {
		x := v[0].(float64)
		if math.IsNaN(x) {
			return x, nil
		}
		if x < -1 || x > 1 {
			return nil, inputOutOfRange()
		}
		return f(x), nil
	}
}

func floatAtan(_ *evalCtx, v []types.Datum) (types.Datum, error) {
	x := v[0].(float64)
	if math.IsNaN(x) {
		return x, nil
	}
	return float64(C.atan(C.double(x))), nil
}

func floatAtan2(_ *evalCtx, v []types.Datum) (types.Datum, error) {
	y, x := v[0].(float64), v[1].(float64)
	if math.IsNaN(y) || math.IsNaN(x) {
		return math.NaN(), nil
	}
	return float64(C.atan2(C.double(y), C.double(x))), nil
}

func floatSinh(_ *evalCtx, v []types.Datum) (types.Datum, error) {
	x := v[0].(float64)
	r := float64(C.sinh(C.double(x)))
	if math.IsInf(r, 0) {
		return math.Inf(int(floatSign(x))), nil
	}
	return r, nil
}

func floatCosh(_ *evalCtx, v []types.Datum) (types.Datum, error) {
	r := float64(C.cosh(C.double(v[0].(float64))))
	if r == 0 {
		return nil, floatUnderflow()
	}
	return r, nil
}

func floatAcosh(_ *evalCtx, v []types.Datum) (types.Datum, error) {
	x := v[0].(float64)
	if x < 1 {
		return nil, inputOutOfRange()
	}
	return float64(C.acosh(C.double(x))), nil
}

func floatAtanh(_ *evalCtx, v []types.Datum) (types.Datum, error) {
	x := v[0].(float64)
	switch {
	case x < -1 || x > 1:
		return nil, inputOutOfRange()
	case x == -1:
		return math.Inf(-1), nil
	case x == 1:
		return math.Inf(1), nil
	}
	return float64(C.atanh(C.double(x))), nil
}

// numScale is a numeric's display scale (dscale).
func numScale(d *apd.Decimal) int32 {
	if d.Exponent < 0 {
		return -d.Exponent
	}
	return 0
}

func numNaN() *apd.Decimal { return &apd.Decimal{Form: apd.NaN} }

func numInf(neg bool) *apd.Decimal { return &apd.Decimal{Form: apd.Infinite, Negative: neg} }

// quantizeNum rounds d to scale fractional digits (to a multiple of
// 10^-scale when scale is negative) with the given rounding; a negative
// scale still displays no fractional digits.
func quantizeNum(d *apd.Decimal, scale int32, rounding apd.Rounder) (*apd.Decimal, error) {
	c := apd.BaseContext.WithPrecision(uint32(max(d.NumDigits()+int64(d.Exponent), 0)+int64(max(scale, 0))) + 10)
	c.Rounding = rounding
	r := new(apd.Decimal)
	if _, err := c.Quantize(r, d, -scale); err != nil {
		return nil, numericOverflow()
	}
	if scale < 0 {
		if _, err := c.Quantize(r, r, 0); err != nil {
			return nil, numericOverflow()
		}
	}
	return r, nil
}

// numericRound is round or trunc of numeric, with an optional scale
// (clamped to ±2000, NUMERIC_MAX_RESULT_SCALE, as PostgreSQL does).
func numericRound(rounding apd.Rounder) evalFn {
	return func(_ *evalCtx, v []types.Datum) (types.Datum, error) {
		d := v[0].(*apd.Decimal)
		if d.Form != apd.Finite {
			return d, nil
		}
		scale := int64(0)
		if len(v) == 2 {
			scale = min(max(v[1].(int64), -2000), 2000)
		}
		return quantizeNum(d, int32(scale), rounding)
	}
}

// numericToIntegral is floor or ceil of numeric. (apd's Quantize drops a
// value below the last place to zero whatever the rounding, so it cannot
// take ceil(0.0001) to 1.)
func numericToIntegral(ceil bool) evalFn {
	return func(_ *evalCtx, v []types.Datum) (types.Datum, error) {
		d := v[0].(*apd.Decimal)
		if d.Form != apd.Finite {
			return d, nil
		}
		r := new(apd.Decimal)
		if ceil {
			decCtx.Ceil(r, d)
		} else {
			decCtx.Floor(r, d)
		}
		return quantizeNum(r, 0, apd.RoundHalfUp)
	}
}

func numericSign(_ *evalCtx, v []types.Datum) (types.Datum, error) {
	d := v[0].(*apd.Decimal)
	switch {
	case d.Form == apd.NaN:
		return d, nil
	case d.Form == apd.Finite && d.IsZero():
		return apd.New(0, 0), nil
	case d.Negative:
		return apd.New(-1, 0), nil
	}
	return apd.New(1, 0), nil
}

func numericScale(_ *evalCtx, v []types.Datum) (types.Datum, error) {
	d := v[0].(*apd.Decimal)
	if d.Form != apd.Finite {
		return nil, nil
	}
	return int64(numScale(d)), nil
}

// numericMinScale is min_scale(x): the fewest fractional digits that
// represent x exactly.
func numericMinScale(_ *evalCtx, v []types.Datum) (types.Datum, error) {
	d := v[0].(*apd.Decimal)
	if d.Form != apd.Finite {
		return nil, nil
	}
	r := new(apd.Decimal)
	r.Reduce(d)
	return int64(max(0, -r.Exponent)), nil
}

// numericTrimScale is trim_scale(x): x without trailing fractional zeros.
func numericTrimScale(_ *evalCtx, v []types.Datum) (types.Datum, error) {
	d := v[0].(*apd.Decimal)
	if d.Form != apd.Finite {
		return d, nil
	}
	r := new(apd.Decimal)
	r.Reduce(d)
	if r.Exponent > 0 {
		if _, err := decCtx.Quantize(r, r, 0); err != nil {
			return nil, err
		}
	}
	return r, nil
}

// numericFactorial is factorial(n), exact, for n up to 32177 (the last
// that numeric holds in PostgreSQL).
func numericFactorial(_ *evalCtx, v []types.Datum) (types.Datum, error) {
	n := v[0].(int64)
	switch {
	case n < 0:
		return nil, pgerr.New(pgerr.NumericValueOutOfRange, "factorial of a negative number is undefined")
	case n > 32177:
		return nil, pgerr.New(pgerr.NumericValueOutOfRange, "value overflows numeric format")
	case n < 2:
		return apd.New(1, 0), nil
	}
	return apd.NewWithBigInt(new(apd.BigInt).SetMathBigInt(new(big.Int).MulRange(2, n)), 0), nil
}

// nbase returns the weight and base-10000 digits of |d|, trailing zero
// digits dropped: the form of PostgreSQL's NumericVar that its scale and
// weight estimates read.
func nbase(d *apd.Decimal) (weight int, digits []int) {
	if d.IsZero() {
		return 0, nil
	}
	s := new(big.Int).Abs(d.Coeff.MathBigInt()).String()
	lead := len(s) - 1 + int(d.Exponent)
	weight = floorDiv(lead, 4)
	s = strings.Repeat("0", 4*weight+3-lead) + strings.TrimRight(s, "0")
	for len(s)%4 != 0 {
		s += "0"
	}
	for i := 0; i < len(s); i += 4 {
		n := 0
		for _, c := range s[i : i+4] {
			n = n*10 + int(c-'0')
		}
		digits = append(digits, n)
	}
	return weight, digits
}

// numResult rounds an exact or high-precision result to rscale digits, half
// away from zero, as PostgreSQL's numeric functions round.
func numResult(r *apd.Decimal, rscale int) (types.Datum, error) {
	return quantizeNum(r, int32(rscale), apd.RoundHalfUp)
}

// workCtx is a context carrying enough digits for a result of about
// 10^intDigits with rscale fractional digits.
func workCtx(intDigits, rscale int) *apd.Context {
	c := apd.BaseContext.WithPrecision(uint32(max(intDigits, 1) + max(rscale, 0) + 24))
	c.Traps = 0
	return c
}

func numericSqrt(_ *evalCtx, v []types.Datum) (types.Datum, error) {
	d := v[0].(*apd.Decimal)
	if d.Form == apd.NaN || (d.Form == apd.Infinite && !d.Negative) {
		return d, nil
	}
	if d.Negative && !d.IsZero() {
		return nil, pgerr.New(pgerr.InvalidArgumentForPowerFunction, "cannot take square root of a negative number")
	}
	weight, _ := nbase(d)
	sweight := (weight+1)*4/2 - 1
	rscale := min(max(16-sweight, int(numScale(d)), 0), 1000)
	r := new(apd.Decimal)
	workCtx(sweight+1, rscale).Sqrt(r, d)
	return numResult(r, rscale)
}

func numericExp(_ *evalCtx, v []types.Datum) (types.Datum, error) {
	d := v[0].(*apd.Decimal)
	switch {
	case d.Form == apd.NaN:
		return d, nil
	case d.Form == apd.Infinite && d.Negative:
		return apd.New(0, 0), nil
	case d.Form == apd.Infinite:
		return d, nil
	}
	f, _ := d.Float64()
	val := min(max(f*0.434294481903252, -2000), 2000)
	rscale := min(max(16-int(val), int(numScale(d)), 0), 1000)
	// exp_var's guard: beyond this the result overflows or is zero.
	if math.Abs(f) >= 6000 {
		if f > 0 {
			return nil, numericOverflow()
		}
		return quantizeNum(apd.New(0, 0), int32(rscale), apd.RoundHalfUp)
	}
	r := new(apd.Decimal)
	workCtx(int(max(val, 0))+1, rscale).Exp(r, d)
	return numResult(r, rscale)
}

// lnWeight is estimate_ln_dweight: the decimal weight of ln(d).
func lnWeight(d *apd.Decimal) int {
	if d.Negative || d.IsZero() {
		return 0
	}
	if d.Cmp(apd.New(9, -1)) >= 0 && d.Cmp(apd.New(11, -1)) <= 0 {
		x := new(apd.Decimal)
		decCtx.Sub(x, d, apd.New(1, 0))
		if x.IsZero() {
			return 0
		}
		w, nd := nbase(x)
		return w*4 + int(math.Log10(float64(nd[0])))
	}
	w, nd := nbase(d)
	digits, dweight := float64(nd[0]), w*4
	if len(nd) > 1 {
		digits = digits*10000 + float64(nd[1])
		dweight -= 4
	}
	lnVar := math.Log(digits) + float64(dweight)*2.302585092994046
	return int(math.Log10(math.Abs(lnVar)))
}

func checkLogArg(d *apd.Decimal) error {
	if d.IsZero() {
		return pgerr.New(pgerr.InvalidArgumentForLog, "cannot take logarithm of zero")
	}
	if d.Negative {
		return pgerr.New(pgerr.InvalidArgumentForLog, "cannot take logarithm of a negative number")
	}
	return nil
}

func numericLn(_ *evalCtx, v []types.Datum) (types.Datum, error) {
	d := v[0].(*apd.Decimal)
	if d.Form == apd.NaN {
		return d, nil
	}
	if err := checkLogArg(d); err != nil {
		return nil, err
	}
	if d.Form == apd.Infinite {
		return d, nil
	}
	rscale := min(max(16-lnWeight(d), int(numScale(d)), 0), 1000)
	r := new(apd.Decimal)
	workCtx(8, rscale).Ln(r, d)
	return numResult(r, rscale)
}

func numericLog10(e *evalCtx, v []types.Datum) (types.Datum, error) {
	return numericLog(e, []types.Datum{apd.New(10, 0), v[0]})
}

// numericLog is log(base, x) = ln(x) / ln(base), with log_var's scale.
func numericLog(_ *evalCtx, v []types.Datum) (types.Datum, error) {
	base, x := v[0].(*apd.Decimal), v[1].(*apd.Decimal)
	if base.Form == apd.NaN || x.Form == apd.NaN {
		return numNaN(), nil
	}
	if err := checkLogArg(base); err != nil {
		return nil, err
	}
	if err := checkLogArg(x); err != nil {
		return nil, err
	}
	switch {
	case base.Form == apd.Infinite && x.Form == apd.Infinite:
		return numNaN(), nil
	case base.Form == apd.Infinite:
		return apd.New(0, 0), nil
	case x.Form == apd.Infinite:
		return x, nil
	}
	rscale := min(max(16-(lnWeight(x)-lnWeight(base)), int(numScale(base)), int(numScale(x)), 0), 1000)
	c := workCtx(8, rscale+16)
	lb, lx := new(apd.Decimal), new(apd.Decimal)
	c.Ln(lb, base)
	c.Ln(lx, x)
	if lb.IsZero() {
		return nil, divByZero()
	}
	r := new(apd.Decimal)
	c.Quo(r, lx, lb)
	return numResult(r, rscale)
}

func numericDivTrunc(_ *evalCtx, v []types.Datum) (types.Datum, error) {
	a, b := v[0].(*apd.Decimal), v[1].(*apd.Decimal)
	if a.Form == apd.NaN || b.Form == apd.NaN {
		return numNaN(), nil
	}
	if a.Form == apd.Infinite {
		switch {
		case b.Form == apd.Infinite:
			return numNaN(), nil
		case b.IsZero():
			return nil, divByZero()
		}
		return numInf(a.Negative != b.Negative), nil
	}
	if b.Form == apd.Infinite {
		return apd.New(0, 0), nil
	}
	if b.IsZero() {
		return nil, divByZero()
	}
	r := new(apd.Decimal)
	c := workCtx(int(a.NumDigits())+int(a.Exponent)+int(numScale(b)), 0)
	if _, err := c.QuoInteger(r, a, b); err != nil {
		return nil, numericOverflow()
	}
	r.Negative = r.Negative && !r.IsZero()
	return r, nil
}

func intGCD(t types.T) evalFn {
	return func(_ *evalCtx, v []types.Datum) (types.Datum, error) {
		g := new(big.Int).GCD(nil, nil, new(big.Int).Abs(big.NewInt(v[0].(int64))), new(big.Int).Abs(big.NewInt(v[1].(int64))))
		_, hi := types.IntRange(t)
		if !g.IsInt64() || g.Int64() > hi {
			return nil, intOutOfRange(t)
		}
		return g.Int64(), nil
	}
}

func intLCM(t types.T) evalFn {
	return func(_ *evalCtx, v []types.Datum) (types.Datum, error) {
		a, b := v[0].(int64), v[1].(int64)
		if a == 0 || b == 0 {
			return int64(0), nil
		}
		x, y := big.NewInt(a), big.NewInt(b)
		g := new(big.Int).GCD(nil, nil, new(big.Int).Abs(x), new(big.Int).Abs(y))
		lo, hi := types.IntRange(t)
		if g.Int64() > hi {
			return nil, intOutOfRange(t)
		}
		r := new(big.Int).Mul(new(big.Int).Quo(x, g), y)
		if !r.IsInt64() || r.Int64() <= lo || r.Int64() > hi {
			return nil, intOutOfRange(t)
		}
		return new(big.Int).Abs(r).Int64(), nil
	}
}

// numGCD is the greatest common divisor of two finite numerics.
func numGCD(a, b *apd.Decimal) *apd.Decimal {
	x, y := new(apd.Decimal), new(apd.Decimal)
	x.Abs(a)
	y.Abs(b)
	c := workCtx(int(max(x.NumDigits(), y.NumDigits())), int(max(numScale(x), numScale(y))))
	for !y.IsZero() {
		r := new(apd.Decimal)
		c.Rem(r, x, y)
		x, y = y, r
	}
	return x
}

func numericGCD(_ *evalCtx, v []types.Datum) (types.Datum, error) {
	a, b := v[0].(*apd.Decimal), v[1].(*apd.Decimal)
	if a.Form != apd.Finite || b.Form != apd.Finite {
		return numNaN(), nil
	}
	return quantizeNum(numGCD(a, b), max(numScale(a), numScale(b)), apd.RoundHalfUp)
}

func numericLCM(_ *evalCtx, v []types.Datum) (types.Datum, error) {
	a, b := v[0].(*apd.Decimal), v[1].(*apd.Decimal)
	if a.Form != apd.Finite || b.Form != apd.Finite {
		return numNaN(), nil
	}
	scale := max(numScale(a), numScale(b))
	if a.IsZero() || b.IsZero() {
		return quantizeNum(apd.New(0, 0), scale, apd.RoundHalfUp)
	}
	g := numGCD(a, b)
	c := workCtx(int(a.NumDigits()+b.NumDigits()), int(scale))
	q, r := new(apd.Decimal), new(apd.Decimal)
	c.QuoInteger(q, a, g)
	c.Mul(r, q, b)
	r.Abs(r)
	return quantizeNum(r, scale, apd.RoundHalfUp)
}

func bucketArgError(msg string) error {
	return pgerr.New(pgerr.InvalidArgumentForWidthBucketFunction, "%s", msg)
}

func widthBucketFloat(_ *evalCtx, v []types.Datum) (types.Datum, error) {
	x, lo, hi, count := v[0].(float64), v[1].(float64), v[2].(float64), v[3].(int64)
	if count <= 0 {
		return nil, bucketArgError("count must be greater than zero")
	}
	if math.IsNaN(x) || math.IsNaN(lo) || math.IsNaN(hi) {
		return nil, bucketArgError("operand, lower bound, and upper bound cannot be NaN")
	}
	if math.IsInf(lo, 0) || math.IsInf(hi, 0) {
		return nil, bucketArgError("lower and upper bounds must be finite")
	}
	var r int64
	switch {
	case lo < hi:
		switch {
		case x < lo:
			r = 0
		case x >= hi:
			r = count + 1
		default:
			r = int64(float64(count)*(x-lo)/(hi-lo)) + 1
		}
	case lo > hi:
		switch {
		case x > lo:
			r = 0
		case x <= hi:
			r = count + 1
		default:
			r = int64(float64(count)*(lo-x)/(lo-hi)) + 1
		}
	default:
		return nil, bucketArgError("lower bound cannot equal upper bound")
	}
	return checkInt(types.Int4, r, false)
}

func widthBucketNumeric(_ *evalCtx, v []types.Datum) (types.Datum, error) {
	x, lo, hi, count := v[0].(*apd.Decimal), v[1].(*apd.Decimal), v[2].(*apd.Decimal), v[3].(int64)
	if count <= 0 {
		return nil, bucketArgError("count must be greater than zero")
	}
	if x.Form == apd.NaN || lo.Form == apd.NaN || hi.Form == apd.NaN {
		return nil, bucketArgError("operand, lower bound, and upper bound cannot be NaN")
	}
	if lo.Form == apd.Infinite || hi.Form == apd.Infinite {
		return nil, bucketArgError("lower and upper bounds must be finite")
	}
	bucket := func(num1, num2, den1, den2 *apd.Decimal) int64 {
		n, d, q := new(apd.Decimal), new(apd.Decimal), new(apd.Decimal)
		c := workCtx(int(max(num1.NumDigits(), num2.NumDigits(), den1.NumDigits(), den2.NumDigits()))+20, 0)
		c.Sub(n, num1, num2)
		c.Mul(n, n, apd.New(count, 0))
		c.Sub(d, den1, den2)
		c.QuoInteger(q, n, d)
		i, _ := q.Int64()
		return i + 1
	}
	var r int64
	switch lo.Cmp(hi) {
	case -1:
		switch {
		case x.Cmp(lo) < 0:
			r = 0
		case x.Cmp(hi) >= 0:
			r = count + 1
		default:
			r = bucket(x, lo, hi, lo)
		}
	case 1:
		switch {
		case x.Cmp(lo) > 0:
			r = 0
		case x.Cmp(hi) <= 0:
			r = count + 1
		default:
			r = bucket(lo, x, lo, hi)
		}
	default:
		return nil, bucketArgError("lower bound cannot equal upper bound")
	}
	return checkInt(types.Int4, r, false)
}

func powerZeroNegative() error {
	return pgerr.New(pgerr.InvalidArgumentForPowerFunction, "zero raised to a negative power is undefined")
}

func powerComplex() error {
	return pgerr.New(pgerr.InvalidArgumentForPowerFunction, "a negative number raised to a non-integer power yields a complex result")
}

func numericOverflow() error {
	return pgerr.New(pgerr.NumericValueOutOfRange, "value overflows numeric format")
}

// floatPower is dpow: libm's pow, with POSIX's answers for NaN and
// infinite arguments and SQL's errors.
func floatPower(_ *evalCtx, v []types.Datum) (types.Datum, error) {
	x, y := v[0].(float64), v[1].(float64)
	switch {
	case math.IsNaN(x):
		if math.IsNaN(y) || y != 0 {
			return math.NaN(), nil
		}
		return 1.0, nil
	case math.IsNaN(y):
		if x != 1 {
			return math.NaN(), nil
		}
		return 1.0, nil
	case x == 0 && y < 0:
		return nil, powerZeroNegative()
	case x < 0 && math.Floor(y) != y:
		return nil, powerComplex()
	case math.IsInf(y, 0):
		ax := math.Abs(x)
		switch {
		case ax == 1:
			return 1.0, nil
		case (y > 0) == (ax > 1):
			return math.Inf(1), nil
		}
		return 0.0, nil
	case math.IsInf(x, 0):
		switch {
		case y == 0:
			return 1.0, nil
		case x > 0 && y > 0:
			return x, nil
		case x > 0:
			return 0.0, nil
		}
		odd := math.Floor(y/2) != y/2
		switch {
		case y > 0 && odd:
			return x, nil
		case y > 0:
			return -x, nil
		case odd:
			return math.Copysign(0, -1), nil
		}
		return 0.0, nil
	}
	r, errno := C.pow(C.double(x), C.double(y))
	res := float64(r)
	switch {
	case math.IsNaN(res):
		ax := math.Abs(x)
		switch {
		case x == 0:
			return 0.0, nil
		case ax == 1:
			return 1.0, nil
		case (y >= 0) == (ax > 1):
			return nil, floatOverflow()
		}
		return nil, floatUnderflow()
	case errno != nil && res != 0, math.IsInf(res, 0):
		return nil, floatOverflow()
	case res == 0 && (errno != nil || x != 0):
		return nil, floatUnderflow()
	}
	return res, nil
}

func numIsIntegral(d *apd.Decimal) bool {
	if d.Form != apd.Finite {
		return false
	}
	f := new(apd.Decimal)
	i := new(apd.Decimal)
	d.Modf(i, f)
	return f.IsZero()
}

// numIsOddIntegral reports whether d is an odd integer.
func numIsOddIntegral(d *apd.Decimal) bool {
	if !numIsIntegral(d) {
		return false
	}
	r := new(apd.Decimal)
	workCtx(int(d.NumDigits())+int(d.Exponent), 0).Rem(r, d, apd.New(2, 0))
	return !r.IsZero()
}

// numericPower is numeric_power as PostgreSQL 15 computes it: an integral
// exponent by multiplication with at least 16 fractional digits, any other
// as exp(y * ln(x)) with 16 significant digits.
func numericPower(_ *evalCtx, v []types.Datum) (types.Datum, error) {
	x, y := v[0].(*apd.Decimal), v[1].(*apd.Decimal)
	if x.Form != apd.Finite || y.Form != apd.Finite {
		return numericPowerSpecial(x, y)
	}
	if x.IsZero() && y.Negative && !y.IsZero() {
		return nil, powerZeroNegative()
	}
	if numIsIntegral(y) {
		if n, err := y.Int64(); err == nil && n >= math.MinInt32 && n <= math.MaxInt32 {
			return numericPowerInt(x, n)
		}
	}
	if x.IsZero() {
		return quantizeNum(apd.New(0, 0), 16, apd.RoundHalfUp)
	}
	neg := false
	base := x
	if x.Negative {
		if !numIsIntegral(y) {
			return nil, powerComplex()
		}
		neg = numIsOddIntegral(y)
		base = new(apd.Decimal).Abs(x)
	}
	// A first, rough y * ln(x) gives the result's weight.
	c := workCtx(8, 24)
	lnx := new(apd.Decimal)
	c.Ln(lnx, base)
	prod := new(apd.Decimal)
	c.Mul(prod, lnx, y)
	val, _ := prod.Float64()
	if math.Abs(val) > 2000*3.01 {
		if val > 0 {
			return nil, numericOverflow()
		}
		return quantizeNum(apd.New(0, 0), 1000, apd.RoundHalfUp)
	}
	weight := val * 0.434294481903252
	rscale := min(max(16-int(weight), int(numScale(base)), int(numScale(y)), 0), 1000)
	if math.Abs(val) >= 2000*3 {
		if val > 0 {
			return nil, numericOverflow()
		}
		return quantizeNum(apd.New(0, 0), int32(rscale), apd.RoundHalfUp)
	}
	c = workCtx(int(max(weight, 0))+8, rscale+16)
	c.Ln(lnx, base)
	c.Mul(prod, lnx, y)
	r := new(apd.Decimal)
	c.Exp(r, prod)
	if neg {
		r.Neg(r)
	}
	return numResult(r, rscale)
}

// numericPowerInt is power_var_int with PostgreSQL 15's scale: at least
// 16 fractional digits, and no fewer than the base has.
func numericPowerInt(x *apd.Decimal, n int64) (types.Datum, error) {
	rscale := min(max(16, int(numScale(x))), 1000)
	one := apd.New(1, 0)
	switch n {
	case 0:
		return quantizeNum(one, int32(rscale), apd.RoundHalfUp)
	case 1:
		return numResult(x, rscale)
	}
	if x.IsZero() {
		if n < 0 {
			return nil, divByZero()
		}
		return quantizeNum(apd.New(0, 0), int32(rscale), apd.RoundHalfUp)
	}
	// base ~= f * 10^p, so the result's decimal weight is about
	// n * (log10(f) + p), from the first four base-10000 digits.
	w, nd := nbase(x)
	fv, p := float64(nd[0]), w*4
	for i := 1; i < len(nd) && i*4 < 16; i++ {
		fv = fv*10000 + float64(nd[i])
		p -= 4
	}
	f := float64(n) * (math.Log10(fv) + float64(p))
	if f > 3*32767*4 {
		return nil, numericOverflow()
	}
	if f+1 < -float64(rscale) || f+1 < -1000 {
		return quantizeNum(apd.New(0, 0), int32(rscale), apd.RoundHalfUp)
	}
	c := workCtx(int(max(f, 0))+8, rscale+int(math.Log(math.Abs(float64(n))))+24)
	r := new(apd.Decimal)
	if _, err := c.Pow(r, x, apd.New(n, 0)); err != nil && r.Form != apd.Finite {
		return nil, numericOverflow()
	}
	return numResult(r, rscale)
}

// numericPowerSpecial is numeric_power's rules for NaN and infinities,
// which follow POSIX pow().
func numericPowerSpecial(x, y *apd.Decimal) (types.Datum, error) {
	one := apd.New(1, 0)
	sign := func(d *apd.Decimal) int {
		switch {
		case d.Form == apd.Finite && d.IsZero():
			return 0
		case d.Negative:
			return -1
		}
		return 1
	}
	if x.Form == apd.NaN {
		if y.Form == apd.Finite && y.IsZero() {
			return one, nil
		}
		return numNaN(), nil
	}
	if y.Form == apd.NaN {
		if x.Form == apd.Finite && x.Cmp(one) == 0 {
			return one, nil
		}
		return numNaN(), nil
	}
	sx, sy := sign(x), sign(y)
	if sx == 0 && sy < 0 {
		return nil, powerZeroNegative()
	}
	if sx < 0 && y.Form == apd.Finite && !numIsIntegral(y) {
		return nil, powerComplex()
	}
	if x.Form == apd.Finite && x.Cmp(one) == 0 {
		return one, nil
	}
	if sy == 0 {
		return one, nil
	}
	if sx == 0 && sy > 0 {
		return apd.New(0, 0), nil
	}
	if y.Form == apd.Infinite {
		gtOne := true
		if x.Form == apd.Finite {
			if x.Cmp(apd.New(-1, 0)) == 0 {
				return one, nil
			}
			gtOne = new(apd.Decimal).Abs(x).Cmp(one) > 0
		}
		if gtOne == (sy > 0) {
			return numInf(false), nil
		}
		return apd.New(0, 0), nil
	}
	if !x.Negative {
		if sy > 0 {
			return numInf(false), nil
		}
		return apd.New(0, 0), nil
	}
	if sy < 0 {
		return apd.New(0, 0), nil
	}
	return numInf(numIsOddIntegral(y)), nil
}
