package jobs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"time"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/lattice-olap/lattice/cube"
	"github.com/lattice-olap/lattice/exec"
	"github.com/lattice-olap/lattice/metastore"
	"github.com/lattice-olap/lattice/pgerr"
	"github.com/lattice-olap/lattice/planner"
)

// detail is what the steps of a job keep in job_steps.detail; each step
// fills its part, so that a resumed job finds what earlier steps did.
type detail struct {
	FactRows  int64             `json:"fact_rows,omitempty"`
	Tables    map[string]string `json:"tables,omitempty"`
	Rows      int64             `json:"rows,omitempty"`
	Omittable map[string]bool   `json:"omittable,omitempty"`
	// Work holds the written (not yet moved) file of each cuboid.
	Work map[string]cube.File `json:"work,omitempty"`
	// CuboidRows holds each built cuboid's row count.
	CuboidRows map[string]int64 `json:"cuboid_rows,omitempty"`
	Done       int              `json:"done,omitempty"`
	Cuboids    int              `json:"cuboids,omitempty"`
	// Files holds the final files of the segment.
	Files cube.SegmentFiles `json:"files,omitempty"`
}

// runCtx is one attempt at a job.
type runCtx struct {
	e       *Engine
	p       *project
	job     metastore.Job
	steps   []metastore.JobStep
	params  planner.JobParams
	def     *cube.Def
	segDir  string // relative to the data directory
	details []detail
}

// run executes a job from its first unfinished step.
func (e *Engine) run(ctx context.Context, p *project, job metastore.Job) {
	r := &runCtx{e: e, p: p, job: job}
	err := r.start(ctx)
	if err == nil {
		err = r.runSteps(ctx)
	}
	switch {
	case err == nil:
		e.log.Info("job finished", "job", job.ID, "project", job.Project, "cube", job.Cube, "type", job.Type)
	case errors.Is(err, errStopped), ctx.Err() != nil, errors.Is(err, metastore.ErrLeaseLost):
		e.log.Info("job stopped", "job", job.ID, "reason", err)
	default:
		e.log.Warn("job failed", "job", job.ID, "err", err)
		r.fail(ctx, err)
	}
}

// start marks the job RUNNING under this node's epoch and loads what it
// needs.
func (r *runCtx) start(ctx context.Context) error {
	st := r.e.cfg.Store
	c, err := st.CubeState(ctx, r.job.Project)
	if err != nil {
		return err
	}
	for _, cb := range c.Cubes {
		if cb.Name == r.job.Cube {
			if r.def, err = cube.Unmarshal(cb.Definition); err != nil {
				return err
			}
		}
	}
	if r.def == nil {
		return fmt.Errorf("cube %q no longer exists", r.job.Cube)
	}
	if err := json.Unmarshal([]byte(r.job.Params), &r.params); err != nil {
		return fmt.Errorf("job params: %w", err)
	}
	r.segDir = filepath.Join(planner.CubeDir(r.job.Project, r.job.Cube), r.params.Segment)
	err = st.Fenced(ctx, r.job.Project, r.e.cfg.InstanceID, r.p.epoch, func(t *metastore.Tx) error {
		job, steps, err := t.Job(r.job.ID)
		if err != nil {
			return err
		}
		if job.Status != metastore.JobPending && job.Status != metastore.JobRunning {
			return errStopped
		}
		job.Status, job.Node, job.Epoch = metastore.JobRunning, r.e.cfg.InstanceID, r.p.epoch
		r.job, r.steps = job, steps
		return t.UpdateJob(job)
	})
	if err != nil {
		return err
	}
	r.details = make([]detail, len(r.steps))
	for i, s := range r.steps {
		_ = json.Unmarshal([]byte(s.Detail), &r.details[i])
	}
	r.cleanOrphans()
	return nil
}

// cleanOrphans removes the files in the segment's directory that no
// finished or recorded step lists: what a dead attempt left behind.
func (r *runCtx) cleanOrphans() {
	keep := map[string]bool{}
	for _, d := range r.details {
		for _, f := range d.Work {
			keep[f.Path] = true
		}
		for _, fs := range d.Files {
			for _, f := range fs {
				keep[f.Path] = true
			}
		}
	}
	root := filepath.Join(r.e.cfg.DataDir, r.segDir)
	_ = filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return nil
		}
		rel, _ := filepath.Rel(r.e.cfg.DataDir, path)
		if !keep[rel] {
			_ = os.Remove(path)
		}
		return nil
	})
}

