package metastore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/lattice-olap/lattice/pgerr"
)

// ColumnDef is one column of an internal table.
type ColumnDef struct {
	Name    string `json:"name"`
	TypeOid uint32 `json:"type"`
	Typmod  int32  `json:"typmod"`
	NotNull bool   `json:"not_null,omitempty"`
}

// TableDef is an internal table's definition. Its rows live in the
// committed files listed in table_files.
type TableDef struct {
	Project string      `json:"-"`
	Schema  string      `json:"-"`
	Name    string      `json:"-"`
	Columns []ColumnDef `json:"columns"`
	// View is a view's query (a SELECT, as its CREATE VIEW wrote it); a
	// view has no files, and Columns are its columns when it was made.
	View    string `json:"view,omitempty"`
	Version int64  `json:"-"`
}

// TableFile is one committed data file of a table.
type TableFile struct {
	Path  string // relative to the data directory
	Rows  int64
	Bytes int64
	Stats string // JSON: per-column min/max/null counts, for pruning
}

func tableKey(project, schema, name string) string {
	return schema + "." + name
}

// CreateTable records a table; 42P07 when one of that name exists.
func (s *Store) CreateTable(ctx context.Context, def TableDef) error {
	body, err := json.Marshal(def)
	if err != nil {
		return err
	}
	return s.write(ctx, func(t *Tx) error {
		_, err := t.Exec(`INSERT INTO tables (project, schema_name, name, definition, created_at, version) VALUES (?, ?, ?, ?, `+t.NowExpr()+`, 1)`,
			def.Project, def.Schema, def.Name, string(body))
		if s.dialect.isUniqueViolation(err) {
			return pgerr.New(pgerr.DuplicateTable, "relation %q already exists", def.Name)
		}
		if err != nil {
			return err
		}
		return t.logChange(EntityTable, def.Project, tableKey(def.Project, def.Schema, def.Name), "create")
	})
}

// ReplaceView replaces the query and columns of view def, which must exist
// and be a view (42809 for a table), in one transaction.
func (s *Store) ReplaceView(ctx context.Context, def TableDef) error {
	body, err := json.Marshal(def)
	if err != nil {
		return err
	}
	return s.write(ctx, func(t *Tx) error {
		var old string
		err := t.QueryRow(`SELECT definition FROM tables WHERE project = ? AND schema_name = ? AND name = ?`+s.dialect.forUpdate(), def.Project, def.Schema, def.Name).Scan(&old)
		if errors.Is(err, sql.ErrNoRows) {
			return pgerr.New(pgerr.UndefinedTable, "relation %q does not exist", def.Name)
		}
		if err != nil {
			return classify(err)
		}
		var cur TableDef
		if err := json.Unmarshal([]byte(old), &cur); err != nil {
			return err
		}
		if cur.View == "" {
			return pgerr.New(pgerr.WrongObjectType, "%q is not a view", def.Name)
		}
		if _, err := t.Exec(`UPDATE tables SET definition = ?, version = version + 1 WHERE project = ? AND schema_name = ? AND name = ?`,
			string(body), def.Project, def.Schema, def.Name); err != nil {
			return err
		}
		return t.logChange(EntityTable, def.Project, tableKey(def.Project, def.Schema, def.Name), "update")
	})
}

// DropTable removes a table and returns its files, which the caller
// deletes after the commit (a crash in between leaves orphans, never a
// table pointing at missing files).
func (s *Store) DropTable(ctx context.Context, project, schema, name string) ([]TableFile, error) {
	var files []TableFile
	err := s.write(ctx, func(t *Tx) error {
		var err error
		if files, err = tableFiles(t, project, schema, name); err != nil {
			return err
		}
		res, err := t.Exec(`DELETE FROM tables WHERE project = ? AND schema_name = ? AND name = ?`, project, schema, name)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return pgerr.New(pgerr.UndefinedTable, "table %q does not exist", name)
		}
		if _, err := t.Exec(`DELETE FROM table_files WHERE project = ? AND schema_name = ? AND table_name = ?`, project, schema, name); err != nil {
			return err
		}
		return t.logChange(EntityTable, project, tableKey(project, schema, name), "drop")
	})
	return files, err
}

// Table returns a table's definition, or ErrNotFound; from the cache when
// one runs, so queries keep working while the database is away.
func (s *Store) Table(ctx context.Context, project, schema, name string) (TableDef, error) {
	if c := s.activeCache(); c != nil {
		if t, ok := c.table(project, schema, name); ok {
			return t.def, nil
		}
	}
	return s.loadTable(ctx, project, schema, name)
}

