package planner

import (
	"context"
	"encoding/json"
	"strings"

	"github.com/lattice-olap/lattice/cube"
	"github.com/lattice-olap/lattice/metastore"
	"github.com/lattice-olap/lattice/types"
)

// The system views of schema lattice that come from the metastore
// (DESIGN.md "SQL surface"); lattice.nodes and lattice.leases come from
// the cluster package. A user sees the rows of the project they are
// connected to; a system administrator sees every project's.

func viewProject(s *Session) string {
	if s.IsAdmin {
		return ""
	}
	return s.Project
}

func cols(spec ...any) []Column {
	var out []Column
	for i := 0; i < len(spec); i += 2 {
		out = append(out, Column{Name: spec[i].(string), Type: spec[i+1].(types.T)})
	}
	return out
}

func init() {
	RegisterRelation(VirtualRelation{Schema: "lattice", Name: "cubes",
		Columns: cols("project", types.Name, "name", types.Name, "fact_table", types.Text, "dimensions", types.Text, "measures", types.Text,
			"partition_column", types.Text, "cuboids", types.Int8, "segments", types.Int8, "rows", types.Int8, "bytes", types.Int8, "created_at", types.TimestampTZ, "definition", types.Text),
		Rows: cubeRows})
	RegisterRelation(VirtualRelation{Schema: "lattice", Name: "segments",
		Columns: cols("project", types.Name, "cube", types.Name, "id", types.Text, "range_start", types.Text, "range_end", types.Text,
			"status", types.Text, "rows", types.Int8, "bytes", types.Int8, "cuboids", types.Int8, "created_at", types.TimestampTZ, "updated_at", types.TimestampTZ),
		Rows: segmentRows})
	RegisterRelation(VirtualRelation{Schema: "lattice", Name: "jobs",
		Columns: cols("id", types.Text, "project", types.Name, "cube", types.Name, "type", types.Text, "status", types.Text,
			"progress", types.Float8, "step", types.Text, "node", types.Text, "epoch", types.Int8, "created_at", types.TimestampTZ, "updated_at", types.TimestampTZ, "error", types.Text),
		Rows: jobRows})
	RegisterRelation(VirtualRelation{Schema: "lattice", Name: "query_history",
		Columns: cols("project", types.Name, "user_name", types.Name, "query", types.Text, "route", types.Text, "cube", types.Text,
			"cuboid", types.Text, "duration_ms", types.Int8, "rows", types.Int8, "started_at", types.TimestampTZ),
		Rows: historyRows})
}

func cubeRows(ctx context.Context, s *Session) ([][]types.Datum, error) {
	cubes, err := s.planner.store.Cubes(ctx, viewProject(s))
	if err != nil {
		return nil, err
	}
	segs, err := s.planner.store.Segments(ctx, viewProject(s), "")
	if err != nil {
		return nil, err
	}
	var out [][]types.Datum
	for _, c := range cubes {
		d, err := cube.Unmarshal(c.Definition)
		if err != nil {
			return nil, err
		}
		var dims, measures []string
		for _, dim := range d.Dimensions {
			dims = append(dims, dim.Name)
		}
		for _, m := range d.Measures {
			if !m.Hidden {
				measures = append(measures, m.Name)
			}
		}
		var ready, rows, bytes int64
		for _, g := range segs {
			if g.Project == c.Project && g.Cube == c.Name && g.Status == metastore.SegmentReady {
				ready++
				var st cube.SegmentStats
				_ = json.Unmarshal([]byte(g.Stats), &st)
				rows += st.Cuboids[d.Base().Key()]
				bytes += st.Bytes
			}
		}
		var part types.Datum
		if d.Partition != nil {
			part = d.Partition.Col.Column
		}
		out = append(out, []types.Datum{c.Project, c.Name, d.Fact.Name, strings.Join(dims, ", "), strings.Join(measures, ", "),
			part, int64(len(d.Cuboids)), ready, rows, bytes, c.CreatedAt, d.SQL})
	}
	return out, nil
}

func segmentRows(ctx context.Context, s *Session) ([][]types.Datum, error) {
	segs, err := s.planner.store.Segments(ctx, viewProject(s), "")
	if err != nil {
		return nil, err
	}
	var out [][]types.Datum
	for _, g := range segs {
		var st cube.SegmentStats
		_ = json.Unmarshal([]byte(g.Stats), &st)
		out = append(out, []types.Datum{g.Project, g.Cube, g.ID, nullIfEmpty(g.Start), nullIfEmpty(g.End), g.Status,
			st.FactRows, st.Bytes, int64(len(st.Cuboids)), g.CreatedAt, g.UpdatedAt})
	}
	return out, nil
}

func jobRows(ctx context.Context, s *Session) ([][]types.Datum, error) {
	jobs, err := s.planner.store.Jobs(ctx, viewProject(s))
	if err != nil {
		return nil, err
	}
	var out [][]types.Datum
	for _, j := range jobs {
		step := ""
		if j.Status != metastore.JobFinished && j.Status != metastore.JobDiscarded {
			if _, steps, err := s.planner.store.Job(ctx, j.ID); err == nil {
				for _, st := range steps {
					if st.Status != metastore.StepFinished {
						step = st.Name
						break
					}
				}
			}
		}
		out = append(out, []types.Datum{j.ID, j.Project, j.Cube, j.Type, j.Status, j.Progress * 100, nullIfEmpty(step), j.Node, j.Epoch,
			j.CreatedAt, j.UpdatedAt, nullIfEmpty(j.Error)})
	}
	return out, nil
}
