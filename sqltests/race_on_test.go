//go:build race

package sqltests

// raceEnabled: under -race the node is built with the race detector too and
// runs queries several times slower, so TestRandomQueries runs fewer.
const raceEnabled = true
