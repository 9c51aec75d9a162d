package media

import (
	"errors"
	"time"
)

// DTMFMethod says how a digit reached us.
type DTMFMethod uint8

// The ways a digit arrives.
const (
	DTMFRFC4733 DTMFMethod = iota + 1 // RTP telephone-event packets
	DTMFInband                        // tones in the audio, found by the Goertzel detector
	DTMFSIPInfo                       // a SIP INFO request, parsed by ParseInfoDTMF
)

func (m DTMFMethod) String() string {
	switch m {
	case DTMFRFC4733:
		return "rfc4733"
	case DTMFInband:
		return "inband"
	case DTMFSIPInfo:
		return "sip-info"
	}
	return "unknown"
}

// DTMF is one key press.
type DTMF struct {
	Digit    byte          // '0'-'9', '*', '#', 'A'-'D'
	Method   DTMFMethod    // how it arrived
	Duration time.Duration // as announced by the sender; 0 when not yet known
	At       time.Time     // when we learnt of it
}

// ErrBadDigit is returned for a DTMF digit or event code outside 0-9*#A-D.
var ErrBadDigit = errors.New("media: not a DTMF digit")

// dtmfDigits maps RFC 4733 event codes 0-15 to digits.
const dtmfDigits = "0123456789*#ABCD"

// eventDigit returns the digit for an RFC 4733 event code.
func eventDigit(code uint8) (byte, bool) {
	if int(code) < len(dtmfDigits) {
		return dtmfDigits[code], true
	}
	return 0, false
}

// digitEvent returns the RFC 4733 event code of a digit (a-d accepted).
func digitEvent(d byte) (uint8, bool) {
	if d >= 'a' && d <= 'd' {
		d -= 'a' - 'A'
	}
	for i := range len(dtmfDigits) {
		if dtmfDigits[i] == d {
			return uint8(i), true
		}
	}
	return 0, false
}