// runSteps runs the unfinished steps in order.
func (r *runCtx) runSteps(ctx context.Context) error {
	for i, s := range r.steps {
		if s.Status == metastore.StepFinished {
			continue
		}
		if err := r.check(ctx); err != nil {
			return err
		}
		if err := r.saveStep(ctx, i, metastore.StepRunning, r.progressAt(i, 0)); err != nil {
			return err
		}
		var err error
		switch s.Name {
		case "flat":
			err = r.flat(ctx, i)
		case "base":
			err = r.base(ctx, i)
		case "cuboids":
			err = r.cuboids(ctx, i)
		case "files":
			err = r.files(ctx, i)
		case "commit":
			return r.commit(ctx, i)
		default:
			err = fmt.Errorf("unknown step %q", s.Name)
		}
		if err != nil {
			return err
		}
		if err := r.saveStep(ctx, i, metastore.StepFinished, r.progressAt(i+1, 0)); err != nil {
			return err
		}
	}
	return nil
}

// progressAt is the job's progress at step i, frac of the way through it.
func (r *runCtx) progressAt(i int, frac float64) float64 {
	weights := []float64{0.05, 0.30, 0.55, 0.05, 0.05}
	p := 0.0
	for k := 0; k < i && k < len(weights); k++ {
		p += weights[k]
	}
	if i < len(weights) {
		p += weights[i] * frac
	}
	if p > 1 {
		p = 1
	}
	return p
}

// check stops the attempt when the job was paused or discarded.
func (r *runCtx) check(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	job, _, err := r.e.cfg.Store.Job(ctx, r.job.ID)
	if err != nil {
		return err
	}
	if job.Status != metastore.JobRunning {
		if job.Status == metastore.JobDiscarded {
			_ = os.RemoveAll(filepath.Join(r.e.cfg.DataDir, r.segDir))
		}
		return errStopped
	}
	return nil
}

// saveStep records step i's status and detail and the job's progress.
func (r *runCtx) saveStep(ctx context.Context, i int, status string, progress float64) error {
	body, _ := json.Marshal(r.details[i])
	return r.e.cfg.Store.Fenced(ctx, r.job.Project, r.e.cfg.InstanceID, r.p.epoch, func(t *metastore.Tx) error {
		job, _, err := t.Job(r.job.ID)
		if err != nil {
			return err
		}
		if job.Status != metastore.JobRunning {
			return errStopped
		}
		r.steps[i].Status, r.steps[i].Detail = status, string(body)
		if err := t.UpdateStep(r.steps[i]); err != nil {
			return err
		}
		job.Progress = progress
		return t.UpdateJob(job)
	})
}

// fail records the error; the job can be resumed from the failed step.
func (r *runCtx) fail(ctx context.Context, err error) {
	code, msg := string(pgerr.InternalError), err.Error()
	var pe *pgerr.Error
	if errors.As(err, &pe) {
		code, msg = string(pe.Code), pe.Message
	}
	_ = r.e.cfg.Store.Fenced(ctx, r.job.Project, r.e.cfg.InstanceID, r.p.epoch, func(t *metastore.Tx) error {
		job, _, err := t.Job(r.job.ID)
		if err != nil || job.Status != metastore.JobRunning {
			return err
		}
		job.Status, job.Error = metastore.JobError, code+": "+msg
		return t.UpdateJob(job)
	})
}

// scalar runs a query returning one integer.
func (r *runCtx) scalar(ctx context.Context, sql string) (int64, error) {
	rows, err := r.e.cfg.Planner.QueryInternal(ctx, r.job.Project, sql, nil)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	var n int64
	if rows.Next(ctx) {
		n, _ = rows.Row()[0].(int64)
	}
	return n, rows.Err()
}

func (r *runCtx) segRange() cube.Range { return cube.Range{Start: r.params.Start, End: r.params.End} }

