package app_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/hotline-cc/hotline/internal/api"
	"github.com/hotline-cc/hotline/internal/call"
	"github.com/hotline-cc/hotline/internal/calllog"
	"github.com/hotline-cc/hotline/internal/queues"
)

// TestHoldConsultConferenceTransfer drives one call through the desktop
// API: hold and unhold, an attended consultation turned into a three-way
// conference, the first agent leaving it, a blind transfer, and the hang-up.
// The phones are sipp agents that stay on the line until Hotline hangs up.
func TestHoldConsultConferenceTransfer(t *testing.T) {
	n := startNode(t)
	dir := scenarioDir(t)
	n.setQueue(t, "sales", func(q *queues.Queue) { q.Survey = false })
	wait := func(ext string) *sipp {
		port := freePort(t)
		uas := n.startSipp(dir, "agent_answer_wait.xml", "-p", strconv.Itoa(port), "-mp", strconv.Itoa(freePort(t)),
			"-rtp_echo", "-aa", "-m", "1")
		reg := n.startSipp(dir, "agent_register.xml", "-s", ext, "-au", ext, "-ap", demoPassword, "-key", "uasport",
			strconv.Itoa(port), "-m", "1", "-p", strconv.Itoa(freePort(t)))
		reg.wait(t, 10*time.Second)
		n.waitReady(t, n.agentID(t, ext))
		return uas
	}
	p1, p2, p3 := wait("1001"), wait("1002"), wait("1003")
	a1, a2, a3 := n.as("agent1001"), n.as("agent1002"), n.as("agent1003")
	sink := newRTPSink(t)
	sc := variant(t, dir, "caller_queue.xml", "caller_long.xml", `timeout="[timeout_ms]"`, `timeout="45000"`)
	caller := n.startSipp(dir, sc, "-s", "8001", "-m", "1", "-key", "rtpport", sink.port(), "-p", strconv.Itoa(freePort(t)))

	state := func(c *apiClient) api.AgentLive {
		var al api.AgentLive
		c.must(200, "GET", "/me/agent", nil, &al)
		return al
	}
	onCall := func(c *apiClient, want call.State) {
		t.Helper()
		waitFor(t, 15*time.Second, "call state "+string(want), func() bool {
			al := state(c)
			return al.Call != nil && al.Call.State == want
		})
	}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("phone 1001:\n%s", tail(p1.out.String(), 2500))
		}
	})
	onCall(a1, call.StateTalking) // 1001 registered first: longest idle
	a1.must(204, "POST", "/me/call/hold", nil, nil)
	onCall(a1, call.StateHeld)
	a1.must(204, "POST", "/me/call/unhold", nil, nil)
	onCall(a1, call.StateTalking)

	a1.must(204, "POST", "/me/call/transfer", api.TransferRequest{Mode: "consult", Target: call.Target{Kind: "extension", Value: "1003"}}, nil)
	waitFor(t, 15*time.Second, "1003 answers the consultation", func() bool {
		al := state(a1)
		if al.Call == nil {
			return false
		}
		for _, p := range al.Call.Agents {
			if p.Extension == "1003" && p.Consulting {
				return true
			}
		}
		return false
	})
	a1.must(204, "POST", "/me/call/conference", nil, nil)
	waitFor(t, 10*time.Second, "three-way call", func() bool {
		al := state(a3)
		return al.Call != nil && len(al.Call.Agents) == 2 && al.Call.State == call.StateTalking
	})
	a1.must(204, "POST", "/me/call/leave", nil, nil)
	p1.wait(t, 10*time.Second) // 1001's phone got its BYE
	onCall(a3, call.StateTalking)
	a3.must(204, "POST", "/me/call/transfer", api.TransferRequest{Mode: "blind", Target: call.Target{Kind: "agent",
		Value: strconv.FormatInt(n.agentID(t, "1002"), 10)}}, nil)
	p3.wait(t, 10*time.Second)
	onCall(a2, call.StateTalking)
	a2.must(204, "POST", "/me/call/hangup", nil, nil)
	p2.wait(t, 10*time.Second)
	caller.wait(t, 15*time.Second)

	c, legs, _ := n.onlyCDR(t)
	if c.Transfers != 1 || !c.Conferenced || c.Holds != 2 || c.HoldMS <= 0 || c.HangupBy != "agent" || c.AgentID != n.agentID(t, "1001") {
		t.Errorf("CDR %+v", c)
	}
	wantLegs := []string{"1001", "1003", "1002"}
	if len(legs) != len(wantLegs) {
		t.Fatalf("legs %+v", legs)
	}
	for i, ext := range wantLegs {
		if legs[i].AgentID != n.agentID(t, ext) || legs[i].Outcome != "answered" || legs[i].TalkMS <= 0 {
			t.Errorf("leg %d: %+v, want %s answered", i, legs[i], ext)
		}
	}
	if legs[1].TransferredTo == "" {
		t.Errorf("1003's leg does not say where it transferred the call: %+v", legs[1])
	}
}

