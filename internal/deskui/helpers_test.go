package deskui_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hotline-cc/hotline/internal/app"
	"github.com/hotline-cc/hotline/internal/config"
	"github.com/hotline-cc/hotline/internal/crm"
	"github.com/hotline-cc/hotline/internal/deskui"
	"github.com/hotline-cc/hotline/internal/dialer"
	"github.com/hotline-cc/hotline/internal/org"
	"github.com/hotline-cc/hotline/internal/password"
)

// Passwords of the accounts the tests log in as.
const (
	adminPW = "admin-secret-1"
	demoPW  = "demo-secret-1"
)

// template is a data directory with the demo call center provisioned once
// for the whole package: provisioning hashes every demo password with the
// production cost, which takes seconds under -race. Each test copies it.
var template string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "deskui-demo-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	if err := provisionDemo(dir); err != nil {
		fmt.Fprintln(os.Stderr, "demo:", err)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	template = dir
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

func testConfig(dir string) (config.Config, error) {
	cfg := config.ForTest(dir) // loopback, ephemeral ports
	cfg.AdminPassword = adminPW
	cfg.Demo = true
	cfg.DemoPassword = demoPW
	return cfg, cfg.Finish()
}

func quietLog() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// provisionDemo opens Hotline with the demo on an empty database and
// rehashes the passwords the tests use with the cheap test parameters.
func provisionDemo(dir string) error {
	cfg, err := testConfig(dir)
	if err != nil {
		return err
	}
	ctx := context.Background()
	a, err := app.Open(ctx, cfg, quietLog(), io.Discard)
	if err != nil {
		return err
	}
	defer a.Close()
	a.Org.Hasher = password.Fast
	for user, pw := range map[string]string{"admin": adminPW, "agent1001": demoPW, "agent1002": demoPW,
		"supervisor1": demoPW, "leader1": demoPW} {
		c, err := a.Org.CredentialFor(ctx, user)
		if err != nil {
			return fmt.Errorf("%s: %w", user, err)
		}
		if err := a.Org.ResetPassword(ctx, org.System(), c.UserID, pw); err != nil {
			return err
		}
	}
	return nil
}

