package planner

import (
	"context"

	"github.com/lattice-olap/lattice/pgerr"
)

// Cluster is what the planner needs from the node's cluster membership
// (package cluster implements it). Job statements (BUILD, REFRESH, MERGE,
// DROP SEGMENT, CANCEL/PAUSE/RESUME JOB) run on the project's job engine:
// the planner asks Local first and forwards when this node is not it.
type Cluster interface {
	// Local reports whether this node holds project's lease, and at which
	// epoch: job statements for project then run here, fenced by epoch.
	Local(ctx context.Context, project string) (epoch int64, ok bool)
	// Forward runs sql on the node holding project's lease, as user, and
	// returns its reply: rows in text format, the command tag, and the
	// error the holder answered (a *pgerr.Error carrying its SQLSTATE).
	// Each NOTICE the holder sends is passed to notice as it arrives. With
	// no live job engine for project it fails with 55000 naming project.
	Forward(ctx context.Context, project, user, sql string, notice func(*pgerr.Error)) (rows [][]*string, tag string, err error)
	// AssignJobEngine carries out ALTER PROJECT project SET JOB ENGINE id.
	AssignJobEngine(ctx context.Context, project, instanceID string) error
}
