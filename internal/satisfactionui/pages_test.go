package satisfactionui_test

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"testing"
	"time"

	"github.com/hotline-cc/hotline/internal/crm/crmtest"
	"github.com/hotline-cc/hotline/internal/store/storetest"
)

// The pages walk a case through every step by their forms, in Chinese:
// the queue and the case show what happened, a refused form comes back
// with its error in place, and pages answer 403 or 404 outside the
// permission or the scope.
func TestPagesWorkflow(t *testing.T) {
	t.Parallel()
	e := crmtest.Start(t, storetest.URLs(t)["sqlite"](t))
	o := e.MakeOrg()
	as := afterSalesTeam(t, e, o)
	rate(t, e, "call-zh-1", o.Users["agent-a1"])
	sup := login(t, e, "sup-a", "zh-CN")

	q := sup.get("/satisfaction")
	mustStatus(t, "queue", q, http.StatusOK)
	mustContain(t, "queue", q, "回访队列", "call-zh-1", "待复核", "User agent-a1")
	m := regexp.MustCompile(`href="/satisfaction/cases/(\d+)"`).FindStringSubmatch(q.body)
	if m == nil {
		t.Fatal("no case link in the queue")
	}
	path := "/satisfaction/cases/" + m[1]
	c := sup.get(path)
	mustStatus(t, "case", c, http.StatusOK)
	mustContain(t, "case", c, `id="review-form"`, "等待时间长", "评价 1/5：非常不满意", "该通话没有录音")

	bad := sup.post(path+"/review", url.Values{"finding": {"等了很久"}})
	mustStatus(t, "review without reason", bad, http.StatusUnprocessableEntity)
	mustContain(t, "review without reason", bad, "请选择一个启用的原因", "等了很久")

	reason := regexp.MustCompile(`<option value="(\d+)">等待时间长</option>`).FindStringSubmatch(c.body)[1]
	mustStatus(t, "review", sup.post(path+"/review", url.Values{"reason_id": {reason}, "finding": {"排队 8 分钟"}}), http.StatusSeeOther)
	c = sup.get(path)
	mustContain(t, "reviewed", c, "复核已保存", "已复核", "排队 8 分钟", `id="assign-form"`, "售后组")

	past := time.Now().Add(-time.Hour).Format("2006-01-02T15:04")
	bad = sup.post(path+"/assign", url.Values{"team_id": {fmt.Sprint(as)}, "due_at": {past}})
	mustStatus(t, "assign in the past", bad, http.StatusUnprocessableEntity)
	mustContain(t, "assign in the past", bad, "不能早于当前时间")
	due := time.Now().Add(2 * time.Hour).Format("2006-01-02T15:04")
	mustStatus(t, "assign", sup.post(path+"/assign", url.Values{"team_id": {fmt.Sprint(as)}, "due_at": {due}}), http.StatusSeeOther)
	early := sup.post(path+"/close", url.Values{"reason_id": {reason}, "outcome": {"x"}})
	mustStatus(t, "close too early", early, http.StatusConflict)
	mustContain(t, "close too early", early, "案件当前为“待回访”，不能执行此步骤")
	mustStatus(t, "call back", sup.post(path+"/callback", url.Values{"result": {"resolved"}, "note": {"已致歉"}}), http.StatusSeeOther)
	mustStatus(t, "close", sup.post(path+"/close", url.Values{"reason_id": {reason}, "outcome": {"已培训坐席"}}), http.StatusSeeOther)
	c = sup.get(path)
	mustContain(t, "closed", c, "案件已结案", `id="case-closed"`, "已培训坐席", "完成回访", "已解决")
	mustContain(t, "queue filtered", sup.get("/satisfaction?status=closed"), "call-zh-1")

	rep := sup.get("/satisfaction/report")
	mustStatus(t, "report", rep, http.StatusOK)
	mustContain(t, "report", rep, `<strong id="rep-total">1</strong>`, `<strong id="rep-closed">1</strong>`, "等待时间长", "满意度（CSAT）见统计报表")
	mustStatus(t, "reasons", sup.get("/satisfaction/reasons"), http.StatusOK)
	mustStatus(t, "add a reason", sup.post("/satisfaction/reasons", url.Values{"name": {"价格问题"}, "name_en": {"Price"}, "active": {"1"}}), http.StatusSeeOther)
	mustContain(t, "reasons", sup.get("/satisfaction/reasons"), "价格问题", "已添加原因")

	// Another department's supervisor sees nothing; an agent has no access.
	other := login(t, e, "sup-b", "en")
	mustStatus(t, "sup-b case", other.get(path), http.StatusNotFound)
	mustContain(t, "sup-b queue", other.get("/satisfaction"), "No cases match")
	agent := login(t, e, "agent-a1", "en")
	mustStatus(t, "agent queue", agent.get("/satisfaction"), http.StatusForbidden)
	qa := login(t, e, "qa1", "en")
	mustStatus(t, "qa reviews", qa.post(path+"/review", url.Values{}), http.StatusForbidden)
	if p := qa.get(path); p.status != 200 || regexp.MustCompile(`id="(review|assign|callback|close)-form"`).MatchString(p.body) {
		t.Errorf("qa sees the case %d with forms", p.status)
	}
}
