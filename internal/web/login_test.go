package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/hotline-cc/hotline/internal/auth"
)

func TestLoginSuccessAndLogout(t *testing.T) {
	t.Parallel()
	e := start(t)
	c := e.client()
	p := c.get("/login")
	mustStatus(t, "login page", p, http.StatusOK)
	mustContain(t, "login page", p, `name="username"`, `name="password"`, `action="/login"`)

	p = c.post("/login", url.Values{"username": {"admin"}, "password": {adminPW}})
	mustStatus(t, "login", p, http.StatusSeeOther)
	if p.loc != "/" {
		t.Fatalf("login redirects to %q, want /", p.loc)
	}
	home := c.get("/")
	mustStatus(t, "home", home, http.StatusOK)
	mustContain(t, "home", home, "Hello, Administrator", "Administrator", `href="/admin/users"`, `href="/admin/audit"`)
	c.csrf = csrfRE.FindStringSubmatch(home.body)[1]

	// A logged-in visitor of the login page goes home.
	if p := c.get("/login"); p.status != http.StatusSeeOther || p.loc != "/" {
		t.Fatalf("login page when logged in: %d %q, want 303 /", p.status, p.loc)
	}

	p = c.post("/logout", nil)
	mustStatus(t, "logout", p, http.StatusSeeOther)
	if p.loc != "/login" {
		t.Fatalf("logout redirects to %q", p.loc)
	}
	mustContain(t, "after logout", c.get("/login"), "You have logged out.")
	if p := c.get("/"); p.status != http.StatusSeeOther || !strings.HasPrefix(p.loc, "/login") {
		t.Fatalf("home after logout: %d %q, want a redirect to /login", p.status, p.loc)
	}
}

func TestLoginNextRedirect(t *testing.T) {
	t.Parallel()
	e := start(t)
	c := e.client()
	p := c.get("/admin/users?q=x")
	mustStatus(t, "anonymous page", p, http.StatusSeeOther)
	want := "/login?next=" + url.QueryEscape("/admin/users?q=x")
	if p.loc != want {
		t.Fatalf("anonymous redirect %q, want %q", p.loc, want)
	}
	mustContain(t, "login page keeps next", c.get(p.loc), `name="next" value="/admin/users?q=x"`)
	p = c.post("/login", url.Values{"username": {"admin"}, "password": {adminPW}, "next": {"/admin/users?q=x"}})
	if p.status != http.StatusSeeOther || p.loc != "/admin/users?q=x" {
		t.Fatalf("login with next: %d %q", p.status, p.loc)
	}
	// next may not leave the site.
	for _, bad := range []string{"//evil.example/x", "https://evil.example/", "/\\evil.example"} {
		c2 := e.client()
		p := c2.post("/login", url.Values{"username": {"admin"}, "password": {adminPW}, "next": {bad}})
		if p.status != http.StatusSeeOther || p.loc != "/" {
			t.Errorf("login with next=%q: %d %q, want 303 /", bad, p.status, p.loc)
		}
	}
}

