package crmui_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/hotline-cc/hotline/internal/crm"
	"github.com/hotline-cc/hotline/internal/crm/crmtest"
	"github.com/hotline-cc/hotline/internal/org"
)

func start(t *testing.T) (*crmtest.Env, *crmtest.Org) {
	t.Helper()
	e := crmtest.Start(t, "sqlite://"+t.TempDir()+"/t.db")
	return e, e.MakeOrg()
}

func as(t *testing.T, e *crmtest.Env, user, lang string) *browser {
	return newBrowser(t, e, lang).login(user, crmtest.Password(user))
}

// The main pages render for the roles that may use them, in both
// languages, and answer 403 to the others.
func TestPagesByRole(t *testing.T) {
	t.Parallel()
	e, _ := start(t)
	admin := as(t, e, "admin1", "en")
	zh := as(t, e, "admin1", "zh-CN")
	agent := as(t, e, "agent-a1", "en")
	pages := []struct {
		path, en, zh string
		agent        int
	}{
		{"/customers", "New customer", "新建客户", 200},
		{"/customers/new", "Phones", "电话", 200},
		{"/crm/tasks", "Overdue", "已逾期", 200},
		{"/crm/pool", "Public pool", "公海客户池", 200},
		{"/crm/imports", "Upload a file", "上传文件", 403},
		{"/crm/allocate", "To whom", "分配给", 403},
		{"/crm/allocate?pool=1", "Distribute", "派发", 403},
		{"/crm/allocations", "Allocation log", "分配日志", 403},
		{"/crm/quotas", "Daily claim limit", "每日捞取上限", 403},
		{"/crm/rules", "New rule", "新建规则", 403},
		{"/crm/settings", "Custom fields", "自定义字段", 403},
	}
	for _, p := range pages {
		mustContain(t, "admin "+p.path, admin.get(p.path), p.en, "/crm/assets/crm.js")
		mustContain(t, "zh "+p.path, zh.get(p.path), p.zh)
		if got := agent.get(p.path); got.status != p.agent {
			t.Errorf("agent %s: %d, want %d", p.path, got.status, p.agent)
		}
	}
	// The navigation shows the agent only what the role may use.
	home := agent.get("/")
	mustContain(t, "agent home", home, `href="/customers"`, `href="/crm/pool"`, `href="/crm/tasks"`)
	if strings.Contains(home.body, `href="/crm/settings"`) || strings.Contains(home.body, `href="/crm/imports"`) {
		t.Error("the agent's navigation links pages the role may not use")
	}
	if p := admin.get("/crm/assets/crm.css"); p.status != 200 || !strings.Contains(p.header.Get("Content-Type"), "css") {
		t.Errorf("asset: %d %v", p.status, p.header)
	}
}

// The customer form keeps what was typed and shows each error on its field.
func TestCustomerPages(t *testing.T) {
	t.Parallel()
	e, _ := start(t)
	en := as(t, e, "agent-a1", "en")
	zh := as(t, e, "agent-a1", "zh-CN")
	form := url.Values{"name": {"诸葛亮"}, "phones": {"12345"}, "company": {"蜀汉"}, "status": {"new"}}
	p := en.post("/customers", form)
	mustStatus(t, "bad phone", p, http.StatusUnprocessableEntity)
	mustContain(t, "bad phone", p, `value="诸葛亮"`, `value="蜀汉"`, "too short", `class="field wide has-error"`)
	mustContain(t, "bad phone in Chinese", zh.post("/customers", form), "位数不足")
	form.Set("phones", "139 0013 9000\n021-87654321")
	p = en.post("/customers", form)
	mustStatus(t, "create", p, http.StatusSeeOther)
	id := idAtEnd(t, p.loc)
	show := en.get(p.loc)
	mustContain(t, "customer page", show, "诸葛亮", "&#43;8613900139000", "&#43;862187654321", "Customer created", `id="note-form"`)
	// A teammate is told about the duplicate without its name; the leader with it.
	mate := as(t, e, "agent-a1b", "en")
	p = mate.post("/customers", url.Values{"name": {"x"}, "phones": {"13900139000"}})
	mustStatus(t, "duplicate", p, http.StatusConflict)
	mustContain(t, "duplicate", p, "already belongs to another customer")
	lead := as(t, e, "lead-a1", "zh-CN")
	mustContain(t, "duplicate for the leader", lead.post("/customers", url.Values{"name": {"x"}, "phones": {"13900139000"}}), "诸葛亮")
	if p := mate.get(fmt.Sprintf("/customers/%d", id)); p.status != 404 {
		t.Errorf("a teammate opened the customer: %d", p.status)
	}
	// Notes, tasks, release: errors stay on their form.
	mustStatus(t, "empty note", en.post(fmt.Sprintf("/customers/%d/notes", id), url.Values{"body": {" "}}), http.StatusUnprocessableEntity)
	mustStatus(t, "note", en.post(fmt.Sprintf("/customers/%d/notes", id), url.Values{"body": {"客户要求下周三回电"}}), http.StatusSeeOther)
	p = en.post(fmt.Sprintf("/customers/%d/tasks", id), url.Values{"kind": {"return_visit"}, "due_at": {"someday"}})
	mustStatus(t, "bad due", p, http.StatusUnprocessableEntity)
	mustContain(t, "bad due", p, "Enter the due date and time")
	due := time.Now().Add(-time.Hour).Format("2006-01-02T15:04")
	mustStatus(t, "task", en.post(fmt.Sprintf("/customers/%d/tasks", id), url.Values{"kind": {"return_visit"}, "title": {"回访满意度"}, "due_at": {due}}), http.StatusSeeOther)
	show = en.get(fmt.Sprintf("/customers/%d", id))
	mustContain(t, "after note and task", show, "客户要求下周三回电", "回访满意度", "overdue")
	mustContain(t, "my tasks", en.get("/crm/tasks"), "回访满意度", "诸葛亮")
	p = en.post(fmt.Sprintf("/customers/%d/release", id), url.Values{"reason": {""}})
	mustStatus(t, "release without reason", p, http.StatusUnprocessableEntity)
	mustContain(t, "release without reason", p, `id="release-form"`, "required")
	mustStatus(t, "release", en.post(fmt.Sprintf("/customers/%d/release", id), url.Values{"reason": {"号码停机"}}), http.StatusSeeOther)
	// Another agent finds it in the pool and claims it.
	other := as(t, e, "agent-b", "en")
	mustContain(t, "pool", other.get("/crm/pool"), "诸葛亮", "号码停机", "139 0013 9000", "021-8765 4321")
	p = other.post("/crm/pool/claim", url.Values{"id": {fmt.Sprint(id)}})
	mustStatus(t, "claim", p, http.StatusSeeOther)
	mustContain(t, "after claim", other.get(p.loc), "You claimed 1 customers.")
	mustContain(t, "claimed customer", other.get(fmt.Sprintf("/customers/%d", id)), "User agent-b", "Claimed from the pool by User agent-b")
	// Claiming it again fails with a message, not an error page.
	mustContain(t, "claim again", en.get(en.post("/crm/pool/claim", url.Values{"id": {fmt.Sprint(id)}}).loc), "Nothing claimed")
}

