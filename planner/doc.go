// Package planner is Lattice's SQL front end. It parses statement text with
// PostgreSQL's own grammar (pg_query_go), binds names and types, plans, and
// hands the wire layer Statements that it can describe and execute.
//
// Pipeline:
//
//	text ──parse (cached by text)──▶ []*pg_query.RawStmt
//	     ──bind──▶ typed expressions (Expr) and a plan
//	     ──Execute──▶ Result, a row iterator (Next/Row/Err)
//
// The plan cache (parseCache) keeps parsing off the hot path of repeated
// dashboard queries; binding is cheap and depends on the session (parameter
// types, settings), so it runs per Prepare.
//
// Session holds one connection's state: user, project, settings (SET/SHOW/
// RESET, with PostgreSQL's GUC_REPORT list reported back as ParameterStatus)
// and transaction status. A Session is used by one goroutine at a time, the
// connection's.
//
// Today the planner answers statements without FROM (expressions, casts,
// parameters, built-in functions) and the session statements (SET, SHOW,
// RESET, BEGIN/COMMIT/ROLLBACK, DISCARD, DEALLOCATE). Queries over tables go
// to the executor (package exec) once the SQL engine lands; the cube matcher
// will sit between binding and the choice of route.
//
// planner may import exec, metastore, types and pgerr; it never imports wire.
package planner
