package alertui_test

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/hotline-cc/hotline/internal/acd"
	"github.com/hotline-cc/hotline/internal/testenv"
)

// fakeNotification stands in for the browser's Notification API, which
// headless Chromium does not show: it records what the page would show,
// starts undecided and becomes granted (for the site, as a browser
// remembers) when the page asks. The page also polls its alerts every half
// second instead of five.
const fakeNotification = `
window.onerror = function (msg) { (window.__errors = window.__errors || []).push(String(msg)); };
document.addEventListener("readystatechange", function () {
  if (document.readyState === "interactive") { document.documentElement.setAttribute("data-alerts-poll", "500"); }
});
window.__notes = [];
window.Notification = function (title, opts) { window.__notes.push({ title: title, body: (opts || {}).body, tag: (opts || {}).tag }); };
window.Notification.permission = localStorage.getItem("test.permission") || "default";
window.Notification.requestPermission = function (cb) {
  window.Notification.permission = "granted";
  localStorage.setItem("test.permission", "granted");
  if (cb) { cb("granted"); }
  return Promise.resolve("granted");
};
`

type browser struct {
	t   *testing.T
	ctx context.Context
	e   *env
}

func newChrome(t *testing.T, path string, e *env) *browser {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	actx, acancel := chromedp.NewExecAllocator(ctx, chromedp.ExecPath(path), chromedp.Headless, chromedp.NoSandbox,
		chromedp.DisableGPU, chromedp.NoFirstRun, chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-dev-shm-usage", true), chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1366, 768))
	t.Cleanup(acancel)
	bctx, bcancel := chromedp.NewContext(actx)
	t.Cleanup(bcancel)
	b := &browser{t: t, ctx: bctx, e: e}
	b.run("viewport", chromedp.EmulateViewport(1366, 768), initScript(fakeNotification))
	return b
}

// initScript runs src in every document before the page's scripts.
func initScript(src string) chromedp.Action[chromedp.Void] {
	return func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
		_, err := cdp.Call(ctx, t, cdppage.AddScriptToEvaluateOnNewDocument, cdppage.AddScriptToEvaluateOnNewDocumentParams{Source: src})
		return chromedp.Void{}, err
	}
}

func (b *browser) run(what string, steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	if err := chromedp.Do(b.ctx, steps...); err != nil {
		b.t.Fatalf("%s: %v", what, err)
	}
}

func (b *browser) eval(expr string) string {
	b.t.Helper()
	v, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](expr))
	if err != nil {
		b.t.Fatalf("%s: %v", expr, err)
	}
	return v
}

func (b *browser) text(sel string) string {
	b.t.Helper()
	s, err := chromedp.Run(b.ctx, chromedp.TextContent(chromedp.CSS(sel)))
	if err != nil {
		b.t.Fatalf("text of %s: %v", sel, err)
	}
	return s
}

// polled waits until the notifier has polled n more times.
func (b *browser) polled(n int) {
	b.t.Helper()
	now := b.eval(`String(document.documentElement.getAttribute("data-alerts-polls") || 0)`)
	var at int
	fmt.Sscan(now, &at)
	b.run("wait for the notifier", chromedp.WaitVisible(chromedp.CSS(fmt.Sprintf(`html[data-alerts-polls="%d"] body`, at+n))))
}

func (b *browser) noOverflow(what string) {
	b.t.Helper()
	w, err := chromedp.Run(b.ctx, chromedp.Evaluate[int](`document.documentElement.scrollWidth`))
	if err != nil || w > 1366 {
		b.t.Errorf("%s is %d px wide at 1366×768 (%v)", what, w, err)
	}
}

