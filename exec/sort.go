package exec

import (
	"bytes"
	"cmp"
	"context"
	"encoding/binary"
	"fmt"
	"math"
	"slices"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/lattice-olap/lattice/types"
)

// SortKey orders by one column.
type SortKey struct {
	Col        int
	Desc       bool
	NullsFirst bool
}

// Sort materializes its input and returns it ordered by keys (stable, so
// equal keys keep their input order).
//
// It keeps the input's batches as they come (retained and charged to the
// budget) with each row's normalized sort key (sortkey.go), sorts row
// numbers by key, ties by number, and gathers each output batch's columns
// from the kept batches in that order. No value is boxed, except those of
// keys that have no normalized form, which are compared as Datums.
type Sort struct {
	in   Operator
	keys []SortKey
	// TopN, when positive, is how many leading rows are wanted (LIMIT +
	// OFFSET): the sort then keeps only that many rows as it reads.
	TopN int64

	cols []Column
	sch  *arrow.Schema
	sortKeys
	chunks [][]arrow.Array // the kept input columns, per batch
	starts []int           // chunk k holds rows starts[k] to starts[k+1]-1
	held   int64           // bytes charged to the budget
	order  []int32         // the rows in sorted order, once loaded
	done   bool
	pos    int
	from   []int32 // scratch for locate
	at     []int32
	out    arrow.RecordBatch
}

// sortKeys holds rows' sort keys, split into segments.
type sortKeys struct {
	kcols []keyCol
	segs  []keySeg
}

// keySeg is a run of sort keys compared together: consecutive keys with a
// normalized form, whose encoding for row r is keys[r] (in one buffer per
// batch), or a single key compared as Datums (datum set).
type keySeg struct {
	kcols []int // indexes into sortKeys.kcols
	keys  [][]byte
	datum *keyCol
	dcmp  func(a, b types.Datum) int
	vals  []types.Datum
}

// NewSort sorts in by keys.
func NewSort(in Operator, keys []SortKey) *Sort { return &Sort{in: in, keys: keys} }

// Columns returns the input's columns.
func (s *Sort) Columns() []Column { return s.in.Columns() }

// init splits the keys into segments.
func (s *Sort) init() {
	s.cols = s.in.Columns()
	s.sch = ArrowSchema(s.cols)
	s.starts = []int{0}
	s.sortKeys = newSortKeys(s.keys, s.cols)
}

// newSortKeys splits keys over cols into segments, holding no rows.
func newSortKeys(keys []SortKey, cols []Column) sortKeys {
	var k sortKeys
	k.kcols = make([]keyCol, len(keys))
	for i, key := range keys {
		t := cols[key.Col].Type
		k.kcols[i] = newKeyCol(key, t)
		if !keyEncodable(t) {
			dcmp, _ := types.CompareFunc(t)
			k.segs = append(k.segs, keySeg{datum: &k.kcols[i], dcmp: dcmp})
			continue
		}
		if n := len(k.segs); n > 0 && k.segs[n-1].datum == nil {
			k.segs[n-1].kcols = append(k.segs[n-1].kcols, i)
			continue
		}
		k.segs = append(k.segs, keySeg{kcols: []int{i}})
	}
	return k
}

// empty returns keys of the same columns holding no rows.
func (k *sortKeys) empty() sortKeys {
	out := sortKeys{kcols: k.kcols, segs: make([]keySeg, len(k.segs))}
	for i, g := range k.segs {
		out.segs[i] = keySeg{kcols: g.kcols, datum: g.datum, dcmp: g.dcmp}
	}
	return out
}

// rows is how many rows the sort holds.
func (s *Sort) rows() int { return s.starts[len(s.starts)-1] }

