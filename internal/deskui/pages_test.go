package deskui_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// Each role sees the desk pages its permissions allow, in both languages,
// and gets 403 on the others: an agent has the desktop only; a team leader
// looks at the wallboard and campaigns but changes no campaign; a
// supervisor manages campaigns; anonymous visitors go to the login page.
func TestPagesByRole(t *testing.T) {
	t.Parallel()
	e := start(t)
	camp := e.campaign("春季回访", campaignConfig())
	cp := "/desk/campaigns/" + itoa(camp.ID)
	for _, lang := range []string{"en", "zh-CN"} {
		zh := lang == "zh-CN"
		tr := func(en, cn string) string {
			if zh {
				return cn
			}
			return en
		}

		agent := e.login("agent1001", demoPW, lang)
		d := agent.get("/desk")
		mustStatus(t, "agent desktop", d, http.StatusOK)
		mustContain(t, "agent desktop", d, `id="desk"`, `data-csrf="`+agent.csrf+`"`, `data-state="ready"`,
			`data-reason="break"`, `data-reason="lunch"`, `data-reason="training"`, `data-reason="meeting"`,
			`data-reason="after_call_work"`, `id="dial-form"`, `id="transfer-form"`, `id="tasks-card"`,
			`/desk/static/desktop.js`, tr("Agent desktop", "坐席工作台"), tr("Break", "小休"), tr("Lunch", "午餐"),
			tr("Send to survey", "转满意度评价"), `<strong class="mono">1001</strong>`)
		mustNotContain(t, "agent desktop", d, `<script>`, `href="/desk/wall"`, `href="/desk/campaigns"`)
		for _, p := range []string{"/desk/wall", "/desk/campaigns", "/desk/campaigns/new", cp, cp + "/edit", "/desk/campaigns/dnc"} {
			mustStatus(t, lang+" agent GET "+p, agent.get(p), http.StatusForbidden)
		}
		for _, p := range []string{"/desk/campaigns", cp, cp + "/status", cp + "/contacts", "/desk/campaigns/dnc"} {
			mustStatus(t, lang+" agent POST "+p, agent.post(p, url.Values{"status": {"running"}}), http.StatusForbidden)
		}

		leader := e.login("leader1", demoPW, lang)
		w := leader.get("/desk/wall")
		mustStatus(t, "leader wallboard", w, http.StatusOK)
		mustContain(t, "leader wallboard", w, `id="wall"`, `data-wait-sec="60"`, `data-sl-pct="80"`, `data-abandon-pct="5"`,
			`data-agents="1"`, `data-calls="1"`, `data-monitor="1"`, `id="wall-agents"`, `id="wall-calls"`, tr("Wallboard", "监控大屏"))
		l := leader.get("/desk/campaigns")
		mustStatus(t, "leader campaigns", l, http.StatusOK)
		mustContain(t, "leader campaigns", l, "春季回访", tr("Progressive", "渐进式"), tr("Draft", "草稿"))
		mustNotContain(t, "leader campaigns", l, `href="/desk/campaigns/new"`)
		show := leader.get(cp)
		mustStatus(t, "leader campaign", show, http.StatusOK)
		mustNotContain(t, "leader campaign", show, `id="add-form"`, `id="btn-start"`, `/edit"`)
		mustStatus(t, "leader new", leader.get("/desk/campaigns/new"), http.StatusForbidden)
		mustStatus(t, "leader start", leader.post(cp+"/status", url.Values{"status": {"running"}}), http.StatusForbidden)
		mustStatus(t, "leader dnc", leader.get("/desk/campaigns/dnc"), http.StatusOK)
		mustStatus(t, "leader dnc add", leader.post("/desk/campaigns/dnc", url.Values{"phone": {"13800138000"}}), http.StatusForbidden)
		ld := leader.get("/desk")
		mustContain(t, "leader desktop", ld, `id="no-extension"`) // the demo's leader has no extension
		mustNotContain(t, "leader desktop", ld, `id="desk"`)

		sup := e.login("supervisor1", demoPW, lang)
		home := sup.get("/")
		mustContain(t, "supervisor nav", home, `href="/desk"`, `href="/desk/wall"`, `href="/desk/campaigns"`, tr("Desk", "工作台"))
		sl := sup.get("/desk/campaigns")
		mustContain(t, "supervisor campaigns", sl, `href="/desk/campaigns/new"`, `href="/desk/campaigns/dnc"`)
		ss := sup.get(cp)
		mustStatus(t, "supervisor campaign", ss, http.StatusOK)
		mustContain(t, "supervisor campaign", ss, `id="add-form"`, `id="btn-start"`, cp+`/edit"`, tr("Add to the list", "加入名单"))
		for _, p := range []string{"/desk/campaigns/new", cp + "/edit", "/desk/campaigns/dnc", "/desk/wall"} {
			mustStatus(t, lang+" supervisor "+p, sup.get(p), http.StatusOK)
		}
		sw := sup.get("/desk/wall")
		mustNotContain(t, "supervisor wallboard", sw, `<script>`)
		if !strings.Contains(sw.body, `name="csrf_token"`) { // the layout's logout form: the page is a real page
			t.Fatal("wallboard without the layout")
		}
	}
	anon := e.client("en")
	for _, p := range []string{"/desk", "/desk/wall", "/desk/campaigns", cp} {
		r := anon.get(p)
		mustStatus(t, "anonymous "+p, r, http.StatusSeeOther)
		if !strings.HasPrefix(r.loc, "/login") {
			t.Fatalf("anonymous visitor of %s sent to %q", p, r.loc)
		}
	}
	mustStatus(t, "missing campaign", e.login("supervisor1", demoPW, "en").get("/desk/campaigns/999999"), http.StatusNotFound)
}

// The module's static files are served; directories are not listed.
func TestStatic(t *testing.T) {
	t.Parallel()
	e := start(t)
	c := e.client("en")
	for _, f := range []string{"desk.css", "common.js", "desktop.js", "wall.js"} {
		mustStatus(t, f, c.get("/desk/static/"+f), http.StatusOK)
	}
	mustStatus(t, "directory", c.get("/desk/static/"), http.StatusNotFound)
}
