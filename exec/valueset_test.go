package exec

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/lattice-olap/lattice/types"
)

func encodeSet(t *testing.T, vals ...types.Datum) []byte {
	var s valueSet
	for _, v := range vals {
		require.NoError(t, s.addValue(v))
	}
	b, err := s.encode()
	require.NoError(t, err)
	return b
}

func TestValueSetsMergeExactly(t *testing.T) {
	a := encodeSet(t, int64(1), int64(2), int64(-5), nil)
	b := encodeSet(t, int64(2), int64(3), int64(-5))
	union := &valueSetAcc{fn: AggValueSetUnion}
	require.NoError(t, union.add(a, nil))
	require.NoError(t, union.add(b, nil))
	enc, err := union.result(nil)
	require.NoError(t, err)
	n, err := ValueSetCount(enc.([]byte))
	require.NoError(t, err)
	require.Equal(t, int64(4), n) // 1, 2, 3, -5

	count := &valueSetAcc{fn: AggValueSetCount}
	require.NoError(t, count.add(encodeSet(t, "x", "y"), nil))
	require.NoError(t, count.add(encodeSet(t, "y", "z", ""), nil))
	got, err := count.result(nil)
	require.NoError(t, err)
	require.Equal(t, int64(4), got)

	empty := encodeSet(t)
	n, err = ValueSetCount(empty)
	require.NoError(t, err)
	require.Zero(t, n)

	_, err = ValueSetCount([]byte{'Q', 1})
	require.Error(t, err)
	_, err = ValueSetCount([]byte{'S', 9, 'a'})
	require.Error(t, err)
	var s valueSet
	require.Error(t, s.addValue(1.5))
}
