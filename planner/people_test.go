package planner

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/lattice-olap/lattice/metastore"
	"github.com/lattice-olap/lattice/pgerr"
)

func newTestPlanner(t testing.TB) (*Planner, *metastore.Store) {
	t.Helper()
	ctx := context.Background()
	store, err := metastore.Open(ctx, "sqlite://"+filepath.Join(t.TempDir(), "meta.db"))
	require.NoError(t, err)
	t.Cleanup(func() { store.Close() })
	require.NoError(t, store.Bootstrap(ctx, "pw"))
	return New(Config{Store: store, DataDir: t.TempDir(), Version: "test"}), store
}

// exec runs every statement of text and returns the last tag, or the
// first error.
func runSQL(t testing.TB, s *Session, text string) (string, error) {
	t.Helper()
	ctx := context.Background()
	stmts, err := s.Prepare(ctx, text, nil)
	if err != nil {
		return "", err
	}
	tag := ""
	for _, st := range stmts {
		res, err := s.Execute(ctx, st, nil)
		if err != nil {
			return "", err
		}
		for res.Next(ctx) {
		}
		if err := res.Err(); err != nil {
			return "", err
		}
		tag = res.Tag()
		res.Close()
	}
	return tag, nil
}

func TestPeopleAndProjectStatements(t *testing.T) {
	ctx := context.Background()
	p, store := newTestPlanner(t)
	admin, err := p.NewSession("admin", "lattice", true, 1, nil)
	require.NoError(t, err)

	for _, c := range [][2]string{
		{"CREATE DATABASE sales", "CREATE DATABASE"},
		{"CREATE PROJECT ops", "CREATE PROJECT"},
		{"CREATE PROJECT IF NOT EXISTS ops", "CREATE PROJECT"},
		{"CREATE USER alice WITH PASSWORD 'pw1'", "CREATE ROLE"},
		{"CREATE ROLE bob LOGIN PASSWORD 'pw2'", "CREATE ROLE"},
		{"GRANT query ON PROJECT sales TO alice", "GRANT"},
		{"GRANT ADMIN ON PROJECT ops TO bob", "GRANT"},
		{"ALTER USER alice WITH PASSWORD 'pw3'", "ALTER ROLE"},
		{"REVOKE QUERY ON PROJECT sales FROM bob", "REVOKE"},
		{"DROP DATABASE IF EXISTS nothing_here", "DROP DATABASE"},
	} {
		stmt, tag := c[0], c[1]
		got, err := runSQL(t, admin, stmt)
		require.NoError(t, err, stmt)
		require.Equal(t, tag, got, stmt)
	}
	r, err := store.RoleOf(ctx, "sales", "alice")
	require.NoError(t, err)
	require.Equal(t, metastore.RoleQuery, r)

	_, err = runSQL(t, admin, "CREATE DATABASE sales")
	require.Equal(t, pgerr.DuplicateDatabase, pgerr.CodeOf(err))
	_, err = runSQL(t, admin, "CREATE USER alice WITH PASSWORD 'x'")
	require.Equal(t, pgerr.DuplicateObject, pgerr.CodeOf(err))
	_, err = runSQL(t, admin, "CREATE USER nopw")
	require.Equal(t, pgerr.InvalidParameterValue, pgerr.CodeOf(err))
	_, err = runSQL(t, admin, "GRANT WRITE ON PROJECT sales TO alice")
	require.Equal(t, pgerr.InvalidParameterValue, pgerr.CodeOf(err))
	_, err = runSQL(t, admin, "DROP DATABASE lattice")
	require.Equal(t, pgerr.ObjectInUse, pgerr.CodeOf(err), "the open database cannot be dropped")
	_, err = runSQL(t, admin, "BEGIN; CREATE DATABASE x")
	require.Equal(t, pgerr.ActiveSqlTransaction, pgerr.CodeOf(err))
	_, err = runSQL(t, admin, "ROLLBACK")
	require.NoError(t, err)
	_, err = runSQL(t, admin, "CREATE PROJECT")
	require.Equal(t, pgerr.SyntaxError, pgerr.CodeOf(err))

	// A user who is not an administrator.
	alice, err := p.NewSession("alice", "sales", false, 2, nil)
	require.NoError(t, err)
	_, err = runSQL(t, alice, "CREATE DATABASE mine")
	require.Equal(t, pgerr.InsufficientPrivilege, pgerr.CodeOf(err))
	_, err = runSQL(t, alice, "GRANT QUERY ON PROJECT sales TO bob")
	require.Equal(t, pgerr.InsufficientPrivilege, pgerr.CodeOf(err))
	_, err = runSQL(t, alice, "ALTER USER bob WITH PASSWORD 'x'")
	require.Equal(t, pgerr.InsufficientPrivilege, pgerr.CodeOf(err))
	_, err = runSQL(t, alice, "ALTER USER alice WITH PASSWORD 'own'")
	require.NoError(t, err, "users may change their own password")
	// A project ADMIN manages that project's roles.
	bob, err := p.NewSession("bob", "ops", false, 3, nil)
	require.NoError(t, err)
	_, err = runSQL(t, bob, "GRANT OPERATION ON PROJECT ops TO alice")
	require.NoError(t, err)
	_, err = runSQL(t, bob, "GRANT OPERATION ON PROJECT sales TO alice")
	require.Equal(t, pgerr.InsufficientPrivilege, pgerr.CodeOf(err))

	_, err = runSQL(t, admin, "DROP USER alice, bob")
	require.NoError(t, err)
	admin.TakeNotices()
	_, err = runSQL(t, admin, "DROP USER IF EXISTS alice")
	require.NoError(t, err)
	notices := admin.TakeNotices()
	require.Len(t, notices, 1)
	require.Equal(t, `role "alice" does not exist, skipping`, notices[0].Message)
	_, err = runSQL(t, admin, "DROP USER admin")
	require.Error(t, err)
	_, err = runSQL(t, admin, "DROP PROJECT ops; DROP DATABASE sales")
	require.NoError(t, err)
	projects, err := store.Projects(ctx)
	require.NoError(t, err)
	require.Len(t, projects, 1)

	// Job statements need a job engine; a planner without cluster
	// services says so.
	_, err = runSQL(t, admin, "CREATE TABLE f (k int, v int); CREATE CUBE c ON f DIMENSIONS (k) MEASURES (SUM(v) AS v)")
	require.NoError(t, err)
	_, err = runSQL(t, admin, "BUILD CUBE c")
	require.Equal(t, pgerr.ObjectNotInPrerequisiteState, pgerr.CodeOf(err))
	_, err = runSQL(t, admin, "SHOW CUBES")
	require.NoError(t, err)
}