// add keeps a batch and encodes its keys.
func (s *Sort) add(ctx context.Context, rec arrow.RecordBatch) error {
	n := int(rec.NumRows())
	if n == 0 {
		return nil
	}
	if s.rows()+n > math.MaxInt32 {
		return fmt.Errorf("exec: sort: more than %d rows", math.MaxInt32)
	}
	arrs := make([]arrow.Array, len(s.cols))
	size := int64(40 * n) // keys, order, sort entries
	for c := range s.cols {
		a, err := conformArray(rec.Column(c), s.cols[c])
		if err != nil {
			for _, a := range arrs[:c] {
				a.Release()
			}
			return err
		}
		arrs[c] = a
		size += heldBytes(a)
	}
	s.chunks = append(s.chunks, arrs)
	s.starts = append(s.starts, s.rows()+n)
	size += s.encode(arrs, n)
	s.held += size
	return Charge(ctx, size)
}

// encode appends the keys of a batch's n rows to the segments and returns
// the bytes they take.
func (s *sortKeys) encode(arrs []arrow.Array, n int) int64 {
	var size int64
	var pos []int
	for i := range s.segs {
		g := &s.segs[i]
		if k := g.datum; k != nil {
			for r := 0; r < n; r++ {
				v := Value(arrs[k.Col], r, k.t)
				g.vals = append(g.vals, v)
				size += datumSize(v)
			}
			continue
		}
		if pos == nil {
			pos = make([]int, n)
		} else {
			clear(pos)
		}
		for _, c := range g.kcols {
			s.kcols[c].widths(arrs[s.kcols[c].Col], pos)
		}
		// pos: widths to starting positions.
		p := 0
		for r, w := range pos {
			pos[r] = p
			p += w
		}
		buf := make([]byte, p)
		size += int64(p)
		for _, c := range g.kcols {
			s.kcols[c].put(arrs[s.kcols[c].Col], buf, pos)
		}
		start := 0
		for _, end := range pos {
			g.keys = append(g.keys, buf[start:end:end])
			start = end
		}
	}
	return size
}

// sortEntry is a row with 8 bytes of its key at the depth being sorted.
type sortEntry struct {
	word uint64
	row  int32
}

// sorted returns the rows in sorted order.
func (s *Sort) sorted() []int32 {
	ents := make([]sortEntry, s.rows())
	for r := range ents {
		ents[r].row = int32(r)
	}
	s.sortRun(ents, make([]sortEntry, len(ents)), 0, 0)
	order := make([]int32, len(ents))
	for i, e := range ents {
		order[i] = e.row
	}
	return order
}

// sortRun sorts rows that tie on the segments before seg and, within
// segment seg, on its first depth bytes; they come in position order, and
// tmp is scratch space as long as ents.
//
// An encoded segment is sorted 8 bytes at a time, most significant first:
// stably by those bytes as an integer, then each run of equal words by the
// next 8. Sorting integers held in the entries is much cheaper than
// comparing keys that lie all over memory, and most runs are short once a
// few words are sorted. Since no row's key is a proper prefix of another's
// (every column's encoding is prefix-free), two keys with the same
// zero-padded word either both end within it, being equal, or both go on.
func (s *Sort) sortRun(ents, tmp []sortEntry, seg, depth int) {
	for len(ents) > 1 && seg < len(s.segs) {
		g := &s.segs[seg]
		if g.datum != nil {
			slices.SortFunc(ents, func(a, b sortEntry) int { return s.compareFrom(seg, a.row, b.row) })
			return
		}
		for i := range ents {
			ents[i].word = keyWord(g.keys[ents[i].row], depth)
		}
		sortWords(ents, tmp)
		// Refine each run of equal words but the last, which the loop takes.
		next := func(i int) int {
			j := i + 1
			for j < len(ents) && ents[j].word == ents[i].word {
				j++
			}
			return j
		}
		i := 0
		for j := next(0); j < len(ents); i, j = j, next(j) {
			if j-i > 1 {
				nseg, ndepth := s.deeper(seg, depth, ents[i].row)
				s.sortRun(ents[i:j], tmp[i:j], nseg, ndepth)
			}
		}
		ents, tmp = ents[i:], tmp[i:]
		seg, depth = s.deeper(seg, depth, ents[0].row)
	}
}

