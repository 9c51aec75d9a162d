package acd

import (
	"fmt"
	"sort"
	"time"
)

// EnqueueResult is a call's place in its queue. Overflow is set alongside
// ErrQueueFull and ErrNoAgents: where the owner should send the call
// instead (Action OverflowNone means "blocked": play busy).
type EnqueueResult struct {
	Position      int           `json:"position"`
	EstimatedWait time.Duration `json:"estimated_wait"`
	Overflow      *Overflow     `json:"overflow,omitempty"`
}

// Enqueue puts a call in its queue and returns its position and estimated
// wait. The call is offered by a later Dispatch.
func (e *Engine) Enqueue(c WaitingCall) (EnqueueResult, error) {
	if err := c.validate(); err != nil {
		return EnqueueResult{}, fmt.Errorf("acd: call %q: %w", c.ID, err)
	}
	c.Skills = cloneSkills(c.Skills)
	e.mu.Lock()
	defer e.mu.Unlock()
	q, ok := e.queues[c.QueueID]
	if !ok {
		return EnqueueResult{}, fmt.Errorf("acd: call %q: queue %d: %w", c.ID, c.QueueID, ErrUnknownQueue)
	}
	if _, dup := e.st.Call(c.ID); dup {
		return EnqueueResult{}, fmt.Errorf("acd: call %q: %w", c.ID, ErrDuplicateCall)
	}
	now := e.now()
	st := e.qstats(q, now)
	if c.callback == nil && q.cfg.MaxWaiting > 0 && len(q.waiting)-q.callbacks >= q.cfg.MaxWaiting {
		st.blocked++
		return e.refuse(q), fmt.Errorf("acd: call %q: queue %d: %w", c.ID, q.cfg.ID, ErrQueueFull)
	}
	if c.callback == nil && q.cfg.OverflowNoAgents && !q.anyLoggedIn() {
		st.blocked++
		return e.refuse(q), fmt.Errorf("acd: call %q: queue %d: %w", c.ID, q.cfg.ID, ErrNoAgents)
	}
	entered := c.EnteredAt.UnixMilli()
	if c.EnteredAt.IsZero() || entered > now {
		entered = now
	}
	c.EnteredAt = time.UnixMilli(entered)
	e.seq++
	rec := &CallRecord{Call: c, EnteredMs: entered, Seq: e.seq,
		KeyMs: entered - int64(c.Priority)*q.cfg.boostMs()}
	st.entered++
	if c.callback != nil { // a retried callback waits as a callback from the start
		rec.Callback = c.callback
		q.callbacks++
	}
	pos := e.insertCall(q, rec)
	e.scheduleCall(q, rec, now)
	e.st.PutCall(rec)
	return EnqueueResult{Position: pos, EstimatedWait: e.estimate(q, pos)}, nil
}

// EnqueueCallback queues a callback request of its own — a callback to
// try again after the customer did not answer — atomically, so it is never
// offered as a live call. The queue's max-waiting limit does not apply:
// callbacks do not hold a line.
func (e *Engine) EnqueueCallback(c WaitingCall, req CallbackRequest) (EnqueueResult, error) {
	if req.Number == "" {
		req.Number = c.Caller
	}
	if err := checkText("number", req.Number, true, maxTextLen); err != nil {
		return EnqueueResult{}, fmt.Errorf("acd: call %q: %w", c.ID, err)
	}
	c.callback = &req
	return e.Enqueue(c)
}

func (e *Engine) refuse(q *queueRT) EnqueueResult {
	ov := q.cfg.Overflow
	return EnqueueResult{Overflow: &ov}
}

func cloneSkills(s []SkillReq) []SkillReq {
	if s == nil {
		return nil
	}
	return append([]SkillReq{}, s...)
}

func (q *queueRT) anyLoggedIn() bool {
	for _, m := range q.members {
		if m.a.State.loggedIn() {
			return true
		}
	}
	return false
}

// insertCall adds rec to q's ordered waiting list, returning its position.
func (e *Engine) insertCall(q *queueRT, rec *CallRecord) int {
	i := sort.Search(len(q.waiting), func(i int) bool { return callLess(rec, q.waiting[i]) })
	q.waiting = append(q.waiting, nil)
	copy(q.waiting[i+1:], q.waiting[i:])
	q.waiting[i] = rec
	if rec.Callback != nil {
		q.callbacks++
	}
	e.active[q.cfg.ID] = q
	return i + 1
}

// position is rec's 1-based place, 0 if absent.
func (q *queueRT) position(rec *CallRecord) int {
	i := sort.Search(len(q.waiting), func(i int) bool { return !callLess(q.waiting[i], rec) })
	if i < len(q.waiting) && q.waiting[i] == rec {
		return i + 1
	}
	return 0
}

func (e *Engine) removeCall(q *queueRT, rec *CallRecord) {
	if i := q.position(rec) - 1; i >= 0 {
		q.waiting = append(q.waiting[:i], q.waiting[i+1:]...)
		if rec.Callback != nil {
			q.callbacks--
		}
	}
	if len(q.waiting) == 0 {
		delete(e.active, q.cfg.ID)
	}
}

