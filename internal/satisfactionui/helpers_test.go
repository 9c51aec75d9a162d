package satisfactionui_test

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
	"github.com/hotline-cc/hotline/internal/org"
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

// rate stores a very-unsatisfied rating of a call by u, as the survey does.
func rate(t *testing.T, e *crmtest.Env, callID string, u *crmtest.User) {
	t.Helper()
	_, err := calllog.SaveRating(context.Background(), e.App.DB, calllog.Rating{CallID: callID, At: time.Now().Add(-time.Hour),
		Score: 1, Scale: 5, Queue: "support", AgentID: u.ID, TeamID: u.TeamID, DepartmentID: u.DepartmentID})
	if err != nil {
		t.Fatal(err)
	}
}

// afterSalesTeam adds the team 售后组 to department B.
func afterSalesTeam(t *testing.T, e *crmtest.Env, o *crmtest.Org) int64 {
	t.Helper()
	team, err := e.App.Org.CreateTeam(context.Background(), org.System(), org.TeamInput{Name: "售后组", DepartmentID: o.DeptB})
	if err != nil {
		t.Fatal(err)
	}
	return team.ID
}
