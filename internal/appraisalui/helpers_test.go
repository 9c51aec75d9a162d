package appraisalui_test

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

	"github.com/hotline-cc/hotline/internal/crm/crmtest"
	"github.com/hotline-cc/hotline/internal/org"
	"github.com/hotline-cc/hotline/internal/store/storetest"
)

// start runs Hotline (with the appraisal module, as app.go wires it) and
// the CRM tests' organisation; every agent was hired in 2025 so that past
// months appraise them.
func start(t *testing.T) (*crmtest.Env, *crmtest.Org) {
	t.Helper()
	e := crmtest.Start(t, storetest.URLs(t)["sqlite"](t))
	o := e.MakeOrg()
	hired := "2025-01-01"
	for name, u := range o.Users {
		if strings.HasPrefix(name, "agent-") {
			if _, err := e.App.Org.UpdateUser(context.Background(), org.System(), u.ID, org.UserPatch{HireDate: &hired}); err != nil {
				t.Fatal(err)
			}
		}
	}
	return e, o
}

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

func mustLack(t *testing.T, what string, p page, parts ...string) {
	t.Helper()
	for _, s := range parts {
		if strings.Contains(p.body, s) {
			t.Errorf("%s: page shows %q", what, s)
		}
	}
}
