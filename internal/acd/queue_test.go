package acd

import (
	"testing"
	"time"
)

func TestMaxWaitingQueueFull(t *testing.T) {
	h := newHarness(t)
	ov := Overflow{Action: OverflowVoicemail, Target: "mbox-1"}
	h.queue(Queue{ID: 1, MaxWaiting: 2, Overflow: ov})
	h.enqueue("a", 1, 0)
	h.enqueue("b", 1, 0)
	res, err := h.e.Enqueue(WaitingCall{ID: "c", QueueID: 1})
	h.wantErr(err, ErrQueueFull)
	if res.Overflow == nil || *res.Overflow != ov {
		t.Fatalf("result = %+v, want the queue's overflow", res)
	}
	// Callbacks do not hold a line: after one, a new caller fits.
	h.ok(h.e.RequestCallback("a", CallbackRequest{}))
	h.enqueue("c", 1, 0)
	if q := h.queueStatus(1); q.Blocked != 1 || q.Waiting != 2 || q.Callbacks != 1 {
		t.Fatalf("queue = %+v", q)
	}
}

func TestOverflowWhenNoAgentLoggedIn(t *testing.T) {
	h := newHarness(t)
	h.queue(Queue{ID: 1, OverflowNoAgents: true, Overflow: Overflow{Action: OverflowQueue, QueueID: 2}})
	h.ok(h.e.UpsertAgent(Agent{ID: 1, Queues: []Membership{{QueueID: 1}}}))
	res, err := h.e.Enqueue(WaitingCall{ID: "a", QueueID: 1})
	h.wantErr(err, ErrNoAgents)
	if res.Overflow == nil || res.Overflow.QueueID != 2 {
		t.Fatalf("result = %+v", res)
	}
	h.ok(h.e.Login(1))
	h.ok(h.e.SetNotReady(1, ReasonBreak)) // logged in counts, even not ready
	h.enqueue("a", 1, 0)
	if q := h.queueStatus(1); q.Blocked != 1 || q.Entered != 1 || q.Waiting != 1 {
		t.Fatalf("queue = %+v", q)
	}
}

func TestMaxWaitOverflow(t *testing.T) {
	h := newHarness(t)
	ov := Overflow{Action: OverflowHangup, Message: "closed"}
	h.queue(Queue{ID: 1, MaxWaitSec: 120, Overflow: ov})
	h.enqueue("a", 1, 0)
	h.clk.Advance(sec(119))
	if acts := h.tick(); len(acts) != 0 {
		t.Fatalf("early: %+v", acts)
	}
	h.clk.Advance(sec(1))
	acts := actionsOf(h.tick(), ActionOverflow)
	if len(acts) != 1 || acts[0].CallID != "a" || *acts[0].Overflow != ov || acts[0].Waited != sec(120) {
		t.Fatalf("overflow = %+v", acts)
	}
	if q := h.queueStatus(1); q.Waiting != 0 || q.Overflowed != 1 {
		t.Fatalf("queue = %+v", q)
	}
	_, err := h.e.Position("a")
	h.wantErr(err, ErrUnknownCall)
}

func TestMaxWaitWhileRingingOverflowsAfterFailure(t *testing.T) {
	h := newHarness(t)
	h.queue(Queue{ID: 1, MaxWaitSec: 60, RingTimeoutSec: 20, Overflow: Overflow{Action: OverflowIVR, Target: "menu"}})
	h.agent(1, nil, 1)
	h.ok(h.e.SetNotReady(1, ReasonBreak))
	h.enqueue("a", 1, 0)
	h.clk.Advance(sec(50))
	h.ok(h.e.SetReady(1))
	o := h.one()
	h.clk.Advance(sec(15)) // past max wait, still ringing
	if acts := h.tick(); len(actionsOf(acts, ActionOverflow)) != 0 {
		t.Fatal("a ringing call must not be pulled away")
	}
	h.ok(h.e.OfferFailed(o.ID, 1, FailRejected))
	if acts := actionsOf(h.tick(), ActionOverflow); len(acts) != 1 || acts[0].Overflow.Target != "menu" {
		t.Fatalf("overflow after failure = %+v", acts)
	}
}

func TestMaxWaitOverflowToCallbackKeepsPlace(t *testing.T) {
	h := newHarness(t)
	h.queue(Queue{ID: 1, MaxWaitSec: 60, Overflow: Overflow{Action: OverflowCallback}})
	h.enqueue("a", 1, 0)
	h.clk.Advance(sec(10))
	h.enqueue("b", 1, 0)
	h.clk.Advance(sec(50))
	acts := actionsOf(h.tick(), ActionOverflow)
	if len(acts) != 1 || acts[0].CallID != "a" || acts[0].Overflow.Action != OverflowCallback {
		t.Fatalf("overflow = %+v", acts)
	}
	q := h.queueStatus(1)
	if q.Callbacks != 1 || q.Waiting != 1 || q.Calls[0].ID != "a" || !q.Calls[0].Callback {
		t.Fatalf("queue = %+v", q)
	}
	h.agent(1, nil, 1)
	o := h.one()
	if o.CallID != "a" || o.Kind != OfferCallback || o.CallbackNumber != "+86100a" {
		t.Fatalf("offer = %+v, want callback to a first", o)
	}
}

