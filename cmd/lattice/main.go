package main

import (
	"context"
	"crypto/tls"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"syscall"
	"time"

	"github.com/lattice-olap/lattice/cluster"
	"github.com/lattice-olap/lattice/config"
	"github.com/lattice-olap/lattice/exec"
	"github.com/lattice-olap/lattice/internal/gcfloor"
	"github.com/lattice-olap/lattice/jobs"
	"github.com/lattice-olap/lattice/metastore"
	"github.com/lattice-olap/lattice/planner"
	"github.com/lattice-olap/lattice/wire"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "0.1.0-dev"

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		usage(stderr)
		return 2
	}
	switch args[0] {
	case "version", "--version", "-v":
		fmt.Fprintf(stdout, "lattice %s (PostgreSQL %s protocol)\n", version, planner.ServerVersion)
		return 0
	case "serve":
		if err := serve(args[1:], stdout, stderr); err != nil {
			fmt.Fprintf(stderr, "lattice: %v\n", err)
			return 1
		}
		return 0
	case "sample":
		if err := sample(args[1:], stdout, stderr); err != nil {
			fmt.Fprintf(stderr, "lattice: %v\n", err)
			return 1
		}
		return 0
	case "help", "-h", "--help":
		usage(stdout)
		return 0
	}
	fmt.Fprintf(stderr, "lattice: unknown command %q\n", args[0])
	usage(stderr)
	return 2
}

func usage(w io.Writer) {
	fmt.Fprint(w, `usage:
  lattice serve [--conf FILE] [--set key=value]...   start a node
  lattice version                                    print the version
  lattice sample ssb [--sf N] [--port P] [--force]   load the SSB sample into a running node

Configuration keys are listed in docs/configuration.md.
`)
}

// multiFlag collects repeated --set flags.
type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ",") }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }

