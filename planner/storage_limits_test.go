package planner

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/lattice-olap/lattice/pgerr"
)

// TestNaNIntoFixedNumeric checks that NaN, which PostgreSQL's numeric(p,s)
// holds and Lattice's 128-bit decimal columns cannot, fails with a clear
// 0A000 (it was XX000 "number has no digits"), and that the failed INSERT
// stores nothing.
func TestNaNIntoFixedNumeric(t *testing.T) {
	p, _ := newTestPlanner(t)
	sess, err := p.NewSession("admin", "lattice", true, 1, nil)
	require.NoError(t, err)
	_, err = runSQL(t, sess, "CREATE TABLE nn (x numeric(5,2))")
	require.NoError(t, err)
	for _, q := range []string{
		"INSERT INTO nn VALUES (1.5), ('NaN')",
		"SELECT x::numeric(6,1) FROM (VALUES ('NaN'::numeric)) v(x)",
	} {
		_, err := runSQL(t, sess, q)
		var pe *pgerr.Error
		require.True(t, errors.As(err, &pe), "%s: %v", q, err)
		require.Equal(t, pgerr.FeatureNotSupported, pe.Code, q)
		require.Contains(t, pe.Message, "cannot hold NaN", q)
	}
	require.Equal(t, []string{"0"}, queryColumn(t, sess, "SELECT count(*) FROM nn"))
	// numeric without a precision holds it.
	require.Equal(t, []string{"NaN"}, queryColumn(t, sess, "SELECT 'NaN'::numeric"))
}

// TestIntervalBeyondNanoseconds checks that an interval whose time part
// passes what Arrow's nanosecond count holds fails with 22008 when it goes
// through a batch, where it wrapped to a negative value, and that one
// within it passes.
func TestIntervalBeyondNanoseconds(t *testing.T) {
	p, _ := newTestPlanner(t)
	sess, err := p.NewSession("admin", "lattice", true, 1, nil)
	require.NoError(t, err)
	_, err = runSQL(t, sess, "SELECT x::interval FROM (VALUES ('3000000 hours')) v(x)")
	var pe *pgerr.Error
	require.True(t, errors.As(err, &pe), "%v", err)
	require.Equal(t, pgerr.DatetimeFieldOverflow, pe.Code)
	require.Equal(t, []string{"2562047:00:00"}, queryColumn(t, sess, "SELECT (x::interval)::text FROM (VALUES ('2562047 hours')) v(x)"))
}
