// Package apperr is the error vocabulary shared by domain packages and the
// HTTP layer: a kind (which decides the HTTP status), a stable machine code, a
// human message and, for bad input, the field at fault.
package apperr

import (
	"errors"
	"fmt"
)

// Kind classifies an error for the caller.
type Kind int

const (
	KindInternal Kind = iota
	KindInvalid
	KindNotFound
	KindConflict
	KindForbidden
	KindUnauthorized
	KindLocked
	KindTooMany
)

// Error is a classified error. Code is stable ("invalid", "duplicate",
// "not_found", ...); Message is for people; Field names the input at fault.
type Error struct {
	Kind    Kind
	Code    string
	Message string
	Field   string
	Err     error
}

func (e *Error) Error() string {
	msg := e.Message
	if e.Field != "" {
		msg = e.Field + ": " + msg
	}
	if e.Err != nil {
		return msg + ": " + e.Err.Error()
	}
	return msg
}

func (e *Error) Unwrap() error { return e.Err }

// Invalid reports bad input in field.
func Invalid(field, format string, args ...any) error {
	return &Error{Kind: KindInvalid, Code: "invalid", Field: field, Message: fmt.Sprintf(format, args...)}
}

// Duplicate reports that field's value is already taken.
func Duplicate(field, format string, args ...any) error {
	return &Error{Kind: KindConflict, Code: "duplicate", Field: field, Message: fmt.Sprintf(format, args...)}
}

// Conflict reports a state conflict that is not about one field's value.
func Conflict(code, format string, args ...any) error {
	return &Error{Kind: KindConflict, Code: code, Message: fmt.Sprintf(format, args...)}
}

// NotFound reports that what does not exist (or is outside the caller's scope:
// the two must look the same so that IDs cannot be probed).
func NotFound(what string) error {
	return &Error{Kind: KindNotFound, Code: "not_found", Message: what + " not found"}
}

// Forbidden reports a missing permission.
func Forbidden(format string, args ...any) error {
	return &Error{Kind: KindForbidden, Code: "forbidden", Message: fmt.Sprintf(format, args...)}
}

// Unauthorized reports missing or wrong credentials.
func Unauthorized(code, format string, args ...any) error {
	return &Error{Kind: KindUnauthorized, Code: code, Message: fmt.Sprintf(format, args...)}
}

// Locked reports an account or resource locked until some time.
func Locked(format string, args ...any) error {
	return &Error{Kind: KindLocked, Code: "locked", Message: fmt.Sprintf(format, args...)}
}

// TooMany reports rate limiting.
func TooMany(format string, args ...any) error {
	return &Error{Kind: KindTooMany, Code: "rate_limited", Message: fmt.Sprintf(format, args...)}
}

// As returns the *Error inside err, or nil.
func As(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return nil
}

// KindOf returns err's kind, KindInternal when it is not classified.
func KindOf(err error) Kind {
	if e := As(err); e != nil {
		return e.Kind
	}
	return KindInternal
}
