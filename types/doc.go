// Package types is the leaf package for SQL types and values: T names a
// PostgreSQL type by OID and typmod, a Datum is one value of it, and the
// text and binary codecs convert Datums to and from the wire formats that
// PostgreSQL's input/output and send/receive functions define.
//
// Datums are plain Go values, chosen per type family:
//
//	NULL                          nil
//	bool                          bool
//	int2, int4, int8, oid         int64
//	float4, float8                float64
//	numeric                       *apd.Decimal
//	text, varchar, bpchar, name   string
//	bytea                         []byte
//	date                          DDate (days since 1970-01-01; the
//	                              int32 extremes are ±infinity)
//	timestamp, timestamptz        time.Time (UTC; TimestampInfinity and
//	                              TimestampNegInfinity, stored in columns
//	                              as the int64 extremes: TimestampMicros)
//	interval                      DInterval
//	time                          DTime (microseconds since midnight)
//	"char", json                  string
//	xid, regclass and other reg*  int64 (the OID; output prints the name)
//	arrays, int2vector, oidvector string: the canonical text form ({1,2,NULL});
//	                              ParseArray and FormatArray convert
//
// The wire, the planner and the executor all speak in these values; the
// executor's Arrow batches convert to them at the edge of a result.
// types imports only pgerr from Lattice.
package types
