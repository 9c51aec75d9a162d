package media

import (
	"errors"
	"net"
	"net/netip"
	"slices"
	"testing"
	"time"
)

func TestStreamToStreamAudio(t *testing.T) {
	for _, c := range []Codec{PCMU, PCMA} {
		t.Run(c.Name(), func(t *testing.T) {
			a := newTestStream(t, StreamConfig{})
			b := newTestStream(t, StreamConfig{})
			connect(a, b, c)
			tone := Tone(80*time.Millisecond, 8000, 440, 1000)
			for _, f := range frames(tone) {
				if err := a.WriteFrame(f); err != nil {
					t.Fatal(err)
				}
			}
			waitFor(t, "4 packets at b", func() bool { return b.Stats().PacketsIn == 4 })
			var got []int16
			f := make([]int16, FrameSamples)
			for range 4 {
				if !b.ReadFrame(f) {
					t.Fatal("no audio")
				}
				got = append(got, f...)
			}
			if !slices.Equal(got, roundTrip(c, tone)) {
				t.Fatal("received audio differs from what was sent")
			}
			if b.ReadFrame(f) {
				t.Error("audio from an empty buffer")
			}
			st := a.Stats()
			if st.PacketsOut != 4 || st.BytesOut != 4*(12+160) {
				t.Errorf("sender stats %+v", st)
			}
		})
	}
}

// TestStreamSendFormat checks the RTP we send: one SSRC, sequence +1 and
// timestamp +160 per frame, marker on the first packet only.
func TestStreamSendFormat(t *testing.T) {
	s := newTestStream(t, StreamConfig{})
	p := newPeer(t)
	s.SetMedia(Media{Codec: PCMA, Remote: p.addr(), Direction: SendRecv})
	for range 5 {
		if err := s.WriteFrame(make([]int16, FrameSamples)); err != nil {
			t.Fatal(err)
		}
	}
	first, from := p.recv()
	if from != s.LocalAddr() {
		t.Errorf("sent from %v, not from our RTP port %v", from, s.LocalAddr())
	}
	if !first.Marker || first.PayloadType != 8 || len(first.Payload) != 160 || first.Payload[0] != AlawEncode(0) {
		t.Errorf("first packet %+v", first.Header)
	}
	prev := first
	for range 4 {
		pkt, _ := p.recv()
		if pkt.Marker || pkt.SSRC != first.SSRC || pkt.SequenceNumber != prev.SequenceNumber+1 || pkt.Timestamp != prev.Timestamp+160 {
			t.Errorf("packet %+v after %+v", pkt.Header, prev.Header)
		}
		prev = pkt
	}
}

// TestStreamLatching: we send to the SDP address until the peer's packets
// show where it really is, then follow them; a stray source cannot take the
// stream over with a packet or two, but a persistent one moves the latch.
func TestStreamLatching(t *testing.T) {
	s := newTestStream(t, StreamConfig{LatchPackets: 3})
	sdpAddr := newPeer(t) // where the SDP said to send
	natted := newPeer(t)  // where the peer's packets really come from
	s.SetMedia(Media{Codec: PCMU, Remote: sdpAddr.addr(), Direction: SendRecv})
	silence := make([]int16, FrameSamples)

	s.WriteFrame(silence)
	if _, from := sdpAddr.recv(); from != s.LocalAddr() {
		t.Fatal("first packet did not go to the SDP address")
	}
	for i := range 3 {
		natted.sendRaw(s.LocalAddr(), natted.audio(PCMU, silence))
		waitFor(t, "packet accepted", func() bool { return s.Stats().PacketsIn == uint64(i+1) })
	}
	if st := s.Stats(); !st.Latched || st.Target != natted.addr() {
		t.Fatalf("not latched: %+v", st)
	}
	s.WriteFrame(silence)
	natted.recv()

	stray := newPeer(t)
	stray.ssrc = 0xBAD
	stray.sendRaw(s.LocalAddr(), stray.audio(PCMU, silence))
	waitFor(t, "stray packet ignored", func() bool { return s.Stats().Ignored == 1 })
	if s.Stats().Target != natted.addr() {
		t.Fatal("one stray packet moved the latch")
	}
	for range 2 {
		stray.sendRaw(s.LocalAddr(), stray.audio(PCMU, silence))
	}
	waitFor(t, "latch to move", func() bool { return s.Stats().Target == stray.addr() })

	// A re-INVITE with a new address drops the latch.
	other := newPeer(t)
	s.SetMedia(Media{Codec: PCMU, Remote: other.addr(), Direction: SendRecv})
	s.WriteFrame(silence)
	other.recv()
}