func TestAbandon(t *testing.T) {
	h := newHarness(t)
	h.queue(Queue{ID: 1, ShortAbandonSec: 5})
	h.enqueue("a", 1, 0)
	h.enqueue("b", 1, 0)
	h.enqueue("c", 1, 0)
	h.clk.Advance(sec(3))
	waited, err := h.e.Abandon("c")
	h.ok(err)
	if waited != sec(3) {
		t.Fatalf("waited = %v", waited)
	}
	h.clk.Advance(sec(40))
	waited, err = h.e.Abandon("a")
	h.ok(err)
	if waited != sec(43) {
		t.Fatalf("waited = %v", waited)
	}
	if p, _ := h.e.Position("b"); p.Position != 1 {
		t.Fatalf("b's position = %d, want 1", p.Position)
	}
	_, err = h.e.Abandon("a")
	h.wantErr(err, ErrUnknownCall)
	q := h.queueStatus(1)
	if q.Waiting != 1 || q.Abandoned != 2 || q.ShortAbandoned != 1 {
		t.Fatalf("queue = %+v", q)
	}
}

func TestAbandonWhileRingingReleasesAgent(t *testing.T) {
	h := newHarness(t)
	h.queue(Queue{ID: 1})
	h.agent(1, nil, 1)
	h.ok(h.e.SetNotReady(1, ReasonBreak))
	h.ok(h.e.SetReady(1))
	h.enqueue("a", 1, 0)
	o := h.one()
	h.ok(h.e.SetNotReady(1, ReasonLunch)) // asked while ringing
	_, err := h.e.Abandon("a")
	h.ok(err)
	if st := h.agentStatus(1); st.State != NotReady || st.Reason != ReasonLunch {
		t.Fatalf("agent = %+v, want not_ready/lunch", st)
	}
	_, err = h.e.OfferAnswered(o.ID, 1)
	h.wantErr(err, ErrUnknownOffer)
}

func TestRemoveIsNotAbandon(t *testing.T) {
	h := newHarness(t)
	h.queue(Queue{ID: 1})
	h.enqueue("a", 1, 0)
	h.ok(h.e.Remove("a"))
	if q := h.queueStatus(1); q.Waiting != 0 || q.Abandoned != 0 {
		t.Fatalf("queue = %+v", q)
	}
	h.wantErr(h.e.Remove("a"), ErrUnknownCall)
}

func TestCallbackKeepsPlace(t *testing.T) {
	h := newHarness(t)
	h.queue(Queue{ID: 1, AnnounceIntervalSec: 30, MaxWaitSec: 100, Overflow: Overflow{Action: OverflowHangup}})
	h.enqueue("a", 1, 0)
	h.enqueue("b", 1, 0)
	h.enqueue("c", 1, 0)
	h.ok(h.e.RequestCallback("b", CallbackRequest{Number: "+8613900000000"}))
	if p, _ := h.e.Position("b"); p.Position != 2 {
		t.Fatalf("position after callback = %d, want 2", p.Position)
	}
	h.clk.Advance(sec(200))
	for _, a := range h.tick() {
		if a.CallID == "b" {
			t.Fatalf("callback got a caller action: %+v", a)
		}
	}
	h.enqueue("d", 1, 0)
	h.agent(1, nil, 1)
	o := h.one()
	if o.CallID != "b" || o.Kind != OfferCallback || o.CallbackNumber != "+8613900000000" {
		t.Fatalf("offer = %+v, want the callback (a and c overflowed)", o)
	}
	h.serve(o)
	if q := h.queueStatus(1); q.CallbacksAnswered != 1 || q.Answered != 0 || q.Callbacks != 0 {
		t.Fatalf("queue = %+v", q)
	}
}

