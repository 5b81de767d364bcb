package exec

import (
	"bytes"
	"hash/maphash"
)

// groupTable maps grouping keys to group numbers (0, 1, ... in order of
// insertion): open addressing over the keys' hashes, with the keys stored
// back to back in one arena. Unlike a map[string]int32 it allocates
// nothing per group and grows without rehashing the keys.
type groupTable struct {
	seed   maphash.Seed
	slots  []int32  // group + 1; 0 marks an empty slot
	hashes []uint64 // of each group's key
	ends   []int    // end of each group's key in arena
	arena  []byte
}

func newGroupTable() *groupTable {
	return &groupTable{seed: maphash.MakeSeed(), slots: make([]int32, 64)}
}

// key returns group g's key.
func (t *groupTable) key(g int32) []byte {
	start := 0
	if g > 0 {
		start = t.ends[g-1]
	}
	return t.arena[start:t.ends[g]]
}

// find returns key's group, or ok false and the hash insert takes.
func (t *groupTable) find(key []byte) (g int32, h uint64, ok bool) {
	h = maphash.Bytes(t.seed, key)
	mask := uint64(len(t.slots) - 1)
	for s := h & mask; ; s = (s + 1) & mask {
		v := t.slots[s]
		if v == 0 {
			return 0, h, false
		}
		if g := v - 1; t.hashes[g] == h && bytes.Equal(t.key(g), key) {
			return g, h, true
		}
	}
}

// insert adds key, of hash h and not in the table, as the next group.
func (t *groupTable) insert(key []byte, h uint64) int32 {
	g := int32(len(t.hashes))
	t.arena = append(t.arena, key...)
	t.ends = append(t.ends, len(t.arena))
	t.hashes = append(t.hashes, h)
	if 2*len(t.hashes) > len(t.slots) { // at most half full
		t.slots = make([]int32, 2*len(t.slots))
		for k := range t.hashes[:g] {
			t.place(t.hashes[k], int32(k))
		}
	}
	t.place(h, g)
	return g
}

func (t *groupTable) place(h uint64, g int32) {
	mask := uint64(len(t.slots) - 1)
	s := h & mask
	for t.slots[s] != 0 {
		s = (s + 1) & mask
	}
	t.slots[s] = g + 1
}
