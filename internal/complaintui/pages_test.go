package complaintui_test

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hotline-cc/hotline/internal/crm"
	"github.com/hotline-cc/hotline/internal/crm/crmtest"
	"github.com/hotline-cc/hotline/internal/store/storetest"
)

// From the telephony call page to a closed (and reopened) complaint by
// the forms, in Chinese: the call page's link opens the form prefilled from
// the call, the agent ticks steps, the supervisor judges and forwards, the
// responsible department replies, the supervisor calls back and closes;
// refusals come back on their form; pages answer 404 outside the scope.
func TestPagesFromCallToClosure(t *testing.T) {
	t.Parallel()
	e := crmtest.Start(t, storetest.URLs(t)["sqlite"](t))
	o := e.MakeOrg()
	u := o.Users
	if _, err := e.App.CRM.Create(context.Background(), u["agent-a1"].Actor, crm.CustomerInput{Name: "孙权", Phones: []string{"13900139000"}}); err != nil {
		t.Fatal(err)
	}
	callID := answeredCall(t, e, "call-ui-1", "13900139000", u["agent-a1"])
	agent := login(t, e, "agent-a1", "zh-CN")

	call := agent.get("/telephony/calls/" + callID)
	mustStatus(t, "call page", call, http.StatusOK)
	m := regexp.MustCompile(`id="new-complaint" href="([^"]+)">从此通话登记投诉<`).FindStringSubmatch(call.body)
	if m == nil {
		t.Fatal("the call page has no link to register a complaint")
	}
	form := agent.get(html.UnescapeString(m[1]))
	mustStatus(t, "new from call", form, http.StatusOK)
	mustContain(t, "new from call", form, "来自通话 call-ui-1", "客户 孙权", `name="contact_phone" type="tel" value="13900139000"`,
		`name="call_id" value="call-ui-1"`)
	if strings.Contains(form.body, `name="liability"`) {
		t.Error("an agent is offered to judge the liability")
	}
	customer := regexp.MustCompile(`name="customer_id" value="(\d+)"`).FindStringSubmatch(form.body)[1]
	in := url.Values{"call_id": {callID}, "customer_id": {customer}, "contact_name": {"孙权"}, "contact_phone": {"13900139000"},
		"channel": {"phone"}, "severity": {"general"}, "agent_id": {fmt.Sprint(u["agent-a1"].ID)}, "steps": {"calm", "listen"}}
	bad := agent.post("/complaints", in)
	mustStatus(t, "no content", bad, http.StatusUnprocessableEntity)
	mustContain(t, "no content", bad, `has-error`, "来自通话 call-ui-1")
	in.Set("content", "客户称坐席推诿，扬言向消协投诉")
	created := agent.post("/complaints", in)
	mustStatus(t, "create", created, http.StatusSeeOther)
	path := created.loc
	tk := agent.get(path)
	mustContain(t, "ticket", tk, "已登记", "扬言向消协投诉", "2/5", "一般", "待判定", "孙权 13900139000")
	if strings.Contains(tk.body, `id="forward-form"`) {
		t.Error("an agent is offered to forward")
	}
	mustStatus(t, "tick", agent.post(path+"/checklist", url.Values{"step": {"analyse"}, "done": {"1"}}), http.StatusSeeOther)
	again := agent.post(path+"/checklist", url.Values{"step": {"analyse"}, "done": {"1"}})
	mustStatus(t, "tick twice", again, http.StatusConflict)
	mustContain(t, "tick twice", again, "“分析诉求”已完成")

	sup := login(t, e, "sup-a", "zh-CN")
	mustStatus(t, "judge", sup.post(path+"/assess", url.Values{"severity": {"general"}, "liability": {"agent"}, "agent_id": {fmt.Sprint(u["agent-a1"].ID)}}), http.StatusSeeOther)
	mustContain(t, "judged", sup.get(path), "坐席有责", "¥5,000")
	deadline := time.Now().Add(24 * time.Hour).Format("2006-01-02T15:04")
	mustStatus(t, "forward", sup.post(path+"/forward", url.Values{"department_id": {fmt.Sprint(o.DeptB)}, "deadline_at": {deadline}, "note": {"请核实退款"}}), http.StatusSeeOther)
	waiting := sup.post(path+"/close", url.Values{"note": {"x"}})
	mustStatus(t, "close while forwarded", waiting, http.StatusConflict)
	mustContain(t, "close while forwarded", waiting, "投诉正等待责任部门回复")

	dept := login(t, e, "agent-b", "zh-CN")
	fw := dept.get(path)
	mustStatus(t, "responsible department", fw, http.StatusOK)
	mustContain(t, "responsible department", fw, `id="reply-form"`, "请核实退款")
	mustStatus(t, "reply", dept.post(path+"/reply", url.Values{"reply": {"已退款 200 元"}}), http.StatusSeeOther)
	supB := login(t, e, "sup-b", "en")
	if p := supB.get(path); p.status != 200 || strings.Contains(p.body, `id="close-form"`) {
		t.Errorf("sup-b (forwarded department): %d, close form offered: %v", p.status, strings.Contains(p.body, `id="close-form"`))
	}
	mustStatus(t, "call back", sup.post(path+"/callback", url.Values{"result": {"resolved"}, "satisfaction": {"satisfied"}}), http.StatusSeeOther)
	mustStatus(t, "close", sup.post(path+"/close", url.Values{"note": {"退款完成，客户满意"}}), http.StatusSeeOther)
	closed := sup.get(path)
	mustContain(t, "closed", closed, "投诉已结案", `id="ticket-closed"`, "部门回复", "已退款 200 元", "回访客户", "满意", `id="reopen-form"`)
	mustStatus(t, "reopen", sup.post(path+"/reopen", url.Values{"reason": {"客户再次来电"}}), http.StatusSeeOther)
	mustContain(t, "reopened", sup.get(path), "重新打开 1 次")

	list := sup.get("/complaints?severity=general")
	mustContain(t, "list", list, "客户称坐席推诿", "¥5,000")
	mustContain(t, "list filtered out", sup.get("/complaints?status=closed"), "没有符合条件的投诉")
	rep := sup.get("/complaints/report")
	mustStatus(t, "report", rep, http.StatusOK)
	mustContain(t, "report", rep, `<strong id="rep-total">1</strong>`, `<strong id="rep-penalty">¥5,000</strong>`, "User agent-a1")

	mustStatus(t, "agent-a1b", login(t, e, "agent-a1b", "en").get(path), http.StatusNotFound)
	mustStatus(t, "supervisor sets penalties", sup.post("/complaints/penalties", url.Values{"minor_fen": {"1"}, "general_fen": {"1"}, "serious_fen": {"1"}}), http.StatusForbidden)
	admin := login(t, e, "admin1", "zh-CN")
	badYuan := admin.post("/complaints/penalties", url.Values{"minor_fen": {"一千"}, "general_fen": {"5000"}, "serious_fen": {"10000"}})
	mustStatus(t, "bad amount", badYuan, http.StatusUnprocessableEntity)
	mustContain(t, "bad amount", badYuan, "请输入金额（元）")
	mustStatus(t, "penalties", admin.post("/complaints/penalties", url.Values{"minor_fen": {"1,500"}, "general_fen": {"5000"}, "serious_fen": {"¥10,000"}}), http.StatusSeeOther)
	mustContain(t, "penalties", sup.get("/complaints/penalties"), `value="1,500"`, `value="10,000"`, "修改处罚标准需要系统设置权限")
}
