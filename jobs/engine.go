package jobs

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"github.com/lattice-olap/lattice/exec"
	"github.com/lattice-olap/lattice/metastore"
	"github.com/lattice-olap/lattice/planner"
)

// Config is what the engine needs from the node.
type Config struct {
	Store      *metastore.Store
	Planner    *planner.Planner
	DataDir    string
	InstanceID string // the owner name of this node's leases
	Logger     *slog.Logger
	// Poll is how often an adopted project's jobs are looked for without a
	// Wake; 0 means 2 s.
	Poll time.Duration
	// RetiredAge is how long the files of a retired segment are kept for
	// queries still reading them; 0 means 10 minutes.
	RetiredAge time.Duration
	// SliceRows is how many flat rows a build aggregates into its base
	// cuboid at once (lattice.cube.build-slice-rows); a larger range is
	// aggregated in slices of its fact table, then merged. 0 means
	// DefaultSliceRows(lattice.query.max-memory) for each cube.
	SliceRows int64
	// MaxMemory is lattice.query.max-memory, which sizes the slices when
	// SliceRows is 0.
	MaxMemory int64
	// Compression is the codec of cuboid files (lattice.cube.compression);
	// empty means Snappy.
	Compression exec.Codec
}

// Engine runs the jobs of the projects whose lease this node holds. The
// cluster package calls Adopt when the node gains a project's lease and
// Drop when it loses it; each adopted project has one goroutine that runs
// its jobs one at a time, every write fenced by the lease epoch.
type Engine struct {
	cfg Config
	log *slog.Logger

	mu       sync.Mutex // guards projects
	projects map[string]*project
	wg       sync.WaitGroup
}

// project is an adopted project: its epoch and the goroutine running it.
type project struct {
	name   string
	epoch  int64
	cancel context.CancelFunc
	wake   chan struct{}
	done   chan struct{}
	busy   atomic.Bool // a job of the project is running
}

// New returns an engine; it runs nothing until Adopt.
func New(cfg Config) *Engine {
	if cfg.Poll <= 0 {
		cfg.Poll = 2 * time.Second
	}
	if cfg.RetiredAge <= 0 {
		cfg.RetiredAge = 10 * time.Minute
	}
	log := cfg.Logger
	if log == nil {
		log = slog.Default()
	}
	return &Engine{cfg: cfg, log: log.With("component", "jobs"), projects: map[string]*project{}}
}

// Adopt starts running project's jobs under epoch; a project adopted at
// another epoch is restarted under the new one.
func (e *Engine) Adopt(name string, epoch int64) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if p, ok := e.projects[name]; ok {
		if p.epoch == epoch {
			return
		}
		p.cancel()
		<-p.done
	}
	ctx, cancel := context.WithCancel(context.Background())
	p := &project{name: name, epoch: epoch, cancel: cancel, wake: make(chan struct{}, 1), done: make(chan struct{})}
	e.projects[name] = p
	e.wg.Add(1)
	go func() {
		defer e.wg.Done()
		defer close(p.done)
		e.loop(ctx, p)
	}()
	e.log.Info("job engine adopted project", "project", name, "epoch", epoch)
}

// Drop stops project's jobs at once; nothing more is committed for it.
func (e *Engine) Drop(name string) {
	e.mu.Lock()
	p, ok := e.projects[name]
	delete(e.projects, name)
	e.mu.Unlock()
	if ok {
		p.cancel()
		<-p.done
		e.log.Info("job engine dropped project", "project", name, "epoch", p.epoch)
	}
}

// Wake makes an adopted project look for work now.
func (e *Engine) Wake(name string) {
	e.mu.Lock()
	p, ok := e.projects[name]
	e.mu.Unlock()
	if ok {
		select {
		case p.wake <- struct{}{}:
		default:
		}
	}
}

// Close stops every project.
func (e *Engine) Close() {
	e.mu.Lock()
	ps := e.projects
	e.projects = map[string]*project{}
	e.mu.Unlock()
	for _, p := range ps {
		p.cancel()
	}
	e.wg.Wait()
}

// Busy reports whether a job of the project is running here: the cluster
// does not move such a project to spread leases.
func (e *Engine) Busy(name string) bool {
	e.mu.Lock()
	p, ok := e.projects[name]
	e.mu.Unlock()
	return ok && p.busy.Load()
}

// Projects lists the adopted projects and their epochs.
func (e *Engine) Projects() map[string]int64 {
	e.mu.Lock()
	defer e.mu.Unlock()
	out := map[string]int64{}
	for n, p := range e.projects {
		out[n] = p.epoch
	}
	return out
}

func (e *Engine) loop(ctx context.Context, p *project) {
	timer := time.NewTimer(0)
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-p.wake:
		case <-timer.C:
		}
		jobs, err := e.cfg.Store.ActiveJobs(ctx, p.name)
		if err != nil && ctx.Err() == nil {
			e.log.Warn("cannot list jobs", "project", p.name, "err", err)
		}
		for _, j := range jobs {
			if ctx.Err() != nil {
				return
			}
			p.busy.Store(true)
			e.run(ctx, p, j)
			p.busy.Store(false)
		}
		if ctx.Err() == nil {
			e.collect(ctx, p.name)
		}
		timer.Reset(e.cfg.Poll)
	}
}

// collect removes the files of segments retired long enough ago, and
// directories of segments the metastore no longer lists (cancelled builds,
// attempts of dead nodes).
func (e *Engine) collect(ctx context.Context, projectName string) {
	retired, err := e.cfg.Store.RetiredSegments(ctx, e.cfg.RetiredAge)
	if err != nil {
		return
	}
	for _, g := range retired {
		if g.Project != projectName {
			continue
		}
		if err := os.RemoveAll(e.segmentDir(g.Project, g.Cube, g.ID)); err != nil {
			continue
		}
		_ = e.cfg.Store.DeleteRetiredSegment(ctx, g)
	}
	segs, err := e.cfg.Store.Segments(ctx, projectName, "")
	if err != nil {
		return
	}
	known := map[string]bool{}
	for _, g := range segs {
		known[filepath.Join(g.Cube, g.ID)] = true
	}
	cubes, err := e.cfg.Store.Cubes(ctx, projectName)
	if err != nil {
		return
	}
	for _, c := range cubes {
		dir := filepath.Join(e.cfg.DataDir, planner.CubeDir(projectName, c.Name))
		entries, err := os.ReadDir(dir)
		if err != nil {
			continue
		}
		for _, ent := range entries {
			if ent.IsDir() && !known[filepath.Join(c.Name, ent.Name())] {
				if info, err := ent.Info(); err == nil && time.Since(info.ModTime()) > time.Minute {
					_ = os.RemoveAll(filepath.Join(dir, ent.Name()))
				}
			}
		}
	}
}

func (e *Engine) segmentDir(projectName, cubeName, id string) string {
	return filepath.Join(e.cfg.DataDir, planner.CubeDir(projectName, cubeName), id)
}

// errStopped means the job stopped without failing: paused, discarded, or
// the lease was lost.
var errStopped = errors.New("job stopped")
