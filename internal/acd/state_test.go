package acd

import (
	"testing"
)

// TestEngineOverExistingState: a second engine built over the first one's
// State (as after a restart or failover with a shared State) keeps agents,
// waiting calls in order and the round-robin pointer; offers are not kept,
// so ringing agents are released and offered calls wait again.
func TestEngineOverExistingState(t *testing.T) {
	h := newHarness(t)
	st := NewMemState()
	h.e = New(h.clk, h.rec, Options{State: st, Location: testZone})
	q := Queue{ID: 1, Strategy: RoundRobin, WrapUpSec: 30, MaxWaitSec: 300, Overflow: Overflow{Action: OverflowHangup}}
	h.queue(q)
	for _, id := range []int64{1, 2, 3, 4} {
		h.agent(id, nil, 1)
	}
	h.ok(h.e.SetNotReady(3, ReasonBreak))
	h.ok(h.e.SetNotReady(4, ReasonBreak))
	h.enqueue("a", 1, 0)
	h.enqueue("b", 1, 5)
	offers := h.dispatch() // b (priority) → 1, then a → 2 by rotation
	if len(offers) != 2 || offers[0].CallID != "b" || offers[0].AgentIDs[0] != 1 ||
		offers[1].CallID != "a" || offers[1].AgentIDs[0] != 2 {
		t.Fatalf("offers = %+v", offers)
	}
	_, err := h.e.OfferAnswered(offers[0].ID, 1)
	h.ok(err)
	h.ok(h.e.CallEnded("b", 1)) // agent 1 in wrap-up; agent 2 left ringing
	h.enqueue("c", 1, 0)

	h.rec.reset()
	e2 := New(h.clk, h.rec, Options{State: st, Location: testZone})
	h.e = e2
	h.ok(e2.UpsertQueue(q))
	h.wantState(2, Ready)
	if got := h.transitions(2); len(got) != 1 || got[0] != "ringing>ready:offer_lost" {
		t.Fatalf("agent 2 events = %v", got)
	}
	qs := h.queueStatus(1)
	if qs.Waiting != 2 || qs.Calls[0].ID != "a" || qs.Calls[1].ID != "c" || qs.Calls[0].Offered {
		t.Fatalf("queue after rebuild = %+v", qs)
	}
	// Only agent 2 is free (1 in wrap-up, 3 and 4 on break): a goes to it
	// again, and c waits.
	o := h.one()
	if o.CallID != "a" || o.AgentIDs[0] != 2 {
		t.Fatalf("offer after rebuild = %+v", o)
	}
	_, err = e2.OfferAnswered(o.ID, 2)
	h.ok(err)
	// Agent 1's wrap-up timer was re-created.
	h.clk.Advance(sec(30))
	e2.Tick()
	h.wantState(1, Ready)
	// Call timers were re-created too: max wait still overflows c.
	h.clk.Advance(sec(300))
	if acts := actionsOf(e2.Tick(), ActionOverflow); len(acts) != 1 || acts[0].CallID != "c" {
		t.Fatalf("overflow after rebuild = %+v", acts)
	}
}
