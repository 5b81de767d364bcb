//go:build !race

package sqltests

const raceEnabled = false
