package metastore

import (
	"context"
	"database/sql"
	"errors"
	"strings"
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
	JobEngine   string // instance id pinned with ALTER PROJECT ... SET JOB ENGINE
	CreatedAt   time.Time
	Version     int64
}

// Role is a Kylin project role. Each includes the ones before it.
type Role string

// Project roles, weakest first.
const (
	RoleQuery      Role = "QUERY"
	RoleOperation  Role = "OPERATION"
	RoleManagement Role = "MANAGEMENT"
	RoleAdmin      Role = "ADMIN"
)

// ParseRole checks a role name.
func ParseRole(s string) (Role, error) {
	switch r := Role(strings.ToUpper(s)); r {
	case RoleQuery, RoleOperation, RoleManagement, RoleAdmin:
		return r, nil
	}
	return "", pgerr.New(pgerr.InvalidParameterValue, "unknown project role %q", s).
		WithHint("Project roles are QUERY, OPERATION, MANAGEMENT and ADMIN.")
}

// Rank orders roles; a higher rank includes the lower ones.
func (r Role) Rank() int {
	switch r {
	case RoleQuery:
		return 1
	case RoleOperation:
		return 2
	case RoleManagement:
		return 3
	case RoleAdmin:
		return 4
	}
	return 0
}

// Grant is one user's role on one project.
type Grant struct {
	Project, User string
	Role          Role
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
	err = s.tx(ctx, func(t *Tx) error {
		var users, projects int
		if err := t.QueryRow(`SELECT COUNT(*) FROM users`).Scan(&users); err != nil {
			return classify(err)
		}
		if err := t.QueryRow(`SELECT COUNT(*) FROM projects`).Scan(&projects); err != nil {
			return classify(err)
		}
		if users == 0 {
			if err := insertUser(t, AdminUser, verifier, true); err != nil {
				return err
			}
		}
		if projects == 0 {
			if err := insertProject(t, DefaultProject); err != nil {
				return err
			}
		}
		return nil
	})
	if isDuplicate(err) {
		return nil // another node bootstrapped at the same moment
	}
	return err
}

func isDuplicate(err error) bool {
	var pe *pgerr.Error
	return errors.As(err, &pe) && (pe.Code == pgerr.DuplicateObject || pe.Code == pgerr.DuplicateDatabase)
}

func insertUser(t *Tx, name, verifier string, admin bool) error {
	_, err := t.Exec(`INSERT INTO users (name, verifier, is_admin, created_at, version) VALUES (?, ?, ?, `+t.NowExpr()+`, 1)`, name, verifier, admin)
	if t.s.dialect.isUniqueViolation(err) {
		return pgerr.New(pgerr.DuplicateObject, "role %q already exists", name)
	}
	if err != nil {
		return err
	}
	return t.logChange(EntityUser, "", name, "create")
}

func insertProject(t *Tx, name string) error {
	_, err := t.Exec(`INSERT INTO projects (name, description, created_at, version) VALUES (?, '', `+t.NowExpr()+`, 1)`, name)
	if t.s.dialect.isUniqueViolation(err) {
		return pgerr.New(pgerr.DuplicateDatabase, "database %q already exists", name)
	}
	if err != nil {
		return err
	}
	return t.logChange(EntityProject, name, name, "create")
}

// User returns the named user, or ErrNotFound. It is served from the cache
// when one runs, so logins keep working while the database is away.
func (s *Store) User(ctx context.Context, name string) (User, error) {
	if c := s.activeCache(); c != nil {
		if u, ok := c.user(name); ok {
			return u, nil
		}
	}
	return s.loadUser(ctx, name)
}

func (s *Store) loadUser(ctx context.Context, name string) (User, error) {
	ctx, cancel := s.opctx(ctx)
	defer cancel()
	var u User
	err := s.queryRow(ctx, `SELECT name, verifier, is_admin, version FROM users WHERE name = ?`, name).
		Scan(&u.Name, &u.Verifier, &u.IsAdmin, &u.Version)
	if errors.Is(err, sql.ErrNoRows) {
		return u, ErrNotFound
	}
	return u, classify(err)
}

