package appraisal_test

import (
	"testing"

	"github.com/hotline-cc/hotline/internal/apperr"
	"github.com/hotline-cc/hotline/internal/appraisal"
	"github.com/hotline-cc/hotline/internal/store"
	"github.com/hotline-cc/hotline/internal/store/storetest"
)

func wantErr(t *testing.T, what string, err error, kind apperr.Kind, code string) {
	t.Helper()
	e := apperr.As(err)
	if e == nil || e.Kind != kind || code != "" && e.Code != code {
		t.Fatalf("%s: %v, want kind %d %s", what, err, kind, code)
	}
}

// The default scheme exists after the first start, once, audited, with
// the 120-point model.
func TestDefaultSchemeOnStart(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		must(t, w.svc.Start(w.ctx)) // a second start adds nothing
		ss, err := w.svc.Schemes(w.ctx)
		must(t, err)
		if len(ss) != 1 || ss[0].Version != 1 || ss[0].Definition.Max != 120 || len(ss[0].Definition.Items) != 4 ||
			!ss[0].Definition.Targets.All || ss[0].Definition.ProbationMonths != 3 {
			t.Fatalf("schemes %+v", ss)
		}
		if n := w.audits("appraisal_schemes", "create"); n != 1 {
			t.Fatalf("%d audit rows", n)
		}
	})
}

// Changing a scheme makes a new version; the old one stays readable; a
// change from a stale version, a taken name, or a target another scheme
// holds is refused; agents go to the most specific scheme.
func TestSchemeVersionsAndTargets(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		admin := w.actor("admin")
		sc := w.scheme()
		in := appraisal.SchemeInput{Name: sc.Name, Version: 1, Definition: sc.Definition}
		in.Definition.Bonus[4].Amount = 600
		up, err := w.svc.UpdateScheme(w.ctx, admin, sc.ID, in)
		must(t, err)
		if up.Version != 2 || up.Definition.Bonus[4].Amount != 600 {
			t.Fatalf("updated %+v", up)
		}
		v1, err := w.svc.VersionOf(w.ctx, sc.ID, 1)
		must(t, err)
		if v1.Definition.Bonus[4].Amount != 500 {
			t.Fatalf("version 1 changed: %+v", v1.Definition.Bonus[4])
		}
		vs, err := w.svc.Versions(w.ctx, sc.ID)
		must(t, err)
		if len(vs) != 2 || vs[0].Version != 2 || vs[0].CreatedBy != "admin" {
			t.Fatalf("versions %+v", vs)
		}
		_, err = w.svc.UpdateScheme(w.ctx, admin, sc.ID, in) // still says version 1
		wantErr(t, "stale version", err, apperr.KindConflict, "changed")
		if n := w.audits("appraisal_schemes", "update"); n != 1 {
			t.Fatalf("%d update audit rows", n)
		}

		sales := appraisal.SchemeInput{Name: "销售提成", Definition: appraisal.DefaultDefinition()}
		sales.Definition.Targets = appraisal.Targets{All: true}
		_, err = w.svc.CreateScheme(w.ctx, admin, sales)
		wantErr(t, "second scheme for all", err, apperr.KindInvalid, "")
		sales.Definition.Targets = appraisal.Targets{DepartmentIDs: []int64{w.salesDept}}
		sales.Definition.Commission = appraisal.SalesCommission()
		_, err = w.svc.CreateScheme(w.ctx, w.actor("sup1"), sales)
		wantErr(t, "a department outside the supervisor's scope", err, apperr.KindForbidden, "")
		salesScheme, err := w.svc.CreateScheme(w.ctx, w.actor("sup2"), sales)
		must(t, err)
		team := appraisal.SchemeInput{Name: "二组", Definition: appraisal.DefaultDefinition()}
		team.Definition.Targets = appraisal.Targets{DepartmentIDs: []int64{w.salesDept}}
		_, err = w.svc.CreateScheme(w.ctx, admin, team)
		wantErr(t, "department taken", err, apperr.KindInvalid, "")
		team.Definition.Targets = appraisal.Targets{TeamIDs: []int64{w.t2}}
		teamScheme, err := w.svc.CreateScheme(w.ctx, w.actor("sup1"), team)
		must(t, err)
		team.Name, team.Definition.Targets = "销售提成", appraisal.Targets{TeamIDs: []int64{w.t1}}
		_, err = w.svc.CreateScheme(w.ctx, admin, team)
		wantErr(t, "name taken", err, apperr.KindConflict, "duplicate")

		// a1 (一组) stays with the default, a3 (二组) has the team's, b1 (销售部) the department's.
		for name, want := range map[string]int64{"a1": sc.ID, "a3": teamScheme.ID, "b1": salesScheme.ID} {
			v, err := w.svc.Agent(w.ctx, admin, w.ids[name], "2026-04")
			must(t, err)
			if v.Appraisal.SchemeID != want {
				t.Errorf("%s is appraised by scheme %d, want %d", name, v.Appraisal.SchemeID, want)
			}
		}
		mv, err := w.svc.Month(w.ctx, admin, sc.ID, "2026-04")
		must(t, err)
		if len(mv.Agents) != 2 || row(t, mv, w.ids["a1"]) == nil || row(t, mv, w.ids["a2"]) == nil {
			t.Fatalf("default scheme's April: %d agents", len(mv.Agents))
		}

		must(t, w.svc.DeleteScheme(w.ctx, w.actor("sup1"), teamScheme.ID))
		must(t, w.svc.DeleteScheme(w.ctx, admin, salesScheme.ID))
		wantErr(t, "last scheme", w.svc.DeleteScheme(w.ctx, admin, sc.ID), apperr.KindConflict, "last_scheme")
		if n := w.audits("appraisal_schemes", "delete"); n != 2 {
			t.Fatalf("%d delete audit rows", n)
		}
	})
}

