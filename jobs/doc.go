// Package jobs will hold the job scheduler and executor: cube builds,
// refreshes and merges as persisted jobs with ordered, idempotent steps,
// fenced by the project's lease epoch, and resumed after a takeover.
//
// It is empty today; the cubes issue fills it.
package jobs
