package exec

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/compress"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"

	"github.com/lattice-olap/lattice/metastore"
	"github.com/lattice-olap/lattice/types"
)

// BatchRows is the number of rows per batch and per Parquet row group page
// that writers aim for.
const BatchRows = 64 * 1024

// FileWriter writes one table data file: to a temporary name first, renamed
// into place by Finish, removed by Abort.
type FileWriter struct {
	dataDir string
	rel     string // final path relative to dataDir
	tmp     string
	f       *os.File
	w       *pqarrow.FileWriter
	sch     *arrow.Schema
	rows    int64
	cols    []Column
	stats   []colStats
	noStats bool // a scratch file: no column statistics
	// fromGroups marks the columns whose statistics Finish takes from the
	// row groups' (statsFromGroups) rather than observe from every value.
	fromGroups []bool

	// With AlignRowGroups: how many leading columns row groups end at a
	// change of, the row-group size, the rows in the open group, whether
	// a new group starts with the next row, and scratch keys.
	align      int
	groupRows  int64
	inGroup    int64
	cutPending bool
	ka, kb     []byte
}

type colStats struct {
	Nulls int64  `json:"nulls"`
	Min   string `json:"min,omitempty"`
	Max   string `json:"max,omitempty"`

	min, max types.Datum
}

// NewFileWriter starts a new data file under dataDir/dir.
func NewFileWriter(dataDir, dir string, cols []Column) (*FileWriter, error) {
	return NewFileWriterRowGroups(dataDir, dir, cols, 1<<17, CodecZstd)
}

// Codec is a data file's compression (lattice.cube.compression for
// cuboids).
type Codec string

// The codecs files may use.
const (
	CodecSnappy Codec = "snappy" // fast to write and read, larger files
	CodecZstd   Codec = "zstd"   // about half Snappy's size, slower to write
	CodecLZ4    Codec = "lz4"    // Parquet's LZ4_RAW
	CodecNone   Codec = "none"
)

// ParseCodec returns the codec named s.
func ParseCodec(s string) (Codec, error) {
	switch c := Codec(strings.ToLower(s)); c {
	case CodecSnappy, CodecZstd, CodecLZ4, CodecNone:
		return c, nil
	}
	return "", fmt.Errorf("unknown compression %q: use snappy, zstd, lz4 or none", s)
}

func (c Codec) compression() compress.Compression {
	switch c {
	case CodecZstd:
		return compress.Codecs.Zstd
	case CodecLZ4:
		return compress.Codecs.Lz4Raw
	case CodecNone:
		return compress.Codecs.Uncompressed
	}
	return compress.Codecs.Snappy
}

// NewFileWriterRowGroups starts a data file whose row groups hold at most
// rowGroupRows rows, compressed with codec: smaller groups let scans skip
// more by statistics.
func NewFileWriterRowGroups(dataDir, dir string, cols []Column, rowGroupRows int64, codec Codec) (*FileWriter, error) {
	opts := []parquet.WriterProperty{parquet.WithCompression(codec.compression()), parquet.WithMaxRowGroupLength(rowGroupRows)}
	if rowGroupRows < 1<<17 {
		// Small row groups (cuboids): a dictionary page per column per
		// group costs more to write than it saves; the codec alone does
		// better (zstd at its fastest level compresses small pages about
		// as well).
		opts = append(opts, parquet.WithDictionaryDefault(false), parquet.WithCompressionLevel(1))
	}
	return newFileWriter(dataDir, dir, cols, rowGroupRows, opts)
}

// NewScratchFileWriter starts a file that is read once, in full, then
// removed (a cube build's slice): fast to write and read rather than
// small, with no statistics to skip row groups by.
func NewScratchFileWriter(dataDir, dir string, cols []Column) (*FileWriter, error) {
	opts := []parquet.WriterProperty{parquet.WithCompression(CodecSnappy.compression()), parquet.WithMaxRowGroupLength(BatchRows),
		parquet.WithDictionaryDefault(false), parquet.WithStats(false)}
	fw, err := newFileWriter(dataDir, dir, cols, BatchRows, opts)
	if err == nil {
		fw.noStats = true
	}
	return fw, err
}

