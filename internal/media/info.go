package media

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// ErrNotDTMF is returned by ParseInfoDTMF for a body that carries no DTMF
// (another content type, or no Signal line).
var ErrNotDTMF = errors.New("media: SIP INFO body is not DTMF")

// maxInfoDuration bounds the Duration a sender may claim.
const maxInfoDuration = time.Minute

// ParseInfoDTMF parses the body of a SIP INFO request carrying a key press:
//
//	application/dtmf-relay   "Signal=5\r\nDuration=160\r\n" (Duration in ms)
//	application/dtmf         "5"
//	audio/telephone-event    an RFC 4733 payload (RFC 4730 style)
//
// Signals are 0-9 * # A-D (case-insensitive) or the RFC 4733 event codes
// 10-15 that some phones send for * # A-D. It is a pure function; the SIP
// layer hands the result to the leg with (*Stream).DeliverDigit.
func ParseInfoDTMF(contentType string, body []byte) (DTMF, error) {
	ct, _, _ := strings.Cut(contentType, ";")
	switch strings.ToLower(strings.TrimSpace(ct)) {
	case "application/dtmf-relay":
		return parseDTMFRelay(string(body))
	case "application/dtmf":
		d, err := parseSignal(strings.TrimSpace(string(body)))
		return DTMF{Digit: d, Method: DTMFSIPInfo}, err
	case "audio/telephone-event":
		ev, err := ParseTelephoneEvent(body)
		if err != nil {
			return DTMF{}, fmt.Errorf("%w: %w", ErrNotDTMF, err)
		}
		d, ok := eventDigit(ev.Event)
		if !ok {
			return DTMF{}, fmt.Errorf("%w: event code %d", ErrBadDigit, ev.Event)
		}
		dur := time.Duration(ev.Duration) * time.Second / SampleRate
		return DTMF{Digit: d, Method: DTMFSIPInfo, Duration: dur}, nil
	}
	return DTMF{}, fmt.Errorf("%w: content type %q", ErrNotDTMF, contentType)
}

func parseDTMFRelay(body string) (DTMF, error) {
	out := DTMF{Method: DTMFSIPInfo}
	found := false
	for line := range strings.Lines(body) {
		key, val, ok := strings.Cut(line, "=")
		if !ok {
			continue
		}
		key, val = strings.ToLower(strings.TrimSpace(key)), strings.TrimSpace(val)
		switch {
		case key == "signal" && !found:
			d, err := parseSignal(val)
			if err != nil {
				return DTMF{}, err
			}
			out.Digit, found = d, true
		case key == "duration":
			// A bad or absurd Duration is not worth rejecting the key press.
			if ms, err := strconv.Atoi(val); err == nil && ms > 0 {
				out.Duration = min(time.Duration(ms)*time.Millisecond, maxInfoDuration)
			}
		}
	}
	if !found {
		return DTMF{}, fmt.Errorf("%w: no Signal line", ErrNotDTMF)
	}
	return out, nil
}

func parseSignal(v string) (byte, error) {
	if len(v) == 1 {
		if d, ok := digitEvent(v[0]); ok {
			return dtmfDigits[d], nil
		}
	}
	if n, err := strconv.Atoi(v); err == nil && n >= 10 && n <= 15 {
		return dtmfDigits[n], nil
	}
	return 0, fmt.Errorf("%w: signal %q", ErrBadDigit, truncate(v, 16))
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}
