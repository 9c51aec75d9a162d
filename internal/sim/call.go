package sim

import (
	"fmt"

	"github.com/hotline-cc/hotline/internal/calllog"
)

type cstate uint8

const (
	csIVR        cstate = iota // in the IVR, or hearing a last message
	csQueued                   // waiting in a queue
	csRinging                  // waiting, an agent's phone ringing
	csDirect                   // ringing the agent it was transferred to
	csTalking                  // with an agent
	csHeld                     // on hold
	csSurvey                   // rating the call
	csCbRinging                // a callback: the agent's phone rings
	csCbDialling               // a callback: the agent waits for the customer
	csEnded
)

type callState struct {
	num       int64
	id        string
	acdID     string // what the ACD and agent events know it by
	direction string
	caller    string
	prevQueue int
	events    []calllog.Event
	lastAt    int64
	gen       uint32 // the call's own timers (ring, talk steps, prompts)
	qgen      uint32 // its waiting timers (patience, max wait, announcements)
	state     cstate
	pending   int // 1 until the call ends, +1 per agent in wrap-up for it

	q            *queueRT // the queue it is in or was answered from
	queuedAt     int64
	firstQueued  int64
	entry        *waitEntry
	patience     int64
	maxWaitDue   bool
	overflows    int
	nextQueue    *queueRT
	nextPriority int
	nextSkills   []string

	ring      *agentState // the agent being rung
	offerAt   int64
	excl      []exclusion
	agent     *agentState // the agent talking
	lastAgent *agentState
	steps     []step
	stepIdx   int
	resolver  *agentState // marks the call unresolved at the end of wrap-up
	vmOpen    bool
	cb        *callbackReq
	cbQueue   *queueRT
	endBy     string
	endCause  string

	ended, answered, recording, transferred, surveyed, blocked, overflowed bool
	abandonLogged, callbackAsked, unresolved, marked                       bool

	intent Intent
}

type exclusion struct {
	a     *agentState
	until int64
}

// excluded: the agent let this call ring out a moment ago (the ACD's
// RetryAfter, 5 s).
func (c *callState) excluded(a *agentState, now int64) bool {
	for _, x := range c.excl {
		if x.a == a && x.until > now {
			return true
		}
	}
	return false
}

func (c *callState) queueName() string {
	if c.q == nil {
		return ""
	}
	return c.q.Name
}

const retryAfter = 5000

// mix64 is SplitMix64's finaliser: call IDs from the seed, the period and
// the call's number.
func mix64(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// IDPrefix starts every simulated call's ID.
const IDPrefix = "sim-"

// callID is the live format (start time, milliseconds, 12 hex digits)
// behind the "sim-" prefix, the digits derived from the seed, the period
// and the call's number instead of random.
func (e *engine) callID(at int64, n int64) string {
	t := msTime(at)
	h := mix64(e.cfg.Seed ^ mix64(uint64(e.from)^mix64(uint64(n))))
	return fmt.Sprintf("%s%s-%03d-%012x", IDPrefix, t.Format("20060102-150405"), t.Nanosecond()/1e6, h&0xffffffffffff)
}

func (e *engine) newCall(direction string) *callState {
	e.nCalls++
	c := &callState{num: e.nCalls, direction: direction, prevQueue: -1, pending: 1, lastAt: e.now,
		events: make([]calllog.Event, 0, 16)} // most calls have 12 to 16 events
	c.id = e.callID(e.now, c.num)
	c.acdID = c.id
	c.intent.Direction = direction
	e.active[c.num] = c
	return c
}

// endCall logs the end of the call.
func (e *engine) endCall(c *callState, by, cause string) { e.endCallCode(c, by, cause, 0) }

func (e *engine) endCallCode(c *callState, by, cause string, code int) {
	if c.ended {
		return
	}
	if c.vmOpen {
		c.vmOpen = false
		e.emit(c, calllog.RecordingStopped, calllog.Event{Queue: c.queueName(), Data: calllog.Data{Kind: "voicemail"}})
	}
	e.emit(c, calllog.CallEnded, calllog.Event{Leg: "caller", Data: calllog.Data{By: by, Cause: cause, Code: code}})
	c.ended, c.state = true, csEnded
	c.gen++
	c.qgen++
	if c.intent.HangupBy == "" {
		c.intent.HangupBy = by
	}
	if c.direction == "inbound" {
		q := -1
		if c.q != nil {
			q = c.q.idx
		}
		unhappy := c.blocked || c.callbackAsked || c.unresolved || (!c.answered && c.firstQueued != 0) || (c.intent.Rating > 0 && c.intent.Rating <= 2)
		e.pool.ended(c.caller, q, c.lastAt, unhappy)
	}
	c.pending--
	e.maybeFinish(c)
}

func (e *engine) maybeFinish(c *callState) {
	if !c.ended || c.pending > 0 {
		return
	}
	c.intent.Outcome = c.outcome()
	if c.intent.Outcome == calllog.OutcomeCallback || (c.intent.Outcome == calllog.OutcomeAbandoned && !c.abandonLogged) {
		c.intent.WaitMS = c.lastEnd() - c.firstQueued
	}
	c.intent.Unresolved = c.marked
	delete(e.active, c.num)
	e.outCalls = append(e.outCalls, Call{Events: c.events, Intent: c.intent})
	e.stats.Calls++
	e.stats.Events += int64(len(c.events))
	e.stats.Outcomes[c.intent.Outcome]++
}

// lastEnd is the time of the call's call.ended.
func (c *callState) lastEnd() int64 {
	for i := len(c.events) - 1; i >= 0; i-- {
		if c.events[i].Type == calllog.CallEnded {
			return c.events[i].At.UnixMilli()
		}
	}
	return c.lastAt
}

// outcome is what the simulator made of the call, in the terms of the
// CDR (docs/call-events.md).
func (c *callState) outcome() calllog.Outcome {
	switch {
	case c.overflowed:
		return calllog.OutcomeOverflow
	case c.blocked:
		return calllog.OutcomeBlocked
	case c.abandonLogged && !c.answered:
		return calllog.OutcomeAbandoned
	case c.answered:
		return calllog.OutcomeAnswered
	case c.callbackAsked:
		return calllog.OutcomeCallback
	case c.direction != "inbound":
		return calllog.OutcomeFailed
	case c.firstQueued != 0:
		return calllog.OutcomeAbandoned
	}
	return calllog.OutcomeIVR
}