// scheduleCall (re)creates a waiting call's timers for the queue's current
// configuration generation.
func (e *Engine) scheduleCall(q *queueRT, rec *CallRecord, now int64) {
	rec.gen++
	rec.MaxWaitMs, rec.NextAnnounceMs = 0, 0
	id := rec.Call.ID
	if rec.Callback != nil {
		if nb := rec.Callback.NotBefore.UnixMilli(); !rec.Callback.NotBefore.IsZero() && nb > now {
			e.pushTimer(timer{at: nb, kind: tCallbackDue, call: id, gen: rec.gen})
		}
	} else {
		if q.cfg.MaxWaitSec > 0 {
			rec.MaxWaitMs = rec.EnteredMs + secMs(q.cfg.MaxWaitSec)
			e.pushTimer(timer{at: max(rec.MaxWaitMs, now), kind: tMaxWait, call: id, gen: rec.gen})
		}
		if q.cfg.AnnounceIntervalSec > 0 {
			rec.NextAnnounceMs = now + secMs(q.cfg.AnnounceIntervalSec)
			e.pushTimer(timer{at: rec.NextAnnounceMs, kind: tAnnounce, call: id, gen: rec.gen})
		}
	}
	for i, w := range q.cfg.Widening {
		if at := rec.EnteredMs + secMs(w.AfterSec); at > now {
			e.pushTimer(timer{at: at, kind: tWiden, call: id, step: i, gen: rec.gen})
		}
	}
}

func secMs(s int) int64 { return int64(s) * 1000 }

func (e *Engine) call(id string) (*CallRecord, *queueRT, error) {
	rec, ok := e.st.Call(id)
	if !ok {
		return nil, nil, fmt.Errorf("acd: call %q: %w", id, ErrUnknownCall)
	}
	q, ok := e.queues[rec.Call.QueueID]
	if !ok {
		return nil, nil, fmt.Errorf("acd: call %q: queue %d: %w", id, rec.Call.QueueID, ErrUnknownQueue)
	}
	return rec, q, nil
}

// Abandon removes a call whose caller hung up and returns how long it
// waited. Agents ringing for it are released (ReasonCallerAbandoned); the
// owner cancels those legs.
func (e *Engine) Abandon(callID string) (time.Duration, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	rec, q, err := e.call(callID)
	if err != nil {
		return 0, err
	}
	now := e.now()
	waited := now - rec.EnteredMs
	st := e.qstats(q, now)
	if rec.Callback == nil {
		st.abandoned++
		if waited < secMs(q.cfg.ShortAbandonSec) {
			st.shortAbandoned++
		}
	}
	e.dropCall(q, rec, ReasonCallerAbandoned, now)
	return time.Duration(waited) * time.Millisecond, nil
}

// Remove takes a call out of its queue without counting it as abandoned
// (transferred away, sent to voicemail by the caller, callback cancelled).
func (e *Engine) Remove(callID string) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	rec, q, err := e.call(callID)
	if err != nil {
		return err
	}
	e.dropCall(q, rec, ReasonCallRemoved, e.now())
	return nil
}

// dropCall deletes a call, releasing any agents ringing for it.
func (e *Engine) dropCall(q *queueRT, rec *CallRecord, reason Reason, now int64) {
	if o, ok := e.offers[rec.OfferID]; ok {
		for _, id := range o.AgentIDs {
			if o.ringing[id] {
				if a, ok := e.st.Agent(id); ok {
					e.settle(a, reason, now)
				}
			}
		}
		delete(e.offers, o.ID)
	}
	e.removeCall(q, rec)
	e.st.DeleteCall(rec.Call.ID)
}

// RequestCallback turns a waiting call into a callback that keeps its place:
// the caller may hang up, no announcement or max-wait applies, and when its
// turn comes Dispatch makes an OfferCallback.
func (e *Engine) RequestCallback(callID string, req CallbackRequest) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	rec, q, err := e.call(callID)
	if err != nil {
		return err
	}
	if req.Number == "" {
		req.Number = rec.Call.Caller
	}
	if err := checkText("number", req.Number, true, maxTextLen); err != nil {
		return fmt.Errorf("acd: call %q: %w", callID, err)
	}
	if rec.OfferID != 0 {
		return fmt.Errorf("acd: call %q: %w", callID, ErrCallOffered)
	}
	if rec.Callback == nil {
		q.callbacks++
	}
	rec.Callback = &req
	e.scheduleCall(q, rec, e.now())
	e.st.PutCall(rec)
	return nil
}

// Position returns a waiting call's place and estimated wait.
func (e *Engine) Position(callID string) (EnqueueResult, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	rec, q, err := e.call(callID)
	if err != nil {
		return EnqueueResult{}, err
	}
	pos := q.position(rec)
	return EnqueueResult{Position: pos, EstimatedWait: e.estimate(q, pos)}, nil
}
