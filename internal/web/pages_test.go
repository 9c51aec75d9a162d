package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/hotline-cc/hotline/internal/audit"
	"github.com/hotline-cc/hotline/internal/org"
)

func TestLanguageNegotiation(t *testing.T) {
	t.Parallel()
	e := start(t)
	cases := []struct {
		accept, cookie string
		want           []string
		lang           string
	}{
		{"zh-CN,zh;q=0.9,en;q=0.8", "", []string{"登录", "用户名", "密码"}, "zh-CN"},
		{"zh-TW", "", []string{"登录"}, "zh-CN"},
		{"en-US,en;q=0.9", "", []string{"Log in", "Username", "Password"}, "en"},
		{"fr-FR,de;q=0.5", "", []string{"Log in"}, "en"},
		{"", "", []string{"Log in"}, "en"},
		{"fr, zh;q=0.4, en;q=0.3", "", []string{"登录"}, "zh-CN"},
		{"en-US", "zh-CN", []string{"登录"}, "zh-CN"}, // the switcher's cookie wins
		{"zh-CN", "en", []string{"Log in"}, "en"},
		{"zh-CN", "klingon", []string{"登录"}, "zh-CN"}, // a bad cookie is ignored
	}
	for _, tc := range cases {
		c := e.client()
		c.lang = tc.accept
		if tc.cookie != "" {
			c.c.Jar.SetCookies(mustURL(t, e.base), []*http.Cookie{{Name: "lang", Value: tc.cookie, Path: "/"}})
		}
		p := c.get("/login")
		mustStatus(t, "login "+tc.accept, p, http.StatusOK)
		mustContain(t, "Accept-Language "+tc.accept+" cookie "+tc.cookie, p, append(tc.want, `<html lang="`+tc.lang+`">`)...)
	}

	// The switcher sets the cookie and goes back; it never leaves the site.
	c := e.client()
	p := c.get("/lang?to=zh-CN&next=" + url.QueryEscape("/login?next=/admin"))
	if p.status != http.StatusSeeOther || p.loc != "/login?next=/admin" {
		t.Fatalf("switch: %d %q", p.status, p.loc)
	}
	mustContain(t, "after switching", c.get("/login"), "登录", `class="current"`)
	if p := c.get("/lang?to=en&next=//evil.example"); p.loc != "/" {
		t.Fatalf("switch to another site: %q", p.loc)
	}
	// Every page has the switcher, logged in too.
	c.login("admin", adminPW)
	mustContain(t, "switcher on home", c.get("/"), `href="/lang?to=zh-CN&amp;next=%2F"`, `href="/lang?to=en&amp;next=%2F"`, "Hello, Administrator")
}

// adminPages are the pages of the organisation admin, with what the built-in
// agent role gets (the same permissions as the JSON API).
func adminPages(d *org.Department, tm *org.Team, u *org.User, role int64) []struct {
	path  string
	agent int
} {
	id := itoa64
	return []struct {
		path  string
		agent int
	}{
		{"/admin/departments", http.StatusForbidden},
		{"/admin/departments/" + id(d.ID), http.StatusForbidden},
		{"/admin/teams", http.StatusForbidden},
		{"/admin/teams/new", http.StatusForbidden},
		{"/admin/teams/" + id(tm.ID), http.StatusForbidden},
		{"/admin/users", http.StatusOK}, // agents hold users:view: they see themselves
		{"/admin/users/new", http.StatusForbidden},
		{"/admin/users/" + id(u.ID), http.StatusNotFound}, // outside the agent's data scope
		{"/admin/roles", http.StatusForbidden},
		{"/admin/roles/new", http.StatusForbidden},
		{"/admin/roles/" + id(role), http.StatusForbidden},
		{"/admin/roles/new?copy=" + id(role), http.StatusForbidden},
		{"/admin/audit", http.StatusForbidden},
		{"/account", http.StatusOK},
		{"/", http.StatusOK},
	}
}

