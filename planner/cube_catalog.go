package planner

import "context"

// CubeRelation describes a cube as the catalogs show it: a relation in
// schema public named after the cube, whose columns are its dimensions and
// then its measures.
type CubeRelation struct {
	Name    string
	Columns []Column
	Comment string // what obj_description shows: the cube's fact table, cuboids and segments
}

// CubeRelations lists the cubes of the session's project as relations, for
// pg_catalog and information_schema.
func (s *Session) CubeRelations(ctx context.Context) ([]CubeRelation, error) {
	return nil, nil
}
