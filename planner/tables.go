package planner

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"strings"

	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	pg_query "github.com/pganalyze/pg_query_go/v6"

	"github.com/lattice-olap/lattice/exec"
	"github.com/lattice-olap/lattice/exec/copyio"
	"github.com/lattice-olap/lattice/metastore"
	"github.com/lattice-olap/lattice/pgerr"
	"github.com/lattice-olap/lattice/types"
)

// Internal tables: CREATE TABLE, DROP TABLE, TRUNCATE, INSERT and COPY.
// Rows are written to Parquet files under the data directory and become
// visible only when the metastore commits the file list.

// tableName resolves a RangeVar's schema (public by default).
func tableName(rv *pg_query.RangeVar) (schema, name string) {
	schema = rv.Schemaname
	if schema == "" {
		schema = "public"
	}
	return schema, rv.Relname
}

// tableDir is where a table's files live, relative to the data directory.
func tableDir(def metastore.TableDef) string {
	return filepath.Join("tables", def.Project, def.Schema, def.Name)
}

// lookupTable finds a table of the session's project; 42P01 when absent.
func (b *binder) lookupTable(ctx context.Context, rv *pg_query.RangeVar) (metastore.TableDef, error) {
	schema, name := tableName(rv)
	if rv.Catalogname != "" && rv.Catalogname != b.sess.Project {
		return metastore.TableDef{}, b.errorf(rv.Location, pgerr.FeatureNotSupported, "cross-database references are not implemented: %s.%s.%s", rv.Catalogname, schema, name)
	}
	def, err := b.sess.planner.store.Table(ctx, b.sess.Project, schema, name)
	if errors.Is(err, metastore.ErrNotFound) && rv.Schemaname == "" {
		// Unqualified: the first schema of search_path that has it.
		for _, sch := range b.sess.searchPath() {
			if sch == "public" {
				continue
			}
			if d, e := b.sess.planner.store.Table(ctx, b.sess.Project, sch, name); e == nil {
				return d, nil
			}
		}
	}
	if errors.Is(err, metastore.ErrNotFound) {
		full := name
		if rv.Schemaname != "" {
			full = rv.Schemaname + "." + name
		}
		return def, b.errorf(rv.Location, pgerr.UndefinedTable, "relation %q does not exist", full)
	}
	return def, err
}

func defColumns(def metastore.TableDef) []exec.Column {
	cols := make([]exec.Column, len(def.Columns))
	for i, c := range def.Columns {
		cols[i] = exec.Column{Name: c.Name, Type: types.T{Oid: c.TypeOid, Typmod: c.Typmod}}
	}
	return cols
}

func (b *binder) createTable(cs *pg_query.CreateStmt) (*Statement, error) {
	if len(cs.InhRelations) > 0 || cs.Partspec != nil || cs.OfTypename != nil {
		return nil, pgerr.New(pgerr.FeatureNotSupported, "inheritance, partitioning and typed tables are not supported")
	}
	def, err := b.newTableDef(cs.Relation)
	if err != nil {
		return nil, err
	}
	name := def.Name
	seen := map[string]bool{}
	for _, elt := range cs.TableElts {
		cd := elt.GetColumnDef()
		if cd == nil {
			if c := elt.GetConstraint(); c != nil {
				return nil, pgerr.New(pgerr.FeatureNotSupported, "table constraints are not supported; declare NOT NULL on columns")
			}
			return nil, pgerr.New(pgerr.FeatureNotSupported, "LIKE clauses are not supported")
		}
		if seen[cd.Colname] {
			return nil, b.errorf(cd.Location, pgerr.DuplicateColumn, "column %q specified more than once", cd.Colname)
		}
		seen[cd.Colname] = true
		t, err := b.typeName(cd.TypeName)
		if err != nil {
			return nil, err
		}
		if !storable(t) {
			return nil, b.errorf(cd.TypeName.Location, pgerr.FeatureNotSupported, "columns of type %s are not supported", t)
		}
		col := metastore.ColumnDef{Name: cd.Colname, TypeOid: t.Oid, Typmod: t.Typmod, NotNull: cd.IsNotNull}
		for _, cn := range cd.Constraints {
			c := cn.GetConstraint()
			switch c.GetContype() {
			case pg_query.ConstrType_CONSTR_NOTNULL:
				col.NotNull = true
			case pg_query.ConstrType_CONSTR_NULL:
			default:
				return nil, b.errorf(c.GetLocation(), pgerr.FeatureNotSupported, "column constraints other than NOT NULL are not supported")
			}
		}
		def.Columns = append(def.Columns, col)
	}
	if len(def.Columns) == 0 {
		return nil, pgerr.New(pgerr.FeatureNotSupported, "tables need at least one column")
	}
	ifNotExists := cs.IfNotExists
	return &Statement{run: func(ctx context.Context, s *Session, _ []types.Datum) (Result, error) {
		err := s.planner.store.CreateTable(ctx, def)
		if ifNotExists && pgerr.CodeOf(err) == pgerr.DuplicateTable {
			s.notice(pgerr.New(pgerr.DuplicateTable, "relation %q already exists, skipping", name), pgerr.SeverityNotice)
			return tagOnly("CREATE TABLE"), nil
		}
		if err != nil {
			return nil, err
		}
		return tagOnly("CREATE TABLE"), nil
	}}, nil
}

