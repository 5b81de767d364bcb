package planner

import (
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/lattice-olap/lattice/pgerr"
	"github.com/lattice-olap/lattice/types"
)

// ServerVersion is the PostgreSQL version Lattice presents itself as. It is
// reported in the server_version ParameterStatus and by version(), and the
// two must agree because drivers parse both.
const (
	ServerVersion    = "15.7"
	ServerVersionNum = "150007"
)

// settingDef describes one run-time setting, as pg_settings would.
type settingDef struct {
	name     string // canonical spelling, as SHOW ALL and ParameterStatus print it
	def      string
	report   bool // sent as ParameterStatus at startup and on change (GUC_REPORT)
	readOnly bool
	// check validates a value and returns its canonical form.
	check func(v string) (string, error)
}

var settingDefs = map[string]*settingDef{}

func define(d settingDef) {
	settingDefs[strings.ToLower(d.name)] = &d
}

func badValue(name, v string) *pgerr.Error {
	return pgerr.New(pgerr.InvalidParameterValue, "invalid value for parameter %q: %q", name, v)
}

func oneOf(name string, values ...string) func(string) (string, error) {
	return func(v string) (string, error) {
		for _, ok := range values {
			if strings.EqualFold(v, ok) {
				return ok, nil
			}
		}
		return "", badValue(name, v).WithHint("Available values: %s.", strings.Join(values, ", "))
	}
}

func boolSetting(name string) func(string) (string, error) {
	return func(v string) (string, error) {
		switch strings.ToLower(v) {
		case "on", "true", "yes", "1", "t", "y":
			return "on", nil
		case "off", "false", "no", "0", "f", "n":
			return "off", nil
		}
		return "", pgerr.New(pgerr.InvalidParameterValue, "parameter %q requires a Boolean value", name)
	}
}

func intSetting(name string, lo, hi int64) func(string) (string, error) {
	return func(v string) (string, error) {
		n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
		if err != nil {
			return "", pgerr.New(pgerr.InvalidParameterValue, "invalid value for parameter %q: %q", name, v)
		}
		if n < lo || n > hi {
			return "", pgerr.New(pgerr.InvalidParameterValue, "%d is outside the valid range for parameter %q (%d .. %d)", n, name, lo, hi)
		}
		return strconv.FormatInt(n, 10), nil
	}
}

// msSetting accepts a duration in milliseconds, bare or with a unit, and
// shows it as PostgreSQL does (0, 500ms, 5s, 1min).
func msSetting(name string) func(string) (string, error) {
	return func(v string) (string, error) {
		ms, err := parseMillis(v)
		if err != nil || ms < 0 || ms > 2147483647 {
			e := pgerr.New(pgerr.InvalidParameterValue, "invalid value for parameter %q: %q", name, v)
			if err == errBadUnit {
				// Only a number with a wrong unit gets the hint.
				e = e.WithHint("Valid units for this parameter are \"us\", \"ms\", \"s\", \"min\", \"h\", and \"d\".")
			}
			return "", e
		}
		return formatMillis(ms), nil
	}
}

func parseMillis(v string) (int64, error) {
	v = strings.TrimSpace(v)
	i := 0
	for i < len(v) && (v[i] >= '0' && v[i] <= '9' || v[i] == '.' || (i == 0 && v[i] == '-')) {
		i++
	}
	n, err := strconv.ParseFloat(v[:i], 64)
	if err != nil {
		return 0, err
	}
	mult := 1.0
	switch strings.TrimSpace(v[i:]) {
	case "", "ms":
	case "us":
		mult = 0.001
	case "s":
		mult = 1000
	case "min":
		mult = 60000
	case "h":
		mult = 3600000
	case "d":
		mult = 86400000
	default:
		return 0, errBadUnit
	}
	return int64(n * mult), nil
}

var errBadUnit = errors.New("bad unit")

func formatMillis(ms int64) string {
	switch {
	case ms == 0:
		return "0"
	case ms%86400000 == 0:
		return fmt.Sprintf("%dd", ms/86400000)
	case ms%3600000 == 0:
		return fmt.Sprintf("%dh", ms/3600000)
	case ms%60000 == 0:
		return fmt.Sprintf("%dmin", ms/60000)
	case ms%1000 == 0:
		return fmt.Sprintf("%ds", ms/1000)
	}
	return fmt.Sprintf("%dms", ms)
}

