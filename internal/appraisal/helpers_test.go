package appraisal_test

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/hotline-cc/hotline/internal/appraisal"
	"github.com/hotline-cc/hotline/internal/audit"
	"github.com/hotline-cc/hotline/internal/calllog"
	"github.com/hotline-cc/hotline/internal/complaint"
	"github.com/hotline-cc/hotline/internal/org"
	"github.com/hotline-cc/hotline/internal/password"
	"github.com/hotline-cc/hotline/internal/queues"
	"github.com/hotline-cc/hotline/internal/report"
	"github.com/hotline-cc/hotline/internal/store"
)

// world is a call center on one database with the real report engine,
// call log and complaint tickets, and the appraisal service on a settable
// clock (2026-05-10 in Asia/Shanghai, the reports' time zone):
//
//	客服部 (svc): team 一组 (t1: a1, a2, leader lead1), team 二组 (t2: a3); supervisor sup1
//	销售部 (sales): team 三组 (t3: b1); supervisor sup2
//	admin
//
// a1, a3 and b1 were hired in 2025; a2 on 2026-02-10 (three months'
// probation: February to May).
type world struct {
	t          *testing.T
	ctx        context.Context
	db         *store.DB
	org        *org.Service
	reports    *report.Engine
	calls      *calllog.Log
	complaints *complaint.Service
	svc        *appraisal.Service
	loc        *time.Location
	now        time.Time
	svcDept    int64
	salesDept  int64
	t1, t2, t3 int64
	ids        map[string]int64
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func newWorld(t *testing.T, db *store.DB) *world {
	t.Helper()
	ctx := context.Background()
	loc, err := time.LoadLocation("Asia/Shanghai")
	must(t, err)
	w := &world{t: t, ctx: ctx, db: db, loc: loc, ids: map[string]int64{}, now: time.Date(2026, 5, 10, 9, 0, 0, 0, loc)}
	w.org = org.NewService(db)
	w.org.Hasher = password.Fast
	must(t, w.org.SyncBuiltinRoles(ctx))
	sys := org.System()
	dept := func(n string) int64 {
		d, err := w.org.CreateDepartment(ctx, sys, org.DepartmentInput{Name: n})
		must(t, err)
		return d.ID
	}
	team := func(n string, d int64) int64 {
		tm, err := w.org.CreateTeam(ctx, sys, org.TeamInput{Name: n, DepartmentID: d})
		must(t, err)
		return tm.ID
	}
	w.svcDept, w.salesDept = dept("客服部"), dept("销售部")
	w.t1, w.t2, w.t3 = team("一组", w.svcDept), team("二组", w.svcDept), team("三组", w.salesDept)
	for _, u := range []struct {
		name, role, hired string
		dept, team        int64
	}{
		{"admin", org.RoleAdmin, "", 0, 0}, {"sup1", org.RoleSupervisor, "", w.svcDept, 0}, {"sup2", org.RoleSupervisor, "", w.salesDept, 0},
		{"lead1", org.RoleTeamLeader, "", 0, w.t1}, {"a1", org.RoleAgent, "2025-01-01", 0, w.t1}, {"a2", org.RoleAgent, "2026-02-10", 0, w.t1},
		{"a3", org.RoleAgent, "2025-01-01", 0, w.t2}, {"b1", org.RoleAgent, "2025-06-01", 0, w.t3},
	} {
		r, err := w.org.RoleByKey(ctx, u.role)
		must(t, err)
		created, err := w.org.CreateUser(ctx, sys, org.UserInput{Username: u.name, DisplayName: "坐席" + u.name,
			Password: "password-" + u.name, RoleID: r.ID, DepartmentID: u.dept, TeamID: u.team, HireDate: u.hired})
		must(t, err)
		w.ids[u.name] = created.ID
	}
	set := report.DefaultSettings()
	set.TimeZone = "Asia/Shanghai"
	must(t, report.SaveSettings(ctx, db, sys, set))
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	w.reports = report.New(db, w.org, queues.New(db), quiet)
	w.reports.SetClock(func() time.Time { return w.now })
	w.calls = calllog.New(db, nil, quiet)
	t.Cleanup(func() { w.calls.Close() })
	w.complaints = complaint.New(db, nil, quiet)
	w.svc = appraisal.New(appraisal.Deps{DB: db, Org: w.org, Reports: w.reports, Log: quiet})
	w.svc.Now = func() time.Time { return w.now }
	must(t, w.svc.Start(ctx))
	return w
}

func (w *world) actor(name string) *org.Actor {
	w.t.Helper()
	if name == "system" {
		return org.System()
	}
	a, err := w.org.LoadActor(w.ctx, w.ids[name])
	must(w.t, err)
	return a
}

// scheme is the default scheme.
func (w *world) scheme() *appraisal.Scheme {
	w.t.Helper()
	ss, err := w.svc.Schemes(w.ctx)
	must(w.t, err)
	for i := range ss {
		if ss[i].Name == appraisal.DefaultName {
			return &ss[i]
		}
	}
	w.t.Fatal("no default scheme")
	return nil
}

// enter sets manual values as sup1: item=value pairs.
func (w *world) enter(agent string, m appraisal.Month, kv ...any) {
	w.t.Helper()
	for i := 0; i < len(kv); i += 2 {
		v := kv[i+1]
		var f float64
		switch x := v.(type) {
		case int:
			f = float64(x)
		case float64:
			f = x
		}
		if _, err := w.svc.SetManual(w.ctx, w.actor("sup1"), w.ids[agent], m, kv[i].(string),
			appraisal.ManualInput{Value: f, Note: "QA sheet"}); err != nil {
			w.t.Fatalf("enter %s for %s: %v", kv[i], agent, err)
		}
	}
}

// row returns an agent's appraisal from a month view.
func row(t *testing.T, v *appraisal.MonthView, id int64) *appraisal.Appraisal {
	t.Helper()
	for i := range v.Agents {
		if v.Agents[i].AgentID == id {
			return &v.Agents[i]
		}
	}
	return nil
}

func item(ap *appraisal.Appraisal, key string) appraisal.ItemScore {
	for _, it := range ap.Items {
		if it.Key == key {
			return it
		}
	}
	return appraisal.ItemScore{}
}

func total(ap *appraisal.Appraisal) float64 {
	if ap == nil || ap.Total == nil {
		return -1
	}
	return *ap.Total
}

// audits counts audit rows of a resource and action.
func (w *world) audits(resource, action string) int {
	w.t.Helper()
	_, n, err := audit.List(w.ctx, w.db, audit.Filter{Resource: resource, Action: action})
	must(w.t, err)
	return n
}

// complaint registers a ticket about agent as sup1 (at the given time),
// with the agent liable when liable is set.
func (w *world) complaint(agent string, at time.Time, liable bool) {
	w.t.Helper()
	w.complaints.Now = func() time.Time { return at }
	in := complaint.Input{Content: "态度不好", Severity: complaint.SeverityMinor, ContactPhone: "13800000001", AgentID: w.ids[agent]}
	if liable {
		in.Liability = complaint.LiabilityAgent
	}
	sup := "sup1"
	if agent == "b1" {
		sup = "sup2"
	}
	_, err := w.complaints.Create(w.ctx, w.actor(sup), in)
	must(w.t, err)
}
