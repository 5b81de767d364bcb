package clients

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/stretchr/testify/require"

	"github.com/lattice-olap/lattice/internal/testenv"
)

// TestCopy loads data with pgx's CopyFrom (binary-free text COPY through
// the protocol) and psql's \copy, and checks that a bad row or a cancelled
// load commits nothing. Each check runs on Lattice and on PostgreSQL.
func TestCopy(t *testing.T) {
	ctx := context.Background()
	n := testenv.StartNode(t)
	pgURL := testenv.PostgresDatabase(t)
	for _, target := range []struct{ name, url string }{{"lattice", n.DSN("lattice")}, {"postgres", pgURL}} {
		t.Run(target.name, func(t *testing.T) {
			c, err := pgx.Connect(ctx, target.url)
			require.NoError(t, err)
			defer c.Close(ctx)
			_, err = c.Exec(ctx, `CREATE TABLE items (id integer NOT NULL, name text, price numeric(10,2), added date)`)
			require.NoError(t, err)

			// A large text COPY through the protocol.
			var b strings.Builder
			for i := 1; i <= 20000; i++ {
				fmt.Fprintf(&b, "%d\titem %d\t%d.%02d\t2024-%02d-%02d\n", i, i, i%1000, i%100, 1+i%12, 1+i%28)
			}
			tag, err := c.PgConn().CopyFrom(ctx, strings.NewReader(b.String()), "COPY items FROM STDIN")
			require.NoError(t, err)
			require.EqualValues(t, 20000, tag.RowsAffected())
			requireCount(t, c, 20000)

			// A bad value on line 3: 22P02 naming the line and column,
			// and nothing of the load is visible.
			_, err = c.PgConn().CopyFrom(ctx, strings.NewReader("1\ta\t1.00\t2024-01-01\n2\tb\t2.00\t2024-01-02\n3\tc\tnotanumber\t2024-01-03\n"), "COPY items FROM STDIN")
			var pe *pgconn.PgError
			require.True(t, errors.As(err, &pe), "%v", err)
			require.Equal(t, "22P02", pe.Code)
			require.Equal(t, `COPY items, line 3, column price: "notanumber"`, pe.Where)
			requireCount(t, c, 20000)

			// A missing column: 22P04.
			_, err = c.PgConn().CopyFrom(ctx, strings.NewReader("7\tx\n"), "COPY items FROM STDIN")
			require.True(t, errors.As(err, &pe), "%v", err)
			require.Equal(t, "22P04", pe.Code)
			requireCount(t, c, 20000)

			// NOT NULL is enforced: 23502.
			_, err = c.PgConn().CopyFrom(ctx, strings.NewReader("\\N\tx\t1\t2024-01-01\n"), "COPY items FROM STDIN")
			require.True(t, errors.As(err, &pe), "%v", err)
			require.Equal(t, "23502", pe.Code)

			// CSV with a header and a column list.
			tag, err = c.PgConn().CopyFrom(ctx, strings.NewReader("name,id\n\"comma, inside\",30001\n\"\",30002\n"), "COPY items (name, id) FROM STDIN (FORMAT csv, HEADER)")
			require.NoError(t, err)
			require.EqualValues(t, 2, tag.RowsAffected())
			var name string
			require.NoError(t, c.QueryRow(ctx, "SELECT name FROM items WHERE id = 30001").Scan(&name))
			require.Equal(t, "comma, inside", name)

			// A load cancelled half way commits nothing.
			pr, pw := io.Pipe()
			go func() {
				fmt.Fprint(pw, "40001\tx\t1.00\t2024-01-01\n")
				time.Sleep(300 * time.Millisecond)
				pw.CloseWithError(errors.New("client gave up"))
			}()
			_, err = c.PgConn().CopyFrom(ctx, pr, "COPY items FROM STDIN")
			require.Error(t, err)
			requireCount(t, c, 20002)

			// COPY TO STDOUT round-trips the values.
			var out strings.Builder
			_, err = c.PgConn().CopyTo(ctx, writerOf(&out), "COPY (SELECT id, name, price FROM items WHERE id IN (1, 30002) ORDER BY id) TO STDOUT (FORMAT csv)")
			require.NoError(t, err)
			require.Equal(t, "1,item 1,1.01\n30002,\"\",\n", out.String())
		})
	}
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }

func writerOf(b *strings.Builder) io.Writer {
	return writerFunc(func(p []byte) (int, error) { return b.Write(p) })
}

func requireCount(t *testing.T, c *pgx.Conn, want int64) {
	t.Helper()
	var got int64
	require.NoError(t, c.QueryRow(context.Background(), "SELECT count(*) FROM items").Scan(&got))
	require.Equal(t, want, got)
}

// TestPsqlCopy loads a CSV file with psql's \copy and reads it back.
func TestPsqlCopy(t *testing.T) {
	psql := testenv.LookPath(t, "psql")
	n := testenv.StartNode(t)
	dir := t.TempDir()
	file := filepath.Join(dir, "in.csv")
	require.NoError(t, os.WriteFile(file, []byte("k,label\n1,one\n2,\"two, too\"\n3,\n"), 0o644))
	script := fmt.Sprintf(`CREATE TABLE labels (k int, label text);
\copy labels FROM '%s' WITH (FORMAT csv, HEADER)
SELECT k, coalesce(label, '<null>') FROM labels ORDER BY k;
\copy labels FROM '%s' WITH (FORMAT csv)
SELECT count(*) FROM labels;
`, file, file)
	cmd := exec.Command(psql, "-X", "-A", "-t", "-v", "ON_ERROR_STOP=0", "-h", n.Host, "-p", fmt.Sprint(n.Port), "-U", n.User, "-d", "lattice")
	cmd.Env = append(os.Environ(), "PGPASSWORD="+n.Password)
	cmd.Stdin = strings.NewReader(script)
	out, _ := cmd.CombinedOutput()
	got := string(out)
	require.Contains(t, got, "COPY 3")
	require.Contains(t, got, "1|one\n2|two, too\n3|<null>")
	require.Contains(t, got, `invalid input syntax for type integer: "k"`)
	require.Contains(t, got, "CONTEXT:  COPY labels, line 1, column k")
	require.True(t, strings.HasSuffix(strings.TrimSpace(got), "3"), "the failed \\copy loaded nothing:\n%s", got)
}
