package acd

import (
	"testing"
)

// TestAgentInSeveralQueues: a freed agent takes the head call of the
// higher-priority queue, then the longest effective wait among equals.
func TestAgentInSeveralQueues(t *testing.T) {
	cases := []struct {
		name     string
		prio     [3]int // priorities of queues 1..3
		boost    int
		arrivals []struct {
			call     string
			queue    int64
			at, prio int
		}
		wantOrder []string
	}{
		{name: "queue priority wins over wait", prio: [3]int{0, 5, 0},
			arrivals: []struct {
				call     string
				queue    int64
				at, prio int
			}{
				{"old-q1", 1, 0, 0}, {"new-q2", 2, 100, 0}, {"mid-q3", 3, 50, 0}},
			wantOrder: []string{"new-q2", "old-q1", "mid-q3"}},
		{name: "equal priority: longest wait across queues", prio: [3]int{1, 1, 1},
			arrivals: []struct {
				call     string
				queue    int64
				at, prio int
			}{
				{"q1", 1, 20, 0}, {"q2", 2, 0, 0}, {"q3", 3, 10, 0}},
			wantOrder: []string{"q2", "q3", "q1"}},
		{name: "equal priority: effective wait counts caller priority", prio: [3]int{0, 0, 0}, boost: 30,
			arrivals: []struct {
				call     string
				queue    int64
				at, prio int
			}{
				{"q1-plain", 1, 0, 0}, {"q2-vip", 2, 40, 2}, {"q3-plain", 3, 10, 0}},
			wantOrder: []string{"q2-vip", "q1-plain", "q3-plain"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t)
			for i, p := range tc.prio {
				h.queue(Queue{ID: int64(i + 1), Priority: p, PriorityBoostSec: tc.boost})
			}
			h.agent(7, nil, 1, 2, 3)
			h.ok(h.e.SetNotReady(7, ReasonMeeting))
			start := h.clk.Now()
			for _, a := range tc.arrivals {
				h.clk.t = start.Add(sec(a.at))
				_, err := h.e.Enqueue(WaitingCall{ID: a.call, QueueID: a.queue, Priority: a.prio})
				h.ok(err)
			}
			h.clk.Advance(sec(60))
			h.ok(h.e.SetReady(7))
			var got []string
			for range tc.arrivals {
				o := h.one()
				got = append(got, o.CallID)
				h.serve(o)
			}
			for i := range got {
				if got[i] != tc.wantOrder[i] {
					t.Fatalf("order = %v, want %v", got, tc.wantOrder)
				}
			}
		})
	}
}

// TestSeveralAgentsSeveralQueues: one Dispatch serves several queues at once
// without offering an agent twice.
func TestSeveralAgentsSeveralQueues(t *testing.T) {
	h := newHarness(t)
	h.queue(Queue{ID: 1})
	h.queue(Queue{ID: 2})
	h.agent(1, nil, 1, 2)
	h.agent(2, nil, 2)
	h.enqueue("a", 1, 0)
	h.enqueue("b", 2, 0)
	h.enqueue("c", 2, 0)
	offers := h.dispatch()
	if len(offers) != 2 {
		t.Fatalf("offers = %+v, want 2", offers)
	}
	seen := map[int64]bool{}
	for _, o := range offers {
		for _, a := range o.AgentIDs {
			if seen[a] {
				t.Fatalf("agent %d offered twice: %+v", a, offers)
			}
			seen[a] = true
		}
	}
}

func TestMembershipChanges(t *testing.T) {
	h := newHarness(t)
	h.queue(Queue{ID: 1})
	h.queue(Queue{ID: 2})
	h.agent(1, nil, 1)
	h.enqueue("b", 2, 0)
	h.none()
	h.ok(h.e.UpsertAgent(Agent{ID: 1, Queues: []Membership{{QueueID: 2}}}))
	if o := h.one(); o.CallID != "b" {
		t.Fatalf("offer = %+v", o)
	}
	h.wantState(1, Ringing) // config change keeps live state
	h.wantErr(h.e.RemoveQueue(2), ErrQueueBusy)
	h.ok(h.e.RemoveQueue(1))
	h.wantErr(h.e.RemoveQueue(1), ErrUnknownQueue)
	// A queue defined after its members picks them up.
	h.ok(h.e.UpsertAgent(Agent{ID: 1, Queues: []Membership{{QueueID: 2}, {QueueID: 3}}}))
	h.queue(Queue{ID: 3})
	if q := h.queueStatus(3); q.LoggedIn != 1 {
		t.Fatalf("queue 3 = %+v", q)
	}
}
