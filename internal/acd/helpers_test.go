package acd

import (
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"
)

// fakeClock is a manual clock; safe for concurrent use.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// recorder is an EventSink keeping every event.
type recorder struct {
	mu  sync.Mutex
	evs []AgentEvent
}

func (r *recorder) AgentEvent(ev AgentEvent) {
	r.mu.Lock()
	r.evs = append(r.evs, ev)
	r.mu.Unlock()
}

func (r *recorder) events() []AgentEvent {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]AgentEvent(nil), r.evs...)
}

func (r *recorder) reset() {
	r.mu.Lock()
	r.evs = nil
	r.mu.Unlock()
}

// testZone is the call center's local time zone in tests (UTC+8).
var testZone = time.FixedZone("CST", 8*3600)

// t0 is 09:00 local on a Monday.
var t0 = time.Date(2025, 3, 10, 9, 0, 0, 0, testZone)

type harness struct {
	t   *testing.T
	clk *fakeClock
	rec *recorder
	e   *Engine
}

func newHarness(t *testing.T) *harness {
	return newHarnessOpts(t, Options{})
}

func newHarnessOpts(t *testing.T, opts Options) *harness {
	t.Helper()
	clk := &fakeClock{t: t0}
	rec := &recorder{}
	if opts.Location == nil {
		opts.Location = testZone
	}
	return &harness{t: t, clk: clk, rec: rec, e: New(clk, rec, opts)}
}

func (h *harness) ok(err error) {
	h.t.Helper()
	if err != nil {
		h.t.Fatal(err)
	}
}

func (h *harness) wantErr(err, target error) {
	h.t.Helper()
	if !errors.Is(err, target) {
		h.t.Fatalf("err = %v, want %v", err, target)
	}
}

func (h *harness) queue(q Queue) {
	h.t.Helper()
	if q.Strategy == "" {
		q.Strategy = LongestIdle
	}
	h.ok(h.e.UpsertQueue(q))
}

// agent adds and logs in an agent who is a member of queues (penalty 0).
func (h *harness) agent(id int64, skills map[string]int, queues ...int64) {
	h.t.Helper()
	a := Agent{ID: id, Name: fmt.Sprintf("agent%d", id), Skills: skills}
	for _, q := range queues {
		a.Queues = append(a.Queues, Membership{QueueID: q})
	}
	h.ok(h.e.UpsertAgent(a))
	h.ok(h.e.Login(id))
}

func (h *harness) enqueue(id string, queue int64, prio int) EnqueueResult {
	h.t.Helper()
	res, err := h.e.Enqueue(WaitingCall{ID: id, QueueID: queue, Priority: prio, Caller: "+86100" + id})
	h.ok(err)
	return res
}

func (h *harness) dispatch() []Offer {
	return h.e.Dispatch()
}

// one dispatches and expects exactly one offer.
func (h *harness) one() Offer {
	h.t.Helper()
	offers := h.dispatch()
	if len(offers) != 1 {
		h.t.Fatalf("Dispatch() = %+v, want one offer", offers)
	}
	return offers[0]
}

func (h *harness) none() {
	h.t.Helper()
	if offers := h.dispatch(); len(offers) != 0 {
		h.t.Fatalf("Dispatch() = %+v, want none", offers)
	}
}

// serve answers an offer with its first agent and ends the call at once.
func (h *harness) serve(o Offer) int64 {
	h.t.Helper()
	a := o.AgentIDs[0]
	_, err := h.e.OfferAnswered(o.ID, a)
	h.ok(err)
	h.ok(h.e.CallEnded(o.CallID, a))
	return a
}

func (h *harness) agentStatus(id int64) AgentStatus {
	h.t.Helper()
	s, err := h.e.AgentStatus(id)
	h.ok(err)
	return s
}

func (h *harness) wantState(id int64, want AgentState) {
	h.t.Helper()
	if got := h.agentStatus(id).State; got != want {
		h.t.Fatalf("agent %d state = %s, want %s", id, got, want)
	}
}

func (h *harness) queueStatus(id int64) QueueStatus {
	h.t.Helper()
	s, err := h.e.QueueStatus(id)
	h.ok(err)
	return s
}

func (h *harness) tick() []Action {
	return h.e.Tick()
}

func actionsOf(acts []Action, kind ActionKind) []Action {
	var out []Action
	for _, a := range acts {
		if a.Kind == kind {
			out = append(out, a)
		}
	}
	return out
}

// transitions renders an agent's state events as "from>to:reason".
func (h *harness) transitions(agent int64) []string {
	var out []string
	for _, ev := range h.rec.events() {
		if ev.AgentID == agent && ev.Kind == EventState {
			s := string(ev.From) + ">" + string(ev.To)
			if ev.Reason != "" {
				s += ":" + string(ev.Reason)
			}
			out = append(out, s)
		}
	}
	return out
}

func sec(n int) time.Duration { return time.Duration(n) * time.Second }