func (b *browser) login(user, lang string) {
	b.t.Helper()
	b.run("log in as "+user,
		chromedp.Navigate(b.e.url+"/lang?to="+lang+"&next="+url.QueryEscape("/login")),
		chromedp.WaitVisible(chromedp.CSS("#login-form")),
		chromedp.SendKeys(chromedp.CSS("#f-username"), user),
		chromedp.SendKeys(chromedp.CSS("#f-password"), pw),
		chromedp.Click(chromedp.CSS("#login-form button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS("main.content")),
	)
}

func shot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range []string{t.TempDir(), os.Getenv("HOTLINE_SCREENSHOT_DIR")} {
		if d != "" {
			os.WriteFile(filepath.Join(d, name), png, 0o644)
		}
	}
}

// The acceptance: a supervisor sets an early-warning threshold on the
// sales queue in the rule form; callers pile up; the wallboard frames sales
// in red (critical) with its level, then amber (warning) when callers
// leave, then plainly; the page shows the alert banner and one browser
// notification for the episode — not one per poll, and none again on the
// next page.
func TestBrowserWallboardAlert(t *testing.T) {
	chrome := testenv.Tool(t, "chromium", "chromium")
	t.Parallel()
	e := start(t)
	ctx, stop := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { e.app.Mgmt.Alerts.Eval.Run(ctx); close(done) }()
	t.Cleanup(func() { stop(); <-done })
	e.app.Mgmt.Alerts.Eval.SetInterval(200 * time.Millisecond)

	b := newChrome(t, chrome, e)
	b.login("sup-a", "zh-CN")
	field := func(name string) chromedp.CSS { return chromedp.CSS(`#rule-form [name="` + name + `"]`) }
	b.run("set the rule",
		chromedp.Navigate(e.url+"/alerts/rules"),
		chromedp.Click(chromedp.CSS(`#queue-rules tr[data-queue="sales"] a`)),
		chromedp.WaitVisible(chromedp.CSS("#rule-form")),
		chromedp.Click(field("waiting.inherit")),
		chromedp.SetValue(field("waiting.warning"), "0"),
		chromedp.SetValue(field("waiting.critical"), "1"),
		chromedp.SetValue(field("waiting.hysteresis"), "0"),
		chromedp.SetValue(field("waiting.hold_sec"), "0"),
	)
	b.noOverflow("the rule form")
	shot(t, b.ctx, "alerts-rule-form-zh-1366x768.png")
	b.run("save the rule",
		chromedp.Click(chromedp.CSS(`#rule-form button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(".flash")),
	)
	b.noOverflow("the rules")
	shot(t, b.ctx, "alerts-rules-zh-1366x768.png")
	if got := b.text(`#queue-rules tr[data-queue="sales"]`); !strings.Contains(got, "0 / 1") {
		t.Fatalf("sales' rules after saving: %q", got)
	}
	b.run("open the wallboard and allow notifications",
		chromedp.Navigate(e.url+"/desk/wall"),
		chromedp.WaitVisible(chromedp.CSS(`#wall[data-loaded] .wall-queue[data-queue="sales"][data-level=""]`)),
		chromedp.WaitVisible(chromedp.CSS(`#alerts-notify`)),
		chromedp.Click(chromedp.CSS(`#alerts-notify`)),
		chromedp.WaitNotPresent(chromedp.CSS(`#alerts-notify`)),
	)
	var ids []string
	for i := 0; i < 3; i++ {
		id := fmt.Sprintf("browser-call-%d", i)
		if _, err := e.app.ACD.Enqueue(acd.WaitingCall{ID: id, QueueID: e.sales.ID}); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	b.run("sales turns red",
		chromedp.WaitVisible(chromedp.CSS(`.wall-queue[data-queue="sales"][data-level="critical"] .wall-level.level-critical`)),
		chromedp.WaitVisible(chromedp.CSS(`#alerts-banner.alerts-critical li[data-level="critical"]`)),
	)
	if got := b.eval(`getComputedStyle(document.querySelector('.wall-queue[data-queue="sales"]')).boxShadow`); !strings.Contains(got, "rgb(217, 45, 32)") {
		t.Errorf("critical frame %q, want red", got)
	}
	if got := b.eval(`document.querySelector('.wall-queue[data-queue="sales"] .big').className`); !strings.Contains(got, "bad") {
		t.Errorf("waiting figure class %q, want bad (red)", got)
	}
	if got := b.eval(`document.querySelector('.wall-queue[data-queue="support"]').getAttribute("data-level")`); got != "" {
		t.Errorf("support's level %q, want none", got)
	}
	if got := b.text(`.wall-queue[data-queue="sales"] .wall-level`); got != "严重" {
		t.Errorf("level shown %q", got)
	}
	if got := b.text("#alerts-chip"); !strings.Contains(got, "预警 1") {
		t.Errorf("chip %q", got)
	}
	shot(t, b.ctx, "alerts-wall-critical-zh-1366x768.png")
	b.polled(3)
	if got := b.eval(`JSON.stringify(window.__notes)`); strings.Count(got, `"title"`) != 1 || !strings.Contains(got, "sales") {
		t.Errorf("notifications after several polls: %s, want one for sales", got)
	}
	for _, id := range ids[:2] {
		if _, err := e.app.ACD.Abandon(id); err != nil {
			t.Fatal(err)
		}
	}
	b.run("sales turns amber",
		chromedp.WaitVisible(chromedp.CSS(`.wall-queue[data-queue="sales"][data-level="warning"] .wall-level.level-warning`)))
	if got := b.eval(`getComputedStyle(document.querySelector('.wall-queue[data-queue="sales"]')).boxShadow`); !strings.Contains(got, "rgb(232, 163, 61)") {
		t.Errorf("warning frame %q, want amber", got)
	}
	shot(t, b.ctx, "alerts-wall-warning-zh-1366x768.png")
	b.run("another page", chromedp.Navigate(e.url+"/alerts"), chromedp.WaitVisible(chromedp.CSS(`#active-alerts tr[data-queue="sales"]`)))
	b.polled(2)
	if got := b.eval(`String(!!document.getElementById("alerts-notify"))`); got != "false" {
		t.Error("the notification button is offered again once allowed")
	}
	b.noOverflow("the open alerts")
	shot(t, b.ctx, "alerts-active-zh-1366x768.png")
	if got := b.eval(`JSON.stringify(window.__notes)`); got != "[]" {
		t.Errorf("the next page notified again: %s", got)
	}
	b.run("dismiss the banner", chromedp.Click(chromedp.CSS("#alerts-dismiss")), chromedp.WaitNotPresent(chromedp.CSS("#alerts-banner")))
	if _, err := e.app.ACD.Abandon(ids[2]); err != nil {
		t.Fatal(err)
	}
	b.run("sales is calm again",
		chromedp.Navigate(e.url+"/desk/wall"),
		chromedp.WaitVisible(chromedp.CSS(`#wall[data-loaded] .wall-queue[data-queue="sales"][data-level=""]`)),
		chromedp.WaitVisible(chromedp.CSS(`html[data-alerts="0"] body`)),
	)
	if got := b.text("#alerts-chip"); got != "无预警" {
		t.Errorf("chip after the alert closed: %q", got)
	}
	b.run("the history", chromedp.Navigate(e.url+"/alerts/history"), chromedp.WaitVisible(chromedp.CSS(`#alert-history tr[data-queue="sales"]`)))
	if got := b.text(`#alert-history tr[data-queue="sales"]`); !strings.Contains(got, "严重") || !strings.Contains(got, "3") {
		t.Errorf("history row %q: want the critical level and the peak of 3", got)
	}
	b.noOverflow("the history")
	shot(t, b.ctx, "alerts-history-zh-1366x768.png")
}
