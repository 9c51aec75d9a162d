package acd

import (
	"encoding/json"
	"testing"

	"github.com/hotline-cc/hotline/internal/apperr"
	"gopkg.in/yaml.v3"
)

func TestQueueValidation(t *testing.T) {
	good := Queue{ID: 1, Strategy: SkillsBased}
	cases := []struct {
		name  string
		edit  func(q *Queue)
		field string
	}{
		{"no id", func(q *Queue) { q.ID = 0 }, "id"},
		{"bad strategy", func(q *Queue) { q.Strategy = "random" }, "strategy"},
		{"skill level 0", func(q *Queue) { q.Skills = []SkillReq{{"en", 0}} }, "skills[0].min_level"},
		{"duplicate skill", func(q *Queue) { q.Skills = []SkillReq{{"en", 1}, {"en", 2}} }, "skills[1].skill"},
		{"empty widening", func(q *Queue) { q.Widening = []WideningStep{{AfterSec: 10}} }, "widening[0]"},
		{"widening out of order", func(q *Queue) {
			q.Widening = []WideningStep{{AfterSec: 20, LowerBy: 1}, {AfterSec: 10, LowerBy: 1}}
		}, "widening[1].after_sec"},
		{"negative wrap-up", func(q *Queue) { q.WrapUpSec = -1 }, "wrap_up_sec"},
		{"overflow to itself", func(q *Queue) { q.Overflow = Overflow{Action: OverflowQueue, QueueID: 1} }, "overflow.queue_id"},
		{"ivr without flow", func(q *Queue) { q.Overflow = Overflow{Action: OverflowIVR} }, "overflow.target"},
		{"max wait without overflow", func(q *Queue) { q.MaxWaitSec = 60 }, "overflow.action"},
		{"unknown overflow", func(q *Queue) { q.Overflow.Action = "fax" }, "overflow.action"},
	}
	if err := good.Validate(); err != nil {
		t.Fatal(err)
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			q := good
			tc.edit(&q)
			err := New(nil, nil, Options{}).UpsertQueue(q)
			e := apperr.As(err)
			if e == nil || e.Kind != apperr.KindInvalid || e.Field != tc.field {
				t.Fatalf("err = %v, want invalid %s", err, tc.field)
			}
		})
	}
}

func TestAgentValidation(t *testing.T) {
	for _, a := range []Agent{
		{ID: 0},
		{ID: 1, Skills: map[string]int{"en": 11}},
		{ID: 1, Skills: map[string]int{"": 3}},
		{ID: 1, Queues: []Membership{{QueueID: 1}, {QueueID: 1}}},
		{ID: 1, Queues: []Membership{{QueueID: 1, Penalty: -1}}},
	} {
		if err := New(nil, nil, Options{}).UpsertAgent(a); apperr.KindOf(err) != apperr.KindInvalid {
			t.Fatalf("UpsertAgent(%+v) = %v, want invalid", a, err)
		}
	}
}

func TestSentinelsAreClassified(t *testing.T) {
	e := New(nil, nil, Options{})
	if apperr.KindOf(e.Login(5)) != apperr.KindNotFound {
		t.Fatal("unknown agent should classify as not found")
	}
}

// TestConfigYAMLAndJSON: configuration round-trips through both formats.
func TestConfigYAMLAndJSON(t *testing.T) {
	src := `
id: 7
name: 售后
strategy: skills
priority: 3
skills: [{skill: zh, min_level: 6}, {skill: repair, min_level: 4}]
widening: [{after_sec: 60, lower_by: 2}, {after_sec: 120, drop_skill: repair}]
no_answer: {not_ready: true, reason: missed}
wrap_up_sec: 30
max_wait_sec: 600
overflow: {action: voicemail, target: box-7}
`
	var q Queue
	if err := yaml.Unmarshal([]byte(src), &q); err != nil {
		t.Fatal(err)
	}
	if err := q.Validate(); err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(q)
	if err != nil {
		t.Fatal(err)
	}
	var back Queue
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if back.Widening[1].DropSkill != "repair" || back.Overflow.Target != "box-7" || back.NoAnswer.Reason != "missed" {
		t.Fatalf("round trip = %+v", back)
	}
}
