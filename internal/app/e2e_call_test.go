package app_test

import (
	"context"
	"encoding/json"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/hotline-cc/hotline/internal/acd"
	"github.com/hotline-cc/hotline/internal/calllog"
	"github.com/hotline-cc/hotline/internal/org"
	"github.com/hotline-cc/hotline/internal/testenv"
)

// TestInboundCallThroughIVRQueueAgentAndSurvey is the demo's first call:
// a caller dials 8000, presses 2 during the welcome, waits in the support
// queue, is answered by the only registered agent (1001), who hangs up;
// the caller rates the call 5 with a key press. Real sipp peers on
// loopback; RFC 4733 digits from Debian's pcaps.
func TestInboundCallThroughIVRQueueAgentAndSurvey(t *testing.T) {
	testenv.Root(t) // sipp's pcap play needs raw sockets
	n := startNode(t)
	dir := scenarioDir(t)
	ctx := context.Background()
	agent, err := n.app.Org.AgentByExtension(ctx, "1001")
	if err != nil {
		t.Fatal(err)
	}
	phone := n.agentPhone(dir, "1001", 3*time.Second)
	waitFor(t, 10*time.Second, "agent 1001 ready", func() bool {
		st, err := n.app.ACD.AgentStatus(agent.UserID)
		return err == nil && st.State == acd.Ready && st.Reachable
	})
	caller := n.startSipp(dir, "caller_ivr_rate.xml", "-s", "8000", "-m", "1", "-mp", strconv.Itoa(freePort(t)),
		"-p", strconv.Itoa(freePort(t)))
	caller.wait(t, 60*time.Second)
	phone.wait(t, 10*time.Second)
	if err := n.app.CallLog.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	cdrs, total, err := calllog.CDRs(ctx, n.app.DB, org.Scope{Kind: org.ScopeAll}, calllog.CDRFilter{})
	if err != nil || total != 1 {
		t.Fatalf("CDRs: %d %v", total, err)
	}
	c := cdrs[0]
	if c.Outcome != calllog.OutcomeAnswered || c.Queue != "support" || c.AgentID != agent.UserID || c.Rating != 5 ||
		c.HangupBy != "agent" || c.Number != "8000" || c.Caller != "13800138000" {
		t.Errorf("CDR %+v", c)
	}
	if c.TalkMS < 2500 || c.TalkMS > 6000 {
		t.Errorf("talk time %d ms, want about 3000", c.TalkMS)
	}
	evs, _ := calllog.Events(ctx, n.app.DB, c.CallID)
	if path := os.Getenv("HOTLINE_DUMP_EVENTS"); path != "" { // docs/call-events.md's worked example
		b, _ := json.MarshalIndent(map[string]any{"events": evs, "cdr": c}, "", "  ")
		os.WriteFile(path, b, 0o644)
	}
	var types []calllog.Type
	key := ""
	for _, e := range evs {
		if e.Type == calllog.AgentWrapUpEnd {
			continue // the wrap-up runs beside the survey: checked below
		}
		types = append(types, e.Type)
		if e.Type == calllog.IVRKey {
			key += e.Data.Digit
		}
	}
	want := []calllog.Type{calllog.CallOffered, calllog.CallAnswered, calllog.IVREntered, calllog.IVRKey, calllog.IVRLeft,
		calllog.QueueEntered, calllog.QueueOffer, calllog.AgentAnswered, calllog.RecordingStarted, calllog.LegEnded,
		calllog.RecordingStopped, calllog.CallRated, calllog.CallEnded}
	if !sameTypes(types, want) {
		t.Errorf("events\n got %v\nwant %v", types, want)
	}
	if key != "2" {
		t.Errorf("IVR keys %q, want exactly one 2", key)
	}
	// The key press led to the menu's next step; its prompt latency was
	// measured (the figure itself is a benchmark's business).
	if count, _ := keyToPrompt(t, n); count == 0 {
		t.Errorf("no key-to-prompt latency observed")
	}
	// The recording exists, is stereo and lasts about the talk time.
	recs, _, err := n.app.Recs.List(ctx, org.Scope{Kind: org.ScopeAll}, recordingFilter(c.CallID))
	if err != nil || len(recs) != 1 {
		t.Fatalf("recordings: %v %v", recs, err)
	}
	if r := recs[0]; r.Channels != 2 || r.DurationMS < 2000 || r.AgentID != agent.UserID || len(r.Parties) != 2 {
		t.Errorf("recording %+v", r)
	}
	checkRecordingFile(t, n, n.app.Recs.Abs(&recs[0]), recs[0].DurationMS)
	// The agent is in wrap-up or ready again, never stuck on the call.
	waitFor(t, 10*time.Second, "agent back to ready after wrap-up", func() bool {
		st, _ := n.app.ACD.AgentStatus(agent.UserID)
		return st.State == acd.Ready
	})
	// The wrap-up's end is logged on the call and its time on the agent's
	// leg (the queue's 3 s of after-call work).
	waitFor(t, 10*time.Second, "wrap-up recorded on the leg", func() bool {
		if err := n.app.CallLog.Flush(ctx); err != nil {
			t.Fatal(err)
		}
		legs, _ := calllog.Legs(ctx, n.app.DB, c.CallID)
		return len(legs) == 1 && legs[0].WrapUpMS > 0
	})
	legs, _ := calllog.Legs(ctx, n.app.DB, c.CallID)
	if w := legs[0].WrapUpMS; w < 2500 || w > 4500 {
		t.Errorf("wrap-up %d ms, want about 3000", w)
	}
	evs, _ = calllog.Events(ctx, n.app.DB, c.CallID)
	ends := 0
	for _, e := range evs {
		if e.Type == calllog.AgentWrapUpEnd && e.AgentID == agent.UserID {
			ends++
		}
	}
	if ends != 1 {
		t.Errorf("%d wrap-up ends logged, want 1", ends)
	}
}

func sameTypes(a, b []calllog.Type) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// keyToPrompt reads the IVR latency histogram: how many observations, and
// how many within 50 ms (the target's p99).
func keyToPrompt(t *testing.T, n *running) (count, within50ms uint64) {
	t.Helper()
	mfs, err := n.app.Registry.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() != "hotline_ivr_key_to_prompt_seconds" {
			continue
		}
		h := mf.GetMetric()[0].GetHistogram()
		for _, b := range h.GetBucket() {
			if b.GetUpperBound() == 0.05 {
				within50ms = b.GetCumulativeCount()
			}
		}
		return h.GetSampleCount(), within50ms
	}
	return 0, 0
}
