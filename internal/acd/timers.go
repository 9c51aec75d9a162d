package acd

import (
	"container/heap"
	"time"
)

type timerKind uint8

const (
	tWrap        timerKind = iota // agent's wrap-up ends
	tRing                         // offer rang out
	tMaxWait                      // call reached the queue's max wait
	tAnnounce                     // call's next position announcement
	tWiden                        // call's skill requirements widen
	tCallbackDue                  // scheduled callback becomes due
	tWake                         // eligibility changes (retry delay over): no action
)

// timer is one entry of the engine's timer heap. Entries are never removed
// early: when one fires it is checked against the live record (generation,
// deadline, state) and ignored if stale.
type timer struct {
	at    int64
	kind  timerKind
	agent int64
	offer int64
	call  string
	step  int
	gen   uint64
}

type timerHeap []timer

func (h timerHeap) Len() int           { return len(h) }
func (h timerHeap) Less(i, j int) bool { return h[i].at < h[j].at }
func (h timerHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *timerHeap) Push(x any)        { *h = append(*h, x.(timer)) }
func (h *timerHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

func (e *Engine) pushTimer(t timer) { heap.Push(&e.timers, t) }

// ActionKind names what Tick asks the owner to do.
type ActionKind string

// Actions returned by Tick.
const (
	// ActionOverflow: the call reached its max wait. For OverflowCallback
	// it stays queued as a callback (tell the caller and hang up); for
	// every other action it has left the queue and the owner sends it to
	// Overflow (for OverflowQueue: Enqueue it there).
	ActionOverflow ActionKind = "overflow"
	// ActionAnnounce: play Position and EstimatedWait to the caller.
	ActionAnnounce ActionKind = "announce"
	// ActionOfferTimeout: the offer rang out; cancel the legs to AgentIDs.
	// The engine has already applied FailNoAnswer to each.
	ActionOfferTimeout ActionKind = "offer_timeout"
	// ActionCallbackDue: a scheduled callback became due and is offerable.
	ActionCallbackDue ActionKind = "callback_due"
	// ActionWidened: the call's skill requirements widened to Skills
	// (for the event log; nothing to do).
	ActionWidened ActionKind = "widened"
)

// Action is one thing Tick decided.
type Action struct {
	Kind          ActionKind    `json:"kind"`
	CallID        string        `json:"call_id"`
	QueueID       int64         `json:"queue_id"`
	OfferID       int64         `json:"offer_id,omitempty"`
	AgentIDs      []int64       `json:"agent_ids,omitempty"`
	Position      int           `json:"position,omitempty"`
	EstimatedWait time.Duration `json:"estimated_wait,omitempty"`
	Waited        time.Duration `json:"waited,omitempty"`
	Overflow      *Overflow     `json:"overflow,omitempty"`
	Skills        []SkillReq    `json:"skills,omitempty"`
}

// Tick runs every timer that is due: wrap-up expiry, ring timeouts (unless
// Options.ManualRingTimeouts), max-wait overflow, announcements, widening
// and callback due times. Call Dispatch after it. NextDeadline says when
// the next timer is due; calling Tick more often is harmless.
func (e *Engine) Tick() []Action {
	e.mu.Lock()
	defer e.mu.Unlock()
	now := e.now()
	var acts []Action
	for len(e.timers) > 0 && e.timers[0].at <= now {
		t := heap.Pop(&e.timers).(timer)
		acts = e.fire(t, now, acts)
	}
	return acts
}

// NextDeadline is when Tick next has something to do (it may turn out to be
// nothing); ok is false when no timer is pending.
func (e *Engine) NextDeadline() (at time.Time, ok bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if len(e.timers) == 0 {
		return time.Time{}, false
	}
	return time.UnixMilli(e.timers[0].at), true
}

func (e *Engine) fire(t timer, now int64, acts []Action) []Action {
	switch t.kind {
	case tWrap:
		if a, ok := e.st.Agent(t.agent); ok && a.State == WrapUp && a.WrapEndsMs == t.at {
			e.finishWrap(a, ReasonWrapUpExpired, now)
		}
	case tRing:
		if o, ok := e.offers[t.offer]; ok && o.deadlineMs == t.at {
			acts = append(acts, e.ringOut(o, now))
		}
	case tWake:
	default:
		return e.fireCall(t, now, acts)
	}
	return acts
}

func (e *Engine) ringOut(o *offer, now int64) Action {
	act := Action{Kind: ActionOfferTimeout, CallID: o.CallID, QueueID: o.QueueID, OfferID: o.ID}
	for _, id := range o.AgentIDs {
		if !o.ringing[id] {
			continue
		}
		act.AgentIDs = append(act.AgentIDs, id)
		if a, ok := e.st.Agent(id); ok {
			e.failAgent(o, a, FailNoAnswer, now)
		}
	}
	if _, open := e.offers[o.ID]; open {
		e.closeOffer(o, now) // only if an agent record vanished mid-ring
	}
	return act
}

// fireCall handles the timers of a waiting call.
func (e *Engine) fireCall(t timer, now int64, acts []Action) []Action {
	rec, ok := e.st.Call(t.call)
	if !ok || rec.gen != t.gen {
		return acts
	}
	q, ok := e.queues[rec.Call.QueueID]
	if !ok {
		return acts
	}
	base := Action{CallID: rec.Call.ID, QueueID: q.cfg.ID, Waited: time.Duration(now-rec.EnteredMs) * time.Millisecond}
	switch t.kind {
	case tMaxWait:
		// An offered call is left to ring; failAgent re-arms this timer.
		if rec.Callback == nil && rec.OfferID == 0 && rec.MaxWaitMs > 0 && now >= rec.MaxWaitMs {
			acts = append(acts, e.overflow(q, rec, base, now))
		}
	case tAnnounce:
		if rec.Callback != nil || rec.NextAnnounceMs != t.at {
			return acts
		}
		rec.NextAnnounceMs = t.at + secMs(q.cfg.AnnounceIntervalSec)
		e.st.PutCall(rec)
		e.pushTimer(timer{at: rec.NextAnnounceMs, kind: tAnnounce, call: rec.Call.ID, gen: rec.gen})
		if rec.OfferID == 0 {
			base.Kind, base.Position = ActionAnnounce, q.position(rec)
			base.EstimatedWait = e.estimate(q, base.Position)
			acts = append(acts, base)
		}
	case tWiden:
		base.Kind = ActionWidened
		base.Skills = effectiveSkills(&q.cfg, rec, t.step+1)
		acts = append(acts, base)
	case tCallbackDue:
		if rec.Callback != nil {
			base.Kind = ActionCallbackDue
			acts = append(acts, base)
		}
	}
	return acts
}

// overflow applies the queue's overflow to a call that waited too long.
func (e *Engine) overflow(q *queueRT, rec *CallRecord, act Action, now int64) Action {
	ov := q.cfg.Overflow
	act.Kind, act.Overflow = ActionOverflow, &ov
	if ov.Action == OverflowCallback && rec.Call.Caller != "" {
		rec.Callback = &CallbackRequest{Number: rec.Call.Caller}
		q.callbacks++
		e.scheduleCall(q, rec, now)
		e.st.PutCall(rec)
		return act
	}
	if ov.Action == OverflowCallback {
		// No number to call back: the caller can only be told goodbye.
		ov.Action = OverflowHangup
	}
	e.qstats(q, now).overflowed++
	e.dropCall(q, rec, ReasonCallRemoved, now)
	return act
}
