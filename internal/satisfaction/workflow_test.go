package satisfaction

import (
	"testing"
	"time"

	"github.com/hotline-cc/hotline/internal/apperr"
	"github.com/hotline-cc/hotline/internal/audit"
	"github.com/hotline-cc/hotline/internal/calllog"
	"github.com/hotline-cc/hotline/internal/org"
	"github.com/hotline-cc/hotline/internal/store"
	"github.com/hotline-cc/hotline/internal/store/storetest"
)

// Flagged ratings become cases — those stored before the first pick-up
// too — once each; other ratings do not.
func TestPickUpOpensOneCasePerFlaggedRating(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		f.rate("old-1", "agent-a1", 1, f.now.Add(-48*time.Hour))
		f.rate("old-2", "agent-b", 1, f.now.Add(-47*time.Hour))
		f.rate("fine", "agent-a1", 4, f.now.Add(-46*time.Hour))
		n, err := f.svc.PickUp(f.ctx)
		must(t, err)
		if n != 2 {
			t.Fatalf("opened %d cases, want 2", n)
		}
		if n, _ := f.svc.PickUp(f.ctx); n != 0 {
			t.Fatalf("second pick-up opened %d", n)
		}
		f.rate("new-1", "agent-a1", 1, f.now)
		// A read picks the new one up without waiting for the loop.
		cs, total, err := f.svc.Cases(f.ctx, org.System(), Filter{})
		must(t, err)
		if total != 3 || len(cs) != 3 || cs[0].CallID != "new-1" {
			t.Fatalf("cases %d %+v", total, cs)
		}
		c := cs[0]
		if c.Status != StatusNew || c.Score != 1 || c.Scale != 5 || c.Queue != "support" || c.AgentID != f.ids["agent-a1"] ||
			c.TeamID != f.teamA1 || c.DepartmentID != f.deptA || !c.RatedAt.Equal(f.now) {
			t.Errorf("case %+v", c)
		}
	})
}

