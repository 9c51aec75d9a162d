package web

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"unicode"

	"github.com/hotline-cc/hotline/internal/apperr"
	"github.com/hotline-cc/hotline/internal/org"
	"github.com/hotline-cc/hotline/internal/password"
	"github.com/hotline-cc/hotline/internal/store"
	"github.com/hotline-cc/hotline/internal/valid"
)

// The errors users meet on the admin pages, produced by the real domain
// code, are all shown in Chinese: none falls back to the English message.
func TestDomainErrorsAreTranslated(t *testing.T) {
	ctx := context.Background()
	db, err := store.Open(ctx, "sqlite://"+filepath.Join(t.TempDir(), "t.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	s := org.NewService(db)
	s.Hasher = password.Fast
	if err := s.SyncBuiltinRoles(ctx); err != nil {
		t.Fatal(err)
	}
	sys := org.System()
	role := func(key string) int64 {
		r, err := s.RoleByKey(ctx, key)
		if err != nil {
			t.Fatal(err)
		}
		return r.ID
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	d1, err := s.CreateDepartment(ctx, sys, org.DepartmentInput{Name: "A"})
	must(err)
	d2, err := s.CreateDepartment(ctx, sys, org.DepartmentInput{Name: "B", ParentID: d1.ID})
	must(err)
	tm, err := s.CreateTeam(ctx, sys, org.TeamInput{Name: "T", DepartmentID: d2.ID})
	must(err)
	admin, err := s.CreateUser(ctx, sys, org.UserInput{Username: "boss", DisplayName: "Boss", Password: "12345678", RoleID: role("admin")})
	must(err)
	lead, err := s.CreateUser(ctx, sys, org.UserInput{Username: "lead", DisplayName: "Lead", Password: "12345678",
		RoleID: role("team_leader"), TeamID: tm.ID})
	must(err)
	leadActor, err := s.LoadActor(ctx, lead.ID)
	must(err)
	adminActor, err := s.LoadActor(ctx, admin.ID)
	must(err)
	custom, err := s.CreateRole(ctx, sys, org.RoleInput{Name: "C", DataScope: org.ScopeOwn})
	must(err)
	_, err = s.CreateUser(ctx, sys, org.UserInput{Username: "held", DisplayName: "H", Password: "12345678", RoleID: custom.ID})
	must(err)

	second := func(_ any, err error) error { return err }
	cases := map[string]error{
		"required":      valid.Text("name", "", 1, 10),
		"too long":      valid.Text("name", strings.Repeat("x", 11), 1, 10),
		"too short":     valid.Text("name", "x", 2, 10),
		"control":       valid.Text("name", "a\x01", 0, 10),
		"date":          valid.Date("hire_date", "1.2.2026"),
		"email":         valid.Email("email", "nope"),
		"digits":        valid.Digits("extension", "8a", 2, 10),
		"phone":         valid.Phone("phone", "call me"),
		"one of":        valid.OneOf("locale", "fr", "", "en", "zh-CN"),
		"short pw":      org.CheckPassword("password", "short"),
		"long pw":       org.CheckPassword("password", strings.Repeat("x", 200)),
		"dup dept":      second(s.CreateDepartment(ctx, sys, org.DepartmentInput{Name: "B", ParentID: d1.ID})),
		"no parent":     second(s.CreateDepartment(ctx, sys, org.DepartmentInput{Name: "Z", ParentID: 999})),
		"cycle":         second(s.UpdateDepartment(ctx, sys, d1.ID, org.DepartmentInput{Name: "A", ParentID: d2.ID})),
		"dept in use":   s.DeleteDepartment(ctx, sys, d1.ID),
		"team in use":   s.DeleteTeam(ctx, sys, tm.ID),
		"username":      second(s.CreateUser(ctx, sys, org.UserInput{Username: "-x", DisplayName: "X", Password: "12345678", RoleID: role("agent")})),
		"dup username":  second(s.CreateUser(ctx, sys, org.UserInput{Username: "LEAD", DisplayName: "X", Password: "12345678", RoleID: role("agent")})),
		"leave<hire":    second(s.CreateUser(ctx, sys, org.UserInput{Username: "x1", DisplayName: "X", Password: "12345678", RoleID: role("agent"), HireDate: "2026-02-01", LeaveDate: "2026-01-01"})),
		"other dept":    second(s.CreateUser(ctx, sys, org.UserInput{Username: "x2", DisplayName: "X", Password: "12345678", RoleID: role("agent"), DepartmentID: d1.ID, TeamID: tm.ID})),
		"no role":       second(s.CreateUser(ctx, sys, org.UserInput{Username: "x3", DisplayName: "X", Password: "12345678"})),
		"out of scope":  second(s.CreateUser(ctx, leadActor, org.UserInput{Username: "x4", DisplayName: "X", Password: "12345678", RoleID: role("agent")})),
		"assign role":   second(s.UpdateUser(ctx, leadActor, lead.ID, org.UserPatch{RoleID: ptr(role("admin"))})),
		"grant perms":   second(s.CreateRole(ctx, leadActor, org.RoleInput{Name: "R", DataScope: org.ScopeOwn, Permissions: []string{"roles:delete"}})),
		"grant scope":   second(s.CreateRole(ctx, leadActor, org.RoleInput{Name: "R", DataScope: org.ScopeAll})),
		"unknown perm":  second(s.CreateRole(ctx, sys, org.RoleInput{Name: "R", DataScope: org.ScopeOwn, Permissions: []string{"x:y"}})),
		"bad scope":     second(s.CreateRole(ctx, sys, org.RoleInput{Name: "R", DataScope: "galaxy"})),
		"dup role":      second(s.CreateRole(ctx, sys, org.RoleInput{Name: "C", DataScope: org.ScopeOwn})),
		"builtin":       second(s.UpdateRole(ctx, sys, role("agent"), org.RoleInput{Name: "X", DataScope: org.ScopeOwn})),
		"role in use":   s.DeleteRole(ctx, sys, custom.ID),
		"last admin":    second(s.DeactivateUser(ctx, sys, admin.ID)),
		"self":          second(s.DeactivateUser(ctx, adminActor, admin.ID)),
		"not found":     second(s.User(ctx, leadActor, admin.ID)),
		"old password":  s.ChangeOwnPassword(ctx, leadActor, "wrong-one", "87654321"),
		"same password": s.ChangeOwnPassword(ctx, leadActor, "12345678", "12345678"),
		"forbidden":     leadActor.Require(org.P("roles", "delete")),
	}
	c := mustCatalog(t)
	for name, err := range cases {
		e := apperr.As(err)
		if e == nil {
			t.Errorf("%s: got %v, want a classified error", name, err)
			continue
		}
		zh := c.errText(LangZH, err)
		if !hasHan(zh) {
			t.Errorf("%s: %q is shown untranslated as %q", name, e.Message, zh)
		}
		if en := c.errText(LangEN, err); en == "" || strings.Contains(en, "%!") {
			t.Errorf("%s: English text %q", name, en)
		}
	}
	if got := c.errText(LangZH, context.Canceled); !hasHan(got) || strings.Contains(got, "canceled") {
		t.Errorf("an internal error shows %q", got)
	}
}

func ptr[T any](v T) *T { return &v }

func hasHan(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			return true
		}
	}
	return false
}
