package types

import (
	"bytes"
	"testing"
	"time"
)

func TestArrayText(t *testing.T) {
	text := T{1009, -1}
	for _, c := range []struct{ in, want string }{
		{`{}`, `{}`},
		{`{a,b}`, `{a,b}`},
		{` { a , "b c" , NULL, "NULL", "" } `, `{a,"b c",NULL,"NULL",""}`},
		{`{"x\"y","back\\slash",x\,y}`, `{"x\"y","back\\slash","x,y"}`},
		{`[0:1]={p,q}`, `{p,q}`},
	} {
		v, err := ParseText(text, c.in, time.UTC)
		if err != nil {
			t.Fatalf("%s: %v", c.in, err)
		}
		if v != c.want {
			t.Errorf("%s: got %s, want %s", c.in, v, c.want)
		}
	}
	for _, bad := range []string{`a,b`, `{a,b`, `{a,,b}`, `{a}x`, `{{1}}`} {
		if _, err := ParseText(text, bad, time.UTC); err == nil {
			t.Errorf("%s: want an error", bad)
		}
	}
	ints := T{1007, -1}
	if _, err := ParseText(ints, `{1,x}`, time.UTC); err == nil {
		t.Error("{1,x}::int[]: want an error")
	}
	vals, err := ParseArray(Int2Vector, "1 2 3", time.UTC)
	if err != nil || len(vals) != 3 || vals[2] != int64(3) {
		t.Errorf("int2vector: %v %v", vals, err)
	}
	if s := FormatArray(Int2Vector, vals, nil); s != "1 2 3" {
		t.Errorf("int2vector out: %q", s)
	}
}

func TestArrayNames(t *testing.T) {
	for oid, want := range map[Oid][2]string{1006: {"_int2vector", "int2vector[]"}, 1007: {"_int4", "integer[]"},
		22: {"int2vector", "int2vector"}, 1009: {"_text", "text[]"}, 1002: {"_char", `"char"[]`}} {
		typ := T{oid, -1}
		if typ.Name() != want[0] || typ.String() != want[1] {
			t.Errorf("%d: %s %s, want %s %s", oid, typ.Name(), typ.String(), want[0], want[1])
		}
	}
}

func TestArrayBinaryRoundTrip(t *testing.T) {
	for _, c := range []struct {
		t T
		v string
	}{
		{T{1007, -1}, `{1,NULL,-3}`},
		{T{1009, -1}, `{a,"b c",""}`},
		{T{1009, -1}, `{}`},
		{T{1231, -1}, `{1.50,-2}`},
		{Int2Vector, `1 2`},
	} {
		b := AppendBinary(nil, c.t, c.v)
		got, err := ParseBinary(c.t, b)
		if err != nil || got != c.v {
			t.Errorf("%s %s: round trip gave %v, %v", c.t, c.v, got, err)
		}
	}
	// array_send of '{1,2}'::int4[], as PostgreSQL writes it.
	want := []byte{0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 23, 0, 0, 0, 2, 0, 0, 0, 1, 0, 0, 0, 4, 0, 0, 0, 1, 0, 0, 0, 4, 0, 0, 0, 2}
	if got := AppendBinary(nil, T{1007, -1}, "{1,2}"); !bytes.Equal(got, want) {
		t.Errorf("binary {1,2}: %x, want %x", got, want)
	}
	if _, err := ParseBinary(T{1007, -1}, want[:20]); err == nil {
		t.Error("truncated array: want an error")
	}
}

func FuzzParseArray(f *testing.F) {
	for _, s := range []string{`{}`, `{a,"b\"c",NULL}`, `[1:2]={1,2}`, `{1`, `{"`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := ParseText(T{1009, -1}, s, time.UTC)
		if err != nil {
			return
		}
		// The canonical form parses back to itself.
		again, err := ParseText(T{1009, -1}, v.(string), time.UTC)
		if err != nil || again != v {
			t.Fatalf("%q -> %q -> %v, %v", s, v, again, err)
		}
	})
}
