// Package testenv starts the real components that integration tests need:
// a bin/lattice node built from this checkout (StartNode) and the local
// PostgreSQL that golden tests compare against (Postgres).
//
// With CI=true a missing component fails the test; elsewhere it skips with
// the command that would provide it (Require). scripts/test-deps.sh installs
// and starts everything on a fresh Debian machine; `make test` runs it.
package testenv