// flat: read the range's flat rows; record whether each joined table may
// be left out of queries on this segment.
func (r *runCtx) flat(ctx context.Context, i int) error {
	d := &r.details[i]
	var err error
	if r.job.Type == "MERGE" {
		// The merged segments were verified; a table may be left out only
		// where it could be on each of them.
		return r.mergeFlat(ctx, d)
	}
	// The tables' files as the build is about to read them (a change after
	// this point makes the segment stale: conservative).
	d.Tables = map[string]string{}
	for _, t := range r.def.Tables() {
		fp, err := r.e.cfg.Store.TableFingerprint(ctx, r.job.Project, t.Schema, t.Name)
		if err != nil {
			return err
		}
		d.Tables[t.Alias] = fp
	}
	if d.FactRows, err = r.scalar(ctx, planner.FactCountSQL(r.def, r.segRange())); err != nil {
		return err
	}
	if d.Rows, err = r.scalar(ctx, planner.FlatCountSQL(r.def, r.segRange())); err != nil {
		return err
	}
	d.Omittable = map[string]bool{}
	allMatched := d.Rows == d.FactRows
	unique := map[string]bool{}
	for _, j := range r.def.Joins {
		dups, err := r.scalar(ctx, planner.DuplicateKeysSQL(j))
		if err != nil {
			return err
		}
		unique[j.Table.Alias] = dups == 0
		if !j.Left && dups > 0 {
			allMatched = false
		}
	}
	for _, j := range r.def.Joins {
		d.Omittable[j.Table.Alias] = unique[j.Table.Alias] && (j.Left || allMatched)
	}
	return nil
}

func (r *runCtx) mergeFlat(ctx context.Context, d *detail) error {
	segs, err := r.e.cfg.Store.Segments(ctx, r.job.Project, r.job.Cube)
	if err != nil {
		return err
	}
	d.Omittable = map[string]bool{}
	for _, j := range r.def.Joins {
		d.Omittable[j.Table.Alias] = true
	}
	// Merged segments built from the same table files keep their
	// fingerprints; any difference makes the merged segment stale.
	d.Tables = map[string]string{}
	for k, id := range r.params.Replaces {
		g, _ := findSegment(segs, id)
		var st cube.SegmentStats
		_ = json.Unmarshal([]byte(g.Stats), &st)
		for _, t := range r.def.Tables() {
			if k == 0 {
				d.Tables[t.Alias] = st.Tables[t.Alias]
			} else if d.Tables[t.Alias] != st.Tables[t.Alias] {
				d.Tables[t.Alias] = "mixed"
			}
		}
	}
	for _, id := range r.params.Replaces {
		g, ok := findSegment(segs, id)
		if !ok {
			return pgerr.New(pgerr.ObjectNotInPrerequisiteState, "segment %s to merge is gone", id)
		}
		var st cube.SegmentStats
		_ = json.Unmarshal([]byte(g.Stats), &st)
		d.FactRows += st.FactRows
		d.Rows += st.FlatRows
		for a := range d.Omittable {
			d.Omittable[a] = d.Omittable[a] && st.Omittable[a]
		}
	}
	return nil
}

func findSegment(segs []metastore.Segment, id string) (metastore.Segment, bool) {
	for _, g := range segs {
		if g.ID == id {
			return g, true
		}
	}
	return metastore.Segment{}, false
}

