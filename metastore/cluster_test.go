package metastore

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/xdg-go/scram"
)

func TestNodesHeartbeat(t *testing.T) {
	forEachBackend(t, func(t *testing.T, backend, url string) {
		ctx := context.Background()
		s := open(t, url)
		start := time.UnixMilli(time.Now().UnixMilli()).UTC()
		n := NodeInfo{ID: "10.0.0.1:7432", Host: "10.0.0.1", PGPort: 7432, HTTPPort: 7070, Mode: "job", Version: "v1",
			StartedAt: start, ClockSkew: -42 * time.Millisecond}
		require.NoError(t, s.Heartbeat(ctx, n))
		before, err := s.Now(ctx)
		require.NoError(t, err)
		n.Mode, n.ClockSkew = "all", 7*time.Millisecond
		require.NoError(t, s.Heartbeat(ctx, n)) // the second beat updates the row
		after, err := s.Now(ctx)
		require.NoError(t, err)
		rows, err := s.Nodes(ctx)
		require.NoError(t, err)
		require.Len(t, rows, 1)
		got := rows[0]
		require.Equal(t, "all", got.Mode)
		require.Equal(t, 7*time.Millisecond, got.ClockSkew)
		require.Equal(t, start, got.StartedAt)
		require.Equal(t, 7070, got.HTTPPort)
		// last_heartbeat is the database clock at the second beat.
		require.False(t, got.LastHeartbeat.Before(before), "%v before %v", got.LastHeartbeat, before)
		require.False(t, got.LastHeartbeat.After(after), "%v after %v", got.LastHeartbeat, after)
		require.NoError(t, s.RemoveNode(ctx, n.ID))
		rows, err = s.Nodes(ctx)
		require.NoError(t, err)
		require.Empty(t, rows)
	})
}

func TestHTTPSessions(t *testing.T) {
	forEachBackend(t, func(t *testing.T, backend, url string) {
		ctx := context.Background()
		a, b := open(t, url), open(t, url) // two nodes on one metastore
		require.NoError(t, a.CreateHTTPSession(ctx, "s1", "alice", time.Hour))
		u, err := b.HTTPSession(ctx, "s1")
		require.NoError(t, err)
		require.Equal(t, "alice", u)
		// Expiry is judged by the database clock.
		require.NoError(t, a.CreateHTTPSession(ctx, "s2", "bob", time.Millisecond))
		deadline := time.Now().Add(10 * time.Second)
		for {
			_, err = b.HTTPSession(ctx, "s2")
			if errors.Is(err, ErrNotFound) || time.Now().After(deadline) {
				break
			}
			time.Sleep(10 * time.Millisecond)
		}
		require.ErrorIs(t, err, ErrNotFound)
		require.NoError(t, b.DeleteHTTPSession(ctx, "s1"))
		_, err = a.HTTPSession(ctx, "s1")
		require.ErrorIs(t, err, ErrNotFound)
		require.NoError(t, b.DeleteHTTPSession(ctx, "s1")) // twice is fine
	})
}

func TestCheckPassword(t *testing.T) {
	v, err := NewVerifier("s3cret pw")
	require.NoError(t, err)
	require.True(t, CheckPassword(v, "s3cret pw"))
	require.False(t, CheckPassword(v, "s3cret pW"))
	require.False(t, CheckPassword(v, ""))
	require.False(t, CheckPassword("not a verifier", "s3cret pw"))
}

func TestInternalCredentials(t *testing.T) {
	c1, err := InternalCredentials("secret-a")
	require.NoError(t, err)
	c2, err := InternalCredentials("secret-a")
	require.NoError(t, err)
	require.Equal(t, c1, c2, "every node derives the same credentials from the secret")
	c3, err := InternalCredentials("secret-b")
	require.NoError(t, err)
	require.NotEqual(t, c1.StoredKey, c3.StoredKey)
	// A SCRAM exchange with the secret succeeds against them, with
	// another password it fails.
	for _, tc := range []struct {
		pw string
		ok bool
	}{{"secret-a", true}, {"secret-b", false}} {
		srv, err := scram.SHA256.NewServer(func(string) (scram.StoredCredentials, error) { return c1, nil })
		require.NoError(t, err)
		cl, err := scram.SHA256.NewClient(InternalUser, tc.pw, "")
		require.NoError(t, err)
		cc, sc := cl.NewConversation(), srv.NewConversation()
		msg, err := cc.Step("")
		require.NoError(t, err)
		msg, err = sc.Step(msg)
		require.NoError(t, err)
		msg, err = cc.Step(msg)
		require.NoError(t, err)
		_, err = sc.Step(msg)
		require.Equal(t, tc.ok, err == nil && sc.Valid(), "password %q", tc.pw)
	}
}
