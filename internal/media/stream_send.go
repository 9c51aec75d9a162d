package media

import (
	"fmt"
	"net"
	"time"
)

// WriteFrame encodes one frame with the negotiated codec and sends it to
// the peer. Sequence numbers and timestamps run on continuously (the
// timestamp advances even when nothing is sent, e.g. on hold), with one SSRC
// for the life of the stream. While digits queued by SendDigits are going
// out, the tick carries their RFC 4733 packet instead of audio.
func (s *Stream) WriteFrame(pcm []int16) error {
	if s.closed.Load() {
		return net.ErrClosed
	}
	s.sendMu.Lock()
	defer s.sendMu.Unlock()
	s.mu.Lock()
	m, has, dst := s.media, s.hasMedia, s.targetLocked()
	s.mu.Unlock()
	ts := s.ts
	s.ts += uint32(len(pcm))

	ev, evTS, marker, isEvent := s.sender.next(ts)
	if !dst.IsValid() || (has && !m.Direction.Sends()) {
		return nil
	}
	s.hdr.Version, s.hdr.SSRC = 2, s.ssrc
	s.hdr.SequenceNumber = s.seq
	if isEvent {
		if !m.Events {
			return nil // renegotiated away while sending
		}
		s.hdr.PayloadType, s.hdr.Timestamp, s.hdr.Marker = m.EventPT, evTS, marker
		s.out = ev.AppendTo(s.header())
	} else {
		s.hdr.PayloadType, s.hdr.Timestamp, s.hdr.Marker = uint8(m.Codec), ts, !s.sentAny
		s.out = m.Codec.Encode(s.header(), pcm)
	}
	s.seq++
	s.sentAny = true
	n, err := s.conn.WriteToUDPAddrPort(s.out, dst)
	if err != nil {
		return fmt.Errorf("media: send RTP to %v: %w", dst, err)
	}
	s.stats.packetsOut.Add(1)
	s.stats.bytesOut.Add(uint64(n))
	return nil
}

// header marshals s.hdr into the reused output buffer.
func (s *Stream) header() []byte {
	size := s.hdr.MarshalSize()
	if cap(s.out) < size+maxPacketSamples {
		s.out = make([]byte, 0, 12+maxPacketSamples+64)
	}
	b := s.out[:size]
	n, _ := s.hdr.MarshalTo(b) // cannot fail: b has MarshalSize bytes
	return b[:n]
}

// Digit length limits for SendDigits.
const (
	minDigitLength     = 40 * time.Millisecond
	defaultDigitLength = 100 * time.Millisecond
	maxDigitLength     = 5 * time.Second
)

// SendDigits queues digits (0-9 * # A-D) to be sent as RFC 4733 events,
// each lasting d (0 means 100 ms; clamped to 40 ms..5 s), followed by the
// three end packets and a short pause. They go out on the stream's send
// clock, i.e. one packet per WriteFrame (the Bridge tick), in place of
// audio. It fails if the peer did not negotiate telephone-event.
func (s *Stream) SendDigits(digits string, d time.Duration) error {
	codes := make([]uint8, len(digits))
	for i := range len(digits) {
		c, ok := digitEvent(digits[i])
		if !ok {
			return fmt.Errorf("%w: %q", ErrBadDigit, digits[i])
		}
		codes[i] = c
	}
	if m := s.Media(); !m.Events {
		return ErrNoTelephoneEvent
	}
	if d == 0 {
		d = defaultDigitLength
	}
	ticks := int(min(max(d, minDigitLength), maxDigitLength) / FrameDuration)
	s.sendMu.Lock()
	defer s.sendMu.Unlock()
	for _, c := range codes {
		s.sender.pending = append(s.sender.pending, queuedDigit{code: c, ticks: ticks})
	}
	return nil
}

// SendingDigits reports whether queued digits have not all gone out yet.
func (s *Stream) SendingDigits() bool {
	s.sendMu.Lock()
	defer s.sendMu.Unlock()
	return s.sender.busy()
}
