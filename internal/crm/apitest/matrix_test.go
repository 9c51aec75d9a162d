// Package apitest tests the CRM's JSON API on a real server (SQLite and
// PostgreSQL): every endpoint against every built-in role, the data scope
// of every endpoint with an ID, the OpenAPI document, and the main flows.
package apitest

import (
	"fmt"
	"net/http"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/hotline-cc/hotline/internal/api"
	"github.com/hotline-cc/hotline/internal/crm"
	"github.com/hotline-cc/hotline/internal/crm/crmtest"
	"github.com/hotline-cc/hotline/internal/org"
	"github.com/hotline-cc/hotline/internal/store/storetest"
)

var wildcard = regexp.MustCompile(`\{[a-z_]+\}`)

// eachDialect runs fn on a fresh server per database.
func eachDialect(t *testing.T, fn func(t *testing.T, e *crmtest.Env)) {
	for _, name := range []string{"sqlite", "postgres"} {
		t.Run(name, func(t *testing.T) {
			fn(t, crmtest.Start(t, storetest.URLs(t)[name](t)))
		})
	}
}

func crmRoutes() []api.Route { return api.CRMRoutes{}.Routes() }

// TestRoleEndpointMatrix calls every CRM endpoint as every built-in role:
// 403 exactly when the role lacks the route's permission (IDs point at
// nothing, bodies are empty, so allowed calls end in 400 or 404), and 401
// for anonymous callers.
func TestRoleEndpointMatrix(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *crmtest.Env) {
		for _, b := range org.BuiltinRoles {
			u := e.User("matrix-"+strings.ReplaceAll(b.Key, "_", "-"), b.Key, 0, 0)
			perms := b.Perms()
			for _, rt := range crmRoutes() {
				path := wildcard.ReplaceAllString(rt.Path, "987654")
				var body any
				if rt.Body != nil {
					body = "{}"
				}
				r := e.Do(u, rt.Method, path, body)
				allowed := rt.Perm == (org.Permission{}) || perms.Has(rt.Perm)
				if allowed && (r.Status == http.StatusForbidden || r.Status == http.StatusUnauthorized || r.Status >= 500) {
					t.Errorf("%s %s %s: got %d %s, want allowed", b.Key, rt.Method, rt.Path, r.Status, r.Body)
				}
				if !allowed && r.Status != http.StatusForbidden {
					t.Errorf("%s %s %s: got %d, want 403 (lacks %s)", b.Key, rt.Method, rt.Path, r.Status, rt.Perm)
				}
			}
		}
		for _, rt := range crmRoutes() {
			if r := e.Do(nil, rt.Method, wildcard.ReplaceAllString(rt.Path, "1"), nil); r.Status != http.StatusUnauthorized {
				t.Errorf("anonymous %s %s: got %d, want 401", rt.Method, rt.Path, r.Status)
			}
		}
	})
}