// newTableDef starts the definition of a table to create: its schema (for
// an unqualified name, the first schema of search_path that exists) and
// name.
func (b *binder) newTableDef(rv *pg_query.RangeVar) (metastore.TableDef, error) {
	if rv.Relpersistence == "t" {
		return metastore.TableDef{}, b.errorf(rv.Location, pgerr.FeatureNotSupported, "temporary tables are not supported").
			WithHint("Create an ordinary table and drop it when done.")
	}
	schema, name := tableName(rv)
	if rv.Schemaname == "" {
		for _, sch := range b.sess.searchPath() {
			if ok, err := b.sess.planner.store.SchemaExists(b.ctx, b.sess.Project, sch); err == nil && ok {
				schema = sch
				break
			}
		}
	} else if ok, err := b.sess.planner.store.SchemaExists(b.ctx, b.sess.Project, schema); err != nil {
		return metastore.TableDef{}, err
	} else if !ok {
		return metastore.TableDef{}, b.errorf(rv.Location, pgerr.InvalidSchemaName, "schema %q does not exist", schema)
	}
	if err := checkName("table", name); err != nil {
		return metastore.TableDef{}, err
	}
	return metastore.TableDef{Project: b.sess.Project, Schema: schema, Name: name}, nil
}

// createTableAs binds CREATE TABLE ... AS SELECT and SELECT ... INTO: a
// table with the query's columns (named by the column list, if any; text
// for untyped literals), filled with its rows. If filling fails, the table
// is dropped again, so the statement leaves nothing behind.
func (b *binder) createTableAs(ctx context.Context, into *pg_query.IntoClause, sel *pg_query.SelectStmt, ifNotExists bool) (*Statement, error) {
	def, err := b.newTableDef(into.Rel)
	if err != nil {
		return nil, err
	}
	if sel == nil {
		return nil, pgerr.New(pgerr.FeatureNotSupported, "CREATE TABLE AS EXECUTE is not supported")
	}
	q, err := b.selectStmt(ctx, sel)
	if err != nil {
		return nil, err
	}
	if len(into.ColNames) > len(q.Columns) {
		return nil, pgerr.New(pgerr.SyntaxError, "too many column names were specified")
	}
	if def.Columns, err = queryColumnDefs(q.Columns, into.ColNames); err != nil {
		return nil, err
	}
	for _, c := range def.Columns {
		if t := (types.T{Oid: c.TypeOid, Typmod: c.Typmod}); !storable(t) {
			return nil, pgerr.New(pgerr.FeatureNotSupported, "column %q would be of type %s, and columns of type %s are not supported", c.Name, t, t).
				WithHint("Cast it to a supported type in the query.")
		}
	}
	if len(def.Columns) == 0 {
		return nil, pgerr.New(pgerr.FeatureNotSupported, "tables need at least one column")
	}
	withData := !into.SkipData
	return &Statement{Params: q.Params, run: func(ctx context.Context, s *Session, args []types.Datum) (Result, error) {
		err := s.planner.store.CreateTable(ctx, def)
		if ifNotExists && pgerr.CodeOf(err) == pgerr.DuplicateTable {
			s.notice(pgerr.New(pgerr.DuplicateTable, "relation %q already exists, skipping", def.Name), pgerr.SeverityNotice)
			return tagOnly("CREATE TABLE AS"), nil
		}
		if err != nil {
			return nil, err
		}
		if !withData {
			return tagOnly("CREATE TABLE AS"), nil
		}
		// A new table's version is 1; if another session dropped and
		// recreated it meanwhile, the load's commit fails (40001)
		// rather than filling that one.
		def := def
		def.Version = 1
		n, err := fillTable(ctx, s, def, q, args)
		if err != nil {
			// Not half-created: drop the table (with no files committed,
			// it has none to remove).
			if _, derr := s.planner.store.DropTable(context.WithoutCancel(ctx), def.Project, def.Schema, def.Name); derr != nil {
				slog.Warn("dropping a table CREATE TABLE AS failed to fill", "table", def.Name, "err", derr)
			}
			return nil, err
		}
		return tagOnly(fmt.Sprintf("SELECT %d", n)), nil
	}}, nil
}

