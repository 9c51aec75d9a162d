package reportui_test

import (
	"encoding/json"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/hotline-cc/hotline/internal/report"
	"github.com/hotline-cc/hotline/internal/store/storetest"
)

// TestPages runs the page tests on one server per dialect (SQLite, and
// PostgreSQL when configured), in an order where each leaves what the
// next expects: the figures before a cost is entered, the settings last.
// A server with its migrations takes seconds to start; sharing it keeps
// the package fast.
func TestPages(t *testing.T) {
	for name, dbURL := range storetest.URLs(t) {
		t.Run(name, func(t *testing.T) {
			e := start(t, startOpts{dbURL: dbURL(t)})
			e.morning()
			e.sync()
			for _, c := range []struct {
				name string
				fn   func(*testing.T, *env)
			}{
				{"roles", testPagesByRole}, {"figures", testReportFigures}, {"home", testHomePanels},
				{"shifts", testShiftPages}, {"costs", testCostsPage}, {"settings", testSettingsPage},
			} {
				t.Run(c.name, func(t *testing.T) { c.fn(t, e) })
			}
		})
	}
}

// Every page renders, in both languages, for the roles that may see it,
// and answers 403 to those that may not.
func testPagesByRole(t *testing.T, e *env) {
	all := []string{"admin-1", "sup-a", "sup-b", "lead-a", "agent-a1"}
	managers := []string{"lead-a", "agent-a1", "clerk"}
	pages := []struct {
		path   string
		en, zh string
		ok, no []string // who may open it, who gets 403
	}{
		{"/reports", "The 23 operating metrics", "23 项运营指标", all, []string{"clerk"}},
		{"/reports?period=this_month&interval=day&group_by=queue", "Rows per day", "明细：日", []string{"admin-1", "sup-b"}, []string{"clerk"}},
		{"/reports?period=last_7_days&interval=hour_of_day", "Hourly traffic", "小时话务量", []string{"sup-a", "agent-a1"}, []string{"clerk"}},
		{"/reports/settings", "How abandoned calls count", "放弃呼叫如何计入服务水平", []string{"admin-1", "sup-a"}, managers},
		{"/reports/costs", "Entered months", "录入月度成本", []string{"admin-1", "sup-b"}, managers},
		{"/reports/shifts", "Phone time", "接话时长", all, []string{"clerk"}},
		{"/reports/shifts/new", "Breaks, lunch, training", "小休、午餐、培训等", []string{"admin-1", "sup-a"}, managers},
	}
	clients := map[string]map[string]*client{}
	for _, u := range append(all, "clerk") {
		clients[u] = map[string]*client{"en": e.login(u, "en"), "zh": e.login(u, "zh-CN")}
	}
	for _, p := range pages {
		for _, u := range p.ok {
			en, zh := clients[u]["en"].get(p.path), clients[u]["zh"].get(p.path)
			mustStatus(t, u+" "+p.path, en, http.StatusOK)
			mustContain(t, u+" "+p.path, en, p.en, "/reports/static/reports.css")
			mustStatus(t, u+" "+p.path+" (zh)", zh, http.StatusOK)
			mustContain(t, u+" "+p.path+" (zh)", zh, p.zh)
		}
		for _, u := range p.no {
			if got := clients[u]["en"].get(p.path); got.status != http.StatusForbidden {
				t.Errorf("%s opened %s: %d", u, p.path, got.status)
			}
		}
	}
	// The navigation shows each role its own entries.
	nav := clients["agent-a1"]["en"].get("/")
	mustContain(t, "agent nav", nav, `href="/reports"`, `href="/reports/shifts"`)
	mustLack(t, "agent nav", nav, `href="/reports/settings"`, `href="/reports/costs"`)
	mustLack(t, "clerk nav", clients["clerk"]["en"].get("/"), `href="/reports"`)
	// The vendored ECharts, its licence and the page script are served, cacheable.
	for _, asset := range []string{"/reports/static/vendor/echarts/echarts.min.js", "/reports/static/vendor/echarts/LICENSE",
		"/reports/static/vendor/echarts/NOTICE", "/reports/static/reports.js"} {
		p := clients["sup-a"]["en"].get(asset)
		if p.status != 200 || !strings.Contains(p.header.Get("Cache-Control"), "max-age") {
			t.Errorf("%s: %d %v", asset, p.status, p.header)
		}
	}
}

