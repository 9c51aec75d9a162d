package appraisalui_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hotline-cc/hotline/internal/appraisal"
)

func lastMonth() appraisal.Month { return appraisal.MonthOf(time.Now()).Add(-1) }

func f64(v *float64) string {
	if v == nil {
		return ""
	}
	return strconv.FormatFloat(*v, 'f', -1, 64)
}

func edgeValues(v url.Values, p string, rg appraisal.Range) {
	v.Set(p+".from", f64(rg.From))
	v.Set(p+".to", f64(rg.To))
	v.Set(p+".from_op", map[bool]string{true: "ge", false: "gt"}[rg.FromIncl])
	v.Set(p+".to_op", map[bool]string{true: "le", false: "lt"}[rg.ToIncl])
}

// formValues is what the scheme form posts for a definition, with the
// form's row indices starting at 10 (as after rows were added and removed).
func formValues(name string, version int, d appraisal.Definition) url.Values {
	v := url.Values{"name": {name}, "version": {strconv.Itoa(version)}, "max": {f64(&d.Max)},
		"probation_months": {strconv.Itoa(d.ProbationMonths)}}
	if d.Targets.All {
		v.Set("targets.all", "on")
	}
	for _, id := range d.Targets.DepartmentIDs {
		v.Add("targets.departments", strconv.FormatInt(id, 10))
	}
	for i, it := range d.Items {
		p := fmt.Sprintf("items.%d", i+10)
		v.Set(p+".key", it.Key)
		v.Set(p+".name", it.Name)
		v.Set(p+".name_en", it.NameEn)
		v.Set(p+".weight", f64(&it.Weight))
		v.Set(p+".source.kind", it.Source.Kind)
		v.Set(p+".source.metric", it.Source.Metric)
		v.Set(p+".source.qa", it.Source.QA)
		v.Set(p+".source.complaints", it.Source.Complaints)
		for j, t := range it.Tiers {
			tp := fmt.Sprintf("%s.tiers.%d", p, j+10)
			edgeValues(v, tp, t.Range)
			v.Set(tp+".points", f64(&t.Points))
		}
	}
	for j, b := range d.Bonus {
		p := fmt.Sprintf("bonus.%d", j+10)
		edgeValues(v, p, b.Range)
		v.Set(p+".amount", f64(&b.Amount))
	}
	for _, r := range d.Rules {
		p := "rules." + r.Kind
		v.Set(p+".on", "on")
		for c, cd := range r.Any {
			cp := fmt.Sprintf("%s.any.%d", p, c+10)
			v.Set(cp+".measure", cd.Measure)
			v.Set(cp+".months", strconv.Itoa(cd.Months))
			v.Set(cp+".count", strconv.Itoa(cd.Count))
			v.Set(cp+".cmp", cd.Cmp)
			v.Set(cp+".threshold", f64(&cd.Threshold))
		}
	}
	if c := d.Commission; c != nil {
		v.Set("commission.on", "on")
		v.Set("commission.count.kind", c.Count.Kind)
		v.Set("commission.amount.kind", c.Amount.Kind)
		for j, t := range c.Tiers {
			p := fmt.Sprintf("commission.tiers.%d", j+10)
			v.Set(p+".min", f64(&t.Min))
			v.Set(p+".pct", f64(&t.Pct))
		}
	}
	// A blank row the server must ignore.
	v.Set("items.99.tiers.0.from_op", "gt")
	return v
}