// queryColumnDefs defines the columns of a table or view made from a
// query: the query's names, or the column list's (names, as many as
// given), each once; untyped literals are text.
func queryColumnDefs(cols []Column, names []*pg_query.Node) ([]metastore.ColumnDef, error) {
	var out []metastore.ColumnDef
	seen := map[string]bool{}
	for i, c := range cols {
		name := c.Name
		if i < len(names) {
			name = names[i].GetString_().GetSval()
		}
		if seen[name] {
			return nil, pgerr.New(pgerr.DuplicateColumn, "column %q specified more than once", name)
		}
		seen[name] = true
		t := c.Type
		if t.Oid == types.OidUnknown {
			t = types.Text
		}
		out = append(out, metastore.ColumnDef{Name: name, TypeOid: t.Oid, Typmod: t.Typmod})
	}
	return out, nil
}

// fillTable runs q and loads its rows into the new table def, whose
// columns have q's types.
func fillTable(ctx context.Context, s *Session, def metastore.TableDef, q *Statement, args []types.Datum) (int64, error) {
	res, err := q.run(ctx, s, args)
	if err != nil {
		return 0, err
	}
	defer res.Close()
	loader := newTableLoader(s, def)
	cols := defColumns(def)
	vals := make([]types.Datum, len(cols))
	for res.Next(ctx) {
		for k, v := range res.Row() {
			if vals[k], err = castDatum(s, v, q.Columns[k].Type, cols[k].Type); err != nil {
				loader.abort()
				return 0, err
			}
		}
		if err := loader.add(vals); err != nil {
			loader.abort()
			return 0, err
		}
	}
	if err := res.Err(); err != nil {
		loader.abort()
		return 0, err
	}
	if err := loader.commit(ctx); err != nil {
		return 0, err
	}
	return loader.rows, nil
}

// storable reports the column types tables accept.
func storable(t types.T) bool {
	switch t.Oid {
	case types.OidBool, types.OidInt2, types.OidInt4, types.OidInt8, types.OidFloat4, types.OidFloat8, types.OidNumeric,
		types.OidText, types.OidVarchar, types.OidBpchar, types.OidDate, types.OidTime, types.OidTimestamp, types.OidTimestampTZ, types.OidBytea:
		return true
	}
	return false
}

