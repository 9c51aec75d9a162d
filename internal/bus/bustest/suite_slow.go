package bustest

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/hotline-cc/hotline/internal/bus"
)

// blocker is a handler that records events and blocks on the first one
// until released, standing in for a stuck subscriber.
type blocker struct {
	*Collector
	started chan struct{}
	release chan struct{}
	once    sync.Once
}

func newBlocker(t testing.TB) *blocker {
	bl := &blocker{Collector: NewCollector(), started: make(chan struct{}), release: make(chan struct{})}
	t.Cleanup(bl.Release)
	return bl
}

func (bl *blocker) Handle(ev bus.Event) {
	bl.Collector.Handle(ev)
	select {
	case <-bl.started:
	default:
		close(bl.started)
		<-bl.release
	}
}

func (bl *blocker) Release() { bl.once.Do(func() { close(bl.release) }) }

func (bl *blocker) waitStarted(t testing.TB) {
	t.Helper()
	select {
	case <-bl.started:
	case <-time.After(Wait):
		t.Fatal("handler was never called")
	}
}

// waitFor polls cond (state the bus exposes only by polling) until it holds.
func waitFor(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(Wait)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("waited %v for %s", Wait, what)
		}
		time.Sleep(time.Millisecond)
	}
}

func testSlowSubscriber(t *testing.T, open Opener) {
	b := open(t, bus.Options{Buffer: 4, Logger: quiet})
	bl := newBlocker(t)
	sub, err := b.Subscribe(context.Background(), bus.All, bl.Handle)
	if err != nil {
		t.Fatal(err)
	}
	ids := []string{Publish(t, b, "hotline.call.1", "step", seqData{Seq: 0}).ID}
	bl.waitStarted(t)
	for i := 1; i < 20; i++ { // returns although nobody takes the events
		ids = append(ids, Publish(t, b, "hotline.call.1", "step", seqData{Seq: i}).ID)
	}
	waitFor(t, "15 drops", func() bool { return sub.Dropped() == 15 })
	if p := sub.Pending(); p != 4 {
		t.Errorf("Pending = %d, want 4 (the buffer)", p)
	}
	bl.Release()
	want := append([]string{ids[0]}, ids[16:]...) // the oldest were dropped
	if got := idsOf(bl.WaitCount(t, 5)); !slices.Equal(got, want) {
		t.Errorf("got %v, want the first and the 4 newest %v", got, want)
	}
}

func testHandlerPanic(t *testing.T, open Opener) {
	b := open(t, bus.Options{Logger: quiet})
	c := NewCollector()
	_, err := b.Subscribe(context.Background(), bus.All, func(ev bus.Event) {
		if ev.Type == "boom" {
			panic("handler bug")
		}
		c.Handle(ev)
	})
	if err != nil {
		t.Fatal(err)
	}
	Publish(t, b, "hotline.call.1", "boom", nil)
	c.WaitID(t, Publish(t, b, "hotline.call.1", "fine", nil).ID)
}

func testCloseDrains(t *testing.T, open Opener) {
	b := open(t, bus.Options{})
	bl := newBlocker(t)
	sub, err := b.Subscribe(context.Background(), bus.All, bl.Handle)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	ids = append(ids, Publish(t, b, "hotline.call.1", "one", nil).ID)
	bl.waitStarted(t)
	ids = append(ids, Publish(t, b, "hotline.call.1", "two", nil).ID)
	ids = append(ids, Publish(t, b, "hotline.call.1", "three", nil).ID)
	waitFor(t, "2 buffered events", func() bool { return sub.Pending() == 2 })
	closed := make(chan error, 1)
	go func() { closed <- b.Close() }()
	bl.Release()
	if got := idsOf(bl.WaitCount(t, 3)); !slices.Equal(got, ids) {
		t.Errorf("Close delivered %v, want %v", got, ids)
	}
	select {
	case err := <-closed:
		if err != nil {
			t.Errorf("Close: %v", err)
		}
	case <-time.After(Wait):
		t.Fatal("Close did not return")
	}
	waitDone(t, sub)
}

func testCloseTimeout(t *testing.T, open Opener) {
	b := open(t, bus.Options{DrainTimeout: 100 * time.Millisecond, Logger: quiet})
	bl := newBlocker(t) // never released before Close
	sub, err := b.Subscribe(context.Background(), bus.All, bl.Handle)
	if err != nil {
		t.Fatal(err)
	}
	Publish(t, b, "hotline.call.1", "one", nil)
	bl.waitStarted(t)
	Publish(t, b, "hotline.call.1", "two", nil)
	closed := make(chan error, 1)
	go func() { closed <- b.Close() }()
	select {
	case <-closed:
	case <-time.After(Wait):
		t.Fatal("Close waited for a stuck handler beyond DrainTimeout")
	}
	bl.Release()
	waitDone(t, sub)
	if got := bl.Events(); len(got) != 1 {
		t.Errorf("after a timed-out Close the handler got %s", describe(got))
	}
}
