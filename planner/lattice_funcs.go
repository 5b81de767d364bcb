package planner

import (
	"github.com/lattice-olap/lattice/exec"
	"github.com/lattice-olap/lattice/types"
)

// Lattice's own scalar functions. This file's init runs after funcs.go's,
// which creates the builtins map.
func init() {
	// lattice_value_set_size counts the values of one COUNT(DISTINCT)
	// value set, as a cube relation shows a distinct measure per row.
	builtins["lattice_value_set_size"] = fixed("lattice_value_set_size", []types.T{types.Bytea}, types.Int8, func(_ *evalCtx, v []types.Datum) (types.Datum, error) {
		n, err := exec.ValueSetCount(v[0].([]byte))
		if err != nil {
			return nil, err
		}
		return n, nil
	})
}
