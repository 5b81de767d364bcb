package planner

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/lattice-olap/lattice/pgerr"
	"github.com/lattice-olap/lattice/types"
)

// TestPlanFolds checks that Plan raises the errors PostgreSQL's planner
// raises when it folds immutable expressions, and only those (the
// expectations match PostgreSQL 15, see wire/testdata/pgtest).
func TestPlanFolds(t *testing.T) {
	p, _ := newTestPlanner(t)
	s, err := p.NewSession("admin", "lattice", true, 1, nil)
	require.NoError(t, err)
	ctx := context.Background()
	cases := []struct {
		sql  string
		args []types.Datum
		code pgerr.Code // "" when planning succeeds
	}{
		{"SELECT 1/0", nil, pgerr.DivisionByZero},
		{"SELECT 1/0 WHERE false", nil, pgerr.DivisionByZero},
		{"SELECT 1 WHERE 1/0 = 1", nil, pgerr.DivisionByZero},
		{"SELECT 40000::int2", nil, pgerr.NumericValueOutOfRange},
		{"SELECT 'abc'::text::int", nil, pgerr.InvalidTextRepresentation},
		{"SELECT 10 / $1::int", []types.Datum{int64(0)}, pgerr.DivisionByZero},
		{"SELECT 10 / $1::int", []types.Datum{int64(2)}, ""},
		{"SELECT CASE WHEN now() IS NULL THEN 1/0 END", nil, pgerr.DivisionByZero},
		{"SELECT current_setting('nosuch_setting') || (1/0)::text", nil, pgerr.DivisionByZero},
		// Short-circuits that PostgreSQL's folding takes too.
		{"SELECT COALESCE(1, 1/0)", nil, ""},
		{"SELECT CASE WHEN true THEN 2 ELSE 1/0 END", nil, ""},
		{"SELECT false AND 1/0 = 1", nil, ""},
		// Stable and volatile functions and date/time input wait for
		// execution.
		{"SELECT current_setting('nosuch_setting')", nil, ""},
		{"SELECT 'x'::text::date", nil, ""},
		{"SELECT pg_sleep(0)", nil, ""},
	}
	for _, c := range cases {
		stmts, err := s.Prepare(ctx, c.sql, nil)
		require.NoError(t, err, c.sql)
		require.Len(t, stmts, 1, c.sql)
		err = s.Plan(ctx, stmts[0], c.args)
		if c.code == "" {
			require.NoError(t, err, c.sql)
			continue
		}
		require.Error(t, err, c.sql)
		require.Equal(t, c.code, pgerr.From(err).Code, c.sql)
		require.Zero(t, pgerr.From(err).Position, "%s: folding errors carry no position", c.sql)
	}
}
