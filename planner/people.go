package planner

import (
	"context"
	"strings"

	pg_query "github.com/pganalyze/pg_query_go/v6"

	"github.com/lattice-olap/lattice/metastore"
	"github.com/lattice-olap/lattice/pgerr"
	"github.com/lattice-olap/lattice/types"
)

// Statements about people and projects: CREATE/DROP DATABASE (= PROJECT),
// CREATE/ALTER/DROP USER (or ROLE), and Kylin's project roles with
// GRANT/REVOKE role ON PROJECT. They change the metastore directly.

func (b *binder) latticeStatement(ls latticeStmt) (*Statement, error) {
	switch st := ls.(type) {
	case createProjectStmt:
		return b.createProject(st.name, st.ifNotExists, "CREATE PROJECT")
	case dropProjectStmt:
		return b.dropProject(st.name, st.ifExists, "DROP PROJECT")
	case grantStmt:
		return b.grant(st)
	case createCubeStmt:
		return b.createCube(st)
	case dropCubeStmt:
		return b.dropCube(st)
	case buildStmt:
		return b.buildCube(st)
	case dropSegmentStmt:
		return b.dropSegment(st)
	case jobControlStmt:
		return b.jobControl(st)
	case showStmt:
		return b.showLattice(st)
	case alterJobEngineStmt:
		return b.alterJobEngine(st)
	}
	return nil, pgerr.New(pgerr.FeatureNotSupported, "statement is not supported yet")
}

func (s *Session) requireAdmin(action string) error {
	if !s.IsAdmin {
		return pgerr.New(pgerr.InsufficientPrivilege, "permission denied to %s", action).
			WithHint("Only a system administrator (such as admin) can %s.", action)
	}
	return nil
}

func noBlock(s *Session, what string) error {
	if s.InBlock() {
		return pgerr.New(pgerr.ActiveSqlTransaction, "%s cannot run inside a transaction block", what)
	}
	return nil
}

func checkName(kind, name string) error {
	if name == "" || len(name) > 63 {
		return pgerr.New(pgerr.InvalidName, "invalid %s name %q: names are 1 to 63 characters", kind, name)
	}
	return nil
}

func (b *binder) createProject(name string, ifNotExists bool, tag string) (*Statement, error) {
	return &Statement{run: func(ctx context.Context, s *Session, _ []types.Datum) (Result, error) {
		if err := s.requireAdmin("create database"); err != nil {
			return nil, err
		}
		if err := noBlock(s, tag); err != nil {
			return nil, err
		}
		if err := checkName("database", name); err != nil {
			return nil, err
		}
		err := s.planner.store.CreateProject(ctx, name)
		if ifNotExists && pgerr.CodeOf(err) == pgerr.DuplicateDatabase {
			s.notice(pgerr.New(pgerr.DuplicateDatabase, "database %q already exists, skipping", name), pgerr.SeverityNotice)
			return tagOnly(tag), nil
		}
		if err != nil {
			return nil, err
		}
		return tagOnly(tag), nil
	}}, nil
}

func (b *binder) dropProject(name string, ifExists bool, tag string) (*Statement, error) {
	return &Statement{run: func(ctx context.Context, s *Session, _ []types.Datum) (Result, error) {
		if err := s.requireAdmin("drop database"); err != nil {
			return nil, err
		}
		if err := noBlock(s, tag); err != nil {
			return nil, err
		}
		if name == s.Project {
			return nil, pgerr.New(pgerr.ObjectInUse, "cannot drop the currently open database").
				WithHint("Connect to another project first.")
		}
		err := s.planner.store.DropProject(ctx, name)
		if ifExists && pgerr.CodeOf(err) == pgerr.InvalidCatalogName {
			s.notice(pgerr.New(pgerr.InvalidCatalogName, "database %q does not exist, skipping", name), pgerr.SeverityNotice)
			return tagOnly(tag), nil
		}
		if err != nil {
			return nil, err
		}
		return tagOnly(tag), nil
	}}, nil
}

func (b *binder) grant(st grantStmt) (*Statement, error) {
	role, err := metastore.ParseRole(st.role)
	if err != nil {
		return nil, err
	}
	tag := "GRANT"
	if st.revoke {
		tag = "REVOKE"
	}
	return &Statement{run: func(ctx context.Context, s *Session, _ []types.Datum) (Result, error) {
		if !s.IsAdmin {
			mine, err := s.planner.store.RoleOf(ctx, st.project, s.User)
			if err != nil {
				return nil, err
			}
			if mine != metastore.RoleAdmin {
				return nil, pgerr.New(pgerr.InsufficientPrivilege, "permission denied to manage roles on project %q", st.project).
					WithHint("A system administrator or a user with the ADMIN role on the project can %s roles.", strings.ToLower(tag))
			}
		}
		if st.revoke {
			err = s.planner.store.RevokeRole(ctx, st.project, st.user, role)
		} else {
			err = s.planner.store.GrantRole(ctx, st.project, st.user, role)
		}
		if err != nil {
			return nil, err
		}
		return tagOnly(tag), nil
	}}, nil
}

