package planner

// to_date(text, format) and to_timestamp(text, format): the input side of
// the to_char templates (formatting.c's DCH_from_char), for the fields
// people parse dates with. ISO week-date fields, Julian days, roman
// months and the like are 0A000.

import (
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/lattice-olap/lattice/pgerr"
	"github.com/lattice-olap/lattice/types"
)

// parsedTime collects the fields a template reads; unset fields default
// as in PostgreSQL (1 BC, January, day 1, midnight).
type parsedTime struct {
	year, mon, mday, yday   int
	hour, min, sec, usec    int
	hasYear, hasMon, hasDay bool
	hour12, pm, hasAMPM     bool
	bc                      bool
	tzSet                   bool
	tzOff                   int // seconds east of UTC
}

func toDateFn(e *evalCtx, v []types.Datum) (types.Datum, error) {
	_, wall, err := readTemplate(v, 5874897, "date")
	if err != nil {
		return nil, err
	}
	return types.DateFromTime(wall), nil
}

func toTimestampFn(e *evalCtx, v []types.Datum) (types.Datum, error) {
	p, wall, err := readTemplate(v, 294276, "timestamp")
	if err != nil {
		return nil, err
	}
	if p.tzSet {
		return wall.Add(-time.Duration(p.tzOff) * time.Second).UTC(), nil
	}
	return types.LocalToUTC(wall, e.sess.Settings.Location()), nil
}

// readTemplate reads v[0] by template v[1] into a wall clock, 22008 past
// the type's last year.
func readTemplate(v []types.Datum, lastYear int, typ string) (*parsedTime, time.Time, error) {
	input := v[0].(string)
	p, err := parseWithTemplate(input, v[1].(string))
	if err != nil {
		return nil, time.Time{}, err
	}
	wall, err := p.wallClock(input)
	if err != nil {
		return nil, time.Time{}, err
	}
	if wall.Year() > lastYear || wall.Year() < -4713 {
		return nil, time.Time{}, pgerr.New(pgerr.DatetimeValueOutOfRange, "%s out of range: %q", typ, input)
	}
	return p, wall, nil
}

func fieldRange(s string) error {
	return pgerr.New(pgerr.DatetimeFieldOverflow, "date/time field value out of range: %q", s)
}

// wallClock checks the fields and builds the wall clock (held in UTC).
func (p *parsedTime) wallClock(input string) (time.Time, error) {
	if p.hour12 {
		if p.hour < 1 || p.hour > 12 {
			return time.Time{}, pgerr.New(pgerr.InvalidDatetimeFormat, "hour \"%d\" is invalid for the 12-hour clock", p.hour).
				WithHint("Use the 24-hour clock, or give an hour between 1 and 12.")
		}
	}
	if p.hasAMPM {
		if p.pm && p.hour < 12 {
			p.hour += 12
		} else if !p.pm && p.hour == 12 {
			p.hour = 0
		}
	}
	y := p.year
	if !p.hasYear {
		y = 0 // PostgreSQL's default: year 0, 1 BC
	}
	if p.bc {
		y = 1 - y
	}
	mon, day := p.mon, p.mday
	if !p.hasMon {
		mon = 1
	}
	if !p.hasDay {
		day = 1
	}
	if p.yday > 0 && !p.hasMon && !p.hasDay {
		t := time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, p.yday-1)
		mon, day = int(t.Month()), t.Day()
	}
	if mon < 1 || mon > 12 || day < 1 || day > time.Date(y, time.Month(mon)+1, 0, 0, 0, 0, 0, time.UTC).Day() ||
		p.hour > 24 || p.min > 59 || p.sec > 60 {
		return time.Time{}, fieldRange(input)
	}
	return time.Date(y, time.Month(mon), day, p.hour, p.min, p.sec, p.usec*1000, time.UTC), nil
}

