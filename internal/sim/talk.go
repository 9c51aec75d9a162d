package sim

import (
	"math"
	"slices"
	"strconv"
	"time"

	"github.com/hotline-cc/hotline/internal/calllog"
)

type stepKind uint8

const (
	stepHold stepKind = iota
	stepUnhold
	stepAgentHangup
	stepCallerHangup
	stepTransfer
)

type step struct {
	at   int64
	kind stepKind
}

// startLeg plans an agent's conversation: exponential talk time (with a
// 10-second floor), holds on some calls, a transfer on a few, and who
// hangs up.
func (e *engine) startLeg(c *callState, a *agentState, mayTransfer bool) {
	r := e.rCall
	sh := e.cfg.Shares
	talk := 10000 + expMS(r, e.cfg.AHT-10*time.Second)
	last := stepCallerHangup
	if chance(r, sh.AgentHangup) {
		last = stepAgentHangup
	}
	if mayTransfer && c.direction == "inbound" && chance(r, sh.Transfer) {
		last = stepTransfer
		talk = int64(float64(talk) * (0.3 + 0.5*r.Float64()))
	}
	var holds []float64 // points of the talk time where a hold starts
	if chance(r, sh.Hold) {
		holds = append(holds, 0.1+0.8*r.Float64())
		if chance(r, 0.25) {
			holds = append(holds, 0.1+0.8*r.Float64())
		}
		slices.Sort(holds)
	}
	c.steps, c.stepIdx = c.steps[:0], 0
	t, done := e.now, int64(0)
	for _, h := range holds {
		off := int64(h * float64(talk))
		t += off - done
		done = off
		c.steps = append(c.steps, step{t, stepHold})
		t += 5000 + expMS(r, 35*time.Second)
		c.steps = append(c.steps, step{t, stepUnhold})
	}
	t += talk - done
	c.steps = append(c.steps, step{t, last})
	if last != stepTransfer && chance(r, sh.Unresolved) {
		c.unresolved = true
	}
	c.gen++
	e.schedule(event{at: c.steps[0].at, kind: evStep, c: c, gen: c.gen})
}

func (e *engine) step(c *callState) {
	s := c.steps[c.stepIdx]
	c.stepIdx++
	a := c.agent
	switch s.kind {
	case stepHold:
		e.move(a, stOnHold, "", c.acdID)
		e.emitAgent(c, calllog.CallHold, a, calllog.Data{By: "agent"})
		c.state = csHeld
		c.intent.Holds++
	case stepUnhold:
		e.move(a, stOnCall, "", c.acdID)
		e.emitAgent(c, calllog.CallUnhold, a, calllog.Data{By: "agent"})
		c.state = csTalking
	case stepAgentHangup:
		e.agentHangup(c)
	case stepCallerHangup:
		e.callerHangup(c)
	case stepTransfer:
		e.transfer(c)
	}
	if c.stepIdx < len(c.steps) && s.kind <= stepUnhold {
		e.schedule(event{at: c.steps[c.stepIdx].at, kind: evStep, c: c, gen: c.gen})
	}
}

// endLeg ends the talking agent's leg (by: agent, caller, transfer): the
// leg is logged, the agent goes to wrap-up.
func (e *engine) endLeg(c *callState, by string) *agentState {
	a := c.agent
	e.emitAgent(c, calllog.LegEnded, a, calllog.Data{By: by})
	if by != "transfer" && c.unresolved {
		c.resolver = a
	}
	e.startWrap(a, c)
	c.agent = nil
	return a
}

// agentHangup: the agent ends the conversation; the caller is asked for
// a rating when the queue surveys.
func (e *engine) agentHangup(c *callState) {
	e.endLeg(c, "agent")
	e.emit(c, calllog.RecordingStopped, calllog.Event{})
	c.intent.HangupBy = "agent"
	if c.q == nil || !c.q.Survey || c.surveyed || c.direction != "inbound" {
		e.endCall(c, "agent", "bye")
		return
	}
	c.surveyed, c.state = true, csSurvey
	r := e.rCall
	prompt := uniMS(r, 4500*time.Millisecond, 6*time.Second)
	switch {
	case chance(r, e.cfg.Shares.Rated):
		c.gen++
		e.schedule(event{at: e.now + prompt + uniMS(r, 500*time.Millisecond, 6*time.Second), kind: evSurveyKey, c: c, gen: c.gen,
			n: e.score(c)})
	case chance(r, 0.55): // hangs up during the question
		e.endLater(c, e.now+uniMS(r, time.Second, 6*time.Second), "caller", "bye")
		c.state = csSurvey
	default: // asked twice, no key
		e.endLater(c, e.now+2*(prompt+10000), "system", "survey_no_answer")
		c.state = csSurvey
	}
}

