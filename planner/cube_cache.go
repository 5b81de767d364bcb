package planner

import (
	"encoding/json"
	"sync"

	"github.com/lattice-olap/lattice/cube"
	"github.com/lattice-olap/lattice/metastore"
)

// The cube route reads every cube's definition and every READY segment's
// statistics and file lists on each query; they are JSON in the metastore.
// defCache keeps them parsed, keyed by their row version (a changed row
// has a new version; a segment's stats and files never change once it is
// READY), so routing a query parses nothing it has seen before. Callers
// must not modify what it returns.
type defCache struct {
	mu   sync.Mutex // guards the maps
	defs map[cacheKey]*cube.Def
	segs map[cacheKey]*parsedSegment
}

type cacheKey struct {
	project, name string
	version       int64
}

// parsedSegment is a segment's Stats and Files, parsed.
type parsedSegment struct {
	stats cube.SegmentStats
	files cube.SegmentFiles
	err   error // of Files (a segment with corrupt stats is skipped)
	bad   bool  // Stats did not parse
}

// defCacheMax bounds each map; past it the map starts over.
const defCacheMax = 4096

// def returns the parsed definition of c.
func (p *Planner) cubeDef(c metastore.Cube) (*cube.Def, error) {
	k := cacheKey{c.Project, c.Name, c.Version}
	p.defs.mu.Lock()
	d, ok := p.defs.defs[k]
	p.defs.mu.Unlock()
	if ok {
		return d, nil
	}
	d, err := cube.Unmarshal(c.Definition)
	if err != nil {
		return nil, err
	}
	p.defs.mu.Lock()
	if p.defs.defs == nil || len(p.defs.defs) >= defCacheMax {
		p.defs.defs = map[cacheKey]*cube.Def{}
	}
	p.defs.defs[k] = d
	p.defs.mu.Unlock()
	return d, nil
}

// segment returns g's parsed statistics and files.
func (p *Planner) segment(g metastore.Segment) *parsedSegment {
	k := cacheKey{g.Project, g.ID, g.Version}
	p.defs.mu.Lock()
	s, ok := p.defs.segs[k]
	p.defs.mu.Unlock()
	if ok {
		return s
	}
	s = &parsedSegment{}
	s.bad = json.Unmarshal([]byte(g.Stats), &s.stats) != nil
	s.err = json.Unmarshal([]byte(g.Files), &s.files)
	p.defs.mu.Lock()
	if p.defs.segs == nil || len(p.defs.segs) >= defCacheMax {
		p.defs.segs = map[cacheKey]*parsedSegment{}
	}
	p.defs.segs[k] = s
	p.defs.mu.Unlock()
	return s
}
