package acd

import (
	"slices"
	"testing"
	"time"
)

func TestRingTimeoutNextAgentAndNotReady(t *testing.T) {
	h := newHarness(t)
	h.queue(Queue{ID: 1, RingTimeoutSec: 15, NoAnswer: NoAnswerPolicy{NotReady: true, Reason: "missed"}})
	h.agent(1, nil, 1)
	h.clk.Advance(sec(1))
	h.agent(2, nil, 1)
	h.enqueue("c", 1, 0)
	o := h.one()
	if o.AgentIDs[0] != 1 || !o.Deadline.Equal(h.clk.Now().Add(sec(15))) {
		t.Fatalf("offer = %+v", o)
	}
	h.clk.Advance(sec(14))
	if acts := h.tick(); len(acts) != 0 {
		t.Fatalf("early tick: %+v", acts)
	}
	h.none()
	h.clk.Advance(sec(1))
	to := actionsOf(h.tick(), ActionOfferTimeout)
	if len(to) != 1 || to[0].OfferID != o.ID || !slices.Equal(to[0].AgentIDs, []int64{1}) {
		t.Fatalf("timeout actions = %+v", to)
	}
	st := h.agentStatus(1)
	if st.State != NotReady || st.Reason != "missed" {
		t.Fatalf("agent 1 = %s/%s, want not_ready/missed", st.State, st.Reason)
	}
	if o2 := h.one(); o2.AgentIDs[0] != 2 || o2.CallID != "c" {
		t.Fatalf("second offer = %+v, want agent 2", o2)
	}
	if _, err := h.e.OfferAnswered(o.ID, 1); err == nil {
		t.Fatal("answering a timed-out offer must fail")
	}
}

func TestNoAnswerWithoutPolicyStaysReady(t *testing.T) {
	h := newHarness(t)
	h.queue(Queue{ID: 1})
	h.agent(1, nil, 1)
	h.enqueue("c", 1, 0)
	o := h.one()
	h.ok(h.e.OfferFailed(o.ID, 1, FailNoAnswer))
	h.wantState(1, Ready)
}

func TestManualRingTimeouts(t *testing.T) {
	h := newHarnessOpts(t, Options{ManualRingTimeouts: true})
	h.queue(Queue{ID: 1, RingTimeoutSec: 5})
	h.agent(1, nil, 1)
	h.enqueue("c", 1, 0)
	h.one()
	h.clk.Advance(sec(60))
	if acts := h.tick(); len(acts) != 0 {
		t.Fatalf("tick expired an offer the owner tracks: %+v", acts)
	}
	h.wantState(1, Ringing)
}

func TestBusyGoesToNextThenRetries(t *testing.T) {
	h := newHarnessOpts(t, Options{RetryAfter: 10 * time.Second})
	h.queue(Queue{ID: 1})
	h.agent(1, nil, 1)
	h.clk.Advance(sec(1))
	h.agent(2, nil, 1)
	h.enqueue("c", 1, 0)
	o := h.one()
	h.ok(h.e.OfferFailed(o.ID, 1, FailBusy))
	h.wantState(1, Ready)
	o = h.one()
	if o.AgentIDs[0] != 2 {
		t.Fatalf("next offer to %v, want 2", o.AgentIDs)
	}
	h.ok(h.e.OfferFailed(o.ID, 2, FailRejected))
	h.none() // both just failed this call
	// Another call is not affected by this call's failures.
	h.enqueue("d", 1, 0)
	if od := h.one(); od.CallID != "d" || od.AgentIDs[0] != 1 {
		t.Fatalf("offer = %+v, want d → 1", od)
	}
	h.clk.Advance(sec(10))
	h.tick()
	if oc := h.one(); oc.CallID != "c" || oc.AgentIDs[0] != 2 {
		t.Fatalf("retry offer = %+v, want c → 2", oc)
	}
}

