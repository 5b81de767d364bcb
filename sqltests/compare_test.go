package sqltests

import (
	"encoding/hex"
	"errors"
	"math"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"
)

// TestCompare checks the comparison rules without a server.
func TestCompare(t *testing.T) {
	txt := func(oid uint32, vals ...string) []cell {
		row := make([]cell, len(vals))
		for i, v := range vals {
			if v == "NULL" {
				row[i] = cell{null: true}
			} else {
				row[i] = canon([]byte(v), oid, pgtype.TextFormatCode)
			}
		}
		return row
	}
	res := func(oid uint32, rows ...[]cell) *result {
		return &result{cols: []column{{name: "x", oid: oid, typmod: -1}}, rows: rows, tag: "SELECT"}
	}
	f8 := uint32(pgtype.Float8OID)
	cases := []struct {
		name      string
		want, got *result
		ordered   bool
		match     bool
	}{
		{"same", res(25, txt(25, "a"), txt(25, "b")), res(25, txt(25, "a"), txt(25, "b")), true, true},
		{"order ignored", res(25, txt(25, "a"), txt(25, "b")), res(25, txt(25, "b"), txt(25, "a")), false, true},
		{"order kept", res(25, txt(25, "a"), txt(25, "b")), res(25, txt(25, "b"), txt(25, "a")), true, false},
		{"null is not empty", res(25, txt(25, "NULL")), res(25, txt(25, "")), false, false},
		{"duplicates count", res(25, txt(25, "a"), txt(25, "a")), res(25, txt(25, "a"), txt(25, "b")), false, false},
		{"numeric scale", res(1700, txt(1700, "1.50")), res(1700, txt(1700, "1.5")), false, false},
		{"float within tolerance", res(f8, txt(f8, "0.3")), res(f8, txt(f8, "0.30000000000000004")), true, true},
		{"float outside tolerance", res(f8, txt(f8, "0.3")), res(f8, txt(f8, "0.3000001")), true, false},
		{"nan", res(f8, txt(f8, "NaN")), res(f8, txt(f8, "NaN")), true, true},
		{"infinity sign", res(f8, txt(f8, "Infinity")), res(f8, txt(f8, "-Infinity")), true, false},
		{"floats sorted apart", res(f8, txt(f8, "1.0000000000000002"), txt(f8, "1.00000049")),
			res(f8, txt(f8, "1.0000004900000001"), txt(f8, "1")), false, true},
		{"column type", res(23, txt(23, "1")), res(20, txt(20, "1")), false, false},
		{"same error", &result{err: errors.New("x"), code: "22012"}, &result{err: errors.New("y"), code: "22012"}, false, true},
		{"other error", &result{err: errors.New("x"), code: "22012"}, &result{err: errors.New("y"), code: "22003"}, false, false},
		{"error expected", &result{err: &pgconn.PgError{Code: "22012"}, code: "22012"}, res(23), false, false},
	}
	for _, c := range cases {
		d := compareResults(c.want, c.got, c.ordered)
		if (d == "") != c.match {
			t.Errorf("%s: match=%v, want %v (%s)", c.name, d == "", c.match, d)
		}
	}
}

func TestNumericText(t *testing.T) {
	for hexIn, want := range map[string]string{
		"0000000000000002":             "0.00",
		"00010000000000030001":         "1.000",
		"0001ffff40000003000a":         "-0.001",
		"0003000100000002000100000fa0": "10000.40",
		"000200010000000200010fa0":     "14000.00",
		"00000000c0000000":             "NaN",
	} {
		v, _ := hex.DecodeString(hexIn)
		got, err := numericText(v)
		if err != nil || got != want {
			t.Errorf("numericText(%s) = %q, %v; want %q", hexIn, got, err, want)
		}
	}
	if !floatsMatch(math.Inf(1), math.Inf(1), false) || floatsMatch(math.NaN(), 1, false) {
		t.Error("float specials")
	}
}
