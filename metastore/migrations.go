package metastore

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"
)

// migrations are applied in order; migration i brings the schema to version
// i+1. Never edit one that has shipped: append a new one. Statements use
// CREATE ... IF NOT EXISTS so that a migration interrupted on MySQL (whose
// DDL is not transactional) can run again. docs/metastore.md describes the
// tables.
var migrations = []string{
	// 1: the initial schema.
	`CREATE TABLE IF NOT EXISTS cluster_info (
		k {{name}} PRIMARY KEY,
		v {{text}} NOT NULL
	);
	CREATE TABLE IF NOT EXISTS projects (
		name        {{name}} PRIMARY KEY,
		description {{text}} NOT NULL,
		job_engine  {{name}},
		created_at  BIGINT NOT NULL,
		version     BIGINT NOT NULL
	);
	CREATE TABLE IF NOT EXISTS users (
		name       {{name}} PRIMARY KEY,
		verifier   {{text}} NOT NULL,
		is_admin   BOOLEAN NOT NULL,
		created_at BIGINT NOT NULL,
		version    BIGINT NOT NULL
	);
	CREATE TABLE IF NOT EXISTS project_roles (
		project   {{name}} NOT NULL,
		user_name {{name}} NOT NULL,
		role      VARCHAR(16) NOT NULL,
		PRIMARY KEY (project, user_name)
	);
	CREATE TABLE IF NOT EXISTS tables (
		project     {{name}} NOT NULL,
		schema_name {{name}} NOT NULL,
		name        {{name}} NOT NULL,
		definition  {{text}} NOT NULL,
		created_at  BIGINT NOT NULL,
		version     BIGINT NOT NULL,
		PRIMARY KEY (project, schema_name, name)
	);
	CREATE TABLE IF NOT EXISTS table_files (
		project     {{name}} NOT NULL,
		schema_name {{name}} NOT NULL,
		table_name  {{name}} NOT NULL,
		path        VARCHAR(255) NOT NULL,
		row_count   BIGINT NOT NULL,
		byte_count  BIGINT NOT NULL,
		stats       {{text}} NOT NULL,
		PRIMARY KEY (project, schema_name, table_name, path)
	);
	CREATE TABLE IF NOT EXISTS cubes (
		project    {{name}} NOT NULL,
		name       {{name}} NOT NULL,
		definition {{text}} NOT NULL,
		created_at BIGINT NOT NULL,
		version    BIGINT NOT NULL,
		PRIMARY KEY (project, name)
	);
	CREATE TABLE IF NOT EXISTS segments (
		project     {{name}} NOT NULL,
		cube        {{name}} NOT NULL,
		id          {{name}} NOT NULL,
		range_start {{name}} NOT NULL,
		range_end   {{name}} NOT NULL,
		status      VARCHAR(16) NOT NULL,
		stats       {{text}} NOT NULL,
		files       {{text}} NOT NULL,
		created_at  BIGINT NOT NULL,
		updated_at  BIGINT NOT NULL,
		version     BIGINT NOT NULL,
		PRIMARY KEY (project, cube, id)
	);
	CREATE TABLE IF NOT EXISTS jobs (
		id         {{name}} PRIMARY KEY,
		project    {{name}} NOT NULL,
		cube       {{name}} NOT NULL,
		job_type   VARCHAR(16) NOT NULL,
		status     VARCHAR(16) NOT NULL,
		progress   DOUBLE PRECISION NOT NULL,
		node       {{name}} NOT NULL,
		epoch      BIGINT NOT NULL,
		error      {{text}} NOT NULL,
		params     {{text}} NOT NULL,
		created_at BIGINT NOT NULL,
		updated_at BIGINT NOT NULL,
		version    BIGINT NOT NULL
	);
	CREATE TABLE IF NOT EXISTS job_steps (
		job_id      {{name}} NOT NULL,
		seq         INTEGER NOT NULL,
		name        {{name}} NOT NULL,
		status      VARCHAR(16) NOT NULL,
		detail      {{text}} NOT NULL,
		started_at  BIGINT NOT NULL,
		finished_at BIGINT NOT NULL,
		PRIMARY KEY (job_id, seq)
	);
	CREATE TABLE IF NOT EXISTS leases (
		project    {{name}} PRIMARY KEY,
		owner      {{name}} NOT NULL,
		epoch      BIGINT NOT NULL,
		expires_at BIGINT NOT NULL
	);
	CREATE TABLE IF NOT EXISTS nodes (
		id             {{name}} PRIMARY KEY,
		host           {{name}} NOT NULL,
		pg_port        INTEGER NOT NULL,
		http_port      INTEGER NOT NULL,
		mode           VARCHAR(8) NOT NULL,
		version        {{name}} NOT NULL,
		started_at     BIGINT NOT NULL,
		last_heartbeat BIGINT NOT NULL,
		clock_skew_ms  BIGINT NOT NULL
	);
	CREATE TABLE IF NOT EXISTS http_sessions (
		id         {{name}} PRIMARY KEY,
		user_name  {{name}} NOT NULL,
		created_at BIGINT NOT NULL,
		expires_at BIGINT NOT NULL
	);
	CREATE TABLE IF NOT EXISTS query_history (
		id          {{id}},
		project     {{name}} NOT NULL,
		user_name   {{name}} NOT NULL,
		query       {{text}} NOT NULL,
		route       VARCHAR(8) NOT NULL,
		cube        {{name}} NOT NULL,
		cuboid      {{text}} NOT NULL,
		duration_ms BIGINT NOT NULL,
		row_count   BIGINT NOT NULL,
		started_at  BIGINT NOT NULL
	);
	CREATE TABLE IF NOT EXISTS changelog (
		id         {{id}},
		entity     VARCHAR(16) NOT NULL,
		project    {{name}} NOT NULL,
		name       {{name}} NOT NULL,
		op         VARCHAR(8) NOT NULL,
		created_at BIGINT NOT NULL
	)`,
	// 2: schemas other than public.
	`CREATE TABLE IF NOT EXISTS project_schemas (
		project    {{name}} NOT NULL,
		name       {{name}} NOT NULL,
		created_at BIGINT NOT NULL,
		PRIMARY KEY (project, name)
	)`,
}

