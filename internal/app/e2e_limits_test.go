package app_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/hotline-cc/hotline/internal/acd"
	"github.com/hotline-cc/hotline/internal/calllog"
	"github.com/hotline-cc/hotline/internal/org"
	"github.com/hotline-cc/hotline/internal/pbx"
	"github.com/hotline-cc/hotline/internal/queues"
)

// An unknown number gets 404 and a codec Hotline cannot speak gets 488;
// both are logged as blocked calls.
func TestBlockedCalls(t *testing.T) {
	n := startNode(t)
	dir := scenarioDir(t)
	unknown := variant(t, dir, "caller_refused.xml", "refused404.xml", "CODE", "404", "PAYLOADS", "0 8")
	codec := variant(t, dir, "caller_refused.xml", "refused488.xml", "CODE", "488", "PAYLOADS", "18")
	n.startSipp(dir, unknown, "-s", "4001234567", "-m", "1", "-p", strconv.Itoa(freePort(t))).wait(t, 15*time.Second)
	n.startSipp(dir, codec, "-s", "8000", "-m", "1", "-p", strconv.Itoa(freePort(t))).wait(t, 15*time.Second)
	ctx := context.Background()
	var cdrs []calllog.CDR
	waitFor(t, 10*time.Second, "two CDRs", func() bool {
		n.app.CallLog.Flush(ctx)
		cdrs, _, _ = calllog.CDRs(ctx, n.app.DB, org.Scope{Kind: org.ScopeAll}, calllog.CDRFilter{})
		return len(cdrs) == 2
	})
	reasons := map[string]bool{}
	for _, c := range cdrs {
		if c.Outcome != calllog.OutcomeBlocked {
			t.Errorf("CDR %+v is not blocked", c)
		}
		reasons[c.BlockedReason] = true
	}
	if !reasons["unknown_number"] || !reasons["codec"] {
		t.Errorf("blocked reasons %v, want unknown_number and codec", reasons)
	}
}

// A caller who waits longer than the queue's max wait overflows: here to a
// goodbye message and a hang-up.
func TestOverflowAtMaxWait(t *testing.T) {
	n := startNode(t)
	dir := scenarioDir(t)
	n.setQueue(t, "support", func(q *queues.Queue) {
		q.MaxWaitSec = 2
		q.Overflow = acd.Overflow{Action: acd.OverflowHangup}
	})
	sink := newRTPSink(t)
	sc := variant(t, dir, "caller_queue.xml", "caller_long.xml", `timeout="[timeout_ms]"`, `timeout="30000"`)
	start := time.Now()
	n.startSipp(dir, sc, "-s", "8002", "-m", "1", "-key", "rtpport", sink.port(), "-p", strconv.Itoa(freePort(t))).wait(t, 30*time.Second)
	if d := time.Since(start); d > 25*time.Second {
		t.Errorf("overflow took %v", d)
	}
	c, _, evs := n.onlyCDR(t)
	if c.Outcome != calllog.OutcomeOverflow || c.HangupBy != "system" {
		t.Errorf("CDR %+v", c)
	}
	var overflow *calllog.Event
	for i := range evs {
		if evs[i].Type == calllog.QueueOverflow {
			overflow = &evs[i]
		}
	}
	if overflow == nil || overflow.Data.Kind != "hangup" || overflow.At.Sub(c.QueuedAt) < 2*time.Second {
		t.Errorf("overflow event %+v (queued at %v)", overflow, c.QueuedAt)
	}
}

