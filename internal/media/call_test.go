package media

import (
	"context"
	"encoding/binary"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// talker makes a raw peer send a constant level every 20 ms, like a phone.
func (p *peer) talk(ctx context.Context, to func() Media, v int16) {
	frame := make([]int16, FrameSamples)
	for i := range frame {
		frame[i] = v
	}
	t := time.NewTicker(FrameDuration)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			m := to()
			p.conn.WriteToUDPAddrPort(p.audio(PCMU, frame), m.Remote)
		}
	}
}

// awaitLevel reads packets until one decodes to a constant want.
func (p *peer) awaitLevel(t *testing.T, who string, want int16) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	last := int16(-1)
	for time.Now().Before(deadline) {
		pkt, _ := p.recv()
		if pkt.PayloadType != 0 || len(pkt.Payload) != FrameSamples {
			continue
		}
		pcm := make([]int16, FrameSamples)
		PCMU.Decode(pcm, pkt.Payload)
		if constant(pcm) && pcm[0] == want {
			return
		}
		last = pcm[0]
	}
	t.Fatalf("%s never heard level %d (last %d)", who, want, last)
}

func constant(pcm []int16) bool {
	for _, s := range pcm {
		if s != pcm[0] {
			return false
		}
	}
	return true
}

func q(v int) int16 { return UlawDecode(UlawEncode(int16(v))) } // what µ-law makes of v

// TestCallThroughBridge runs a call as internal/call will: caller and agent
// legs as Streams on loopback talking to raw RTP peers, a supervisor who
// monitors and then whispers, an IVR prompt interrupted by a digit, and a
// stereo recording.
func TestCallThroughBridge(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	type party struct {
		peer *peer
		leg  *Stream
	}
	mk := func(level int16) party {
		p := newPeer(t)
		p.ssrc = uint32(level)
		s := newTestStream(t, StreamConfig{})
		s.SetMedia(Media{Codec: PCMU, Events: true, EventPT: 101, Remote: p.addr(), Direction: SendRecv})
		go p.talk(ctx, func() Media { return Media{Remote: s.LocalAddr()} }, level)
		return party{p, s}
	}
	caller, agent, sup := mk(1000), mk(3000), mk(9000)
	c, a, s := q(1000), q(3000), q(9000)

	b := newTestBridge(t)
	rec, err := NewRecorder(filepath.Join(t.TempDir(), "call.wav"), testLogger(t))
	must(t, err)
	b.SetTap(rec)
	must(t, b.Add("caller", Participant{Source: caller.leg, Sink: caller.leg, Side: SideLeft}))

	// IVR: a looping prompt for the caller, interrupted by a key press.
	promptPCM := make([]int16, 1600)
	for i := range promptPCM {
		promptPCM[i] = 500
	}
	prompt := NewPlayer(promptPCM, true)
	must(t, b.Add("prompt", Participant{Source: prompt, Mode: ModeWhisper, To: []string{"caller"}}))
	caller.peer.awaitLevel(t, "caller (prompt)", q(500))
	for _, e := range pressPackets(caller.peer.ssrc, caller.peer.now(), '5', 3) {
		caller.peer.sendEvent(caller.leg.LocalAddr(), e)
	}
	select {
	case d := <-caller.leg.Digits():
		if d.Digit != '5' || d.Method != DTMFRFC4733 {
			t.Fatalf("digit %+v", d)
		}
		prompt.Stop()
	case <-prompt.Done():
		t.Fatal("a looping prompt finished by itself")
	case <-time.After(5 * time.Second):
		t.Fatal("no digit")
	}
	<-prompt.Done()
	if !prompt.Stopped() {
		t.Error("prompt not marked stopped")
	}
	b.Remove("prompt")

	// The agent answers.
	must(t, b.Add("agent", Participant{Source: agent.leg, Sink: agent.leg, Side: SideRight}))
	caller.peer.awaitLevel(t, "caller", a)
	agent.peer.awaitLevel(t, "agent", c)

	// Supervisor monitors: hears both, heard by nobody.
	must(t, b.Add("sup", Participant{Source: sup.leg, Sink: sup.leg, Mode: ModeListen}))
	sup.peer.awaitLevel(t, "supervisor", q(int(c)+int(a)))
	caller.peer.awaitLevel(t, "caller while monitored", a)
	agent.peer.awaitLevel(t, "agent while monitored", c)

	// Whisper: only the agent hears the supervisor.
	must(t, b.SetMode("sup", ModeWhisper, "agent"))
	agent.peer.awaitLevel(t, "agent with whisper", q(int(c)+int(s)))
	caller.peer.awaitLevel(t, "caller with whisper", a)

	b.Close()
	must(t, rec.Close())
	checkRecording(t, rec.Path(), c, a)
}

// checkRecording finds frames with the caller on the left and the agent on
// the right.
func checkRecording(t *testing.T, path string, left, right int16) {
	t.Helper()
	data, err := os.ReadFile(path)
	must(t, err)
	info, err := parseWAV(bytesReaderAt(data), int64(len(data)))
	must(t, err)
	both := 0
	for off := info.dataOff; off+4 <= info.dataOff+info.dataLen; off += 4 {
		l := int16(binary.LittleEndian.Uint16(data[off:]))
		r := int16(binary.LittleEndian.Uint16(data[off+2:]))
		if l == left && r == right {
			both++
		}
	}
	if both < FrameSamples {
		t.Fatalf("recording has %d sample frames with caller %d left and agent %d right", both, left, right)
	}
	t.Logf("recording: %d bytes, %d sample frames with both parties", len(data), both)
}
