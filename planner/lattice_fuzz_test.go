package planner

import (
	"errors"
	"testing"

	"github.com/lattice-olap/lattice/pgerr"
)

func isPgError(err error) bool {
	var pe *pgerr.Error
	return errors.As(err, &pe) && pe.Code != ""
}

// FuzzCubeStatements feeds arbitrary text to Lattice's own grammar: it
// must parse or fail with a SQLSTATE, never panic, and the lists of a
// CREATE CUBE it accepts must parse or fail the same way.
func FuzzCubeStatements(f *testing.F) {
	for _, s := range []string{
		"CREATE CUBE c ON f JOIN d ON f.k = d.k DIMENSIONS (a, d.b) MEASURES (SUM(x * y) AS s, COUNT(*), COUNT(DISTINCT u)) PARTITION BY dt FORMAT 'yyyyMMdd' AGGREGATION GROUP (a, b) MANDATORY (a) HIERARCHY (a, b) JOINT (b)",
		"BUILD CUBE c SEGMENT FROM '1992-01-01' TO '1993-01-01' WAIT",
		"REFRESH CUBE c", "MERGE CUBE c SEGMENTS FROM '1' TO '2'", "DROP SEGMENT 'x' FROM CUBE c",
		"CANCEL JOB 'j'", "SHOW SEGMENTS FROM c", "ALTER PROJECT p SET JOB ENGINE 'h:1'",
		"CREATE CUBE c ON (", "CREATE CUBE c ON f DIMENSIONS ((a) MEASURES (", "DROP CUBE IF EXISTS",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		st, matched, err := parseLattice(text, 0, text)
		if err != nil {
			if !isPgError(err) {
				t.Fatalf("error without SQLSTATE: %v", err)
			}
			return
		}
		if !matched {
			return
		}
		if cc, ok := st.(createCubeStmt); ok {
			for _, list := range []string{cc.dims, cc.measures} {
				if _, err := parseTargets(list, "list"); err != nil && !isPgError(err) {
					t.Fatalf("error without SQLSTATE: %v", err)
				}
			}
		}
	})
}
