package media

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// RFC 4733 telephone-event payload (section 2.3):
//
//	 0                   1                   2                   3
//	 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//	|     event     |E|R| volume    |          duration             |
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+

// TelephoneEvent is one RFC 4733 event payload.
type TelephoneEvent struct {
	Event    uint8  // 0-15 are DTMF digits (see dtmfDigits)
	End      bool   // E bit: the event has ended
	Volume   uint8  // 0-63, power in -dBm0
	Duration uint16 // in RTP timestamp units since the event's timestamp
}

// ErrShortEvent is returned for a telephone-event payload under 4 bytes.
var ErrShortEvent = errors.New("media: telephone-event payload shorter than 4 bytes")

// ParseTelephoneEvent parses the first event of an RFC 4733 payload. Bytes
// beyond the first 4 (further events, which senders do not use for DTMF)
// are ignored.
func ParseTelephoneEvent(p []byte) (TelephoneEvent, error) {
	if len(p) < 4 {
		return TelephoneEvent{}, fmt.Errorf("%w (%d bytes)", ErrShortEvent, len(p))
	}
	return TelephoneEvent{
		Event:    p[0],
		End:      p[1]&0x80 != 0,
		Volume:   p[1] & 0x3F,
		Duration: binary.BigEndian.Uint16(p[2:4]),
	}, nil
}

// AppendTo appends the 4-byte wire form of e to b.
func (e TelephoneEvent) AppendTo(b []byte) []byte {
	flags := e.Volume & 0x3F
	if e.End {
		flags |= 0x80
	}
	return append(b, e.Event, flags, byte(e.Duration>>8), byte(e.Duration))
}

// eventReceiver turns a flow of telephone-event packets into key presses.
//
// RFC 4733 identifies an event by its RTP timestamp: all packets of one key
// press (start with marker, updates, and the usually three end packets)
// carry the timestamp of the event's start, and the next press gets a new,
// later timestamp. So:
//   - a press is reported once, on the first packet seen with a new
//     timestamp. Reporting on the first packet, not on the end bit, is the
//     usual choice: it gives the IVR the fastest barge-in, survives the loss
//     of the start packet and of every end packet, and since nothing is
//     reported on end packets their retransmissions cannot duplicate it
//     (diago issue #21: one key reported three times);
//   - de-duplication is by timestamp, never by digit value or duration, so
//     "111" is three presses even when the end packets of one "1" are lost
//     and the next "1" arrives (diago issue #31: repeated digits dropped);
//   - packets of an older event that arrive after a newer one started are
//     late and ignored (the digit was reported, or its moment has passed);
//   - a new SSRC, or a timestamp far behind the current one, is a sender
//     restart: state is reset;
//   - RFC 4733 section 2.5.1.3 splits events longer than the 16-bit duration
//     into segments with new timestamps and no marker; such a continuation
//     of a still running event is not a new press.
type eventReceiver struct {
	started bool
	ssrc    uint32
	ts      uint32 // timestamp of the latest event
	code    uint8  // event code of the latest event
	ended   bool   // an end packet of the latest event was seen
	dur     uint16 // longest duration seen for the latest event
	hist    [8]seenEvent
	next    int
}

type seenEvent struct {
	ts    uint32
	code  uint8
	valid bool
}

const (
	// resyncSpan: a timestamp further than this behind the latest event is
	// taken as a sender restart rather than a late packet (10 s).
	resyncSpan = 10 * SampleRate
	// longEvent: only events that have already lasted this long (4 s) can
	// be continued by a new segment (section 2.5.1.3).
	longEvent = 4 * SampleRate
)

