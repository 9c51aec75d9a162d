package deskui_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/hotline-cc/hotline/internal/dialer"
)

func campaignConfig() dialer.Config { return dialer.Config{Mode: dialer.Progressive, Queue: "sales"} }

// campaignForm is a complete, valid campaign form.
func campaignForm(name string) url.Values {
	return url.Values{"name": {name}, "mode": {"preview"}, "queue": {"support"}, "caller_id": {"01088886666"},
		"timezone": {"Asia/Shanghai"}, "days": {"mon", "wed", "fri"}, "hours": {"09:00-12:00, 13:30-20:00"},
		"max_attempts": {"4"}, "ring_timeout_sec": {"30"}, "retry_busy_min": {"15"}, "retry_no_answer_min": {"90"},
		"retry_a_min": {"20"}, "retry_b_min": {"2880"}, "abandon_cap": {"2.5"}, "max_ratio": {"2"},
		"script":       {"您好，我是小王。\r\n耽误您一分钟。"},
		"objections":   {"太贵了 = 我们有三个月免费试用。\n\n没时间 = 我两分钟就说完 = 真的。"},
		"dispositions": {"sale | 成交 Sale | success final\ninterested | 有意向\nrefused | 拒绝 | final, dnc"}}
}

// A campaign is created and changed through the form: every input the
// page can check is checked and reported on its input with what was typed
// kept; what the dialer refuses lands on its input too; a valid form saves
// exactly what was typed.
func TestCampaignForm(t *testing.T) {
	t.Parallel()
	e := start(t)
	sup := e.login("supervisor1", demoPW, "zh-CN")

	n := sup.get("/desk/campaigns/new")
	mustStatus(t, "new", n, http.StatusOK)
	mustContain(t, "new", n, `id="campaign-form"`, `value="Asia/Shanghai"`, `value="09:00-21:00"`, "sale | 成交 Sale | success final",
		`<option value="sales">sales</option>`, `<option value="support">support</option>`, "预测式")

	bad := campaignForm("")
	bad.Set("queue", "nope")
	bad.Set("timezone", "Mars/Olympus")
	bad.Del("days")
	bad.Set("hours", "25:00-26:00")
	bad.Set("abandon_cap", "80")
	bad.Set("max_attempts", "-1")
	bad.Set("objections", "太贵了 = 有试用\n这一行没有等号")
	bad.Set("dispositions", "sale | 成交\nsale | 又一个")
	bad.Set("script", "第一行\n第二行 <b>")
	p := sup.post("/desk/campaigns", bad)
	mustStatus(t, "invalid campaign", p, http.StatusUnprocessableEntity)
	mustContain(t, "invalid campaign", p, "队列 nope 不存在", "Mars/Olympus 不是有效时区", "请至少选择一天",
		"25:00-26:00 不是形如 09:00-21:00 的时段", "必须在 0 到 50 之间", "必须是大于或等于 0 的整数",
		"第 2 行：请写成：客户异议 = 标准回答", "第 2 行：代码重复",
		"第一行\n第二行 &lt;b&gt;", "这一行没有等号", `value="80"`, `value="-1"`)
	if c, _ := e.app.Dialer.Campaigns(e.ctx); len(c) != 0 {
		t.Fatalf("an invalid form saved %d campaigns", len(c))
	}
	// The dialer's own refusals: the name is required, the ratio is 1 to 10.
	bad = campaignForm("")
	bad.Set("max_ratio", "20")
	p = sup.post("/desk/campaigns", bad)
	mustStatus(t, "no name", p, http.StatusUnprocessableEntity)
	mustContain(t, "no name", p, "aria-invalid")
	bad = campaignForm("比例过高")
	bad.Set("max_ratio", "20")
	p = sup.post("/desk/campaigns", bad)
	mustStatus(t, "ratio", p, http.StatusUnprocessableEntity)
	mustContain(t, "ratio", p, "必须在 1 到 10 之间", `value="比例过高"`)

	p = sup.post("/desk/campaigns", campaignForm("秋季回访"))
	mustStatus(t, "create", p, http.StatusSeeOther)
	id := idAtEnd(t, p.loc)
	show := sup.follow(p)
	mustContain(t, "created", show, "外呼任务 秋季回访 已保存。", "预览式", "support", "周一 周三 周五", "09:00-12:00",
		"我们有三个月免费试用。", "有意向")
	c, err := e.app.Dialer.Campaign(e.ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	cfg := c.Config
	if cfg.Mode != "preview" || cfg.Queue != "support" || cfg.CallerID != "01088886666" || strings.Join(cfg.Days, ",") != "mon,wed,fri" ||
		strings.Join(cfg.Hours, ",") != "09:00-12:00,13:30-20:00" || cfg.MaxAttempts != 4 || cfg.RingTimeoutSec != 30 ||
		cfg.RetryBusyMin != 15 || cfg.RetryNoAnswerMin != 90 || cfg.RetryAMin != 20 || cfg.RetryBMin != 2880 ||
		cfg.AbandonCap != 0.025 || cfg.MaxRatio != 2 {
		t.Fatalf("saved config: %+v", cfg)
	}
	if len(cfg.Objections) != 2 || cfg.Objections[1].Objection != "没时间" || cfg.Objections[1].Answer != "我两分钟就说完 = 真的。" {
		t.Fatalf("objections: %+v", cfg.Objections)
	}
	want := []dialer.Disposition{{Key: "sale", Label: "成交 Sale", Success: true, Final: true}, {Key: "interested", Label: "有意向"},
		{Key: "refused", Label: "拒绝", Final: true, DNC: true}}
	if len(cfg.Dispositions) != len(want) {
		t.Fatalf("dispositions: %+v", cfg.Dispositions)
	}
	for i := range want {
		if cfg.Dispositions[i] != want[i] {
			t.Fatalf("disposition %d: %+v, want %+v", i, cfg.Dispositions[i], want[i])
		}
	}
	if !strings.Contains(show.body, "您好，我是小王。\n耽误您一分钟。") {
		t.Fatalf("the script lost its line break: %s", excerpt(show.body))
	}

	// Edit: the form shows what is stored; a taken name is refused on the
	// name with the typed values kept; empty numbers take the defaults.
	mustStatus(t, "second", sup.post("/desk/campaigns", campaignForm("春季回访")), http.StatusSeeOther)
	ed := sup.get("/desk/campaigns/" + itoa(id) + "/edit")
	mustStatus(t, "edit", ed, http.StatusOK)
	mustContain(t, "edit", ed, `value="秋季回访"`, "您好，我是小王。\n耽误您一分钟。", "没时间 = 我两分钟就说完 = 真的。",
		"refused | 拒绝 | final dnc", `value="2.5"`, `value="mon" checked`)
	form := campaignForm("春季回访")
	form.Set("caller_id", "01099990000")
	p = sup.post("/desk/campaigns/"+itoa(id), form)
	mustStatus(t, "taken name", p, http.StatusUnprocessableEntity)
	mustContain(t, "taken name", p, "已有名为 春季回访 的外呼任务", `value="01099990000"`)
	form = campaignForm("秋季回访 二期")
	for _, k := range []string{"max_attempts", "retry_b_min", "abandon_cap", "max_ratio", "dispositions"} {
		form.Set(k, "")
	}
	mustStatus(t, "rename", sup.post("/desk/campaigns/"+itoa(id), form), http.StatusSeeOther)
	c, _ = e.app.Dialer.Campaign(e.ctx, id)
	if c.Name != "秋季回访 二期" || c.Config.MaxAttempts != 3 || c.Config.RetryBMin != 1440 || c.Config.AbandonCap != 0.03 ||
		c.Config.MaxRatio != 3 || len(c.Config.Dispositions) != len(dialer.DefaultDispositions) {
		t.Fatalf("defaults after clearing: %s %+v", c.Name, c.Config)
	}
	list := sup.get("/desk/campaigns")
	mustContain(t, "list", list, "秋季回访 二期", "春季回访", `href="/desk/campaigns/`+itoa(id)+`"`)
}

// Customers are put on a call list by a CRM filter (here a tag) in the
// manager's scope, skipping numbers on the do-not-call list and numbers
// already listed; the campaign starts, pauses and finishes.
func TestCampaignContactsAndStatus(t *testing.T) {
	t.Parallel()
	e := start(t)
	vip1 := e.customer("agent1001", "王一", "13800000001", "vip")
	e.customer("agent1002", "王二", "13800000002", "vip", "old")
	e.customer("agent1001", "王三", "13800000003", "vip")
	e.customer("agent1001", "赵四", "13800000004", "other")
	camp := e.campaign("贵宾回访", campaignConfig())
	cp := "/desk/campaigns/" + itoa(camp.ID)
	sup := e.login("supervisor1", demoPW, "en")
	mustStatus(t, "dnc", sup.post("/desk/campaigns/dnc", url.Values{"phone": {"138-0000-0003"}, "reason": {"complained"}}), http.StatusSeeOther)

	p := sup.post(cp+"/contacts", url.Values{"tag": {"vip"}})
	mustStatus(t, "add", p, http.StatusSeeOther)
	show := sup.follow(p)
	mustContain(t, "added", show, "2 customers added to the list (0 already on it, 1 on the do-not-call list, 0 without a number).",
		`id="contacts-table"`, "王一", "王二", "+8613800000001", `href="/customers/`+itoa(vip1.ID)+`"`)
	mustNotContain(t, "added", show, "王三", "赵四")
	p = sup.post(cp+"/contacts", url.Values{"tag": {"vip"}, "pool": {"exclude"}})
	mustContain(t, "again", sup.follow(p), "0 customers added to the list (2 already on it, 1 on the do-not-call list")
	p = sup.post(cp+"/contacts", url.Values{"pool": {"sideways"}})
	mustContain(t, "bad filter", sup.follow(p), "Not done:")
	cs, total, err := e.app.Dialer.Contacts(e.ctx, e.actor("supervisor1"), camp.ID, dialer.ContactFilter{})
	if err != nil || total != 2 || len(cs) != 2 || cs[0].Status != "pending" {
		t.Fatalf("contacts %+v %d %v", cs, total, err)
	}
	filtered := sup.get(cp + "?status=done")
	mustContain(t, "filtered", filtered, "No contacts on the list.")

	for _, step := range []struct{ status, flash, button string }{
		{"running", "Campaign 贵宾回访 started.", `id="btn-pause"`},
		{"paused", "Campaign 贵宾回访 paused.", `id="btn-start"`},
		{"done", "Campaign 贵宾回访 finished.", `id="btn-start"`},
	} {
		p := sup.post(cp+"/status", url.Values{"status": {step.status}})
		mustContain(t, step.status, sup.follow(p), step.flash, step.button)
		c, _ := e.app.Dialer.Campaign(e.ctx, camp.ID)
		if c.Status != step.status {
			t.Fatalf("status %s, want %s", c.Status, step.status)
		}
	}
	mustContain(t, "bad status", sup.follow(sup.post(cp+"/status", url.Values{"status": {"flying"}})), "Not done:")
	list := sup.get("/desk/campaigns")
	mustContain(t, "list", list, "2 / 2", "Finished")

	// A running campaign cannot be deleted; a finished one can.
	sup.post(cp+"/status", url.Values{"status": {"running"}})
	mustContain(t, "delete running", sup.follow(sup.post(cp+"/delete", nil)), "pause the campaign before deleting it")
	sup.post(cp+"/status", url.Values{"status": {"paused"}})
	mustContain(t, "delete", sup.follow(sup.post(cp+"/delete", nil)), "Campaign 贵宾回访 deleted.")
	mustStatus(t, "deleted", sup.get(cp), http.StatusNotFound)
}

// The do-not-call list: a bad number is refused on the form with what was
// typed; a number is added in E.164 and removed again.
func TestDoNotCallList(t *testing.T) {
	t.Parallel()
	e := start(t)
	sup := e.login("supervisor1", demoPW, "zh-CN")
	p := sup.post("/desk/campaigns/dnc", url.Values{"phone": {"12ab"}, "reason": {"测试"}})
	mustStatus(t, "bad number", p, http.StatusUnprocessableEntity)
	mustContain(t, "bad number", p, "不是有效号码", `value="12ab"`, `value="测试"`)
	p = sup.post("/desk/campaigns/dnc", url.Values{"phone": {"139 0013 9000"}, "reason": {"客户要求"}})
	list := sup.follow(p)
	mustContain(t, "added", list, "+8613900139000 已加入拒绝再打名单。", "客户要求", `id="dnc-table"`, "共 1 个号码")
	if l, _ := e.app.Dialer.DNC(e.ctx); len(l) != 1 || l[0].Phone != "+8613900139000" {
		t.Fatalf("dnc list %+v", l)
	}
	list = sup.follow(sup.post("/desk/campaigns/dnc/remove", url.Values{"phone": {"+8613900139000"}}))
	mustContain(t, "removed", list, "+8613900139000 已移出拒绝再打名单。", "拒绝再打名单为空。")
	again := sup.follow(sup.post("/desk/campaigns/dnc/remove", url.Values{"phone": {"+8613900139000"}}))
	mustContain(t, "removed twice", again, "未完成：该号码不在拒绝再打名单中")
	if l, _ := e.app.Dialer.DNC(e.ctx); len(l) != 0 {
		t.Fatalf("dnc list after removing %+v", l)
	}
}
