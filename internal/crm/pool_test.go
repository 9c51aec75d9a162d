package crm

import (
	"fmt"
	"math/rand"
	"sync"
	"testing"

	"github.com/hotline-cc/hotline/internal/org"
	"github.com/hotline-cc/hotline/internal/store"
	"github.com/hotline-cc/hotline/internal/store/storetest"
)

// poolOf creates n customers and releases them to the pool.
func (f *fixture) poolOf(n int, prefix string) []int64 {
	f.t.Helper()
	var ids []int64
	for i := 0; i < n; i++ {
		c := f.customer(f.admin, fmt.Sprintf("%s-%d", prefix, i), fmt.Sprintf("1370000%04d", len(prefix)*1000+i))
		if _, err := f.svc.Release(f.ctx, f.admin, c.ID, ReleaseInput{Reason: "test pool"}); err != nil {
			f.t.Fatal(err)
		}
		ids = append(ids, c.ID)
	}
	return ids
}

func TestClaimRace(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		ids := f.poolOf(10, "p")
		must[PoolSettings](t)(f.svc.SetPoolSettings(f.ctx, f.admin, PoolSettings{DefaultQuota: 1, DailyClaimLimit: 0}))
		agents := make([]*org.Actor, 20)
		for i := range agents {
			team := []int64{f.teamA1, f.teamA2, f.teamB1}[i%3]
			agents[i] = f.user(fmt.Sprintf("racer%02d", i), org.RoleAgent, 0, team)
		}
		// Every agent tries every pool customer, in its own order, all at once.
		start := make(chan struct{})
		var wg sync.WaitGroup
		var mu sync.Mutex
		won := map[int64][]int64{} // agent → customers
		codes := map[string]int{}
		for i, a := range agents {
			wg.Add(1)
			go func(a *org.Actor, seed int64) {
				defer wg.Done()
				order := append([]int64(nil), ids...)
				rand.New(rand.NewSource(seed)).Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
				<-start
				for _, id := range order {
					res, err := f.svc.Claim(f.ctx, a, ClaimInput{CustomerIDs: []int64{id}})
					mu.Lock()
					if err != nil {
						codes[CodeOf(err)]++
					} else {
						won[a.UserID] = append(won[a.UserID], res.Claimed...)
					}
					mu.Unlock()
				}
			}(a, int64(i))
		}
		close(start)
		wg.Wait()
		owners := map[int64]int64{}
		for agent, cs := range won {
			if len(cs) > 1 {
				t.Errorf("agent %d exceeded the quota of 1: %v", agent, cs)
			}
			for _, c := range cs {
				if prev, dup := owners[c]; dup {
					t.Errorf("customer %d claimed by %d and %d", c, prev, agent)
				}
				owners[c] = agent
			}
		}
		if len(owners) != 10 {
			t.Fatalf("%d customers claimed, want 10 (errors %v)", len(owners), codes)
		}
		for code := range codes {
			if code != CodeAlreadyClaimed && code != CodeQuotaExceeded {
				t.Errorf("unexpected refusal code %q", code)
			}
		}
		// The database agrees: each customer has the owner that won it.
		for c, agent := range owners {
			got := must[*Customer](t)(f.svc.Customer(f.ctx, f.admin, c))
			if got.OwnerID != agent || got.InPool {
				t.Errorf("customer %d: owner %d in pool %v, want %d", c, got.OwnerID, got.InPool, agent)
			}
		}
		var claims int
		db.QueryRowContext(f.ctx, `SELECT COALESCE(sum(count), 0) FROM crm_allocations WHERE action = 'claim'`).Scan(&claims)
		if claims != 10 {
			t.Errorf("allocation log has %d claims, want 10", claims)
		}

		// One agent firing several claims at once gets exactly their quota.
		more := f.poolOf(6, "quota")
		greedy := f.user("greedy", org.RoleAgent, 0, f.teamA1)
		three := 3
		must[*Quota](t)(f.svc.SetQuota(f.ctx, f.admin, greedy.UserID, QuotaInput{MaxCustomers: &three}))
		var got sync.WaitGroup
		var okN, quotaN int
		start = make(chan struct{})
		for _, id := range more {
			got.Add(1)
			go func(id int64) {
				defer got.Done()
				<-start
				_, err := f.svc.Claim(f.ctx, greedy, ClaimInput{CustomerIDs: []int64{id}})
				mu.Lock()
				defer mu.Unlock()
				if err == nil {
					okN++
				} else if CodeOf(err) == CodeQuotaExceeded {
					quotaN++
				} else {
					t.Errorf("claim: %v", err)
				}
			}(id)
		}
		close(start)
		got.Wait()
		if okN != 3 || quotaN != 3 {
			t.Fatalf("greedy agent: %d claims succeeded, %d refused for quota; want 3 and 3", okN, quotaN)
		}
	})
}

