package planner

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestSplitSQL(t *testing.T) {
	cases := map[string][]string{
		"select 1; create project y":           {"select 1", " create project y"},
		"select ';'; select 2;":                {"select ';'", " select 2"},
		`select "a;b" from t; x`:               {`select "a;b" from t`, " x"},
		"select E'\\';'; y":                    {"select E'\\';'", " y"},
		"select $$;$$, $t$ ; $t$; z":           {"select $$;$$, $t$ ; $t$", " z"},
		"select 1 -- ; comment\n; w":           {"select 1 -- ; comment\n", " w"},
		"select /* ; /* nested ; */ ; */ 1; v": {"select /* ; /* nested ; */ ; */ 1", " v"},
		"select 'it''s; fine'":                 {"select 'it''s; fine'"},
	}
	for in, want := range cases {
		got, offs := splitSQL(in)
		require.Equal(t, want, got, in)
		for i, p := range got {
			require.Equal(t, p, in[offs[i]:offs[i]+len(p)])
		}
	}
}
