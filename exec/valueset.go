package exec

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"sort"

	"github.com/RoaringBitmap/roaring/v2/roaring64"
	"github.com/cockroachdb/apd/v3"

	"github.com/lattice-olap/lattice/pgerr"
	"github.com/lattice-olap/lattice/types"
)

// Value sets are how a cuboid row keeps the distinct values behind an exact
// COUNT(DISTINCT): integers and dates as a Roaring bitmap, text as a sorted
// list of distinct strings. Sets merge exactly, so a roll-up counts each
// value once however many rows held it. The encoding (docs/formats.md):
//
//	'R' followed by a portable roaring64 bitmap of the values as uint64
//	'S' followed by, per string in ascending order, a uvarint length and the bytes

// valueSet accumulates distinct values; the zero value is empty.
type valueSet struct {
	bits *roaring64.Bitmap
	strs map[string]struct{}
}

func (s *valueSet) addValue(v types.Datum) error {
	switch x := v.(type) {
	case nil:
	case int64:
		s.addInt(uint64(x))
	case types.DDate:
		s.addInt(uint64(int64(x)))
	case string:
		if s.strs == nil {
			s.strs = map[string]struct{}{}
		}
		s.strs[x] = struct{}{}
	default:
		return pgerr.New(pgerr.DatatypeMismatch, "COUNT(DISTINCT) value sets hold integers, dates and text, not %T", v)
	}
	return nil
}

func (s *valueSet) addInt(v uint64) {
	if s.bits == nil {
		s.bits = roaring64.New()
	}
	s.bits.Add(v)
}

// merge adds an encoded set.
func (s *valueSet) merge(enc []byte) error {
	if len(enc) == 0 {
		return nil
	}
	switch enc[0] {
	case 'R':
		b := roaring64.New()
		if _, err := b.ReadFrom(bytes.NewReader(enc[1:])); err != nil {
			return fmt.Errorf("corrupt value set: %w", err)
		}
		if s.bits == nil {
			s.bits = b
		} else {
			s.bits.Or(b)
		}
	case 'S':
		if s.strs == nil {
			s.strs = map[string]struct{}{}
		}
		for p := enc[1:]; len(p) > 0; {
			n, k := binary.Uvarint(p)
			if k <= 0 || uint64(len(p)-k) < n {
				return fmt.Errorf("corrupt value set")
			}
			s.strs[string(p[k:k+int(n)])] = struct{}{}
			p = p[k+int(n):]
		}
	default:
		return fmt.Errorf("corrupt value set: tag %q", enc[0])
	}
	return nil
}

func (s *valueSet) count() int64 {
	n := int64(len(s.strs))
	if s.bits != nil {
		n += int64(s.bits.GetCardinality())
	}
	return n
}

func (s *valueSet) encode() ([]byte, error) {
	if s.strs != nil {
		keys := make([]string, 0, len(s.strs))
		for k := range s.strs {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		out := []byte{'S'}
		for _, k := range keys {
			out = binary.AppendUvarint(out, uint64(len(k)))
			out = append(out, k...)
		}
		return out, nil
	}
	b := s.bits
	if b == nil {
		b = roaring64.New()
	}
	b.RunOptimize()
	var buf bytes.Buffer
	buf.WriteByte('R')
	if _, err := b.WriteTo(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// valueSetAcc implements AggValueSet (build a set from values),
// AggValueSetUnion (merge sets) and AggValueSetCount (merge, then count).
type valueSetAcc struct {
	fn  AggFunc
	set valueSet
}

func (a *valueSetAcc) add(v, _ types.Datum) error {
	if v == nil {
		return nil
	}
	if a.fn == AggValueSet {
		return a.set.addValue(v)
	}
	return a.set.merge(v.([]byte))
}

func (a *valueSetAcc) result(func(a, b *apd.Decimal) (*apd.Decimal, error)) (types.Datum, error) {
	if a.fn == AggValueSetCount {
		return a.set.count(), nil
	}
	// A group whose values are all NULL keeps an empty set, not NULL.
	return a.set.encode()
}

// ValueSetCount decodes a set and counts its values.
func ValueSetCount(enc []byte) (int64, error) {
	var s valueSet
	if err := s.merge(enc); err != nil {
		return 0, err
	}
	return s.count(), nil
}
