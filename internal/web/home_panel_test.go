package web_test

import (
	"errors"
	"net/http"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/hotline-cc/hotline/internal/app"
	"github.com/hotline-cc/hotline/internal/org"
	"github.com/hotline-cc/hotline/internal/web"
)

// A module's home panels appear on the home page above the links, in
// their order, in the page's language, for the actors they answer; a
// panel that fails is left out and the home page still opens.
func TestHomePanels(t *testing.T) {
	t.Parallel()
	panel := func(id string) []byte {
		return []byte(`{{define "content"}}<section id="` + id + `">{{t "panel.hello"}} {{.Data}} {{.Actor.Username}}</section>{{end}}`)
	}
	e := start(t, func(a *app.App) {
		err := a.UI.AddModule(web.Module{
			Name:  "panels",
			Pages: fstest.MapFS{"panel_b.html": {Data: panel("panel-b")}, "panel_a.html": {Data: panel("panel-a")}, "panel_x.html": {Data: panel("panel-x")}},
			Messages: map[string]map[string]string{
				web.LangEN: {"panel.hello": "Hello from a panel"},
				web.LangZH: {"panel.hello": "来自面板的问候"},
			},
			Home: []web.HomePanel{
				{Page: "panel_b", Order: 20, Data: func(r *http.Request, a *org.Actor) (any, error) { return "second", nil }},
				{Page: "panel_a", Order: 10, Data: func(r *http.Request, a *org.Actor) (any, error) {
					if a.Username != "admin" {
						return nil, nil // only for the administrator
					}
					return "first", nil
				}},
				{Page: "panel_x", Order: 15, Data: func(r *http.Request, a *org.Actor) (any, error) { return nil, errors.New("broken") }},
			},
		})
		if err != nil {
			t.Fatal(err)
		}
		bad := web.Module{Name: "nopage", Home: []web.HomePanel{{Page: "missing", Data: func(*http.Request, *org.Actor) (any, error) { return 1, nil }}},
			Pages: fstest.MapFS{"other.html": {Data: panel("other")}}}
		if err := a.UI.AddModule(bad); err == nil {
			t.Error("a home panel without its page was accepted")
		}
	})
	admin := e.client()
	admin.login("admin", adminPW)
	p := admin.get("/")
	mustStatus(t, "home", p, http.StatusOK)
	mustContain(t, "home", p, `<section id="panel-a">Hello from a panel first admin</section>`, `<section id="panel-b">Hello from a panel second admin</section>`)
	a, b, links := strings.Index(p.body, `id="panel-a"`), strings.Index(p.body, `id="panel-b"`), strings.Index(p.body, `class="section-title"`)
	if !(a < b && b < links) {
		t.Errorf("panels out of order or below the links: a %d, b %d, links %d", a, b, links)
	}
	if strings.Contains(p.body, `id="panel-x"`) {
		t.Error("the failing panel is shown")
	}
	admin.lang = "zh-CN"
	mustContain(t, "home in Chinese", admin.get("/"), "来自面板的问候 second")

	e.user("agent1", "agent-pass-1", "agent", 0)
	agent := e.client()
	agent.login("agent1", "agent-pass-1")
	home := agent.get("/")
	mustContain(t, "agent's home", home, `id="panel-b"`)
	if strings.Contains(home.body, `id="panel-a"`) {
		t.Error("a panel that answered nil for the agent is shown")
	}
}