func newFileWriter(dataDir, dir string, cols []Column, rowGroupRows int64, opts []parquet.WriterProperty) (*FileWriter, error) {
	id := make([]byte, 12)
	if _, err := rand.Read(id); err != nil {
		return nil, err
	}
	// Names sort by creation time, so scans read rows in load order.
	rel := filepath.Join(dir, fmt.Sprintf("%016x-%s.parquet", time.Now().UnixNano(), hex.EncodeToString(id)))
	full := filepath.Join(dataDir, rel)
	if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
		return nil, err
	}
	tmp := full + ".tmp"
	f, err := os.Create(tmp)
	if err != nil {
		return nil, err
	}
	props := parquet.NewWriterProperties(opts...)
	sch := ArrowSchema(cols)
	w, err := pqarrow.NewFileWriter(sch, f, props, pqarrow.NewArrowWriterProperties(pqarrow.WithStoreSchema()))
	if err != nil {
		f.Close()
		os.Remove(tmp)
		return nil, err
	}
	fw := &FileWriter{dataDir: dataDir, rel: rel, tmp: tmp, f: f, w: w, sch: sch, cols: cols, stats: make([]colStats, len(cols)), groupRows: rowGroupRows}
	if props.StatisticsEnabled() {
		fw.fromGroups = make([]bool, len(cols))
		for c, col := range cols {
			fw.fromGroups[c] = statsFromGroups(col.Type)
		}
	}
	return fw, nil
}

// AlignRowGroups makes row groups end where the most significant of the
// first cols columns changes, within the second half of each group: rows
// written sorted by those columns then give groups whose statistics span
// one value of the leading columns where they can (a cuboid's groups
// rarely straddle two regions), so scans skip more of them.
func (fw *FileWriter) AlignRowGroups(cols int) *FileWriter {
	fw.align = min(cols, len(fw.cols))
	return fw
}

// Write appends a batch whose columns are the writer's (names aside).
func (fw *FileWriter) Write(rec arrow.RecordBatch) error {
	fw.rows += rec.NumRows()
	if !fw.noStats {
		fw.observe(rec)
	}
	if !rec.Schema().Equal(fw.sch) {
		rec = array.NewRecordBatch(fw.sch, rec.Columns(), rec.NumRows())
		defer rec.Release()
	}
	if fw.align == 0 {
		return fw.w.WriteBuffered(rec)
	}
	n := int(rec.NumRows())
	for i := 0; i < n; {
		if fw.cutPending {
			fw.w.NewBufferedRowGroup()
			fw.cutPending, fw.inGroup = false, 0
		}
		room := int(fw.groupRows - fw.inGroup)
		end := n
		if n-i >= room {
			// The group fills in this batch: end it at the most
			// significant change in its second half.
			lo := i + max(1, int(fw.groupRows/2-fw.inGroup))
			end = fw.bestCut(rec, min(lo, i+room), i+room)
			fw.cutPending = true
		}
		if err := fw.writeRange(rec, i, end); err != nil {
			return err
		}
		fw.inGroup += int64(end - i)
		i = end
	}
	return nil
}

func (fw *FileWriter) writeRange(rec arrow.RecordBatch, from, to int) error {
	if from == 0 && to == int(rec.NumRows()) {
		return fw.w.WriteBuffered(rec)
	}
	part := rec.NewSlice(int64(from), int64(to))
	defer part.Release()
	return fw.w.WriteBuffered(part)
}

// bestCut returns the row in [lo, hi] (hi included: a full group) that
// starts the next group: the last one where the earliest changing aligned
// column changes from the row before; hi when none changes.
func (fw *FileWriter) bestCut(rec arrow.RecordBatch, lo, hi int) int {
	best, bestLevel := hi, fw.align
	for r := max(lo, 1); r <= hi && r < int(rec.NumRows()); r++ {
		if level := fw.changeLevel(rec, r, min(bestLevel+1, fw.align)); level <= bestLevel && level < fw.align {
			best, bestLevel = r, level
		}
	}
	return best
}

// changeLevel returns the first of the first limit columns whose value
// differs between rows r-1 and r, or fw.align when none does.
func (fw *FileWriter) changeLevel(rec arrow.RecordBatch, r, limit int) int {
	for c := 0; c < limit; c++ {
		col := rec.Column(c)
		fw.ka = AppendArrowKey(fw.ka[:0], col, r-1, fw.cols[c].Type)
		fw.kb = AppendArrowKey(fw.kb[:0], col, r, fw.cols[c].Type)
		if !bytes.Equal(fw.ka, fw.kb) {
			return c
		}
	}
	return fw.align
}

