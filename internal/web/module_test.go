package web_test

import (
	"net/http"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/hotline-cc/hotline/internal/app"
	"github.com/hotline-cc/hotline/internal/org"
	"github.com/hotline-cc/hotline/internal/web"
)

// A module adds a nav entry, a page in the shared layout and its messages,
// the way later modules (queues, customers, ...) will.
func TestModuleAddsPages(t *testing.T) {
	t.Parallel()
	perm := org.P("queues", "view")
	mod := func(ui *web.UI) web.Module {
		return web.Module{
			Name: "demo",
			Pages: fstest.MapFS{"demo_list.html": {Data: []byte(
				`{{define "title"}}{{t "demo.title"}}{{end}}{{define "content"}}<p id="demo">{{.Data}} · {{t "demo.title"}}</p>` +
					`<form method="post">{{.CSRFField}}</form>{{end}}`)}},
			Messages: map[string]map[string]string{
				web.LangEN: {"demo.title": "Demo queues", "nav.demo": "Demo", "nav.section.demo": "Service"},
				web.LangZH: {"demo.title": "演示队列", "nav.demo": "演示", "nav.section.demo": "服务"},
			},
			Nav: []web.NavItem{{Section: "nav.section.demo", Label: "nav.demo", Path: "/demo", Perm: perm, Order: 300}},
			Routes: func(mux *http.ServeMux) {
				mux.Handle("GET /demo", ui.Protect(perm, func(w http.ResponseWriter, r *http.Request, a *org.Actor) error {
					ui.Render(w, r, "demo_list", "hello "+a.Username)
					return nil
				}))
			},
		}
	}
	e := start(t, func(a *app.App) {
		if err := a.UI.AddModule(mod(a.UI)); err != nil {
			t.Fatal(err)
		}
		if err := a.UI.AddModule(mod(a.UI)); err == nil {
			t.Error("a second module with the same name was accepted")
		}
		bad := mod(a.UI)
		bad.Name = "other"
		bad.Messages = map[string]map[string]string{web.LangEN: {"other.x": "only English"}}
		if err := a.UI.AddModule(bad); err == nil {
			t.Error("a module message without a Chinese text was accepted")
		}
	})
	admin := e.client()
	admin.login("admin", adminPW)
	p := admin.get("/demo")
	mustStatus(t, "module page", p, http.StatusOK)
	mustContain(t, "module page", p, `<p id="demo">hello admin · Demo queues</p>`, `<aside class="sidebar">`,
		`<a href="/demo" class="active" aria-current="page">Demo</a>`, `name="csrf_token"`, "<title>Demo queues · Hotline</title>")
	admin.lang = "zh-CN"
	mustContain(t, "module page in Chinese", admin.get("/demo"), "演示队列", ">服务</div>")
	// The home page links it for roles that may use it.
	mustContain(t, "home", admin.get("/"), `href="/demo"`)

	e.user("agent1", "agent-pass-1", "agent", 0)
	agent := e.client()
	agent.login("agent1", "agent-pass-1")
	mustStatus(t, "agent on module page", agent.get("/demo"), http.StatusForbidden)
	if strings.Contains(agent.get("/").body, `href="/demo"`) {
		t.Error("the agent's navigation links a page the role may not see")
	}

	// Once the server runs, the module list is closed.
	if err := e.app.UI.AddModule(web.Module{Name: "late"}); err == nil {
		t.Error("a module added after Register was accepted")
	}
}