// dropTables binds DROP TABLE, or with views set DROP VIEW: each drops
// only its own kind (42809 for the other).
func (b *binder) dropTables(ds *pg_query.DropStmt, views bool) (*Statement, error) {
	kind, other, tag := "table", "view", "DROP TABLE"
	if views {
		kind, other, tag = "view", "table", "DROP VIEW"
	}
	type target struct{ schema, name string }
	var targets []target
	for _, obj := range ds.Objects {
		var parts []string
		for _, n := range obj.GetList().GetItems() {
			parts = append(parts, n.GetString_().GetSval())
		}
		switch len(parts) {
		case 1:
			targets = append(targets, target{"public", parts[0]})
		case 2:
			targets = append(targets, target{parts[0], parts[1]})
		default:
			return nil, pgerr.New(pgerr.FeatureNotSupported, "cross-database references are not implemented: %s", strings.Join(parts, "."))
		}
	}
	missingOK := ds.MissingOk
	return &Statement{run: func(ctx context.Context, s *Session, _ []types.Datum) (Result, error) {
		for _, tg := range targets {
			if def, err := s.planner.store.Table(ctx, s.Project, tg.schema, tg.name); err == nil && (def.View != "") != views {
				return nil, pgerr.New(pgerr.WrongObjectType, "%q is not a %s", tg.name, kind).
					WithHint("Use DROP %s to remove a %s.", strings.ToUpper(other), other)
			}
			files, err := s.planner.store.DropTable(ctx, s.Project, tg.schema, tg.name)
			if pgerr.CodeOf(err) == pgerr.UndefinedTable {
				if missingOK {
					s.notice(pgerr.New(pgerr.UndefinedTable, "%s %q does not exist, skipping", kind, tg.name), pgerr.SeverityNotice)
					continue
				}
				return nil, pgerr.New(pgerr.UndefinedTable, "%s %q does not exist", kind, tg.name)
			}
			if err != nil {
				return nil, err
			}
			_ = exec.RemoveFiles(s.planner.dataDir, files) // orphans are harmless
		}
		return tagOnly(tag), nil
	}}, nil
}

func (b *binder) truncate(ts *pg_query.TruncateStmt) (*Statement, error) {
	var rvs []*pg_query.RangeVar
	for _, r := range ts.Relations {
		rvs = append(rvs, r.GetRangeVar())
	}
	return &Statement{run: func(ctx context.Context, s *Session, _ []types.Datum) (Result, error) {
		for _, rv := range rvs {
			def, err := b.lookupTable(ctx, rv)
			if err == nil {
				err = notATable(def, "truncate")
			}
			if err != nil {
				return nil, err
			}
			old, err := s.planner.store.CommitTableFiles(ctx, def.Project, def.Schema, def.Name, def.Version, nil, true)
			if err != nil {
				return nil, err
			}
			_ = exec.RemoveFiles(s.planner.dataDir, old)
		}
		return tagOnly("TRUNCATE TABLE"), nil
	}}, nil
}

// tableLoader writes rows into new files of one table and commits them.
// Rows collect in rb, a batch at a time (exec.BatchRows), and each full
// batch goes to the file writer, so memory stays bounded whatever the load.
type tableLoader struct {
	s    *Session
	def  metastore.TableDef
	cols []exec.Column
	fw   *exec.FileWriter     // opened by the first complete row
	rb   *array.RecordBuilder // the batch being filled
	n    int                  // rows in rb
	rows int64
	// bulk (COPY) sizes each batch's builders for a full batch up front
	// and writes full batches on a goroutine (w) while the next one fills;
	// INSERTs of a few rows leave it off.
	bulk    bool
	w       *batchWriter
	dataLen []int // bytes of each variable-width column in the last batch
}

func newTableLoader(s *Session, def metastore.TableDef) *tableLoader {
	return &tableLoader{s: s, def: def, cols: defColumns(def)}
}

// builder returns the record builder of the current batch.
func (l *tableLoader) builder() *array.RecordBuilder {
	if l.rb == nil {
		l.rb = array.NewRecordBuilder(memory.DefaultAllocator, exec.ArrowSchema(l.cols))
		l.dataLen = make([]int, len(l.cols))
		l.reserveBatch()
	}
	return l.rb
}

// reserveBatch sizes the builders for a full batch, variable-width data
// as large as the last batch's, so that they do not grow by copying.
func (l *tableLoader) reserveBatch() {
	if !l.bulk {
		return
	}
	for i, b := range l.rb.Fields() {
		b.Reserve(exec.BatchRows)
		if bb, ok := b.(interface{ ReserveData(int) }); ok && l.dataLen[i] > 0 {
			bb.ReserveData(l.dataLen[i])
		}
	}
}

