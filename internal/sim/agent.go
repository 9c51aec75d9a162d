package sim

import (
	"fmt"
	"sort"
	"time"

	"github.com/hotline-cc/hotline/internal/calllog"
	"github.com/hotline-cc/hotline/internal/shift"
)

// Agent states, as the ACD names them (acd.AgentState).
const (
	stLoggedOut = "logged_out"
	stReady     = "ready"
	stNotReady  = "not_ready"
	stRinging   = "ringing"
	stOnCall    = "on_call"
	stOnHold    = "on_hold"
	stWrapUp    = "wrap_up"
)

// Transitions is the ACD's agent state machine (internal/acd, states.go):
// from → the states an agent may move to. Every simulated agent event is
// checked against it.
var Transitions = map[string][]string{
	stLoggedOut: {stReady},
	stReady:     {stNotReady, stLoggedOut, stRinging, stOnCall},
	stNotReady:  {stReady, stNotReady, stLoggedOut, stOnCall},
	stRinging:   {stOnCall, stReady, stNotReady},
	stOnCall:    {stOnHold, stWrapUp, stReady, stNotReady},
	stOnHold:    {stOnCall, stWrapUp, stReady, stNotReady},
	stWrapUp:    {stReady, stNotReady, stLoggedOut},
}

// CanMove reports whether the state machine allows from → to.
func CanMove(from, to string) bool {
	for _, s := range Transitions[from] {
		if s == to {
			return true
		}
	}
	return false
}

type agentState struct {
	Agent
	queues []*queueRT
	state  string
	reason string
	lastAt int64
	idle   int64  // ready since (longest idle first); a failed ring keeps it
	epoch  uint32 // bumped on every change: stale ready-heap entries
	call   *callState

	shifts     []shift.Shift
	next       int // the next shift to work
	cur        *shift.Shift
	shiftGen   uint32 // the current shift's events (login, activities, logout)
	actGen     uint32 // a pending activity end or no-answer recovery
	onShift    bool
	pendingAct string // an activity to start when the current call is done
	pendingDur int64
	leaving    bool // the shift is over: log out when the current call is done
	reserved   bool // ringing for a transfer (the ACD still counts them ready)
}

func (a *agentState) available() bool {
	return a.state == stReady && !a.reserved && !a.leaving && a.onShift
}

func (e *engine) setupAgents() {
	byAgent := map[int64][]shift.Shift{}
	for _, sh := range e.w.Shifts {
		byAgent[sh.AgentID] = append(byAgent[sh.AgentID], sh)
	}
	agents := append([]Agent(nil), e.w.Agents...)
	sort.Slice(agents, func(i, j int) bool { return agents[i].ID < agents[j].ID })
	for _, ag := range agents {
		a := &agentState{Agent: ag, state: stLoggedOut, lastAt: e.from, shifts: byAgent[ag.ID]}
		sort.Slice(a.shifts, func(i, j int) bool { return a.shifts[i].Start.Before(a.shifts[j].Start) })
		for _, q := range e.queues {
			if q.DepartmentID == 0 || q.DepartmentID == ag.DepartmentID {
				a.queues = append(a.queues, q)
			}
		}
		if len(a.queues) == 0 {
			a.queues = e.queues // an agent outside the queues' departments helps everywhere
		}
		e.agents = append(e.agents, a)
	}
}

// move changes an agent's state and logs the change.
func (e *engine) move(a *agentState, to, reason, callID string) {
	from := a.state
	if !CanMove(from, to) {
		e.fail(fmt.Errorf("sim: agent %d: %s → %s is not a valid transition", a.ID, from, to))
		return
	}
	at := e.clamp(max(e.now, a.lastAt))
	e.outAgents = append(e.outAgents, calllog.AgentEvent{AgentID: a.ID, At: msTime(at), From: from, To: to, Reason: reason, CallID: callID})
	e.stats.AgentEvents++
	a.state, a.reason, a.lastAt = to, reason, at
	a.epoch++
	if from == stLoggedOut {
		for _, q := range a.queues {
			q.loggedIn++
		}
	}
	if to == stLoggedOut {
		for _, q := range a.queues {
			q.loggedIn--
		}
	}
	if to == stReady {
		if from != stRinging {
			a.idle = at // a ring that failed does not reset idleness (as the ACD)
		}
		e.pushReady(a)
	}
}

