// Package pgerr is the leaf package for user-facing errors: a SQLSTATE typed
// as Code, generated from PostgreSQL's errcodes.txt (codes.go), and Error,
// which carries the fields of a protocol ErrorResponse.
//
// Errors get their code where they are created, never by matching messages
// later. Every package may import pgerr; pgerr imports nothing of Lattice.
package pgerr