// observe keeps per-column null counts and min/max, for pruning.
func (fw *FileWriter) observe(rec arrow.RecordBatch) {
	var scratch []int64
	for c, col := range fw.cols {
		if fw.fromGroups != nil && fw.fromGroups[c] {
			continue
		}
		arr := rec.Column(c)
		st := &fw.stats[c]
		st.Nulls += int64(arr.NullN())
		cmp, ok := types.CompareFunc(col.Type)
		if !ok || col.Type.Family() == types.BytesFamily {
			continue
		}
		see := func(i int) {
			v := Value(arr, i, col.Type)
			switch {
			case v == nil:
			case st.min == nil:
				st.min, st.max = v, v
			case cmp(v, st.min) < 0:
				st.min = v
			case cmp(v, st.max) > 0:
				st.max = v
			}
		}
		if lo, hi, ok := extremes(arr, col.Type, &scratch); ok {
			if lo >= 0 {
				see(lo)
				see(hi)
			}
			continue
		}
		for i := 0; i < arr.Len(); i++ {
			see(i)
		}
	}
}

// extremes returns the positions of the least and greatest non-NULL values
// of arr (-1 if none) for the types whose order it knows without Datums:
// integers, dates and text other than char(n).
func extremes(arr arrow.Array, t types.T, scratch *[]int64) (lo, hi int, ok bool) {
	lo, hi = -1, -1
	valid := func(i int) bool { return arr.NullN() == 0 || arr.IsValid(i) }
	if a, isStr := arr.(*array.String); isStr {
		if t.Family() != types.StringFamily || t.Oid == types.OidBpchar {
			return 0, 0, false
		}
		for i := 0; i < a.Len(); i++ {
			if !valid(i) {
				continue
			}
			if lo < 0 {
				lo, hi = i, i
				continue
			}
			if v := a.Value(i); v < a.Value(lo) {
				lo = i
			} else if v > a.Value(hi) {
				hi = i
			}
		}
		return lo, hi, true
	}
	vals, err := int64s(arr, scratch)
	if err != nil || (t.Family() != types.IntFamily && t.Oid != types.OidDate) {
		return 0, 0, false
	}
	for i, v := range vals {
		if !valid(i) {
			continue
		}
		if lo < 0 {
			lo, hi = i, i
			continue
		}
		if v < vals[lo] {
			lo = i
		} else if v > vals[hi] {
			hi = i
		}
	}
	return lo, hi, true
}

// Finish closes the file, renames it into place and returns its metastore
// record. The caller commits it, or calls Remove on failure.
func (fw *FileWriter) Finish() (metastore.TableFile, error) {
	if err := fw.w.Close(); err != nil { // closes fw.f too
		os.Remove(fw.tmp)
		return metastore.TableFile{}, err
	}
	if !fw.noStats {
		fw.statsFromGroups()
	}
	full := filepath.Join(fw.dataDir, fw.rel)
	if err := os.Rename(fw.tmp, full); err != nil {
		os.Remove(fw.tmp)
		return metastore.TableFile{}, err
	}
	st, err := os.Stat(full)
	if err != nil {
		return metastore.TableFile{}, err
	}
	for c, col := range fw.cols {
		st := &fw.stats[c]
		if st.min != nil {
			st.Min, _ = types.FormatText(col.Type, st.min, &types.DefaultFormat)
			st.Max, _ = types.FormatText(col.Type, st.max, &types.DefaultFormat)
		}
	}
	tf := metastore.TableFile{Path: fw.rel, Rows: fw.rows, Bytes: st.Size()}
	if !fw.noStats {
		stats, _ := json.Marshal(fw.stats)
		tf.Stats = string(stats)
	}
	return tf, nil
}

// statsFromGroups sets the statistics of the fromGroups columns from the
// written row groups': the writer computed them anyway, page by page. A
// column whose values some group does not bound (Parquet leaves out
// statistics past 4 KB) gets none.
func (fw *FileWriter) statsFromGroups() {
	md, err := fw.w.FileMetadata()
	for c, col := range fw.cols {
		if fw.fromGroups == nil || !fw.fromGroups[c] {
			continue
		}
		st := &fw.stats[c]
		cmp, _ := types.CompareFunc(col.Type)
		unbounded := err != nil
		for g := 0; !unbounded && g < md.NumRowGroups(); g++ {
			gs, ok := groupStats(md, g, c, col.Type)
			if !ok || (gs.Min == nil && gs.Nulls < gs.Rows) {
				unbounded = true
				break
			}
			st.Nulls += gs.Nulls
			switch {
			case gs.Min == nil:
			case st.min == nil:
				st.min, st.max = gs.Min, gs.Max
			default:
				if cmp(gs.Min, st.min) < 0 {
					st.min = gs.Min
				}
				if cmp(gs.Max, st.max) > 0 {
					st.max = gs.Max
				}
			}
		}
		if unbounded {
			*st = colStats{}
		}
	}
}

