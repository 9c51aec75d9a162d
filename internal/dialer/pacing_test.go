package dialer

import (
	"math"
	"testing"
	"time"
)

func TestToDial(t *testing.T) {
	p := NewPacer(0.03, 3) // prior answer rate 1/2
	cases := []struct {
		mode string
		load Load
		want int
	}{
		{Preview, Load{Free: 5}, 0},
		{Progressive, Load{Free: 5}, 5},
		{Progressive, Load{Free: 5, Ringing: 3}, 2},
		{Progressive, Load{Free: 5, Waiting: 2, Ringing: 1}, 2},
		{Progressive, Load{Free: 2, Ringing: 3}, 0},
		{Predictive, Load{Free: 0, Ringing: 2}, 0},
		{Predictive, Load{Free: 3, Waiting: 3}, 0},
	}
	for _, c := range cases {
		if got := p.ToDial(c.mode, c.load); got != c.want {
			t.Errorf("ToDial(%s, %+v) = %d, want %d", c.mode, c.load, got, c.want)
		}
	}
	// At a 1 in 4 answer rate predictive dials ahead of progressive, within
	// the risk and the ratio cap.
	for i := 0; i < 60; i++ {
		if i%4 == 0 {
			p.Observe("connected")
		} else {
			p.Observe("busy")
		}
	}
	load := Load{Free: 10}
	n := p.ToDial(Predictive, load)
	if n <= 10 || n > 30 {
		t.Fatalf("predictive dials %d for 10 free agents at 25%% answers, want more than 10 and at most 30", n)
	}
	if tail := binomialTail(n, p.AnswerRate(), 10); tail > p.Risk() {
		t.Fatalf("%d dials risk %.4f of an abandon, over %.4f", n, tail, p.Risk())
	}
	if tail := binomialTail(n+1, p.AnswerRate(), 10); tail <= p.Risk() && n+1 <= 30 {
		t.Fatalf("%d dials stops short: %d would still be within the risk", n, n+1)
	}
}

func TestBinomialTail(t *testing.T) {
	cases := []struct {
		n    int
		p    float64
		k    int
		want float64
	}{
		{4, 0.5, 3, 1.0 / 16},
		{4, 0.5, 4, 0},
		{1, 0.3, 0, 0.3},
		{6, 0.25, 3, 0.0376},
		{10, 0.5, 4, 0.623},
	}
	for _, c := range cases {
		if got := binomialTail(c.n, c.p, c.k); math.Abs(got-c.want) > 0.001 {
			t.Errorf("P(Bin(%d,%.2f) > %d) = %.4f, want %.4f", c.n, c.p, c.k, got, c.want)
		}
	}
}

func TestPacerLearnsAndBacksOff(t *testing.T) {
	p := NewPacer(0.03, 3)
	if r := p.Ratio(); r != 2 {
		t.Fatalf("initial dials per answer %.2f, want 2 (the prior)", r)
	}
	for i := 0; i < 60; i++ {
		p.Observe("connected")
	}
	if r := p.Ratio(); r > 1.1 {
		t.Fatalf("dials per answer %.2f with every dial answered, want about 1", r)
	}
	risk := p.Risk()
	for i := 0; i < 5; i++ {
		p.Observe("abandoned")
	}
	if p.AbandonRate() <= 0.03 || p.Risk() >= risk {
		t.Fatalf("abandon rate %.2f, risk %.4f (was %.4f): the pacer did not back off", p.AbandonRate(), p.Risk(), risk)
	}
}

func TestHours(t *testing.T) {
	h, err := ParseHours("Asia/Shanghai", []string{"mon", "tue", "wed", "thu", "fri"}, []string{"09:00-12:00", "13:30-18:00"})
	if err != nil {
		t.Fatal(err)
	}
	sh, _ := time.LoadLocation("Asia/Shanghai")
	cases := map[string]bool{
		"2026-11-23 09:00": true,  // Monday
		"2026-11-23 08:59": false, // before opening
		"2026-11-23 12:00": false, // lunch
		"2026-11-23 13:30": true,
		"2026-11-23 17:59": true,
		"2026-11-23 18:00": false,
		"2026-11-22 10:00": false, // Sunday
	}
	for s, want := range cases {
		at, _ := time.ParseInLocation("2006-01-02 15:04", s, sh)
		if got := h.Open(at.UTC()); got != want {
			t.Errorf("%s: open %v, want %v", s, got, want)
		}
	}
	for _, bad := range [][]string{{"25:00-26:00"}, {"10:00-09:00"}, {"9-10"}} {
		if _, err := ParseHours("Asia/Shanghai", []string{"mon"}, bad); err == nil {
			t.Errorf("hours %v accepted", bad)
		}
	}
	if _, err := ParseHours("Mars/Olympus", nil, nil); err == nil {
		t.Error("bad time zone accepted")
	}
}
