package exec

import (
	"bytes"
	"hash/maphash"
)

// groupTable maps grouping keys to group numbers (0, 1, ... in order of
// insertion): open addressing over the keys' hashes, with the keys stored
// back to back in fixed-size chunks. Unlike a map[string]int32 it
// allocates nothing per group, and it grows without rehashing the keys or
// moving them: a table of a build's base cuboid slice holds a million
// distinct keys and more, which a single growing arena would copy several
// times over.
type groupTable struct {
	seed   maphash.Seed
	slots  []int32   // group + 1; 0 marks an empty slot
	hashes []uint64  // of each group's key
	spans  []keySpan // where each group's key is
	chunks [][]byte  // the keys; the last one is appended to
}

// keySpan is where a key is stored: no pointer, so that the garbage
// collector has nothing to scan per group.
type keySpan struct{ chunk, off, len uint32 }

// Keys are stored in chunks that start at firstKeyChunk bytes and double
// up to keyChunk, so that a table of a few groups (most cube-route
// queries) does not allocate and clear a quarter megabyte; a longer key
// gets a chunk of its own.
const (
	firstKeyChunk = 1 << 10
	keyChunk      = 256 << 10
)

func newGroupTable() *groupTable {
	return &groupTable{seed: maphash.MakeSeed(), slots: make([]int32, 64)}
}

// key returns group g's key.
func (t *groupTable) key(g int32) []byte {
	sp := t.spans[g]
	return t.chunks[sp.chunk][sp.off : sp.off+sp.len]
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
	t.spans = append(t.spans, t.store(key))
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

// store copies key into the last chunk, starting a new one when it does
// not fit, and returns where it went.
func (t *groupTable) store(key []byte) keySpan {
	last := len(t.chunks) - 1
	if last < 0 || len(key) > cap(t.chunks[last])-len(t.chunks[last]) {
		size := firstKeyChunk
		if last >= 0 {
			size = min(2*cap(t.chunks[last]), keyChunk)
		}
		t.chunks = append(t.chunks, make([]byte, 0, max(size, len(key))))
		last++
	}
	c := t.chunks[last]
	t.chunks[last] = append(c, key...)
	return keySpan{chunk: uint32(last), off: uint32(len(c)), len: uint32(len(key))}
}

func (t *groupTable) place(h uint64, g int32) {
	mask := uint64(len(t.slots) - 1)
	s := h & mask
	for t.slots[s] != 0 {
		s = (s + 1) & mask
	}
	t.slots[s] = g + 1
}
