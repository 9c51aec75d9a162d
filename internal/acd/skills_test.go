package acd

import (
	"slices"
	"testing"
)

func TestSkillEligibility(t *testing.T) {
	reqs := []SkillReq{{"en", 5}, {"loans", 3}}
	cases := []struct {
		name   string
		skills map[string]int
		want   bool
	}{
		{"meets both", map[string]int{"en": 5, "loans": 3}, true},
		{"above both", map[string]int{"en": 10, "loans": 9, "fr": 2}, true},
		{"one level short", map[string]int{"en": 4, "loans": 3}, false},
		{"missing skill", map[string]int{"en": 9}, false},
		{"no skills", nil, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t)
			h.queue(Queue{ID: 1, Strategy: SkillsBased, Skills: reqs})
			h.agent(1, tc.skills, 1)
			h.enqueue("c", 1, 0)
			got := len(h.dispatch()) == 1
			if got != tc.want {
				t.Fatalf("offered = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestCallSkillOverride(t *testing.T) {
	h := newHarness(t)
	h.queue(Queue{ID: 1, Strategy: SkillsBased, Skills: []SkillReq{{"en", 1}}})
	h.agent(1, map[string]int{"en": 9}, 1)
	h.agent(2, map[string]int{"en": 2, "vip": 6}, 1)
	_, err := h.e.Enqueue(WaitingCall{ID: "v", QueueID: 1, Skills: []SkillReq{{"vip", 5}}})
	h.ok(err)
	if o := h.one(); o.AgentIDs[0] != 2 {
		t.Fatalf("override call offered to %v, want 2", o.AgentIDs)
	}
}

// TestSkillWidening: a call nobody qualifies for becomes offerable as the
// widening steps pass, and Tick reports each step.
func TestSkillWidening(t *testing.T) {
	h := newHarness(t)
	h.queue(Queue{ID: 1, Strategy: SkillsBased,
		Skills: []SkillReq{{"en", 8}, {"insurance", 6}},
		Widening: []WideningStep{
			{AfterSec: 30, LowerBy: 3},             // en 5, insurance 3
			{AfterSec: 60, DropSkill: "insurance"}, // en 5
		}})
	h.agent(1, map[string]int{"en": 5}, 1)
	h.agent(2, map[string]int{"en": 6, "insurance": 3}, 1)
	h.ok(h.e.SetNotReady(2, ReasonMeeting))
	h.enqueue("c", 1, 0)
	h.none()

	h.clk.Advance(sec(29))
	if acts := h.tick(); len(actionsOf(acts, ActionWidened)) != 0 {
		t.Fatalf("widened early: %+v", acts)
	}
	h.none()
	h.clk.Advance(sec(1))
	w := actionsOf(h.tick(), ActionWidened)
	if len(w) != 1 || !slices.Equal(w[0].Skills, []SkillReq{{"en", 5}, {"insurance", 3}}) {
		t.Fatalf("first widening = %+v", w)
	}
	h.none() // agent 1 still lacks insurance; agent 2 is in a meeting
	h.ok(h.e.SetReady(2))
	o := h.one()
	if o.AgentIDs[0] != 2 {
		t.Fatalf("offer to %v, want 2", o.AgentIDs)
	}
	h.ok(h.e.OfferFailed(o.ID, 2, FailRejected))
	h.ok(h.e.SetNotReady(2, ReasonMeeting))
	h.clk.Advance(sec(30))
	w = actionsOf(h.tick(), ActionWidened)
	if len(w) != 1 || !slices.Equal(w[0].Skills, []SkillReq{{"en", 5}}) {
		t.Fatalf("second widening = %+v", w)
	}
	if o := h.one(); o.AgentIDs[0] != 1 {
		t.Fatalf("offer to %v, want 1 once insurance is dropped", o.AgentIDs)
	}
}

func TestWideningNeverBelowLevelOne(t *testing.T) {
	q := Queue{Skills: []SkillReq{{"en", 2}}, Widening: []WideningStep{{AfterSec: 1, LowerBy: 5}}}
	got := effectiveSkills(&q, &CallRecord{}, 1)
	if !slices.Equal(got, []SkillReq{{"en", 1}}) {
		t.Fatalf("widened = %+v", got)
	}
}
