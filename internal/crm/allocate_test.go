package crm

import (
	"fmt"
	"strings"
	"testing"

	"github.com/hotline-cc/hotline/internal/org"
	"github.com/hotline-cc/hotline/internal/store"
	"github.com/hotline-cc/hotline/internal/store/storetest"
)

// unassigned creates n customers without owner (as the system), with a
// source cycling through sources.
func (f *fixture) unassigned(n int, prefix string, sources ...string) []int64 {
	f.t.Helper()
	var ids []int64
	for i := 0; i < n; i++ {
		src := ""
		if len(sources) > 0 {
			src = sources[i%len(sources)]
		}
		c, err := f.svc.Create(f.ctx, org.System(), CustomerInput{Name: fmt.Sprintf("%s%d", prefix, i),
			Phones: []string{fmt.Sprintf("1590000%04d", len(prefix)*100+i)}, Source: src})
		if err != nil {
			f.t.Fatal(err)
		}
		ids = append(ids, c.ID)
	}
	return ids
}

// placements reads every customer's placement.
func (f *fixture) placements() map[int64]Placement {
	rows, err := f.db.QueryContext(f.ctx, `SELECT id, COALESCE(owner_id, 0), COALESCE(team_id, 0), COALESCE(department_id, 0), in_pool FROM customers`)
	if err != nil {
		f.t.Fatal(err)
	}
	defer rows.Close()
	out := map[int64]Placement{}
	for rows.Next() {
		var id int64
		var p Placement
		rows.Scan(&id, &p.OwnerID, &p.TeamID, &p.DepartmentID, &p.Pool)
		out[id] = p
	}
	return out
}

// logged sums the allocation log and checks every row has as many items
// as its count.
func (f *fixture) logged() int {
	f.t.Helper()
	var sum, items int
	f.db.QueryRowContext(f.ctx, `SELECT COALESCE(sum(count), 0) FROM crm_allocations`).Scan(&sum)
	f.db.QueryRowContext(f.ctx, `SELECT count(*) FROM crm_allocation_items`).Scan(&items)
	if sum != items {
		f.t.Fatalf("allocation log counts %d moves but links %d customers", sum, items)
	}
	return sum
}

// changes counts customers whose placement differs between two snapshots.
func changes(before, after map[int64]Placement) int {
	n := 0
	for id, p := range after {
		if before[id] != p {
			n++
		}
	}
	return n
}