// write runs a query and writes its rows as one Parquet file under the
// segment's work directory, in the cuboid's own; a slice of a cuboid
// (inSlices) goes to a scratch file (exec.NewScratchFileWriter) under it.
//
// The rows are computed on this goroutine and encoded into Parquet on
// another, a batch behind: a roll-up that runs alone keeps two cores busy.
func (r *runCtx) write(ctx context.Context, sql string, inputs map[string]planner.FileInput, c cube.Cuboid, slice bool) (cube.File, error) {
	key := c.Key()
	dir := filepath.Join(r.segDir, "work", key)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	rows, err := r.e.cfg.Planner.QueryInternal(ctx, r.job.Project, sql, inputs)
	if err != nil {
		return cube.File{}, err
	}
	defer rows.Close()
	// Small row groups, ending where leading dimensions change: a cuboid
	// is sorted by its dimensions, so a filter on one skips most groups by
	// their statistics.
	var fw *exec.FileWriter
	if slice {
		fw, err = exec.NewScratchFileWriter(r.e.cfg.DataDir, filepath.Join(dir, "slices"), rows.Columns)
	} else if fw, err = exec.NewFileWriterRowGroups(r.e.cfg.DataDir, dir, rows.Columns, 4096, r.e.cfg.Compression); err == nil {
		fw.AlignRowGroups(c.Len())
	}
	if err != nil {
		return cube.File{}, err
	}
	batches, written := make(chan arrow.RecordBatch, 1), make(chan error, 1)
	go func() {
		var err error
		defer func() {
			// A bug in the encoder fails the job, not the node.
			if p := recover(); p != nil {
				cancel()
				for rec := range batches {
					rec.Release()
				}
				err = fmt.Errorf("writing %s: internal error: %v", key, p)
			}
			written <- err
		}()
		for rec := range batches {
			if err == nil {
				if err = fw.Write(rec); err != nil {
					cancel() // stops the query
				}
			}
			rec.Release()
		}
	}()
	produce := func() error {
		defer close(batches) // ends the writer even if the query panics
		for {
			rec, err := rows.NextBatch(ctx)
			if err != nil || rec == nil {
				return err
			}
			rec.Retain()
			batches <- rec
		}
	}
	err = produce()
	if werr := <-written; werr != nil {
		err = werr
	}
	if pgerr.CodeOf(err) == pgerr.OutOfMemory {
		// The slices are sized by an estimate of memory per row.
		err = pgerr.New(pgerr.OutOfMemory, "out of memory building cuboid %s: set lattice.cube.build-slice-rows below %d, or raise lattice.query.max-memory", key, r.sliceRows(c))
	}
	if err != nil {
		fw.Abort()
		return cube.File{}, err
	}
	tf, err := fw.Finish()
	if err != nil {
		return cube.File{}, err
	}
	return cube.File{Path: tf.Path, Rows: tf.Rows, Bytes: tf.Bytes, Stats: tf.Stats}, nil
}

func tableFiles(fs ...cube.File) []metastore.TableFile {
	out := make([]metastore.TableFile, len(fs))
	for i, f := range fs {
		out[i] = metastore.TableFile{Path: f.Path, Rows: f.Rows, Bytes: f.Bytes, Stats: f.Stats}
	}
	return out
}

// base: aggregate the base cuboid, from the raw rows, or for a merge from
// the base cuboids of the merged segments.
func (r *runCtx) base(ctx context.Context, i int) error {
	d := &r.details[i]
	base := r.def.Base()
	var f cube.File
	var err error
	if r.job.Type == "MERGE" {
		segs, err := r.e.cfg.Store.Segments(ctx, r.job.Project, r.job.Cube)
		if err != nil {
			return err
		}
		var in []cube.File
		for _, id := range r.params.Replaces {
			g, _ := findSegment(segs, id)
			var files cube.SegmentFiles
			if err := json.Unmarshal([]byte(g.Files), &files); err != nil {
				return err
			}
			in = append(in, files[base.Key()]...)
		}
		// Each segment's base cuboid is sorted by its dimensions: they
		// merge as they are read (exec.Merge), and aggregate run by run.
		inputs := map[string]planner.FileInput{"merge_input": {Columns: planner.CuboidColumns(r.def, base), Files: tableFiles(in...), Sorted: base.Len()}}
		f, err = r.write(ctx, planner.RollupSQL(r.def, base, "merge_input"), inputs, base, false)
		if err != nil {
			return err
		}
	} else if f, err = r.baseSlices(ctx, i); err != nil {
		return err
	}
	d.Work = map[string]cube.File{base.Key(): f}
	d.CuboidRows = map[string]int64{base.Key(): f.Rows}
	d.Rows = f.Rows
	return nil
}

// sliceColumnBytes is about how much memory an aggregation into a cuboid
// holds per input row and cuboid column when each row is a group of its
// own (its hash table, then its sort): the SSB base cuboid, 19 columns,
// held 1.1 KB per row.
const sliceColumnBytes = 64

