package calllog_test

import (
	"context"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/hotline-cc/hotline/internal/calllog"
	"github.com/hotline-cc/hotline/internal/org"
	"github.com/hotline-cc/hotline/internal/store"
	"github.com/hotline-cc/hotline/internal/store/storetest"
)

// bulkCall is an answered call through the IVR, with a hold, rated 1 (so
// flagged), with a late wrap-up end; n makes its ID.
func bulkCall(n int, t0 time.Time) []calllog.Event {
	id := fmt.Sprintf("bulk-%06d", n)
	at := func(ms int) time.Time { return t0.Add(time.Duration(ms) * time.Millisecond).UTC() }
	agent := calllog.Data{Extension: "1001", TeamID: 3, DeptID: 2}
	with := func(d calllog.Data, f func(*calllog.Data)) calllog.Data { f(&d); return d }
	evs := []calllog.Event{
		{At: at(0), Type: calllog.CallOffered, Leg: "caller", Data: calllog.Data{Direction: "inbound", From: "13800138000", To: "8000", Number: "8000", Trunk: "local"}},
		{At: at(1), Type: calllog.CallAnswered, Leg: "caller", Data: calllog.Data{By: "system"}},
		{At: at(2), Type: calllog.IVREntered, Leg: "caller", Data: calllog.Data{Flow: "main", Node: "hours"}},
		{At: at(800), Type: calllog.IVRKey, Leg: "caller", Data: calllog.Data{Flow: "main", Node: "welcome", Digit: "2"}},
		{At: at(800), Type: calllog.IVRLeft, Leg: "caller", Data: calllog.Data{Flow: "main", Path: []string{"hours", "welcome", "menu", "support"}, Result: "transfer_queue", Target: "support"}},
		{At: at(801), Type: calllog.QueueEntered, Leg: "caller", Queue: "support", Data: calllog.Data{Position: 1, DeptID: 2}},
		{At: at(900), Type: calllog.QueueOffer, Leg: "agent:1001", AgentID: 7, Queue: "support", Data: agent},
		{At: at(4900), Type: calllog.AgentAnswered, Leg: "agent:1001", AgentID: 7, Queue: "support", Data: with(agent, func(d *calllog.Data) { d.RingMS, d.WaitMS = 4000, 4099 })},
		{At: at(4901), Type: calllog.RecordingStarted},
		{At: at(30000), Type: calllog.CallHold, Leg: "agent:1001", AgentID: 7, Queue: "support", Data: with(agent, func(d *calllog.Data) { d.By = "agent" })},
		{At: at(40000), Type: calllog.CallUnhold, Leg: "agent:1001", AgentID: 7, Queue: "support", Data: with(agent, func(d *calllog.Data) { d.By = "agent" })},
		{At: at(90000), Type: calllog.LegEnded, Leg: "agent:1001", AgentID: 7, Queue: "support", Data: with(agent, func(d *calllog.Data) { d.By = "agent" })},
		{At: at(90000), Type: calllog.RecordingStopped},
		{At: at(97000), Type: calllog.CallRated, Leg: "caller", AgentID: 7, Queue: "support", Data: calllog.Data{Score: 1, Scale: 5}},
		{At: at(100000), Type: calllog.CallEnded, Leg: "caller", Data: calllog.Data{By: "system", Cause: "survey_done"}},
		{At: at(120000), Type: calllog.CallResolution, Leg: "agent:1001", AgentID: 7, Data: calllog.Data{Result: calllog.ResultUnresolved}},
		{At: at(120000), Type: calllog.AgentWrapUpEnd, AgentID: 7},
	}
	for i := range evs {
		evs[i].CallID, evs[i].Seq = id, i+1
	}
	return evs
}

// abandonedCall waited 30 s and hung up.
func abandonedCall(n int, t0 time.Time) []calllog.Event {
	id := fmt.Sprintf("bulk-%06d", n)
	evs := []calllog.Event{
		{At: t0, Type: calllog.CallOffered, Leg: "caller", Data: calllog.Data{Direction: "inbound", From: "13900139000", To: "8001", Number: "8001"}},
		{At: t0, Type: calllog.CallAnswered, Leg: "caller", Data: calllog.Data{By: "system"}},
		{At: t0.Add(time.Millisecond), Type: calllog.QueueEntered, Leg: "caller", Queue: "sales", Data: calllog.Data{Position: 3, DeptID: 2}},
		{At: t0.Add(30001 * time.Millisecond), Type: calllog.QueueAbandoned, Queue: "sales", Data: calllog.Data{WaitMS: 30000}},
		{At: t0.Add(30001 * time.Millisecond), Type: calllog.CallEnded, Leg: "caller", Data: calllog.Data{By: "caller", Cause: "bye"}},
	}
	for i := range evs {
		evs[i].CallID, evs[i].At = id, evs[i].At.UTC()
	}
	return evs // without Seq: Bulk numbers them
}

