package calllog

import (
	"testing"
	"time"
)

var t0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

// script builds the events of one call from (offset seconds, type, edit) steps.
type step struct {
	sec  float64
	typ  Type
	edit func(*Event)
}

func script(id string, steps ...step) []Event {
	var out []Event
	for i, s := range steps {
		e := Event{CallID: id, Seq: i + 1, At: t0.Add(time.Duration(s.sec * float64(time.Second))), Type: s.typ}
		if s.edit != nil {
			s.edit(&e)
		}
		out = append(out, e)
	}
	return out
}

func agent(id int64) func(*Event) { return func(e *Event) { e.AgentID = id; e.Queue = "support" } }

func TestDeriveAnsweredWithHoldAndTransfer(t *testing.T) {
	evs := script("c1",
		step{0, CallOffered, func(e *Event) {
			e.Data = Data{Direction: "inbound", From: "13800138000", To: "8000", Number: "8000", Trunk: "demo"}
		}},
		step{0.1, IVREntered, nil},
		step{3, IVRKey, nil},
		step{3.01, IVRLeft, func(e *Event) { e.Data.Path = []string{"welcome", "menu", "to-support"} }},
		step{3.02, QueueEntered, func(e *Event) { e.Queue = "support"; e.Data.DeptID = 7 }},
		step{10, QueueOffer, agent(1001)},
		step{25, QueueOfferFailed, func(e *Event) { agent(1001)(e); e.Data.Reason = "no_answer" }},
		step{25, QueueOffer, agent(1002)},
		step{30, AgentAnswered, func(e *Event) { agent(1002)(e); e.Data.TeamID, e.Data.DeptID = 3, 7 }},
		step{60, CallHold, agent(1002)},
		step{90, CallUnhold, agent(1002)},
		step{100, CallTransfer, func(e *Event) { agent(1002)(e); e.Data.Kind, e.Data.Target = "blind", "agent:1003" }},
		step{100, LegEnded, func(e *Event) { agent(1002)(e); e.Data.By = "transfer" }},
		step{100, QueueOffer, agent(1003)},
		step{104, AgentAnswered, agent(1003)},
		step{164, LegEnded, func(e *Event) { agent(1003)(e); e.Data.By = "agent" }},
		step{170, CallRated, func(e *Event) { e.Data.Score = 5 }},
		step{171, CallEnded, func(e *Event) { e.Data.By = "caller" }},
	)
	c, legs := Derive(evs)
	want := CDR{CallID: "c1", Direction: "inbound", Caller: "13800138000", Callee: "8000", Number: "8000", Trunk: "demo",
		StartedAt: t0, AnsweredAt: t0.Add(30 * time.Second), EndedAt: t0.Add(171 * time.Second), Outcome: OutcomeAnswered,
		IVRPath: "welcome>menu>to-support", Queue: "support", QueuedAt: t0.Add(3020 * time.Millisecond),
		WaitMS: 26980, RingMS: 5000, TalkMS: 40000 + 60000, HoldMS: 30000, Holds: 1, Transfers: 1,
		AgentID: 1002, TeamID: 3, DepartmentID: 7, HangupBy: "agent", Rating: 5}
	if c != want {
		t.Errorf("CDR\n got %+v\nwant %+v", c, want)
	}
	if len(legs) != 3 {
		t.Fatalf("%d legs, want 3", len(legs))
	}
	checks := []struct {
		agent          int64
		outcome        string
		ring, talk, hd int64
		to             string
	}{
		{1001, "no_answer", 15000, 0, 0, ""},
		{1002, "answered", 5000, 40000, 30000, "agent:1003"},
		{1003, "answered", 4000, 60000, 0, ""},
	}
	for i, w := range checks {
		l := legs[i]
		if l.AgentID != w.agent || l.Outcome != w.outcome || l.RingMS != w.ring || l.TalkMS != w.talk || l.HoldMS != w.hd || l.TransferredTo != w.to {
			t.Errorf("leg %d: %+v, want %+v", i, l, w)
		}
	}
}

func TestDeriveOutcomes(t *testing.T) {
	offered := step{0, CallOffered, func(e *Event) { e.Data.Direction = "inbound" }}
	cases := []struct {
		name    string
		evs     []Event
		outcome Outcome
		wait    int64
		by      string
	}{
		{"blocked unknown number", script("b", offered,
			step{0, CallBlocked, func(e *Event) { e.Data.Reason = "unknown_number" }},
			step{0, CallEnded, func(e *Event) { e.Data.By = "system" }}), OutcomeBlocked, 0, "system"},
		{"abandoned in queue", script("a", offered,
			step{1, QueueEntered, func(e *Event) { e.Queue = "sales" }},
			step{43, QueueAbandoned, func(e *Event) { e.Data.WaitMS = 42000 }},
			step{43, CallEnded, func(e *Event) { e.Data.By = "caller" }}), OutcomeAbandoned, 42000, "caller"},
		{"abandoned while ringing an agent", script("r", offered,
			step{1, QueueEntered, func(e *Event) { e.Queue = "sales" }},
			step{2, QueueOffer, agent(5)},
			step{9, CallEnded, func(e *Event) { e.Data.By = "caller" }}), OutcomeAbandoned, 8000, "caller"},
		{"self-service in the IVR", script("i", offered,
			step{1, IVREntered, nil}, step{20, IVRLeft, nil},
			step{21, CallEnded, func(e *Event) { e.Data.By = "caller" }}), OutcomeIVR, 0, "caller"},
		{"overflow to voicemail", script("o", offered,
			step{1, QueueEntered, func(e *Event) { e.Queue = "sales" }},
			step{301, QueueOverflow, func(e *Event) { e.Data.Kind = "voicemail" }},
			step{330, CallEnded, func(e *Event) { e.Data.By = "caller" }}), OutcomeOverflow, 300000, "caller"},
		{"outbound not answered", script("x",
			step{0, CallOffered, func(e *Event) { e.Data.Direction = "outbound" }},
			step{30, CallEnded, func(e *Event) { e.Data.By = "system"; e.Data.Cause = "no_answer" }}), OutcomeFailed, 0, "system"},
	}
	for _, c := range cases {
		cdr, _ := Derive(c.evs)
		if cdr.Outcome != c.outcome || cdr.WaitMS != c.wait || cdr.HangupBy != c.by {
			t.Errorf("%s: outcome %s wait %d by %q; want %s %d %q", c.name, cdr.Outcome, cdr.WaitMS, cdr.HangupBy, c.outcome, c.wait, c.by)
		}
	}
}

func TestDeriveIgnoresArrivalOrder(t *testing.T) {
	evs := script("c", step{0, CallOffered, nil}, step{1, QueueEntered, func(e *Event) { e.Queue = "q" }},
		step{2, QueueOffer, agent(1)}, step{4, AgentAnswered, agent(1)}, step{10, CallEnded, func(e *Event) { e.Data.By = "caller" }})
	a, _ := Derive(evs)
	rev := make([]Event, len(evs))
	for i := range evs {
		rev[len(evs)-1-i] = evs[i]
	}
	b, _ := Derive(rev)
	if a != b || a.TalkMS != 6000 {
		t.Fatalf("order changed the CDR: %+v vs %+v", a, b)
	}
}
