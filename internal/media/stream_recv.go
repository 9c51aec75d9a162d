package media

import (
	"errors"
	"net"
	"net/netip"
	"time"
)

// maxDatagram is larger than any RTP packet we accept, so an oversized
// datagram shows up as a too-long payload instead of being cut silently.
const maxDatagram = 2048

func (s *Stream) readLoop() {
	defer close(s.done)
	buf := make([]byte, maxDatagram)
	for {
		n, from, err := s.conn.ReadFromUDPAddrPort(buf)
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return
			}
			s.log.Debug("RTP read", "err", err)
			continue
		}
		s.handle(buf[:n], netip.AddrPortFrom(from.Addr().Unmap(), from.Port()))
		if s.cfg.received != nil {
			s.cfg.received()
		}
	}
}

// handle processes one datagram. Whatever it holds, it is counted and
// either used or dropped; nothing in it can make this panic.
func (s *Stream) handle(b []byte, from netip.AddrPort) {
	s.stats.bytesIn.Add(uint64(len(b)))
	s.mu.Lock()
	defer s.mu.Unlock()
	pkt := &s.pktBuffer
	if err := pkt.Unmarshal(b); err != nil || pkt.Version != 2 {
		s.stats.malformed.Add(1)
		return
	}
	pt := pkt.PayloadType
	isEvent := s.hasMedia && s.media.Events && pt == s.media.EventPT
	codec := Codec(pt)
	if !isEvent && !codec.Valid() { // RTCP (rtcp-mux), comfort noise, other codecs
		s.stats.ignored.Add(1)
		return
	}
	var ev TelephoneEvent
	if isEvent {
		var err error
		if ev, err = ParseTelephoneEvent(pkt.Payload); err != nil {
			s.stats.malformed.Add(1)
			return
		}
	} else if len(pkt.Payload) == 0 || len(pkt.Payload) > maxPacketSamples {
		s.stats.malformed.Add(1)
		return
	}
	if !s.latch.accept(from, pkt.SSRC, pkt.SequenceNumber, s.cfg.LatchPackets, s.log) {
		s.stats.ignored.Add(1)
		return
	}
	s.stats.packetsIn.Add(1)
	s.lastRecv.Store(time.Now().UnixNano())
	s.idleFired.Store(false)
	if !s.haveSSRC || pkt.SSRC != s.srcSSRC {
		s.haveSSRC, s.srcSSRC = true, pkt.SSRC
		s.jitter.reset()
	}
	if isEvent {
		s.handleEvent(pkt.SSRC, pkt.Timestamp, pkt.Marker, ev)
		return
	}
	s.jitter.push(pkt.SequenceNumber, codec, pkt.Payload)
	if s.inband != nil {
		n := codec.Decode(s.pcm[:], pkt.Payload)
		s.inband.process(s.pcm[:n], func(d byte) {
			s.emit(DTMF{Digit: d, Method: DTMFInband, At: time.Now()})
		})
	}
}

func (s *Stream) handleEvent(ssrc, ts uint32, marker bool, ev TelephoneEvent) {
	digit, isNew := s.events.receive(ssrc, ts, marker, ev)
	if !isNew {
		return
	}
	if s.inband != nil {
		s.inband = nil // the peer speaks RFC 4733: tones in the audio are echoes of it
		s.log.Debug("in-band DTMF detection off: peer sends RFC 4733 events")
	}
	s.emit(DTMF{Digit: digit, Method: DTMFRFC4733, At: time.Now(),
		Duration: time.Duration(ev.Duration) * time.Second / SampleRate})
}

func (s *Stream) emit(d DTMF) { s.DeliverDigit(d) }

// ReadFrame fills dst (FrameSamples long) with the next 20 ms of received
// audio and reports whether there was any; without audio dst is silence.
func (s *Stream) ReadFrame(dst []int16) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.hasMedia && !s.media.Direction.Receives() {
		clear(dst)
		return false
	}
	return s.jitter.pop(dst)
}

// latchState implements symmetric RTP: we send to the address the peer's
// packets come from (NAT), which we learn once LatchPackets packets in
// sequence with one SSRC have come from it. Until then packets from anyone
// are accepted and we send to the SDP address. Once latched, packets from
// other sources are dropped unless one of them in turn delivers
// LatchPackets in sequence, which moves the latch (the peer changed its
// address without a re-INVITE, e.g. a NAT rebinding).
type latchState struct {
	addr netip.AddrPort // latched source, invalid until learnt
	cand netip.AddrPort // source being learnt
	ssrc uint32
	seq  uint16
	n    int
}

func (l *latchState) accept(from netip.AddrPort, ssrc uint32, seq uint16, need int, log interface {
	Info(string, ...any)
}) bool {
	if l.addr.IsValid() && from == l.addr {
		return true
	}
	if from == l.cand && ssrc == l.ssrc && seq == l.seq+1 {
		l.n++
	} else {
		l.cand, l.ssrc, l.n = from, ssrc, 1
	}
	l.seq = seq
	if l.n >= need {
		if l.addr.IsValid() {
			log.Info("RTP source moved", "from", l.addr, "to", from)
		}
		l.addr = from
		return true
	}
	return !l.addr.IsValid()
}

// targetLocked is where we send: the latched source, else the SDP address;
// nowhere while the SDP says 0.0.0.0 (RFC 2543 hold).
func (s *Stream) targetLocked() netip.AddrPort {
	if s.hasMedia && s.media.Remote.IsValid() && s.media.Remote.Addr().IsUnspecified() {
		return netip.AddrPort{}
	}
	if s.latch.addr.IsValid() {
		return s.latch.addr
	}
	if s.hasMedia && s.media.Remote.IsValid() && !s.media.Remote.Addr().IsUnspecified() {
		return s.media.Remote
	}
	return netip.AddrPort{}
}