func (e *engine) pushReady(a *agentState) {
	for _, q := range a.queues {
		q.ready.push(readyItem{idle: a.idle, id: a.ID, epoch: a.epoch, a: a})
	}
}

// nextShift schedules the login of the agent's next shift, skipping the
// shifts they miss. They log in a few minutes early, or now and then late.
func (e *engine) nextShift(a *agentState) {
	r := e.rAgent
	for a.next < len(a.shifts) {
		sh := &a.shifts[a.next]
		a.next++
		if chance(r, e.cfg.Shares.Absent) {
			continue
		}
		start, end := sh.Start.UnixMilli(), sh.End.UnixMilli()
		login := start - uniMS(r, time.Minute, 10*time.Minute)
		if chance(r, e.cfg.Shares.Late) {
			login = start + uniMS(r, 2*time.Minute, 5*time.Minute) + min(expMS(r, 10*time.Minute), (55*time.Minute).Milliseconds())
		}
		login = min(max(login, e.from, a.lastAt+1000), end-30*60000)
		if login <= a.lastAt || login >= end {
			continue
		}
		a.cur = sh
		a.shiftGen++
		e.schedule(event{at: login, kind: evLogin, a: a})
		return
	}
	a.cur = nil
}

func (e *engine) login(a *agentState) {
	sh := a.cur
	e.move(a, stReady, "", "")
	a.onShift, a.leaving, a.pendingAct = true, false, ""
	r := e.rAgent
	for i, act := range sh.Activities {
		// Breaks start roughly when scheduled: within a few minutes.
		at := act.Start.UnixMilli() + int64(r.NormFloat64()*3*60000)
		at = min(max(at, act.Start.UnixMilli()-10*60000), act.Start.UnixMilli()+10*60000)
		if at <= e.now {
			continue
		}
		e.schedule(event{at: at, kind: evActStart, a: a, n: i, gen: a.shiftGen})
	}
	logout := sh.End.UnixMilli() + uniMS(r, 0, 90*time.Second)
	e.schedule(event{at: logout, kind: evLogout, a: a, gen: a.shiftGen})
	e.dispatchAgent(a)
}

// activityStart: the agent goes on a break, to lunch or to training: at
// once when free, after the current call otherwise (the ACD's pending
// not-ready).
func (e *engine) activityStart(a *agentState, i int, gen uint32) {
	if gen != a.shiftGen || !a.onShift || a.leaving || a.cur == nil {
		return
	}
	act := a.cur.Activities[i]
	dur := int64(float64(act.End.Sub(act.Start).Milliseconds()) * (0.95 + 0.35*e.rAgent.Float64()))
	switch {
	case a.reserved || a.state == stRinging || a.state == stOnCall || a.state == stOnHold || a.state == stWrapUp:
		a.pendingAct, a.pendingDur = act.Kind, dur
	case a.state == stReady || (a.state == stNotReady && !isActivity(a.reason)):
		e.startActivity(a, act.Kind, dur, "")
	}
}

func isActivity(reason string) bool {
	for _, k := range shift.Kinds {
		if k == reason {
			return true
		}
	}
	return false
}

func (e *engine) startActivity(a *agentState, kind string, dur int64, callID string) {
	e.move(a, stNotReady, kind, callID)
	a.pendingAct = ""
	a.actGen++
	e.schedule(event{at: e.now + dur, kind: evActEnd, a: a, gen: a.actGen})
}