// Abort discards an unfinished file.
func (fw *FileWriter) Abort() {
	fw.w.Close()
	os.Remove(fw.tmp)
}

// errNoRowGroups marks a file with none of a partitioned scan's row groups.
var errNoRowGroups = errors.New("no row groups for this part")

// RemoveFiles deletes committed files that are no longer part of a table.
func RemoveFiles(dataDir string, files []metastore.TableFile) error {
	var first error
	for _, f := range files {
		if err := os.Remove(filepath.Join(dataDir, f.Path)); err != nil && !os.IsNotExist(err) && first == nil {
			first = err
		}
	}
	return first
}

// Scan reads the given columns (by index in the file) of a table's files.
type Scan struct {
	dataDir string
	files   []metastore.TableFile
	cols    []Column
	indices []int

	cur  int                  // next file
	rr   pqarrow.RecordReader // of the current batch of row groups, without the column cache
	fr   *pqarrow.FileReader  // of the current file, without the column cache
	pf   *file.Reader
	last arrow.RecordBatch
	sch  *arrow.Schema
	// part of parts: this scan reads the row groups whose index is part
	// modulo parts (parallel workers split a table this way).
	part, parts int

	cached bool
	keep   RowGroupFilter
	window [2]int64 // when window[1] > 0, the rows whose row groups are read
	starts []int64  // each file's first row, for the window
	groups []int    // the row groups of the current file left to read
	// Through the column cache: the pieces of the current row group, per
	// read column.
	pieces  [][]arrow.Array
	piece   int
	started bool

	stats   *scanStats // statistics of the file last looked at (rowGroups sets it)
	implies ImpliedConds
	implied uint64 // what implies proved for the current row group
}

// nullColumn returns (retained) an all-NULL column c of n rows.
func (s *Scan) nullColumn(c, n int) arrow.Array {
	return nullArray(s.cols[c].Type, n)
}

// nulls keeps all-NULL arrays by SQL type and length: they are immutable,
// and every scan batch has one per column the query does not read.
var nulls = struct {
	mu sync.Mutex // guards m
	m  map[nullKey]arrow.Array
}{m: map[nullKey]arrow.Array{}}

type nullKey struct {
	t types.T
	n int
}

// nullArray returns (retained) an all-NULL array of n values of t.
func nullArray(t types.T, n int) arrow.Array {
	k := nullKey{t, n}
	nulls.mu.Lock()
	defer nulls.mu.Unlock()
	a, ok := nulls.m[k]
	if !ok {
		if len(nulls.m) >= 1024 {
			for _, old := range nulls.m {
				old.Release()
			}
			nulls.m = map[nullKey]arrow.Array{}
		}
		a = array.MakeArrayOfNull(memory.DefaultAllocator, ArrowType(t), n)
		nulls.m[k] = a
	}
	a.Retain()
	return a
}

// Partition makes the scan read only its share of every file's row groups.
func (s *Scan) Partition(part, parts int) *Scan {
	s.part, s.parts = part, parts
	return s
}

// NewScan scans files whose columns are cols, reading only the columns
// listed in read (ascending); the others come out as NULL placeholders, so
// column positions never change.
func NewScan(dataDir string, files []metastore.TableFile, cols []Column, read []int) *Scan {
	return &Scan{dataDir: dataDir, files: files, cols: cols, indices: read, sch: ArrowSchema(cols)}
}

// Columns returns the scanned columns.
func (s *Scan) Columns() []Column { return s.cols }

// Next returns the next batch, or nil at the end.
func (s *Scan) Next(ctx context.Context) (arrow.RecordBatch, error) {
	if !s.started {
		s.started = true
		s.cached = cacheFor(ctx)
	}
	if s.cached {
		return s.nextCached(ctx)
	}
	for {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if s.last != nil {
			s.last.Release()
			s.last = nil
		}
		if s.rr == nil {
			if s.fr == nil {
				if s.cur >= len(s.files) {
					return nil, nil
				}
				err := s.open(ctx, s.files[s.cur])
				s.cur++
				if errors.Is(err, errNoRowGroups) {
					continue
				}
				if err != nil {
					return nil, err
				}
			}
			if len(s.groups) == 0 {
				s.closeFile()
				continue
			}
			// A record reader per batch's worth of row groups, released
			// after them: a reader's buffers live as long as it does, and a
			// merge of many files keeps a scan of each open.
			n := s.batchGroups()
			rr, err := s.fr.GetRecordReader(ctx, s.indices, s.groups[:n])
			if err != nil {
				return nil, err
			}
			s.groups = s.groups[n:]
			s.rr = rr
		}
		if s.rr.Next() {
			rec := s.rr.RecordBatch()
			if len(s.indices) == len(s.cols) {
				rec.Retain()
				s.last = rec
				return rec, nil
			}
			n := rec.NumRows()
			arrs := make([]arrow.Array, len(s.cols))
			k := 0
			for c := range s.cols {
				if k < len(s.indices) && s.indices[k] == c {
					arrs[c] = rec.Column(k)
					arrs[c].Retain()
					k++
				} else {
					arrs[c] = array.MakeArrayOfNull(memory.DefaultAllocator, ArrowType(s.cols[c].Type), int(n))
				}
			}
			s.last = array.NewRecordBatch(s.sch, arrs, n)
			for _, a := range arrs {
				a.Release()
			}
			return s.last, nil
		}
		if err := s.rr.Err(); err != nil {
			return nil, fmt.Errorf("reading %s: %w", s.files[s.cur-1].Path, err)
		}
		s.rr.Release()
		s.rr = nil
	}
}