// A case goes through every step; an unreachable call-back is assigned
// again; each step is on the timeline and in the audit log, and the
// rating's review columns follow the review.
func TestWorkflowToClosure(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		f.rate("c1", "agent-a1", 1, f.now.Add(-time.Hour))
		id := f.caseOf("c1")
		sup := f.actor("sup-a")
		due := f.now.Add(24 * time.Hour)

		c, err := f.svc.Review(f.ctx, sup, id, ReviewInput{ReasonID: f.reason("long_wait"), Finding: "等了 8 分钟\r\n才接通"})
		must(t, err)
		if c.Status != StatusReviewed || c.Finding != "等了 8 分钟\n才接通" || c.ReviewedBy != f.ids["sup-a"] {
			t.Fatalf("reviewed %+v", c)
		}
		rs, _, err := calllog.Ratings(f.ctx, db, org.Scope{Kind: org.ScopeAll}, calllog.RatingFilter{Unreviewed: true})
		must(t, err)
		if len(rs) != 0 {
			t.Errorf("the rating still reads unreviewed: %+v", rs)
		}
		c, err = f.svc.Assign(f.ctx, sup, id, AssignInput{TeamID: f.AS, UserID: f.ids["as-1"], DueAt: due})
		must(t, err)
		if c.Status != StatusAssigned || c.CallbackTeamID != f.AS || c.CallbackUserID != f.ids["as-1"] || !c.CallbackDueAt.Equal(due) {
			t.Fatalf("assigned %+v", c)
		}
		f.now = f.now.Add(time.Hour)
		c, err = f.svc.CallBack(f.ctx, f.actor("as-1"), id, CallbackInput{Result: ResultUnreachable})
		must(t, err)
		if c.Status != StatusCalledBack || c.CallbackAttempts != 1 {
			t.Fatalf("unreachable %+v", c)
		}
		c, err = f.svc.Assign(f.ctx, sup, id, AssignInput{TeamID: f.AS, DueAt: f.now.Add(2 * time.Hour), Note: "下午再打"})
		must(t, err)
		if c.Status != StatusAssigned || c.CallbackUserID != 0 {
			t.Fatalf("retry %+v", c)
		}
		f.now = f.now.Add(time.Hour)
		c, err = f.svc.CallBack(f.ctx, f.actor("as-2"), id, CallbackInput{Result: ResultResolved, Note: "已致歉，客户接受"})
		must(t, err)
		if c.CallbackAttempts != 2 || c.CallbackResult != ResultResolved || c.CalledBackBy != f.ids["as-2"] {
			t.Fatalf("resolved %+v", c)
		}
		f.now = f.now.Add(time.Hour)
		c, err = f.svc.Close(f.ctx, sup, id, CloseInput{ReasonID: f.reason("attitude"), Outcome: "已反馈坐席并培训"})
		must(t, err)
		if c.Status != StatusClosed || c.ReasonID != f.reason("attitude") || !c.ClosedAt.Equal(f.now) {
			t.Fatalf("closed %+v", c)
		}

		d, err := f.svc.Detail(f.ctx, sup, id)
		must(t, err)
		var kinds []string
		for _, st := range d.Steps {
			kinds = append(kinds, st.Kind+">"+st.Status)
		}
		want := []string{"review>reviewed", "assign>assigned", "callback>called_back", "assign>assigned", "callback>called_back", "close>closed"}
		if len(kinds) != len(want) {
			t.Fatalf("timeline %v", kinds)
		}
		for i := range want {
			if kinds[i] != want[i] {
				t.Fatalf("timeline %v, want %v", kinds, want)
			}
		}
		if d.Steps[2].ActorName != "User as-1" || d.Steps[3].Note != "下午再打" || d.EarlierReview != nil {
			t.Errorf("steps %+v earlier %+v", d.Steps, d.EarlierReview)
		}
		entries, total, err := audit.List(f.ctx, db, audit.Filter{Resource: "satisfaction"})
		must(t, err)
		if total != 6 || entries[0].Action != StepClose || entries[0].ResourceID == "" || entries[5].Action != StepReview {
			t.Errorf("audit %d %+v", total, entries)
		}
	})
}

