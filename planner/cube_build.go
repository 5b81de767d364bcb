package planner

import (
	"context"

	"fmt"
	"github.com/apache/arrow-go/v18/arrow"
	"strings"

	pg_query "github.com/pganalyze/pg_query_go/v6"

	"github.com/lattice-olap/lattice/cube"
	"github.com/lattice-olap/lattice/exec"
	"github.com/lattice-olap/lattice/metastore"
	"github.com/lattice-olap/lattice/types"
)

// What the job engine asks of the planner to build segments: the SQL of
// each step, run on the raw route over tables and cuboid files.

// FileInput is a relation over Parquet files that a build query reads under
// a name of its own: a parent cuboid, or the segments a merge combines.
type FileInput struct {
	Columns []exec.Column
	Files   []metastore.TableFile
	// Sorted is how many leading columns each file's rows are sorted by
	// (ascending, NULLs last), as a cuboid's are by its dimensions. An
	// aggregation over one such file by some of those columns streams
	// (exec.RunAgg). Several sorted files are merged as they are read.
	Sorted int
	// From and To, when To > 0, limit the input to the row groups that
	// start at rows From to To-1 of its files taken in order: a slice of a
	// table (exec.Scan.WithRowWindow).
	From, To int64
	// Tap, when not nil, yields the rows of Files (every column, in
	// order) from a read that other build queries share (exec.Shared):
	// the query reads it instead of the files, once.
	Tap exec.Operator
}

// CuboidColumns are the columns of a cuboid's files.
func CuboidColumns(d *cube.Def, c cube.Cuboid) []exec.Column { return cuboidColumns(d, c) }

// InternalRows is the result of a build query.
type InternalRows struct {
	Result
	Columns []exec.Column

	bld    *exec.Builder // NextBatch over a Result that has no batches
	last   arrow.RecordBatch
	budget context.Context // carries the query's memory budget
}

// NextBatch returns the next rows as an Arrow batch (nil at the end), valid
// until the next call. A build writes batches to files without turning
// them into Datum rows; do not mix it with Next.
func (r *InternalRows) NextBatch(ctx context.Context) (arrow.RecordBatch, error) {
	ctx = exec.ShareBudget(exec.WithoutColumnCache(ctx), r.budget)
	if op, ok := r.Result.(*opResult); ok {
		return op.nextBatch(ctx)
	}
	if r.bld == nil {
		r.bld = exec.NewBuilder(r.Columns)
	}
	if r.last != nil {
		r.last.Release()
		r.last = nil
	}
	for r.Result.Next(ctx) {
		if err := r.bld.Add(r.Result.Row()); err != nil {
			return nil, err
		}
		if r.bld.Len() >= exec.BatchRows {
			break
		}
	}
	if err := r.Result.Err(); err != nil || r.bld.Len() == 0 {
		return nil, err
	}
	r.last = r.bld.Batch()
	return r.last, nil
}

// Close releases the rows.
func (r *InternalRows) Close() {
	if r.last != nil {
		r.last.Release()
	}
	if r.bld != nil {
		r.bld.Release()
	}
	r.Result.Close()
}

// QueryInternal runs a SELECT that Lattice generates, as an administrator of
// project, on the raw route, with inputs readable by name, within
// lattice.query.max-memory (whatever context NextBatch is given).
func (p *Planner) QueryInternal(ctx context.Context, project, sql string, inputs map[string]FileInput) (*InternalRows, error) {
	st, s, err := p.internalStatement(ctx, project, sql, inputs)
	if err != nil {
		return nil, err
	}
	// A build reads each input once: past the column cache.
	budget := exec.WithoutColumnCache(exec.WithBudget(ctx, p.maxMemory))
	res, err := st.run(budget, s, nil)
	if err != nil {
		return nil, err
	}
	cols := make([]exec.Column, len(st.Columns))
	for i, c := range st.Columns {
		cols[i] = exec.Column{Name: c.Name, Type: c.Type}
	}
	return &InternalRows{Result: res, Columns: cols, budget: budget}, nil
}

// internalStatement plans QueryInternal's SELECT.
func (p *Planner) internalStatement(ctx context.Context, project, sql string, inputs map[string]FileInput) (*Statement, *Session, error) {
	s, err := p.NewSession("admin", project, true, 0, nil)
	if err != nil {
		return nil, nil, err
	}
	tree, err := pg_query.Parse(sql)
	if err != nil {
		return nil, nil, syntaxError(sql, err)
	}
	b := newBinder(s, sql, nil)
	b.ctx = ctx
	b.cube.raw = true
	for name, in := range inputs {
		if b.cube.files == nil {
			b.cube.files = map[string]*fileRel{}
		}
		b.cube.files[name] = &fileRel{name: name, label: "Cuboid Scan on " + name, cols: in.Columns, files: in.Files, sorted: in.Sorted, window: [2]int64{in.From, in.To}, tap: in.Tap}
	}
	st, err := b.selectStmt(ctx, tree.Stmts[0].Stmt.GetSelectStmt())
	return st, s, err
}

