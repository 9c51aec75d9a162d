package media

import (
	"errors"
	"testing"
	"time"
)

func TestParseInfoDTMF(t *testing.T) {
	cases := []struct {
		ct, body string
		digit    byte
		dur      time.Duration
		err      error
	}{
		{"application/dtmf-relay", "Signal=5\r\nDuration=160\r\n", '5', 160 * time.Millisecond, nil},
		{"application/dtmf-relay", "Signal=5\r\nDuration=160", '5', 160 * time.Millisecond, nil},
		{"Application/DTMF-Relay; charset=utf-8", "signal = #\nduration = 250\n", '#', 250 * time.Millisecond, nil},
		{"application/dtmf-relay", "Signal=*\r\n", '*', 0, nil},
		{"application/dtmf-relay", "Signal=10\r\nDuration=100", '*', 100 * time.Millisecond, nil},
		{"application/dtmf-relay", "Signal=11\r\nDuration=100", '#', 100 * time.Millisecond, nil},
		{"application/dtmf-relay", "Signal=d\r\nDuration=x", 'D', 0, nil},
		{"application/dtmf-relay", "Duration=100\r\nSignal=0", '0', 100 * time.Millisecond, nil},
		{"application/dtmf-relay", "Signal=1\r\nDuration=99999999", '1', time.Minute, nil},
		{"application/dtmf-relay", "Signal=16\r\n", 0, 0, ErrBadDigit},
		{"application/dtmf-relay", "Signal=55\r\n", 0, 0, ErrBadDigit},
		{"application/dtmf-relay", "Signal=\r\n", 0, 0, ErrBadDigit},
		{"application/dtmf-relay", "Duration=100", 0, 0, ErrNotDTMF},
		{"application/dtmf-relay", "", 0, 0, ErrNotDTMF},
		{"application/dtmf", "7", '7', 0, nil},
		{"application/dtmf", "7\r\n", '7', 0, nil},
		{"application/dtmf", "11", '#', 0, nil},
		{"application/dtmf", "x", 0, 0, ErrBadDigit},
		{"audio/telephone-event", "\x03\x8a\x03\x20", '3', 100 * time.Millisecond, nil},
		{"audio/telephone-event", "\x03", 0, 0, ErrNotDTMF},
		{"application/sdp", "v=0", 0, 0, ErrNotDTMF},
		{"", "Signal=1", 0, 0, ErrNotDTMF},
	}
	for _, c := range cases {
		got, err := ParseInfoDTMF(c.ct, []byte(c.body))
		if c.err != nil {
			if !errors.Is(err, c.err) {
				t.Errorf("%q %q: err %v, want %v", c.ct, c.body, err, c.err)
			}
			continue
		}
		if err != nil || got.Digit != c.digit || got.Duration != c.dur || got.Method != DTMFSIPInfo {
			t.Errorf("%q %q: got %+v %v, want %q %v", c.ct, c.body, got, err, c.digit, c.dur)
		}
	}
}

func FuzzParseInfoDTMF(f *testing.F) {
	f.Add("application/dtmf-relay", []byte("Signal=5\r\nDuration=160\r\n"))
	f.Add("application/dtmf", []byte("#"))
	f.Add("audio/telephone-event", []byte{1, 0x80, 0, 160})
	f.Fuzz(func(t *testing.T, ct string, body []byte) {
		d, err := ParseInfoDTMF(ct, body)
		if err != nil {
			if !errors.Is(err, ErrNotDTMF) && !errors.Is(err, ErrBadDigit) {
				t.Fatalf("unclassified error %v", err)
			}
			return
		}
		if _, ok := digitEvent(d.Digit); !ok || d.Duration < 0 || d.Duration > time.Minute {
			t.Fatalf("bad result %+v", d)
		}
	})
}
