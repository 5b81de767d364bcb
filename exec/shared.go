package exec

import (
	"context"
	"sync"

	"github.com/apache/arrow-go/v18/arrow"
)

// Shared reads one input once for several consumers: each of its taps is
// an Operator that yields every batch of the input, in order. A cube build
// derives sibling cuboids from one decode of their parent this way.
//
// One goroutine (the pump) reads the input, from the first Next on any
// tap, and hands each batch to every open tap, a batch or two ahead: the
// slowest consumer sets the pace. A tap closed early stops receiving; the
// pump ends when the input does, when every tap is closed, when it fails
// (each open tap then returns the error), or at Close, which waits for it.
type Shared struct {
	src  Operator
	taps []*Tap

	ctx    context.Context
	cancel context.CancelFunc
	once   sync.Once
	done   chan struct{} // closed when the pump has ended
}

// Tap is one consumer's view of a Shared input.
type Tap struct {
	s      *Shared
	ch     chan arrow.RecordBatch
	closed chan struct{} // closed by Close
	close  sync.Once
	last   arrow.RecordBatch

	err error // the input's error, set before ch is closed
}

// NewShared reads src once for n consumers; ctx bounds the reading.
// Every tap must be closed, consumed or not, and then the Shared.
func NewShared(ctx context.Context, src Operator, n int) *Shared {
	s := &Shared{src: src, done: make(chan struct{})}
	s.ctx, s.cancel = context.WithCancel(ctx)
	for range n {
		s.taps = append(s.taps, &Tap{s: s, ch: make(chan arrow.RecordBatch, 1), closed: make(chan struct{})})
	}
	return s
}

// Tap returns consumer i's operator.
func (s *Shared) Tap(i int) *Tap { return s.taps[i] }

func (s *Shared) start() {
	s.once.Do(func() { go s.pump() })
}

// pump reads the input and hands each batch to the open taps.
func (s *Shared) pump() {
	defer close(s.done)
	var err error
	defer func() {
		for _, t := range s.taps {
			t.err = err
			close(t.ch)
		}
	}()
	for {
		rec, e := s.src.Next(s.ctx)
		if e != nil || rec == nil {
			err = e
			return
		}
		open := 0
		for _, t := range s.taps {
			rec.Retain()
			select {
			case t.ch <- rec:
				open++
			case <-t.closed:
				rec.Release()
			case <-s.ctx.Done():
				rec.Release()
				err = s.ctx.Err()
				return
			}
		}
		if open == 0 {
			return
		}
	}
}

// Close stops the pump, waits for it and closes the input. Batches the
// taps still hold stay valid until they release them.
func (s *Shared) Close() {
	s.cancel()
	s.once.Do(func() { // never started
		for _, t := range s.taps {
			close(t.ch)
		}
		close(s.done)
	})
	<-s.done
	for _, t := range s.taps {
		t.drain()
	}
	s.src.Close()
}

// Columns returns the input's columns.
func (t *Tap) Columns() []Column { return t.s.src.Columns() }

// Next returns the input's next batch, valid until the next call.
func (t *Tap) Next(ctx context.Context) (arrow.RecordBatch, error) {
	if t.last != nil {
		t.last.Release()
		t.last = nil
	}
	t.s.start()
	select {
	case rec, ok := <-t.ch:
		if !ok {
			return nil, t.err
		}
		t.last = rec
		return rec, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// Close stops the tap's batches; the pump goes on for the other taps.
// Closing twice is allowed.
func (t *Tap) Close() {
	t.close.Do(func() { close(t.closed) })
	if t.last != nil {
		t.last.Release()
		t.last = nil
	}
}

// drain releases batches sent to the tap but never taken; the pump has
// ended.
func (t *Tap) drain() {
	for rec := range t.ch {
		rec.Release()
	}
}
