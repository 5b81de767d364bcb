package exec

import (
	"context"
	"slices"

	"github.com/apache/arrow-go/v18/arrow"

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
type Sort struct {
	in   Operator
	keys []SortKey
	// TopN, when positive, is how many leading rows are wanted (LIMIT +
	// OFFSET): the sort then keeps only that many rows as it reads.
	TopN int64
	rows [][]types.Datum
	done bool
	pos  int
	bld  *Builder
	out  arrow.RecordBatch
}

// NewSort sorts in by keys.
func NewSort(in Operator, keys []SortKey) *Sort { return &Sort{in: in, keys: keys} }

// Columns returns the input's columns.
func (s *Sort) Columns() []Column { return s.in.Columns() }

func (s *Sort) load(ctx context.Context) error {
	cols := s.in.Columns()
	cmps := make([]func(a, b types.Datum) int, len(s.keys))
	for i, k := range s.keys {
		cmps[i], _ = types.CompareFunc(cols[k.Col].Type)
	}
	trim := func() {
		s.sortRows(cmps)
		var dropped int64
		for _, r := range s.rows[s.TopN:] {
			dropped += rowBytes(r)
		}
		_ = Charge(ctx, -dropped) // what was dropped goes back to the budget
		s.rows = s.rows[:s.TopN]
	}
	for {
		rec, err := s.in.Next(ctx)
		if err != nil {
			return err
		}
		if rec == nil {
			break
		}
		for i := 0; i < int(rec.NumRows()); i++ {
			row := make([]types.Datum, len(cols))
			for c := range cols {
				row[c] = Value(rec.Column(c), i, cols[c].Type)
			}
			if s.TopN > 0 && int64(len(s.rows)) >= 2*s.TopN+1024 {
				trim()
			}
			if err := Charge(ctx, rowBytes(row)); err != nil {
				return err
			}
			s.rows = append(s.rows, row)
		}
	}
	s.sortRows(cmps)
	if s.TopN > 0 && int64(len(s.rows)) > s.TopN {
		s.rows = s.rows[:s.TopN]
	}
	s.bld = NewBuilder(cols)
	return nil
}

// sortRows sorts the rows stably: an unstable O(n log n) sort of their
// positions, ties broken by position.
func (s *Sort) sortRows(cmps []func(a, b types.Datum) int) {
	idx := make([]int, len(s.rows))
	for i := range idx {
		idx[i] = i
	}
	slices.SortFunc(idx, func(a, b int) int {
		if c := s.compare(cmps, s.rows[a], s.rows[b]); c != 0 {
			return c
		}
		return a - b
	})
	out := make([][]types.Datum, len(idx))
	for i, k := range idx {
		out[i] = s.rows[k]
	}
	s.rows = out
}

// compare orders two rows by the sort keys.
func (s *Sort) compare(cmps []func(a, b types.Datum) int, ri, rj []types.Datum) int {
	for n, k := range s.keys {
		a, b := ri[k.Col], rj[k.Col]
		var c int
		switch {
		case a == nil && b == nil:
			continue
		case a == nil:
			c = 1
			if k.NullsFirst {
				c = -1
			}
			return c
		case b == nil:
			c = -1
			if k.NullsFirst {
				c = 1
			}
			return c
		default:
			c = cmps[n](a, b)
		}
		if c == 0 {
			continue
		}
		if k.Desc {
			c = -c
		}
		return c
	}
	return 0
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
	if s.pos >= len(s.rows) {
		return nil, nil
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	end := min(s.pos+BatchRows, len(s.rows))
	for _, row := range s.rows[s.pos:end] {
		if err := s.bld.Add(row); err != nil {
			return nil, err
		}
	}
	s.pos = end
	s.out = s.bld.Batch()
	return s.out, nil
}

// Close releases the sort.
func (s *Sort) Close() {
	if s.out != nil {
		s.out.Release()
	}
	if s.bld != nil {
		s.bld.Release()
	}
	s.rows = nil
	s.in.Close()
}