// nextCached reads through the column cache, one row group at a time.
func (s *Scan) nextCached(ctx context.Context) (arrow.RecordBatch, error) {
	for {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if s.last != nil {
			s.last.Release()
			s.last = nil
		}
		if s.pieces != nil && s.piece < len(s.pieces[0]) {
			p := s.piece
			s.piece++
			n := s.pieces[0][p].Len()
			arrs := make([]arrow.Array, len(s.cols))
			k := 0
			for c := range s.cols {
				if k < len(s.indices) && s.indices[k] == c {
					arrs[c] = s.pieces[k][p]
					arrs[c].Retain()
					k++
				} else {
					arrs[c] = s.nullColumn(c, n)
				}
			}
			s.last = array.NewRecordBatch(s.sch, arrs, int64(n))
			for _, a := range arrs {
				a.Release()
			}
			return s.last, nil
		}
		if s.pieces != nil {
			releaseColumns(s.pieces)
			s.pieces = nil
		}
		if len(s.groups) == 0 {
			s.closeFile()
			if s.cur >= len(s.files) {
				return nil, nil
			}
			f := s.files[s.cur]
			s.cur++
			md, err := footer(s.dataDir, f.Path)
			if err != nil {
				return nil, err
			}
			s.groups = s.rowGroups(s.cur-1, md)
			continue
		}
		g := s.groups[0]
		s.groups = s.groups[1:]
		s.implied = 0
		if s.implies != nil {
			s.stats.g = g // rowGroups looked at this file last
			s.implied = s.implies(s.stats.fn)
		}
		pieces, err := readRowGroup(ctx, s.dataDir, s.files[s.cur-1].Path, &s.pf, g, s.indices)
		if err != nil {
			return nil, err
		}
		if len(pieces) == 0 || len(pieces[0]) == 0 {
			releaseColumns(pieces)
			continue
		}
		s.pieces, s.piece = pieces, 0
	}
}

// batchGroups returns how many of the next row groups to read, without
// the column cache, with one record reader: at least one, and as many more
// as fit in a batch.
func (s *Scan) batchGroups() int {
	md := s.pf.MetaData()
	rows := md.RowGroup(s.groups[0]).NumRows()
	n := 1
	for ; n < len(s.groups); n++ {
		r := md.RowGroup(s.groups[n]).NumRows()
		if rows+r > BatchRows {
			break
		}
		rows += r
	}
	return n
}

func (s *Scan) open(ctx context.Context, f metastore.TableFile) error {
	pf, err := openData(s.dataDir, f.Path)
	if err != nil {
		return err
	}
	fr, err := pqarrow.NewFileReader(pf, pqarrow.ArrowReadProperties{BatchSize: BatchRows, Parallel: len(s.indices) > 1}, memory.DefaultAllocator)
	if err != nil {
		pf.Close()
		return err
	}
	groups := s.rowGroups(s.cur, pf.MetaData())
	if len(groups) == 0 {
		pf.Close()
		return errNoRowGroups
	}
	s.pf, s.fr, s.groups = pf, fr, groups
	return nil
}

func (s *Scan) closeFile() {
	if s.rr != nil {
		s.rr.Release()
		s.rr = nil
	}
	s.fr = nil
	if s.pf != nil {
		s.pf.Close()
		s.pf = nil
	}
}

// Close releases the scan.
func (s *Scan) Close() {
	if s.last != nil {
		s.last.Release()
		s.last = nil
	}
	if s.pieces != nil {
		releaseColumns(s.pieces)
		s.pieces = nil
	}
	s.closeFile()
}
