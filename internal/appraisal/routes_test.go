package appraisal_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"github.com/hotline-cc/hotline/internal/app"
	"github.com/hotline-cc/hotline/internal/appraisal"
	"github.com/hotline-cc/hotline/internal/config"
	"github.com/hotline-cc/hotline/internal/org"
	"github.com/hotline-cc/hotline/internal/password"
	"github.com/hotline-cc/hotline/internal/store/storetest"
)

// node is a whole Hotline (HTTP) with departments A (team TA: lead-a,
// agent-a, agent-a2) and B (team TB: agent-b), their supervisors, a QA
// inspector and an administrator, each with an API token.
type node struct {
	t      *testing.T
	app    *app.App
	srv    *httptest.Server
	tokens map[string]string
	ids    map[string]int64
	deptA  int64
	deptB  int64
	scheme int64 // the default scheme
}

func startNode(t *testing.T, dbURL string) *node {
	t.Helper()
	cfg := config.ForTest(t.TempDir())
	cfg.DatabaseURL = dbURL
	cfg.AdminPassword = "admin-password-1"
	must(t, cfg.Finish())
	ctx := context.Background()
	a, err := app.Open(ctx, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), io.Discard)
	must(t, err)
	a.Org.Hasher = password.Fast
	n := &node{t: t, app: a, srv: httptest.NewServer(a.Handler()), tokens: map[string]string{}, ids: map[string]int64{}}
	t.Cleanup(func() { n.srv.Close(); a.Close() })
	sys := org.System()
	da, err := a.Org.CreateDepartment(ctx, sys, org.DepartmentInput{Name: "A"})
	must(t, err)
	db, err := a.Org.CreateDepartment(ctx, sys, org.DepartmentInput{Name: "B"})
	must(t, err)
	n.deptA, n.deptB = da.ID, db.ID
	ta, err := a.Org.CreateTeam(ctx, sys, org.TeamInput{Name: "TA", DepartmentID: da.ID})
	must(t, err)
	tb, err := a.Org.CreateTeam(ctx, sys, org.TeamInput{Name: "TB", DepartmentID: db.ID})
	must(t, err)
	for _, u := range []struct {
		name, role string
		dept, team int64
	}{{"admin-1", org.RoleAdmin, 0, 0}, {"sup-a", org.RoleSupervisor, da.ID, 0}, {"sup-b", org.RoleSupervisor, db.ID, 0},
		{"lead-a", org.RoleTeamLeader, 0, ta.ID}, {"qa-1", org.RoleQA, da.ID, 0}, {"agent-a", org.RoleAgent, 0, ta.ID},
		{"agent-a2", org.RoleAgent, 0, ta.ID}, {"agent-b", org.RoleAgent, 0, tb.ID}} {
		r, err := a.Org.RoleByKey(ctx, u.role)
		must(t, err)
		usr, err := a.Org.CreateUser(ctx, sys, org.UserInput{Username: u.name, DisplayName: u.name, Password: "password-123456",
			RoleID: r.ID, DepartmentID: u.dept, TeamID: u.team, HireDate: "2025-01-01"})
		must(t, err)
		actor, err := a.Org.LoadActor(ctx, usr.ID)
		must(t, err)
		secret, _, err := a.Auth.CreateToken(ctx, actor, "test", time.Time{})
		must(t, err)
		n.tokens[u.name], n.ids[u.name] = secret, usr.ID
	}
	ss, err := a.Mgmt.Appraisal.Schemes(ctx)
	must(t, err)
	if len(ss) != 1 {
		t.Fatalf("%d schemes after the first start", len(ss))
	}
	n.scheme = ss[0].ID
	return n
}

// do calls the API as a user ("" for nobody) and decodes a success into out.
func (n *node) do(who, method, path string, body any, out any) int {
	n.t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, n.srv.URL+"/api/v1"+path, rd)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if who != "" {
		req.Header.Set("Authorization", "Bearer "+n.tokens[who])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		n.t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	if out != nil && res.StatusCode < 300 {
		if err := json.Unmarshal(raw, out); err != nil {
			n.t.Fatalf("%s %s: %v: %s", method, path, err, raw)
		}
	}
	return res.StatusCode
}

func id(n int64) string { return strconv.FormatInt(n, 10) }

// lastMonth is the month before this one: over, so it may be closed.
func lastMonth() string { return time.Now().AddDate(0, -1, -time.Now().Day()+1).Format("2006-01") }