func TestBulkRoundTrip(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		t0 := time.Date(2025, 3, 3, 9, 0, 0, 0, time.UTC)
		b := calllog.NewBulk(db)
		b.TxRows = 100 // several transactions, several statements
		var calls [][]calllog.Event
		for i := range 40 {
			evs := bulkCall(i, t0.Add(time.Duration(i)*time.Minute))
			if i%3 == 0 {
				evs = abandonedCall(i, t0.Add(time.Duration(i)*time.Minute))
			}
			calls = append(calls, evs)
			if _, err := b.AddCall(ctx, evs); err != nil {
				t.Fatal(err)
			}
		}
		agentEvs := []calllog.AgentEvent{
			{AgentID: 7, At: t0.Add(-time.Minute), From: "logged_out", To: "ready"},
			{AgentID: 7, At: t0.Add(900 * time.Millisecond), From: "ready", To: "ringing", CallID: "bulk-000001"},
			{AgentID: 7, At: t0.Add(4900 * time.Millisecond), From: "ringing", To: "on_call", CallID: "bulk-000001"},
		}
		if err := b.AddAgentEvents(ctx, agentEvs); err != nil {
			t.Fatal(err)
		}
		if err := b.Flush(ctx); err != nil {
			t.Fatal(err)
		}
		if st := b.Stats(); st.Calls != 40 || st.AgentEvents != 3 || st.Ratings != 26 {
			t.Fatalf("stats %+v", st)
		}
		all := org.Scope{Kind: org.ScopeAll}
		got, total, err := calllog.CDRs(ctx, db, all, calllog.CDRFilter{Since: t0.Add(-time.Hour), Limit: 100})
		if err != nil || total != 40 {
			t.Fatalf("cdrs: %d %v", total, err)
		}
		for i, evs := range calls {
			want, wantLegs := calllog.Derive(evs)
			if !reflect.DeepEqual(got[i], want) {
				t.Fatalf("cdr %d:\n got %+v\nwant %+v", i, got[i], want)
			}
			legs, err := calllog.Legs(ctx, db, want.CallID)
			if err != nil || !reflect.DeepEqual(legs, nonNil(wantLegs)) {
				t.Fatalf("legs of %s: %v\n got %+v\nwant %+v", want.CallID, err, legs, wantLegs)
			}
			stored, err := calllog.Events(ctx, db, want.CallID)
			if err != nil || len(stored) != len(evs) {
				t.Fatalf("events of %s: %d %v", want.CallID, len(stored), err)
			}
			for j := range stored {
				stored[j].ID = 0
				w := evs[j]
				w.Seq = j + 1
				if !reflect.DeepEqual(stored[j], w) {
					t.Fatalf("event %s/%d:\n got %+v\nwant %+v", want.CallID, j+1, stored[j], w)
				}
			}
		}
		if c := got[1]; c.Outcome != calllog.OutcomeAnswered || c.HoldMS != 10000 || c.Rating != 1 || !c.Unresolved || c.IVRPath != "hours>welcome>menu>support" {
			t.Fatalf("answered call: %+v", c)
		}
		if c := got[0]; c.Outcome != calllog.OutcomeAbandoned || c.WaitMS != 30000 {
			t.Fatalf("abandoned call: %+v", c)
		}
		ratings, n, err := calllog.Ratings(ctx, db, all, calllog.RatingFilter{FlaggedOnly: true, Limit: 100})
		if err != nil || n != 26 {
			t.Fatalf("flagged ratings: %d %v", n, err)
		}
		if r := ratings[0]; r.Score != 1 || r.Scale != 5 || r.AgentID != 7 || r.TeamID != 3 || r.DepartmentID != 2 || r.Queue != "support" {
			t.Fatalf("rating %+v", r)
		}
		aes, err := calllog.AgentEvents(ctx, db, 7, t0.Add(-time.Hour), t0.Add(time.Hour))
		if err != nil || len(aes) != 3 {
			t.Fatalf("agent events: %d %v", len(aes), err)
		}
		for i := range aes {
			aes[i].ID = 0
			if !reflect.DeepEqual(aes[i], agentEvs[i]) {
				t.Fatalf("agent event %d: got %+v want %+v", i, aes[i], agentEvs[i])
			}
		}
	})
}

func TestBulkSkipEvents(t *testing.T) {
	db := storetest.SQLite(t)
	ctx := context.Background()
	b := calllog.NewBulk(db)
	b.SkipEvents = true
	cdr, err := b.AddCall(ctx, bulkCall(1, time.Date(2025, 3, 3, 9, 0, 0, 0, time.UTC)))
	if err != nil || b.Flush(ctx) != nil {
		t.Fatal(err)
	}
	evs, err := calllog.Events(ctx, db, cdr.CallID)
	if err != nil || len(evs) != 0 {
		t.Fatalf("events written: %d %v", len(evs), err)
	}
	if _, err := calllog.GetCDR(ctx, db, org.Scope{Kind: org.ScopeAll}, cdr.CallID); err != nil {
		t.Fatalf("cdr: %v", err)
	}
}

func nonNil(l []calllog.Leg) []calllog.Leg {
	if l == nil {
		return []calllog.Leg{}
	}
	return l
}

// BenchmarkBulk writes answered calls (17 events, a leg, a rating) and
// reports calls per second.
func BenchmarkBulk(b *testing.B) {
	for _, events := range []bool{true, false} {
		b.Run(fmt.Sprintf("events=%v", events), func(b *testing.B) {
			db := storetest.SQLite(b)
			ctx := context.Background()
			w := calllog.NewBulk(db)
			w.SkipEvents = !events
			t0 := time.Date(2025, 3, 3, 9, 0, 0, 0, time.UTC)
			b.ResetTimer()
			for i := range b.N {
				if _, err := w.AddCall(ctx, bulkCall(i, t0)); err != nil {
					b.Fatal(err)
				}
			}
			if err := w.Flush(ctx); err != nil {
				b.Fatal(err)
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "calls/s")
		})
	}
}
