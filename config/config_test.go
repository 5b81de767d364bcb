package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestDefaultsMatchContract(t *testing.T) {
	c := Default()
	require.Equal(t, "all", c.Mode)
	require.Equal(t, "127.0.0.1:7432", c.PGListen)
	require.Equal(t, "127.0.0.1:7070", c.HTTPListen)
	require.Equal(t, "./data", c.DataDir)
	require.Equal(t, "sqlite://./data/meta.db", c.MetadataURL)
	require.Equal(t, "", c.ZKConnect)
	require.Equal(t, "/lattice", c.ZKBasePath)
	require.True(t, c.LeaderRace)
	require.Equal(t, 30*time.Second, c.HeartbeatInterval)
	require.Equal(t, 60*time.Second, c.HeartbeatTimeout)
	require.Equal(t, "", c.AdminPassword)
	require.Equal(t, "admin", c.EffectiveAdminPassword())
	require.Equal(t, 5*time.Second, c.MaxClockSkew)
	require.Equal(t, 4096, c.CubeMaxCuboids)
	require.Positive(t, c.QueryMaxMemory)
	require.Equal(t, int64(256<<20), c.GCHeapFloor)
	host, _ := os.Hostname()
	require.Equal(t, host, c.InstanceHost)
	require.Equal(t, host+":7432", c.InstanceID)
}

func TestPropertiesFileAndOverrides(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "lattice.properties")
	require.NoError(t, os.WriteFile(path, []byte(`
# comment
! also a comment
lattice.server.mode = query
lattice.storage.data-dir : /var/lib/lattice
lattice.env.zookeeper-connect-string zk1:2181,\
    zk2:2181
lattice.server.instance-host=node\u0031
`), 0o644))
	c, err := Load(path, []string{"lattice.server.pg-listen=0.0.0.0:5433", "lattice.security.admin-password=s3cret"})
	require.NoError(t, err)
	require.Equal(t, "query", c.Mode)
	require.Equal(t, "/var/lib/lattice", c.DataDir)
	require.Equal(t, "sqlite:///var/lib/lattice/meta.db", c.MetadataURL)
	require.Equal(t, "zk1:2181,zk2:2181", c.ZKConnect)
	require.Equal(t, "node1", c.InstanceHost)
	require.Equal(t, "node1:5433", c.InstanceID)
	require.Equal(t, "s3cret", c.EffectiveAdminPassword())
	require.Equal(t, "snappy", c.CubeCompression)
	c, err = Load("", []string{"lattice.cube.compression=ZSTD"})
	require.NoError(t, err)
	require.Equal(t, "zstd", c.CubeCompression)
}

func TestErrorsNameTheKey(t *testing.T) {
	cases := []struct {
		set, key string
	}{
		{"lattice.server.mode=leader", "lattice.server.mode"},
		{"lattice.no.such.key=1", "lattice.no.such.key"},
		{"lattice.server.pg-listen=nowhere", "lattice.server.pg-listen"},
		{"lattice.server.leader-race.enabled=maybe", "lattice.server.leader-race.enabled"},
		{"lattice.server.leader-race.heart-beat-interval=-3", "lattice.server.leader-race.heart-beat-interval"},
		{"lattice.cube.max-cuboids=0", "lattice.cube.max-cuboids"},
		{"lattice.query.max-memory=lots", "lattice.query.max-memory"},
		{"lattice.cube.compression=gzip", "lattice.cube.compression"},
		{"lattice.server.gc-heap-floor=-1", "lattice.server.gc-heap-floor"},
		{"lattice.metadata.url=oracle://x", "lattice.metadata.url"},
		{"lattice.server.tls-cert=/x.pem", "lattice.server.tls-cert"},
		{"lattice.server.leader-race.heart-beat-timeout=10", "lattice.server.leader-race.heart-beat-timeout"},
	}
	for _, tc := range cases {
		_, err := Load("", []string{tc.set})
		require.Error(t, err, tc.set)
		require.Contains(t, err.Error(), tc.key, tc.set)
	}
}

func TestNonLoopbackNeedsAdminPassword(t *testing.T) {
	_, err := Load("", []string{"lattice.server.pg-listen=0.0.0.0:7432"})
	require.Error(t, err)
	require.True(t, strings.Contains(err.Error(), "lattice.security.admin-password"), err.Error())
	_, err = Load("", []string{"lattice.server.pg-listen=[::1]:7432"})
	require.NoError(t, err)
}

func TestParseSize(t *testing.T) {
	for in, want := range map[string]int64{"1024": 1024, "4k": 4096, "2m": 2 << 20, "3G": 3 << 30, "1gb": 1 << 30} {
		got, err := ParseSize(in)
		require.NoError(t, err, in)
		require.Equal(t, want, got, in)
	}
	_, err := ParseSize("x")
	require.Error(t, err)
}