func (e *engine) activityEnd(a *agentState, gen uint32) {
	if gen != a.actGen || a.state != stNotReady {
		return
	}
	e.move(a, stReady, "", "")
	e.dispatchAgent(a)
}

// recover: the agent who let a call ring out is back.
func (e *engine) recover(a *agentState, gen uint32) {
	if gen != a.actGen || a.state != stNotReady {
		return
	}
	switch {
	case a.leaving:
		e.leave(a)
	case a.pendingAct != "":
		e.startActivity(a, a.pendingAct, a.pendingDur, "")
	default:
		e.move(a, stReady, "", "")
		e.dispatchAgent(a)
	}
}

func (e *engine) logout(a *agentState, gen uint32) {
	if gen != a.shiftGen || !a.onShift {
		return
	}
	a.leaving = true
	e.leave(a)
}

// leave logs out an agent whose shift is over, once they are free.
func (e *engine) leave(a *agentState) {
	if a.reserved || (a.state != stReady && a.state != stNotReady) {
		return // after the current call and its wrap-up
	}
	e.move(a, stLoggedOut, "", "")
	e.offShift(a)
}

func (e *engine) offShift(a *agentState) {
	a.onShift, a.leaving, a.pendingAct = false, false, ""
	a.actGen++
	a.shiftGen++
	e.nextShift(a)
}

// settle ends an agent's part in a call or an offer: to the activity
// asked for meanwhile, or to ready with reason; an agent whose shift is
// over logs out (the caller dispatches the agent afterwards).
func (e *engine) settle(a *agentState, reason, callID string) {
	a.call = nil
	switch {
	case a.leaving && a.state == stWrapUp:
		e.move(a, stLoggedOut, "", callID)
		e.offShift(a)
	case a.pendingAct != "":
		e.startActivity(a, a.pendingAct, a.pendingDur, callID)
		if a.leaving {
			e.leave(a)
		}
	default:
		e.move(a, stReady, reason, callID)
		if a.leaving {
			e.leave(a)
		}
	}
}

// ringFailed: the agent let the offer ring out; the queue's no-answer
// policy may take them off the phones for a moment.
func (e *engine) ringFailed(a *agentState, q *queueRT, callID string) {
	if !q.NoAnswerNotReady {
		e.settle(a, "no_answer", callID)
		return
	}
	reason := q.NoAnswerReason
	if reason == "" {
		reason = "no_answer"
	}
	a.call = nil
	e.move(a, stNotReady, reason, callID)
	a.actGen++
	e.schedule(event{at: e.now + 10000 + expMS(e.rAgent, 30*time.Second), kind: evRecover, a: a, gen: a.actGen})
}

// startWrap: the agent's leg ended; after-call work follows.
func (e *engine) startWrap(a *agentState, c *callState) {
	e.move(a, stWrapUp, "", c.acdID)
	a.call = c
	c.pending++
	mean := e.cfg.ACW.Milliseconds()
	dur := mean
	if mean > 3000 {
		dur = 3000 + expMS(e.rAgent, e.cfg.ACW-3*time.Second)
	}
	e.schedule(event{at: e.now + dur, kind: evWrapEnd, a: a, c: c})
}

// wrapEnd: the agent finishes the call's after-call work (and marks it
// unresolved if it was), then takes the next call.
func (e *engine) wrapEnd(a *agentState, c *callState) {
	if a.call != c || a.state != stWrapUp {
		return
	}
	if c.resolver == a {
		c.resolver = nil
		e.emit(c, calllog.CallResolution, calllog.Event{Leg: "agent:" + a.Extension, AgentID: a.ID,
			Data: calllog.Data{Result: calllog.ResultUnresolved}})
		c.marked = true
	}
	e.emit(c, calllog.AgentWrapUpEnd, calllog.Event{AgentID: a.ID})
	e.settle(a, "wrap_up_ended", c.acdID)
	c.pending--
	e.maybeFinish(c)
	e.dispatchAgent(a)
}
