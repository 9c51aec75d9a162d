package calllog_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/hotline-cc/hotline/internal/calllog"
	"github.com/hotline-cc/hotline/internal/org"
	"github.com/hotline-cc/hotline/internal/store"
	"github.com/hotline-cc/hotline/internal/store/storetest"
)

func TestLogWritesEventsAndCDRs(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		var mu sync.Mutex
		var published []string
		l := calllog.New(db, func(ctx context.Context, subject, typ string, at time.Time, payload any) {
			mu.Lock()
			published = append(published, subject+" "+typ)
			mu.Unlock()
		}, nil)
		defer l.Close()
		t0 := time.Now().Truncate(time.Millisecond)
		add := func(id string, sec int, typ calllog.Type, agent int64, d calllog.Data) calllog.Event {
			return l.Append(ctx, calllog.Event{CallID: id, At: t0.Add(time.Duration(sec) * time.Second), Type: typ, AgentID: agent, Queue: "sales", Data: d})
		}
		add("call-a", 0, calllog.CallOffered, 0, calllog.Data{Direction: "inbound", From: "1380", To: "8001"})
		add("call-a", 1, calllog.QueueEntered, 0, calllog.Data{DeptID: 1})
		add("call-a", 2, calllog.QueueOffer, 11, calllog.Data{TeamID: 1, DeptID: 1})
		add("call-a", 4, calllog.AgentAnswered, 11, calllog.Data{TeamID: 1, DeptID: 1})
		e := add("call-a", 64, calllog.CallEnded, 0, calllog.Data{By: "agent"})
		if e.Seq != 5 {
			t.Fatalf("seq %d, want 5", e.Seq)
		}
		add("call-b", 0, calllog.CallOffered, 0, calllog.Data{Direction: "inbound"})
		add("call-b", 1, calllog.QueueEntered, 0, calllog.Data{DeptID: 2})
		add("call-b", 31, calllog.QueueAbandoned, 0, calllog.Data{WaitMS: 30000})
		add("call-b", 31, calllog.CallEnded, 0, calllog.Data{By: "caller"})
		// Wrap-up ends after the CDR was derived: the leg is amended.
		add("call-a", 70, calllog.AgentWrapUpEnd, 11, calllog.Data{})
		l.AppendAgent(ctx, calllog.AgentEvent{AgentID: 11, From: "wrap_up", To: "ready", At: t0.Add(70 * time.Second)})
		if err := l.Flush(ctx); err != nil {
			t.Fatal(err)
		}
		evs, err := calllog.Events(ctx, db, "call-a")
		if err != nil || len(evs) != 6 || evs[5].Type != calllog.AgentWrapUpEnd || evs[5].Seq != 6 {
			t.Fatalf("events of call-a: %v %+v", err, evs)
		}
		all := org.Scope{Kind: org.ScopeAll}
		_, total, err := calllog.CDRs(ctx, db, all, calllog.CDRFilter{})
		if err != nil || total != 2 {
			t.Fatalf("cdrs: %d %v", total, err)
		}
		a, err := calllog.GetCDR(ctx, db, all, "call-a")
		if err != nil || a.Outcome != calllog.OutcomeAnswered || a.TalkMS != 60000 || a.WaitMS != 3000 || a.AgentID != 11 {
			t.Fatalf("cdr a: %+v %v", a, err)
		}
		legs, _ := calllog.Legs(ctx, db, "call-a")
		if len(legs) != 1 || legs[0].WrapUpMS != 6000 {
			t.Fatalf("legs: %+v", legs)
		}
		// Scope: agent 11 sees its call only; department 2 sees the abandoned one.
		own := org.Scope{Kind: org.ScopeOwn, UserID: 11}
		if cs, n, _ := calllog.CDRs(ctx, db, own, calllog.CDRFilter{}); n != 1 || cs[0].CallID != "call-a" {
			t.Fatalf("own scope: %d %+v", n, cs)
		}
		dept := org.Scope{Kind: org.ScopeDepartment, UserID: 99, DeptIDs: []int64{2}}
		if cs, n, _ := calllog.CDRs(ctx, db, dept, calllog.CDRFilter{}); n != 1 || cs[0].CallID != "call-b" {
			t.Fatalf("department scope: %d %+v", n, cs)
		}
		if _, err := calllog.GetCDR(ctx, db, own, "call-b"); err == nil {
			t.Fatal("agent read another's CDR by ID")
		}
		aes, _ := calllog.AgentEvents(ctx, db, 11, t0, t0.Add(time.Hour))
		if len(aes) != 1 || aes[0].To != "ready" {
			t.Fatalf("agent events %+v", aes)
		}
		mu.Lock()
		defer mu.Unlock()
		if len(published) != 11 || published[0] != "hotline.call.call-a call.offered" {
			t.Fatalf("published %d: %v", len(published), published)
		}
	})
}

func BenchmarkAppend(b *testing.B) {
	db := storetest.SQLite(b)
	l := calllog.New(db, nil, nil)
	defer l.Close()
	ctx := context.Background()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		id := "bench-" + time.Now().Format("150405.000000000")
		l.Append(ctx, calllog.Event{CallID: id, Type: calllog.CallOffered})
		l.Append(ctx, calllog.Event{CallID: id, Type: calllog.QueueEntered, Queue: "q"})
		l.Append(ctx, calllog.Event{CallID: id, Type: calllog.QueueOffer, AgentID: 1})
		l.Append(ctx, calllog.Event{CallID: id, Type: calllog.AgentAnswered, AgentID: 1})
		l.Append(ctx, calllog.Event{CallID: id, Type: calllog.CallEnded})
	}
	l.Flush(ctx)
	b.ReportMetric(float64(b.N*5)/b.Elapsed().Seconds(), "events/s")
}