// The month table, an agent's page and manual entry, in scope; closing
// and reopening from the month page.
func TestMonthAndAgentPages(t *testing.T) {
	e, o := start(t)
	m := lastMonth()
	ms := string(m)
	sup := login(t, e, "sup-a", "zh-CN")
	p := sup.get("/appraisal?month=" + ms)
	mustStatus(t, "month page", p, http.StatusOK)
	mustContain(t, "month page", p, "User agent-a1", "User agent-a2", "月度考核", `id="close-form"`)
	mustLack(t, "month page", p, "User agent-b", `id="reopen-form"`)

	a1 := strconv.FormatInt(o.Users["agent-a1"].ID, 10)
	p = sup.get("/appraisal/agents/" + a1 + "?month=" + ms)
	mustStatus(t, "agent page", p, http.StatusOK)
	mustContain(t, "agent page", p, "暂无质检数据，请手工录入", "本月报表无此数据", `id="manual-value-errors"`, "投诉：有责投诉数")
	for item, v := range map[string]string{"errors": "2", "response": "20", "accuracy": "0"} {
		p = sup.post("/appraisal/agents/"+a1+"/manual", url.Values{"item": {item}, "month": {ms}, "value": {v}, "note": {"抽检表"}})
		mustStatus(t, "enter "+item, p, http.StatusSeeOther)
	}
	p = sup.get("/appraisal/agents/" + a1 + "?month=" + ms)
	// 110 × 40 % + 120 × 25 % + 120 × 20 % + 120 × 15 % = 116; bonus ¥400.
	mustContain(t, "after entering", p, `id="appraisal-total" data-total="116"`, "¥400.00", "sup-a 手工录入", "录入 2", "“抽检表”")
	p = sup.post("/appraisal/agents/"+a1+"/manual", url.Values{"item": {"errors"}, "month": {ms}, "value": {"abc"}})
	mustStatus(t, "not a number", p, http.StatusUnprocessableEntity)
	mustContain(t, "not a number", p, "须为数字", `value="abc"`)
	p = sup.post("/appraisal/agents/"+a1+"/manual", url.Values{"item": {"errors"}, "month": {ms}, "value": {"-3"}})
	mustStatus(t, "outside the tiers", p, http.StatusUnprocessableEntity)
	mustContain(t, "outside the tiers", p, "该数值不在此考核项的任何档位内")

	agent := login(t, e, "agent-a1", "en")
	p = agent.get("/appraisal?month=" + ms)
	mustStatus(t, "agent's month page", p, http.StatusOK)
	mustContain(t, "agent's month page", p, "User agent-a1", ">116<")
	mustLack(t, "agent's month page", p, "User agent-a1b", `id="close-form"`)
	p = agent.get("/appraisal/agents/" + a1 + "?month=" + ms)
	mustContain(t, "agent's own page", p, "no QA data yet", "entered by sup-a")
	mustLack(t, "agent's own page", p, `id="manual-form-errors"`)
	p = agent.get("/appraisal/agents/" + strconv.FormatInt(o.Users["agent-a1b"].ID, 10) + "?month=" + ms)
	mustStatus(t, "another agent's page", p, http.StatusNotFound)
	p = agent.post("/appraisal/agents/"+a1+"/manual", url.Values{"item": {"errors"}, "month": {ms}, "value": {"0"}})
	mustStatus(t, "an agent entering", p, http.StatusForbidden)

	admin := login(t, e, "admin1", "zh-CN")
	scheme, err := e.App.Mgmt.Appraisal.SchemeOf(context.Background(), o.Users["agent-a1"].ID)
	if err != nil {
		t.Fatal(err)
	}
	sid := strconv.FormatInt(scheme, 10)
	p = admin.post("/appraisal/close", url.Values{"scheme": {sid}, "month": {ms}})
	mustStatus(t, "close", p, http.StatusSeeOther)
	p = admin.get(p.loc)
	mustContain(t, "closed month", p, "已月结。", `data-status="closed"`, `id="reopen-form"`)
	p = sup.post("/appraisal/agents/"+a1+"/manual", url.Values{"item": {"errors"}, "month": {ms}, "value": {"0"}})
	mustStatus(t, "a value for a closed month", p, http.StatusConflict)
	mustContain(t, "a value for a closed month", p, "已月结，需重新开放后才能修改")
	p = admin.post("/appraisal/reopen", url.Values{"scheme": {sid}, "month": {ms}})
	p = admin.get(p.loc)
	mustContain(t, "reopen without a reason", p, "未完成：", `data-status="closed"`)
	p = admin.post("/appraisal/reopen", url.Values{"scheme": {sid}, "month": {ms}, "reason": {"补录质检"}})
	p = admin.get(p.loc)
	mustContain(t, "reopened", p, "已重新开放。", `data-status="open"`, "补录质检")
}

