package bustest

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/hotline-cc/hotline/internal/bus"
)

func testConcurrentPublishers(t *testing.T, open Opener) {
	b := open(t, bus.Options{})
	c1, _ := Subscribe(t, b, bus.All)
	c2, _ := Subscribe(t, b, "hotline.call.*")
	const publishers, each = 8, 50
	var wg sync.WaitGroup
	for p := range publishers {
		wg.Go(func() {
			for i := range each {
				ev, _ := bus.NewEvent("hotline.call.c", "step", seqData{P: p, Seq: i})
				if err := b.Publish(context.Background(), ev); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	got1, got2 := c1.WaitCount(t, publishers*each), c2.WaitCount(t, publishers*each)
	if !slices.Equal(idsOf(got1), idsOf(got2)) {
		t.Error("two subscriptions saw different orders")
	}
	next := make([]int, publishers)
	for _, ev := range got1 {
		d := seqOf(t, ev)
		if d.Seq != next[d.P] {
			t.Fatalf("publisher %d: got seq %d, want %d (lost, duplicated or reordered)", d.P, d.Seq, next[d.P])
		}
		next[d.P]++
	}
}

func testUnsubscribe(t *testing.T, open Opener) {
	b := open(t, bus.Options{})
	gone, sub := Subscribe(t, b, "hotline.call.*")
	stay, _ := Subscribe(t, b, "hotline.call.*")
	first := Publish(t, b, "hotline.call.1", "one", nil)
	gone.WaitID(t, first.ID)
	if err := sub.Unsubscribe(); err != nil {
		t.Fatal(err)
	}
	if err := sub.Unsubscribe(); err != nil {
		t.Errorf("second Unsubscribe: %v", err)
	}
	waitDone(t, sub)
	Publish(t, b, "hotline.call.1", "two", nil)
	last := Publish(t, b, "hotline.call.1", "three", nil)
	stay.WaitID(t, last.ID)
	if got := gone.Events(); len(got) != 1 {
		t.Errorf("after Unsubscribe got %s", describe(got))
	}
}

func waitDone(t testing.TB, sub bus.Subscription) {
	t.Helper()
	select {
	case <-sub.Done():
	case <-time.After(Wait):
		t.Fatalf("subscription %s did not end", sub.Pattern())
	}
}

func testUnsubscribeInHandler(t *testing.T, open Opener) {
	b := open(t, bus.Options{})
	var mu sync.Mutex // the handler runs on another goroutine
	var sub bus.Subscription
	calls := 0
	s, err := b.Subscribe(context.Background(), bus.All, func(bus.Event) {
		mu.Lock()
		defer mu.Unlock()
		calls++
		_ = sub.Unsubscribe()
	})
	if err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	sub = s
	mu.Unlock()
	Publish(t, b, "hotline.call.1", "one", nil)
	waitDone(t, s)
	stay, _ := Subscribe(t, b, bus.All)
	last := Publish(t, b, "hotline.call.1", "two", nil)
	stay.WaitID(t, last.ID)
	mu.Lock()
	defer mu.Unlock()
	if calls != 1 {
		t.Errorf("handler called %d times, want 1", calls)
	}
}

func testContextEnds(t *testing.T, open Opener) {
	b := open(t, bus.Options{})
	ctx, cancel := context.WithCancel(context.Background())
	c := NewCollector()
	sub, err := b.Subscribe(ctx, bus.All, c.Handle)
	if err != nil {
		t.Fatal(err)
	}
	c.WaitID(t, Publish(t, b, "hotline.call.1", "one", nil).ID)
	cancel()
	waitDone(t, sub)
	stay, _ := Subscribe(t, b, bus.All)
	stay.WaitID(t, Publish(t, b, "hotline.call.1", "two", nil).ID)
	if got := c.Events(); len(got) != 1 {
		t.Errorf("after cancel got %s", describe(got))
	}
	if _, err := b.Subscribe(ctx, bus.All, c.Handle); !errors.Is(err, context.Canceled) {
		t.Errorf("Subscribe with a done context: %v, want context.Canceled", err)
	}
}

func testTwoNodes(t *testing.T, open Opener) {
	a, b := open(t, bus.Options{Node: "a"}), open(t, bus.Options{Node: "b"})
	ca, _ := Subscribe(t, a, bus.All)
	cb, _ := Subscribe(t, b, bus.All)
	Publish(t, a, "hotline.agent.1", "ready", nil)
	Publish(t, b, "hotline.agent.2", "ready", nil)
	gotA, gotB := ca.WaitCount(t, 2), cb.WaitCount(t, 2)
	if !slices.Equal(idsOf(gotA), idsOf(gotB)) {
		t.Errorf("nodes saw different events or orders: %s vs %s", describe(gotA), describe(gotB))
	}
	nodes := map[string]string{}
	for _, ev := range gotA {
		nodes[ev.Subject] = ev.Node
	}
	if nodes["hotline.agent.1"] != "a" || nodes["hotline.agent.2"] != "b" {
		t.Errorf("publishing nodes = %v, want agent.1 from a, agent.2 from b", nodes)
	}
}

func testClosed(t *testing.T, open Opener) {
	b := open(t, bus.Options{})
	_, sub := Subscribe(t, b, bus.All)
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	if err := b.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	waitDone(t, sub)
	ev, _ := bus.NewEvent("hotline.call.1", "late", nil)
	if err := b.Publish(context.Background(), ev); !errors.Is(err, bus.ErrClosed) {
		t.Errorf("Publish after Close: %v, want ErrClosed", err)
	}
	if _, err := b.Subscribe(context.Background(), bus.All, func(bus.Event) {}); !errors.Is(err, bus.ErrClosed) {
		t.Errorf("Subscribe after Close: %v, want ErrClosed", err)
	}
	if err := sub.Unsubscribe(); err != nil {
		t.Errorf("Unsubscribe after Close: %v", err)
	}
}