// open starts the table's new file; the loaders call it when a row has
// passed its checks, before storing the row.
func (l *tableLoader) open() error {
	if l.fw != nil {
		return nil
	}
	fw, err := exec.NewFileWriter(l.s.planner.dataDir, tableDir(l.def), l.cols)
	if err != nil {
		return pgerr.Wrap(err, pgerr.IoError, "writing table %s", l.def.Name)
	}
	l.fw = fw
	if l.bulk {
		l.w = startBatchWriter(fw)
	}
	return nil
}

// add appends one full row, already coerced to the column types.
func (l *tableLoader) add(row []types.Datum) error {
	if err := l.open(); err != nil {
		return err
	}
	rb := l.builder()
	for i, v := range row {
		if err := exec.Append(rb.Field(i), l.cols[i].Type, v); err != nil {
			return err
		}
	}
	return l.added()
}

// added counts a row whose values are all in the builders (after open),
// and writes the batch when it is full.
func (l *tableLoader) added() error {
	l.n++
	l.rows++
	if l.n >= exec.BatchRows {
		return l.flush()
	}
	return nil
}

func (l *tableLoader) flush() error {
	if l.rb == nil || l.n == 0 {
		return nil
	}
	for i, b := range l.rb.Fields() {
		if bb, ok := b.(interface{ DataLen() int }); ok {
			l.dataLen[i] = bb.DataLen()
		}
	}
	rec := l.rb.NewRecordBatch()
	l.n = 0
	var err error
	if l.w != nil {
		err = l.w.write(rec)
	} else {
		err = l.fw.Write(rec)
		rec.Release()
	}
	if err != nil {
		return pgerr.Wrap(err, pgerr.IoError, "writing table %s", l.def.Name)
	}
	l.reserveBatch()
	return nil
}

// commit makes the rows part of the table in one metastore transaction.
func (l *tableLoader) commit(ctx context.Context) error {
	if l.fw == nil {
		l.release()
		return nil
	}
	err := l.flush()
	if err == nil && l.w != nil {
		if err = l.w.wait(); err != nil {
			err = pgerr.Wrap(err, pgerr.IoError, "writing table %s", l.def.Name)
		}
	}
	if err != nil {
		l.abort()
		return err
	}
	f, err := l.fw.Finish()
	l.fw = nil
	l.release()
	if err != nil {
		return pgerr.Wrap(err, pgerr.IoError, "writing table %s", l.def.Name)
	}
	if _, err := l.s.planner.store.CommitTableFiles(ctx, l.def.Project, l.def.Schema, l.def.Name, l.def.Version, []metastore.TableFile{f}, false); err != nil {
		_ = exec.RemoveFiles(l.s.planner.dataDir, []metastore.TableFile{f})
		return err
	}
	return nil
}

// abort discards everything written; after commit or another abort it
// does nothing.
func (l *tableLoader) abort() {
	if l.w != nil {
		_ = l.w.wait() // the file goes anyway
	}
	if l.fw != nil {
		l.fw.Abort()
		l.fw = nil
	}
	l.release()
}

func (l *tableLoader) release() {
	l.w = nil
	if l.rb != nil {
		l.rb.Release()
		l.rb, l.n = nil, 0
	}
}

// targetColumns maps an INSERT/COPY column list to table column indices.
func (b *binder) targetColumns(def metastore.TableDef, list []*pg_query.Node) ([]int, error) {
	if len(list) == 0 {
		idx := make([]int, len(def.Columns))
		for i := range idx {
			idx[i] = i
		}
		return idx, nil
	}
	var idx []int
	for _, n := range list {
		name := ""
		var loc int32
		if rt := n.GetResTarget(); rt != nil {
			name, loc = rt.Name, rt.Location
		} else {
			name = n.GetString_().GetSval()
		}
		found := -1
		for i, c := range def.Columns {
			if c.Name == name {
				found = i
			}
		}
		if found < 0 {
			return nil, b.errorf(loc, pgerr.UndefinedColumn, "column %q of relation %q does not exist", name, def.Name)
		}
		for _, j := range idx {
			if j == found {
				return nil, b.errorf(loc, pgerr.DuplicateColumn, "column %q specified more than once", name)
			}
		}
		idx = append(idx, found)
	}
	return idx, nil
}