// Manual values: entered, changed and removed with their history and an
// audit row each; only in scope, not for oneself, not outside the tiers.
func TestManualEntriesAudited(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		a1 := w.ids["a1"]
		set := func(who string, agent int64, item string, v float64) error {
			_, err := w.svc.SetManual(w.ctx, w.actor(who), agent, "2026-04", item, appraisal.ManualInput{Value: v, Note: "抽检 12 通"})
			return err
		}
		must(t, set("sup1", a1, "errors", 2))
		must(t, set("lead1", a1, "errors", 3))
		v, err := w.svc.Agent(w.ctx, w.actor("sup1"), a1, "2026-04")
		must(t, err)
		it := item(&v.Appraisal, "errors")
		if it.Value == nil || *it.Value != 3 || it.From != appraisal.SourceManual || it.Note != appraisal.NoteNoQA ||
			it.Manual == nil || it.Manual.By != "lead1" || *it.Points != 110 {
			t.Fatalf("errors item %+v", it)
		}
		if len(v.Entries) != 1 || len(v.Changes) != 2 || v.Changes[0].Action != "set" || v.Changes[1].Action != "change" ||
			*v.Changes[1].Old != 2 || *v.Changes[1].New != 3 || v.Changes[1].By != "lead1" {
			t.Fatalf("entries %+v, changes %+v", v.Entries, v.Changes)
		}
		must(t, w.svc.DeleteManual(w.ctx, w.actor("sup1"), a1, "2026-04", "errors", "wrong sheet"))
		v, err = w.svc.Agent(w.ctx, w.actor("sup1"), a1, "2026-04")
		must(t, err)
		if it := item(&v.Appraisal, "errors"); it.Value != nil || len(v.Entries) != 0 || len(v.Changes) != 3 || v.Changes[2].Note != "wrong sheet" {
			t.Fatalf("after delete: %+v %+v", it, v.Changes)
		}
		if c, u, d := w.audits("appraisal_manual", "create"), w.audits("appraisal_manual", "update"), w.audits("appraisal_manual", "delete"); c != 1 || u != 1 || d != 1 {
			t.Fatalf("audit rows create %d update %d delete %d", c, u, d)
		}

		wantErr(t, "team leader, other team", set("lead1", w.ids["a3"], "errors", 1), apperr.KindNotFound, "")
		wantErr(t, "supervisor, other department", set("sup2", a1, "errors", 1), apperr.KindNotFound, "")
		wantErr(t, "agent", set("a2", a1, "errors", 1), apperr.KindForbidden, "")
		wantErr(t, "outside the tiers", set("sup1", a1, "errors", -1), apperr.KindInvalid, "")
		wantErr(t, "unknown item", set("sup1", a1, "happiness", 1), apperr.KindInvalid, "")
		_, err = w.svc.SetManual(w.ctx, w.actor("sup1"), a1, "2026-07", "errors", appraisal.ManualInput{Value: 1})
		wantErr(t, "future month", err, apperr.KindInvalid, "")
		_, err = w.svc.SetManual(w.ctx, w.actor("admin"), w.ids["admin"], "2026-04", "errors", appraisal.ManualInput{Value: 1})
		wantErr(t, "oneself", err, apperr.KindConflict, "self")
	})
}

