// Package calllog is the spine of Hotline: the append-only log of every call
// step and agent state change, with millisecond timestamps, published on the
// event bus as it happens, and the CDRs (one per call, one per agent leg)
// derived from it. Reports, the live desktop, QA and WFM all read from here;
// no module keeps a second truth about a call. docs/call-events.md documents
// every event type with a worked example.
package calllog

import (
	"time"
)

// Type names an event.
type Type string

// Call event types. The list is the contract with report, live and qa.
const (
	CallOffered      Type = "call.offered"       // a call arrived (inbound) or was placed (outbound)
	CallBlocked      Type = "call.blocked"       // refused before reaching the ACD: unknown number, queue full, ...
	CallAnswered     Type = "call.answered"      // the caller was answered by Hotline (IVR) — media anchored
	IVREntered       Type = "ivr.entered"        // an IVR flow started
	IVRKey           Type = "ivr.key"            // a key press (exactly once per press)
	IVRLeft          Type = "ivr.left"           // the flow ended, with its path and result
	QueueEntered     Type = "queue.entered"      // placed in an ACD queue (queue, priority, skills)
	QueueOffer       Type = "queue.offer"        // offered to an agent; ringing
	QueueOfferFailed Type = "queue.offer_failed" // the agent did not answer / rejected / unreachable
	AgentAnswered    Type = "agent.answered"     // an agent answered (by whom, after how long)
	QueueAbandoned   Type = "queue.abandoned"    // the caller hung up while waiting
	QueueOverflow    Type = "queue.overflow"     // moved elsewhere by a queue limit
	CallHold         Type = "call.hold"
	CallUnhold       Type = "call.unhold"
	CallTransfer     Type = "call.transfer"   // blind or attended, to agent / queue / external
	CallConference   Type = "call.conference" // a third party joined (三方通话)
	ConferenceLeft   Type = "call.conference_left"
	LegEnded         Type = "leg.ended"          // an agent's leg ended (the caller may go on, e.g. to the rating)
	CallEnded        Type = "call.ended"         // the call is over; who hung up
	AgentWrapUpEnd   Type = "agent.wrapup_end"   // after-call work of a leg finished
	CallRated        Type = "call.rated"         // satisfaction rating entered
	CallResolution   Type = "call.resolution"    // the agent marked the caller's issue resolved or not (may come after call.ended)
	CallbackAsked    Type = "callback.requested" // the caller asked to be called back, keeping their place
	CallbackMade     Type = "callback.made"
	RecordingStarted Type = "recording.started"
	RecordingStopped Type = "recording.stopped"
	MonitorStarted   Type = "monitor.started" // a supervisor listens, whispers or barges
	MonitorEnded     Type = "monitor.ended"
)

// Event is one immutable step of one call. Seq orders the events of a call.
type Event struct {
	ID      int64     `json:"id,omitempty"`
	CallID  string    `json:"call_id"`
	Seq     int       `json:"seq"`
	At      time.Time `json:"at"`
	Type    Type      `json:"type"`
	Leg     string    `json:"leg,omitempty"`      // "caller", "agent:1001", "external:…"
	AgentID int64     `json:"agent_id,omitempty"` // the user of the agent concerned
	Queue   string    `json:"queue,omitempty"`
	Data    Data      `json:"data"`
}

// Data holds the event's details; each type uses some fields (see
// docs/call-events.md). One struct keeps the JSON flat and typed.
type Data struct {
	Direction string   `json:"direction,omitempty"` // inbound, outbound
	From      string   `json:"from,omitempty"`
	To        string   `json:"to,omitempty"`
	Number    string   `json:"number,omitempty"` // the DID dialled
	Trunk     string   `json:"trunk,omitempty"`
	Source    string   `json:"source,omitempty"` // remote address
	Reason    string   `json:"reason,omitempty"` // blocked / failed / overflow reason
	Flow      string   `json:"flow,omitempty"`
	Node      string   `json:"node,omitempty"`
	Digit     string   `json:"digit,omitempty"`
	Method    string   `json:"method,omitempty"` // rfc4733, info, inband
	Path      []string `json:"path,omitempty"`
	Result    string   `json:"result,omitempty"` // ivr.left: how the flow ended; call.resolution: resolved, unresolved
	Priority  int      `json:"priority,omitempty"`
	Skills    []string `json:"skills,omitempty"`
	Position  int      `json:"position,omitempty"`
	Extension string   `json:"extension,omitempty"`
	RingMS    int64    `json:"ring_ms,omitempty"`
	WaitMS    int64    `json:"wait_ms,omitempty"`
	By        string   `json:"by,omitempty"` // caller, agent, system, supervisor
	Cause     string   `json:"cause,omitempty"`
	Code      int      `json:"code,omitempty"` // SIP status
	Kind      string   `json:"kind,omitempty"` // transfer: blind/attended; monitor: listen/whisper/barge; overflow action
	Target    string   `json:"target,omitempty"`
	Score     int      `json:"score,omitempty"`
	Scale     int      `json:"scale,omitempty"`
	Recording int64    `json:"recording,omitempty"`
	Customer  int64    `json:"customer,omitempty"`
	TeamID    int64    `json:"team_id,omitempty"`
	DeptID    int64    `json:"department_id,omitempty"`
}

// AgentEvent is one agent state change.
type AgentEvent struct {
	ID      int64     `json:"id,omitempty"`
	AgentID int64     `json:"agent_id"`
	At      time.Time `json:"at"`
	From    string    `json:"from"`
	To      string    `json:"to"`
	Reason  string    `json:"reason,omitempty"`
	CallID  string    `json:"call_id,omitempty"`
}
