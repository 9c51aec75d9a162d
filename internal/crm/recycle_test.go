package crm

import (
	"strings"
	"testing"
	"time"

	"github.com/hotline-cc/hotline/internal/store"
	"github.com/hotline-cc/hotline/internal/store/storetest"
)

func TestRecycleRules(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		ctx := f.ctx
		day := 24 * time.Hour
		a1 := f.customer(f.agentA1, "甲", "13100000001")
		a2 := f.customer(f.agentA1, "乙", "13100000002")
		a3 := f.customer(f.agentA2, "丙", "13100000003")
		b1 := f.customer(f.agentB, "丁", "13100000004")
		noContact, err := f.svc.CreateRecycleRule(ctx, f.supA, RecycleRuleInput{Name: "七天未联系", Kind: RuleNoContact, Days: 7,
			DepartmentID: f.deptA, Enabled: true})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.CreateRecycleRule(ctx, f.supA, RecycleRuleInput{Name: "x", Kind: RuleNoContact, Days: 7, DepartmentID: f.deptB}); err == nil {
			t.Error("a supervisor made a rule for another department")
		}
		if _, err := f.svc.CreateRecycleRule(ctx, f.supA, RecycleRuleInput{Name: "x", Kind: RuleNoContact, Days: 7}); err == nil {
			t.Error("a supervisor made a rule for all departments")
		}
		lost := must[*RecycleRule](t)(f.svc.CreateRecycleRule(ctx, f.admin, RecycleRuleInput{Name: "lost", Kind: RuleStatus, Status: "Lost", Enabled: true}))
		if lost.Status != "lost" {
			t.Fatalf("status rule kept %q", lost.Status)
		}
		must[*RecycleRule](t)(f.svc.CreateRecycleRule(ctx, f.admin, RecycleRuleInput{Name: "disabled", Kind: RuleNoProgress, Days: 1}))

		f.clock.Add(3 * day)
		must[*Note](t)(f.svc.AddNote(ctx, f.agentA1, a2.ID, NoteInput{Body: "客户说下周再联系"}))
		f.clock.Add(5 * day) // day 8: a1 and a3 silent for 8 days, a2 for 5, b1 outside the rule
		preview := must[*RecyclePreview](t)(f.svc.PreviewRecycle(ctx, f.supA, RecycleRuleInput{Name: noContact.Name,
			Kind: RuleNoContact, Days: 7, DepartmentID: f.deptA}))
		if preview.Total != 2 || len(preview.Sample) != 2 || preview.Sample[0].ID != a1.ID || preview.Sample[1].ID != a3.ID {
			t.Fatalf("preview %+v", preview)
		}
		if _, err := f.svc.PreviewRecycle(ctx, f.leadA1, RecycleRuleInput{Name: "p", Kind: RuleNoContact, Days: 7,
			DepartmentID: f.deptA}); err == nil {
			t.Error("a team leader previewed a rule over the whole department")
		}
		before := f.placements()
		logBefore := f.logged()
		rep := must[*RecycleReport](t)(f.svc.RunRecycle(ctx))
		if rep.Moved != preview.Total {
			t.Fatalf("run moved %d, the preview said %d: %+v", rep.Moved, preview.Total, rep)
		}
		after := f.placements()
		if changes(before, after) != 2 || !after[a1.ID].Pool || !after[a3.ID].Pool || after[a2.ID].Pool || after[b1.ID].Pool {
			t.Fatalf("placements after the run: %+v", after)
		}
		if f.logged()-logBefore != 2 {
			t.Fatalf("the log gained %d moves for 2 recycled customers", f.logged()-logBefore)
		}
		c := must[*Customer](t)(f.svc.Customer(ctx, f.admin, a1.ID))
		if !strings.Contains(c.PoolReason, "七天未联系") || !c.PooledAt.Equal(f.clock.Now()) {
			t.Errorf("recycled customer %+v", c)
		}
		logs, _, _ := f.svc.Allocations(ctx, f.admin, AllocationFilter{Action: ActionRecycle})
		if len(logs) != 2 || logs[0].ActorName != "system" { // one row per former owner
			t.Errorf("recycle log rows %+v", logs)
		}
		// Idempotent; a claimed customer's clock restarts at the claim.
		if rep := must[*RecycleReport](t)(f.svc.RunRecycle(ctx)); rep.Moved != 0 {
			t.Fatalf("second run moved %d", rep.Moved)
		}
		must[*ClaimResult](t)(f.svc.Claim(ctx, f.agentA1b, ClaimInput{CustomerIDs: []int64{a1.ID}}))
		f.clock.Add(6 * day)
		if rep := must[*RecycleReport](t)(f.svc.RunRecycle(ctx)); rep.Moved != 1 { // a2: 11 days since the note
			t.Fatalf("run after 6 more days moved %d: %+v", rep.Moved, rep)
		}
		f.clock.Add(2 * day)
		if rep := must[*RecycleReport](t)(f.svc.RunRecycle(ctx)); rep.Moved != 1 { // a1: 8 days since the claim
			t.Fatalf("run 8 days after the claim moved %d", rep.Moved)
		}
		// Status rule: everywhere, at once.
		must[*Customer](t)(f.svc.Update(ctx, f.agentB, b1.ID, CustomerInput{Name: "丁", Phones: []string{"13100000004"}, Status: "lost"}))
		if rep := must[*RecycleReport](t)(f.svc.RunRecycle(ctx)); rep.Moved != 1 {
			t.Fatalf("status rule moved %d", rep.Moved)
		}
		rules := must[[]RecycleRule](t)(f.svc.RecycleRules(ctx))
		for _, r := range rules {
			if r.Name == "disabled" && !r.LastRunAt.IsZero() {
				t.Error("a disabled rule ran")
			}
		}
	})
}