// Every endpoint answers 401 without a login and 403 to a role without
// its permission.
func TestRoutePermissions(t *testing.T) {
	n := startNode(t, storetest.URLs(t)["sqlite"](t))
	sc, m, ag := id(n.scheme), lastMonth(), id(n.ids["agent-a"])
	var scheme appraisal.Scheme
	if c := n.do("admin-1", "GET", "/appraisal/schemes/"+sc, nil, &scheme); c != 200 {
		t.Fatalf("get scheme: %d", c)
	}
	update := appraisal.SchemeInput{Name: scheme.Name, Version: scheme.Version, Definition: scheme.Definition}
	other := appraisal.SchemeInput{Name: "x", Definition: appraisal.DefaultDefinition()}
	other.Definition.Targets = appraisal.Targets{DepartmentIDs: []int64{n.deptA}}
	// In order: the admin's calls succeed one after the other (close, then
	// reopen; a value entered, then removed; the scheme, with a closed
	// month, stays).
	cases := []struct {
		method, path string
		body         any
		perm         string // view, score or manage
		admin        int
	}{
		{"GET", "/appraisal/catalog", nil, "view", 200},
		{"GET", "/appraisal/schemes", nil, "view", 200},
		{"POST", "/appraisal/schemes", other, "manage", 201},
		{"GET", "/appraisal/schemes/" + sc, nil, "view", 200},
		{"PUT", "/appraisal/schemes/" + sc, update, "manage", 200},
		{"GET", "/appraisal/schemes/" + sc + "/versions", nil, "view", 200},
		{"GET", "/appraisal/schemes/" + sc + "/versions/1", nil, "view", 200},
		{"GET", "/appraisal/schemes/" + sc + "/months/" + m, nil, "view", 200},
		{"POST", "/appraisal/schemes/" + sc + "/months/" + m + "/close", nil, "manage", 200},
		{"POST", "/appraisal/schemes/" + sc + "/months/" + m + "/reopen", appraisal.ReopenInput{Reason: "x"}, "manage", 200},
		{"GET", "/appraisal/agents/" + ag + "/months/" + m, nil, "view", 200},
		{"PUT", "/appraisal/agents/" + ag + "/months/" + m + "/manual/errors", appraisal.ManualInput{Value: 1}, "score", 200},
		{"DELETE", "/appraisal/agents/" + ag + "/months/" + m + "/manual/errors", nil, "score", 204},
		{"DELETE", "/appraisal/schemes/" + sc, nil, "manage", 409},
	}
	if len(cases) != len((appraisal.Routes{Svc: n.app.Mgmt.Appraisal}).Routes()) {
		t.Fatal("a route is missing from the table")
	}
	for _, c := range cases {
		if code := n.do("", c.method, c.path, c.body, nil); code != 401 {
			t.Errorf("%s %s without login: %d", c.method, c.path, code)
		}
		// agent-a2 holds view only, lead-a view and score.
		if c.perm != "view" {
			if code := n.do("agent-a2", c.method, c.path, c.body, nil); code != 403 {
				t.Errorf("%s %s as an agent: %d", c.method, c.path, code)
			}
		}
		if c.perm == "manage" {
			if code := n.do("lead-a", c.method, c.path, c.body, nil); code != 403 {
				t.Errorf("%s %s as a team leader: %d", c.method, c.path, code)
			}
		}
	}
	for _, c := range cases {
		if code := n.do("admin-1", c.method, c.path, c.body, nil); code != c.admin {
			t.Errorf("%s %s as admin: %d, want %d", c.method, c.path, code, c.admin)
		}
	}
}