func anyValue(v string) (string, error) { return v, nil }

func init() {
	define(settingDef{name: "application_name", def: "", report: true, check: anyValue})
	define(settingDef{name: "client_encoding", def: "UTF8", report: true, check: func(v string) (string, error) {
		switch strings.ToUpper(strings.ReplaceAll(v, "-", "")) {
		case "UTF8", "UNICODE":
			return "UTF8", nil
		}
		return "", badValue("client_encoding", v).WithDetail("Lattice supports only the UTF8 client encoding.")
	}})
	define(settingDef{name: "DateStyle", def: "ISO, MDY", report: true, check: checkDateStyle})
	define(settingDef{name: "default_transaction_read_only", def: "off", report: true, check: boolSetting("default_transaction_read_only")})
	define(settingDef{name: "in_hot_standby", def: "off", report: true, readOnly: true})
	define(settingDef{name: "integer_datetimes", def: "on", report: true, readOnly: true})
	define(settingDef{name: "IntervalStyle", def: "postgres", report: true, check: oneOf("IntervalStyle", "postgres")})
	define(settingDef{name: "is_superuser", def: "off", report: true, readOnly: true})
	define(settingDef{name: "server_encoding", def: "UTF8", report: true, readOnly: true})
	define(settingDef{name: "server_version", def: ServerVersion, report: true, readOnly: true})
	define(settingDef{name: "server_version_num", def: ServerVersionNum, readOnly: true})
	define(settingDef{name: "session_authorization", def: "", report: true, readOnly: true})
	define(settingDef{name: "standard_conforming_strings", def: "on", report: true, check: func(v string) (string, error) {
		b, err := boolSetting("standard_conforming_strings")(v)
		if err == nil && b != "on" {
			return "", pgerr.New(pgerr.FeatureNotSupported, "Lattice supports only standard_conforming_strings = on")
		}
		return b, err
	}})
	define(settingDef{name: "TimeZone", def: "UTC", report: true, check: checkTimeZone})
	define(settingDef{name: "extra_float_digits", def: "1", check: intSetting("extra_float_digits", -15, 3)})
	define(settingDef{name: "search_path", def: `"$user", public`, check: anyValue})
	define(settingDef{name: "statement_timeout", def: "0", check: msSetting("statement_timeout")})
	define(settingDef{name: "lock_timeout", def: "0", check: msSetting("lock_timeout")})
	define(settingDef{name: "idle_in_transaction_session_timeout", def: "0", check: msSetting("idle_in_transaction_session_timeout")})
	define(settingDef{name: "idle_session_timeout", def: "0", check: msSetting("idle_session_timeout")})
	define(settingDef{name: "bytea_output", def: "hex", check: oneOf("bytea_output", "hex")})
	define(settingDef{name: "transaction_isolation", def: "read committed", check: checkIsolation})
	define(settingDef{name: "default_transaction_isolation", def: "read committed", check: checkIsolation})
	define(settingDef{name: "transaction_read_only", def: "off", check: boolSetting("transaction_read_only")})
	define(settingDef{name: "max_identifier_length", def: "63", readOnly: true})
	define(settingDef{name: "block_size", def: "8192", readOnly: true})
	define(settingDef{name: "lc_collate", def: "C", readOnly: true})
	define(settingDef{name: "lc_ctype", def: "C", readOnly: true})
	define(settingDef{name: "lc_messages", def: "C", check: anyValue})
	define(settingDef{name: "lc_monetary", def: "C", check: anyValue})
	define(settingDef{name: "lc_numeric", def: "C", check: anyValue})
	define(settingDef{name: "lc_time", def: "C", check: anyValue})
	define(settingDef{name: "client_min_messages", def: "notice", check: oneOf("client_min_messages", "debug5", "debug4", "debug3", "debug2", "debug1", "log", "notice", "warning", "error")})
	define(settingDef{name: "escape_string_warning", def: "on", check: boolSetting("escape_string_warning")})
	define(settingDef{name: "synchronous_commit", def: "on", check: oneOf("synchronous_commit", "local", "remote_write", "remote_apply", "on", "off")})
	define(settingDef{name: "row_security", def: "on", check: boolSetting("row_security")})
	define(settingDef{name: "jit", def: "off", check: boolSetting("jit")})
	define(settingDef{name: "work_mem", def: "4MB", check: anyValue})
	define(settingDef{name: "max_parallel_workers_per_gather", def: "2", check: intSetting("max_parallel_workers_per_gather", 0, 1024)})
	define(settingDef{name: "lattice.route", def: "auto", check: oneOf("lattice.route", "auto", "cube", "raw")})
}