// The scheme pages: the list, a version, the form with its refusals beside
// the rows, a new scheme, a change making version 2.
func TestSchemePages(t *testing.T) {
	e, o := start(t)
	admin := login(t, e, "admin1", "zh-CN")
	p := admin.get("/appraisal/schemes")
	mustStatus(t, "schemes", p, http.StatusOK)
	mustContain(t, "schemes", p, appraisal.DefaultName, "全体坐席", "出错数 40%")
	ss, err := e.App.Mgmt.Appraisal.Schemes(context.Background())
	if err != nil || len(ss) != 1 {
		t.Fatalf("schemes %v %v", ss, err)
	}
	def := ss[0]
	sid := strconv.FormatInt(def.ID, 10)
	p = admin.get("/appraisal/schemes/" + sid)
	mustStatus(t, "scheme", p, http.StatusOK)
	mustContain(t, "scheme", p, "0 ≤ x ≤ 1", "1 &lt; x ≤ 3", "x &gt; 11", "30 &lt; x ≤ 120", "110 ≤ 得分 &lt; 120", "¥400.00",
		"连续 3 个月平均分 &gt; 110", "近 12 个月内累计 3 个月得分 &lt; 90", "报表：平均应答速度")
	p = admin.get("/appraisal/schemes/" + sid + "/edit")
	mustStatus(t, "edit form", p, http.StatusOK)
	mustContain(t, "edit form", p, `name="items.0.tiers.0.from"`, `name="rules.dismissal.any.1.months"`, `id="tmpl-tier"`, `__P__.tiers.__N__.points`)

	d := appraisal.DefaultDefinition()
	d.Targets = appraisal.Targets{DepartmentIDs: []int64{o.DeptB}}
	d.Commission = appraisal.SalesCommission()
	gap := d
	gap.Items = append([]appraisal.Item(nil), d.Items...)
	gap.Items[1].Tiers = append([]appraisal.Tier(nil), d.Items[1].Tiers...)
	gap.Items[1].Tiers[1].From = ptr(60) // 30 < x ≤ 60 is missing
	form := formValues("销售部考核", 0, gap)
	form.Set("items.11.weight", "abc")
	p = admin.post("/appraisal/schemes", form)
	mustStatus(t, "not a number", p, http.StatusUnprocessableEntity)
	mustContain(t, "not a number", p, "须为数字", `value="abc"`)
	p = admin.post("/appraisal/schemes", formValues("销售部考核", 0, gap))
	mustStatus(t, "a gap", p, http.StatusUnprocessableEntity)
	mustContain(t, "a gap", p, "30 与 60 之间有空档")
	if i := strings.Index(p.body, "30 与 60 之间有空档"); i < 0 || !strings.Contains(p.body[max(0, i-1500):i], `name="items.11.tiers.11.points"`) {
		t.Error("the gap is not shown at the row of items.11.tiers.11")
	}
	p = admin.post("/appraisal/schemes", formValues("销售部考核", 0, d))
	mustStatus(t, "create", p, http.StatusSeeOther)
	p = admin.get(p.loc)
	mustContain(t, "created", p, "销售部考核", "已保存为第 1 版", "部门 销售二部", "≥ 10", "15%")
	ss, _ = e.App.Mgmt.Appraisal.Schemes(context.Background())
	var sales appraisal.Scheme
	for _, s := range ss {
		if s.Name == "销售部考核" {
			sales = s
		}
	}
	if sales.Definition.Commission == nil || len(sales.Definition.Items[0].Tiers) != 7 || len(sales.Definition.Rules) != 6 {
		t.Fatalf("saved %+v", sales.Definition)
	}
	d.Bonus[4].Amount = 800
	p = admin.post(fmt.Sprintf("/appraisal/schemes/%d", sales.ID), formValues("销售部考核", 1, d))
	mustStatus(t, "update", p, http.StatusSeeOther)
	p = admin.get(p.loc)
	mustContain(t, "updated", p, "已保存为第 2 版", "¥800.00")
	p = admin.post(fmt.Sprintf("/appraisal/schemes/%d", sales.ID), formValues("销售部考核", 1, d))
	mustStatus(t, "stale version", p, http.StatusConflict)
	mustContain(t, "stale version", p, "方案已被他人修改（现为第 2 版）")

	sup := login(t, e, "sup-a", "en")
	p = sup.get("/appraisal/schemes/new")
	mustStatus(t, "a supervisor's new form", p, http.StatusOK)
	p = sup.post("/appraisal/schemes", formValues("All for me", 0, appraisal.DefaultDefinition()))
	mustStatus(t, "a supervisor's scheme for all", p, http.StatusForbidden)
	mustContain(t, "a supervisor's scheme for all", p, "needs the all-departments data scope")
	agent := login(t, e, "agent-a1", "en")
	mustStatus(t, "an agent's scheme form", agent.get("/appraisal/schemes/new"), http.StatusForbidden)
	mustStatus(t, "an agent reads the schemes", agent.get("/appraisal/schemes/"+sid), http.StatusOK)
}

func ptr(v float64) *float64 { return &v }