// Closing a month freezes it: the totals, items and version as computed;
// later complaints, manual values and scheme changes leave it; reopening
// (audited, with a reason) computes it live again.
func TestClosingFreezes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		admin := w.actor("admin")
		sc := w.scheme()
		a1 := w.ids["a1"]
		// No calls: the response time has no report figure and is entered too.
		w.enter("a1", "2026-04", "errors", 1, "response", 25, "accuracy", 2)
		mv, err := w.svc.Month(w.ctx, admin, sc.ID, "2026-04")
		must(t, err)
		// 120×40 % + 120×25 % + 120×20 % (no complaint) + 110×15 %
		if ap := row(t, mv, a1); total(ap) != 118.5 || *ap.Bonus != 400 || mv.State.Status != "open" || !mv.Over {
			t.Fatalf("live April %+v", ap)
		}
		_, err = w.svc.Close(w.ctx, admin, sc.ID, "2026-05")
		wantErr(t, "May is not over", err, apperr.KindConflict, "not_over")
		_, err = w.svc.Close(w.ctx, w.actor("sup1"), sc.ID, "2026-04")
		wantErr(t, "a supervisor closing the scheme for all", err, apperr.KindForbidden, "")
		st, err := w.svc.Close(w.ctx, admin, sc.ID, "2026-04")
		must(t, err)
		if st.Status != "closed" || st.Version != 1 || st.ClosedBy != "admin" {
			t.Fatalf("state %+v", st)
		}
		_, err = w.svc.Close(w.ctx, admin, sc.ID, "2026-04")
		wantErr(t, "closing twice", err, apperr.KindConflict, "closed")

		// Afterwards: a liable complaint in April, a manual change, a new version.
		w.complaint("a1", w.now.AddDate(0, 0, -15), true)
		_, err = w.svc.SetManual(w.ctx, w.actor("sup1"), a1, "2026-04", "errors", appraisal.ManualInput{Value: 9})
		wantErr(t, "manual value of a closed month", err, apperr.KindConflict, "closed")
		in := appraisal.SchemeInput{Name: sc.Name, Version: 1, Definition: sc.Definition}
		in.Definition.Items[3].Tiers[1].Points = 100 // 2–3 wrong answers: 100 instead of 110
		_, err = w.svc.UpdateScheme(w.ctx, admin, sc.ID, in)
		must(t, err)

		mv, err = w.svc.Month(w.ctx, w.actor("sup1"), sc.ID, "2026-04")
		must(t, err)
		ap := row(t, mv, a1)
		if mv.Version != 1 || mv.State.Status != "closed" || total(ap) != 118.5 || !ap.Closed || *item(ap, "attitude").Value != 0 {
			t.Fatalf("closed April changed: version %d %+v", mv.Version, ap)
		}
		if mv.Definition.Items[3].Tiers[1].Points != 110 {
			t.Fatal("the closed month shows the new version")
		}
		if len(mv.Agents) != 3 || row(t, mv, w.ids["b1"]) != nil {
			t.Fatalf("%d agents in the supervisor's view", len(mv.Agents))
		}
		av, err := w.svc.Agent(w.ctx, w.actor("a1"), a1, "2026-04")
		must(t, err)
		if av.State.Status != "closed" || total(&av.Appraisal) != 118.5 {
			t.Fatalf("agent's own view %+v", av.Appraisal)
		}

		_, err = w.svc.Reopen(w.ctx, admin, sc.ID, "2026-04", appraisal.ReopenInput{})
		wantErr(t, "reopen without a reason", err, apperr.KindInvalid, "")
		st, err = w.svc.Reopen(w.ctx, admin, sc.ID, "2026-04", appraisal.ReopenInput{Reason: "投诉补录"})
		must(t, err)
		if st.Status != "open" || st.ReopenReason != "投诉补录" {
			t.Fatalf("reopened %+v", st)
		}
		mv, err = w.svc.Month(w.ctx, admin, sc.ID, "2026-04")
		must(t, err)
		// Live again, version 2: attitude 1 complaint → 120 still; accuracy 2 → 100 now.
		if ap := row(t, mv, a1); mv.Version != 2 || total(ap) != 117 || *item(ap, "attitude").Value != 1 {
			t.Fatalf("reopened April %+v", ap)
		}
		if w.audits("appraisal_months", "close") != 1 || w.audits("appraisal_months", "reopen") != 1 {
			t.Fatal("closing and reopening are not audited")
		}
		_, err = w.svc.Close(w.ctx, admin, sc.ID, "2026-04")
		must(t, err)
		err = w.svc.DeleteScheme(w.ctx, admin, sc.ID)
		wantErr(t, "deleting a scheme with closed months", err, apperr.KindConflict, "in_use")
	})
}