// sortWords sorts entries stably by word: a least significant digit radix
// sort by bytes, skipping the bytes all words share, or for few entries a
// comparison sort with ties by position (which is their order).
func sortWords(ents, tmp []sortEntry) {
	if len(ents) < 128 {
		slices.SortFunc(ents, func(a, b sortEntry) int {
			if a.word != b.word {
				if a.word < b.word {
					return -1
				}
				return 1
			}
			return cmp.Compare(a.row, b.row)
		})
		return
	}
	var diff uint64
	for _, e := range ents {
		diff |= e.word ^ ents[0].word
	}
	src, dst := ents, tmp[:len(ents)]
	for shift := 0; shift < 64; shift += 8 {
		if diff>>shift&0xFF == 0 {
			continue
		}
		var count [256]int
		for _, e := range src {
			count[e.word>>shift&0xFF]++
		}
		at := 0
		for d, c := range count {
			count[d] = at
			at += c
		}
		for _, e := range src {
			d := e.word >> shift & 0xFF
			dst[count[d]] = e
			count[d]++
		}
		src, dst = dst, src
	}
	if &src[0] != &ents[0] {
		copy(ents, src)
	}
}

// deeper returns where to sort next rows that tie with row on segment seg
// through depth+8 bytes: further into the segment, or the next segment.
func (s *Sort) deeper(seg, depth int, row int32) (int, int) {
	if len(s.segs[seg].keys[row]) > depth+8 {
		return seg, depth + 8
	}
	return seg + 1, 0
}

// keyWord is key bytes depth to depth+8 as a big-endian integer, zero
// padded.
func keyWord(k []byte, depth int) uint64 {
	if len(k) >= depth+8 {
		return binary.BigEndian.Uint64(k[depth:])
	}
	var b [8]byte
	if depth < len(k) {
		copy(b[:], k[depth:])
	}
	return binary.BigEndian.Uint64(b[:])
}

// compareFrom orders rows a and b by the segments from seg on, then by
// position.
func (s *Sort) compareFrom(seg int, a, b int32) int {
	if c := s.compareRows(seg, a, &s.sortKeys, b); c != 0 {
		return c
	}
	return cmp.Compare(a, b)
}

// compareRows orders row a of k and row b of o (keys of the same columns)
// by the segments from seg on.
func (k *sortKeys) compareRows(seg int, a int32, o *sortKeys, b int32) int {
	for i := seg; i < len(k.segs); i++ {
		g, h := &k.segs[i], &o.segs[i]
		var c int
		if g.datum != nil {
			c = g.datum.compareDatums(g.dcmp, g.vals[a], h.vals[b])
		} else {
			c = bytes.Compare(g.keys[a], h.keys[b])
		}
		if c != 0 {
			return c
		}
	}
	return 0
}

// locate sets s.from and s.at to the chunk and row within it of each row.
func (s *Sort) locate(rows []int32) {
	s.from, s.at = s.from[:0], s.at[:0]
	for _, r := range rows {
		// The chunk k with starts[k] <= r < starts[k+1].
		lo, hi := 0, len(s.chunks)-1
		for lo < hi {
			m := int(uint(lo+hi+1) >> 1)
			if s.starts[m] <= int(r) {
				lo = m
			} else {
				hi = m - 1
			}
		}
		s.from = append(s.from, int32(lo))
		s.at = append(s.at, r-int32(s.starts[lo]))
	}
}

// take gathers the given rows of every column.
func (s *Sort) take(rows []int32) ([]arrow.Array, error) {
	s.locate(rows)
	return gatherRows(s.cols, s.chunks, s.from, s.at)
}

// gatherRows builds each of cols (the chunks' columns) from row at[i] of
// chunk from[i], for every i.
func gatherRows(cols []Column, chunks [][]arrow.Array, from, at []int32) ([]arrow.Array, error) {
	arrs := make([]arrow.Array, len(cols))
	srcs := make([]arrow.Array, len(chunks))
	for c, col := range cols {
		for k, ch := range chunks {
			srcs[k] = ch[c]
		}
		a, err := gatherChunks(ArrowType(col.Type), col.Type, srcs, from, at)
		if err != nil {
			releaseArrays(arrs[:c])
			return nil, err
		}
		arrs[c] = a
	}
	return arrs, nil
}