func TestRingAllReservesThenReleasesLosers(t *testing.T) {
	h := newHarness(t)
	h.queue(Queue{ID: 1, Strategy: RingAll})
	for _, id := range []int64{1, 2, 3} {
		h.agent(id, nil, 1)
	}
	h.ok(h.e.SetNotReady(3, ReasonLunch))
	h.enqueue("c", 1, 0)
	h.enqueue("d", 1, 0)
	offers := h.dispatch()
	if len(offers) != 1 || !slices.Equal(offers[0].AgentIDs, []int64{1, 2}) {
		t.Fatalf("offers = %+v, want one offer to 1 and 2", offers)
	}
	o := offers[0]
	h.wantState(1, Ringing)
	h.wantState(2, Ringing)
	h.none() // nobody free for d
	h.rec.reset()
	cancel, err := h.e.OfferAnswered(o.ID, 2)
	h.ok(err)
	if !slices.Equal(cancel, []int64{1}) {
		t.Fatalf("cancelled = %v, want [1]", cancel)
	}
	h.wantState(2, OnCall)
	h.wantState(1, Ready)
	if got := h.transitions(1); !slices.Equal(got, []string{"ringing>ready:answered_elsewhere"}) {
		t.Fatalf("agent 1 events = %v", got)
	}
	if _, err := h.e.OfferAnswered(o.ID, 1); err == nil {
		t.Fatal("late answer must fail")
	}
	if od := h.one(); od.CallID != "d" || !slices.Equal(od.AgentIDs, []int64{1}) {
		t.Fatalf("offer = %+v, want d → [1]", od)
	}
}

func TestRingAllAllFailReturnsCallToQueue(t *testing.T) {
	h := newHarness(t)
	h.queue(Queue{ID: 1, Strategy: RingAll, RingTimeoutSec: 10})
	h.agent(1, nil, 1)
	h.agent(2, nil, 1)
	h.enqueue("c", 1, 0)
	o := h.one()
	h.ok(h.e.OfferFailed(o.ID, 1, FailRejected))
	if st := h.queueStatus(1); !st.Calls[0].Offered {
		t.Fatal("offer must stay open while agent 2 rings")
	}
	h.clk.Advance(sec(10))
	to := actionsOf(h.tick(), ActionOfferTimeout)
	if len(to) != 1 || !slices.Equal(to[0].AgentIDs, []int64{2}) {
		t.Fatalf("timeout = %+v, want agent 2 only", to)
	}
	st := h.queueStatus(1)
	if st.Waiting != 1 || st.Calls[0].Offered {
		t.Fatalf("queue = %+v, want the call waiting again", st)
	}
}

func TestOfferErrors(t *testing.T) {
	h := newHarness(t)
	h.queue(Queue{ID: 1})
	h.agent(1, nil, 1)
	h.agent(2, nil, 1)
	h.enqueue("c", 1, 0)
	o := h.one()
	_, err := h.e.OfferAnswered(o.ID+100, 1)
	h.wantErr(err, ErrUnknownOffer)
	_, err = h.e.OfferAnswered(o.ID, 2)
	h.wantErr(err, ErrNotOffered)
	if err := h.e.OfferFailed(o.ID, 1, "exploded"); err == nil {
		t.Fatal("unknown failure reason accepted")
	}
	h.wantState(1, Ringing)
}

func TestUnreachableAgentSkipped(t *testing.T) {
	h := newHarness(t)
	h.queue(Queue{ID: 1})
	h.agent(1, nil, 1)
	h.clk.Advance(sec(1))
	h.agent(2, nil, 1)
	h.ok(h.e.SetReachable(1, false))
	st := h.agentStatus(1)
	if st.State != Ready || st.Reachable || st.Available {
		t.Fatalf("agent 1 = %+v, want ready but unreachable and unavailable", st)
	}
	if q := h.queueStatus(1); q.Ready != 2 || q.Available != 1 || q.Unreachable != 1 {
		t.Fatalf("queue counts = %+v", q)
	}
	h.enqueue("c", 1, 0)
	if o := h.one(); o.AgentIDs[0] != 2 {
		t.Fatalf("offer to %v, want 2 (1 unreachable)", o.AgentIDs)
	}
	h.enqueue("d", 1, 0)
	h.none()
	h.ok(h.e.SetReachable(1, true))
	if o := h.one(); o.AgentIDs[0] != 1 {
		t.Fatalf("offer to %v, want 1 once reachable", o.AgentIDs)
	}
	var reach []AgentEvent
	for _, ev := range h.rec.events() {
		if ev.Kind == EventReachability {
			reach = append(reach, ev)
		}
	}
	if len(reach) != 2 || reach[0].Reachable || !reach[1].Reachable || reach[0].From != Ready || reach[0].To != Ready {
		t.Fatalf("reachability events = %+v", reach)
	}
}