// DefaultSliceRows is how many input rows an aggregation into a cuboid of
// cols columns takes at once, so that it holds about half of maxMemory
// (at least 64K rows).
func DefaultSliceRows(maxMemory int64, cols int) int64 {
	if maxMemory <= 0 {
		maxMemory = 4 << 30
	}
	return max(maxMemory/2/(sliceColumnBytes*int64(max(cols, 1))), 1<<16)
}

// sliceRows is how many input rows an aggregation into cuboid c takes at
// once (Config.SliceRows, lattice.cube.build-slice-rows, when set).
func (r *runCtx) sliceRows(c cube.Cuboid) int64 {
	if r.e.cfg.SliceRows > 0 {
		return r.e.cfg.SliceRows
	}
	return DefaultSliceRows(r.e.cfg.MaxMemory, c.Len()+len(r.def.Measures))
}

// baseSlices aggregates the range's flat rows into the base cuboid, in
// slices of the fact table when they are more than sliceRows: the base
// cuboid of a fact table has about as many groups as it has rows.
func (r *runCtx) baseSlices(ctx context.Context, i int) (cube.File, error) {
	base := r.def.Base()
	flatRows, per := r.details[i-1].Rows, r.sliceRows(base)
	if flatRows <= per {
		return r.write(ctx, planner.BaseCuboidSQL(r.def, r.segRange()), nil, base, false)
	}
	fact, err := r.e.cfg.Planner.FactInput(ctx, r.job.Project, r.def)
	if err != nil {
		return cube.File{}, err
	}
	// As many windows as the range's rows need: one holds about per of
	// them when they are spread evenly over the table.
	n := (flatRows + per - 1) / per
	const input = "lattice_fact_slice"
	return r.inSlices(ctx, base, fact, n, planner.BaseSliceSQL(r.def, r.segRange(), input), input, func(k int64) error {
		// The slices are most of the step's work; the merge the rest.
		return r.saveStep(ctx, i, metastore.StepRunning, r.progressAt(i, 0.8*float64(k)/float64(n)))
	})
}

// inSlices computes cuboid c with sql, an aggregation of relation input,
// over n windows of in's rows, one after another: each window's groups go
// to a scratch file, sorted, and the files are then merged as they are
// read (exec.Merge) and aggregated run by run into c's file. Memory goes
// with the window, not the input. sliced is called after each window.
func (r *runCtx) inSlices(ctx context.Context, c cube.Cuboid, in planner.FileInput, n int64, sql, input string, sliced func(k int64) error) (cube.File, error) {
	var rows int64
	for _, f := range in.Files {
		rows += f.Rows
	}
	// Windows are cut at row groups: the last one reaches past every row.
	step := (rows + n - 1) / n
	var slices []cube.File
	defer func() {
		// The slices are inputs only: removed once merged, or on failure.
		_ = exec.RemoveFiles(r.e.cfg.DataDir, tableFiles(slices...))
	}()
	for k := int64(0); k < n; k++ {
		w := in
		w.From, w.To = k*step, (k+1)*step
		if k == n-1 {
			w.To = math.MaxInt64
		}
		f, err := r.write(ctx, sql, map[string]planner.FileInput{input: w}, c, true)
		if err != nil {
			return cube.File{}, err
		}
		slices = append(slices, f)
		if err := sliced(k + 1); err != nil {
			return cube.File{}, err
		}
	}
	r.e.log.Info("cuboid aggregated in slices", "job", r.job.ID, "cuboid", c.Key(), "slices", n, "input_rows", rows)
	inputs := map[string]planner.FileInput{"slices": {Columns: planner.CuboidColumns(r.def, c), Files: tableFiles(slices...), Sorted: c.Len()}}
	return r.write(ctx, planner.RollupSQL(r.def, c, "slices"), inputs, c, false)
}

// rollup derives cuboid c from parent, whose file is in, in slices of the
// parent's rows when sliced (r.sliced).
func (r *runCtx) rollup(ctx context.Context, c, parent cube.Cuboid, in cube.File, sliced bool) (cube.File, error) {
	input := planner.FileInput{Columns: planner.CuboidColumns(r.def, parent), Files: tableFiles(in), Sorted: parent.Len()}
	if sliced {
		per := r.sliceRows(c)
		return r.inSlices(ctx, c, input, (in.Rows+per-1)/per, planner.RollupSQL(r.def, c, "parent"), "parent", func(int64) error { return nil })
	}
	return r.write(ctx, planner.RollupSQL(r.def, c, "parent"), map[string]planner.FileInput{"parent": input}, c, false)
}

