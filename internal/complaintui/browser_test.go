package complaintui_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/hotline-cc/hotline/internal/crm"
	"github.com/hotline-cc/hotline/internal/crm/crmtest"
	"github.com/hotline-cc/hotline/internal/store/storetest"
	"github.com/hotline-cc/hotline/internal/testenv"
)

// TestBrowserRegisterAndChecklist drives the pages in headless Chromium:
// an agent opens a call in the telephony UI, follows "new complaint from
// this call" to the prefilled form, registers the complaint and ticks the
// five handling steps on the ticket page; no complaint page scrolls
// sideways at 1366×768 in either language. Screenshots go to
// $HOTLINE_SCREENSHOT_DIR when set.
func TestBrowserRegisterAndChecklist(t *testing.T) {
	t.Parallel()
	chrome := testenv.Tool(t, "chromium", "chromium")
	e := crmtest.Start(t, storetest.URLs(t)["sqlite"](t))
	o := e.MakeOrg()
	if _, err := e.App.CRM.Create(context.Background(), o.Users["agent-a1"].Actor, crm.CustomerInput{Name: "周瑜", Phones: []string{"13600136000"}}); err != nil {
		t.Fatal(err)
	}
	callID := answeredCall(t, e, "call-browser-c1", "13600136000", o.Users["agent-a1"])
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
		chromedp.SendKeys(chromedp.CSS("#f-username"), "agent-a1"),
		chromedp.SendKeys(chromedp.CSS("#f-password"), crmtest.Password("agent-a1")),
		chromedp.Click(chromedp.CSS("#login-form button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS("main.content")),
	)
	run("from the call page to the form",
		chromedp.Navigate(e.URL+"/telephony/calls/"+callID),
		chromedp.WaitVisible(chromedp.CSS("#new-complaint")),
		chromedp.Click(chromedp.CSS("#new-complaint")),
		chromedp.WaitVisible(chromedp.CSS("#complaint-form")),
	)
	phone, err := chromedp.Run(bctx, chromedp.Value(chromedp.CSS("#f-contact_phone")))
	if err != nil || phone != "13600136000" || !strings.Contains(text("#from-call"), "周瑜") {
		t.Fatalf("the form is not prefilled from the call: phone %q (%v)", phone, err)
	}
	noOverflow("new complaint")
	shot("complaint-new-from-call-zh.png")
	run("register",
		chromedp.SendKeys(chromedp.CSS("#f-content"), "客户称多次来电未解决，威胁向12315投诉"),
		chromedp.Click(chromedp.CSS(`input[name=severity][value=general]`)),
		chromedp.Click(chromedp.CSS(`input[name=steps][value=calm]`)),
		chromedp.Click(chromedp.CSS("#complaint-form button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS("#checklist")),
	)
	for _, step := range []string{"listen", "analyse", "respond", "thank"} {
		run("tick "+step,
			chromedp.Click(chromedp.CSS(`#checklist li[data-step=`+step+`] button`)),
			chromedp.WaitVisible(chromedp.CSS(`#checklist li.cmp-done[data-step=`+step+`]`)),
		)
	}
	if got := text("#checklist h2"); !strings.Contains(got, "5/5") {
		t.Errorf("checklist heading %q", got)
	}
	if got := text("#timeline"); strings.Count(got, "完成步骤") != 4 || !strings.Contains(got, "登记投诉") {
		t.Errorf("timeline %q", got)
	}
	noOverflow("ticket")
	shot("complaint-ticket-checklist-zh.png")
	for _, lang := range []string{"en", "zh-CN"} {
		run("switch to "+lang, chromedp.Navigate(e.URL+"/lang?to="+lang+"&next=/complaints"), chromedp.WaitVisible(chromedp.CSS("main.content")))
		for _, p := range []string{"/complaints", "/complaints/new", "/complaints/report", "/complaints/penalties"} {
			run("open "+p, chromedp.Navigate(e.URL+p), chromedp.WaitVisible(chromedp.CSS("main.content")))
			noOverflow(p + " (" + lang + ")")
		}
	}
	shot("complaint-penalties-zh.png")
}
