package org_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/hotline-cc/hotline/internal/apperr"
	"github.com/hotline-cc/hotline/internal/audit"
	"github.com/hotline-cc/hotline/internal/org"
	"github.com/hotline-cc/hotline/internal/password"
	"github.com/hotline-cc/hotline/internal/store"
	"github.com/hotline-cc/hotline/internal/store/storetest"
)

func newService(t *testing.T, db *store.DB) *org.Service {
	t.Helper()
	s := org.NewService(db)
	s.Hasher = password.Fast
	if err := s.SyncBuiltinRoles(context.Background()); err != nil {
		t.Fatal(err)
	}
	return s
}

func roleID(t *testing.T, s *org.Service, key string) int64 {
	t.Helper()
	r, err := s.RoleByKey(context.Background(), key)
	if err != nil {
		t.Fatal(err)
	}
	return r.ID
}

func must[T any](t *testing.T) func(T, error) T {
	return func(v T, err error) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

func wantKind(t *testing.T, err error, kind apperr.Kind, field string) {
	t.Helper()
	e := apperr.As(err)
	if e == nil || e.Kind != kind || e.Field != field {
		t.Fatalf("got error %v, want kind %d on field %q", err, kind, field)
	}
}

func TestDepartments(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s := newService(t, db)
		sys := org.System()
		root := must[*org.Department](t)(s.CreateDepartment(ctx, sys, org.DepartmentInput{Name: " 客服中心 "}))
		if root.Name != "客服中心" {
			t.Fatalf("name not trimmed: %q", root.Name)
		}
		sales := must[*org.Department](t)(s.CreateDepartment(ctx, sys, org.DepartmentInput{Name: "Sales", ParentID: root.ID}))
		east := must[*org.Department](t)(s.CreateDepartment(ctx, sys, org.DepartmentInput{Name: "East", ParentID: sales.ID}))

		_, err := s.CreateDepartment(ctx, sys, org.DepartmentInput{Name: "Sales", ParentID: root.ID})
		wantKind(t, err, apperr.KindConflict, "name")
		// The same name under another parent is fine.
		must[*org.Department](t)(s.CreateDepartment(ctx, sys, org.DepartmentInput{Name: "Sales"}))

		_, err = s.UpdateDepartment(ctx, sys, sales.ID, org.DepartmentInput{Name: "Sales", ParentID: east.ID})
		wantKind(t, err, apperr.KindInvalid, "parent_id")
		_, err = s.CreateDepartment(ctx, sys, org.DepartmentInput{Name: ""})
		wantKind(t, err, apperr.KindInvalid, "name")
		_, err = s.CreateDepartment(ctx, sys, org.DepartmentInput{Name: string(make([]rune, 101))})
		wantKind(t, err, apperr.KindInvalid, "name")

		err = s.DeleteDepartment(ctx, sys, sales.ID)
		if apperr.KindOf(err) != apperr.KindConflict {
			t.Fatalf("deleting a department with children: %v", err)
		}
		if err := s.DeleteDepartment(ctx, sys, east.ID); err != nil {
			t.Fatal(err)
		}
		deps := must[[]org.Department](t)(s.Departments(ctx))
		if len(deps) != 3 {
			t.Fatalf("got %d departments, want 3", len(deps))
		}
		entries, total, err := audit.List(ctx, db, audit.Filter{Resource: "departments"})
		if err != nil || total != 5 {
			t.Fatalf("audit entries %d (%v), want 5 (4 creates, 1 delete)", total, err)
		}
		if entries[0].Action != "delete" || entries[0].Before == nil || entries[0].After != nil {
			t.Fatalf("newest audit entry %+v is not the delete with before only", entries[0])
		}
	})
}

// org builds: dept A (team A1, A2) and dept B (team B1) with one agent each,
// a supervisor of A, a leader of A1.
type fixture struct {
	s                        *org.Service
	deptA, deptB             *org.Department
	teamA1, teamA2, teamB1   *org.Team
	agentA1, agentA2, agentB *org.User
	leaderA1, supA           *org.User
}

func build(t *testing.T, db *store.DB) *fixture {
	ctx := context.Background()
	s := newService(t, db)
	sys := org.System()
	f := &fixture{s: s}
	f.deptA = must[*org.Department](t)(s.CreateDepartment(ctx, sys, org.DepartmentInput{Name: "A"}))
	subA := must[*org.Department](t)(s.CreateDepartment(ctx, sys, org.DepartmentInput{Name: "A-sub", ParentID: f.deptA.ID}))
	f.deptB = must[*org.Department](t)(s.CreateDepartment(ctx, sys, org.DepartmentInput{Name: "B"}))
	f.teamA1 = must[*org.Team](t)(s.CreateTeam(ctx, sys, org.TeamInput{Name: "A1", DepartmentID: f.deptA.ID}))
	f.teamA2 = must[*org.Team](t)(s.CreateTeam(ctx, sys, org.TeamInput{Name: "A2", DepartmentID: subA.ID}))
	f.teamB1 = must[*org.Team](t)(s.CreateTeam(ctx, sys, org.TeamInput{Name: "B1", DepartmentID: f.deptB.ID}))
	user := func(name, role string, team *org.Team, dept int64) *org.User {
		in := org.UserInput{Username: name, DisplayName: name, Password: "password-" + name, RoleID: roleID(t, s, role), DepartmentID: dept}
		if team != nil {
			in.TeamID = team.ID
		}
		return must[*org.User](t)(s.CreateUser(ctx, sys, in))
	}
	f.agentA1 = user("agent-a1", org.RoleAgent, f.teamA1, 0)
	f.agentA2 = user("agent-a2", org.RoleAgent, f.teamA2, 0)
	f.agentB = user("agent-b", org.RoleAgent, f.teamB1, 0)
	f.leaderA1 = user("leader-a1", org.RoleTeamLeader, f.teamA1, 0)
	f.supA = user("sup-a", org.RoleSupervisor, nil, f.deptA.ID)
	return f
}

