package planner

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/lattice-olap/lattice/cube"
	"github.com/lattice-olap/lattice/metastore"
	"github.com/lattice-olap/lattice/pgerr"
	"github.com/lattice-olap/lattice/types"
)

// JobEngine is what the planner needs from the node's job engine (package
// jobs implements it): a nudge when a project has new work.
type JobEngine interface {
	Wake(project string)
}

// SetJobEngine connects the node's job engine; until then job statements
// are accepted but wait for the engine's periodic poll.
func (p *Planner) SetJobEngine(e JobEngine) {
	p.jobsMu.Lock()
	defer p.jobsMu.Unlock()
	p.jobs = e
}

func (p *Planner) wake(project string) {
	p.jobsMu.Lock()
	e := p.jobs
	p.jobsMu.Unlock()
	if e != nil {
		e.Wake(project)
	}
}

// JobParams is what a job records about its work (jobs.params).
type JobParams struct {
	Segment  string   `json:"segment"`
	Start    string   `json:"start"`
	End      string   `json:"end"`
	Replaces []string `json:"replaces,omitempty"`
}

// Job step names, in order (DESIGN.md "Jobs, leases and failover").
var JobSteps = []string{"flat", "base", "cuboids", "files", "commit"}

func newID() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// SetNoticeSink makes notices that a statement sends while it runs (the
// progress of BUILD ... WAIT) reach the client at once; the wire layer
// sets it. Without a sink they are queued like any notice.
func (s *Session) SetNoticeSink(fn func(*pgerr.Error)) { s.noticeSink = fn }

// progress sends a notice now when a sink is set.
func (s *Session) progress(e *pgerr.Error) {
	if e.Severity == "" {
		e.Severity = "NOTICE"
	}
	if s.noticeSink == nil {
		s.notices = append(s.notices, e)
		return
	}
	if messageLevel(e.Severity) >= messageLevel(s.Settings.get("client_min_messages")) {
		s.noticeSink(e)
	}
}

// onLeaseHolder runs a job statement where the project's job engine is: here,
// fenced by the lease epoch, or forwarded to the lease holder.
func (s *Session) onLeaseHolder(ctx context.Context, project, sql string, cols []Column, local func(epoch int64) (Result, error)) (Result, error) {
	c := s.planner.cluster
	if c == nil {
		return nil, pgerr.New(pgerr.ObjectNotInPrerequisiteState, "no job engine serves project %q: this node runs no cluster services", project)
	}
	if epoch, ok := c.Local(ctx, project); ok {
		return local(epoch)
	}
	rows, tag, err := c.Forward(ctx, project, s.User, sql, s.progress)
	if err != nil {
		return nil, err
	}
	out := make([][]types.Datum, len(rows))
	for i, r := range rows {
		out[i] = make([]types.Datum, len(cols))
		for j := range cols {
			if j < len(r) && r[j] != nil {
				v, err := types.ParseText(cols[j].Type, *r[j], time.UTC)
				if err != nil {
					return nil, err
				}
				out[i][j] = v
			}
		}
	}
	if len(cols) > 0 {
		tag = "SELECT"
	}
	return newRows(tag, out...), nil
}

var jobIDColumns = []Column{{Name: "job_id", Type: types.Text}}

// buildCube runs BUILD, REFRESH and MERGE CUBE: it records the job (and
// the segment it will produce) on the lease holder and returns the job id;
// with WAIT, after the job ended.
func (b *binder) buildCube(st buildStmt) (*Statement, error) {
	stmt := &Statement{Columns: jobIDColumns}
	stmt.run = func(ctx context.Context, s *Session, _ []types.Datum) (Result, error) {
		if err := s.requireRole(ctx, metastore.RoleOperation, strings.ToLower(st.kind)+" a cube"); err != nil {
			return nil, err
		}
		if err := noBlock(s, st.kind+" CUBE"); err != nil {
			return nil, err
		}
		return s.onLeaseHolder(ctx, s.Project, stmt.SQL, jobIDColumns, func(epoch int64) (Result, error) {
			id, err := s.createJob(ctx, st, epoch)
			if err != nil {
				return nil, err
			}
			s.planner.wake(s.Project)
			if st.wait {
				if err := s.waitJob(ctx, id); err != nil {
					return nil, err
				}
			}
			return newRows("SELECT", []types.Datum{id}), nil
		})
	}
	return stmt, nil
}