func checkDateStyle(v string) (string, error) {
	order := "MDY"
	iso := false
	for _, part := range strings.Split(v, ",") {
		switch strings.ToUpper(strings.TrimSpace(part)) {
		case "ISO":
			iso = true
		case "MDY", "US", "NONEURO", "NONEUROPEAN":
			order = "MDY"
		case "DMY", "EURO", "EUROPEAN":
			order = "DMY"
		case "YMD":
			order = "YMD"
		case "":
		default:
			return "", badValue("DateStyle", v).WithDetail("Lattice writes dates only in the ISO style.")
		}
	}
	_ = iso // ISO is the only output style; a bare order keeps it.
	return "ISO, " + order, nil
}

func checkTimeZone(v string) (string, error) {
	name := strings.Trim(v, `'" `)
	if strings.EqualFold(name, "local") || strings.EqualFold(name, "default") {
		return "UTC", nil
	}
	if _, err := types.LoadLocation(name); err != nil {
		return "", badValue("TimeZone", v)
	}
	if strings.EqualFold(name, "utc") {
		return "UTC", nil
	}
	return name, nil
}

func checkIsolation(v string) (string, error) {
	switch strings.ToLower(v) {
	case "read uncommitted", "read committed", "repeatable read", "serializable":
		return strings.ToLower(v), nil
	}
	return "", badValue("transaction_isolation", v)
}

// Settings is one session's settings. Only its connection's goroutine uses it.
type Settings struct {
	// values holds the set values by lowercase name (absent means the
	// default). Writes replace the map rather than change it, so that a
	// snapshot (of an implicit transaction's start) costs nothing.
	values   map[string]string
	reported map[string]string // reported settings as last sent to the client
	dirty    bool              // a value changed since the last TakeChanges
	// timeout caches statement_timeout parsed, for its text timeoutText.
	timeout     time.Duration
	timeoutText string
}

func newSettings() *Settings {
	return &Settings{values: map[string]string{}, reported: map[string]string{}}
}

// clone returns a copy of the values that the caller may change.
func (s *Settings) clone() map[string]string {
	c := make(map[string]string, len(s.values)+1)
	for k, v := range s.values {
		c[k] = v
	}
	return c
}

// snapshot returns the values as they are now, for restore; the caller
// must not change the map (writes replace it: see values).
func (s *Settings) snapshot() map[string]string { return s.values }

// put stores a value in a fresh copy of the map.
func (s *Settings) put(key, value string) {
	c := s.clone()
	c[key] = value
	s.values = c
}

// lookup finds a setting definition; custom dotted names outside lattice.*
// are placeholders, as in PostgreSQL.
func lookupSetting(name string) (*settingDef, string, error) {
	key := strings.ToLower(name)
	if d, ok := settingDefs[key]; ok {
		return d, key, nil
	}
	if strings.Contains(key, ".") && !strings.HasPrefix(key, "lattice.") {
		return nil, key, nil
	}
	return nil, key, pgerr.New(pgerr.UndefinedObject, "unrecognized configuration parameter %q", name)
}

// Get returns the current value of a setting.
func (s *Settings) Get(name string) (string, error) {
	d, key, err := lookupSetting(name)
	if err != nil {
		return "", err
	}
	if v, ok := s.values[key]; ok {
		return v, nil
	}
	if d == nil {
		return "", pgerr.New(pgerr.UndefinedObject, "unrecognized configuration parameter %q", name)
	}
	return d.def, nil
}

