package reportui_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"

	"github.com/hotline-cc/hotline/internal/store/storetest"
	"github.com/hotline-cc/hotline/internal/testenv"
)

// TestBrowserReports drives the report page in headless Chromium as a
// supervisor: open today's report, see every chart drawn (a canvas in each
// chart's box) with no console error, group by agent, switch to Chinese,
// and export the report to an XLSX file that the browser downloads. No
// page may scroll sideways at 1366×768.
func TestBrowserReports(t *testing.T) {
	chrome := testenv.Tool(t, "chromium", "chromium")
	e := start(t, startOpts{dbURL: storetest.URLs(t)["sqlite"](t), serve: true})
	e.morning()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	actx, acancel := chromedp.NewExecAllocator(ctx, chromedp.ExecPath(chrome), chromedp.Headless, chromedp.NoSandbox,
		chromedp.DisableGPU, chromedp.NoFirstRun, chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-dev-shm-usage", true), chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1366, 768))
	defer acancel()
	bctx, bcancel := chromedp.NewContext(actx)
	defer bcancel()
	run := func(what string, steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(bctx, steps...); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	run("start", chromedp.EmulateViewport(1366, 768))

	// Every console message of the pages, collected as they come.
	var mu sync.Mutex
	var problems []string
	lctx, lcancel := context.WithCancel(bctx)
	defer lcancel()
	messages := chromedp.Console(lctx)
	go func() {
		for m, err := range messages {
			if err != nil {
				return
			}
			// The layout links no icon, so Chromium asks for /favicon.ico and
			// logs its 404: not a fault of these pages.
			if strings.HasSuffix(m.URL, "/favicon.ico") {
				continue
			}
			if m.Type == chromedp.ConsoleError || m.Type == chromedp.ConsoleException || m.Type == chromedp.ConsoleWarning {
				mu.Lock()
				problems = append(problems, m.URL+": "+m.String())
				mu.Unlock()
			}
		}
	}()

	// drawn waits until the charts are drawn: each chart's box has a
	// canvas, and there are as many as the page has charts.
	drawn := func(min int) chromedp.Action[chromedp.Void] {
		return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := chromedp.Poll[bool](`(function () {
				var box = document.getElementById("charts");
				var charts = document.querySelectorAll(".chart");
				if (!box || box.getAttribute("data-drawn") !== String(charts.length) || charts.length < `+itoa(min)+`) { return false; }
				return Array.prototype.every.call(charts, function (c) { return !!c.querySelector("canvas"); });
			})()`, chromedp.WithPollingInterval(50*time.Millisecond), chromedp.WithPollingTimeout(20*time.Second))(ctx, tg)
			return err
		})
	}
	noOverflow := func(what string) {
		t.Helper()
		w, err := chromedp.Run(bctx, chromedp.Evaluate[int](`document.documentElement.scrollWidth`))
		if err != nil {
			t.Fatal(err)
		}
		if w > 1366 {
			wide, _ := chromedp.Run(bctx, chromedp.Evaluate[string](wideJS))
			t.Errorf("%s is %d px wide at 1366×768: it scrolls sideways (%s)", what, w, wide)
		}
	}

	run("log in as sup-a",
		chromedp.Navigate(e.url+"/lang?to=en&next=/login"),
		chromedp.WaitVisible(chromedp.CSS("#login-form")),
		chromedp.SendKeys(chromedp.CSS("#f-username"), "sup-a"),
		chromedp.SendKeys(chromedp.CSS("#f-password"), pw),
		chromedp.Click(chromedp.CSS("#login-form button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS("#report-home")),
	)
	noOverflow("home")
	run("open the report from the home page",
		chromedp.Click(chromedp.CSS(`#report-home .home-links a`)),
		chromedp.WaitVisible(chromedp.CSS("#metrics-table")),
		drawn(5),
	)
	noOverflow("report")
	shot(t, bctx, "report-1366x768.png")

	run("group by agent",
		chromedp.SetValue(chromedp.CSS("#f-group_by"), "agent"), // its change event submits the form
		chromedp.WaitReady(chromedp.CSS(`#f-group_by option[value="agent"][selected]`)),
		chromedp.WaitVisible(chromedp.CSS("#metrics-table")),
		drawn(5),
	)
	heads, err := chromedp.Run(bctx, chromedp.Text(chromedp.CSS("#metrics-table thead")))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"坐席张三", "坐席李四", "Total"} {
		if !strings.Contains(heads, want) {
			t.Errorf("grouped by agent, the table heads lack %q: %s", want, heads)
		}
	}
	if strings.Contains(heads, "坐席王五") {
		t.Error("sup-a sees an agent of department B")
	}
	noOverflow("report by agent")

	run("switch to Chinese",
		chromedp.Click(chromedp.CSS(`.langs a[lang="zh-CN"]`)),
		chromedp.WaitVisible(chromedp.CSS(`html[lang="zh-CN"] #metrics-table`)),
		drawn(5),
	)
	title, err := chromedp.Run(bctx, chromedp.Text(chromedp.CSS("#metrics .card-head h2")))
	if err != nil || title != "23 项运营指标" {
		t.Errorf("the Chinese metrics title %q (%v)", title, err)
	}
	noOverflow("report in Chinese")
	shot(t, bctx, "report-agents-zh-1366x768.png")

	// Export: the job API's file lands in the download directory.
	dir := t.TempDir()
	events := true
	if _, err := chromedp.CallBrowser(bctx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
		Behavior: browser.SetDownloadBehaviorBehaviorAllow, DownloadPath: dir, EventsEnabled: &events}); err != nil {
		t.Fatal(err)
	}
	dctx, dcancel := context.WithTimeout(bctx, 45*time.Second)
	defer dcancel()
	progress := chromedp.BrowserEvents(dctx, browser.DownloadProgress)
	run("export to Excel", chromedp.Click(chromedp.CSS("#export-xlsx")))
	file := ""
	for ev, err := range progress {
		if err != nil {
			status, _ := chromedp.Run(bctx, chromedp.Text(chromedp.CSS("#export-status")))
			t.Fatalf("no download (the page says %q): %v", status, err)
		}
		if ev.State == browser.DownloadProgressStateCanceled {
			t.Fatal("the download was cancelled")
		}
		if ev.State == browser.DownloadProgressStateCompleted {
			file = ev.FilePath
			break
		}
	}
	if file == "" {
		ms, _ := filepath.Glob(filepath.Join(dir, "*.xlsx"))
		if len(ms) == 0 {
			t.Fatalf("the download finished but no .xlsx is in %s", dir)
		}
		file = ms[0]
	}
	if b, err := os.ReadFile(file); err != nil || !strings.HasSuffix(file, ".xlsx") || len(b) < 4 || string(b[:2]) != "PK" {
		t.Errorf("the download %s is not an XLSX (zip) file: %v", file, err)
	}
	run("the page says done", chromedp.WaitVisible(chromedp.CSS("#export[data-done]")))

	for _, p := range []string{"/reports/settings", "/reports/costs", "/reports/shifts", "/reports/shifts/new"} {
		run("open "+p, chromedp.Navigate(e.url+p), chromedp.WaitVisible(chromedp.CSS("main.content")))
		noOverflow(p)
	}
	lcancel()
	mu.Lock()
	defer mu.Unlock()
	for _, p := range problems {
		t.Errorf("console: %s", p)
	}
}

// shot saves a screenshot to the test's directory and, when
// HOTLINE_SCREENSHOT_DIR is set, there too.
func shot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatal(err)
	}
	dirs := []string{t.TempDir()}
	if d := os.Getenv("HOTLINE_SCREENSHOT_DIR"); d != "" {
		dirs = append(dirs, d)
	}
	for _, d := range dirs {
		if err := os.WriteFile(filepath.Join(d, name), png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// wideJS names the elements reaching past 1366 px, with their scroll
// containers, for the message of a page that scrolls sideways.
const wideJS = `Array.prototype.filter.call(document.querySelectorAll("main *"), function (el) {
	return el.getBoundingClientRect().right > 1366; }).slice(0, 2).concat([document.getElementById("intervals"),
	document.querySelector(".main"), document.querySelector("main.content")]).filter(Boolean).map(function (el) {
	var cs = getComputedStyle(el); return el.tagName + "#" + el.id + "." + el.className + " right=" +
	Math.round(el.getBoundingClientRect().right) + " overflow-x=" + cs.overflowX + " client=" + el.clientWidth + " scroll=" + el.scrollWidth;
}).join("; ")`

func itoa(n int) string { return idStr(int64(n)) }
