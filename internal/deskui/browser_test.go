package deskui_test

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/hotline-cc/hotline/internal/crm"
	"github.com/hotline-cc/hotline/internal/deskui"
	"github.com/hotline-cc/hotline/internal/dialer"
	"github.com/hotline-cc/hotline/internal/testenv"
)

// TestBrowserDesk drives the desk in headless Chromium at 1366×768. As
// agent1001: a follow-up due in five minutes pops a reminder; clicking
// "ready" changes the state (GET /api/v1/me/agent agrees), and a break
// reason too; preview dialling takes the next contact, which pops the
// customer's card with the campaign's script, a note is written there and
// the call's result is recorded. As the supervisor: the wallboard shows
// the queues and agent1001's state. No page scrolls sideways, in either
// language.
func TestBrowserDesk(t *testing.T) {
	chrome := testenv.Tool(t, "chromium", "chromium")
	t.Parallel()
	e := start(t)
	cu := e.customer("agent1001", "王五", "13900139000", "preview")
	if _, err := e.app.CRM.CreateTask(e.ctx, e.actor("agent1001"), crm.TaskInput{CustomerID: cu.ID, Kind: crm.TaskFollowUp,
		Title: "确认报价", DueAt: time.Now().Add(5 * time.Minute)}); err != nil {
		t.Fatal(err)
	}
	cfg := dialer.Config{Mode: dialer.Preview, Queue: "sales", Script: deskui.EncodeScript("您好，王先生。\n第二行话术"),
		Objections: []dialer.Objection{{Objection: "太贵了", Answer: "有三个月试用"}}}
	camp := e.campaign("预览回访", cfg)
	sup := e.actor("supervisor1")
	if _, err := e.app.Dialer.AddCustomers(e.ctx, sup, camp.ID, crm.Filter{Tag: "preview"}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.app.Dialer.SetStatus(e.ctx, sup, camp.ID, "running"); err != nil {
		t.Fatal(err)
	}

	b := newChrome(t, chrome, e)
	run, text, fetchJSON, noOverflow, login, base := b.run, b.text, b.fetchJSON, b.noOverflow, b.login, e.url
	bctx := b.ctx
	login("agent1001", demoPW, "en")
	run("open the desktop",
		chromedp.Navigate(base+"/desk"),
		chromedp.WaitVisible(chromedp.CSS(`#state-badge[data-state="logged_out"]`)),
		chromedp.WaitVisible(chromedp.CSS(`.desk-reminder[role=alert]`)),
	)
	if got := text(".desk-reminder"); !strings.Contains(got, "王五") || !strings.Contains(got, "确认报价") {
		t.Errorf("reminder says %q", got)
	}
	if got := text("#tasks-list"); !strings.Contains(got, "确认报价") {
		t.Errorf("due tasks list: %q", got)
	}
	run("ready", chromedp.Click(chromedp.CSS("#btn-ready")), chromedp.WaitVisible(chromedp.CSS(`#state-badge[data-state="ready"]`)))
	if got := fetchJSON("/api/v1/me/agent", "state"); got != "ready" {
		t.Fatalf("GET /me/agent says %q after clicking ready", got)
	}
	if got := text("#state-badge"); got != "Ready" {
		t.Errorf("badge %q", got)
	}
	run("break", chromedp.Click(chromedp.CSS(`button[data-reason="break"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#state-badge[data-state="not_ready"]`)))
	if got := fetchJSON("/api/v1/me/agent", "reason"); got != "break" {
		t.Fatalf("reason %q after clicking break", got)
	}
	if got := text("#state-reason"); got != "Break" {
		t.Errorf("reason shown %q", got)
	}
	noOverflow("/desk")

	run("preview the next contact",
		chromedp.Click(chromedp.CSS("#preview-next")),
		chromedp.WaitVisible(chromedp.CSS(`#pop .desk-customer[data-customer="`+itoa(cu.ID)+`"]`)),
		chromedp.WaitVisible(chromedp.CSS("#campaign-panel")),
		chromedp.WaitVisible(chromedp.CSS("#preview-dial")),
	)
	if got := text("#camp-script"); got != "您好，王先生。\n第二行话术" {
		t.Errorf("script shown %q", got)
	}
	if got := text("#camp-objections"); !strings.Contains(got, "有三个月试用") {
		t.Errorf("objections shown %q", got)
	}
	noOverflow("/desk with a screen pop")
	shot(t, bctx, "desk-desktop-en-1366x768.png")
	run("scroll to the campaign", chromedp.ScrollIntoView(chromedp.CSS("#dispose-form")))
	shot(t, bctx, "desk-desktop-campaign-en-1366x768.png")
	run("write a note",
		chromedp.SendKeys(chromedp.CSS(".desk-note textarea"), "客户说下周再谈"),
		chromedp.Click(chromedp.CSS(".desk-note button")),
		chromedp.WaitVisible(chromedp.CSS(".desk-tl li.tl-note")),
	)
	items, err := e.app.CRM.Timeline(e.ctx, e.actor("agent1001"), cu.ID, 5)
	if err != nil || items[0].Kind != "note" || items[0].Summary != "客户说下周再谈" {
		t.Fatalf("timeline after the note: %+v %v", items, err)
	}
	run("record the result",
		chromedp.Click(chromedp.CSS(`#camp-dispositions input[value="interested"]`)),
		chromedp.Click(chromedp.CSS(`#dispose-form button[type=submit]`)),
		chromedp.WaitNotVisible(chromedp.CSS("#campaign-panel")),
	)
	cs, _, err := e.app.Dialer.Contacts(e.ctx, sup, camp.ID, dialer.ContactFilter{})
	if err != nil || len(cs) != 1 || cs[0].Disposition != "interested" || cs[0].CallbackClass != "B" || cs[0].Status != "pending" {
		t.Fatalf("contact after the result: %+v %v", cs, err)
	}

	run("log out", chromedp.Click(chromedp.CSS(`form[action="/logout"] button`)), chromedp.WaitVisible(chromedp.CSS("#login-form")))
	login("supervisor1", demoPW, "zh-CN")
	run("wallboard",
		chromedp.Navigate(base+"/desk/wall"),
		chromedp.WaitVisible(chromedp.CSS(`#wall[data-loaded]`)),
		chromedp.WaitVisible(chromedp.CSS(`.wall-queue[data-queue="sales"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#wall-agents tr[data-agent="`+itoa(e.actor("agent1001").UserID)+`"]`)),
	)
	if got := text("#wall-agents tbody"); !strings.Contains(got, "未就绪") || !strings.Contains(got, "小休") {
		t.Errorf("agents on the wallboard: %q", got)
	}
	shot(t, bctx, "desk-wall-zh-1366x768.png")
	for _, lang := range []string{"zh-CN", "en"} {
		run("switch to "+lang, chromedp.Navigate(base+"/lang?to="+lang+"&next=/desk/wall"), chromedp.WaitVisible(chromedp.CSS("main.content")))
		for _, p := range []string{"/desk", "/desk/wall", "/desk/campaigns", "/desk/campaigns/new", "/desk/campaigns/" + itoa(camp.ID),
			"/desk/campaigns/" + itoa(camp.ID) + "/edit", "/desk/campaigns/dnc"} {
			run("open "+p, chromedp.Navigate(base+p), chromedp.WaitVisible(chromedp.CSS("main.content")))
			if p == "/desk/wall" {
				run("wall loaded", chromedp.WaitVisible(chromedp.CSS(`#wall[data-loaded]`)))
			}
			noOverflow(p + " (" + lang + ")")
		}
	}
	run("new campaign", chromedp.Navigate(base+"/desk/campaigns/new"), chromedp.WaitVisible(chromedp.CSS("#campaign-form")))
	shot(t, bctx, "desk-campaign-form-en-1366x768.png")
	run("campaigns", chromedp.Navigate(base+"/desk/campaigns"), chromedp.WaitVisible(chromedp.CSS("#campaigns-table")))
	shot(t, bctx, "desk-campaigns-en-1366x768.png")
	run("campaign in Chinese", chromedp.Navigate(base+"/lang?to=zh-CN&next=/desk/campaigns/"+itoa(camp.ID)),
		chromedp.WaitVisible(chromedp.CSS("#contacts-table")))
	shot(t, bctx, "desk-campaign-zh-1366x768.png")
}

// browser is a headless Chromium at 1366×768 on a running Hotline.
type browser struct {
	t   *testing.T
	ctx context.Context
	e   *env
}

func newChrome(t *testing.T, path string, e *env) *browser {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	actx, acancel := chromedp.NewExecAllocator(ctx, chromedp.ExecPath(path), chromedp.Headless, chromedp.NoSandbox,
		chromedp.DisableGPU, chromedp.NoFirstRun, chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-dev-shm-usage", true), chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1366, 768))
	t.Cleanup(acancel)
	bctx, bcancel := chromedp.NewContext(actx)
	t.Cleanup(bcancel)
	b := &browser{t: t, ctx: bctx, e: e}
	b.run("viewport", chromedp.EmulateViewport(1366, 768))
	return b
}

func (b *browser) run(what string, steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	if err := chromedp.Do(b.ctx, steps...); err != nil {
		b.t.Fatalf("%s: %v", what, err)
	}
}

func (b *browser) text(sel string) string {
	b.t.Helper()
	s, err := chromedp.Run(b.ctx, chromedp.TextContent(chromedp.CSS(sel)))
	if err != nil {
		b.t.Fatalf("text of %s: %v", sel, err)
	}
	return s
}

// fetchJSON reads a field of an API answer with the browser's session.
func (b *browser) fetchJSON(path, field string) string {
	b.t.Helper()
	v, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](
		fmt.Sprintf(`fetch(%q, {credentials: "same-origin"}).then(r => r.json()).then(j => String(j[%q]))`, path, field),
		chromedp.EvalAwaitPromise))
	if err != nil {
		b.t.Fatalf("fetch %s: %v", path, err)
	}
	return v
}

func (b *browser) noOverflow(p string) {
	b.t.Helper()
	w, err := chromedp.Run(b.ctx, chromedp.Evaluate[int](`document.documentElement.scrollWidth`))
	if err != nil || w > 1366 {
		b.t.Errorf("%s is %d px wide at 1366×768 (%v)", p, w, err)
	}
}

func (b *browser) login(user, pw, lang string) {
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

// shot keeps a screenshot in the test's directory and, when
// HOTLINE_SCREENSHOT_DIR is set, there too.
func shot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range []string{t.TempDir(), os.Getenv("HOTLINE_SCREENSHOT_DIR")} {
		if d != "" {
			if err := os.WriteFile(filepath.Join(d, name), png, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
}
