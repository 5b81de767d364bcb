// Command lattice is the Lattice node binary.
//
//	lattice serve [--conf FILE] [--set key=value]...   start a node
//	lattice version                                    print the version
//
// It wires configuration (package config) to the metastore, planner and
// protocol server, and holds no logic of its own. SIGTERM and SIGINT drain
// sessions gracefully (see wire.Server.Shutdown).
package main
