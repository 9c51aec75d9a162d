package sip

import "context"

// Body is a message body with its type, passed through untouched (SDP,
// DTMF INFO payloads).
type Body struct {
	ContentType string
	Data        []byte
}

// Header is an extra header to send.
type Header struct {
	Name, Value string
}

// Party is one end of a call as the signalling names it.
type Party struct {
	User    string // user part of the URI: extension or number
	Display string // display name, may be empty
	URI     string
}

// Initiator says who ended a leg.
type Initiator int

const (
	// ByLocal: our side (Hangup, Reject, Cancel, shutdown).
	ByLocal Initiator = iota + 1
	// ByRemote: the far end (BYE, CANCEL, final error response).
	ByRemote
	// ByNetwork: nobody decided; a timeout or transport failure did.
	ByNetwork
)

func (i Initiator) String() string {
	switch i {
	case ByLocal:
		return "local"
	case ByRemote:
		return "remote"
	case ByNetwork:
		return "network"
	}
	return "none"
}

// CauseKind is how a leg ended.
type CauseKind int

const (
	CauseBye       CauseKind = iota + 1 // BYE after answer
	CauseCancel                         // CANCEL before answer
	CauseRejected                       // final non-2xx response before answer
	CauseTimeout                        // no answer, no ACK, or no response in time
	CauseTransport                      // the peer could not be reached
	CauseShutdown                       // the server stopped
)

var causeNames = map[CauseKind]string{
	CauseBye: "bye", CauseCancel: "cancel", CauseRejected: "rejected",
	CauseTimeout: "timeout", CauseTransport: "transport", CauseShutdown: "shutdown",
}

func (k CauseKind) String() string {
	if s, ok := causeNames[k]; ok {
		return s
	}
	return "none"
}

// HangupCause tells who ended a leg, how, and the SIP status code that
// carried it (200 for a BYE, 487 for a CANCEL, the rejection code).
type HangupCause struct {
	By     Initiator
	Kind   CauseKind
	Code   int
	Reason string
}

// ReinviteHandler answers a re-INVITE from the far end (hold, unhold, new
// media). offer is the remote SDP, empty for a re-INVITE without one, in
// which case the returned SDP is our offer. An error refuses the change
// with 488 and the session stays as it was.
type ReinviteHandler func(ctx context.Context, offer []byte) (answer []byte, err error)

// InfoHandler receives INFO bodies (DTMF relay) in arrival order.
type InfoHandler func(b Body)

// ReferHandler decides on a REFER (blind transfer asked by the phone).
// Returning false answers 603 Decline. Returning true answers 202 and
// sends the first NOTIFY (100 Trying); report the transfer's outcome with
// r.Notify. It runs in the dialog's request order: do not block in it.
type ReferHandler func(ctx context.Context, r *Refer) bool
