package acd

import "github.com/hotline-cc/hotline/internal/apperr"

// Sentinel errors. They are classified (apperr) so the HTTP layer maps them
// to a status; test with errors.Is.
var (
	ErrUnknownQueue      = sentinel(apperr.KindNotFound, "queue_not_found", "acd: no such queue")
	ErrUnknownAgent      = sentinel(apperr.KindNotFound, "agent_not_found", "acd: no such agent")
	ErrUnknownCall       = sentinel(apperr.KindNotFound, "call_not_found", "acd: no such waiting call")
	ErrUnknownOffer      = sentinel(apperr.KindNotFound, "offer_not_found", "acd: no such open offer")
	ErrNotOffered        = sentinel(apperr.KindConflict, "not_offered", "acd: agent is not ringing for this offer")
	ErrInvalidTransition = sentinel(apperr.KindConflict, "invalid_transition", "acd: invalid agent state transition")
	ErrAgentBusy         = sentinel(apperr.KindConflict, "agent_busy", "acd: agent has a call or an offer")
	ErrDuplicateCall     = sentinel(apperr.KindConflict, "duplicate_call", "acd: call is already queued")
	ErrCallOffered       = sentinel(apperr.KindConflict, "call_offered", "acd: call is being offered to an agent")
	ErrQueueBusy         = sentinel(apperr.KindConflict, "queue_busy", "acd: queue still has waiting calls")
	// ErrQueueFull: MaxWaiting reached; EnqueueResult.Overflow says where to go.
	ErrQueueFull = sentinel(apperr.KindTooMany, "queue_full", "acd: queue is full")
	// ErrNoAgents: no member logged in and OverflowNoAgents set.
	ErrNoAgents = sentinel(apperr.KindConflict, "no_agents", "acd: no agent logged in")
)

func sentinel(k apperr.Kind, code, msg string) error {
	return &apperr.Error{Kind: k, Code: code, Message: msg}
}