// The import wizard: upload, mapping, strict report with line numbers,
// lenient run, delete.
func TestImportWizard(t *testing.T) {
	t.Parallel()
	e, _ := start(t)
	b := as(t, e, "sup-a", "en")
	csv := "姓名,手机,公司,客户等级\n刘备,13812345670,蜀,A\n关羽,1381234,蜀,A\n张飞,13812345672,蜀,Z\n,13812345673,蜀,B\n赵云,13812345674,蜀,B\n"
	p := b.upload("/crm/imports", "file", "shu.xlsx", []byte(csv), url.Values{"name": {"蜀国"}})
	mustStatus(t, "csv named .xlsx", p, http.StatusUnprocessableEntity)
	mustContain(t, "csv named .xlsx", p, "not a readable .xlsx")
	p = b.upload("/crm/imports", "file", "shu.csv", []byte(csv), url.Values{"name": {"蜀国"}})
	mustStatus(t, "upload", p, http.StatusSeeOther)
	batch := p.loc
	p = b.get(batch)
	mustContain(t, "mapping", p, `<option value="name" selected>`, `<option value="phones" selected>`, `<option value="level" selected>`, "刘备")
	form := url.Values{"col0": {"name"}, "col1": {"phones"}, "col2": {"company"}, "col3": {"level"}, "mode": {"strict"}}
	bad := url.Values{"col0": {""}, "col1": {"phones"}, "mode": {"strict"}}
	p = b.post(batch+"/start", bad)
	mustStatus(t, "mapping without name", p, http.StatusUnprocessableEntity)
	mustContain(t, "mapping without name", p, "Choose the column holding the name")
	mustStatus(t, "start", b.post(batch+"/start", form), http.StatusSeeOther)
	id := idAtEnd(t, batch)
	waitBatch(t, e, id)
	p = b.get(batch)
	mustContain(t, "strict report", p, "rejected", "Bad rows (3)", `<td class="num">3</td>`, `<td class="num">4</td>`, `<td class="num">5</td>`,
		"too short", "is not a configured level", "is required", `value="lenient" checked`)
	csvReport := b.get(batch + "/errors.csv")
	if csvReport.status != 200 || !strings.Contains(csvReport.body, "1381234") {
		t.Fatalf("error report download: %d %s", csvReport.status, csvReport.body)
	}
	form.Set("mode", "lenient")
	mustStatus(t, "lenient", b.post(batch+"/start", form), http.StatusSeeOther)
	waitBatch(t, e, id)
	mustContain(t, "done", b.get(batch), "imported", "2 customers imported, 3 bad rows skipped")
	mustContain(t, "batch customers", b.get(fmt.Sprintf("/customers?batch_id=%d", id)), "刘备", "赵云")
	p = b.post(batch+"/delete", nil)
	mustStatus(t, "delete", p, http.StatusSeeOther)
	mustContain(t, "after delete", b.get(p.loc), "deleted with its 2 customers")
}

