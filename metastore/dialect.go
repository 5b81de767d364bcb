package metastore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/go-sql-driver/mysql"
	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"
)

// dialect holds what differs between the metastore backends.
type dialect interface {
	name() string
	// nowMillis is an SQL expression for the database clock in Unix ms.
	nowMillis() string
	// rebind rewrites '?' placeholders into the backend's form.
	rebind(query string) string
	// ddl expands the type placeholders of a migration.
	ddl(stmt string) string
	// lockMigrations takes the cluster-wide migration lock on conn.
	lockMigrations(ctx context.Context, conn *sql.Conn) (unlock func(), err error)
	// isUniqueViolation reports a primary-key or unique-constraint error.
	isUniqueViolation(err error) bool
	// forUpdate is the row-locking suffix of a SELECT.
	forUpdate() string
	// txOptions are the options of a metadata transaction.
	txOptions() *sql.TxOptions
}

// Placeholders used in migrations.
var ddlDefaults = strings.NewReplacer(
	"{{id}}", "INTEGER PRIMARY KEY AUTOINCREMENT",
	"{{text}}", "TEXT",
	"{{name}}", "VARCHAR(128)",
)

type sqliteDialect struct{}

func (sqliteDialect) name() string { return "sqlite" }
func (sqliteDialect) nowMillis() string {
	return "CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)"
}
func (sqliteDialect) rebind(q string) string { return q }
func (sqliteDialect) ddl(s string) string    { return ddlDefaults.Replace(s) }
func (sqliteDialect) lockMigrations(context.Context, *sql.Conn) (func(), error) {
	// Transactions are BEGIN IMMEDIATE: the migration transaction itself
	// holds the database's write lock.
	return func() {}, nil
}

// sqliteBusy reports SQLite's SQLITE_BUSY ("database is locked").
func sqliteBusy(err error) bool {
	var se *sqlite.Error
	return errors.As(err, &se) && se.Code()&0xff == 5
}

func (sqliteDialect) isUniqueViolation(err error) bool {
	var se *sqlite.Error
	return errors.As(err, &se) && se.Code()&0xff == 19 // SQLITE_CONSTRAINT
}
func (sqliteDialect) forUpdate() string         { return "" }
func (sqliteDialect) txOptions() *sql.TxOptions { return nil }

type postgresDialect struct{}

func (postgresDialect) name() string { return "postgres" }
func (postgresDialect) nowMillis() string {
	return "CAST(EXTRACT(EPOCH FROM clock_timestamp()) * 1000 AS BIGINT)"
}

// rebind turns ? into $1, $2, ...; the metastore's SQL has no ? in strings.
func (postgresDialect) rebind(q string) string {
	if !strings.Contains(q, "?") {
		return q
	}
	var b strings.Builder
	n := 0
	for i := 0; i < len(q); i++ {
		if q[i] == '?' {
			n++
			b.WriteString("$" + strconv.Itoa(n))
			continue
		}
		b.WriteByte(q[i])
	}
	return b.String()
}
func (postgresDialect) ddl(s string) string {
	return strings.NewReplacer("{{id}}", "BIGSERIAL PRIMARY KEY", "{{text}}", "TEXT", "{{name}}", "VARCHAR(128)").Replace(s)
}
func (postgresDialect) lockMigrations(ctx context.Context, conn *sql.Conn) (func(), error) {
	if _, err := conn.ExecContext(ctx, "SELECT pg_advisory_lock(7432001)"); err != nil {
		return nil, err
	}
	return func() { _, _ = conn.ExecContext(context.Background(), "SELECT pg_advisory_unlock(7432001)") }, nil
}
func (postgresDialect) isUniqueViolation(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == "23505"
}
func (postgresDialect) forUpdate() string         { return " FOR UPDATE" }
func (postgresDialect) txOptions() *sql.TxOptions { return nil }

type mysqlDialect struct{}

func (mysqlDialect) name() string { return "mysql" }
func (mysqlDialect) nowMillis() string {
	return "CAST(UNIX_TIMESTAMP(NOW(3)) * 1000 AS SIGNED)"
}
func (mysqlDialect) rebind(q string) string { return q }
func (mysqlDialect) ddl(s string) string {
	return strings.NewReplacer("{{id}}", "BIGINT AUTO_INCREMENT PRIMARY KEY", "{{text}}", "LONGTEXT", "{{name}}", "VARCHAR(128)").Replace(s)
}
func (mysqlDialect) lockMigrations(ctx context.Context, conn *sql.Conn) (func(), error) {
	var got sql.NullInt64
	if err := conn.QueryRowContext(ctx, "SELECT GET_LOCK('lattice_migrate', 120)").Scan(&got); err != nil {
		return nil, err
	}
	if !got.Valid || got.Int64 != 1 {
		return nil, fmt.Errorf("metastore: timed out waiting for another node's schema migration")
	}
	return func() { _, _ = conn.ExecContext(context.Background(), "SELECT RELEASE_LOCK('lattice_migrate')") }, nil
}
func (mysqlDialect) isUniqueViolation(err error) bool {
	var me *mysql.MySQLError
	return errors.As(err, &me) && me.Number == 1062
}
func (mysqlDialect) forUpdate() string { return " FOR UPDATE" }

// txOptions asks for READ COMMITTED, as on PostgreSQL: InnoDB's default
// REPEATABLE READ takes gap locks that make concurrent inserts deadlock.
func (mysqlDialect) txOptions() *sql.TxOptions {
	return &sql.TxOptions{Isolation: sql.LevelReadCommitted}
}
