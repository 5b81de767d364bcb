// Package metastore owns all persistent state of a Lattice cluster: projects,
// users and their SCRAM verifiers, and (as the later issues land) tables,
// cubes, segments, jobs, leases and the change log.
//
// One API, Store, sits over database/sql. The backend is chosen by the URL
// scheme of lattice.metadata.url: sqlite://PATH opens an embedded SQLite file
// through modernc.org/sqlite (pure Go, so the parser stays the server's only
// cgo dependency). The dialect type isolates the SQL that differs between
// backends, so that PostgreSQL and MySQL backends slot in beside SQLite.
//
// Schema changes are numbered migrations (migrations.go) applied at Open in
// one transaction that first takes the migration lock, so that several nodes
// starting at once apply each migration exactly once. A database whose schema
// is newer than the binary is refused. docs/metastore.md documents the schema.
//
// metastore imports only pgerr and types from Lattice.
package metastore
