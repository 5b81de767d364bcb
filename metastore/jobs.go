package metastore

import (
	"context"
	"time"
)

// Job statuses, as lattice.jobs shows them (contract).
const (
	JobPending   = "PENDING"
	JobRunning   = "RUNNING"
	JobPaused    = "PAUSED"
	JobError     = "ERROR"
	JobDiscarded = "DISCARDED"
	JobFinished  = "FINISHED"
)

// Job step statuses.
const (
	StepPending  = "PENDING"
	StepRunning  = "RUNNING"
	StepFinished = "FINISHED"
)

// Job is one build, refresh or merge of a cube segment. Params is a JSON
// document owned by the job engine (the segment it builds, the segments it
// replaces).
type Job struct {
	ID        string
	Project   string
	Cube      string
	Type      string
	Status    string
	Progress  float64 // 0 to 1
	Node      string  // the instance that runs (or last ran) it
	Epoch     int64   // the lease epoch it last ran under
	Error     string
	Params    string
	CreatedAt time.Time
	UpdatedAt time.Time
	Version   int64
}

// JobStep is one step of a job. Detail is a JSON document the step keeps
// (what it has done so far), so that a resumed step can skip finished work.
type JobStep struct {
	JobID      string
	Seq        int
	Name       string
	Status     string
	Detail     string
	StartedAt  time.Time
	FinishedAt time.Time
}

const jobColumns = `id, project, cube, job_type, status, progress, node, epoch, error, params, created_at, updated_at, version`

func scanJobs(q querier, where string, args ...any) ([]Job, error) {
	rows, err := q.Query(`SELECT `+jobColumns+` FROM jobs `+where, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Job
	for rows.Next() {
		var j Job
		var created, updated int64
		if err := rows.Scan(&j.ID, &j.Project, &j.Cube, &j.Type, &j.Status, &j.Progress, &j.Node, &j.Epoch, &j.Error, &j.Params, &created, &updated, &j.Version); err != nil {
			return nil, err
		}
		j.CreatedAt, j.UpdatedAt = time.UnixMilli(created).UTC(), time.UnixMilli(updated).UTC()
		out = append(out, j)
	}
	return out, rows.Err()
}

// Jobs lists jobs of project ("" for all), newest first.
func (s *Store) Jobs(ctx context.Context, project string) ([]Job, error) {
	ctx, cancel := s.opctx(ctx)
	defer cancel()
	where, args := "WHERE 1 = 1", []any{}
	if project != "" {
		where += " AND project = ?"
		args = append(args, project)
	}
	jobs, err := scanJobs(dbQuerier{ctx, s}, where+" ORDER BY created_at DESC, id DESC", args...)
	return jobs, classify(err)
}

// Job returns one job and its steps, or ErrNotFound.
func (s *Store) Job(ctx context.Context, id string) (Job, []JobStep, error) {
	ctx, cancel := s.opctx(ctx)
	defer cancel()
	q := dbQuerier{ctx, s}
	jobs, err := scanJobs(q, "WHERE id = ?", id)
	if err != nil {
		return Job{}, nil, classify(err)
	}
	if len(jobs) == 0 {
		return Job{}, nil, ErrNotFound
	}
	steps, err := scanSteps(q, id)
	return jobs[0], steps, classify(err)
}

// Job reads a job inside a transaction.
func (t *Tx) Job(id string) (Job, []JobStep, error) {
	jobs, err := scanJobs(t, "WHERE id = ?", id)
	if err != nil {
		return Job{}, nil, err
	}
	if len(jobs) == 0 {
		return Job{}, nil, ErrNotFound
	}
	steps, err := scanSteps(t, id)
	return jobs[0], steps, err
}

// ActiveJobs lists the project's jobs that a job engine should run:
// PENDING and RUNNING, oldest first.
func (s *Store) ActiveJobs(ctx context.Context, project string) ([]Job, error) {
	ctx, cancel := s.opctx(ctx)
	defer cancel()
	jobs, err := scanJobs(dbQuerier{ctx, s}, "WHERE project = ? AND status IN ('PENDING', 'RUNNING') ORDER BY created_at, id", project)
	return jobs, classify(err)
}

func scanSteps(q querier, id string) ([]JobStep, error) {
	rows, err := q.Query(`SELECT job_id, seq, name, status, detail, started_at, finished_at FROM job_steps WHERE job_id = ? ORDER BY seq`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []JobStep
	for rows.Next() {
		var st JobStep
		var started, finished int64
		if err := rows.Scan(&st.JobID, &st.Seq, &st.Name, &st.Status, &st.Detail, &started, &finished); err != nil {
			return nil, err
		}
		if started > 0 {
			st.StartedAt = time.UnixMilli(started).UTC()
		}
		if finished > 0 {
			st.FinishedAt = time.UnixMilli(finished).UTC()
		}
		out = append(out, st)
	}
	return out, rows.Err()
}

// InsertJob adds a job and its steps.
func (t *Tx) InsertJob(j Job, steps []JobStep) error {
	if _, err := t.Exec(`INSERT INTO jobs (`+jobColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, `+t.NowExpr()+`, `+t.NowExpr()+`, 1)`,
		j.ID, j.Project, j.Cube, j.Type, j.Status, j.Progress, j.Node, j.Epoch, j.Error, j.Params); err != nil {
		return err
	}
	for _, st := range steps {
		if _, err := t.Exec(`INSERT INTO job_steps (job_id, seq, name, status, detail, started_at, finished_at) VALUES (?, ?, ?, ?, ?, 0, 0)`,
			j.ID, st.Seq, st.Name, st.Status, st.Detail); err != nil {
			return err
		}
	}
	return t.logChange(EntityJob, j.Project, j.ID, "create")
}

// UpdateJob sets a job's status, progress, node, epoch, error and params.
func (t *Tx) UpdateJob(j Job) error {
	res, err := t.Exec(`UPDATE jobs SET status = ?, progress = ?, node = ?, epoch = ?, error = ?, params = ?, updated_at = `+t.NowExpr()+`, version = version + 1 WHERE id = ?`,
		j.Status, j.Progress, j.Node, j.Epoch, j.Error, j.Params, j.ID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	return nil
}

// UpdateStep records a step's status and detail; started and finished
// are stamped with the database clock as the status moves.
func (t *Tx) UpdateStep(st JobStep) error {
	set := ``
	switch st.Status {
	case StepRunning:
		set = `, started_at = CASE WHEN started_at = 0 THEN ` + t.NowExpr() + ` ELSE started_at END`
	case StepFinished:
		set = `, finished_at = ` + t.NowExpr()
	}
	_, err := t.Exec(`UPDATE job_steps SET status = ?, detail = ?`+set+` WHERE job_id = ? AND seq = ?`, st.Status, st.Detail, st.JobID, st.Seq)
	return err
}
