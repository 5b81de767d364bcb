package metastore

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"sort"
	"time"

	"github.com/lattice-olap/lattice/pgerr"
)

// Cube is a stored cube definition; Definition is the JSON of cube.Def.
type Cube struct {
	Project    string
	Name       string
	Definition string
	CreatedAt  time.Time
	Version    int64
}

// Segment statuses.
const (
	SegmentBuilding = "BUILDING" // a job is computing it; queries ignore it
	SegmentReady    = "READY"    // queries read it
	SegmentRetired  = "RETIRED"  // replaced by a refresh or merge; files kept until collected
)

// Segment is one time range of a cube. Start and End are the range on the
// partition column, [Start, End), in the column's canonical text; "" is
// unbounded. Stats and Files are JSON documents owned by the job engine.
type Segment struct {
	Project   string
	Cube      string
	ID        string
	Start     string
	End       string
	Status    string
	Stats     string
	Files     string
	CreatedAt time.Time
	UpdatedAt time.Time
	Version   int64
}

// CubeState is a project's cubes and their segments, as queries see them.
type CubeState struct {
	Cubes    []Cube
	Segments []Segment
}

// CreateCube records a cube; 42710 when the project has a cube or table of
// that name already checked by the caller.
func (s *Store) CreateCube(ctx context.Context, c Cube) error {
	return s.write(ctx, func(t *Tx) error {
		_, err := t.Exec(`INSERT INTO cubes (project, name, definition, created_at, version) VALUES (?, ?, ?, `+t.NowExpr()+`, 1)`,
			c.Project, c.Name, c.Definition)
		if s.dialect.isUniqueViolation(err) {
			return pgerr.New(pgerr.DuplicateObject, "cube %q already exists", c.Name)
		}
		if err != nil {
			return err
		}
		return t.logChange(EntityCube, c.Project, c.Name, "create")
	})
}

// DropCube removes a cube, its segments and its jobs' records. It returns
// the segments so that the caller can remove their files.
func (s *Store) DropCube(ctx context.Context, project, name string) ([]Segment, error) {
	var segs []Segment
	err := s.write(ctx, func(t *Tx) error {
		res, err := t.Exec(`DELETE FROM cubes WHERE project = ? AND name = ?`, project, name)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrNotFound
		}
		if segs, err = querySegments(t, `WHERE project = ? AND cube = ?`, project, name); err != nil {
			return err
		}
		if _, err := t.Exec(`DELETE FROM segments WHERE project = ? AND cube = ?`, project, name); err != nil {
			return err
		}
		if _, err := t.Exec(`UPDATE jobs SET status = 'DISCARDED', error = 'the cube was dropped', updated_at = `+t.NowExpr()+`, version = version + 1
			WHERE project = ? AND cube = ? AND status IN ('PENDING', 'RUNNING', 'PAUSED', 'ERROR')`, project, name); err != nil {
			return err
		}
		return t.logChange(EntityCube, project, name, "drop")
	})
	return segs, err
}

// Cubes lists a project's cubes by name; every project's when project is "".
func (s *Store) Cubes(ctx context.Context, project string) ([]Cube, error) {
	ctx, cancel := s.opctx(ctx)
	defer cancel()
	q := `SELECT project, name, definition, created_at, version FROM cubes`
	var args []any
	if project != "" {
		q += ` WHERE project = ?`
		args = append(args, project)
	}
	rows, err := s.db.QueryContext(ctx, s.dialect.rebind(q+` ORDER BY project, name`), args...)
	if err != nil {
		return nil, classify(err)
	}
	defer rows.Close()
	var out []Cube
	for rows.Next() {
		var c Cube
		var created int64
		if err := rows.Scan(&c.Project, &c.Name, &c.Definition, &created, &c.Version); err != nil {
			return nil, classify(err)
		}
		c.CreatedAt = time.UnixMilli(created).UTC()
		out = append(out, c)
	}
	return out, classify(rows.Err())
}

// CubeState returns the project's cubes and segments; from the cache when
// one runs (a change to either invalidates it), so that routing a query
// costs no round trip to the database.
func (s *Store) CubeState(ctx context.Context, project string) (*CubeState, error) {
	if c := s.activeCache(); c != nil {
		return c.cubeState(ctx, project)
	}
	return s.loadCubeState(ctx, project)
}

func (s *Store) loadCubeState(ctx context.Context, project string) (*CubeState, error) {
	cubes, err := s.Cubes(ctx, project)
	if err != nil {
		return nil, err
	}
	segs, err := s.Segments(ctx, project, "")
	if err != nil {
		return nil, err
	}
	return &CubeState{Cubes: cubes, Segments: segs}, nil
}

const segmentColumns = `project, cube, id, range_start, range_end, status, stats, files, created_at, updated_at, version`

type querier interface {
	Query(query string, args ...any) (*sql.Rows, error)
}