// TestOpenAPIDocumentsCRM checks that every CRM route is in the served
// document, reaches a handler, and that request schemas reject unknown
// fields.
func TestOpenAPIDocumentsCRM(t *testing.T) {
	e := crmtest.Start(t, "sqlite://"+t.TempDir()+"/t.db")
	o := e.MakeOrg()
	var doc struct {
		Paths map[string]map[string]map[string]any `json:"paths"`
		Comps struct {
			Schemas map[string]map[string]any `json:"schemas"`
		} `json:"components"`
	}
	e.Do(nil, "GET", "/openapi.json", nil).JSON(t, &doc)
	admin := o.Users["admin1"]
	var keys []string
	for _, rt := range crmRoutes() {
		op := doc.Paths[api.Prefix+rt.Path][strings.ToLower(rt.Method)]
		if op == nil {
			t.Errorf("%s %s is not in the OpenAPI document", rt.Method, rt.Path)
			continue
		}
		if op["summary"] == "" || op["x-permission"] != rt.Perm.String() {
			t.Errorf("%s %s: summary %v permission %v", rt.Method, rt.Path, op["summary"], op["x-permission"])
		}
		keys = append(keys, rt.Method+" "+rt.Path)
		var body any
		if rt.Method != "GET" && rt.Method != "DELETE" {
			body = "{}"
		}
		res := e.Do(admin, rt.Method, wildcard.ReplaceAllString(rt.Path, "987654"), body)
		if res.Status == http.StatusMethodNotAllowed || res.Code() == "no_route" || res.Status >= 500 {
			t.Errorf("%s %s: %d %s", rt.Method, rt.Path, res.Status, res.Body)
		}
	}
	sort.Strings(keys)
	for i := 1; i < len(keys); i++ {
		if keys[i] == keys[i-1] {
			t.Errorf("route %s is defined twice", keys[i])
		}
	}
	for name, s := range doc.Comps.Schemas {
		if s["type"] == "object" && s["additionalProperties"] != false {
			t.Errorf("schema %s allows additional properties", name)
		}
	}
}

// scopeCase is one call on an object: who asks, and what they get.
type scopeCase struct {
	who, method, path string
	body              any
	want              int
}

