package types

import (
	"encoding/hex"
	"math"
	"testing"

	"github.com/lattice-olap/lattice/pgerr"
)

func TestAppendBinaryNaN(t *testing.T) {
	// PostgreSQL sends NaN in its canonical form.
	if got := hex.EncodeToString(AppendBinary(nil, Float8, math.NaN())); got != "7ff8000000000000" {
		t.Errorf("float8 NaN = %s", got)
	}
	if got := hex.EncodeToString(AppendBinary(nil, Float4, math.NaN())); got != "7fc00000" {
		t.Errorf("float4 NaN = %s", got)
	}
}

func TestParseBinaryLength(t *testing.T) {
	// Too short fails like pq_getmsgint (08P01); too long is a bad value.
	if _, err := ParseBinary(Int4, []byte{0, 0x29}); pgerr.From(err).Code != pgerr.ProtocolViolation ||
		pgerr.From(err).Message != "insufficient data left in message" {
		t.Errorf("short int4: %v", err)
	}
	if _, err := ParseBinary(Int4, []byte{0, 0, 0, 0, 0x29}); pgerr.From(err).Code != pgerr.InvalidBinaryRepresentation {
		t.Errorf("long int4: %v", err)
	}
	if v, err := ParseBinary(Int4, []byte{0, 0, 0, 0x29}); err != nil || v != int64(41) {
		t.Errorf("int4: %v, %v", v, err)
	}
}
