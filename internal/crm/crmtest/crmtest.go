// Package crmtest starts a real Hotline (app.Open, HTTP on 127.0.0.1 via
// httptest) with the CRM's API routes and web pages added, the way app.go
// wires them, for the API and web tests of the CRM. It also builds the
// organisation those tests share.
package crmtest

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/hotline-cc/hotline/internal/api"
	"github.com/hotline-cc/hotline/internal/app"
	"github.com/hotline-cc/hotline/internal/config"
	"github.com/hotline-cc/hotline/internal/crm"
	"github.com/hotline-cc/hotline/internal/crmui"
	"github.com/hotline-cc/hotline/internal/org"
	"github.com/hotline-cc/hotline/internal/password"
)

// AdminPassword is the first administrator's password.
const AdminPassword = "admin-password-1"

// Env is a running Hotline with the CRM. Svc works on the same database
// as the server; once app.go wires the CRM itself, imports started through
// HTTP run on the app's own service, so tests poll a batch's status rather
// than Svc.WaitImport.
type Env struct {
	T   testing.TB
	App *app.App
	Svc *crm.Service
	URL string
}

// Start opens Hotline on dbURL, adds the CRM module and serves it.
func Start(t testing.TB, dbURL string) *Env {
	t.Helper()
	cfg := config.ForTest(t.TempDir()) // loopback, ephemeral SIP port
	cfg.DatabaseURL = dbURL
	cfg.AdminPassword = AdminPassword
	if err := cfg.Finish(); err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	a, err := app.Open(context.Background(), cfg, log, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	a.Org.Hasher = password.Fast
	svc := crm.New(a.DB, crm.Options{DataDir: cfg.DataDir, Node: "crmtest", Log: log})
	if err := svc.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	if !wired(a) { // until app.go adds the module itself
		a.API.Add(api.CRMRoutes{Svc: svc})
		if err := a.UI.AddModule(crmui.New(a.UI, svc)); err != nil {
			t.Fatal(err)
		}
	}
	srv := httptest.NewServer(a.Handler())
	t.Cleanup(func() {
		srv.Close()
		svc.Close()
		a.Close()
	})
	return &Env{T: t, App: a, Svc: svc, URL: srv.URL}
}

func wired(a *app.App) bool {
	for _, r := range a.API.Routes() {
		if r.Path == "/customers" {
			return true
		}
	}
	return false
}

// Org is the organisation the CRM tests share: departments A and B, teams
// A1 and A2 in A, B1 in B, and users of every built-in role.
type Org struct {
	DeptA, DeptB           int64
	TeamA1, TeamA2, TeamB1 int64
	Users                  map[string]*User // by username
}

// User is a test user: their record, actor and an API token.
type User struct {
	org.User
	Actor *org.Actor
	Token string
}

// MakeOrg creates the shared organisation: admin1 (admin), sup-a and
// sup-b (supervisors of A and B), lead-a1 (leader of A1), agent-a1,
// agent-a1b (A1), agent-a2 (A2), agent-b (B1) and qa1 (QA).
func (e *Env) MakeOrg() *Org {
	e.T.Helper()
	ctx := context.Background()
	sys := org.System()
	o := &Org{Users: map[string]*User{}}
	dept := func(n string) int64 {
		d, err := e.App.Org.CreateDepartment(ctx, sys, org.DepartmentInput{Name: n})
		if err != nil {
			e.T.Fatal(err)
		}
		return d.ID
	}
	team := func(n string, d int64) int64 {
		t, err := e.App.Org.CreateTeam(ctx, sys, org.TeamInput{Name: n, DepartmentID: d})
		if err != nil {
			e.T.Fatal(err)
		}
		return t.ID
	}
	o.DeptA, o.DeptB = dept("销售一部 Sales A"), dept("销售二部 Sales B")
	o.TeamA1, o.TeamA2, o.TeamB1 = team("A1", o.DeptA), team("A2", o.DeptA), team("B1", o.DeptB)
	for _, u := range []struct {
		name, role string
		dept, team int64
	}{
		{"admin1", org.RoleAdmin, 0, 0}, {"sup-a", org.RoleSupervisor, o.DeptA, 0}, {"sup-b", org.RoleSupervisor, o.DeptB, 0},
		{"lead-a1", org.RoleTeamLeader, 0, o.TeamA1}, {"agent-a1", org.RoleAgent, 0, o.TeamA1}, {"agent-a1b", org.RoleAgent, 0, o.TeamA1},
		{"agent-a2", org.RoleAgent, 0, o.TeamA2}, {"agent-b", org.RoleAgent, 0, o.TeamB1}, {"qa1", org.RoleQA, 0, 0},
	} {
		o.Users[u.name] = e.User(u.name, u.role, u.dept, u.team)
	}
	return o
}

// Password is the password User gives name.
func Password(name string) string { return "password-" + name }

// User creates a user with a built-in role and an API token.
func (e *Env) User(name, role string, dept, team int64) *User {
	e.T.Helper()
	ctx := context.Background()
	r, err := e.App.Org.RoleByKey(ctx, role)
	if err != nil {
		e.T.Fatal(err)
	}
	u, err := e.App.Org.CreateUser(ctx, org.System(), org.UserInput{Username: name, DisplayName: "User " + name,
		Password: Password(name), RoleID: r.ID, DepartmentID: dept, TeamID: team})
	if err != nil {
		e.T.Fatal(err)
	}
	a, err := e.App.Org.LoadActor(ctx, u.ID)
	if err != nil {
		e.T.Fatal(err)
	}
	tok, _, err := e.App.Auth.CreateToken(ctx, a, "test", time.Time{})
	if err != nil {
		e.T.Fatal(err)
	}
	return &User{User: *u, Actor: a, Token: tok}
}

// Resp is an API response.
type Resp struct {
	Status int
	Header http.Header
	Body   []byte
}

// JSON decodes the body into v.
func (r Resp) JSON(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal(r.Body, v); err != nil {
		t.Fatalf("response %d %s: %v", r.Status, r.Body, err)
	}
}

// Code is the error code of an error response ("" otherwise).
func (r Resp) Code() string {
	var b struct{ Error struct{ Code string } }
	json.Unmarshal(r.Body, &b)
	return b.Error.Code
}

// Do calls the API as u (nil: anonymous). body is JSON-encoded unless it
// is a string or []byte, which go as they are.
func (e *Env) Do(u *User, method, path string, body any) Resp {
	e.T.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = bytes.NewBufferString(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		raw, err := json.Marshal(b)
		if err != nil {
			e.T.Fatal(err)
		}
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, e.URL+api.Prefix+path, rd)
	if err != nil {
		e.T.Fatal(err)
	}
	if _, raw := body.([]byte); rd != nil && !raw {
		req.Header.Set("Content-Type", "application/json")
	}
	if u != nil {
		req.Header.Set("Authorization", "Bearer "+u.Token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		e.T.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	return Resp{Status: res.StatusCode, Header: res.Header, Body: raw}
}
