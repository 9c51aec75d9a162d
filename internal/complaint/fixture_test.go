package complaint

import (
	"context"
	"testing"
	"time"

	"github.com/hotline-cc/hotline/internal/calllog"
	"github.com/hotline-cc/hotline/internal/crm"
	"github.com/hotline-cc/hotline/internal/org"
	"github.com/hotline-cc/hotline/internal/password"
	"github.com/hotline-cc/hotline/internal/store"
)

// fixture is an organisation on a fresh database and the service on a
// settable clock: sales departments A (team A1) and B (team B1) and the
// finance department F (财务部) that complaints are forwarded to.
//
//	sup-a, sup-b, sup-f   supervisors of A, B and F
//	lead-a1               team leader of A1
//	agent-a1, agent-a2    agents of A1
//	agent-b               agent of B1
//	fin-1                 agent of F (team F1)
type fixture struct {
	t                      *testing.T
	ctx                    context.Context
	db                     *store.DB
	org                    *org.Service
	crm                    *crm.Service
	svc                    *Service
	now                    time.Time
	deptA, deptB, deptF    int64
	teamA1, teamB1, teamF1 int64
	ids                    map[string]int64
}

func newFixture(t *testing.T, db *store.DB) *fixture {
	t.Helper()
	f := &fixture{t: t, ctx: context.Background(), db: db, org: org.NewService(db), ids: map[string]int64{},
		now: time.Date(2026, 5, 4, 10, 0, 0, 0, time.UTC)}
	f.org.Hasher = password.Fast
	must(t, f.org.SyncBuiltinRoles(f.ctx))
	f.crm = crm.New(db, crm.Options{DataDir: t.TempDir()})
	t.Cleanup(func() { f.crm.Close() })
	f.svc = New(db, f.crm, nil)
	f.svc.Now = func() time.Time { return f.now }
	sys := org.System()
	dept := func(n string) int64 {
		d, err := f.org.CreateDepartment(f.ctx, sys, org.DepartmentInput{Name: n})
		must(t, err)
		return d.ID
	}
	team := func(n string, d int64) int64 {
		tm, err := f.org.CreateTeam(f.ctx, sys, org.TeamInput{Name: n, DepartmentID: d})
		must(t, err)
		return tm.ID
	}
	f.deptA, f.deptB, f.deptF = dept("销售一部"), dept("销售二部"), dept("财务部")
	f.teamA1, f.teamB1, f.teamF1 = team("A1", f.deptA), team("B1", f.deptB), team("F1", f.deptF)
	for _, u := range []struct {
		name, role string
		dept, team int64
	}{
		{"sup-a", org.RoleSupervisor, f.deptA, 0}, {"sup-b", org.RoleSupervisor, f.deptB, 0}, {"sup-f", org.RoleSupervisor, f.deptF, 0},
		{"lead-a1", org.RoleTeamLeader, 0, f.teamA1}, {"agent-a1", org.RoleAgent, 0, f.teamA1}, {"agent-a2", org.RoleAgent, 0, f.teamA1},
		{"agent-b", org.RoleAgent, 0, f.teamB1}, {"fin-1", org.RoleAgent, 0, f.teamF1},
	} {
		r, err := f.org.RoleByKey(f.ctx, u.role)
		must(t, err)
		created, err := f.org.CreateUser(f.ctx, sys, org.UserInput{Username: u.name, DisplayName: "User " + u.name,
			Password: "password-" + u.name, RoleID: r.ID, DepartmentID: u.dept, TeamID: u.team})
		must(t, err)
		f.ids[u.name] = created.ID
	}
	return f
}

func (f *fixture) actor(name string) *org.Actor {
	f.t.Helper()
	a, err := f.org.LoadActor(f.ctx, f.ids[name])
	must(f.t, err)
	return a
}

// call writes an answered inbound call from caller to agent-a1 with a
// recording through a call log, as the call layer does, and returns its ID.
func (f *fixture) call(id, caller string, recording int64) string {
	f.t.Helper()
	lg := calllog.New(f.db, nil, nil)
	defer lg.Close()
	at, agent := f.now.Add(-time.Hour), f.ids["agent-a1"]
	ms := func(n int) time.Time { return at.Add(time.Duration(n) * time.Millisecond) }
	for _, ev := range []calllog.Event{
		{CallID: id, At: ms(0), Type: calllog.CallOffered, Leg: "caller", Data: calllog.Data{Direction: "inbound", From: caller, To: "8001", Number: "8001"}},
		{CallID: id, At: ms(10), Type: calllog.CallAnswered, Leg: "caller"},
		{CallID: id, At: ms(20), Type: calllog.QueueEntered, Queue: "support", Data: calllog.Data{DeptID: f.deptA}},
		{CallID: id, At: ms(30), Type: calllog.QueueOffer, Queue: "support", AgentID: agent, Leg: "agent:1001",
			Data: calllog.Data{Extension: "1001", TeamID: f.teamA1, DeptID: f.deptA}},
		{CallID: id, At: ms(900), Type: calllog.AgentAnswered, Queue: "support", AgentID: agent, Leg: "agent:1001",
			Data: calllog.Data{TeamID: f.teamA1, DeptID: f.deptA}},
		{CallID: id, At: ms(910), Type: calllog.RecordingStarted, Data: calllog.Data{Recording: recording}},
		{CallID: id, At: ms(60000), Type: calllog.LegEnded, AgentID: agent, Leg: "agent:1001", Data: calllog.Data{By: "caller"}},
		{CallID: id, At: ms(60001), Type: calllog.RecordingStopped, Data: calllog.Data{Recording: recording}},
		{CallID: id, At: ms(60002), Type: calllog.CallEnded, Data: calllog.Data{By: "caller", Cause: "bye"}},
	} {
		lg.Append(f.ctx, ev)
	}
	must(f.t, lg.Flush(f.ctx))
	return id
}

// ticket registers a complaint about agent-a1 as sup-a.
func (f *fixture) ticket(severity string) *Complaint {
	f.t.Helper()
	c, err := f.svc.Create(f.ctx, f.actor("sup-a"), Input{ContactName: "张先生", ContactPhone: "13900000001", Content: "坐席态度差",
		Severity: severity, AgentID: f.ids["agent-a1"]})
	must(f.t, err)
	return c
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
