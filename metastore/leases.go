package metastore

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/lattice-olap/lattice/pgerr"
)

// Lease is a project's job-leader lease (DESIGN.md's "epoch"). Epoch is a
// fencing token: it grows whenever the lease is acquired anew (a different
// owner, or the same owner after it expired), and stays the same while the
// owner keeps renewing in time.
type Lease struct {
	Project   string
	Owner     string
	Epoch     int64
	ExpiresAt time.Time // by the database clock
}

// ErrLeaseLost is wrapped by errors about a lease the caller no longer holds.
var ErrLeaseLost = errors.New("lease lost")

func leaseLost(project, owner string, epoch int64) error {
	return pgerr.Wrap(ErrLeaseLost, pgerr.ObjectNotInPrerequisiteState,
		"node %s no longer holds epoch %d of project %q", owner, epoch, project)
}

// AcquireLease takes project's lease for owner when it is free or expired,
// or renews it when owner already holds it, with one conditional UPDATE that
// compares against the database clock. It returns the lease as it stands
// afterwards: held by owner when Owner == owner.
func (s *Store) AcquireLease(ctx context.Context, project, owner string, ttl time.Duration) (Lease, error) {
	if err := s.ensureLeaseRow(ctx, project); err != nil {
		return Lease{}, err
	}
	var l Lease
	err := s.tx(ctx, func(t *Tx) error {
		now := t.NowExpr()
		// epoch is assigned first: MySQL evaluates SET left to right.
		if _, err := t.Exec(`UPDATE leases SET
				epoch = CASE WHEN owner = ? AND expires_at >= `+now+` THEN epoch ELSE epoch + 1 END,
				owner = ?,
				expires_at = `+now+` + ?
			WHERE project = ? AND (owner = ? OR expires_at < `+now+`)`,
			owner, owner, ttl.Milliseconds(), project, owner); err != nil {
			return err
		}
		var err error
		l, err = readLease(t, project)
		return err
	})
	return l, err
}

func (s *Store) ensureLeaseRow(ctx context.Context, project string) error {
	err := s.tx(ctx, func(t *Tx) error {
		var n int
		if err := t.QueryRow(`SELECT COUNT(*) FROM leases WHERE project = ?`, project).Scan(&n); err != nil {
			return classify(err)
		}
		if n > 0 {
			return nil
		}
		_, err := t.Exec(`INSERT INTO leases (project, owner, epoch, expires_at) VALUES (?, '', 0, 0)`, project)
		return err
	})
	if s.dialect.isUniqueViolation(err) {
		return nil // created by a racing node
	}
	return err
}

func readLease(t *Tx, project string) (Lease, error) {
	l := Lease{Project: project}
	var exp int64
	err := t.QueryRow(`SELECT owner, epoch, expires_at FROM leases WHERE project = ?`, project).Scan(&l.Owner, &l.Epoch, &exp)
	if err != nil {
		return l, classify(err)
	}
	l.ExpiresAt = time.UnixMilli(exp).UTC()
	return l, nil
}

// RenewLease extends owner's lease at epoch by ttl from the database clock.
// It fails with ErrLeaseLost (55000) when the lease expired or moved on.
func (s *Store) RenewLease(ctx context.Context, project, owner string, epoch int64, ttl time.Duration) (Lease, error) {
	var l Lease
	err := s.tx(ctx, func(t *Tx) error {
		now := t.NowExpr()
		res, err := t.Exec(`UPDATE leases SET expires_at = `+now+` + ?
			WHERE project = ? AND owner = ? AND epoch = ? AND expires_at >= `+now,
			ttl.Milliseconds(), project, owner, epoch)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return leaseLost(project, owner, epoch)
		}
		l, err = readLease(t, project)
		return err
	})
	return l, err
}

// ReleaseLease gives up owner's lease at epoch so another node can take it
// at once. Releasing a lease no longer held is not an error.
func (s *Store) ReleaseLease(ctx context.Context, project, owner string, epoch int64) error {
	return s.tx(ctx, func(t *Tx) error {
		_, err := t.Exec(`UPDATE leases SET expires_at = 0 WHERE project = ? AND owner = ? AND epoch = ?`, project, owner, epoch)
		return err
	})
}

// Leases lists every project's lease.
func (s *Store) Leases(ctx context.Context) ([]Lease, error) {
	ctx, cancel := s.opctx(ctx)
	defer cancel()
	rows, err := s.db.QueryContext(ctx, `SELECT project, owner, epoch, expires_at FROM leases ORDER BY project`)
	if err != nil {
		return nil, classify(err)
	}
	defer rows.Close()
	var out []Lease
	for rows.Next() {
		var l Lease
		var exp int64
		if err := rows.Scan(&l.Project, &l.Owner, &l.Epoch, &exp); err != nil {
			return nil, classify(err)
		}
		l.ExpiresAt = time.UnixMilli(exp).UTC()
		out = append(out, l)
	}
	return out, classify(rows.Err())
}

// Fenced runs fn in a transaction that first verifies, by the database
// clock, that owner still holds epoch of project, and locks the lease row
// so that no takeover can commit in between. When the lease is gone it
// fails with ErrLeaseLost (55000) and fn does not run: nothing is written.
// Every job and segment write goes through Fenced.
func (s *Store) Fenced(ctx context.Context, project, owner string, epoch int64, fn func(*Tx) error) error {
	return s.write(ctx, func(t *Tx) error {
		var e int64
		err := t.QueryRow(`SELECT epoch FROM leases WHERE project = ? AND owner = ? AND epoch = ? AND expires_at > `+t.NowExpr()+s.dialect.forUpdate(),
			project, owner, epoch).Scan(&e)
		if errors.Is(err, sql.ErrNoRows) {
			return leaseLost(project, owner, epoch)
		}
		if err != nil {
			return classify(err)
		}
		return fn(t)
	})
}
