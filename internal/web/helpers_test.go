package web_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hotline-cc/hotline/internal/app"
	"github.com/hotline-cc/hotline/internal/config"
	"github.com/hotline-cc/hotline/internal/org"
	"github.com/hotline-cc/hotline/internal/password"
)

const adminPW = "admin-secret-1"

// env is a real Hotline (SQLite in a temp dir) listening on 127.0.0.1:0.
type env struct {
	t    *testing.T
	app  *app.App
	base string
}

// start opens and serves an app; before, if given, runs between Open and
// Serve (where modules are added).
func start(t *testing.T, before ...func(a *app.App)) *env {
	t.Helper()
	cfg := config.ForTest(t.TempDir())
	cfg.HTTPAddr = "127.0.0.1:0"
	cfg.AdminPassword = adminPW
	cfg.Demo = false
	if err := cfg.Finish(); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	a, err := app.Open(ctx, cfg, log, io.Discard)
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	// Cheap hashing for every password the test sets, the admin's included.
	a.Org.Hasher = password.Fast
	c, err := a.Org.CredentialFor(ctx, "admin")
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Org.ResetPassword(ctx, org.System(), c.UserID, adminPW); err != nil {
		t.Fatal(err)
	}
	for _, f := range before {
		f(a)
	}
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
			t.Error("server did not stop")
		}
		a.Close()
	})
	return &env{t: t, app: a, base: "http://" + a.HTTPAddr()}
}

// roleID returns the ID of a built-in role.
func (e *env) roleID(key string) int64 {
	e.t.Helper()
	r, err := e.app.Org.RoleByKey(context.Background(), key)
	if err != nil {
		e.t.Fatal(err)
	}
	return r.ID
}

// user creates a user with a built-in role through the org service.
func (e *env) user(name, pw, roleKey string, dept int64) *org.User {
	e.t.Helper()
	u, err := e.app.Org.CreateUser(context.Background(), org.System(), org.UserInput{Username: name, DisplayName: "User " + name,
		Password: pw, RoleID: e.roleID(roleKey), DepartmentID: dept})
	if err != nil {
		e.t.Fatal(err)
	}
	return u
}

// dept creates a department through the org service.
func (e *env) dept(name string, parent int64) *org.Department {
	e.t.Helper()
	d, err := e.app.Org.CreateDepartment(context.Background(), org.System(), org.DepartmentInput{Name: name, ParentID: parent})
	if err != nil {
		e.t.Fatal(err)
	}
	return d
}

// client is a browser-like HTTP client: a cookie jar, no automatic
// redirects (tests look at them), a language and the session's CSRF token.
type client struct {
	t    *testing.T
	e    *env
	c    *http.Client
	lang string
	csrf string
}

func (e *env) client() *client {
	jar, _ := cookiejar.New(nil)
	return &client{t: e.t, e: e, lang: "en", c: &http.Client{Jar: jar, Timeout: 20 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// page is a response with its body read.
type page struct {
	status int
	loc    string
	body   string
	resp   *http.Response
}

func (c *client) do(req *http.Request) page {
	c.t.Helper()
	if c.lang != "" {
		req.Header.Set("Accept-Language", c.lang)
	}
	resp, err := c.c.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		c.t.Fatal(err)
	}
	return page{status: resp.StatusCode, loc: resp.Header.Get("Location"), body: string(b), resp: resp}
}

func (c *client) get(path string) page {
	c.t.Helper()
	req, err := http.NewRequest("GET", c.e.base+path, nil)
	if err != nil {
		c.t.Fatal(err)
	}
	return c.do(req)
}

// post sends a form with the session's CSRF token (unless noCSRF).
func (c *client) post(path string, form url.Values) page {
	c.t.Helper()
	if form == nil {
		form = url.Values{}
	}
	if c.csrf != "" && !form.Has("csrf_token") {
		form.Set("csrf_token", c.csrf)
	}
	req, err := http.NewRequest("POST", c.e.base+path, strings.NewReader(form.Encode()))
	if err != nil {
		c.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return c.do(req)
}

var csrfRE = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)

// login logs in and picks up the CSRF token from the home page.
func (c *client) login(user, pw string) {
	c.t.Helper()
	p := c.post("/login", url.Values{"username": {user}, "password": {pw}})
	if p.status != http.StatusSeeOther {
		c.t.Fatalf("login %s: status %d, want 303; body: %s", user, p.status, excerpt(p.body))
	}
	home := c.get("/")
	m := csrfRE.FindStringSubmatch(home.body)
	if m == nil {
		c.t.Fatalf("no CSRF token on the home page after login (status %d)", home.status)
	}
	c.csrf = m[1]
}

// excerpt shortens a body for a failure message.
func excerpt(s string) string {
	if i := strings.Index(s, `<main`); i >= 0 {
		s = s[i:]
	}
	if len(s) > 1500 {
		s = s[:1500] + "…"
	}
	return s
}

// mustStatus fails unless p has status want.
func mustStatus(t *testing.T, what string, p page, want int) {
	t.Helper()
	if p.status != want {
		t.Fatalf("%s: status %d, want %d; body: %s", what, p.status, want, excerpt(p.body))
	}
}

// mustContain fails unless the body contains every string.
func mustContain(t *testing.T, what string, p page, subs ...string) {
	t.Helper()
	for _, s := range subs {
		if !strings.Contains(p.body, s) {
			t.Fatalf("%s: body lacks %q; body: %s", what, s, excerpt(p.body))
		}
	}
}

func itoa(n int) string     { return strconv.Itoa(n) }
func itoa64(n int64) string { return strconv.FormatInt(n, 10) }

func mustURL(t *testing.T, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

var regexpSecret = regexp.MustCompile(`<code id="new-token">(hl_[A-Za-z0-9_-]+)</code>`)

// idFromPath returns the number at the end of a path like /admin/roles/7.
func idFromPath(t *testing.T, p string) int64 {
	t.Helper()
	n, err := strconv.ParseInt(p[strings.LastIndexByte(p, '/')+1:], 10, 64)
	if err != nil {
		t.Fatalf("no ID at the end of %q", p)
	}
	return n
}
