package media

import (
	"bytes"
	"errors"
	"math/rand/v2"
	"testing"
)

// evPkt is one telephone-event packet as the receiver sees it.
type evPkt struct {
	ssrc   uint32
	ts     uint32
	marker bool
	ev     TelephoneEvent
}

// pressPackets returns the packets a conforming sender emits for one key
// press: start with marker, updates every 20 ms, three end packets.
func pressPackets(ssrc, ts uint32, digit byte, ticks int) []evPkt {
	code, _ := digitEvent(digit)
	var out []evPkt
	for i := 1; i <= ticks; i++ {
		out = append(out, evPkt{ssrc, ts, i == 1, TelephoneEvent{Event: code, Volume: 10, Duration: uint16(i * 160)}})
	}
	for range 3 {
		out = append(out, evPkt{ssrc, ts, false, TelephoneEvent{Event: code, End: true, Volume: 10, Duration: uint16(ticks * 160)}})
	}
	return out
}

// presses builds the packets for a digit string, 100 ms tones with gaps.
func presses(ssrc, ts uint32, digits string) [][]evPkt {
	var out [][]evPkt
	for i := range len(digits) {
		out = append(out, pressPackets(ssrc, ts, digits[i], 5))
		ts += 8 * 160 // 5 ticks of tone, 3 of end packets
		ts += 2 * 160 // and a gap
	}
	return out
}

func feed(r *eventReceiver, pkts []evPkt) string {
	var got []byte
	for _, p := range pkts {
		if d, ok := r.receive(p.ssrc, p.ts, p.marker, p.ev); ok {
			got = append(got, d)
		}
	}
	return string(got)
}

func flatten(groups [][]evPkt) []evPkt {
	var out []evPkt
	for _, g := range groups {
		out = append(out, g...)
	}
	return out
}

// dropEnds removes the end packets of a press (all lost).
func dropEnds(p []evPkt) []evPkt {
	var out []evPkt
	for _, x := range p {
		if !x.ev.End {
			out = append(out, x)
		}
	}
	return out
}