func TestAdminPagesPermissions(t *testing.T) {
	t.Parallel()
	e := start(t)
	ctx := context.Background()
	d := e.dept("Support", 0)
	tm, err := e.app.Org.CreateTeam(ctx, org.System(), org.TeamInput{Name: "Shift A", DepartmentID: d.ID})
	if err != nil {
		t.Fatal(err)
	}
	other := e.user("other", "other-pass-1", "agent", d.ID)
	e.user("agent1", "agent-pass-1", "agent", 0)
	admin := e.client()
	admin.login("admin", adminPW)
	agent := e.client()
	agent.login("agent1", "agent-pass-1")

	for _, pg := range adminPages(d, tm, other, e.roleID("team_leader")) {
		p := admin.get(pg.path)
		mustStatus(t, "admin "+pg.path, p, http.StatusOK)
		mustContain(t, "admin "+pg.path, p, `<aside class="sidebar">`, `href="/admin/audit"`)
		p = agent.get(pg.path)
		mustStatus(t, "agent "+pg.path, p, pg.agent)
		if pg.agent == http.StatusForbidden {
			mustContain(t, "agent "+pg.path, p, "Not allowed", "Your role does not allow this")
		}
	}

	// The agent's navigation shows only what the role may use.
	home := agent.get("/")
	for _, hidden := range []string{`href="/admin/departments"`, `href="/admin/teams"`, `href="/admin/roles"`, `href="/admin/audit"`} {
		if strings.Contains(home.body, hidden) {
			t.Errorf("agent's page links %s", hidden)
		}
	}
	mustContain(t, "agent home", home, `href="/admin/users"`, `href="/account"`, "Agent", "Own")
	// The agent's user list holds the agent alone.
	list := agent.get("/admin/users")
	mustContain(t, "agent user list", list, "agent1")
	if strings.Contains(list.body, ">other<") || strings.Contains(list.body, ">admin<") {
		t.Error("the agent's user list shows users outside the agent's scope")
	}

	// Acting is refused as well as viewing, and changes nothing.
	for path, form := range map[string]url.Values{
		"/admin/departments":                               {"name": {"Hacked"}},
		"/admin/departments/" + itoa64(d.ID):               {"name": {"Hacked"}},
		"/admin/departments/" + itoa64(d.ID) + "/delete":   nil,
		"/admin/users":                                     {"username": {"x1"}, "display_name": {"X"}, "password": {"12345678"}},
		"/admin/users/" + itoa64(other.ID) + "/deactivate": nil,
		"/admin/roles":                                     {"name": {"Hacked"}, "data_scope": {"all"}},
	} {
		p := agent.post(path, form)
		mustStatus(t, "agent POST "+path, p, http.StatusForbidden)
	}
	if dd, _ := e.app.Org.Department(ctx, d.ID); dd.Name != "Support" {
		t.Errorf("department renamed by an agent: %q", dd.Name)
	}
	_, n, _ := audit.List(ctx, e.app.DB, audit.Filter{ActorID: userID(t, e, "agent1")})
	if n != 0 {
		t.Errorf("the agent's refused attempts wrote %d audit entries", n)
	}
}

func userID(t *testing.T, e *env, name string) int64 {
	t.Helper()
	c, err := e.app.Org.CredentialFor(context.Background(), name)
	if err != nil {
		t.Fatal(err)
	}
	return c.UserID
}

func TestDepartmentFormErrorsKeepInput(t *testing.T) {
	t.Parallel()
	e := start(t)
	c := e.client()
	c.login("admin", adminPW)
	mustStatus(t, "create", c.post("/admin/departments", url.Values{"name": {"销售部"}}), http.StatusSeeOther)
	p := c.post("/admin/departments", url.Values{"name": {"销售部"}})
	mustStatus(t, "duplicate", p, http.StatusUnprocessableEntity)
	mustContain(t, "duplicate", p, `class="field has-error"`, "This is already taken", `value="销售部"`, `aria-invalid="true"`)

	c.lang = "zh-CN"
	p = c.post("/admin/departments", url.Values{"name": {strings.Repeat("长", 101)}})
	mustStatus(t, "too long", p, http.StatusUnprocessableEntity)
	mustContain(t, "too long (zh)", p, "最多 100 个字符", `value="`+strings.Repeat("长", 101)+`"`)

	// Moving a department under its own child is refused on the parent field.
	ds, _ := e.app.Org.Departments(context.Background())
	parent := ds[0]
	child := e.dept("华东", parent.ID)
	p = c.post("/admin/departments/"+itoa64(parent.ID), url.Values{"name": {"销售部"}, "parent_id": {itoa64(child.ID)}})
	mustStatus(t, "cycle", p, http.StatusUnprocessableEntity)
	mustContain(t, "cycle", p, "部门不能调整到自身或其下级部门之下")

	// Deleting a department that still has a child says why.
	p = c.post("/admin/departments/"+itoa64(parent.ID)+"/delete", nil)
	mustStatus(t, "delete in use", p, http.StatusConflict)
	mustContain(t, "delete in use", p, "仍在使用中")
}

