package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/lattice-olap/lattice/ssb"
)

// generate writes each SSB table once to <data>/sf<SF>-seed<seed>/<table>.tbl
// (COPY text format) and reuses the files on later runs. A file is written
// under a temporary name and renamed, so an interrupted run leaves none half
// written.
func generate(ctx context.Context, o options) (map[string]string, error) {
	gen, err := ssb.New(o.sf, o.seed)
	if err != nil {
		return nil, err
	}
	dir, err := filepath.Abs(filepath.Join(o.dataDir, fmt.Sprintf("sf%g-seed%d", o.sf, o.seed)))
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	files := map[string]string{}
	for _, t := range ssb.Tables {
		path := filepath.Join(dir, t.Name+".tbl")
		files[t.Name] = path
		if _, err := os.Stat(path); err == nil {
			continue
		}
		start := time.Now()
		tmp := path + ".tmp"
		f, err := os.Create(tmp)
		if err != nil {
			return nil, err
		}
		n, err := gen.WriteTable(ctx, f, t.Name)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			os.Remove(tmp)
			return nil, fmt.Errorf("generating %s: %w", t.Name, err)
		}
		if err := os.Rename(tmp, path); err != nil {
			return nil, err
		}
		logf("generated %s: %d rows in %.1fs", t.Name, n, time.Since(start).Seconds())
	}
	return files, nil
}