// Users lists all users by name.
func (s *Store) Users(ctx context.Context) ([]User, error) {
	ctx, cancel := s.opctx(ctx)
	defer cancel()
	rows, err := s.db.QueryContext(ctx, `SELECT name, verifier, is_admin, version FROM users ORDER BY name`)
	if err != nil {
		return nil, classify(err)
	}
	defer rows.Close()
	var out []User
	for rows.Next() {
		var u User
		if err := rows.Scan(&u.Name, &u.Verifier, &u.IsAdmin, &u.Version); err != nil {
			return nil, classify(err)
		}
		out = append(out, u)
	}
	return out, classify(rows.Err())
}

// Project returns the named project, or ErrNotFound; from the cache when
// one runs.
func (s *Store) Project(ctx context.Context, name string) (Project, error) {
	if c := s.activeCache(); c != nil {
		if p, ok := c.project(name); ok {
			return p, nil
		}
	}
	return s.loadProject(ctx, name)
}

func (s *Store) loadProject(ctx context.Context, name string) (Project, error) {
	ctx, cancel := s.opctx(ctx)
	defer cancel()
	var p Project
	var created int64
	var engine sql.NullString
	err := s.queryRow(ctx, `SELECT name, description, job_engine, created_at, version FROM projects WHERE name = ?`, name).
		Scan(&p.Name, &p.Description, &engine, &created, &p.Version)
	if errors.Is(err, sql.ErrNoRows) {
		return p, ErrNotFound
	}
	p.JobEngine = engine.String
	p.CreatedAt = time.UnixMilli(created).UTC()
	return p, classify(err)
}

// Projects lists all projects by name.
func (s *Store) Projects(ctx context.Context) ([]Project, error) {
	ctx, cancel := s.opctx(ctx)
	defer cancel()
	rows, err := s.db.QueryContext(ctx, `SELECT name, description, job_engine, created_at, version FROM projects ORDER BY name`)
	if err != nil {
		return nil, classify(err)
	}
	defer rows.Close()
	var out []Project
	for rows.Next() {
		var p Project
		var created int64
		var engine sql.NullString
		if err := rows.Scan(&p.Name, &p.Description, &engine, &created, &p.Version); err != nil {
			return nil, classify(err)
		}
		p.JobEngine = engine.String
		p.CreatedAt = time.UnixMilli(created).UTC()
		out = append(out, p)
	}
	return out, classify(rows.Err())
}

// CreateProject creates a project; it fails with 42P04 when it exists.
func (s *Store) CreateProject(ctx context.Context, name string) error {
	return s.write(ctx, func(t *Tx) error { return insertProject(t, name) })
}

// DropProject removes a project with everything in it: roles, tables,
// cubes, segments, jobs and its lease. It fails with 3D000 when absent.
func (s *Store) DropProject(ctx context.Context, name string) error {
	return s.write(ctx, func(t *Tx) error {
		res, err := t.Exec(`DELETE FROM projects WHERE name = ?`, name)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return pgerr.New(pgerr.InvalidCatalogName, "database %q does not exist", name)
		}
		for _, table := range []string{"project_roles", "project_schemas", "tables", "table_files", "cubes", "segments", "leases"} {
			if _, err := t.Exec(`DELETE FROM `+table+` WHERE project = ?`, name); err != nil {
				return err
			}
		}
		if _, err := t.Exec(`DELETE FROM job_steps WHERE job_id IN (SELECT id FROM jobs WHERE project = ?)`, name); err != nil {
			return err
		}
		if _, err := t.Exec(`DELETE FROM jobs WHERE project = ?`, name); err != nil {
			return err
		}
		return t.logChange(EntityProject, name, name, "drop")
	})
}