// rangeWhere is the WHERE clause selecting a segment's fact rows.
func rangeWhere(d *cube.Def, r cube.Range) string {
	if d.Partition == nil || r == cube.Full {
		return ""
	}
	return " WHERE " + d.Partition.Predicate(colText(d.Partition.Col), r)
}

// FactCountSQL counts the fact rows of a range.
func FactCountSQL(d *cube.Def, r cube.Range) string {
	return "SELECT count(*) FROM " + tableText(d.Fact) + rangeWhere(d, r)
}

// FlatCountSQL counts the rows of the range joined with the inner-joined
// tables (what the base cuboid aggregates, but for LEFT JOINs).
func FlatCountSQL(d *cube.Def, r cube.Range) string {
	keep := map[string]bool{}
	for _, j := range d.Joins {
		keep[j.Table.Alias] = !j.Left
	}
	// A table joined through a LEFT-joined one cannot stay.
	for _, j := range d.Joins {
		for _, k := range j.Keys {
			if k.From.Table != d.Fact.Alias && !keep[k.From.Table] {
				keep[j.Table.Alias] = false
			}
		}
	}
	return "SELECT count(*) FROM " + fromText(d, keep) + rangeWhere(d, r)
}

// DuplicateKeysSQL counts the key values of a joined table that occur more
// than once: leaving such a table out of a query would change its answer.
func DuplicateKeysSQL(j cube.Join) string {
	var keys []string
	for _, k := range j.Keys {
		keys = append(keys, pgQuoteIdent(k.To.Column))
	}
	return "SELECT count(*) FROM (SELECT " + strings.Join(keys, ", ") + " FROM " + pgQuoteIdent(j.Table.Schema) + "." + pgQuoteIdent(j.Table.Name) +
		" GROUP BY " + strings.Join(keys, ", ") + " HAVING count(*) > 1) AS dup"
}

// FactInput is the cube's fact table as a build reads it in slices (with
// BaseSliceSQL): its columns, and its files as they are now, so that
// every slice reads the same ones.
func (p *Planner) FactInput(ctx context.Context, project string, d *cube.Def) (FileInput, error) {
	def, err := p.store.Table(ctx, project, d.Fact.Schema, d.Fact.Name)
	if err != nil {
		return FileInput{}, err
	}
	files, err := p.store.TableFiles(ctx, project, d.Fact.Schema, d.Fact.Name)
	if err != nil {
		return FileInput{}, err
	}
	return FileInput{Columns: defColumns(def), Files: files}, nil
}

// BaseCuboidSQL aggregates a range's flat rows into the base cuboid,
// sorted by its dimensions.
func BaseCuboidSQL(d *cube.Def, r cube.Range) string {
	return baseSQL(d, r, tableText(d.Fact))
}

// BaseSliceSQL is BaseCuboidSQL over the fact rows of input (FactInput,
// limited to a slice of its rows): a range too large to aggregate at once
// is aggregated slice by slice, and the slices merged (RollupSQL).
func BaseSliceSQL(d *cube.Def, r cube.Range, input string) string {
	return baseSQL(d, r, pgQuoteIdent(input)+" AS "+pgQuoteIdent(d.Fact.Alias))
}

func baseSQL(d *cube.Def, r cube.Range, fact string) string {
	var sel, ord []string
	for i, dim := range d.Dimensions {
		sel = append(sel, colText(dim.Col)+" AS "+pgQuoteIdent(dim.Name))
		ord = append(ord, fmt.Sprint(i+1))
	}
	for _, m := range d.Measures {
		sel = append(sel, measureAgg(m, m.Expr)+" AS "+pgQuoteIdent(m.Name))
	}
	return "SELECT " + strings.Join(sel, ", ") + " FROM " + fromTextOver(d, nil, fact) + rangeWhere(d, r) +
		" GROUP BY " + strings.Join(ord, ", ") + " ORDER BY " + strings.Join(ord, ", ")
}

// RollupSQL computes cuboid c from the rows of relation input (a parent
// cuboid, or the same cuboid of several segments), sorted by c's
// dimensions.
func RollupSQL(d *cube.Def, c cube.Cuboid, input string) string {
	var sel, ord []string
	for k, i := range c.Dims() {
		sel = append(sel, pgQuoteIdent(d.Dimensions[i].Name))
		ord = append(ord, fmt.Sprint(k+1))
	}
	for _, m := range d.Measures {
		col := pgQuoteIdent(m.Name)
		var agg string
		switch m.Kind {
		case cube.CountStar, cube.Count:
			agg = "COALESCE(lattice_sum_int8(" + col + "), 0)"
		case cube.CountDistinct:
			agg = "lattice_value_set_union(" + col + ")"
		case cube.Min, cube.Max:
			agg = m.Kind + "(" + col + ")"
		default:
			agg = "sum(" + col + ")"
			if m.Type.Oid == types.OidInt8 {
				agg = "lattice_sum_int8(" + col + ")"
			}
		}
		sel = append(sel, agg+" AS "+col)
	}
	sql := "SELECT " + strings.Join(sel, ", ") + " FROM " + pgQuoteIdent(input)
	if len(ord) > 0 {
		sql += " GROUP BY " + strings.Join(ord, ", ") + " ORDER BY " + strings.Join(ord, ", ")
	}
	return sql
}
