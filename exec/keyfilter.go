package exec

import (
	"slices"
	"sync/atomic"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/lattice-olap/lattice/types"
)

// KeySet carries an inner hash join's integer build keys down to the scan
// of its probe side (a runtime filter): the join drops every probe row
// whose key the build side lacks, so the scan's workers may drop it
// earlier, in parallel, before the joins above them see it (a Filter's
// WithKeySet). The join builds its table before its probe side starts, so
// the scan finds the set ready; until it is, the filter passes every row.
type KeySet struct {
	p atomic.Pointer[keyProbe]
}

// keyProbe answers membership: from a bitmap over [lo, lo+64*len(bits))
// when the keys are dense enough for one to be small (and then it stays
// in cache, unlike a hash table of a large dimension's keys), or else
// from the join's own table.
type keyProbe struct {
	lo   int64
	bits []uint64
	t    *intTable
}

// bitmapSlack bounds a key bitmap's range to this many bits per key (plus
// some for small sets), so it never exceeds about 8 bytes per key.
const bitmapSlack = 64

// publish makes the join's build keys (the valid ones of keys, already in
// t, which is read only from here on) available to the scan.
func (s *KeySet) publish(keys []int64, valid func(int) bool, t *intTable) {
	p := &keyProbe{t: t}
	lo, hi, ok := keyRange(keys, valid)
	if span := uint64(hi) - uint64(lo); ok && span < uint64(bitmapSlack*len(keys)+1<<16) {
		p.lo, p.bits = lo, make([]uint64, span/64+1)
		for i, k := range keys {
			if valid(i) {
				d := uint64(k) - uint64(lo)
				p.bits[d>>6] |= 1 << (d & 63)
			}
		}
	}
	s.p.Store(p)
}

// has reports whether k is in the set.
func (p *keyProbe) has(k int64) bool {
	if p.bits == nil {
		return p.t.find(k) >= 0
	}
	d := uint64(k) - uint64(p.lo)
	return d < uint64(len(p.bits))*64 && p.bits[d>>6]&(1<<(d&63)) != 0
}

// apply tests the key column arr of a batch: with all, every row (into
// idx's storage); otherwise only the rows in idx, keeping those that pass.
// Integer and date columns are read in place, without widening.
func (p *keyProbe) apply(idx []int32, all bool, arr arrow.Array, t types.T, buf *[]int64) []int32 {
	var valid func(int) bool
	if arr.NullN() > 0 {
		valid = arr.IsValid
	}
	switch a := arr.(type) {
	case *array.Int32:
		return probeKeys(p, idx, all, a.Int32Values(), valid)
	case *array.Date32:
		return probeKeys(p, idx, all, a.Date32Values(), valid)
	case *array.Int64:
		return probeKeys(p, idx, all, a.Int64Values(), valid)
	}
	keys, _ := intKeys(arr, t, buf)
	return probeKeys(p, idx, all, keys, valid)
}

// probeKeys is apply over one column's values.
func probeKeys[T ~int16 | ~int32 | ~int64](p *keyProbe, idx []int32, all bool, keys []T, valid func(int) bool) []int32 {
	if p.bits != nil && valid == nil {
		return probeBits(p, idx, all, keys)
	}
	out := idx[:0]
	if !all {
		for _, i := range idx {
			if p.has(int64(keys[i])) && (valid == nil || valid(int(i))) {
				out = append(out, i)
			}
		}
		return out
	}
	for i, k := range keys {
		if p.has(int64(k)) && (valid == nil || valid(i)) {
			out = append(out, int32(i))
		}
	}
	return out
}

// probeBits is probeKeys for a bitmap and no NULLs, the common case. It
// does not branch on whether a key is in: where about half of the rows
// pass, a branch per row is mispredicted on every other one.
func probeBits[T ~int16 | ~int32 | ~int64](p *keyProbe, idx []int32, all bool, keys []T) []int32 {
	bits, lo, words := p.bits, uint64(p.lo), uint64(len(p.bits))
	hit := func(k T) int {
		d := uint64(int64(k)) - lo
		if w := d >> 6; w < words { // predictable: keys are mostly in range
			return int(bits[w] >> (d & 63) & 1)
		}
		return 0
	}
	n := 0
	if !all {
		for _, i := range idx {
			idx[n] = i
			n += hit(keys[i])
		}
		return idx[:n]
	}
	out := slices.Grow(idx[:0], len(keys))[:len(keys)]
	for i, k := range keys {
		out[n] = int32(i)
		n += hit(k)
	}
	return out[:n]
}

// NewKeySet returns an empty key set for one execution of a join.
func NewKeySet() *KeySet { return &KeySet{} }

// WithKeySet makes an inner join on one integer key publish its build keys
// to ks once built.
func (j *HashJoin) WithKeySet(ks *KeySet) *HashJoin {
	j.keySet = ks
	return j
}