func TestScheduledCallbackDue(t *testing.T) {
	h := newHarness(t)
	h.queue(Queue{ID: 1})
	h.agent(1, nil, 1)
	h.ok(h.e.SetNotReady(1, ReasonBreak))
	h.enqueue("a", 1, 0)
	h.enqueue("b", 1, 0)
	due := h.clk.Now().Add(time.Hour)
	h.ok(h.e.RequestCallback("a", CallbackRequest{NotBefore: due}))
	h.ok(h.e.SetReady(1))
	o := h.one()
	if o.CallID != "b" {
		t.Fatalf("offer = %+v, want b (a is not due)", o)
	}
	h.serve(o)
	h.none()
	h.clk.Advance(time.Hour - time.Second)
	if acts := h.tick(); len(acts) != 0 {
		t.Fatalf("early: %+v", acts)
	}
	h.none()
	h.clk.Advance(time.Second)
	if acts := actionsOf(h.tick(), ActionCallbackDue); len(acts) != 1 || acts[0].CallID != "a" {
		t.Fatalf("due actions = %+v", acts)
	}
	if o := h.one(); o.CallID != "a" || o.Kind != OfferCallback || o.CallbackNumber != "+86100a" {
		t.Fatalf("offer = %+v", o)
	}
}

func TestAnnouncementsAndEstimatedWait(t *testing.T) {
	h := newHarnessOpts(t, Options{DefaultHandleTime: 4 * time.Minute})
	h.queue(Queue{ID: 1, AnnounceIntervalSec: 45})
	for _, id := range []int64{1, 2} {
		h.agent(id, nil, 1)
	}
	h.enqueue("x", 1, 0)
	h.enqueue("y", 1, 0)
	for _, o := range h.dispatch() {
		_, err := h.e.OfferAnswered(o.ID, o.AgentIDs[0])
		h.ok(err)
	}
	// Both agents busy: EWT = (position − 0 ready) × 4 min ÷ 2 staffed.
	for i, want := range []time.Duration{2 * time.Minute, 4 * time.Minute, 6 * time.Minute} {
		id := string(rune('a' + i))
		if res := h.enqueue(id, 1, 0); res.Position != i+1 || res.EstimatedWait != want {
			t.Fatalf("enqueue %s = %+v, want position %d, EWT %v", id, res, i+1, want)
		}
	}
	h.clk.Advance(sec(44))
	if acts := h.tick(); len(acts) != 0 {
		t.Fatalf("early: %+v", acts)
	}
	h.clk.Advance(sec(1))
	ann := actionsOf(h.tick(), ActionAnnounce)
	if len(ann) != 3 {
		t.Fatalf("announcements = %+v", ann)
	}
	for _, a := range ann {
		want := map[string]int{"a": 1, "b": 2, "c": 3}[a.CallID]
		if a.Position != want || a.EstimatedWait != time.Duration(want)*2*time.Minute {
			t.Fatalf("announcement = %+v", a)
		}
	}
	_, err := h.e.Abandon("a")
	h.ok(err)
	h.clk.Advance(sec(45))
	ann = actionsOf(h.tick(), ActionAnnounce)
	if len(ann) != 2 {
		t.Fatalf("second round = %+v", ann)
	}
	for _, a := range ann {
		if want := map[string]int{"b": 1, "c": 2}[a.CallID]; a.Position != want {
			t.Fatalf("announcement = %+v, want position %d", a, want)
		}
	}
	// One agent frees: position 1 has a ready agent, so EWT 0.
	h.ok(h.e.CallEnded("x", 1))
	if p, _ := h.e.Position("b"); p.EstimatedWait != 0 {
		t.Fatalf("EWT with a ready agent = %v", p.EstimatedWait)
	}
}

// A callback retried later waits as a callback from the start: it is not
// offered before its time, then it is offered as a callback.
func TestEnqueueCallbackRetry(t *testing.T) {
	clk := &fakeClock{t: time.Date(2026, 1, 5, 10, 0, 0, 0, time.UTC)}
	e := New(clk, nil, Options{})
	if err := e.UpsertQueue(Queue{ID: 1, Name: "sales", Strategy: LongestIdle, MaxWaiting: 1}); err != nil {
		t.Fatal(err)
	}
	if err := e.UpsertAgent(Agent{ID: 7, Queues: []Membership{{QueueID: 1}}}); err != nil {
		t.Fatal(err)
	}
	e.Login(7)
	e.SetReady(7)
	if _, err := e.EnqueueCallback(WaitingCall{ID: "cb~r1", QueueID: 1, Caller: "13800138000"},
		CallbackRequest{NotBefore: clk.Now().Add(10 * time.Minute)}); err != nil {
		t.Fatal(err)
	}
	if offers := e.Dispatch(); len(offers) != 0 {
		t.Fatalf("callback offered before its time: %+v", offers)
	}
	// A live caller may still take the queue's one line: callbacks hold none.
	if _, err := e.Enqueue(WaitingCall{ID: "live", QueueID: 1}); err != nil {
		t.Fatalf("live call refused: %v", err)
	}
	e.Remove("live")
	clk.Advance(11 * time.Minute)
	e.Tick()
	offers := e.Dispatch()
	if len(offers) != 1 || offers[0].Kind != OfferCallback || offers[0].CallbackNumber != "13800138000" {
		t.Fatalf("offers after the time: %+v", offers)
	}
}