// TestDataScopeByID proves, for every CRM endpoint with an ID, that IDs
// outside the caller's data scope answer 404 and IDs inside do not.
func TestDataScopeByID(t *testing.T) {
	eachDialect(t, func(t *testing.T, e *crmtest.Env) {
		o := e.MakeOrg()
		u := o.Users
		ctx := t.Context()
		mk := func(who, name, phone string) int64 {
			c, err := e.Svc.Create(ctx, u[who].Actor, crm.CustomerInput{Name: name, Phones: []string{phone}})
			if err != nil {
				t.Fatal(err)
			}
			return c.ID
		}
		cA1, cA2, cB := mk("agent-a1", "甲", "13800000001"), mk("agent-a2", "乙", "13800000002"), mk("agent-b", "丙", "13800000003")
		task := func(who string, c int64) int64 {
			tk, err := e.Svc.CreateTask(ctx, u[who].Actor, crm.TaskInput{CustomerID: c, DueAt: mustTime(t, "2030-01-02T10:00:00Z")})
			if err != nil {
				t.Fatal(err)
			}
			return tk.ID
		}
		tA1, tB := task("agent-a1", cA1), task("agent-b", cB)
		batch := func(who string) int64 {
			b, err := e.Svc.Upload(ctx, u[who].Actor, crm.UploadInput{FileName: who + ".csv"}, strings.NewReader("姓名,电话\n丁,13900000009\n"))
			if err != nil {
				t.Fatal(err)
			}
			return b.ID
		}
		bA, bB := batch("sup-a"), batch("sup-b")
		id := func(n int64) string { return fmt.Sprint(n) }
		upd := map[string]any{"name": "改名", "phones": []string{"13700000009"}}
		cases := []scopeCase{
			{"agent-a1", "GET", "/customers/" + id(cA1), nil, 200},
			{"agent-a1", "GET", "/customers/" + id(cA2), nil, 404},
			{"agent-a1b", "GET", "/customers/" + id(cA1), nil, 404},
			{"lead-a1", "GET", "/customers/" + id(cA1), nil, 200},
			{"lead-a1", "GET", "/customers/" + id(cA2), nil, 404},
			{"sup-a", "GET", "/customers/" + id(cA2), nil, 200},
			{"sup-a", "GET", "/customers/" + id(cB), nil, 404},
			{"admin1", "GET", "/customers/" + id(cB), nil, 200},
			{"agent-a1", "PUT", "/customers/" + id(cA2), upd, 404},
			{"lead-a1", "PUT", "/customers/" + id(cB), upd, 404},
			{"sup-b", "DELETE", "/customers/" + id(cA2), nil, 404},
			{"agent-b", "GET", "/customers/" + id(cA1) + "/timeline", nil, 404},
			{"agent-a1", "GET", "/customers/" + id(cA1) + "/timeline", nil, 200},
			{"agent-b", "POST", "/customers/" + id(cA1) + "/notes", map[string]any{"body": "x"}, 404},
			{"agent-a1", "POST", "/customers/" + id(cA1) + "/notes", map[string]any{"body": "电话回访"}, 201},
			{"agent-a1b", "POST", "/customers/" + id(cA1) + "/release", map[string]any{"reason": "x"}, 404},
			{"agent-a1", "GET", "/tasks/" + id(tB), nil, 404},
			{"agent-a1", "GET", "/tasks/" + id(tA1), nil, 200},
			{"lead-a1", "GET", "/tasks/" + id(tA1), nil, 200},
			{"lead-a1", "PUT", "/tasks/" + id(tB), map[string]any{"kind": "callback", "due_at": "2030-01-03T10:00:00Z"}, 404},
			{"agent-a2", "POST", "/tasks/" + id(tA1) + "/done", map[string]any{"result": "x"}, 404},
			{"sup-b", "DELETE", "/tasks/" + id(tA1), nil, 404},
			{"sup-a", "GET", "/crm/imports/" + id(bA), nil, 200},
			{"sup-b", "GET", "/crm/imports/" + id(bA), nil, 404},
			{"sup-b", "GET", "/crm/imports/" + id(bA) + "/errors", nil, 404},
			{"sup-b", "POST", "/crm/imports/" + id(bA) + "/start", map[string]any{"mapping": []string{"name", "phones"}}, 404},
			{"sup-a", "DELETE", "/crm/imports/" + id(bB), nil, 404},
			{"lead-a1", "PUT", "/crm/quotas/" + id(u["agent-a2"].ID), map[string]any{"max_customers": 5}, 404},
			{"lead-a1", "PUT", "/crm/quotas/" + id(u["agent-a1"].ID), map[string]any{"max_customers": 5}, 200},
			{"sup-a", "PUT", "/crm/quotas/" + id(u["agent-b"].ID), map[string]any{"max_customers": 5}, 404},
			// Writes that go through: last, so the objects above still exist.
			{"lead-a1", "PUT", "/customers/" + id(cA1), upd, 200},
			{"agent-a1", "POST", "/tasks/" + id(tA1) + "/done", map[string]any{"result": "已回访"}, 200},
			{"sup-b", "DELETE", "/tasks/" + id(tB), nil, 204},
			{"sup-b", "DELETE", "/crm/imports/" + id(bB), nil, 200},
			{"agent-a1", "POST", "/customers/" + id(cA1) + "/release", map[string]any{"reason": "空号"}, 200},
			{"sup-a", "DELETE", "/customers/" + id(cA2), nil, 204},
		}
		covered := map[string]bool{}
		for _, c := range cases {
			r := e.Do(u[c.who], c.method, c.path, c.body)
			if r.Status != c.want {
				t.Errorf("%s %s %s: got %d %s, want %d", c.who, c.method, c.path, r.Status, r.Body, c.want)
			}
			covered[c.method+" "+wildcard.ReplaceAllString(regexp.MustCompile(`/\d+`).ReplaceAllString(c.path, "/{id}"), "{id}")] = true
		}
		// Settings with IDs are not scoped data: fields, rules, option lists.
		global := map[string]bool{"/crm/fields/{id}": true, "/pool/rules/{id}": true, "/pool/rules/{id}/preview": true, "/crm/options/{kind}": true}
		for _, rt := range crmRoutes() {
			if !strings.Contains(rt.Path, "{") || global[rt.Path] {
				continue
			}
			if !covered[rt.Method+" "+wildcard.ReplaceAllString(rt.Path, "{id}")] {
				t.Errorf("no data-scope case for %s %s", rt.Method, rt.Path)
			}
		}
	})
}
