package alert

import (
	"math"
	"math/rand"
	"testing"
	"time"
)

var t0 = time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)

// run feeds readings taken every 2 s (NaN: no reading) through Step and
// returns the events with the offset (seconds) of the evaluation.
func run(r Rule, values []float64) ([]Event, []int, State) {
	var s State
	var evs []Event
	var at []int
	for i, v := range values {
		in := Value(v)
		if math.IsNaN(v) {
			in = Reading{}
		}
		var e Event
		s, e = Step(s, in, r, t0.Add(time.Duration(2*i)*time.Second))
		if e.Kind != EventNone {
			evs = append(evs, e)
			at = append(at, 2*i)
		}
	}
	return evs, at, s
}

func kinds(evs []Event) []string {
	var out []string
	for _, e := range evs {
		out = append(out, string(e.Kind)+":"+string(e.Level))
	}
	return out
}

func repeat(v float64, n int) []float64 {
	out := make([]float64, n)
	for i := range out {
		out[i] = v
	}
	return out
}

func concat(parts ...[]float64) []float64 {
	var out []float64
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

// noise is n values around mid within ±amp, reproducible.
func noise(seed int64, mid, amp float64, n int) []float64 {
	rng := rand.New(rand.NewSource(seed))
	out := make([]float64, n)
	for i := range out {
		out[i] = mid + amp*(2*rng.Float64()-1)
	}
	return out
}

func TestStep(t *testing.T) {
	waiting := Rule{Metric: MetricWaiting, Enabled: true, Warning: 5, Critical: 10}
	withHyst := waiting
	withHyst.Hysteresis = 2
	withHold := waiting
	withHold.HoldSec = 10
	sl := Rule{Metric: MetricServiceLevel, Enabled: true, Warning: 80, Critical: 70, WindowMin: 30, Hysteresis: 3}
	nan := math.NaN()
	// Noise around the warning level that dips under the hysteresis margin
	// (≤ 4) now and then, never for the 6 s hold (4 evaluations in a row).
	noisy := noise(2, 5, 1.5, 300)
	if dips, longest := runs(noisy, 4); dips == 0 || longest >= 4 {
		t.Fatalf("the noise has %d dips under the margin, the longest %d evaluations", dips, longest)
	}
	cases := []struct {
		name  string
		rule  Rule
		in    []float64
		want  []string
		open  bool // still open at the end
		check func(t *testing.T, evs []Event, at []int, s State)
	}{
		{name: "below the level: nothing", rule: waiting, in: repeat(5, 20), want: nil},
		{name: "past and back: one episode", rule: waiting, in: concat(repeat(3, 3), repeat(7, 5), repeat(2, 3)),
			want: []string{"opened:warning", "closed:"}},
		{name: "without hysteresis or hold a level flaps", rule: waiting, in: []float64{6, 5, 6, 5, 6, 5},
			want: []string{"opened:warning", "closed:", "opened:warning", "closed:", "opened:warning", "closed:"}},
		{name: "hysteresis: noise at the level is one episode", rule: withHyst,
			in: concat(repeat(2, 3), []float64{6}, noise(1, 5, 1.9, 200), repeat(2, 2)), want: []string{"opened:warning", "closed:"}},
		{name: "hysteresis: must come back by the margin", rule: withHyst, in: []float64{6, 4, 3.5, 3.1, 3},
			want: []string{"opened:warning", "closed:"},
			check: func(t *testing.T, evs []Event, at []int, s State) {
				if at[1] != 8 { // 3 is the first value not past 5 − 2
					t.Errorf("closed at %d s, want 8 s", at[1])
				}
			}},
		{name: "hold: a short breach opens nothing", rule: withHold, in: concat(repeat(8, 5), repeat(1, 10)), want: nil},
		{name: "hold: opens after the hold, dated when it crossed", rule: withHold, in: concat(repeat(1, 2), repeat(8, 8)),
			want: []string{"opened:warning"}, open: true,
			check: func(t *testing.T, evs []Event, at []int, s State) {
				if at[0] != 14 || !evs[0].At.Equal(t0.Add(4*time.Second)) || !s.Since.Equal(t0.Add(4*time.Second)) {
					t.Errorf("opened at evaluation %d s, dated %v (since %v); want 14 s dated %v", at[0], evs[0].At, s.Since, t0.Add(4*time.Second))
				}
			}},
		{name: "hold: dips shorter than the hold keep one episode", rule: withHold,
			in:   concat(repeat(7, 6), []float64{7, 4, 7, 3, 7, 7, 4, 4, 7, 4, 7}, repeat(2, 6)),
			want: []string{"opened:warning", "closed:"}},
		{name: "hold and noise both ways: one episode", rule: Rule{Metric: MetricWaiting, Warning: 5, Critical: 10, Hysteresis: 1, HoldSec: 6},
			in: concat(repeat(0, 3), repeat(7, 5), noisy, repeat(0, 5)), want: []string{"opened:warning", "closed:"}},
		{name: "escalation and back inside one episode", rule: waiting, in: []float64{6, 11, 12, 8, 11, 3},
			want: []string{"opened:warning", "escalated:critical", "deescalated:warning", "escalated:critical", "closed:"},
			check: func(t *testing.T, evs []Event, at []int, s State) {
				if s.Open {
					t.Error("still open")
				}
			}},
		{name: "straight to critical", rule: waiting, in: []float64{0, 15, 15}, want: []string{"opened:critical"}, open: true,
			check: func(t *testing.T, evs []Event, at []int, s State) {
				if s.Max != LevelCritical || s.Peak != 15 {
					t.Errorf("state %+v", s)
				}
			}},
		{name: "critical with hysteresis stays until under critical − margin", rule: withHyst, in: []float64{11, 9, 8.5, 8, 7},
			want: []string{"opened:critical", "deescalated:warning"}, open: true,
			check: func(t *testing.T, evs []Event, at []int, s State) {
				if at[1] != 6 || s.Max != LevelCritical || s.Level != LevelWarning || s.Peak != 11 || s.Last != 7 {
					t.Errorf("deescalated at %d s; state %+v", at[1], s)
				}
			}},
		{name: "hold applies to escalation too", rule: withHold, in: concat(repeat(6, 6), repeat(12, 4), repeat(12, 3)),
			want: []string{"opened:warning", "escalated:critical"}, open: true,
			check: func(t *testing.T, evs []Event, at []int, s State) {
				if at[1] != 22 {
					t.Errorf("escalated at %d s, want 22 s (12 from 12 s on, held 10 s)", at[1])
				}
			}},
		{name: "wobble between warning and critical while closed still opens", rule: withHold,
			in: []float64{6, 12, 6, 12, 6, 12, 6}, want: []string{"opened:critical"}, open: true}, // at the level of the 6th reading
		{name: "service level: below is bad", rule: sl, in: []float64{90, 79, 78, 69, 75, 81, 84},
			want: []string{"opened:warning", "escalated:critical", "deescalated:warning", "closed:"},
			check: func(t *testing.T, evs []Event, at []int, s State) {
				// 75 is not under 70 + 3: de-escalates; 81 is not over 80 + 3: still open; 84 closes.
				if at[2] != 8 || at[3] != 12 {
					t.Errorf("events at %v", at)
				}
			}},
		{name: "service level peak is the lowest value", rule: sl, in: []float64{79, 60, 72, 75}, want: []string{"opened:warning",
			"escalated:critical", "deescalated:warning"}, open: true,
			check: func(t *testing.T, evs []Event, at []int, s State) {
				if s.Peak != 60 || s.Last != 75 || s.Max != LevelCritical {
					t.Errorf("state %+v", s)
				}
			}},
		{name: "no value (empty window) closes", rule: sl, in: []float64{50, 50, nan}, want: []string{"opened:critical", "closed:"}},
		{name: "no value never opens", rule: sl, in: []float64{nan, nan, nan}, want: nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			evs, at, s := run(c.rule, c.in)
			if got := kinds(evs); !equal(got, c.want) {
				t.Fatalf("events %v at %v, want %v", got, at, c.want)
			}
			if s.Open != c.open {
				t.Errorf("open at the end: %v, want %v", s.Open, c.open)
			}
			if c.check != nil {
				c.check(t, evs, at, s)
			}
		})
	}
}

