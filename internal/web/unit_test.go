package web

import (
	"encoding/base64"
	"encoding/json"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/hotline-cc/hotline/internal/org"
)

func TestLocalPath(t *testing.T) {
	for in, want := range map[string]string{
		"":                      "/",
		"/":                     "/",
		"/admin/users?q=a&b=c":  "/admin/users?q=a&b=c",
		"//evil.example/":       "/",
		"/\\evil.example":       "/",
		"https://evil.example/": "/",
		"admin":                 "/",
		"/a\r\nSet-Cookie: x":   "/",
		"javascript:alert(1)":   "/",
	} {
		if got := LocalPath(in); got != want {
			t.Errorf("LocalPath(%q) = %q, want %q", in, got, want)
		}
	}
}

func FuzzLocalPath(f *testing.F) {
	for _, s := range []string{"/x", "//x", "/\\x", "http://x", "/%2F%2Fx", "/x?y=//z"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := LocalPath(s)
		u, err := url.Parse(got)
		if err != nil || u.Host != "" || u.Scheme != "" || !strings.HasPrefix(got, "/") || strings.HasPrefix(got, "//") {
			t.Fatalf("LocalPath(%q) = %q leaves the site", s, got)
		}
		// What a browser would resolve it to stays on the site as well.
		base, _ := url.Parse("http://hotline.test/here")
		if r := base.ResolveReference(u); r.Host != "hotline.test" {
			t.Fatalf("LocalPath(%q) = %q resolves to host %q", s, got, r.Host)
		}
	})
}

func FuzzDecodeFlash(f *testing.F) {
	good, _ := json.Marshal(flashWire{Kind: FlashOK, Key: "flash.dept_created", Args: []string{"x"}})
	f.Add(base64.RawURLEncoding.EncodeToString(good))
	f.Add("%%%")
	f.Add("")
	f.Fuzz(func(t *testing.T, s string) {
		if w, ok := decodeFlash(s); ok && w.Kind != FlashOK && w.Kind != FlashError && w.Kind != FlashInfo {
			t.Fatalf("accepted kind %q", w.Kind)
		}
	})
}

func TestDiff(t *testing.T) {
	before := json.RawMessage(`{"id":1,"name":"Sales","parent_id":0,"updated_at":"a"}`)
	after := json.RawMessage(`{"id":1,"name":"Sales East","parent_id":3,"updated_at":"b"}`)
	got := diff(before, after)
	want := []diffRow{{"name", "Sales", "Sales East"}, {"parent_id", "0", "3"}, {"updated_at", "a", "b"}}
	if len(got) != len(want) {
		t.Fatalf("diff = %+v, want %+v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("row %d = %+v, want %+v", i, got[i], want[i])
		}
	}
	if rows := diff(nil, after); len(rows) != 4 || rows[1].Before != "" || rows[1].After != "Sales East" {
		t.Errorf("diff of a creation = %+v", rows)
	}
	if rows := diff(nil, nil); len(rows) != 0 {
		t.Errorf("diff of nothing = %+v", rows)
	}
	if rows := diff(json.RawMessage(`[1]`), json.RawMessage(`[2]`)); len(rows) != 1 || rows[0].After != "[2]" {
		t.Errorf("diff of non-objects = %+v", rows)
	}
}

func TestVisibleNav(t *testing.T) {
	agent := &org.Actor{UserID: 1, Perms: org.NewPermSet(org.P("users", "view"))}
	secs := visibleNav(builtinNav(), agent, "/admin/users/7")
	var paths []string
	active := ""
	for _, s := range secs {
		for _, it := range s.Items {
			paths = append(paths, it.Path)
			if it.Active {
				active = it.Path
			}
		}
	}
	if strings.Join(paths, " ") != "/ /admin/users /account" {
		t.Errorf("agent nav = %v", paths)
	}
	if active != "/admin/users" {
		t.Errorf("active entry = %q, want /admin/users", active)
	}
	if secs := visibleNav(builtinNav(), org.System(), "/"); len(secs) != 3 || !secs[0].Items[0].Active {
		t.Errorf("system nav = %+v", secs)
	}
	if secs := visibleNav(builtinNav(), nil, "/"); len(secs) != 0 {
		t.Errorf("anonymous nav = %+v", secs)
	}
}

func TestPager(t *testing.T) {
	r := httptest.NewRequest("GET", "/admin/users?q=wang&page=2", nil)
	p := NewPager(r, 60, 25)
	if p.Page() != 2 || p.Pages() != 3 || p.From() != 26 || p.To() != 50 || !p.HasPrev() || !p.HasNext() {
		t.Errorf("pager = page %d of %d, %d–%d", p.Page(), p.Pages(), p.From(), p.To())
	}
	if p.PrevURL() != "/admin/users?q=wang" || p.NextURL() != "/admin/users?page=3&q=wang" {
		t.Errorf("links %q %q", p.PrevURL(), p.NextURL())
	}
	for _, bad := range []string{"0", "-3", "x", "99999999999"} {
		if off := PageOffset(httptest.NewRequest("GET", "/?page="+bad, nil), 25); off != 0 {
			t.Errorf("page=%s gives offset %d", bad, off)
		}
	}
	if e := NewPager(httptest.NewRequest("GET", "/", nil), 0, 25); e.From() != 0 || e.Pages() != 1 || e.HasNext() {
		t.Errorf("empty pager %+v", e)
	}
}
