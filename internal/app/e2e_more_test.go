package app_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/hotline-cc/hotline/internal/api"
	"github.com/hotline-cc/hotline/internal/call"
	"github.com/hotline-cc/hotline/internal/calllog"
	"github.com/hotline-cc/hotline/internal/org"
	"github.com/hotline-cc/hotline/internal/pbx"
	"github.com/hotline-cc/hotline/internal/queues"
	"github.com/hotline-cc/hotline/internal/sip"
	"github.com/hotline-cc/hotline/internal/tts"
)

// A caller who hangs up in the middle of the welcome ends the call cleanly:
// a self-service CDR, nothing left running.
func TestHangupMidPrompt(t *testing.T) {
	n := startNode(t)
	dir := scenarioDir(t)
	sink := newRTPSink(t)
	sc := variant(t, dir, "caller_queue.xml", "caller_midprompt.xml", `timeout="[timeout_ms]"`, `timeout="700"`)
	n.startSipp(dir, sc, "-s", "8000", "-m", "1", "-key", "rtpport", sink.port(), "-p", strconv.Itoa(freePort(t))).wait(t, 15*time.Second)
	c, _, evs := n.onlyCDR(t)
	if c.Outcome != calllog.OutcomeIVR || c.HangupBy != "caller" {
		t.Errorf("CDR %+v", c)
	}
	left := false
	for _, e := range evs {
		left = left || (e.Type == calllog.IVRLeft && e.Data.Result == "caller_hangup")
	}
	if !left {
		t.Errorf("no ivr.left with caller_hangup: %+v", evs)
	}
	if calls := n.app.Calls.Calls(); len(calls) != 0 {
		t.Errorf("%d calls still live after the hang-up", len(calls))
	}
	if sink.packets.Load() == 0 {
		t.Error("the caller heard nothing of the welcome prompt")
	}
}

// A supervisor listens to a live call, whispers to the agent, barges in
// and leaves: their phone rings and each mode is logged.
func TestSupervisorMonitoring(t *testing.T) {
	n := startNode(t)
	dir := scenarioDir(t)
	ctx := context.Background()
	n.setQueue(t, "sales", func(q *queues.Queue) { q.Survey = false })
	// The demo supervisor gets a phone: extension 1005.
	sup, err := n.app.Org.CredentialFor(ctx, "supervisor1")
	if err != nil {
		t.Fatal(err)
	}
	ext := "1005"
	if _, err := n.app.Org.UpdateUser(ctx, org.System(), sup.UserID, org.UserPatch{Extension: &ext}); err != nil {
		// 1005 belongs to agent1005: move it.
		none := ""
		a5, _ := n.app.Org.CredentialFor(ctx, "agent1005")
		n.app.Org.UpdateUser(ctx, org.System(), a5.UserID, org.UserPatch{Extension: &none})
		if _, err := n.app.Org.UpdateUser(ctx, org.System(), sup.UserID, org.UserPatch{Extension: &ext}); err != nil {
			t.Fatal(err)
		}
	}
	agentPhone := n.agentPhone(dir, "1001", 0)
	supPhone := n.agentPhone(dir, "1005", 0)
	n.waitReady(t, n.agentID(t, "1001"))
	sink := newRTPSink(t)
	sc := variant(t, dir, "caller_queue.xml", "caller_long.xml", `timeout="[timeout_ms]"`, `timeout="30000"`)
	caller := n.startSipp(dir, sc, "-s", "8001", "-m", "1", "-key", "rtpport", sink.port(), "-p", strconv.Itoa(freePort(t)))
	s := n.as("supervisor1")
	var live []call.Info
	waitFor(t, 15*time.Second, "a live call in conversation", func() bool {
		live = nil
		s.do("GET", "/live/calls", nil, &live)
		return len(live) == 1 && live[0].State == call.StateTalking
	})
	id := live[0].ID
	s.must(202, "POST", "/live/calls/"+id+"/monitor", api.MonitorRequest{Mode: call.Listen}, nil)
	waitFor(t, 15*time.Second, "the supervisor listening", func() bool {
		live = nil
		s.do("GET", "/live/calls", nil, &live)
		return len(live) == 1 && len(live[0].Monitors) == 1 && live[0].Monitors[0].Mode == "listen"
	})
	s.must(202, "POST", "/live/calls/"+id+"/monitor", api.MonitorRequest{Mode: call.Whisper}, nil)
	s.must(202, "POST", "/live/calls/"+id+"/monitor", api.MonitorRequest{Mode: call.Barge}, nil)
	// An agent may not monitor (no calls:monitor), and a bad mode is refused.
	if code := n.as("agent1002").do("POST", "/live/calls/"+id+"/monitor", api.MonitorRequest{Mode: call.Listen}, nil); code != 403 {
		t.Errorf("agent monitoring: %d, want 403", code)
	}
	if code := s.do("POST", "/live/calls/"+id+"/monitor", api.MonitorRequest{Mode: "spy"}, nil); code != 400 {
		t.Errorf("bad mode: %d, want 400", code)
	}
	s.must(204, "DELETE", "/live/calls/"+id+"/monitor", nil, nil)
	supPhone.wait(t, 10*time.Second)
	n.as("agent1001").must(204, "POST", "/me/call/hangup", nil, nil)
	agentPhone.wait(t, 10*time.Second)
	caller.wait(t, 15*time.Second)
	_, _, evs := n.onlyCDR(t)
	var modes []string
	for _, e := range evs {
		if e.Type == calllog.MonitorStarted {
			modes = append(modes, e.Data.Kind)
		}
	}
	if len(modes) != 3 || modes[0] != "listen" || modes[1] != "whisper" || modes[2] != "barge" {
		t.Errorf("monitor events %v, want listen, whisper, barge", modes)
	}
}

// A trunk that registers to its carrier does so as soon as it is created.
func TestTrunkRegistersToCarrier(t *testing.T) {
	n := startNode(t)
	dir := scenarioDir(t)
	port := freePort(t)
	n.startSipp(dir, "carrier_registrar.xml", "-p", strconv.Itoa(port), "-m", "1")
	_, err := n.app.PBX.CreateTrunk(context.Background(), org.System(), pbx.TrunkInput{Name: "carrier",
		Host: "127.0.0.1:" + strconv.Itoa(port), Register: true, Username: "4008001234", Password: "carrier-secret"})
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, 15*time.Second, "the trunk registered", func() bool {
		st, ok := n.app.SIP.TrunkStatus("carrier")
		return ok && st.State == sip.TrunkRegistered
	})
}

// The recording file is a stereo 8 kHz WAV as long as its metadata says.
func checkRecordingFile(t *testing.T, n *running, path string, durationMS int64) {
	t.Helper()
	info, err := tts.ReadWAVInfo(path)
	if err != nil {
		t.Fatal(err)
	}
	if info.Channels != 2 || info.SampleRate != 8000 || info.BitsPerSample != 16 {
		t.Errorf("recording format %+v, want stereo 8 kHz 16-bit", info)
	}
	if d := info.Duration().Milliseconds() - durationMS; d < -100 || d > 100 {
		t.Errorf("recording lasts %v, metadata says %d ms", info.Duration(), durationMS)
	}
}
