package telui_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hotline-cc/hotline/internal/app"
	"github.com/hotline-cc/hotline/internal/config"
	"github.com/hotline-cc/hotline/internal/org"
	"github.com/hotline-cc/hotline/internal/password"
	"github.com/hotline-cc/hotline/internal/telui"
	"github.com/hotline-cc/hotline/internal/tts"
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
	dir, err := os.MkdirTemp("", "telui-demo-")
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
	cfg := config.Default()
	cfg.DataDir = dir
	cfg.HTTPAddr = "127.0.0.1:0"
	cfg.SIPAddr = "127.0.0.1:0" // app.Open binds SIP; never the shared 5060
	cfg.AdminPassword = adminPW
	cfg.Demo = true
	cfg.DemoPassword = demoPW
	return cfg, cfg.Finish()
}

func quietLog() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// provisionDemo opens Hotline with the demo on an empty database, and
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

// copyDir copies the template data directory.
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

// env is a running Hotline with the demo data and the telephony module.
type env struct {
	t    testing.TB
	app  *app.App
	srv  *httptest.Server
	data string
}

// start serves a fresh copy of the demo call center.
func start(t testing.TB) *env {
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
	e := &env{t: t, app: a, data: dir} // app.Open wires the module, with the real speech engine
	e.srv = httptest.NewServer(a.Handler())
	t.Cleanup(func() {
		e.srv.Close()
		a.Close()
	})
	return e
}

// The application's speech engine is what the module plays text prompts with.
var _ telui.Speech = (*tts.Engine)(nil)

// userID returns the ID of a user by name.
func (e *env) userID(name string) int64 {
	e.t.Helper()
	c, err := e.app.Org.CredentialFor(context.Background(), name)
	if err != nil {
		e.t.Fatal(err)
	}
	return c.UserID
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

func (e *env) client() *client {
	jar, _ := cookiejar.New(nil)
	return &client{t: e.t, e: e, lang: "en", c: &http.Client{Jar: jar, Timeout: 20 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// login returns a client logged in as user.
func (e *env) login(user, pw string) *client {
	e.t.Helper()
	c := e.client()
	p := c.post("/login", url.Values{"username": {user}, "password": {pw}})
	if p.status != http.StatusSeeOther {
		e.t.Fatalf("login %s: status %d; body: %s", user, p.status, excerpt(p.body))
	}
	home := c.get("/")
	m := csrfRE.FindStringSubmatch(home.body)
	if m == nil {
		e.t.Fatalf("no CSRF token after login (status %d)", home.status)
	}
	c.csrf = m[1]
	return c
}

var csrfRE = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)

type page struct {
	status int
	loc    string
	body   string
	header http.Header
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
	return page{status: resp.StatusCode, loc: resp.Header.Get("Location"), body: string(b), header: resp.Header}
}

func (c *client) get(path string) page {
	c.t.Helper()
	req, err := http.NewRequest("GET", c.e.srv.URL+path, nil)
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
	req, err := http.NewRequest("POST", c.e.srv.URL+path, strings.NewReader(form.Encode()))
	if err != nil {
		c.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return c.do(req)
}

// upload posts a multipart form with one file.
func (c *client) upload(path string, fields map[string]string, fileName string, file []byte) page {
	c.t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	mw.WriteField("csrf_token", c.csrf)
	for k, v := range fields {
		mw.WriteField(k, v)
	}
	fw, err := mw.CreateFormFile("file", fileName)
	if err != nil {
		c.t.Fatal(err)
	}
	fw.Write(file)
	mw.Close()
	req, err := http.NewRequest("POST", c.e.srv.URL+path, &b)
	if err != nil {
		c.t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return c.do(req)
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
	for _, s := range subs {
		if !strings.Contains(p.body, s) {
			t.Fatalf("%s: body lacks %q; body: %s", what, s, excerpt(p.body))
		}
	}
}

func mustNotContain(t *testing.T, what string, p page, subs ...string) {
	t.Helper()
	for _, s := range subs {
		if strings.Contains(p.body, s) {
			t.Fatalf("%s: body has %q; body: %s", what, s, excerpt(p.body))
		}
	}
}

// wav builds a 16-bit PCM WAV of a tone.
func wav(rate, channels, samples int) []byte {
	data := make([]byte, samples*channels*2)
	for i := 0; i < samples*channels; i++ {
		v := int16((i % 40) * 500)
		data[2*i], data[2*i+1] = byte(v), byte(v>>8)
	}
	var b bytes.Buffer
	le32 := func(n int) { b.Write([]byte{byte(n), byte(n >> 8), byte(n >> 16), byte(n >> 24)}) }
	le16 := func(n int) { b.Write([]byte{byte(n), byte(n >> 8)}) }
	b.WriteString("RIFF")
	le32(36 + len(data))
	b.WriteString("WAVEfmt ")
	le32(16)
	le16(1)
	le16(channels)
	le32(rate)
	le32(rate * channels * 2)
	le16(channels * 2)
	le16(16)
	b.WriteString("data")
	le32(len(data))
	b.Write(data)
	return b.Bytes()
}

func orgSystem() *org.Actor { return org.System() }
