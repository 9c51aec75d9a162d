package app_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/hotline-cc/hotline/internal/acd"
	"github.com/hotline-cc/hotline/internal/bus"
	"github.com/hotline-cc/hotline/internal/calllog"
	"github.com/hotline-cc/hotline/internal/org"
	"github.com/hotline-cc/hotline/internal/queues"
)

// cdrOf waits for the call log to be written and returns the only CDR.
func (n *running) onlyCDR(t *testing.T) (calllog.CDR, []calllog.Leg, []calllog.Event) {
	t.Helper()
	ctx := context.Background()
	var cdrs []calllog.CDR
	waitFor(t, 10*time.Second, "the call's CDR", func() bool {
		n.app.CallLog.Flush(ctx)
		cdrs, _, _ = calllog.CDRs(ctx, n.app.DB, org.Scope{Kind: org.ScopeAll}, calllog.CDRFilter{})
		return len(cdrs) == 1
	})
	legs, _ := calllog.Legs(ctx, n.app.DB, cdrs[0].CallID)
	evs, _ := calllog.Events(ctx, n.app.DB, cdrs[0].CallID)
	return cdrs[0], legs, evs
}

// setQueue changes a queue through the API as the administrator.
func (n *running) setQueue(t *testing.T, name string, edit func(q *queues.Queue)) {
	t.Helper()
	q, err := n.app.Queues.ByName(context.Background(), name)
	if err != nil {
		t.Fatal(err)
	}
	edit(q)
	q.Members = nil
	n.as("admin").must(200, "PUT", "/queues/"+strconv.FormatInt(q.ID, 10), q, nil)
}

func (n *running) agentID(t *testing.T, ext string) int64 {
	t.Helper()
	a, err := n.app.Org.AgentByExtension(context.Background(), ext)
	if err != nil {
		t.Fatal(err)
	}
	return a.UserID
}

func (n *running) waitReady(t *testing.T, ids ...int64) {
	t.Helper()
	for _, id := range ids {
		waitFor(t, 10*time.Second, "agent ready", func() bool {
			st, err := n.app.ACD.AgentStatus(id)
			return err == nil && st.State == acd.Ready && st.Reachable
		})
	}
}

// A caller waiting with no agent hears music on hold (RTP arrives) and
// hangs up: an abandoned call with its wait time.
func TestQueueAbandonAfterMusicOnHold(t *testing.T) {
	n := startNode(t)
	dir := scenarioDir(t)
	// Wallboards follow queues through the bus.
	waitingSeen := make(chan struct{}, 1)
	sub, err := n.app.Bus.Subscribe(context.Background(), "hotline.queue.>", func(e bus.Event) {
		var q acd.QueueStatus
		if e.Type == "queue.status" && e.Decode(&q) == nil && q.Name == "support" && q.Waiting == 1 {
			select {
			case waitingSeen <- struct{}{}:
			default:
			}
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	defer sub.Unsubscribe()
	sink := newRTPSink(t)
	sc := variant(t, dir, "caller_queue.xml", "caller_abandon.xml", `timeout="[timeout_ms]"`, `timeout="3000"`)
	caller := n.startSipp(dir, sc, "-s", "8002", "-m", "1", "-key", "rtpport", sink.port(), "-p", strconv.Itoa(freePort(t)))
	caller.wait(t, 20*time.Second)
	c, _, evs := n.onlyCDR(t)
	if c.Outcome != calllog.OutcomeAbandoned || c.Queue != "support" || c.WaitMS < 2500 || c.WaitMS > 4500 || c.HangupBy != "caller" {
		t.Errorf("CDR %+v", c)
	}
	// 3 s of music is 150 packets; a loaded CI machine may lose some
	// ticks, so this only asserts that the music really flows.
	if got := sink.packets.Load(); got < 25 {
		t.Errorf("caller received %d RTP packets of music on hold in 3 s, want ≥ 25", got)
		for _, e := range evs {
			t.Logf("%s %s", e.At.Format("15:04:05.000"), e.Type)
		}
	}
	select {
	case <-waitingSeen:
	default:
		t.Error("no queue.status event on the bus showed the caller waiting")
	}
	var abandoned bool
	for _, e := range evs {
		abandoned = abandoned || (e.Type == calllog.QueueAbandoned && e.Data.WaitMS >= 2500)
	}
	if !abandoned {
		t.Errorf("no queue.abandoned event with the wait time: %+v", evs)
	}
}

// The longest-idle agent does not answer: after the ring timeout the call
// goes to the next agent, and the first goes not-ready.
func TestNoAnswerMovesToNextAgent(t *testing.T) {
	n := startNode(t)
	dir := scenarioDir(t)
	n.setQueue(t, "support", func(q *queues.Queue) { q.RingTimeoutSec, q.Survey = 2, false })
	a1, a2 := n.agentID(t, "1001"), n.agentID(t, "1002")
	deaf := n.startSipp(dir, "agent_noanswer.xml", "-p", strconv.Itoa(freePort(t)), "-aa", "-m", "1")
	// Register 1001 for the deaf phone first: it becomes the longest idle.
	port := deaf.cmd.Args[indexOf(deaf.cmd.Args, "-p")+1]
	reg := n.startSipp(dir, "agent_register.xml", "-s", "1001", "-au", "1001", "-ap", demoPassword, "-key", "uasport", port,
		"-m", "1", "-p", strconv.Itoa(freePort(t)))
	reg.wait(t, 10*time.Second)
	n.waitReady(t, a1)
	phone2 := n.agentPhone(dir, "1002", 1500*time.Millisecond)
	n.waitReady(t, a2)
	sink := newRTPSink(t)
	sc := variant(t, dir, "caller_queue.xml", "caller_long.xml", `timeout="[timeout_ms]"`, `timeout="30000"`)
	caller := n.startSipp(dir, sc, "-s", "8002", "-m", "1", "-key", "rtpport", sink.port(), "-p", strconv.Itoa(freePort(t)))
	caller.wait(t, 30*time.Second)
	deaf.wait(t, 10*time.Second)
	phone2.wait(t, 10*time.Second)
	c, legs, _ := n.onlyCDR(t)
	if c.Outcome != calllog.OutcomeAnswered || c.AgentID != a2 || c.HangupBy != "agent" {
		t.Errorf("CDR %+v", c)
	}
	if len(legs) != 2 || legs[0].AgentID != a1 || legs[0].Outcome != "no_answer" || legs[0].RingMS < 1800 ||
		legs[1].AgentID != a2 || legs[1].Outcome != "answered" {
		t.Errorf("legs %+v", legs)
	}
	st, _ := n.app.ACD.AgentStatus(a1)
	if st.State != acd.NotReady || st.Reason != acd.ReasonNoAnswer {
		t.Errorf("agent 1001 after not answering: %s/%s, want not_ready/no_answer", st.State, st.Reason)
	}
}

func indexOf(args []string, s string) int {
	for i, a := range args {
		if a == s {
			return i
		}
	}
	return -1
}