// The opening's peak covers the values seen during the hold.
func TestStepPeakDuringHold(t *testing.T) {
	r := Rule{Metric: MetricLongestWait, Warning: 60, Critical: 120, HoldSec: 4}
	evs, _, s := run(r, []float64{30, 70, 95, 80})
	if len(evs) != 1 || evs[0].Kind != EventOpened || s.Peak != 95 || s.Last != 80 {
		t.Fatalf("events %v state %+v", kinds(evs), s)
	}
}

// Closing dates the end when the figure came back, not when the hold
// confirmed it.
func TestStepCloseDatedWhenBack(t *testing.T) {
	r := Rule{Metric: MetricWaiting, Warning: 0, Critical: 3, HoldSec: 4}
	evs, at, _ := run(r, []float64{2, 2, 2, 0, 0, 0, 0})
	if len(evs) != 2 || evs[1].Kind != EventClosed || at[1] != 10 || !evs[1].At.Equal(t0.Add(6*time.Second)) {
		t.Fatalf("events %v at %v (%v)", kinds(evs), at, evs)
	}
}

func TestClose(t *testing.T) {
	if s, e := Close(State{}, t0); e.Kind != EventNone || s.Open {
		t.Errorf("closing a closed state: %+v %+v", s, e)
	}
	s, e := Close(State{Open: true, Level: LevelWarning}, t0)
	if e.Kind != EventClosed || !e.At.Equal(t0) || s.Open {
		t.Errorf("close: %+v %+v", s, e)
	}
}