// Steps out of order, and bad input, are refused with errors that say why;
// nothing changes.
func TestRefusals(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		f.rate("c1", "agent-a1", 1, f.now.Add(-time.Hour))
		id := f.caseOf("c1")
		sup := f.actor("sup-a")
		long := f.reason("long_wait")
		inactive, err := f.svc.CreateReason(f.ctx, sup, ReasonInput{Name: "旧分类", Active: ptr(false)})
		must(t, err)
		future := f.now.Add(time.Hour)
		type step func() error
		review := func(in ReviewInput) step {
			return func() error { _, err := f.svc.Review(f.ctx, sup, id, in); return err }
		}
		assign := func(in AssignInput) step {
			return func() error { _, err := f.svc.Assign(f.ctx, sup, id, in); return err }
		}
		callback := func(in CallbackInput) step {
			return func() error { _, err := f.svc.CallBack(f.ctx, sup, id, in); return err }
		}
		closeIt := func(in CloseInput) step {
			return func() error { _, err := f.svc.Close(f.ctx, sup, id, in); return err }
		}
		cases := []struct {
			name  string
			do    step
			kind  apperr.Kind
			field string // or code for conflicts
		}{
			{"close a new case", closeIt(CloseInput{Outcome: "x"}), apperr.KindConflict, "wrong_status"},
			{"call back before assigning", callback(CallbackInput{Result: ResultResolved, Note: "x"}), apperr.KindConflict, "wrong_status"},
			{"assign before review", assign(AssignInput{TeamID: f.AS, DueAt: future}), apperr.KindConflict, "wrong_status"},
			{"review without a finding", review(ReviewInput{ReasonID: long}), apperr.KindInvalid, "finding"},
			{"review without a reason", review(ReviewInput{Finding: "x"}), apperr.KindInvalid, "reason_id"},
			{"review with an inactive reason", review(ReviewInput{ReasonID: inactive.ID, Finding: "x"}), apperr.KindInvalid, "reason_id"},
			{"review", review(ReviewInput{ReasonID: long, Finding: "排队过久"}), 0, ""},
			{"review twice", review(ReviewInput{ReasonID: long, Finding: "again"}), apperr.KindConflict, "wrong_status"},
			{"assign due in the past", assign(AssignInput{TeamID: f.AS, DueAt: f.now.Add(-time.Minute)}), apperr.KindInvalid, "due_at"},
			{"assign without team", assign(AssignInput{DueAt: future}), apperr.KindInvalid, "team_id"},
			{"assign to a missing team", assign(AssignInput{TeamID: 987654, DueAt: future}), apperr.KindInvalid, "team_id"},
			{"assign to someone outside the team", assign(AssignInput{TeamID: f.AS, UserID: f.ids["agent-b"], DueAt: future}), apperr.KindInvalid, "user_id"},
			{"assign", assign(AssignInput{TeamID: f.AS, DueAt: future}), 0, ""},
			{"call back with a bad result", callback(CallbackInput{Result: "maybe"}), apperr.KindInvalid, "result"},
			{"resolved without a note", callback(CallbackInput{Result: ResultResolved}), apperr.KindInvalid, "note"},
			{"call back", callback(CallbackInput{Result: ResultNotResolved, Note: "客户仍不满意"}), 0, ""},
			{"retry a reached customer", assign(AssignInput{TeamID: f.AS, DueAt: future}), apperr.KindConflict, "wrong_status"},
			{"close without outcome", closeIt(CloseInput{}), apperr.KindInvalid, "outcome"},
			{"close", closeIt(CloseInput{Outcome: "已反馈"}), 0, ""},
			{"close twice", closeIt(CloseInput{Outcome: "again"}), apperr.KindConflict, "wrong_status"},
		}
		for _, c := range cases {
			err := c.do()
			if c.kind == 0 {
				if err != nil {
					t.Fatalf("%s: %v", c.name, err)
				}
				continue
			}
			e := apperr.As(err)
			if e == nil || e.Kind != c.kind || (e.Field != c.field && e.Code != c.field) || e.Message == "" {
				t.Errorf("%s: got %v, want kind %d %s", c.name, err, c.kind, c.field)
			}
		}
		d, err := f.svc.Detail(f.ctx, sup, id)
		must(t, err)
		if len(d.Steps) != 4 || d.ReasonID != long {
			t.Errorf("after refusals: %d steps, reason %d", len(d.Steps), d.ReasonID)
		}
	})
}

// Supervisors see their department's cases; the after-sales team sees a
// case once its call-back is assigned to them and may record only the
// call-back; nobody else sees it.
func TestScope(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		f.rate("a", "agent-a1", 1, f.now.Add(-time.Hour))
		f.rate("b", "agent-b", 1, f.now.Add(-time.Hour))
		idA := f.caseOf("a")
		sees := func(who string, want ...string) {
			t.Helper()
			cs, total, err := f.svc.Cases(f.ctx, f.actor(who), Filter{})
			must(t, err)
			got := map[string]bool{}
			for _, c := range cs {
				got[c.CallID] = true
			}
			if total != len(want) || len(got) != len(want) {
				t.Errorf("%s sees %v, want %v", who, got, want)
			}
			for _, w := range want {
				if !got[w] {
					t.Errorf("%s does not see %s", who, w)
				}
			}
		}
		sees("sup-a", "a")
		sees("sup-b", "b")
		sees("lead-a1", "a")
		sees("as-1")
		if _, err := f.svc.Case(f.ctx, f.actor("sup-b"), idA); apperr.KindOf(err) != apperr.KindNotFound {
			t.Errorf("sup-b reads A's case: %v", err)
		}
		if _, err := f.svc.Review(f.ctx, f.actor("sup-b"), idA, ReviewInput{ReasonID: f.reason("other"), Finding: "x"}); apperr.KindOf(err) != apperr.KindNotFound {
			t.Errorf("sup-b reviews A's case: %v", err)
		}
		sup := f.actor("sup-a")
		_, err := f.svc.Review(f.ctx, sup, idA, ReviewInput{ReasonID: f.reason("unresolved"), Finding: "x"})
		must(t, err)
		_, err = f.svc.Assign(f.ctx, sup, idA, AssignInput{TeamID: f.AS, DueAt: f.now.Add(time.Hour)})
		must(t, err)
		sees("as-1", "a")
		sees("as-2", "a")
		sees("sup-b", "b")
		as := f.actor("as-1")
		if _, err := f.svc.Assign(f.ctx, as, idA, AssignInput{TeamID: f.AS, DueAt: f.now.Add(2 * time.Hour)}); apperr.KindOf(err) != apperr.KindForbidden {
			t.Errorf("after-sales reassigns: %v", err)
		}
		if _, err := f.svc.CallBack(f.ctx, as, idA, CallbackInput{Result: ResultResolved, Note: "好"}); err != nil {
			t.Fatalf("after-sales calls back: %v", err)
		}
		if _, err := f.svc.Close(f.ctx, as, idA, CloseInput{Outcome: "x"}); apperr.KindOf(err) != apperr.KindForbidden {
			t.Errorf("after-sales closes: %v", err)
		}
	})
}

