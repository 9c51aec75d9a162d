package alertui_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/hotline-cc/hotline/internal/alert"
	"github.com/hotline-cc/hotline/internal/org"
)

// Each role sees the pages its permissions allow, in both languages, and
// only the alerts of its scope: an agent none; a team leader and a
// supervisor of A the sales alert, read-only for the leader; a supervisor
// of B not; the administrator everything and the defaults' form. Pages of
// users who may see alerts carry the notifier script.
func TestPagesByRole(t *testing.T) {
	t.Parallel()
	e := start(t)
	e.pileUp(e.sales, 2)
	sales, support := "/alerts/rules/queues/"+itoa(e.sales.ID), "/alerts/rules/queues/"+itoa(e.support.ID)
	for _, lang := range []string{"en", "zh-CN"} {
		tr := func(en, zh string) string {
			if lang == "zh-CN" {
				return zh
			}
			return en
		}
		agent := e.login("agent-a", lang)
		for _, p := range []string{"/alerts", "/alerts/history", "/alerts/rules", "/alerts/texts", sales, "/alerts/rules/default"} {
			mustStatus(t, lang+" agent "+p, agent.get(p), http.StatusForbidden)
		}
		home := agent.get("/")
		mustNotContain(t, "agent home", home, "/alerts/static/notify.js", `href="/alerts"`)

		lead := e.login("lead-a", lang)
		home = lead.get("/")
		mustContain(t, "leader home", home, `<script src="/alerts/static/notify.js`, `href="/alerts"`, `href="/alerts/history"`,
			`href="/alerts/rules"`, tr("Early warning", "预警监控"))
		act := lead.get("/alerts")
		mustStatus(t, "leader alerts", act, http.StatusOK)
		mustContain(t, "leader alerts", act, `id="active-alerts"`, `data-queue="sales" data-metric="waiting" data-level="critical"`,
			tr("Critical", "严重"), tr("Calls waiting", "排队数"), `id="queue-status"`)
		mustContain(t, "leader history", lead.get("/alerts/history"), `id="alert-history"`, `data-queue="sales"`, `id="history-filter"`)
		rules := lead.get("/alerts/rules")
		mustStatus(t, "leader rules", rules, http.StatusOK)
		mustContain(t, "leader rules", rules, `id="default-rules"`, `data-queue="sales"`, tr("Warning rules", "预警规则"))
		mustNotContain(t, "leader rules", rules, `href="`+sales+`"`, `id="edit-defaults"`, `data-queue="support"`)
		mustStatus(t, "leader rule form", lead.get(sales), http.StatusForbidden)
		var texts map[string]string
		tx := lead.get("/alerts/texts")
		if err := json.Unmarshal([]byte(tx.body), &texts); err != nil || texts["level.critical"] != tr("Critical", "严重") {
			t.Errorf("texts %q: %v", tx.body, err)
		}

		supA := e.login("sup-a", lang)
		mustContain(t, "supervisor A alerts", supA.get("/alerts"), `data-queue="sales" data-metric="waiting"`)
		rules = supA.get("/alerts/rules")
		mustContain(t, "supervisor A rules", rules, `href="`+sales+`"`)
		mustNotContain(t, "supervisor A rules", rules, `href="`+support+`"`, `id="edit-defaults"`)
		mustStatus(t, "supervisor A form of B's queue", supA.get(support), http.StatusNotFound)
		mustStatus(t, "supervisor A defaults form", supA.get("/alerts/rules/default"), http.StatusForbidden)
		mustStatus(t, "supervisor A form", supA.get(sales), http.StatusOK)

		supB := e.login("sup-b", lang)
		b := supB.get("/alerts")
		mustContain(t, "supervisor B alerts", b, `id="no-alerts"`)
		mustNotContain(t, "supervisor B alerts", b, `data-queue="sales"`)
		mustNotContain(t, "supervisor B history", supB.get("/alerts/history"), `data-queue="sales"`)
		mustNotContain(t, "supervisor B history of sales", supB.get("/alerts/history?queue_id="+itoa(e.sales.ID)), `data-queue="sales"`)

		admin := e.login("admin-1", lang)
		mustContain(t, "admin rules", admin.get("/alerts/rules"), `id="edit-defaults"`, `href="`+sales+`"`, `href="`+support+`"`)
		mustStatus(t, "admin defaults form", admin.get("/alerts/rules/default"), http.StatusOK)
	}
	anon := e.login("", "en")
	for _, p := range []string{"/alerts", "/alerts/history", "/alerts/rules", sales} {
		r := anon.get(p)
		if r.status != http.StatusSeeOther || !strings.HasPrefix(r.loc, "/login") {
			t.Errorf("anonymous %s: %d to %q", p, r.status, r.loc)
		}
	}
	for _, f := range []string{"notify.js", "alerts.css"} {
		mustStatus(t, f, anon.get("/alerts/static/"+f), http.StatusOK)
	}
	mustStatus(t, "directory", anon.get("/alerts/static/"), http.StatusNotFound)
}