// segmentRange reads the range of a job statement.
func segmentRange(d *cube.Def, st buildStmt) (cube.Range, error) {
	if !st.ranged {
		return cube.Full, nil
	}
	if d.Partition == nil {
		return cube.Range{}, pgerr.New(pgerr.InvalidParameterValue, "cube %q has no partition column; build it whole, without SEGMENT FROM ... TO", d.Name)
	}
	lo, err := d.Partition.Canonical(st.lo)
	if err != nil {
		return cube.Range{}, err
	}
	hi, err := d.Partition.Canonical(st.hi)
	if err != nil {
		return cube.Range{}, err
	}
	r := cube.Range{Start: lo, End: hi}
	if r.Empty() {
		return r, pgerr.New(pgerr.InvalidParameterValue, "segment range [%s, %s) is empty: FROM must come before TO", lo, hi)
	}
	return r, nil
}

// createJob records a job and its segment in one fenced transaction.
func (s *Session) createJob(ctx context.Context, st buildStmt, epoch int64) (string, error) {
	d, err := s.cube(ctx, st.cube)
	if err != nil {
		return "", err
	}
	if d == nil {
		return "", pgerr.New(pgerr.UndefinedObject, "cube %q does not exist", st.cube)
	}
	r, err := segmentRange(d, st)
	if err != nil {
		return "", err
	}
	job := metastore.Job{ID: newID(), Project: s.Project, Cube: d.Name, Type: st.kind, Status: metastore.JobPending, Node: s.planner.instanceID, Epoch: epoch}
	params := JobParams{Segment: newID(), Start: r.Start, End: r.End}
	err = s.planner.store.Fenced(ctx, s.Project, s.planner.instanceID, epoch, func(t *metastore.Tx) error {
		segs, err := t.Segments(s.Project, d.Name)
		if err != nil {
			return err
		}
		var live []metastore.Segment
		for _, g := range segs {
			if g.Status != metastore.SegmentRetired {
				live = append(live, g)
			}
		}
		switch st.kind {
		case "BUILD":
			for _, g := range live {
				if (cube.Range{Start: g.Start, End: g.End}).Overlaps(r) {
					return pgerr.New(pgerr.ObjectNotInPrerequisiteState, "segment %s overlaps segment %s %s (%s)", r, g.ID, cube.Range{Start: g.Start, End: g.End}, g.Status).
						WithHint("REFRESH CUBE rebuilds a segment, DROP SEGMENT removes one, CANCEL JOB stops a build.")
				}
			}
		case "REFRESH":
			for _, g := range live {
				gr := cube.Range{Start: g.Start, End: g.End}
				switch {
				case gr == r && g.Status == metastore.SegmentReady:
					params.Replaces = append(params.Replaces, g.ID)
				case gr.Overlaps(r) && g.Status == metastore.SegmentBuilding:
					return pgerr.New(pgerr.ObjectNotInPrerequisiteState, "segment %s %s is being built; wait for its job or cancel it", g.ID, gr)
				case gr.Overlaps(r):
					return pgerr.New(pgerr.ObjectNotInPrerequisiteState, "segment %s %s overlaps %s without matching it; REFRESH rebuilds one segment, named by its exact range", g.ID, gr, r).
						WithHint("SHOW SEGMENTS FROM %s lists the ranges.", d.Name)
				}
			}
			if len(params.Replaces) == 0 {
				return pgerr.New(pgerr.UndefinedObject, "cube %q has no READY segment %s to refresh", d.Name, r).
					WithHint("SHOW SEGMENTS FROM %s lists its segments; BUILD CUBE builds a new range.", d.Name)
			}
		case "MERGE":
			var parts []metastore.Segment
			for _, g := range live {
				gr := cube.Range{Start: g.Start, End: g.End}
				if !gr.Overlaps(r) {
					continue
				}
				if g.Status != metastore.SegmentReady || !r.Contains(gr) {
					return pgerr.New(pgerr.ObjectNotInPrerequisiteState, "segment %s %s is %s or reaches outside %s; MERGE needs READY segments inside the range", g.ID, gr, g.Status, r)
				}
				parts = append(parts, g)
			}
			if len(parts) < 2 {
				return pgerr.New(pgerr.ObjectNotInPrerequisiteState, "MERGE needs at least two READY segments in %s, found %d", r, len(parts))
			}
			// Segments come ordered by start: they must tile the range.
			at := r.Start
			for _, g := range parts {
				if g.Start != at {
					return pgerr.New(pgerr.ObjectNotInPrerequisiteState, "segments in %s leave a gap or overlap at %q; merged segments must be adjacent and cover the range exactly", r, at)
				}
				at = g.End
				params.Replaces = append(params.Replaces, g.ID)
			}
			if at != r.End {
				return pgerr.New(pgerr.ObjectNotInPrerequisiteState, "segments in %s end at %q; merged segments must cover the range exactly", r, at)
			}
		}
		body, _ := json.Marshal(params)
		job.Params = string(body)
		if err := t.InsertSegment(metastore.Segment{Project: s.Project, Cube: d.Name, ID: params.Segment, Start: r.Start, End: r.End,
			Status: metastore.SegmentBuilding, Stats: "{}", Files: "{}"}); err != nil {
			return err
		}
		steps := make([]metastore.JobStep, len(JobSteps))
		for i, name := range JobSteps {
			steps[i] = metastore.JobStep{Seq: i + 1, Name: name, Status: metastore.StepPending, Detail: "{}"}
		}
		return t.InsertJob(job, steps)
	})
	return job.ID, err
}

