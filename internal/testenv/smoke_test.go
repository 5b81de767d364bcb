package testenv_test

import (
	"context"
	"testing"

	"github.com/lattice-olap/lattice/internal/testenv"
)

// TestStartNode checks that the harness starts a node that answers an
// extended-protocol query and stops cleanly.
func TestStartNode(t *testing.T) {
	n := testenv.StartNode(t)
	c := n.Connect(t, "lattice")
	var x int
	if err := c.QueryRow(context.Background(), "select $1::int + 1", 41).Scan(&x); err != nil || x != 42 {
		t.Fatalf("got %d, %v", x, err)
	}
}
