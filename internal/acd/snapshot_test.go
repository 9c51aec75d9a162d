package acd

import (
	"encoding/json"
	"reflect"
	"testing"
)

func TestSnapshotFigures(t *testing.T) {
	h := newHarness(t)
	h.queue(Queue{ID: 1, Name: "sales", ServiceLevelSec: 20, WrapUpSec: 10})
	h.queue(Queue{ID: 2, Name: "support"})
	for _, id := range []int64{1, 2, 3, 4, 5} {
		h.agent(id, nil, 1)
	}
	h.ok(h.e.UpsertAgent(Agent{ID: 6, Queues: []Membership{{QueueID: 1}}})) // logged out
	h.ok(h.e.SetNotReady(4, ReasonLunch))
	h.ok(h.e.SetReachable(5, false))

	// Call a answered after 10 s (in SL), b after 30 s (out), c abandoned.
	h.ok(h.e.SetNotReady(1, ReasonBreak))
	h.ok(h.e.SetNotReady(2, ReasonBreak))
	h.ok(h.e.SetNotReady(3, ReasonBreak))
	h.enqueue("a", 1, 0)
	h.enqueue("b", 1, 0)
	h.enqueue("c", 1, 0)
	h.clk.Advance(sec(10))
	h.ok(h.e.SetReady(1))
	oa := h.one()
	_, err := h.e.OfferAnswered(oa.ID, 1)
	h.ok(err)
	h.clk.Advance(sec(20))
	h.ok(h.e.SetReady(2))
	ob := h.one()
	_, err = h.e.OfferAnswered(ob.ID, 2)
	h.ok(err)
	h.ok(h.e.CallEnded("b", 2)) // agent 2 → wrap-up
	h.clk.Advance(sec(5))
	_, err = h.e.Abandon("c")
	h.ok(err)
	h.enqueue("d", 1, 0)
	h.clk.Advance(sec(7))

	s := h.e.Snapshot()
	if len(s.Queues) != 2 || s.Queues[0].ID != 1 || len(s.Agents) != 6 {
		t.Fatalf("snapshot shape: %d queues, %d agents", len(s.Queues), len(s.Agents))
	}
	q := s.Queues[0]
	want := QueueStatus{ID: 1, Name: "sales", Waiting: 1, LongestWaitMs: 7000,
		LoggedIn: 5, Ready: 1, Available: 0, Busy: 1, WrapUp: 1, NotReady: 2, Unreachable: 1,
		Entered: 4, Answered: 2, AnsweredInSL: 1, Abandoned: 1,
		ServiceLevel: 100.0 / 3, ASAMs: 20_000, AHTMs: 180_000}
	q.Calls = nil
	if !reflect.DeepEqual(q, want) {
		t.Fatalf("queue status\n got %+v\nwant %+v", q, want)
	}
	a2 := s.Agents[1]
	if a2.State != WrapUp || a2.CallID != "b" || a2.CallsToday != 1 || a2.SinceMs != s.AtMs-12_000 {
		t.Fatalf("agent 2 = %+v", a2)
	}
	if a5 := s.Agents[4]; a5.State != Ready || a5.Reachable || a5.Available {
		t.Fatalf("agent 5 = %+v", a5)
	}
	if _, err := json.Marshal(s); err != nil {
		t.Fatal(err)
	}
	if s.Queues[1].ServiceLevel != 100 {
		t.Fatalf("empty queue SL = %v", s.Queues[1].ServiceLevel)
	}
}

func TestDailyFiguresResetAtMidnight(t *testing.T) {
	h := newHarness(t)
	h.queue(Queue{ID: 1})
	h.agent(1, nil, 1)
	h.enqueue("a", 1, 0)
	h.serve(h.one())
	if q := h.queueStatus(1); q.Answered != 1 {
		t.Fatalf("answered = %d", q.Answered)
	}
	h.clk.Advance(sec(15 * 3600)) // 00:00 next day in UTC+8
	if q := h.queueStatus(1); q.Answered != 0 || q.Entered != 0 {
		t.Fatalf("after midnight = %+v", q)
	}
}