func TestAllocation(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		ctx := f.ctx
		ids := f.unassigned(30, "alloc", "web", "referral", "other", "web")
		agent := func(a *org.Actor) Target { return Target{Kind: TargetAgent, ID: a.UserID} }
		moved := 0
		step := func(what string, a *org.Actor, in AllocateInput) *AllocationResult {
			t.Helper()
			before := f.placements()
			res, err := f.svc.Allocate(ctx, a, in)
			if err != nil {
				t.Fatalf("%s: %v", what, err)
			}
			after := f.placements()
			if got := changes(before, after); got != res.Moved {
				t.Fatalf("%s: %d customers changed hands, the result says %d", what, got, res.Moved)
			}
			moved += res.Moved
			if got := f.logged(); got != moved {
				t.Fatalf("%s: the log counts %d moves, %d happened", what, got, moved)
			}
			return res
		}
		// Dry run moves nothing.
		dry, err := f.svc.Allocate(ctx, f.admin, AllocateInput{CustomerIDs: ids, Mode: ModeEven, DryRun: true,
			Targets: []Target{agent(f.agentA1), agent(f.agentA1b), agent(f.agentA2)}})
		if err != nil || dry.Moved != 30 || f.logged() != 0 {
			t.Fatalf("dry run: %+v %v", dry, err)
		}
		res := step("even", f.admin, AllocateInput{CustomerIDs: ids, Mode: ModeEven, Reason: "新一批",
			Targets: []Target{agent(f.agentA1), agent(f.agentA1b), agent(f.agentA2)}})
		for _, tr := range res.Targets {
			if tr.Moved != 10 {
				t.Errorf("even: %s got %d", tr.Name, tr.Moved)
			}
		}
		if c := must[*Customer](t)(f.svc.Customer(ctx, f.agentA2, ids[2])); c.TeamID != f.teamA2 || c.DepartmentID != f.deptA {
			t.Errorf("scope columns not set from the owner: %+v", c)
		}
		// Quota: a target that would exceed it is named and nothing moves.
		twelve := 12
		must[*Quota](t)(f.svc.SetQuota(ctx, f.admin, f.agentA2.UserID, QuotaInput{MaxCustomers: &twelve}))
		more := f.unassigned(9, "more")
		before := f.placements()
		_, err = f.svc.Allocate(ctx, f.admin, AllocateInput{CustomerIDs: more, Mode: ModeEven,
			Targets: []Target{agent(f.agentA1), agent(f.agentA2), agent(f.agentB)}})
		wantCode(t, "over quota", err, CodeQuotaExceeded)
		if !strings.Contains(err.Error(), "User agent-a2") || !strings.Contains(err.Error(), "quota of 12") {
			t.Errorf("the quota error does not name the agent: %v", err)
		}
		if changes(before, f.placements()) != 0 {
			t.Fatal("a refused allocation moved customers")
		}
		// Count mode to a team and a department.
		step("count", f.admin, AllocateInput{CustomerIDs: more, Mode: ModeCount,
			Targets: []Target{{Kind: TargetTeam, ID: f.teamB1, Count: 5}, {Kind: TargetDepartment, ID: f.deptB, Count: 4}}})
		if c := must[*Customer](t)(f.svc.Customer(ctx, f.admin, more[0])); c.OwnerID != 0 || c.TeamID != f.teamB1 || c.DepartmentID != f.deptB {
			t.Errorf("team allocation: %+v", c)
		}
		_, err = f.svc.Allocate(ctx, f.admin, AllocateInput{CustomerIDs: more[:2], Mode: ModeCount,
			Targets: []Target{{Kind: TargetTeam, ID: f.teamB1, Count: 3}}})
		if err == nil || !strings.Contains(err.Error(), "only 2 customers") {
			t.Errorf("count over the selection: %v", err)
		}
		// Rule mode by source: web → team A2, referral → agent B; the rest stays.
		res = step("rule", f.admin, AllocateInput{Filter: &Filter{DepartmentID: f.deptA}, Mode: ModeRule,
			Rules: []AllocRule{{Field: "source", Value: "web", Target: Target{Kind: TargetTeam, ID: f.teamA2}},
				{Field: "source", Value: "referral", Target: agent(f.agentB)}}})
		if res.Matched != 30 || res.Unmatched != 7 || res.Moved != 23 || res.Targets[0].Moved != 15 || res.Targets[1].Moved != 8 {
			t.Errorf("rule: %+v", res)
		}
		// Scope: a team leader allocates within the team only.
		mine := must[[]Customer](t)(func() ([]Customer, error) {
			cs, _, err := f.svc.Customers(ctx, f.leadA1, Filter{TeamID: f.teamA1, Limit: 1000})
			return cs, err
		}())
		if len(mine) == 0 {
			t.Fatal("the leader sees no team customers")
		}
		step("leader", f.leadA1, AllocateInput{CustomerIDs: []int64{mine[0].ID}, Mode: ModeEven, Targets: []Target{agent(f.leadA1)}})
		if _, err := f.svc.Allocate(ctx, f.leadA1, AllocateInput{CustomerIDs: []int64{mine[1].ID}, Mode: ModeEven,
			Targets: []Target{agent(f.agentB)}}); err == nil || !strings.Contains(err.Error(), "outside your data scope") {
			t.Errorf("leader allocates to another department's agent: %v", err)
		}
		if _, err := f.svc.Allocate(ctx, f.leadA1, AllocateInput{CustomerIDs: []int64{more[0]}, Mode: ModeEven,
			Targets: []Target{agent(f.agentA1)}}); err == nil {
			t.Error("leader allocated a customer outside the team")
		}
		if _, err := f.svc.Allocate(ctx, f.agentA1, AllocateInput{CustomerIDs: ids[:1], Mode: ModeEven,
			Targets: []Target{agent(f.agentA1)}}); err == nil {
			t.Error("an agent allocated")
		}
		// Distribute from the pool.
		pool := f.poolOf(4, "dist")
		moved += 4 // poolOf released them: logged as releases
		before = f.placements()
		dres, err := f.svc.Distribute(ctx, f.supA, AllocateInput{Filter: &Filter{}, Mode: ModeEven,
			Targets: []Target{agent(f.agentA1), agent(f.agentA1b)}})
		if err != nil || dres.Moved != 4 || changes(before, f.placements()) != 4 {
			t.Fatalf("distribute: %+v %v", dres, err)
		}
		moved += 4
		if got := f.logged(); got != moved {
			t.Fatalf("log counts %d, want %d", got, moved)
		}
		_ = pool
		// The log lists the moves in the actor's scope, newest first.
		logs, n, err := f.svc.Allocations(ctx, f.admin, AllocationFilter{Limit: 100})
		if err != nil || n == 0 || logs[0].Action != ActionDistribute || logs[0].FromName != "pool" {
			t.Fatalf("allocation log: %d %+v %v", n, logs, err)
		}
		agentLogs, _, _ := f.svc.Allocations(ctx, f.agentB, AllocationFilter{Limit: 100})
		for _, l := range agentLogs {
			if l.To.OwnerID != f.agentB.UserID && l.From.OwnerID != f.agentB.UserID && l.ActorID != f.agentB.UserID {
				t.Errorf("agent B sees a move that is not theirs: %+v", l)
			}
		}
		if len(agentLogs) == 0 {
			t.Error("agent B sees none of their moves")
		}
	})
}
