package exec

import (
	"context"
	"sync"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/lattice-olap/lattice/pgerr"
)

// Parallel runs several copies of a pipeline fragment (each over its share
// of the data) on their own goroutines and yields their batches as they
// come, in no particular order.
//
// The workers start at the first Next and stop when their input ends, when
// one fails, or when Close cancels them; Close returns only after every
// worker has ended, so no goroutine outlives the operator.
type Parallel struct {
	build []func() (Operator, error)
	cols  []Column

	cleanup []func() // run by Close, after the workers have ended

	started bool
	ch      chan parallelItem
	cancel  context.CancelFunc
	wg      sync.WaitGroup
	last    arrow.RecordBatch
	err     error
}

type parallelItem struct {
	rec arrow.RecordBatch
	err error
}

// NewParallel runs one worker per builder; cols describes their batches.
func NewParallel(cols []Column, build []func() (Operator, error)) *Parallel {
	return &Parallel{build: build, cols: cols}
}

// Extend adds a stage to every worker's pipeline, before the workers
// start: wrap is called in each worker with the pipeline so far, and cols
// describes the batches of what it returns. cleanup, when not nil, runs at
// Close once every worker has ended (for state the workers share).
func (p *Parallel) Extend(cols []Column, wrap func(Operator) (Operator, error), cleanup func()) {
	if p.started {
		panic("exec: Parallel extended after it started")
	}
	for w, b := range p.build {
		p.build[w] = func() (Operator, error) {
			op, err := b()
			if err != nil {
				return nil, err
			}
			out, err := wrap(op)
			if err != nil {
				op.Close()
				return nil, err
			}
			return out, nil
		}
	}
	p.cols = cols
	if cleanup != nil {
		p.cleanup = append(p.cleanup, cleanup)
	}
}

// Columns returns the workers' columns.
func (p *Parallel) Columns() []Column { return p.cols }

func (p *Parallel) start(ctx context.Context) {
	p.started = true
	wctx, cancel := context.WithCancel(ctx)
	p.cancel = cancel
	p.ch = make(chan parallelItem, len(p.build))
	for _, b := range p.build {
		p.wg.Add(1)
		go func(b func() (Operator, error)) {
			defer p.wg.Done()
			// A bug in a worker fails the query, not the node: the
			// connection's own recovery cannot reach this goroutine.
			defer func() {
				if r := recover(); r != nil {
					p.send(wctx, parallelItem{err: pgerr.New(pgerr.InternalError, "internal error in a parallel worker: %v", r)})
				}
			}()
			op, err := b()
			if err != nil {
				p.send(wctx, parallelItem{err: err})
				return
			}
			defer op.Close()
			for {
				rec, err := op.Next(wctx)
				if err != nil {
					p.send(wctx, parallelItem{err: err})
					return
				}
				if rec == nil {
					return
				}
				rec.Retain()
				if !p.send(wctx, parallelItem{rec: rec}) {
					rec.Release()
					return
				}
			}
		}(b)
	}
	go func() {
		p.wg.Wait()
		close(p.ch)
	}()
}

// send hands an item to Next, or gives up when the workers are cancelled.
func (p *Parallel) send(ctx context.Context, it parallelItem) bool {
	select {
	case p.ch <- it:
		return true
	case <-ctx.Done():
		return false
	}
}

// Next returns the next batch any worker produced.
func (p *Parallel) Next(ctx context.Context) (arrow.RecordBatch, error) {
	if p.last != nil {
		p.last.Release()
		p.last = nil
	}
	if p.err != nil {
		return nil, p.err
	}
	if !p.started {
		p.start(ctx)
	}
	select {
	case it, ok := <-p.ch:
		if !ok {
			return nil, nil
		}
		if it.err != nil {
			p.err = it.err
			return nil, it.err
		}
		p.last = it.rec
		return it.rec, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// Close cancels the workers and waits for them.
func (p *Parallel) Close() {
	if p.last != nil {
		p.last.Release()
		p.last = nil
	}
	if p.started {
		p.cancel()
		for it := range p.ch { // drains until every worker has ended
			if it.rec != nil {
				it.rec.Release()
			}
		}
	}
	for _, c := range p.cleanup {
		c()
	}
	p.cleanup = nil
}