// The rule form: a queue's figure gets its own levels or goes back to the
// default; bad values stay in the form with the error at the input.
func TestRuleForm(t *testing.T) {
	t.Parallel()
	e := start(t)
	sup := e.login("sup-a", "en")
	path := "/alerts/rules/queues/" + itoa(e.sales.ID)
	form := sup.get(path)
	mustContain(t, "form", form, `id="rule-form"`, `name="waiting.inherit" checked`, `name="service_level.window_min"`,
		`value="60"`, "Critical below", "Warning above")
	mustNotContain(t, "form", form, `<textarea`, `name="longest_wait.window_min"`)
	values := func(edit func(v url.Values)) url.Values {
		v := url.Values{}
		for _, m := range alert.Metrics {
			p := string(m) + "."
			v.Set(p+"inherit", "on")
			v.Set(p+"enabled", "on")
			v.Set(p+"warning", "1")
			v.Set(p+"critical", "2")
			v.Set(p+"hysteresis", "0")
			v.Set(p+"hold_sec", "0")
			if m.Windowed() {
				v.Set(p+"window_min", "30")
			}
		}
		edit(v)
		return v
	}
	saved := sup.post(path, values(func(v url.Values) {
		v.Del("waiting.inherit")
		v.Set("waiting.warning", "3")
		v.Set("waiting.critical", "6")
		v.Set("waiting.hysteresis", "1")
		v.Set("waiting.hold_sec", "5")
	}))
	if saved.status != http.StatusSeeOther || saved.loc != "/alerts/rules" {
		t.Fatalf("save: %d to %q: %.500s", saved.status, saved.loc, saved.body)
	}
	qr, err := e.app.Mgmt.Alerts.QueueRules(e.ctx, org.System(), e.sales.ID)
	if err != nil {
		t.Fatal(err)
	}
	if w := qr.Rules[0]; w.Inherited || w.Warning != 3 || w.Critical != 6 || w.Hysteresis != 1 || w.HoldSec != 5 || !w.Enabled {
		t.Errorf("waiting after saving: %+v", w)
	}
	for _, r := range qr.Rules[1:] {
		if !r.Inherited {
			t.Errorf("%s no longer inherits: %+v", r.Metric, r)
		}
	}
	mustContain(t, "rules after saving", sup.get("/alerts/rules"), "The rules of sales are saved.")
	// Others may not: by permission (agent, team leader) or by scope (B).
	other := values(func(v url.Values) {
		v.Del("waiting.inherit")
		v.Set("waiting.warning", "9")
		v.Set("waiting.critical", "19")
	})
	mustStatus(t, "agent saves", e.login("agent-a", "en").post(path, other), http.StatusForbidden)
	mustStatus(t, "team leader saves", e.login("lead-a", "en").post(path, other), http.StatusForbidden)
	mustStatus(t, "supervisor B saves", e.login("sup-b", "en").post(path, other), http.StatusNotFound)
	if qr, _ := e.app.Mgmt.Alerts.QueueRules(e.ctx, org.System(), e.sales.ID); qr.Rules[0].Warning != 3 {
		t.Errorf("waiting changed by someone who may not: %+v", qr.Rules[0])
	}
	bad := sup.post(path, values(func(v url.Values) {
		v.Del("waiting.inherit")
		v.Set("waiting.warning", "8")
		v.Set("waiting.critical", "4")
	}))
	mustStatus(t, "critical under warning", bad, http.StatusUnprocessableEntity)
	mustContain(t, "critical under warning", bad, `id="f-waiting.critical" name="waiting.critical" type="text" value="4"`,
		`aria-invalid="true"`, "must be at least the warning level")
	nan := sup.post(path, values(func(v url.Values) {
		v.Del("abandon_rate.inherit")
		v.Set("abandon_rate.warning", "lots")
	}))
	mustStatus(t, "not a number", nan, http.StatusUnprocessableEntity)
	mustContain(t, "not a number", nan, `value="lots"`)
	// Back to the default, and the defaults by the administrator only.
	mustStatus(t, "inherit all", sup.post(path, values(func(url.Values) {})), http.StatusSeeOther)
	qr, _ = e.app.Mgmt.Alerts.QueueRules(e.ctx, org.System(), e.sales.ID)
	if !qr.Rules[0].Inherited {
		t.Errorf("waiting still its own: %+v", qr.Rules[0])
	}
	mustStatus(t, "supervisor defaults", sup.post("/alerts/rules/default", values(func(url.Values) {})), http.StatusForbidden)
	admin := e.login("admin-1", "zh-CN")
	d := admin.post("/alerts/rules/default", values(func(v url.Values) {
		v.Set("service_level.warning", "85")
		v.Set("service_level.critical", "75")
		v.Set("waiting.warning", "2")
		v.Set("waiting.critical", "4")
	}))
	mustStatus(t, "defaults", d, http.StatusSeeOther)
	rs, _ := e.app.Mgmt.Alerts.RuleSet(e.ctx, org.System())
	if rs.Defaults[2].Warning != 85 || rs.Defaults[0].Warning != 2 {
		t.Errorf("defaults after saving: %+v", rs.Defaults)
	}
}
