package acd

import (
	"fmt"
	"slices"
	"testing"
)

type agentSpec struct {
	id     int64
	skills map[string]int
}

// TestStrategiesPickInOrder runs a sequence of calls through each strategy
// and checks which agent each call is offered to.
func TestStrategiesPickInOrder(t *testing.T) {
	three := []agentSpec{{id: 1}, {id: 2}, {id: 3}}
	cases := []struct {
		name     string
		strategy Strategy
		skills   []SkillReq
		agents   []agentSpec
		pre      func(h *harness)
		keep     bool // answered calls stay up, so agents do not free again
		want     []int64
	}{
		{name: "longest idle rotates by idle time", strategy: LongestIdle, agents: three,
			want: []int64{1, 2, 3, 1, 2}},
		{name: "round robin follows IDs, not idle time", strategy: RoundRobin,
			agents: []agentSpec{{id: 30}, {id: 10}, {id: 20}},
			want:   []int64{10, 20, 30, 10, 20}},
		{name: "fewest calls today", strategy: FewestCalls, agents: three,
			pre: func(h *harness) {
				// Agent 1 answers two calls in another queue first.
				h.queue(Queue{ID: 9, Strategy: LongestIdle})
				h.ok(h.e.UpsertAgent(Agent{ID: 1, Queues: []Membership{{QueueID: 1}, {QueueID: 9}}}))
				for i := range 2 {
					h.enqueue(fmt.Sprintf("pre%d", i), 9, 0)
					h.serve(h.one())
					h.clk.Advance(sec(1))
				}
			},
			want: []int64{2, 3, 2, 3, 1}},
		{name: "skills: best total level, ineligible never", strategy: SkillsBased, keep: true,
			skills: []SkillReq{{"en", 3}, {"billing", 2}},
			agents: []agentSpec{
				{1, map[string]int{"en": 3, "billing": 2}},
				{2, map[string]int{"en": 9, "billing": 9}},
				{3, map[string]int{"en": 5, "billing": 5}},
				{4, map[string]int{"en": 10}},
			},
			want: []int64{2, 3, 1, 0}},
		{name: "skills tie goes to longest idle", strategy: SkillsBased, keep: true,
			skills: []SkillReq{{"en", 1}},
			agents: []agentSpec{{5, map[string]int{"en": 4}}, {6, map[string]int{"en": 4}}, {7, map[string]int{"en": 2}}},
			want:   []int64{5, 6, 7}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t)
			h.queue(Queue{ID: 1, Strategy: tc.strategy, Skills: tc.skills})
			for _, a := range tc.agents {
				h.agent(a.id, a.skills, 1)
				h.clk.Advance(sec(1))
			}
			if tc.pre != nil {
				tc.pre(h)
			}
			var got []int64
			for i := range tc.want {
				h.enqueue(fmt.Sprintf("c%d", i), 1, 0)
				offers := h.dispatch()
				if len(offers) == 0 {
					got = append(got, 0)
					continue
				}
				if tc.keep {
					_, err := h.e.OfferAnswered(offers[0].ID, offers[0].AgentIDs[0])
					h.ok(err)
					got = append(got, offers[0].AgentIDs[0])
				} else {
					got = append(got, h.serve(offers[0]))
				}
				h.clk.Advance(sec(1))
			}
			if !slices.Equal(got, tc.want) {
				t.Fatalf("agents = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestRoundRobinSkipsBusyAndPersists(t *testing.T) {
	h := newHarness(t)
	h.queue(Queue{ID: 1, Strategy: RoundRobin})
	for _, id := range []int64{1, 2, 3} {
		h.agent(id, nil, 1)
	}
	h.enqueue("a", 1, 0)
	oa := h.one() // → 1, kept on the call
	if _, err := h.e.OfferAnswered(oa.ID, 1); err != nil {
		t.Fatal(err)
	}
	h.ok(h.e.SetNotReady(2, ReasonBreak))
	h.enqueue("b", 1, 0)
	if ob := h.one(); ob.AgentIDs[0] != 3 {
		t.Fatalf("second call to %v, want 3 (2 is on break)", ob.AgentIDs)
	}
	h.ok(h.e.SetReady(2))
	h.ok(h.e.CallEnded("a", 1))
	// The pointer is at 3 now: the next call wraps to 1, not to 2.
	h.enqueue("c", 1, 0)
	if oc := h.one(); oc.AgentIDs[0] != 1 {
		t.Fatalf("third call to %v, want 1 (rotation wraps after 3)", oc.AgentIDs)
	}
}

func TestFewestCallsResetsAtLocalMidnight(t *testing.T) {
	h := newHarness(t)
	h.queue(Queue{ID: 1, Strategy: FewestCalls})
	h.agent(1, nil, 1)
	h.clk.Advance(sec(1))
	h.agent(2, nil, 1)
	for i := range 3 {
		h.enqueue(fmt.Sprintf("x%d", i), 1, 0)
		o := h.one()
		if o.AgentIDs[0] == 2 && i == 0 {
			t.Fatal("first call should go to the longest idle (1)")
		}
		h.serve(o)
		h.clk.Advance(sec(1))
	}
	if n1, n2 := h.agentStatus(1).CallsToday, h.agentStatus(2).CallsToday; n1+n2 != 3 || n1 < 1 || n2 < 1 {
		t.Fatalf("calls today = %d, %d", n1, n2)
	}
	// 15 h later it is 00:00:03 local the next day: counts start over.
	h.clk.Advance(sec(15 * 3600))
	if n := h.agentStatus(1).CallsToday + h.agentStatus(2).CallsToday; n != 0 {
		t.Fatalf("calls today after midnight = %d, want 0", n)
	}
}

func TestPenaltyTiers(t *testing.T) {
	h := newHarness(t)
	h.queue(Queue{ID: 1, Strategy: LongestIdle})
	h.ok(h.e.UpsertAgent(Agent{ID: 1, Queues: []Membership{{QueueID: 1, Penalty: 5}}}))
	h.ok(h.e.Login(1))
	h.clk.Advance(sec(10))
	h.agent(2, nil, 1) // penalty 0, idle for less time
	h.enqueue("a", 1, 0)
	if o := h.one(); o.AgentIDs[0] != 2 {
		t.Fatalf("offer to %v, want 2 (lower penalty)", o.AgentIDs)
	}
	h.enqueue("b", 1, 0)
	if o := h.one(); o.AgentIDs[0] != 1 {
		t.Fatalf("offer to %v, want 1 (only one left)", o.AgentIDs)
	}
}
