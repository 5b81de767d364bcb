package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/lattice-olap/lattice/metastore"
	"github.com/lattice-olap/lattice/ssb"
)

// sampleOptions are the flags of `lattice sample ssb`.
type sampleOptions struct {
	sf                   float64
	seed                 uint64
	host, user, password string
	port                 int
	project              string
	force, noCube        bool
	ifMissing            bool
	wait                 time.Duration
}

// sample runs `lattice sample ssb`: it loads the Star Schema Benchmark into
// a running node over the PostgreSQL protocol (COPY FROM STDIN, streamed from
// the generator) and creates and builds the SSB cube.
func sample(args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "ssb" {
		return errors.New("usage: lattice sample ssb [--sf N] [--host H] [--port P] [--user U] [--password PW] [--force]")
	}
	fs := flag.NewFlagSet("sample ssb", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var o sampleOptions
	fs.Float64Var(&o.sf, "sf", 0.1, "scale factor: 0.01, 0.1, 1, 10 (lineorder has about 6,000,000 × SF rows)")
	fs.Uint64Var(&o.seed, "seed", 1, "random seed; the same seed and scale factor give the same data")
	fs.StringVar(&o.host, "host", "127.0.0.1", "the node's host")
	fs.IntVar(&o.port, "port", 7432, "the node's PostgreSQL port")
	fs.StringVar(&o.user, "user", "admin", "user name")
	fs.StringVar(&o.password, "password", envOr("PGPASSWORD", "admin"), "password (default $PGPASSWORD, else admin)")
	fs.StringVar(&o.project, "project", "ssb", "project to create")
	fs.BoolVar(&o.force, "force", false, "drop the project first if it exists")
	fs.BoolVar(&o.noCube, "no-cube", false, "load the tables only; do not create and build the cube")
	fs.BoolVar(&o.ifMissing, "if-missing", false, "do nothing, successfully, if the project exists (make run uses this)")
	fs.DurationVar(&o.wait, "wait", 0, "keep trying to connect this long while the node starts (e.g. 60s)")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()
	return loadSSB(ctx, o, stdout)
}

func envOr(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}

// errProjectExists is returned when the project is there and --force is not.
var errProjectExists = errors.New("project exists")

func (o sampleOptions) dsn(project string) string {
	u := url.URL{Scheme: "postgres", User: url.UserPassword(o.user, o.password),
		Host: net.JoinHostPort(o.host, strconv.Itoa(o.port)), Path: "/" + project, RawQuery: "sslmode=prefer"}
	return u.String()
}

func loadSSB(ctx context.Context, o sampleOptions, stdout io.Writer) error {
	gen, err := ssb.New(o.sf, o.seed)
	if err != nil {
		return err
	}
	admin, err := connectWaiting(ctx, o)
	if err != nil {
		return fmt.Errorf("connecting to the node at %s:%d (is `lattice serve` running?): %w", o.host, o.port, err)
	}
	defer admin.Close(context.Background())

	exists, err := projectExists(ctx, o)
	if err != nil {
		return err
	}
	if exists && o.ifMissing {
		return nil
	}
	if exists && !o.force {
		return fmt.Errorf("%w: project %s is already there; connect with psql -d %s, or run `lattice sample ssb --force` to drop and reload it",
			errProjectExists, o.project, o.project)
	}
	if exists {
		fmt.Fprintf(stdout, "dropping project %s (--force)\n", o.project)
		if _, err := admin.Exec(ctx, "DROP DATABASE "+pgx.Identifier{o.project}.Sanitize()); err != nil {
			return fmt.Errorf("dropping project %s: %w", o.project, err)
		}
	}
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{o.project}.Sanitize()); err != nil {
		return fmt.Errorf("creating project %s: %w", o.project, err)
	}

	cfg, err := pgx.ParseConfig(o.dsn(o.project))
	if err != nil {
		return err
	}
	// BUILD ... WAIT reports progress as notices.
	cfg.OnNotice = func(_ *pgconn.PgConn, n *pgconn.Notice) { fmt.Fprintf(stdout, "  %s\n", n.Message) }
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return fmt.Errorf("connecting to project %s: %w", o.project, err)
	}
	defer conn.Close(context.Background())

	c := gen.Counts()
	fmt.Fprintf(stdout, "loading SSB at scale factor %g (seed %d) into project %s: %d customers, %d suppliers, %d parts, %d orders\n",
		o.sf, o.seed, o.project, c.Customers, c.Suppliers, c.Parts, c.Orders)
	for i, t := range ssb.Tables {
		if _, err := conn.Exec(ctx, ssb.DDL[i]); err != nil {
			return fmt.Errorf("creating table %s: %w", t.Name, err)
		}
		start := time.Now()
		n, err := copyTable(ctx, conn.PgConn(), gen, t.Name)
		if err != nil {
			return fmt.Errorf("loading table %s: %w", t.Name, err)
		}
		d := time.Since(start)
		fmt.Fprintf(stdout, "  %-9s %10d rows in %6.2fs (%.0f rows/s)\n", t.Name, n, d.Seconds(), float64(n)/d.Seconds())
	}
	if o.noCube {
		fmt.Fprintf(stdout, "tables loaded (--no-cube). Try: psql -d %s\n", o.project)
		return nil
	}

	fmt.Fprintf(stdout, "creating cube %s\n", ssb.CubeName)
	if _, err := conn.Exec(ctx, ssb.CubeSQL()); err != nil {
		return fmt.Errorf("creating cube %s (the tables are loaded; rerun with --force to retry): %w", ssb.CubeName, err)
	}
	fmt.Fprintf(stdout, "building cube %s\n", ssb.CubeName)
	start := time.Now()
	if _, err := conn.Exec(ctx, "BUILD CUBE "+ssb.CubeName+" WAIT"); err != nil {
		return fmt.Errorf("building cube %s: %w", ssb.CubeName, err)
	}
	fmt.Fprintf(stdout, "cube %s built in %.1fs. Try: psql -d %s, then the SSB queries (docs/performance.md)\n",
		ssb.CubeName, time.Since(start).Seconds(), o.project)
	return nil
}

