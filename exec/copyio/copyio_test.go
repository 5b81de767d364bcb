package copyio

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math/rand"
	"reflect"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/lattice-olap/lattice/internal/testenv"
	"github.com/lattice-olap/lattice/pgerr"
)

// tricky are values that stress both formats: delimiters, quotes,
// backslashes, line breaks, the NULL spellings and non-ASCII text.
var tricky = []*string{
	ptr("plain"), ptr(""), nil, ptr(`\N`), ptr("tab\there"), ptr("new\nline"), ptr("cr\rreturn"),
	ptr(`back\slash`), ptr(`"quoted"`), ptr("comma,semi;"), ptr("unicode ünï 字"), ptr(`\.`), ptr(" lead and trail "),
}

func ptr(s string) *string { return &s }

// TestAgainstPostgres has PostgreSQL write the tricky values in each format
// and checks that Reader reads back exactly them; then has Writer write
// them and PostgreSQL read them back.
func TestAgainstPostgres(t *testing.T) {
	ctx := context.Background()
	pg := testenv.Postgres(t)
	_, err := pg.Exec(ctx, "CREATE TEMP TABLE copyio_t (i int, v text)")
	require.NoError(t, err)
	for i, v := range tricky {
		_, err := pg.Exec(ctx, "INSERT INTO copyio_t VALUES ($1, $2)", i, v)
		require.NoError(t, err)
	}
	for _, tc := range []struct {
		name    string
		options string
		format  Format
		nullSet bool
	}{
		{"text", "", Format{}, false},
		{"text-delim", "(DELIMITER '|')", Format{Delimiter: '|'}, false},
		{"text-null", "(NULL 'nil')", Format{Null: "nil"}, true},
		{"csv", "(FORMAT csv)", Format{CSV: true}, false},
		{"csv-header", "(FORMAT csv, HEADER)", Format{CSV: true, Header: true}, false},
		{"csv-semicolon", "(FORMAT csv, DELIMITER ';', QUOTE '''', NULL 'NULL')", Format{CSV: true, Delimiter: ';', Quote: '\'', Null: "NULL"}, true},
		{"csv-escape", "(FORMAT csv, ESCAPE '\\')", Format{CSV: true, Escape: '\\'}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := tc.format.WithDefaults(tc.nullSet)
			var out bytes.Buffer
			_, err := pg.PgConn().CopyTo(ctx, &out, "COPY (SELECT i, v FROM copyio_t ORDER BY i) TO STDOUT "+tc.options)
			require.NoError(t, err)
			r := NewReader(&out, f)
			for i, want := range tricky {
				row, err := r.Next()
				require.NoError(t, err, "row %d", i)
				require.Len(t, row, 2)
				require.Equal(t, fmt.Sprint(i), row[0].Value)
				if want == nil {
					require.True(t, row[1].Null, "row %d should be NULL", i)
				} else {
					require.False(t, row[1].Null, "row %d", i)
					require.Equal(t, *want, row[1].Value, "row %d", i)
				}
			}
			_, err = r.Next()
			require.ErrorIs(t, err, io.EOF)

			// Writer output read back by PostgreSQL.
			w := NewWriter(f)
			var in []byte
			if f.Header {
				in = append(in, w.Header([]string{"i", "v"})...)
			}
			for i, v := range tricky {
				fields := []Field{{Value: fmt.Sprint(i)}, {Null: v == nil}}
				if v != nil {
					fields[1].Value = *v
				}
				in = w.AppendRow(in, fields)
			}
			_, err = pg.Exec(ctx, "CREATE TEMP TABLE copyio_back (i int, v text)")
			require.NoError(t, err)
			defer pg.Exec(ctx, "DROP TABLE copyio_back") //nolint:errcheck
			_, err = pg.PgConn().CopyFrom(ctx, bytes.NewReader(in), "COPY copyio_back FROM STDIN "+tc.options)
			require.NoError(t, err, "PostgreSQL rejected Writer output:\n%s", in)
			var same bool
			require.NoError(t, pg.QueryRow(ctx, `SELECT NOT EXISTS (
				(SELECT * FROM copyio_t EXCEPT SELECT * FROM copyio_back)
				UNION ALL (SELECT * FROM copyio_back EXCEPT SELECT * FROM copyio_t))`).Scan(&same))
			require.True(t, same, "round trip through PostgreSQL changed values")
		})
	}
}