// Reason categories: defaults, create, rename, deactivate; one in use is
// not deleted, a code is unique.
func TestReasons(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		sup := f.actor("sup-a")
		rs, err := f.svc.Reasons(f.ctx)
		must(t, err)
		if len(rs) != 6 || rs[0].Name != "等待时间长" || rs[0].NameEn != "Long wait" || rs[5].Code != "other" {
			t.Fatalf("defaults %+v", rs)
		}
		r, err := f.svc.CreateReason(f.ctx, sup, ReasonInput{Name: "价格问题", NameEn: "Price", Sort: 60})
		must(t, err)
		if r.Code == "" || !r.Active || r.Label("en") != "Price" || r.Label("zh-CN") != "价格问题" {
			t.Fatalf("created %+v", r)
		}
		if _, err := f.svc.CreateReason(f.ctx, sup, ReasonInput{Code: "long_wait", Name: "重复"}); apperr.As(err) == nil || apperr.As(err).Field != "code" {
			t.Errorf("duplicate code: %v", err)
		}
		if _, err := f.svc.CreateReason(f.ctx, sup, ReasonInput{Name: ""}); apperr.KindOf(err) != apperr.KindInvalid {
			t.Errorf("empty name: %v", err)
		}
		f.rate("c1", "agent-a1", 1, f.now.Add(-time.Hour))
		_, err = f.svc.Review(f.ctx, sup, f.caseOf("c1"), ReviewInput{ReasonID: r.ID, Finding: "嫌贵"})
		must(t, err)
		if err := f.svc.DeleteReason(f.ctx, sup, r.ID); apperr.KindOf(err) != apperr.KindConflict {
			t.Errorf("delete in use: %v", err)
		}
		off, err := f.svc.UpdateReason(f.ctx, sup, r.ID, ReasonInput{Name: "价格", Active: ptr(false), Sort: 60})
		must(t, err)
		if off.Active || off.Used != 1 || off.Name != "价格" || off.Code != r.Code {
			t.Errorf("updated %+v", off)
		}
		spare, err := f.svc.CreateReason(f.ctx, sup, ReasonInput{Code: "spare", Name: "备用"})
		must(t, err)
		must(t, f.svc.DeleteReason(f.ctx, sup, spare.ID))
		if _, err := f.svc.UpdateReason(f.ctx, sup, spare.ID, ReasonInput{Name: "x"}); apperr.KindOf(err) != apperr.KindNotFound {
			t.Errorf("update deleted: %v", err)
		}
		_, total, err := audit.List(f.ctx, db, audit.Filter{Resource: "satisfaction_reasons"})
		must(t, err)
		if total != 4 {
			t.Errorf("%d audit entries for reasons, want 4", total)
		}
	})
}

func ptr[T any](v T) *T { return &v }
