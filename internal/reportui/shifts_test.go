package reportui_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/hotline-cc/hotline/internal/org"
	"github.com/hotline-cc/hotline/internal/shift"
)

// A supervisor schedules a shift with its lunch in the week view's form,
// changes and deletes it; the agent sees their own week only, and an
// overlapping shift is refused in the page's language.
func testShiftPages(t *testing.T, e *env) {
	sup := e.login("sup-a", "zh-CN")
	tomorrow := e.day.AddDate(0, 0, 1).Format("2006-01-02")
	agent := idStr(e.users["agent-a2"].ID)
	form := formValues(t, sup.get("/reports/shifts/new?agent_id="+agent+"&date="+tomorrow), "shift-form")
	if form.Get("agent_id") != agent || form.Get("date") != tomorrow || form.Get("act_kind_0") != "lunch" {
		t.Fatalf("the new shift form holds %v", form)
	}
	form.Set("start", "22:00")
	form.Set("end", "06:00") // through the night
	form.Set("act_kind_0", "break")
	form.Set("act_start_0", "02:00")
	form.Set("act_end_0", "02:30")
	form.Set("note", "夜班")
	p := sup.post("/reports/shifts", form)
	mustStatus(t, "create", p, http.StatusSeeOther)
	week := sup.get(p.loc)
	mustContain(t, "week", week, "班次已保存", "22:00–06:00 (+1)", "小休 02:00–02:30", "夜班", "坐席李四")
	shs, err := e.app.Mgmt.Shifts.List(e.ctx, org.System(), shift.Filter{From: e.day, To: e.day.AddDate(0, 0, 3),
		AgentID: e.users["agent-a2"].ID})
	if err != nil || len(shs) != 1 {
		t.Fatalf("shifts %v %v", shs, err)
	}
	sh := shs[0]
	if got := sh.End.Sub(sh.Start).Hours(); got != 8 || len(sh.Activities) != 1 || sh.Activities[0].Start.Sub(sh.Start).Hours() != 4 {
		t.Fatalf("the night shift %+v", sh)
	}
	// The same agent at the same time again: refused, said in Chinese.
	form.Set("start", "23:00")
	form.Set("end", "07:00")
	form.Set("act_start_0", "03:00")
	form.Set("act_end_0", "03:15")
	p = sup.post("/reports/shifts", form)
	mustStatus(t, "overlap", p, http.StatusConflict)
	mustContain(t, "overlap", p, "该坐席在此时间已有班次")
	// An activity outside the shift stays on the form.
	form.Set("act_start_0", "08:00")
	form.Set("act_end_0", "08:30")
	p = sup.post("/reports/shifts/"+idStr(sh.ID), form)
	mustStatus(t, "activity outside", p, http.StatusUnprocessableEntity)
	mustContain(t, "activity outside", p, "须在班次时间内", `value="08:00"`)
	edit := formValues(t, sup.get("/reports/shifts/"+idStr(sh.ID)), "shift-form")
	edit.Set("end", "05:00")
	mustStatus(t, "update", sup.post("/reports/shifts/"+idStr(sh.ID), edit), http.StatusSeeOther)
	mustContain(t, "after update", sup.get("/reports/shifts?week="+tomorrow), "22:00–05:00 (+1)")

	// The agent sees their own shifts, not their teammate's, and cannot edit.
	own := e.login("agent-a1", "en").get("/reports/shifts")
	mustStatus(t, "agent's week", own, http.StatusOK)
	mustContain(t, "agent's week", own, "坐席张三", "09:00–17:00", "Lunch 12:00–13:00", "your own shifts")
	mustLack(t, "agent's week", own, "坐席李四", `href="/reports/shifts/new`)
	if p := e.login("agent-a1", "en").get("/reports/shifts/" + idStr(sh.ID)); p.status != http.StatusForbidden {
		t.Errorf("the agent opened the shift form: %d", p.status)
	}
	// Another department's supervisor does not find it.
	if p := e.login("sup-b", "en").get("/reports/shifts/" + idStr(sh.ID)); p.status != http.StatusNotFound {
		t.Errorf("sup-b opened a shift of department A: %d", p.status)
	}
	del := sup.post("/reports/shifts/"+idStr(sh.ID)+"/delete", url.Values{})
	mustStatus(t, "delete", del, http.StatusSeeOther)
	after := sup.get(del.loc)
	mustContain(t, "after delete", after, "班次已删除")
	if strings.Contains(after.body, "22:00–05:00") {
		t.Error("the deleted shift is still shown")
	}
	// The week of a department: its agents as rows, the phone time of each.
	w := e.login("admin-1", "en").get("/reports/shifts?department_id=" + idStr(e.dept["A"]))
	row := regexp.MustCompile(`(?s)<tr data-agent="` + idStr(e.users["agent-a1"].ID) + `">.*?</tr>`).FindString(w.body)
	if !strings.Contains(row, "7:00") { // 8 h minus lunch
		t.Errorf("agent-a1's phone time: %s", row)
	}
	mustLack(t, "department A's week", w, "坐席王五")
}
