// Package clients holds integration tests that drive a running Lattice node
// with real PostgreSQL client drivers and tools:
//
//   - psql (psql_test.go, psql/): a script whose stdout and stderr must equal
//     checks.out and checks.err byte for byte, exit codes, Ctrl-C cancel and
//     connection errors. (psql 15 has no \bind, so it sends literals, not
//     parameters.)
//   - pgx v5 (pgx_test.go): simple protocol, and the extended protocol with
//     text and binary formats and named prepared statements.
//   - pgx's pgconn (values_test.go): row descriptions and values of many
//     SELECTs, as raw wire bytes in text and binary format, and statement
//     descriptions, compared with what PostgreSQL sends for the same SQL.
//   - lib/pq through database/sql (libpq_test.go).
//   - pgjdbc (jdbc_test.go, java/ClientTest.java): compiled with javac at
//     test time against /usr/share/java/postgresql.jar.
//   - psycopg2 and psycopg 3 (python_test.go, python/), run with
//     /usr/bin/python3.
//   - node-postgres (node_test.go, node/): `npm ci` runs when node_modules
//     is missing.
//
// Each client connects with SCRAM-SHA-256 (user admin), runs failing
// statements (22012, 42601, ...) followed by good ones on the same
// connection, round-trips parameters of many types (int, bigint, text with
// unicode and quotes, numeric, bool, float8, date, timestamp, timestamptz,
// bytea, NULL), checks transactions (25P02 until ROLLBACK), cancels
// SELECT pg_sleep(30) with the driver's own cancel API (57014, and the
// connection still answers), and checks that a wrong password gives 28P01
// and an unknown database 3D000.
//
// Every test also runs, as the subtest "postgres", against the reference
// PostgreSQL (LATTICE_TEST_PG_DSN, or postgres@127.0.0.1:5432 with trust
// authentication), so every expectation is PostgreSQL's own behaviour. The
// external programs get PGHOST, PGPORT, PGUSER, PGPASSWORD and PGDATABASE;
// CHECK_PASSWORD_AUTH=1 (Lattice only) adds the wrong-password check. They
// print one line per check and exit non-zero on any failure.
//
// Run with:
//
//	scripts/test-deps.sh   # installs psql, Java, psycopg, node, ...; starts PostgreSQL
//	go test -race -count=1 ./tests/clients/...
//
// A missing component skips its test, except with CI=true, where it fails.
package clients