func TestUserFormErrorsKeepInput(t *testing.T) {
	t.Parallel()
	e := start(t)
	d := e.dept("Support", 0)
	c := e.client()
	c.login("admin", adminPW)
	form := url.Values{"username": {"newagent"}, "display_name": {"王小明"}, "password": {"secret-pass-9"},
		"role_id": {itoa64(e.roleID("agent"))}, "department_id": {itoa64(d.ID)}, "extension": {"80a1"},
		"email": {"wang@example.com"}, "hire_date": {"2026-03-01"}}
	p := c.post("/admin/users", form)
	mustStatus(t, "bad extension", p, http.StatusUnprocessableEntity)
	mustContain(t, "bad extension", p, "Enter 2 to 10 digits.", `value="newagent"`, `value="王小明"`, `value="80a1"`,
		`value="wang@example.com"`, `value="2026-03-01"`)
	if strings.Contains(p.body, "secret-pass-9") {
		t.Fatal("the typed password is echoed back")
	}
	if !strings.Contains(p.body, `<option value="`+itoa64(d.ID)+`" selected>`) {
		t.Fatalf("the chosen department is lost: %s", excerpt(p.body))
	}

	form.Set("extension", "8001")
	form.Set("leave_date", "2026-01-01")
	p = c.post("/admin/users", form)
	mustStatus(t, "leave before hire", p, http.StatusUnprocessableEntity)
	mustContain(t, "leave before hire", p, "The leave date is before the hire date.")

	form.Del("leave_date")
	p = c.post("/admin/users", form)
	mustStatus(t, "create", p, http.StatusSeeOther)
	form.Set("username", "NEWAGENT")
	p = c.post("/admin/users", form)
	mustStatus(t, "duplicate username", p, http.StatusUnprocessableEntity)
	mustContain(t, "duplicate username", p, "This is already taken", `value="NEWAGENT"`)
}

func TestRoleEditor(t *testing.T) {
	t.Parallel()
	e := start(t)
	c := e.client()
	c.login("admin", adminPW)
	// Built-in roles are read-only and offer a copy.
	tl := e.roleID("team_leader")
	p := c.get("/admin/roles/" + itoa64(tl))
	mustContain(t, "built-in role", p, "read-only", `href="/admin/roles/new?copy=`+itoa64(tl)+`"`, `value="agents:view" checked disabled`)
	p = c.get("/admin/roles/new?copy=" + itoa64(tl))
	mustContain(t, "copy", p, `value="Team leader (copy)"`, `value="agents:view" checked>`, `<option value="team" selected>`)

	// A failed save keeps the ticks.
	p = c.post("/admin/roles", url.Values{"name": {""}, "data_scope": {"team"}, "perm": {"calls:view", "reports:export"}})
	mustStatus(t, "empty name", p, http.StatusUnprocessableEntity)
	mustContain(t, "empty name", p, "This field is required.", `value="calls:view" checked>`, `value="reports:export" checked>`,
		`<option value="team" selected>`)

	p = c.post("/admin/roles", url.Values{"name": {"夜班组长"}, "data_scope": {"team"}, "perm": {"calls:view", "reports:export"}})
	mustStatus(t, "create", p, http.StatusSeeOther)
	r, err := e.app.Org.Role(context.Background(), idFromPath(t, p.loc))
	if err != nil {
		t.Fatal(err)
	}
	if r.Name != "夜班组长" || r.DataScope != org.ScopeTeam || len(r.Permissions) != 2 {
		t.Fatalf("created role %+v", r)
	}
	// Editing built-in roles through a forged POST is refused by the service.
	p = c.post("/admin/roles/"+itoa64(tl), url.Values{"name": {"Boss"}, "data_scope": {"all"}})
	mustStatus(t, "change built-in", p, http.StatusConflict)
	mustContain(t, "change built-in", p, "Built-in roles cannot be changed")
}

