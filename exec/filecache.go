package exec

import (
	"container/list"
	"context"
	"fmt"
	"path/filepath"
	"sync"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/apache/arrow-go/v18/parquet/file"
	"github.com/apache/arrow-go/v18/parquet/metadata"
	"github.com/apache/arrow-go/v18/parquet/pqarrow"
)

// The column cache keeps decoded columns of hot data files in memory as
// Arrow arrays (DESIGN.md "Storage"), so that repeated dashboard queries
// over the same cuboids and tables skip Parquet decoding. Files are
// immutable once committed and their names are never reused, so entries
// never go stale; the cache is bounded in bytes and evicts the least
// recently used column chunk.

// chunkKey names one column of one row group of one file.
type chunkKey struct {
	path     string
	rowGroup int
	column   int
}

type chunkEntry struct {
	key   chunkKey
	arrs  []arrow.Array // in BatchRows pieces
	bytes int64
}

type columnCache struct {
	mu    sync.Mutex // guards every field below
	max   int64
	used  int64
	order *list.List // of *chunkEntry, most recent first
	items map[chunkKey]*list.Element
}

var fileCache = &columnCache{max: 512 << 20, order: list.New(), items: map[chunkKey]*list.Element{}}

// SetColumnCacheSize bounds the column cache; 0 disables it.
func SetColumnCacheSize(bytes int64) {
	fileCache.mu.Lock()
	defer fileCache.mu.Unlock()
	fileCache.max = bytes
	fileCache.evictLocked()
}

// noCacheKey marks a context whose scans bypass the column cache.
type noCacheKey struct{}

// WithoutColumnCache returns ctx for work that reads its files once, such
// as a cube build's: its scans neither read nor fill the column cache, so
// they do not evict what queries keep hot, and read each file with one
// reader, taking a record reader per batch's worth of row groups.
func WithoutColumnCache(ctx context.Context) context.Context {
	return context.WithValue(ctx, noCacheKey{}, true)
}

// cacheFor reports whether scans under ctx go through the column cache.
func cacheFor(ctx context.Context) bool {
	return ctx.Value(noCacheKey{}) == nil && fileCache.enabled()
}

func (c *columnCache) enabled() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.max > 0
}

// get returns the cached arrays of a chunk, retained for the caller.
func (c *columnCache) get(k chunkKey) ([]arrow.Array, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.items[k]
	if !ok {
		return nil, false
	}
	c.order.MoveToFront(el)
	arrs := el.Value.(*chunkEntry).arrs
	for _, a := range arrs {
		a.Retain()
	}
	return arrs, true
}

// put stores a chunk (the cache takes its own references).
func (c *columnCache) put(k chunkKey, arrs []arrow.Array) {
	var bytes int64
	for _, a := range arrs {
		bytes += arraySize(a.Data())
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.items[k]; ok || bytes > c.max/4 {
		return
	}
	for _, a := range arrs {
		a.Retain()
	}
	c.items[k] = c.order.PushFront(&chunkEntry{key: k, arrs: arrs, bytes: bytes})
	c.used += bytes
	c.evictLocked()
}

func (c *columnCache) evictLocked() {
	for c.used > c.max && c.order.Len() > 0 {
		el := c.order.Back()
		e := el.Value.(*chunkEntry)
		c.order.Remove(el)
		delete(c.items, e.key)
		c.used -= e.bytes
		for _, a := range e.arrs {
			a.Release()
		}
	}
}

// arraySize is the memory d holds: its buffers' capacity.
func arraySize(d arrow.ArrayData) int64 {
	var n int64
	for _, b := range d.Buffers() {
		if b != nil {
			n += int64(max(b.Cap(), b.Len()))
		}
	}
	for _, ch := range d.Children() {
		if ch != nil {
			n += arraySize(ch)
		}
	}
	if dict, ok := d.Dictionary().(*array.Data); ok && dict != nil {
		n += arraySize(dict)
	}
	return n
}

// footers keeps the parsed footers (file metadata) of data files, so that
// a scan of cached row groups opens no file at all, and one that reads
// opens it without parsing the footer again. Bounded by count: past
// footerMax it starts over.
var footers = struct {
	mu sync.Mutex // guards m
	m  map[string]*metadata.FileMetaData
}{m: map[string]*metadata.FileMetaData{}}

const footerMax = 4096

// footer returns the metadata of the data file at path.
func footer(dataDir, path string) (*metadata.FileMetaData, error) {
	full := filepath.Join(dataDir, path)
	footers.mu.Lock()
	md, ok := footers.m[full]
	footers.mu.Unlock()
	if ok {
		return md, nil
	}
	pf, err := file.OpenParquetFile(full, false)
	if err != nil {
		return nil, fmt.Errorf("opening data file %s: %w", path, err)
	}
	md = pf.MetaData()
	pf.Close()
	md.WriterVersion() // set lazily; set it now, before readers share md
	footers.mu.Lock()
	if len(footers.m) >= footerMax {
		footers.m = map[string]*metadata.FileMetaData{}
	}
	footers.m[full] = md
	footers.mu.Unlock()
	return md, nil
}

// openData opens the data file at path with its cached footer.
func openData(dataDir, path string) (*file.Reader, error) {
	md, err := footer(dataDir, path)
	if err != nil {
		return nil, err
	}
	pf, err := file.OpenParquetFile(filepath.Join(dataDir, path), false, file.WithMetadata(md))
	if err != nil {
		return nil, fmt.Errorf("opening data file %s: %w", path, err)
	}
	return pf, nil
}

// readRowGroup returns, for each column in indices, the arrays of row group
// rg of f, from the cache or read (and cached).
func readRowGroup(ctx context.Context, dataDir, path string, pf **file.Reader, rg int, indices []int) ([][]arrow.Array, error) {
	out := make([][]arrow.Array, len(indices))
	var missing []int
	for i, col := range indices {
		if arrs, ok := fileCache.get(chunkKey{path, rg, col}); ok {
			out[i] = arrs
		} else {
			missing = append(missing, i)
		}
	}
	if len(missing) == 0 {
		return out, nil
	}
	if *pf == nil {
		p, err := openData(dataDir, path)
		if err != nil {
			releaseColumns(out)
			return nil, err
		}
		*pf = p
	}
	// Batches no larger than the row group: the reader sizes its buffers
	// for a whole batch, and cached arrays keep that capacity.
	batch := min(int64(BatchRows), max(1, (*pf).MetaData().RowGroup(rg).NumRows()))
	fr, err := pqarrow.NewFileReader(*pf, pqarrow.ArrowReadProperties{BatchSize: batch, Parallel: len(missing) > 1}, memory.DefaultAllocator)
	if err != nil {
		releaseColumns(out)
		return nil, err
	}
	cols := make([]int, len(missing))
	for k, i := range missing {
		cols[k] = indices[i]
	}
	rr, err := fr.GetRecordReader(ctx, cols, []int{rg})
	if err != nil {
		releaseColumns(out)
		return nil, err
	}
	defer rr.Release()
	for rr.Next() {
		rec := rr.RecordBatch()
		for k, i := range missing {
			a := rec.Column(k)
			a.Retain()
			out[i] = append(out[i], a)
		}
	}
	if err := rr.Err(); err != nil {
		releaseColumns(out)
		return nil, fmt.Errorf("reading %s: %w", path, err)
	}
	for _, i := range missing {
		fileCache.put(chunkKey{path, rg, indices[i]}, out[i])
	}
	return out, nil
}

func releaseColumns(cols [][]arrow.Array) {
	for _, arrs := range cols {
		for _, a := range arrs {
			a.Release()
		}
	}
}
