package cube

import (
	"encoding/json"

	"github.com/lattice-olap/lattice/types"
)

// Def is a cube definition as CREATE CUBE bound it against the project's
// tables. It is stored as JSON in the metastore's cubes.definition.
type Def struct {
	Project string `json:"project"`
	Name    string `json:"name"`
	// Fact is the fact table; Joins are the dimension tables joined to it
	// (or, in a snowflake, to another dimension table), in order.
	Fact  TableRef `json:"fact"`
	Joins []Join   `json:"joins,omitempty"`
	// Dimensions and Measures are the cube's columns, in the order the cube
	// relation shows them.
	Dimensions []Dimension `json:"dimensions"`
	Measures   []Measure   `json:"measures"`
	Partition  *Partition  `json:"partition,omitempty"`
	Groups     []Group     `json:"groups,omitempty"`
	// Cuboids lists every cuboid the build computes, the base cuboid first
	// and then by decreasing number of dimensions.
	Cuboids []Cuboid `json:"cuboids"`
	// SQL is the CREATE CUBE statement as the user wrote it.
	SQL string `json:"sql"`
}

// TableRef is one table of the join graph and the alias columns refer to it
// by (the table's name when the definition gave none).
type TableRef struct {
	Schema string `json:"schema"`
	Name   string `json:"name"`
	Alias  string `json:"alias"`
}

// Join is one edge of the join graph: Table joined on equal keys, each key
// pair comparing a column of an earlier table with one of Table.
type Join struct {
	Left  bool     `json:"left,omitempty"` // LEFT JOIN; false is an inner join
	Table TableRef `json:"table"`
	Keys  []Key    `json:"keys"`
}

// Key is one equality of a join condition.
type Key struct {
	From ColRef `json:"from"` // a column of an earlier table
	To   ColRef `json:"to"`   // a column of the joined table
}

// ColRef names a column of the join graph by table alias.
type ColRef struct {
	Table  string `json:"table"`
	Column string `json:"column"`
}

// Dimension is a column the cube groups by.
type Dimension struct {
	Name string  `json:"name"` // the column's name in the cube relation
	Col  ColRef  `json:"col"`
	Type types.T `json:"type"`
}

// Measure kinds.
const (
	Sum           = "sum"
	CountStar     = "count_star"
	Count         = "count"
	CountDistinct = "count_distinct"
	Min           = "min"
	Max           = "max"
)

// Measure is an aggregate the cube precomputes.
type Measure struct {
	Name string `json:"name"`
	Kind string `json:"kind"`
	// Expr is the argument as SQL text with every column qualified by its
	// table alias ("f"."price" * "f"."qty"); empty for COUNT(*).
	Expr    string  `json:"expr,omitempty"`
	ArgType types.T `json:"arg_type"`
	// Type is the type of the stored value: the aggregate's result type,
	// or bytea for COUNT(DISTINCT), whose cuboid rows hold value sets.
	Type types.T `json:"type"`
	// Hidden measures are added by Lattice (the COUNT beside each SUM, from
	// which AVG derives); the cube relation does not show them.
	Hidden bool `json:"hidden,omitempty"`
}

// Partition is the column of the fact table that segments split on.
type Partition struct {
	Col    ColRef  `json:"col"`
	Type   types.T `json:"type"`
	Format string  `json:"format,omitempty"` // yyyyMMdd-style, for integer and text columns
}

// Group is an aggregation group: the cuboids it contributes are subsets of
// Includes that keep every Mandatory dimension, only prefixes of each
// Hierarchy, and each Joint all together or not at all.
type Group struct {
	Includes    []string   `json:"includes"`
	Mandatory   []string   `json:"mandatory,omitempty"`
	Hierarchies [][]string `json:"hierarchies,omitempty"`
	Joints      [][]string `json:"joints,omitempty"`
}

// Cuboid is a set of dimensions as a bit mask over Def.Dimensions.
type Cuboid uint64

// Has reports whether the cuboid holds every dimension of other.
func (c Cuboid) Has(other Cuboid) bool { return c&other == other }

// Dims returns the dimension indexes of the cuboid in ascending order.
func (c Cuboid) Dims() []int {
	var out []int
	for i := 0; i < 64; i++ {
		if c&(1<<i) != 0 {
			out = append(out, i)
		}
	}
	return out
}

// Len is the number of dimensions.
func (c Cuboid) Len() int { return len(c.Dims()) }

// Base is the cuboid of every dimension.
func (d *Def) Base() Cuboid { return Cuboid(1)<<len(d.Dimensions) - 1 }

// Dimension returns the index of the dimension named name, or -1.
func (d *Def) Dimension(name string) int {
	for i, dim := range d.Dimensions {
		if dim.Name == name {
			return i
		}
	}
	return -1
}

// DimensionOf returns the index of the dimension over column c, or -1.
func (d *Def) DimensionOf(c ColRef) int {
	for i, dim := range d.Dimensions {
		if dim.Col == c {
			return i
		}
	}
	return -1
}

// Tables lists the fact table and then every joined table.
func (d *Def) Tables() []TableRef {
	out := []TableRef{d.Fact}
	for _, j := range d.Joins {
		out = append(out, j.Table)
	}
	return out
}

// Marshal encodes the definition for the metastore.
func (d *Def) Marshal() string {
	b, _ := json.Marshal(d)
	return string(b)
}

// Unmarshal decodes a stored definition.
func Unmarshal(s string) (*Def, error) {
	var d Def
	if err := json.Unmarshal([]byte(s), &d); err != nil {
		return nil, err
	}
	return &d, nil
}
