package deskui_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/hotline-cc/hotline/internal/acd"
	"github.com/hotline-cc/hotline/internal/calllog"
	"github.com/hotline-cc/hotline/internal/crm"
	"github.com/hotline-cc/hotline/internal/deskui"
	"github.com/hotline-cc/hotline/internal/dialer"
	"github.com/hotline-cc/hotline/internal/org"
	"github.com/hotline-cc/hotline/internal/pbx"
	"github.com/hotline-cc/hotline/internal/testenv"
)

// TestBrowserLiveCall puts a real call on the desktop: a sipp phone
// registers as extension 1001, agent1001 clicks "ready" in Chromium, and a
// sipp caller from 13900139000 dials the sales queue (8001). The desktop
// shows the call and pops the customer who has that number; hold and
// resume go through the call; the supervisor's wallboard, in another
// browser session, lists the call with the monitor buttons (listening is
// refused: the supervisor has no phone) and the agent on the call; the
// agent hangs up, ends the wrap-up early and is ready again. Then a
// progressive campaign dials a customer through a carrier trunk (a sipp
// phone that answers): the call reaches the agent with the campaign's
// script and the customer's card, and the agent records a sale.
func TestBrowserLiveCall(t *testing.T) {
	chrome := testenv.Tool(t, "chromium", "chromium")
	testenv.Tool(t, "sipp", "sip-tester")
	t.Parallel()
	e := serve(t)
	cu := e.customer("agent1001", "王五", "13900139000") // the caller of test/sipp/caller_queue.xml
	dir := sippScenarios(t)
	sipAddr := e.app.SIP.Addr("udp").String()
	uas := freePort(t)
	startSipp(t, dir, sipAddr, "agent_answer_wait.xml", "-p", uas, "-mp", freePort(t), "-rtp_echo", "-aa", "-m", "2")
	startSipp(t, dir, sipAddr, "agent_register.xml", "-s", "1001", "-au", "1001", "-ap", demoPW, "-key", "uasport", uas,
		"-m", "1", "-p", freePort(t)).wait(t, 15*time.Second)
	agentID := e.actor("agent1001").UserID
	// A long wrap-up, so that the agent ends it with the button; no survey,
	// so that the caller's side ends with the agent's hang-up.
	q, err := e.app.Queues.ByName(e.ctx, "sales")
	if err != nil {
		t.Fatal(err)
	}
	q.WrapUpSec, q.Survey, q.Members = 120, false, nil
	if _, err := e.app.Queues.Save(e.ctx, org.System(), *q); err != nil {
		t.Fatal(err)
	}

	b := newChrome(t, chrome, e)
	b.login("agent1001", demoPW, "en")
	b.run("ready",
		chromedp.Navigate(e.url+"/desk"),
		chromedp.WaitVisible(chromedp.CSS(`#state-badge[data-state]:not([data-state=""])`)),
		chromedp.Click(chromedp.CSS("#btn-ready")),
		chromedp.WaitVisible(chromedp.CSS(`#state-badge[data-state="ready"]`)),
	)
	waitFor(t, 10*time.Second, "agent1001 available", func() bool {
		st, err := e.app.ACD.AgentStatus(agentID)
		return err == nil && st.Available
	})
	startSipp(t, dir, sipAddr, "caller_long.xml", "-s", "8001", "-m", "1", "-key", "rtpport", freePort(t), "-p", freePort(t))

	b.run("the call arrives",
		chromedp.WaitVisible(chromedp.CSS("#call-info")),
		chromedp.WaitVisible(chromedp.CSS(`#pop .desk-customer[data-customer="`+itoa(cu.ID)+`"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#state-badge[data-state="on_call"]`)),
	)
	if got := b.text("#call-number"); got != "13900139000" {
		t.Errorf("caller shown as %q", got)
	}
	if got := b.text("#call-queue"); got != "sales" {
		t.Errorf("queue shown as %q", got)
	}
	callState := func() string {
		t.Helper()
		st, err := e.app.ACD.AgentStatus(agentID)
		if err != nil {
			t.Fatal(err)
		}
		return string(st.State)
	}
	b.run("hold",
		chromedp.WaitVisible(chromedp.CSS(`#call-controls [data-call="hold"]`)),
		chromedp.Click(chromedp.CSS(`#call-controls [data-call="hold"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#call-controls [data-call="unhold"]`)),
		chromedp.WaitNotVisible(chromedp.CSS(`#call-controls [data-call="hold"]`)),
	)
	if got := b.text("#call-state"); got != "On hold" {
		t.Errorf("held call shown as %q", got)
	}
	if s := callState(); s != string(acd.OnHold) {
		t.Errorf("agent state %s while the call is held", s)
	}
	b.run("resume",
		chromedp.Click(chromedp.CSS(`#call-controls [data-call="unhold"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#call-controls [data-call="hold"]`)),
	)
	b.noOverflow("/desk on a call")
	shot(t, b.ctx, "desk-desktop-call-en-1366x768.png")

	sup := b.session()
	sup.login("supervisor1", demoPW, "zh-CN")
	sup.run("wallboard with the call",
		chromedp.Navigate(e.url+"/desk/wall"),
		chromedp.WaitVisible(chromedp.CSS(`#wall-calls tr[data-call] button[data-monitor="listen"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#wall-agents tr[data-agent="`+itoa(agentID)+`"] .st-on_call`)),
		chromedp.Click(chromedp.CSS(`#wall-calls button[data-monitor="listen"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#desk-msg`)),
	)
	if got := sup.text("#desk-msg"); !strings.Contains(got, "话机未注册") {
		t.Errorf("listening without a phone says %q", got)
	}
	if got := sup.text("#wall-calls tbody"); !strings.Contains(got, "13900139000") || !strings.Contains(got, "sales") {
		t.Errorf("call on the wallboard: %q", got)
	}
	sup.noOverflow("/desk/wall with a call")
	shot(t, sup.ctx, "desk-wall-call-zh-1366x768.png")

	b.run("hang up",
		chromedp.Click(chromedp.CSS(`#call-controls [data-call="hangup"]`)),
		chromedp.WaitVisible(chromedp.CSS("#call-none")),
		chromedp.WaitVisible(chromedp.CSS(`#pop .desk-customer`)), // the pop stays for notes after the call
	)
	b.run("mark the call unresolved in wrap-up",
		chromedp.WaitVisible(chromedp.CSS(`#state-badge[data-state="wrap_up"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#resolution button[data-result="unresolved"]`)),
		chromedp.Click(chromedp.CSS(`#resolution button[data-result="unresolved"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#resolution button[data-result="unresolved"][aria-pressed="true"]`)),
	)
	if err := e.app.CallLog.Flush(e.ctx); err != nil {
		t.Fatal(err)
	}
	if cdrs, _, err := calllog.CDRs(e.ctx, e.app.DB, org.Scope{Kind: org.ScopeAll},
		calllog.CDRFilter{Number: "13900139000"}); err != nil || len(cdrs) != 1 || !cdrs[0].Unresolved {
		t.Errorf("the call marked unresolved from the desk: %+v %v", cdrs, err)
	}
	b.run("end wrap-up",
		chromedp.WaitVisible(chromedp.CSS(`#state-badge[data-state="wrap_up"]`)),
		chromedp.Click(chromedp.CSS("#wrapup-end")),
		chromedp.WaitVisible(chromedp.CSS(`#state-badge[data-state="ready"]`)),
		chromedp.WaitNotVisible(chromedp.CSS("#wrapup-end")),
	)
	sup.run("the call is gone", chromedp.WaitVisible(chromedp.CSS(`#wall-calls td.empty`)))

	// A progressive campaign call.
	sys := org.System()
	cust := freePort(t)
	startSipp(t, dir, sipAddr, "customer_answer.xml", "-p", cust, "-mp", freePort(t), "-d", "30000", "-m", "1")
	if _, err := e.app.PBX.CreateTrunk(e.ctx, sys, pbx.TrunkInput{Name: "carrier", Host: "127.0.0.1:" + cust}); err != nil {
		t.Fatal(err)
	}
	buyer := e.customer("agent1001", "赵六", "13700137000", "autumn")
	camp := e.campaign("秋季促销", dialer.Config{Mode: dialer.Progressive, Queue: "sales", Hours: []string{"00:00-24:00"},
		Script:     deskui.EncodeScript("您好，秋季促销。\n请问您有兴趣吗？"),
		Objections: []dialer.Objection{{Objection: "不需要", Answer: "可以先了解一下"}}})
	if res, err := e.app.Dialer.AddCustomers(e.ctx, sys, camp.ID, crm.Filter{Tag: "autumn"}); err != nil || res.Added != 1 {
		t.Fatalf("call list: %+v %v", res, err)
	}
	if _, err := e.app.Dialer.SetStatus(e.ctx, sys, camp.ID, "running"); err != nil {
		t.Fatal(err)
	}
	b.run("the campaign call arrives",
		chromedp.WaitVisible(chromedp.CSS(`#pop .desk-customer[data-customer="`+itoa(buyer.ID)+`"]`)),
		chromedp.WaitVisible(chromedp.CSS("#campaign-panel")),
		chromedp.WaitVisible(chromedp.CSS(`#camp-dispositions input[value="sale"]`)),
	)
	if got := b.text("#camp-name"); got != "秋季促销" {
		t.Errorf("campaign shown as %q", got)
	}
	if got := b.text("#camp-script"); got != "您好，秋季促销。\n请问您有兴趣吗？" {
		t.Errorf("script shown as %q", got)
	}
	if got := b.text("#call-queue"); got != "sales · 秋季促销" {
		t.Errorf("queue shown as %q", got)
	}
	shot(t, b.ctx, "desk-desktop-campaign-call-en-1366x768.png")
	// The result is chosen during the call and saved when it has ended.
	b.run("choose a sale",
		chromedp.Click(chromedp.CSS(`#camp-dispositions input[value="sale"]`)),
		chromedp.SendKeys(chromedp.CSS("#dispose-note"), "买了两件"),
		chromedp.WaitVisible(chromedp.CSS("#dispose-wait")),
	)
	if en, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool](`!document.getElementById("dispose-save").disabled`)); err != nil || en {
		t.Fatalf("the result can be saved during the call (%v)", err)
	}
	b.run("hang up", chromedp.Click(chromedp.CSS(`#call-controls [data-call="hangup"]`)), chromedp.WaitVisible(chromedp.CSS("#call-none")),
		chromedp.WaitNotVisible(chromedp.CSS("#dispose-wait")))
	waitFor(t, 10*time.Second, "the dialler stores the call", func() bool {
		cs, _, _ := e.app.Dialer.Contacts(e.ctx, sys, camp.ID, dialer.ContactFilter{})
		return len(cs) == 1 && cs[0].LastOutcome == "connected"
	})
	b.run("save the sale", chromedp.Click(chromedp.CSS(`#dispose-form button[type=submit]`)),
		chromedp.WaitNotVisible(chromedp.CSS("#campaign-panel")))
	cs, _, err := e.app.Dialer.Contacts(e.ctx, sys, camp.ID, dialer.ContactFilter{})
	if err != nil || len(cs) != 1 || cs[0].Disposition != "sale" || cs[0].Status != "done" || cs[0].Note != "买了两件" {
		t.Fatalf("contact after the sale: %+v %v", cs, err)
	}
	if st, err := e.app.Dialer.Stats(e.ctx, camp.ID); err != nil || st.Connected != 1 || st.Conversions != 1 {
		t.Fatalf("campaign figures: %+v %v", st, err)
	}
}

