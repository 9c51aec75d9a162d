package reportexport

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/hotline-cc/hotline/internal/calllog"
	"github.com/hotline-cc/hotline/internal/org"
	"github.com/hotline-cc/hotline/internal/report"
	"github.com/hotline-cc/hotline/internal/store"
)

// fixture is a small call center on a real database: department 客服部
// with teams 一组 (agent 坐席甲, leader 组长甲) and 二组 (agent 坐席乙),
// an administrator, a supervisor and a plain agent role user, and two
// days of calls (2026-03-02 and 03, Asia/Shanghai) through queue support,
// written as the call layer writes them (calllog.Bulk: events → CDRs).
type fixture struct {
	t      testing.TB
	ctx    context.Context
	db     *store.DB
	org    *org.Service
	eng    *report.Engine
	loc    *time.Location
	dept   int64
	teamA  int64
	teamB  int64
	users  map[string]*org.User
	actors map[string]*org.Actor
}

func newFixture(t testing.TB, db *store.DB, o *org.Service, eng *report.Engine) *fixture {
	t.Helper()
	ctx := context.Background()
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{t: t, ctx: ctx, db: db, org: o, eng: eng, loc: loc, users: map[string]*org.User{}, actors: map[string]*org.Actor{}}
	set := report.DefaultSettings()
	set.TimeZone = "Asia/Shanghai"
	if err := eng.SaveSettings(ctx, org.System(), set); err != nil {
		t.Fatal(err)
	}
	// Started before the calls, as in the app: the agents' watermark is
	// now, and the calls' buckets below it are rolled up as dirty ones.
	if err := eng.Start(ctx); err != nil {
		t.Fatal(err)
	}
	sys := org.System()
	d, err := o.CreateDepartment(ctx, sys, org.DepartmentInput{Name: "客服部"})
	if err != nil {
		t.Fatal(err)
	}
	f.dept = d.ID
	for i, n := range []string{"一组", "二组"} {
		tm, err := o.CreateTeam(ctx, sys, org.TeamInput{Name: n, DepartmentID: d.ID})
		if err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			f.teamA = tm.ID
		} else {
			f.teamB = tm.ID
		}
	}
	for _, u := range []struct {
		name, display, role string
		team                int64
	}{
		{"agent-a", "坐席甲", org.RoleAgent, f.teamA}, {"agent-b", "坐席乙", org.RoleAgent, f.teamB},
		{"lead-a", "组长甲", org.RoleTeamLeader, f.teamA}, {"sup", "主管", org.RoleSupervisor, 0},
		{"admin2", "管理员二", org.RoleAdmin, 0}, {"admin3", "管理员三", org.RoleAdmin, 0},
	} {
		f.user(u.name, u.display, u.role, u.team)
	}
	f.calls()
	return f
}

// passwordOf is the password of a fixture user.
func passwordOf(name string) string { return "password-" + name }

func (f *fixture) user(name, display, role string, team int64) {
	r, err := f.org.RoleByKey(f.ctx, role)
	if err != nil {
		f.t.Fatal(err)
	}
	in := org.UserInput{Username: name, DisplayName: display, Password: passwordOf(name), RoleID: r.ID, TeamID: team}
	if team == 0 && role != org.RoleAdmin {
		in.DepartmentID = f.dept
	}
	u, err := f.org.CreateUser(f.ctx, org.System(), in)
	if err != nil {
		f.t.Fatal(err)
	}
	f.users[name] = u
	f.actors[name] = f.actor(name)
}

func (f *fixture) actor(name string) *org.Actor {
	a, err := f.org.LoadActor(f.ctx, f.users[name].ID)
	if err != nil {
		f.t.Fatal(err)
	}
	return a
}

// day is the local midnight of 2026-03-d.
func (f *fixture) day(d int) time.Time { return time.Date(2026, 3, d, 0, 0, 0, 0, f.loc) }

// calls writes the two days: each day agent-a answers two calls (one
// held, one rated 5), agent-b one (rated 1, with a long wait), one caller
// abandons, one call is blocked; both agents log in and out.
func (f *fixture) calls() {
	b := calllog.NewBulk(f.db)
	for _, d := range []int{2, 3} {
		at := func(h, m, s int) time.Time {
			return f.day(d).Add(time.Duration(h)*time.Hour + time.Duration(m)*time.Minute + time.Duration(s)*time.Second)
		}
		id := func(n string) string { return fmt.Sprintf("d%d-%s", d, n) }
		for _, c := range [][]calllog.Event{
			f.answered(id("a1"), at(9, 0, 0), "agent-a", 5, 200, 30, 5, 20),
			f.answered(id("a2"), at(9, 30, 0), "agent-a", 12+d, 300, 20, 0, 0),
			f.answered(id("b1"), at(10, 0, 0), "agent-b", 40, 150, 10, 1, 0),
			f.abandoned(id("x1"), at(11, 0, 0), 35),
			f.blocked(id("k1"), at(12, 0, 0)),
		} {
			if _, err := b.AddCall(f.ctx, c); err != nil {
				f.t.Fatal(err)
			}
		}
		for _, ag := range []string{"agent-a", "agent-b"} {
			u := f.users[ag].ID
			if err := b.AddAgentEvents(f.ctx, []calllog.AgentEvent{
				{AgentID: u, At: at(8, 50, 0), From: "logged_out", To: "ready"},
				{AgentID: u, At: at(12, 0, 0), From: "ready", To: "not_ready", Reason: "lunch"},
				{AgentID: u, At: at(13, 0, 0), From: "not_ready", To: "ready"},
				{AgentID: u, At: at(17, 0, 0), From: "ready", To: "logged_out"},
			}); err != nil {
				f.t.Fatal(err)
			}
		}
	}
	if err := b.Flush(f.ctx); err != nil {
		f.t.Fatal(err)
	}
	// Mark what the calls and logins cover, as a bulk writer must. The
	// rollups are not run: the engine computes these few dirty buckets
	// from the records (the report package tests that both agree).
	for _, d := range []int{2, 3} {
		if err := report.Invalidate(f.ctx, f.db, f.day(d).Add(8*time.Hour+45*time.Minute), f.day(d).Add(17*time.Hour+15*time.Minute)); err != nil {
			f.t.Fatal(err)
		}
	}
}