func TestEventReceiverScenarios(t *testing.T) {
	const ssrc = 0x1234
	cases := []struct {
		name string
		pkts func() []evPkt
		want string
	}{
		{"one press reported once despite 3 end packets (diago #21)", func() []evPkt {
			return pressPackets(ssrc, 1000, '0', 5)
		}, "0"},
		{"repeated digits 111", func() []evPkt {
			return flatten(presses(ssrc, 1000, "111"))
		}, "111"},
		{"111 with every end packet lost (diago #31)", func() []evPkt {
			g := presses(ssrc, 1000, "111")
			return flatten([][]evPkt{dropEnds(g[0]), dropEnds(g[1]), dropEnds(g[2])})
		}, "111"},
		{"111 with only the end packets of each press", func() []evPkt {
			g := presses(ssrc, 1000, "111")
			return flatten([][]evPkt{g[0][5:], g[1][5:], g[2][5:]})
		}, "111"},
		{"start packet lost", func() []evPkt {
			return pressPackets(ssrc, 1000, '7', 5)[1:]
		}, "7"},
		{"a single surviving update per press", func() []evPkt {
			g := presses(ssrc, 1000, "5555")
			return []evPkt{g[0][2], g[1][3], g[2][1], g[3][4]}
		}, "5555"},
		{"network duplicates", func() []evPkt {
			p := pressPackets(ssrc, 1000, '9', 4)
			return append(append(p, p...), p...)
		}, "9"},
		{"start packet arrives after updates", func() []evPkt {
			p := pressPackets(ssrc, 1000, '3', 5)
			p[0], p[2] = p[2], p[0]
			return p
		}, "3"},
		{"late end packets of previous press after next press started", func() []evPkt {
			g := presses(ssrc, 1000, "12")
			late := g[0][5:]
			return flatten([][]evPkt{g[0][:5], g[1][:2], late, g[1][2:]})
		}, "12"},
		{"timestamp wraps between presses", func() []evPkt {
			return flatten(presses(ssrc, 0xFFFFFFFF-1500, "4444"))
		}, "4444"},
		{"new SSRC with lower timestamps", func() []evPkt {
			a := flatten(presses(ssrc, 50000, "12"))
			b := flatten(presses(ssrc+1, 1000, "34"))
			return append(a, b...)
		}, "1234"},
		{"sender restart with the same SSRC far back in time", func() []evPkt {
			a := flatten(presses(ssrc, 500000, "1"))
			b := flatten(presses(ssrc, 1000, "1"))
			return append(a, b...)
		}, "11"},
		{"different digit with the same timestamp (broken sender)", func() []evPkt {
			a := pressPackets(ssrc, 1000, '1', 3)
			b := pressPackets(ssrc, 1000, '2', 3)
			return append(append(a, b...), a[4]) // and a stray late '1'
		}, "12"},
		{"hook flash and unknown events ignored", func() []evPkt {
			p := pressPackets(ssrc, 1000, '1', 3)
			for i := range p {
				p[i].ev.Event = 16
			}
			return append(p, pressPackets(ssrc, 3000, '#', 3)...)
		}, "#"},
		{"long event split into segments (RFC 4733 2.5.1.3)", func() []evPkt {
			var p []evPkt
			p = append(p, evPkt{ssrc, 1000, true, TelephoneEvent{Event: 5, Duration: 160}})
			p = append(p, evPkt{ssrc, 1000, false, TelephoneEvent{Event: 5, Duration: 0xFFFF}})
			p = append(p, evPkt{ssrc, 1000 + 0xFFFF, false, TelephoneEvent{Event: 5, Duration: 160}})
			p = append(p, evPkt{ssrc, 1000 + 0xFFFF, false, TelephoneEvent{Event: 5, End: true, Duration: 800}})
			return p
		}, "5"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var r eventReceiver
			if got := feed(&r, c.pkts()); got != c.want {
				t.Fatalf("reported %q, want %q", got, c.want)
			}
		})
	}
}

// TestEventReceiverRandomLoss sends many digit strings (with many repeats)
// through random loss, duplication and reordering of neighbours; as long as
// one packet of each press survives, every press is reported exactly once.
func TestEventReceiverRandomLoss(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	total, wrong := 0, 0
	for trial := range 2000 {
		var digits []byte
		for range 1 + rng.IntN(12) {
			d := dtmfDigits[rng.IntN(16)]
			if rng.IntN(2) == 0 && len(digits) > 0 {
				d = digits[len(digits)-1] // plenty of repeats
			}
			digits = append(digits, d)
		}
		var stream []evPkt
		for _, g := range presses(rng.Uint32(), rng.Uint32(), string(digits)) {
			keep := rng.IntN(len(g)) // this one survives whatever happens
			for i, p := range g {
				if i != keep && rng.Float64() < 0.4 {
					continue
				}
				stream = append(stream, p)
				if rng.Float64() < 0.1 {
					stream = append(stream, p)
				}
			}
		}
		// Swap neighbours, but never across presses: a whole press arriving
		// after the next one started is late by ≥ 100 ms and dropped.
		for i := 1; i < len(stream); i++ {
			if stream[i].ts == stream[i-1].ts && rng.Float64() < 0.2 {
				stream[i], stream[i-1] = stream[i-1], stream[i]
			}
		}
		var r eventReceiver
		got := feed(&r, stream)
		total += len(digits)
		if got != string(digits) {
			wrong++
			if wrong < 5 {
				t.Errorf("trial %d: sent %q, reported %q", trial, digits, got)
			}
		}
	}
	t.Logf("%d digits in 2000 strings with 40%% loss, 10%% duplicates, reordering: %d strings wrong", total, wrong)
}