// TestStreamReorderLossDuplicates sends packets out of order, with a loss,
// a duplicate and a late packet, over real UDP.
func TestStreamReorderLossDuplicates(t *testing.T) {
	s := newTestStream(t, StreamConfig{JitterFrames: 2})
	p := newPeer(t)
	s.SetMedia(Media{Codec: PCMU, Remote: p.addr(), Direction: SendRecv})
	pkts := make([][]byte, 8)
	for k := range pkts {
		pkts[k] = p.audio(PCMU, packetAudio(k, 160))
	}
	// Order on the wire: 0 2 1 1 | 3 5 | 6 7 (4 lost, 1 duplicated), the
	// mixer reading 2, 2 and 3 frames after each group.
	var got []int16
	f := make([]int16, FrameSamples)
	in := 0
	for _, step := range []struct {
		send []int
		read int
	}{{[]int{0, 2, 1, 1}, 2}, {[]int{3, 5}, 2}, {[]int{6, 7}, 3}} {
		for _, k := range step.send {
			p.sendRaw(s.LocalAddr(), pkts[k])
		}
		in += len(step.send)
		waitFor(t, "datagrams", func() bool { return s.Stats().PacketsIn == uint64(in) })
		for range step.read {
			s.ReadFrame(f)
			got = append(got, f...)
		}
	}
	if !slices.Equal(got, expect([]int{0, 1, 2, 3, -1, 5, 6}, 160)) {
		t.Fatal("reordering/loss not handled")
	}
	p.sendRaw(s.LocalAddr(), pkts[2]) // long after its turn
	waitFor(t, "late packet", func() bool { return s.Stats().Late == 1 })
	st := s.Stats()
	if st.Lost != 1 || st.Duplicate != 1 {
		t.Errorf("stats %+v", st)
	}
}

// OnClose hands the final counters over exactly once, however often the
// stream is closed (a node's RTP loss totals are built from them).
func TestStreamOnCloseReportsFinalStats(t *testing.T) {
	var calls []StreamStats
	s := newTestStream(t, StreamConfig{OnClose: func(st StreamStats) { calls = append(calls, st) }})
	p := newPeer(t)
	s.SetMedia(Media{Codec: PCMU, Remote: p.addr(), Direction: SendRecv})
	for k := range 3 {
		p.sendRaw(s.LocalAddr(), p.audio(PCMU, packetAudio(k, 160)))
	}
	waitFor(t, "datagrams", func() bool { return s.Stats().PacketsIn == 3 })
	s.Close()
	s.Close()
	if len(calls) != 1 || calls[0].PacketsIn != 3 {
		t.Fatalf("OnClose calls: %+v", calls)
	}
}