func (s *Store) loadTable(ctx context.Context, project, schema, name string) (TableDef, error) {
	ctx, cancel := s.opctx(ctx)
	defer cancel()
	var body string
	def := TableDef{Project: project, Schema: schema, Name: name}
	err := s.queryRow(ctx, `SELECT definition, version FROM tables WHERE project = ? AND schema_name = ? AND name = ?`, project, schema, name).
		Scan(&body, &def.Version)
	if errors.Is(err, sql.ErrNoRows) {
		return def, ErrNotFound
	}
	if err != nil {
		return def, classify(err)
	}
	if err := json.Unmarshal([]byte(body), &def); err != nil {
		return def, fmt.Errorf("metastore: table %s.%s definition: %w", schema, name, err)
	}
	return def, nil
}

// Tables lists a project's tables by schema and name.
func (s *Store) Tables(ctx context.Context, project string) ([]TableDef, error) {
	ctx, cancel := s.opctx(ctx)
	defer cancel()
	rows, err := s.db.QueryContext(ctx, s.dialect.rebind(`SELECT schema_name, name, definition, version FROM tables WHERE project = ? ORDER BY schema_name, name`), project)
	if err != nil {
		return nil, classify(err)
	}
	defer rows.Close()
	var out []TableDef
	for rows.Next() {
		def := TableDef{Project: project}
		var body string
		if err := rows.Scan(&def.Schema, &def.Name, &body, &def.Version); err != nil {
			return nil, classify(err)
		}
		if err := json.Unmarshal([]byte(body), &def); err != nil {
			return nil, fmt.Errorf("metastore: table %s.%s definition: %w", def.Schema, def.Name, err)
		}
		out = append(out, def)
	}
	return out, classify(rows.Err())
}

func tableFiles(t *Tx, project, schema, name string) ([]TableFile, error) {
	rows, err := t.Query(`SELECT path, row_count, byte_count, stats FROM table_files WHERE project = ? AND schema_name = ? AND table_name = ? ORDER BY path`,
		project, schema, name)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []TableFile
	for rows.Next() {
		var f TableFile
		if err := rows.Scan(&f.Path, &f.Rows, &f.Bytes, &f.Stats); err != nil {
			return nil, classify(err)
		}
		out = append(out, f)
	}
	return out, classify(rows.Err())
}

// TableFiles lists a table's committed files; from the cache when one runs.
func (s *Store) TableFiles(ctx context.Context, project, schema, name string) ([]TableFile, error) {
	if c := s.activeCache(); c != nil {
		if t, ok := c.table(project, schema, name); ok {
			return t.files, nil
		}
	}
	return s.loadTableFiles(ctx, project, schema, name)
}

func (s *Store) loadTableFiles(ctx context.Context, project, schema, name string) ([]TableFile, error) {
	var out []TableFile
	err := s.tx(ctx, func(t *Tx) error {
		var err error
		out, err = tableFiles(t, project, schema, name)
		return err
	})
	return out, err
}

// CommitTableFiles makes files part of a table in one transaction; with
// replace, the table's previous files are removed from it and returned for
// the caller to delete (TRUNCATE, and INSERT into a truncated table).
// version must be the table version the caller bound against, so that a
// load into a table dropped and re-created meanwhile fails (40001).
func (s *Store) CommitTableFiles(ctx context.Context, project, schema, name string, version int64, files []TableFile, replace bool) ([]TableFile, error) {
	var old []TableFile
	err := s.write(ctx, func(t *Tx) error {
		var cur int64
		err := t.QueryRow(`SELECT version FROM tables WHERE project = ? AND schema_name = ? AND name = ?`+s.dialect.forUpdate(), project, schema, name).Scan(&cur)
		if errors.Is(err, sql.ErrNoRows) {
			return pgerr.New(pgerr.UndefinedTable, "table %q does not exist", name)
		}
		if err != nil {
			return classify(err)
		}
		if cur != version {
			return pgerr.New(pgerr.TRSerializationFailure, "table %q was changed concurrently", name).WithHint("Retry the statement.")
		}
		if replace {
			if old, err = tableFiles(t, project, schema, name); err != nil {
				return err
			}
			if _, err := t.Exec(`DELETE FROM table_files WHERE project = ? AND schema_name = ? AND table_name = ?`, project, schema, name); err != nil {
				return err
			}
		}
		for _, f := range files {
			if _, err := t.Exec(`INSERT INTO table_files (project, schema_name, table_name, path, row_count, byte_count, stats) VALUES (?, ?, ?, ?, ?, ?, ?)`,
				project, schema, name, f.Path, f.Rows, f.Bytes, f.Stats); err != nil {
				return err
			}
		}
		return t.logChange(EntityTable, project, tableKey(project, schema, name), "update")
	})
	return old, err
}