func TestEventSenderPackets(t *testing.T) {
	var s eventSender
	s.pending = []queuedDigit{{code: 1, ticks: 5}, {code: 1, ticks: 2}}
	var r eventReceiver
	var got []byte
	type rec struct {
		ev     TelephoneEvent
		ts     uint32
		marker bool
	}
	var pkts []rec
	now := uint32(0xFFFFFF00) // wraps during the test
	for range 40 {
		ev, ts, marker, ok := s.next(now)
		if ok {
			pkts = append(pkts, rec{ev, ts, marker})
			if d, isNew := r.receive(7, ts, marker, ev); isNew {
				got = append(got, d)
			}
		}
		now += 160
	}
	if string(got) != "11" {
		t.Fatalf("receiver saw %q, want \"11\"", got)
	}
	if s.busy() {
		t.Fatal("sender still busy after all digits went out")
	}
	// First digit: 5 tone packets then 3 end packets, same timestamp.
	if len(pkts) != 8+5 {
		t.Fatalf("got %d packets, want 13", len(pkts))
	}
	first := pkts[:8]
	for i, p := range first {
		if p.ts != first[0].ts {
			t.Errorf("packet %d timestamp %d differs from event start %d", i, p.ts, first[0].ts)
		}
		if p.marker != (i == 0) {
			t.Errorf("packet %d marker %v", i, p.marker)
		}
		if i < 5 && (p.ev.End || p.ev.Duration != uint16((i+1)*160)) {
			t.Errorf("update %d: %+v", i, p.ev)
		}
		if i >= 5 && (!p.ev.End || p.ev.Duration != 800) {
			t.Errorf("end %d: %+v", i, p.ev)
		}
	}
	second := pkts[8]
	if !second.marker || int32(second.ts-first[0].ts) < 8*160 {
		t.Errorf("second event must start later with marker: %+v", second)
	}
}

func TestTelephoneEventWire(t *testing.T) {
	ev := TelephoneEvent{Event: 11, End: true, Volume: 10, Duration: 1600}
	b := ev.AppendTo(nil)
	if !bytes.Equal(b, []byte{11, 0x8A, 0x06, 0x40}) {
		t.Fatalf("wire form % x", b)
	}
	back, err := ParseTelephoneEvent(b)
	if err != nil || back != ev {
		t.Fatalf("parse back %+v, %v", back, err)
	}
	if _, err := ParseTelephoneEvent([]byte{1, 2, 3}); !errors.Is(err, ErrShortEvent) {
		t.Fatalf("short payload: %v", err)
	}
}

func FuzzParseTelephoneEvent(f *testing.F) {
	f.Add([]byte{5, 0x8A, 0x03, 0x20})
	f.Add([]byte{16, 0x00, 0, 0, 1, 2})
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		ev, err := ParseTelephoneEvent(data)
		if err != nil {
			if len(data) >= 4 {
				t.Fatalf("rejected %d-byte payload: %v", len(data), err)
			}
			return
		}
		b := ev.AppendTo(nil)
		if b[0] != data[0] || b[1] != data[1]&^0x40 || b[2] != data[2] || b[3] != data[3] {
			t.Fatalf("round trip % x -> % x", data[:4], b)
		}
		// Drive the receiver with packets cut from the input: it must
		// never panic and only ever report real digits.
		var r eventReceiver
		for i := 0; i+10 <= len(data); i += 10 {
			p := data[i : i+10]
			ev, _ := ParseTelephoneEvent(p[6:])
			ts := uint32(p[0])<<24 | uint32(p[1])<<16 | uint32(p[2])<<8 | uint32(p[3])
			if d, ok := r.receive(uint32(p[4]&1), ts, p[5]&1 == 1, ev); ok && bytes.IndexByte([]byte(dtmfDigits), d) < 0 {
				t.Fatalf("reported non-digit %q", d)
			}
		}
	})
}