// The report shows each role the figures of its scope: everything for
// the administrator, the department for a supervisor, the team for a
// leader, their own for an agent; with targets and breaches flagged.
func testReportFigures(t *testing.T, e *env) {
	admin := e.login("admin-1", "en")
	p := admin.get("/reports?period=today&interval=60m")
	mustStatus(t, "admin", p, 200)
	mustContain(t, "admin", p, "Definition:", "Service level 80% within 20 s, abandoned calls counted against", `id="interval-table"`)
	for key, want := range map[string]string{"total_calls": "6", "offered": "6", "abandoned": "3", "answered": "3",
		"answer_rate": "50.0%", "abandon_rate": "50.0%", "asa": "0:21", "service_level": "33.3%", "csat": "100.0%",
		"hold_time": "0:30", "cost_per_call": "no cost entered", "monitoring_score": "no QA data"} {
		if got := figure(t, p, key, 0); got != want {
			t.Errorf("admin %s = %q, want %q", key, got, want)
		}
	}
	// Breaches: a class and a text, not colour alone.
	row := regexp.MustCompile(`(?s)<tr id="m-abandon_rate".*?</tr>`).FindString(p.body)
	for _, want := range []string{`breach breach-high`, "above target", "▲", "3–5%"} {
		if !strings.Contains(row, want) {
			t.Errorf("abandonment row lacks %q: %s", want, row)
		}
	}
	if row := regexp.MustCompile(`(?s)<tr id="m-asa".*?</tr>`).FindString(p.body); !strings.Contains(row, "≤ 20 s") {
		t.Errorf("ASA row without its band: %s", row)
	}
	// Every one of the 23, numbered.
	for _, m := range report.Metrics {
		if !strings.Contains(p.body, `id="m-`+m.Key+`"`) {
			t.Errorf("no row for %s", m.Key)
		}
	}
	charts := chartIDs(t, p)
	for _, id := range []string{"calls", "asa", "sl", "states", "radar"} {
		if !charts[id] {
			t.Errorf("no %s chart in %v", id, charts)
		}
	}
	// Grouped by queue: a column per queue, and the total.
	g := admin.get("/reports?period=today&interval=total&group_by=queue")
	if got := figure(t, g, "offered", 0); got != "6" {
		t.Errorf("grouped total offered %q", got)
	}
	if a, b := figure(t, g, "offered", 1), figure(t, g, "offered", 2); a != "3" || b != "3" {
		t.Errorf("per queue offered %q %q", a, b)
	}
	mustContain(t, "grouped", g, ">sales</th>", ">support</th>")

	for _, c := range []struct {
		user                   string
		total, offered, abandn string
		lacks                  string
	}{
		{"sup-a", "3", "3", "1", "坐席王五"},
		{"sup-b", "3", "3", "2", "坐席张三"},
		{"lead-a", "2", "2", "0", "坐席王五"},
		{"agent-a1", "1", "1", "0", "坐席李四"},
	} {
		p := e.login(c.user, "zh-CN").get("/reports?period=today&interval=60m")
		mustStatus(t, c.user, p, 200)
		mustContain(t, c.user, p, "口径：")
		if got := figure(t, p, "total_calls", 0); got != c.total {
			t.Errorf("%s total calls %q, want %s", c.user, got, c.total)
		}
		if got := figure(t, p, "offered", 0); got != c.offered {
			t.Errorf("%s offered %q, want %s", c.user, got, c.offered)
		}
		if got := figure(t, p, "abandoned", 0); got != c.abandn {
			t.Errorf("%s abandoned %q, want %s", c.user, got, c.abandn)
		}
		mustLack(t, c.user, p, c.lacks)
	}
	// The agent's own: ASA 6 s, the time they were ready, their rating.
	own := e.login("agent-a1", "en").get("/reports?period=today&interval=total")
	for key, want := range map[string]string{"asa": "0:06", "answered": "1", "csat": "100.0%"} {
		if got := figure(t, own, key, 0); got != want {
			t.Errorf("agent %s = %q, want %q", key, got, want)
		}
	}
	mustLack(t, "agent's grouping", own, `value="agent"`, `id="f-agent_id"`)
	// Hourly traffic: the hours of the day with calls and Erlangs.
	h := admin.get("/reports?period=today&interval=hour_of_day")
	mustContain(t, "hourly", h, ">09:00</th>", ">10:00</th>", "Erl")
	// A query the engine refuses is said on the page, in the language.
	bad := e.login("sup-a", "zh-CN").get("/reports?period=custom&from=2026-01-01&to=2026-03-31&interval=15m")
	mustStatus(t, "15 minutes over a quarter", bad, http.StatusBadRequest)
	mustContain(t, "15 minutes over a quarter", bad, "15/30/60 分钟明细最多 31 天")
}

// chartIDs are the charts the page hands to its script.
func chartIDs(t *testing.T, p page) map[string]bool {
	t.Helper()
	m := regexp.MustCompile(`data-charts="([^"]*)"`).FindStringSubmatch(p.body)
	if m == nil {
		t.Fatalf("no chart data: %s", excerpt(p.body))
	}
	var set struct {
		Locale string `json:"locale"`
		Charts []struct {
			ID     string `json:"id"`
			Series []struct {
				Name string     `json:"name"`
				Data []*float64 `json:"data"`
			} `json:"series"`
		} `json:"charts"`
	}
	if err := json.Unmarshal([]byte(html.UnescapeString(m[1])), &set); err != nil {
		t.Fatalf("chart data: %v", err)
	}
	out := map[string]bool{}
	for _, c := range set.Charts {
		if len(c.Series) == 0 {
			t.Errorf("chart %s has no series", c.ID)
		}
		out[c.ID] = true
	}
	return out
}

