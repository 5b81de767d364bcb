package ssb

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"math/bits"
	"strconv"
	"time"
)

// Generator writes the SSB tables of one scale factor and seed.
type Generator struct {
	SF     float64
	Seed   uint64
	counts Counts
}

// New returns a generator for scale factor sf and seed.
func New(sf float64, seed uint64) (*Generator, error) {
	c, err := CountsFor(sf)
	if err != nil {
		return nil, err
	}
	return &Generator{SF: sf, Seed: seed, counts: c}, nil
}

// Counts returns the generator's cardinalities.
func (g *Generator) Counts() Counts { return g.counts }

// WriteTable streams table's rows to w in PostgreSQL's COPY text format
// (tab-separated, one row per line; no value needs escaping) and returns how
// many rows it wrote. It checks ctx every few thousand rows.
func (g *Generator) WriteTable(ctx context.Context, w io.Writer, table string) (int64, error) {
	bw := bufio.NewWriterSize(w, 64<<10)
	r := &rowWriter{w: bw, ctx: ctx}
	switch table {
	case "dates":
		g.dates(r)
	case "customer":
		g.customers(r)
	case "supplier":
		g.suppliers(r)
	case "part":
		g.parts(r)
	case "lineorder":
		g.lineorders(r)
	default:
		return 0, fmt.Errorf("ssb: unknown table %q (the tables are dates, customer, supplier, part, lineorder)", table)
	}
	if r.err != nil {
		return r.rows, r.err
	}
	return r.rows, bw.Flush()
}

// rowWriter builds one row at a time in buf and remembers the first error,
// so the generators read as straight-line code.
type rowWriter struct {
	w    *bufio.Writer
	ctx  context.Context
	buf  []byte
	rows int64
	err  error
}

func (r *rowWriter) int(v int64) {
	r.sep()
	r.buf = strconv.AppendInt(r.buf, v, 10)
}

func (r *rowWriter) str(s string) {
	r.sep()
	r.buf = append(r.buf, s...)
}

func (r *rowWriter) sep() {
	if len(r.buf) > 0 {
		r.buf = append(r.buf, '\t')
	}
}

// end writes the row; it reports false once writing has failed or ctx is
// done, and the generator then stops.
func (r *rowWriter) end() bool {
	if r.err != nil {
		return false
	}
	r.buf = append(r.buf, '\n')
	if _, err := r.w.Write(r.buf); err != nil {
		r.err = err
		return false
	}
	r.buf = r.buf[:0]
	r.rows++
	if r.rows%4096 == 0 {
		if err := r.ctx.Err(); err != nil {
			r.err = err
			return false
		}
	}
	return true
}

// rng is splitmix64: tiny, fast, and fixed forever, so the data set for a
// seed never changes with the Go release.
type rng struct{ s uint64 }

func newRNG(seed uint64, table string) *rng {
	s := seed
	for _, c := range []byte(table) {
		s = s*1099511628211 ^ uint64(c)
	}
	r := &rng{s: s}
	r.next() // mix the seed once
	return r
}

func (r *rng) next() uint64 {
	r.s += 0x9e3779b97f4a7c15
	z := r.s
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// intn returns a uniform integer in [0, n) (Lemire's multiply-shift; the
// bias for n far below 2^64 is negligible and irrelevant here).
func (r *rng) intn(n int) int {
	hi, _ := bits.Mul64(r.next(), uint64(n))
	return int(hi)
}

// between returns a uniform integer in [lo, hi].
func (r *rng) between(lo, hi int) int { return lo + r.intn(hi-lo+1) }

func (r *rng) pick(list []string) string { return list[r.intn(len(list))] }

// text returns a random alphanumeric string of length in [lo, hi]: the
// addresses, which no query reads.
func (r *rng) text(buf []byte, lo, hi int) []byte {
	const alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 ,."
	n := r.between(lo, hi)
	buf = buf[:0]
	for range n {
		buf = append(buf, alphabet[r.intn(len(alphabet))])
	}
	return buf
}

var epoch = time.Date(1992, 1, 1, 0, 0, 0, 0, time.UTC)

// dayKeys[d] is the yyyymmdd key of the day d days after 1992-01-01.
var dayKeys = func() (k [DateCount]int64) {
	for d := range k {
		t := epoch.AddDate(0, 0, d)
		k[d] = int64(t.Year()*10000 + int(t.Month())*100 + t.Day())
	}
	return k
}()

func dayKey(d int) int64 { return dayKeys[d] }
