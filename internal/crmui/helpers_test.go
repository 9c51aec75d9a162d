package crmui_test

import (
	"bytes"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hotline-cc/hotline/internal/crm/crmtest"
)

// browser is a cookie-jar client that does not follow redirects.
type browser struct {
	t    *testing.T
	e    *crmtest.Env
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

func newBrowser(t *testing.T, e *crmtest.Env, lang string) *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{t: t, e: e, lang: lang, c: &http.Client{Jar: jar, Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

func (b *browser) do(req *http.Request) page {
	b.t.Helper()
	req.Header.Set("Accept-Language", b.lang)
	res, err := b.c.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	return page{status: res.StatusCode, loc: res.Header.Get("Location"), body: string(raw), header: res.Header}
}

func (b *browser) get(path string) page {
	b.t.Helper()
	req, _ := http.NewRequest("GET", b.e.URL+path, nil)
	return b.do(req)
}

func (b *browser) post(path string, form url.Values) page {
	b.t.Helper()
	if form == nil {
		form = url.Values{}
	}
	form.Set("csrf_token", b.csrf)
	req, _ := http.NewRequest("POST", b.e.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return b.do(req)
}

// upload posts a multipart form with one file.
func (b *browser) upload(path, field, name string, data []byte, fields url.Values) page {
	b.t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	mw.WriteField("csrf_token", b.csrf)
	for k, vs := range fields {
		for _, v := range vs {
			mw.WriteField(k, v)
		}
	}
	fw, _ := mw.CreateFormFile(field, name)
	fw.Write(data)
	mw.Close()
	req, _ := http.NewRequest("POST", b.e.URL+path, &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return b.do(req)
}

var csrfRE = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)

func (b *browser) login(user, pw string) *browser {
	b.t.Helper()
	p := b.post("/login", url.Values{"username": {user}, "password": {pw}})
	if p.status != http.StatusSeeOther {
		b.t.Fatalf("login %s: %d", user, p.status)
	}
	m := csrfRE.FindStringSubmatch(b.get("/").body)
	if m == nil {
		b.t.Fatal("no CSRF token after login")
	}
	b.csrf = m[1]
	return b
}

func excerpt(s string) string {
	if i := strings.Index(s, "<main"); i >= 0 {
		s = s[i:]
	}
	if len(s) > 2500 {
		s = s[:2500] + "…"
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

func idAtEnd(t *testing.T, loc string) int64 {
	t.Helper()
	n, err := strconv.ParseInt(loc[strings.LastIndexByte(loc, '/')+1:], 10, 64)
	if err != nil {
		t.Fatalf("no ID at the end of %q", loc)
	}
	return n
}
