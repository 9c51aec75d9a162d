package sim

import (
	"time"

	"github.com/hotline-cc/hotline/internal/calllog"
)

// toQueue sends the call into a queue by name at time at.
func (e *engine) toQueue(c *callState, name string, priority int, skills []string, at int64) {
	q := e.byName[name]
	if q == nil {
		e.endLater(c, at, "system", "queue_missing")
		return
	}
	c.nextQueue, c.nextPriority, c.nextSkills = q, priority, skills
	c.gen++
	e.schedule(event{at: max(at, e.now), kind: evEnqueue, c: c, gen: c.gen})
}

// endLater ends the call at time at (after a last prompt).
func (e *engine) endLater(c *callState, at int64, by, cause string) {
	c.state = csIVR
	c.endBy, c.endCause = by, cause
	c.gen++
	e.schedule(event{at: max(at, e.now), kind: evCallEnd, c: c, gen: c.gen})
}

// enqueue places the caller in q (the ACD's Enqueue): refused when the
// queue is full or nobody is logged in and the queue says so.
func (e *engine) enqueue(c *callState, q *queueRT, priority int, skills []string) {
	c.q, c.queuedAt, c.state, c.maxWaitDue = q, e.now, csQueued, false
	if c.firstQueued == 0 {
		c.firstQueued = e.now
	}
	c.qgen++
	c.gen++
	full := q.MaxWaiting > 0 && q.live >= q.MaxWaiting
	refused := ""
	switch {
	case full:
		refused = "refused: acd: queue is full"
	case q.OverflowNoAgents && q.loggedIn == 0:
		refused = "refused: acd: no agent logged in"
	}
	pos := 0
	if refused == "" {
		c.entry = &waitEntry{c: c, entered: e.now}
		q.add(c.entry)
		pos = q.count
	}
	e.emit(c, calllog.QueueEntered, calllog.Event{Leg: "caller", Queue: q.Name, Data: calllog.Data{Priority: priority,
		Skills: skills, Position: pos, DeptID: q.DepartmentID}})
	if refused != "" {
		if full {
			e.emit(c, calllog.CallBlocked, calllog.Event{Queue: q.Name, Data: calllog.Data{Reason: "queue_full"}})
			c.blocked = true
			c.intent.Blocked = "queue_full"
		}
		c.state = csIVR
		e.overflow(c, q, refused, false)
		return
	}
	c.patience = e.drawPatience()
	c.intent.Patience = c.patience
	e.schedule(event{at: e.now + c.patience, kind: evAbandon, c: c, gen: c.qgen})
	if q.MaxWait > 0 {
		e.schedule(event{at: e.now + q.MaxWait.Milliseconds(), kind: evMaxWait, c: c, gen: c.qgen})
	}
	if q.Announce > 0 {
		e.schedule(event{at: e.now + q.Announce.Milliseconds(), kind: evAnnounce, c: c, gen: c.qgen})
	}
	e.dispatchQueue(q)
}

// drawPatience: how long a caller waits before hanging up. Exponential,
// shifted by 8 s: nobody hangs up the moment the music starts, but some
// give up within 20 s (short abandons).
func (e *engine) drawPatience() int64 {
	mean := e.cfg.Patience
	if mean <= 8*time.Second {
		return max(1000, expMS(e.rCall, mean))
	}
	return 8000 + expMS(e.rCall, mean-8*time.Second)
}

// leaveQueue takes the caller out of the queue's waiting list.
func (e *engine) leaveQueue(c *callState) {
	if c.entry != nil {
		c.q.remove(c.entry)
		c.entry = nil
	}
	c.qgen++
}

// abandon: the caller's patience ran out while waiting (or ringing).
func (e *engine) abandon(c *callState) {
	waited := e.now - c.queuedAt
	switch c.state {
	case csQueued:
		e.leaveQueue(c)
		e.emit(c, calllog.QueueAbandoned, calllog.Event{Queue: c.q.Name, Data: calllog.Data{WaitMS: waited}})
	case csRinging:
		a := c.ring
		e.leaveQueue(c)
		c.ring = nil
		c.gen++
		e.settle(a, "caller_abandoned", c.acdID)
		e.emit(c, calllog.QueueAbandoned, calllog.Event{Queue: c.q.Name, Data: calllog.Data{WaitMS: waited}})
		e.emitAgent(c, calllog.QueueOfferFailed, a, calllog.Data{Reason: "cancelled", RingMS: e.now - c.offerAt})
		defer e.dispatchAgent(a)
	default:
		return
	}
	c.abandonLogged = true
	if !c.answered {
		c.intent.WaitMS = waited
	}
	e.endCall(c, "caller", "bye")
}

