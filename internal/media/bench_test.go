package media

import (
	"math/rand/v2"
	"testing"
	"time"
)

func BenchmarkG711(b *testing.B) {
	pcm := Tone(20*time.Millisecond, 8000, 440, 1330)
	enc := make([]byte, 0, FrameSamples)
	dec := make([]int16, FrameSamples)
	for _, c := range []Codec{PCMU, PCMA} {
		payload := c.Encode(nil, pcm)
		b.Run(c.Name()+"/encode", func(b *testing.B) {
			b.SetBytes(2 * FrameSamples)
			for b.Loop() {
				enc = c.Encode(enc[:0], pcm)
			}
		})
		b.Run(c.Name()+"/decode", func(b *testing.B) {
			b.SetBytes(2 * FrameSamples)
			for b.Loop() {
				c.Decode(dec, payload)
			}
		})
	}
}

// BenchmarkGoertzel: in-band DTMF detection, per 20 ms frame.
func BenchmarkGoertzel(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 1))
	s := &signal{rng: rng}
	s.dualTone('5', 8000, 5000, 0)
	s.addNoise(0, 1e4)
	pcm := s.pcm(false)
	var d dtmfDetector
	i := 0
	b.SetBytes(2 * FrameSamples)
	for b.Loop() {
		d.process(pcm[i:i+FrameSamples], func(byte) {})
		i = (i + FrameSamples) % (len(pcm) - FrameSamples)
	}
}

// BenchmarkRelay measures the two-party media path with real sockets: a
// phone's packet arrives over UDP, is parsed, de-jittered and decoded, the
// bridge ticks, and the other leg encodes and sends it to the other phone,
// in both directions. One op relays two packets (one each way), including
// the test phones' own send and receive system calls. pkts/cpu-s is relayed
// packets per second of process CPU time (user+system, all threads), i.e.
// packets per second per core.
func BenchmarkRelay(b *testing.B) {
	// The streams signal each handled datagram, so the benchmark waits by
	// blocking (as a busy server's scheduler would run the receivers)
	// rather than spinning and starving them.
	got := make(chan struct{}, 16)
	hook := func() { got <- struct{}{} }
	a, c := newBenchStream(b, hook), newBenchStream(b, hook)
	pa, pc := newPeer(b), newPeer(b)
	pc.ssrc = 2
	a.SetMedia(Media{Codec: PCMU, Remote: pa.addr(), Direction: SendRecv})
	c.SetMedia(Media{Codec: PCMA, Remote: pc.addr(), Direction: SendRecv})
	br := &Bridge{log: discard()}
	must(b, br.Add("a", Participant{Source: a, Sink: a, Side: SideLeft}))
	must(b, br.Add("c", Participant{Source: c, Sink: c, Side: SideRight}))
	pktA := pa.audio(PCMU, Tone(20*time.Millisecond, 5000, 440))
	pktC := pc.audio(PCMA, Tone(20*time.Millisecond, 5000, 700))
	buf := make([]byte, 2048)
	relay := func(i int) {
		pa.conn.WriteToUDPAddrPort(setSeq(pktA, i), a.LocalAddr())
		pc.conn.WriteToUDPAddrPort(setSeq(pktC, i), c.LocalAddr())
		<-got
		<-got
		br.tick()
		pa.conn.ReadFromUDPAddrPort(buf)
		pc.conn.ReadFromUDPAddrPort(buf)
	}
	for i := range 10 { // past the jitter buffer's prefill
		relay(i)
	}
	start, cpu0 := time.Now(), cpuTime()
	n := 10
	for b.Loop() {
		relay(n)
		n++
	}
	elapsed, cpu := time.Since(start), cpuTime()-cpu0
	pkts := float64(2 * (n - 10))
	b.ReportMetric(pkts/elapsed.Seconds(), "pkts/s")
	if cpu > 0 {
		b.ReportMetric(pkts/cpu.Seconds(), "pkts/cpu-s")
	}
	if st := a.Stats(); st.Lost+st.Late+st.Overrun > 0 {
		b.Errorf("relay lost audio: %+v", st)
	}
}

// newBenchStream is a stream whose receive loop calls hook per datagram.
func newBenchStream(b *testing.B, hook func()) *Stream {
	return newTestStream(b, StreamConfig{Logger: discard(), JitterFrames: 1, received: hook})
}

func setSeq(pkt []byte, i int) []byte {
	pkt[2], pkt[3] = byte(i>>8), byte(i)
	ts := uint32(i * FrameSamples)
	pkt[4], pkt[5], pkt[6], pkt[7] = byte(ts>>24), byte(ts>>16), byte(ts>>8), byte(ts)
	return pkt
}

// BenchmarkBridgeTick is the mixer alone (no network): n participants
// all hearing each other.
func BenchmarkBridgeTick(b *testing.B) {
	for _, n := range []int{2, 3, 5} {
		b.Run(string(rune('0'+n))+"-party", func(b *testing.B) {
			br := &Bridge{log: discard()}
			for i := range n {
				v := int16(1000 * (i + 1))
				src := sourceFunc(func(dst []int16) bool {
					for j := range dst {
						dst[j] = v + int16(j)
					}
					return true
				})
				sink := sinkFunc(func(pcm []int16) error { return nil })
				must(b, br.Add(string(rune('a'+i)), Participant{Source: src, Sink: sink, Side: Side(i % 3)}))
			}
			br.SetTap(&stereoTap{})
			for b.Loop() {
				br.tick()
			}
		})
	}
}
