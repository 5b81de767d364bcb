package testenv

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"
	"github.com/jackc/pgx/v5"
)

func uniqueName(prefix string) string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return prefix + "_" + hex.EncodeToString(b)
}

// MySQLDSN returns the admin URL of the test MariaDB/MySQL server:
// LATTICE_TEST_MYSQL_DSN, or root without a password on 127.0.0.1:3306.
func MySQLDSN() string {
	if v := os.Getenv("LATTICE_TEST_MYSQL_DSN"); v != "" {
		return v
	}
	return "mysql://root@127.0.0.1:3306/"
}

// PostgresDatabase creates a fresh database on the reference PostgreSQL,
// drops it at the end of the test, and returns its URL.
func PostgresDatabase(t testing.TB) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	admin, err := pgx.Connect(ctx, PostgresDSN("postgres"))
	Require(t, "PostgreSQL (LATTICE_TEST_PG_DSN)", err)
	defer admin.Close(context.Background())
	name := uniqueName("lattice_t")
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatalf("create database: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		c, err := pgx.Connect(ctx, PostgresDSN("postgres"))
		if err != nil {
			t.Logf("dropping %s: %v", name, err)
			return
		}
		defer c.Close(context.Background())
		if _, err := c.Exec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			t.Logf("dropping %s: %v", name, err)
		}
	})
	return PostgresDSN(name)
}

// MySQLDatabase creates a fresh database on the test MariaDB/MySQL server,
// drops it at the end of the test, and returns its mysql:// URL.
func MySQLDatabase(t testing.TB) string {
	t.Helper()
	u, err := url.Parse(MySQLDSN())
	if err != nil {
		t.Fatalf("LATTICE_TEST_MYSQL_DSN: %v", err)
	}
	cfg := mysql.NewConfig()
	cfg.User = u.User.Username()
	cfg.Passwd, _ = u.User.Password()
	cfg.Net, cfg.Addr = "tcp", u.Host
	cfg.Timeout = 5 * time.Second
	db, err := sql.Open("mysql", cfg.FormatDSN())
	if err == nil {
		err = db.Ping()
	}
	Require(t, "MariaDB/MySQL (LATTICE_TEST_MYSQL_DSN)", err)
	name := uniqueName("lattice_t")
	if _, err := db.Exec("CREATE DATABASE " + name + " CHARACTER SET utf8mb4 COLLATE utf8mb4_bin"); err != nil {
		db.Close()
		t.Fatalf("create database: %v", err)
	}
	t.Cleanup(func() {
		if _, err := db.Exec("DROP DATABASE IF EXISTS " + name); err != nil {
			t.Logf("dropping %s: %v", name, err)
		}
		db.Close()
	})
	u.Path = "/" + name
	return u.String()
}

// SQLiteURL returns a sqlite:// URL for a file in a fresh temporary directory.
func SQLiteURL(t testing.TB) string {
	return "sqlite://" + filepath.Join(t.TempDir(), "meta.db")
}

// MetastoreURL returns a fresh metastore URL for backend "sqlite",
// "postgres" or "mysql".
func MetastoreURL(t testing.TB, backend string) string {
	t.Helper()
	switch strings.ToLower(backend) {
	case "sqlite":
		return SQLiteURL(t)
	case "postgres":
		return PostgresDatabase(t)
	case "mysql":
		return MySQLDatabase(t)
	}
	panic(fmt.Sprintf("unknown metastore backend %q", backend))
}

// MetastoreBackends are the backends every metastore test runs against.
var MetastoreBackends = []string{"sqlite", "postgres", "mysql"}
