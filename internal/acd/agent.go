package acd

import (
	"fmt"
	"time"
)

// move changes a's state, stamps it, stores it and emits the event. The
// caller has already set a's call fields as they should read afterwards;
// callID and queueID name the call the event is about.
func (e *Engine) move(a *AgentRecord, to AgentState, reason Reason, callID string, queueID int64, now int64) error {
	from := a.State
	if !canMove(from, to) {
		return fmt.Errorf("acd: agent %d: %s → %s: %w", a.Agent.ID, from, to, ErrInvalidTransition)
	}
	if to == Ready && from != Ringing {
		a.IdleSinceMs = now // a ring that failed does not reset idleness
	}
	a.State, a.Reason, a.SinceMs = to, reason, now
	e.st.PutAgent(a)
	e.syncAvail(a)
	e.emit(AgentEvent{
		Kind: EventState, AgentID: a.Agent.ID, From: from, To: to, Reason: reason,
		AtMs: now, CallID: callID, QueueID: queueID, Reachable: a.Reachable,
	})
	return nil
}

// mustMove is move for transitions the engine itself guarantees valid; a
// failure is a bug, logged rather than panicking in the SIP path.
func (e *Engine) mustMove(a *AgentRecord, to AgentState, reason Reason, now int64) {
	if err := e.move(a, to, reason, a.CallID, a.QueueID, now); err != nil {
		e.log.Error("acd: internal transition refused", "err", err)
	}
}

// clearCall forgets a's call, offer and wrap-up, returning what it was.
func (e *Engine) clearCall(a *AgentRecord) (string, int64) {
	callID, qid := a.CallID, a.QueueID
	a.CallID, a.QueueID, a.OfferID, a.WrapEndsMs, a.AnsweredAtMs = "", 0, 0, 0, 0
	return callID, qid
}

// settle ends an agent's involvement in a call or offer: to the not-ready
// state asked for meanwhile, else to ready with reason.
func (e *Engine) settle(a *AgentRecord, reason Reason, now int64) {
	callID, qid := e.clearCall(a)
	to := Ready
	if a.PendingReason != "" {
		to, reason, a.PendingReason = NotReady, a.PendingReason, ""
	}
	if err := e.move(a, to, reason, callID, qid, now); err != nil {
		e.log.Error("acd: internal transition refused", "err", err)
	}
}

// Login moves a logged-out agent to ready.
func (e *Engine) Login(agentID int64) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	a, err := e.agent(agentID)
	if err != nil {
		return err
	}
	if a.State != LoggedOut {
		return fmt.Errorf("acd: agent %d is %s: %w", agentID, a.State, ErrInvalidTransition)
	}
	return e.move(a, Ready, "", "", 0, e.now())
}

// Logout logs out an agent who is ready, not ready or in wrap-up. An agent
// with a call or an offer gets ErrInvalidTransition.
func (e *Engine) Logout(agentID int64) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	a, err := e.agent(agentID)
	if err != nil {
		return err
	}
	if !canMove(a.State, LoggedOut) {
		return fmt.Errorf("acd: agent %d is %s: %w", agentID, a.State, ErrInvalidTransition)
	}
	now := e.now()
	e.finishHandle(a, now)
	callID, qid := e.clearCall(a)
	a.PendingReason = ""
	return e.move(a, LoggedOut, "", callID, qid, now)
}

// SetReady makes an agent ready. In wrap-up it ends the wrap-up; during a
// call or an offer it cancels a pending not-ready request.
func (e *Engine) SetReady(agentID int64) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	a, err := e.agent(agentID)
	if err != nil {
		return err
	}
	switch a.State {
	case Ready:
		return nil
	case NotReady:
		return e.move(a, Ready, "", "", 0, e.now())
	case Ringing, OnCall, OnHold:
		a.PendingReason = ""
		e.st.PutAgent(a)
		return nil
	case WrapUp:
		a.PendingReason = ""
		e.finishWrap(a, ReasonWrapUpEnded, e.now())
		return nil
	}
	return fmt.Errorf("acd: agent %d is %s: %w", agentID, a.State, ErrInvalidTransition)
}

// SetNotReady makes a ready or not-ready agent not ready with reason. An
// agent ringing, on a call or in wrap-up keeps working and goes not ready
// with that reason when the wrap-up ends.
func (e *Engine) SetNotReady(agentID int64, reason Reason) error {
	if err := checkReason("reason", reason); err != nil {
		return fmt.Errorf("acd: agent %d: %w", agentID, err)
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	a, err := e.agent(agentID)
	if err != nil {
		return err
	}
	switch a.State {
	case NotReady:
		if a.Reason == reason {
			return nil
		}
		return e.move(a, NotReady, reason, "", 0, e.now())
	case Ready:
		return e.move(a, NotReady, reason, "", 0, e.now())
	case Ringing, OnCall, OnHold, WrapUp:
		a.PendingReason = reason
		e.st.PutAgent(a)
		return nil
	}
	return fmt.Errorf("acd: agent %d is %s: %w", agentID, a.State, ErrInvalidTransition)
}

// SetReachable records whether the agent's phone can be reached (set by the
// SIP layer on registration and expiry). An unreachable agent keeps its
// state but is never offered a call. Changes emit an EventReachability.
func (e *Engine) SetReachable(agentID int64, reachable bool) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	a, err := e.agent(agentID)
	if err != nil {
		return err
	}
	if a.Reachable == reachable {
		return nil
	}
	a.Reachable = reachable
	e.st.PutAgent(a)
	e.syncAvail(a)
	reason := ReasonUnreachable
	if reachable {
		reason = ReasonReachable
	}
	e.emit(AgentEvent{
		Kind: EventReachability, AgentID: agentID, From: a.State, To: a.State, Reason: reason,
		AtMs: e.now(), CallID: a.CallID, QueueID: a.QueueID, Reachable: reachable,
	})
	return nil
}