// runs counts the values ≤ max and the longest run of them.
func runs(vs []float64, max float64) (n, longest int) {
	cur := 0
	for _, v := range vs {
		if v <= max {
			n++
			cur++
			longest = maxInt(longest, cur)
		} else {
			cur = 0
		}
	}
	return n, longest
}

func maxInt(a, b int) int {
	if a > b {
		return a
	}
	return b
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// The same noise with hysteresis but no hold flaps: the hold is what keeps
// it to one episode.
func TestStepNoiseWithoutHoldFlaps(t *testing.T) {
	r := Rule{Metric: MetricWaiting, Warning: 5, Critical: 10, Hysteresis: 1}
	evs, _, _ := run(r, concat(repeat(7, 5), noise(2, 5, 1.5, 300)))
	if len(evs) < 4 {
		t.Fatalf("events %v: the noise does not cross the margin, so the hold test proves nothing", kinds(evs))
	}
}

// FuzzStep feeds arbitrary rules and figures through Step and checks the
// episode invariants: openings and closings alternate, level changes
// happen only inside an episode and in the right direction, and the state
// agrees with the events.
func FuzzStep(f *testing.F) {
	f.Add(uint8(0), uint16(5), uint16(10), uint8(1), uint8(10), []byte{3, 7, 6, 12, 5, 4, 2, 0})
	f.Add(uint8(2), uint16(80), uint16(70), uint8(2), uint8(0), []byte{90, 79, 60, 75, 85, 255})
	f.Fuzz(func(t *testing.T, metric uint8, warn, crit uint16, hyst, hold uint8, values []byte) {
		r := Rule{Metric: Metrics[int(metric)%len(Metrics)], Enabled: true, Warning: float64(warn % 1000), Critical: float64(crit % 1000),
			Hysteresis: float64(hyst % 20), HoldSec: int(hold % 30)}
		if r.Metric.Windowed() {
			r.WindowMin = 30
		}
		if r.Validate() != nil {
			return
		}
		var s State
		now := t0
		for i, b := range values {
			in := Value(float64(b))
			if b == 255 {
				in = Reading{}
			}
			open := s.Open
			var e Event
			s, e = Step(s, in, r, now)
			switch e.Kind {
			case EventOpened:
				if open || !s.Open || s.Level == LevelNone || s.Max != s.Level {
					t.Fatalf("step %d: opened from open=%v to %+v", i, open, s)
				}
			case EventClosed:
				if !open || s.Open {
					t.Fatalf("step %d: closed from open=%v to %+v", i, open, s)
				}
			case EventEscalated, EventDeescalated:
				if !open || !s.Open || (e.Kind == EventEscalated) != (s.Level == LevelCritical) {
					t.Fatalf("step %d: %s to %+v", i, e.Kind, s)
				}
			case EventNone:
				if open != s.Open {
					t.Fatalf("step %d: open changed without an event", i)
				}
			}
			if s.Open && (s.Level == LevelNone || s.Level.Worse(s.Max)) {
				t.Fatalf("step %d: state %+v", i, s)
			}
			now = now.Add(2 * time.Second)
		}
	})
}