// The rules read earlier months: closed months' frozen totals, else the
// months computed live. a1 scores below 90 in February and March
// (closed) and April: dismissal (3 months below 90 in a year) and
// demotion; a2, on probation, is flagged for early confirmation.
func TestFlagsFromHistory(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		admin := w.actor("admin")
		sc := w.scheme()
		w.now = w.now.AddDate(0, 0, -60) // 2026-03-11: February is over
		// 8 errors → 60 × 40 % = 24; 30 s → 30; 0 → 24; 8 wrong answers → 9: 87.
		w.enter("a1", "2026-02", "errors", 8, "response", 30, "accuracy", 8)
		_, err := w.svc.Close(w.ctx, admin, sc.ID, "2026-02")
		must(t, err)
		w.now = w.now.AddDate(0, 0, 60)
		w.enter("a1", "2026-03", "errors", 8, "response", 30, "accuracy", 8)
		w.enter("a1", "2026-04", "errors", 8, "response", 30, "accuracy", 8)
		w.enter("a2", "2026-04", "errors", 0, "response", 20, "accuracy", 3)
		mv, err := w.svc.Month(w.ctx, admin, sc.ID, "2026-04")
		must(t, err)
		ap := row(t, mv, w.ids["a1"])
		if total(ap) != 87 || len(ap.History) != 12 || !ap.History[2].Closed || *ap.History[1].Total != 87 || ap.History[3].Total != nil {
			t.Fatalf("a1 %+v", ap)
		}
		if got := flagKinds(ap); got != "demotion,dismissal" {
			t.Fatalf("a1 flags %s", got)
		}
		ap2 := row(t, mv, w.ids["a2"])
		if ap2.Probation == nil || ap2.Probation.End != "2026-05-09" || flagKinds(ap2) != "early_confirmation" {
			t.Fatalf("a2 %+v %s", ap2.Probation, flagKinds(ap2))
		}
	})
}

func flagKinds(ap *appraisal.Appraisal) string {
	s := ""
	for i, f := range ap.Flags {
		if i > 0 {
			s += ","
		}
		s += f.Kind
	}
	return s
}