func copyDir(t testing.TB, from, to string) {
	t.Helper()
	err := filepath.WalkDir(from, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(from, p)
		dst := filepath.Join(to, rel)
		if d.IsDir() {
			return os.MkdirAll(dst, 0o750)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(dst, b, 0o600)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// env is a running Hotline with the demo data and the desk module.
type env struct {
	t   testing.TB
	app *app.App
	url string // http://host:port
	ctx context.Context
}

// open opens a fresh copy of the demo call center with the module added
// the way app.go adds it (unless app.go already does).
func open(t testing.TB) *app.App {
	t.Helper()
	dir := t.TempDir()
	copyDir(t, template, dir)
	cfg, err := testConfig(dir)
	if err != nil {
		t.Fatal(err)
	}
	a, err := app.Open(context.Background(), cfg, quietLog(), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	a.Org.Hasher = password.Fast
	err = a.UI.AddModule(deskui.New(deskui.Deps{UI: a.UI, Org: a.Org, CRM: a.CRM, Dialer: a.Dialer, Queues: a.Queues, Log: a.Log}))
	if err != nil && !strings.Contains(err.Error(), "already used") {
		a.Close()
		t.Fatal(err)
	}
	return a
}

// start serves the HTTP side only (no SIP, no call loop, no dialler).
func start(t testing.TB) *env {
	t.Helper()
	a := open(t)
	srv := httptest.NewServer(a.Handler())
	t.Cleanup(func() {
		srv.Close()
		a.Close()
	})
	return &env{t: t, app: a, url: srv.URL, ctx: context.Background()}
}

// serve runs the whole node as hotline serve does: HTTP, SIP on loopback,
// the call loop and the dialler.
func serve(t testing.TB) *env {
	t.Helper()
	a := open(t)
	if err := a.Listen(); err != nil {
		a.Close()
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.Serve(ctx) }()
	t.Cleanup(func() {
		cancel()
		<-done
		a.Close()
	})
	select {
	case <-a.SIP.Ready():
	case err := <-done:
		t.Fatalf("server stopped: %v", err)
	case <-time.After(10 * time.Second):
		t.Fatal("SIP server not ready")
	}
	return &env{t: t, app: a, url: "http://" + a.HTTPAddr(), ctx: context.Background()}
}

// actor loads the actor of a user by name.
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

// customer creates a customer owned by owner (created by the supervisor,
// who may allocate in the department).
func (e *env) customer(owner, name, phone string, tags ...string) *crm.Customer {
	e.t.Helper()
	c, err := e.app.CRM.Create(e.ctx, e.actor("supervisor1"), crm.CustomerInput{Name: name, Phones: []string{phone},
		Tags: tags, OwnerID: e.actor(owner).UserID})
	if err != nil {
		e.t.Fatalf("customer %s: %v", name, err)
	}
	return c
}

// campaign creates a campaign as the supervisor.
func (e *env) campaign(name string, cfg dialer.Config) *dialer.Campaign {
	e.t.Helper()
	c, err := e.app.Dialer.Save(e.ctx, e.actor("supervisor1"), 0, dialer.CampaignInput{Name: name, Config: cfg})
	if err != nil {
		e.t.Fatalf("campaign %s: %v", name, err)
	}
	return c
}

// client is a browser: cookies, no automatic redirects, a language and the
// session's CSRF token.
type client struct {
	t    testing.TB
	e    *env
	c    *http.Client
	lang string
	csrf string
}

func (e *env) client(lang string) *client {
	jar, _ := cookiejar.New(nil)
	return &client{t: e.t, e: e, lang: lang, c: &http.Client{Jar: jar, Timeout: 20 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

var csrfRE = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)

// login returns a client logged in as user.
func (e *env) login(user, pw, lang string) *client {
	e.t.Helper()
	c := e.client(lang)
	p := c.post("/login", url.Values{"username": {user}, "password": {pw}})
	if p.status != http.StatusSeeOther {
		e.t.Fatalf("login %s: status %d; body: %s", user, p.status, excerpt(p.body))
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
	resp, err := c.c.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		c.t.Fatal(err)
	}
	return page{status: resp.StatusCode, loc: resp.Header.Get("Location"), body: string(b)}
}

func (c *client) get(path string) page {
	c.t.Helper()
	req, err := http.NewRequest("GET", c.e.url+path, nil)
	if err != nil {
		c.t.Fatal(err)
	}
	return c.do(req)
}

func (c *client) post(path string, form url.Values) page {
	c.t.Helper()
	if form == nil {
		form = url.Values{}
	}
	if c.csrf != "" {
		form.Set("csrf_token", c.csrf)
	}
	req, err := http.NewRequest("POST", c.e.url+path, strings.NewReader(form.Encode()))
	if err != nil {
		c.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return c.do(req)
}

// postJSON sends a JSON body the way the desk scripts do: with the CSRF
// token in X-CSRF-Token (none when csrf is false).
func (c *client) postJSON(path string, body any, csrf bool) page {
	c.t.Helper()
	b, _ := json.Marshal(body)
	req, err := http.NewRequest("POST", c.e.url+path, bytes.NewReader(b))
	if err != nil {
		c.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if csrf {
		req.Header.Set("X-CSRF-Token", c.csrf)
	}
	return c.do(req)
}

// getJSON decodes a JSON answer into v and returns the status.
func (c *client) getJSON(path string, v any) int {
	c.t.Helper()
	p := c.get(path)
	if p.status == http.StatusOK {
		if err := json.Unmarshal([]byte(p.body), v); err != nil {
			c.t.Fatalf("GET %s: %v in %s", path, err, p.body)
		}
	}
	return p.status
}

// follow GETs the page a POST redirected to.
func (c *client) follow(p page) page {
	c.t.Helper()
	if p.status != http.StatusSeeOther {
		c.t.Fatalf("want a redirect, got %d; body: %s", p.status, excerpt(p.body))
	}
	return c.get(p.loc)
}

func excerpt(s string) string {
	if i := strings.Index(s, `<main`); i >= 0 {
		s = s[i:]
	}
	if os.Getenv("DESK_FULL") == "" && len(s) > 3000 {
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
	text := html.UnescapeString(p.body) // html/template writes + as &#43;
	for _, s := range subs {
		if !strings.Contains(p.body, s) && !strings.Contains(text, s) {
			t.Fatalf("%s: body lacks %q; body: %s", what, s, excerpt(p.body))
		}
	}
}

func mustNotContain(t *testing.T, what string, p page, subs ...string) {
	t.Helper()
	text := html.UnescapeString(p.body)
	for _, s := range subs {
		if strings.Contains(p.body, s) || strings.Contains(text, s) {
			t.Fatalf("%s: body has %q; body: %s", what, s, excerpt(p.body))
		}
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// idAtEnd is the ID at the end of a redirect's path.
func idAtEnd(t *testing.T, loc string) int64 {
	t.Helper()
	n, err := strconv.ParseInt(loc[strings.LastIndexByte(loc, '/')+1:], 10, 64)
	if err != nil {
		t.Fatalf("no ID at the end of %q", loc)
	}
	return n
}