// SetProjectDescription changes a project's description if its version is
// still version (optimistic concurrency); otherwise it fails with 40001.
func (s *Store) SetProjectDescription(ctx context.Context, name, description string, version int64) error {
	return s.write(ctx, func(t *Tx) error {
		if err := t.updateVersioned("projects", "name = ?", []any{name}, version, "project", name,
			"description = ?", description); err != nil {
			return err
		}
		return t.logChange(EntityProject, name, name, "update")
	})
}

// SetJobEngine pins a project's jobs to a job node (used when the leader
// race is disabled); empty clears the pin.
func (s *Store) SetJobEngine(ctx context.Context, project, instance string) error {
	return s.write(ctx, func(t *Tx) error {
		var engine any = instance
		if instance == "" {
			engine = nil
		}
		res, err := t.Exec(`UPDATE projects SET job_engine = ?, version = version + 1 WHERE name = ?`, engine, project)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return pgerr.New(pgerr.InvalidCatalogName, "database %q does not exist", project)
		}
		return t.logChange(EntityProject, project, project, "update")
	})
}

// updateVersioned updates one row whose version must still be version,
// bumping it; a mismatch (someone changed it first) is 40001.
func (t *Tx) updateVersioned(table, where string, whereArgs []any, version int64, what, name string, set string, setArgs ...any) error {
	args := append(append(append([]any{}, setArgs...), whereArgs...), version)
	res, err := t.Exec(`UPDATE `+table+` SET `+set+`, version = version + 1 WHERE `+where+` AND version = ?`, args...)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		var cur int64
		err := t.QueryRow(`SELECT version FROM `+table+` WHERE `+where, whereArgs...).Scan(&cur)
		if errors.Is(err, sql.ErrNoRows) {
			return pgerr.New(pgerr.UndefinedObject, "%s %q does not exist", what, name)
		}
		return pgerr.New(pgerr.TRSerializationFailure, "could not update %s %q: it was changed concurrently (version %d, expected %d)", what, name, cur, version).
			WithHint("Read it again and retry.")
	}
	return nil
}

// CreateUser creates a login user; it fails with 42710 when the user exists.
func (s *Store) CreateUser(ctx context.Context, name, password string, admin bool) error {
	verifier, err := NewVerifier(password)
	if err != nil {
		return pgerr.Wrap(err, pgerr.InvalidPassword, "invalid password")
	}
	return s.write(ctx, func(t *Tx) error { return insertUser(t, name, verifier, admin) })
}

// SetPassword changes a user's password. It retries on a concurrent change
// of the same user, which is safe because the new password wins either way.
func (s *Store) SetPassword(ctx context.Context, name, password string) error {
	verifier, err := NewVerifier(password)
	if err != nil {
		return pgerr.Wrap(err, pgerr.InvalidPassword, "invalid password")
	}
	for attempt := 0; ; attempt++ {
		u, err := s.loadUser(ctx, name)
		if errors.Is(err, ErrNotFound) {
			return pgerr.New(pgerr.UndefinedObject, "role %q does not exist", name)
		}
		if err != nil {
			return err
		}
		err = s.write(ctx, func(t *Tx) error {
			if err := t.updateVersioned("users", "name = ?", []any{name}, u.Version, "role", name, "verifier = ?", verifier); err != nil {
				return err
			}
			return t.logChange(EntityUser, "", name, "update")
		})
		if pgerr.CodeOf(err) != pgerr.TRSerializationFailure || attempt >= 5 {
			return err
		}
	}
}

// DropUser removes a user and their grants; it fails with 42704 when absent.
func (s *Store) DropUser(ctx context.Context, name string) error {
	return s.write(ctx, func(t *Tx) error {
		res, err := t.Exec(`DELETE FROM users WHERE name = ?`, name)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return pgerr.New(pgerr.UndefinedObject, "role %q does not exist", name)
		}
		if _, err := t.Exec(`DELETE FROM project_roles WHERE user_name = ?`, name); err != nil {
			return err
		}
		return t.logChange(EntityUser, "", name, "drop")
	})
}