// get returns a known setting's value; it panics on unknown names, which
// are bugs.
func (s *Settings) get(key string) string {
	if v, ok := s.values[key]; ok {
		return v
	}
	return settingDefs[key].def
}

// Set validates and stores a value. force skips the read-only check (for
// values the server itself sets at startup).
func (s *Settings) set(name, value string, force bool) error {
	d, key, err := lookupSetting(name)
	if err != nil {
		return err
	}
	if d == nil {
		s.put(key, value)
		return nil
	}
	if d.readOnly && !force {
		return pgerr.New(pgerr.CantChangeRuntimeParam, "parameter %q cannot be changed", d.name)
	}
	if d.check != nil && !force {
		if value, err = d.check(value); err != nil {
			return err
		}
	}
	s.put(key, value)
	s.dirty = true
	return nil
}

// reset returns a setting to its default.
func (s *Settings) reset(name string) error {
	d, key, err := lookupSetting(name)
	if err != nil {
		return err
	}
	if d != nil && d.readOnly {
		return pgerr.New(pgerr.CantChangeRuntimeParam, "parameter %q cannot be changed", d.name)
	}
	if _, ok := s.values[key]; ok {
		c := s.clone()
		delete(c, key)
		s.values = c
	}
	s.dirty = true
	return nil
}

// restore replaces all values (transaction rollback).
func (s *Settings) restore(saved map[string]string) {
	if saved == nil {
		saved = map[string]string{}
	}
	s.values = saved
	s.dirty = true
}

// ParamStatus is one ParameterStatus message.
type ParamStatus struct{ Name, Value string }

// sortParamStatus orders ParameterStatus messages as PostgreSQL sends them:
// by name, ignoring case (application_name before TimeZone).
func sortParamStatus(ps []ParamStatus) {
	sort.Slice(ps, func(i, j int) bool { return strings.ToLower(ps[i].Name) < strings.ToLower(ps[j].Name) })
}

// Reported returns every reported setting, for the startup ParameterStatus
// messages, in PostgreSQL's order.
func (s *Settings) Reported() []ParamStatus {
	var out []ParamStatus
	for key, d := range settingDefs {
		if d.report {
			v := s.get(key)
			s.reported[key] = v
			out = append(out, ParamStatus{d.name, v})
		}
	}
	sortParamStatus(out)
	s.dirty = false
	return out
}

// TakeChanges returns the reported settings whose value differs from what
// the client was last told, as PostgreSQL reports them before ReadyForQuery.
func (s *Settings) TakeChanges() []ParamStatus {
	if !s.dirty {
		return nil
	}
	s.dirty = false
	var out []ParamStatus
	for key, d := range settingDefs {
		if !d.report {
			continue
		}
		if v := s.get(key); v != s.reported[key] {
			s.reported[key] = v
			out = append(out, ParamStatus{d.name, v})
		}
	}
	sortParamStatus(out)
	return out
}

// all returns every defined setting and its value, sorted, for SHOW ALL.
func (s *Settings) all() [][2]string {
	var out [][2]string
	for key, d := range settingDefs {
		out = append(out, [2]string{d.name, s.get(key)})
	}
	sort.Slice(out, func(i, j int) bool { return strings.ToLower(out[i][0]) < strings.ToLower(out[j][0]) })
	return out
}

// StatementTimeout returns statement_timeout as a duration (0 means none).
func (s *Settings) StatementTimeout() time.Duration {
	if v := s.get("statement_timeout"); v != s.timeoutText {
		ms, _ := parseMillis(v)
		s.timeout, s.timeoutText = time.Duration(ms)*time.Millisecond, v
	}
	return s.timeout
}

// Location returns the TimeZone setting as a location.
func (s *Settings) Location() *time.Location {
	loc, err := types.LoadLocation(s.get("timezone"))
	if err != nil {
		return time.UTC
	}
	return loc
}

// FormatOptions returns the settings that shape text output.
func (s *Settings) FormatOptions() types.FormatOptions {
	efd, _ := strconv.Atoi(s.get("extra_float_digits"))
	return types.FormatOptions{Location: s.Location(), ExtraFloatDigits: efd, SearchPath: s.get("search_path")}
}