// receive handles one telephone-event packet and returns the digit when it
// starts a new key press.
func (r *eventReceiver) receive(ssrc, ts uint32, marker bool, ev TelephoneEvent) (byte, bool) {
	digit, ok := eventDigit(ev.Event)
	if !ok {
		return 0, false // hook flash and other non-digit events
	}
	if !r.started || ssrc != r.ssrc {
		*r = eventReceiver{started: true, ssrc: ssrc}
		return r.begin(ts, ev, digit)
	}
	if r.seen(ts, ev.Event) {
		if ts == r.ts && ev.Event == r.code {
			r.ended = r.ended || ev.End
			r.dur = max(r.dur, ev.Duration)
		}
		return 0, false
	}
	diff := int32(ts - r.ts)
	switch {
	case diff < 0 && -int64(diff) < resyncSpan:
		return 0, false // late packet of an older event
	case diff < 0:
		*r = eventReceiver{started: true, ssrc: ssrc}
	case diff > 0 && r.continues(uint32(diff), marker, ev):
		r.ts = ts
		r.remember(ts, ev.Event)
		return 0, false
	}
	return r.begin(ts, ev, digit)
}

func (r *eventReceiver) begin(ts uint32, ev TelephoneEvent, digit byte) (byte, bool) {
	r.ts, r.code, r.ended, r.dur = ts, ev.Event, ev.End, ev.Duration
	r.remember(ts, ev.Event)
	return digit, true
}

// continues reports whether a packet with a new timestamp is the next
// segment of a long event that is still running.
func (r *eventReceiver) continues(diff uint32, marker bool, ev TelephoneEvent) bool {
	return !marker && !r.ended && ev.Event == r.code && r.dur >= longEvent &&
		diff >= uint32(r.dur) && diff <= uint32(r.dur)+SampleRate
}

func (r *eventReceiver) seen(ts uint32, code uint8) bool {
	for _, h := range r.hist {
		if h.valid && h.ts == ts && h.code == code {
			return true
		}
	}
	return false
}

func (r *eventReceiver) remember(ts uint32, code uint8) {
	r.hist[r.next] = seenEvent{ts: ts, code: code, valid: true}
	r.next = (r.next + 1) % len(r.hist)
}

// eventSender produces the RFC 4733 packets for queued digits, one per
// 20 ms tick of the stream's send clock: a start packet with the marker
// bit, updates with growing duration, then three end packets with the same
// timestamp and final duration, then a short gap of audio.
type eventSender struct {
	pending []queuedDigit
	cur     queuedDigit
	active  bool
	start   uint32 // RTP timestamp of the current event
	tick    int    // packets sent for the current event
	gap     int    // audio ticks still owed before the next digit
}

type queuedDigit struct {
	code  uint8
	ticks int // event length in 20 ms ticks
}

const (
	endPackets     = 3 // RFC 4733 2.5.1.4: the end packet is sent three times
	interDigitGap  = 2 // ticks of audio between digits, after the end packets
	eventVolume    = 10
	samplesPerTick = FrameSamples
)

// busy reports whether digits are being sent or wait to be sent.
func (s *eventSender) busy() bool { return s.active || len(s.pending) > 0 || s.gap > 0 }

// next returns the event packet to send on this tick instead of audio; ok
// is false when the tick should carry audio. now is the tick's timestamp.
func (s *eventSender) next(now uint32) (ev TelephoneEvent, ts uint32, marker, ok bool) {
	if !s.active {
		if s.gap > 0 {
			s.gap--
			return ev, 0, false, false
		}
		if len(s.pending) == 0 {
			return ev, 0, false, false
		}
		s.cur, s.pending = s.pending[0], s.pending[1:]
		s.active, s.start, s.tick = true, now, 0
	}
	s.tick++
	ev = TelephoneEvent{Event: s.cur.code, Volume: eventVolume}
	if s.tick <= s.cur.ticks {
		ev.Duration = uint16(min(s.tick*samplesPerTick, 0xFFFF))
		return ev, s.start, s.tick == 1, true
	}
	ev.End = true
	ev.Duration = uint16(min(s.cur.ticks*samplesPerTick, 0xFFFF))
	if s.tick == s.cur.ticks+endPackets {
		s.active = false
		s.gap = interDigitGap
	}
	return ev, s.start, false, true
}