// GrantRole gives user a role on project, replacing any role they had.
func (s *Store) GrantRole(ctx context.Context, project, user string, role Role) error {
	return s.write(ctx, func(t *Tx) error {
		if err := t.mustExist("projects", "name = ?", pgerr.InvalidCatalogName, "database %q does not exist", project); err != nil {
			return err
		}
		if err := t.mustExist("users", "name = ?", pgerr.UndefinedObject, "role %q does not exist", user); err != nil {
			return err
		}
		if _, err := t.Exec(`DELETE FROM project_roles WHERE project = ? AND user_name = ?`, project, user); err != nil {
			return err
		}
		if _, err := t.Exec(`INSERT INTO project_roles (project, user_name, role) VALUES (?, ?, ?)`, project, user, string(role)); err != nil {
			return err
		}
		return t.logChange(EntityRole, project, user, "update")
	})
}

// RevokeRole removes user's role on project (any role when role is empty).
func (s *Store) RevokeRole(ctx context.Context, project, user string, role Role) error {
	return s.write(ctx, func(t *Tx) error {
		q, args := `DELETE FROM project_roles WHERE project = ? AND user_name = ?`, []any{project, user}
		if role != "" {
			q, args = q+` AND role = ?`, append(args, string(role))
		}
		if _, err := t.Exec(q, args...); err != nil {
			return err
		}
		return t.logChange(EntityRole, project, user, "drop")
	})
}

func (t *Tx) mustExist(table, where string, code pgerr.Code, format, name string) error {
	var n int
	if err := t.QueryRow(`SELECT COUNT(*) FROM `+table+` WHERE `+where, name).Scan(&n); err != nil {
		return classify(err)
	}
	if n == 0 {
		return pgerr.New(code, format, name)
	}
	return nil
}

// RoleOf returns user's role on project, or "" when they have none.
func (s *Store) RoleOf(ctx context.Context, project, user string) (Role, error) {
	if c := s.activeCache(); c != nil {
		if r, ok := c.role(project, user); ok {
			return r, nil
		}
	}
	ctx, cancel := s.opctx(ctx)
	defer cancel()
	var r string
	err := s.queryRow(ctx, `SELECT role FROM project_roles WHERE project = ? AND user_name = ?`, project, user).Scan(&r)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return Role(r), classify(err)
}

// Grants lists every role grant on project ("" for all projects).
func (s *Store) Grants(ctx context.Context, project string) ([]Grant, error) {
	ctx, cancel := s.opctx(ctx)
	defer cancel()
	q, args := `SELECT project, user_name, role FROM project_roles`, []any{}
	if project != "" {
		q, args = q+` WHERE project = ?`, append(args, project)
	}
	rows, err := s.db.QueryContext(ctx, s.dialect.rebind(q+` ORDER BY project, user_name`), args...)
	if err != nil {
		return nil, classify(err)
	}
	defer rows.Close()
	var out []Grant
	for rows.Next() {
		var g Grant
		var r string
		if err := rows.Scan(&g.Project, &g.User, &r); err != nil {
			return nil, classify(err)
		}
		g.Role = Role(r)
		out = append(out, g)
	}
	return out, classify(rows.Err())
}

// CanConnect reports whether user may connect to project: administrators
// may connect anywhere, others need a role on the project.
func (s *Store) CanConnect(ctx context.Context, u User, project string) (bool, error) {
	if u.IsAdmin {
		return true, nil
	}
	r, err := s.RoleOf(ctx, project, u.Name)
	return r != "", err
}

// write runs a metadata change and then lets this node's cache catch up,
// so that the writer reads its own write.
func (s *Store) write(ctx context.Context, fn func(*Tx) error) error {
	if err := s.tx(ctx, fn); err != nil {
		return err
	}
	if c := s.activeCache(); c != nil {
		_ = c.Sync(ctx) // best effort: the poller catches up anyway
	}
	return nil
}
