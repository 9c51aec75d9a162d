package dialer_test

import (
	"context"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/hotline-cc/hotline/internal/apperr"
	"github.com/hotline-cc/hotline/internal/call"
	"github.com/hotline-cc/hotline/internal/crm"
	"github.com/hotline-cc/hotline/internal/dialer"
	"github.com/hotline-cc/hotline/internal/org"
	"github.com/hotline-cc/hotline/internal/store"
	"github.com/hotline-cc/hotline/internal/store/storetest"
)

// customers is a fixed customer list (the CRM is tested in its package).
type customers []crm.Customer

func (cs customers) Customers(ctx context.Context, a *org.Actor, f crm.Filter) ([]crm.Customer, int, error) {
	end := min(f.Offset+f.Limit, len(cs))
	if f.Offset >= len(cs) {
		return nil, len(cs), nil
	}
	return cs[f.Offset:end], len(cs), nil
}

func TestCallListDNCAndDispositions(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		list := customers{
			{ID: 1, Name: "张三", Phones: []string{"+8613800000001"}},
			{ID: 2, Name: "李四", Phones: []string{"+8613800000002"}},
			{ID: 3, Name: "王五", Phones: []string{"+8613800000003"}},
			{ID: 4, Name: "no phone"},
		}
		now := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
		s := dialer.New(db, nil, nil, list, nil)
		s.Now = func() time.Time { return now }
		sys := org.System()
		if _, err := s.Save(ctx, sys, 0, dialer.CampaignInput{Name: "x", Config: dialer.Config{Mode: "random", Queue: "q"}}); apperr.KindOf(err) != apperr.KindInvalid {
			t.Fatalf("bad mode accepted: %v", err)
		}
		c, err := s.Save(ctx, sys, 0, dialer.CampaignInput{Name: "回访", Config: dialer.Config{Mode: dialer.Preview, Queue: "q"}})
		if err != nil {
			t.Fatal(err)
		}
		if c.Config.MaxAttempts != 3 || len(c.Config.Dispositions) == 0 || c.Config.Timezone != "Asia/Shanghai" {
			t.Fatalf("defaults: %+v", c.Config)
		}
		if _, err := s.AddDNC(ctx, sys, "138 0000 0003", "asked"); err != nil {
			t.Fatal(err)
		}
		res, err := s.AddCustomers(ctx, sys, c.ID, crm.Filter{})
		if err != nil || res.Added != 2 || res.DNC != 1 || res.NoPhone != 1 {
			t.Fatalf("add: %+v %v", res, err)
		}
		if res, _ := s.AddCustomers(ctx, sys, c.ID, crm.Filter{}); res.Added != 0 || res.Duplicate != 2 {
			t.Fatalf("second add: %+v", res)
		}
		if _, err := s.SetStatus(ctx, sys, c.ID, "running"); err != nil {
			t.Fatal(err)
		}
		// Two agents asking for the next contact at once never get the same one.
		var mu sync.Mutex
		got := map[int64]int{}
		var wg sync.WaitGroup
		for i := 0; i < 4; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				a := &org.Actor{UserID: int64(10 + i), Scope: org.Scope{Kind: org.ScopeAll}, Perms: org.NewPermSet()}
				if ct, err := s.NextPreview(ctx, a, c.ID); err == nil {
					mu.Lock()
					got[ct.ID]++
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
		if len(got) != 2 {
			t.Fatalf("4 agents took %v; want the 2 contacts once each", got)
		}
		for id, n := range got {
			if n != 1 {
				t.Fatalf("contact %d handed out %d times", id, n)
			}
		}
		// Dispositions: class A comes back soonest, B later, a sale closes.
		cs, _, _ := s.Contacts(ctx, sys, c.ID, dialer.ContactFilter{})
		a := &org.Actor{UserID: cs[0].AgentID, Scope: org.Scope{Kind: org.ScopeOwn, UserID: cs[0].AgentID}}
		ct, err := s.Dispose(ctx, a, cs[0].ID, dialer.DispositionInput{Disposition: "call_back"})
		if err != nil || ct.Status != "pending" || ct.CallbackClass != "A" || !ct.NextAt.Equal(now.Add(30*time.Minute)) {
			t.Fatalf("class A: %+v %v", ct, err)
		}
		ct, err = s.Dispose(ctx, a, cs[0].ID, dialer.DispositionInput{Disposition: "interested"})
		if err != nil || ct.CallbackClass != "B" || !ct.NextAt.Equal(now.Add(24*time.Hour)) {
			t.Fatalf("class B: %+v %v", ct, err)
		}
		ct, err = s.Dispose(ctx, a, cs[0].ID, dialer.DispositionInput{Disposition: "sale"})
		if err != nil || ct.Status != "done" {
			t.Fatalf("sale: %+v %v", ct, err)
		}
		if _, err := s.Dispose(ctx, a, cs[0].ID, dialer.DispositionInput{Disposition: "maybe"}); apperr.KindOf(err) != apperr.KindInvalid {
			t.Fatalf("unknown disposition: %v", err)
		}
		// Another agent cannot touch a contact outside their scope.
		other := &org.Actor{UserID: 99, Scope: org.Scope{Kind: org.ScopeOwn, UserID: 99}}
		if _, err := s.Dispose(ctx, other, cs[0].ID, dialer.DispositionInput{Disposition: "sale"}); apperr.KindOf(err) != apperr.KindNotFound {
			t.Fatalf("foreign agent disposed: %v", err)
		}
		// Do-not-call from a disposition lists the number.
		b := &org.Actor{UserID: cs[1].AgentID, Scope: org.Scope{Kind: org.ScopeOwn, UserID: cs[1].AgentID}}
		if _, err := s.Dispose(ctx, b, cs[1].ID, dialer.DispositionInput{Disposition: "do_not_call"}); err != nil {
			t.Fatal(err)
		}
		dnc, _ := s.DNC(ctx)
		if len(dnc) != 2 {
			t.Fatalf("do-not-call list %+v", dnc)
		}
		st, err := s.Stats(ctx, c.ID)
		if err != nil || st.Conversions != 1 || st.Contacts["done"] != 2 {
			t.Fatalf("stats %+v %v", st, err)
		}
	})
}

