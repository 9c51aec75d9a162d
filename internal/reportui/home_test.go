package reportui_test

import (
	"regexp"
	"strings"
	"testing"
)

// tileValue is the figure of a home-page tile.
func tileValue(t *testing.T, p page, key string) string {
	t.Helper()
	m := regexp.MustCompile(`(?s)data-key="` + key + `">.*?<strong>([^<]*)</strong>`).FindStringSubmatch(p.body)
	if m == nil {
		t.Fatalf("no tile %s: %s", key, excerpt(p.body))
	}
	return m[1]
}

// The home page answers "how are we doing": a supervisor sees today's
// figures of their department only, with what is off target; an agent
// sees their own day and their shift; the links and permissions stay
// below; a role without reports has no panel.
func testHomePanels(t *testing.T, e *env) {
	for _, c := range []struct {
		user                               string
		offered, answered, abandoned, dept string
	}{
		{"sup-a", "3", "2", "1", "客服部 A"},
		{"sup-b", "3", "1", "2", "销售部 B"},
	} {
		p := e.login(c.user, "zh-CN").get("/")
		mustContain(t, c.user, p, `id="report-home"`, "今日概况", "部门："+c.dept, "可用功能", "今日超标指标")
		for key, want := range map[string]string{"offered": c.offered, "answered": c.answered, "abandoned": c.abandoned} {
			if got := tileValue(t, p, key); got != want {
				t.Errorf("%s's %s today: %q, want %s", c.user, key, got, want)
			}
		}
		// Each figure links into the report with the matching filters.
		mustContain(t, c.user, p, `href="/reports?interval=60m&amp;period=today#m-abandon_rate"`)
		// 1 of 3 and 2 of 3 abandoned: both far above the 3–5% band.
		if !regexp.MustCompile(`(?s)<ul class="home-breaches">.*放弃率`).MatchString(p.body) {
			t.Errorf("%s: abandonment is not among today's breaches", c.user)
		}
		mustContain(t, c.user, p, "坐席实时状态") // live state from the ACD
	}
	sup := e.login("sup-a", "zh-CN").get("/")
	mustLack(t, "sup-a", sup, "坐席王五")
	admin := e.login("admin-1", "en").get("/")
	if got := tileValue(t, admin, "offered"); got != "6" {
		t.Errorf("the center offered %q today", got)
	}
	mustContain(t, "admin", admin, "whole center", "Off target today", "Service level")

	agent := e.login("agent-a1", "en").get("/")
	mustContain(t, "agent", agent, "My day (话务信息)", "Shift now", "09:00–17:00", "Lunch 12:00–13:00", "What you can use")
	for key, want := range map[string]string{"answered": "1", "talk_total": "4:24", "acw": "0:30", "csat": "100.0%"} {
		if got := tileValue(t, agent, key); got != want {
			t.Errorf("agent's %s today: %q, want %s", key, got, want)
		}
	}
	// Ready 09:00–09:10, 09:15:30–10:00, 10:15–11:00 = 1:40; break 0:15.
	if got, nr := tileValue(t, agent, "ready"), tileValue(t, agent, "not_ready"); got != "1:40" || nr != "0:15" {
		t.Errorf("agent's ready %q, not ready %q", got, nr)
	}
	mustLack(t, "agent", agent, "今日超标指标", "Off target today", `data-key="offered"`)
	clerk := e.login("clerk", "en").get("/")
	if strings.Contains(clerk.body, `id="report-home"`) {
		t.Error("a role without reports:view has the report panel")
	}
	mustContain(t, "clerk", clerk, "What you can use")
}
