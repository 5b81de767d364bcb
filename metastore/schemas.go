package metastore

import (
	"context"
	"strings"

	"github.com/lattice-olap/lattice/pgerr"
)

// PublicSchema exists in every project without being recorded.
const PublicSchema = "public"

// CreateSchema records a schema; 42P06 when it exists.
func (s *Store) CreateSchema(ctx context.Context, project, name string) error {
	if name == PublicSchema {
		return pgerr.New(pgerr.DuplicateSchema, "schema %q already exists", name)
	}
	return s.write(ctx, func(t *Tx) error {
		_, err := t.Exec(`INSERT INTO project_schemas (project, name, created_at) VALUES (?, ?, `+t.NowExpr()+`)`, project, name)
		if s.dialect.isUniqueViolation(err) {
			return pgerr.New(pgerr.DuplicateSchema, "schema %q already exists", name)
		}
		if err != nil {
			return err
		}
		return t.logChange(EntityTable, project, name+".*", "create")
	})
}

// DropSchema removes a schema; with cascade its tables go too (their names
// and files are returned, the files for deletion), otherwise a non-empty
// schema is 2BP01.
func (s *Store) DropSchema(ctx context.Context, project, name string, cascade bool) ([]string, []TableFile, error) {
	if name == PublicSchema {
		return nil, nil, pgerr.New(pgerr.FeatureNotSupported, "the public schema cannot be dropped")
	}
	var files []TableFile
	var tables []string
	err := s.write(ctx, func(t *Tx) error {
		res, err := t.Exec(`DELETE FROM project_schemas WHERE project = ? AND name = ?`, project, name)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return pgerr.New(pgerr.InvalidSchemaName, "schema %q does not exist", name)
		}
		trows, err := t.Query(`SELECT name FROM tables WHERE project = ? AND schema_name = ? ORDER BY created_at, name`, project, name)
		if err != nil {
			return err
		}
		for trows.Next() {
			var n string
			if err := trows.Scan(&n); err != nil {
				trows.Close()
				return classify(err)
			}
			tables = append(tables, n)
		}
		trows.Close()
		if len(tables) > 0 && !cascade {
			var detail []string
			for _, n := range tables {
				detail = append(detail, "table "+n+" depends on schema "+name)
			}
			return pgerr.New(pgerr.DependentObjectsStillExist, "cannot drop schema %s because other objects depend on it", name).
				WithDetail("%s", strings.Join(detail, "\n")).
				WithHint("Use DROP ... CASCADE to drop the dependent objects too.")
		}
		rows, err := t.Query(`SELECT path, row_count, byte_count, stats FROM table_files WHERE project = ? AND schema_name = ?`, project, name)
		if err != nil {
			return err
		}
		for rows.Next() {
			var f TableFile
			if err := rows.Scan(&f.Path, &f.Rows, &f.Bytes, &f.Stats); err != nil {
				rows.Close()
				return classify(err)
			}
			files = append(files, f)
		}
		rows.Close()
		for _, table := range []string{"tables", "table_files"} {
			if _, err := t.Exec(`DELETE FROM `+table+` WHERE project = ? AND schema_name = ?`, project, name); err != nil {
				return err
			}
		}
		return t.logChange(EntityTable, project, name+".*", "drop")
	})
	return tables, files, err
}

// SchemaExists reports whether a project has the schema.
func (s *Store) SchemaExists(ctx context.Context, project, name string) (bool, error) {
	if name == PublicSchema {
		return true, nil
	}
	ctx, cancel := s.opctx(ctx)
	defer cancel()
	var n int
	err := s.queryRow(ctx, `SELECT COUNT(*) FROM project_schemas WHERE project = ? AND name = ?`, project, name).Scan(&n)
	return n > 0, classify(err)
}

// Schemas lists a project's schemas, public first.
func (s *Store) Schemas(ctx context.Context, project string) ([]string, error) {
	ctx, cancel := s.opctx(ctx)
	defer cancel()
	rows, err := s.db.QueryContext(ctx, s.dialect.rebind(`SELECT name FROM project_schemas WHERE project = ? ORDER BY name`), project)
	if err != nil {
		return nil, classify(err)
	}
	defer rows.Close()
	out := []string{PublicSchema}
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, classify(err)
		}
		out = append(out, n)
	}
	return out, classify(rows.Err())
}
