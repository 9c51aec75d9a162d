package bus

import (
	"context"
	"log/slog"
	"runtime/debug"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// subscription is the delivery side both implementations share: a
// drop-oldest ring buffer filled by push (never blocking the bus) and
// emptied by one goroutine calling the handler.
type subscription struct {
	pattern string
	toks    []string
	handler func(Event)
	log     *slog.Logger
	detach  func() // removes it from its bus; set before run starts

	mu       sync.Mutex
	ring     []Event
	head, n  int
	state    subState
	stopCtx  func() bool // unregisters the context.AfterFunc
	wake     chan struct{}
	done     chan struct{}
	dropped  atomic.Uint64
	stopOnce sync.Once
}

type subState int

const (
	subActive   subState = iota
	subDraining          // deliver what is buffered, then end
	subStopped           // deliver nothing more
)

func newSubscription(pattern string, handler func(Event), buffer int, log *slog.Logger) *subscription {
	return &subscription{
		pattern: pattern,
		toks:    strings.Split(pattern, "."),
		handler: handler,
		log:     log.With("pattern", pattern),
		ring:    make([]Event, buffer),
		wake:    make(chan struct{}, 1),
		done:    make(chan struct{}),
	}
}

// start runs the delivery goroutine and ties the subscription to ctx.
func (s *subscription) start(ctx context.Context) {
	go s.run()
	stop := context.AfterFunc(ctx, func() { _ = s.Unsubscribe() })
	s.mu.Lock()
	s.stopCtx = stop
	s.mu.Unlock()
}

func (s *subscription) Pattern() string       { return s.pattern }
func (s *subscription) Dropped() uint64       { return s.dropped.Load() }
func (s *subscription) Done() <-chan struct{} { return s.done }

func (s *subscription) Pending() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.n
}

func (s *subscription) matches(subject string) bool { return matchTokens(s.toks, subject) }

// Unsubscribe implements Subscription.
func (s *subscription) Unsubscribe() error {
	s.stopOnce.Do(func() {
		s.stop()
		s.mu.Lock()
		stop := s.stopCtx
		s.mu.Unlock()
		if stop != nil {
			stop()
		}
		s.detach()
	})
	return nil
}

// push buffers ev, dropping the oldest buffered event when full.
func (s *subscription) push(ev Event) {
	s.mu.Lock()
	if s.state != subActive {
		s.mu.Unlock()
		return
	}
	if s.n == len(s.ring) {
		s.ring[s.head] = Event{}
		s.head = (s.head + 1) % len(s.ring)
		s.n--
		if d := s.dropped.Add(1); d == 1 || d%1000 == 0 {
			s.log.Warn("bus: subscriber too slow, dropped oldest events", "dropped_total", d)
		}
	}
	s.ring[(s.head+s.n)%len(s.ring)] = ev
	s.n++
	s.mu.Unlock()
	s.signal()
}

func (s *subscription) signal() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

func (s *subscription) setState(st subState) {
	s.mu.Lock()
	if st > s.state {
		s.state = st
	}
	if st == subStopped {
		clear(s.ring)
		s.n = 0
	}
	s.mu.Unlock()
	s.signal()
}

func (s *subscription) drain() { s.setState(subDraining) }
func (s *subscription) stop()  { s.setState(subStopped) }

func (s *subscription) run() {
	defer close(s.done)
	for {
		ev, ok := s.next()
		if !ok {
			return
		}
		s.deliver(ev)
	}
}

// next waits for the next event; false when the subscription has ended.
func (s *subscription) next() (Event, bool) {
	for {
		s.mu.Lock()
		switch {
		case s.state == subStopped:
			s.mu.Unlock()
			return Event{}, false
		case s.n > 0:
			ev := s.ring[s.head]
			s.ring[s.head] = Event{}
			s.head = (s.head + 1) % len(s.ring)
			s.n--
			s.mu.Unlock()
			return ev, true
		case s.state == subDraining:
			s.mu.Unlock()
			return Event{}, false
		}
		s.mu.Unlock()
		<-s.wake
	}
}

// deliver calls the handler; a panicking handler is logged, not fatal, so
// one faulty subscriber cannot take the calls of a whole node down.
func (s *subscription) deliver(ev Event) {
	defer func() {
		if r := recover(); r != nil {
			s.log.Error("bus: handler panicked", "subject", ev.Subject, "type", ev.Type,
				"panic", r, "stack", string(debug.Stack()))
		}
	}()
	s.handler(ev)
}

// drainAll lets every subscription deliver what it buffered, waits for at
// most timeout in all, then stops those still busy.
func drainAll(subs []*subscription, timeout time.Duration, log *slog.Logger) {
	for _, s := range subs {
		s.drain()
	}
	deadline := time.NewTimer(max(timeout, 0))
	defer deadline.Stop()
	for _, s := range subs {
		select {
		case <-s.done:
		case <-deadline.C:
			log.Warn("bus: handlers did not finish buffered events before the drain timeout; discarding the rest")
			for _, s := range subs {
				_ = s.Unsubscribe()
			}
			return
		}
	}
	for _, s := range subs {
		_ = s.Unsubscribe() // releases the context hook
	}
}