// connectWaiting connects to the default project, retrying for o.wait while
// the connection is refused (the node is still starting).
func connectWaiting(ctx context.Context, o sampleOptions) (*pgx.Conn, error) {
	deadline := time.Now().Add(o.wait)
	for {
		c, err := pgx.Connect(ctx, o.dsn(metastore.DefaultProject))
		var pe *pgconn.PgError
		if err == nil || errors.As(err, &pe) || !time.Now().Before(deadline) {
			return c, err
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(500 * time.Millisecond):
		}
	}
}

// projectExists connects to the project itself: an unknown project fails
// with SQLSTATE 3D000.
func projectExists(ctx context.Context, o sampleOptions) (bool, error) {
	c, err := pgx.Connect(ctx, o.dsn(o.project))
	if err == nil {
		c.Close(context.Background())
		return true, nil
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) && pe.Code == "3D000" {
		return false, nil
	}
	return false, fmt.Errorf("checking for project %s: %w", o.project, err)
}

// copyTable streams one generated table into COPY FROM STDIN through a pipe.
// The generator goroutine ends when it has written everything or when the
// pipe's reader is closed (COPY failed), and copyTable waits for it.
func copyTable(ctx context.Context, conn *pgconn.PgConn, gen *ssb.Generator, table string) (int64, error) {
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		_, err := gen.WriteTable(ctx, pw, table)
		pw.CloseWithError(err)
		done <- err
	}()
	tag, err := conn.CopyFrom(ctx, pr, "COPY "+table+" FROM STDIN")
	pr.CloseWithError(errors.New("copy ended"))
	genErr := <-done
	if err != nil {
		return 0, err
	}
	if genErr != nil {
		return 0, genErr
	}
	return tag.RowsAffected(), nil
}
