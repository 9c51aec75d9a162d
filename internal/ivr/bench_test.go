package ivr

import (
	"context"
	"log/slog"
	"slices"
	"testing"
	"time"
)

// benchChannel reports the moment each Play is called; its playbacks last
// until stopped, so every key interrupts a prompt, as when a caller barges in.
type benchChannel struct {
	digits chan rune
	played chan time.Time
}

type benchPlayback struct{ done chan struct{} }

func (p *benchPlayback) Done() <-chan struct{} { return p.done }
func (p *benchPlayback) Stop() {
	select {
	case <-p.done:
	default:
		close(p.done)
	}
}

func (c *benchChannel) Digits() <-chan rune { return c.digits }
func (c *benchChannel) Play(context.Context, []Prompt) (Playback, error) {
	c.played <- time.Now()
	return &benchPlayback{done: make(chan struct{})}, nil
}

// BenchmarkDecisionLatency measures the interpreter's part of "key press →
// next prompt starts": from sending a key on the Digits channel to the Play
// call of the next menu (stop the current prompt, look up the choice, enter
// the node, expand and start its prompt), with an observer attached as the
// call layer will have. It reports the median and 99th percentile.
//
//	go test -run XXX -bench DecisionLatency ./internal/ivr
func BenchmarkDecisionLatency(b *testing.B) {
	menu := func(next string) *Node {
		return &Node{Type: TypeMenu, Prompt: Prompts{{Text: "按1继续 {{caller}}", Lang: "zh-CN"}},
			Choices: map[string]string{"1": next}, Timeout: 60 * Second, OnFail: next}
	}
	flow := newFlow("bench", "a", map[string]*Node{"a": menu("b"), "b": menu("a")})
	ch := &benchChannel{digits: make(chan rune, 64), played: make(chan time.Time, 1)}
	events := 0
	env := Env{Channel: ch, Vars: map[string]string{VarCaller: "13800000000"},
		Observer: func(Event) { events++ }, Log: slog.New(slog.DiscardHandler), MaxSteps: 1 << 30}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		Run(ctx, flow, env)
	}()
	<-ch.played
	var lat []time.Duration
	for b.Loop() {
		t0 := time.Now()
		ch.digits <- '1'
		lat = append(lat, (<-ch.played).Sub(t0))
	}
	b.StopTimer()
	cancel()
	<-done
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Nanoseconds()), "p50-ns")
	b.ReportMetric(float64(lat[len(lat)*99/100].Nanoseconds()), "p99-ns")
}