func TestEndMarkerAndLines(t *testing.T) {
	r := NewReader(strings.NewReader("1\ta\n2\t\\N\n\\.\nignored\n"), Format{}.WithDefaults(false))
	row, err := r.Next()
	require.NoError(t, err)
	require.Equal(t, int64(1), r.Line())
	require.Equal(t, "a", row[1].Value)
	row, err = r.Next()
	require.NoError(t, err)
	require.True(t, row[1].Null)
	require.Equal(t, int64(2), r.Line())
	_, err = r.Next()
	require.ErrorIs(t, err, io.EOF)

	// CRLF line ends are accepted; a multi-line CSV field counts its lines.
	r = NewReader(strings.NewReader("a,\"x\r\ny\"\r\nb,z\r\n"), Format{CSV: true}.WithDefaults(false))
	row, err = r.Next()
	require.NoError(t, err)
	require.Equal(t, "x\ny", row[1].Value)
	row, err = r.Next()
	require.NoError(t, err)
	require.Equal(t, int64(3), r.Line())
	require.Equal(t, "z", row[1].Value)
}

func TestFormatErrors(t *testing.T) {
	r := NewReader(strings.NewReader("a,\"open\n"), Format{CSV: true}.WithDefaults(false))
	_, err := r.Next()
	require.Equal(t, pgerr.BadCopyFileFormat, pgerr.CodeOf(err))
	require.Contains(t, err.Error(), "unterminated CSV quoted field")

	r = NewReader(strings.NewReader("a\rb\n"), Format{}.WithDefaults(false))
	_, err = r.Next()
	require.Equal(t, pgerr.BadCopyFileFormat, pgerr.CodeOf(err))
}

// randomStream returns COPY data built from the bytes that matter to the
// parser (delimiters, quotes, escapes, backslash sequences, line breaks,
// the NULL spellings), in lines of random length; long lines exceed the
// bufio buffer now and then.
func randomStream(rng *rand.Rand, long bool) []byte {
	pieces := []string{"a", "b", "1", "ü", "\t", ",", "|", ";", `"`, "'", `\`, `\\`, `\N`, `\n`, `\t`, `\x4`, `\x41g`, `\101`, `\777`, `\8`,
		"\n", "\r", "\r\n", `\.`, "NULL", "nil", " ", ""}
	var b []byte
	lines := rng.Intn(20)
	for range lines {
		n := rng.Intn(12)
		if long && rng.Intn(4) == 0 {
			n = 70 << 10 / 2
		}
		for range n {
			b = append(b, pieces[rng.Intn(len(pieces))]...)
		}
		if rng.Intn(8) != 0 {
			b = append(b, '\n')
		}
	}
	return b
}

// TestAgainstReference reads random streams with the reader and with the
// reference (the reader before NextRaw): the same rows, line numbers and
// errors in every format, through both Next and NextRaw.
func TestAgainstReference(t *testing.T) {
	formats := []struct {
		f       Format
		nullSet bool
	}{
		{Format{}, false},
		{Format{Delimiter: '|'}, false},
		{Format{Delimiter: ','}, false},
		{Format{Delimiter: '\\'}, false},
		{Format{Null: "nil"}, true},
		{Format{Null: ""}, true},
		{Format{CSV: true}, false},
		{Format{CSV: true, Header: true}, false},
		{Format{CSV: true, Delimiter: ';', Quote: '\'', Null: "NULL"}, true},
		{Format{CSV: true, Escape: '\\'}, false},
		{Format{CSV: true, Delimiter: '\t', Null: `\N`}, true},
	}
	rng := rand.New(rand.NewSource(1))
	for iter := range 3000 {
		data := randomStream(rng, iter%50 == 0)
		for _, fc := range formats {
			f := fc.f.WithDefaults(fc.nullSet)
			ref := newRefReader(bytes.NewReader(data), f)
			got := NewReader(bytes.NewReader(data), f)
			raw := NewReader(bytes.NewReader(data), f)
			for row := 0; ; row++ {
				want, werr := ref.Next()
				have, herr := got.Next()
				rawRow, rerr := raw.NextRaw()
				same := sameError(werr, herr) && sameError(werr, rerr) && ref.Line() == got.Line() && ref.Line() == raw.Line() &&
					reflect.DeepEqual(want, have) && len(rawRow) == len(want)
				for k := 0; same && k < len(rawRow); k++ {
					same = want[k].Null == rawRow[k].Null && want[k].Value == string(rawRow[k].Value)
				}
				if !same {
					t.Fatalf("format %v, row %d of %q:\nreference %+v, %v (line %d)\nNext      %+v, %v (line %d)\nNextRaw   %+v, %v (line %d)",
						f, row, data, want, werr, ref.Line(), have, herr, got.Line(), rawRow, rerr, raw.Line())
				}
				if werr != nil {
					break
				}
			}
		}
	}
}

// sameError reports whether two reads failed alike: the same SQLSTATE and
// message (and hint), or the same sentinel.
func sameError(a, b error) bool {
	if a == nil || b == nil || a == io.EOF || b == io.EOF {
		return a == b
	}
	return reflect.DeepEqual(pgerr.From(a), pgerr.From(b))
}