// answered is a call queued in support and answered by agent after wait
// seconds, talked for talk s (hold of the first hold s inside), wrapped up
// for wrap s, rated score (0: not rated).
func (f *fixture) answered(id string, at time.Time, agent string, wait, talk, wrap, score, hold int) []calllog.Event {
	u := f.users[agent]
	sec := func(s int) time.Time { return at.Add(time.Duration(s) * time.Second) }
	ag := func(e calllog.Event) calllog.Event {
		e.AgentID, e.Leg, e.Queue = u.ID, "agent:"+agent, "support"
		return e
	}
	who := calllog.Data{TeamID: u.TeamID, DeptID: f.dept}
	evs := []calllog.Event{
		{CallID: id, At: at, Type: calllog.CallOffered, Leg: "caller", Data: calllog.Data{Direction: "inbound", From: "1380000" + id[len(id)-2:], To: "8000", Number: "8000"}},
		{CallID: id, At: at, Type: calllog.CallAnswered, Leg: "caller", Data: calllog.Data{By: "system"}},
		{CallID: id, At: sec(2), Type: calllog.QueueEntered, Leg: "caller", Queue: "support", Data: calllog.Data{DeptID: f.dept}},
		ag(calllog.Event{CallID: id, At: sec(2), Type: calllog.QueueOffer, Data: who}),
		ag(calllog.Event{CallID: id, At: sec(2 + wait), Type: calllog.AgentAnswered, Data: who}),
	}
	if hold > 0 {
		evs = append(evs, ag(calllog.Event{CallID: id, At: sec(2 + wait + 10), Type: calllog.CallHold, Data: calllog.Data{By: "agent"}}),
			ag(calllog.Event{CallID: id, At: sec(2 + wait + 10 + hold), Type: calllog.CallUnhold, Data: calllog.Data{By: "agent"}}))
	}
	end := 2 + wait + talk
	evs = append(evs, ag(calllog.Event{CallID: id, At: sec(end), Type: calllog.LegEnded, Data: calllog.Data{By: "agent"}}))
	if score > 0 {
		evs = append(evs, ag(calllog.Event{CallID: id, At: sec(end + 2), Type: calllog.CallRated, Data: calllog.Data{Score: score, Scale: 5}}))
	}
	return append(evs, calllog.Event{CallID: id, At: sec(end + 5), Type: calllog.CallEnded, Leg: "caller", Data: calllog.Data{By: "system"}},
		ag(calllog.Event{CallID: id, At: sec(end + wrap), Type: calllog.AgentWrapUpEnd}))
}

func (f *fixture) abandoned(id string, at time.Time, wait int) []calllog.Event {
	left := at.Add(time.Duration(2+wait) * time.Second)
	return []calllog.Event{
		{CallID: id, At: at, Type: calllog.CallOffered, Leg: "caller", Data: calllog.Data{Direction: "inbound", From: "13900000001", To: "8000", Number: "8000"}},
		{CallID: id, At: at, Type: calllog.CallAnswered, Leg: "caller", Data: calllog.Data{By: "system"}},
		{CallID: id, At: at.Add(2 * time.Second), Type: calllog.QueueEntered, Leg: "caller", Queue: "support", Data: calllog.Data{DeptID: f.dept}},
		{CallID: id, At: left, Type: calllog.QueueAbandoned, Leg: "caller", Queue: "support", Data: calllog.Data{WaitMS: int64(wait) * 1000}},
		{CallID: id, At: left, Type: calllog.CallEnded, Leg: "caller", Queue: "support", Data: calllog.Data{By: "caller"}},
	}
}

func (f *fixture) blocked(id string, at time.Time) []calllog.Event {
	return []calllog.Event{
		{CallID: id, At: at, Type: calllog.CallOffered, Leg: "caller", Data: calllog.Data{Direction: "inbound", From: "13900000002", To: "9999", Number: "9999"}},
		{CallID: id, At: at, Type: calllog.CallBlocked, Leg: "caller", Data: calllog.Data{Reason: "unknown_number", Code: 404}},
		{CallID: id, At: at, Type: calllog.CallEnded, Leg: "caller", Data: calllog.Data{By: "system"}},
	}
}

// month is the query of March 2026 by day and agent, as the API's
// from=2026-03-01&to=2026-03-31 gives it.
func (f *fixture) month(g report.GroupBy) report.Query {
	return report.Query{From: f.day(1), To: f.day(1).AddDate(0, 1, 0), Interval: report.IntDay, GroupBy: g}
}