// A caller asks for a callback by pressing 1 while waiting... here the
// queue's max wait turns the wait into a callback; when an agent becomes
// free Hotline rings the agent, then the customer through the carrier
// trunk (a sipp "customer" behind a trunk with a host).
func TestCallbackThroughTrunk(t *testing.T) {
	n := callbackRun(t, "customer_answer.xml", "-d", "1500")
	ctx := context.Background()
	var cdrs []calllog.CDR
	waitFor(t, 10*time.Second, "the callback's CDR", func() bool {
		n.app.CallLog.Flush(ctx)
		cdrs, _, _ = calllog.CDRs(ctx, n.app.DB, org.Scope{Kind: org.ScopeAll}, calllog.CDRFilter{})
		return len(cdrs) == 2
	})
	var orig, cb *calllog.CDR
	for i := range cdrs {
		if cdrs[i].Direction == "callback" {
			cb = &cdrs[i]
		} else {
			orig = &cdrs[i]
		}
	}
	if orig == nil || cb == nil {
		t.Fatalf("CDRs %+v", cdrs)
	}
	if !orig.CallbackRequested || orig.Outcome != calllog.OutcomeCallback {
		t.Errorf("original call %+v", orig)
	}
	if cb.Outcome != calllog.OutcomeAnswered || cb.AgentID != n.agentID(t, "1004") || cb.Callee != "13900139000" || cb.TalkMS <= 0 {
		t.Errorf("callback %+v", cb)
	}
}

// callbackRun sets up a queue whose max wait turns into a callback and a
// carrier trunk to a sipp "customer" running custScenario; a caller waits
// until they are told they will be called back, then agent 1004 comes and
// takes the callback. It returns once the agent's and customer's phones
// have finished.
func callbackRun(t *testing.T, custScenario string, custArgs ...string) *running {
	n := startNode(t)
	dir := scenarioDir(t)
	n.setQueue(t, "sales", func(q *queues.Queue) {
		q.MaxWaitSec, q.Survey = 1, false
		q.Overflow = acd.Overflow{Action: acd.OverflowCallback}
	})
	custPort := freePort(t)
	args := append([]string{"-p", strconv.Itoa(custPort), "-mp", strconv.Itoa(freePort(t)), "-m", "1"}, custArgs...)
	customer := n.startSipp(dir, custScenario, args...)
	_, err := n.app.PBX.CreateTrunk(context.Background(), org.System(), pbx.TrunkInput{Name: "carrier",
		Host: "127.0.0.1:" + strconv.Itoa(custPort), CallerID: "4008001234"})
	if err != nil {
		t.Fatal(err)
	}
	sink := newRTPSink(t)
	sc := variant(t, dir, "caller_queue.xml", "caller_long.xml", `timeout="[timeout_ms]"`, `timeout="30000"`)
	n.startSipp(dir, sc, "-s", "8001", "-m", "1", "-key", "rtpport", sink.port(), "-p", strconv.Itoa(freePort(t))).wait(t, 30*time.Second)
	// The caller has been told they will be called back and hung up. Now an
	// agent comes: the callback rings them, then the customer.
	phone := n.agentPhone(dir, "1004", 0) // Hotline ends the agent's leg
	phone.wait(t, 30*time.Second)
	customer.wait(t, 10*time.Second)
	return n
}

// A customer who does not answer the callback is called back again later:
// the callback goes back into its queue, due in ten minutes.
func TestCallbackRetriedWhenCustomerBusy(t *testing.T) {
	n := callbackRun(t, "sip_uas_busy.xml")
	ctx := context.Background()
	var cdrs []calllog.CDR
	waitFor(t, 10*time.Second, "the callback's CDR", func() bool {
		n.app.CallLog.Flush(ctx)
		cdrs, _, _ = calllog.CDRs(ctx, n.app.DB, org.Scope{Kind: org.ScopeAll}, calllog.CDRFilter{})
		return len(cdrs) == 2
	})
	var orig string
	for _, c := range cdrs {
		if c.Direction != "callback" {
			orig = c.CallID
			continue
		}
		if c.Outcome != calllog.OutcomeFailed || c.CallbackRequested || c.AgentID != n.agentID(t, "1004") ||
			c.HangupCause != "customer_no_answer" {
			t.Errorf("the missed callback's CDR %+v", c)
		}
	}
	if _, err := n.app.ACD.Position(orig + "~r1"); err != nil {
		t.Fatalf("retry of %q not queued: %v (CDRs %+v)", orig, err, cdrs)
	}
	st := n.app.ACD.Snapshot()
	found := false
	for _, q := range st.Queues {
		found = found || q.Callbacks > 0
	}
	if !found {
		t.Errorf("no queue shows a waiting callback: %+v", st.Queues)
	}
}