func TestPoolClaimReleaseLimits(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		ids := f.poolOf(5, "lim")
		must[PoolSettings](t)(f.svc.SetPoolSettings(f.ctx, f.admin, PoolSettings{DailyClaimLimit: 2}))
		// Everyone with pool:claim sees the pool; the pool customer is readable, not writable.
		for _, a := range []*org.Actor{f.agentA1, f.agentB, f.leadA1, f.supA} {
			if _, n, err := f.svc.Pool(f.ctx, a, Filter{}); err != nil || n != 5 {
				t.Errorf("%s sees %d pool customers: %v", a.Username, n, err)
			}
		}
		if _, err := f.svc.Customer(f.ctx, f.agentB, ids[0]); err != nil {
			t.Errorf("an agent cannot open a pool customer: %v", err)
		}
		if _, err := f.svc.Update(f.ctx, f.agentB, ids[0], CustomerInput{Name: "x", Phones: []string{"13600136000"}}); err == nil {
			t.Error("an agent changed a pool customer without claiming it")
		}
		res, err := f.svc.Claim(f.ctx, f.agentA1, ClaimInput{CustomerIDs: ids[:3]})
		if err != nil || len(res.Claimed) != 2 || len(res.Failed) != 1 || res.Failed[0].Code != CodeDailyLimit {
			t.Fatalf("claim 3 with a daily limit of 2: %+v %v", res, err)
		}
		_, err = f.svc.Claim(f.ctx, f.agentA1, ClaimInput{CustomerIDs: ids[3:4]})
		wantCode(t, "third claim today", err, CodeDailyLimit)
		f.clock.Add(24 * 3600e9)
		if _, err := f.svc.Claim(f.ctx, f.agentA1, ClaimInput{CustomerIDs: ids[3:4]}); err != nil {
			t.Fatalf("claim the next day: %v", err)
		}
		_, err = f.svc.Claim(f.ctx, f.agentB, ClaimInput{CustomerIDs: ids[:1]})
		wantCode(t, "claim a claimed customer", err, CodeAlreadyClaimed)
		// Release needs a reason, then the customer is back in the pool, owner cleared, tasks closed.
		must[*Task](t)(f.svc.CreateTask(f.ctx, f.agentA1, TaskInput{CustomerID: ids[0], DueAt: f.clock.Now().Add(3600e9)}))
		_, err = f.svc.Release(f.ctx, f.agentA1, ids[0], ReleaseInput{})
		wantCode(t, "release without reason", err, CodeRequired)
		if _, err := f.svc.Release(f.ctx, f.agentB, ids[0], ReleaseInput{Reason: "x"}); err == nil {
			t.Fatal("another agent released someone else's customer")
		}
		c, err := f.svc.Release(f.ctx, f.agentA1, ids[0], ReleaseInput{Reason: "号码空号 wrong number"})
		if err != nil || !c.InPool || c.OwnerID != 0 || c.TeamID != 0 || c.PoolReason != "号码空号 wrong number" || !c.NextFollowUpAt.IsZero() {
			t.Fatalf("released %+v %v", c, err)
		}
		open := false
		ts, _, _ := f.svc.Tasks(f.ctx, f.admin, TaskFilter{CustomerID: ids[0], Done: &open})
		if len(ts) != 0 {
			t.Errorf("open tasks survive the release: %+v", ts)
		}
		items := must[[]TimelineItem](t)(f.svc.Timeline(f.ctx, f.admin, ids[0], 0))
		var moves []string
		for _, it := range items {
			if it.Kind == KindMove {
				moves = append(moves, it.Code)
			}
		}
		if fmt.Sprint(moves) != "[release claim release]" {
			t.Errorf("timeline moves %v", moves)
		}
	})
}
