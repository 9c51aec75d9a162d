package crm

import (
	"context"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/hotline-cc/hotline/internal/org"
	"github.com/hotline-cc/hotline/internal/password"
	"github.com/hotline-cc/hotline/internal/store"
)

// clock is a settable fake clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// fixture is an organisation on a real database: departments A and B,
// teams A1 and A2 (in A) and B1 (in B), agents, a team leader of A1, a
// supervisor of A, and the CRM service with a fake clock.
type fixture struct {
	t     testing.TB
	ctx   context.Context
	db    *store.DB
	org   *org.Service
	svc   *Service
	clock *clock

	deptA, deptB           int64
	teamA1, teamA2, teamB1 int64

	admin, supA, leadA1                *org.Actor
	agentA1, agentA1b, agentA2, agentB *org.Actor
}

func newFixture(t testing.TB, db *store.DB) *fixture {
	t.Helper()
	ctx := context.Background()
	os := org.NewService(db)
	os.Hasher = password.Fast
	if err := os.SyncBuiltinRoles(ctx); err != nil {
		t.Fatal(err)
	}
	f := &fixture{t: t, ctx: ctx, db: db, org: os, clock: &clock{t: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}}
	f.svc = New(db, Options{DataDir: t.TempDir(), Node: "test", Now: f.clock.Now, Location: time.UTC,
		Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	t.Cleanup(func() { f.svc.Close() })
	sys := org.System()
	dept := func(name string) int64 {
		d, err := os.CreateDepartment(ctx, sys, org.DepartmentInput{Name: name})
		if err != nil {
			t.Fatal(err)
		}
		return d.ID
	}
	team := func(name string, d int64) int64 {
		tm, err := os.CreateTeam(ctx, sys, org.TeamInput{Name: name, DepartmentID: d})
		if err != nil {
			t.Fatal(err)
		}
		return tm.ID
	}
	f.deptA, f.deptB = dept("Sales A"), dept("Sales B")
	f.teamA1, f.teamA2, f.teamB1 = team("A1", f.deptA), team("A2", f.deptA), team("B1", f.deptB)
	f.admin = f.user("admin1", org.RoleAdmin, 0, 0)
	f.supA = f.user("sup-a", org.RoleSupervisor, f.deptA, 0)
	f.leadA1 = f.user("lead-a1", org.RoleTeamLeader, 0, f.teamA1)
	f.agentA1 = f.user("agent-a1", org.RoleAgent, 0, f.teamA1)
	f.agentA1b = f.user("agent-a1b", org.RoleAgent, 0, f.teamA1)
	f.agentA2 = f.user("agent-a2", org.RoleAgent, 0, f.teamA2)
	f.agentB = f.user("agent-b", org.RoleAgent, 0, f.teamB1)
	return f
}

// user creates a user with a built-in role and returns their actor.
func (f *fixture) user(name, role string, dept, team int64) *org.Actor {
	f.t.Helper()
	r, err := f.org.RoleByKey(f.ctx, role)
	if err != nil {
		f.t.Fatal(err)
	}
	u, err := f.org.CreateUser(f.ctx, org.System(), org.UserInput{Username: name, DisplayName: "User " + name,
		Password: "password-" + name, RoleID: r.ID, DepartmentID: dept, TeamID: team})
	if err != nil {
		f.t.Fatal(err)
	}
	a, err := f.org.LoadActor(f.ctx, u.ID)
	if err != nil {
		f.t.Fatal(err)
	}
	return a
}

// customer creates a customer as a, failing the test on error.
func (f *fixture) customer(a *org.Actor, name, phone string) *Customer {
	f.t.Helper()
	c, err := f.svc.Create(f.ctx, a, CustomerInput{Name: name, Phones: []string{phone}})
	if err != nil {
		f.t.Fatalf("create %s: %v", name, err)
	}
	return c
}

// must fails the test on err.
func must[T any](t testing.TB) func(v T, err error) T {
	return func(v T, err error) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

// wantCode fails unless err carries code.
func wantCode(t *testing.T, what string, err error, code string) {
	t.Helper()
	if err == nil {
		t.Fatalf("%s: no error, want %s", what, code)
	}
	if got := CodeOf(err); got != code {
		t.Fatalf("%s: error %q (code %s), want code %s", what, err, got, code)
	}
}