func TestLoginFailuresAndLock(t *testing.T) {
	t.Parallel()
	e := start(t)
	u := e.user("agent1", "agent-pass-1", "agent", 0)
	c := e.client()

	p := c.post("/login", url.Values{"username": {"agent1"}, "password": {"wrong"}})
	mustStatus(t, "wrong password", p, http.StatusUnauthorized)
	left := e.app.Cfg.LoginMaxFailures - 1
	mustContain(t, "wrong password", p, "Wrong username or password.", itoa(left)+" attempts left")
	mustContain(t, "username kept", p, `value="agent1"`)
	if strings.Contains(p.body, `value="wrong"`) {
		t.Fatal("the typed password is echoed back")
	}

	// In Chinese the same failure is explained in Chinese.
	c.lang = "zh-CN"
	p = c.post("/login", url.Values{"username": {"agent1"}, "password": {"wrong"}})
	mustContain(t, "wrong password zh", p, "用户名或密码错误", "再错 "+itoa(left-1)+" 次")
	c.lang = "en"

	for i := 2; i < e.app.Cfg.LoginMaxFailures; i++ {
		c.post("/login", url.Values{"username": {"agent1"}, "password": {"wrong"}})
	}
	p = c.post("/login", url.Values{"username": {"agent1"}, "password": {"wrong"}})
	mustStatus(t, "locking attempt", p, http.StatusLocked)
	re := regexp.MustCompile(`locked until \d{4}-\d\d-\d\d \d\d:\d\d`)
	if !re.MatchString(p.body) {
		t.Fatalf("lock message without the time: %s", excerpt(p.body))
	}
	// Even the right password is refused while locked.
	p = c.post("/login", url.Values{"username": {"agent1"}, "password": {"agent-pass-1"}})
	mustStatus(t, "right password while locked", p, http.StatusLocked)

	// The administrator sees the lock and lifts it.
	admin := e.client()
	admin.login("admin", adminPW)
	up := admin.get("/admin/users/" + itoa64(u.ID))
	mustContain(t, "locked user page", up, "Locked", "/unlock")
	mustStatus(t, "unlock", admin.post("/admin/users/"+itoa64(u.ID)+"/unlock", nil), http.StatusSeeOther)
	p = c.post("/login", url.Values{"username": {"agent1"}, "password": {"agent-pass-1"}})
	mustStatus(t, "login after unlock", p, http.StatusSeeOther)

	// A deactivated user is told so.
	mustStatus(t, "deactivate", admin.post("/admin/users/"+itoa64(u.ID)+"/deactivate", nil), http.StatusSeeOther)
	p = e.client().post("/login", url.Values{"username": {"agent1"}, "password": {"agent-pass-1"}})
	mustStatus(t, "inactive login", p, http.StatusForbidden)
	mustContain(t, "inactive login", p, "This account is deactivated.")
}

func TestExpiredSession(t *testing.T) {
	t.Parallel()
	e := start(t)
	c := e.client()
	c.login("admin", adminPW)
	// End the session behind the browser's back, as expiry does.
	var token string
	for _, ck := range c.c.Jar.Cookies(mustURL(t, e.base)) {
		if ck.Name == auth.CookieName {
			token = ck.Value
		}
	}
	if err := e.app.Auth.Logout(context.Background(), token); err != nil {
		t.Fatal(err)
	}
	p := c.get("/admin/departments")
	mustStatus(t, "expired session", p, http.StatusSeeOther)
	if !strings.Contains(p.loc, "expired=1") || !strings.Contains(p.loc, "next=%2Fadmin%2Fdepartments") {
		t.Fatalf("expired session redirects to %q", p.loc)
	}
	mustContain(t, "login notice", c.get(p.loc), "Your session has expired.")
}

func TestCSRFRequired(t *testing.T) {
	t.Parallel()
	e := start(t)
	c := e.client()
	c.login("admin", adminPW)
	req := url.Values{"name": {"Sales"}}
	// Without the token: refused, nothing created.
	saved := c.csrf
	c.csrf = ""
	p := c.post("/admin/departments", req)
	mustStatus(t, "POST without CSRF token", p, http.StatusForbidden)
	p = c.post("/admin/departments", url.Values{"name": {"Sales"}, "csrf_token": {"forged"}})
	mustStatus(t, "POST with a wrong CSRF token", p, http.StatusForbidden)
	mustContain(t, "a stale form's answer", p, "页面已过期", "reload it and try again")
	if ds, _ := e.app.Org.Departments(context.Background()); len(ds) != 0 {
		t.Fatalf("departments created without CSRF: %v", ds)
	}
	// Logout needs it too.
	mustStatus(t, "logout without CSRF", c.post("/logout", nil), http.StatusForbidden)
	c.csrf = saved
	mustStatus(t, "POST with CSRF token", c.post("/admin/departments", req), http.StatusSeeOther)
	if ds, _ := e.app.Org.Departments(context.Background()); len(ds) != 1 {
		t.Fatalf("departments after a valid POST: %v", ds)
	}
}

func TestLoginFromAnotherSiteRefused(t *testing.T) {
	t.Parallel()
	e := start(t)
	c := e.client()
	req, _ := http.NewRequest("POST", e.base+"/login", strings.NewReader(url.Values{"username": {"admin"}, "password": {adminPW}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", "https://evil.example")
	p := c.do(req)
	mustStatus(t, "cross-site login", p, http.StatusForbidden)
	for _, ck := range p.resp.Cookies() {
		if ck.Name == auth.CookieName {
			t.Fatal("a session cookie was set for a cross-site login")
		}
	}
}
