// Package wire is Lattice's PostgreSQL protocol v3 server, built on
// pgx's pgproto3 message codec.
//
// # Layers
//
// Server accepts TCP connections and owns the registry used by cancel
// requests and graceful shutdown. Each connection runs in one goroutine
// (conn.serve) through two phases:
//
//  1. Startup (startup.go): the raw startup packet is read by hand, so that
//     SSLRequest (TLS when a certificate is configured, else 'N'),
//     GSSENCRequest ('N'), CancelRequest and StartupMessages of any 3.x minor
//     version (answered with NegotiateProtocolVersion) are all handled.
//     Authentication is SCRAM-SHA-256 against verifiers in the metastore;
//     unknown users run a mock exchange and fail like a wrong password
//     (28P01). The phase has a deadline (lattice.server.startup-timeout).
//  2. Commands (conn.go): the simple query protocol (multi-statement
//     strings in one implicit transaction) and the extended protocol
//     (Parse/Bind/Describe/Execute/Close/Sync/Flush, named and unnamed
//     statements and portals, row limits with PortalSuspended, and after an
//     error the discarding of messages until Sync).
//
// SQL goes to planner.Session, which returns Statements and row iterators;
// wire encodes rows in text or binary per column (types.AppendText,
// types.AppendBinary) straight into the connection's output buffer
// (sendRow), which also takes the Backend's other messages and is written
// out at 64 KB, at Flush and at ReadyForQuery: one write per small result,
// and a buffer that keeps its capacity (pgproto3's own shrinks to 1 KB
// after every flush). Notices queued by the session are sent before the
// statement's completion; ParameterStatus goes out before ReadyForQuery when
// a reported setting changed.
//
// # Ending
//
// A connection ends on Terminate, on EOF or a network error, on a malformed
// or oversized message (FATAL 08P01, then close), or at shutdown. Every
// statement runs under a context that CancelRequest (57014, "canceling
// statement due to user request"), statement_timeout (57014, "... due to
// statement timeout") and shutdown cancel; a cancel reaches only the
// statement running at that moment.
//
// Shutdown stops accepting, ends idle sessions at once with FATAL 57P01,
// lets running statements finish until its context expires, then cancels
// them and closes every connection.
//
// # Tests
//
// The scripts in testdata/pgtest (pgtest_test.go) hold PostgreSQL's own
// answers to sequences of protocol messages; each is replayed against a
// Lattice node and against a real PostgreSQL, which must both give them.
//
// wire imports planner, metastore, types and pgerr; only cmd imports wire.
package wire