func releaseArrays(arrs []arrow.Array) {
	for _, a := range arrs {
		if a != nil {
			a.Release()
		}
	}
}

// trim keeps only the leading TopN rows, as one chunk in sorted order (so
// that their positions still break ties as the input order did), and gives
// back to the budget what the others held.
func (s *Sort) trim(ctx context.Context) error {
	order := s.sorted()[:s.TopN]
	arrs, err := s.take(order)
	if err != nil {
		return err
	}
	n := len(order)
	size := int64(40 * n)
	for _, a := range arrs {
		size += heldBytes(a)
	}
	for i := range s.segs {
		g := &s.segs[i]
		if g.datum != nil {
			vals := make([]types.Datum, n)
			for j, r := range order {
				vals[j] = g.vals[r]
				size += datumSize(vals[j])
			}
			g.vals = vals
			continue
		}
		total := 0
		for _, r := range order {
			total += len(g.keys[r])
		}
		buf := make([]byte, 0, total)
		keys := make([][]byte, n)
		for j, r := range order {
			start := len(buf)
			buf = append(buf, g.keys[r]...)
			keys[j] = buf[start:len(buf):len(buf)]
		}
		g.keys = keys
		size += int64(total)
	}
	s.releaseChunks()
	s.chunks = [][]arrow.Array{arrs}
	s.starts = []int{0, n}
	freed := s.held - size
	s.held = size
	_ = Charge(ctx, -freed) // what was dropped goes back to the budget
	return nil
}

func (s *Sort) releaseChunks() {
	for _, ch := range s.chunks {
		releaseArrays(ch)
	}
	s.chunks = nil
}

func (s *Sort) load(ctx context.Context) error {
	s.init()
	for {
		rec, err := s.in.Next(ctx)
		if err != nil {
			return err
		}
		if rec == nil {
			break
		}
		if err := s.add(ctx, rec); err != nil {
			return err
		}
		if s.TopN > 0 && int64(s.rows()) >= 2*s.TopN+1024 {
			if err := s.trim(ctx); err != nil {
				return err
			}
		}
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	s.order = s.sorted()
	if s.TopN > 0 && int64(len(s.order)) > s.TopN {
		s.order = s.order[:s.TopN]
	}
	return nil
}

// Next returns the next batch of sorted rows.
func (s *Sort) Next(ctx context.Context) (arrow.RecordBatch, error) {
	if s.out != nil {
		s.out.Release()
		s.out = nil
	}
	if !s.done {
		s.done = true
		if err := s.load(ctx); err != nil {
			return nil, err
		}
	}
	if s.pos >= len(s.order) {
		s.releaseChunks()
		return nil, nil
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	end := min(s.pos+BatchRows, len(s.order))
	arrs, err := s.take(s.order[s.pos:end])
	if err != nil {
		return nil, err
	}
	s.out = array.NewRecordBatch(s.sch, arrs, int64(end-s.pos))
	releaseArrays(arrs)
	s.pos = end
	return s.out, nil
}

// peerStarts reports, into dst, for each row of the batch Next last
// returned, whether its keys differ from the row's before it in the
// output (the first row's always do): with keys over exactly the group
// columns, where groups start. It compares the keys the sort encoded, so
// an aggregation over the sorted rows need not encode them again.
func (s *Sort) peerStarts(dst []bool) []bool {
	dst = dst[:0]
	for i := s.pos - int(s.out.NumRows()); i < s.pos; i++ {
		dst = append(dst, i == 0 || s.compareRows(0, s.order[i-1], &s.sortKeys, s.order[i]) != 0)
	}
	return dst
}

// Close releases the sort.
func (s *Sort) Close() {
	if s.out != nil {
		s.out.Release()
		s.out = nil
	}
	s.releaseChunks()
	s.segs, s.order = nil, nil
	s.in.Close()
}
