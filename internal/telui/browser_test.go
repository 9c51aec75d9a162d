package telui_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/hotline-cc/hotline/internal/testenv"
)

// TestBrowserTelephony opens every telephony page in headless Chromium, in
// Chinese, at 1366×768: none scrolls sideways; the queue editor shows only
// the overflow input that applies; a flow error in the editor is listed
// with its line, and clicking the line selects it in the textarea.
func TestBrowserTelephony(t *testing.T) {
	chrome := testenv.Tool(t, "chromium", "chromium")
	t.Parallel()
	e := start(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
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
	eval := func(what, expr string) string {
		t.Helper()
		v, err := chromedp.Run(bctx, chromedp.Evaluate[string](expr))
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		return v
	}
	base := e.srv.URL
	run("log in",
		chromedp.EmulateViewport(1366, 768),
		chromedp.Navigate(base+"/lang?to=zh-CN&next=/login"),
		chromedp.WaitVisible(chromedp.CSS("#login-form")),
		chromedp.SendKeys(chromedp.CSS("#f-username"), "admin"),
		chromedp.SendKeys(chromedp.CSS("#f-password"), adminPW),
		chromedp.Click(chromedp.CSS("#login-form button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS("section.welcome")),
	)
	sales, _ := e.app.Queues.ByName(ctx, "sales")
	main, _ := e.app.Flows.GetByName(ctx, "main")
	ids := calls(t, e, time.Date(2026, 3, 2, 10, 0, 0, 0, time.Local))
	for _, p := range []string{"/telephony/extensions", "/telephony/extensions/new", "/telephony/trunks", "/telephony/trunks/1",
		"/telephony/numbers", "/telephony/numbers/new", "/telephony/queues", "/telephony/agents", "/telephony/agents/2",
		"/telephony/prompts", "/telephony/calls", "/telephony/recordings", "/telephony/flows",
		"/telephony/calls/" + ids[0], "/telephony/queues/" + itoa(sales.ID), "/telephony/flows/" + itoa(main.ID)} {
		run("open "+p, chromedp.Navigate(base+p), chromedp.WaitVisible(chromedp.CSS("main.content")))
		w, err := chromedp.Run(bctx, chromedp.Evaluate[int](`document.documentElement.scrollWidth`))
		if err != nil || w > 1366 {
			t.Errorf("%s is %d px wide at 1366×768 (%v)", p, w, err)
		}
		shot(t, bctx, strings.ReplaceAll(strings.TrimPrefix(p, "/telephony/"), "/", "-")+"-zh-1366x768.png")
	}

	// The queue editor shows the one overflow input the action needs.
	run("queue editor", chromedp.Navigate(base+"/telephony/queues/"+itoa(sales.ID)), chromedp.WaitVisible(chromedp.CSS("#queue-form")))
	hidden := `String([...document.querySelectorAll('[data-show-when="f-overflow_action"]')].map(d => d.hidden ? 0 : 1).join(""))`
	if got := eval("overflow inputs", hidden); got != "0000" { // callback needs no target
		t.Errorf("overflow inputs shown for callback: %s", got)
	}
	run("choose IVR overflow", chromedp.SetValue(chromedp.CSS("#f-overflow_action"), "ivr"))
	eval("change event", `String(document.getElementById("f-overflow_action").dispatchEvent(new Event("change")))`)
	if got := eval("overflow inputs", hidden); got != "0100" {
		t.Errorf("overflow inputs shown for IVR: %s", got)
	}
	shot(t, bctx, "queue-zh-1366x768.png")

	// A flow with an error: checked in the browser, the line is listed and
	// selects the line in the editor.
	flow := "name: web_flow\nstart: a\nnodes:\n  a: {type: play, prompt: p1, next: b}\n"
	run("check a flow",
		chromedp.Navigate(base+"/telephony/flows/new"),
		chromedp.WaitVisible(chromedp.CSS("#f-definition")),
		chromedp.SetValue(chromedp.CSS("#f-definition"), flow),
		chromedp.Click(chromedp.CSS(`#flow-form button[value=check]`)),
		chromedp.WaitVisible(chromedp.CSS("#flow-errors")),
		chromedp.Click(chromedp.CSS(`#flow-errors a[data-goto-line="4"]`)),
	)
	sel := eval("selection", `(() => { const t = document.getElementById("f-definition"); return t.value.substring(t.selectionStart, t.selectionEnd) })()`)
	if sel != "  a: {type: play, prompt: p1, next: b}" {
		t.Errorf("clicking the line selected %q", sel)
	}
	if text := eval("errors", `document.getElementById("flow-errors").textContent`); !strings.Contains(text, "第 4 行") ||
		!strings.Contains(text, "nodes.a.next") {
		t.Errorf("errors list: %s", text)
	}
	shot(t, bctx, "flow-error-zh-1366x768.png")
}

// shot keeps a screenshot in the test's directory and, when
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
			t.Fatal(fmt.Errorf("screenshot: %w", err))
		}
	}
}
