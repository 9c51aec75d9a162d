package acd

// AgentState is where an agent is in the state machine (see the package doc).
type AgentState string

// Agent states.
const (
	LoggedOut AgentState = "logged_out"
	Ready     AgentState = "ready"
	NotReady  AgentState = "not_ready"
	Ringing   AgentState = "ringing"
	OnCall    AgentState = "on_call"
	OnHold    AgentState = "on_hold"
	WrapUp    AgentState = "wrap_up"
)

// Reason qualifies a state: a not-ready reason code (one of the constants
// or a custom string up to 64 bytes) or why the engine moved the agent.
type Reason string

// Not-ready reason codes an agent picks.
const (
	ReasonBreak         Reason = "break"
	ReasonLunch         Reason = "lunch"
	ReasonTraining      Reason = "training"
	ReasonMeeting       Reason = "meeting"
	ReasonAfterCallWork Reason = "after_call_work"
)

// Reasons the engine gives for the moves it makes itself.
const (
	ReasonNoAnswer        Reason = "no_answer"          // offer rang out (→ not_ready if configured)
	ReasonAnsweredElse    Reason = "answered_elsewhere" // ring-all loser released
	ReasonCallerAbandoned Reason = "caller_abandoned"   // caller hung up while the agent rang
	ReasonCallRemoved     Reason = "call_removed"       // owner removed the call while it rang
	ReasonWrapUpExpired   Reason = "wrap_up_expired"
	ReasonWrapUpEnded     Reason = "wrap_up_ended" // agent ended wrap-up early
	ReasonAgentRemoved    Reason = "agent_removed"
	ReasonOfferLost       Reason = "offer_lost" // engine rebuilt over State; offers are not kept
	ReasonReachable       Reason = "reachable"
	ReasonUnreachable     Reason = "unreachable"
)

// FailReason is why an offer to one agent failed.
type FailReason string

// Offer failure reasons reported by the SIP layer.
const (
	FailNoAnswer    FailReason = "no_answer"
	FailBusy        FailReason = "busy"
	FailRejected    FailReason = "rejected"
	FailUnreachable FailReason = "unreachable"
)

// allowed is the agent state machine: from → permitted destinations.
var allowed = map[AgentState][]AgentState{
	LoggedOut: {Ready},
	Ready:     {NotReady, LoggedOut, Ringing, OnCall},
	NotReady:  {Ready, NotReady, LoggedOut, OnCall},
	Ringing:   {OnCall, Ready, NotReady},
	OnCall:    {OnHold, WrapUp, Ready, NotReady},
	OnHold:    {OnCall, WrapUp, Ready, NotReady},
	WrapUp:    {Ready, NotReady, LoggedOut},
}

func canMove(from, to AgentState) bool {
	for _, s := range allowed[from] {
		if s == to {
			return true
		}
	}
	return false
}

// busy reports states in which the agent holds a call or an offer.
func (s AgentState) busy() bool {
	return s == Ringing || s == OnCall || s == OnHold
}

// loggedIn reports any state but logged_out.
func (s AgentState) loggedIn() bool { return s != LoggedOut && s != "" }

// EventKind tells a state change from a reachability change.
type EventKind string

// Agent event kinds.
const (
	EventState        EventKind = "state"
	EventReachability EventKind = "reachability"
)

// AgentEvent is one agent transition. For EventReachability From == To and
// Reachable carries the new flag.
type AgentEvent struct {
	Kind      EventKind  `json:"kind"`
	AgentID   int64      `json:"agent_id"`
	From      AgentState `json:"from"`
	To        AgentState `json:"to"`
	Reason    Reason     `json:"reason,omitempty"`
	AtMs      int64      `json:"at_ms"`
	CallID    string     `json:"call_id,omitempty"`
	QueueID   int64      `json:"queue_id,omitempty"`
	Reachable bool       `json:"reachable"`
}

// EventSink receives every AgentEvent in order. It is called with the
// engine's mutex held, so it must be quick and must not call back into the
// Engine (hand the event to a channel, the bus or a buffered writer).
type EventSink interface {
	AgentEvent(AgentEvent)
}

// SinkFunc adapts a function to EventSink.
type SinkFunc func(AgentEvent)

// AgentEvent calls f.
func (f SinkFunc) AgentEvent(ev AgentEvent) { f(ev) }
