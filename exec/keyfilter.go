package exec

import (
	"context"
	"sync/atomic"

	"github.com/apache/arrow-go/v18/arrow"
)

// KeySet carries an inner hash join's integer build keys down to the scan
// of its probe side (a runtime filter): the join drops every probe row
// whose key the build side lacks, so the scan's workers may drop it
// earlier, in parallel, before the joins above them see it. The join
// builds its table before its probe side starts, so the scan finds the
// set ready; until it is, KeyFilter passes every row.
type KeySet struct {
	t atomic.Pointer[intTable]
}

// NewKeySet returns an empty key set for one execution of a join.
func NewKeySet() *KeySet { return &KeySet{} }

// WithKeySet makes an inner join on one integer key publish its build keys
// to ks once built.
func (j *HashJoin) WithKeySet(ks *KeySet) *HashJoin {
	j.keySet = ks
	return j
}

// KeyFilter passes the rows whose integer (or date) column col holds a key
// of set; NULL keys never pass.
type KeyFilter struct {
	in  Operator
	col int
	set *KeySet
	out arrow.RecordBatch
	idx []int32
	buf []int64
}

// NewKeyFilter returns a runtime filter over in.
func NewKeyFilter(in Operator, col int, set *KeySet) *KeyFilter {
	return &KeyFilter{in: in, col: col, set: set}
}

// Columns returns the input's columns.
func (f *KeyFilter) Columns() []Column { return f.in.Columns() }

// Next returns the next batch with rows left after the filter.
func (f *KeyFilter) Next(ctx context.Context) (arrow.RecordBatch, error) {
	if f.out != nil {
		f.out.Release()
		f.out = nil
	}
	for {
		rec, err := f.in.Next(ctx)
		if err != nil || rec == nil {
			return nil, err
		}
		t := f.set.t.Load()
		if t == nil {
			return rec, nil
		}
		keys, valid := intKeys(rec.Column(f.col), f.in.Columns()[f.col].Type, &f.buf)
		f.idx = f.idx[:0]
		for i, k := range keys {
			if valid(i) && t.find(k) >= 0 {
				f.idx = append(f.idx, int32(i))
			}
		}
		switch len(f.idx) {
		case 0:
			continue
		case int(rec.NumRows()):
			return rec, nil
		}
		if f.out, err = takeRows(ctx, rec, f.idx); err != nil {
			return nil, err
		}
		return f.out, nil
	}
}

// Close releases the filter.
func (f *KeyFilter) Close() {
	if f.out != nil {
		f.out.Release()
		f.out = nil
	}
	f.in.Close()
}
