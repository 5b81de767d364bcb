package planner

import (
	"context"
	"fmt"
	"strings"

	"github.com/lattice-olap/lattice/cube"
	"github.com/lattice-olap/lattice/metastore"
	"github.com/lattice-olap/lattice/types"
)

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
	st, err := s.planner.store.CubeState(ctx, s.Project)
	if err != nil {
		return nil, err
	}
	var out []CubeRelation
	for _, c := range st.Cubes {
		d, err := cube.Unmarshal(c.Definition)
		if err != nil {
			return nil, err
		}
		ready := 0
		for _, g := range st.Segments {
			if g.Cube == c.Name && g.Status == metastore.SegmentReady {
				ready++
			}
		}
		out = append(out, CubeRelation{Name: c.Name, Columns: cubeRelationColumns(d),
			Comment: fmt.Sprintf("Lattice cube over %s: dimensions %s; %d cuboids, %d READY segments", d.Fact.Name, dimList(d), len(d.Cuboids), ready)})
	}
	return out, nil
}

// cubeRelationColumns are the columns a cube relation shows: dimensions,
// then the visible measures (a COUNT(DISTINCT) measure as its count).
func cubeRelationColumns(d *cube.Def) []Column {
	var out []Column
	for _, dim := range d.Dimensions {
		out = append(out, Column{Name: dim.Name, Type: dim.Type})
	}
	for _, m := range d.Measures {
		if m.Hidden {
			continue
		}
		t := m.Type
		if m.Kind == cube.CountDistinct {
			t = types.Int8
		}
		out = append(out, Column{Name: m.Name, Type: t})
	}
	return out
}

func dimList(d *cube.Def) string {
	var names []string
	for _, dim := range d.Dimensions {
		names = append(names, dim.Name)
	}
	return strings.Join(names, ", ")
}
