package calllog

import (
	"sort"
	"strings"
	"time"
)

// Outcome is how a call ended, for the metrics.
type Outcome string

const (
	OutcomeAnswered  Outcome = "answered"  // an agent answered
	OutcomeAbandoned Outcome = "abandoned" // the caller hung up while queued or ringing
	OutcomeBlocked   Outcome = "blocked"   // never reached the ACD (unknown number, queue full, ...)
	OutcomeOverflow  Outcome = "overflow"  // a queue limit sent it to voicemail / hang-up message
	OutcomeIVR       Outcome = "ivr"       // ended in self-service, never queued
	OutcomeFailed    Outcome = "failed"    // outbound not answered, or other failure
	OutcomeCallback  Outcome = "callback"  // the caller left a callback request instead of waiting
)

// Results of a call.resolution event.
const (
	ResultResolved   = "resolved"
	ResultUnresolved = "unresolved"
)

// CDR is the one-row summary of a call.
type CDR struct {
	CallID            string    `json:"call_id"`
	Direction         string    `json:"direction"`
	Caller            string    `json:"caller"`
	Callee            string    `json:"callee"`
	Number            string    `json:"number,omitempty"`
	Trunk             string    `json:"trunk,omitempty"`
	StartedAt         time.Time `json:"started_at"`
	AnsweredAt        time.Time `json:"answered_at,omitempty"`
	EndedAt           time.Time `json:"ended_at,omitempty"`
	Outcome           Outcome   `json:"outcome"`
	BlockedReason     string    `json:"blocked_reason,omitempty"`
	IVRPath           string    `json:"ivr_path,omitempty"`
	Queue             string    `json:"queue,omitempty"`
	QueuedAt          time.Time `json:"queued_at,omitempty"`
	WaitMS            int64     `json:"wait_ms"`
	RingMS            int64     `json:"ring_ms"`
	TalkMS            int64     `json:"talk_ms"`
	HoldMS            int64     `json:"hold_ms"`
	Holds             int       `json:"holds"`
	Transfers         int       `json:"transfers"`
	Conferenced       bool      `json:"conferenced"`
	AgentID           int64     `json:"agent_id,omitempty"`
	TeamID            int64     `json:"team_id,omitempty"`
	DepartmentID      int64     `json:"department_id,omitempty"`
	HangupBy          string    `json:"hangup_by,omitempty"`
	HangupCause       string    `json:"hangup_cause,omitempty"`
	Rating            int       `json:"rating,omitempty"`
	CallbackRequested bool      `json:"callback_requested"`
	Unresolved        bool      `json:"unresolved"` // the agent marked the issue unresolved (call.resolution)
	CustomerID        int64     `json:"customer_id,omitempty"`
	RecordingID       int64     `json:"recording_id,omitempty"`
}

// Leg is one agent's part in a call: an offer, and if answered, the talk.
type Leg struct {
	CallID        string    `json:"call_id"`
	AgentID       int64     `json:"agent_id"`
	TeamID        int64     `json:"team_id,omitempty"`
	DepartmentID  int64     `json:"department_id,omitempty"`
	Queue         string    `json:"queue,omitempty"`
	OfferedAt     time.Time `json:"offered_at"`
	AnsweredAt    time.Time `json:"answered_at,omitempty"`
	EndedAt       time.Time `json:"ended_at,omitempty"`
	WrapUpEndAt   time.Time `json:"wrapup_end_at,omitempty"`
	RingMS        int64     `json:"ring_ms"`
	TalkMS        int64     `json:"talk_ms"`
	HoldMS        int64     `json:"hold_ms"`
	WrapUpMS      int64     `json:"wrapup_ms"`
	Outcome       string    `json:"outcome"` // answered, no_answer, rejected, busy, unreachable, cancelled
	TransferredTo string    `json:"transferred_to,omitempty"`

	holdStart time.Time
}

func ms(d time.Duration) int64 { return d.Milliseconds() }

