package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

const latticePassword = "ssb-bench"

// node is a Lattice process started for the run, on a free loopback port
// with a temporary data directory that stop removes.
type node struct {
	cmd     *exec.Cmd
	port    int
	dataDir string
	done    chan struct{}
}

func startNode(ctx context.Context, bin string) (*node, error) {
	bin, err := filepath.Abs(bin)
	if err != nil {
		return nil, err
	}
	if _, err := os.Stat(bin); err != nil {
		return nil, fmt.Errorf("lattice binary (build it with `make build`): %w", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	dir, err := os.MkdirTemp("", "ssbbench-lattice-")
	if err != nil {
		return nil, err
	}
	n := &node{port: port, dataDir: dir, done: make(chan struct{})}
	n.cmd = exec.Command(bin, "serve",
		"--set", fmt.Sprintf("lattice.server.pg-listen=127.0.0.1:%d", port),
		"--set", "lattice.server.http-listen=127.0.0.1:0",
		"--set", "lattice.storage.data-dir="+dir,
		"--set", "lattice.security.admin-password="+latticePassword)
	log, err := os.Create(filepath.Join(dir, "lattice.log"))
	if err != nil {
		return nil, err
	}
	n.cmd.Stderr = log
	stdout, err := n.cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := n.cmd.Start(); err != nil {
		return nil, err
	}
	ready := make(chan struct{})
	// The scanner ends when the process exits and closes its stdout.
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if strings.Contains(sc.Text(), "is ready") {
				close(ready)
				break
			}
		}
		for sc.Scan() {
		}
	}()
	go func() { _ = n.cmd.Wait(); log.Close(); close(n.done) }()
	select {
	case <-ready:
		logf("lattice node on 127.0.0.1:%d (pid %d, data %s)", port, n.cmd.Process.Pid, dir)
		return n, nil
	case <-n.done:
		b, _ := os.ReadFile(filepath.Join(dir, "lattice.log"))
		os.RemoveAll(dir)
		return nil, fmt.Errorf("lattice exited at startup: %s", b)
	case <-time.After(60 * time.Second):
	case <-ctx.Done():
	}
	n.stop()
	return nil, errors.New("lattice did not become ready in 60s")
}

func (n *node) dsn(db string) string {
	return fmt.Sprintf("postgres://admin:%s@127.0.0.1:%d/%s?sslmode=disable", latticePassword, n.port, db)
}

// peakRSS returns the process's peak resident set (VmHWM) in KiB.
func (n *node) peakRSS() int64 { return n.status("VmHWM:") }

// status returns a kB field of /proc/PID/status, or 0.
func (n *node) status(field string) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", n.cmd.Process.Pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, field); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb
		}
	}
	return 0
}

// watchRSS kills the node if its resident size passes limitKB, so that a
// runaway query fails this run instead of the machine; it returns when the
// process has exited.
func (n *node) watchRSS(limitKB int64) {
	t := time.NewTicker(200 * time.Millisecond)
	defer t.Stop()
	for {
		select {
		case <-n.done:
			return
		case <-t.C:
		}
		if rss := n.status("VmRSS:"); rss > limitKB {
			fmt.Fprintf(os.Stderr, "!!! lattice uses %d MiB, past the %d MiB limit (-max-rss-mb): killing it\n", rss>>10, limitKB>>10)
			_ = n.cmd.Process.Kill()
			return
		}
	}
}

// stop sends SIGTERM, kills after 30s, and removes the data directory.
func (n *node) stop() {
	_ = n.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-n.done:
	case <-time.After(30 * time.Second):
		_ = n.cmd.Process.Kill()
		<-n.done
	}
	os.RemoveAll(n.dataDir)
}

// lattice is the node seen through pgx, in project ssb.
type lattice struct {
	*pgEngine
	node *node
}

func newLattice(ctx context.Context, n *node) (*lattice, error) {
	admin, err := connectPG(ctx, "Lattice", n.dsn("lattice"))
	if err != nil {
		return nil, err
	}
	defer admin.Close()
	if err := admin.exec(ctx, "CREATE DATABASE ssb"); err != nil {
		return nil, fmt.Errorf("lattice: CREATE DATABASE ssb: %w", err)
	}
	e, err := connectPG(ctx, "Lattice", n.dsn("ssb"))
	if err != nil {
		return nil, err
	}
	return &lattice{pgEngine: e, node: n}, nil
}

// session opens another connection to project ssb with lattice.route set.
func (l *lattice) session(ctx context.Context, route string) (*pgEngine, error) {
	e, err := connectPG(ctx, "Lattice "+route, l.node.dsn("ssb"))
	if err != nil {
		return nil, err
	}
	set := "SET lattice.route = '" + route + "'"
	if err := e.exec(ctx, set); err != nil {
		e.Close()
		return nil, fmt.Errorf("%s: %w", set, err)
	}
	e.setup = []string{set}
	return e, nil
}