// roleOptions reads PASSWORD and SUPERUSER from CREATE/ALTER ROLE options.
func (b *binder) roleOptions(opts []*pg_query.Node) (password *string, superuser *bool, err error) {
	for _, o := range opts {
		d := o.GetDefElem()
		if d == nil {
			continue
		}
		switch d.Defname {
		case "password":
			if d.Arg == nil {
				return nil, nil, pgerr.New(pgerr.FeatureNotSupported, "PASSWORD NULL is not supported: every Lattice user logs in with a password")
			}
			s := d.Arg.GetString_()
			if s == nil {
				return nil, nil, pgerr.New(pgerr.SyntaxError, "PASSWORD takes a string")
			}
			pw := s.Sval
			password = &pw
		case "superuser":
			v := d.Arg == nil || d.Arg.GetBoolean() == nil || d.Arg.GetBoolean().Boolval
			if i := d.Arg.GetInteger(); i != nil {
				v = i.Ival != 0
			}
			superuser = &v
		case "canlogin", "inherit", "createdb", "createrole", "connectionlimit", "validUntil":
			// accepted for compatibility; every Lattice user can log in
		default:
			return nil, nil, pgerr.New(pgerr.FeatureNotSupported, "role option %s is not supported", strings.ToUpper(d.Defname))
		}
	}
	return password, superuser, nil
}

func (b *binder) createRole(cr *pg_query.CreateRoleStmt) (*Statement, error) {
	pw, super, err := b.roleOptions(cr.Options)
	if err != nil {
		return nil, err
	}
	if pw == nil {
		return nil, pgerr.New(pgerr.InvalidParameterValue, "CREATE USER needs a password").
			WithHint("Write CREATE USER %s WITH PASSWORD '...'.", cr.Role)
	}
	tag := "CREATE ROLE"
	name := cr.Role
	return &Statement{run: func(ctx context.Context, s *Session, _ []types.Datum) (Result, error) {
		if err := s.requireAdmin("create role"); err != nil {
			return nil, err
		}
		if err := checkName("role", name); err != nil {
			return nil, err
		}
		if err := s.planner.store.CreateUser(ctx, name, *pw, super != nil && *super); err != nil {
			return nil, err
		}
		return tagOnly(tag), nil
	}}, nil
}

func (b *binder) alterRole(ar *pg_query.AlterRoleStmt) (*Statement, error) {
	pw, super, err := b.roleOptions(ar.Options)
	if err != nil {
		return nil, err
	}
	if super != nil {
		return nil, pgerr.New(pgerr.FeatureNotSupported, "changing SUPERUSER is not supported; create an administrator with CREATE USER ... SUPERUSER")
	}
	if pw == nil {
		return &Statement{run: constTag("ALTER ROLE")}, nil
	}
	name := ar.Role.GetRolename()
	if ar.Role.Roletype == pg_query.RoleSpecType_ROLESPEC_CURRENT_USER || ar.Role.Roletype == pg_query.RoleSpecType_ROLESPEC_SESSION_USER {
		name = ""
	}
	return &Statement{run: func(ctx context.Context, s *Session, _ []types.Datum) (Result, error) {
		target := name
		if target == "" {
			target = s.User
		}
		if target != s.User {
			if err := s.requireAdmin("alter role"); err != nil {
				return nil, err
			}
		}
		if err := s.planner.store.SetPassword(ctx, target, *pw); err != nil {
			return nil, err
		}
		return tagOnly("ALTER ROLE"), nil
	}}, nil
}

func (b *binder) dropRole(dr *pg_query.DropRoleStmt) (*Statement, error) {
	var names []string
	for _, r := range dr.Roles {
		names = append(names, r.GetRoleSpec().GetRolename())
	}
	return &Statement{run: func(ctx context.Context, s *Session, _ []types.Datum) (Result, error) {
		if err := s.requireAdmin("drop role"); err != nil {
			return nil, err
		}
		for _, n := range names {
			if n == s.User {
				return nil, pgerr.New(pgerr.ObjectInUse, "current user cannot be dropped")
			}
			if n == metastore.AdminUser {
				return nil, pgerr.New(pgerr.DependentObjectsStillExist, "role %q cannot be dropped: it is the initial administrator", n)
			}
			err := s.planner.store.DropUser(ctx, n)
			if dr.MissingOk && pgerr.CodeOf(err) == pgerr.UndefinedObject {
				s.notice(pgerr.New(pgerr.UndefinedObject, "role %q does not exist, skipping", n), pgerr.SeverityNotice)
				continue
			}
			if err != nil {
				return nil, err
			}
		}
		return tagOnly("DROP ROLE"), nil
	}}, nil
}
