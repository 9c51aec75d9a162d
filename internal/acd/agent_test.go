package acd

import (
	"slices"
	"testing"
)

// answerOne puts agent 1 on call "c" in queue 1.
func answerOne(h *harness) Offer {
	h.t.Helper()
	h.enqueue("c", 1, 0)
	o := h.one()
	_, err := h.e.OfferAnswered(o.ID, o.AgentIDs[0])
	h.ok(err)
	return o
}

func TestWrapUpExpiresToReady(t *testing.T) {
	h := newHarness(t)
	h.queue(Queue{ID: 1, WrapUpSec: 30})
	h.agent(1, nil, 1)
	answerOne(h)
	h.clk.Advance(sec(100))
	h.ok(h.e.CallEnded("c", 1))
	st := h.agentStatus(1)
	if st.State != WrapUp || st.WrapUpEndsMs != h.clk.Now().Add(sec(30)).UnixMilli() {
		t.Fatalf("after hang-up = %+v", st)
	}
	if at, ok := h.e.NextDeadline(); !ok || at.After(h.clk.Now().Add(sec(30))) {
		t.Fatalf("NextDeadline = %v %v, want by wrap-up end", at, ok)
	}
	h.enqueue("d", 1, 0)
	h.none() // in wrap-up: not offered
	h.clk.Advance(sec(29))
	h.tick()
	h.wantState(1, WrapUp)
	h.clk.Advance(sec(1))
	h.tick()
	h.wantState(1, Ready)
	if o := h.one(); o.CallID != "d" {
		t.Fatalf("offer = %+v", o)
	}
	// AHT = 100 s talk + 30 s wrap-up.
	if q := h.queueStatus(1); q.AHTMs != 130_000 {
		t.Fatalf("AHT = %d ms, want 130000", q.AHTMs)
	}
}

func TestWrapUpEndedEarly(t *testing.T) {
	for _, how := range []string{"EndWrapUp", "SetReady"} {
		t.Run(how, func(t *testing.T) {
			h := newHarness(t)
			h.queue(Queue{ID: 1, WrapUpSec: 60})
			h.agent(1, nil, 1)
			answerOne(h)
			h.ok(h.e.CallEnded("c", 1))
			h.clk.Advance(sec(5))
			if how == "EndWrapUp" {
				h.ok(h.e.EndWrapUp(1))
			} else {
				h.ok(h.e.SetReady(1))
			}
			st := h.agentStatus(1)
			if st.State != Ready || st.Reason != ReasonWrapUpEnded && how == "EndWrapUp" {
				t.Fatalf("agent = %+v", st)
			}
			h.clk.Advance(sec(60))
			h.tick() // the stale wrap-up timer must do nothing
			h.wantState(1, Ready)
			h.wantErr(h.e.EndWrapUp(1), ErrInvalidTransition)
		})
	}
}

func TestNotReadyDuringCallAppliesAfterWrapUp(t *testing.T) {
	h := newHarness(t)
	h.queue(Queue{ID: 1, WrapUpSec: 20})
	h.agent(1, nil, 1)
	answerOne(h)
	h.ok(h.e.SetNotReady(1, ReasonBreak))
	st := h.agentStatus(1)
	if st.State != OnCall || st.PendingReason != ReasonBreak {
		t.Fatalf("during call = %+v", st)
	}
	h.ok(h.e.Hold(1))
	h.ok(h.e.Resume(1))
	h.ok(h.e.CallEnded("c", 1))
	h.wantState(1, WrapUp)
	h.clk.Advance(sec(20))
	h.tick()
	st = h.agentStatus(1)
	if st.State != NotReady || st.Reason != ReasonBreak || st.PendingReason != "" {
		t.Fatalf("after wrap-up = %+v, want not_ready/break", st)
	}
	want := []string{"logged_out>ready", "ready>ringing", "ringing>on_call", "on_call>on_hold",
		"on_hold>on_call", "on_call>wrap_up", "wrap_up>not_ready:break"}
	if got := h.transitions(1); !slices.Equal(got, want) {
		t.Fatalf("events = %v\nwant     %v", got, want)
	}
}

func TestReadyDuringCallCancelsPendingBreak(t *testing.T) {
	h := newHarness(t)
	h.queue(Queue{ID: 1})
	h.agent(1, nil, 1)
	answerOne(h)
	h.ok(h.e.SetNotReady(1, ReasonLunch))
	h.ok(h.e.SetReady(1))
	h.ok(h.e.CallEnded("c", 1))
	h.wantState(1, Ready) // no wrap-up configured
}

func TestDirectCallReturnsToNotReady(t *testing.T) {
	h := newHarnessOpts(t, Options{DirectWrapUpSec: 10})
	h.queue(Queue{ID: 1})
	h.agent(1, nil, 1)
	h.ok(h.e.SetNotReady(1, ReasonTraining))
	h.ok(h.e.StartDirectCall(1, "out-1"))
	h.enqueue("c", 1, 0)
	h.none()
	h.wantErr(h.e.CallEnded("other", 1), ErrInvalidTransition)
	h.ok(h.e.CallEnded("out-1", 1))
	h.wantState(1, WrapUp)
	h.clk.Advance(sec(10))
	h.tick()
	if st := h.agentStatus(1); st.State != NotReady || st.Reason != ReasonTraining {
		t.Fatalf("after direct call = %+v", st)
	}
}