// session is a second, separate browser session (its own cookies).
func (b *browser) session() *browser {
	ctx, cancel := chromedp.NewContext(b.ctx, chromedp.WithNewBrowserContext())
	b.t.Cleanup(cancel)
	s := &browser{t: b.t, ctx: ctx, e: b.e}
	s.run("viewport", chromedp.EmulateViewport(1366, 768))
	return s
}

// sippScenarios copies the sipp scenarios the test uses, with a caller
// that waits up to 45 s for an agent.
func sippScenarios(t *testing.T) string {
	t.Helper()
	_, file, _, _ := runtime.Caller(0)
	src := filepath.Join(filepath.Dir(file), "..", "..", "test", "sipp")
	dir := t.TempDir()
	for _, f := range []string{"agent_answer_wait.xml", "agent_register.xml", "caller_queue.xml", "customer_answer.xml"} {
		b, err := os.ReadFile(filepath.Join(src, f))
		if err != nil {
			t.Fatal(err)
		}
		if f == "caller_queue.xml" {
			if !bytes.Contains(b, []byte(`timeout="[timeout_ms]"`)) {
				t.Fatalf("%s has no timeout to replace", f)
			}
			f, b = "caller_long.xml", bytes.ReplaceAll(b, []byte(`timeout="[timeout_ms]"`), []byte(`timeout="45000"`))
		}
		if err := os.WriteFile(filepath.Join(dir, f), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// sippRun is one sipp process; it is killed when the test ends.
type sippRun struct {
	name   string
	out    *lockedBuffer
	exited chan struct{}
	err    error
}

func startSipp(t *testing.T, dir, addr, scenario string, args ...string) *sippRun {
	t.Helper()
	full := append([]string{addr, "-sf", filepath.Join(dir, scenario), "-nostdin", "-i", "127.0.0.1", "-timeout", "60s"}, args...)
	cmd := exec.Command("sipp", full...)
	cmd.Dir = dir
	s := &sippRun{name: scenario, out: &lockedBuffer{}, exited: make(chan struct{})}
	cmd.Stdout, cmd.Stderr = s.out, s.out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { s.err = cmd.Wait(); close(s.exited) }()
	t.Cleanup(func() {
		select {
		case <-s.exited:
		default:
			cmd.Process.Kill()
			<-s.exited
		}
	})
	return s
}

// wait waits for sipp to end and fails the test unless it succeeded.
func (s *sippRun) wait(t *testing.T, d time.Duration) {
	t.Helper()
	select {
	case <-s.exited:
		if s.err != nil {
			t.Fatalf("sipp %s failed: %v\n%s", s.name, s.err, s.out.String())
		}
	case <-time.After(d):
		t.Fatalf("sipp %s did not finish in %v", s.name, d)
	}
}

// lockedBuffer collects a process's output safely.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// freePort is a UDP port free on loopback right now.
func freePort(t *testing.T) string {
	t.Helper()
	return strconv.Itoa(testenv.UDPPortBlock(t, 4)) // room for sipp's media ports
}

// waitFor polls cond until it holds or the deadline passes.
func waitFor(t *testing.T, d time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s", d, what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