// Derive computes the CDR and the agent legs of one call from its events
// (any order; they are sorted by Seq). It is pure: the same events always
// give the same rows, so CDRs can be rebuilt from the log at any time.
func Derive(events []Event) (CDR, []Leg) {
	evs := append([]Event(nil), events...)
	sort.SliceStable(evs, func(i, j int) bool { return evs[i].Seq < evs[j].Seq })
	var c CDR
	var legs []*Leg
	open := map[int64]*Leg{} // agent → current leg
	var callHoldStart time.Time
	var conversationEnded bool
	for _, e := range evs {
		if c.CallID == "" {
			c.CallID = e.CallID
		}
		switch e.Type {
		case CallOffered:
			c.Direction, c.Caller, c.Callee = e.Data.Direction, e.Data.From, e.Data.To
			c.Number, c.Trunk, c.StartedAt = e.Data.Number, e.Data.Trunk, e.At
			if e.Data.Customer != 0 {
				c.CustomerID = e.Data.Customer
			}
		case CallBlocked:
			c.Outcome, c.BlockedReason = OutcomeBlocked, e.Data.Reason
		case IVRLeft:
			c.IVRPath = strings.Join(e.Data.Path, ">")
		case QueueEntered:
			if c.Queue == "" {
				c.Queue, c.QueuedAt = e.Queue, e.At
			}
			if c.DepartmentID == 0 {
				c.DepartmentID = e.Data.DeptID
			}
		case QueueOffer:
			l := &Leg{CallID: e.CallID, AgentID: e.AgentID, Queue: e.Queue, OfferedAt: e.At, TeamID: e.Data.TeamID, DepartmentID: e.Data.DeptID}
			legs = append(legs, l)
			open[e.AgentID] = l
		case QueueOfferFailed:
			if l := open[e.AgentID]; l != nil && l.AnsweredAt.IsZero() {
				l.Outcome, l.RingMS, l.EndedAt = e.Data.Reason, ms(e.At.Sub(l.OfferedAt)), e.At
				delete(open, e.AgentID)
			}
		case AgentAnswered:
			l := open[e.AgentID]
			if l == nil { // outbound or direct: no offer preceded
				l = &Leg{CallID: e.CallID, AgentID: e.AgentID, Queue: e.Queue, OfferedAt: e.At}
				legs = append(legs, l)
				open[e.AgentID] = l
			}
			l.AnsweredAt, l.Outcome, l.RingMS = e.At, "answered", ms(e.At.Sub(l.OfferedAt))
			if e.Data.TeamID != 0 || e.Data.DeptID != 0 {
				l.TeamID, l.DepartmentID = e.Data.TeamID, e.Data.DeptID
			}
			if c.AnsweredAt.IsZero() {
				c.AnsweredAt, c.AgentID, c.RingMS = e.At, e.AgentID, l.RingMS
				c.TeamID, c.DepartmentID = l.TeamID, l.DepartmentID
				if !c.QueuedAt.IsZero() {
					c.WaitMS = ms(e.At.Sub(c.QueuedAt))
				}
			}
		case CallHold:
			c.Holds++
			callHoldStart = e.At
			if l := open[e.AgentID]; l != nil {
				l.holdStart = e.At
			}
		case CallUnhold:
			if !callHoldStart.IsZero() {
				c.HoldMS += ms(e.At.Sub(callHoldStart))
				callHoldStart = time.Time{}
			}
			if l := open[e.AgentID]; l != nil && !l.holdStart.IsZero() {
				l.HoldMS += ms(e.At.Sub(l.holdStart))
				l.holdStart = time.Time{}
			}
		case CallTransfer:
			if e.Data.Kind == "consult" || e.Data.Kind == "consult_failed" {
				break // asking a colleague first is not yet a transfer
			}
			c.Transfers++
			if l := open[e.AgentID]; l != nil {
				l.TransferredTo = e.Data.Target
			}
		case CallConference:
			c.Conferenced = true
		case QueueAbandoned:
			if c.AnsweredAt.IsZero() {
				c.Outcome = OutcomeAbandoned
				c.WaitMS = e.Data.WaitMS
			}
		case QueueOverflow:
			if e.Data.Kind == "voicemail" || e.Data.Kind == "hangup" {
				c.Outcome = OutcomeOverflow
			}
			if c.AnsweredAt.IsZero() && !c.QueuedAt.IsZero() {
				c.WaitMS = ms(e.At.Sub(c.QueuedAt)) // until the limit moved it (an answer elsewhere replaces it)
			}
		case LegEnded:
			if l := open[e.AgentID]; l != nil {
				endLeg(l, e.At)
				delete(open, e.AgentID)
				if !l.AnsweredAt.IsZero() && !conversationEnded && e.Data.By != "" && e.Data.By != "transfer" {
					c.HangupBy, c.HangupCause, conversationEnded = e.Data.By, e.Data.Cause, true
				}
			}
		case CallEnded:
			c.EndedAt = e.At
			if !conversationEnded {
				c.HangupBy, c.HangupCause = e.Data.By, e.Data.Cause
			}
			if !callHoldStart.IsZero() {
				c.HoldMS += ms(e.At.Sub(callHoldStart))
			}
			for _, l := range open {
				if l.AnsweredAt.IsZero() {
					l.Outcome, l.RingMS, l.EndedAt = "cancelled", ms(e.At.Sub(l.OfferedAt)), e.At
				} else {
					endLeg(l, e.At)
				}
			}
			open = map[int64]*Leg{}
		case AgentWrapUpEnd:
			for i := len(legs) - 1; i >= 0; i-- {
				if l := legs[i]; l.AgentID == e.AgentID && !l.AnsweredAt.IsZero() {
					l.WrapUpEndAt = e.At
					if !l.EndedAt.IsZero() {
						l.WrapUpMS = ms(e.At.Sub(l.EndedAt))
					}
					break
				}
			}
		case CallRated:
			c.Rating = e.Data.Score
		case CallResolution:
			c.Unresolved = e.Data.Result == ResultUnresolved
		case CallbackAsked:
			// A retry queued by a callback the customer missed is not a
			// new request from a caller.
			c.CallbackRequested = c.CallbackRequested || e.Data.Kind != "retry"
		case CallbackMade:
			if c.AgentID == 0 { // the agent who tried, even if the customer never answers
				c.AgentID = e.AgentID
			}
		case RecordingStarted:
			if c.RecordingID == 0 {
				c.RecordingID = e.Data.Recording
			}
		}
	}
	if c.Outcome == "" {
		switch {
		case !c.AnsweredAt.IsZero():
			c.Outcome = OutcomeAnswered
		case c.CallbackRequested:
			c.Outcome = OutcomeCallback
			if !c.EndedAt.IsZero() && !c.QueuedAt.IsZero() {
				c.WaitMS = ms(c.EndedAt.Sub(c.QueuedAt))
			}
		case c.Direction == "outbound" || c.Direction == "callback":
			c.Outcome = OutcomeFailed
		case c.Queue != "":
			c.Outcome = OutcomeAbandoned
			if c.WaitMS == 0 && !c.EndedAt.IsZero() {
				c.WaitMS = ms(c.EndedAt.Sub(c.QueuedAt))
			}
		default:
			c.Outcome = OutcomeIVR
		}
	}
	out := make([]Leg, len(legs))
	for i, l := range legs {
		c.TalkMS += l.TalkMS
		out[i] = *l
	}
	return c, out
}

func endLeg(l *Leg, at time.Time) {
	l.EndedAt = at
	if !l.holdStart.IsZero() {
		l.HoldMS += ms(at.Sub(l.holdStart))
		l.holdStart = time.Time{}
	}
	if !l.AnsweredAt.IsZero() {
		l.TalkMS = ms(at.Sub(l.AnsweredAt)) - l.HoldMS
	}
}