func serve(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	conf := fs.String("conf", "", "Java-properties configuration file")
	var sets multiFlag
	fs.Var(&sets, "set", "override one configuration key (key=value); repeatable")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	cfg, err := config.Load(*conf, sets)
	if err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	if os.Getenv("GOMEMLIMIT") == "" {
		// A soft limit: near it the collector runs more often instead of
		// letting the heap grow to twice what is live (cube builds hold
		// large hash tables and sorts).
		debug.SetMemoryLimit(config.PhysicalMemory() * 3 / 4)
	}
	if os.Getenv("GOGC") == "" && cfg.GCHeapFloor > 0 {
		// A query node's live heap is small and every query allocates
		// afresh: see package gcfloor.
		defer gcfloor.Start(cfg.GCHeapFloor).Stop()
	}

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()

	if err := os.MkdirAll(cfg.DataDir, 0o755); err != nil {
		return fmt.Errorf("data directory: %w", err)
	}
	store, err := metastore.Open(ctx, cfg.MetadataURL)
	if err != nil {
		return err
	}
	defer store.Close()
	if err := store.Bootstrap(ctx, cfg.EffectiveAdminPassword()); err != nil {
		return fmt.Errorf("metastore bootstrap: %w", err)
	}
	// Logins and definitions are served from a cache that follows the
	// metastore's change log; Close stops it.
	if _, err := store.StartCache(ctx, metastore.CacheOptions{Logger: log}); err != nil {
		return fmt.Errorf("metastore cache: %w", err)
	}

	var tlsCfg *tls.Config
	if cfg.TLSCert != "" {
		cert, err := tls.LoadX509KeyPair(cfg.TLSCert, cfg.TLSKey)
		if err != nil {
			return fmt.Errorf("configuration key lattice.server.tls-cert/tls-key: %w", err)
		}
		tlsCfg = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	}

	// The PostgreSQL listener opens first, so that the node advertises
	// its bound port (port 0 picks a free one).
	ln, err := net.Listen("tcp", cfg.PGListen)
	if err != nil {
		return fmt.Errorf("configuration key lattice.server.pg-listen=%s: %w", cfg.PGListen, err)
	}
	addr := ln.Addr().(*net.TCPAddr)

	// Cluster membership: heartbeats, the lease race, discovery, the HTTP
	// admin API and forwarding of job statements (package cluster).
	node := cluster.New(cluster.Config{
		Store:      store,
		Mode:       cfg.Mode,
		InstanceID: cfg.InstanceID,
		Host:       cfg.InstanceHost,
		PGPort:     addr.Port,
		HTTPListen: cfg.HTTPListen,
		ZKConnect:  cfg.ZKConnect,
		ZKBasePath: cfg.ZKBasePath,
		LeaderRace: cfg.LeaderRace,
		Interval:   cfg.HeartbeatInterval,
		Timeout:    cfg.HeartbeatTimeout,
		MaxSkew:    cfg.MaxClockSkew,
		Version:    version,
		Logger:     log,
	})
	pl := planner.New(planner.Config{Store: store, DataDir: cfg.DataDir, MaxMemory: cfg.QueryMaxMemory, Version: version, Cluster: node,
		MaxCuboids: cfg.CubeMaxCuboids, InstanceID: cfg.InstanceID,
		HistoryMaxRows: int64(cfg.HistoryMaxRows), HistoryMaxAge: time.Duration(cfg.HistoryMaxAgeDays) * 24 * time.Hour})
	defer pl.Close()
	node.RegisterViews(pl)
	// The job engine runs the jobs of the projects whose lease the node
	// holds; query nodes hold none.
	engine := jobs.New(jobs.Config{Store: store, Planner: pl, DataDir: cfg.DataDir, InstanceID: cfg.InstanceID, Logger: log,
		SliceRows: int64(cfg.CubeSliceRows), MaxMemory: cfg.QueryMaxMemory,
		Compression: exec.Codec(cfg.CubeCompression)})
	defer engine.Close()
	pl.SetJobEngine(engine)
	if cfg.Mode != "query" {
		node.SetJobEngine(engine)
	}
	if err := node.Start(ctx); err != nil {
		ln.Close()
		return err
	}
	srv := wire.NewServer(wire.Config{
		Planner:        pl,
		Store:          store,
		TLS:            tlsCfg,
		MaxConnections: cfg.MaxConnections,
		MaxMessageSize: cfg.MaxMessageSize,
		StartupTimeout: cfg.StartupTimeout,
		Logger:         log,
	})
	httpAddr := ""
	if a := node.HTTPAddr(); a != nil {
		httpAddr = a.String()
	}
	log.Info("lattice node started", "version", version, "mode", cfg.Mode, "instance", cfg.InstanceID,
		"pg", addr.String(), "http", httpAddr, "metastore", store.URL(), "data", cfg.DataDir)
	fmt.Fprintf(stdout, "Lattice %s is ready. Connect with:\n  psql \"postgresql://admin@%s:%d/%s\"\n",
		version, addr.IP.String(), addr.Port, metastore.DefaultProject)
	if httpAddr != "" {
		fmt.Fprintf(stdout, "  admin API: http://%s/api/\n", httpAddr)
	}
	if cfg.AdminPassword == "" {
		fmt.Fprintln(stdout, "  (password: admin; set lattice.security.admin-password before exposing the node)")
	}

	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return errors.Join(err, node.Stop(context.Background()))
	case <-ctx.Done():
	}
	log.Info("shutting down: draining sessions", "timeout", cfg.ShutdownTimeout)
	sctx, cancel := context.WithTimeout(context.Background(), cfg.ShutdownTimeout)
	defer cancel()
	err = srv.Shutdown(sctx)
	if serr := <-errc; !errors.Is(serr, wire.ErrServerClosed) {
		err = errors.Join(err, serr)
	}
	// Leaving the cluster releases this node's leases, so another job node
	// takes its projects over at once.
	err = errors.Join(err, node.Stop(sctx))
	if err != nil && !errors.Is(err, net.ErrClosed) {
		return err
	}
	log.Info("stopped")
	return nil
}
