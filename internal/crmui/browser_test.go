package crmui_test

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
	"github.com/hotline-cc/hotline/internal/testenv"
)

// TestBrowserCustomerFlow drives the CRM pages in headless Chromium: create
// a customer, import a 4,000-row CSV through the wizard (the progress
// updates itself and the report appears), and check that no CRM page
// scrolls sideways at 1366×768 in either language. Screenshots go to the
// test's directory and $HOTLINE_SCREENSHOT_DIR.
func TestBrowserCustomerFlow(t *testing.T) {
	chrome := testenv.Tool(t, "chromium", "chromium")
	e, _ := start(t)
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
	run("log in",
		chromedp.EmulateViewport(1366, 768),
		chromedp.Navigate(e.URL+"/lang?to=en&next=/login"),
		chromedp.SendKeys(chromedp.CSS("#f-username"), "sup-a"),
		chromedp.SendKeys(chromedp.CSS("#f-password"), crmtest.Password("sup-a")),
		chromedp.Click(chromedp.CSS("#login-form button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS("main.content")),
	)
	run("create a customer",
		chromedp.Navigate(e.URL+"/customers/new"),
		chromedp.SendKeys(chromedp.CSS("#f-name"), "曹操"),
		chromedp.SendKeys(chromedp.CSS("#f-phones"), "138 0013 8000\n010-66668888"),
		chromedp.SendKeys(chromedp.CSS("#f-company"), "魏武集团"),
		chromedp.Click(chromedp.CSS("#customer-form button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS("#timeline")),
	)
	if got := text(".flash-ok"); !strings.Contains(got, "曹操") {
		t.Fatalf("flash %q", got)
	}
	noOverflow("customer")
	shot("crm-customer-1366x768.png")

	var b strings.Builder
	b.WriteString("姓名,电话,公司,客户等级\n")
	for i := 0; i < 4000; i++ {
		phone := fmt.Sprintf("150%08d", i)
		if i%1000 == 7 {
			phone = "150-bad"
		}
		fmt.Fprintf(&b, "客户%d,%s,公司%d,A\n", i, phone, i%50)
	}
	file := filepath.Join(t.TempDir(), "客户名单.csv")
	if err := os.WriteFile(file, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	run("upload",
		chromedp.Navigate(e.URL+"/crm/imports"),
		chromedp.SetUploadFiles(chromedp.CSS("#f-file"), []string{file}),
		chromedp.Click(chromedp.CSS("#upload-form button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS("#mapping-form")),
	)
	noOverflow("mapping")
	shot("crm-import-mapping-1366x768.png")
	run("start lenient",
		chromedp.Click(chromedp.CSS(`#mapping-form input[value=lenient]`)),
		chromedp.Click(chromedp.CSS("#mapping-form button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS(`#batch-summary[data-status=done]`)),
		chromedp.WaitVisible(chromedp.CSS("#report")),
	)
	if got := text("#batch-imported"); got != "3996" {
		t.Fatalf("imported %q", got)
	}
	noOverflow("import report")
	shot("crm-import-report-1366x768.png")

	for _, lang := range []string{"en", "zh-CN"} {
		run("switch to "+lang, chromedp.Navigate(e.URL+"/lang?to="+lang+"&next=/customers"), chromedp.WaitVisible(chromedp.CSS("main.content")))
		for _, p := range []string{"/customers", "/crm/pool", "/crm/tasks", "/crm/imports", "/crm/allocate", "/crm/allocations",
			"/crm/quotas", "/crm/rules", "/crm/settings"} {
			run("open "+p, chromedp.Navigate(e.URL+p), chromedp.WaitVisible(chromedp.CSS("main.content")))
			noOverflow(p + " (" + lang + ")")
		}
	}
	run("customers in Chinese", chromedp.Navigate(e.URL+"/customers"), chromedp.WaitVisible(chromedp.CSS("#customers-table")))
	shot("crm-customers-zh-1366x768.png")
	run("allocation in Chinese", chromedp.Navigate(e.URL+"/crm/allocate"), chromedp.WaitVisible(chromedp.CSS("#allocate-form")))
	shot("crm-allocate-zh-1366x768.png")
}