// waitBatch polls the batch until its import ends (the pages may have
// started it on the app's own crm service, whose jobs e.Svc does not know).
func waitBatch(t *testing.T, e *crmtest.Env, id int64) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for {
		b, err := e.Svc.Batch(t.Context(), org.System(), id)
		if err != nil {
			t.Fatal(err)
		}
		if b.Status != crm.BatchRunning {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("batch %d still running", id)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// Allocation, quotas, rules and settings re-render their forms on errors.
func TestAdminForms(t *testing.T) {
	t.Parallel()
	e, o := start(t)
	admin := as(t, e, "admin1", "en")
	ctx := t.Context()
	var ids []string
	for i := 0; i < 4; i++ {
		c, err := e.Svc.Create(ctx, o.Users["sup-a"].Actor, crm.CustomerInput{Name: fmt.Sprint("待分配", i), Phones: []string{fmt.Sprintf("1360000000%d", i)}})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, fmt.Sprint(c.ID))
	}
	a1 := fmt.Sprintf("agent:%d", o.Users["agent-a1"].ID)
	a2 := fmt.Sprintf("agent:%d", o.Users["agent-a2"].ID)
	p := admin.post("/crm/allocate", url.Values{"id": ids, "mode": {"even"}, "target": {a1, a2}, "action": {"preview"}})
	mustStatus(t, "preview", p, 200)
	mustContain(t, "preview", p, "Preview — nothing moved yet", "4 selected, 4 to move")
	mustStatus(t, "quota", admin.post(fmt.Sprintf("/crm/quotas/%d", o.Users["agent-a2"].ID), url.Values{"max_customers": {"1"}}), http.StatusSeeOther)
	p = admin.post("/crm/allocate", url.Values{"id": ids, "mode": {"even"}, "target": {a1, a2}, "action": {"apply"}})
	mustStatus(t, "over quota", p, http.StatusConflict)
	mustContain(t, "over quota", p, "User agent-a2 holds 0 customers with a quota of 1", `value="agent:`)
	p = admin.post("/crm/allocate", url.Values{"id": ids, "mode": {"count"}, "target": {a1}, "count_" + a1: {"4"}, "action": {"apply"}, "reason": {"新人上岗"}})
	mustStatus(t, "allocate", p, http.StatusSeeOther)
	mustContain(t, "log", admin.get(p.loc), "Allocate", "User sup-a", "User agent-a1", "新人上岗")
	if ex := admin.get("/crm/allocations/export?format=csv"); ex.status != 200 || !strings.Contains(ex.body, "新人上岗") {
		t.Errorf("log export: %d", ex.status)
	}
	// Recycle rules: preview, bad input, save.
	p = admin.post("/crm/rules", url.Values{"name": {""}, "kind": {"no_contact"}, "days": {"7"}, "action": {"save"}})
	mustStatus(t, "rule without name", p, http.StatusUnprocessableEntity)
	p = admin.post("/crm/rules", url.Values{"name": {"三十天"}, "kind": {"no_contact"}, "days": {"30"}, "action": {"preview"}})
	mustContain(t, "rule preview", p, "The rule would move 0 customers now.")
	p = admin.post("/crm/rules", url.Values{"name": {"三十天"}, "kind": {"no_contact"}, "days": {"30"}, "enabled": {"on"}, "action": {"save"}})
	mustStatus(t, "rule save", p, http.StatusSeeOther)
	mustContain(t, "rules", admin.get(p.loc), "三十天", "No contact for 30 days")
	// Settings: a bad custom field key and a bad list are re-rendered.
	p = admin.post("/crm/settings/fields", url.Values{"key": {"Bad Key"}, "label": {"预算"}, "kind": {"number"}})
	mustStatus(t, "bad field", p, http.StatusUnprocessableEntity)
	mustContain(t, "bad field", p, `value="Bad Key"`, "lower-case letters")
	mustStatus(t, "field", admin.post("/crm/settings/fields", url.Values{"key": {"budget"}, "label": {"预算"}, "kind": {"number"}}), http.StatusSeeOther)
	p = admin.post("/crm/settings/lists/level", url.Values{"options": {"A | 重要\nA | 重复"}})
	mustStatus(t, "duplicate level", p, http.StatusUnprocessableEntity)
	mustContain(t, "duplicate level", p, "A | 重复")
	mustStatus(t, "levels", admin.post("/crm/settings/lists/level", url.Values{"options": {"VIP | 贵宾\nN | 普通"}}), http.StatusSeeOther)
	mustContain(t, "new customer form", admin.get("/customers/new"), "贵宾", "预算")
	p = admin.post("/crm/pool/settings", url.Values{"default_quota": {"-1"}, "daily_claim_limit": {"5"}})
	mustStatus(t, "bad pool settings", p, http.StatusUnprocessableEntity)
}
