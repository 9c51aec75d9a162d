package reportui_test

import (
	"context"
	"fmt"
	"html"
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
	"github.com/hotline-cc/hotline/internal/app"
	cl "github.com/hotline-cc/hotline/internal/calllog"
	"github.com/hotline-cc/hotline/internal/config"
	"github.com/hotline-cc/hotline/internal/org"
	"github.com/hotline-cc/hotline/internal/password"
	"github.com/hotline-cc/hotline/internal/queues"
	"github.com/hotline-cc/hotline/internal/report"
	"github.com/hotline-cc/hotline/internal/shift"
)

const pw = "password-123456"

// env is a whole Hotline with a small call center and one morning of
// calls, today:
//
//	department A (客服部 A): queue support, team A1 — lead-a, agent-a1, agent-a2; sup-a
//	department B (销售部 B): queue sales, team B1 — agent-b; sup-b
//	admin-1 (administrator), clerk (a custom role without reports or shifts)
//
// The report's time zone is the Etc/GMT zone where it is about noon now,
// so that the morning's calls are today and in the past whenever the test
// runs.
type env struct {
	t     *testing.T
	app   *app.App
	url   string
	ctx   context.Context
	loc   *time.Location
	day   time.Time // today 00:00 in loc
	dept  map[string]int64
	team  map[string]int64
	users map[string]*org.User
}

type startOpts struct {
	dbURL string
	serve bool // run the background loops (the report worker, the export jobs): a.Listen and a.Serve
}

func start(t *testing.T, o startOpts) *env {
	t.Helper()
	cfg := config.ForTest(t.TempDir())
	cfg.DatabaseURL = o.dbURL
	cfg.AdminPassword = "admin-password-1"
	if err := cfg.Finish(); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	a, err := app.Open(ctx, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), io.Discard)
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	a.Org.Hasher = password.Fast
	e := &env{t: t, app: a, ctx: context.Background(), dept: map[string]int64{}, team: map[string]int64{}, users: map[string]*org.User{}}
	if o.serve {
		if err := a.Listen(); err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		go func() { done <- a.Serve(ctx) }()
		t.Cleanup(func() {
			cancel()
			select {
			case err := <-done:
				if err != nil {
					t.Errorf("serve: %v", err)
				}
			case <-time.After(15 * time.Second):
				t.Error("the server did not stop")
			}
			a.Close()
		})
		e.url = "http://" + a.HTTPAddr()
	} else {
		srv := httptest.NewServer(a.Handler())
		t.Cleanup(func() { srv.Close(); cancel(); a.Close() })
		e.url = srv.URL
	}
	e.setup()
	return e
}