func TestStreamMalformedPackets(t *testing.T) {
	s := newTestStream(t, StreamConfig{})
	p := newPeer(t)
	s.SetMedia(Media{Codec: PCMU, Events: true, EventPT: 101, Remote: p.addr(), Direction: SendRecv})
	bad := [][]byte{
		{},           // empty
		{0x80, 0, 0}, // short header
		{0x00, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0xFF},             // version 0
		{0x8F, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1},                   // 15 CSRCs missing
		{0xA0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0xFF, 0x00},       // padding 0
		{0x90, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0xBE, 0xDE, 0, 9}, // extension too long
		packet(0, 1, 1, 1, false, nil),                            // no audio
		packet(0, 1, 1, 1, false, make([]byte, 1200)),             // 150 ms in one packet
		packet(101, 1, 1, 1, false, []byte{1, 2}),                 // short event
	}
	for _, b := range bad {
		p.sendRaw(s.LocalAddr(), b)
	}
	ignored := [][]byte{
		packet(18, 1, 1, 1, false, make([]byte, 20)),                                              // G.729, not negotiated
		packet(13, 1, 1, 1, false, []byte{40}),                                                    // comfort noise
		{0x80, 200, 0, 6, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, // RTCP SR (rtcp-mux)
	}
	for _, b := range ignored {
		p.sendRaw(s.LocalAddr(), b)
	}
	waitFor(t, "all datagrams counted", func() bool {
		st := s.Stats()
		return st.Malformed == uint64(len(bad)) && st.Ignored == uint64(len(ignored))
	})
	// Still working.
	for range 2 {
		p.sendRaw(s.LocalAddr(), p.audio(PCMU, packetAudio(1, 160)))
	}
	waitFor(t, "good packets", func() bool { return s.Stats().PacketsIn == 2 })
	f := make([]int16, FrameSamples)
	if !s.ReadFrame(f) || !slices.Equal(f, packetAudio(1, 160)) {
		t.Error("no audio after the garbage")
	}
}

func TestStreamRFC4733Digits(t *testing.T) {
	a := newTestStream(t, StreamConfig{})
	b := newTestStream(t, StreamConfig{})
	connect(a, b, PCMU)
	if err := a.SendDigits("1#11*9", 60*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	silence := make([]int16, FrameSamples)
	for a.SendingDigits() { // the bridge tick, done by hand
		a.WriteFrame(silence)
	}
	got := collectDigits(t, b.Digits(), 6)
	if s := digitString(got); s != "1#11*9" {
		t.Fatalf("received %q", s)
	}
	for _, d := range got {
		if d.Method != DTMFRFC4733 {
			t.Errorf("method %v", d.Method)
		}
	}
	waitFor(t, "all packets in", func() bool { return b.Stats().PacketsIn == a.Stats().PacketsOut })
	if n := len(b.Digits()); n != 0 {
		t.Fatalf("%d extra digits (a key reported twice)", n)
	}
	if err := a.SendDigits("x", 0); !errors.Is(err, ErrBadDigit) {
		t.Errorf("bad digit: %v", err)
	}
	a.SetMedia(Media{Codec: PCMU, Remote: b.LocalAddr()})
	if err := a.SendDigits("1", 0); !errors.Is(err, ErrNoTelephoneEvent) {
		t.Errorf("without telephone-event: %v", err)
	}
}

// TestStreamRFC4733Wire checks our event packets on the wire.
func TestStreamRFC4733Wire(t *testing.T) {
	s := newTestStream(t, StreamConfig{})
	p := newPeer(t)
	s.SetMedia(Media{Codec: PCMU, Events: true, EventPT: 96, Remote: p.addr(), Direction: SendRecv})
	silence := make([]int16, FrameSamples)
	s.WriteFrame(silence)
	audio1, _ := p.recv()
	s.SendDigits("5", 100*time.Millisecond)
	for s.SendingDigits() {
		s.WriteFrame(silence)
	}
	s.WriteFrame(silence)
	var evs []TelephoneEvent
	var start uint32
	for i := range 8 {
		pkt, _ := p.recv()
		if pkt.PayloadType != 96 || pkt.SSRC != audio1.SSRC || pkt.SequenceNumber != audio1.SequenceNumber+uint16(i+1) {
			t.Fatalf("event packet %d: %+v", i, pkt.Header)
		}
		if i == 0 {
			start = pkt.Timestamp
			if !pkt.Marker || start != audio1.Timestamp+160 {
				t.Errorf("start packet %+v", pkt.Header)
			}
		} else if pkt.Marker || pkt.Timestamp != start {
			t.Errorf("packet %d: %+v", i, pkt.Header)
		}
		ev, err := ParseTelephoneEvent(pkt.Payload)
		if err != nil {
			t.Fatal(err)
		}
		evs = append(evs, ev)
	}
	for i, ev := range evs {
		end := i >= 5
		if ev.Event != 5 || ev.End != end || (end && ev.Duration != 800) || (!end && ev.Duration != uint16(160*(i+1))) {
			t.Errorf("event %d: %+v", i, ev)
		}
	}
	// Audio resumes after the pause with a timestamp past the event.
	for {
		pkt, _ := p.recv()
		if pkt.PayloadType == 0 {
			if int32(pkt.Timestamp-start) < 800 {
				t.Errorf("audio timestamp %d inside the event", pkt.Timestamp)
			}
			break
		}
	}
}

// TestStreamRFC4733RepeatedDigitsLostEnds: "111" from a raw socket with the
// end packets of every press lost still gives three digits.
func TestStreamRFC4733RepeatedDigitsLostEnds(t *testing.T) {
	s := newTestStream(t, StreamConfig{})
	p := newPeer(t)
	s.SetMedia(Media{Codec: PCMU, Events: true, EventPT: 101, Remote: p.addr(), Direction: SendRecv})
	sent := 0
	for _, press := range presses(p.ssrc, 7000, "111") {
		for _, e := range dropEnds(press) {
			p.sendEvent(s.LocalAddr(), e)
			sent++
		}
	}
	got := collectDigits(t, s.Digits(), 3)
	if digitString(got) != "111" {
		t.Fatalf("got %q", digitString(got))
	}
	waitFor(t, "all packets", func() bool { return s.Stats().PacketsIn == uint64(sent) })
	if len(s.Digits()) != 0 {
		t.Fatal("extra digits")
	}
}

func TestStreamInbandDTMF(t *testing.T) {
	a := newTestStream(t, StreamConfig{})
	b := newTestStream(t, StreamConfig{InbandDTMF: true})
	a.SetMedia(Media{Codec: PCMA, Remote: b.LocalAddr(), Direction: SendRecv})
	b.SetMedia(Media{Codec: PCMA, Remote: a.LocalAddr(), Direction: SendRecv})
	var pcm []int16
	for _, d := range []byte("159#55") {
		tone, _ := DTMFTone(d, 80*time.Millisecond, 6000)
		pcm = append(append(pcm, tone...), Silence(60*time.Millisecond)...)
	}
	for _, f := range frames(pcm) {
		a.WriteFrame(f)
	}
	got := collectDigits(t, b.Digits(), 6)
	if digitString(got) != "159#55" || got[0].Method != DTMFInband {
		t.Fatalf("got %q (%v)", digitString(got), got[0].Method)
	}
}

// TestStreamInbandOffAfterRFC4733: a gateway that sends events and leaves
// the tones in the audio must not produce each digit twice.
func TestStreamInbandOffAfterRFC4733(t *testing.T) {
	s := newTestStream(t, StreamConfig{InbandDTMF: true})
	p := newPeer(t)
	s.SetMedia(Media{Codec: PCMU, Events: true, EventPT: 101, Remote: p.addr(), Direction: SendRecv})
	for _, e := range pressPackets(p.ssrc, p.ts, '4', 5) {
		p.sendEvent(s.LocalAddr(), e)
	}
	p.ts += 8 * 160
	tone, _ := DTMFTone('4', 100*time.Millisecond, 6000)
	for _, f := range frames(append(tone, Silence(60*time.Millisecond)...)) {
		p.sendRaw(s.LocalAddr(), p.audio(PCMU, f))
	}
	got := collectDigits(t, s.Digits(), 1)
	waitFor(t, "all packets", func() bool { return s.Stats().PacketsIn == 8+8 })
	if got[0].Method != DTMFRFC4733 || len(s.Digits()) != 0 {
		t.Fatalf("got %v and %d more", got, len(s.Digits()))
	}
}

func TestStreamInactivity(t *testing.T) {
	fired := make(chan time.Duration, 4)
	s := newTestStream(t, StreamConfig{InactivityTimeout: 100 * time.Millisecond,
		OnInactive: func(idle time.Duration) { fired <- idle }})
	p := newPeer(t)
	s.SetMedia(Media{Codec: PCMU, Remote: p.addr(), Direction: SendRecv})
	select {
	case idle := <-fired:
		if idle < 100*time.Millisecond {
			t.Errorf("fired after %v", idle)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("inactivity callback did not fire")
	}
	// It fires once per silent period: a packet re-arms it.
	p.sendRaw(s.LocalAddr(), p.audio(PCMU, make([]int16, 160)))
	waitFor(t, "packet", func() bool { return s.Stats().PacketsIn == 1 })
	select {
	case <-fired:
	case <-time.After(5 * time.Second):
		t.Fatal("did not fire again after new silence")
	}
	if last := s.Stats().LastPacket; time.Since(last) > 5*time.Second || last.IsZero() {
		t.Errorf("LastPacket %v", last)
	}

	// On hold (we do not receive), silence is expected: no callback.
	s.SetMedia(Media{Codec: PCMU, Remote: p.addr(), Direction: SendOnly})
	select {
	case <-fired:
		t.Fatal("fired while the peer was not supposed to send")
	case <-time.After(400 * time.Millisecond):
	}
	s.SetInactivityTimeout(0)
}

func TestStreamReinviteCodecChange(t *testing.T) {
	s := newTestStream(t, StreamConfig{})
	p := newPeer(t)
	s.SetMedia(Media{Codec: PCMU, Remote: p.addr(), Direction: SendRecv})
	f := make([]int16, FrameSamples)
	s.WriteFrame(f)
	before, _ := p.recv()
	s.SetMedia(Media{Codec: PCMA, Remote: p.addr(), Direction: SendRecv})
	s.WriteFrame(f)
	after, _ := p.recv()
	if before.PayloadType != 0 || after.PayloadType != 8 {
		t.Errorf("payload types %d, %d", before.PayloadType, after.PayloadType)
	}
	if after.SSRC != before.SSRC || after.SequenceNumber != before.SequenceNumber+1 || after.Timestamp != before.Timestamp+160 {
		t.Errorf("RTP stream not continuous across re-INVITE: %+v then %+v", before.Header, after.Header)
	}
	// Inactive: nothing is sent, but the clock runs on.
	s.SetMedia(Media{Codec: PCMA, Remote: p.addr(), Direction: Inactive})
	s.WriteFrame(f)
	s.SetMedia(Media{Codec: PCMA, Remote: p.addr(), Direction: SendRecv})
	s.WriteFrame(f)
	resumed, _ := p.recv()
	if resumed.SequenceNumber != after.SequenceNumber+1 || resumed.Timestamp != after.Timestamp+320 {
		t.Errorf("after hold: %+v", resumed.Header)
	}
	// RFC 2543 hold (c=0.0.0.0): nothing is sent, even to a latched source.
	for range 3 {
		p.sendRaw(s.LocalAddr(), p.audio(PCMU, f))
	}
	waitFor(t, "latched", func() bool { return s.Stats().Latched })
	s.SetMedia(Media{Codec: PCMA, Remote: netip.AddrPortFrom(netip.IPv4Unspecified(), 4000), Direction: SendRecv})
	for range 3 {
		p.sendRaw(s.LocalAddr(), p.audio(PCMU, f))
	}
	waitFor(t, "latched again", func() bool { return s.Stats().Latched })
	s.WriteFrame(f)
	s.SetMedia(Media{Codec: PCMA, Remote: p.addr(), Direction: SendRecv})
	s.WriteFrame(f)
	last, _ := p.recv()
	if last.SequenceNumber != resumed.SequenceNumber+1 || last.Timestamp != resumed.Timestamp+320 {
		t.Errorf("a packet went out during c=0.0.0.0 hold: %+v after %+v", last.Header, resumed.Header)
	}
}

func TestStreamPortPoolAndClose(t *testing.T) {
	// Find a free region of ports; ports busy elsewhere are skipped anyway.
	probe, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	base := probe.LocalAddr().(*net.UDPAddr).Port &^ 1
	probe.Close()
	pool, err := NewPortPool(base, base+5) // three ports
	if err != nil {
		t.Fatal(err)
	}
	var streams []*Stream
	for range pool.Size() {
		s, err := NewStream(StreamConfig{Pool: pool, IP: loopback, Logger: testLogger(t)})
		if err != nil {
			t.Skipf("ports %d-%d busy: %v", base, base+5, err)
		}
		if p := int(s.LocalAddr().Port()); p%2 != 0 || p < base || p > base+5 {
			t.Errorf("port %d outside the pool", p)
		}
		streams = append(streams, s)
	}
	if _, err := NewStream(StreamConfig{Pool: pool, IP: loopback}); !errors.Is(err, ErrNoPorts) {
		t.Fatalf("exhausted pool: %v", err)
	}
	for _, s := range streams {
		s.Close()
		s.Close() // idempotent
	}
	if pool.Available() != pool.Size() {
		t.Errorf("ports not released: %d of %d", pool.Available(), pool.Size())
	}
	s := streams[0]
	if _, ok := <-s.Digits(); ok {
		t.Error("digits channel open after Close")
	}
	if err := s.WriteFrame(make([]int16, FrameSamples)); !errors.Is(err, net.ErrClosed) {
		t.Errorf("WriteFrame after Close: %v", err)
	}
	s.DeliverDigit(DTMF{Digit: '1'}) // must not panic
}

func TestStreamSIPInfoDigits(t *testing.T) {
	s := newTestStream(t, StreamConfig{})
	d, err := ParseInfoDTMF("application/dtmf-relay", []byte("Signal=7\r\nDuration=250\r\n"))
	if err != nil {
		t.Fatal(err)
	}
	s.DeliverDigit(d)
	got := collectDigits(t, s.Digits(), 1)[0]
	if got.Digit != '7' || got.Method != DTMFSIPInfo || got.At.IsZero() {
		t.Fatalf("got %+v", got)
	}
}

// FuzzStreamReceive feeds arbitrary datagrams into the receive path: every
// one must be counted exactly once (accepted, malformed or ignored), and
// nothing may panic.
func FuzzStreamReceive(f *testing.F) {
	f.Add(packet(0, 1, 160, 9, true, make([]byte, 160)))
	f.Add(packet(101, 2, 160, 9, true, []byte{1, 0x8a, 0, 160}))
	f.Add([]byte{0xBF, 0xFF, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0})
	f.Add([]byte{0x90, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0xBE, 0xDE, 0, 1, 0x10, 0xAA, 0, 0, 0xFF})
	s, err := NewStream(StreamConfig{IP: loopback, InbandDTMF: true, LatchPackets: 1})
	if err != nil {
		f.Fatal(err)
	}
	defer s.Close()
	s.SetMedia(Media{Codec: PCMU, Events: true, EventPT: 101, Remote: netip.MustParseAddrPort("127.0.0.1:9"), Direction: SendRecv})
	from := netip.MustParseAddrPort("127.0.0.1:4000")
	f.Fuzz(func(t *testing.T, data []byte) {
		before := s.Stats()
		s.handle(data, from)
		after := s.Stats()
		n := (after.PacketsIn - before.PacketsIn) + (after.Malformed - before.Malformed) + (after.Ignored - before.Ignored)
		if n != 1 {
			t.Fatalf("datagram counted %d times", n)
		}
		frame := make([]int16, FrameSamples)
		s.ReadFrame(frame)
		for len(s.Digits()) > 0 {
			<-s.Digits()
		}
	})
}
