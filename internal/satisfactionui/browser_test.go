package satisfactionui_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/hotline-cc/hotline/internal/crm/crmtest"
	"github.com/hotline-cc/hotline/internal/satisfaction"
	"github.com/hotline-cc/hotline/internal/store/storetest"
	"github.com/hotline-cc/hotline/internal/testenv"
)

// TestBrowserReviewToClosure drives the pages in headless Chromium: a
// supervisor opens a very-unsatisfied rating from the review queue,
// reviews it, assigns the call-back to the after-sales team (the person
// picker follows the chosen team), records the call-back and closes the
// case; no page scrolls sideways at 1366×768 in either language.
// Screenshots go to $HOTLINE_SCREENSHOT_DIR when set.
func TestBrowserReviewToClosure(t *testing.T) {
	t.Parallel()
	chrome := testenv.Tool(t, "chromium", "chromium")
	e := crmtest.Start(t, storetest.URLs(t)["sqlite"](t))
	o := e.MakeOrg()
	as := afterSalesTeam(t, e, o)
	rate(t, e, "call-browser-1", o.Users["agent-a1"])
	reasons, err := e.App.Mgmt.Satisfaction.Reasons(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	attitude := ""
	for _, r := range reasons {
		if r.Code == "attitude" {
			attitude = fmt.Sprint(r.ID)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	actx, acancel := chromedp.NewExecAllocator(ctx, chromedp.ExecPath(chrome), chromedp.Headless, chromedp.NoSandbox,
		chromedp.DisableGPU, chromedp.NoFirstRun, chromedp.NoDefaultBrowserCheck, chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1366, 768))
	defer acancel()
	bctx, bcancel := chromedp.NewContext(actx)
	defer bcancel()
	run := func(what string, steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(bctx, steps...); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	text := func(sel string) string {
		t.Helper()
		s, err := chromedp.Run(bctx, chromedp.Text(chromedp.CSS(sel)))
		if err != nil {
			t.Fatalf("text of %s: %v", sel, err)
		}
		return s
	}
	shot := func(name string) {
		t.Helper()
		if d := os.Getenv("HOTLINE_SCREENSHOT_DIR"); d != "" {
			if png, err := chromedp.Run(bctx, chromedp.CaptureScreenshot()); err == nil {
				os.WriteFile(filepath.Join(d, name), png, 0o644)
			}
		}
	}
	noOverflow := func(p string) {
		t.Helper()
		w, err := chromedp.Run(bctx, chromedp.Evaluate[int](`document.documentElement.scrollWidth`))
		if err != nil || w > 1366 {
			t.Errorf("%s is %d px wide at 1366×768 (%v)", p, w, err)
		}
	}
	run("log in",
		chromedp.EmulateViewport(1366, 768),
		chromedp.Navigate(e.URL+"/lang?to=zh-CN&next=/login"),
		chromedp.SendKeys(chromedp.CSS("#f-username"), "sup-a"),
		chromedp.SendKeys(chromedp.CSS("#f-password"), crmtest.Password("sup-a")),
		chromedp.Click(chromedp.CSS("#login-form button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS("main.content")),
	)
	run("open the case from the queue",
		chromedp.Navigate(e.URL+"/satisfaction"),
		chromedp.WaitVisible(chromedp.CSS(`#cases-table tr[data-call="call-browser-1"]`)),
		chromedp.Click(chromedp.CSS(`#cases-table tr[data-call="call-browser-1"] a`)),
		chromedp.WaitVisible(chromedp.CSS("#review-form")),
	)
	shot("satisfaction-case-new-zh.png")
	run("review",
		chromedp.SetValue(chromedp.CSS("#f-reason_id"), attitude),
		chromedp.SendKeys(chromedp.CSS("#f-finding"), "坐席语气生硬，打断客户"),
		chromedp.Click(chromedp.CSS("#review-form button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS("#assign-form")),
	)
	// The person picker shows only the chosen team's members.
	hidden, err := chromedp.Run(bctx, chromedp.Evaluate[bool](fmt.Sprintf(`(function () {
		var team = document.getElementById("f-team_id");
		team.value = "%d";
		team.dispatchEvent(new Event("change"));
		var opts = Array.prototype.filter.call(document.querySelectorAll("#f-user_id option"), function (o) { return o.value !== ""; });
		return opts.length > 0 && opts.every(function (o) { return o.hidden === (o.getAttribute("data-group") !== "%d"); });
	})()`, as, as)))
	if err != nil || !hidden {
		t.Errorf("the person picker does not follow the team: %v %v", hidden, err)
	}
	run("assign",
		chromedp.Click(chromedp.CSS("#assign-form button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS("#callback-form")),
	)
	run("call back",
		chromedp.SetValue(chromedp.CSS("#f-result"), satisfaction.ResultResolved),
		chromedp.SendKeys(chromedp.CSS("#callback-form #f-note"), "已致歉，客户表示理解"),
		chromedp.Click(chromedp.CSS("#callback-form button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS("#close-form")),
	)
	run("close",
		chromedp.SendKeys(chromedp.CSS("#f-outcome"), "已向坐席反馈并安排培训"),
		chromedp.Click(chromedp.CSS("#close-form button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS("#case-closed")),
	)
	if got := text("#timeline"); !strings.Contains(got, "坐席语气生硬") || !strings.Contains(got, "售后组") ||
		!strings.Contains(got, "已致歉") || !strings.Contains(got, "已向坐席反馈") {
		t.Errorf("timeline %q", got)
	}
	if got := text(".flash-ok"); !strings.Contains(got, "已结案") {
		t.Errorf("flash %q", got)
	}
	noOverflow("case")
	shot("satisfaction-case-closed-zh.png")
	for _, lang := range []string{"en", "zh-CN"} {
		run("switch to "+lang, chromedp.Navigate(e.URL+"/lang?to="+lang+"&next=/satisfaction"), chromedp.WaitVisible(chromedp.CSS("main.content")))
		for _, p := range []string{"/satisfaction", "/satisfaction/report?period=week", "/satisfaction/reasons"} {
			run("open "+p, chromedp.Navigate(e.URL+p), chromedp.WaitVisible(chromedp.CSS("main.content")))
			noOverflow(p + " (" + lang + ")")
			if strings.Contains(p, "report") {
				if got := text("#rep-closed"); got != "1" {
					t.Errorf("report closed %q", got)
				}
				shot("satisfaction-report-" + lang + ".png")
			}
		}
	}
}
