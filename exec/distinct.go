package exec

import (
	"bytes"
	"context"

	"github.com/apache/arrow-go/v18/arrow"
)

// FirstOfGroup passes the first row of each run of rows whose key columns
// are equal: SELECT DISTINCT ON over input sorted with those columns
// leading. Keys are equal when their grouping keys (AppendArrowKey) are,
// as in GROUP BY, so NULLs are equal to each other and 1.0 to 1.00.
type FirstOfGroup struct {
	in   Operator
	keys []int
	cols []Column

	prev, cur []byte
	started   bool
	idx       []int32
	out       arrow.RecordBatch
}

// NewFirstOfGroup keeps the first row of each run of equal keys of in.
func NewFirstOfGroup(in Operator, keys []int) *FirstOfGroup {
	return &FirstOfGroup{in: in, keys: keys, cols: in.Columns()}
}

// Columns returns the input's columns.
func (f *FirstOfGroup) Columns() []Column { return f.cols }

// Next returns the next batch holding at least one group's first row.
func (f *FirstOfGroup) Next(ctx context.Context) (arrow.RecordBatch, error) {
	if f.out != nil {
		f.out.Release()
		f.out = nil
	}
	for {
		rec, err := f.in.Next(ctx)
		if err != nil || rec == nil {
			return nil, err
		}
		f.idx = f.idx[:0]
		for i := range int(rec.NumRows()) {
			f.cur = f.cur[:0]
			for _, c := range f.keys {
				f.cur = AppendArrowKey(f.cur, rec.Column(c), i, f.cols[c].Type)
			}
			if !f.started || !bytes.Equal(f.cur, f.prev) {
				f.idx = append(f.idx, int32(i))
				f.started = true
				f.prev, f.cur = f.cur, f.prev
			}
		}
		switch {
		case len(f.idx) == 0:
			continue
		case len(f.idx) == int(rec.NumRows()):
			return rec, nil
		}
		if f.out, err = takeRows(ctx, rec, f.idx); err != nil {
			return nil, err
		}
		return f.out, nil
	}
}

// Close releases the operator and its input.
func (f *FirstOfGroup) Close() {
	if f.out != nil {
		f.out.Release()
		f.out = nil
	}
	f.in.Close()
}