func TestInvalidTransitions(t *testing.T) {
	type step func(h *harness) error
	login := func(h *harness) error { return h.e.Login(1) }
	cases := []struct {
		name  string
		setup []step
		do    step
	}{
		{"login twice", []step{login}, login},
		{"logout while logged out", nil, func(h *harness) error { return h.e.Logout(1) }},
		{"ready while logged out", nil, func(h *harness) error { return h.e.SetReady(1) }},
		{"not ready while logged out", nil, func(h *harness) error { return h.e.SetNotReady(1, ReasonBreak) }},
		{"end wrap-up while ready", []step{login}, func(h *harness) error { return h.e.EndWrapUp(1) }},
		{"hold without call", []step{login}, func(h *harness) error { return h.e.Hold(1) }},
		{"resume without hold", []step{login}, func(h *harness) error { return h.e.Resume(1) }},
		{"call ended without call", []step{login}, func(h *harness) error { return h.e.CallEnded("x", 1) }},
		{"logout while ringing", []step{login, func(h *harness) error {
			h.enqueue("c", 1, 0)
			h.one()
			return nil
		}}, func(h *harness) error { return h.e.Logout(1) }},
		{"direct call while ringing", []step{login, func(h *harness) error {
			h.enqueue("c", 1, 0)
			h.one()
			return nil
		}}, func(h *harness) error { return h.e.StartDirectCall(1, "x") }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t)
			h.queue(Queue{ID: 1})
			h.ok(h.e.UpsertAgent(Agent{ID: 1, Queues: []Membership{{QueueID: 1}}}))
			for _, s := range tc.setup {
				h.ok(s(h))
			}
			before := h.agentStatus(1)
			n := len(h.rec.events())
			h.wantErr(tc.do(h), ErrInvalidTransition)
			if after := h.agentStatus(1); after != before || len(h.rec.events()) != n {
				t.Fatalf("a refused transition changed the agent: %+v → %+v", before, after)
			}
		})
	}
}

func TestBadInputErrors(t *testing.T) {
	h := newHarness(t)
	h.queue(Queue{ID: 1})
	h.agent(1, nil, 1)
	h.wantErr(h.e.Login(99), ErrUnknownAgent)
	if err := h.e.SetNotReady(1, ""); err == nil {
		t.Fatal("empty reason accepted")
	}
	if err := h.e.SetNotReady(1, Reason(make([]byte, 65))); err == nil {
		t.Fatal("over-long reason accepted")
	}
	h.ok(h.e.SetNotReady(1, "coaching session")) // custom reasons are fine
	if st := h.agentStatus(1); st.Reason != "coaching session" {
		t.Fatalf("reason = %q", st.Reason)
	}
	for _, c := range []WaitingCall{{ID: "", QueueID: 1}, {ID: "x", QueueID: 1, Priority: 10},
		{ID: "x", QueueID: 1, Skills: []SkillReq{{"en", 11}}}} {
		if _, err := h.e.Enqueue(c); err == nil {
			t.Fatalf("bad call accepted: %+v", c)
		}
	}
	_, err := h.e.Enqueue(WaitingCall{ID: "x", QueueID: 42})
	h.wantErr(err, ErrUnknownQueue)
	h.enqueue("x", 1, 0)
	_, err = h.e.Enqueue(WaitingCall{ID: "x", QueueID: 1})
	h.wantErr(err, ErrDuplicateCall)
}

func TestLogoutFromWrapUpAndRemoveAgent(t *testing.T) {
	h := newHarness(t)
	h.queue(Queue{ID: 1, WrapUpSec: 30})
	h.agent(1, nil, 1)
	answerOne(h)
	h.wantErr(h.e.RemoveAgent(1), ErrAgentBusy)
	h.ok(h.e.CallEnded("c", 1))
	h.ok(h.e.Logout(1))
	h.wantState(1, LoggedOut)
	h.ok(h.e.Login(1))
	h.ok(h.e.RemoveAgent(1))
	_, err := h.e.AgentStatus(1)
	h.wantErr(err, ErrUnknownAgent)
	got := h.transitions(1)
	if got[len(got)-1] != "ready>logged_out:agent_removed" {
		t.Fatalf("events = %v", got)
	}
}

// TestEventsCarryCallAndTime checks event fields beyond from/to.
func TestEventsCarryCallAndTime(t *testing.T) {
	h := newHarness(t)
	h.queue(Queue{ID: 1})
	h.agent(1, nil, 1)
	h.clk.Advance(1500 * 1e6) // 1.5 s: millisecond precision
	h.enqueue("c", 1, 0)
	h.one()
	evs := h.rec.events()
	ev := evs[len(evs)-1]
	if ev.To != Ringing || ev.CallID != "c" || ev.QueueID != 1 || ev.AtMs != h.clk.Now().UnixMilli() || ev.AtMs%1000 != 500 {
		t.Fatalf("ringing event = %+v", ev)
	}
}