// fullRow places values given for target columns into a table row,
// checking NOT NULL.
func fullRow(def metastore.TableDef, target []int, vals []types.Datum) ([]types.Datum, error) {
	row := make([]types.Datum, len(def.Columns))
	for k, i := range target {
		row[i] = vals[k]
	}
	for i, c := range def.Columns {
		if c.NotNull && row[i] == nil {
			return nil, pgerr.New(pgerr.NotNullViolation, "null value in column %q of relation %q violates not-null constraint", c.Name, def.Name)
		}
	}
	return row, nil
}

// CopyOp is a COPY statement's data transfer, carried out by the wire layer.
type CopyOp struct {
	In      bool // FROM STDIN; else TO STDOUT
	Columns int
	// Load reads the COPY data from r until EOF and commits it; on error
	// nothing is committed.
	Load func(ctx context.Context, r io.Reader) (int64, error)
	// Dump writes the encoded rows (header first, for CSV HEADER) with emit.
	Dump func(ctx context.Context, emit func([]byte) error) (int64, error)
}

func (b *binder) copyStmt(ctx context.Context, cs *pg_query.CopyStmt) (*Statement, error) {
	if cs.Filename != "" || cs.IsProgram {
		return nil, pgerr.New(pgerr.InsufficientPrivilege, "COPY to or from a file is not allowed").
			WithHint("Use COPY ... FROM STDIN or TO STDOUT, as psql's \\copy does.")
	}
	if cs.WhereClause != nil {
		return nil, pgerr.New(pgerr.FeatureNotSupported, "COPY FROM ... WHERE is not supported")
	}
	f, err := copyFormat(cs.Options)
	if err != nil {
		return nil, err
	}
	if !cs.IsFrom {
		return b.copyTo(ctx, cs, f)
	}
	def, err := b.lookupTable(ctx, cs.Relation)
	if err == nil {
		err = notATable(def, "copy to")
	}
	if err != nil {
		return nil, err
	}
	target, err := b.targetColumns(def, cs.Attlist)
	if err != nil {
		return nil, err
	}
	op := &CopyOp{In: true, Columns: len(target)}
	op.Load = func(ctx context.Context, r io.Reader) (int64, error) {
		return b.sess.copyIn(ctx, def, target, f, r)
	}
	return &Statement{Copy: op}, nil
}

// copyFormat reads COPY's options.
func copyFormat(opts []*pg_query.Node) (copyio.Format, error) {
	var f copyio.Format
	nullSet := false
	for _, o := range opts {
		d := o.GetDefElem()
		val := ""
		if d.Arg != nil {
			if s := d.Arg.GetString_(); s != nil {
				val = s.Sval
			} else if bv := d.Arg.GetBoolean(); bv != nil {
				val = fmt.Sprint(bv.Boolval)
			} else if i := d.Arg.GetInteger(); i != nil {
				val = fmt.Sprint(i.Ival)
			}
		}
		oneByte := func(what string) (byte, error) {
			if len(val) != 1 {
				return 0, pgerr.New(pgerr.FeatureNotSupported, "COPY %s must be a single one-byte character", what)
			}
			return val[0], nil
		}
		var err error
		switch d.Defname {
		case "format":
			switch strings.ToLower(val) {
			case "text":
			case "csv":
				f.CSV = true
			case "binary":
				return f, pgerr.New(pgerr.FeatureNotSupported, "COPY BINARY is not supported; use text or csv")
			default:
				return f, pgerr.New(pgerr.InvalidParameterValue, "COPY format %q not recognized", val)
			}
		case "delimiter":
			f.Delimiter, err = oneByte("delimiter")
		case "null":
			f.Null, nullSet = val, true
		case "header":
			f.Header = d.Arg == nil || val == "true" || val == "1" || strings.EqualFold(val, "on") || strings.EqualFold(val, "match")
		case "quote":
			f.Quote, err = oneByte("quote")
		case "escape":
			f.Escape, err = oneByte("escape")
		case "encoding":
			if !strings.EqualFold(strings.ReplaceAll(val, "-", ""), "utf8") {
				return f, pgerr.New(pgerr.FeatureNotSupported, "COPY encoding %q is not supported; data must be UTF8", val)
			}
		default:
			return f, pgerr.New(pgerr.SyntaxError, "option %q not recognized", d.Defname)
		}
		if err != nil {
			return f, err
		}
	}
	if f.Header && !f.CSV {
		return f, pgerr.New(pgerr.FeatureNotSupported, "COPY HEADER available only in CSV mode")
	}
	return f.WithDefaults(nullSet), nil
}

