package metastore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// migrations are applied in order; migration i brings the schema to version
// i+1. Never edit one that has shipped: append a new one.
var migrations = []string{
	// 1: people and projects.
	`CREATE TABLE projects (
		name        VARCHAR(128) PRIMARY KEY,
		description TEXT NOT NULL DEFAULT '',
		created_at  BIGINT NOT NULL,
		version     BIGINT NOT NULL DEFAULT 1
	);
	CREATE TABLE users (
		name       VARCHAR(128) PRIMARY KEY,
		verifier   TEXT NOT NULL,
		is_admin   BOOLEAN NOT NULL DEFAULT FALSE,
		created_at BIGINT NOT NULL,
		version    BIGINT NOT NULL DEFAULT 1
	);
	CREATE TABLE project_roles (
		project   VARCHAR(128) NOT NULL REFERENCES projects(name) ON DELETE CASCADE,
		user_name VARCHAR(128) NOT NULL REFERENCES users(name) ON DELETE CASCADE,
		role      VARCHAR(16) NOT NULL,
		PRIMARY KEY (project, user_name)
	);`,
}

// SchemaVersion is the schema version this binary writes.
func SchemaVersion() int { return len(migrations) }

// migrate applies the missing migrations. The version row is created first
// and then locked by an UPDATE inside the migration transaction, so that of
// several nodes starting together exactly one applies each migration and the
// others see its result.
func (s *Store) migrate(ctx context.Context) error {
	if _, err := s.db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS lattice_schema (id INTEGER PRIMARY KEY, version INTEGER NOT NULL)`); err != nil {
		return unavailable(err)
	}
	if _, err := s.db.ExecContext(ctx, `INSERT INTO lattice_schema (id, version) SELECT 1, 0 WHERE NOT EXISTS (SELECT 1 FROM lattice_schema WHERE id = 1)`); err != nil {
		// Another node inserted the row at the same moment: fine.
		var v int
		if s.db.QueryRowContext(ctx, `SELECT version FROM lattice_schema WHERE id = 1`).Scan(&v) != nil {
			return unavailable(err)
		}
	}
	return s.tx(ctx, func(tx *sql.Tx) error {
		// Take the row lock before reading the version.
		if _, err := tx.ExecContext(ctx, `UPDATE lattice_schema SET version = version WHERE id = 1`); err != nil {
			return unavailable(err)
		}
		var v int
		if err := tx.QueryRowContext(ctx, `SELECT version FROM lattice_schema WHERE id = 1`).Scan(&v); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return fmt.Errorf("metastore: schema version row missing")
			}
			return unavailable(err)
		}
		if v > len(migrations) {
			return fmt.Errorf("metastore %s has schema version %d, newer than this binary's %d: upgrade Lattice on this node before starting it",
				s.URL(), v, len(migrations))
		}
		for i := v; i < len(migrations); i++ {
			for _, stmt := range splitStatements(migrations[i]) {
				if _, err := tx.ExecContext(ctx, stmt); err != nil {
					return fmt.Errorf("metastore migration %d: %w", i+1, err)
				}
			}
		}
		if _, err := tx.ExecContext(ctx, s.dialect.rebind(`UPDATE lattice_schema SET version = ? WHERE id = 1`), len(migrations)); err != nil {
			return unavailable(err)
		}
		return nil
	})
}

// splitStatements splits a migration on semicolons that end a line; the
// migrations contain no semicolons inside strings.
func splitStatements(m string) []string {
	var out []string
	start := 0
	for i := 0; i < len(m); i++ {
		if m[i] == ';' {
			if stmt := trimSpace(m[start:i]); stmt != "" {
				out = append(out, stmt)
			}
			start = i + 1
		}
	}
	if stmt := trimSpace(m[start:]); stmt != "" {
		out = append(out, stmt)
	}
	return out
}

func trimSpace(s string) string {
	i, j := 0, len(s)
	for i < j && (s[i] == ' ' || s[i] == '\n' || s[i] == '\t' || s[i] == '\r') {
		i++
	}
	for j > i && (s[j-1] == ' ' || s[j-1] == '\n' || s[j-1] == '\t' || s[j-1] == '\r') {
		j--
	}
	return s[i:j]
}
