package appraisalui_test

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/hotline-cc/hotline/internal/crm/crmtest"
	"github.com/hotline-cc/hotline/internal/testenv"
)

// TestBrowserManualEntry drives the appraisal pages in headless Chromium
// as a supervisor: an agent's month has no score until the QA items and
// the response time (no calls: no report figure) are entered; entering
// them gives 120 points, changing the error count to 2 gives 116, and the
// month table shows it. The scheme form adds a tier row. No page scrolls
// sideways at 1366×768. Screenshots go to the test's directory and
// $HOTLINE_SCREENSHOT_DIR.
func TestBrowserManualEntry(t *testing.T) {
	chrome := testenv.Tool(t, "chromium", "chromium")
	e, o := start(t)
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
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
	noOverflow := func(page string) {
		t.Helper()
		w, err := chromedp.Run(bctx, chromedp.Evaluate[int](`document.documentElement.scrollWidth`))
		if err != nil || w > 1366 {
			t.Errorf("%s is %d px wide at 1366×768 (%v)", page, w, err)
		}
	}
	shot := func(name string) {
		t.Helper()
		png, err := chromedp.Run(bctx, chromedp.CaptureScreenshot())
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range []string{t.TempDir(), os.Getenv("HOTLINE_SCREENSHOT_DIR")} {
			if d != "" {
				os.WriteFile(filepath.Join(d, name), png, 0o644)
			}
		}
	}
	m := string(lastMonth())
	agentPage := e.URL + "/appraisal/agents/" + strconv.FormatInt(o.Users["agent-a1"].ID, 10) + "?month=" + m
	run("log in",
		chromedp.EmulateViewport(1366, 768),
		chromedp.Navigate(e.URL+"/lang?to=zh-CN&next=/login"),
		chromedp.SendKeys(chromedp.CSS("#f-username"), "sup-a"),
		chromedp.SendKeys(chromedp.CSS("#f-password"), crmtest.Password("sup-a")),
		chromedp.Click(chromedp.CSS("#login-form button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS("main.content")),
		chromedp.Navigate(agentPage),
		chromedp.WaitVisible(chromedp.CSS(`#appraisal-total[data-total="—"]`)),
		chromedp.WaitVisible(chromedp.CSS("#appraisal-incomplete")),
	)
	shot("appraisal-agent-incomplete-1366x768.png")
	enter := func(item, value, total string) {
		t.Helper()
		run("enter "+item+" = "+value,
			chromedp.SetValue(chromedp.CSS("#manual-value-"+item), value),
			chromedp.SetValue(chromedp.CSS("#manual-note-"+item), "抽检 "+value),
			chromedp.Click(chromedp.CSS("#manual-form-"+item+" button[type=submit]")),
			// The page after the save: the entry is there, and the score.
			chromedp.WaitVisible(chromedp.CSS(`tr[data-item="`+item+`"][data-entry="`+value+`"]`)),
			chromedp.WaitVisible(chromedp.CSS(`#appraisal-total[data-total="`+total+`"]`)),
		)
	}
	enter("errors", "0", "—")
	enter("response", "20", "—")
	enter("accuracy", "0", "120")
	if got := text("#appraisal-bonus"); got != "¥500.00" {
		t.Errorf("bonus %q at 120 points", got)
	}
	enter("errors", "2", "116")
	if got := text(`tr[data-item="errors"] td[data-points]`); got != "110" {
		t.Errorf("errors points %q", got)
	}
	if got := text("#appraisal-bonus"); got != "¥400.00" {
		t.Errorf("bonus %q at 116 points", got)
	}
	noOverflow("agent page")
	shot("appraisal-agent-1366x768.png")

	run("month table",
		chromedp.Navigate(e.URL+"/appraisal?month="+m),
		chromedp.WaitVisible(chromedp.CSS(`#appraisal-table tr[data-agent="`+strconv.FormatInt(o.Users["agent-a1"].ID, 10)+`"] td[data-total="116"]`)),
	)
	noOverflow("month table")
	shot("appraisal-month-zh-1366x768.png")

	schemes, err := e.App.Mgmt.Appraisal.Schemes(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	form := e.URL + "/appraisal/schemes/" + strconv.FormatInt(schemes[0].ID, 10) + "/edit"
	run("scheme form: add a tier",
		chromedp.Navigate(form),
		chromedp.WaitVisible(chromedp.CSS("#scheme-form")),
		chromedp.Click(chromedp.CSS(`button[data-add-row="items.0.tiers"]`)),
		chromedp.WaitVisible(chromedp.CSS(`input[name="items.0.tiers.7.points"]`)),
		chromedp.Click(chromedp.CSS("#add-item")),
		chromedp.WaitVisible(chromedp.CSS(`input[name="items.4.key"]`)),
		// A new item is entered by hand until its source is chosen.
		chromedp.WaitNotVisible(chromedp.CSS(`select[name="items.4.source.metric"]`)),
	)
	hidden, err := chromedp.Run(bctx, chromedp.Evaluate[bool](`document.querySelector('select[name="items.0.source.metric"]').offsetParent === null`))
	if err != nil || !hidden {
		t.Errorf("the metric select of a QA item is shown (%v)", err)
	}
	noOverflow("scheme form")
	shot("appraisal-scheme-form-1366x768.png")
}