// withWhere adds PostgreSQL's CONTEXT line to an error.
func withWhere(err error, where string) error {
	e := pgerr.From(err)
	c := *e
	c.Where = where
	return &c
}

// searchPath returns the schemas of the search_path setting, in order.
func (s *Session) searchPath() []string {
	v, _ := s.Settings.Get("search_path")
	var out []string
	for _, part := range strings.Split(v, ",") {
		p := strings.Trim(strings.TrimSpace(part), `"`)
		if p == "$user" {
			p = s.User
		}
		if p != "" {
			out = append(out, p)
		}
	}
	if len(out) == 0 {
		out = []string{"public"}
	}
	return out
}

func (b *binder) createSchema(cs *pg_query.CreateSchemaStmt) (*Statement, error) {
	if len(cs.SchemaElts) > 0 {
		return nil, pgerr.New(pgerr.FeatureNotSupported, "CREATE SCHEMA with elements is not supported")
	}
	name := cs.Schemaname
	if name == "" && cs.Authrole != nil {
		name = cs.Authrole.Rolename
	}
	if err := checkName("schema", name); err != nil {
		return nil, err
	}
	if strings.HasPrefix(name, "pg_") {
		return nil, pgerr.New(pgerr.ReservedName, "unacceptable schema name %q", name).
			WithDetail("The prefix \"pg_\" is reserved for system schemas.")
	}
	ifNotExists := cs.IfNotExists
	return &Statement{run: func(ctx context.Context, s *Session, _ []types.Datum) (Result, error) {
		err := s.planner.store.CreateSchema(ctx, s.Project, name)
		if ifNotExists && pgerr.CodeOf(err) == pgerr.DuplicateSchema {
			s.notice(pgerr.New(pgerr.DuplicateSchema, "schema %q already exists, skipping", name), pgerr.SeverityNotice)
			return tagOnly("CREATE SCHEMA"), nil
		}
		if err != nil {
			return nil, err
		}
		return tagOnly("CREATE SCHEMA"), nil
	}}, nil
}

func (b *binder) dropSchemas(ds *pg_query.DropStmt) (*Statement, error) {
	var names []string
	for _, o := range ds.Objects {
		names = append(names, o.GetString_().GetSval())
	}
	cascade := ds.Behavior == pg_query.DropBehavior_DROP_CASCADE
	missingOK := ds.MissingOk
	return &Statement{run: func(ctx context.Context, s *Session, _ []types.Datum) (Result, error) {
		for _, n := range names {
			tables, files, err := s.planner.store.DropSchema(ctx, s.Project, n, cascade)
			if missingOK && pgerr.CodeOf(err) == pgerr.InvalidSchemaName {
				s.notice(pgerr.New(pgerr.InvalidSchemaName, "schema %q does not exist, skipping", n), pgerr.SeverityNotice)
				continue
			}
			if err != nil {
				return nil, err
			}
			_ = exec.RemoveFiles(s.planner.dataDir, files)
			switch len(tables) {
			case 0:
			case 1:
				s.notice(pgerr.New(pgerr.SuccessfulCompletion, "drop cascades to table %s", tables[0]), pgerr.SeverityNotice)
			default:
				var detail []string
				for _, t := range tables {
					detail = append(detail, "drop cascades to table "+t)
				}
				s.notice(pgerr.New(pgerr.SuccessfulCompletion, "drop cascades to %d other objects", len(tables)).
					WithDetail("%s", strings.Join(detail, "\n")), pgerr.SeverityNotice)
			}
		}
		return tagOnly("DROP SCHEMA"), nil
	}}, nil
}