// sliced reports whether rollup derives c from parent's file in in
// slices: when the parent has more than sliceRows rows and c would hold
// about as many groups at once. That is when c does not stream from the
// parent, or streams in runs that long: a run of the parent's first
// dimension is aggregated whole (at SF 10, a year of the SSB base cuboid
// is 8.6 million rows). The runs are estimated from the parent's
// row-group statistics (exec.LeadingRuns).
func (r *runCtx) sliced(c, parent cube.Cuboid, in cube.File) bool {
	per := r.sliceRows(c)
	return in.Rows > per && (!streams(c, parent) || r.longRuns(in, parent, per))
}

// rollups derives the cuboids cs from parent, whose file is in, calling
// built with each one's file as it is written. Those not sliced
// (rollup) read one decode of the parent's file, shared (exec.Shared):
// decoding a parent costs about as much as aggregating it, and the SSB
// cube's largest parents have two or three children.
func (r *runCtx) rollups(ctx context.Context, cs []cube.Cuboid, parent cube.Cuboid, in cube.File, built func(c cube.Cuboid, f cube.File, start time.Time) error) error {
	var shared []cube.Cuboid
	for _, c := range cs {
		// Whether c goes in slices reads the parent's statistics: once.
		sliced := r.sliced(c, parent, in)
		if len(cs) > 1 && !sliced {
			shared = append(shared, c)
			continue
		}
		start := time.Now()
		f, err := r.rollup(ctx, c, parent, in, sliced)
		if err == nil {
			err = built(c, f, start)
		}
		if err != nil {
			return err
		}
	}
	if len(shared) == 0 {
		return nil
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	cols := planner.CuboidColumns(r.def, parent)
	every := make([]int, len(cols))
	for i := range every {
		every[i] = i
	}
	src := exec.NewScan(r.e.cfg.DataDir, tableFiles(in), cols, every)
	sh := exec.NewShared(exec.WithoutColumnCache(ctx), src, len(shared))
	defer sh.Close()
	errs := make([]error, len(shared))
	var wg sync.WaitGroup
	for k, c := range shared {
		wg.Go(func() {
			tap := sh.Tap(k)
			defer tap.Close()
			start := time.Now()
			input := planner.FileInput{Columns: cols, Files: tableFiles(in), Sorted: parent.Len(), Tap: tap}
			f, err := r.write(ctx, planner.RollupSQL(r.def, c, "parent"), map[string]planner.FileInput{"parent": input}, c, false)
			if err == nil {
				err = built(c, f, start)
			}
			if err != nil {
				errs[k] = err
				cancel() // the siblings stop too
			}
		})
	}
	wg.Wait()
	return firstError(errs)
}

// firstError returns the first error of errs that is not the
// cancellation it caused in the others, or else the first.
func firstError(errs []error) error {
	var first error
	for _, err := range errs {
		if err != nil && !errors.Is(err, context.Canceled) {
			return err
		}
		if first == nil {
			first = err
		}
	}
	return first
}

// longRuns reports whether the runs of parent's first dimension in its
// file f average more than per rows.
func (r *runCtx) longRuns(f cube.File, parent cube.Cuboid, per int64) bool {
	runs, ok := exec.LeadingRuns(r.e.cfg.DataDir, tableFiles(f)[0], planner.CuboidColumns(r.def, parent))
	return ok && f.Rows/runs > per
}

// bigParentRows is the parent size past which a roll-up that does not
// stream holds enough rows in memory (hash table, sort) that the workers
// run only one such at a time.
const bigParentRows = 1 << 20

// maxSiblings is how many cuboids at most share one read of their parent
// (rollups).
const maxSiblings = 4

// streams reports whether cuboid c rolls up from parent in a stream: the
// parent's file is sorted by its dimensions, so when c holds the first of
// them the aggregation goes run by run (exec.RunAgg), in little memory.
func streams(c, parent cube.Cuboid) bool {
	d := parent.Dims()
	return len(d) > 0 && c.Has(cube.Cuboid(1)<<d[0])
}

// cuboids: derive every other cuboid from its smallest built parent,
// recording each as it is written. One worker per core builds cuboids side
// by side (only one of them from a parent of over bigParentRows rows that
// does not stream); a cuboid starts once every cuboid that holds its
// dimensions is built, so each gets the parent a one-at-a-time build would
// pick. A worker takes the ready cuboids of one parent together and
// decodes the parent once for them (rollups).
func (r *runCtx) cuboids(ctx context.Context, i int) error {
	d := &r.details[i]
	baseD := r.details[i-1]
	if d.Work == nil {
		d.Work, d.CuboidRows = map[string]cube.File{}, map[string]int64{}
	}
	built := map[cube.Cuboid]int64{}
	files := map[cube.Cuboid]cube.File{}
	for _, c := range r.def.Cuboids {
		if f, ok := baseD.Work[c.Key()]; ok {
			built[c], files[c] = f.Rows, f
		}
		if f, ok := d.Work[c.Key()]; ok {
			built[c], files[c] = f.Rows, f
		}
	}
	d.Cuboids = len(r.def.Cuboids)
	var pending []cube.Cuboid
	for _, c := range r.def.Cuboids {
		if _, ok := built[c]; !ok {
			pending = append(pending, c)
		}
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		mu         sync.Mutex // guards everything below, d and r's saves
		cond       = sync.NewCond(&mu)
		running    = map[cube.Cuboid]bool{} // cuboid being built: from a large parent?
		bigRunning bool
		firstErr   error
		lastSave   = time.Now()
	)
	// ready reports whether every pending or running cuboid that holds c's
	// dimensions is built.
	ready := func(c cube.Cuboid) bool {
		for _, p := range pending {
			if p != c && p.Has(c) {
				return false
			}
		}
		for p := range running {
			if p.Has(c) {
				return false
			}
		}
		return true
	}
	// next takes the first ready cuboid and the other ready ones with the
	// same parent (rollups reads the parent once for them), waiting while
	// none is; false when all are done or the build failed.
	next := func() (cs []cube.Cuboid, parent cube.Cuboid, ok bool) {
		mu.Lock()
		defer mu.Unlock()
		for {
			if firstErr != nil || len(pending) == 0 {
				return nil, 0, false
			}
			var rest []cube.Cuboid
			for _, c := range pending {
				if len(cs) == maxSiblings || !ready(c) {
					rest = append(rest, c)
					continue
				}
				p, ok := cube.Parent(c, built)
				if !ok {
					firstErr = fmt.Errorf("cuboid %s has no built parent", c.Key())
					cond.Broadcast()
					return nil, 0, false
				}
				big := built[p] > bigParentRows && !streams(c, p)
				if (len(cs) > 0 && p != parent) || (big && bigRunning) {
					rest = append(rest, c) // one large roll-up at a time bounds memory
					continue
				}
				cs, parent = append(cs, c), p
				running[c] = big
				bigRunning = bigRunning || big
			}
			if len(cs) > 0 {
				pending = rest
				return cs, parent, true
			}
			cond.Wait()
		}
	}
	fail := func(err error) {
		mu.Lock()
		defer mu.Unlock()
		if firstErr == nil {
			firstErr = err
		}
		cancel()
		cond.Broadcast()
	}
	// done records a written cuboid; about once a second it saves the
	// progress (and notices a pause or cancel) rather than per cuboid: a
	// cuboid written but not recorded is an orphan that a resumed job
	// removes and builds again.
	done := func(c cube.Cuboid, f cube.File) error {
		mu.Lock()
		defer mu.Unlock()
		if running[c] {
			bigRunning = false
		}
		delete(running, c)
		built[c], files[c] = f.Rows, f
		d.Work[c.Key()], d.CuboidRows[c.Key()] = f, f.Rows
		d.Done = len(built)
		cond.Broadcast()
		if time.Since(lastSave) < time.Second {
			return nil
		}
		lastSave = time.Now()
		if err := r.check(ctx); err != nil {
			return err
		}
		// On failure the file is not recorded: the next attempt removes it.
		return r.saveStep(ctx, i, metastore.StepRunning, r.progressAt(i, float64(len(built))/float64(len(r.def.Cuboids))))
	}
	var wg sync.WaitGroup
	for w := 0; w < min(runtime.GOMAXPROCS(0), 4); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				cs, parent, ok := next()
				if !ok {
					return
				}
				mu.Lock()
				in := files[parent]
				mu.Unlock()
				err := r.rollups(ctx, cs, parent, in, func(c cube.Cuboid, f cube.File, start time.Time) error {
					r.e.log.Info("cuboid built", "job", r.job.ID, "cuboid", c.Key(), "parent", parent.Key(), "parent_rows", in.Rows, "rows", f.Rows, "siblings", len(cs)-1, "seconds", time.Since(start).Seconds())
					return done(c, f)
				})
				if err != nil {
					fail(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	if firstErr != nil {
		return firstErr
	}
	d.Done = len(built)
	return nil
}

// files: move each cuboid's file from the work directory to its final
// name. Moving is idempotent: a file already moved is found in place.
func (r *runCtx) files(_ context.Context, i int) error {
	d := &r.details[i]
	d.Files = cube.SegmentFiles{}
	work := map[string]cube.File{}
	for k, f := range r.details[i-2].Work {
		work[k] = f
	}
	for k, f := range r.details[i-1].Work {
		work[k] = f
	}
	var total int64
	for key, f := range work {
		final := filepath.Join(r.segDir, key+".parquet")
		src, dst := filepath.Join(r.e.cfg.DataDir, f.Path), filepath.Join(r.e.cfg.DataDir, final)
		if err := os.Rename(src, dst); err != nil {
			if _, serr := os.Stat(dst); serr != nil {
				return err
			}
		}
		f.Path = final
		d.Files[key] = []cube.File{f}
		total += f.Bytes
	}
	_ = os.RemoveAll(filepath.Join(r.e.cfg.DataDir, r.segDir, "work"))
	d.Rows = total
	return nil
}

// commit makes the segment READY, retires the segments it replaces and
// finishes the job, in one fenced transaction.
func (r *runCtx) commit(ctx context.Context, i int) error {
	flat, cub, files := r.details[0], r.details[2], r.details[3]
	stats := cube.SegmentStats{FactRows: flat.FactRows, FlatRows: flat.Rows, Omittable: flat.Omittable, Tables: flat.Tables, Cuboids: map[string]int64{}}
	for k, n := range r.details[1].CuboidRows {
		stats.Cuboids[k] = n
	}
	for k, n := range cub.CuboidRows {
		stats.Cuboids[k] = n
	}
	for _, fs := range files.Files {
		for _, f := range fs {
			stats.Bytes += f.Bytes
		}
	}
	statsBody, _ := json.Marshal(stats)
	filesBody, _ := json.Marshal(files.Files)
	return r.e.cfg.Store.Fenced(ctx, r.job.Project, r.e.cfg.InstanceID, r.p.epoch, func(t *metastore.Tx) error {
		job, _, err := t.Job(r.job.ID)
		if err != nil {
			return err
		}
		if job.Status != metastore.JobRunning {
			return errStopped
		}
		segs, err := t.Segments(r.job.Project, r.job.Cube)
		if err != nil {
			return err
		}
		seg, ok := findSegment(segs, r.params.Segment)
		if !ok {
			return errStopped
		}
		seg.Status, seg.Stats, seg.Files = metastore.SegmentReady, string(statsBody), string(filesBody)
		if err := t.UpdateSegment(seg); err != nil {
			return err
		}
		for _, id := range r.params.Replaces {
			if old, ok := findSegment(segs, id); ok {
				old.Status = metastore.SegmentRetired
				if err := t.UpdateSegment(old); err != nil {
					return err
				}
			}
		}
		r.steps[i].Status, r.steps[i].Detail = metastore.StepFinished, "{}"
		if err := t.UpdateStep(r.steps[i]); err != nil {
			return err
		}
		job.Status, job.Progress, job.Error = metastore.JobFinished, 1, ""
		return t.UpdateJob(job)
	})
}