func (f *fixture) actor(t *testing.T, u *org.User) *org.Actor {
	return must[*org.Actor](t)(f.s.LoadActor(context.Background(), u.ID))
}

func TestUserScopes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := build(t, db)
		cases := []struct {
			who  *org.User
			sees []*org.User
		}{
			{f.agentA1, []*org.User{f.agentA1}},
			{f.leaderA1, []*org.User{f.agentA1, f.leaderA1}},
			// Department scope includes sub-departments (A2 is in A-sub).
			{f.supA, []*org.User{f.agentA1, f.agentA2, f.leaderA1, f.supA}},
		}
		all := []*org.User{f.agentA1, f.agentA2, f.agentB, f.leaderA1, f.supA}
		for _, c := range cases {
			a := f.actor(t, c.who)
			list, total, err := f.s.Users(ctx, a, org.UserQuery{})
			if err != nil {
				t.Fatal(err)
			}
			if total != len(c.sees) || len(list) != len(c.sees) {
				t.Errorf("%s sees %d users (total %d), want %d", c.who.Username, len(list), total, len(c.sees))
			}
			visible := map[int64]bool{}
			for _, u := range c.sees {
				visible[u.ID] = true
			}
			for _, u := range all {
				_, err := f.s.User(ctx, a, u.ID)
				if visible[u.ID] && err != nil {
					t.Errorf("%s cannot read %s: %v", c.who.Username, u.Username, err)
				}
				if !visible[u.ID] && apperr.KindOf(err) != apperr.KindNotFound {
					t.Errorf("%s reads %s by ID outside its scope: %v", c.who.Username, u.Username, err)
				}
			}
		}
		// A supervisor cannot move a user into another department's team.
		sup := f.actor(t, f.supA)
		tb := f.teamB1.ID
		if _, err := f.s.UpdateUser(ctx, sup, f.agentA1.ID, org.UserPatch{TeamID: &tb}); err == nil {
			t.Fatal("supervisor moved a user out of its scope")
		}
		if _, err := f.s.UpdateUser(ctx, sup, f.agentB.ID, org.UserPatch{}); apperr.KindOf(err) != apperr.KindNotFound {
			t.Fatalf("supervisor updated a user of another department: %v", err)
		}
	})
}

func TestRoleGrantsAreBounded(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := build(t, db)
		sup := f.actor(t, f.supA)
		// A supervisor cannot make anyone an admin.
		admin := roleID(t, f.s, org.RoleAdmin)
		if _, err := f.s.UpdateUser(ctx, sup, f.agentA1.ID, org.UserPatch{RoleID: &admin}); apperr.KindOf(err) != apperr.KindForbidden {
			t.Fatalf("supervisor assigned admin: %v", err)
		}
		// Custom roles: unknown permission, wider scope, and a good one.
		_, err := f.s.CreateRole(ctx, org.System(), org.RoleInput{Name: "x", DataScope: org.ScopeOwn, Permissions: []string{"users:fly"}})
		wantKind(t, err, apperr.KindInvalid, "permissions[0]")
		r := must[*org.Role](t)(f.s.CreateRole(ctx, org.System(), org.RoleInput{Name: "Night shift 夜班", DataScope: org.ScopeTeam,
			Permissions: []string{"calls:view", "customers:view"}}))
		if len(r.Permissions) != 2 || r.Builtin != "" {
			t.Fatalf("custom role %+v", r)
		}
		_, err = f.s.CreateRole(ctx, org.System(), org.RoleInput{Name: "Night shift 夜班", DataScope: org.ScopeOwn})
		wantKind(t, err, apperr.KindConflict, "name")
		builtin := roleID(t, f.s, org.RoleAgent)
		if _, err := f.s.UpdateRole(ctx, org.System(), builtin, org.RoleInput{Name: "hacked", DataScope: org.ScopeAll}); apperr.KindOf(err) != apperr.KindConflict {
			t.Fatalf("built-in role changed: %v", err)
		}
		if err := f.s.DeleteRole(ctx, org.System(), builtin); apperr.KindOf(err) != apperr.KindConflict {
			t.Fatalf("built-in role deleted: %v", err)
		}
		if err := f.s.DeleteRole(ctx, org.System(), r.ID); err != nil {
			t.Fatal(err)
		}
	})
}

