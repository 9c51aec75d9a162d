package alertui_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hotline-cc/hotline/internal/acd"
	"github.com/hotline-cc/hotline/internal/alert"
	"github.com/hotline-cc/hotline/internal/app"
	"github.com/hotline-cc/hotline/internal/config"
	"github.com/hotline-cc/hotline/internal/org"
	"github.com/hotline-cc/hotline/internal/password"
	"github.com/hotline-cc/hotline/internal/queues"
	"github.com/hotline-cc/hotline/internal/store/storetest"
)

const pw = "password-123456"

// env is a whole Hotline (HTTP, no SIP) with departments A and B, the
// sales queue in A and support in B, and users: admin-1, sup-a, sup-b,
// lead-a (team leader in A) and agent-a.
type env struct {
	t       *testing.T
	app     *app.App
	url     string
	ctx     context.Context
	sales   *queues.Queue
	support *queues.Queue
	calls   int
}

func start(t *testing.T) *env {
	t.Helper()
	cfg := config.ForTest(t.TempDir())
	cfg.DatabaseURL = storetest.URLs(t)["sqlite"](t)
	cfg.AdminPassword = "admin-password-1"
	if err := cfg.Finish(); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	a, err := app.Open(ctx, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	a.Org.Hasher = password.Fast
	srv := httptest.NewServer(a.Handler())
	t.Cleanup(func() { srv.Close(); a.Close() })
	e := &env{t: t, app: a, url: srv.URL, ctx: ctx}
	sys := org.System()
	da, _ := a.Org.CreateDepartment(ctx, sys, org.DepartmentInput{Name: "A"})
	db, _ := a.Org.CreateDepartment(ctx, sys, org.DepartmentInput{Name: "B"})
	ta, _ := a.Org.CreateTeam(ctx, sys, org.TeamInput{Name: "TA", DepartmentID: da.ID})
	if e.sales, err = a.Queues.Save(ctx, sys, queues.Queue{Queue: acd.Queue{Name: "sales"}, DepartmentID: da.ID}); err != nil {
		t.Fatal(err)
	}
	e.support, _ = a.Queues.Save(ctx, sys, queues.Queue{Queue: acd.Queue{Name: "support"}, DepartmentID: db.ID})
	for _, u := range []struct {
		name, role string
		dept, team int64
	}{{"admin-1", org.RoleAdmin, 0, 0}, {"sup-a", org.RoleSupervisor, da.ID, 0}, {"sup-b", org.RoleSupervisor, db.ID, 0},
		{"lead-a", org.RoleTeamLeader, da.ID, ta.ID}, {"agent-a", org.RoleAgent, da.ID, ta.ID}} {
		r, _ := a.Org.RoleByKey(ctx, u.role)
		if _, err := a.Org.CreateUser(ctx, sys, org.UserInput{Username: u.name, DisplayName: u.name, Password: pw, RoleID: r.ID,
			DepartmentID: u.dept, TeamID: u.team}); err != nil {
			t.Fatal(err)
		}
	}
	return e
}

func (e *env) actor(name string) *org.Actor {
	e.t.Helper()
	c, err := e.app.Org.CredentialFor(e.ctx, name)
	if err != nil {
		e.t.Fatal(err)
	}
	a, err := e.app.Org.LoadActor(e.ctx, c.UserID)
	if err != nil {
		e.t.Fatal(err)
	}
	return a
}

// pileUp gives a queue a low waiting rule, puts n callers in it and
// evaluates: an alert opens (critical from 2 callers).
func (e *env) pileUp(q *queues.Queue, n int) []string {
	e.t.Helper()
	if _, err := e.app.Mgmt.Alerts.SetQueue(e.ctx, org.System(), q.ID, alert.RulesInput{Rules: []alert.RuleInput{
		{Metric: alert.MetricWaiting, Enabled: true, Warning: 0, Critical: 1}}}); err != nil {
		e.t.Fatal(err)
	}
	var ids []string
	for i := 0; i < n; i++ {
		e.calls++
		id := "call-" + strconv.Itoa(e.calls)
		if _, err := e.app.ACD.Enqueue(acd.WaitingCall{ID: id, QueueID: q.ID}); err != nil {
			e.t.Fatal(err)
		}
		ids = append(ids, id)
	}
	if err := e.app.Mgmt.Alerts.Eval.Evaluate(e.ctx); err != nil {
		e.t.Fatal(err)
	}
	return ids
}

// client is a browser without JavaScript: cookies, no redirects followed.
type client struct {
	t    *testing.T
	e    *env
	c    *http.Client
	lang string
	csrf string
}

var csrfRE = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)

func (e *env) login(user, lang string) *client {
	e.t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &client{t: e.t, e: e, lang: lang, c: &http.Client{Jar: jar, Timeout: 20 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
	if user == "" {
		return c
	}
	if p := c.post("/login", url.Values{"username": {user}, "password": {pw}}); p.status != http.StatusSeeOther {
		e.t.Fatalf("login %s: %d", user, p.status)
	}
	m := csrfRE.FindStringSubmatch(c.get("/").body)
	if m == nil {
		e.t.Fatal("no CSRF token after login")
	}
	c.csrf = m[1]
	return c
}

type page struct {
	status int
	loc    string
	body   string
}

func (c *client) do(req *http.Request) page {
	c.t.Helper()
	req.Header.Set("Accept-Language", c.lang)
	res, err := c.c.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return page{status: res.StatusCode, loc: res.Header.Get("Location"), body: string(b)}
}

func (c *client) get(path string) page {
	c.t.Helper()
	req, _ := http.NewRequest("GET", c.e.url+path, nil)
	return c.do(req)
}

func (c *client) post(path string, form url.Values) page {
	c.t.Helper()
	if c.csrf != "" {
		form.Set("csrf_token", c.csrf)
	}
	req, _ := http.NewRequest("POST", c.e.url+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return c.do(req)
}

func mustStatus(t *testing.T, what string, p page, want int) {
	t.Helper()
	if p.status != want {
		t.Fatalf("%s: status %d, want %d; body: %.400s", what, p.status, want, p.body)
	}
}

func mustContain(t *testing.T, what string, p page, subs ...string) {
	t.Helper()
	for _, s := range subs {
		if !strings.Contains(p.body, s) {
			t.Errorf("%s lacks %q", what, s)
		}
	}
}

func mustNotContain(t *testing.T, what string, p page, subs ...string) {
	t.Helper()
	for _, s := range subs {
		if strings.Contains(p.body, s) {
			t.Errorf("%s shows %q", what, s)
		}
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