// announce: the queue tells the caller their place and offers a callback
// (key 1); some take it and keep their place as a callback.
func (e *engine) announce(c *callState) {
	if c.state == csQueued && chance(e.rCall, e.cfg.Shares.CallbackKey) {
		e.emit(c, calllog.CallbackAsked, calllog.Event{Leg: "caller", Queue: c.q.Name, Data: calllog.Data{Target: c.caller}})
		e.keepAsCallback(c)
		e.endLater(c, e.now+uniMS(e.rCall, 4*time.Second, 6*time.Second), "system", "callback_requested")
		return
	}
	if c.state == csQueued || c.state == csRinging {
		e.schedule(event{at: e.now + c.q.Announce.Milliseconds(), kind: evAnnounce, c: c, gen: c.qgen})
	}
}

// keepAsCallback turns the waiting caller into a callback request in
// their place.
func (e *engine) keepAsCallback(c *callState) {
	c.q.toCallback(c.entry, &callbackReq{acdID: c.acdID, number: c.caller})
	c.entry = nil
	c.qgen++
	c.callbackAsked = true
	c.intent.Callback = true
	e.dispatchQueue(c.q) // a free agent may take it at once
}

// offer rings agent a for the waiting call en.
func (e *engine) offer(en *waitEntry, a *agentState, q *queueRT) {
	if en.cb != nil {
		e.offerCallback(en, a, q)
		return
	}
	c := en.c
	en.offered = true
	e.move(a, stRinging, "", c.acdID)
	a.call = c
	c.state, c.ring, c.offerAt = csRinging, a, e.now
	e.emitAgent(c, calllog.QueueOffer, a, calllog.Data{})
	r := e.rCall
	timeout := q.RingTimeout.Milliseconds()
	ring := 2000 + expMS(r, 5*time.Second) // a few seconds: one or two rings
	c.gen++
	if chance(r, e.cfg.Shares.NoAnswer) || ring >= timeout {
		e.schedule(event{at: e.now + timeout, kind: evRingEnd, c: c, gen: c.gen})
		return
	}
	e.schedule(event{at: e.now + ring, kind: evRingEnd, c: c, gen: c.gen, n: 1})
}

// ringEnd: the agent answered, or the offer rang out.
func (e *engine) ringEnd(c *callState, answered bool) {
	a, q := c.ring, c.q
	c.ring = nil
	if answered {
		e.leaveQueue(c)
		e.move(a, stOnCall, "", c.acdID)
		waited := e.now - c.queuedAt
		e.emitAgent(c, calllog.AgentAnswered, a, calllog.Data{RingMS: e.now - c.offerAt, WaitMS: waited})
		e.connected(c, a, waited)
		e.startLeg(c, a, !c.transferred)
		return
	}
	c.entry.offered = false
	c.state = csQueued
	e.ringFailed(a, q, c.acdID)
	e.emitAgent(c, calllog.QueueOfferFailed, a, calllog.Data{Reason: "no_answer", RingMS: e.now - c.offerAt})
	c.excl = append(c.excl, exclusion{a: a, until: e.now + retryAfter})
	if c.maxWaitDue {
		e.maxWait(c)
	} else {
		e.schedule(event{at: e.now + retryAfter + 1, kind: evWake, q: q})
		e.dispatchQueue(q)
	}
	e.dispatchAgent(a)
}

// connected: an agent is now talking with the caller.
func (e *engine) connected(c *callState, a *agentState, waited int64) {
	if !c.answered {
		c.answered = true
		c.intent.AgentID, c.intent.WaitMS = a.ID, waited
	}
	if !c.recording {
		c.recording = true
		e.emit(c, calllog.RecordingStarted, calllog.Event{}) // simulated calls have no audio: no recording ID
	}
	c.agent, c.lastAgent, c.state = a, a, csTalking
}
