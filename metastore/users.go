package metastore

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/lattice-olap/lattice/pgerr"
)

// User is a login role.
type User struct {
	Name     string
	Verifier string // SCRAM-SHA-256 verifier, see NewVerifier
	IsAdmin  bool   // a system administrator: every project, every role
	Version  int64
}

// Project is a PostgreSQL database as clients see it.
type Project struct {
	Name        string
	Description string
	CreatedAt   time.Time
	Version     int64
}

// DefaultProject is the project a fresh metastore holds.
const DefaultProject = "lattice"

// AdminUser is the initial system administrator.
const AdminUser = "admin"

// Bootstrap creates the admin user and the default project when the
// metastore has none. Concurrent bootstraps on several nodes are safe.
func (s *Store) Bootstrap(ctx context.Context, adminPassword string) error {
	verifier, err := NewVerifier(adminPassword)
	if err != nil {
		return err
	}
	return s.tx(ctx, func(tx *sql.Tx) error {
		now := time.Now().UnixMilli()
		if _, err := tx.ExecContext(ctx, s.dialect.rebind(
			`INSERT INTO users (name, verifier, is_admin, created_at) SELECT ?, ?, TRUE, ? WHERE NOT EXISTS (SELECT 1 FROM users WHERE name = ?)`),
			AdminUser, verifier, now, AdminUser); err != nil {
			return unavailable(err)
		}
		if _, err := tx.ExecContext(ctx, s.dialect.rebind(
			`INSERT INTO projects (name, created_at) SELECT ?, ? WHERE NOT EXISTS (SELECT 1 FROM projects)`),
			DefaultProject, now); err != nil {
			return unavailable(err)
		}
		return nil
	})
}

// User returns the named user, or ErrNotFound.
func (s *Store) User(ctx context.Context, name string) (User, error) {
	var u User
	err := s.db.QueryRowContext(ctx, s.dialect.rebind(`SELECT name, verifier, is_admin, version FROM users WHERE name = ?`), name).
		Scan(&u.Name, &u.Verifier, &u.IsAdmin, &u.Version)
	if errors.Is(err, sql.ErrNoRows) {
		return u, ErrNotFound
	}
	return u, unavailable(err)
}

// Project returns the named project, or ErrNotFound.
func (s *Store) Project(ctx context.Context, name string) (Project, error) {
	var p Project
	var created int64
	err := s.db.QueryRowContext(ctx, s.dialect.rebind(`SELECT name, description, created_at, version FROM projects WHERE name = ?`), name).
		Scan(&p.Name, &p.Description, &created, &p.Version)
	if errors.Is(err, sql.ErrNoRows) {
		return p, ErrNotFound
	}
	p.CreatedAt = time.UnixMilli(created).UTC()
	return p, unavailable(err)
}

// Projects lists all projects by name.
func (s *Store) Projects(ctx context.Context) ([]Project, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT name, description, created_at, version FROM projects ORDER BY name`)
	if err != nil {
		return nil, unavailable(err)
	}
	defer rows.Close()
	var out []Project
	for rows.Next() {
		var p Project
		var created int64
		if err := rows.Scan(&p.Name, &p.Description, &created, &p.Version); err != nil {
			return nil, unavailable(err)
		}
		p.CreatedAt = time.UnixMilli(created).UTC()
		out = append(out, p)
	}
	return out, unavailable(rows.Err())
}

// CreateProject creates a project; it fails with 42P04 when it exists.
func (s *Store) CreateProject(ctx context.Context, name string) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, s.dialect.rebind(
			`INSERT INTO projects (name, created_at) SELECT ?, ? WHERE NOT EXISTS (SELECT 1 FROM projects WHERE name = ?)`),
			name, time.Now().UnixMilli(), name)
		if err != nil {
			return unavailable(err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return pgerr.New(pgerr.DuplicateDatabase, "database %q already exists", name)
		}
		return nil
	})
}

// CreateUser creates a login user with a password; it fails with 42710 when
// the user exists.
func (s *Store) CreateUser(ctx context.Context, name, password string, admin bool) error {
	verifier, err := NewVerifier(password)
	if err != nil {
		return pgerr.Wrap(err, pgerr.InvalidPassword, "invalid password")
	}
	return s.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, s.dialect.rebind(
			`INSERT INTO users (name, verifier, is_admin, created_at) SELECT ?, ?, ?, ? WHERE NOT EXISTS (SELECT 1 FROM users WHERE name = ?)`),
			name, verifier, admin, time.Now().UnixMilli(), name)
		if err != nil {
			return unavailable(err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return pgerr.New(pgerr.DuplicateObject, "role %q already exists", name)
		}
		return nil
	})
}

// CanConnect reports whether user may connect to project: administrators
// may connect anywhere, others need a role on the project.
func (s *Store) CanConnect(ctx context.Context, u User, project string) (bool, error) {
	if u.IsAdmin {
		return true, nil
	}
	var n int
	err := s.db.QueryRowContext(ctx, s.dialect.rebind(`SELECT COUNT(*) FROM project_roles WHERE project = ? AND user_name = ?`), project, u.Name).Scan(&n)
	return n > 0, unavailable(err)
}
