package bustest

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/hotline-cc/hotline/internal/bus"
)

// Wait bounds every wait for an event. It is a deadline for a failing
// test, not a sleep: passing tests return as soon as the event arrives.
const Wait = 15 * time.Second

// Collector records the events handed to its Handle, for tests.
type Collector struct {
	mu     sync.Mutex
	events []bus.Event
	notify chan struct{}
}

// NewCollector returns an empty collector.
func NewCollector() *Collector { return &Collector{notify: make(chan struct{}, 1)} }

// Handle is a bus handler.
func (c *Collector) Handle(ev bus.Event) {
	c.mu.Lock()
	c.events = append(c.events, ev)
	c.mu.Unlock()
	select {
	case c.notify <- struct{}{}:
	default:
	}
}

// Events returns a copy of what was received so far.
func (c *Collector) Events() []bus.Event {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]bus.Event(nil), c.events...)
}

// WaitUntil waits until done(events) holds, failing the test after Wait.
func (c *Collector) WaitUntil(t testing.TB, what string, done func([]bus.Event) bool) []bus.Event {
	t.Helper()
	deadline := time.NewTimer(Wait)
	defer deadline.Stop()
	for {
		if evs := c.Events(); done(evs) {
			return evs
		}
		select {
		case <-c.notify:
		case <-deadline.C:
			t.Fatalf("waited %v for %s; got %d events: %s", Wait, what, len(c.Events()), describe(c.Events()))
		}
	}
}

// WaitID waits for the event with this ID and returns the events received
// before it.
func (c *Collector) WaitID(t testing.TB, id string) []bus.Event {
	t.Helper()
	evs := c.WaitUntil(t, "event "+id, func(evs []bus.Event) bool { return indexID(evs, id) >= 0 })
	return evs[:indexID(evs, id)]
}

// WaitCount waits until n events arrived and returns them.
func (c *Collector) WaitCount(t testing.TB, n int) []bus.Event {
	t.Helper()
	return c.WaitUntil(t, fmt.Sprintf("%d events", n), func(evs []bus.Event) bool { return len(evs) >= n })
}

func indexID(evs []bus.Event, id string) int {
	for i, ev := range evs {
		if ev.ID == id {
			return i
		}
	}
	return -1
}

func describe(evs []bus.Event) string {
	s := ""
	for i, ev := range evs {
		if i == 20 {
			return s + " ..."
		}
		s += fmt.Sprintf(" [%s %s %s]", ev.Subject, ev.Type, ev.Data)
	}
	return s
}
