package media

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/netip"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pion/rtp"
)

var loopback = netip.MustParseAddr("127.0.0.1")

// testLogger sends the package's logs to the test log.
func testLogger(t testing.TB) *slog.Logger {
	return slog.New(slog.NewTextHandler(tWriter{t}, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

type tWriter struct{ t testing.TB }

func (w tWriter) Write(p []byte) (int, error) {
	w.t.Helper()
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

func newTestStream(t testing.TB, cfg StreamConfig) *Stream {
	t.Helper()
	cfg.IP = loopback
	if cfg.Logger == nil {
		cfg.Logger = testLogger(t)
	}
	s, err := NewStream(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// connect points a and b at each other with codec c and telephone-event.
func connect(a, b *Stream, c Codec) {
	a.SetMedia(Media{Codec: c, Events: true, EventPT: 101, Remote: b.LocalAddr(), Direction: SendRecv})
	b.SetMedia(Media{Codec: c, Events: true, EventPT: 101, Remote: a.LocalAddr(), Direction: SendRecv})
}

// waitFor polls cond until it holds or 5 s pass.
func waitFor(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

// peer is a raw UDP socket speaking RTP by hand.
type peer struct {
	t    testing.TB
	conn *net.UDPConn
	mu   sync.Mutex // seq and ts: a talking goroutine and the test share them
	ssrc uint32
	seq  uint16
	ts   uint32
}

func newPeer(t testing.TB) *peer {
	t.Helper()
	c, err := net.ListenUDP("udp4", net.UDPAddrFromAddrPort(netip.AddrPortFrom(loopback, 0)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return &peer{t: t, conn: c, ssrc: 0xCAFE, seq: 1000, ts: 5000}
}

func (p *peer) addr() netip.AddrPort { return p.conn.LocalAddr().(*net.UDPAddr).AddrPort() }

func (p *peer) sendRaw(to netip.AddrPort, b []byte) {
	p.t.Helper()
	if _, err := p.conn.WriteToUDPAddrPort(b, to); err != nil {
		p.t.Fatal(err)
	}
}

// packet builds an RTP packet with the given fields.
func packet(pt uint8, seq uint16, ts, ssrc uint32, marker bool, payload []byte) []byte {
	b, err := (&rtp.Packet{Header: rtp.Header{Version: 2, PayloadType: pt, SequenceNumber: seq,
		Timestamp: ts, SSRC: ssrc, Marker: marker}, Payload: payload}).Marshal()
	if err != nil {
		panic(err)
	}
	return b
}

// audio returns the next audio packet of this peer (and advances seq/ts).
func (p *peer) audio(c Codec, pcm []int16) []byte {
	p.mu.Lock()
	defer p.mu.Unlock()
	b := packet(uint8(c), p.seq, p.ts, p.ssrc, false, c.Encode(nil, pcm))
	p.seq++
	p.ts += uint32(len(pcm))
	return b
}

// sendEvent sends a telephone-event packet (payload type 101) with the
// peer's next sequence number.
func (p *peer) sendEvent(to netip.AddrPort, e evPkt) {
	p.t.Helper()
	p.mu.Lock()
	b := packet(101, p.seq, e.ts, e.ssrc, e.marker, e.ev.AppendTo(nil))
	p.seq++
	p.mu.Unlock()
	p.sendRaw(to, b)
}

// now is the peer's current RTP timestamp.
func (p *peer) now() uint32 {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.ts
}

// recv reads one RTP packet, failing the test after 5 s.
func (p *peer) recv() (rtp.Packet, netip.AddrPort) {
	p.t.Helper()
	buf := make([]byte, 2048)
	p.conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	n, from, err := p.conn.ReadFromUDPAddrPort(buf)
	if err != nil {
		p.t.Fatalf("peer recv: %v", err)
	}
	var pkt rtp.Packet
	if err := pkt.Unmarshal(slices.Clone(buf[:n])); err != nil {
		p.t.Fatalf("peer got bad RTP: %v", err)
	}
	return pkt, from
}

// collectDigits reads n digits from ch, failing after 5 s.
func collectDigits(t testing.TB, ch <-chan DTMF, n int) []DTMF {
	t.Helper()
	var out []DTMF
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	for len(out) < n {
		select {
		case d, ok := <-ch:
			if !ok {
				t.Fatalf("digits channel closed after %d digits", len(out))
			}
			out = append(out, d)
		case <-ctx.Done():
			t.Fatalf("got %d digits, want %d: %v", len(out), n, out)
		}
	}
	return out
}

func digitString(ds []DTMF) string {
	var b strings.Builder
	for _, d := range ds {
		b.WriteByte(d.Digit)
	}
	return b.String()
}

// frames cuts pcm into 20 ms frames (the last one zero-padded).
func frames(pcm []int16) [][]int16 {
	var out [][]int16
	for len(pcm) > 0 {
		f := make([]int16, FrameSamples)
		n := copy(f, pcm)
		out = append(out, f)
		pcm = pcm[n:]
	}
	return out
}

func roundTrip(c Codec, pcm []int16) []int16 {
	out := make([]int16, len(pcm))
	c.Decode(out, c.Encode(nil, pcm))
	return out
}

type bytesReaderAt []byte

func (b bytesReaderAt) ReadAt(p []byte, off int64) (int, error) {
	if off >= int64(len(b)) {
		return 0, io.EOF
	}
	n := copy(p, b[off:])
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}

func discard() *slog.Logger { return slog.New(slog.DiscardHandler) }
