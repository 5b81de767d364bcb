package metastore

// dialect holds the SQL that differs between metastore backends.
type dialect interface {
	// nowMillis is a query returning the database clock in Unix milliseconds.
	nowMillis() string
	// rebind rewrites '?' placeholders into the backend's form.
	rebind(query string) string
}

type sqliteDialect struct{}

func (sqliteDialect) nowMillis() string {
	return "SELECT CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)"
}

func (sqliteDialect) rebind(q string) string { return q }
