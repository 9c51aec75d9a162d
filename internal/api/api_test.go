package api_test

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hotline-cc/hotline/internal/api"
	"github.com/hotline-cc/hotline/internal/org"
)

var zeroTime time.Time

var wildcard = regexp.MustCompile(`\{[a-z_]+\}`)

// TestRoleEndpointMatrix calls every endpoint as every built-in role and
// checks the answer is 403 exactly when the role lacks the route's permission.
// IDs in paths point at nothing and bodies are empty, so allowed calls end in
// 404 or 400 without changing anything — what matters is they are not 403.
func TestRoleEndpointMatrix(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *env) {
		for _, b := range org.BuiltinRoles {
			c, _ := e.userWithRole("matrix-"+strings.ReplaceAll(b.Key, "_", "-"), b.Key, 0, 0)
			perms := b.Perms()
			for _, rt := range e.app.API.Routes() {
				if rt.Public || rt.Path == "/auth/logout" || strings.HasPrefix(rt.Path, "/auth/tokens") {
					continue
				}
				path := wildcard.ReplaceAllString(rt.Path, "987654")
				var body any
				if rt.Body != nil {
					body = "{}"
				}
				r := c.do(rt.Method, path, body)
				allowed := rt.Perm == (org.Permission{}) || perms.Has(rt.Perm)
				if allowed && (r.Status == http.StatusForbidden || r.Status == http.StatusUnauthorized) {
					t.Errorf("%s %s %s: got %d %s, want allowed", b.Key, rt.Method, rt.Path, r.Status, r.Body)
				}
				if !allowed && r.Status != http.StatusForbidden {
					t.Errorf("%s %s %s: got %d, want 403 (lacks %s)", b.Key, rt.Method, rt.Path, r.Status, rt.Perm)
				}
			}
		}
		// Nobody logged in: every non-public route is 401.
		for _, rt := range e.app.API.Routes() {
			if rt.Public {
				continue
			}
			if r := e.anon().do(rt.Method, wildcard.ReplaceAllString(rt.Path, "1"), nil); r.Status != http.StatusUnauthorized {
				t.Errorf("anonymous %s %s: got %d, want 401", rt.Method, rt.Path, r.Status)
			}
		}
	})
}

// TestDataScopeByID shows that guessing another team's row ID reveals nothing.
func TestDataScopeByID(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *env) {
		admin := e.admin()
		var a, b org.Department
		admin.do("POST", "/departments", map[string]any{"name": "A"}).json(t, &a)
		admin.do("POST", "/departments", map[string]any{"name": "B"}).json(t, &b)
		var ta, tb org.Team
		admin.do("POST", "/teams", map[string]any{"name": "TA", "department_id": a.ID}).json(t, &ta)
		admin.do("POST", "/teams", map[string]any{"name": "TB", "department_id": b.ID}).json(t, &tb)
		agentA, ua := e.userWithRole("agent-a", org.RoleAgent, 0, ta.ID)
		_, ua2 := e.userWithRole("agent-a2", org.RoleAgent, 0, ta.ID)
		_, ub := e.userWithRole("agent-b", org.RoleAgent, 0, tb.ID)
		leadA, _ := e.userWithRole("lead-a", org.RoleTeamLeader, 0, ta.ID)
		supB, _ := e.userWithRole("sup-b", org.RoleSupervisor, b.ID, 0)
		cases := []struct {
			who    string
			c      *client
			target org.User
			want   int
		}{
			{"agent A reads self", agentA, ua, 200},
			{"agent A reads teammate", agentA, ua2, 404},
			{"agent A reads other team", agentA, ub, 404},
			{"leader A reads own team", leadA, ua2, 200},
			{"leader A reads other team", leadA, ub, 404},
			{"supervisor B reads own department", supB, ub, 200},
			{"supervisor B reads department A", supB, ua, 404},
		}
		for _, c := range cases {
			if r := c.c.do("GET", fmt.Sprintf("/users/%d", c.target.ID), nil); r.Status != c.want {
				t.Errorf("%s: got %d, want %d", c.who, r.Status, c.want)
			}
		}
		var list struct {
			Items []org.User
			Total int
		}
		leadA.do("GET", "/users", nil).json(t, &list)
		if list.Total != 3 { // agent-a, agent-a2, lead-a
			t.Errorf("leader A lists %d users, want 3", list.Total)
		}
		// A supervisor cannot change a user outside their department either.
		if r := supB.do("PATCH", fmt.Sprintf("/users/%d", ua.ID), map[string]any{"display_name": "x"}); r.Status != 404 {
			t.Errorf("supervisor B patched a user of A: %d", r.Status)
		}
	})
}