// noonZone is an IANA zone (Etc/GMT±N) where the local hour is 12 now.
func noonZone(now time.Time) *time.Location {
	off := 12 - now.UTC().Hour() // hours east of UTC: −11 … +12
	name := "Etc/GMT"
	if off != 0 {
		name = fmt.Sprintf("Etc/GMT%+d", -off) // Etc/GMT-8 is UTC+8
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

func (e *env) setup() {
	t, ctx, a, sys := e.t, e.ctx, e.app, org.System()
	e.loc = noonZone(time.Now())
	set := report.DefaultSettings()
	set.TimeZone = e.loc.String()
	if err := a.Mgmt.Reports.SaveSettings(ctx, sys, set); err != nil {
		t.Fatal(err)
	}
	now := time.Now().In(e.loc)
	e.day = time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, e.loc)
	for _, d := range []struct{ key, name, team, queue string }{{"A", "客服部 A", "A1", "support"}, {"B", "销售部 B", "B1", "sales"}} {
		dp, err := a.Org.CreateDepartment(ctx, sys, org.DepartmentInput{Name: d.name})
		if err != nil {
			t.Fatal(err)
		}
		tm, err := a.Org.CreateTeam(ctx, sys, org.TeamInput{Name: d.team, DepartmentID: dp.ID})
		if err != nil {
			t.Fatal(err)
		}
		e.dept[d.key], e.team[d.team] = dp.ID, tm.ID
		if _, err := a.Queues.Save(ctx, sys, queues.Queue{Queue: acd.Queue{Name: d.queue, Strategy: acd.LongestIdle}, DepartmentID: dp.ID}); err != nil {
			t.Fatal(err)
		}
	}
	clerk, err := a.Org.CreateRole(ctx, sys, org.RoleInput{Name: "Clerk", DataScope: org.ScopeOwn, Permissions: []string{"kb:view"}})
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range []struct {
		name, display, role string
		dept, team          int64
	}{
		{"admin-1", "管理员", org.RoleAdmin, 0, 0}, {"sup-a", "主管甲", org.RoleSupervisor, e.dept["A"], 0},
		{"sup-b", "主管乙", org.RoleSupervisor, e.dept["B"], 0}, {"lead-a", "组长甲", org.RoleTeamLeader, 0, e.team["A1"]},
		{"agent-a1", "坐席张三", org.RoleAgent, 0, e.team["A1"]}, {"agent-a2", "坐席李四", org.RoleAgent, 0, e.team["A1"]},
		{"agent-b", "坐席王五", org.RoleAgent, 0, e.team["B1"]}, {"clerk", "文员", "", 0, 0},
	} {
		roleID := clerk.ID
		if u.role != "" {
			r, err := a.Org.RoleByKey(ctx, u.role)
			if err != nil {
				t.Fatal(err)
			}
			roleID = r.ID
		}
		usr, err := a.Org.CreateUser(ctx, sys, org.UserInput{Username: u.name, DisplayName: u.display, Password: pw, RoleID: roleID,
			DepartmentID: u.dept, TeamID: u.team})
		if err != nil {
			t.Fatal(err)
		}
		e.users[u.name] = usr
	}
}

// at is a local time of today, "15:04:05".
func (e *env) at(hms string) time.Time {
	e.t.Helper()
	t, err := time.ParseInLocation("2006-01-02 15:04:05", e.day.Format("2006-01-02")+" "+hms, e.loc)
	if err != nil {
		e.t.Fatal(err)
	}
	return t
}

// ev is one event of a call: at (local time today), type, agent, data.
type ev struct {
	at    string
	typ   cl.Type
	agent string
	data  cl.Data
}

// call appends a call's events the way internal/call writes them: the
// queue is set from queue.entered on, with its department; an agent's
// events carry the agent, their team and department.
func (e *env) call(id, queue, dept string, evs ...ev) {
	e.t.Helper()
	queued := false
	for _, x := range evs {
		out := cl.Event{CallID: id, At: e.at(x.at), Type: x.typ, Data: x.data, Leg: "caller"}
		if x.typ == cl.QueueEntered {
			queued = true
			out.Data.DeptID = e.dept[dept]
		}
		if queued {
			out.Queue = queue
		}
		if x.agent != "" {
			u := e.users[x.agent]
			out.AgentID, out.Leg = u.ID, "agent:"+x.agent
			if x.typ == cl.QueueOffer || x.typ == cl.AgentAnswered {
				out.Data.TeamID, out.Data.DeptID = u.TeamID, u.DepartmentID
			}
		}
		if x.typ == cl.CallRated {
			if _, err := cl.SaveRating(e.ctx, e.app.DB, cl.Rating{CallID: id, At: out.At, Score: x.data.Score, Scale: x.data.Scale,
				Queue: queue, AgentID: out.AgentID}); err != nil {
				e.t.Fatal(err)
			}
		}
		e.app.CallLog.Append(e.ctx, out)
	}
}

// states appends an agent's state changes: pairs of local time and "to"
// or "to/reason".
func (e *env) states(agent string, steps ...string) {
	from := "logged_out"
	for i := 0; i+1 < len(steps); i += 2 {
		to, reason, _ := strings.Cut(steps[i+1], "/")
		e.app.CallLog.AppendAgent(e.ctx, cl.AgentEvent{AgentID: e.users[agent].ID, At: e.at(steps[i]), From: from, To: to, Reason: reason})
		from = to
	}
}

// morning writes today's calls and agent time:
//
//	support (A): c1 agent-a1 answers after 6 s, 30 s on hold, rated 5/5; c2 agent-a2 after 47 s; c3 abandoned after 60 s
//	sales (B):   c4 agent-b answers after 10 s; c5, c6 abandoned after 30 and 40 s
//
// agent-a1 works 09:00–11:00 with a break 10:00–10:15, on a shift
// 09:00–17:00 with lunch 12:00–13:00.
func (e *env) morning() {
	e.t.Helper()
	in := func(from string) cl.Data {
		return cl.Data{Direction: "inbound", From: from, To: "8000", Number: "8000"}
	}
	sys := cl.Data{By: "system"}
	answered := func(id, queue, dept, agent, start, queuedAt, offered, answer, end, wrapEnd string, extra ...ev) {
		evs := []ev{{start, cl.CallOffered, "", in("1380000" + id)}, {start, cl.CallAnswered, "", sys},
			{queuedAt, cl.QueueEntered, "", cl.Data{}}, {offered, cl.QueueOffer, agent, cl.Data{}}, {answer, cl.AgentAnswered, agent, cl.Data{}}}
		evs = append(evs, extra...)
		evs = append(evs, ev{end, cl.LegEnded, agent, cl.Data{By: "agent"}}, ev{end, cl.CallEnded, "", cl.Data{By: "agent"}},
			ev{wrapEnd, cl.AgentWrapUpEnd, agent, cl.Data{}})
		e.call(id, queue, dept, evs...)
	}
	abandoned := func(id, queue, dept, start, left string, waitMS int64) {
		e.call(id, queue, dept, ev{start, cl.CallOffered, "", in("1390000" + id)}, ev{start, cl.CallAnswered, "", sys},
			ev{start, cl.QueueEntered, "", cl.Data{}}, ev{left, cl.QueueAbandoned, "", cl.Data{WaitMS: waitMS}},
			ev{left, cl.CallEnded, "", cl.Data{By: "caller"}})
	}
	answered("c1", "support", "A", "agent-a1", "09:10:00", "09:10:00", "09:10:00", "09:10:06", "09:15:00", "09:15:30",
		ev{"09:12:00", cl.CallHold, "agent-a1", cl.Data{By: "agent"}}, ev{"09:12:30", cl.CallUnhold, "agent-a1", cl.Data{By: "agent"}},
		ev{"09:14:59", cl.CallRated, "agent-a1", cl.Data{Score: 5, Scale: 5}})
	answered("c2", "support", "A", "agent-a2", "09:20:00", "09:20:00", "09:20:40", "09:20:47", "09:25:47", "09:26:07")
	abandoned("c3", "support", "A", "09:30:00", "09:31:00", 60000)
	answered("c4", "sales", "B", "agent-b", "10:00:00", "10:00:00", "10:00:05", "10:00:10", "10:02:10", "10:02:20")
	abandoned("c5", "sales", "B", "10:10:00", "10:10:30", 30000)
	abandoned("c6", "sales", "B", "10:20:00", "10:20:40", 40000)
	e.states("agent-a1", "09:00:00", "ready", "09:10:00", "ringing", "09:10:06", "on_call", "09:12:00", "on_hold",
		"09:12:30", "on_call", "09:15:00", "wrap_up", "09:15:30", "ready", "10:00:00", "not_ready/break", "10:15:00", "ready",
		"11:00:00", "logged_out")
	e.states("agent-a2", "09:00:00", "ready", "09:20:40", "ringing", "09:20:47", "on_call", "09:25:47", "wrap_up",
		"09:26:07", "ready", "11:00:00", "logged_out")
	if err := shift.InsertMany(e.ctx, e.app.DB, []shift.Shift{{AgentID: e.users["agent-a1"].ID, TeamID: e.team["A1"],
		DepartmentID: e.dept["A"], Start: e.at("09:00:00"), End: e.at("17:00:00"), Source: "manual",
		Activities: []shift.Activity{{Kind: shift.Lunch, Start: e.at("12:00:00"), End: e.at("13:00:00")}}}}); err != nil {
		e.t.Fatal(err)
	}
	if err := e.app.CallLog.Flush(e.ctx); err != nil {
		e.t.Fatal(err)
	}
	if err := report.Invalidate(e.ctx, e.app.DB, e.day, e.day.AddDate(0, 0, 1)); err != nil {
		e.t.Fatal(err)
	}
}

// sync brings the rollups up to date (without the background worker).
func (e *env) sync() {
	e.t.Helper()
	if err := e.app.Mgmt.Reports.Sync(e.ctx); err != nil {
		e.t.Fatal(err)
	}
}

// client is a browser without JavaScript: cookies, no redirects followed.
type client struct {
	t    *testing.T
	e    *env
	c    *http.Client
	lang string
	csrf string
}

type page struct {
	status int
	loc    string
	body   string
	header http.Header
}

func (e *env) login(user, lang string) *client {
	e.t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &client{t: e.t, e: e, lang: lang, c: &http.Client{Jar: jar, Timeout: 60 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
	password := pw
	if user == "admin" {
		password = "admin-password-1"
	}
	p := c.post("/login", url.Values{"username": {user}, "password": {password}})
	if p.status != http.StatusSeeOther {
		e.t.Fatalf("login %s: %d", user, p.status)
	}
	m := csrfRE.FindStringSubmatch(c.get("/").body)
	if m == nil {
		e.t.Fatal("no CSRF token after login")
	}
	c.csrf = m[1]
	return c
}

var csrfRE = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)

func (c *client) do(req *http.Request) page {
	c.t.Helper()
	req.Header.Set("Accept-Language", c.lang)
	res, err := c.c.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	return page{status: res.StatusCode, loc: res.Header.Get("Location"), body: string(raw), header: res.Header}
}

func (c *client) get(path string) page {
	c.t.Helper()
	req, _ := http.NewRequest("GET", c.e.url+path, nil)
	return c.do(req)
}

func (c *client) post(path string, form url.Values) page {
	c.t.Helper()
	if form == nil {
		form = url.Values{}
	}
	form.Set("csrf_token", c.csrf)
	req, _ := http.NewRequest("POST", c.e.url+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return c.do(req)
}

func excerpt(s string) string {
	if i := strings.Index(s, "<main"); i >= 0 {
		s = s[i:]
	}
	if len(s) > 3000 {
		s = s[:3000] + "…"
	}
	return s
}

func mustStatus(t *testing.T, what string, p page, want int) {
	t.Helper()
	if p.status != want {
		t.Fatalf("%s: status %d, want %d; body: %s", what, p.status, want, excerpt(p.body))
	}
}

func mustContain(t *testing.T, what string, p page, subs ...string) {
	t.Helper()
	plain := html.UnescapeString(p.body)
	for _, s := range subs {
		if !strings.Contains(p.body, s) && !strings.Contains(plain, s) {
			t.Fatalf("%s: the page lacks %q; body: %s", what, s, excerpt(p.body))
		}
	}
}

func mustLack(t *testing.T, what string, p page, subs ...string) {
	t.Helper()
	plain := html.UnescapeString(p.body)
	for _, s := range subs {
		if strings.Contains(p.body, s) || strings.Contains(plain, s) {
			t.Fatalf("%s: the page shows %q; body: %s", what, s, excerpt(p.body))
		}
	}
}

// figure is the text of a metric's figure in the summary table: the
// total (col 0) or a group's (col 1, 2, ...).
func figure(t *testing.T, p page, key string, col int) string {
	t.Helper()
	row := regexp.MustCompile(`(?s)<tr id="m-` + regexp.QuoteMeta(key) + `"[^>]*>(.*?)</tr>`).FindStringSubmatch(p.body)
	if row == nil {
		t.Fatalf("no row for %s in %s", key, excerpt(p.body))
	}
	cells := regexp.MustCompile(`(?s)<td class="num[^"]*"[^>]*>(.*?)</td>`).FindAllStringSubmatch(row[1], -1)
	if col >= len(cells) {
		t.Fatalf("%s: no column %d in %q", key, col, row[1])
	}
	c := flagRE.ReplaceAllString(cells[col][1], "")
	return strings.TrimSpace(html.UnescapeString(tagRE.ReplaceAllString(c, "")))
}

var (
	tagRE  = regexp.MustCompile(`<[^>]+>`)
	flagRE = regexp.MustCompile(`(?s)<span class="(?:flag|sr-only)"[^>]*>.*?</span>`)
)

// formValues are the values a browser would post from the page's form
// with the id given: its text inputs, checked boxes and radios, selected
// options.
func formValues(t *testing.T, p page, id string) url.Values {
	t.Helper()
	m := regexp.MustCompile(`(?s)<form[^>]*id="` + id + `"[^>]*>(.*?)</form>`).FindStringSubmatch(p.body)
	if m == nil {
		t.Fatalf("no form %s: %s", id, excerpt(p.body))
	}
	attr := func(tag, name string) (string, bool) {
		a := regexp.MustCompile(`\s` + name + `(?:="([^"]*)")?`).FindStringSubmatch(tag)
		if a == nil {
			return "", false
		}
		return html.UnescapeString(a[1]), true
	}
	v := url.Values{}
	for _, tag := range regexp.MustCompile(`<input[^>]*>`).FindAllString(m[1], -1) {
		name, _ := attr(tag, "name")
		typ, _ := attr(tag, "type")
		val, _ := attr(tag, "value")
		_, checked := attr(tag, "checked")
		if name == "" || name == "csrf_token" || ((typ == "checkbox" || typ == "radio") && !checked) {
			continue
		}
		v.Add(name, val)
	}
	for _, sel := range regexp.MustCompile(`(?s)<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>`).FindAllStringSubmatch(m[1], -1) {
		if o := regexp.MustCompile(`<option value="([^"]*)" selected`).FindStringSubmatch(sel[2]); o != nil {
			v.Set(sel[1], html.UnescapeString(o[1]))
		}
	}
	return v
}

func jsNum(x float64) string { return strconv.FormatFloat(x, 'f', -1, 64) }

func idStr(id int64) string { return strconv.FormatInt(id, 10) }

// text is the page's text without tags, for searching.
func text(p page) string {
	return html.UnescapeString(tagRE.ReplaceAllString(p.body, " "))
}
