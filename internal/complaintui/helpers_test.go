package complaintui_test

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hotline-cc/hotline/internal/calllog"
	"github.com/hotline-cc/hotline/internal/crm/crmtest"
)

// browser is a cookie-jar client that does not follow redirects.
type browser struct {
	t    *testing.T
	e    *crmtest.Env
	c    *http.Client
	csrf string
}

type page struct {
	status int
	loc    string
	body   string
}

func login(t *testing.T, e *crmtest.Env, user, lang string) *browser {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	b := &browser{t: t, e: e, c: &http.Client{Jar: jar, Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
	u, _ := url.Parse(e.URL)
	jar.SetCookies(u, []*http.Cookie{{Name: "lang", Value: lang, Path: "/"}})
	if p := b.post("/login", url.Values{"username": {user}, "password": {crmtest.Password(user)}}); p.status != http.StatusSeeOther {
		t.Fatalf("login %s: %d", user, p.status)
	}
	m := regexp.MustCompile(`name="csrf_token" value="([^"]+)"`).FindStringSubmatch(b.get("/").body)
	if m == nil {
		t.Fatal("no CSRF token after login")
	}
	b.csrf = m[1]
	return b
}

func (b *browser) do(req *http.Request) page {
	b.t.Helper()
	res, err := b.c.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	return page{status: res.StatusCode, loc: res.Header.Get("Location"), body: string(raw)}
}

func (b *browser) get(path string) page {
	b.t.Helper()
	req, _ := http.NewRequest("GET", b.e.URL+path, nil)
	return b.do(req)
}

func (b *browser) post(path string, form url.Values) page {
	b.t.Helper()
	form.Set("csrf_token", b.csrf)
	req, _ := http.NewRequest("POST", b.e.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return b.do(req)
}

func mustStatus(t *testing.T, what string, p page, want int) {
	t.Helper()
	if p.status != want {
		body := p.body
		if i := strings.Index(body, "<main"); i >= 0 {
			body = body[i:]
		}
		if len(body) > 3000 {
			body = body[:3000]
		}
		t.Fatalf("%s: status %d, want %d; body: %s", what, p.status, want, body)
	}
}

func mustContain(t *testing.T, what string, p page, parts ...string) {
	t.Helper()
	for _, s := range parts {
		if !strings.Contains(p.body, s) {
			t.Errorf("%s: page lacks %q", what, s)
		}
	}
}

// answeredCall writes an inbound call from caller answered by u through
// the app's own call log, and returns its ID.
func answeredCall(t *testing.T, e *crmtest.Env, id, caller string, u *crmtest.User) string {
	t.Helper()
	ctx, lg := context.Background(), e.App.CallLog
	at := time.Now().Add(-time.Hour)
	ms := func(n int) time.Time { return at.Add(time.Duration(n) * time.Millisecond) }
	leg := "agent:" + u.Username
	for _, ev := range []calllog.Event{
		{CallID: id, At: ms(0), Type: calllog.CallOffered, Leg: "caller", Data: calllog.Data{Direction: "inbound", From: caller, To: "8002", Number: "8002"}},
		{CallID: id, At: ms(10), Type: calllog.CallAnswered, Leg: "caller"},
		{CallID: id, At: ms(20), Type: calllog.QueueEntered, Queue: "support", Data: calllog.Data{DeptID: u.DepartmentID}},
		{CallID: id, At: ms(30), Type: calllog.QueueOffer, Queue: "support", AgentID: u.ID, Leg: leg, Data: calllog.Data{TeamID: u.TeamID, DeptID: u.DepartmentID}},
		{CallID: id, At: ms(800), Type: calllog.AgentAnswered, Queue: "support", AgentID: u.ID, Leg: leg, Data: calllog.Data{TeamID: u.TeamID, DeptID: u.DepartmentID}},
		{CallID: id, At: ms(50000), Type: calllog.LegEnded, AgentID: u.ID, Leg: leg, Data: calllog.Data{By: "caller"}},
		{CallID: id, At: ms(50001), Type: calllog.CallEnded, Data: calllog.Data{By: "caller", Cause: "bye"}},
	} {
		lg.Append(ctx, ev)
	}
	if err := lg.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	return id
}