func TestBadInput(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *env) {
		admin := e.admin()
		if r := admin.do("POST", "/departments", map[string]any{"name": "Sales"}); r.Status != 201 {
			t.Fatalf("create: %d %s", r.Status, r.Body)
		}
		cases := []struct {
			name, method, path string
			body               any
			status             int
			field              string
		}{
			{"malformed JSON", "POST", "/departments", `{"name": "x"`, 400, ""},
			{"not JSON at all", "POST", "/departments", `name=x`, 400, ""},
			{"unknown field", "POST", "/departments", `{"name":"x","colour":"red"}`, 400, "colour"},
			{"wrong type", "POST", "/departments", `{"name": 5}`, 400, "name"},
			{"wrong nested type", "POST", "/departments", `{"name":"x","parent_id":"one"}`, 400, "parent_id"},
			{"trailing data", "POST", "/departments", `{"name":"x"} {"name":"y"}`, 400, ""},
			{"over-long name", "POST", "/departments", map[string]any{"name": strings.Repeat("长", 101)}, 400, "name"},
			{"empty name", "POST", "/departments", map[string]any{"name": "  "}, 400, "name"},
			{"duplicate name", "POST", "/departments", map[string]any{"name": "Sales"}, 409, "name"},
			{"missing parent", "POST", "/departments", map[string]any{"name": "x", "parent_id": 424242}, 400, "parent_id"},
			{"bad id in path", "GET", "/departments/abc", nil, 400, "id"},
			{"bad sort", "GET", "/users?sort=password_hash", nil, 400, "sort"},
			{"bad limit", "GET", "/users?limit=0", nil, 400, "limit"},
			{"bad user field", "POST", "/users", map[string]any{"username": "u1", "display_name": "U", "password": "long enough", "role_id": 1, "email": "nope"}, 400, "email"},
			{"short password", "POST", "/users", map[string]any{"username": "u1", "display_name": "U", "password": "short", "role_id": 1}, 400, "password"},
		}
		for _, c := range cases {
			r := admin.do(c.method, c.path, c.body)
			if r.Status != c.status {
				t.Errorf("%s: got %d %s, want %d", c.name, r.Status, r.Body, c.status)
				continue
			}
			if _, field := r.err(t); field != c.field {
				t.Errorf("%s: field %q, want %q", c.name, field, c.field)
			}
		}
		// Nothing was half-written: still exactly one department, one user.
		ds, _ := e.app.Org.Departments(context.Background())
		if len(ds) != 1 {
			t.Errorf("%d departments after bad input, want 1", len(ds))
		}
		users, total, _ := e.app.Org.Users(context.Background(), org.System(), org.UserQuery{})
		if total != 1 {
			t.Errorf("%d users after bad input, want 1: %+v", total, users)
		}
	})
}

func TestLoginLockoutAndSessions(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *env) {
		for i := 1; i <= 4; i++ {
			_, r := e.login("admin", "wrong")
			if code, _ := r.err(t); r.Status != 401 || code != "bad_credentials" {
				t.Fatalf("wrong password %d: %d %s", i, r.Status, r.Body)
			}
		}
		_, r := e.login("admin", "wrong")
		code, field := r.err(t)
		if r.Status != http.StatusLocked || code != "locked" || field != "password" || !strings.Contains(string(r.Body), "until") {
			t.Fatalf("fifth wrong password: %d %s", r.Status, r.Body)
		}
		// Locked means locked: the right password is refused too.
		if _, r := e.login("admin", adminPassword); r.Status != http.StatusLocked {
			t.Fatalf("right password while locked: %d %s", r.Status, r.Body)
		}
		// An admin unlock (CLI path) restores access.
		cred, _ := e.app.Org.CredentialFor(context.Background(), "admin")
		if err := e.app.Org.UnlockUser(context.Background(), org.System(), cred.UserID); err != nil {
			t.Fatal(err)
		}
		c := e.admin()
		if r := c.do("GET", "/auth/me", nil); r.Status != 200 {
			t.Fatalf("me: %d", r.Status)
		}
		// A cookie session must send its CSRF token on changes.
		csrf := c.csrf
		c.csrf = ""
		if r := c.do("POST", "/departments", map[string]any{"name": "x"}); r.Status != 403 {
			t.Fatalf("POST without CSRF token: %d %s", r.Status, r.Body)
		}
		c.csrf = csrf
		if r := c.do("POST", "/departments", map[string]any{"name": "x"}); r.Status != 201 {
			t.Fatalf("POST with CSRF token: %d %s", r.Status, r.Body)
		}
		if r := c.do("POST", "/auth/logout", nil); r.Status != 204 {
			t.Fatalf("logout: %d", r.Status)
		}
		r = c.do("GET", "/auth/me", nil)
		if code, _ := r.err(t); r.Status != 401 || code != "session_expired" {
			t.Fatalf("after logout: %d %s", r.Status, r.Body)
		}
		// Tokens: created once, usable, revocable.
		c = e.admin()
		var tok api.TokenCreated
		r = c.do("POST", "/auth/tokens", map[string]any{"name": "crm sync"})
		r.json(t, &tok)
		if r.Status != 201 || !strings.HasPrefix(tok.Token, "hl_") {
			t.Fatalf("create token: %d %s", r.Status, r.Body)
		}
		tc := &client{e: e, token: tok.Token}
		if r := tc.do("GET", "/auth/me", nil); r.Status != 200 {
			t.Fatalf("token me: %d", r.Status)
		}
		if r := c.do("DELETE", fmt.Sprintf("/auth/tokens/%d", tok.Detail.ID), nil); r.Status != 204 {
			t.Fatalf("revoke: %d %s", r.Status, r.Body)
		}
		if r := tc.do("GET", "/auth/me", nil); r.Status != 401 {
			t.Fatalf("revoked token still works: %d", r.Status)
		}
	})
}

