package crm

import (
	"testing"
	"time"

	"github.com/hotline-cc/hotline/internal/apperr"
	"github.com/hotline-cc/hotline/internal/store"
	"github.com/hotline-cc/hotline/internal/store/storetest"
)

func TestTasksDueAndOverdue(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		ctx := f.ctx
		now := f.clock.Now()
		c := f.customer(f.agentA1, "回访客户", "13300133000")
		cb := f.customer(f.agentA1b, "同组客户", "13300133001")
		cB := f.customer(f.agentB, "B客户", "13300133002")
		mk := func(a interface{}, cust *Customer, due time.Duration, kind string) *Task {
			t.Helper()
			actor := f.agentA1
			switch cust {
			case cb:
				actor = f.agentA1b
			case cB:
				actor = f.agentB
			}
			return must[*Task](t)(f.svc.CreateTask(ctx, actor, TaskInput{CustomerID: cust.ID, Kind: kind, Title: "call back", DueAt: now.Add(due)}))
		}
		over := mk(nil, c, -time.Hour, TaskReturnVisit)
		soon := mk(nil, c, 5*time.Minute, TaskFollowUp)
		mk(nil, c, 2*time.Hour, TaskFollowUp)
		mk(nil, cb, -2*time.Hour, TaskFollowUp)
		mk(nil, cB, -3*time.Hour, TaskCallback)
		if got := must[*Customer](t)(f.svc.Customer(ctx, f.agentA1, c.ID)); !got.NextFollowUpAt.Equal(over.DueAt) {
			t.Errorf("next follow-up %v, want the earliest open task %v", got.NextFollowUpAt, over.DueAt)
		}
		due := must[*DueTasks](t)(f.svc.Due(ctx, f.agentA1, 10*time.Minute))
		if len(due.Overdue) != 1 || due.Overdue[0].ID != over.ID || len(due.DueSoon) != 1 || due.DueSoon[0].ID != soon.ID {
			t.Fatalf("due: %+v", due)
		}
		if _, err := f.svc.Due(ctx, f.agentA1, 8*24*time.Hour); err == nil {
			t.Error("a window over a week was accepted")
		}
		// Leaders see overdue counts for their scope only.
		for _, tc := range []struct {
			who    string
			a      interface{}
			agents int
		}{{"leader A1", f.leadA1, 2}, {"supervisor A", f.supA, 2}, {"admin", f.admin, 3}, {"agent A1", f.agentA1, 1}} {
			_ = tc.a
		}
		check := func(who string, n int, got *Overdue) {
			t.Helper()
			if len(got.ByAgent) != n {
				t.Errorf("%s sees overdue tasks of %d agents, want %d: %+v", who, len(got.ByAgent), n, got.ByAgent)
			}
		}
		check("leader", 2, must[*Overdue](t)(f.svc.OverdueSummary(ctx, f.leadA1)))
		check("supervisor", 2, must[*Overdue](t)(f.svc.OverdueSummary(ctx, f.supA)))
		check("admin", 3, must[*Overdue](t)(f.svc.OverdueSummary(ctx, f.admin)))
		check("agent", 1, must[*Overdue](t)(f.svc.OverdueSummary(ctx, f.agentA1)))
		byTeam := must[*Overdue](t)(f.svc.OverdueSummary(ctx, f.admin)).ByTeam
		if len(byTeam) != 2 || byTeam[0].ID != f.teamA1 || byTeam[0].Count != 2 {
			t.Errorf("overdue by team %+v", byTeam)
		}
		// Scope: a teammate cannot see or change the task, nor add one on the customer.
		if _, err := f.svc.Task(ctx, f.agentA1b, over.ID); apperr.KindOf(err) != apperr.KindNotFound {
			t.Errorf("teammate reads the task: %v", err)
		}
		if _, err := f.svc.CompleteTask(ctx, f.agentA1b, over.ID, TaskDone{Result: "x"}); apperr.KindOf(err) != apperr.KindNotFound {
			t.Errorf("teammate completes the task: %v", err)
		}
		if _, err := f.svc.CreateTask(ctx, f.agentA1b, TaskInput{CustomerID: c.ID, DueAt: now}); err == nil {
			t.Error("teammate adds a task on the customer")
		}
		if _, err := f.svc.CreateTask(ctx, f.agentA1, TaskInput{CustomerID: c.ID, OwnerID: f.agentA1b.UserID, DueAt: now}); err == nil {
			t.Error("an agent gave a task to a teammate")
		}
		lt := must[*Task](t)(f.svc.CreateTask(ctx, f.leadA1, TaskInput{CustomerID: c.ID, OwnerID: f.agentA1b.UserID, DueAt: now.Add(time.Hour)}))
		if lt.OwnerID != f.agentA1b.UserID || lt.TeamID != f.teamA1 {
			t.Errorf("leader's task %+v", lt)
		}
		// Completing counts as contact and progress; the follow-up moves on.
		f.clock.Add(time.Minute)
		done := must[*Task](t)(f.svc.CompleteTask(ctx, f.agentA1, over.ID, TaskDone{Result: "已回访，客户满意"}))
		if !done.Done || done.Result != "已回访，客户满意" || done.Overdue {
			t.Fatalf("done %+v", done)
		}
		got := must[*Customer](t)(f.svc.Customer(ctx, f.agentA1, c.ID))
		if !got.LastContactAt.Equal(f.clock.Now()) || !got.ProgressAt.Equal(f.clock.Now()) || !got.NextFollowUpAt.Equal(soon.DueAt) {
			t.Errorf("after completing: %+v", got)
		}
		if _, err := f.svc.CompleteTask(ctx, f.agentA1, over.ID, TaskDone{}); err == nil {
			t.Error("a task was completed twice")
		}
		ts, n, err := f.svc.Tasks(ctx, f.agentA1, TaskFilter{Overdue: true})
		if err != nil || n != 0 || len(ts) != 0 {
			t.Errorf("agent A1 overdue after completing: %d %v", n, err)
		}
	})
}
