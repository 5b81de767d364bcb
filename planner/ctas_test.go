package planner

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/lattice-olap/lattice/pgerr"
)

// TestCreateTableAs checks CREATE TABLE AS and SELECT INTO: the new
// table's columns and types follow the query's, its rows are the query's,
// and a statement that fails leaves no table behind.
func TestCreateTableAs(t *testing.T) {
	s := sessionWith(t,
		"CREATE TABLE src (id integer, v numeric(6,2), note varchar(5))",
		"INSERT INTO src VALUES (1, 1.50, 'a'), (2, 2.25, NULL), (3, NULL, 'c')")
	tag, err := runSQL(t, s, "CREATE TABLE c1 AS SELECT id, v * 2 AS v2, note, 'x' AS lit FROM src WHERE id < 3")
	require.NoError(t, err)
	require.Equal(t, "SELECT 2", tag)
	types := queryColumn(t, s, "SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = 'c1'::regclass AND attnum > 0 ORDER BY attnum")
	require.Equal(t, []string{"integer", "numeric", "character varying(5)", "text"}, types)
	require.Equal(t, []string{"2", "7.50"}, queryText(t, s, "SELECT count(*), sum(v2) FROM c1"))

	tag, err = runSQL(t, s, "CREATE TABLE c2 (a, b) AS SELECT id, note FROM src WITH NO DATA")
	require.NoError(t, err)
	require.Equal(t, "CREATE TABLE AS", tag)
	require.Equal(t, []string{"0"}, queryText(t, s, "SELECT count(*) FROM c2"))
	require.Equal(t, []string{"a", "b"}, queryColumn(t, s, "SELECT attname FROM pg_attribute WHERE attrelid = 'c2'::regclass AND attnum > 0 ORDER BY attnum"))

	tag, err = runSQL(t, s, "SELECT note, count(*) AS n INTO c3 FROM src GROUP BY note")
	require.NoError(t, err)
	require.Equal(t, "SELECT 3", tag)
	require.Equal(t, []string{"3"}, queryText(t, s, "SELECT sum(n) FROM c3"))

	// A query that fails while it runs leaves no table.
	_, err = runSQL(t, s, "CREATE TABLE c4 AS SELECT 10 / (id - 2) AS x FROM src")
	require.Equal(t, pgerr.DivisionByZero, pgerr.CodeOf(err))
	require.Equal(t, []string{"0"}, queryText(t, s, "SELECT count(*) FROM pg_class WHERE relname = 'c4'"))

	for q, code := range map[string]pgerr.Code{
		"CREATE TABLE c1 AS SELECT 1":                   pgerr.DuplicateTable,
		"CREATE TABLE c5 (a, b) AS SELECT 1":            pgerr.SyntaxError,
		"CREATE TABLE c5 AS SELECT 1 AS x, 2 AS x":      pgerr.DuplicateColumn,
		"CREATE TABLE c5 AS SELECT interval '1 day'":    pgerr.FeatureNotSupported,
		"CREATE TEMP TABLE c5 AS SELECT 1":              pgerr.FeatureNotSupported,
		"CREATE MATERIALIZED VIEW c5 AS SELECT 1":       pgerr.FeatureNotSupported,
		"CREATE TABLE nosuch.c5 AS SELECT 1":            pgerr.InvalidSchemaName,
		"CREATE TABLE c5 AS SELECT * FROM nosuch_table": pgerr.UndefinedTable,
	} {
		_, err := runSQL(t, s, q)
		require.Equal(t, code, pgerr.CodeOf(err), q)
	}
	tag, err = runSQL(t, s, "CREATE TABLE IF NOT EXISTS c1 AS SELECT 1")
	require.NoError(t, err)
	require.Equal(t, "CREATE TABLE AS", tag)
	require.False(t, strings.Contains(strings.Join(queryColumn(t, s, "SELECT relname FROM pg_class WHERE relname LIKE 'c_'"), ","), "c5"))
}