// parseWithTemplate reads s by template format. Outside FX mode, as in
// PostgreSQL: spaces before a field are skipped, a separator in the
// template matches one separator in the input (or none), and a number
// followed by a separator in the template takes as many digits as there
// are.
func parseWithTemplate(s, format string) (*parsedTime, error) {
	nodes, err := dchFormats.get(format, func(f string) ([]dchNode, error) { return parseDCH(f), nil })
	if err != nil {
		return nil, err
	}
	p := &parsedTime{}
	in := s
	for i, n := range nodes {
		if n.key == nil {
			r, _ := utf8.DecodeRuneInString(n.lit)
			switch {
			case unicode.IsSpace(r):
				in = strings.TrimLeftFunc(in, unicode.IsSpace)
			case !unicode.IsLetter(r) && !unicode.IsDigit(r):
				if c, size := utf8.DecodeRuneInString(in); in != "" && !unicode.IsLetter(c) && !unicode.IsDigit(c) {
					in = in[size:]
				}
			default:
				_, size := utf8.DecodeRuneInString(in)
				in = in[size:]
			}
			continue
		}
		if n.key.digit {
			in = strings.TrimLeft(in, " ")
		}
		if in == "" {
			break // the fields not given keep their defaults
		}
		variable := i+1 == len(nodes) || nodes[i+1].key == nil
		if err := p.field(n, &in, variable); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// field reads one template field from the front of *in.
func (p *parsedTime) field(n dchNode, in *string, variable bool) error {
	num := func(width int) (int, error) {
		s := *in
		end := 0
		if end < len(s) && (s[end] == '-' || s[end] == '+') {
			end++
		}
		for end < len(s) && s[end] >= '0' && s[end] <= '9' && (variable || end < width) {
			end++
		}
		digits := strings.TrimLeft(s[:end], "+")
		v, err := strconv.Atoi(digits)
		if err != nil || digits == "" || digits == "-" {
			bad := s
			if len(bad) > width {
				bad = bad[:width]
			}
			return 0, pgerr.New(pgerr.InvalidDatetimeFormat, "invalid value %q for %q", bad, n.key.name).
				WithDetail("Value must be an integer.")
		}
		*in = s[end:]
		return v, nil
	}
	word := func(names []string, abbrev bool) (int, error) {
		for i, name := range names {
			if abbrev {
				name = name[:3]
			}
			if len(*in) >= len(name) && strings.EqualFold((*in)[:len(name)], name) {
				*in = (*in)[len(name):]
				return i, nil
			}
		}
		bad := *in
		if len(bad) > 9 {
			bad = bad[:9]
		}
		return 0, pgerr.New(pgerr.InvalidDatetimeFormat, "invalid value %q for %q", bad, n.key.name).
			WithDetail("The given value did not match any of the allowed values for this field.")
	}
	var err error
	switch n.key.id {
	case dchYYYY, dchYComma:
		if n.key.id == dchYComma {
			*in = strings.Replace(*in, ",", "", 1)
		}
		p.year, err = num(4)
		p.hasYear = true
	case dchYYY:
		p.year, err = num(3)
		if err == nil && p.year < 100 {
			p.year += 2000
		} else if err == nil && p.year < 1000 {
			p.year += 1000
		}
		p.hasYear = true
	case dchYY:
		p.year, err = num(2)
		if err == nil && p.year < 100 {
			if p.year < 70 {
				p.year += 2000
			} else {
				p.year += 1900
			}
		}
		p.hasYear = true
	case dchY:
		p.year, err = num(1)
		if err == nil && p.year < 10 {
			p.year += 2000
		}
		p.hasYear = true
	case dchMM:
		p.mon, err = num(2)
		p.hasMon = true
	case dchMON, dchMONTH:
		var m int
		if n.key.id == dchMONTH {
			m, err = word(monthNames, false)
		} else {
			m, err = word(monthNames, true)
		}
		p.mon, p.hasMon = m+1, true
	case dchDAY, dchDY:
		_, err = word(dayNames, n.key.id == dchDY)
	case dchDD:
		p.mday, err = num(2)
		p.hasDay = true
	case dchDDD:
		p.yday, err = num(3)
	case dchHH24:
		p.hour, err = num(2)
	case dchHH12:
		p.hour, err = num(2)
		p.hour12 = true
	case dchMI:
		p.min, err = num(2)
	case dchSS:
		p.sec, err = num(2)
	case dchMS:
		var ms int
		ms, err = num(3)
		p.usec = ms * 1000
	case dchUS:
		p.usec, err = num(6)
	case dchFF1, dchFF2, dchFF3, dchFF4, dchFF5, dchFF6:
		digits := int(n.key.id-dchFF1) + 1
		before := len(*in)
		var f int
		f, err = num(digits)
		for w := before - len(*in); err == nil && w < 6; w++ {
			f *= 10
		}
		p.usec = f
	case dchAM:
		up := strings.ToUpper(*in)
		switch {
		case strings.HasPrefix(up, "AM"), strings.HasPrefix(up, "PM"):
			p.pm, *in = up[0] == 'P', (*in)[2:]
		case strings.HasPrefix(up, "A.M."), strings.HasPrefix(up, "P.M."):
			p.pm, *in = up[0] == 'P', (*in)[4:]
		default:
			return pgerr.New(pgerr.InvalidDatetimeFormat, "invalid value %q for %q", *in, n.key.name).
				WithDetail("The given value did not match any of the allowed values for this field.")
		}
		p.hasAMPM, p.hour12 = true, true
	case dchAD:
		up := strings.ToUpper(*in)
		switch {
		case strings.HasPrefix(up, "AD"), strings.HasPrefix(up, "BC"):
			p.bc, *in = up[0] == 'B', (*in)[2:]
		case strings.HasPrefix(up, "A.D."), strings.HasPrefix(up, "B.C."):
			p.bc, *in = up[0] == 'B', (*in)[4:]
		}
	case dchTZH:
		var h int
		h, err = num(2)
		p.tzOff, p.tzSet = h*3600, true
		if strings.HasPrefix(strings.TrimSpace(*in), "-") || h < 0 {
			p.tzOff = h * 3600
		}
	case dchTZM:
		var m int
		m, err = num(2)
		if p.tzOff < 0 {
			p.tzOff -= m * 60
		} else {
			p.tzOff += m * 60
		}
		p.tzSet = true
	case dchQ, dchD, dchW, dchWW, dchCC:
		_, err = num(2) // read and ignored, as PostgreSQL does without a year
	default:
		return pgerr.New(pgerr.FeatureNotSupported, "template pattern %q is not supported in to_date/to_timestamp", n.key.name)
	}
	return err
}