// Saving the settings changes the variant printed on the reports; a bad
// value stays on its field, translated.
func testSettingsPage(t *testing.T, e *env) {
	sup := e.login("sup-a", "zh-CN")
	f := sup.get("/reports/settings")
	mustContain(t, "settings", f, `name="lo_adherence" value="92"`, `name="hi_asa" value="20"`, `value="against" checked`)
	form := formValues(t, f, "settings-form")
	if form.Get("queue_thresholds") != "1" || form.Get("time_zone") != e.loc.String() || form.Get("lo_csat") != "85" {
		t.Fatalf("the settings form holds %v", form)
	}
	for k, v := range map[string]string{"sl_threshold_sec": "0", "sl_target_pct": "85", "abandon_mode": "ignored",
		"short_abandon_sec": "10", "fcr_window_hours": "48", "ring_cycle_sec": "5", "currency": "cny", "hi_asa": "25"} {
		form.Set(k, v)
	}
	form.Del("queue_thresholds")
	bad := sup.post("/reports/settings", form)
	mustStatus(t, "threshold 0", bad, http.StatusUnprocessableEntity)
	mustContain(t, "threshold 0", bad, "应在 1 到 3600 秒之间", `value="ignored" checked`, `name="hi_asa" value="25"`)
	form.Set("sl_threshold_sec", "30")
	ok := sup.post("/reports/settings", form)
	mustStatus(t, "save", ok, http.StatusSeeOther)
	mustContain(t, "after save", sup.get(ok.loc), "设置已保存", `name="sl_threshold_sec" type="number" value="30"`)
	s, err := e.app.Mgmt.Reports.Settings(e.ctx)
	if err != nil {
		t.Fatal(err)
	}
	if s.SLThresholdSec != 30 || s.AbandonMode != report.AbandonIgnored || s.Currency != "CNY" || len(s.Targets) != 1 || s.QueueThresholds ||
		s.Targets["asa"].Hi == nil || *s.Targets["asa"].Hi != 25 {
		t.Fatalf("saved settings %+v", s)
	}
	p := e.login("admin-1", "en").get("/reports?period=today&interval=total")
	mustContain(t, "report after save", p, "Service level 85% within 30 s, abandoned calls ignored; abandons under 10 s excluded<")
	if row := regexp.MustCompile(`(?s)<tr id="m-asa".*?</tr>`).FindString(p.body); !strings.Contains(row, "≤ 25 s") {
		t.Errorf("ASA band after save: %s", row)
	}
	// Answered within 30 s: c1 (6 s), c4 (10 s) of 3 answered, abandons ignored.
	if got := figure(t, p, "service_level", 0); got != "66.7%" {
		t.Errorf("service level after save %q", got)
	}
}

// The month's cost is entered, listed, feeds cost per call, and is
// deleted; a supervisor enters only their department's.
func testCostsPage(t *testing.T, e *env) {
	admin := e.login("admin-1", "en")
	month := e.day.Format("2006-01")
	days := e.day.AddDate(0, 1, -e.day.Day()+1).AddDate(0, 0, -1).Day()
	p := admin.post("/reports/costs", url.Values{"month": {month}, "department_id": {"0"}, "amount": {"x"}})
	mustStatus(t, "bad amount", p, http.StatusUnprocessableEntity)
	mustContain(t, "bad amount", p, "Enter a number.")
	amount := float64(days) * 600 // ¥600 a day
	p = admin.post("/reports/costs", url.Values{"month": {month}, "department_id": {"0"}, "amount": {jsNum(amount)}, "note": {"人工与线路"}})
	mustStatus(t, "save cost", p, http.StatusSeeOther)
	list := admin.get("/reports/costs")
	mustContain(t, "costs", list, "人工与线路", "Whole center", month)
	// ¥600 today over 3 calls answered by agents.
	r := admin.get("/reports?period=today&interval=total")
	if got := figure(t, r, "cost_per_call", 0); got != "¥200.00" {
		t.Errorf("cost per call %q", got)
	}
	sup := e.login("sup-a", "zh-CN")
	form := sup.get("/reports/costs")
	mustLack(t, "supervisor's choices", form, `<option value="0"`)
	p = sup.post("/reports/costs", url.Values{"month": {month}, "department_id": {"0"}, "amount": {"100"}})
	mustStatus(t, "supervisor enters the center's cost", p, http.StatusUnprocessableEntity)
	mustContain(t, "supervisor enters the center's cost", p, "只有可查看全中心数据的人员才能录入全中心成本")
	p = sup.post("/reports/costs", url.Values{"month": {month}, "department_id": {idStr(e.dept["A"])}, "amount": {"100"}})
	mustStatus(t, "supervisor's department", p, http.StatusSeeOther)
	// The center's cost is not the supervisor's to delete: for them it does not exist.
	mustStatus(t, "supervisor deletes the center's cost", sup.post("/reports/costs/delete", url.Values{"month": {month},
		"department_id": {"0"}}), http.StatusNotFound)
	p = admin.post("/reports/costs/delete", url.Values{"month": {month}, "department_id": {"0"}})
	mustStatus(t, "delete", p, http.StatusSeeOther)
	mustContain(t, "after delete", admin.get(p.loc), "deleted")
	mustLack(t, "after delete", admin.get("/reports/costs"), "人工与线路")
}
