package bustest

import (
	"context"
	"sync/atomic"
	"testing"

	"github.com/hotline-cc/hotline/internal/bus"
)

// Bench measures publish→deliver on one implementation.
func Bench(b *testing.B, h Harness) {
	b.Run("PublishDeliver", func(b *testing.B) { benchRoundTrip(b, h.Setup(b)(b, bus.Options{Logger: quiet})) })
	b.Run("PublishParallel", func(b *testing.B) { benchParallel(b, h.Setup(b)(b, bus.Options{Buffer: 1 << 16, Logger: quiet})) })
}

// benchRoundTrip: one event at a time, from Publish to the handler: the
// latency a live screen sees.
func benchRoundTrip(b *testing.B, bs bus.Bus) {
	got := make(chan struct{}, 1)
	if _, err := bs.Subscribe(context.Background(), bus.All, func(bus.Event) { got <- struct{}{} }); err != nil {
		b.Fatal(err)
	}
	ev, _ := bus.NewEvent("hotline.call.bench", "step", map[string]int{"agent": 7})
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		ev.ID = ""
		if err := bs.Publish(ctx, ev); err != nil {
			b.Fatal(err)
		}
		<-got
	}
}

// benchParallel: many publishers, one subscriber; ends when every event
// was delivered or dropped (the benchmark reports drops).
func benchParallel(b *testing.B, bs bus.Bus) {
	var seen atomic.Int64
	notify := make(chan struct{}, 1)
	sub, err := bs.Subscribe(context.Background(), bus.All, func(bus.Event) {
		seen.Add(1)
		select {
		case notify <- struct{}{}:
		default:
		}
	})
	if err != nil {
		b.Fatal(err)
	}
	var published atomic.Int64
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		ev, _ := bus.NewEvent("hotline.call.bench", "step", map[string]int{"agent": 7})
		for pb.Next() {
			ev.ID = ""
			if err := bs.Publish(context.Background(), ev); err != nil {
				b.Error(err)
				return
			}
			published.Add(1)
		}
	})
	// The newest event is never dropped, so this ends once it arrives.
	for seen.Load()+int64(sub.Dropped()) < published.Load() {
		<-notify
	}
	b.ReportMetric(float64(sub.Dropped()), "dropped")
}