// TestAttendedTransferToQueue: an agent consults a queue while the caller
// waits on hold. The consultation waits in the queue like a caller (the
// agent hears its music and can cancel), the queue's next free agent takes
// it, and completing the transfer leaves the caller with that agent, whose
// state afterwards goes through wrap-up back to ready.
func TestAttendedTransferToQueue(t *testing.T) {
	n := startNode(t)
	dir := scenarioDir(t)
	n.setQueue(t, "sales", func(q *queues.Queue) { q.Survey = false })
	n.setQueue(t, "support", func(q *queues.Queue) { q.Survey = false; q.WrapUpSec = 1 })
	phone := func(ext string) *sipp {
		port := freePort(t)
		uas := n.startSipp(dir, "agent_answer_wait.xml", "-p", strconv.Itoa(port), "-mp", strconv.Itoa(freePort(t)),
			"-rtp_echo", "-aa", "-m", "1")
		reg := n.startSipp(dir, "agent_register.xml", "-s", ext, "-au", ext, "-ap", demoPassword, "-key", "uasport",
			strconv.Itoa(port), "-m", "1", "-p", strconv.Itoa(freePort(t)))
		reg.wait(t, 10*time.Second)
		n.waitReady(t, n.agentID(t, ext))
		return uas
	}
	p1, p2 := phone("1001"), phone("1002")
	a1, a2 := n.as("agent1001"), n.as("agent1002")
	// 1002 is on a break: the consultation will have to wait for them.
	a2.must(200, "POST", "/me/agent/state", api.StateChange{State: "not_ready", Reason: "break"}, nil)
	sink := newRTPSink(t)
	sc := variant(t, dir, "caller_queue.xml", "caller_long.xml", `timeout="[timeout_ms]"`, `timeout="45000"`)
	caller := n.startSipp(dir, sc, "-s", "8001", "-m", "1", "-key", "rtpport", sink.port(), "-p", strconv.Itoa(freePort(t)))

	live := func(c *apiClient) *call.Info {
		var al api.AgentLive
		c.must(200, "GET", "/me/agent", nil, &al)
		return al.Call
	}
	waitCall := func(c *apiClient, what string, cond func(*call.Info) bool) {
		t.Helper()
		waitFor(t, 15*time.Second, what, func() bool {
			in := live(c)
			return in != nil && cond(in)
		})
	}
	supportWaiting := func() int {
		st, err := n.app.ACD.QueueStatus(n.queueID(t, "support"))
		if err != nil {
			t.Fatal(err)
		}
		return st.Waiting
	}
	waitCall(a1, "1001 talking", func(in *call.Info) bool { return in.State == call.StateTalking })

	consult := api.TransferRequest{Mode: "consult", Target: call.Target{Kind: "queue", Value: "support"}}
	a1.must(204, "POST", "/me/call/transfer", consult, nil)
	waitCall(a1, "the consultation waits in support", func(in *call.Info) bool {
		return in.State == call.StateHeld && in.Consulting == "queue:support"
	})
	if w := supportWaiting(); w != 1 {
		t.Fatalf("support has %d waiting, want the consultation", w)
	}
	a1.must(409, "POST", "/me/call/transfer", consult, nil) // one consultation at a time
	a1.must(409, "POST", "/me/call/complete", nil, nil)     // nobody answered yet
	a1.must(204, "POST", "/me/call/cancel_consult", nil, nil)
	waitCall(a1, "back with the caller", func(in *call.Info) bool { return in.State == call.StateTalking && in.Consulting == "" })
	if w := supportWaiting(); w != 0 {
		t.Fatalf("support has %d waiting after the cancel", w)
	}

	a1.must(204, "POST", "/me/call/transfer", consult, nil)
	waitCall(a1, "waiting again", func(in *call.Info) bool { return in.Consulting == "queue:support" })
	a2.must(200, "POST", "/me/agent/state", api.StateChange{State: "ready"}, nil)
	waitCall(a1, "1002 answers the consultation", func(in *call.Info) bool {
		for _, p := range in.Agents {
			if p.Extension == "1002" && p.Consulting {
				return in.Consulting == ""
			}
		}
		return false
	})
	a1.must(204, "POST", "/me/call/complete", nil, nil)
	p1.wait(t, 10*time.Second) // 1001's phone got its BYE
	waitCall(a2, "1002 talks to the caller", func(in *call.Info) bool {
		return in.State == call.StateTalking && len(in.Agents) == 1 && in.Agents[0].Extension == "1002"
	})
	a2.must(204, "POST", "/me/call/hangup", nil, nil)
	p2.wait(t, 10*time.Second)
	caller.wait(t, 15*time.Second)
	n.waitReady(t, n.agentID(t, "1001"), n.agentID(t, "1002")) // both out of their calls and wrap-up

	c, legs, _ := n.onlyCDR(t)
	if c.Transfers != 1 || c.HangupBy != "agent" || c.AgentID != n.agentID(t, "1001") || c.Queue != "sales" {
		t.Errorf("CDR %+v", c)
	}
	var answered []calllog.Leg
	for _, l := range legs {
		if l.Outcome == "answered" {
			answered = append(answered, l)
		}
	}
	if len(answered) != 2 || answered[0].AgentID != n.agentID(t, "1001") || answered[1].AgentID != n.agentID(t, "1002") {
		t.Fatalf("answered legs %+v", answered)
	}
	if answered[0].TransferredTo != "queue:support" || answered[1].TalkMS <= 0 {
		t.Errorf("legs %+v", answered)
	}
}

func (n *running) queueID(t *testing.T, name string) int64 {
	t.Helper()
	q, err := n.app.Queues.ByName(context.Background(), name)
	if err != nil {
		t.Fatal(err)
	}
	return q.ID
}