// Agents see their own appraisal, team leaders their team's, supervisors
// their department's; manual values need score and the agent in scope.
func TestRouteScope(t *testing.T) {
	n := startNode(t, storetest.URLs(t)["sqlite"](t))
	m := lastMonth()
	names := func(who string) map[string]bool {
		var v appraisal.MonthView
		if c := n.do(who, "GET", "/appraisal/schemes/"+id(n.scheme)+"/months/"+m, nil, &v); c != 200 {
			t.Fatalf("%s: month view %d", who, c)
		}
		out := map[string]bool{}
		for _, a := range v.Agents {
			out[a.Username] = true
		}
		return out
	}
	for who, want := range map[string][]string{
		"agent-a": {"agent-a"}, "lead-a": {"agent-a", "agent-a2"}, "sup-a": {"agent-a", "agent-a2"}, "sup-b": {"agent-b"},
		"admin-1": {"agent-a", "agent-a2", "agent-b"}, "qa-1": {"agent-a", "agent-a2", "agent-b"},
	} {
		got := names(who)
		if len(got) != len(want) {
			t.Errorf("%s sees %v, want %v", who, got, want)
		}
		for _, u := range want {
			if !got[u] {
				t.Errorf("%s does not see %s (%v)", who, u, got)
			}
		}
	}
	detail := "/appraisal/agents/" + id(n.ids["agent-a2"]) + "/months/" + m
	for who, want := range map[string]int{"agent-a": 404, "agent-a2": 200, "lead-a": 200, "sup-b": 404} {
		if c := n.do(who, "GET", detail, nil, nil); c != want {
			t.Errorf("%s reads agent-a2's appraisal: %d, want %d", who, c, want)
		}
	}
	put := detail + "/manual/errors"
	var e appraisal.Entry
	if c := n.do("lead-a", "PUT", put, appraisal.ManualInput{Value: 2, Note: "抽检"}, &e); c != 200 || e.Value != 2 || e.By != "lead-a" {
		t.Fatalf("lead-a enters a value: %d %+v", c, e)
	}
	if c := n.do("sup-b", "PUT", put, appraisal.ManualInput{Value: 2}, nil); c != 404 {
		t.Errorf("sup-b enters a value for department A: %d", c)
	}
	if c := n.do("admin-1", "PUT", "/appraisal/agents/"+id(n.ids["lead-a"])+"/months/"+m+"/manual/errors",
		appraisal.ManualInput{Value: 2}, nil); c != 404 {
		t.Errorf("a value for a team leader, who is not appraised: %d", c)
	}
	var v appraisal.AgentView
	if c := n.do("agent-a2", "GET", detail, nil, &v); c != 200 || len(v.Entries) != 1 || len(v.Changes) != 1 {
		t.Fatalf("agent-a2 sees the entry: %d %+v", c, v.Entries)
	}
	for _, it := range v.Appraisal.Items {
		if it.Key == "errors" && (it.Points == nil || *it.Points != 110 || it.From != appraisal.SourceManual) {
			t.Errorf("errors item %+v", it)
		}
	}

	// A supervisor manages schemes of their own department only.
	own := appraisal.SchemeInput{Name: "A 部考核", Definition: appraisal.DefaultDefinition()}
	own.Definition.Targets = appraisal.Targets{DepartmentIDs: []int64{n.deptA}}
	var created appraisal.Scheme
	if c := n.do("sup-a", "POST", "/appraisal/schemes", own, &created); c != 201 || created.Version != 1 {
		t.Fatalf("sup-a creates a scheme for A: %d", c)
	}
	forB := own
	forB.Name, forB.Definition.Targets = "B 部考核", appraisal.Targets{DepartmentIDs: []int64{n.deptB}}
	if c := n.do("sup-a", "POST", "/appraisal/schemes", forB, nil); c != 403 {
		t.Errorf("sup-a creates a scheme for B: %d", c)
	}
	if c := n.do("sup-a", "POST", "/appraisal/schemes/"+id(n.scheme)+"/months/"+m+"/close", nil, nil); c != 403 {
		t.Errorf("sup-a closes the scheme for all: %d", c)
	}
	if c := n.do("sup-a", "POST", "/appraisal/schemes/"+id(created.ID)+"/months/"+m+"/close", nil, nil); c != 200 {
		t.Errorf("sup-a closes A's scheme: %d", c)
	}
	var closed appraisal.MonthView
	if c := n.do("agent-a", "GET", "/appraisal/schemes/"+id(created.ID)+"/months/"+m, nil, &closed); c != 200 ||
		closed.State.Status != "closed" || len(closed.Agents) != 1 || !closed.Agents[0].Closed {
		t.Fatalf("agent-a's closed month: %d %+v", c, closed.State)
	}
	if c := n.do("lead-a", "PUT", put, appraisal.ManualInput{Value: 3}, nil); c != 409 {
		t.Errorf("a value for a closed month: %d", c)
	}
	bad := own
	bad.Name = "坏的"
	bad.Definition.Targets = appraisal.Targets{TeamIDs: []int64{99999}}
	bad.Definition.Items[0].Weight = 50
	var body struct {
		Error struct{ Field string } `json:"error"`
	}
	if c := n.doRaw("admin-1", "POST", "/appraisal/schemes", bad, &body); c != 400 || body.Error.Field != "items" {
		t.Errorf("bad weights: %d %+v", c, body)
	}
}

// doRaw is do decoding error bodies too.
func (n *node) doRaw(who, method, path string, body any, out any) int {
	n.t.Helper()
	b, _ := json.Marshal(body)
	req, _ := http.NewRequest(method, n.srv.URL+"/api/v1"+path, bytes.NewReader(b))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+n.tokens[who])
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		n.t.Fatal(err)
	}
	defer res.Body.Close()
	json.NewDecoder(res.Body).Decode(out)
	return res.StatusCode
}
