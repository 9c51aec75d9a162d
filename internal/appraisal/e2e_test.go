package appraisal_test

import (
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/hotline-cc/hotline/internal/acd"
	"github.com/hotline-cc/hotline/internal/appraisal"
	"github.com/hotline-cc/hotline/internal/calllog"
	"github.com/hotline-cc/hotline/internal/org"
	"github.com/hotline-cc/hotline/internal/queues"
	"github.com/hotline-cc/hotline/internal/report"
	"github.com/hotline-cc/hotline/internal/store"
	"github.com/hotline-cc/hotline/internal/store/storetest"
)

// answered writes a queued inbound call that agent answers after wait
// and talks for talk, as the call layer logs it.
func (w *world) answered(id, agent string, at time.Time, wait, talk time.Duration) {
	w.t.Helper()
	u, err := w.org.User(w.ctx, org.System(), w.ids[agent])
	must(w.t, err)
	leg := "agent:" + agent
	on := at.Add(wait)
	end := on.Add(talk)
	for _, e := range []calllog.Event{
		{Type: calllog.CallOffered, At: at, Leg: "caller", Data: calllog.Data{Direction: "inbound", From: "13800000001", To: "8000", Number: "8000"}},
		{Type: calllog.CallAnswered, At: at, Leg: "caller", Data: calllog.Data{By: "system"}},
		{Type: calllog.QueueEntered, At: at, Leg: "caller", Queue: "support", Data: calllog.Data{DeptID: w.svcDept}},
		{Type: calllog.QueueOffer, At: at, Leg: leg, Queue: "support", AgentID: u.ID, Data: calllog.Data{TeamID: u.TeamID, DeptID: w.svcDept}},
		{Type: calllog.AgentAnswered, At: on, Leg: leg, Queue: "support", AgentID: u.ID, Data: calllog.Data{TeamID: u.TeamID, DeptID: w.svcDept}},
		{Type: calllog.LegEnded, At: end, Leg: leg, Queue: "support", AgentID: u.ID, Data: calllog.Data{By: "agent"}},
		{Type: calllog.CallEnded, At: end.Add(time.Second), Leg: "caller", Queue: "support", Data: calllog.Data{By: "system"}},
		{Type: calllog.AgentWrapUpEnd, At: end.Add(10 * time.Second), Leg: leg, Queue: "support", AgentID: u.ID},
	} {
		e.CallID = id
		w.calls.Append(w.ctx, e)
	}
}

// The metric item's raw value is the report's figure for the agent and
// month; complaints with the agent's liability count; QA items say there
// is no QA data and take the entered values.
func TestAppraisalFromReportData(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := newWorld(t, db)
		_, err := queues.New(db).Save(w.ctx, org.System(), queues.Queue{Queue: acd.Queue{Name: "support", Strategy: acd.LongestIdle},
			DepartmentID: w.svcDept})
		must(t, err)
		march := appraisal.Month("2026-03")
		day := func(d, h int) time.Time { return time.Date(2026, 3, d, h, 0, 0, 0, w.loc) }
		// a1 answers after 10 s and 40 s (ASA 25 s), a2 after 30 s and 34 s (32 s).
		w.answered("m1", "a1", day(2, 9), 10*time.Second, 3*time.Minute)
		w.answered("m2", "a1", day(16, 14), 40*time.Second, 2*time.Minute)
		w.answered("m3", "a2", day(3, 10), 30*time.Second, time.Minute)
		w.answered("m4", "a2", day(31, 23), 34*time.Second, time.Minute) // 23:00 local on the last day
		w.answered("x1", "a1", time.Date(2026, 4, 1, 0, 0, 30, 0, w.loc), 5*time.Minute, time.Minute)
		must(t, w.calls.Flush(w.ctx))
		// The days with calls are marked for the rollups, as a bulk writer must.
		for _, d := range []time.Time{day(2, 0), day(3, 0), day(16, 0), day(31, 0), day(32, 0)} {
			must(t, report.Invalidate(w.ctx, db, d, d.AddDate(0, 0, 1)))
		}
		must(t, w.reports.Sync(w.ctx))
		w.complaint("a2", day(20, 12), true)
		w.complaint("a2", day(21, 12), false) // not the agent's liability: not a violation

		res, err := w.reports.Report(w.ctx, org.System(), report.Query{From: march.Start(w.loc), To: march.End(w.loc),
			Interval: report.IntMonth, GroupBy: report.GroupAgent})
		must(t, err)
		asa := map[int64]float64{}
		for _, r := range res.Groups {
			id, _ := strconv.ParseInt(r.Group, 10, 64)
			if v := r.Values["asa"]; v.OK {
				asa[id] = v.V
			}
		}
		if asa[w.ids["a1"]] != 25 || asa[w.ids["a2"]] != 32 {
			t.Fatalf("report ASA %v", asa)
		}

		sc := w.scheme()
		mv, err := w.svc.Month(w.ctx, w.actor("sup1"), sc.ID, march)
		must(t, err)
		for _, name := range []string{"a1", "a2"} {
			ap := row(t, mv, w.ids[name])
			resp := item(ap, "response")
			if resp.Value == nil || *resp.Value != asa[w.ids[name]] || resp.From != appraisal.SourceMetric {
				t.Errorf("%s: response %+v, report ASA %v", name, resp.Raw, asa[w.ids[name]])
			}
			if errs := item(ap, "errors"); errs.Value != nil || errs.Note != appraisal.NoteNoQA || ap.Complete {
				t.Errorf("%s: errors %+v before QA values", name, errs.Raw)
			}
		}
		ap2 := row(t, mv, w.ids["a2"])
		if att := item(ap2, "attitude"); att.Value == nil || *att.Value != 1 || att.From != appraisal.SourceComplaints || *att.Points != 120 {
			t.Errorf("a2 attitude %+v", att)
		}
		if a3 := row(t, mv, w.ids["a3"]); a3 == nil || item(a3, "response").Note != appraisal.NoteNoData {
			t.Errorf("a3 without calls: %+v", a3)
		}

		for _, name := range []string{"a1", "a2"} {
			w.enter(name, march, "errors", 0, "accuracy", 0)
		}
		mv, err = w.svc.Month(w.ctx, w.actor("sup1"), sc.ID, march)
		must(t, err)
		// a1: 120 everywhere. a2: response 32 s → 110 × 25 % = 27.5 → 117.5.
		for name, want := range map[string]float64{"a1": 120, "a2": 117.5} {
			if ap := row(t, mv, w.ids[name]); total(ap) != want {
				t.Errorf("%s total %v, want %v (%s)", name, total(ap), want, fmt.Sprint(ap.Items))
			}
		}
		if ap := row(t, mv, w.ids["a1"]); *ap.Bonus != 500 {
			t.Errorf("a1 bonus %v", *ap.Bonus)
		}
		// An agent sees only their own row.
		own, err := w.svc.Month(w.ctx, w.actor("a2"), sc.ID, march)
		must(t, err)
		if len(own.Agents) != 1 || own.Agents[0].AgentID != w.ids["a2"] {
			t.Fatalf("a2 sees %d rows", len(own.Agents))
		}
	})
}
