package sim

import (
	"fmt"
	"time"

	"github.com/hotline-cc/hotline/internal/calllog"
)

// Callback retries: a customer who does not answer is called again, as
// internal/call does.
const (
	callbackRetries    = 3
	callbackRetryDelay = 10 * time.Minute
)

// offerCallback: the ACD's callback offer rings the agent first (a call
// of its own, direction callback), then dials the customer.
func (e *engine) offerCallback(en *waitEntry, a *agentState, q *queueRT) {
	en.offered = true
	c := e.newCall("callback")
	c.acdID, c.cb, c.cbQueue, c.entry = en.cb.acdID, en.cb, q, en
	c.caller = a.Extension
	e.move(a, stRinging, "", c.acdID)
	a.call = c
	c.ring, c.offerAt, c.state = a, e.now, csCbRinging
	e.emit(c, calllog.CallOffered, calllog.Event{Leg: "agent:" + a.Extension, AgentID: a.ID,
		Data: calllog.Data{Direction: "callback", From: a.Extension, To: en.cb.number, Target: en.cb.acdID}})
	c.gen++
	e.schedule(event{at: e.now + uniMS(e.rCall, 2*time.Second, 6*time.Second), kind: evCbAgent, c: c, gen: c.gen})
}

func (e *engine) callbackAgentAnswered(c *callState) {
	a := c.ring
	c.ring = nil
	c.cbQueue.remove(c.entry)
	c.entry = nil
	e.move(a, stOnCall, "", c.acdID)
	e.emit(c, calllog.CallbackMade, calllog.Event{AgentID: a.ID, Data: calllog.Data{Target: c.cb.number}})
	c.agent, c.state = a, csCbDialling
	c.intent.AgentID = a.ID
	n := 0
	if chance(e.rCall, e.cfg.Shares.CallbackAnswer) {
		n = 1
	}
	c.gen++
	e.schedule(event{at: e.now + uniMS(e.rCall, 5*time.Second, 25*time.Second), kind: evCbCustomer, c: c, gen: c.gen, n: n})
}

// callbackCustomer: the customer answers (a conversation like any
// other, without survey), or not (retried later, up to three times).
func (e *engine) callbackCustomer(c *callState, answered bool) {
	a := c.agent
	if answered {
		e.emit(c, calllog.CallAnswered, calllog.Event{Leg: "caller", Data: calllog.Data{By: "customer"}})
		e.emitAgent(c, calllog.AgentAnswered, a, calllog.Data{})
		c.answered = true
		c.recording = true
		e.emit(c, calllog.RecordingStarted, calllog.Event{})
		c.lastAgent, c.state = a, csTalking
		e.startLeg(c, a, false)
		return
	}
	c.agent = nil
	e.startWrap(a, c)
	if c.cb.retry < callbackRetries {
		due := e.now + callbackRetryDelay.Milliseconds()
		base := c.cb.acdID
		if c.cb.retry > 0 {
			base = base[:len(base)-len(fmt.Sprintf("~r%d", c.cb.retry))]
		}
		req := &callbackReq{acdID: fmt.Sprintf("%s~r%d", base, c.cb.retry+1), number: c.cb.number, retry: c.cb.retry + 1}
		e.emit(c, calllog.CallbackAsked, calllog.Event{Data: calllog.Data{Target: c.cb.number, Kind: "retry",
			Reason: msTime(due).In(e.cfg.Location).Format(time.RFC3339)}})
		c.cbQueue.add(&waitEntry{cb: req, entered: e.now, notBefore: due})
		e.schedule(event{at: due, kind: evWake, q: c.cbQueue})
	}
	e.endCall(c, "system", "customer_no_answer")
}