func TestAccountPage(t *testing.T) {
	t.Parallel()
	e := start(t)
	c := e.client()
	c.login("admin", adminPW)
	p := c.post("/account/password", url.Values{"old_password": {adminPW}, "new_password": {"new-secret-22"}, "new_password_confirm": {"new-secret-23"}})
	mustStatus(t, "mismatch", p, http.StatusUnprocessableEntity)
	mustContain(t, "mismatch", p, "The two new passwords differ.")
	p = c.post("/account/password", url.Values{"old_password": {"nope"}, "new_password": {"new-secret-22"}, "new_password_confirm": {"new-secret-22"}})
	mustContain(t, "wrong old password", p, "This is not your current password.")
	p = c.post("/account/password", url.Values{"old_password": {adminPW}, "new_password": {"new-secret-22"}, "new_password_confirm": {"new-secret-22"}})
	mustStatus(t, "change password", p, http.StatusSeeOther)
	e.client().login("admin", "new-secret-22")

	// A token's secret is shown once and works as a bearer token.
	p = c.post("/account/tokens", url.Values{"name": {"wallboard"}})
	mustStatus(t, "create token", p, http.StatusOK)
	m := regexpSecret.FindStringSubmatch(p.body)
	if m == nil {
		t.Fatalf("no secret on the page: %s", excerpt(p.body))
	}
	req, _ := http.NewRequest("GET", e.base+"/api/v1/auth/me", nil)
	req.Header.Set("Authorization", "Bearer "+m[1])
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != 200 {
		t.Fatalf("the new token does not work: %v %v", resp, err)
	}
	list := c.get("/account")
	if strings.Contains(list.body, m[1]) {
		t.Fatal("the secret is shown again")
	}
	mustContain(t, "token list", list, "wallboard", "Active")
	ts, _ := e.app.Auth.Tokens(context.Background(), userID(t, e, "admin"))
	mustStatus(t, "revoke", c.post("/account/tokens/"+itoa64(ts[0].ID)+"/revoke", nil), http.StatusSeeOther)
	mustContain(t, "revoked", c.get("/account"), "Revoked")

	// The language preference is saved and applied.
	mustStatus(t, "language", c.post("/account/language", url.Values{"locale": {"zh-CN"}}), http.StatusSeeOther)
	mustContain(t, "language", c.get("/account"), "个人设置", "界面语言已保存")
	fresh := e.client()
	fresh.login("admin", "new-secret-22")
	mustContain(t, "saved language at login", fresh.get("/"), "您好")
}

func TestTeamForm(t *testing.T) {
	t.Parallel()
	e := start(t)
	d := e.dept("Support", 0)
	lead := e.user("lead1", "lead-pass-1", "team_leader", d.ID)
	c := e.client()
	c.login("admin", adminPW)
	mustContain(t, "new team form", c.get("/admin/teams/new?department_id="+itoa64(d.ID)),
		`<option value="`+itoa64(d.ID)+`" selected>Support</option>`, "User lead1 (lead1)")
	form := url.Values{"name": {"Night shift"}, "department_id": {itoa64(d.ID)}, "leader_id": {itoa64(lead.ID)}}
	p := c.post("/admin/teams", form)
	mustStatus(t, "create team", p, http.StatusSeeOther)
	ts, _ := e.app.Org.Teams(context.Background(), d.ID)
	if len(ts) != 1 || ts[0].LeaderID != lead.ID {
		t.Fatalf("teams %+v", ts)
	}
	mustContain(t, "team list", c.get("/admin/teams"), "Night shift", "User lead1 (lead1)")
	p = c.post("/admin/teams", form)
	mustStatus(t, "duplicate team", p, http.StatusUnprocessableEntity)
	mustContain(t, "duplicate team", p, "This is already taken", `value="Night shift"`, `<option value="`+itoa64(lead.ID)+`" selected>`)
	p = c.post("/admin/teams", url.Values{"name": {"No dept"}})
	mustStatus(t, "team without department", p, http.StatusUnprocessableEntity)
	mustContain(t, "team without department", p, "This field is required.", `value="No dept"`)
}

func TestUserListSearchAndPaging(t *testing.T) {
	t.Parallel()
	e := start(t)
	sales := e.dept("Sales", 0)
	for i := 0; i < 30; i++ {
		e.user("sales"+itoa(100+i), "sales-pass-1", "agent", sales.ID)
	}
	e.user("wang.fang", "wang-pass-1", "qa", 0)
	c := e.client()
	c.login("admin", adminPW)
	p := c.get("/admin/users?department_id=" + itoa64(sales.ID))
	mustContain(t, "first page", p, "1–25 of 30", "sales100", "sales124", `href="/admin/users?department_id=`+itoa64(sales.ID)+`&amp;page=2"`)
	if strings.Contains(p.body, "sales125") {
		t.Error("page 1 shows the 26th user")
	}
	p = c.get("/admin/users?department_id=" + itoa64(sales.ID) + "&page=2")
	mustContain(t, "second page", p, "26–30 of 30", "sales129", "Page 2 of 2")
	p = c.get("/admin/users?q=wang")
	mustContain(t, "search", p, "wang.fang", "1–1 of 1")
	p = c.get("/admin/users?role_id=" + itoa64(e.roleID("qa")))
	mustContain(t, "role filter", p, "wang.fang", "1–1 of 1")
	p = c.get("/admin/users?active=false")
	mustContain(t, "inactive filter", p, "No users match.")
	mustStatus(t, "bad filters are ignored", c.get("/admin/users?department_id=x&page=-1&active=maybe"), http.StatusOK)
}
