package exec

import "sync/atomic"

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
	lo, hi, any := int64(0), int64(0), false
	for i, k := range keys {
		if valid(i) {
			if !any || k < lo {
				lo = k
			}
			if !any || k > hi {
				hi = k
			}
			any = true
		}
	}
	if span := uint64(hi) - uint64(lo); any && span < uint64(bitmapSlack*len(keys)+1<<16) {
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

// narrow keeps the positions of idx whose keys are in the set (and valid,
// when valid is not nil), in idx's storage.
func (p *keyProbe) narrow(idx []int32, keys []int64, valid func(int) bool) []int32 {
	out := idx[:0]
	if p.bits == nil {
		for _, i := range idx {
			if (valid == nil || valid(int(i))) && p.t.find(keys[i]) >= 0 {
				out = append(out, i)
			}
		}
		return out
	}
	bits, lo, n := p.bits, uint64(p.lo), uint64(len(p.bits))*64
	for _, i := range idx {
		d := uint64(keys[i]) - lo
		if d < n && bits[d>>6]&(1<<(d&63)) != 0 && (valid == nil || valid(int(i))) {
			out = append(out, i)
		}
	}
	return out
}

// filter appends to idx the positions of keys that are in the set (and
// valid, when valid is not nil).
func (p *keyProbe) filter(idx []int32, keys []int64, valid func(int) bool) []int32 {
	if p.bits == nil {
		for i, k := range keys {
			if (valid == nil || valid(i)) && p.t.find(k) >= 0 {
				idx = append(idx, int32(i))
			}
		}
		return idx
	}
	bits, lo, n := p.bits, uint64(p.lo), uint64(len(p.bits))*64
	for i, k := range keys {
		d := uint64(k) - lo
		if d < n && bits[d>>6]&(1<<(d&63)) != 0 && (valid == nil || valid(i)) {
			idx = append(idx, int32(i))
		}
	}
	return idx
}

// NewKeySet returns an empty key set for one execution of a join.
func NewKeySet() *KeySet { return &KeySet{} }

// WithKeySet makes an inner join on one integer key publish its build keys
// to ks once built.
func (j *HashJoin) WithKeySet(ks *KeySet) *HashJoin {
	j.keySet = ks
	return j
}