func TestUsersValidation(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		f := build(t, db)
		sys := org.System()
		agent := roleID(t, f.s, org.RoleAgent)
		ok := org.UserInput{Username: "new", DisplayName: "New", Password: "long enough", RoleID: agent, Extension: "1001"}
		must[*org.User](t)(f.s.CreateUser(ctx, sys, ok))
		bad := []struct {
			field string
			edit  func(*org.UserInput)
			kind  apperr.Kind
		}{
			{"username", func(u *org.UserInput) {}, apperr.KindConflict},
			{"username", func(u *org.UserInput) { u.Username = "NEW" }, apperr.KindConflict},
			{"extension", func(u *org.UserInput) { u.Username = "other" }, apperr.KindConflict},
			{"username", func(u *org.UserInput) { u.Username = "a b" }, apperr.KindInvalid},
			{"password", func(u *org.UserInput) { u.Username, u.Password = "pp", "short" }, apperr.KindInvalid},
			{"extension", func(u *org.UserInput) { u.Username, u.Extension = "e2", "12a" }, apperr.KindInvalid},
			{"hire_date", func(u *org.UserInput) { u.Username, u.Extension, u.HireDate = "hh", "", "2024-13-01" }, apperr.KindInvalid},
			{"leave_date", func(u *org.UserInput) {
				u.Username, u.Extension, u.HireDate, u.LeaveDate = "ll", "", "2024-05-01", "2024-04-01"
			}, apperr.KindInvalid},
			{"role_id", func(u *org.UserInput) { u.Username, u.Extension, u.RoleID = "rr", "", 9999 }, apperr.KindInvalid},
			{"team_id", func(u *org.UserInput) {
				u.Username, u.Extension, u.DepartmentID, u.TeamID = "tt", "", f.deptB.ID, f.teamA1.ID
			}, apperr.KindInvalid},
		}
		for _, c := range bad {
			in := ok
			c.edit(&in)
			_, err := f.s.CreateUser(ctx, sys, in)
			wantKind(t, err, c.kind, c.field)
		}
	})
}

func TestLastAdminAndLockout(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s := newService(t, db)
		pw, created, err := s.EnsureAdmin(ctx, "")
		if err != nil || !created || len(pw) < 12 {
			t.Fatalf("EnsureAdmin: %q %v %v", pw, created, err)
		}
		if _, again, _ := s.EnsureAdmin(ctx, ""); again {
			t.Fatal("EnsureAdmin created a second admin")
		}
		c, err := s.CredentialFor(ctx, "ADMIN")
		if err != nil {
			t.Fatal(err)
		}
		admin := must[*org.Actor](t)(s.LoadActor(ctx, c.UserID))
		agent := roleID(t, s, org.RoleAgent)
		if _, err := s.UpdateUser(ctx, org.System(), c.UserID, org.UserPatch{RoleID: &agent}); apperr.KindOf(err) != apperr.KindConflict {
			t.Fatalf("last admin demoted: %v", err)
		}
		if _, err := s.DeactivateUser(ctx, admin, c.UserID); apperr.KindOf(err) != apperr.KindConflict {
			t.Fatalf("admin deactivated self: %v", err)
		}
		now := time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC)
		s.Now = func() time.Time { return now }
		for i := 1; i <= 4; i++ {
			until, left, err := s.LoginFailed(ctx, c.UserID, 5, 15*time.Minute)
			if err != nil || !until.IsZero() || left != 5-i {
				t.Fatalf("failure %d: until %v left %d err %v", i, until, left, err)
			}
		}
		until, _, err := s.LoginFailed(ctx, c.UserID, 5, 15*time.Minute)
		if err != nil || !until.Equal(now.Add(15*time.Minute)) {
			t.Fatalf("fifth failure: locked until %v (%v)", until, err)
		}
		c, _ = s.CredentialFor(ctx, "admin")
		if !c.LockedUntil.Equal(until) {
			t.Fatalf("stored lock %v, want %v", c.LockedUntil, until)
		}
		if err := s.ResetPassword(ctx, admin, c.UserID, "a new password"); err != nil {
			t.Fatal(err)
		}
		c, _ = s.CredentialFor(ctx, "admin")
		if !c.LockedUntil.IsZero() {
			t.Fatal("reset did not unlock")
		}
		if ok, _ := password.Verify("a new password", c.Hash); !ok {
			t.Fatal("reset password does not verify")
		}
		err = s.ChangeOwnPassword(ctx, admin, "wrong", "another password")
		wantKind(t, err, apperr.KindInvalid, "old_password")
		if err := s.ChangeOwnPassword(ctx, admin, "a new password", "another password"); err != nil {
			t.Fatal(err)
		}
		_, err = s.CredentialFor(ctx, "nobody")
		if !errors.Is(err, org.ErrNoSuchUser) {
			t.Fatalf("unknown user: %v", err)
		}
	})
}
