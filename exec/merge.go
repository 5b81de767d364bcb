package exec

import (
	"context"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
)

// Merge interleaves inputs that are each sorted by keys into one stream
// sorted by them; rows with equal keys come in input order. It holds one
// batch per input, so it merges any number of rows in the memory of a few
// batches.
//
// The slices of a cube's base cuboid, and the cuboids of the segments a
// merge combines, are such inputs: each file is sorted by its dimensions,
// and a RunAgg above the merge aggregates them without a hash table over
// all of them.
type Merge struct {
	ins  []Operator
	keys []SortKey

	cols    []Column
	sch     *arrow.Schema
	started bool
	heads   []*mergeHead
	heap    []int           // live heads, the least row first
	chunks  [][]arrow.Array // the batches the next output draws from
	retired [][]arrow.Array // batches the heads are done with, kept until the output is gathered
	from    []int32
	at      []int32
	out     arrow.RecordBatch
}

// mergeHead is one input's current batch and the next row to take from it.
type mergeHead struct {
	in    Operator
	arrs  []arrow.Array
	chunk int32 // arrs's index in Merge.chunks
	keys  sortKeys
	row   int32
	n     int32
}

// NewMerge merges ins (all with the same columns), each sorted by keys.
func NewMerge(ins []Operator, keys []SortKey) *Merge {
	cols := ins[0].Columns()
	return &Merge{ins: ins, keys: keys, cols: cols, sch: ArrowSchema(cols)}
}

// Columns returns the inputs' columns.
func (m *Merge) Columns() []Column { return m.cols }

func (m *Merge) start(ctx context.Context) error {
	m.started = true
	template := newSortKeys(m.keys, m.cols)
	for _, in := range m.ins {
		h := &mergeHead{in: in, keys: template.empty()}
		m.heads = append(m.heads, h)
		ok, err := m.load(ctx, h)
		if err != nil {
			return err
		}
		if ok {
			m.heap = append(m.heap, len(m.heads)-1)
		}
	}
	for i := len(m.heap)/2 - 1; i >= 0; i-- {
		m.down(i)
	}
	return nil
}

// load reads h's next non-empty batch; false at the end of its input.
func (m *Merge) load(ctx context.Context, h *mergeHead) (bool, error) {
	if h.arrs != nil {
		m.retired = append(m.retired, h.arrs)
		h.arrs = nil
	}
	for {
		rec, err := h.in.Next(ctx)
		if err != nil || rec == nil {
			return false, err
		}
		n := int(rec.NumRows())
		if n == 0 {
			continue
		}
		arrs := make([]arrow.Array, len(m.cols))
		for c := range m.cols {
			if arrs[c], err = conformArray(rec.Column(c), m.cols[c]); err != nil {
				releaseArrays(arrs[:c])
				return false, err
			}
		}
		h.arrs, h.row, h.n = arrs, 0, int32(n)
		h.chunk = int32(len(m.chunks))
		m.chunks = append(m.chunks, arrs)
		h.keys = h.keys.empty()
		h.keys.encode(arrs, n)
		return true, nil
	}
}

// less orders the current rows of heads i and j, ties by input.
func (m *Merge) less(i, j int) bool {
	a, b := m.heads[i], m.heads[j]
	if c := a.keys.compareRows(0, a.row, &b.keys, b.row); c != 0 {
		return c < 0
	}
	return i < j
}

// down restores the heap below position i.
func (m *Merge) down(i int) {
	n := len(m.heap)
	for {
		l := 2*i + 1
		if l >= n {
			return
		}
		c := l
		if r := l + 1; r < n && m.less(m.heap[r], m.heap[l]) {
			c = r
		}
		if !m.less(m.heap[c], m.heap[i]) {
			return
		}
		m.heap[i], m.heap[c] = m.heap[c], m.heap[i]
		i = c
	}
}

// Next returns the next batch of merged rows.
func (m *Merge) Next(ctx context.Context) (arrow.RecordBatch, error) {
	if m.out != nil {
		m.out.Release()
		m.out = nil
	}
	if !m.started {
		if err := m.start(ctx); err != nil {
			return nil, err
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	m.from, m.at = m.from[:0], m.at[:0]
	for len(m.at) < BatchRows && len(m.heap) > 0 {
		h := m.heads[m.heap[0]]
		m.from = append(m.from, h.chunk)
		m.at = append(m.at, h.row)
		if h.row++; h.row < h.n {
			m.down(0)
			continue
		}
		ok, err := m.load(ctx, h)
		if err != nil {
			return nil, err
		}
		if !ok {
			last := len(m.heap) - 1
			m.heap[0] = m.heap[last]
			m.heap = m.heap[:last]
		}
		m.down(0)
	}
	if len(m.at) == 0 {
		m.releaseAll()
		return nil, nil
	}
	arrs, err := gatherRows(m.cols, m.chunks, m.from, m.at)
	if err != nil {
		return nil, err
	}
	m.out = array.NewRecordBatch(m.sch, arrs, int64(len(m.at)))
	releaseArrays(arrs)
	m.compact()
	return m.out, nil
}

// compact releases the batches the heads are done with and renumbers the
// current ones.
func (m *Merge) compact() {
	for _, arrs := range m.retired {
		releaseArrays(arrs)
	}
	m.retired = m.retired[:0]
	m.chunks = m.chunks[:0]
	for _, h := range m.heads {
		if h.arrs != nil {
			h.chunk = int32(len(m.chunks))
			m.chunks = append(m.chunks, h.arrs)
		}
	}
}

func (m *Merge) releaseAll() {
	for _, h := range m.heads {
		if h.arrs != nil {
			m.retired = append(m.retired, h.arrs)
			h.arrs = nil
		}
	}
	m.heap = nil
	m.compact()
}

// Close releases the merge and its inputs.
func (m *Merge) Close() {
	if m.out != nil {
		m.out.Release()
		m.out = nil
	}
	m.releaseAll()
	for _, in := range m.ins {
		in.Close()
	}
}