// waitJob follows a job until it ends, sending its progress as NOTICEs.
func (s *Session) waitJob(ctx context.Context, id string) error {
	last := ""
	tick := time.NewTicker(200 * time.Millisecond)
	defer tick.Stop()
	for {
		job, steps, err := s.planner.store.Job(ctx, id)
		if err != nil {
			return err
		}
		if msg := progressMessage(job, steps); msg != last {
			last = msg
			s.progress(pgerr.New(pgerr.SuccessfulCompletion, "%s", msg))
		}
		switch job.Status {
		case metastore.JobFinished:
			return nil
		case metastore.JobError:
			return jobError(job)
		case metastore.JobDiscarded:
			return pgerr.New(pgerr.QueryCanceled, "job %s was discarded: %s", id, job.Error)
		case metastore.JobPaused:
			return pgerr.New(pgerr.ObjectNotInPrerequisiteState, "job %s was paused", id).WithHint("RESUME JOB '%s' continues it.", id)
		}
		select {
		case <-ctx.Done():
			e := canceled(ctx)
			if pe, ok := e.(*pgerr.Error); ok {
				pe.WithHint("The job goes on; SHOW JOBS follows it and CANCEL JOB '%s' stops it.", id)
			}
			return e
		case <-tick.C:
		}
	}
}

// progressMessage describes where a job is.
func progressMessage(job metastore.Job, steps []metastore.JobStep) string {
	step := "waiting for the job engine"
	for _, st := range steps {
		if st.Status != metastore.StepFinished {
			step = fmt.Sprintf("step %d/%d %s", st.Seq, len(steps), st.Name)
			var d struct {
				Rows    int64 `json:"rows"`
				Done    int   `json:"done"`
				Cuboids int   `json:"cuboids"`
			}
			_ = json.Unmarshal([]byte(st.Detail), &d)
			if d.Cuboids > 0 {
				step += fmt.Sprintf(", %d of %d cuboids", d.Done, d.Cuboids)
			}
			if d.Rows > 0 {
				step += fmt.Sprintf(", %d rows", d.Rows)
			}
			break
		}
	}
	if job.Status == metastore.JobFinished {
		step = "finished"
	}
	return fmt.Sprintf("%s job %s of cube %s: %s, %.0f%%", job.Type, job.ID, job.Cube, step, job.Progress*100)
}

// jobError turns a job's recorded error ("SQLSTATE: message") into the
// error WAIT reports.
func jobError(job metastore.Job) error {
	code, msg, ok := strings.Cut(job.Error, ": ")
	if !ok || len(code) != 5 {
		code, msg = string(pgerr.InternalError), job.Error
	}
	return pgerr.New(pgerr.Code(code), "job %s failed: %s", job.ID, msg).
		WithHint("Fix the cause, then RESUME JOB '%s' continues at the step that failed.", job.ID)
}

// dropSegment runs DROP SEGMENT: the segment leaves queries at once; its
// files are collected later, so that running queries finish.
func (b *binder) dropSegment(st dropSegmentStmt) (*Statement, error) {
	stmt := &Statement{}
	stmt.run = func(ctx context.Context, s *Session, _ []types.Datum) (Result, error) {
		if err := s.requireRole(ctx, metastore.RoleOperation, "drop a segment"); err != nil {
			return nil, err
		}
		return s.onLeaseHolder(ctx, s.Project, stmt.SQL, nil, func(epoch int64) (Result, error) {
			err := s.planner.store.Fenced(ctx, s.Project, s.planner.instanceID, epoch, func(t *metastore.Tx) error {
				segs, err := t.Segments(s.Project, st.cube)
				if err != nil {
					return err
				}
				for _, g := range segs {
					if g.ID != st.id {
						continue
					}
					if g.Status == metastore.SegmentBuilding {
						return pgerr.New(pgerr.ObjectNotInPrerequisiteState, "segment %s is being built", g.ID).WithHint("CANCEL JOB stops its build.")
					}
					if g.Status == metastore.SegmentRetired {
						break
					}
					g.Status = metastore.SegmentRetired
					return t.UpdateSegment(g)
				}
				return pgerr.New(pgerr.UndefinedObject, "cube %q has no segment %q", st.cube, st.id)
			})
			if err != nil {
				return nil, err
			}
			return tagOnly("DROP SEGMENT"), nil
		})
	}
	return stmt, nil
}

