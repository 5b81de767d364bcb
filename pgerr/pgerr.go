package pgerr

//go:generate go run ./internal/gencodes -out codes.go

import (
	"errors"
	"fmt"
)

// Code is a five-character SQLSTATE.
type Code string

// Class returns the two-character class of the code.
func (c Code) Class() string { return string(c[:2]) }

// Severity levels, as PostgreSQL spells them in the wire protocol.
const (
	SeverityError   = "ERROR"
	SeverityFatal   = "FATAL"
	SeverityNotice  = "NOTICE"
	SeverityWarning = "WARNING"
)

// Error is a user-facing error with a SQLSTATE. It maps one to one onto the
// fields of an ErrorResponse.
type Error struct {
	Code     Code
	Severity string // empty means ERROR
	Message  string
	Detail   string
	Hint     string
	Position int32  // 1-based character position in the statement text; 0 when unknown
	Where    string // context, as PostgreSQL's CONTEXT line ("COPY t, line 3, column a: ...")
	cause    error
}

func (e *Error) Error() string { return e.Message }

// Unwrap returns the error that caused this one, if any.
func (e *Error) Unwrap() error { return e.cause }

// New returns an error with the given code and formatted message.
func New(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Wrap returns an error with the given code whose message is the formatted
// text followed by cause's message; errors.Is/As still reach cause.
func Wrap(cause error, code Code, format string, args ...any) *Error {
	msg := fmt.Sprintf(format, args...)
	if cause != nil {
		msg += ": " + cause.Error()
	}
	return &Error{Code: code, Message: msg, cause: cause}
}

// WithHint sets the hint and returns e.
func (e *Error) WithHint(format string, args ...any) *Error {
	e.Hint = fmt.Sprintf(format, args...)
	return e
}

// WithDetail sets the detail and returns e.
func (e *Error) WithDetail(format string, args ...any) *Error {
	e.Detail = fmt.Sprintf(format, args...)
	return e
}

// WithPosition sets the 1-based statement position and returns e.
func (e *Error) WithPosition(pos int32) *Error {
	e.Position = pos
	return e
}

// Fatal marks the error as ending the session and returns e.
func (e *Error) Fatal() *Error {
	e.Severity = SeverityFatal
	return e
}

// From returns the *Error in err's chain. An error that carries no SQLSTATE
// becomes an internal error (XX000) with err's message, so that every error a
// client sees has a code.
func From(err error) *Error {
	var pe *Error
	if errors.As(err, &pe) {
		return pe
	}
	return &Error{Code: InternalError, Message: err.Error(), cause: err}
}

// CodeOf returns the SQLSTATE of err, or InternalError when it carries none.
func CodeOf(err error) Code {
	if err == nil {
		return SuccessfulCompletion
	}
	return From(err).Code
}
