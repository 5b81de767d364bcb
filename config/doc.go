// Package config reads a node's configuration: a Java-properties file (the
// format Kylin uses) overlaid with `--set key=value` flags, checked against
// the table of known keys in keys.go. The keys and defaults that DESIGN.md
// marks as contract are listed there verbatim; docs/configuration.md is the
// user-facing reference and must list the same keys.
//
// config imports nothing of Lattice; cmd/lattice hands the typed Config to
// the packages that need it.
package config