func TestAuditLogRecordsChanges(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *env) {
		admin := e.admin()
		var d org.Department
		admin.do("POST", "/departments", map[string]any{"name": "Support 技术支持"}).json(t, &d)
		admin.do("PUT", fmt.Sprintf("/departments/%d", d.ID), map[string]any{"name": "Support"})
		var list struct {
			Items []struct {
				Action     string         `json:"action"`
				ResourceID string         `json:"resource_id"`
				ActorName  string         `json:"actor_name"`
				IP         string         `json:"ip"`
				Before     map[string]any `json:"before"`
				After      map[string]any `json:"after"`
			}
			Total int
		}
		admin.do("GET", "/audit?resource=departments", nil).json(t, &list)
		if list.Total != 2 || list.Items[0].Action != "update" || list.Items[0].Before["name"] != "Support 技术支持" ||
			list.Items[0].After["name"] != "Support" || list.Items[0].ActorName != "admin" || list.Items[0].IP == "" ||
			list.Items[0].ResourceID != fmt.Sprint(d.ID) {
			t.Fatalf("audit list: %+v", list)
		}
		agent, _ := e.userWithRole("agent", org.RoleAgent, 0, 0)
		if r := agent.do("GET", "/audit", nil); r.Status != 403 {
			t.Fatalf("agent reads the audit log: %d", r.Status)
		}
	})
}

// A queue or flow that inbound numbers route to cannot be deleted or
// renamed through the API: the numbers would be stranded.
func TestRoutedQueueAndFlowAreProtected(t *testing.T) {
	e := start(t, "sqlite://"+t.TempDir()+"/t.db")
	admin := e.admin()
	var q struct {
		ID   int64  `json:"id"`
		Name string `json:"name"`
	}
	if r := admin.do("POST", "/queues", map[string]any{"name": "vip", "strategy": "longest_idle"}); r.Status != 201 {
		t.Fatalf("create queue: %d %s", r.Status, r.Body)
	} else {
		r.json(t, &q)
	}
	if r := admin.do("POST", "/telephony/numbers", map[string]any{"number": "4008009999", "route_kind": "queue", "route_target": "vip"}); r.Status != 201 {
		t.Fatalf("create number: %d %s", r.Status, r.Body)
	}
	r := admin.do("DELETE", fmt.Sprintf("/queues/%d", q.ID), nil)
	if code, _ := r.err(t); r.Status != 409 || code != "in_use" {
		t.Fatalf("deleting a routed queue: %d %s", r.Status, r.Body)
	}
	r = admin.do("PUT", fmt.Sprintf("/queues/%d", q.ID), map[string]any{"name": "vip2", "strategy": "longest_idle"})
	if r.Status != 409 {
		t.Fatalf("renaming a routed queue: %d %s", r.Status, r.Body)
	}
	var f struct {
		ID int64 `json:"id"`
	}
	flow := `{"name":"menu","start":"bye","nodes":{"bye":{"type":"hangup"}}}`
	if r := admin.do("POST", "/ivr/flows", flow); r.Status != 201 {
		t.Fatalf("create flow: %d %s", r.Status, r.Body)
	} else {
		r.json(t, &f)
	}
	admin.do("POST", "/telephony/numbers", map[string]any{"number": "4008008888", "route_kind": "ivr", "route_target": "menu"})
	if r := admin.do("DELETE", fmt.Sprintf("/ivr/flows/%d", f.ID), nil); r.Status != 409 {
		t.Fatalf("deleting a routed flow: %d %s", r.Status, r.Body)
	}
}