// score draws a rating on the queue's scale: mostly 4–5 of 5, some 1s
// ("very unsatisfied"), worse after a long wait or an unresolved issue.
func (e *engine) score(c *callState) int {
	good := [5]float64{0.07, 0.04, 0.09, 0.25, 0.55}
	bad := [5]float64{0.25, 0.15, 0.2, 0.2, 0.2}
	p := good
	if c.unresolved || c.intent.WaitMS > 120000 {
		p = bad
	}
	x, s5 := e.rCall.Float64(), 5
	for i, w := range p {
		if x < w {
			s5 = i + 1
			break
		}
		x -= w
	}
	scale := c.q.SurveyScale
	return 1 + int(math.Round(float64(s5-1)*float64(scale-1)/4))
}

func (e *engine) surveyKey(c *callState, score int) {
	e.emit(c, calllog.CallRated, calllog.Event{Leg: "caller", AgentID: c.lastAgent.ID, Queue: c.q.Name,
		Data: calllog.Data{Score: score, Scale: c.q.SurveyScale}})
	c.intent.Rating = score
	e.endLater(c, e.now+uniMS(e.rCall, 2500*time.Millisecond, 3500*time.Millisecond), "system", "survey_done")
	c.state = csSurvey
}

// callerHangup: the caller ends the conversation (on hold or not).
func (e *engine) callerHangup(c *callState) {
	e.endLeg(c, "caller")
	e.emit(c, calllog.RecordingStopped, calllog.Event{})
	c.intent.HangupBy = "caller"
	e.endCall(c, "caller", "bye")
}

// transfer: the agent hands the caller on (blind), mostly to another
// queue, otherwise to a free colleague.
func (e *engine) transfer(c *callState) {
	a := c.agent
	r := e.rCall
	var others []*queueRT
	for _, q := range e.queues {
		if q != c.q {
			others = append(others, q)
		}
	}
	var to *queueRT
	var peer *agentState
	if len(others) == 0 || !chance(r, 0.7) {
		peer = e.popReady(c.q, c) // the talking agent is not ready: never themselves
	}
	var target string
	if peer != nil {
		target = "agent:" + strconv.FormatInt(peer.ID, 10)
	} else {
		to = c.q
		if len(others) > 0 {
			to = others[r.IntN(len(others))]
		}
		target = "queue:" + to.Name
	}
	e.emitAgent(c, calllog.CallTransfer, a, calllog.Data{Kind: "blind", Target: target})
	e.endLeg(c, "transfer")
	c.transferred = true
	c.intent.Transfers++
	if peer == nil {
		e.enqueue(c, to, 0, nil)
		return
	}
	peer.reserved = true
	peer.epoch++
	c.ring, c.offerAt, c.state = peer, e.now, csDirect
	e.emitAgent(c, calllog.QueueOffer, peer, calllog.Data{})
	c.gen++
	e.schedule(event{at: e.now + uniMS(r, 2*time.Second, 8*time.Second), kind: evDirectAnswer, c: c, gen: c.gen})
}

// directAnswer: the colleague picks up the transferred call (the ACD
// counts them on a direct call: ready → on_call, no ringing state).
func (e *engine) directAnswer(c *callState) {
	b := c.ring
	c.ring = nil
	b.reserved = false
	e.move(b, stOnCall, "", c.acdID)
	b.call = c
	e.emitAgent(c, calllog.AgentAnswered, b, calllog.Data{RingMS: e.now - c.offerAt, WaitMS: e.now - c.queuedAt})
	e.connected(c, b, e.now-c.queuedAt)
	e.startLeg(c, b, false)
}