func querySegments(q querier, where string, args ...any) ([]Segment, error) {
	rows, err := q.Query(`SELECT `+segmentColumns+` FROM segments `+where+` ORDER BY project, cube, range_start, id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Segment
	for rows.Next() {
		var g Segment
		var created, updated int64
		if err := rows.Scan(&g.Project, &g.Cube, &g.ID, &g.Start, &g.End, &g.Status, &g.Stats, &g.Files, &created, &updated, &g.Version); err != nil {
			return nil, err
		}
		g.CreatedAt, g.UpdatedAt = time.UnixMilli(created).UTC(), time.UnixMilli(updated).UTC()
		out = append(out, g)
	}
	return out, rows.Err()
}

// dbQuerier adapts the store's database under a context to querier,
// rewriting placeholders for the backend.
type dbQuerier struct {
	ctx context.Context
	s   *Store
}

func (d dbQuerier) Query(q string, args ...any) (*sql.Rows, error) {
	return d.s.db.QueryContext(d.ctx, d.s.dialect.rebind(q), args...)
}

// Segments lists segments of project ("" for all projects), of cube when
// cube is not "".
func (s *Store) Segments(ctx context.Context, project, cube string) ([]Segment, error) {
	ctx, cancel := s.opctx(ctx)
	defer cancel()
	where, args := "WHERE 1 = 1", []any{}
	if project != "" {
		where += " AND project = ?"
		args = append(args, project)
	}
	if cube != "" {
		where += " AND cube = ?"
		args = append(args, cube)
	}
	segs, err := querySegments(dbQuerier{ctx, s}, where, args...)
	return segs, classify(err)
}

// SegmentsTx lists a cube's segments inside a transaction.
func (t *Tx) Segments(project, cube string) ([]Segment, error) {
	return querySegments(t, `WHERE project = ? AND cube = ?`, project, cube)
}

// InsertSegment adds a segment row.
func (t *Tx) InsertSegment(g Segment) error {
	if _, err := t.Exec(`INSERT INTO segments (`+segmentColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, `+t.NowExpr()+`, `+t.NowExpr()+`, 1)`,
		g.Project, g.Cube, g.ID, g.Start, g.End, g.Status, g.Stats, g.Files); err != nil {
		return err
	}
	return t.logChange(EntitySegment, g.Project, g.Cube, "create")
}

// UpdateSegment sets a segment's status, stats and files.
func (t *Tx) UpdateSegment(g Segment) error {
	res, err := t.Exec(`UPDATE segments SET status = ?, stats = ?, files = ?, updated_at = `+t.NowExpr()+`, version = version + 1
		WHERE project = ? AND cube = ? AND id = ?`, g.Status, g.Stats, g.Files, g.Project, g.Cube, g.ID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	return t.logChange(EntitySegment, g.Project, g.Cube, "update")
}

// DeleteSegment removes a segment row.
func (t *Tx) DeleteSegment(project, cube, id string) error {
	if _, err := t.Exec(`DELETE FROM segments WHERE project = ? AND cube = ? AND id = ?`, project, cube, id); err != nil {
		return err
	}
	return t.logChange(EntitySegment, project, cube, "drop")
}

// RetiredSegments lists segments retired longer ago than age, by the
// database clock: their files may be removed.
func (s *Store) RetiredSegments(ctx context.Context, age time.Duration) ([]Segment, error) {
	ctx, cancel := s.opctx(ctx)
	defer cancel()
	segs, err := querySegments(dbQuerier{ctx, s}, `WHERE status = ? AND updated_at < `+s.dialect.nowMillis()+` - ?`, SegmentRetired, age.Milliseconds())
	return segs, classify(err)
}

// DeleteRetiredSegment removes a retired segment's row once its files are
// gone.
func (s *Store) DeleteRetiredSegment(ctx context.Context, g Segment) error {
	return s.write(ctx, func(t *Tx) error {
		if _, err := t.Exec(`DELETE FROM segments WHERE project = ? AND cube = ? AND id = ? AND status = ?`, g.Project, g.Cube, g.ID, SegmentRetired); err != nil {
			return err
		}
		return t.logChange(EntitySegment, g.Project, g.Cube, "drop")
	})
}

// TableFingerprint identifies a table's committed files: it changes with
// every load, insert, truncate or drop of the table.
func (s *Store) TableFingerprint(ctx context.Context, project, schema, name string) (string, error) {
	files, err := s.TableFiles(ctx, project, schema, name)
	if err != nil {
		return "", err
	}
	paths := make([]string, len(files))
	for i, f := range files {
		paths[i] = f.Path
	}
	sort.Strings(paths)
	h := sha256.New()
	for _, p := range paths {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil)[:12]), nil
}

// cubeState returns the cached state of project, loading it on first use.
func (c *Cache) cubeState(ctx context.Context, project string) (*CubeState, error) {
	c.mu.RLock()
	st, ok := c.cubes[project]
	gen := c.cubeGen
	c.mu.RUnlock()
	if ok {
		return st, nil
	}
	st, err := c.s.loadCubeState(ctx, project)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	if c.cubeGen == gen {
		c.cubes[project] = st
	}
	c.mu.Unlock()
	return st, nil
}

// forgetCubes drops the cached cube state of project ("" for all).
func (c *Cache) forgetCubes(project string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.cubeGen++
	if project == "" {
		c.cubes = map[string]*CubeState{}
		return
	}
	delete(c.cubes, project)
}