// EndWrapUp ends an agent's wrap-up early.
func (e *Engine) EndWrapUp(agentID int64) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	a, err := e.agent(agentID)
	if err != nil {
		return err
	}
	if a.State != WrapUp {
		return fmt.Errorf("acd: agent %d is %s: %w", agentID, a.State, ErrInvalidTransition)
	}
	e.finishWrap(a, ReasonWrapUpEnded, e.now())
	return nil
}

// Hold puts the agent's call on hold.
func (e *Engine) Hold(agentID int64) error { return e.holdMove(agentID, OnCall, OnHold) }

// Resume takes the agent's call off hold.
func (e *Engine) Resume(agentID int64) error { return e.holdMove(agentID, OnHold, OnCall) }

func (e *Engine) holdMove(agentID int64, from, to AgentState) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	a, err := e.agent(agentID)
	if err != nil {
		return err
	}
	if a.State != from {
		return fmt.Errorf("acd: agent %d is %s: %w", agentID, a.State, ErrInvalidTransition)
	}
	return e.move(a, to, "", a.CallID, a.QueueID, e.now())
}

// StartDirectCall marks a ready or not-ready agent on a call that did not
// come through a queue (outbound, internal, dialer), so the ACD offers
// nothing meanwhile. A not-ready agent returns to the same reason after.
func (e *Engine) StartDirectCall(agentID int64, callID string) error {
	if err := checkText("call_id", callID, true, maxTextLen); err != nil {
		return fmt.Errorf("acd: agent %d: %w", agentID, err)
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	a, err := e.agent(agentID)
	if err != nil {
		return err
	}
	if a.State != Ready && a.State != NotReady {
		return fmt.Errorf("acd: agent %d is %s: %w", agentID, a.State, ErrInvalidTransition)
	}
	if a.State == NotReady && a.PendingReason == "" {
		a.PendingReason = a.Reason
	}
	now := e.now()
	a.CallID, a.QueueID, a.AnsweredAtMs = callID, 0, now
	return e.move(a, OnCall, "", callID, 0, now)
}

// CallEnded reports that the agent's call hung up: the agent goes to
// wrap-up for the queue's WrapUpSec (then ready, or the not-ready state
// asked for during the call), or straight on when that is zero.
func (e *Engine) CallEnded(callID string, agentID int64) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	a, err := e.agent(agentID)
	if err != nil {
		return err
	}
	if (a.State != OnCall && a.State != OnHold) || a.CallID != callID {
		return fmt.Errorf("acd: agent %d is %s with call %q, not %q: %w",
			agentID, a.State, a.CallID, callID, ErrInvalidTransition)
	}
	now := e.now()
	wrap := e.opts.DirectWrapUpSec
	if q, ok := e.queues[a.QueueID]; ok && a.QueueID != 0 {
		wrap = q.cfg.WrapUpSec
	}
	if wrap <= 0 {
		e.finishWrap(a, "", now)
		return nil
	}
	a.WrapEndsMs = now + (time.Duration(wrap) * time.Second).Milliseconds()
	e.pushTimer(timer{at: a.WrapEndsMs, kind: tWrap, agent: agentID})
	return e.move(a, WrapUp, "", a.CallID, a.QueueID, now)
}

// finishWrap ends a call's handling: records the handle time and settles.
func (e *Engine) finishWrap(a *AgentRecord, reason Reason, now int64) {
	e.finishHandle(a, now)
	e.settle(a, reason, now)
}

// finishHandle adds talk + wrap-up time to the queue's AHT history.
func (e *Engine) finishHandle(a *AgentRecord, now int64) {
	if a.AnsweredAtMs == 0 || a.QueueID == 0 {
		return
	}
	if q, ok := e.queues[a.QueueID]; ok {
		q.stats.addHandle(now - a.AnsweredAtMs)
	}
	a.AnsweredAtMs = 0
}

// countAnswered bumps the agent's calls-today, resetting at local midnight.
func (e *Engine) countAnswered(a *AgentRecord, now int64) {
	day := e.day.today(now)
	if a.CallsDayMs != day {
		a.CallsDayMs, a.CallsToday = day, 0
	}
	a.CallsToday++
}

func (e *Engine) callsToday(a *AgentRecord, now int64) int {
	if a.CallsDayMs != e.day.today(now) {
		return 0
	}
	return a.CallsToday
}
