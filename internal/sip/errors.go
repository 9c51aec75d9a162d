package sip

import (
	"errors"
	"fmt"
)

var (
	// ErrUnknownAccount is returned by Accounts when no account has the name.
	ErrUnknownAccount = errors.New("sip: unknown account")
	// ErrUnsupportedAlgorithm names a digest algorithm other than MD5/SHA-256.
	ErrUnsupportedAlgorithm = errors.New("sip: unsupported digest algorithm")
	// ErrLegEnded is returned by leg methods called after the leg ended.
	ErrLegEnded = errors.New("sip: leg has ended")
	// ErrAlreadyAnswered is returned when a final response was already sent.
	ErrAlreadyAnswered = errors.New("sip: leg already has a final response")
	// ErrNotAnswered is returned by in-dialog operations before answer.
	ErrNotAnswered = errors.New("sip: leg is not answered")
	// ErrCanceled is returned by OutboundLeg.Wait after Cancel.
	ErrCanceled = errors.New("sip: call canceled")
	// ErrNoACK is returned by Answer when the caller never acknowledged.
	ErrNoACK = errors.New("sip: no ACK for 200 OK")
	// ErrGlare is returned by Reinvite when the far end re-INVITEd at the
	// same time (491 Request Pending); retry after a short random pause.
	ErrGlare = errors.New("sip: re-INVITE glare")
	// ErrServerClosed is returned by operations on a server that stopped.
	ErrServerClosed = errors.New("sip: server closed")
	// ErrBadRequest wraps the reason a request is malformed.
	ErrBadRequest = errors.New("sip: bad request")
)

// DialError is a final non-2xx answer to an outbound INVITE.
type DialError struct {
	Code   int
	Reason string
}

func (e *DialError) Error() string {
	return fmt.Sprintf("sip: call rejected: %d %s", e.Code, e.Reason)
}

// ResponseError is a non-2xx final answer to an in-dialog request we sent.
type ResponseError struct {
	Method string
	Code   int
	Reason string
}

func (e *ResponseError) Error() string {
	return fmt.Sprintf("sip: %s answered %d %s", e.Method, e.Code, e.Reason)
}
