package app_test

import (
	"strconv"
	"testing"
	"time"

	"github.com/hotline-cc/hotline/internal/api"
	"github.com/hotline-cc/hotline/internal/call"
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
