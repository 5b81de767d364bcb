package planner

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/lattice-olap/lattice/pgerr"
)

// TestViews checks CREATE [OR REPLACE] VIEW, reading views, the catalogs'
// view of them and the statements refused on them (sqltests and
// PostgreSQL agree on the answers of the same queries).
func TestViews(t *testing.T) {
	s := sessionWith(t,
		"CREATE TABLE base (id integer, v integer)",
		"INSERT INTO base VALUES (1, 10), (2, 20), (3, 30)",
		"CREATE VIEW big AS SELECT id, v * 2 AS v2 FROM base WHERE v > 10")
	tag, err := runSQL(t, s, "CREATE VIEW summed (n, total) AS SELECT count(*), sum(v2) FROM big")
	require.NoError(t, err)
	require.Equal(t, "CREATE VIEW", tag)
	require.Equal(t, []string{"2", "100"}, queryText(t, s, "SELECT n, total FROM summed"))
	require.Equal(t, []string{"3"}, queryText(t, s, "SELECT b.id FROM big b(id) WHERE b.id > 2"))
	// The view does not see the reader's WITH queries.
	require.Equal(t, []string{"2"}, queryText(t, s, "WITH base AS (SELECT 1 AS id, 1000 AS v) SELECT count(*) FROM big"))
	require.Equal(t, []string{"VIEW"}, queryColumn(t, s, "SELECT table_type FROM information_schema.tables WHERE table_name = 'big'"))
	require.Equal(t, []string{"v"}, queryColumn(t, s, "SELECT relkind::text FROM pg_class WHERE relname = 'summed'"))
	require.Equal(t, []string{"n", "total"}, queryColumn(t, s, "SELECT column_name FROM information_schema.columns WHERE table_name = 'summed' ORDER BY ordinal_position"))
	def := queryColumn(t, s, "SELECT pg_get_viewdef('big'::regclass)")
	require.Contains(t, def[0], "FROM base")

	// OR REPLACE keeps the columns and may add some.
	_, err = runSQL(t, s, "CREATE OR REPLACE VIEW big AS SELECT id, v * 3 AS v2, 'x' AS extra FROM base")
	require.NoError(t, err)
	require.Equal(t, []string{"3", "180"}, queryText(t, s, "SELECT n, total FROM summed"))
	for q, code := range map[string]pgerr.Code{
		"CREATE VIEW big AS SELECT 1":                                             pgerr.DuplicateTable,
		"CREATE OR REPLACE VIEW big AS SELECT id FROM base":                       pgerr.InvalidTableDefinition,
		"CREATE OR REPLACE VIEW big AS SELECT id, v AS w, 'x' AS extra FROM base": pgerr.InvalidTableDefinition,
		"CREATE OR REPLACE VIEW base AS SELECT 1":                                 pgerr.WrongObjectType,
		"CREATE VIEW v3 (a, b) AS SELECT 1":                                       pgerr.SyntaxError,
		"CREATE VIEW v3 AS SELECT 1 AS a, 2 AS a":                                 pgerr.DuplicateColumn,
		"CREATE VIEW v3 AS SELECT $1::int":                                        pgerr.UndefinedParameter,
		"CREATE TEMP VIEW v3 AS SELECT 1":                                         pgerr.FeatureNotSupported,
		"INSERT INTO big VALUES (1, 2, 'x')":                                      pgerr.WrongObjectType,
		"TRUNCATE big":                                                            pgerr.WrongObjectType,
		"COPY big TO STDOUT":                                                      pgerr.WrongObjectType,
		"DROP TABLE big":                                                          pgerr.WrongObjectType,
		"DROP VIEW base":                                                          pgerr.WrongObjectType,
		"DROP VIEW nosuch":                                                        pgerr.UndefinedTable,
	} {
		_, err := runSQL(t, s, q)
		require.Equal(t, code, pgerr.CodeOf(err), q)
	}

	// Views that read each other in a loop fail when read, not forever.
	_, err = runSQL(t, s, "CREATE VIEW loop1 AS SELECT 1 AS x")
	require.NoError(t, err)
	_, err = runSQL(t, s, "CREATE VIEW loop2 AS SELECT x FROM loop1")
	require.NoError(t, err)
	_, err = runSQL(t, s, "CREATE OR REPLACE VIEW loop1 AS SELECT x FROM loop2")
	require.NoError(t, err)
	_, err = runSQL(t, s, "SELECT * FROM loop1")
	require.Equal(t, pgerr.InvalidObjectDefinition, pgerr.CodeOf(err))

	tag, err = runSQL(t, s, "DROP VIEW summed, big")
	require.NoError(t, err)
	require.Equal(t, "DROP VIEW", tag)
	_, err = runSQL(t, s, "SELECT * FROM big")
	require.Equal(t, pgerr.UndefinedTable, pgerr.CodeOf(err))
}