// placer is a fake call layer: it records campaign dials (the real one is
// exercised end to end with sipp in internal/app).
type placer struct{ dials chan call.CampaignCall }

func (p *placer) DialCampaign(cc call.CampaignCall) *call.Call { p.dials <- cc; return nil }
func (p *placer) ClickToCall(ctx context.Context, agentID int64, number string) (*call.Call, error) {
	return nil, nil
}

type oneFree struct{}

func (oneFree) Capacity(ctx context.Context, queue string) (dialer.Load, error) {
	return dialer.Load{Free: 1}, nil
}

// A result the agent records during the call decides what comes next; the
// dial's own outcome, reported when the call ends, does not overwrite it.
func TestDispositionDuringCallSurvivesItsEnd(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		p := &placer{dials: make(chan call.CampaignCall, 4)}
		s := dialer.New(db, p, oneFree{}, customers{{ID: 1, Name: "张三", Phones: []string{"+8613800000001"}}}, slog.Default())
		sys := org.System()
		c, err := s.Save(ctx, sys, 0, dialer.CampaignInput{Name: "促销", Config: dialer.Config{Mode: dialer.Progressive, Queue: "q",
			Hours: []string{"00:00-24:00"}, Script: "您好！\n第二行"}})
		if err != nil {
			t.Fatal(err)
		}
		if c.Config.Script != "您好！\n第二行" {
			t.Fatalf("multi-line script stored as %q", c.Config.Script)
		}
		s.AddCustomers(ctx, sys, c.ID, crm.Filter{})
		s.SetStatus(ctx, sys, c.ID, "running")
		go s.Run(ctx)
		var cc call.CampaignCall
		select {
		case cc = <-p.dials:
		case <-time.After(10 * time.Second):
			t.Fatal("the progressive campaign did not dial")
		}
		agent := &org.Actor{UserID: 7, Scope: org.Scope{Kind: org.ScopeAll}}
		if _, err := s.Dispose(ctx, agent, cc.ContactID, dialer.DispositionInput{Disposition: "sale"}); err != nil {
			t.Fatal(err)
		}
		cc.OnDone(call.CampaignResult{CallID: "c1", Outcome: "connected", AgentID: 7, Answer: time.Now()})
		var ct dialer.Contact
		deadline := time.Now().Add(10 * time.Second)
		for time.Now().Before(deadline) {
			cs, _, _ := s.Contacts(ctx, sys, c.ID, dialer.ContactFilter{})
			if ct = cs[0]; ct.CallID == "c1" {
				break
			}
			time.Sleep(20 * time.Millisecond)
		}
		if ct.Status != "done" || ct.Disposition != "sale" || ct.LastOutcome != "connected" {
			t.Fatalf("contact after the call: %+v", ct)
		}
	})
}
