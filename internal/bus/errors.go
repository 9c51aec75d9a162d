package bus

import "github.com/hotline-cc/hotline/internal/apperr"

// Sentinel errors; test with errors.Is. Bad subjects, patterns and events
// are classified as invalid input so the HTTP layer answers 400 when a
// client supplied them (a wallboard's subscription pattern, say).
var (
	ErrInvalidSubject = sentinel(apperr.KindInvalid, "invalid_subject", "bus: invalid subject")
	ErrInvalidPattern = sentinel(apperr.KindInvalid, "invalid_pattern", "bus: invalid subscription pattern")
	ErrInvalidEvent   = sentinel(apperr.KindInvalid, "invalid_event", "bus: invalid event")
	// ErrClosed: Publish or Subscribe after Close.
	ErrClosed = sentinel(apperr.KindInternal, "bus_closed", "bus: closed")
)

func sentinel(k apperr.Kind, code, msg string) error {
	return &apperr.Error{Kind: k, Code: code, Message: msg}
}
