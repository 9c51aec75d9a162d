package satisfaction

import (
	"context"
	"testing"
	"time"

	"github.com/hotline-cc/hotline/internal/calllog"
	"github.com/hotline-cc/hotline/internal/org"
	"github.com/hotline-cc/hotline/internal/password"
	"github.com/hotline-cc/hotline/internal/store"
)

// fixture is an organisation on a fresh database: sales departments A and
// B with teams A1 and B1, an after-sales department with team AS (售后组),
// and the service under test on a settable clock.
//
//	sup-a, sup-b   supervisors of A and B
//	lead-a1        team leader of A1 (team scope)
//	agent-a1       agent of A1, the rated agent
//	as-1, as-2     after-sales agents in AS with a custom role that may
//	               review (satisfaction:view,review) and sees its own rows
//	agent-b        agent of B1
type fixture struct {
	t                  *testing.T
	ctx                context.Context
	db                 *store.DB
	org                *org.Service
	svc                *Service
	now                time.Time
	deptA, deptB, dAS  int64
	teamA1, teamB1, AS int64
	ids                map[string]int64
}

func newFixture(t *testing.T, db *store.DB) *fixture {
	t.Helper()
	f := &fixture{t: t, ctx: context.Background(), db: db, org: org.NewService(db), ids: map[string]int64{},
		now: time.Date(2026, 5, 4, 10, 0, 0, 0, time.UTC)}
	f.org.Hasher = password.Fast
	must(t, f.org.SyncBuiltinRoles(f.ctx))
	f.svc = New(db, nil)
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
	f.deptA, f.deptB, f.dAS = dept("销售一部"), dept("销售二部"), dept("售后服务部")
	f.teamA1, f.teamB1, f.AS = team("A1", f.deptA), team("B1", f.deptB), team("售后组", f.dAS)
	afterSales, err := f.org.CreateRole(f.ctx, sys, org.RoleInput{Name: "售后专员", DataScope: org.ScopeOwn,
		Permissions: []string{"satisfaction:view", "satisfaction:review", "recordings:view"}})
	must(t, err)
	for _, u := range []struct {
		name, role string
		dept, team int64
	}{
		{"sup-a", org.RoleSupervisor, f.deptA, 0}, {"sup-b", org.RoleSupervisor, f.deptB, 0},
		{"lead-a1", org.RoleTeamLeader, 0, f.teamA1}, {"agent-a1", org.RoleAgent, 0, f.teamA1},
		{"agent-b", org.RoleAgent, 0, f.teamB1}, {"as-1", "", 0, f.AS}, {"as-2", "", 0, f.AS},
	} {
		roleID := afterSales.ID
		if u.role != "" {
			r, err := f.org.RoleByKey(f.ctx, u.role)
			must(t, err)
			roleID = r.ID
		}
		created, err := f.org.CreateUser(f.ctx, sys, org.UserInput{Username: u.name, DisplayName: "User " + u.name,
			Password: "password-" + u.name, RoleID: roleID, DepartmentID: u.dept, TeamID: u.team})
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

// rate stores a rating of a call by agent-a1 (or agent-b) as the survey does.
func (f *fixture) rate(callID, agent string, score int, at time.Time) {
	f.t.Helper()
	team, dept := f.teamA1, f.deptA
	if agent == "agent-b" {
		team, dept = f.teamB1, f.deptB
	}
	_, err := calllog.SaveRating(f.ctx, f.db, calllog.Rating{CallID: callID, At: at, Score: score, Scale: 5, Queue: "support",
		AgentID: f.ids[agent], TeamID: team, DepartmentID: dept})
	must(f.t, err)
}

// caseOf returns the ID of the case of a call, as admin sees it.
func (f *fixture) caseOf(callID string) int64 {
	f.t.Helper()
	cs, _, err := f.svc.Cases(f.ctx, org.System(), Filter{CallID: callID})
	must(f.t, err)
	if len(cs) != 1 {
		f.t.Fatalf("call %s has %d cases", callID, len(cs))
	}
	return cs[0].ID
}

func (f *fixture) reason(code string) int64 {
	f.t.Helper()
	rs, err := f.svc.Reasons(f.ctx)
	must(f.t, err)
	for _, r := range rs {
		if r.Code == code {
			return r.ID
		}
	}
	f.t.Fatalf("no reason %s", code)
	return 0
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