// jobControl runs CANCEL, PAUSE and RESUME JOB on the lease holder.
func (b *binder) jobControl(st jobControlStmt) (*Statement, error) {
	stmt := &Statement{}
	stmt.run = func(ctx context.Context, s *Session, _ []types.Datum) (Result, error) {
		job, _, err := s.planner.store.Job(ctx, st.id)
		if errors.Is(err, metastore.ErrNotFound) || (err == nil && job.Project != s.Project) {
			return nil, pgerr.New(pgerr.UndefinedObject, "job %q does not exist in project %q", st.id, s.Project)
		}
		if err != nil {
			return nil, err
		}
		if err := s.requireRole(ctx, metastore.RoleOperation, strings.ToLower(st.action)+" a job"); err != nil {
			return nil, err
		}
		return s.onLeaseHolder(ctx, s.Project, stmt.SQL, nil, func(epoch int64) (Result, error) {
			err := s.planner.store.Fenced(ctx, s.Project, s.planner.instanceID, epoch, func(t *metastore.Tx) error {
				job, _, err := t.Job(st.id)
				if err != nil {
					return err
				}
				cur := job.Status
				var from []string
				switch st.action {
				case "CANCEL":
					from = []string{metastore.JobPending, metastore.JobRunning, metastore.JobPaused, metastore.JobError}
					job.Status, job.Error = metastore.JobDiscarded, "cancelled by "+s.User
				case "PAUSE":
					from = []string{metastore.JobPending, metastore.JobRunning}
					job.Status = metastore.JobPaused
				case "RESUME":
					from = []string{metastore.JobPaused, metastore.JobError}
					job.Status, job.Error = metastore.JobPending, ""
				}
				allowed := false
				for _, f := range from {
					allowed = allowed || cur == f
				}
				if !allowed {
					return pgerr.New(pgerr.ObjectNotInPrerequisiteState, "job %s is %s; %s JOB applies to a job that is %s", st.id, cur, st.action, strings.Join(from, ", "))
				}
				if st.action == "CANCEL" {
					var p JobParams
					_ = json.Unmarshal([]byte(job.Params), &p)
					if err := t.DeleteSegment(job.Project, job.Cube, p.Segment); err != nil {
						return err
					}
				}
				return t.UpdateJob(job)
			})
			if err != nil {
				return nil, err
			}
			s.planner.wake(s.Project)
			return tagOnly(st.action + " JOB"), nil
		})
	}
	return stmt, nil
}

// alterJobEngine runs ALTER PROJECT p SET JOB ENGINE 'id'.
func (b *binder) alterJobEngine(st alterJobEngineStmt) (*Statement, error) {
	return &Statement{run: func(ctx context.Context, s *Session, _ []types.Datum) (Result, error) {
		if err := s.requireAdmin("assign job engines"); err != nil {
			return nil, err
		}
		if s.planner.cluster == nil {
			return nil, pgerr.New(pgerr.ObjectNotInPrerequisiteState, "this node runs no cluster services")
		}
		if err := s.planner.cluster.AssignJobEngine(ctx, st.project, st.instance); err != nil {
			return nil, err
		}
		return tagOnly("ALTER PROJECT"), nil
	}}, nil
}

// showLattice runs SHOW CUBES, SEGMENTS, JOBS and NODES as queries of the
// lattice.* views.
func (b *binder) showLattice(st showStmt) (*Statement, error) {
	ctx := b.ctx
	if ctx == nil {
		ctx = context.Background()
	}
	var sql string
	filter := ""
	if st.cube != "" {
		filter = " AND cube = " + quoteLiteral(st.cube)
	}
	switch st.what {
	case "CUBES":
		sql = "SELECT name, fact_table, dimensions, measures, cuboids, segments, created_at FROM lattice.cubes WHERE project = current_database() ORDER BY name"
	case "SEGMENTS":
		sql = "SELECT cube, id, range_start, range_end, status, rows, bytes, updated_at FROM lattice.segments WHERE project = current_database()" + filter + " ORDER BY cube, range_start NULLS FIRST, id"
	case "JOBS":
		sql = "SELECT id, cube, type, status, progress, step, node, created_at, updated_at, error FROM lattice.jobs WHERE project = current_database()" + filter + " ORDER BY created_at DESC, id"
	case "NODES":
		sql = "SELECT * FROM lattice.nodes ORDER BY id"
	}
	return b.bindInternal(ctx, sql)
}

func quoteLiteral(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }
