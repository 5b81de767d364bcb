package config

import (
	"bufio"
	"fmt"
	"net"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/lattice-olap/lattice/exec"
)

// Config is a node's typed configuration.
type Config struct {
	Mode              string // all, query or job
	PGListen          string
	HTTPListen        string
	InstanceHost      string
	InstanceID        string
	DataDir           string
	MetadataURL       string
	ZKConnect         string
	ZKBasePath        string
	LeaderRace        bool
	HeartbeatInterval time.Duration
	HeartbeatTimeout  time.Duration
	AdminPassword     string
	TLSCert, TLSKey   string
	MaxClockSkew      time.Duration
	QueryMaxMemory    int64
	CubeMaxCuboids    int
	CubeSliceRows     int // 0: sized from QueryMaxMemory
	CubeCompression   string
	HistoryMaxRows    int
	HistoryMaxAgeDays int

	MaxConnections  int
	MaxMessageSize  int
	StartupTimeout  time.Duration
	ShutdownTimeout time.Duration
	GCHeapFloor     int64 // 0: GOGC as the environment sets it
}

// key describes one configuration key: its default (applied before the file
// and flags) and how to store a value into Config.
type key struct {
	def  string
	help string
	set  func(c *Config, v string) error
}

// keys is the table of every accepted key. The first block is DESIGN.md's
// contract; the second is Lattice's own additions.
var keys = map[string]key{
	"lattice.server.mode": {"all", "all, query or job", func(c *Config, v string) error {
		switch v {
		case "all", "query", "job":
			c.Mode = v
			return nil
		}
		return fmt.Errorf("must be all, query or job")
	}},
	"lattice.server.pg-listen":     {"127.0.0.1:7432", "address for the PostgreSQL protocol", setAddr(func(c *Config) *string { return &c.PGListen })},
	"lattice.server.http-listen":   {"127.0.0.1:7070", "address for the admin API", setAddr(func(c *Config) *string { return &c.HTTPListen })},
	"lattice.server.instance-host": {"", "advertised host; empty means the hostname", setString(func(c *Config) *string { return &c.InstanceHost })},
	"lattice.storage.data-dir":     {"./data", "table and segment files", setNonEmpty(func(c *Config) *string { return &c.DataDir })},
	"lattice.metadata.url": {"", "sqlite://PATH, postgres://... or mysql://...; empty means sqlite://<data-dir>/meta.db", func(c *Config, v string) error {
		if v != "" && !strings.HasPrefix(v, "sqlite://") && !strings.HasPrefix(v, "postgres://") &&
			!strings.HasPrefix(v, "postgresql://") && !strings.HasPrefix(v, "mysql://") {
			return fmt.Errorf("must start with sqlite://, postgres:// or mysql://")
		}
		c.MetadataURL = v
		return nil
	}},
	"lattice.env.zookeeper-connect-string": {"", "host1:2181,host2:2181; empty means standalone", setString(func(c *Config) *string { return &c.ZKConnect })},
	"lattice.env.zookeeper-base-path": {"/lattice", "root znode path", func(c *Config, v string) error {
		if !strings.HasPrefix(v, "/") || (len(v) > 1 && strings.HasSuffix(v, "/")) {
			return fmt.Errorf("must be an absolute znode path such as /lattice")
		}
		c.ZKBasePath = v
		return nil
	}},
	"lattice.server.leader-race.enabled": {"true", "race for project leases", func(c *Config, v string) error {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return fmt.Errorf("must be true or false")
		}
		c.LeaderRace = b
		return nil
	}},
	"lattice.server.leader-race.heart-beat-interval": {"30", "seconds between lease renewals", setSeconds(func(c *Config) *time.Duration { return &c.HeartbeatInterval })},
	"lattice.server.leader-race.heart-beat-timeout":  {"60", "seconds before an unrenewed lease may be taken", setSeconds(func(c *Config) *time.Duration { return &c.HeartbeatTimeout })},
	"lattice.security.admin-password":                {"", "initial admin password; empty means 'admin' and loopback only", setString(func(c *Config) *string { return &c.AdminPassword })},
	"lattice.server.instance-id":                     {"", "node id; empty means <instance-host>:<pg-port>", setString(func(c *Config) *string { return &c.InstanceID })},
	"lattice.server.tls-cert":                        {"", "PEM certificate for TLS", setString(func(c *Config) *string { return &c.TLSCert })},
	"lattice.server.tls-key":                         {"", "PEM key for TLS", setString(func(c *Config) *string { return &c.TLSKey })},
	"lattice.server.max-clock-skew":                  {"5", "seconds of tolerated clock skew", setSeconds(func(c *Config) *time.Duration { return &c.MaxClockSkew })},
	"lattice.query.max-memory": {"", "per-query memory budget (bytes, or with k/m/g suffix); empty means a quarter of RAM", func(c *Config, v string) error {
		if v == "" {
			c.QueryMaxMemory = defaultQueryMemory()
			return nil
		}
		n, err := ParseSize(v)
		if err != nil || n <= 0 {
			return fmt.Errorf("must be a positive size such as 2g or 512m")
		}
		c.QueryMaxMemory = n
		return nil
	}},
	"lattice.cube.max-cuboids": {"4096", "largest accepted cuboid count", setPositiveInt(func(c *Config) *int { return &c.CubeMaxCuboids })},
	"lattice.cube.build-slice-rows": {"", "flat rows a build aggregates into its base cuboid at once, larger ranges going in slices; empty means what half of lattice.query.max-memory holds", func(c *Config, v string) error {
		if v == "" {
			c.CubeSliceRows = 0
			return nil
		}
		return setPositiveInt(func(c *Config) *int { return &c.CubeSliceRows })(c, v)
	}},
	"lattice.cube.compression": {"snappy", "cuboid files' compression: snappy, zstd (about half the size, slower builds), lz4 or none", func(c *Config, v string) error {
		codec, err := exec.ParseCodec(v)
		c.CubeCompression = string(codec)
		return err
	}},
	"lattice.query-history.max-rows":     {"1000000", "lattice.query_history entries kept (about; the newest)", setPositiveInt(func(c *Config) *int { return &c.HistoryMaxRows })},
	"lattice.query-history.max-age-days": {"30", "days lattice.query_history keeps an entry", setPositiveInt(func(c *Config) *int { return &c.HistoryMaxAgeDays })},

	"lattice.server.max-connections": {"100", "client connections accepted at once", setPositiveInt(func(c *Config) *int { return &c.MaxConnections })},
	"lattice.server.max-message-size": {"64m", "largest protocol message accepted", func(c *Config, v string) error {
		n, err := ParseSize(v)
		if err != nil || n < 1024 || n > 1<<30 {
			return fmt.Errorf("must be a size between 1k and 1g")
		}
		c.MaxMessageSize = int(n)
		return nil
	}},
	"lattice.server.gc-heap-floor": {"256m", "least heap the Go collector lets grow before collecting (0 turns it off; GOGC in the environment overrides it)", func(c *Config, v string) error {
		n, err := ParseSize(v)
		if err != nil || n < 0 {
			return fmt.Errorf("must be a size such as 256m, or 0")
		}
		c.GCHeapFloor = n
		return nil
	}},
	"lattice.server.startup-timeout":  {"60", "seconds a client has to finish startup and authentication", setSeconds(func(c *Config) *time.Duration { return &c.StartupTimeout })},
	"lattice.server.shutdown-timeout": {"30", "seconds SIGTERM waits for sessions to finish", setSeconds(func(c *Config) *time.Duration { return &c.ShutdownTimeout })},
}

func setString(f func(*Config) *string) func(*Config, string) error {
	return func(c *Config, v string) error { *f(c) = v; return nil }
}

func setNonEmpty(f func(*Config) *string) func(*Config, string) error {
	return func(c *Config, v string) error {
		if v == "" {
			return fmt.Errorf("must not be empty")
		}
		*f(c) = v
		return nil
	}
}

func setAddr(f func(*Config) *string) func(*Config, string) error {
	return func(c *Config, v string) error {
		if _, port, err := net.SplitHostPort(v); err != nil {
			return fmt.Errorf("must be host:port")
		} else if _, err := strconv.ParseUint(port, 10, 16); err != nil {
			return fmt.Errorf("port must be a number from 0 to 65535")
		}
		*f(c) = v
		return nil
	}
}

func setSeconds(f func(*Config) *time.Duration) func(*Config, string) error {
	return func(c *Config, v string) error {
		s, err := strconv.ParseFloat(v, 64)
		if err != nil || s <= 0 {
			return fmt.Errorf("must be a positive number of seconds")
		}
		*f(c) = time.Duration(s * float64(time.Second))
		return nil
	}
}

func setPositiveInt(f func(*Config) *int) func(*Config, string) error {
	return func(c *Config, v string) error {
		n, err := strconv.Atoi(v)
		if err != nil || n <= 0 {
			return fmt.Errorf("must be a positive integer")
		}
		*f(c) = n
		return nil
	}
}

// ParseSize parses a byte count with an optional k, m, g or t suffix (powers
// of 1024, optionally followed by b).
func ParseSize(s string) (int64, error) {
	v := strings.ToLower(strings.TrimSpace(s))
	v = strings.TrimSuffix(v, "b")
	mult := int64(1)
	if n := len(v); n > 0 {
		switch v[n-1] {
		case 'k':
			mult = 1 << 10
		case 'm':
			mult = 1 << 20
		case 'g':
			mult = 1 << 30
		case 't':
			mult = 1 << 40
		}
		if mult > 1 {
			v = v[:n-1]
		}
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("invalid size %q", s)
	}
	return n * mult, nil
}

func defaultQueryMemory() int64 { return PhysicalMemory() / 4 }

// PhysicalMemory returns the machine's RAM in bytes (MemTotal), or 4 GiB
// when it cannot tell.
func PhysicalMemory() int64 {
	f, err := os.Open("/proc/meminfo")
	if err == nil {
		defer f.Close()
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			var kb int64
			if _, err := fmt.Sscanf(sc.Text(), "MemTotal: %d kB", &kb); err == nil && kb > 0 {
				return kb * 1024
			}
		}
	}
	return 4 << 30
}

// Error is a configuration error naming the key at fault.
type Error struct {
	Key, Value, Reason string
}

func (e *Error) Error() string {
	if e.Value == "" {
		return fmt.Sprintf("configuration key %s: %s", e.Key, e.Reason)
	}
	return fmt.Sprintf("configuration key %s=%q: %s", e.Key, e.Value, e.Reason)
}

// Keys returns every accepted key, sorted.
func Keys() []string {
	out := make([]string, 0, len(keys))
	for k := range keys {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Default returns the configuration with every key at its default.
func Default() *Config {
	c, err := Build(nil)
	if err != nil {
		panic(err) // the defaults are constants; a failure is a bug in this file
	}
	return c
}

// Load reads the properties file at path (none when path is empty), then
// applies each "key=value" override in sets, and builds the Config.
func Load(path string, sets []string) (*Config, error) {
	props := map[string]string{}
	if path != "" {
		f, err := os.Open(path)
		if err != nil {
			return nil, fmt.Errorf("reading configuration: %w", err)
		}
		props, err = ParseProperties(f)
		f.Close()
		if err != nil {
			return nil, fmt.Errorf("reading configuration %s: %w", path, err)
		}
	}
	for _, s := range sets {
		k, v, ok := strings.Cut(s, "=")
		if !ok {
			return nil, fmt.Errorf("--set %q: want key=value", s)
		}
		props[strings.TrimSpace(k)] = strings.TrimSpace(v)
	}
	return Build(props)
}

// Build applies props over the defaults, then derives the keys whose default
// depends on others, and checks the combination.
func Build(props map[string]string) (*Config, error) {
	c := &Config{}
	for name, k := range keys {
		if err := k.set(c, k.def); err != nil {
			return nil, &Error{Key: name, Value: k.def, Reason: err.Error()}
		}
	}
	names := make([]string, 0, len(props))
	for name := range props {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		k, ok := keys[name]
		if !ok {
			return nil, &Error{Key: name, Reason: "unknown key (see docs/configuration.md for the accepted keys)"}
		}
		if err := k.set(c, props[name]); err != nil {
			return nil, &Error{Key: name, Value: props[name], Reason: err.Error()}
		}
	}
	if c.InstanceHost == "" {
		h, err := os.Hostname()
		if err != nil || h == "" {
			h = "localhost"
		}
		c.InstanceHost = h
	}
	if c.InstanceID == "" {
		_, port, _ := net.SplitHostPort(c.PGListen)
		c.InstanceID = net.JoinHostPort(c.InstanceHost, port)
	}
	if c.MetadataURL == "" {
		c.MetadataURL = "sqlite://" + strings.TrimSuffix(c.DataDir, "/") + "/meta.db"
	}
	if c.HeartbeatTimeout <= c.HeartbeatInterval {
		return nil, &Error{Key: "lattice.server.leader-race.heart-beat-timeout", Value: props["lattice.server.leader-race.heart-beat-timeout"],
			Reason: "must be greater than lattice.server.leader-race.heart-beat-interval"}
	}
	if (c.TLSCert == "") != (c.TLSKey == "") {
		return nil, &Error{Key: "lattice.server.tls-cert", Reason: "lattice.server.tls-cert and lattice.server.tls-key must be set together"}
	}
	if c.AdminPassword == "" && !isLoopback(c.PGListen) {
		return nil, &Error{Key: "lattice.security.admin-password", Reason: fmt.Sprintf(
			"must be set to listen on the non-loopback address %s (the default admin password 'admin' is only allowed on loopback)", c.PGListen)}
	}
	return c, nil
}

func isLoopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// EffectiveAdminPassword is the initial admin password.
func (c *Config) EffectiveAdminPassword() string {
	if c.AdminPassword == "" {
		return "admin"
	}
	return c.AdminPassword
}