// SchemaVersion is the schema version this binary writes.
func SchemaVersion() int { return len(migrations) }

// migrate applies the missing migrations under a cluster-wide lock, so that
// of several nodes starting together exactly one applies each migration and
// the others see its result. A schema newer than the binary is refused.
func (s *Store) migrate(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 2*s.opTimeout+2*60e9)
	defer cancel()
	conn, err := s.db.Conn(ctx)
	// A connection switches a new SQLite file to WAL as it opens, and while
	// several processes open the file at once SQLite can report it locked
	// without waiting (busy_timeout does not cover the switch): retry.
	for err != nil && sqliteBusy(err) && ctx.Err() == nil {
		time.Sleep(20 * time.Millisecond)
		conn, err = s.db.Conn(ctx)
	}
	if err != nil {
		return classify(err)
	}
	defer conn.Close()
	unlock, err := s.dialect.lockMigrations(ctx, conn)
	if err != nil {
		return classify(err)
	}
	defer unlock()
	if _, err := conn.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS lattice_schema (id INTEGER PRIMARY KEY, version INTEGER NOT NULL)`); err != nil {
		return classify(err)
	}
	// SQLite's IMMEDIATE transaction is the lock there; elsewhere the
	// session lock above is.
	t, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return classify(err)
	}
	defer t.Rollback() //nolint:errcheck // after Commit this is a no-op
	var v int
	switch err := t.QueryRowContext(ctx, `SELECT version FROM lattice_schema WHERE id = 1`).Scan(&v); {
	case errors.Is(err, sql.ErrNoRows):
		if _, err := t.ExecContext(ctx, `INSERT INTO lattice_schema (id, version) VALUES (1, 0)`); err != nil {
			return classify(err)
		}
	case err != nil:
		return classify(err)
	}
	if v > len(migrations) {
		return fmt.Errorf("metastore %s has schema version %d, newer than this binary's %d: upgrade Lattice on this node before starting it",
			s.URL(), v, len(migrations))
	}
	for i := v; i < len(migrations); i++ {
		for _, stmt := range splitStatements(s.dialect.ddl(migrations[i])) {
			if _, err := t.ExecContext(ctx, stmt); err != nil {
				return fmt.Errorf("metastore migration %d: %w", i+1, classify(err))
			}
		}
		if _, err := t.ExecContext(ctx, s.dialect.rebind(`UPDATE lattice_schema SET version = ? WHERE id = 1`), i+1); err != nil {
			return classify(err)
		}
	}
	// The cluster's identity and internal secret are made once.
	for _, k := range []string{"cluster_id", "cluster_secret"} {
		var have int
		if err := t.QueryRowContext(ctx, s.dialect.rebind(`SELECT COUNT(*) FROM cluster_info WHERE k = ?`), k).Scan(&have); err != nil {
			return classify(err)
		}
		if have == 0 {
			b := make([]byte, 16)
			if _, err := rand.Read(b); err != nil {
				return err
			}
			if _, err := t.ExecContext(ctx, s.dialect.rebind(`INSERT INTO cluster_info (k, v) VALUES (?, ?)`), k, hex.EncodeToString(b)); err != nil {
				return classify(err)
			}
		}
	}
	return classify(t.Commit())
}

// splitStatements splits a migration on semicolons; the migrations contain
// no semicolons inside strings.
func splitStatements(m string) []string {
	var out []string
	for _, stmt := range strings.Split(m, ";") {
		if stmt = strings.TrimSpace(stmt); stmt != "" {
			out = append(out, stmt)
		}
	}
	return out
}

// ClusterInfo returns the cluster's id (which names its ZooKeeper subtree)
// and the secret nodes use to authenticate to each other.
func (s *Store) ClusterInfo(ctx context.Context) (id, secret string, err error) {
	ctx, cancel := s.opctx(ctx)
	defer cancel()
	if err := s.queryRow(ctx, `SELECT v FROM cluster_info WHERE k = ?`, "cluster_id").Scan(&id); err != nil {
		return "", "", classify(err)
	}
	if err := s.queryRow(ctx, `SELECT v FROM cluster_info WHERE k = ?`, "cluster_secret").Scan(&secret); err != nil {
		return "", "", classify(err)
	}
	return id, secret, nil
}
